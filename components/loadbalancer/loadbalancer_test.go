package loadbalancer_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lb"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/route53"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-iac/strata/components/app"
	"github.com/strata-iac/strata/components/loadbalancer"
	"github.com/strata-iac/strata/components/naming"
	"github.com/strata-iac/strata/internal/mock"
	"github.com/strata-iac/strata/internal/mocktest"
)

const (
	typeLB         = "aws:lb/loadBalancer:LoadBalancer"
	typeTG         = "aws:lb/targetGroup:TargetGroup"
	typeListener   = "aws:lb/listener:Listener"
	typeCert       = "aws:acm/certificate:Certificate"
	typeValidation = "aws:acm/certificateValidation:CertificateValidation"
	typeRecord     = "aws:route53/record:Record"
	typeSG         = "aws:ec2/securityGroup:SecurityGroup"
	typeIngress    = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
	typeEgress     = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
	typeBucket     = "aws:s3/bucketV2:BucketV2"
	typePolicy     = "aws:s3/bucketPolicy:BucketPolicy"
	typeLifecycle  = "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2"
	typeSSE        = "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2"

	certARN    = "arn:aws:acm:us-east-1:123456789012:certificate/1234abcd-12ab-34cd-56ef-1234567890ab"
	logsBucket = "lookup-test-alb-logs-example"
	elbAccount = "arn:aws:iam::127311923021:root"
)

var (
	conv     = naming.Convention{App: "lookup", Env: "test", Owner: "ld4p"}
	subnets  = []string{"subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb"}
	endpoint = app.Endpoint{
		Container: "web", Port: 8080, HealthCheckPath: "/healthz", Domain: "app.example.org",
		HealthyThreshold: 2, UnhealthyThreshold: 4, IntervalSeconds: 15, TimeoutSeconds: 6,
		SuccessCodes: "200,301",
	}
)

// withInputs completes config-facing args with the inputs a stack sets.
func withInputs(args loadbalancer.Args) loadbalancer.Args {
	args.Endpoint = endpoint
	args.VPCID = pulumi.String("vpc-1")
	args.PublicSubnetIDs = pulumi.ToStringArray(subnets)
	args.Naming = conv
	return args
}

// deploy runs New with args completed by withInputs (unless edit changes them) and exports the
// outputs, and the mock's answer for the zone when there is one.
func deploy(t *testing.T, args loadbalancer.Args, edit ...func(*loadbalancer.Args)) *mock.Result {
	t.Helper()
	a := withInputs(args)
	for _, f := range edit {
		f(&a)
	}
	return mocktest.Run(t, func(ctx *pulumi.Context) error {
		alb, err := loadbalancer.New(ctx, "lookup", &a)
		if err != nil {
			return err
		}
		ctx.Export("url", alb.URL)
		ctx.Export("dnsName", alb.DNSName)
		ctx.Export("zoneId", alb.ZoneID)
		ctx.Export("arn", alb.ARN)
		ctx.Export("arnSuffix", alb.ARNSuffix)
		ctx.Export("securityGroupId", alb.SecurityGroupID)
		ctx.Export("targetGroupArn", alb.TargetGroupARN)
		ctx.Export("certificateArn", alb.CertificateARN)
		if a.Zone != "" {
			z, err := route53.LookupZone(ctx, &route53.LookupZoneArgs{Name: pulumi.StringRef(a.Zone)})
			if err != nil {
				return err
			}
			ctx.Export("mockZone", pulumi.String(z.ZoneId))
		}
		return nil
	})
}

func TestHTTPSListener(t *testing.T) {
	res := deploy(t, loadbalancer.Args{CertificateARN: certARN})
	alb := mocktest.One(t, res, typeLB)
	tg := mocktest.One(t, res, typeTG)
	https := mocktest.Named(t, res, typeListener, "lookup-https")
	mocktest.Eq(t, "load balancer", https.In("loadBalancerArn"), alb.Out("arn"))
	mocktest.Eq(t, "port", https.In("port"), float64(443))
	mocktest.Eq(t, "protocol", https.In("protocol"), "HTTPS")
	mocktest.Eq(t, "TLS policy", https.In("sslPolicy"), "ELBSecurityPolicy-TLS13-1-2-2021-06")
	mocktest.Eq(t, "certificate", https.In("certificateArn"), certARN)
	if n := len(https.In("defaultActions").([]any)); n != 1 {
		t.Fatalf("default actions: got %d, want 1", n)
	}
	mocktest.Eq(t, "action", https.In("defaultActions[0].type"), "forward")
	mocktest.Eq(t, "target group", https.In("defaultActions[0].targetGroupArn"), tg.Out("arn"))
}

