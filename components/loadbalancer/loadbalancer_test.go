package loadbalancer_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lb"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/route53"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

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
	typeWebACL     = "aws:wafv2/webAcl:WebAcl"
	typeWAFAssoc   = "aws:wafv2/webAclAssociation:WebAclAssociation"
	typeWAFLogging = "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration"
	typeLogGroup   = "aws:cloudwatch/logGroup:LogGroup"

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

// site is the one site of the single-site load balancer most tests build.
func site(edit ...func(*loadbalancer.Site)) loadbalancer.Site {
	s := loadbalancer.Site{Name: "lookup", Naming: conv, Endpoint: endpoint, CertificateARN: certARN}
	for _, f := range edit {
		f(&s)
	}
	return s
}

// withInputs completes config-facing args with the inputs a stack sets; without sites, one site
// with an existing certificate.
func withInputs(args loadbalancer.Args) loadbalancer.Args {
	if args.Sites == nil {
		args.Sites = []loadbalancer.Site{site()}
	}
	args.VPCID = pulumi.String("vpc-1")
	args.PublicSubnetIDs = pulumi.ToStringArray(subnets)
	args.Naming = conv
	return args
}

// deploy runs New with args completed by withInputs (unless edit changes them) and exports the
// outputs, those of site "lookup" included, and the mock's answer for the zone when there is one.
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
		ctx.Export("dnsName", alb.DNSName)
		ctx.Export("zoneId", alb.ZoneID)
		ctx.Export("arn", alb.ARN)
		ctx.Export("arnSuffix", alb.ARNSuffix)
		ctx.Export("securityGroupId", alb.SecurityGroupID)
		ctx.Export("listenerArn", alb.ListenerARN)
		ctx.Export("webAclArn", alb.WebACLARN)
		ctx.Export("accessLogsBucket", alb.AccessLogsBucket)
		if s, ok := alb.Sites["lookup"]; ok {
			ctx.Export("url", s.URL)
			ctx.Export("targetGroupArn", s.TargetGroupARN)
			ctx.Export("certificateArn", s.CertificateARN)
		}
		for _, s := range a.Sites {
			if s.Zone != "" {
				z, err := route53.LookupZone(ctx, &route53.LookupZoneArgs{Name: pulumi.StringRef(s.Zone)})
				if err != nil {
					return err
				}
				ctx.Export("mockZone", pulumi.String(z.ZoneId))
			}
		}
		return nil
	})
}

// zoned is a single site whose certificate is requested in example.org.
func zoned(s *loadbalancer.Site) { s.CertificateARN, s.Zone = "", "example.org" }

func TestHTTPSListener(t *testing.T) {
	res := deploy(t, loadbalancer.Args{})
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
	res := deploy(t, loadbalancer.Args{})
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
	res := deploy(t, loadbalancer.Args{})
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

	res = deploy(t, loadbalancer.Args{IdleTimeoutSeconds: 4000})
	mocktest.Eq(t, "idle timeout set", mocktest.One(t, res, typeLB).In("idleTimeout"), float64(4000))
}

func TestSecurityGroup(t *testing.T) {
	res := deploy(t, loadbalancer.Args{})
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
	// Egress is the sites' owners' to add, to their targets' groups.
	mocktest.EqualLists(t, "egress", rules(typeEgress), nil)
}

