package aot_test

import (
	"encoding/json"
	"maps"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-iac/strata/internal/check"
	"github.com/strata-iac/strata/internal/mock"
	"github.com/strata-iac/strata/internal/plan"
	"github.com/strata-iac/strata/internal/stackfile"
	"github.com/strata-iac/strata/stacks"
	"github.com/strata-iac/strata/systems/aot"
)

// The shipped stage files, run end to end.

const project = "../.."

func runStage(t *testing.T, stage string) *mock.Result {
	t.Helper()
	res, err := plan.Run(project, stage)
	require.NoError(t, err)
	return res
}

func count(res *mock.Result, typ, prefix string) int {
	n := 0
	for _, r := range res.ByType(typ) {
		if strings.HasPrefix(r.Name, prefix) {
			n++
		}
	}
	return n
}

func TestStagesDeployTheirClusters(t *testing.T) {
	for _, tt := range []struct {
		stage   string
		members []string
	}{
		{"staging", []string{"head", "worker1", "worker2"}},
		{"production", []string{"compute1", "compute2", "compute3", "compute4", "compute5", "compute6", "compute7", "compute8", "head"}},
	} {
		t.Run(tt.stage, func(t *testing.T) {
			res := runStage(t, tt.stage)
			n := len(tt.members)
			assert.Equal(t, n, count(res, "aws:ec2/instance:Instance", "aot-"), "instances")
			assert.Equal(t, n, count(res, "aws:ebs/volume:Volume", "aot-"), "data volumes")
			assert.Equal(t, n, count(res, "aws:ec2/volumeAttachment:VolumeAttachment", "aot-"), "attachments")
			assert.Equal(t, n+1, count(res, "tls:index/privateKey:PrivateKey", "aot-"), "a host key per member and the root key")
			assert.Equal(t, n+1, count(res, "aws:ssm/parameter:Parameter", "aot-"), "each private key in Parameter Store")
			assert.Equal(t, 2, count(res, "aws:s3/bucketObjectv2:BucketObjectv2", "aot-stage-"), "the two example stages")
			assert.NotNil(t, res.Get("aws:s3/bucketObjectv2:BucketObjectv2", "aot-facts"))
			assert.NotNil(t, res.Get("aws:ssm/association:Association", "aot-bootstrap"))

			out := res.Outputs["aot"].(map[string]any)
			assert.Equal(t, tt.members, out["members"])
			var facts map[string]aot.Fact
			require.NoError(t, json.Unmarshal([]byte(out["facts"].(string)), &facts))
			assert.Len(t, facts, n)
			assert.Len(t, out["shell"], n)
		})
	}
}

// strata check finds nothing wrong with aot's resources beyond what its table does not cover yet.
func TestStagesPassTheChecksOnAotResources(t *testing.T) {
	for _, stage := range []string{"staging", "production"} {
		t.Run(stage, func(t *testing.T) {
			rep := check.Check(check.FromResult(runStage(t, stage)), nil)
			for _, f := range rep.Findings {
				if strings.HasPrefix(f.Name, "aot-") && f.Rule != check.CoverageRule {
					t.Errorf("%s %s %s %s = %v: allowed: %s", f.Rule, f.Type, f.Name, f.Path, f.Value, f.Allowed)
				}
			}
		})
	}
}

// A bad strata:aot in a stage file is refused before anything is registered, naming each key.
func TestBadStageConfigRegistersNothing(t *testing.T) {
	tests := []struct {
		name, stage, patch string
		want               []string
	}{
		{"count", "production", `{"pools":{"compute":{"count":0}}}`,
			[]string{"strata:aot.pools.compute.count: 0 is out of range: use 1 to 100 members"}},
		{"unknown key", "staging", `{"pools":{"worker":{"cuont":3}}}`,
			[]string{`strata:aot.pools.worker.cuont: unknown key (did you mean "count"?)`}},
		{"wrong type", "staging", `{"defaults":{"publicIp":"yes"}}`,
			[]string{"strata:aot.defaults.publicIp: got"}},
		{"several at once", "production", `{"defaults":{"instanceType":"c7g"},"instances":{"head":{"zones":[7]}}}`,
			[]string{"strata:aot.instances.head.zones[0]: 7 is not a zone of the stage network: it has 3 private subnets",
				`strata:aot.defaults.instanceType: "c7g" is not an instance type`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := stackfile.Load(project, tt.stage)
			require.NoError(t, err)
			cfg := maps.Clone(s.Config)
			cfg["strata:aot"] = patch(t, cfg["strata:aot"], tt.patch)
			res, err := mock.Run(stacks.Run, mock.Options{Project: s.Project, Stack: tt.stage, Config: cfg, SecretKeys: s.SecretKeys})
			require.Error(t, err)
			assert.Empty(t, res.Resources(), "nothing is registered")
			lines := strings.Split(err.Error(), "\n")[1:]
			require.Len(t, lines, len(tt.want), "problems:\n%s", err)
			for i, w := range tt.want {
				assert.Contains(t, lines[i], w)
			}
		})
	}
}

// patch applies a JSON merge patch to doc.
func patch(t *testing.T, doc, p string) string {
	t.Helper()
	var d, q any
	require.NoError(t, json.Unmarshal([]byte(doc), &d))
	require.NoError(t, json.Unmarshal([]byte(p), &q))
	b, err := json.Marshal(merge(d, q))
	require.NoError(t, err)
	return string(b)
}

func merge(doc, p any) any {
	pm, ok := p.(map[string]any)
	if !ok {
		return p
	}
	dm, ok := doc.(map[string]any)
	if !ok {
		dm = map[string]any{}
	}
	for k, v := range pm {
		if v == nil {
			delete(dm, k)
		} else {
			dm[k] = merge(dm[k], v)
		}
	}
	return dm
}
