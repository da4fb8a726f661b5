package kotta

import (
	"encoding/base64"
	"sync"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"

	"github.com/strata-iac/strata/components/loadbalancer"
	"github.com/strata-iac/strata/components/network"
	"github.com/strata-iac/strata/internal/mock"
	"github.com/strata-iac/strata/systems"
	"github.com/strata-iac/strata/systems/schema"
)

// Resource types the tests look at.
const (
	typeASG          = "aws:autoscaling/group:Group"
	typeScaling      = "aws:autoscaling/policy:Policy"
	typeAlarm        = "aws:cloudwatch/metricAlarm:MetricAlarm"
	typeTemplate     = "aws:ec2/launchTemplate:LaunchTemplate"
	typeIngress      = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
	typeEgress       = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
	typeGroup        = "aws:ec2/securityGroup:SecurityGroup"
	typePolicy       = "aws:iam/policy:Policy"
	typeAttachment   = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
	typeQueue        = "aws:sqs/queue:Queue"
	typeTopic        = "aws:sns/topic:Topic"
	typeSubscription = "aws:sns/topicSubscription:TopicSubscription"
	typeSecret       = "aws:secretsmanager/secret:Secret"
	typeTable        = "aws:dynamodb/table:Table"
	typeBucket       = "aws:s3/bucketV2:BucketV2"
	typeStackRef     = "pulumi:pulumi:StackReference"
	typeLB           = "aws:lb/loadBalancer:LoadBalancer"
	typeTargetGroup  = "aws:lb/targetGroup:TargetGroup"

	region  = "us-east-2"
	account = mock.Account
	bucket  = "kotta-test-jobs-bucket"
)

// stage is the stage the tests plan for.
var stage = systems.Stage{Stack: "test", Env: "test", Owner: "research-platform", Network: true,
	Tags: map[string]string{"CostCenter": "rp-1042"}}

// config is a platform with its base layer in the stack: a Spot prod pool and an on-demand test
// pool, on the shared load balancer.
func config() Config {
	return Config{
		Base: &Base{JobsBucket: bucket},
		Platform: &Platform{
			Web: WebServer{Domain: "kotta.test.example.org"},
			Pools: map[string]WorkerPool{
				"prod": {Purchase: "spot", InstanceTypes: []string{"m6id.large", "m5d.large"}, MaxSize: 10},
				"test": {},
			},
			LoadBalancer: schema.LoadBalancer{Zone: "example.org"},
		},
	}
}

// fakeNetwork stands in for the stage's network: the platform only reads its ids.
func fakeNetwork() *network.Network {
	n := &network.Network{VPCID: pulumi.String("vpc-0123456789abcdef0").ToStringOutput()}
	for i, z := range []string{"a", "b", "c"} {
		private := pulumi.Sprintf("subnet-%017d", 100+i)
		public := pulumi.Sprintf("subnet-%017d", 200+i)
		n.PrivateSubnets = append(n.PrivateSubnets, network.Subnet{Key: region + z, ID: private})
		n.PublicSubnets = append(n.PublicSubnets, network.Subnet{Key: region + z, ID: public})
		n.PrivateSubnetIDs = append(n.PrivateSubnetIDs, private)
		n.PublicSubnetIDs = append(n.PublicSubnetIDs, public)
	}
	return n
}

// program plans c for st and creates it as stacks.Run does: the shared load balancer with the
// platform's site, then the system.
func program(c Config, st systems.Stage) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		p, err := c.Plan(st)
		if err != nil {
			return err
		}
		net := fakeNetwork()
		var front *loadbalancer.LoadBalancer
		if p.Platform != nil {
			if s := p.Platform.SharedSite(); s != nil {
				a := loadbalancer.Args{Naming: st.Naming("strata"), Sites: []loadbalancer.Site{*s}, VPCID: net.VPCID, PublicSubnetIDs: net.PublicSubnetIDs}
				if front, err = loadbalancer.New(ctx, "front", &a); err != nil {
					return err
				}
			}
		}
		k, err := New(ctx, App, p, Deps{Network: net, Front: front})
		if err != nil {
			return err
		}
		ctx.Export("kotta", k.Outputs)
		return nil
	}
}

var runOptions = mock.Options{Project: "strata", Stack: "test", Config: map[string]string{"aws:region": region}}

// deploy plans and creates c in the test stage; the error is the plan's or the program's.
func deploy(c Config) (*mock.Result, error) { return mock.Run(program(c, stage), runOptions) }

// mustDeploy deploys c and fails the test on any error.
func mustDeploy(t *testing.T, c Config) *mock.Result {
	t.Helper()
	res, err := deploy(c)
	require.NoError(t, err)
	return res
}

// get returns the resource of typ and name, failing the test without one.
func get(t *testing.T, res *mock.Result, typ, name string) *mock.Resource {
	t.Helper()
	r := res.Get(typ, name)
	require.NotNil(t, r, "no %s named %s", typ, name)
	return r
}

// launchTags are the tags an autoscaling group gives the instances it launches.
func launchTags(t *testing.T, asg *mock.Resource) map[string]string {
	t.Helper()
	tags := map[string]string{}
	list, ok := asg.In("tags").([]any)
	require.True(t, ok, "%s has no tags", asg.Name)
	for _, item := range list {
		tag := item.(map[string]any)
		if tag["propagateAtLaunch"] == true {
			tags[tag["key"].(string)] = tag["value"].(string)
		}
	}
	return tags
}

// userData decodes a launch template's user data.
func userData(t *testing.T, lt *mock.Resource) string {
	t.Helper()
	raw, err := base64.StdEncoding.DecodeString(lt.In("userData").(string))
	require.NoError(t, err)
	return string(raw)
}

// output returns the kotta output's value at key.
func output(t *testing.T, res *mock.Result, key string) any {
	t.Helper()
	out, ok := res.Outputs["kotta"].(map[string]any)
	require.True(t, ok, "no kotta output")
	return out[key]
}

// recorder is the recording monitor that also keeps the import id of each registration (which
// mock.Resource does not) and can replace what a stack reference reads.
type recorder struct {
	*mock.Monitor
	mu      sync.Mutex
	imports map[string]string // "<type> <name>" → import id
	// stackOutputs, when set, are the outputs every stack reference reads.
	stackOutputs map[string]any
}

func newRecorder() *recorder {
	return &recorder{Monitor: mock.NewMonitor("strata", "test", region), imports: map[string]string{}}
}

func (r *recorder) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	if rpc := args.RegisterRPC; rpc != nil && rpc.GetImportId() != "" {
		r.mu.Lock()
		r.imports[args.TypeToken+" "+args.Name] = rpc.GetImportId()
		r.mu.Unlock()
	}
	id, state, err := r.Monitor.NewResource(args)
	if args.TypeToken == typeStackRef && r.stackOutputs != nil {
		state["outputs"] = resource.NewPropertyValue(r.stackOutputs)
	}
	return id, state, err
}

// run runs c's program on a recorder.
func (r *recorder) run(c Config, st systems.Stage) error {
	return pulumi.RunErr(program(c, st), pulumi.WithMocks("strata", st.Stack, r), func(info *pulumi.RunInfo) {
		info.Config = map[string]string{"aws:region": region}
	})
}
