package schema_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-iac/strata/components/loadbalancer"
	"github.com/strata-iac/strata/systems/schema"
)

func TestFrontDefaults(t *testing.T) {
	for _, protect := range []bool{false, true} {
		a := schema.Front{}.Args(protect)
		assert.True(t, a.AccessLogs, "access logs in every stage")
		assert.Empty(t, a.AccessLogsBucket, "the component derives the bucket's name")
		assert.Equal(t, protect, a.DeletionProtection)
		assert.Equal(t, protect, a.WAF != nil, "WAF with strata:protect")
		assert.Equal(t, protect, a.Protect)
	}
	assert.Equal(t, &loadbalancer.WAF{}, schema.Front{}.Args(true).WAF, "the component's defaults")
}

func TestFrontSettings(t *testing.T) {
	for _, tc := range []struct {
		name    string
		json    string
		protect bool
		logs    bool
		waf     *loadbalancer.WAF
	}{
		{"access logs off", `{"accessLogs": false}`, false, false, nil},
		{"a waf section turns WAF on in staging", `{"waf": {"countOnly": true}}`, false, true, &loadbalancer.WAF{CountOnly: true}},
		{"WAF off in production", `{"waf": {"enabled": false, "rateLimit": 100}}`, true, true, nil},
		{"every WAF key", `{"waf": {"enabled": true, "rateLimit": 100, "sqli": true, "countOnly": true, "logRetentionDays": 30, "logAllRequests": true}}`, true, true,
			&loadbalancer.WAF{RateLimit: 100, SQLi: true, CountOnly: true, LogRetentionDays: 30, LogAllRequests: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var f schema.Front
			require.NoError(t, json.Unmarshal([]byte(tc.json), &f))
			a := f.Args(tc.protect)
			assert.Equal(t, tc.logs, a.AccessLogs)
			assert.Equal(t, tc.waf, a.WAF)
		})
	}
	// A Front still compares with ==: systems tell an unset one from a set one.
	var unset, set schema.Front
	set.AccessLogsRetentionDays = 30
	assert.True(t, unset == schema.Front{})
	assert.False(t, set == schema.Front{})
}