func TestTargetGroup(t *testing.T) {
	res := deploy(t, loadbalancer.Args{})
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
		a := withInputs(loadbalancer.Args{})
		alb, err := loadbalancer.New(ctx, "lookup", &a)
		if err != nil {
			return err
		}
		_, err = lb.NewTargetGroupAttachment(ctx, "consumer", &lb.TargetGroupAttachmentArgs{
			TargetGroupArn: alb.Sites["lookup"].TargetGroupARN,
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
	res := deploy(t, loadbalancer.Args{Sites: []loadbalancer.Site{site(zoned)}})
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
			res := deploy(t, loadbalancer.Args{Sites: []loadbalancer.Site{site(func(s *loadbalancer.Site) { s.Endpoint.Domain = tc.domain })}})
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
			DeletionProtection: true,
			AccessLogs:         true, AccessLogsBucket: logsBucket, AccessLogsRetentionDays: 30,
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
		res := deploy(t, loadbalancer.Args{})
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
	res := deploy(t, loadbalancer.Args{Sites: []loadbalancer.Site{site(zoned)}, AccessLogs: true, AccessLogsBucket: logsBucket, WAF: &loadbalancer.WAF{}})
	n := 0
	for _, r := range res.Resources() {
		// A web ACL's association and logging configuration take no tags.
		if !mocktest.Taggable(r) || r.Type == typeWAFAssoc || r.Type == typeWAFLogging {
			continue
		}
		n++
		tags := mocktest.Tags(r)
		for k, v := range map[string]string{"App": "lookup", "Env": "test", "Owner": "ld4p"} {
			assert.Equal(t, v, tags[k], "%s %s: tag %s", r.Type, r.Name, k)
		}
		assert.Equal(t, fmt.Sprintf("lookup-test-%v", tags["Group"]), tags["Name"], "%s %s: Name tag", r.Type, r.Name)
	}
	assert.NotZero(t, n)
}

func TestValidate(t *testing.T) {
	a := loadbalancer.Args{Sites: []loadbalancer.Site{site()}}
	require.NoError(t, a.Validate())
	assert.Zero(t, a.IdleTimeoutSeconds, "Validate must not change the arguments it checks")
	assert.Equal(t, endpoint, a.Sites[0].Endpoint, "Validate must not change the sites it checks")
	for _, domain := range []string{"example.org", "app.example.org", "a.b.example.org"} {
		s := site(zoned, func(s *loadbalancer.Site) { s.Endpoint.Domain = domain })
		assert.NoError(t, s.Validate(), domain)
	}
}

// A site whose endpoint was configured before the app's defaults were applied still renders a
// health check AWS accepts.
func TestSiteEndpointDefaults(t *testing.T) {
	res := deploy(t, loadbalancer.Args{Sites: []loadbalancer.Site{site(func(s *loadbalancer.Site) {
		s.Endpoint = app.Endpoint{Container: "web", Port: 8080}
	})}})
	tg := mocktest.One(t, res, typeTG)
	for path, want := range map[string]any{
		"healthCheck.path": "/", "healthCheck.matcher": "200-399", "healthCheck.healthyThreshold": float64(3),
		"healthCheck.unhealthyThreshold": float64(3), "healthCheck.interval": float64(30), "healthCheck.timeout": float64(5),
	} {
		assert.Equal(t, want, tg.In(path), path)
	}
}

func TestSharedFront(t *testing.T) {
	epimetheus := naming.Convention{App: "epimetheus", Env: "test", Owner: "ld4p"}
	res := deploy(t, loadbalancer.Args{Sites: []loadbalancer.Site{
		site(zoned, func(s *loadbalancer.Site) { s.Priority = 100 }),
		{Name: "epimetheus", Naming: epimetheus, Zone: "example.org", Priority: 200,
			Endpoint: app.Endpoint{Container: "frontend", Port: 8081, Domain: "epimetheus.example.org"}},
	}})
	require.Len(t, res.ByType(typeLB), 1)
	require.Len(t, res.ByType(typeTG), 2)
	require.Len(t, res.ByType(typeCert), 2)
	https := mocktest.Named(t, res, typeListener, "lookup-https")
	assert.Equal(t, "fixed-response", https.In("defaultActions[0].type"), "requests for no known host get a 404")
	assert.Equal(t, "404", https.In("defaultActions[0].fixedResponse.statusCode"))
	// The first site by name serves the listener's default certificate; the other is added by SNI.
	epiCert := mocktest.Named(t, res, typeCert, "epimetheus-cert")
	assert.Equal(t, epiCert.Out("arn"), https.In("certificateArn"))
	lookupCert := mocktest.Named(t, res, typeCert, "lookup-cert")
	extra := mocktest.One(t, res, "aws:lb/listenerCertificate:ListenerCertificate")
	assert.Equal(t, "lookup-cert", extra.Name)
	assert.Equal(t, lookupCert.Out("arn"), extra.In("certificateArn"))
	for _, tc := range []struct {
		site, domain, tg string
		priority         float64
	}{{"lookup", "app.example.org", "lookup-test-tg-8080", 100}, {"epimetheus", "epimetheus.example.org", "epimetheus-test-tg-8081", 200}} {
		rule := mocktest.Named(t, res, "aws:lb/listenerRule:ListenerRule", tc.site+"-rule")
		tg := mocktest.Named(t, res, typeTG, tc.site+"-tg")
		assert.Equal(t, tc.tg, tg.In("name"))
		assert.Equal(t, tc.priority, rule.In("priority"))
		assert.Equal(t, []any{tc.domain}, rule.In("conditions[0].hostHeader.values"))
		assert.Equal(t, "forward", rule.In("actions[0].type"))
		assert.Equal(t, tg.Out("arn"), rule.In("actions[0].targetGroupArn"))
		assert.Equal(t, tc.site, mocktest.Tags(tg)["App"], "a site's resources carry its system's tags")
		alias := mocktest.Named(t, res, typeRecord, tc.site+"-alias")
		assert.Equal(t, tc.domain, alias.In("name"))
	}
	assert.Equal(t, "https://app.example.org", res.Outputs["url"])
}

func TestInvalidArgs(t *testing.T) {
	other := func(priority int, domain string) loadbalancer.Site {
		return loadbalancer.Site{Name: "other", Naming: conv, CertificateARN: certARN, Priority: priority,
			Endpoint: app.Endpoint{Container: "web", Port: 9090, Domain: domain}}
	}
	tests := []struct {
		name string
		args loadbalancer.Args
		edit func(*loadbalancer.Args)
		want []string
	}{
		{"no sites", loadbalancer.Args{Sites: []loadbalancer.Site{}}, nil,
			[]string{"sites: is empty: a load balancer serves at least one site"}},
		{"no certificate", loadbalancer.Args{Sites: []loadbalancer.Site{site(func(s *loadbalancer.Site) { s.CertificateARN = "" })}}, nil,
			[]string{"sites.lookup.certificateArn: HTTPS needs a certificate: set certificateArn or zone"}},
		{"both", loadbalancer.Args{Sites: []loadbalancer.Site{site(func(s *loadbalancer.Site) { s.Zone = "example.org" })}}, nil,
			[]string{"sites.lookup.certificateArn: is set together with zone"}},
		{"zone without domain", loadbalancer.Args{Sites: []loadbalancer.Site{site(zoned, func(s *loadbalancer.Site) { s.Endpoint.Domain = "" })}}, nil,
			[]string{"sites.lookup.zone: needs the app's endpoint.domain"}},
		{"domain outside zone", loadbalancer.Args{Sites: []loadbalancer.Site{site(zoned, func(s *loadbalancer.Site) { s.Zone = "example.com" })}}, nil,
			[]string{`sites.lookup.zone: "example.com" does not hold the endpoint's domain "app.example.org"`}},
		{"domain only ends like zone", loadbalancer.Args{Sites: []loadbalancer.Site{site(zoned, func(s *loadbalancer.Site) { s.Endpoint.Domain = "notexample.org" })}}, nil,
			[]string{`sites.lookup.zone: "example.org" does not hold the endpoint's domain "notexample.org"`}},
		{"bad zone", loadbalancer.Args{Sites: []loadbalancer.Site{site(zoned, func(s *loadbalancer.Site) { s.Zone = "Example.org." })}}, nil,
			[]string{`sites.lookup.zone: "Example.org." is not a DNS zone name`}},
		{"malformed certificate", loadbalancer.Args{Sites: []loadbalancer.Site{site(func(s *loadbalancer.Site) {
			s.CertificateARN = "arn:aws:iam::123456789012:server-certificate/web"
		})}}, nil, []string{`sites.lookup.certificateArn: "arn:aws:iam::123456789012:server-certificate/web" is not an ACM certificate ARN`}},
		{"health check out of AWS's ranges", loadbalancer.Args{Sites: []loadbalancer.Site{site(func(s *loadbalancer.Site) {
			s.Endpoint.HealthyThreshold, s.Endpoint.IntervalSeconds, s.Endpoint.TimeoutSeconds, s.Endpoint.HealthCheckPath = 11, 301, 301, "health"
		})}}, nil, []string{
			`sites.lookup.endpoint.healthCheckPath: "health" is not a health check path`,
			"sites.lookup.endpoint.healthyThreshold: 11 is out of range: use 2 to 10",
			"sites.lookup.endpoint.intervalSeconds: 301 is out of range: use 5 to 300 seconds",
			"sites.lookup.endpoint.timeoutSeconds: 301 is out of range: use 2 to 120 seconds (below the interval)",
		}},
		{"timeout not below interval", loadbalancer.Args{Sites: []loadbalancer.Site{site(func(s *loadbalancer.Site) {
			s.Endpoint.IntervalSeconds, s.Endpoint.TimeoutSeconds = 10, 10
		})}}, nil, []string{"sites.lookup.endpoint.timeoutSeconds: 10 is out of range: use 2 to 9 seconds"}},
		{"two sites without domain", loadbalancer.Args{Sites: []loadbalancer.Site{site(func(s *loadbalancer.Site) { s.Endpoint.Domain = "" }), other(1, "")}}, nil,
			[]string{`sites.other.endpoint.domain: is required: site "lookup" already takes every request without a rule`}},
		{"shared site without priority", loadbalancer.Args{Sites: []loadbalancer.Site{site(func(s *loadbalancer.Site) { s.Priority = 5 }), other(0, "other.example.org")}}, nil,
			[]string{"sites.other.priority: 0 is out of range: a site on a shared load balancer needs a listener rule priority of 1 to 50000"}},
		{"shared priority taken", loadbalancer.Args{Sites: []loadbalancer.Site{site(func(s *loadbalancer.Site) { s.Priority = 5 }), other(5, "other.example.org")}}, nil,
			[]string{`sites.other.priority: 5 is also the priority of site "lookup": priorities must be unique`}},
		{"two sites, one name", loadbalancer.Args{Sites: []loadbalancer.Site{site(), site()}}, nil,
			[]string{`sites.lookup: two sites are named "lookup"`}},
		{"bad site name", loadbalancer.Args{Sites: []loadbalancer.Site{site(func(s *loadbalancer.Site) { s.Name = "Lookup" })}}, nil,
			[]string{`sites.Lookup: "Lookup" is not allowed`}},
		{"derived log bucket name too long", loadbalancer.Args{AccessLogs: true}, func(a *loadbalancer.Args) {
			a.Naming.App, a.Naming.Env = "authoritylookup", "preproduction"
		}, []string{"accessLogsBucket: is required: the derived name authoritylookup-preproduction-alb-logs-<account>-<region> could exceed S3's 63 characters"}},
		{"WAF out of range", loadbalancer.Args{WAF: &loadbalancer.WAF{RateLimit: 9, LogRetentionDays: 10}}, nil, []string{
			"waf.rateLimit: 9 is out of range: use 10 to 2000000000 requests per 5 minutes and client address",
			"waf.logRetentionDays: 10 is not a CloudWatch Logs retention period",
		}},
		{"WAF rate limit too high", loadbalancer.Args{WAF: &loadbalancer.WAF{RateLimit: 2_000_000_001}}, nil,
			[]string{"waf.rateLimit: 2000000001 is out of range"}},
		{"more certificates than a listener serves", loadbalancer.Args{Sites: manySites(27)}, nil,
			[]string{"sites: 27 sites need 27 certificates: an HTTPS listener serves 26 by default"}},
		{"bad bucket name", loadbalancer.Args{AccessLogs: true, AccessLogsBucket: "Logs_Bucket"}, nil,
			[]string{`accessLogsBucket: "Logs_Bucket" is not a valid S3 bucket name`}},
		{"bucket without logs", loadbalancer.Args{AccessLogsBucket: logsBucket}, nil,
			[]string{"accessLogsBucket: is set but accessLogs is false"}},
		{"retention", loadbalancer.Args{AccessLogs: true, AccessLogsBucket: logsBucket, AccessLogsRetentionDays: 3651}, nil,
			[]string{"accessLogsRetentionDays: 3651 is out of range: use 1 to 3650 days"}},
		{"idle timeout high", loadbalancer.Args{IdleTimeoutSeconds: 4001}, nil,
			[]string{"idleTimeoutSeconds: 4001 is out of range: use 1 to 4000 seconds"}},
		{"idle timeout negative", loadbalancer.Args{IdleTimeoutSeconds: -1}, nil,
			[]string{"idleTimeoutSeconds: -1 is out of range: use 1 to 4000 seconds"}},
		{"names over 32", loadbalancer.Args{}, func(a *loadbalancer.Args) {
			a.Naming.App, a.Naming.Env = "authoritylookup", "preproduction"
		}, []string{`naming: load balancer name "authoritylookup-preproduction-alb" is 33 characters long: AWS allows 32`}},
		{"target group name over 32", loadbalancer.Args{Sites: []loadbalancer.Site{site(func(s *loadbalancer.Site) {
			s.Naming.App, s.Naming.Env, s.Endpoint.Port = "authoritylookup", "preprodx", 65535
		})}}, nil, []string{`sites.lookup.naming: target group name "authoritylookup-preprodx-tg-65535" is 33 characters long: AWS allows 32`}},
		{"internal prefix", loadbalancer.Args{}, func(a *loadbalancer.Args) { a.Naming.App = "internal" },
			[]string{`naming: load balancer name "internal-test-alb" starts with "internal-"`}},
		{"bad naming", loadbalancer.Args{}, func(a *loadbalancer.Args) { a.Naming = naming.Convention{} },
			[]string{"naming.app: must not be empty", "naming.env: must not be empty", "naming.owner: is required"}},
		{"bad site naming", loadbalancer.Args{Sites: []loadbalancer.Site{site(func(s *loadbalancer.Site) { s.Naming.Owner = "" })}}, nil,
			[]string{"sites.lookup.naming.owner: is required"}},
		{"one subnet", loadbalancer.Args{}, func(a *loadbalancer.Args) { a.PublicSubnetIDs = a.PublicSubnetIDs[:1] },
			[]string{"publicSubnetIds: got 1: an Application Load Balancer needs public subnets in at least two availability zones"}},
		{"no vpc", loadbalancer.Args{}, func(a *loadbalancer.Args) { a.VPCID = nil },
			[]string{"vpcId: is required"}},
		{"no endpoint port", loadbalancer.Args{Sites: []loadbalancer.Site{site(func(s *loadbalancer.Site) { s.Endpoint = app.Endpoint{} })}}, nil,
			[]string{"sites.lookup.endpoint.port: 0 is out of range: use 1 to 65535"}},
		{"all at once", loadbalancer.Args{AccessLogs: true, AccessLogsBucket: "Logs", IdleTimeoutSeconds: 5000, Sites: []loadbalancer.Site{site(func(s *loadbalancer.Site) { s.CertificateARN = "" })}},
			func(a *loadbalancer.Args) { a.PublicSubnetIDs = nil },
			[]string{`accessLogsBucket: "Logs" is not a valid S3 bucket name`, "idleTimeoutSeconds: 5000 is out of range", "sites.lookup.certificateArn: HTTPS needs a certificate", "publicSubnetIds: got 0"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := withInputs(tc.args)
			if tc.edit != nil {
				tc.edit(&a)
			}
			mocktest.Refused(t, func(ctx *pulumi.Context) error {
				_, err := loadbalancer.New(ctx, "lookup", &a)
				return err
			}, tc.want...)
		})
	}
}

func strings1(v any) []string {
	list, _ := v.([]any)
	out := make([]string, len(list))
	for i, x := range list {
		out[i] = fmt.Sprint(x)
	}
	return out
}

func TestInstanceTargets(t *testing.T) {
	res := deploy(t, loadbalancer.Args{Sites: []loadbalancer.Site{site(func(s *loadbalancer.Site) { s.TargetType = loadbalancer.TargetInstance })}})
	assert.Equal(t, "instance", mocktest.One(t, res, typeTG).In("targetType"))
	mocktest.Refused(t, func(ctx *pulumi.Context) error {
		a := withInputs(loadbalancer.Args{Sites: []loadbalancer.Site{site(func(s *loadbalancer.Site) { s.TargetType = "lambda" })}})
		_, err := loadbalancer.New(ctx, "lookup", &a)
		return err
	}, `sites.lookup.targetType: "lambda" is not allowed: use one of ip, instance`)
}

// manySites returns n sites with their own domains, certificates and ports.
func manySites(n int) []loadbalancer.Site {
	var out []loadbalancer.Site
	for i := range n {
		out = append(out, site(func(s *loadbalancer.Site) {
			s.Name, s.Priority = fmt.Sprintf("site-%d", i), 100+i
			s.CertificateARN = fmt.Sprintf("arn:aws:acm:us-east-1:123456789012:certificate/%08x-12ab-34cd-56ef-1234567890ab", i)
			s.Endpoint.Domain, s.Endpoint.Port = fmt.Sprintf("app%d.example.org", i), 8000+i
		}))
	}
	return out
}

func TestCertificateQuota(t *testing.T) {
	res := deploy(t, loadbalancer.Args{Sites: manySites(26)})
	assert.Len(t, res.ByType("aws:lb/listenerCertificate:ListenerCertificate"), 25, "the default certificate and 25 more")
}

// Without a configured name, the access log bucket is named after the load balancer, the account
// and the region: globally unique, and the same on every run.
func TestDerivedAccessLogsBucket(t *testing.T) {
	res := deploy(t, loadbalancer.Args{AccessLogs: true})
	b := mocktest.One(t, res, typeBucket)
	assert.Equal(t, "lookup-test-alb-logs-123456789012-us-east-1", b.In("bucket"))
	assert.NoError(t, naming.BucketName(b.In("bucket").(string)))
	assert.Equal(t, b.In("bucket"), mocktest.One(t, res, typeLB).In("accessLogs.bucket"))
	assert.Equal(t, b.In("bucket"), res.Outputs["accessLogsBucket"])
	assert.Empty(t, res.ByType("aws:s3/bucketLoggingV2:BucketLoggingV2"), "a log bucket is not logged itself")

	// The longest app and env the derived name allows (25 characters together), which leaves room
	// for a 12-digit account and a 14-character region name within 63; one more is refused.
	a := withInputs(loadbalancer.Args{AccessLogs: true})
	a.Naming.App, a.Naming.Env = "authoritylookups", "preprod-0"
	assert.NoError(t, a.Validate())
	a.Naming.Env = "preprod-01"
	assert.ErrorContains(t, a.Validate(), "accessLogsBucket: is required")
}

// Regions opened since August 2022 have no Elastic Load Balancing account: the log delivery
// service principal writes the logs there.
func TestAccessLogsInNewerRegions(t *testing.T) {
	a := withInputs(loadbalancer.Args{AccessLogs: true})
	res, err := mock.Run(func(ctx *pulumi.Context) error {
		_, err := loadbalancer.New(ctx, "lookup", &a)
		return err
	}, mock.Options{Project: "strata", Stack: "test", Config: map[string]string{"aws:region": "eu-central-2"}})
	require.NoError(t, err)
	assert.Equal(t, "lookup-test-alb-logs-123456789012-eu-central-2", mocktest.One(t, res, typeBucket).In("bucket"))
	doc := mocktest.Document(t, mocktest.One(t, res, typePolicy), "policy")
	var writer []any
	for _, s := range doc.Statement {
		if s.Effect == "Allow" {
			writer = append(writer, s.Principal)
			assert.Equal(t, []string{"s3:PutObject"}, s.Action)
			assert.Equal(t, []string{"arn:aws:s3:::lookup-test-alb-logs-123456789012-eu-central-2/alb/AWSLogs/123456789012/*"}, s.Resource)
		}
	}
	assert.Equal(t, []any{map[string]any{"Service": "logdelivery.elasticloadbalancing.amazonaws.com"}}, writer)
	for _, inv := range res.Invokes() {
		assert.NotEqual(t, "aws:elb/getServiceAccount:getServiceAccount", inv.Token, "no ELB account in this region")
	}
}

func TestWebACL(t *testing.T) {
	res := deploy(t, loadbalancer.Args{WAF: &loadbalancer.WAF{}})
	acl := mocktest.One(t, res, typeWebACL)
	alb := mocktest.One(t, res, typeLB)
	assert.Equal(t, "lookup-test-waf", acl.In("name"))
	assert.Equal(t, "REGIONAL", acl.In("scope"))
	assert.Regexp(t, `^[\w+=:#@/\-,\.][\w+=:#@/\-,\.\s]+[\w+=:#@/\-,\.]$`, acl.In("description"), "WAF's description pattern")
	assert.Equal(t, map[string]any{"allow": map[string]any{}}, acl.In("defaultAction"))
	assert.Equal(t, map[string]any{"cloudwatchMetricsEnabled": true, "metricName": "lookup-test-waf", "sampledRequestsEnabled": true}, acl.In("visibilityConfig"))

	var rules []string
	for i, r := range acl.In("rules").([]any) {
		rule := r.(map[string]any)
		assert.Equal(t, float64(i), rule["priority"])
		vis := rule["visibilityConfig"].(map[string]any)
		assert.Equal(t, true, vis["cloudwatchMetricsEnabled"])
		assert.Equal(t, true, vis["sampledRequestsEnabled"])
		assert.Equal(t, "lookup-test-waf-"+rule["name"].(string), vis["metricName"])
		assert.Regexp(t, `^[\w#:\.\-/]{1,128}$`, vis["metricName"])
		stmt := rule["statement"].(map[string]any)
		if g, ok := stmt["managedRuleGroupStatement"].(map[string]any); ok {
			assert.Equal(t, "AWS", g["vendorName"])
			assert.Equal(t, map[string]any{"none": map[string]any{}}, rule["overrideAction"], "the groups' own actions: block")
			rules = append(rules, fmt.Sprint(rule["name"], " ", g["name"]))
			continue
		}
		rate := stmt["rateBasedStatement"].(map[string]any)
		assert.Equal(t, float64(2000), rate["limit"])
		assert.Equal(t, "IP", rate["aggregateKeyType"])
		assert.Equal(t, float64(300), rate["evaluationWindowSec"])
		assert.Equal(t, map[string]any{"block": map[string]any{}}, rule["action"])
		rules = append(rules, fmt.Sprint(rule["name"], " rate"))
	}
	assert.Equal(t, []string{
		"rate-limit rate",
		"aws-ip-reputation AWSManagedRulesAmazonIpReputationList",
		"aws-known-bad-inputs AWSManagedRulesKnownBadInputsRuleSet",
		"aws-common AWSManagedRulesCommonRuleSet",
	}, rules)

	assoc := mocktest.One(t, res, typeWAFAssoc)
	assert.Equal(t, alb.Out("arn"), assoc.In("resourceArn"))
	assert.Equal(t, acl.Out("arn"), assoc.In("webAclArn"))

	lg := mocktest.One(t, res, typeLogGroup)
	assert.Equal(t, "aws-waf-logs-lookup-test-alb", lg.In("name"), "WAF logs only to destinations named aws-waf-logs-*")
	assert.Equal(t, float64(90), lg.In("retentionInDays"))
	logging := mocktest.One(t, res, typeWAFLogging)
	assert.Equal(t, acl.Out("arn"), logging.In("resourceArn"))
	assert.Equal(t, []any{lg.Out("arn")}, logging.In("logDestinationConfigs"))
	assert.NotContains(t, lg.Out("arn"), ":*", "WAF refuses a log group ARN with the :* suffix")
	assert.Equal(t, []any{
		map[string]any{"singleHeader": map[string]any{"name": "authorization"}},
		map[string]any{"singleHeader": map[string]any{"name": "cookie"}},
	}, logging.In("redactedFields"))
	assert.Equal(t, "DROP", logging.In("loggingFilter.defaultBehavior"))
	assert.Equal(t, "KEEP", logging.In("loggingFilter.filters[0].behavior"))
	var kept []string
	for _, c := range logging.In("loggingFilter.filters[0].conditions").([]any) {
		kept = append(kept, c.(map[string]any)["actionCondition"].(map[string]any)["action"].(string))
	}
	assert.Equal(t, []string{"BLOCK", "COUNT", "EXCLUDED_AS_COUNT"}, kept)
	assert.Equal(t, acl.Out("arn"), res.Outputs["webAclArn"])
}

func TestWebACLOptions(t *testing.T) {
	res := deploy(t, loadbalancer.Args{WAF: &loadbalancer.WAF{RateLimit: 500, SQLi: true, CountOnly: true, LogRetentionDays: 30, LogAllRequests: true}})
	acl := mocktest.One(t, res, typeWebACL)
	rules := acl.In("rules").([]any)
	require.Len(t, rules, 5)
	assert.Equal(t, "aws-sqli", rules[4].(map[string]any)["name"])
	assert.Equal(t, "AWSManagedRulesSQLiRuleSet", acl.In("rules[4].statement.managedRuleGroupStatement.name"))
	assert.Equal(t, float64(500), acl.In("rules[0].statement.rateBasedStatement.limit"))
	assert.Equal(t, map[string]any{"count": map[string]any{}}, acl.In("rules[0].action"), "count-only: the rate rule counts")
	for i := 1; i < 5; i++ {
		assert.Equal(t, map[string]any{"count": map[string]any{}}, acl.In(fmt.Sprintf("rules[%d].overrideAction", i)), "count-only: the groups count")
	}
	assert.Equal(t, float64(30), mocktest.One(t, res, typeLogGroup).In("retentionInDays"))
	assert.Nil(t, mocktest.One(t, res, typeWAFLogging).In("loggingFilter"), "every request is logged")

	res = deploy(t, loadbalancer.Args{})
	for _, typ := range []string{typeWebACL, typeWAFAssoc, typeWAFLogging, typeLogGroup} {
		assert.Empty(t, res.ByType(typ), "no WAF unless asked")
	}
	assert.Equal(t, "", res.Outputs["webAclArn"])
}
