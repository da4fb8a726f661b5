package check

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCoverage(t *testing.T) {
	tests := []struct {
		name     string
		typ      string
		inputs   map[string]any
		wantPath string // "" for the type as a whole
		wantText string
	}{
		{"unknown type", "aws:foo/bar:Bar", map[string]any{"name": "x", "settings": []any{map[string]any{"size": 1.0}}, "tags": map[string]any{"Name": "x"}},
			"", "no entry for this type: add its limits and classify its properties (name, settings[*].size)"},
		{"unclassified property", tgType, map[string]any{"port": 80.0, "stickiness": map[string]any{"cookieDuration": 60.0}},
			"stickiness.cookieDuration", "no limit or classification for aws:lb/targetGroup:TargetGroup stickiness.cookieDuration"},
		{"unclassified list member", ecsServiceType, map[string]any{"loadBalancers": []any{map[string]any{"elbName": "x"}}},
			"loadBalancers[0].elbName", "aws:ecs/service:Service loadBalancers[*].elbName"},
		{"unclassified member of a JSON document", taskDefType, containerDefs(map[string]any{"name": "app", "gpuCount": 1.0}),
			"containerDefinitions[0].gpuCount", "containerDefinitions[*].gpuCount"},
		{"unknown value still needs an entry", tgType, map[string]any{"stickiness": map[string]any{"type": Unknown}},
			"stickiness.type", "stickiness.type"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := rulesFired(t, tc.typ, tc.inputs)[CoverageRule]
			require.Len(t, got, 1, "coverage findings")
			assert.Equal(t, tc.wantPath, got[0].Path)
			assert.Contains(t, got[0].Allowed, tc.wantText)
			assert.Equal(t, Violation, got[0].Severity)
		})
	}
}

func TestCoveredProperties(t *testing.T) {
	// A limit, a classification, a rule's path, the generic tag rule and map keys under a
	// wildcard all cover their properties.
	inputs := map[string]any{
		"name":        "lookup-staging-tg-3000",
		"vpcId":       "vpc-1",
		"healthCheck": map[string]any{"matcher": "200", "interval": 30.0, "timeout": 5.0},
		"tags":        map[string]any{"Name": "x", "kubernetes.io/role": "y"},
	}
	assert.Empty(t, rulesFired(t, tgType, inputs)[CoverageRule])
	alarm := map[string]any{"dimensions": map[string]any{"DBInstanceIdentifier": "db", "Other": "x"}}
	assert.Empty(t, rulesFired(t, metricAlarmType, alarm)[CoverageRule])
}

func TestOpaqueValuesAreNotJudged(t *testing.T) {
	for _, v := range []any{Unknown, Masked} {
		inputs := map[string]any{"name": v, "healthCheck": map[string]any{"interval": v, "timeout": v, "matcher": v}, "port": v}
		fired := rulesFired(t, tgType, inputs)
		assert.Empty(t, fired, "%v was judged", v)
		fired = rulesFired(t, taskDefType, map[string]any{"containerDefinitions": v, "cpu": v, "memory": v, "requiresCompatibilities": []any{"FARGATE"}, "networkMode": "awsvpc"})
		assert.Empty(t, fired, "%v was judged", v)
	}
}

func TestOptIns(t *testing.T) {
	public := Resource{Type: rdsType, Name: "epimetheus", Inputs: map[string]any{"publiclyAccessible": true}}
	other := Resource{Type: rdsType, Name: "lookup", Inputs: map[string]any{"publiclyAccessible": true}}
	optIn := OptIn{Type: rdsType, Name: "epimetheus", Key: "strata:epimetheus.database.externalCidrs", Why: "TestArchiver reaches the database"}

	rep := Check([]Resource{public, other}, []OptIn{optIn})
	require.Len(t, rep.Findings, 2)
	byName := map[string]Finding{}
	for _, f := range rep.Findings {
		byName[f.Name] = f
	}
	assert.Equal(t, Warning, byName["epimetheus"].Severity)
	assert.Equal(t, optIn.Key, byName["epimetheus"].OptIn)
	assert.Equal(t, optIn.Why, byName["epimetheus"].Why)
	assert.Equal(t, Violation, byName["lookup"].Severity, "an opt-in covers only the resource it names")
	assert.Contains(t, byName["lookup"].Allowed, "no opt-in names this resource")
	assert.Equal(t, 1, rep.Count(Violation))
	assert.Equal(t, 1, rep.Count(Warning))

	// An opt-in turns only security findings into warnings.
	broken := Resource{Type: rdsType, Name: "epimetheus", Inputs: map[string]any{"publiclyAccessible": true, "port": 80.0}}
	for _, f := range Check([]Resource{broken}, []OptIn{optIn}).Findings {
		if f.Rule == "rds.instance.port" {
			assert.Equal(t, Violation, f.Severity)
		}
	}
}

