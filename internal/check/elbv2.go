package check

import (
	"fmt"
	"slices"
)

const (
	lbType       = "aws:lb/loadBalancer:LoadBalancer"
	ruleType     = "aws:lb/listenerRule:ListenerRule"
	lbCertType   = "aws:lb/listenerCertificate:ListenerCertificate"
	tgAttachType = "aws:lb/targetGroupAttachment:TargetGroupAttachment"
	tgType       = "aws:lb/targetGroup:TargetGroup"
	listenerType = "aws:lb/listener:Listener"
	elbAPI       = "https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/"
	albGuide     = "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/"
)

// elbName is what load balancer and target group names allow: letters, digits and hyphens, not
// starting or ending with a hyphen.
const elbName = `[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?`

// albProtocols are the target group protocols of Application Load Balancers.
var albProtocols = []string{"HTTP", "HTTPS"}

var elbv2 = set{
	limits: []Limit{
		{ID: "elbv2.loadbalancer.name", Type: lbType, Path: "name", Len: &Range{1, 32}, Pattern: elbName, Reject: `^internal-`,
			Allowed: "1 to 32 letters, digits and hyphens, not starting or ending with a hyphen, not starting with internal-",
			Source:  elbAPI + "API_CreateLoadBalancer.html"},
		{ID: "elbv2.targetgroup.name", Type: tgType, Path: "name", Len: &Range{1, 32}, Pattern: elbName,
			Allowed: "1 to 32 letters, digits and hyphens, not starting or ending with a hyphen",
			Source:  elbAPI + "API_CreateTargetGroup.html"},
		{ID: "elbv2.loadbalancer.idletimeout", Type: lbType, Path: "idleTimeout", Num: &Range{1, 4000},
			Allowed: "1 to 4000 seconds", Source: elbAPI + "API_LoadBalancerAttribute.html (idle_timeout.timeout_seconds)"},
		{ID: "elbv2.loadbalancer.clientkeepalive", Type: lbType, Path: "clientKeepAlive", Num: &Range{60, 604800},
			Allowed: "60 to 604800 seconds", Source: elbAPI + "API_LoadBalancerAttribute.html (client_keep_alive.seconds)"},
		{ID: "elbv2.loadbalancer.accesslogs.prefix", Type: lbType, Path: "accessLogs.prefix", Reject: `AWSLogs`,
			Allowed: "a prefix that does not contain AWSLogs", Source: albGuide + "load-balancer-access-logs.html"},
		{ID: "elbv2.targetgroup.deregistrationdelay", Type: tgType, Path: "deregistrationDelay", Num: &Range{0, 3600},
			Allowed: "0 to 3600 seconds", Source: elbAPI + "API_TargetGroupAttribute.html (deregistration_delay.timeout_seconds)"},
		{ID: "elbv2.targetgroup.protocolversion", Type: tgType, Path: "protocolVersion", Enum: []string{"HTTP1", "HTTP2", "GRPC"},
			Source: elbAPI + "API_CreateTargetGroup.html"},
		{ID: "elbv2.listenerrule.hostheader", Type: ruleType, Path: "conditions[*].hostHeader.values[*]", Len: &Range{1, 128}, Pattern: `.*\.[A-Za-z]+`,
			Allowed: "host names of at most 128 characters with at least one dot and only letters after the last dot", Source: elbAPI + "API_HostHeaderConditionConfig.html"},
		{ID: "elbv2.listener.forward.weight", Type: listenerType, Path: "defaultActions[*].forward.targetGroups[*].weight", Num: &Range{0, 999},
			Source: elbAPI + "API_TargetGroupTuple.html"},
	},
	rules: []Rule{
		{
			ID: "elbv2.targetgroup.healthcheck.matcher", Types: []string{tgType}, Paths: []string{"healthCheck.matcher"},
			Source: elbAPI + "API_Matcher.html",
			Check: func(r *Resource, report Reporter) {
				v := r.Get("healthCheck.matcher")
				m, ok := text(v)
				if !ok || r.Get("protocolVersion") == "GRPC" {
					return
				}
				lo, hi := 200, 599
				if proto, _ := text(r.Get("protocol")); slices.Contains(albProtocols, proto) || proto == "" {
					hi = 499
				}
				if !httpCodes(m, lo, hi) {
					report("healthCheck.matcher", m, fmt.Sprintf("HTTP codes or ranges between %d and %d (\"200\", \"200,202\", \"200-299\")", lo, hi))
				}
			},
		},
		{
			ID: "elbv2.targetgroup.healthcheck.timeoutinterval", Types: []string{tgType}, Paths: []string{"healthCheck.timeout", "healthCheck.interval"},
			Source: albGuide + "target-group-health-checks.html (the API refuses with \"Health check interval must be greater than the timeout\")",
			Check: func(r *Resource, report Reporter) {
				timeout, ok1 := number(r.Get("healthCheck.timeout"))
				interval, ok2 := number(r.Get("healthCheck.interval"))
				if ok1 && ok2 && timeout >= interval {
					report("healthCheck.timeout", r.Get("healthCheck.timeout"), fmt.Sprintf("a timeout shorter than the interval (%s s)", num(interval)))
				}
			},
		},
		{
			ID: "elbv2.targetgroup.healthcheck.port", Types: []string{tgType}, Paths: []string{"healthCheck.port"},
			Source: elbAPI + "API_CreateTargetGroup.html (HealthCheckPort)",
			Check: func(r *Resource, report Reporter) {
				v := r.Get("healthCheck.port")
				if s, ok := text(v); ok && s != "traffic-port" {
					if p, isNum := number(s); !isNum || p < 1 || p > 65535 || p != float64(int(p)) {
						report("healthCheck.port", v, "traffic-port or a port from 1 to 65535")
					}
				}
			},
		},
		{
			ID: "elbv2.targetgroup.healthcheck.protocolsupport", Types: []string{tgType}, Paths: []string{"healthCheck.protocol"},
			Source: elbAPI + "API_CreateTargetGroup.html (HealthCheckProtocol)",
			Check: func(r *Resource, report Reporter) {
				hc, ok := text(r.Get("healthCheck.protocol"))
				if !ok {
					return
				}
				proto, _ := text(r.Get("protocol"))
				switch {
				case !slices.Contains([]string{"HTTP", "HTTPS", "TCP"}, hc):
					report("healthCheck.protocol", hc, "HTTP, HTTPS or TCP (GENEVE, TLS, UDP, TCP_UDP, QUIC and TCP_QUIC do not health-check)")
				case hc == "TCP" && slices.Contains(albProtocols, proto):
					report("healthCheck.protocol", hc, "HTTP or HTTPS health checks for an HTTP or HTTPS target group")
				}
			},
		},
		{
			ID: "elbv2.targetgroup.slowstart", Types: []string{tgType}, Paths: []string{"slowStart"},
			Source: elbAPI + "API_TargetGroupAttribute.html (slow_start.duration_seconds)",
			Check: func(r *Resource, report Reporter) {
				if v, ok := number(r.Inputs["slowStart"]); ok && v != 0 && (v < 30 || v > 900) {
					report("slowStart", r.Inputs["slowStart"], "0 (off) or 30 to 900 seconds")
				}
			},
		},
		{
			ID: "elbv2.loadbalancer.subnets", Types: []string{lbType}, Paths: []string{"subnets[*]"},
			Source: elbAPI + "API_CreateLoadBalancer.html (Subnets)",
			Check: func(r *Resource, report Reporter) {
				subnets, ok := r.Inputs["subnets"].([]any)
				kind, _ := text(r.Inputs["loadBalancerType"])
				if ok && (kind == "" || kind == "application") && len(subnets) < 2 && r.Inputs["subnetMappings"] == nil {
					report("subnets", len(subnets), "subnets in at least two Availability Zones for an Application Load Balancer")
				}
			},
		},
		{
			ID: "elbv2.listener.certificate", Types: []string{listenerType}, Paths: []string{"certificateArn"},
			Source: elbAPI + "API_CreateListener.html (Certificates)",
			Check: func(r *Resource, report Reporter) {
				proto, _ := text(r.Inputs["protocol"])
				if (proto == "HTTPS" || proto == "TLS") && r.Inputs["certificateArn"] == nil {
					report("certificateArn", nil, "exactly one certificate for an HTTPS or TLS listener")
				}
			},
		},
		{
			ID: "elbv2.listener.redirect.port", Types: []string{listenerType}, Paths: []string{"defaultActions[*].redirect.port"},
			Source: elbAPI + "API_RedirectActionConfig.html",
			Check: func(r *Resource, report Reporter) {
				r.Each("defaultActions[*].redirect.port", func(path string, v any) {
					if s, ok := text(v); ok && s != "#{port}" {
						if p, isNum := number(s); !isNum || p < 1 || p > 65535 {
							report(path, v, "1 to 65535 or #{port}")
						}
					}
				})
			},
		},
	},
	classes: slices.Concat(
		classify(lbType, Reference, "the access log bucket's name", "accessLogs.bucket"),
		classify(lbType, Reference, "ids of the load balancer's security groups and subnets", "securityGroups[*]", "subnets[*]", "subnetMappings[*].subnetId", "subnetMappings[*].allocationId"),
		classify(lbType, Boolean, "load balancer attributes that take true or false (API_LoadBalancerAttribute)", "accessLogs.enabled", "dropInvalidHeaderFields",
			"enableDeletionProtection", "internal", "enableHttp2", "enableCrossZoneLoadBalancing", "enableWafFailOpen", "preserveHostHeader",
			"enableTlsVersionAndCipherSuiteHeaders", "enableXffClientPort", "enableZonalShift"),
		classify(tgType, Reference, "the VPC's id", "vpcId"),
		classify(tgType, Boolean, "health checks on or off", "healthCheck.enabled"),
		classify(listenerType, Reference, "ARNs of the load balancer, certificate and target groups", "loadBalancerArn", "certificateArn",
			"defaultActions[*].targetGroupArn", "defaultActions[*].forward.targetGroups[*].arn"),
		classify(ruleType, Reference, "ARNs of the listener and target groups", "listenerArn", "actions[*].targetGroupArn", "actions[*].forward.targetGroups[*].arn"),
		classify(tgAttachType, Reference, "the target group's ARN and the target's id and zone", "targetGroupArn", "targetId", "availabilityZone"),
		classify(lbCertType, Reference, "ARNs of the listener and certificate", "listenerArn", "certificateArn"),
		classify(listenerType, Catalog, "a predefined ELB security policy name (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/describe-ssl-policies.html)", "sslPolicy"),
	),
}
