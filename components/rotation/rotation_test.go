package rotation_test

import (
	"encoding/json"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-iac/strata/components/naming"
	"github.com/strata-iac/strata/components/policy"
	"github.com/strata-iac/strata/components/role"
	"github.com/strata-iac/strata/components/rotation"
	"github.com/strata-iac/strata/internal/mock"
	"github.com/strata-iac/strata/internal/mocktest"
)

const secret = "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-1234-AbCdEf"

var conv = naming.Convention{App: "lookup", Env: "test", Owner: "ld4p"}

func args() rotation.Args {
	return rotation.Args{
		SecretARN: pulumi.String(secret),
		Services: []rotation.Service{
			{Cluster: pulumi.String("lookup-test-cluster"), Name: pulumi.String("lookup-test-app")},
			{Cluster: pulumi.String("lookup-test-cluster"), Name: pulumi.String("lookup-test-worker")},
		},
		Naming: conv,
	}
}

func deploy(t *testing.T, a rotation.Args) *mock.Result {
	t.Helper()
	return mocktest.Run(t, func(ctx *pulumi.Context) error {
		_, err := rotation.New(ctx, "lookup-rotation", &a)
		return err
	})
}

func decode(t *testing.T, s any) map[string]any {
	t.Helper()
	var out map[string]any
	require.NoError(t, json.Unmarshal([]byte(s.(string)), &out))
	return out
}

// The rule matches only the moment a rotated value of this secret becomes current, and starts the
// state machine, which redeploys each service in turn.
func TestRedeployOnRotation(t *testing.T) {
	res := deploy(t, args())
	rule := mocktest.One(t, res, "aws:cloudwatch/eventRule:EventRule")
	assert.Equal(t, "lookup-test-rotation", rule.In("name"))
	assert.Equal(t, map[string]any{
		"source":      []any{"aws.secretsmanager"},
		"detail-type": []any{"Secret Label Updated"},
		"resources":   []any{secret},
		"detail":      map[string]any{"labelUpdated": []any{"AWSCURRENT"}},
	}, decode(t, rule.In("eventPattern")))

	machine := mocktest.One(t, res, "aws:sfn/stateMachine:StateMachine")
	assert.Equal(t, "STANDARD", machine.In("type"))
	def := decode(t, machine.In("definition"))
	assert.Equal(t, "Redeploy1", def["StartAt"])
	states := def["States"].(map[string]any)
	first, second := states["Redeploy1"].(map[string]any), states["Redeploy2"].(map[string]any)
	assert.Equal(t, "arn:aws:states:::aws-sdk:ecs:updateService", first["Resource"])
	assert.Equal(t, map[string]any{"Cluster": "lookup-test-cluster", "Service": "lookup-test-app", "ForceNewDeployment": true}, first["Parameters"])
	assert.Equal(t, "Redeploy2", first["Next"])
	assert.Equal(t, "lookup-test-worker", second["Parameters"].(map[string]any)["Service"])
	assert.Equal(t, true, second["End"])
	assert.NotEmpty(t, first["Retry"], "a deployment in progress or throttling must not drop the redeployment")

	target := mocktest.One(t, res, "aws:cloudwatch/eventTarget:EventTarget")
	assert.Equal(t, machine.Out("arn"), target.In("arn"))

	states2 := mocktest.Grants(mocktest.Document(t, mocktest.Named(t, res, "aws:iam/policy:Policy", "lookup-rotation-states"), "policy"))
	mocktest.EqualLists(t, "state machine role", states2, []string{
		"ecs:UpdateService arn:aws:ecs:us-east-1:123456789012:service/lookup-test-cluster/lookup-test-app",
		"ecs:UpdateService arn:aws:ecs:us-east-1:123456789012:service/lookup-test-cluster/lookup-test-worker",
	})
	events := mocktest.Grants(mocktest.Document(t, mocktest.Named(t, res, "aws:iam/policy:Policy", "lookup-rotation-events"), "policy"))
	mocktest.EqualLists(t, "rule role", events, []string{"states:StartExecution arn:aws:states:us-east-1:123456789012:stateMachine:lookup-test-rotation"})
	// Each service may use its role only for this account's state machine or rule of the name.
	for name, want := range map[string][2]string{
		"lookup-rotation-states": {role.States, "arn:aws:states:us-east-1:123456789012:stateMachine:lookup-test-rotation"},
		"lookup-rotation-events": {role.Events, "arn:aws:events:us-east-1:123456789012:rule/lookup-test-rotation"},
	} {
		trust := mocktest.Document(t, mocktest.Named(t, res, "aws:iam/role:Role", name), "assumeRolePolicy")
		require.Len(t, trust.Statement, 1, name)
		assert.Equal(t, want[0], trust.Statement[0].Principal.(map[string]any)["Service"], name)
		assert.Equal(t, policy.Condition{
			"StringEquals": {"aws:SourceAccount": "123456789012"},
			"ArnLike":      {"aws:SourceArn": want[1]},
		}, trust.Statement[0].Condition, name)
	}
	assert.Equal(t, "lookup-test-rotation", machine.In("name"), "the trust conditions name the state machine")
	assert.Equal(t, "lookup-test-rotation", mocktest.One(t, res, "aws:cloudwatch/eventRule:EventRule").In("name"))
	// EventBridge targets take no tags (PutTargets has none); everything else carries the convention's.
	for _, typ := range []string{"aws:cloudwatch/eventRule:EventRule", "aws:sfn/stateMachine:StateMachine", "aws:iam/role:Role", "aws:iam/policy:Policy"} {
		for _, r := range res.ByType(typ) {
			assert.Equal(t, "lookup-test-rotation", mocktest.Tags(r)["Name"], "%s %s", typ, r.Name)
			assert.Equal(t, "ld4p", mocktest.Tags(r)["Owner"], "%s %s", typ, r.Name)
		}
	}
}

func TestInvalidArgsRegisterNothing(t *testing.T) {
	tests := []struct {
		name string
		edit func(a *rotation.Args)
		want []string
	}{
		{"no secret", func(a *rotation.Args) { a.SecretARN = nil }, []string{"secretArn: is required"}},
		{"no services", func(a *rotation.Args) { a.Services = nil }, []string{"services: is required"}},
		{"service without cluster", func(a *rotation.Args) { a.Services[1].Cluster = nil }, []string{"services[1]: needs the cluster's and the service's names"}},
		{"group too long for the role names", func(a *rotation.Args) { a.Group = "database-password-rotation" }, []string{"group:"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := args()
			tc.edit(&a)
			mocktest.Refused(t, func(ctx *pulumi.Context) error {
				_, err := rotation.New(ctx, "lookup-rotation", &a)
				return err
			}, tc.want...)
		})
	}
}
