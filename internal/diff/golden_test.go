package diff

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/strata-iac/strata/internal/plan"
)

// TestGoldenPlansAreCurrent keeps testdata/plans in step with the program, so that every pull
// request shows its infrastructure diff in the golden files.
func TestGoldenPlansAreCurrent(t *testing.T) {
	for _, stack := range []string{"staging", "production", "bootstrap"} {
		t.Run(stack, func(t *testing.T) {
			res, err := plan.Run("../..", stack)
			require.NoError(t, err)
			current, err := Snapshot(stack, res)
			require.NoError(t, err)
			want, err := Marshal(current)
			require.NoError(t, err)

			path := "../../testdata/plans/" + stack + ".json"
			got, err := os.ReadFile(path)
			require.NoError(t, err, "no golden plan for %s: run `go run ./cmd/strata diff %s --update`", stack, stack)
			if bytes.Equal(got, want) {
				return
			}
			golden, err := Parse(got)
			require.NoError(t, err)
			var b strings.Builder
			if r := Compare(golden, current); len(r.Changes)+len(r.Outputs) > 0 {
				r.Text(&b, path)
			} else {
				b.WriteString("no resource changes: dependencies or formatting differ")
			}
			t.Fatalf("the plan of %s differs from %s:\n%s\nrun `go run ./cmd/strata diff %s --update` and commit the file",
				stack, path, b.String(), stack)
		})
	}
}

func TestSnapshotIsStable(t *testing.T) {
	var first []byte
	for range 3 {
		res, err := plan.Run("../..", "production")
		require.NoError(t, err)
		doc, err := Snapshot("production", res)
		require.NoError(t, err)
		b, err := Marshal(doc)
		require.NoError(t, err)
		if first == nil {
			first = b
			continue
		}
		if string(first) != string(b) {
			first, _ := Parse(first)
			again, _ := Parse(b)
			var out strings.Builder
			Compare(first, again).Text(&out, "the first run")
			t.Fatalf("two runs of the same program gave different plans:\n%s", out.String())
		}
	}
}
