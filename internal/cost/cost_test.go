package cost

import (
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-iac/strata/internal/diff"
	"github.com/strata-iac/strata/internal/plan"
)

func res(typ, name string, inputs map[string]any) plan.Resource {
	if inputs == nil {
		inputs = map[string]any{}
	}
	return plan.Resource{Type: typ, Name: name, URN: "urn:pulumi:s::p::" + typ + "::" + name, Inputs: inputs}
}

func tags(app string) map[string]any { return map[string]any{"App": app} }

func lineCost(e Estimate, urn string) float64 {
	total := 0.0
	for _, l := range e.Lines {
		if l.URN == urn {
			total += l.Monthly
		}
	}
	return math.Round(total*100) / 100
}

// TestKnownPrices checks the arithmetic against the table's prices for a hand-built plan:
// 730 hours, one NAT gateway processing the assumed 100 GB, an internet-facing ALB in two
// subnets, a secret and a key.
func TestKnownPrices(t *testing.T) {
	vpc := res("awsx:ec2:Vpc", "vpc", map[string]any{"availabilityZoneNames": []any{"a", "b"}, "natGateways": map[string]any{"strategy": "Single"}, "tags": tags("net")})
	vpc.Component, vpc.Remote = true, true
	alb := res("aws:lb/loadBalancer:LoadBalancer", "alb", map[string]any{"loadBalancerType": "application", "internal": false, "subnets": []any{"s1", "s2"}, "tags": tags("web")})
	doc := plan.Document{Stack: "test", Resources: []plan.Resource{
		vpc, alb,
		res("aws:secretsmanager/secret:Secret", "secret", map[string]any{"tags": tags("web")}),
		res("aws:kms/key:Key", "key", map[string]any{"tags": tags("web")}),
	}}
	e := Compute(doc, DefaultPrices(), DefaultAssumptions())

	nat := 0.045*730 + 0.045*100 + 0.005*730
	albCost := 0.0225*730 + 0.008*730 + 2*0.005*730
	assert.InDelta(t, nat, lineCost(e, vpc.URN), 0.01, "NAT gateway, its data and its Elastic IP")
	assert.InDelta(t, albCost, lineCost(e, alb.URN), 0.01, "ALB hours, one LCU and two public IPv4")
	assert.InDelta(t, nat+albCost+0.40+1.00, e.Total, 0.02)
	assert.Equal(t, []System{{Name: "net", Monthly: 41.0}, {Name: "web", Monthly: 30.97}}, e.Systems)
	assert.Empty(t, e.NotPriced)
}

func TestNotPricedIsListed(t *testing.T) {
	doc := plan.Document{Resources: []plan.Resource{
		res("aws:foo/bar:Bar", "unknown-type", nil),
		res("aws:ec2/instance:Instance", "vm", map[string]any{"instanceType": "z9.huge"}),
		res("aws:iam/role:Role", "role", nil),
		res("aws:route53/record:Record", "record", nil),
	}}
	e := Compute(doc, DefaultPrices(), DefaultAssumptions())
	require.Len(t, e.NotPriced, 2)
	assert.Equal(t, Group{Type: "aws:foo/bar:Bar", Count: 1, Reason: "no pricing rule for this type"}, e.NotPriced[0])
	assert.Equal(t, "aws:ec2/instance:Instance", e.NotPriced[1].Type)
	assert.Contains(t, e.NotPriced[1].Reason, "ec2.z9.huge.hour")
	assert.Equal(t, []Group{{Type: "aws:iam/role:Role", Count: 1, Reason: "IAM has no charge"}}, e.Free)
	require.Len(t, e.Excluded, 1)
	assert.Equal(t, "aws:route53/record:Record", e.Excluded[0].Type)
}

// TestFreeTypesOfTheBootstrapStack: the GitHub OIDC provider and copied objects have no charge
// of their own, so they are listed as free rather than as types without a rule.
func TestFreeTypesOfTheBootstrapStack(t *testing.T) {
	for _, typ := range []string{"aws:iam/openIdConnectProvider:OpenIdConnectProvider", "aws:s3/objectCopy:ObjectCopy"} {
		t.Run(typ, func(t *testing.T) {
			e := Compute(plan.Document{Resources: []plan.Resource{res(typ, "r", nil)}}, DefaultPrices(), DefaultAssumptions())
			assert.Empty(t, e.NotPriced)
			require.Len(t, e.Free, 1)
			assert.Equal(t, typ, e.Free[0].Type)
		})
	}
}

