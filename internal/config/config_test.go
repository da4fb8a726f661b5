package config

import (
	"strings"
	"testing"
)

func TestParseStage(t *testing.T) {
	c, err := Parse("production", map[string]string{
		"owner": "ops", "protect": "true", "tags": `{"CostCenter":"42"}`,
		"base": `{"jobsBucket":"kotta-prod-jobs"}`,
	})
	if err != nil {
		t.Fatal(err)
	}
	if c.Stage.Env != "production" || c.Stage.Owner != "ops" || !c.Stage.Protect || c.Stage.Tags["CostCenter"] != "42" {
		t.Errorf("got stage %+v", c.Stage)
	}
	if c.Kotta.Base == nil || c.Kotta.Base.JobsBucket != "kotta-prod-jobs" {
		t.Errorf("got base %+v", c.Kotta.Base)
	}
	n := c.Stage.Naming("kotta")
	if n.App != "kotta" || n.Env != "production" || n.Owner != "ops" || n.Extra["CostCenter"] != "42" {
		t.Errorf("got naming %+v", n)
	}
}

func TestParseEnvOverridesStack(t *testing.T) {
	c, err := Parse("prod-us-east-2", map[string]string{"owner": "ops", "env": "prod"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Stage.Env != "prod" || c.Stage.Protect {
		t.Errorf("got %+v, want env prod, unprotected", c.Stage)
	}
	if c.Kotta.Base != nil {
		t.Error("strata:base was not set: the base layer must stay off")
	}
}

func TestParseProblems(t *testing.T) {
	tests := []struct {
		name   string
		stack  string
		values map[string]string
		want   []string
	}{
		{"unknown key", "staging", map[string]string{"owner": "o", "bsae": "{}"},
			[]string{`strata:bsae: unknown key (did you mean "strata:base"?): use one of env, owner, protect, tags, aot, argos, base, bootstrap, epimetheus, front, kotta, lookup, network, s3AccessLogs`}},
		{"protect not boolean", "staging", map[string]string{"owner": "o", "protect": "yes"},
			[]string{`strata:protect: got "yes", want true or false`}},
		{"owner missing", "staging", map[string]string{},
			[]string{"strata:owner: is required"}},
		{"stack name as env", "Dev_1", map[string]string{"owner": "o"},
			[]string{`strata:env: "Dev_1" is not allowed`, "set strata:env"}},
		{"explicit env", "staging", map[string]string{"owner": "o", "env": "Stage"},
			[]string{`strata:env: "Stage" is not allowed`}},
		{"reserved tag", "staging", map[string]string{"owner": "o", "tags": `{"Owner":"x"}`},
			[]string{`strata:tags.Owner: "Owner" is set by the naming convention`}},
		{"section wrong type", "staging", map[string]string{"owner": "o", "base": `[]`},
			[]string{"strata:base: got a list, want an object"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse(tc.stack, tc.values)
			if err == nil {
				t.Fatal("got no error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("got %q, want it to contain %q", err, w)
				}
			}
		})
	}
}

func TestParseKeepsWhatDecoded(t *testing.T) {
	c, err := Parse("staging", map[string]string{"owner": "o", "protect": "maybe", "base": `{"jobsBucket":"abc","noncurrentVersionExpirationDays":"x"}`})
	if err == nil {
		t.Fatal("got no error")
	}
	if c.Kotta.Base == nil || c.Kotta.Base.JobsBucket != "abc" {
		t.Errorf("got base %+v: what decoded must be returned for its own checks", c.Kotta.Base)
	}
}
