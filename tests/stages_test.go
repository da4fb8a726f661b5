package tests

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/strata-iac/strata/components/policy"
	"github.com/strata-iac/strata/internal/mock"
	"github.com/strata-iac/strata/internal/mocktest"
)

const (
	typeBase       = "strata:base:Base"
	typeBucket     = "aws:s3/bucketV2:BucketV2"
	typeEncryption = "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2"
	typePAB        = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
	typeBucketPol  = "aws:s3/bucketPolicy:BucketPolicy"
	typeTable      = "aws:dynamodb/table:Table"
	typePolicy     = "aws:iam/policy:Policy"
	typeAttachment = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
)

func TestStagesDeployTheBaseLayer(t *testing.T) {
	for _, stage := range stages {
		t.Run(stage, func(t *testing.T) {
			res := runStage(t, stage)
			mocktest.Named(t, res, typeBase, "kotta")
			out, ok := res.Outputs["kotta"].(map[string]any)
			if !ok {
				t.Fatalf("got outputs %v, want a kotta map", res.Outputs)
			}
			for k, want := range map[string]string{
				"jobsBucketName":         "strata-kotta-" + stage + "-jobs-use2",
				"jobsTableName":          "kotta-" + stage + "-jobs",
				"usersTableName":         "kotta-" + stage + "-users",
				"webRoleName":            "kotta-" + stage + "-web",
				"workerRoleName":         "kotta-" + stage + "-worker",
				"webInstanceProfileName": "kotta-" + stage + "-web",
				"workerRoleArn":          "arn:aws:iam::123456789012:role/kotta-" + stage + "-worker",
				"jobsTableArn":           "arn:aws:dynamodb:us-east-2:123456789012:table/kotta-" + stage + "-jobs",
			} {
				mocktest.Eq(t, "output "+k, out[k], want)
			}
			// Every custom resource hangs below a component; nothing is left at the top.
			for _, r := range res.Resources() {
				if r.Custom && r.Parent == "" {
					t.Errorf("%s %s has no parent component", r.Type, r.Name)
				}
			}
		})
	}
}

func TestTagsOnEveryTaggableResource(t *testing.T) {
	for _, stage := range stages {
		t.Run(stage, func(t *testing.T) {
			mocktest.CheckTags(t, runStage(t, stage), map[string]string{
				"Env": stage, "Owner": "research-platform", "CostCenter": "rp-1042", "Project": "strata",
			})
		})
	}
}

func TestSecurityBaseline(t *testing.T) {
	for _, stage := range stages {
		t.Run(stage, func(t *testing.T) {
			res := runStage(t, stage)
			for _, r := range res.ByType(typeEncryption) {
				if alg := r.In("rules[0].applyServerSideEncryptionByDefault.sseAlgorithm"); alg != "AES256" && alg != "aws:kms" {
					t.Errorf("%s: got sse %v", r.Name, alg)
				}
			}
			mocktest.Eq(t, "encryption configs", len(res.ByType(typeEncryption)), len(res.ByType(typeBucket)))
			mocktest.Eq(t, "public access blocks", len(res.ByType(typePAB)), len(res.ByType(typeBucket)))
			for _, r := range res.ByType(typePAB) {
				for _, k := range []string{"blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"} {
					mocktest.Eq(t, r.Name+" "+k, r.In(k), true)
				}
			}
			mocktest.Eq(t, "bucket policies", len(res.ByType(typeBucketPol)), len(res.ByType(typeBucket)))
			for _, r := range res.ByType(typeBucketPol) {
				doc := mocktest.Document(t, r, "policy")
				if !slices.ContainsFunc(doc.Statement, func(s policy.Statement) bool {
					return s.Effect == "Deny" && s.Condition["Bool"]["aws:SecureTransport"] == "false"
				}) {
					t.Errorf("%s: no statement denying requests without TLS", r.Name)
				}
			}
			for _, r := range res.ByType(typeTable) {
				mocktest.Eq(t, r.Name+" PITR", r.In("pointInTimeRecovery.enabled"), true)
				mocktest.Eq(t, r.Name+" SSE", r.In("serverSideEncryption.enabled"), true)
				mocktest.Eq(t, r.Name+" billing", r.In("billingMode"), "PAY_PER_REQUEST")
			}
			for _, r := range res.ByType(typePolicy) {
				for _, s := range mocktest.Document(t, r, "policy").Statement {
					for _, a := range s.Action {
						if strings.Contains(a, "*") {
							t.Errorf("%s: wildcard action %q", r.Name, a)
						}
						if slices.Contains(s.Resource, "*") && !mocktest.Unscoped[a] {
							t.Errorf("%s: %s granted on every resource, but it can be scoped", r.Name, a)
						}
					}
				}
			}
			for _, r := range res.ByType(typeAttachment) {
				if arn, _ := r.In("policyArn").(string); strings.Contains(arn, "FullAccess") {
					t.Errorf("%s attaches %s", r.Name, arn)
				}
			}
		})
	}
}