func TestHTTPOnlyRedirects(t *testing.T) {
	res := deploy(t, loadbalancer.Args{CertificateARN: certARN})
	if n := len(res.ByType(typeListener)); n != 2 {
		t.Fatalf("listeners: got %d, want 2 (HTTPS and the redirect)", n)
	}
	http := mocktest.Named(t, res, typeListener, "lookup-http")
	mocktest.Eq(t, "port", http.In("port"), float64(80))
	mocktest.Eq(t, "protocol", http.In("protocol"), "HTTP")
	if n := len(http.In("defaultActions").([]any)); n != 1 {
		t.Fatalf("default actions: got %d, want 1", n)
	}
	mocktest.Eq(t, "action", http.In("defaultActions[0].type"), "redirect")
	mocktest.Eq(t, "redirect protocol", http.In("defaultActions[0].redirect.protocol"), "HTTPS")
	mocktest.Eq(t, "redirect port", http.In("defaultActions[0].redirect.port"), "443")
	mocktest.Eq(t, "redirect status", http.In("defaultActions[0].redirect.statusCode"), "HTTP_301")
	mocktest.Eq(t, "forward target", http.In("defaultActions[0].targetGroupArn"), nil)
	mocktest.Eq(t, "certificate", http.In("certificateArn"), nil)
}

func TestLoadBalancer(t *testing.T) {
	res := deploy(t, loadbalancer.Args{CertificateARN: certARN})
	alb := mocktest.One(t, res, typeLB)
	sg := mocktest.One(t, res, typeSG)
	mocktest.Eq(t, "name", alb.In("name"), "lookup-test-alb")
	mocktest.Eq(t, "type", alb.In("loadBalancerType"), "application")
	mocktest.Eq(t, "internal", alb.In("internal"), false)
	mocktest.Eq(t, "drop invalid headers", alb.In("dropInvalidHeaderFields"), true)
	mocktest.Eq(t, "idle timeout", alb.In("idleTimeout"), float64(60))
	mocktest.Eq(t, "deletion protection", alb.In("enableDeletionProtection"), false)
	mocktest.Eq(t, "access logs", alb.In("accessLogs"), nil)
	mocktest.EqualLists(t, "subnets", strings1(alb.In("subnets")), subnets)
	mocktest.EqualLists(t, "security groups", strings1(alb.In("securityGroups")), []string{sg.ID})

	for name, want := range map[string]any{
		"dnsName":         alb.Out("dnsName"),
		"zoneId":          "Z0MOCKELBZONE",
		"arn":             alb.Out("arn"),
		"arnSuffix":       alb.Out("arnSuffix"),
		"securityGroupId": sg.ID,
		"targetGroupArn":  mocktest.One(t, res, typeTG).Out("arn"),
		"certificateArn":  certARN,
	} {
		mocktest.Eq(t, "output "+name, res.Outputs[name], want)
	}

	res = deploy(t, loadbalancer.Args{CertificateARN: certARN, IdleTimeoutSeconds: 4000})
	mocktest.Eq(t, "idle timeout set", mocktest.One(t, res, typeLB).In("idleTimeout"), float64(4000))
}

func TestSecurityGroup(t *testing.T) {
	res := deploy(t, loadbalancer.Args{CertificateARN: certARN})
	sg := mocktest.One(t, res, typeSG)
	mocktest.Eq(t, "name", sg.In("name"), "lookup-test-alb")
	mocktest.Eq(t, "vpc", sg.In("vpcId"), "vpc-1")
	rules := func(typ string) []string {
		var out []string
		for _, r := range res.ByType(typ) {
			mocktest.Eq(t, r.Name+" group", r.In("securityGroupId"), sg.ID)
			if r.In("description") == "" || r.In("description") == nil {
				t.Errorf("%s: no description", r.Name)
			}
			peer := r.In("cidrIpv4")
			if peer == nil {
				peer = r.In("cidrIpv6")
			}
			if peer == nil {
				peer = "sg:" + fmt.Sprint(r.In("referencedSecurityGroupId"))
			}
			out = append(out, fmt.Sprintf("%v %v-%v %v", r.In("ipProtocol"), r.In("fromPort"), r.In("toPort"), peer))
		}
		slices.Sort(out)
		return out
	}
	mocktest.EqualLists(t, "ingress", rules(typeIngress), []string{
		"tcp 443-443 0.0.0.0/0", "tcp 443-443 ::/0", "tcp 80-80 0.0.0.0/0", "tcp 80-80 ::/0",
	})
	mocktest.EqualLists(t, "egress", rules(typeEgress), []string{"tcp 8080-8080 0.0.0.0/0"})
}

