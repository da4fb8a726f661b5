package confdoc_test

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-iac/strata/internal/confdoc"
)

// The README's config reference is what the config types say: run `go generate ./...` after
// changing a Config type or its comments.
func TestREADMEMatchesTheConfigTypes(t *testing.T) {
	docs, err := confdoc.Load("../..")
	require.NoError(t, err)
	raw, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	sections := docs.Sections()
	updated, missing := confdoc.Update(string(raw), sections)
	assert.Empty(t, missing, "README.md has no table for these: add a <!-- config NAME --> marker and run go generate ./...")
	assert.Empty(t, confdoc.Stale(string(raw), sections), "README.md documents config that no longer exists")
	if updated != string(raw) {
		t.Error("README.md's config tables differ from the config types: run go generate ./...")
	}
}

func TestEveryConfigKeyIsDocumented(t *testing.T) {
	docs, err := confdoc.Load("../..")
	require.NoError(t, err)
	for name, table := range docs.Sections() {
		for _, row := range strings.Split(table, "\n") {
			if strings.HasPrefix(row, "| `") && strings.HasSuffix(row, "|  |") {
				t.Errorf("%s: %s has no doc comment", name, row)
			}
		}
	}
}

func TestUpdateReplacesOnlyMarkedTables(t *testing.T) {
	readme := "intro\n<!-- config strata:x -->\nold\n<!-- /config -->\nmiddle\n<!-- config strata:gone -->\nx\n<!-- /config -->\n"
	got, missing := confdoc.Update(readme, map[string]string{"strata:x": "new\n", "strata:y": "y\n"})
	assert.Equal(t, "intro\n<!-- config strata:x -->\nnew\n<!-- /config -->\nmiddle\n<!-- config strata:gone -->\nx\n<!-- /config -->\n", got)
	assert.Equal(t, []string{"strata:y"}, missing)
	assert.Equal(t, []string{"strata:gone"}, confdoc.Stale(readme, map[string]string{"strata:x": ""}))
}
