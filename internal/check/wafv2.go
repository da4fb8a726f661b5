package check

import (
	"regexp"
	"slices"
)

const (
	webACLType      = "aws:wafv2/webAcl:WebAcl"
	webACLAssocType = "aws:wafv2/webAclAssociation:WebAclAssociation"
	wafLoggingType  = "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration"
	wafAPI          = "https://docs.aws.amazon.com/waf/latest/APIReference/"
)

// wafDestination finds the name of a log group, bucket or Firehose stream in its ARN.
var wafDestination = regexp.MustCompile(`(?:log-group:|:::|deliverystream/)([^:/]+)`)

var wafv2 = set{
	limits: []Limit{
		{ID: "wafv2.webacl.ratebased.evaluationwindow", Type: webACLType, Path: "rules[*].statement.rateBasedStatement.evaluationWindowSec",
			Enum: []string{"60", "120", "300", "600"}, Allowed: "60, 120, 300 or 600 seconds", Source: wafAPI + "API_RateBasedStatement.html"},
	},
	rules: []Rule{
		{
			ID: "wafv2.logging.destination", Types: []string{wafLoggingType}, Paths: []string{"logDestinationConfigs[*]"},
			Source: wafAPI + "API_LoggingConfiguration.html",
			Check: func(r *Resource, report Reporter) {
				list, _ := r.Inputs["logDestinationConfigs"].([]any)
				if len(list) != 1 {
					report("logDestinationConfigs", len(list), "one logging destination per web ACL")
				}
				r.Each("logDestinationConfigs[*]", func(path string, v any) {
					arn, ok := text(v)
					if !ok {
						return
					}
					if m := wafDestination.FindStringSubmatch(arn); m == nil || len(m[1]) < len("aws-waf-logs-") || m[1][:len("aws-waf-logs-")] != "aws-waf-logs-" {
						report(path, arn, "a log group, bucket or Firehose stream whose name starts with aws-waf-logs-")
					}
				})
			},
		},
	},
	classes: slices.Concat(
		classify(webACLType, Boolean, "metrics and request sampling on or off", "visibilityConfig.cloudwatchMetricsEnabled", "visibilityConfig.sampledRequestsEnabled",
			"rules[*].visibilityConfig.cloudwatchMetricsEnabled", "rules[*].visibilityConfig.sampledRequestsEnabled"),
		classify(webACLAssocType, Reference, "ARNs of the protected resource and the web ACL", "resourceArn", "webAclArn"),
		classify(wafLoggingType, Reference, "the web ACL's ARN", "resourceArn"),
	),
}