func TestTargetGroup(t *testing.T) {
	res := deploy(t, loadbalancer.Args{CertificateARN: certARN})
	tg := mocktest.One(t, res, typeTG)
	for path, want := range map[string]any{
		"name":                           "lookup-test-tg-8080",
		"targetType":                     "ip",
		"protocol":                       "HTTP",
		"port":                           float64(8080),
		"vpcId":                          "vpc-1",
		"deregistrationDelay":            float64(30),
		"healthCheck.enabled":            true,
		"healthCheck.protocol":           "HTTP",
		"healthCheck.port":               "traffic-port",
		"healthCheck.path":               "/healthz",
		"healthCheck.matcher":            "200,301",
		"healthCheck.healthyThreshold":   float64(2),
		"healthCheck.unhealthyThreshold": float64(4),
		"healthCheck.interval":           float64(15),
		"healthCheck.timeout":            float64(6),
	} {
		mocktest.Eq(t, path, tg.In(path), want)
	}
	mocktest.Eq(t, "Group tag", tg.In("tags.Group"), "tg-8080")
}

func TestTargetGroupARNWaitsForListener(t *testing.T) {
	res := mocktest.Run(t, func(ctx *pulumi.Context) error {
		a := withInputs(loadbalancer.Args{CertificateARN: certARN})
		alb, err := loadbalancer.New(ctx, "lookup", &a)
		if err != nil {
			return err
		}
		_, err = lb.NewTargetGroupAttachment(ctx, "consumer", &lb.TargetGroupAttachmentArgs{
			TargetGroupArn: alb.TargetGroupARN,
			TargetId:       pulumi.String("10.0.0.10"),
		})
		return err
	})
	consumer := mocktest.Named(t, res, "aws:lb/targetGroupAttachment:TargetGroupAttachment", "consumer")
	mocktest.Eq(t, "target group", consumer.In("targetGroupArn"), mocktest.One(t, res, typeTG).Out("arn"))
	https := mocktest.Named(t, res, typeListener, "lookup-https")
	if !slices.Contains(consumer.Dependencies, https.URN) {
		t.Errorf("dependencies of a user of TargetGroupARN %v: want the HTTPS listener %s", consumer.Dependencies, https.URN)
	}
}

func TestRequestedCertificate(t *testing.T) {
	res := deploy(t, loadbalancer.Args{Zone: "example.org"})
	zone, _ := res.Outputs["mockZone"].(string)
	if !strings.HasPrefix(zone, "Z") {
		t.Fatalf("mock zone id: got %q", zone)
	}
	alb := mocktest.One(t, res, typeLB)
	cert := mocktest.One(t, res, typeCert)
	mocktest.Eq(t, "domain", cert.In("domainName"), "app.example.org")
	mocktest.Eq(t, "validation method", cert.In("validationMethod"), "DNS")

	record := mocktest.Named(t, res, typeRecord, "lookup-cert-validation")
	mocktest.Eq(t, "validation zone", record.In("zoneId"), zone)
	mocktest.Eq(t, "validation name", record.In("name"), cert.Out("domainValidationOptions[0].resourceRecordName"))
	mocktest.Eq(t, "validation type", record.In("type"), "CNAME")
	mocktest.EqualLists(t, "validation value", strings1(record.In("records")),
		[]string{cert.Out("domainValidationOptions[0].resourceRecordValue").(string)})
	mocktest.Eq(t, "validation overwrite", record.In("allowOverwrite"), true)

	validation := mocktest.One(t, res, typeValidation)
	mocktest.Eq(t, "validated certificate", validation.In("certificateArn"), cert.Out("arn"))
	mocktest.EqualLists(t, "validation fqdns", strings1(validation.In("validationRecordFqdns")),
		[]string{strings.TrimSuffix(record.In("name").(string), ".")})

	https := mocktest.Named(t, res, typeListener, "lookup-https")
	mocktest.Eq(t, "listener certificate", https.In("certificateArn"), cert.Out("arn"))
	if !slices.Contains(https.Dependencies, validation.URN) {
		t.Errorf("HTTPS listener dependencies %v: want the certificate validation %s", https.Dependencies, validation.URN)
	}

	alias := mocktest.Named(t, res, typeRecord, "lookup-alias")
	mocktest.Eq(t, "alias zone", alias.In("zoneId"), zone)
	mocktest.Eq(t, "alias name", alias.In("name"), "app.example.org")
	mocktest.Eq(t, "alias type", alias.In("type"), "A")
	mocktest.Eq(t, "alias target", alias.In("aliases[0].name"), alb.Out("dnsName"))
	mocktest.Eq(t, "alias target zone", alias.In("aliases[0].zoneId"), "Z0MOCKELBZONE")
	mocktest.Eq(t, "alias health", alias.In("aliases[0].evaluateTargetHealth"), true)
	mocktest.Eq(t, "alias overwrite", alias.In("allowOverwrite"), nil)
	if n := len(res.ByType(typeRecord)); n != 2 {
		t.Errorf("records: got %d, want 2 (validation and alias)", n)
	}

	mocktest.Eq(t, "certificateArn output", res.Outputs["certificateArn"], cert.Out("arn"))
	mocktest.Eq(t, "url output", res.Outputs["url"], "https://app.example.org")
	var looked []string
	for _, inv := range res.Invokes() {
		if inv.Token == "aws:route53/getZone:getZone" {
			looked = append(looked, fmt.Sprint(inv.Args.Mappable()["name"], " private=", inv.Args.Mappable()["privateZone"]))
		}
	}
	// The lookup without privateZone is the test's own, for the expected zone id.
	slices.Sort(looked)
	mocktest.EqualLists(t, "zone lookups", looked, []string{"example.org private=<nil>", "example.org private=false"})
}

