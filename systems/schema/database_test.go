package schema_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-iac/strata/components/database"
	"github.com/strata-iac/strata/systems"
	"github.com/strata-iac/strata/systems/schema"
)

// Every key of the config object reaches the component's arguments, and the arguments share no
// memory with the decoded config.
func TestDatabaseArgs(t *testing.T) {
	var c schema.Database
	require.NoError(t, json.Unmarshal([]byte(`{
		"engine": "postgres", "engineVersion": "16", "externalCidrs": ["198.51.100.0/24"], "publicAccess": true,
		"requireTls": false, "plaintextReason": "TestArchiver's driver has no TLS", "monitoringIntervalSeconds": 0,
		"secretRotationDays": 30, "performanceInsights": false
	}`), &c))
	a := c.Args()
	assert.Equal(t, "16", a.EngineVersion)
	assert.True(t, a.PublicAccess)
	assert.Equal(t, []string{"198.51.100.0/24"}, a.ExternalCIDRs)
	require.NotNil(t, a.RequireTLS)
	assert.False(t, *a.RequireTLS)
	assert.Equal(t, "TestArchiver's driver has no TLS", a.PlaintextReason)
	require.NotNil(t, a.MonitoringIntervalSeconds)
	assert.Equal(t, 0, *a.MonitoringIntervalSeconds)
	assert.Equal(t, 30, a.SecretRotationDays)

	*a.RequireTLS, *a.MonitoringIntervalSeconds, a.ExternalCIDRs[0] = true, 60, "x"
	assert.False(t, *c.RequireTLS, "the args must not share the config's pointers")
	assert.Equal(t, 0, *c.MonitoringIntervalSeconds)
	assert.Equal(t, "198.51.100.0/24", c.ExternalCIDRs[0])

	// Unset keys leave the component's defaults: TLS required, monitoring every minute.
	d := schema.Database{Engine: "postgres"}.Args().WithDefaults()
	assert.True(t, *d.RequireTLS)
	assert.Equal(t, 60, *d.MonitoringIntervalSeconds)
	assert.Equal(t, 7, d.SecretRotationDays)
	assert.False(t, d.PublicAccess)
}

func TestDatabaseOptIns(t *testing.T) {
	a := schema.Database{Engine: "postgres", ExternalCIDRs: []string{"198.51.100.0/24"}}.Args()
	assert.Empty(t, schema.DatabaseOptIns("strata:epimetheus.database", a, "epimetheus"), "private: nothing to report")

	a.PublicAccess = true
	no := false
	a.RequireTLS, a.PlaintextReason = &no, "legacy driver"
	got := schema.DatabaseOptIns("strata:epimetheus.database", a, "epimetheus")
	require.Len(t, got, 2)
	assert.Equal(t, systems.OptIn{Type: database.InstanceType, Name: "epimetheus", Key: "strata:epimetheus.database.publicAccess",
		Why: got[0].Why}, got[0])
	assert.Equal(t, "aws:rds/parameterGroup:ParameterGroup", got[1].Type)
	assert.Equal(t, "epimetheus-params", got[1].Name)
	assert.Equal(t, "strata:epimetheus.database.requireTls", got[1].Key)
	assert.Contains(t, got[1].Why, "legacy driver")
}
