package loadbalancer

import (
	"errors"
	"fmt"
	"regexp"
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
)

// Args configures a LoadBalancer. The JSON names are the keys of a system's loadBalancer config
// object.
type Args struct {
	// CertificateARN is an existing ACM certificate in the load balancer's region. Set it or Zone.
	CertificateARN string `json:"certificateArn"`
	// Zone is a Route 53 public hosted zone (e.g. example.org) holding the endpoint's domain: a
	// certificate for the domain is requested and DNS-validated there, and the domain is pointed at
	// the load balancer. Set it or CertificateARN.
	Zone string `json:"zone"`
	// DeletionProtection makes AWS refuse to delete the load balancer. Default false; production
	// sets it.
	DeletionProtection bool `json:"deletionProtection"`
	// AccessLogs writes access logs to a private bucket of the load balancer's own. Default false.
	AccessLogs bool `json:"accessLogs"`
	// AccessLogsBucket is the globally unique name of that bucket (required with AccessLogs).
	AccessLogsBucket string `json:"accessLogsBucket"`
	// AccessLogsRetentionDays deletes access logs this many days after they are written. Default
	// 90; 1 to 3650.
	AccessLogsRetentionDays int `json:"accessLogsRetentionDays"`
	// IdleTimeoutSeconds closes connections idle this long. Default 60; 1 to 4000.
	IdleTimeoutSeconds int `json:"idleTimeoutSeconds"`

	// Endpoint is the app's public endpoint, with app.Spec's defaults applied (required).
	Endpoint app.Endpoint `json:"-"`
	// VPCID is the VPC of the app's tasks (required).
	VPCID pulumi.StringInput `json:"-"`
	// PublicSubnetIDs are public subnets in at least two availability zones (required).
	PublicSubnetIDs pulumi.StringArray `json:"-"`
	// Naming names and tags the resources.
	Naming naming.Convention `json:"-"`
	// Protect protects the access log bucket.
	Protect bool `json:"-"`
}

// LoadBalancer is an internet-facing Application Load Balancer in front of one app.
type LoadBalancer struct {
	pulumi.ResourceState

	// URL is https://<domain>, or https://<DNSName> when the endpoint has no domain.
	URL pulumi.StringOutput
	// DNSName and ZoneID are the load balancer's DNS name and its Route 53 hosted zone, for alias
	// records.
	DNSName pulumi.StringOutput
	ZoneID  pulumi.StringOutput
	// ARN and ARNSuffix (the form CloudWatch metrics use) identify the load balancer.
	ARN       pulumi.StringOutput
	ARNSuffix pulumi.StringOutput
	// SecurityGroupID is the load balancer's security group: the app's tasks admit traffic from it.
	SecurityGroupID pulumi.StringOutput
	// TargetGroupARN is where the app's tasks register (target type ip); it resolves once the HTTPS
	// listener forwards to the group, so a service using it is created after the listener.
	TargetGroupARN pulumi.StringOutput
	// CertificateARN is the certificate the HTTPS listener serves; a requested one is validated.
	CertificateARN pulumi.StringOutput
}

var (
	certificateARN = regexp.MustCompile(`^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate/[0-9a-f-]+$`)
	zoneName       = regexp.MustCompile(`^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$`)
)

func (a *Args) applyDefaults() {
	// The target group's health check takes the endpoint's settings, which must be in AWS's ranges
	// even when the caller passed the endpoint as configured, before the app's defaults.
	a.Endpoint = a.Endpoint.WithDefaults()
	if a.IdleTimeoutSeconds == 0 {
		a.IdleTimeoutSeconds = DefaultIdleTimeoutSeconds
	}
	if a.AccessLogsRetentionDays == 0 {
		a.AccessLogsRetentionDays = DefaultAccessLogsRetentionDays
	}
}

