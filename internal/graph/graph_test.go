package graph

import (
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-iac/strata/internal/mock"
	"github.com/strata-iac/strata/internal/plan"
)

var (
	runsMu sync.Mutex
	runs   = map[string]*mock.Result{}
)

// run plans a stage once per test binary; TestRenderIsStable plans afresh.
func run(t *testing.T, stack string) *mock.Result {
	t.Helper()
	runsMu.Lock()
	defer runsMu.Unlock()
	if res, ok := runs[stack]; ok {
		return res
	}
	res, err := plan.Run("../..", stack)
	require.NoError(t, err)
	runs[stack] = res
	return res
}

// kind is the type of a URN without its parents: "aws:s3/bucketV2:BucketV2".
func kindOf(urn string) string {
	t := urn[strings.Index(urn, "::")+2:]
	t = t[strings.Index(t, "::")+2:]
	t, _, _ = strings.Cut(t, "::")
	return t[strings.LastIndex(t, "$")+1:]
}

func TestReferences(t *testing.T) {
	found := map[string]bool{}
	for _, r := range References(run(t, "production")) {
		found[kindOf(r.From)+" ."+r.Path+" -> "+kindOf(r.To)+" ("+r.Key+")"] = true
		assert.NotContains(t, r.Path, "tags", "tags never count")
		assert.NotEqual(t, "name", r.Path, "a resource's own name is not a reference: %+v", r)
		assert.NotEqual(t, "zoneId", r.Key, "the ELB zone id is shared by every load balancer: %+v", r)
		assert.NotEqual(t, r.From, r.To)
	}
	for _, want := range []string{
		// a bucket's configuration names the bucket, not the other configuration resources
		"aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock .bucket -> aws:s3/bucketV2:BucketV2 (id)",
		// ARNs inside policy documents
		"aws:iam/policy:Policy .policy -> aws:dynamodb/table:Table (arn)",
		// ids of AWS-generated resources
		"aws:rds/instance:Instance .vpcSecurityGroupIds -> aws:ec2/securityGroup:SecurityGroup (id)",
		// an ARN inside a JSON string
		"aws:ecs/taskDefinition:TaskDefinition .containerDefinitions -> aws:rds/instance:Instance (masterUserSecrets)",
		"aws:ecs/service:Service .taskDefinition -> aws:ecs/taskDefinition:TaskDefinition (arn)",
	} {
		assert.True(t, found[want], "missing reference %s", want)
	}
}

var (
	nodeDef = regexp.MustCompile(`^\s+(n\d+)\["`)
	boxDef  = regexp.MustCompile(`^\s+subgraph (n\d+)\["`)
	edgeDef = regexp.MustCompile(`^\s+(n\d+) --> (n\d+)$`)
)

func TestMermaid(t *testing.T) {
	for _, stack := range []string{"staging", "production"} {
		g := Build(stack, run(t, stack))
		for _, depth := range []int{1, 2, 0} {
			t.Run(fmt.Sprintf("%s depth %d", stack, depth), func(t *testing.T) {
				var b strings.Builder
				require.NoError(t, g.Render(&b, Mermaid, depth))
				out := b.String()
				lines := strings.Split(strings.TrimSpace(out), "\n")
				require.Equal(t, "flowchart LR", lines[0])
				nodes, boxes, open := map[string]bool{}, map[string]bool{}, 0
				var edges [][2]string
				for _, l := range lines[1:] {
					switch {
					case nodeDef.MatchString(l):
						id := nodeDef.FindStringSubmatch(l)[1]
						assert.False(t, nodes[id], "node %s defined twice", id)
						nodes[id] = true
					case boxDef.MatchString(l):
						boxes[boxDef.FindStringSubmatch(l)[1]] = true
						open++
					case strings.TrimSpace(l) == "end":
						open--
					case edgeDef.MatchString(l):
						m := edgeDef.FindStringSubmatch(l)
						edges = append(edges, [2]string{m[1], m[2]})
					default:
						t.Errorf("unexpected line %q", l)
					}
				}
				assert.Zero(t, open, "every subgraph ends")
				require.NotEmpty(t, edges)
				for _, e := range edges {
					assert.True(t, nodes[e[0]] && nodes[e[1]], "edge %v between defined nodes (not subgraphs)", e)
				}
				if depth == 1 {
					assert.True(t, strings.Contains(out, "(network)"), "the network is a node of its own")
					assert.Less(t, len(nodes), 30, "the system view stays readable")
					assert.Less(t, len(edges), 80, "the system view stays readable")
				}
			})
		}
	}
}

func TestRenderIsStable(t *testing.T) {
	render := func(f Format) string {
		res, err := plan.Run("../..", "production")
		require.NoError(t, err)
		var b strings.Builder
		require.NoError(t, Build("production", res).Render(&b, f, 1))
		return b.String()
	}
	for _, f := range []Format{Mermaid, Dot} {
		first := render(f)
		assert.Equal(t, first, render(f), "%s drawing differs between runs", f)
	}
}

func TestDot(t *testing.T) {
	var b strings.Builder
	require.NoError(t, Build("staging", run(t, "staging")).Render(&b, Dot, 2))
	out := b.String()
	assert.True(t, strings.HasPrefix(out, `digraph "strata staging" {`), "starts with the graph")
	assert.True(t, strings.HasSuffix(out, "}\n"))
	assert.Contains(t, out, "subgraph cluster_")
	assert.Regexp(t, `n\d+ -> n\d+;`, out)
	assert.Equal(t, strings.Count(out, "{"), strings.Count(out, "}"))
	assert.Error(t, Build("staging", run(t, "staging")).Render(&b, "svg", 1))
	assert.Error(t, Build("staging", run(t, "staging")).Render(&b, Dot, -1))
}
