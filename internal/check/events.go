package check

import (
	"encoding/json"
	"slices"
	"strings"
)

const (
	eventRuleType    = "aws:cloudwatch/eventRule:EventRule"
	eventTargetType  = "aws:cloudwatch/eventTarget:EventTarget"
	stateMachineType = "aws:sfn/stateMachine:StateMachine"
)

// jsonDocuments are string properties AWS parses as JSON, with the page that says so: a value that
// is not JSON is refused.
var jsonDocuments = []struct{ typ, path, source string }{
	{eventRuleType, "eventPattern", "https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutRule.html"},
	{eventTargetType, "input", "https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_Target.html"},
	{stateMachineType, "definition", "https://docs.aws.amazon.com/step-functions/latest/apireference/API_CreateStateMachine.html"},
	{ssmDocumentType, "content", "https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_CreateDocument.html"},
	{queueType, "redriveAllowPolicy", sqsAPI},
}

func jsonDocumentRule() Rule {
	ru := Rule{ID: "json.document"}
	var sources []string
	for _, d := range jsonDocuments {
		ru.Types = append(ru.Types, d.typ)
		ru.Paths = append(ru.Paths, d.path)
		if !slices.Contains(sources, d.source) {
			sources = append(sources, d.source)
		}
	}
	ru.Source = strings.Join(sources, "; ")
	ru.Check = func(r *Resource, report Reporter) {
		for _, d := range jsonDocuments {
			if d.typ != r.Type {
				continue
			}
			// SSM documents may be YAML or text.
			if f, ok := text(r.Inputs["documentFormat"]); ok && r.Type == ssmDocumentType && f != "JSON" {
				continue
			}
			if s, ok := text(r.Inputs[d.path]); ok && !json.Valid([]byte(s)) {
				report(d.path, truncate(s), "a JSON document")
			}
		}
	}
	return ru
}

var events = set{
	rules: []Rule{jsonDocumentRule()},
	classes: slices.Concat(
		classify(eventRuleType, Reference, "the role's ARN", "roleArn"),
		classify(eventRuleType, Provider, "the provider deletes managed rules", "forceDestroy"),
		classify(eventTargetType, Reference, "ARNs of the target and role, the rule's name and the bus", "arn", "roleArn", "rule", "eventBusName"),
		classify(stateMachineType, Reference, "ARNs of the role and the log group", "roleArn", "loggingConfiguration.logDestination"),
		classify(stateMachineType, Boolean, "state machine flags", "publish", "tracingConfiguration.enabled", "loggingConfiguration.includeExecutionData"),
	),
}