func TestJSONDocumentMembersAreTyped(t *testing.T) {
	fired := rulesFired(t, taskDefType, containerDefs(map[string]any{"name": "app", "readonlyRootFilesystem": "true", "memory": "512",
		"environment": []any{map[string]any{"name": "PORT", "value": 3000.0}}}))
	var paths []string
	for _, f := range fired["ecs.taskdefinition.containerdefinitions"] {
		paths = append(paths, f.Path)
	}
	assert.ElementsMatch(t, []string{"containerDefinitions[0].readonlyRootFilesystem", "containerDefinitions[0].memory",
		"containerDefinitions[0].environment[0].value"}, paths)
}

func TestFindingsAreSortedAndComplete(t *testing.T) {
	rs := []Resource{
		{Type: tgType, Name: "b", Inputs: map[string]any{"port": 0.0}},
		{Type: tgType, Name: "a", Inputs: map[string]any{"port": 0.0, "healthCheck": map[string]any{"interval": 1.0}}},
		{Type: "strata:base:Base", Name: "kotta", Inputs: map[string]any{"anything": 1.0}},
		{Type: "awsx:ec2:Vpc", Name: "net", Inputs: map[string]any{"anything": 1.0}},
	}
	rep := Check(rs, nil)
	assert.Equal(t, 2, rep.Resources, "components and other packages are not judged")
	var got []string
	for _, f := range rep.Findings {
		got = append(got, f.Name+" "+f.Path+" "+f.Rule)
	}
	assert.Equal(t, []string{
		"a healthCheck.interval elbv2.targetgroup.healthcheck.interval",
		"a port elbv2.targetgroup.port",
		"b port elbv2.targetgroup.port",
	}, got)
	f := rep.Findings[0]
	assert.Equal(t, tgType, f.Type)
	assert.Equal(t, 1.0, f.Value)
	assert.Equal(t, "5 to 300", f.Allowed)
	assert.True(t, strings.HasPrefix(f.Source, "botocore elbv2 "), f.Source)
}

func TestTableIsSourced(t *testing.T) {
	c := table()
	sourced := func(s string) bool { return strings.HasPrefix(s, "botocore ") || strings.Contains(s, "https://") }
	for _, l := range c.limits {
		assert.True(t, sourced(l.Source), "limit %s: source %q is neither a botocore member nor a URL", l.ID, l.Source)
	}
	for _, l := range generated {
		assert.True(t, strings.HasPrefix(l.Source, "botocore "), "generated limit %s: source %q", l.ID, l.Source)
	}
	for _, r := range c.rules {
		assert.True(t, sourced(r.Source), "rule %s: source %q is neither a botocore member nor a URL", r.ID, r.Source)
	}
	limited := map[string]bool{}
	for _, l := range c.limits {
		limited[l.Type+" "+l.Path] = true
	}
	for _, cl := range c.classes {
		assert.False(t, limited[cl.Type+" "+cl.Path], "%s %s is both limited and classified as %s", cl.Type, cl.Path, cl.Kind)
	}
}

// The committed table is what the generator writes from the mapping and the botocore models on
// this machine.
func TestGeneratedTableIsCurrent(t *testing.T) {
	botocore := os.Getenv("BOTOCORE_DATA")
	if botocore == "" {
		botocore = "/root/.pyenv/versions/3.11.7/lib/python3.11/site-packages/botocore/data"
	}
	if _, err := os.Stat(botocore); err != nil || testing.Short() {
		t.Skip("no botocore models here (set BOTOCORE_DATA), or -short")
	}
	out := filepath.Join(t.TempDir(), "limits_gen.go")
	cmd := exec.Command("go", "run", "../../tools/awslimits", "-botocore", botocore, "-mapping", "awslimits.txt", "-out", out)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Run(), stderr.String())
	want, err := os.ReadFile(out)
	require.NoError(t, err)
	got, err := os.ReadFile("limits_gen.go")
	require.NoError(t, err)
	assert.True(t, bytes.Equal(want, got), "limits_gen.go is stale: run go generate ./internal/check")
}
