package loadbalancer

import (
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/acm"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/elb"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lb"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/route53"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-iac/strata/components/app"
	"github.com/strata-iac/strata/components/bucket"
	"github.com/strata-iac/strata/components/field"
	"github.com/strata-iac/strata/components/naming"
	"github.com/strata-iac/strata/components/policy"
	"github.com/strata-iac/strata/components/secgroup"
)

// Defaults and fixed settings.
const (
	DefaultIdleTimeoutSeconds      = 60
	DefaultAccessLogsRetentionDays = 90
	// SSLPolicy negotiates TLS 1.3 and 1.2 with forward-secret ciphers only.
	SSLPolicy = "ELBSecurityPolicy-TLS13-1-2-2021-06"
	// LogPrefix is the key prefix of the access logs in their bucket.
	LogPrefix = "alb"
	// deregistrationDelaySeconds lets in-flight requests of a stopping task finish; the default of
	// 300 would slow every deployment for little gain with web requests.
	deregistrationDelaySeconds = 30
	// maxNameLength is AWS's limit on load balancer and target group names.
	maxNameLength = 32
	// Listener rule priorities AWS accepts.
	minPriority, maxPriority = 1, 50000
	// maxCertificates is what one HTTPS listener serves by default: its default certificate and 25
	// more (Elastic Load Balancing quotas, "Certificates per Application Load Balancer").
	maxCertificates = 26
	// LogDeliveryService writes access logs in the regions opened since August 2022, which have
	// no Elastic Load Balancing account.
	LogDeliveryService = "logdelivery.elasticloadbalancing.amazonaws.com"
	// The longest account id and region name a derived log bucket name must leave room for:
	// <app>-<env>-alb-logs-<account>-<region>.
	accountIDLength, maxRegionLength = 12, 14
)

// elbAccountRegions are the regions whose access logs an Elastic Load Balancing account of the
// region writes (the regions available before August 2022; Elastic Load Balancing User Guide,
// "Enable access logs", bucket policy). Elsewhere LogDeliveryService writes them.
var elbAccountRegions = []string{
	"us-east-1", "us-east-2", "us-west-1", "us-west-2", "af-south-1", "ap-east-1", "ap-south-1",
	"ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-southeast-1", "ap-southeast-2",
	"ap-southeast-3", "ca-central-1", "eu-central-1", "eu-west-1", "eu-west-2", "eu-west-3",
	"eu-south-1", "eu-north-1", "me-south-1", "sa-east-1", "us-gov-west-1", "us-gov-east-1",
	"cn-north-1", "cn-northwest-1",
}

// Args configures a LoadBalancer.
type Args struct {
	// DeletionProtection makes AWS refuse to delete the load balancer. Default false.
	DeletionProtection bool
	// AccessLogs writes access logs to a private bucket of the load balancer's own. Default false
	// here; the stage config (systems/schema Front) turns it on in every stage.
	AccessLogs bool
	// AccessLogsBucket is the globally unique name of that bucket. Default
	// <app>-<env>-alb-logs-<account>-<region>, which needs app and env of at most 25 characters
	// together.
	AccessLogsBucket string
	// AccessLogsRetentionDays deletes access logs this many days after they are written. Default
	// 90; 1 to 3650.
	AccessLogsRetentionDays int
	// IdleTimeoutSeconds closes connections idle this long. Default 60; 1 to 4000.
	IdleTimeoutSeconds int
	// Sites are the apps the load balancer serves, at least one. Each site with a domain gets a
	// listener rule for its host name; a site without a domain receives every request no rule
	// claims, so at most one site may lack a domain. Together they use at most 26 certificates.
	Sites []Site
	// WAF puts a web ACL in front of the load balancer. Default nil: none here; the stage config
	// turns it on with strata:protect.
	WAF *WAF

	// Naming names and tags the load balancer, its security group and listeners (<app>-<env>-alb)
	// and its log bucket.
	Naming naming.Convention
	// Protect protects the access log bucket.
	Protect bool
	// VPCID is the VPC of the sites' targets (required).
	VPCID pulumi.StringInput
	// PublicSubnetIDs are public subnets in at least two availability zones (required).
	PublicSubnetIDs pulumi.StringArray
}