func TestExistingCertificate(t *testing.T) {
	for _, tc := range []struct {
		name, domain, url string
	}{
		{"with domain", "app.example.org", "https://app.example.org"},
		{"without domain", "", "https://lookup-test-alb-1234567890.us-east-1.elb.amazonaws.com"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := deploy(t, loadbalancer.Args{CertificateARN: certARN}, func(a *loadbalancer.Args) { a.Endpoint.Domain = tc.domain })
			for _, typ := range []string{typeCert, typeValidation, typeRecord} {
				if n := len(res.ByType(typ)); n != 0 {
					t.Errorf("%s: got %d, want none with an existing certificate", typ, n)
				}
			}
			for _, inv := range res.Invokes() {
				if inv.Token == "aws:route53/getZone:getZone" {
					t.Error("looked up a zone without zone")
				}
			}
			mocktest.Eq(t, "listener certificate", mocktest.Named(t, res, typeListener, "lookup-https").In("certificateArn"), certARN)
			mocktest.Eq(t, "certificateArn output", res.Outputs["certificateArn"], certARN)
			mocktest.Eq(t, "url output", res.Outputs["url"], tc.url)
			if tc.domain == "" {
				mocktest.Eq(t, "url is the DNS name", res.Outputs["url"], "https://"+fmt.Sprint(res.Outputs["dnsName"]))
			}
		})
	}
}

