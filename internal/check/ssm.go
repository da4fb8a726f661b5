package check

import "slices"

const (
	ssmDocumentType    = "aws:ssm/document:Document"
	ssmAssociationType = "aws:ssm/association:Association"
	ssmParameterType   = "aws:ssm/parameter:Parameter"
	pullThroughType    = "aws:ecr/pullThroughCacheRule:PullThroughCacheRule"
	putParameter       = "https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_PutParameter.html"
)

var ssm = set{
	limits: []Limit{
		// 2,048 characters, of which 1,037 are reserved for Systems Manager's own use.
		{ID: "ssm.parameter.name.charset", Type: ssmParameterType, Path: "name", Len: &Range{1, 1011}, Pattern: `[a-zA-Z0-9_./-]+`,
			Reject:  `(?i)^/?(aws|ssm)|(/[^/]*){16}`,
			Allowed: "at most 1,011 characters of a-zA-Z0-9_.- and / between levels, at most 15 levels, not starting with aws or ssm", Source: putParameter},
	},
	classes: slices.Concat(
		classify(ssmParameterType, Secret, "the parameter's value", "value", "insecureValue"),
		classify(ssmParameterType, Provider, "the provider overwrites an existing parameter", "overwrite"),
		classify(ssmAssociationType, FreeText, "the document's parameters: what they allow is the document's", "parameters.*"),
		classify(ssmAssociationType, FreeText, "tag values, instance ids or resource group names to target (API_Target)", "targets[*].values[*]"),
		classify(ssmAssociationType, Reference, "an instance's id", "instanceId"),
		classify(ssmAssociationType, Boolean, "apply only at the cron interval", "applyOnlyAtCronInterval"),
		classify(ssmAssociationType, Provider, "the provider waits this long for the first run", "waitForSuccessTimeoutSeconds"),
		classify(ssmDocumentType, Reference, "account ids the document is shared with", "permissions.*"),
		classify(pullThroughType, Catalog, "the upstream registry's URL (https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache-creating-rule.html)", "upstreamRegistryUrl"),
		classify(pullThroughType, Reference, "the role's ARN", "customRoleArn"),
	),
}