// Site is one app behind the load balancer.
type Site struct {
	// Name identifies the site among the load balancer's and names its resources: <name>-tg,
	// <name>-cert, <name>-rule, <name>-alias (lowercase letters, digits, hyphens).
	Name string
	// Naming names and tags the site's target group <app>-<env>-tg-<port> and certificate.
	Naming naming.Convention
	// Endpoint is the app's public endpoint: target port, health check and domain. Unset health
	// check settings take app.Endpoint's defaults.
	Endpoint app.Endpoint
	// CertificateARN is an existing ACM certificate for the domain. Set it or Zone.
	CertificateARN string
	// Zone is a Route 53 public hosted zone holding the endpoint's domain: a certificate for the
	// domain is requested and DNS-validated there, and the domain is pointed at the load balancer.
	// Set it or CertificateARN.
	Zone string
	// Priority orders the site's listener rule among the load balancer's: 1 to 50000, unique.
	// Required when the site has a domain and the load balancer serves several sites.
	Priority int
	// TargetType is how targets register: TargetIP (default: ECS awsvpc tasks) or TargetInstance
	// (EC2 instances, e.g. of an autoscaling group).
	TargetType string
}

// Target types of a site's target group.
const (
	TargetIP       = "ip"
	TargetInstance = "instance"
)

// LoadBalancer is an internet-facing Application Load Balancer serving one or more HTTPS sites.
type LoadBalancer struct {
	pulumi.ResourceState

	// DNSName and ZoneID are the load balancer's DNS name and its Route 53 hosted zone.
	DNSName pulumi.StringOutput
	ZoneID  pulumi.StringOutput
	// ARN and ARNSuffix (the form CloudWatch metrics use) identify the load balancer.
	ARN       pulumi.StringOutput
	ARNSuffix pulumi.StringOutput
	// SecurityGroupID is the load balancer's security group. It sends nowhere by itself: each
	// site's owner adds an egress rule to its targets' group, which admits this one.
	SecurityGroupID pulumi.StringOutput
	// ListenerARN is the HTTPS listener.
	ListenerARN pulumi.StringOutput
	// WebACLARN is the web ACL in front of the load balancer, empty without WAF.
	WebACLARN pulumi.StringOutput
	// AccessLogsBucket is the bucket of the access logs, empty without them.
	AccessLogsBucket pulumi.StringOutput
	// Sites are the sites' outputs by name.
	Sites map[string]*SiteOutputs
}

// SiteOutputs are what a site's owner needs.
type SiteOutputs struct {
	// URL is https://<domain>, or https://<DNS name of the load balancer> without a domain.
	URL pulumi.StringOutput
	// TargetGroupARN is where the app's targets register; it resolves once a listener forwards to
	// the group, so a service using it is created after that (ECS refuses an unused target group).
	TargetGroupARN pulumi.StringOutput
	// TargetGroupARNSuffix is the form CloudWatch metrics use.
	TargetGroupARNSuffix pulumi.StringOutput
	// CertificateARN is the certificate served for the site's domain; a requested one is validated.
	CertificateARN pulumi.StringOutput
}

var (
	certificateARN = regexp.MustCompile(`^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate/[0-9a-f-]+$`)
	zoneName       = regexp.MustCompile(`^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$`)
)

// WithDefaults returns a copy of a with the documented defaults filled in, the sites' endpoints
// included.
func (a Args) WithDefaults() Args {
	if a.IdleTimeoutSeconds == 0 {
		a.IdleTimeoutSeconds = DefaultIdleTimeoutSeconds
	}
	if a.AccessLogsRetentionDays == 0 {
		a.AccessLogsRetentionDays = DefaultAccessLogsRetentionDays
	}
	a.Sites = slices.Clone(a.Sites)
	for i := range a.Sites {
		a.Sites[i] = a.Sites[i].withDefaults()
	}
	if a.WAF != nil {
		w := a.WAF.withDefaults()
		a.WAF = &w
	}
	return a
}

