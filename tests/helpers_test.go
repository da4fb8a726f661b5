// Package tests runs the strata program end to end, under mocks, with the stage files we ship.
package tests

import (
	"maps"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-iac/strata/internal/mock"
	"github.com/strata-iac/strata/internal/plan"
	"github.com/strata-iac/strata/internal/stackfile"
	"github.com/strata-iac/strata/stacks"
	"github.com/strata-iac/strata/systems"
)

// stages are the stacks whose Pulumi.<stage>.yaml files we ship.
var stages = []string{"staging", "production"}

// runStage runs the program with a shipped stage file and fails the test on any error.
func runStage(t *testing.T, stage string) *mock.Result {
	t.Helper()
	res, err := plan.Run("..", stage)
	if err != nil {
		t.Fatalf("%s: %v", stage, err)
	}
	return res
}

// refusedConfig runs the program as runEdited does and checks that the config is refused before
// anything is registered, with exactly the problems want, in order, under the usual first line.
func refusedConfig(t *testing.T, stack, stage string, set map[string]string, want []string) {
	t.Helper()
	res, err := runEdited(t, stack, stage, set)
	if err == nil {
		t.Fatal("got no error")
	}
	if n := len(res.Resources()); n != 0 {
		t.Errorf("got %d resources registered, want 0", n)
	}
	lines := strings.Split(err.Error(), "\n")
	if !strings.HasPrefix(lines[0], "invalid config for stack "+stack) {
		t.Errorf("got first line %q", lines[0])
	}
	problems := lines[1:]
	if len(problems) != len(want) {
		t.Fatalf("got %d problems, want %d:\n%s", len(problems), len(want), strings.Join(problems, "\n"))
	}
	for i, w := range want {
		if !strings.Contains(problems[i], w) {
			t.Errorf("problem %d: got %q, want it to contain %q", i, problems[i], w)
		}
	}
}

// editedOptIns returns the security exceptions of a shipped stage file's config, edited as
// runEdited edits it.
func editedOptIns(t *testing.T, stage string, set map[string]string) []systems.OptIn {
	t.Helper()
	s, err := stackfile.Load("..", stage)
	if err != nil {
		t.Fatal(err)
	}
	cfg := maps.Clone(s.Config)
	maps.Copy(cfg, set)
	var out []systems.OptIn
	if _, err := mock.Run(func(ctx *pulumi.Context) error {
		out, err = stacks.OptIns(ctx)
		return err
	}, mock.Options{Project: s.Project, Stack: stage, Config: cfg, SecretKeys: s.SecretKeys, RootDirectory: s.Dir}); err != nil {
		t.Fatal(err)
	}
	return out
}

// runEdited runs the program with a shipped stage file's config, edited: each key of set replaces
// that config value, and an empty value removes the key.
func runEdited(t *testing.T, stack, stage string, set map[string]string) (*mock.Result, error) {
	t.Helper()
	s, err := stackfile.Load("..", stage)
	if err != nil {
		t.Fatal(err)
	}
	cfg := maps.Clone(s.Config)
	for k, v := range set {
		if v == "" {
			delete(cfg, k)
		} else {
			cfg[k] = v
		}
	}
	return mock.Run(stacks.Run, mock.Options{Project: s.Project, Stack: stack, Config: cfg, SecretKeys: s.SecretKeys, RootDirectory: s.Dir})
}
