package aot

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"

	"github.com/strata-iac/strata/components/network"
	"github.com/strata-iac/strata/internal/mock"
	"github.com/strata-iac/strata/systems"
)

// repoRoot is the project directory, where the example tarballs' paths start.
const repoRoot = "../.."

// stage is the stage the tests plan for.
var stage = systems.Stage{Stack: "test", Env: "test", Owner: "research-platform", Network: true,
	Tags: map[string]string{"CostCenter": "rp-1042"}}

// site is a network of three zones, each with a public and a private subnet.
var site = Site{Dir: repoRoot, Zones: 3, PublicZones: 3}

// fakeNetwork stands in for the stage's network: aot only reads its ids.
func fakeNetwork() *network.Network {
	n := &network.Network{VPCID: pulumi.String("vpc-0123456789abcdef0").ToStringOutput()}
	for i, z := range []string{"a", "b", "c"} {
		n.PrivateSubnets = append(n.PrivateSubnets, network.Subnet{Key: "us-east-2" + z,
			ID: pulumi.Sprintf("subnet-%017d", 100+i)})
		n.PublicSubnets = append(n.PublicSubnets, network.Subnet{Key: "us-east-2" + z,
			ID: pulumi.Sprintf("subnet-%017d", 200+i)})
	}
	return n
}

// deploy plans c and creates it under mocks; the error is the plan's or the program's.
func deploy(c Config) (*mock.Result, error) { return deployAt(c, stage) }

// deployAt deploys c in st.
func deployAt(c Config, st systems.Stage) (*mock.Result, error) {
	return mock.Run(func(ctx *pulumi.Context) error {
		p, err := c.Plan(st, site)
		if err != nil {
			return err
		}
		x, err := New(ctx, App, p, Deps{Network: fakeNetwork()})
		if err != nil {
			return err
		}
		ctx.Export("aot", x.Outputs)
		return nil
	}, mock.Options{Project: "strata", Stack: "test", Config: map[string]string{"aws:region": "us-east-2"}})
}

// mustDeploy deploys c and fails the test on any error.
func mustDeploy(t *testing.T, c Config) *mock.Result {
	t.Helper()
	res, err := deploy(c)
	require.NoError(t, err)
	return res
}

// example is a small cluster: a pool of two and a single instance, each member with a data volume
// and the example stages.
func example() Config {
	return Config{
		Bucket: "strata-aot-test-bootstrap",
		Defaults: Settings{
			InstanceType: "t3.small",
			Volumes:      []Volume{{Name: "scratch", DeviceName: "/dev/sdf", SizeGiB: 10}},
			Bootstrap:    []Tarball{{Path: "systems/aot/examples/scratch"}, {Path: "systems/aot/examples/hello"}},
		},
		Pools:     map[string]Pool{"worker": {Count: 2}},
		Instances: map[string]Instance{"head": {Settings: Settings{InstanceType: "t3.medium"}}},
	}
}
