package check

import "slices"

const (
	secretType        = "aws:secretsmanager/secret:Secret"
	secretVersionType = "aws:secretsmanager/secretVersion:SecretVersion"
	rotationType      = "aws:secretsmanager/secretRotation:SecretRotation"
	namespaceType     = "aws:servicediscovery/httpNamespace:HttpNamespace"
)

var secretsmanager = set{
	limits: []Limit{
		{ID: "secretsmanager.secret.name.charset", Type: secretType, Path: "name", Pattern: `[a-zA-Z0-9/_+=.@-]+`,
			Allowed: "ASCII letters, digits and /_+=.@-", Source: "https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_CreateSecret.html"},
		{ID: "secretsmanager.secret.recoverywindow", Type: secretType, Path: "recoveryWindowInDays", Enum: append([]string{"0"}, numbers(7, 30)...),
			Allowed: "7 to 30 days, or 0 (the provider then deletes without recovery)",
			Source:  "https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_DeleteSecret.html; https://www.pulumi.com/registry/packages/aws/api-docs/secretsmanager/secret/ (0)"},
	},
	classes: slices.Concat(
		classify(secretType, Reference, "the KMS key's id or ARN", "kmsKeyId"),
		classify(secretType, Boolean, "overwrite a replica secret", "forceOverwriteReplicaSecret"),
		classify(secretVersionType, Reference, "the secret's name or ARN", "secretId"),
		classify(secretVersionType, Secret, "the secret value", "secretString", "secretBinary"),
		classify(secretVersionType, FreeText, "staging labels", "versionStages[*]"),
		classify(rotationType, Reference, "the secret's name or ARN and the rotation function's ARN", "secretId", "rotationLambdaArn"),
		classify(rotationType, Boolean, "rotate once right away", "rotateImmediately"),
	),
}

var servicediscovery = set{
	limits: []Limit{
		// The model's pattern ^(?!arn:)[!-~]{1,1024}$ without the lookahead.
		{ID: "servicediscovery.httpnamespace.name", Type: namespaceType, Path: "name", Len: &Range{1, 1024}, Pattern: `[!-~]+`, Reject: `^arn:`,
			Allowed: "1 to 1,024 printable ASCII characters without spaces, not starting with arn:",
			Source:  "botocore servicediscovery 2017-03-14 CreateHttpNamespaceRequest.Name (NamespaceNameHttp pattern, rewritten without (?!arn:) for RE2)"},
	},
}

// numbers lists the whole numbers from lo to hi as strings.
func numbers(lo, hi int) []string {
	out := make([]string, 0, hi-lo+1)
	for i := lo; i <= hi; i++ {
		out = append(out, num(float64(i)))
	}
	return out
}
