package argos_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-iac/strata/components/field"
	"github.com/strata-iac/strata/components/policy"
	"github.com/strata-iac/strata/components/role"
	"github.com/strata-iac/strata/components/rotation"
	"github.com/strata-iac/strata/internal/mocktest"
	"github.com/strata-iac/strata/systems/argos"
)

const (
	typeRule   = "aws:cloudwatch/eventRule:EventRule"
	typeTarget = "aws:cloudwatch/eventTarget:EventTarget"
	restartCmd = "systemctl try-restart 'argos-*.service'"
)

// Without a restart command nothing reacts to a rotation: the feature is off by default.
func TestNoRestartByDefault(t *testing.T) {
	res := mustDeploy(t, productionConfig(), production)
	assert.Nil(t, res.Get(typeRule, "argos-restart"))
	assert.Nil(t, res.Get(typeTarget, "argos-restart"))
	assert.Nil(t, res.Get(typeRole, "argos-restart"))
}

// After a rotation of the database password, Run Command restarts the app on every server of the
// app's groups of this stage, found by tag; the knowledge server and the broker hold no password.
func TestRestartAfterRotation(t *testing.T) {
	c := withWorkers(productionConfig())
	c.Database.RestartCommand = restartCmd
	res := mustDeploy(t, c, production)

	db := mocktest.Named(t, res, typeRDS, "argos")
	rule := mocktest.Named(t, res, typeRule, "argos-restart")
	assert.Equal(t, "argos-production-restart", rule.In("name"))
	want, err := rotation.Pattern(db.Out("masterUserSecrets[0].secretArn").(string))
	require.NoError(t, err)
	assert.JSONEq(t, want, rule.In("eventPattern").(string), "the rotated secret became current")
	assert.Contains(t, rule.In("eventPattern"), `"AWSCURRENT"`)

	target := mocktest.Named(t, res, typeTarget, "argos-restart")
	assert.Equal(t, rule.Out("name"), target.In("rule"))
	assert.Equal(t, "arn:aws:ssm:us-east-2::document/AWS-RunShellScript", target.In("arn"))
	var input map[string][]string
	require.NoError(t, json.Unmarshal([]byte(target.In("input").(string)), &input))
	assert.Equal(t, map[string][]string{"commands": {restartCmd}}, input)
	// EventBridge supports one target block: the Name tag names stage and group at once.
	assert.Equal(t, []any{map[string]any{"key": "tag:Name", "values": []any{
		"argos-production-api", "argos-production-front", "argos-production-collector", "argos-production-workers",
	}}}, target.In("runCommandTargets"), "this stage's app servers, by tag, whenever they launched")

	events := mocktest.Named(t, res, typeRole, "argos-restart")
	assert.Equal(t, events.Out("arn"), target.In("roleArn"))
	trust := mocktest.Document(t, events, "assumeRolePolicy")
	require.Len(t, trust.Statement, 1)
	assert.Equal(t, role.Events, trust.Statement[0].Principal.(map[string]any)["Service"])
	assert.Equal(t, policy.Condition{
		"StringEquals": {"aws:SourceAccount": "123456789012"},
		"ArnLike":      {"aws:SourceArn": "arn:aws:events:us-east-2:123456789012:rule/argos-production-restart"},
	}, trust.Statement[0].Condition, "only this account's rule of this name")

	doc := mocktest.Document(t, mocktest.Named(t, res, typePolicy, "argos-restart"), "policy")
	mocktest.EqualLists(t, "restart role", mocktest.Grants(doc), []string{
		"ssm:SendCommand arn:aws:ec2:us-east-2:123456789012:instance/*",
		"ssm:SendCommand arn:aws:ssm:us-east-2::document/AWS-RunShellScript",
	})
	for _, st := range doc.Statement {
		if strings.Contains(st.Resource[0], ":instance/") {
			assert.Equal(t, policy.Condition{"StringEquals": {
				"ssm:resourceTag/App": "argos", "ssm:resourceTag/Env": "production",
				"ssm:resourceTag/Group": []any{"api", "front", "collector", "workers"},
			}}, st.Condition, "instances of this stage's app groups only")
		} else {
			assert.Empty(t, st.Condition)
		}
	}
	for _, r := range []string{"argos-restart"} {
		for _, typ := range []string{typeRule, typeRole, typePolicy} {
			assert.Equal(t, "argos-production-restart", mocktest.Tags(mocktest.Named(t, res, typ, r))["Name"], typ)
		}
	}
}

// The targets follow the enabled app groups.
func TestRestartTargetsTheEnabledAppGroups(t *testing.T) {
	c := stagingConfig()
	c.Database.RestartCommand = restartCmd
	c.Front = &argos.FrontServer{Server: argos.Server{Enabled: ptr(false)}}
	res := mustDeploy(t, c, staging)
	target := mocktest.Named(t, res, typeTarget, "argos-restart")
	assert.Equal(t, []any{"argos-staging-api", "argos-staging-collector"}, target.In("runCommandTargets[0].values"))
	assert.Nil(t, target.In("runCommandTargets[1]"))
}

func TestRestartCommandRefused(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(c *argos.Config)
		want string
	}{
		{"blank", func(c *argos.Config) { c.Database.RestartCommand = "  \n" }, "strata:argos.database.restartCommand: is blank"},
		{"too long", func(c *argos.Config) { c.Database.RestartCommand = strings.Repeat("x", 4097) }, "strata:argos.database.restartCommand: is 4097 characters long"},
		// Each control character is six in JSON (\u0001): 4096 of them overflow the target's input.
		{"too long once escaped", func(c *argos.Config) { c.Database.RestartCommand = strings.Repeat("\x01", 4096) },
			"strata:argos.database.restartCommand: escaped as the Run Command input it is 24593 characters: EventBridge takes at most 8192"},
		{"nobody to restart", func(c *argos.Config) {
			c.Database.RestartCommand = restartCmd
			c.API = &argos.APIServers{Server: argos.Server{Enabled: ptr(false)}}
			c.Front = &argos.FrontServer{Server: argos.Server{Enabled: ptr(false)}}
			c.Collector = &argos.CollectorServer{Server: argos.Server{Enabled: ptr(false)}}
			c.LoadBalancer = nil
		}, "strata:argos.database.restartCommand: is set but no app group is enabled"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := stagingConfig()
			tc.edit(&c)
			_, err := c.Plan(staging)
			require.Error(t, err)
			problems := field.Problems(err)
			require.Len(t, problems, 1, "got:\n%v", err)
			assert.True(t, strings.HasPrefix(problems[0].Error(), tc.want), "got %s", problems[0])
		})
	}
}

func TestRestartInputIsJSON(t *testing.T) {
	in, err := argos.RestartInput(`systemctl restart "argos-api" && echo 'done'`)
	require.NoError(t, err)
	assert.JSONEq(t, `{"commands":["systemctl restart \"argos-api\" && echo 'done'"]}`, in)
}