func TestRDSMultiAZDoubles(t *testing.T) {
	db := func(multiAZ bool) plan.Resource {
		return res("aws:rds/instance:Instance", "db", map[string]any{
			"engine": "postgres", "instanceClass": "db.t4g.micro", "multiAz": multiAZ,
			"allocatedStorage": 20.0, "storageType": "gp3", "manageMasterUserPassword": true,
		})
	}
	single := Compute(plan.Document{Resources: []plan.Resource{db(false)}}, DefaultPrices(), DefaultAssumptions())
	multi := Compute(plan.Document{Resources: []plan.Resource{db(true)}}, DefaultPrices(), DefaultAssumptions())
	secret := 0.40
	assert.InDelta(t, 0.016*730+20*0.115+secret, single.Total, 0.01)
	assert.InDelta(t, 2*(0.016*730+20*0.115)+secret, multi.Total, 0.01)
}

func TestFargateSpotShareAndArchitecture(t *testing.T) {
	td := res("aws:ecs/taskDefinition:TaskDefinition", "td", map[string]any{"family": "app", "cpu": "1024", "memory": "2048",
		"runtimePlatform": map[string]any{"cpuArchitecture": "ARM64"}})
	svc := res("aws:ecs/service:Service", "svc", map[string]any{"desiredCount": 2.0, "taskDefinition": "arn:aws:ecs:us-east-2:1:task-definition/app:1",
		"capacityProviderStrategies": []any{map[string]any{"capacityProvider": "FARGATE", "weight": 1.0}, map[string]any{"capacityProvider": "FARGATE_SPOT", "weight": 1.0}}})
	e := Compute(plan.Document{Resources: []plan.Resource{td, svc}}, DefaultPrices(), DefaultAssumptions())
	perTask := (1*0.03238 + 2*0.00356) * 730
	assert.InDelta(t, perTask+perTask*0.5, e.Total, 0.02, "one on-demand task and one at the assumed 50% Spot discount")
}

func TestAutoscalingGroupSizeAssumption(t *testing.T) {
	lt := res("aws:ec2/launchTemplate:LaunchTemplate", "lt", map[string]any{"instanceType": "t3.medium",
		"blockDeviceMappings": []any{map[string]any{"ebs": map[string]any{"volumeSize": 30.0, "volumeType": "gp3"}}}})
	asg := res("aws:autoscaling/group:Group", "asg", map[string]any{"minSize": 1.0, "maxSize": 4.0, "desiredCapacity": 2.0})
	asg.Dependencies = []string{lt.URN}
	doc := plan.Document{Resources: []plan.Resource{lt, asg}}
	line := func(e Estimate, key string) Line {
		for _, l := range e.Lines {
			if l.PriceKey == key {
				return l
			}
		}
		return Line{}
	}
	for _, tt := range []struct {
		capacity string
		want     float64
	}{{"desired", 60}, {"min", 30}, {"max", 120}} {
		t.Run(tt.capacity, func(t *testing.T) {
			a := DefaultAssumptions().Clone()
			require.NoError(t, a.Set("asgCapacity="+tt.capacity))
			e := Compute(doc, DefaultPrices(), a)
			assert.Equal(t, tt.want, line(e, "ebs.gp3.gbmonth").Quantity, "GB of 30 GB volumes")
			assert.Equal(t, tt.want/30*730, line(e, "ec2.t3.medium.hour").Quantity, "instance hours of the launch template's type")
		})
	}
}

func TestAssumptionOverrides(t *testing.T) {
	a := DefaultAssumptions().Clone()
	require.NoError(t, a.Set("natGatewayGBPerMonth=500"))
	assert.Equal(t, 500.0, a["natGatewayGBPerMonth"].Value)
	assert.Equal(t, 100.0, DefaultAssumptions()["natGatewayGBPerMonth"].Value, "defaults untouched")
	for _, bad := range []string{"nope=1", "natGatewayGBPerMonth=lots", "natGatewayGBPerMonth", "asgCapacity=half", "albLCU=-1"} {
		assert.Error(t, a.Set(bad), bad)
	}
}

