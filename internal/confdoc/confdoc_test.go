package confdoc_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-iac/strata/internal/confdoc"
)

// The config reference in the READMEs is what the config types say: run `go generate ./...` after
// changing a Config type or its comments.
func TestREADMEsMatchTheConfigTypes(t *testing.T) {
	docs, err := confdoc.Load("../..")
	require.NoError(t, err)
	r, err := docs.UpdateAll("../..")
	require.NoError(t, err)
	assert.Empty(t, r.Missing, "no README has a table for these: add a <!-- config NAME --> marker and run go generate ./...")
	assert.Empty(t, r.Twice, "these tables are in two places")
	assert.Empty(t, r.Stale, "a README documents config that no longer exists")
	assert.Empty(t, r.Unanchored, "these tables lack the <a id=\"config-object-…\"></a> anchor their links point at")
	for path := range r.Docs {
		t.Errorf("%s: config tables differ from the config types: run go generate ./...", path)
	}
}

func TestEveryConfigKeyIsDocumented(t *testing.T) {
	docs, err := confdoc.Load("../..")
	require.NoError(t, err)
	for name, table := range docs.Sections(nil) {
		for _, row := range strings.Split(table, "\n") {
			if strings.HasPrefix(row, "| `") && strings.HasSuffix(row, "|  |") {
				t.Errorf("%s: %s has no doc comment", name, row)
			}
		}
	}
}

func TestUpdateReplacesOnlyMarkedTables(t *testing.T) {
	doc := "intro\n<!-- config strata:x -->\nold\n<!-- /config -->\nmiddle\n<!-- config strata:gone -->\nx\n<!-- /config -->\n"
	got, used := confdoc.Update(doc, map[string]string{"strata:x": "new\n", "strata:y": "y\n"})
	assert.Equal(t, "intro\n<!-- config strata:x -->\nnew\n<!-- /config -->\nmiddle\n<!-- config strata:gone -->\nx\n<!-- /config -->\n", got)
	assert.Equal(t, []string{"strata:x"}, used)
	assert.Equal(t, []string{"strata:gone"}, confdoc.Stale(doc, map[string]string{"strata:x": ""}))
}

func TestSentence(t *testing.T) {
	for _, tc := range []struct{ field, comment, want string }{
		{"EnvFile", "EnvFile is the key of the env file.", "The key of the env file."},
		{"Exec", "Exec turns on ECS Exec.", "Turns on ECS Exec."},
		{"Database", "Database is where MariaDB runs.", "Where MariaDB runs."},
		{"Port", "The port.", "The port."},
	} {
		assert.Equal(t, tc.want, confdoc.Sentence(tc.field, tc.comment))
	}
}