func (s Site) withDefaults() Site {
	s.Endpoint = s.Endpoint.WithDefaults()
	if s.TargetType == "" {
		s.TargetType = TargetIP
	}
	return s
}

// Validate reports every problem with the load balancer's own settings (paths are their names)
// and its sites (paths "sites.<name>.<field>"; the site's own checks, Site.Validate, without the
// prefix), with the defaults applied. New checks the inputs set by code as well.
func (a Args) Validate() error {
	a = a.WithDefaults()
	var errs field.Errors
	if a.AccessLogs {
		if a.AccessLogsBucket != "" {
			errs.Check("accessLogsBucket", naming.BucketName(a.AccessLogsBucket))
		} else if n := len(a.Naming.Name("alb-logs")) + 2 + accountIDLength + maxRegionLength; n > 63 {
			errs.Add("accessLogsBucket", "is required: the derived name %s-<account>-<region> could exceed S3's 63 characters; name the globally unique log bucket", a.Naming.Name("alb-logs"))
		}
		errs.Range("accessLogsRetentionDays", a.AccessLogsRetentionDays, 1, 3650, "days")
	} else if a.AccessLogsBucket != "" {
		errs.Add("accessLogsBucket", "is set but accessLogs is false: set accessLogs: true to write logs to it, or remove accessLogsBucket")
	}
	errs.Range("idleTimeoutSeconds", a.IdleTimeoutSeconds, 1, 4000, "seconds")
	if name := a.name(); len(name) > maxNameLength {
		errs.Add("naming", "load balancer name %q is %d characters long: AWS allows %d, shorten the app or env name", name, len(name), maxNameLength)
	}
	if strings.HasPrefix(a.name(), "internal-") {
		errs.Add("naming", "load balancer name %q starts with \"internal-\", which AWS reserves: rename the app", a.name())
	}
	if len(a.Sites) == 0 {
		errs.Add("sites", "is empty: a load balancer serves at least one site")
	}
	if a.WAF != nil {
		a.WAF.check(&errs)
	}
	certificates := map[string]bool{}
	for _, s := range a.Sites {
		certificates[s.CertificateARN+" "+s.Zone+" "+s.Endpoint.Domain] = true
	}
	if n := len(certificates); n > maxCertificates {
		errs.Add("sites", "%d sites need %d certificates: an HTTPS listener serves %d by default; share certificates or split the sites over load balancers", len(a.Sites), n, maxCertificates)
	}
	names, priorities, catchAll := map[string]bool{}, map[int]string{}, ""
	for _, s := range a.Sites {
		p := field.Join("sites", s.Name)
		errs.Check(p, naming.Identifier(s.Name, 32))
		if names[s.Name] {
			errs.Add(p, "two sites are named %q: names must be unique", s.Name)
		}
		names[s.Name] = true
		errs.Merge(p, s.Validate())
		switch {
		case s.Endpoint.Domain == "" && catchAll != "":
			errs.Add(field.Join(p, "endpoint.domain"), "is required: site %q already takes every request without a rule; give each site on a shared load balancer its own domain", catchAll)
		case s.Endpoint.Domain == "":
			catchAll = s.Name
		case len(a.Sites) > 1 && (s.Priority < minPriority || s.Priority > maxPriority):
			errs.Add(field.Join(p, "priority"), "%d is out of range: a site on a shared load balancer needs a listener rule priority of %d to %d", s.Priority, minPriority, maxPriority)
		case len(a.Sites) > 1 && priorities[s.Priority] != "":
			errs.Add(field.Join(p, "priority"), "%d is also the priority of site %q: priorities must be unique", s.Priority, priorities[s.Priority])
		default:
			priorities[s.Priority] = s.Name
		}
	}
	return errs.Err()
}

