package loadbalancer

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/wafv2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-iac/strata/components/field"
	"github.com/strata-iac/strata/components/logs"
)

// Defaults of the web ACL.
const (
	// DefaultRateLimit lets one client address send about 7 requests a second on average, far
	// above a person browsing, while a whole campus behind one NAT address still fits.
	DefaultRateLimit           = 2000
	DefaultWAFLogRetentionDays = 90
	// WAFLogPrefix starts the name of every log destination of a web ACL: WAF refuses others.
	WAFLogPrefix = "aws-waf-logs-"
	// rateWindowSeconds is the rate rule's evaluation window, WAF's default of 5 minutes.
	rateWindowSeconds = 300
)

// WAF's limits on a rate-based rule (RateBasedStatement.Limit).
const (
	minRateLimit = 10
	maxRateLimit = 2_000_000_000
)

// WAF configures the web ACL (AWS WAF, regional) in front of the load balancer: AWS's managed rule
// groups for the common web exploits, known bad inputs and addresses with a bad reputation, a
// per-address rate limit, CloudWatch metrics and sampled requests for each rule, and logs of the
// requests the rules act on.
type WAF struct {
	// RateLimit blocks a client address that sends more than this many requests in any 5 minutes
	// (until its rate drops again). Default 2000; 10 to 2,000,000,000.
	RateLimit int
	// SQLi adds AWS's SQL injection rule group (AWSManagedRulesSQLiRuleSet). Default false.
	SQLi bool
	// CountOnly counts the requests the rules match instead of blocking them, to try the rules on
	// real traffic before enforcing them. Default false.
	CountOnly bool
	// LogRetentionDays keeps the WAF log records this long. Default 90; one of CloudWatch Logs'
	// retention periods.
	LogRetentionDays int
	// LogAllRequests logs every request, not only those a rule blocked or counted. Default false:
	// the access logs already record every request.
	LogAllRequests bool
}

// managedRuleGroup is an AWS managed rule group of the web ACL.
type managedRuleGroup struct{ rule, group string }

// managedRuleGroups are the baseline groups, cheapest first (WAF evaluates in priority order):
// together with the rate rule about 930 of the 1,500 web ACL capacity units included in the
// price (1,130 with SQLi).
var managedRuleGroups = []managedRuleGroup{
	{"aws-ip-reputation", "AWSManagedRulesAmazonIpReputationList"},
	{"aws-known-bad-inputs", "AWSManagedRulesKnownBadInputsRuleSet"},
	{"aws-common", "AWSManagedRulesCommonRuleSet"},
}

var sqliRuleGroup = managedRuleGroup{"aws-sqli", "AWSManagedRulesSQLiRuleSet"}

// redactedHeaders never reach the WAF logs: they carry credentials and session tokens.
var redactedHeaders = []string{"authorization", "cookie"}

func (w WAF) withDefaults() WAF {
	if w.RateLimit == 0 {
		w.RateLimit = DefaultRateLimit
	}
	if w.LogRetentionDays == 0 {
		w.LogRetentionDays = DefaultWAFLogRetentionDays
	}
	return w
}

// check reports the web ACL's problems at waf.<key>.
func (w WAF) check(errs *field.Errors) {
	errs.Range("waf.rateLimit", w.RateLimit, minRateLimit, maxRateLimit, "requests per 5 minutes and client address")
	errs.Check("waf.logRetentionDays", logs.CheckRetention(w.LogRetentionDays))
}

func (a Args) wafName() string     { return a.Naming.Name("waf") }
func (a Args) wafLogGroup() string { return WAFLogPrefix + a.name() }

