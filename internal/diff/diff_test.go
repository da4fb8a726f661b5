package diff

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-iac/strata/internal/plan"
)

const goldenProduction = "../../testdata/plans/production.json"

// copyDoc deep-copies a plan document through JSON, as the golden file would hold it.
func copyDoc(t *testing.T, doc plan.Document) plan.Document {
	t.Helper()
	b, err := json.Marshal(doc)
	require.NoError(t, err)
	out, err := Parse(b)
	require.NoError(t, err)
	return out
}

func find(doc plan.Document, typ string) int {
	for i, r := range doc.Resources {
		if r.Type == typ {
			return i
		}
	}
	return -1
}

func only(t *testing.T, r Result) Change {
	t.Helper()
	require.Len(t, r.Changes, 1, "changes: %+v", r.Changes)
	return r.Changes[0]
}

// TestGoldenProductionChanges edits copies of the golden production plan the way a pull request
// would and checks what the diff makes of each edit.
func TestGoldenProductionChanges(t *testing.T) {
	golden, err := Load(goldenProduction)
	require.NoError(t, err, "the golden production plan is missing: run `go run ./cmd/strata diff production --update`")
	db := find(golden, "aws:rds/instance:Instance")
	require.GreaterOrEqual(t, db, 0, "production has no RDS instance to edit")
	require.True(t, golden.Resources[db].Protect, "production protects its databases")

	t.Run("unchanged", func(t *testing.T) {
		r := Compare(golden, copyDoc(t, golden))
		assert.Empty(t, r.Changes)
		assert.Equal(t, ExitSame, r.ExitCode())
		assert.Equal(t, "no changes", r.Summary())
	})

	t.Run("database name forces a replacement of a stateful resource", func(t *testing.T) {
		next := copyDoc(t, golden)
		next.Resources[db].Inputs["dbName"] = "renamed"
		r := Compare(golden, next)
		c := only(t, r)
		assert.Equal(t, Replace, c.Action)
		assert.True(t, c.Stateful)
		assert.True(t, c.Protected)
		require.Len(t, c.Properties, 1)
		assert.Equal(t, "dbName", c.Properties[0].Path)
		assert.Contains(t, c.Properties[0].ForcesNew, "aws_db_instance.db_name")
		assert.Contains(t, c.Properties[0].ForcesNew, "internal/service/rds/instance.go")
		assert.Equal(t, ExitDangerous, r.ExitCode())
		assert.Len(t, r.Dangerous(), 1)
	})

	t.Run("renamed identifier: in place, flagged as a rename", func(t *testing.T) {
		// The Terraform provider pulumi-aws bridges renames an RDS instance in place
		// (identifier is not ForceNew), so this is an update, not a replacement; the diff
		// still says that the endpoint changes.
		next := copyDoc(t, golden)
		next.Resources[db].Inputs["identifier"] = "renamed-db"
		r := Compare(golden, next)
		c := only(t, r)
		assert.Equal(t, Update, c.Action)
		assert.True(t, c.Stateful)
		require.Len(t, c.Notes, 1)
		assert.Contains(t, c.Notes[0], "identifier changes in place")
		assert.Equal(t, ExitChanged, r.ExitCode())
	})

	t.Run("new logical name replaces the database", func(t *testing.T) {
		next := copyDoc(t, golden)
		res := &next.Resources[db]
		res.URN = res.URN[:len(res.URN)-len(res.Name)] + "renamed"
		res.Name = "renamed"
		r := Compare(golden, next)
		c := only(t, r)
		assert.Equal(t, Replace, c.Action)
		assert.Equal(t, golden.Resources[db].URN, c.OldURN)
		require.NotEmpty(t, c.Reasons)
		assert.Contains(t, c.Reasons[0], "without an alias Pulumi deletes the old resource")
		assert.Equal(t, ExitDangerous, r.ExitCode())
	})

	t.Run("removed resource", func(t *testing.T) {
		next := copyDoc(t, golden)
		next.Resources = append(next.Resources[:db], next.Resources[db+1:]...)
		r := Compare(golden, next)
		c := only(t, r)
		assert.Equal(t, Delete, c.Action)
		assert.Equal(t, golden.Resources[db].URN, c.URN)
		assert.Equal(t, ExitDangerous, r.ExitCode())
	})

	t.Run("added resource", func(t *testing.T) {
		next := copyDoc(t, golden)
		added := copyDoc(t, golden).Resources[find(golden, "aws:iam/role:Role")]
		added.Name += "-extra"
		added.URN += "-extra"
		added.Inputs["name"] = "extra-role"
		next.Resources = append(next.Resources, added)
		r := Compare(golden, next)
		c := only(t, r)
		assert.Equal(t, Create, c.Action)
		assert.Equal(t, added.URN, c.URN)
		assert.Equal(t, ExitChanged, r.ExitCode())
	})

	t.Run("changed tag is an update", func(t *testing.T) {
		next := copyDoc(t, golden)
		tags := next.Resources[db].Inputs["tags"].(map[string]any)
		tags["Owner"] = "someone-else"
		r := Compare(golden, next)
		c := only(t, r)
		assert.Equal(t, Update, c.Action)
		require.Len(t, c.Properties, 1)
		assert.Equal(t, Property{Path: "tags.Owner", Old: "research-platform", New: "someone-else"}, c.Properties[0])
		assert.Empty(t, c.Reasons)
		assert.Equal(t, ExitChanged, r.ExitCode())
	})

	t.Run("lifting protection is shown", func(t *testing.T) {
		next := copyDoc(t, golden)
		next.Resources[db].Protect = false
		c := only(t, Compare(golden, next))
		assert.Equal(t, Update, c.Action)
		assert.True(t, c.Protected)
		assert.Equal(t, Property{Path: "(protect)", Old: true, New: false}, c.Properties[len(c.Properties)-1])
	})
}