// Validate applies the defaults, then reports every problem with the fields that come from config
// (paths are their JSON names), with the zone checked against Endpoint.Domain and the derived
// names against AWS's limits (path "naming"). New checks Naming and the inputs set by code as well.
func (a *Args) Validate() error {
	a.applyDefaults()
	var errs field.Errors
	switch {
	case a.CertificateARN == "" && a.Zone == "":
		errs.Add("certificateArn", "HTTPS needs a certificate: set certificateArn or zone")
	case a.CertificateARN != "" && a.Zone != "":
		errs.Add("certificateArn", "is set together with zone: remove certificateArn to have a certificate requested, validated and renewed in zone %q, or remove zone to serve the existing certificate (and manage DNS yourself)", a.Zone)
	}
	if a.CertificateARN != "" && !certificateARN.MatchString(a.CertificateARN) {
		errs.Add("certificateArn", "%q is not an ACM certificate ARN: use arn:aws:acm:<region>:<account>:certificate/<id>", a.CertificateARN)
	}
	if a.Zone != "" {
		a.checkZone(&errs)
	}
	if a.AccessLogs {
		if errs.Required("accessLogsBucket", a.AccessLogsBucket, "name the globally unique S3 bucket that receives the access logs") {
			errs.Check("accessLogsBucket", naming.BucketName(a.AccessLogsBucket))
		}
		errs.Range("accessLogsRetentionDays", a.AccessLogsRetentionDays, 1, 3650, "days")
	} else if a.AccessLogsBucket != "" {
		errs.Add("accessLogsBucket", "is set but accessLogs is false: set accessLogs: true to write logs to it, or remove accessLogsBucket")
	}
	errs.Range("idleTimeoutSeconds", a.IdleTimeoutSeconds, 1, 4000, "seconds")
	for _, n := range []struct{ kind, name string }{
		{"load balancer", a.name()},
		{"target group", a.targetGroupName()},
	} {
		if len(n.name) > maxNameLength {
			errs.Add("naming", "%s name %q is %d characters long: AWS allows %d, shorten the app or env name", n.kind, n.name, len(n.name), maxNameLength)
		}
	}
	if strings.HasPrefix(a.name(), "internal-") {
		errs.Add("naming", "load balancer name %q starts with \"internal-\", which AWS reserves: rename the app", a.name())
	}
	return errs.Err()
}

func (a *Args) checkZone(errs *field.Errors) {
	domain := a.Endpoint.Domain
	switch {
	case len(a.Zone) > 253 || !zoneName.MatchString(a.Zone):
		errs.Add("zone", "%q is not a DNS zone name: use lowercase labels separated by dots, without a final dot, e.g. example.org", a.Zone)
	case domain == "":
		errs.Add("zone", "needs the app's endpoint.domain: set the name to certify and point at the load balancer (inside %q), or use certificateArn instead", a.Zone)
	case domain != a.Zone && !strings.HasSuffix(domain, "."+a.Zone):
		errs.Add("zone", "%q does not hold the endpoint's domain %q: use the hosted zone the domain belongs to", a.Zone, domain)
	}
}

// checkInputs reports problems with the inputs set by code.
func (a *Args) checkInputs() error {
	var errs field.Errors
	if a.VPCID == nil {
		errs.Add("vpcId", "is required: the target group belongs to the VPC of the app's tasks")
	}
	if n := len(a.PublicSubnetIDs); n < 2 {
		errs.Add("publicSubnetIds", "got %d: an Application Load Balancer needs public subnets in at least two availability zones", n)
	}
	errs.Range("endpoint.port", a.Endpoint.Port, 1, 65535, "")
	return errs.Err()
}

// name is the load balancer's physical name; it also names its security group.
func (a *Args) name() string { return a.Naming.Name("alb") }

// targetGroupGroup carries the port: a new port replaces the target group, and a new name lets the
// replacement be created (and the listener switched to it) before the old one is deleted.
func (a *Args) targetGroupGroup() string { return "tg-" + strconv.Itoa(a.Endpoint.Port) }

func (a *Args) targetGroupName() string { return a.Naming.Name(a.targetGroupGroup()) }

