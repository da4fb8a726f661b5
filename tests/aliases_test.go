package tests

import (
	"os"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-iac/strata/internal/mock"
)

// retired are the old URNs (by type and logical name) that disappear on purpose, with the reason.
// Everything else a stage planned before the system layer must stay reachable.
var retired = map[string]string{
	// One load balancer per stage replaces each system's own: its ALB, listeners and security
	// group are new resources of the shared front. The sites' target groups, certificates and
	// records keep their URNs under the front.
	"strata:loadbalancer:LoadBalancer lookup":                                                "the shared front replaces the lookup's own load balancer",
	"strata:loadbalancer:LoadBalancer epimetheus":                                            "the shared front replaces Epimetheus' own load balancer",
	"aws:lb/loadBalancer:LoadBalancer lookup":                                                "the shared front replaces the lookup's own load balancer",
	"aws:lb/loadBalancer:LoadBalancer epimetheus":                                            "the shared front replaces Epimetheus' own load balancer",
	"aws:lb/listener:Listener lookup-https":                                                  "the shared front's listeners replace the lookup's",
	"aws:lb/listener:Listener lookup-http":                                                   "the shared front's listeners replace the lookup's",
	"aws:lb/listener:Listener epimetheus-https":                                              "the shared front's listeners replace Epimetheus'",
	"aws:lb/listener:Listener epimetheus-http":                                               "the shared front's listeners replace Epimetheus'",
	"strata:secgroup:Group lookup-alb":                                                       "the shared front's security group replaces the lookup's",
	"strata:secgroup:Group epimetheus-alb":                                                   "the shared front's security group replaces Epimetheus'",
	"aws:ec2/securityGroup:SecurityGroup lookup-alb":                                         "the shared front's security group replaces the lookup's",
	"aws:ec2/securityGroup:SecurityGroup epimetheus-alb":                                     "the shared front's security group replaces Epimetheus'",
	"aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule lookup-alb-in-https":          "rule of the replaced security group",
	"aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule lookup-alb-in-https-ipv6":     "rule of the replaced security group",
	"aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule lookup-alb-in-http":           "rule of the replaced security group",
	"aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule lookup-alb-in-http-ipv6":      "rule of the replaced security group",
	"aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule lookup-alb-out-targets":         "rule of the replaced security group",
	"aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule epimetheus-alb-in-https":      "rule of the replaced security group",
	"aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule epimetheus-alb-in-https-ipv6": "rule of the replaced security group",
	"aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule epimetheus-alb-in-http":       "rule of the replaced security group",
	"aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule epimetheus-alb-in-http-ipv6":  "rule of the replaced security group",
	"aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule epimetheus-alb-out-targets":     "rule of the replaced security group",
	// Access logs of the shared front go to one bucket (strata:front.accessLogsBucket). The old
	// per-system log buckets are protected in production, so an update stops rather than delete
	// them; README's upgrade notes say how to keep or retire them.
	"strata:bucket:Bucket lookup-logs":         "the shared front's log bucket replaces the lookup's",
	"strata:bucket:Bucket epimetheus-logs":     "the shared front's log bucket replaces Epimetheus'",
	"aws:s3/bucketV2:BucketV2 lookup-logs":     "the shared front's log bucket replaces the lookup's",
	"aws:s3/bucketV2:BucketV2 epimetheus-logs": "the shared front's log bucket replaces Epimetheus'",
	// The production database is private: TestArchiver reaches it through a port-forwarding host.
	"aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule epimetheus-db-in-cidr-198-51-100-0-24": "the production database is private: TestArchiver reaches it through strata:epimetheus.forwarder",
	// awsx's Vpc was a remote component: it holds no cloud state. Its children are aliased by the
	// native network resources that replace them.
	"awsx:ec2:Vpc network-vpc": "the native network resources replace awsx's component",
}

// Every resource planned before the system layer is still planned, or known by an alias, or retired
// on purpose: a stack deployed before replaces and deletes nothing else.
func TestOldURNsStayReachable(t *testing.T) {
	for _, stage := range stages {
		t.Run(stage, func(t *testing.T) {
			raw, err := os.ReadFile("testdata/urns/" + stage + ".txt")
			require.NoError(t, err)
			known := knownURNs(runStage(t, stage))
			for _, urn := range strings.Fields(string(raw)) {
				u := resource.URN(urn)
				if known[urn] {
					continue
				}
				if _, ok := retired[string(u.Type())+" "+u.Name()]; ok {
					continue
				}
				if p := retiredParent(u); p != "" {
					continue
				}
				t.Errorf("%s: no planned resource has this URN or an alias of it", urn)
			}
		})
	}
}

// retiredParent returns the retired component a URN's resource belongs to, if any: the
// configuration resources of a retired bucket go with it.
func retiredParent(u resource.URN) string {
	if u.QualifiedType() == u.Type() {
		return ""
	}
	types := strings.Split(string(u.QualifiedType()), "$")
	parent := types[len(types)-2]
	for k := range retired {
		typ, name, _ := strings.Cut(k, " ")
		if typ == parent && strings.HasPrefix(u.Name(), name+"-") && strings.HasPrefix(typ, "strata:bucket:") {
			return k
		}
	}
	return ""
}

// knownURNs returns every URN the planned resources answer to: their own, their aliases, and those
// their parents' aliases imply (the engine gives a child of an aliased parent the URN it had under
// the parent's old identity).
func knownURNs(res *mock.Result) map[string]bool {
	byURN := map[string]*mock.Resource{}
	for _, r := range res.Resources() {
		byURN[r.URN] = r
	}
	memo := map[string][]string{}
	var names func(r *mock.Resource) []string
	names = func(r *mock.Resource) []string {
		if n, ok := memo[r.URN]; ok {
			return n
		}
		out := append([]string{r.URN}, r.Aliases...)
		if p := byURN[r.Parent]; p != nil {
			for _, parent := range names(p) {
				pu := resource.URN(parent)
				out = append(out, string(resource.NewURN(pu.Stack(), pu.Project(), pu.QualifiedType(), tokens.Type(r.Type), r.Name)))
			}
		}
		memo[r.URN] = out
		return out
	}
	known := map[string]bool{}
	for _, r := range res.Resources() {
		for _, n := range names(r) {
			known[n] = true
		}
	}
	return known
}

// The retired list names only what the old plans had: a typo there would hide nothing.
func TestRetiredURNsExisted(t *testing.T) {
	seen := map[string]bool{}
	for _, stage := range stages {
		raw, err := os.ReadFile("testdata/urns/" + stage + ".txt")
		require.NoError(t, err)
		for _, urn := range strings.Fields(string(raw)) {
			u := resource.URN(urn)
			seen[string(u.Type())+" "+u.Name()] = true
		}
	}
	for k := range retired {
		assert.True(t, seen[k], "retired %q was not planned before", k)
	}
}
