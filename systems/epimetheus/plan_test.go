package epimetheus_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-iac/strata/systems"
	"github.com/strata-iac/strata/systems/epimetheus"
	"github.com/strata-iac/strata/systems/schema"
)

var stage = systems.Stage{Stack: "production", Env: "production", Owner: "qa", Protect: true, Network: true}

var images = map[string]schema.Container{
	"epimetheus-frontend": {Image: "123456789012.dkr.ecr.us-east-2.amazonaws.com/epimetheus/frontend:1.2.1"},
	"epimetheus-backend":  {Image: "123456789012.dkr.ecr.us-east-2.amazonaws.com/epimetheus/backend:1.2.1"},
}

// fargate is a valid config on Fargate, as production ships it.
func fargate() epimetheus.Config {
	return epimetheus.Config{
		App:          schema.App{Containers: images, Endpoint: &schema.Endpoint{Domain: "epimetheus.example.org"}},
		Database:     &schema.Database{EngineVersion: "16", DBName: "testarchiver", Username: "epimetheus"},
		LoadBalancer: &schema.LoadBalancer{Zone: "example.org"},
		Forwarder:    &epimetheus.Forwarder{},
	}
}

// lightsailConfig is a valid config on Lightsail, as staging ships it.
func lightsailConfig() epimetheus.Config {
	return epimetheus.Config{
		Platform:  epimetheus.Lightsail,
		App:       schema.App{Containers: images},
		Lightsail: &schema.Lightsail{Database: &schema.LightsailDatabase{Blueprint: "postgres_16", Name: "testarchiver"}},
	}
}

func TestPlanFargate(t *testing.T) {
	p, err := fargate().Plan(stage)
	require.NoError(t, err)
	assert.Equal(t, epimetheus.Fargate, p.Platform)
	assert.Equal(t, 256, p.App.CPU)
	assert.Equal(t, 1024, p.App.MemoryMiB)
	assert.Equal(t, "postgres", p.Database.Engine)
	assert.True(t, p.Database.Protect, "strata:protect protects the database")
	assert.NotNil(t, p.Forwarder, "TestArchiver's private path")
	assert.Empty(t, p.OptIns(), "a private database asks for no exception")
}

func TestPlanLightsail(t *testing.T) {
	p, err := lightsailConfig().Plan(systems.Stage{Stack: "staging", Env: "staging", Owner: "qa"})
	require.NoError(t, err)
	assert.Equal(t, epimetheus.Lightsail, p.Platform)
	assert.Zero(t, p.App.CPU, "Lightsail sizes by power")
	require.NotNil(t, p.Lightsail.Database)
	assert.Equal(t, "nano", p.Lightsail.Power)
}

// Plan is pure: it leaves the config it was given as it was.
func TestPlanLeavesConfigAlone(t *testing.T) {
	c := fargate()
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
		name string
		cfg  func() epimetheus.Config
		want []string
	}{
		{"unknown platform", func() epimetheus.Config { c := fargate(); c.Platform = "heroku"; return c },
			[]string{`strata:epimetheus.platform: "heroku" is not allowed: use one of fargate, lightsail`}},
		{"fargate without database", func() epimetheus.Config { c := fargate(); c.Database = nil; return c },
			[]string{"strata:epimetheus.database: is required on fargate"}},
		{"fargate without load balancer", func() epimetheus.Config { c := fargate(); c.LoadBalancer = nil; return c },
			[]string{"strata:epimetheus.loadBalancer: is required on fargate"}},
		{"not postgres", func() epimetheus.Config { c := fargate(); c.Database.Engine = "mysql"; return c },
			[]string{`strata:epimetheus.database.engine: "mysql" is not allowed`}},
		{"lightsail settings on fargate", func() epimetheus.Config { c := fargate(); c.Lightsail = &schema.Lightsail{}; return c },
			[]string{"strata:epimetheus.lightsail: only with platform: lightsail"}},
		{"fargate settings on lightsail", func() epimetheus.Config { c := lightsailConfig(); c.Database = &schema.Database{}; return c },
			[]string{"strata:epimetheus.database: only with platform: fargate"}},
		{"lightsail without its section", func() epimetheus.Config { c := lightsailConfig(); c.Lightsail = nil; return c },
			[]string{"strata:epimetheus.lightsail: is required on lightsail"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.cfg().Plan(stage)
			require.Error(t, err)
			for _, w := range tc.want {
				assert.True(t, strings.Contains(err.Error(), w), "got:\n%s\nwant a line containing %q", err, w)
			}
		})
	}
}
