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

const (
	kmsKeyType   = "aws:kms/key:Key"
	kmsAliasType = "aws:kms/alias:Alias"
)

var kms = set{
	limits: []Limit{
		{ID: "kms.alias.name", Type: kmsAliasType, Path: "name", Len: &Range{1, 256}, Pattern: `alias/[a-zA-Z0-9:/_-]+`, Reject: `^alias/aws/`,
			Allowed: "alias/ and 1 to 250 of a-z, A-Z, 0-9, : / _ -, not under alias/aws/ (reserved for AWS managed keys)",
			Source:  "https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateAlias.html (AliasName; botocore kms CreateAlias.AliasName: 1 to 256, ^[a-zA-Z0-9:/_-]+$)"},
		{ID: "kms.key.deletionwindow", Type: kmsKeyType, Path: "deletionWindowInDays", Num: &Range{7, 30}, Allowed: "7 to 30 days",
			Source: "https://docs.aws.amazon.com/kms/latest/APIReference/API_ScheduleKeyDeletion.html (PendingWindowInDays; the model's 1 to 365 is looser than the documented range)"},
	},
	classes: slices.Concat(
		classify(kmsKeyType, Boolean, "key flags", "enableKeyRotation", "isEnabled", "multiRegion", "bypassPolicyLockoutSafetyCheck"),
		classify(kmsKeyType, Reference, "a custom key store's id", "customKeyStoreId"),
		classify(kmsAliasType, Reference, "the key's id or ARN", "targetKeyId"),
	),
}