// New creates a LoadBalancer.
func New(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*LoadBalancer, error) {
	a := *args
	if err := errors.Join(field.Prefix("naming", a.Naming.Validate()), a.Validate(), a.checkInputs()); err != nil {
		return nil, fmt.Errorf("load balancer %s: %w", name, err)
	}
	c := &LoadBalancer{}
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
	if a.AccessLogs {
		logs, err := a.logBucket(ctx, name+"-logs", parent)
		if err != nil {
			return nil, err
		}
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

	e := a.Endpoint
	targets, err := lb.NewTargetGroup(ctx, name+"-tg", &lb.TargetGroupArgs{
		Name:                pulumi.String(a.targetGroupName()),
		TargetType:          pulumi.String("ip"),
		Protocol:            pulumi.String("HTTP"),
		Port:                pulumi.Int(e.Port),
		VpcId:               a.VPCID.ToStringOutput(),
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
		Tags: pulumi.ToStringMap(a.Naming.Tags(a.targetGroupGroup())),
	}, parent)
	if err != nil {
		return nil, err
	}

	c.CertificateARN = pulumi.String(a.CertificateARN).ToStringOutput()
	var zone route53.LookupZoneResultOutput
	if a.Zone != "" {
		zone = route53.LookupZoneOutput(ctx, route53.LookupZoneOutputArgs{
			Name:        pulumi.String(a.Zone),
			PrivateZone: pulumi.Bool(false),
		}, parent)
		if c.CertificateARN, err = a.certificate(ctx, name+"-cert", zone.ZoneId(), tags, parent); err != nil {
			return nil, err
		}
	}

	https, err := lb.NewListener(ctx, name+"-https", &lb.ListenerArgs{
		LoadBalancerArn: balancer.Arn,
		Port:            pulumi.Int(443),
		Protocol:        pulumi.String("HTTPS"),
		SslPolicy:       pulumi.String(SSLPolicy),
		CertificateArn:  c.CertificateARN,
		DefaultActions: lb.ListenerDefaultActionArray{&lb.ListenerDefaultActionArgs{
			Type:           pulumi.String("forward"),
			TargetGroupArn: targets.Arn,
		}},
		Tags: tags,
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

	if a.Zone != "" {
		// IPv4 only (A record): strata's subnets have no IPv6 ranges, which a dualstack ALB needs.
		if _, err := route53.NewRecord(ctx, name+"-alias", &route53.RecordArgs{
			ZoneId: zone.ZoneId(),
			Name:   pulumi.String(e.Domain),
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

	c.URL = pulumi.Sprintf("https://%s", balancer.DnsName)
	if e.Domain != "" {
		c.URL = pulumi.String("https://" + e.Domain).ToStringOutput()
	}
	c.DNSName, c.ZoneID = balancer.DnsName, balancer.ZoneId
	c.ARN, c.ARNSuffix = balancer.Arn, balancer.ArnSuffix
	c.SecurityGroupID = sg.ID
	// ECS refuses a target group that no listener uses: carrying the listener as a dependency
	// makes a service that takes this ARN wait for it.
	c.TargetGroupARN = pulumi.All(targets.Arn, https.Arn).ApplyT(func(v []any) string {
		return v[0].(string)
	}).(pulumi.StringOutput)
	if err := ctx.RegisterResourceOutputs(c, pulumi.Map{
		"url":             c.URL,
		"dnsName":         c.DNSName,
		"zoneId":          c.ZoneID,
		"arn":             c.ARN,
		"arnSuffix":       c.ARNSuffix,
		"securityGroupId": c.SecurityGroupID,
		"targetGroupArn":  c.TargetGroupARN,
		"certificateArn":  c.CertificateARN,
	}); err != nil {
		return nil, err
	}
	return c, nil
}

// securityGroup admits HTTP and HTTPS from the whole internet, the one place strata allows it, and
// sends only to the app's port. The egress peer is any IPv4 address because the VPC's range is not
// an input (adopted VPCs come as an id); the load balancer only connects to registered targets, and
// their security group admits only this group.
func (a *Args) securityGroup() *secgroup.Args {
	port := a.Endpoint.Port
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
		Egress: []secgroup.Rule{{
			Name:        "targets",
			Description: fmt.Sprintf("requests and health checks to the tasks of the app on port %d", port),
			FromPort:    port,
			CIDR:        "0.0.0.0/0",
		}},
		Tags: a.Naming.Tags("alb"),
	}
}

// logBucket creates the private bucket the load balancer writes its access logs to. Log delivery
// supports only SSE-S3, the bucket's default. In regions available before August 2022 the logs are
// written by the region's Elastic Load Balancing account, which the policy lets write under
// <prefix>/AWSLogs/<this account>/ and nowhere else.
func (a *Args) logBucket(ctx *pulumi.Context, name string, parent pulumi.ResourceOrInvokeOption) (*bucket.Bucket, error) {
	caller, err := aws.GetCallerIdentity(ctx, &aws.GetCallerIdentityArgs{}, parent)
	if err != nil {
		return nil, fmt.Errorf("load balancer access logs: looking up the account: %w", err)
	}
	writer, err := elb.GetServiceAccount(ctx, &elb.GetServiceAccountArgs{}, parent)
	if err != nil {
		return nil, fmt.Errorf("load balancer access logs: looking up the Elastic Load Balancing account of the region (regions opened since August 2022 have none and are not supported yet): %w", err)
	}
	return bucket.New(ctx, name, &bucket.Args{
		Name:              a.AccessLogsBucket,
		Tags:              a.Naming.Tags("alb-logs"),
		ExpireCurrentDays: a.AccessLogsRetentionDays,
		Statements: func(bucketARN string) []policy.Statement {
			return []policy.Statement{{
				Sid:       "ELBAccessLogDelivery",
				Effect:    "Allow",
				Principal: map[string]any{"AWS": writer.Arn},
				Action:    []string{"s3:PutObject"},
				Resource:  []string{policy.Objects(bucketARN, LogPrefix+"/AWSLogs/"+caller.AccountId+"/")},
			}}
		},
		Protect: a.Protect,
	}, parent)
}

// certificate requests a certificate for the endpoint's domain, proves control of the domain with
// a record in the zone and returns the certificate's ARN once ACM has issued it.
func (a *Args) certificate(ctx *pulumi.Context, name string, zoneID pulumi.StringInput, tags pulumi.StringMap, parent pulumi.ResourceOption) (pulumi.StringOutput, error) {
	cert, err := acm.NewCertificate(ctx, name, &acm.CertificateArgs{
		DomainName:       pulumi.String(a.Endpoint.Domain),
		ValidationMethod: pulumi.String("DNS"),
		Tags:             tags,
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
