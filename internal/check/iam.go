package check

import "slices"

const (
	iamRoleType       = "aws:iam/role:Role"
	iamPolicyType     = "aws:iam/policy:Policy"
	iamAttachmentType = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
	iamProfileType    = "aws:iam/instanceProfile:InstanceProfile"
	iamOIDCType       = "aws:iam/openIdConnectProvider:OpenIdConnectProvider"
)

// iam holds what the API models do not say about IAM; names, paths, descriptions and document
// lengths are generated, and documents are judged by the policy rules.
var iam = set{
	classes: slices.Concat(
		classify(iamRoleType, Reference, "ARNs of managed policies", "managedPolicyArns[*]"),
		classify(iamRoleType, Provider, "the provider detaches policies before deleting the role", "forceDetachPolicies"),
	),
}

const kmsKeyType = "aws:kms/key:Key"

var kms = set{
	limits: []Limit{
		{ID: "kms.key.deletionwindow", Type: kmsKeyType, Path: "deletionWindowInDays", Num: &Range{7, 30}, Allowed: "7 to 30 days",
			Source: "https://docs.aws.amazon.com/kms/latest/APIReference/API_ScheduleKeyDeletion.html (PendingWindowInDays; the model's 1 to 365 is looser than the documented range)"},
	},
	classes: slices.Concat(
		classify(kmsKeyType, Boolean, "key flags", "enableKeyRotation", "isEnabled", "multiRegion", "bypassPolicyLockoutSafetyCheck"),
		classify(kmsKeyType, Reference, "a custom key store's id", "customKeyStoreId"),
	),
}
