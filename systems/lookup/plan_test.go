package lookup_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-iac/strata/systems"
	"github.com/strata-iac/strata/systems/lookup"
	"github.com/strata-iac/strata/systems/schema"
)

var stage = systems.Stage{Stack: "staging", Env: "staging", Owner: "ld4p", Network: true}

// config is a valid lookup config in container mode, as staging ships it.
func config() lookup.Config {
	return lookup.Config{
		EnvBucket:     "lookup-staging-config",
		EnvFileSource: "secrets/lookup.env",
		RailsEnv:      "staging",
		Database:      "container",
		App: schema.App{
			Containers: map[string]schema.Container{"qa-server-app": {Image: "public.ecr.aws/u8a1v5x2/ld4p/qa_authority_lookup:v2.0.0"}},
			Endpoint:   &schema.Endpoint{Domain: "lookup.example.org"},
		},
		LoadBalancer: schema.LoadBalancer{Zone: "example.org"},
	}
}

func TestPlanContainerMode(t *testing.T) {
	p, err := config().Plan(stage)
	require.NoError(t, err)
	assert.True(t, p.Container)
	assert.Nil(t, p.RDS)
	assert.Equal(t, "qa_authority_staging", p.DBName, "the database the app derives for RAILS_ENV=staging")
	assert.Contains(t, p.FileSystem.AccessPoints, "authorities")
	assert.Contains(t, p.FileSystem.AccessPoints, "database")
	assert.True(t, p.Web.Cluster.ServiceConnect, "MariaDB is found by name through Service Connect")
	require.NotNil(t, p.App.Endpoint)
	assert.Equal(t, 3000, p.App.Endpoint.Port)
	assert.Equal(t, 30, p.App.Endpoint.IntervalSeconds, "the plan carries the app's defaults")
	assert.Equal(t, "lookup.example.org", p.Web.Site.Endpoint.Domain)
	assert.Empty(t, p.OptIns())
}

func TestPlanRDSMode(t *testing.T) {
	c := config()
	c.Database, c.RailsEnv = "rds", ""
	c.RDS = &schema.Database{EngineVersion: "10.11"}
	p, err := c.Plan(stage)
	require.NoError(t, err)
	assert.False(t, p.Container)
	require.NotNil(t, p.RDS)
	assert.Equal(t, "mariadb", p.RDS.Engine)
	assert.Equal(t, "qa_authority", p.RDS.DBName, "production's database: the prefix itself")
	assert.NotContains(t, p.FileSystem.AccessPoints, "database")
	assert.False(t, p.Web.Cluster.ServiceConnect)
}

// Plan is pure: it leaves the config it was given as it was.
func TestPlanLeavesConfigAlone(t *testing.T) {
	c := config()
	c.FileSystem.AccessPoints = map[string]schema.AccessPoint{"authorities": {Path: "/authorities"}, "database": {Path: "/database"}}
	before, err := json.Marshal(c)
	require.NoError(t, err)
	_, err = c.Plan(stage)
	require.NoError(t, err)
	after, err := json.Marshal(c)
	require.NoError(t, err)
	assert.JSONEq(t, string(before), string(after))
}

func TestPlanRefuses(t *testing.T) {
	tests := []struct {
		name  string
		stage systems.Stage
		edit  func(*lookup.Config)
		want  []string
	}{
		{"no network", systems.Stage{Stack: "staging", Env: "staging", Owner: "ld4p"}, nil,
			[]string{"strata:lookup: the lookup runs in a VPC: set strata:network"}},
		{"bad database mode", stage, func(c *lookup.Config) { c.Database = "sqlite" },
			[]string{`strata:lookup.database: "sqlite" is not allowed: use one of rds, container`}},
		{"rds settings in container mode", stage, func(c *lookup.Config) { c.RDS = &schema.Database{EngineVersion: "10.11"} },
			[]string{"strata:lookup.rds: only with database: rds"}},
		{"rds mode without rds", stage, func(c *lookup.Config) { c.Database = "rds" },
			[]string{"strata:lookup.rds: is required with database: rds"}},
		{"env file not .env", stage, func(c *lookup.Config) { c.EnvFile = "settings.txt" },
			[]string{`strata:lookup.envFile: "settings.txt" is not an env file key`}},
		{"no env file", stage, func(c *lookup.Config) { c.EnvFileSource = "" },
			[]string{"strata:lookup.envFileSource: is required, or envFileContent"}},
		{"unpinned image", stage, func(c *lookup.Config) {
			c.App.Containers["qa-server-app"] = schema.Container{Image: "ld4p/qa_server-webapp:latest"}
		}, []string{"strata:lookup.app.containers.qa-server-app.image"}},
		{"no domain on the shared front", stage, func(c *lookup.Config) { c.App.Endpoint = nil },
			[]string{"strata:lookup.app.endpoint.domain: is required on the shared load balancer"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := config()
			if tc.edit != nil {
				tc.edit(&c)
			}
			_, err := c.Plan(tc.stage)
			require.Error(t, err)
			for _, w := range tc.want {
				assert.True(t, strings.Contains(err.Error(), w), "got:\n%s\nwant a line containing %q", err, w)
			}
		})
	}
}