func TestAccessLogsAndDeletionProtection(t *testing.T) {
	t.Run("on", func(t *testing.T) {
		res := deploy(t, loadbalancer.Args{
			CertificateARN: certARN, DeletionProtection: true,
			AccessLogs: true, AccessLogsBucket: logsBucket, AccessLogsRetentionDays: 30,
		}, func(a *loadbalancer.Args) { a.Protect = true })
		alb := mocktest.One(t, res, typeLB)
		mocktest.Eq(t, "deletion protection", alb.In("enableDeletionProtection"), true)
		mocktest.Eq(t, "log bucket", alb.In("accessLogs.bucket"), logsBucket)
		mocktest.Eq(t, "log prefix", alb.In("accessLogs.prefix"), "alb")
		mocktest.Eq(t, "logs enabled", alb.In("accessLogs.enabled"), true)

		b := mocktest.One(t, res, typeBucket)
		mocktest.Eq(t, "bucket name", b.In("bucket"), logsBucket)
		mocktest.Eq(t, "bucket protected", b.Protect, true)
		mocktest.Eq(t, "bucket force destroy", b.In("forceDestroy"), false)
		mocktest.Eq(t, "encryption", mocktest.One(t, res, typeSSE).In("rules[0].applyServerSideEncryptionByDefault.sseAlgorithm"), "AES256")

		pol := mocktest.One(t, res, typePolicy)
		doc := mocktest.Document(t, pol, "policy")
		mocktest.EqualLists(t, "log delivery grant", mocktest.Grants(doc),
			[]string{"s3:PutObject arn:aws:s3:::" + logsBucket + "/alb/AWSLogs/123456789012/*"})
		for _, s := range doc.Statement {
			if s.Effect == "Allow" {
				mocktest.Eq(t, "log writer", fmt.Sprint(s.Principal), fmt.Sprint(map[string]any{"AWS": elbAccount}))
			}
		}
		if !slices.Contains(alb.Dependencies, pol.URN) {
			t.Errorf("load balancer dependencies %v: want the bucket policy %s", alb.Dependencies, pol.URN)
		}

		var expiry any
		rules, _ := mocktest.One(t, res, typeLifecycle).In("rules").([]any)
		for _, r := range rules {
			if rule, _ := r.(map[string]any); rule["id"] == "expire-objects" {
				expiry = rule["expiration"].(map[string]any)["days"]
			}
		}
		mocktest.Eq(t, "log expiry days", expiry, float64(30))
	})
	t.Run("off", func(t *testing.T) {
		res := deploy(t, loadbalancer.Args{CertificateARN: certARN})
		alb := mocktest.One(t, res, typeLB)
		mocktest.Eq(t, "deletion protection", alb.In("enableDeletionProtection"), false)
		mocktest.Eq(t, "access logs", alb.In("accessLogs"), nil)
		if n := len(res.ByType(typeBucket)); n != 0 {
			t.Errorf("buckets: got %d, want 0", n)
		}
		for _, inv := range res.Invokes() {
			if inv.Token == "aws:elb/getServiceAccount:getServiceAccount" {
				t.Error("looked up the ELB account without access logs")
			}
		}
	})
}

func TestTags(t *testing.T) {
	res := deploy(t, loadbalancer.Args{Zone: "example.org", AccessLogs: true, AccessLogsBucket: logsBucket})
	mocktest.CheckTags(t, res, map[string]string{"App": "lookup", "Env": "test", "Owner": "ld4p"})
}

func TestValidate(t *testing.T) {
	a := loadbalancer.Args{CertificateARN: certARN}
	if err := a.Validate(); err != nil {
		t.Fatalf("got %v, want no error", err)
	}
	mocktest.Eq(t, "default idle timeout", a.IdleTimeoutSeconds, 60)
	mocktest.Eq(t, "default retention", a.AccessLogsRetentionDays, 90)
	for _, domain := range []string{"example.org", "app.example.org", "a.b.example.org"} {
		a := loadbalancer.Args{Zone: "example.org", Endpoint: app.Endpoint{Domain: domain}}
		if err := a.Validate(); err != nil {
			t.Errorf("domain %s in zone example.org: got %v, want no error", domain, err)
		}
	}
}