func TestIgnoredProperties(t *testing.T) {
	golden, err := Load(goldenProduction)
	require.NoError(t, err)
	db := find(golden, "aws:rds/instance:Instance")
	require.Contains(t, golden.Resources[db].IgnoreChanges, "engineVersion", "the golden plan records ignoreChanges")

	t.Run("only ignored properties: Pulumi leaves the resource alone", func(t *testing.T) {
		next := copyDoc(t, golden)
		next.Resources[db].Inputs["engineVersion"] = "17"
		r := Compare(golden, next)
		c := only(t, r)
		assert.Equal(t, Ignore, c.Action)
		require.Len(t, c.Properties, 1)
		assert.True(t, c.Properties[0].Ignored)
		assert.Empty(t, c.Reasons)
		assert.Empty(t, r.Dangerous())
		assert.Equal(t, ExitChanged, r.ExitCode(), "the golden plan is still out of date")
		assert.Contains(t, r.Summary(), "1 changed only in ignored properties")
	})

	t.Run("an ignored property next to an applied one", func(t *testing.T) {
		next := copyDoc(t, golden)
		next.Resources[db].Inputs["engineVersion"] = "17"
		next.Resources[db].Inputs["dbName"] = "renamed"
		c := only(t, Compare(golden, next))
		assert.Equal(t, Replace, c.Action, "dbName still forces a replacement")
		require.Len(t, c.Properties, 2)
		assert.Equal(t, "dbName", c.Properties[0].Path)
		assert.False(t, c.Properties[0].Ignored)
		assert.Equal(t, "engineVersion", c.Properties[1].Path)
		assert.True(t, c.Properties[1].Ignored)
		assert.Empty(t, c.Properties[1].ForcesNew)
	})
}

func TestIgnoredPaths(t *testing.T) {
	for _, tc := range []struct {
		path   string
		ignore []string
		want   bool
	}{
		{"engineVersion", []string{"engineVersion"}, true},
		{"engineVersionActual", []string{"engineVersion"}, false},
		{"tags.Owner", []string{"tags"}, true},
		{"tags.Owner", []string{"tags.Owner"}, true},
		{"tags.OwnerTeam", []string{"tags.Owner"}, false},
		{"ingress[2].cidrBlocks[0]", []string{"ingress[*]"}, true},
		{"ingress[2].cidrBlocks[0]", []string{"ingress[2]"}, true},
		{"ingress[2].cidrBlocks[0]", []string{"ingress[1]"}, false},
		{"policy#Statement[0]", []string{"policy"}, true},
		{"desiredCount", nil, false},
	} {
		assert.Equal(t, tc.want, ignored(tc.path, tc.ignore), "%s against %v", tc.path, tc.ignore)
	}
}

func TestJSONDocumentsCompareByMember(t *testing.T) {
	old := plan.Document{Resources: []plan.Resource{{
		Type: "aws:iam/policy:Policy", Name: "p", URN: "urn:p",
		Inputs: map[string]any{"policy": `{"Statement":[{"Action":["s3:GetObject"]}]}`, "name": "p"},
	}}}
	next := plan.Document{Resources: []plan.Resource{{
		Type: "aws:iam/policy:Policy", Name: "p", URN: "urn:p",
		Inputs: map[string]any{"policy": `{"Statement":[{"Action":["s3:GetObject","s3:PutObject"]}]}`, "name": "p"},
	}}}
	c := only(t, Compare(old, next))
	assert.Equal(t, Update, c.Action)
	assert.Equal(t, []Property{{Path: "policy#Statement[0].Action[1]", New: "s3:PutObject"}}, c.Properties)
}

func TestUnknownTypesNeverReplaceOnProperties(t *testing.T) {
	old := plan.Document{Resources: []plan.Resource{{Type: "acme:index/thing:Thing", Name: "t", URN: "urn:t", Inputs: map[string]any{"size": 1.0}}}}
	next := copyDoc(t, old)
	next.Resources[0].Inputs["size"] = 2.0
	c := only(t, Compare(old, next))
	assert.Equal(t, Update, c.Action)
}