// webACL creates the web ACL, associates it with the load balancer and logs what it acts on to a
// log group of its own.
func (a Args) webACL(ctx *pulumi.Context, name string, balancerARN pulumi.StringOutput, parent pulumi.ResourceOption) (*wafv2.WebAcl, error) {
	w := *a.WAF
	visibility := func(metric string) *wafv2.WebAclRuleVisibilityConfigArgs {
		return &wafv2.WebAclRuleVisibilityConfigArgs{
			CloudwatchMetricsEnabled: pulumi.Bool(true),
			MetricName:               pulumi.String(metric),
			SampledRequestsEnabled:   pulumi.Bool(true),
		}
	}
	rateAction := &wafv2.WebAclRuleActionArgs{Block: &wafv2.WebAclRuleActionBlockArgs{}}
	groupAction := &wafv2.WebAclRuleOverrideActionArgs{None: &wafv2.WebAclRuleOverrideActionNoneArgs{}}
	if w.CountOnly {
		rateAction = &wafv2.WebAclRuleActionArgs{Count: &wafv2.WebAclRuleActionCountArgs{}}
		groupAction = &wafv2.WebAclRuleOverrideActionArgs{Count: &wafv2.WebAclRuleOverrideActionCountArgs{}}
	}
	// The rate rule first: a flood is stopped before the costlier rules inspect it.
	rules := wafv2.WebAclRuleArray{&wafv2.WebAclRuleArgs{
		Name:     pulumi.String("rate-limit"),
		Priority: pulumi.Int(0),
		Action:   rateAction,
		Statement: &wafv2.WebAclRuleStatementArgs{RateBasedStatement: &wafv2.WebAclRuleStatementRateBasedStatementArgs{
			Limit:               pulumi.Int(w.RateLimit),
			AggregateKeyType:    pulumi.String("IP"),
			EvaluationWindowSec: pulumi.Int(rateWindowSeconds),
		}},
		VisibilityConfig: visibility(a.wafName() + "-rate-limit"),
	}}
	groups := managedRuleGroups
	if w.SQLi {
		groups = append(groups[:len(groups):len(groups)], sqliRuleGroup)
	}
	for i, g := range groups {
		rules = append(rules, &wafv2.WebAclRuleArgs{
			Name:           pulumi.String(g.rule),
			Priority:       pulumi.Int(i + 1),
			OverrideAction: groupAction,
			Statement: &wafv2.WebAclRuleStatementArgs{ManagedRuleGroupStatement: &wafv2.WebAclRuleStatementManagedRuleGroupStatementArgs{
				VendorName: pulumi.String("AWS"),
				Name:       pulumi.String(g.group),
			}},
			VisibilityConfig: visibility(a.wafName() + "-" + g.rule),
		})
	}
	acl, err := wafv2.NewWebAcl(ctx, name+"-waf", &wafv2.WebAclArgs{
		Name:          pulumi.String(a.wafName()),
		Description:   pulumi.String("Managed rules and rate limit in front of load balancer " + a.name()),
		Scope:         pulumi.String("REGIONAL"),
		DefaultAction: &wafv2.WebAclDefaultActionArgs{Allow: &wafv2.WebAclDefaultActionAllowArgs{}},
		Rules:         rules,
		VisibilityConfig: &wafv2.WebAclVisibilityConfigArgs{
			CloudwatchMetricsEnabled: pulumi.Bool(true),
			MetricName:               pulumi.String(a.wafName()),
			SampledRequestsEnabled:   pulumi.Bool(true),
		},
		Tags: pulumi.ToStringMap(a.Naming.Tags("waf")),
	}, parent)
	if err != nil {
		return nil, err
	}
	if _, err := wafv2.NewWebAclAssociation(ctx, name+"-waf", &wafv2.WebAclAssociationArgs{
		ResourceArn: balancerARN,
		WebAclArn:   acl.Arn,
	}, parent); err != nil {
		return nil, err
	}

	logGroup, err := cloudwatch.NewLogGroup(ctx, name+"-waf-logs", &cloudwatch.LogGroupArgs{
		Name:            pulumi.String(a.wafLogGroup()),
		RetentionInDays: pulumi.Int(w.LogRetentionDays),
		Tags:            pulumi.ToStringMap(a.Naming.Tags("waf-logs")),
	}, parent)
	if err != nil {
		return nil, err
	}
	var redacted wafv2.WebAclLoggingConfigurationRedactedFieldArray
	for _, h := range redactedHeaders {
		redacted = append(redacted, &wafv2.WebAclLoggingConfigurationRedactedFieldArgs{
			SingleHeader: &wafv2.WebAclLoggingConfigurationRedactedFieldSingleHeaderArgs{Name: pulumi.String(h)},
		})
	}
	var filter wafv2.WebAclLoggingConfigurationLoggingFilterPtrInput
	if !w.LogAllRequests {
		var conditions wafv2.WebAclLoggingConfigurationLoggingFilterFilterConditionArray
		for _, action := range []string{"BLOCK", "COUNT", "EXCLUDED_AS_COUNT"} {
			conditions = append(conditions, &wafv2.WebAclLoggingConfigurationLoggingFilterFilterConditionArgs{
				ActionCondition: &wafv2.WebAclLoggingConfigurationLoggingFilterFilterConditionActionConditionArgs{Action: pulumi.String(action)},
			})
		}
		filter = &wafv2.WebAclLoggingConfigurationLoggingFilterArgs{
			DefaultBehavior: pulumi.String("DROP"),
			Filters: wafv2.WebAclLoggingConfigurationLoggingFilterFilterArray{&wafv2.WebAclLoggingConfigurationLoggingFilterFilterArgs{
				Behavior:    pulumi.String("KEEP"),
				Requirement: pulumi.String("MEETS_ANY"),
				Conditions:  conditions,
			}},
		}
	}
	if _, err := wafv2.NewWebAclLoggingConfiguration(ctx, name+"-waf-logging", &wafv2.WebAclLoggingConfigurationArgs{
		ResourceArn:           acl.Arn,
		LogDestinationConfigs: pulumi.StringArray{logGroup.Arn},
		RedactedFields:        redacted,
		LoggingFilter:         filter,
	}, parent); err != nil {
		return nil, err
	}
	return acl, nil
}
