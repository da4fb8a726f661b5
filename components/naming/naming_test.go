package naming

import (
	"strings"
	"testing"
)

func TestNameAndTags(t *testing.T) {
	c := Convention{App: "kotta", Env: "staging", Owner: "research-it", Extra: map[string]string{"CostCenter": "42"}}
	if got, want := c.Name("jobs"), "kotta-staging-jobs"; got != want {
		t.Errorf("Name: got %q, want %q", got, want)
	}
	want := map[string]string{
		"Name": "kotta-staging-jobs", "App": "kotta", "Env": "staging", "Group": "jobs",
		"Owner": "research-it", "CostCenter": "42",
	}
	got := c.Tags("jobs")
	if len(got) != len(want) {
		t.Fatalf("Tags: got %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("Tags[%s]: got %q, want %q", k, got[k], v)
		}
	}
}

func TestConventionValidate(t *testing.T) {
	tests := []struct {
		name string
		c    Convention
		want []string // substrings, one per expected problem; nil means valid
	}{
		{"valid", Convention{App: "kotta", Env: "production", Owner: "ops"}, nil},
		{"empty app", Convention{Env: "staging", Owner: "ops"}, []string{"app: must not be empty"}},
		{"uppercase env", Convention{App: "a", Env: "Prod", Owner: "ops"}, []string{`env: "Prod" is not allowed`}},
		{"long env", Convention{App: "a", Env: "a-very-long-environment", Owner: "ops"}, []string{"env: \"a-very-long-environment\" is 23 characters long: use at most 16"}},
		{"missing owner", Convention{App: "a", Env: "b"}, []string{"owner: is required"}},
		{"reserved tag", Convention{App: "a", Env: "b", Owner: "o", Extra: map[string]string{"name": "x"}}, []string{`tags.name: "name" is set by the naming convention`}},
		{"aws prefix", Convention{App: "a", Env: "b", Owner: "o", Extra: map[string]string{"aws:foo": "x"}}, []string{"tags.aws:foo: the aws: prefix is reserved"}},
		{"bad value", Convention{App: "a", Env: "b", Owner: "o", Extra: map[string]string{"k": "x;y"}}, []string{`tags.k: "x;y" has characters`}},
		{"key too long for EC2", Convention{App: "a", Env: "b", Owner: "o", Extra: map[string]string{strings.Repeat("k", 128): "x"}}, []string{"tag keys must be 1 to 127 characters long"}},
		{"all at once", Convention{App: "A", Env: "", Owner: ""}, []string{"app:", "env:", "owner:"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.c.Validate()
			if tc.want == nil {
				if err != nil {
					t.Fatalf("got %v, want no error", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("got no error, want %q", tc.want)
			}
			lines := strings.Split(err.Error(), "\n")
			if len(lines) != len(tc.want) {
				t.Fatalf("got %d problems %q, want %d", len(lines), lines, len(tc.want))
			}
			for i, w := range tc.want {
				if !strings.Contains(lines[i], w) {
					t.Errorf("problem %d: got %q, want it to contain %q", i, lines[i], w)
				}
			}
		})
	}
}

func TestBucketName(t *testing.T) {
	tests := []struct {
		name string
		want string // substring of the error; empty means valid
	}{
		{"kotta-staging-jobs", ""},
		{"my.bucket.name", ""},
		{"abc", ""},
		{"ab", "3 to 63 characters"},
		{strings.Repeat("a", 64), "3 to 63 characters"},
		{"Kotta_Jobs", "use lowercase letters, digits, dots and hyphens"},
		{"-kotta", "starting and ending with a letter or digit"},
		{"kotta-", "starting and ending with a letter or digit"},
		{"kotta..jobs", "two dots"},
		{"192.168.5.4", "IP address"},
		{"xn--kotta", `prefix "xn--"`},
		{"sthree-kotta", `prefix "sthree-"`},
		{"kotta-s3alias", `suffix "-s3alias"`},
		{"kotta--ol-s3", `suffix "--ol-s3"`},
		{"kotta.mrap", `suffix ".mrap"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			checkErr(t, BucketName(tc.name), tc.want)
		})
	}
}

func TestRoleName(t *testing.T) {
	checkErr(t, RoleName("kotta-staging-web"), "")
	checkErr(t, RoleName("a+b=c,d.e@f_g-h"), "")
	checkErr(t, RoleName(strings.Repeat("r", 65)), "1 to 64 characters")
	checkErr(t, RoleName(""), "1 to 64 characters")
	checkErr(t, RoleName("bad/role"), "use letters, digits")
}

func TestTableName(t *testing.T) {
	checkErr(t, TableName("kotta-staging-jobs"), "")
	checkErr(t, TableName("Jobs_v2.x"), "")
	checkErr(t, TableName("ab"), "3 to 255 characters")
	checkErr(t, TableName(strings.Repeat("t", 256)), "3 to 255 characters")
	checkErr(t, TableName("jobs table"), "use letters, digits")
}

func TestIdentifier(t *testing.T) {
	checkErr(t, Identifier("web", 8), "")
	checkErr(t, Identifier("web-1", 8), "")
	checkErr(t, Identifier("web--1", 8), "single hyphens")
	checkErr(t, Identifier("1web", 8), "starting with a letter")
	checkErr(t, Identifier("webserver", 8), "at most 8")
}

func checkErr(t *testing.T, err error, want string) {
	t.Helper()
	switch {
	case want == "" && err != nil:
		t.Errorf("got %v, want no error", err)
	case want != "" && err == nil:
		t.Errorf("got no error, want one containing %q", want)
	case want != "" && !strings.Contains(err.Error(), want):
		t.Errorf("got %q, want it to contain %q", err, want)
	}
}
