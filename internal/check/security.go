package check

import "fmt"

const (
	rdsType               = "aws:rds/instance:Instance"
	lightsailDatabaseType = "aws:lightsail/database:Database"
	ecsServiceType        = "aws:ecs/service:Service"
)

// publicIPs are the properties that give a resource a public IPv4 address, by type.
var publicIPs = map[string][]string{
	ltType:         {"networkInterfaces[*].associatePublicIpAddress"},
	instanceType:   {"associatePublicIpAddress"},
	subnetType:     {"mapPublicIpOnLaunch"},
	ecsServiceType: {"networkConfiguration.assignPublicIp"},
}

// metadataTokens are the properties that decide whether instance metadata needs a session token
// (IMDSv2), by type.
var metadataTokens = map[string][]string{
	ltType:               {"metadataOptions.httpTokens"},
	instanceType:         {"metadataOptions.httpTokens"},
	ibInfrastructureType: {"instanceMetadataOptions.httpTokens"},
}

// webPorts are the ports a security group may open to the whole internet without an opt-in.
var webPorts = []float64{80, 443}

// security holds the findings that are deliberate opt-ins: they are warnings when an OptIn names
// the resource and violations otherwise.
var security = set{rules: []Rule{
	{
		ID: "security.database.public", Types: []string{rdsType, lightsailDatabaseType}, Paths: []string{"publiclyAccessible"}, Security: true,
		Source: "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html; https://docs.aws.amazon.com/lightsail/2016-11-28/api-reference/API_CreateRelationalDatabase.html",
		Check: func(r *Resource, report Reporter) {
			if truthy(r.Inputs["publiclyAccessible"]) {
				report("publiclyAccessible", true, "a database reachable only from inside AWS (publiclyAccessible false)")
			}
		},
	},
	{
		ID: "security.publicip", Types: keys(publicIPs), Paths: concat(publicIPs), Security: true,
		Source: "https://docs.aws.amazon.com/vpc/latest/userguide/vpc-ip-addressing.html#vpc-public-ipv4-addresses",
		Check: func(r *Resource, report Reporter) {
			for _, p := range publicIPs[r.Type] {
				r.Each(p, func(path string, v any) {
					if truthy(v) || v == "ENABLED" {
						report(path, v, "no public IPv4 address (instances and tasks reach out through NAT or VPC endpoints)")
					}
				})
			}
		},
	},
	{
		// Unset, EC2 takes the AMI's or the account's default, which may allow IMDSv1.
		ID: "security.imdsv2", Types: keys(metadataTokens), Paths: concat(metadataTokens), Security: true,
		Source: "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-IMDS-new-instances.html",
		Check: func(r *Resource, report Reporter) {
			p := metadataTokens[r.Type][0]
			v := r.Get(p)
			if v == nil && r.Type == instanceType && r.Get("launchTemplate") != nil {
				return // the launch template's options apply, and it is judged itself
			}
			if v != "required" {
				report(p, v, "instance metadata only with a session token (httpTokens required, IMDSv2)")
			}
		},
	},
	{
		ID: "security.ingress.open", Types: sgRuleTypes, Paths: sgRulePaths("cidrIpv4", "cidrIpv6", "cidrBlocks[*]", "ipv6CidrBlocks[*]"), Security: true,
		Source: "https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html",
		Check: func(r *Resource, report Reporter) {
			for _, s := range sgRules(r) {
				if !s.ingress {
					continue
				}
				for _, k := range append(s.v4, s.v6...) {
					for _, v := range s.values(k) {
						if v != "0.0.0.0/0" && v != "::/0" {
							continue
						}
						from, _ := number(s.body["fromPort"])
						to, _ := number(s.body["toPort"])
						proto := protocolName(s.body[s.protocol])
						if proto == "tcp" && from == to && (from == webPorts[0] || from == webPorts[1]) {
							continue
						}
						report(s.at(k), v, fmt.Sprintf("ingress from the whole internet only on tcp port 80 or 443 (this rule: %s %v-%v)", proto, s.body["fromPort"], s.body["toPort"]))
					}
				}
			}
		},
	},
}}

func keys(m map[string][]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

func concat(m map[string][]string) []string {
	var out []string
	for _, v := range m {
		out = append(out, v...)
	}
	return out
}