func TestProductionProtectsStatefulResources(t *testing.T) {
	for _, tc := range []struct {
		stage   string
		protect bool
	}{{"staging", false}, {"production", true}} {
		t.Run(tc.stage, func(t *testing.T) {
			checkProtection(t, runStage(t, tc.stage), tc.protect)
		})
	}
}

// A deleted secret keeps its name for its recovery window, so an unprotected secret with one
// would stop the next deployment of a destroyed stage for up to 30 days; a protected one keeps a
// window, so that a deletion can be undone.
func TestSecretsRecoveryWindowFollowsProtection(t *testing.T) {
	for _, stage := range append(stages, "bootstrap") {
		t.Run(stage, func(t *testing.T) {
			secrets := runStage(t, stage).ByType("aws:secretsmanager/secret:Secret")
			for _, r := range secrets {
				days, _ := r.In("recoveryWindowInDays").(float64)
				if r.Protect {
					assert.GreaterOrEqual(t, days, 7.0, "%s: a protected secret keeps a recovery window", r.Name)
				} else {
					assert.Equal(t, 0.0, r.In("recoveryWindowInDays"), "%s: an unprotected secret is deleted at once", r.Name)
				}
			}
		})
	}
}

// Protection is driven by strata:protect alone, never by the stack's name.
func TestProtectionFollowsConfigNotStackName(t *testing.T) {
	res, err := runEdited(t, "production", "production", map[string]string{"strata:protect": "false"})
	if err != nil {
		t.Fatal(err)
	}
	checkProtection(t, res, false)
	res, err = runEdited(t, "staging", "staging", map[string]string{"strata:protect": "true"})
	if err != nil {
		t.Fatal(err)
	}
	checkProtection(t, res, true)
}

func checkProtection(t *testing.T, res *mock.Result, want bool) {
	t.Helper()
	stateful := append(res.ByType(typeBucket), res.ByType(typeTable)...)
	if len(stateful) == 0 {
		t.Fatal("no stateful resources")
	}
	for _, r := range stateful {
		mocktest.Eq(t, r.Name+" protect", r.Protect, want)
	}
	for _, r := range res.ByType(typeTable) {
		mocktest.Eq(t, r.Name+" deletionProtectionEnabled", r.In("deletionProtectionEnabled"), want)
	}
	for _, r := range res.ByType(typeBucket) {
		if want {
			mocktest.Eq(t, r.Name+" forceDestroy", r.In("forceDestroy"), false)
		}
	}
}

// Physical names come only from config and the naming convention, so every run registers the same
// URNs and names and an update never replaces a stateful resource.
func TestNamesAreDeterministic(t *testing.T) {
	snapshot := func() []string {
		var out []string
		for _, r := range runStage(t, "staging").Resources() {
			name, _ := r.In("name").(string)
			if b, ok := r.In("bucket").(string); ok && r.Type == typeBucket {
				name = b
			}
			out = append(out, r.URN+" "+name)
		}
		slices.Sort(out)
		return out
	}
	first := snapshot()
	mocktest.EqualLists(t, "second run", snapshot(), first)

	res := runStage(t, "staging")
	for _, r := range append(res.ByType(typeBucket), res.ByType(typeTable)...) {
		name, _ := r.In("name").(string)
		if r.Type == typeBucket {
			name, _ = r.In("bucket").(string)
		}
		if name == "" {
			t.Errorf("%s %s has no explicit physical name: auto-naming would add a random suffix", r.Type, r.Name)
		}
	}
	for _, typ := range []string{"aws:iam/role:Role", "aws:iam/policy:Policy", "aws:iam/instanceProfile:InstanceProfile"} {
		for _, r := range res.ByType(typ) {
			tags := mocktest.Tags(r)
			prefix := fmt.Sprintf("%v-staging-", tags["App"])
			if name, _ := r.In("name").(string); !strings.HasPrefix(name, prefix) {
				t.Errorf("%s %s: got name %q, want %s<group>", typ, r.Name, name, prefix)
			}
		}
	}
}
