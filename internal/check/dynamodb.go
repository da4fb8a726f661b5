package check

import "slices"

const tableType = "aws:dynamodb/table:Table"

var dynamodb = set{
	limits: []Limit{
		{ID: "dynamodb.table.name", Type: tableType, Path: "name", Len: &Range{3, 255}, Pattern: `[a-zA-Z0-9_.-]+`,
			Allowed: "3 to 255 letters, digits, underscores, hyphens and periods",
			Source:  "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html"},
	},
	rules: []Rule{
		{
			ID: "dynamodb.table.keys", Types: []string{tableType}, Source: "https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_CreateTable.html (KeySchema)",
			Check: func(r *Resource, report Reporter) {
				var defined []any
				r.Each("attributes[*].name", func(_ string, v any) { defined = append(defined, v) })
				for _, k := range []string{"hashKey", "rangeKey"} {
					if v, ok := text(r.Inputs[k]); ok && !slices.Contains(defined, any(v)) {
						report(k, v, "a key attribute that is also defined in attributes")
					}
				}
			},
		},
	},
	classes: slices.Concat(
		classify(tableType, Boolean, "table flags", "deletionProtectionEnabled", "pointInTimeRecovery.enabled", "serverSideEncryption.enabled", "streamEnabled", "ttl.enabled"),
		classify(tableType, Reference, "the KMS key's ARN", "serverSideEncryption.kmsKeyArn"),
		classify(tableType, FreeText, "an attribute name (1 to 255 characters, as key attributes)", "ttl.attributeName"),
	),
}