func TestSystemsFollowAppTagThenComponent(t *testing.T) {
	comp := res("strata:base:Base", "kotta", nil)
	comp.Component = true
	tagged := res("aws:s3/bucketV2:BucketV2", "b", map[string]any{"tags": tags("kotta")})
	tagged.Parent = comp.URN
	untagged := res("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "a", nil)
	untagged.Parent = comp.URN
	lone := res("aws:iam/policy:Policy", "lone", nil)
	orphanComp := res("strata:thing:Thing", "orphan", nil)
	orphanComp.Component = true
	orphanChild := res("aws:kms/key:Key", "k", nil)
	orphanChild.Parent = orphanComp.URN
	asg := res("aws:autoscaling/group:Group", "g", map[string]any{"tags": []any{map[string]any{"key": "App", "value": "aot"}}})
	got := systems(plan.Document{Resources: []plan.Resource{comp, tagged, untagged, lone, orphanComp, orphanChild, asg}})
	assert.Equal(t, "kotta", got[tagged.URN])
	assert.Equal(t, "kotta", got[untagged.URN], "untagged child takes its top-level component's App")
	assert.Equal(t, "(untagged)", got[lone.URN])
	assert.Equal(t, "orphan", got[orphanChild.URN], "no App tag anywhere: the top-level component's name")
	assert.Equal(t, "aot", got[asg.URN], "autoscaling groups tag with a list")
}

func TestPriceTableIsDocumented(t *testing.T) {
	p := DefaultPrices()
	assert.Equal(t, "us-east-2", p.Region)
	for key, price := range p.Prices {
		assert.NotEmpty(t, price.Unit, key)
		assert.True(t, strings.HasPrefix(price.Page, "https://aws.amazon.com/"), "%s: page %q", key, price.Page)
		assert.NotEmpty(t, price.Read, key)
		assert.NotEmpty(t, price.Region, key)
		if price.Value == nil {
			assert.NotEmpty(t, price.Note, "%s: a missing price says why", key)
		} else {
			assert.Positive(t, *price.Value, key)
		}
	}
	for typ := range p.Free {
		_, priced := rules[typ]
		assert.False(t, priced, "%s is both free and priced", typ)
	}
}

// TestStagesInBelievableRange prices both shipped stages: the sum of what the table prices must
// cover at least the NAT gateways and load balancers, and stay well under what a small research
// platform could cost.
func TestStagesInBelievableRange(t *testing.T) {
	for _, tt := range []struct {
		stack    string
		min, max float64
	}{
		// Staging: one NAT gateway (32.85 + 4.50 + 3.65) and one ALB (16.43 + 5.84 + 7.30).
		{"staging", 70, 1000},
		// Production: three NAT gateways, two ALBs, Fargate tasks, RDS, and aot's eight
		// c7g.4xlarge compute instances on demand all month (8 × 730 h × 0.58 = 3,387.20).
		{"production", 200, 8000},
	} {
		t.Run(tt.stack, func(t *testing.T) {
			r, err := plan.Run("../..", tt.stack)
			require.NoError(t, err)
			doc, err := diff.Snapshot(tt.stack, r)
			require.NoError(t, err)
			e := Compute(doc, DefaultPrices(), DefaultAssumptions())
			assert.GreaterOrEqual(t, e.Total, tt.min)
			assert.LessOrEqual(t, e.Total, tt.max)
			sum := 0.0
			for _, s := range e.Systems {
				sum += s.Monthly
			}
			assert.InDelta(t, e.Total, sum, 0.05, "systems add up to the total")
			var b strings.Builder
			e.Text(&b)
			assert.Contains(t, b.String(), "not priced (left out of the total)")
			assert.Contains(t, b.String(), "hoursPerMonth=730")
		})
	}
}

func TestMoney(t *testing.T) {
	for in, want := range map[float64]string{0: "0.00", 1234.5: "1,234.50", -12.345: "-12.35", 1234567.891: "1,234,567.89"} {
		assert.Equal(t, want, Money(in))
	}
}
