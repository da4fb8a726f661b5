package aot

import (
	"github.com/strata-iac/strata/components/policy"
)

// account is where the cluster lives: what its ARNs are built from.
type account struct {
	Partition, Region, ID string
}

// parameterARN is the ARN pattern of the SSM parameters below path (which starts with /).
func (a account) parameterARN(path string) string {
	return "arn:" + a.Partition + ":ssm:" + a.Region + ":" + a.ID + ":parameter" + path + "/*"
}

// ssmService is Systems Manager's endpoint in the region: the only way the key decrypts.
func (a account) ssmService() string { return "ssm." + a.Region + ".amazonaws.com" }

// parameterContext is the encryption context key under which Systems Manager passes a
// SecureString's full ARN to KMS: a condition on it scopes a decrypt to named parameters.
const parameterContext = "kms:EncryptionContext:PARAMETER_ARN"

// groupKeys are the ARN patterns of the parameters one group reads: the cluster's root key and its
// own members' host keys.
func groupKeys(a account, parameterPath, group string) []string {
	return []string{a.parameterARN(parameterPath + "/root"), a.parameterARN(parameterPath + "/groups/" + group)}
}

// groupPolicy is the policy of one group's instance role: read the cluster's files and tarballs,
// write the bootstrap logs, and read (and decrypt, through Systems Manager only) the cluster's
// root key and the group's own members' host keys. Nothing else of the account.
//
// Every member's role also has AmazonSSMManagedInstanceCore, which allows ssm:GetParameter on any
// parameter: the decrypt, scoped by the parameter's ARN, is what keeps a group from the others'
// host keys.
func groupPolicy(a account, parameterPath, group, bucketARN, keyARN string) (string, error) {
	keys := groupKeys(a, parameterPath, group)
	return policy.New(
		policy.Allow("ReadClusterFiles", []string{"s3:GetObject"},
			policy.Objects(bucketARN, "cluster/"), policy.Objects(bucketARN, "bootstrap/")),
		policy.Allow("WriteBootstrapLogs", []string{"s3:PutObject"}, policy.Objects(bucketARN, "logs/")),
		policy.Allow("ReadSSHKeys", []string{"ssm:GetParameter"}, keys...),
		policy.Statement{
			Sid:      "DecryptSSHKeys",
			Effect:   "Allow",
			Action:   []string{"kms:Decrypt"},
			Resource: []string{keyARN},
			Condition: policy.Condition{
				"StringEquals": {"kms:ViaService": a.ssmService()},
				"StringLike":   {parameterContext: keys},
			},
		},
	).JSON()
}

// keyAdministration are the key's management actions, granted to the account: IAM decides who may
// administer the key. Using it is not among them.
var keyAdministration = []string{
	"kms:CancelKeyDeletion", "kms:DescribeKey", "kms:DisableKey", "kms:DisableKeyRotation",
	"kms:EnableKey", "kms:EnableKeyRotation", "kms:GetKeyPolicy", "kms:GetKeyRotationStatus",
	"kms:ListGrants", "kms:ListKeyPolicies", "kms:ListResourceTags", "kms:PutKeyPolicy",
	"kms:RevokeGrant", "kms:ScheduleKeyDeletion", "kms:TagResource", "kms:UntagResource",
	"kms:UpdateKeyDescription",
}

// keyPolicy is the policy of the cluster's key: the account administers it, and its principals use
// it only through Systems Manager in the region, and only when their own IAM policies say so. The
// members' roles do; whoever runs pulumi up needs it to write (and read back) the parameters.
func keyPolicy(a account) (string, error) {
	root := map[string]any{"AWS": "arn:" + a.Partition + ":iam::" + a.ID + ":root"}
	return policy.New(
		policy.Statement{
			Sid:       "AccountAdministers",
			Effect:    "Allow",
			Principal: root,
			Action:    keyAdministration,
			Resource:  []string{"*"},
		},
		policy.Statement{
			Sid:       "AccountUsesThroughSSM",
			Effect:    "Allow",
			Principal: root,
			Action:    []string{"kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"},
			Resource:  []string{"*"},
			Condition: policy.Condition{
				"StringEquals": {"kms:ViaService": a.ssmService(), "kms:CallerAccount": a.ID},
			},
		},
	).JSON()
}