// Validate reports every problem with the site, with the endpoint's defaults applied: its
// certificate, zone and domain (paths "certificateArn", "zone"), its endpoint and the derived
// target group name ("naming").
func (s Site) Validate() error {
	s = s.withDefaults()
	var errs field.Errors
	errs.OneOf("targetType", s.TargetType, TargetIP, TargetInstance)
	switch {
	case s.CertificateARN == "" && s.Zone == "":
		errs.Add("certificateArn", "HTTPS needs a certificate: set certificateArn or zone")
	case s.CertificateARN != "" && s.Zone != "":
		errs.Add("certificateArn", "is set together with zone: remove certificateArn to have a certificate requested, validated and renewed in zone %q, or remove zone to serve the existing certificate (and manage DNS yourself)", s.Zone)
	}
	if s.CertificateARN != "" && !certificateARN.MatchString(s.CertificateARN) {
		errs.Add("certificateArn", "%q is not an ACM certificate ARN: use arn:aws:acm:<region>:<account>:certificate/<id>", s.CertificateARN)
	}
	if s.Zone != "" {
		s.checkZone(&errs)
	}
	e := s.Endpoint
	errs.Range("endpoint.port", e.Port, 1, 65535, "")
	if !strings.HasPrefix(e.HealthCheckPath, "/") || len(e.HealthCheckPath) > 1024 {
		errs.Add("endpoint.healthCheckPath", "%q is not a health check path: start it with / and keep it to 1024 characters", e.HealthCheckPath)
	}
	errs.Range("endpoint.healthyThreshold", e.HealthyThreshold, 2, 10, "")
	errs.Range("endpoint.unhealthyThreshold", e.UnhealthyThreshold, 2, 10, "")
	errs.Range("endpoint.intervalSeconds", e.IntervalSeconds, 5, 300, "seconds")
	errs.Range("endpoint.timeoutSeconds", e.TimeoutSeconds, 2, min(120, e.IntervalSeconds-1), "seconds (below the interval)")
	if name := s.targetGroupName(); len(name) > maxNameLength {
		errs.Add("naming", "target group name %q is %d characters long: AWS allows %d, shorten the app or env name", name, len(name), maxNameLength)
	}
	return errs.Err()
}

func (s Site) checkZone(errs *field.Errors) {
	domain := s.Endpoint.Domain
	switch {
	case len(s.Zone) > 253 || !zoneName.MatchString(s.Zone):
		errs.Add("zone", "%q is not a DNS zone name: use lowercase labels separated by dots, without a final dot, e.g. example.org", s.Zone)
	case domain == "":
		errs.Add("zone", "needs the app's endpoint.domain: set the name to certify and point at the load balancer (inside %q), or use certificateArn instead", s.Zone)
	case domain != s.Zone && !strings.HasSuffix(domain, "."+s.Zone):
		errs.Add("zone", "%q does not hold the endpoint's domain %q: use the hosted zone the domain belongs to", s.Zone, domain)
	}
}

// checkInputs reports problems with the inputs set by code.
func (a Args) checkInputs() error {
	var errs field.Errors
	if a.VPCID == nil {
		errs.Add("vpcId", "is required: the target groups belong to the VPC of the sites' targets")
	}
	if n := len(a.PublicSubnetIDs); n < 2 {
		errs.Add("publicSubnetIds", "got %d: an Application Load Balancer needs public subnets in at least two availability zones", n)
	}
	for _, s := range a.Sites {
		errs.Merge(field.Join(field.Join("sites", s.Name), "naming"), s.Naming.Validate())
	}
	return errs.Err()
}

// name is the load balancer's physical name; it also names its security group.
func (a Args) name() string { return a.Naming.Name("alb") }

// targetGroupGroup carries the port: a new port replaces the target group, and a new name lets the
// replacement be created (and the listener switched to it) before the old one is deleted.
func (s Site) targetGroupGroup() string { return "tg-" + strconv.Itoa(s.Endpoint.Port) }

func (s Site) targetGroupName() string { return s.Naming.Name(s.targetGroupGroup()) }