func TestInvalidArgs(t *testing.T) {
	tests := []struct {
		name string
		args loadbalancer.Args
		edit func(*loadbalancer.Args)
		want []string
	}{
		{"no certificate", loadbalancer.Args{}, nil,
			[]string{"certificateArn: HTTPS needs a certificate: set certificateArn or zone"}},
		{"both", loadbalancer.Args{CertificateARN: certARN, Zone: "example.org"}, nil,
			[]string{`certificateArn: is set together with zone: remove certificateArn to have a certificate requested`}},
		{"zone without domain", loadbalancer.Args{Zone: "example.org"}, func(a *loadbalancer.Args) { a.Endpoint.Domain = "" },
			[]string{"zone: needs the app's endpoint.domain"}},
		{"domain outside zone", loadbalancer.Args{Zone: "example.com"}, nil,
			[]string{`zone: "example.com" does not hold the endpoint's domain "app.example.org"`}},
		{"domain only ends like zone", loadbalancer.Args{Zone: "example.org"}, func(a *loadbalancer.Args) { a.Endpoint.Domain = "notexample.org" },
			[]string{`zone: "example.org" does not hold the endpoint's domain "notexample.org"`}},
		{"bad zone", loadbalancer.Args{Zone: "Example.org."}, nil,
			[]string{`zone: "Example.org." is not a DNS zone name`}},
		{"malformed certificate", loadbalancer.Args{CertificateARN: "arn:aws:iam::123456789012:server-certificate/web"}, nil,
			[]string{`certificateArn: "arn:aws:iam::123456789012:server-certificate/web" is not an ACM certificate ARN: use arn:aws:acm:`}},
		{"logs without bucket", loadbalancer.Args{CertificateARN: certARN, AccessLogs: true}, nil,
			[]string{"accessLogsBucket: is required"}},
		{"bad bucket name", loadbalancer.Args{CertificateARN: certARN, AccessLogs: true, AccessLogsBucket: "Logs_Bucket"}, nil,
			[]string{`accessLogsBucket: "Logs_Bucket" is not a valid S3 bucket name`}},
		{"bucket without logs", loadbalancer.Args{CertificateARN: certARN, AccessLogsBucket: logsBucket}, nil,
			[]string{"accessLogsBucket: is set but accessLogs is false"}},
		{"retention", loadbalancer.Args{CertificateARN: certARN, AccessLogs: true, AccessLogsBucket: logsBucket, AccessLogsRetentionDays: 3651}, nil,
			[]string{"accessLogsRetentionDays: 3651 is out of range: use 1 to 3650 days"}},
		{"idle timeout high", loadbalancer.Args{CertificateARN: certARN, IdleTimeoutSeconds: 4001}, nil,
			[]string{"idleTimeoutSeconds: 4001 is out of range: use 1 to 4000 seconds"}},
		{"idle timeout negative", loadbalancer.Args{CertificateARN: certARN, IdleTimeoutSeconds: -1}, nil,
			[]string{"idleTimeoutSeconds: -1 is out of range: use 1 to 4000 seconds"}},
		{"names over 32", loadbalancer.Args{CertificateARN: certARN}, func(a *loadbalancer.Args) {
			a.Naming = naming.Convention{App: "qa-authority-lkp", Env: "production-blue", Owner: "ld4p"}
		}, []string{
			`naming: load balancer name "qa-authority-lkp-production-blue-alb" is 36 characters long: AWS allows 32`,
			`naming: target group name "qa-authority-lkp-production-blue-tg-8080" is 40 characters long: AWS allows 32`,
		}},
		{"target group name over 32", loadbalancer.Args{CertificateARN: certARN}, func(a *loadbalancer.Args) {
			a.Naming = naming.Convention{App: "qa-authority-lkp", Env: "production", Owner: "ld4p"}
		}, []string{`naming: target group name "qa-authority-lkp-production-tg-8080" is 35 characters long`}},
		{"internal prefix", loadbalancer.Args{CertificateARN: certARN}, func(a *loadbalancer.Args) { a.Naming.App = "internal" },
			[]string{`naming: load balancer name "internal-test-alb" starts with "internal-"`}},
		{"bad naming", loadbalancer.Args{CertificateARN: certARN}, func(a *loadbalancer.Args) { a.Naming = naming.Convention{} },
			[]string{"naming.app: must not be empty", "naming.env: must not be empty", "naming.owner: is required"}},
		{"one subnet", loadbalancer.Args{CertificateARN: certARN}, func(a *loadbalancer.Args) { a.PublicSubnetIDs = a.PublicSubnetIDs[:1] },
			[]string{"publicSubnetIds: got 1: an Application Load Balancer needs public subnets in at least two availability zones"}},
		{"no vpc", loadbalancer.Args{CertificateARN: certARN}, func(a *loadbalancer.Args) { a.VPCID = nil },
			[]string{"vpcId: is required"}},
		{"no endpoint", loadbalancer.Args{CertificateARN: certARN}, func(a *loadbalancer.Args) { a.Endpoint = app.Endpoint{} },
			[]string{"endpoint.port: 0 is out of range: use 1 to 65535"}},
		{"all at once", loadbalancer.Args{AccessLogs: true, IdleTimeoutSeconds: 5000}, func(a *loadbalancer.Args) { a.PublicSubnetIDs = nil },
			[]string{"certificateArn: HTTPS needs a certificate", "accessLogsBucket: is required", "idleTimeoutSeconds: 5000 is out of range", "publicSubnetIds: got 0"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := withInputs(tc.args)
			if tc.edit != nil {
				tc.edit(&a)
			}
			err := mocktest.Refused(t, func(ctx *pulumi.Context) error {
				_, err := loadbalancer.New(ctx, "lookup", &a)
				return err
			}, tc.want...)
			lines := strings.Split(err.Error(), "\n")
			if len(lines) != len(tc.want) {
				t.Errorf("got %d problems %q, want %d", len(lines), lines, len(tc.want))
			}
		})
	}
}

// strings1 converts a recorded list input to strings.
func strings1(v any) []string {
	list, _ := v.([]any)
	out := make([]string, len(list))
	for i, x := range list {
		out[i] = fmt.Sprint(x)
	}
	return out
}
