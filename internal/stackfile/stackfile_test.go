package stackfile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func write(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

const project = `name: demo
runtime: go
config:
  protect:
    type: boolean
    default: false
  owner:
    type: string
`

func TestLoadAppliesProjectDefaultsAndBlindsSecrets(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, map[string]string{
		"Pulumi.yaml": project,
		"Pulumi.dev.yaml": `config:
  aws:region: eu-west-1
  demo:owner: ops
  demo:section:
    list: [1, 2]
    name: x
  demo:token:
    secure: v1:c2VjcmV0:c2VjcmV0
`,
	})
	sub := filepath.Join(dir, "sub")
	if err := os.Mkdir(sub, 0o700); err != nil {
		t.Fatal(err)
	}
	s, err := Load(sub, "dev")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"aws:region":   "eu-west-1",
		"demo:owner":   "ops",
		"demo:protect": "false",
		"demo:section": `{"list":[1,2],"name":"x"}`,
		"demo:token":   "[secret]",
	}
	if s.Project != "demo" || s.Name != "dev" || len(s.Config) != len(want) {
		t.Fatalf("got %+v", s)
	}
	for k, v := range want {
		if s.Config[k] != v {
			t.Errorf("%s: got %q, want %q", k, s.Config[k], v)
		}
	}
	if len(s.SecretKeys) != 1 || s.SecretKeys[0] != "demo:token" {
		t.Errorf("got secret keys %v", s.SecretKeys)
	}
}

func TestLoadErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := Load(dir, "dev"); err == nil || !strings.Contains(err.Error(), "no Pulumi.yaml") {
		t.Errorf("no project: got %v", err)
	}
	write(t, dir, map[string]string{"Pulumi.yaml": project})
	if _, err := Load(dir, "dev"); err == nil || !strings.Contains(err.Error(), "Pulumi.dev.yaml is missing or empty") {
		t.Errorf("no stack file: got %v", err)
	}
}
