package bootstrap

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"

	"github.com/strata-iac/strata/components/policy"
	"github.com/strata-iac/strata/internal/mock"
	"github.com/strata-iac/strata/internal/mocktest"
	"github.com/strata-iac/strata/systems"
)

const (
	typeRole     = "aws:iam/role:Role"
	typePolicy   = "aws:iam/policy:Policy"
	typeProvider = "aws:iam/openIdConnectProvider:OpenIdConnectProvider"
	typeKey      = "aws:kms/key:Key"
	typeAlias    = "aws:kms/alias:Alias"
	typeBucket   = "aws:s3/bucketV2:BucketV2"
	repo         = "strata-iac/strata"
)

// stage is the bootstrap stack the tests plan.
var stage = systems.Stage{Stack: "bootstrap", Env: "bootstrap", Owner: "research-platform", Protect: true,
	Tags: map[string]string{"CostCenter": "rp-1042"}}

// example is the shipped stage file's bootstrap.
func example() Config {
	return Config{Repository: repo, StateBucket: "example-strata-pulumi-state-use2"}
}

// deploy plans c and creates it under mocks.
func deploy(c Config) (*mock.Result, error) {
	return mock.Run(func(ctx *pulumi.Context) error {
		p, err := c.Plan(stage, "us-east-2")
		if err != nil {
			return err
		}
		b, err := New(ctx, "bootstrap", p)
		if err != nil {
			return err
		}
		ctx.Export("bootstrap", b.Outputs)
		return nil
	}, mock.Options{Project: "strata", Stack: "bootstrap", Config: map[string]string{"aws:region": "us-east-2"}})
}

func mustDeploy(t *testing.T, c Config) *mock.Result {
	t.Helper()
	res, err := deploy(c)
	require.NoError(t, err)
	return res
}

// roleDocuments returns the documents of every policy of role (its own and the attached ones),
// as rendered.
func roleDocuments(t *testing.T, res *mock.Result, logical string) []policy.Document {
	t.Helper()
	var docs []policy.Document
	for _, r := range res.ByType(typePolicy) {
		if r.Name == logical || len(r.Name) > len(logical) && r.Name[:len(logical)+1] == logical+"-" {
			docs = append(docs, mocktest.Document(t, r, "policy"))
		}
	}
	require.NotEmpty(t, docs, "no policies of %s", logical)
	return docs
}

// trust returns a role's trust policy.
func trust(t *testing.T, res *mock.Result, logical string) policy.Document {
	t.Helper()
	return mocktest.Document(t, mocktest.Named(t, res, typeRole, logical), "assumeRolePolicy")
}