// New creates a LoadBalancer.
func New(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*LoadBalancer, error) {
	a := args.WithDefaults()
	if err := errors.Join(field.Prefix("naming", a.Naming.Validate()), a.Validate(), a.checkInputs()); err != nil {
		return nil, fmt.Errorf("load balancer %s: %w", name, err)
	}
	c := &LoadBalancer{Sites: map[string]*SiteOutputs{}}
	if err := ctx.RegisterComponentResource("strata:loadbalancer:LoadBalancer", name, c, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(c)
	tags := pulumi.ToStringMap(a.Naming.Tags("alb"))

	sg, err := secgroup.New(ctx, name+"-alb", a.securityGroup(), parent)
	if err != nil {
		return nil, err
	}

	var accessLogs lb.LoadBalancerAccessLogsPtrInput
	var waitFor []pulumi.Resource
	c.AccessLogsBucket = pulumi.String("").ToStringOutput()
	if a.AccessLogs {
		logs, err := a.logBucket(ctx, name+"-logs", parent)
		if err != nil {
			return nil, err
		}
		c.AccessLogsBucket = logs.Name
		// AWS test-writes to the bucket when logging is turned on: the grant must exist first.
		waitFor = append(waitFor, logs.Policy)
		accessLogs = &lb.LoadBalancerAccessLogsArgs{
			Bucket:  logs.Name,
			Prefix:  pulumi.String(LogPrefix),
			Enabled: pulumi.Bool(true),
		}
	}

	balancer, err := lb.NewLoadBalancer(ctx, name, &lb.LoadBalancerArgs{
		Name:                     pulumi.String(a.name()),
		LoadBalancerType:         pulumi.String("application"),
		Internal:                 pulumi.Bool(false),
		IpAddressType:            pulumi.String("ipv4"),
		Subnets:                  a.PublicSubnetIDs,
		SecurityGroups:           pulumi.StringArray{sg.ID},
		DropInvalidHeaderFields:  pulumi.Bool(true),
		EnableDeletionProtection: pulumi.Bool(a.DeletionProtection),
		IdleTimeout:              pulumi.Int(a.IdleTimeoutSeconds),
		AccessLogs:               accessLogs,
		Tags:                     tags,
	}, parent, pulumi.DependsOn(waitFor))
	if err != nil {
		return nil, err
	}

	c.WebACLARN = pulumi.String("").ToStringOutput()
	if a.WAF != nil {
		acl, err := a.webACL(ctx, name, balancer.Arn, parent)
		if err != nil {
			return nil, err
		}
		c.WebACLARN = acl.Arn
	}

	// Sites in name order: the first one's certificate is the listener's default.
	sites := slices.SortedFunc(slices.Values(a.Sites), func(x, y Site) int { return strings.Compare(x.Name, y.Name) })
	type served struct {
		site    Site
		targets *lb.TargetGroup
		cert    pulumi.StringOutput
	}
	var all []served
	var zones = map[string]route53.LookupZoneResultOutput{}
	for _, s := range sites {
		targets, err := s.targetGroup(ctx, a.VPCID, parent)
		if err != nil {
			return nil, err
		}
		cert := pulumi.String(s.CertificateARN).ToStringOutput()
		if s.Zone != "" {
			if _, ok := zones[s.Zone]; !ok {
				zones[s.Zone] = route53.LookupZoneOutput(ctx, route53.LookupZoneOutputArgs{
					Name:        pulumi.String(s.Zone),
					PrivateZone: pulumi.Bool(false),
				}, parent)
			}
			if cert, err = s.certificate(ctx, zones[s.Zone].ZoneId(), parent); err != nil {
				return nil, err
			}
		}
		all = append(all, served{site: s, targets: targets, cert: cert})
	}

	defaultAction := &lb.ListenerDefaultActionArgs{
		Type: pulumi.String("fixed-response"),
		FixedResponse: &lb.ListenerDefaultActionFixedResponseArgs{
			ContentType: pulumi.String("text/plain"),
			MessageBody: pulumi.String("Not found"),
			StatusCode:  pulumi.String("404"),
		},
	}
	for _, s := range all {
		if s.site.Endpoint.Domain == "" || len(all) == 1 {
			defaultAction = &lb.ListenerDefaultActionArgs{Type: pulumi.String("forward"), TargetGroupArn: s.targets.Arn}
		}
	}
	https, err := lb.NewListener(ctx, name+"-https", &lb.ListenerArgs{
		LoadBalancerArn: balancer.Arn,
		Port:            pulumi.Int(443),
		Protocol:        pulumi.String("HTTPS"),
		SslPolicy:       pulumi.String(SSLPolicy),
		CertificateArn:  all[0].cert,
		DefaultActions:  lb.ListenerDefaultActionArray{defaultAction},
		Tags:            tags,
	}, parent)
	if err != nil {
		return nil, err
	}
	if _, err := lb.NewListener(ctx, name+"-http", &lb.ListenerArgs{
		LoadBalancerArn: balancer.Arn,
		Port:            pulumi.Int(80),
		Protocol:        pulumi.String("HTTP"),
		DefaultActions: lb.ListenerDefaultActionArray{&lb.ListenerDefaultActionArgs{
			Type: pulumi.String("redirect"),
			Redirect: &lb.ListenerDefaultActionRedirectArgs{
				Protocol:   pulumi.String("HTTPS"),
				Port:       pulumi.String("443"),
				StatusCode: pulumi.String("HTTP_301"),
			},
		}},
		Tags: tags,
	}, parent); err != nil {
		return nil, err
	}

	for i, s := range all {
		site := s.site
		// What makes the listener use the target group: ECS refuses a target group no listener uses.
		used := https.Arn
		if len(all) > 1 && site.Endpoint.Domain != "" {
			rule, err := lb.NewListenerRule(ctx, site.Name+"-rule", &lb.ListenerRuleArgs{
				ListenerArn: https.Arn,
				Priority:    pulumi.Int(site.Priority),
				Conditions: lb.ListenerRuleConditionArray{&lb.ListenerRuleConditionArgs{
					HostHeader: &lb.ListenerRuleConditionHostHeaderArgs{Values: pulumi.StringArray{pulumi.String(site.Endpoint.Domain)}},
				}},
				Actions: lb.ListenerRuleActionArray{&lb.ListenerRuleActionArgs{Type: pulumi.String("forward"), TargetGroupArn: s.targets.Arn}},
				Tags:    pulumi.ToStringMap(site.Naming.Tags(site.targetGroupGroup())),
			}, parent)
			if err != nil {
				return nil, err
			}
			used = rule.Arn
		}
		if i > 0 && site.Endpoint.Domain != "" {
			// The listener serves the first site's certificate by default and picks the others by SNI.
			if _, err := lb.NewListenerCertificate(ctx, site.Name+"-cert", &lb.ListenerCertificateArgs{
				ListenerArn:    https.Arn,
				CertificateArn: s.cert,
			}, parent); err != nil {
				return nil, err
			}
		}
		if site.Zone != "" {
			// IPv4 only (A record): strata's subnets have no IPv6 ranges, which a dualstack ALB needs.
			if _, err := route53.NewRecord(ctx, site.Name+"-alias", &route53.RecordArgs{
				ZoneId: zones[site.Zone].ZoneId(),
				Name:   pulumi.String(site.Endpoint.Domain),
				Type:   pulumi.String("A"),
				Aliases: route53.RecordAliasArray{&route53.RecordAliasArgs{
					Name:                 balancer.DnsName,
					ZoneId:               balancer.ZoneId,
					EvaluateTargetHealth: pulumi.Bool(true),
				}},
			}, parent); err != nil {
				return nil, err
			}
		}
		out := &SiteOutputs{
			URL:                  pulumi.Sprintf("https://%s", balancer.DnsName),
			TargetGroupARNSuffix: s.targets.ArnSuffix,
			CertificateARN:       s.cert,
			TargetGroupARN: pulumi.All(s.targets.Arn, used).ApplyT(func(v []any) string {
				return v[0].(string)
			}).(pulumi.StringOutput),
		}
		if site.Endpoint.Domain != "" {
			out.URL = pulumi.String("https://" + site.Endpoint.Domain).ToStringOutput()
		}
		c.Sites[site.Name] = out
	}

	c.DNSName, c.ZoneID = balancer.DnsName, balancer.ZoneId
	c.ARN, c.ARNSuffix = balancer.Arn, balancer.ArnSuffix
	c.SecurityGroupID = sg.ID
	c.ListenerARN = https.Arn
	outputs := pulumi.Map{
		"dnsName":          c.DNSName,
		"zoneId":           c.ZoneID,
		"arn":              c.ARN,
		"arnSuffix":        c.ARNSuffix,
		"securityGroupId":  c.SecurityGroupID,
		"listenerArn":      c.ListenerARN,
		"webAclArn":        c.WebACLARN,
		"accessLogsBucket": c.AccessLogsBucket,
	}
	for _, k := range slices.Sorted(maps.Keys(c.Sites)) {
		outputs[k+"Url"] = c.Sites[k].URL
		outputs[k+"TargetGroupArn"] = c.Sites[k].TargetGroupARN
	}
	if err := ctx.RegisterResourceOutputs(c, outputs); err != nil {
		return nil, err
	}
	return c, nil
}

// targetGroup is the site's ip target group, health-checked as the endpoint says.
func (s Site) targetGroup(ctx *pulumi.Context, vpcID pulumi.StringInput, parent pulumi.ResourceOption) (*lb.TargetGroup, error) {
	e := s.Endpoint
	return lb.NewTargetGroup(ctx, s.Name+"-tg", &lb.TargetGroupArgs{
		Name:                pulumi.String(s.targetGroupName()),
		TargetType:          pulumi.String(s.TargetType),
		Protocol:            pulumi.String("HTTP"),
		Port:                pulumi.Int(e.Port),
		VpcId:               vpcID.ToStringOutput(),
		DeregistrationDelay: pulumi.Int(deregistrationDelaySeconds),
		HealthCheck: &lb.TargetGroupHealthCheckArgs{
			Enabled:            pulumi.Bool(true),
			Protocol:           pulumi.String("HTTP"),
			Port:               pulumi.String("traffic-port"),
			Path:               pulumi.String(e.HealthCheckPath),
			Matcher:            pulumi.String(e.SuccessCodes),
			HealthyThreshold:   pulumi.Int(e.HealthyThreshold),
			UnhealthyThreshold: pulumi.Int(e.UnhealthyThreshold),
			Interval:           pulumi.Int(e.IntervalSeconds),
			Timeout:            pulumi.Int(e.TimeoutSeconds),
		},
		Tags: pulumi.ToStringMap(s.Naming.Tags(s.targetGroupGroup())),
	}, parent)
}

// securityGroup admits HTTP and HTTPS from the whole internet, the one place strata allows it. It
// has no egress rules: the owner of each site adds one to its targets' security group.
func (a Args) securityGroup() *secgroup.Args {
	world := func(rule, what string, p int, cidr string) secgroup.Rule {
		return secgroup.Rule{Name: rule, Description: what + " from the internet", FromPort: p, CIDR: cidr, Internet: true}
	}
	return &secgroup.Args{
		Name:        a.name(),
		Description: "Load balancer of " + a.Naming.App + " in " + a.Naming.Env + ": HTTP and HTTPS from the internet",
		VPCID:       a.VPCID,
		Ingress: []secgroup.Rule{
			world("https", "HTTPS", 443, "0.0.0.0/0"),
			world("https-ipv6", "HTTPS", 443, "::/0"),
			world("http", "HTTP (redirected to HTTPS)", 80, "0.0.0.0/0"),
			world("http-ipv6", "HTTP (redirected to HTTPS)", 80, "::/0"),
		},
		Tags: a.Naming.Tags("alb"),
	}
}

// logBucket creates the private bucket the load balancer writes its access logs to. Log delivery
// supports only SSE-S3, the bucket's default. The writer may put objects under
// <prefix>/AWSLogs/<this account>/ and nowhere else: in regions available before August 2022 it is
// the region's Elastic Load Balancing account, elsewhere the log delivery service principal. The
// bucket has no server access logs of its own: it is a log bucket (see components/bucket).
func (a Args) logBucket(ctx *pulumi.Context, name string, parent pulumi.ResourceOrInvokeOption) (*bucket.Bucket, error) {
	caller, err := aws.GetCallerIdentity(ctx, &aws.GetCallerIdentityArgs{}, parent)
	if err != nil {
		return nil, fmt.Errorf("load balancer access logs: looking up the account: %w", err)
	}
	region, err := aws.GetRegion(ctx, &aws.GetRegionArgs{}, parent)
	if err != nil {
		return nil, fmt.Errorf("load balancer access logs: looking up the region: %w", err)
	}
	writer := map[string]any{"Service": LogDeliveryService}
	if slices.Contains(elbAccountRegions, region.Name) {
		account, err := elb.GetServiceAccount(ctx, &elb.GetServiceAccountArgs{}, parent)
		if err != nil {
			return nil, fmt.Errorf("load balancer access logs: looking up the Elastic Load Balancing account of %s: %w", region.Name, err)
		}
		writer = map[string]any{"AWS": account.Arn}
	}
	logBucket := a.AccessLogsBucket
	if logBucket == "" {
		logBucket = a.Naming.Name("alb-logs") + "-" + caller.AccountId + "-" + region.Name
	}
	return bucket.New(ctx, name, &bucket.Args{
		Name:              logBucket,
		Tags:              a.Naming.Tags("alb-logs"),
		ExpireCurrentDays: a.AccessLogsRetentionDays,
		Statements: func(bucketARN string) []policy.Statement {
			return []policy.Statement{{
				Sid:       "ELBAccessLogDelivery",
				Effect:    "Allow",
				Principal: writer,
				Action:    []string{"s3:PutObject"},
				Resource:  []string{policy.Objects(bucketARN, LogPrefix+"/AWSLogs/"+caller.AccountId+"/")},
			}}
		},
		Protect: a.Protect,
	}, parent)
}

// certificate requests a certificate for the site's domain, proves control of the domain with a
// record in the zone and returns the certificate's ARN once ACM has issued it.
func (s Site) certificate(ctx *pulumi.Context, zoneID pulumi.StringInput, parent pulumi.ResourceOption) (pulumi.StringOutput, error) {
	name := s.Name + "-cert"
	cert, err := acm.NewCertificate(ctx, name, &acm.CertificateArgs{
		DomainName:       pulumi.String(s.Endpoint.Domain),
		ValidationMethod: pulumi.String("DNS"),
		Tags:             pulumi.ToStringMap(s.Naming.Tags("alb")),
	}, parent)
	if err != nil {
		return pulumi.StringOutput{}, err
	}
	option := cert.DomainValidationOptions.Index(pulumi.Int(0))
	record, err := route53.NewRecord(ctx, name+"-validation", &route53.RecordArgs{
		ZoneId:  zoneID,
		Name:    option.ResourceRecordName().Elem(),
		Type:    option.ResourceRecordType().Elem(),
		Records: pulumi.StringArray{option.ResourceRecordValue().Elem()},
		Ttl:     pulumi.Int(60),
		// ACM asks for the same record for every certificate of the domain in the account, so a
		// replacement certificate must be able to take over the one its predecessor created.
		AllowOverwrite: pulumi.Bool(true),
	}, parent)
	if err != nil {
		return pulumi.StringOutput{}, err
	}
	validation, err := acm.NewCertificateValidation(ctx, name, &acm.CertificateValidationArgs{
		CertificateArn:        cert.Arn,
		ValidationRecordFqdns: pulumi.StringArray{record.Fqdn},
	}, parent)
	if err != nil {
		return pulumi.StringOutput{}, err
	}
	return validation.CertificateArn, nil
}
