package tests

import (
	"strings"
	"testing"
)

// Every bad config fails before anything is registered, with one message per problem that names
// the key and what is allowed.
func TestBadConfigRegistersNothing(t *testing.T) {
	const base = "strata:base"
	tests := []struct {
		name  string
		stack string // default staging
		set   map[string]string
		want  []string // one entry per expected problem, in order
	}{
		{"bucket name with capitals and underscore", "", map[string]string{base: `{"jobsBucket":"Kotta_Jobs"}`},
			[]string{`strata:base.jobsBucket: "Kotta_Jobs" is not a valid S3 bucket name: use lowercase letters, digits, dots and hyphens`}},
		{"bucket name too short", "", map[string]string{base: `{"jobsBucket":"ab"}`},
			[]string{`strata:base.jobsBucket: "ab" is not a valid S3 bucket name: it must be 3 to 63 characters long`}},
		{"bucket name too long", "", map[string]string{base: `{"jobsBucket":"` + strings.Repeat("k", 64) + `"}`},
			[]string{`strata:base.jobsBucket: "kkkk`}},
		{"bucket name like an IP address", "", map[string]string{base: `{"jobsBucket":"10.0.0.1"}`},
			[]string{`strata:base.jobsBucket: "10.0.0.1" is not a valid S3 bucket name: it may not look like an IP address`}},
		{"bucket name with adjacent dots", "", map[string]string{base: `{"jobsBucket":"kotta..jobs"}`},
			[]string{`strata:base.jobsBucket: "kotta..jobs" is not a valid S3 bucket name: two dots may not be adjacent`}},
		{"bucket name with xn-- prefix", "", map[string]string{base: `{"jobsBucket":"xn--kotta"}`},
			[]string{`strata:base.jobsBucket: "xn--kotta" is not a valid S3 bucket name: the prefix "xn--" is reserved`}},
		{"bucket name with -s3alias suffix", "", map[string]string{base: `{"jobsBucket":"kotta-s3alias"}`},
			[]string{`strata:base.jobsBucket: "kotta-s3alias" is not a valid S3 bucket name: the suffix "-s3alias" is reserved`}},
		{"bucket name missing", "", map[string]string{base: `{}`},
			[]string{"strata:base.jobsBucket: is required: set a globally unique S3 bucket name"}},
		{"bucket name of the wrong type", "", map[string]string{base: `{"jobsBucket":42}`},
			[]string{"strata:base.jobsBucket: got 42, want a string"}},
		{"misspelt key in base", "", map[string]string{base: `{"jobsBucket":"kotta-jobs","jobBucket":"x"}`},
			[]string{`strata:base.jobBucket: unknown key (did you mean "jobsBucket"?): use one of abortIncompleteMultipartUploadDays, forceDestroy, importJobsBucket, importJobsTable, importUsersTable, jobsBucket, jobsTable, kmsKeyArn, noncurrentVersionExpirationDays, servicePrincipal, usersTable`}},
		{"misspelt top-level key", "", map[string]string{"strata:bsae": `{"jobsBucket":"kotta-jobs"}`},
			[]string{`strata:bsae: unknown key (did you mean "strata:base"?): use one of env, owner, protect, tags, aot, argos, base, bootstrap, epimetheus, front, kotta, lookup, network, s3AccessLogs`}},
		{"days as text", "", map[string]string{base: `{"jobsBucket":"kotta-jobs","noncurrentVersionExpirationDays":"thirty"}`},
			[]string{`strata:base.noncurrentVersionExpirationDays: got "thirty", want a whole number`}},
		{"days as a fraction", "", map[string]string{base: `{"jobsBucket":"kotta-jobs","noncurrentVersionExpirationDays":1.5}`},
			[]string{"strata:base.noncurrentVersionExpirationDays: got 1.5, want a whole number"}},
		{"noncurrent days too many", "", map[string]string{base: `{"jobsBucket":"kotta-jobs","noncurrentVersionExpirationDays":5000}`},
			[]string{"strata:base.noncurrentVersionExpirationDays: 5000 is out of range: use 1 to 3650 days"}},
		{"multipart days negative", "", map[string]string{base: `{"jobsBucket":"kotta-jobs","abortIncompleteMultipartUploadDays":-3}`},
			[]string{"strata:base.abortIncompleteMultipartUploadDays: -3 is out of range: use 1 to 365 days"}},
		{"unsupported service principal", "", map[string]string{base: `{"jobsBucket":"kotta-jobs","servicePrincipal":"lambda.amazonaws.com"}`},
			[]string{`strata:base.servicePrincipal: "lambda.amazonaws.com" is not allowed: use one of ec2.amazonaws.com, ecs-tasks.amazonaws.com`}},
		{"KMS alias instead of key", "", map[string]string{base: `{"jobsBucket":"kotta-jobs","kmsKeyArn":"arn:aws:kms:us-east-2:123456789012:alias/kotta"}`},
			[]string{`strata:base.kmsKeyArn: "arn:aws:kms:us-east-2:123456789012:alias/kotta" is not a KMS key ARN`}},
		{"force destroy while protected", "", map[string]string{"strata:protect": "true", base: `{"jobsBucket":"kotta-jobs","forceDestroy":true}`},
			[]string{"strata:base.forceDestroy: must be false for a protected bucket"}},
		{"invalid table name", "", map[string]string{base: `{"jobsBucket":"kotta-jobs","jobsTable":"jobs table"}`},
			[]string{`strata:base.jobsTable: "jobs table" is not a valid DynamoDB table name`}},
		{"base is not an object", "", map[string]string{base: `["kotta-jobs"]`},
			[]string{"strata:base: got a list, want an object"}},
		{"base is not JSON", "", map[string]string{base: `kotta-jobs`},
			[]string{"strata:base: is not valid JSON"}},
		{"protect not a boolean", "", map[string]string{"strata:protect": "yes"},
			[]string{`strata:protect: got "yes", want true or false`}},
		{"owner missing", "", map[string]string{"strata:owner": ""},
			[]string{"strata:owner: is required: name the accountable team or person (the Owner tag)"}},
		{"env not an identifier", "", map[string]string{"strata:env": "Prod_1"},
			[]string{`strata:env: "Prod_1" is not allowed: use lowercase letters, digits and single hyphens, starting with a letter`}},
		{"stack name unusable as env", "Team_Dev", nil,
			[]string{`strata:env: "Team_Dev" is not allowed: use lowercase letters, digits and single hyphens, starting with a letter (the environment defaults to the stack name: set strata:env)`}},
		{"tag redefining the convention", "", map[string]string{"strata:tags": `{"Name":"mine"}`},
			[]string{`strata:tags.Name: "Name" is set by the naming convention: choose another key`}},
		{"tag with aws: prefix", "", map[string]string{"strata:tags": `{"aws:team":"x"}`},
			[]string{"strata:tags.aws:team: the aws: prefix is reserved by AWS: choose another key"}},
		{"tag value not a string", "", map[string]string{"strata:tags": `{"CostCenter":1042}`},
			[]string{"strata:tags.CostCenter: got 1042, want a string"}},
		{"several problems at once", "", map[string]string{
			"strata:protect": "maybe", "strata:owner": "",
			base: `{"jobsBucket":"Bad_Name","noncurrentVersionExpirationDays":0.5,"extra":true}`,
		}, []string{
			`strata:protect: got "maybe", want true or false`,
			"strata:owner: is required",
			"strata:base.extra: unknown key",
			"strata:base.noncurrentVersionExpirationDays: got 0.5, want a whole number",
			`strata:base.jobsBucket: "Bad_Name" is not a valid S3 bucket name`,
		}},
	}
	if len(tests) < 20 {
		t.Fatalf("only %d bad configs", len(tests))
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			stack := tc.stack
			if stack == "" {
				stack = "staging"
			}
			refusedConfig(t, stack, "staging", tc.set, tc.want)
		})
	}
}
