package argos_test

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"

	"github.com/strata-iac/strata/components/network"
	"github.com/strata-iac/strata/internal/mock"
	"github.com/strata-iac/strata/systems"
	"github.com/strata-iac/strata/systems/argos"
	"github.com/strata-iac/strata/systems/environment"
	"github.com/strata-iac/strata/systems/schema"
)

const (
	typeComponent = "aws:imagebuilder/component:Component"
	typeRecipe    = "aws:imagebuilder/imageRecipe:ImageRecipe"
	typeInfra     = "aws:imagebuilder/infrastructureConfiguration:InfrastructureConfiguration"
	typeDist      = "aws:imagebuilder/distributionConfiguration:DistributionConfiguration"
	typePipeline  = "aws:imagebuilder/imagePipeline:ImagePipeline"
	typeImage     = "aws:imagebuilder/image:Image"
	typeSG        = "aws:ec2/securityGroup:SecurityGroup"
	typeIngress   = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
	typeEgress    = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
	typeLT        = "aws:ec2/launchTemplate:LaunchTemplate"
	typeASG       = "aws:autoscaling/group:Group"
	typeInstance  = "aws:ec2/instance:Instance"
	typeVolume    = "aws:ebs/volume:Volume"
	typeVolAttach = "aws:ec2/volumeAttachment:VolumeAttachment"
	typeRDS       = "aws:rds/instance:Instance"
	typeAlarm     = "aws:cloudwatch/metricAlarm:MetricAlarm"
	typeTopic     = "aws:sns/topic:Topic"
	typeSub       = "aws:sns/topicSubscription:TopicSubscription"
	typeRole      = "aws:iam/role:Role"
	typeRolePol   = "aws:iam/rolePolicy:RolePolicy"
	typeAttach    = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
	typePolicy    = "aws:iam/policy:Policy"
	typeBucket    = "aws:s3/bucketV2:BucketV2"
	typePAB       = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
	typeTG        = "aws:lb/targetGroup:TargetGroup"
	typeTGAttach  = "aws:lb/targetGroupAttachment:TargetGroupAttachment"
	typeLogGroup  = "aws:cloudwatch/logGroup:LogGroup"
	typeLifecycle = "aws:imagebuilder/lifecyclePolicy:LifecyclePolicy"
	typeEC2Tag    = "aws:ec2/tag:Tag"
)

// stageOf is a stage called env with a network, protected or not.
func stageOf(env string, protect bool) systems.Stage {
	return systems.Stage{Stack: env, Env: env, Owner: "research-platform", Protect: protect, Network: true,
		Tags: map[string]string{"CostCenter": "rp-1042"}}
}

var (
	staging    = stageOf("staging", false)
	production = stageOf("production", true)
)

// fakeNetwork stands in for the stage's network: Argos only reads its ids.
func fakeNetwork() *network.Network {
	n := &network.Network{VPCID: pulumi.String("vpc-0123456789abcdef0").ToStringOutput()}
	for i, z := range []string{"a", "b"} {
		private := pulumi.Sprintf("subnet-%017d", 100+i)
		public := pulumi.Sprintf("subnet-%017d", 200+i)
		n.PrivateSubnets = append(n.PrivateSubnets, network.Subnet{Key: "us-east-2" + z, Zone: "us-east-2" + z, ID: private})
		n.PublicSubnets = append(n.PublicSubnets, network.Subnet{Key: "us-east-2" + z, Zone: "us-east-2" + z, ID: public})
		n.PrivateSubnetIDs = append(n.PrivateSubnetIDs, private)
		n.PublicSubnetIDs = append(n.PublicSubnetIDs, public)
	}
	return n
}

// firstPrivateSubnet is the id of fakeNetwork's first private subnet.
const firstPrivateSubnet = "subnet-00000000000000100"

// deploy plans c for st and creates it under mocks with the stage's shared load balancer, as
// stacks.Run does; the error is the plan's or the program's.
func deploy(c argos.Config, st systems.Stage) (*mock.Result, error) {
	return mock.Run(func(ctx *pulumi.Context) error {
		p, err := c.Plan(st)
		if err != nil {
			return err
		}
		env, err := environment.Config{}.Plan(st, "")
		if err != nil {
			return err
		}
		net := fakeNetwork()
		front, err := env.NewFront(ctx, net, p.SharedSites())
		if err != nil {
			return err
		}
		a, err := argos.New(ctx, argos.App, p, argos.Deps{Network: net, Front: front})
		if err != nil {
			return err
		}
		ctx.Export("argos", a.Outputs)
		return nil
	}, mock.Options{Project: "strata", Stack: st.Stack, Config: map[string]string{"aws:region": "us-east-2"}})
}

// mustDeploy deploys c in st and fails the test on any error.
func mustDeploy(t *testing.T, c argos.Config, st systems.Stage) *mock.Result {
	t.Helper()
	res, err := deploy(c, st)
	require.NoError(t, err)
	return res
}

func ptr[T any](v T) *T { return &v }

// stagingConfig is Argos as staging runs it: the image built here, single instances, both sites.
func stagingConfig() argos.Config {
	return argos.Config{
		Image:  argos.ImageSource{Build: &argos.ImageBuild{}},
		Bucket: "strata-argos-test-data",
		Database: &argos.Database{Database: schema.Database{EngineVersion: "16",
			Alarms: &schema.DatabaseAlarms{Emails: []string{"ops@example.org"}}}},
		LoadBalancer: &schema.LoadBalancer{Zone: "example.org"},
		API:          &argos.APIServers{Domain: "api.argos.example.org"},
		Front:        &argos.FrontServer{Domain: "argos.example.org"},
		Knowledge:    &argos.KnowledgeServer{Data: &argos.DataVolume{SizeGiB: 100}},
	}
}

// productionConfig is Argos as production runs it: a baked image by id, the api as an autoscaling
// group behind HTTPS, a Multi-AZ database.
func productionConfig() argos.Config {
	c := stagingConfig()
	c.Image = argos.ImageSource{ID: "ami-0123456789abcdef0"}
	c.Database.MultiAZ = true
	c.API = &argos.APIServers{Mode: argos.ModeAutoscaling, Scaling: &schema.Scaling{Min: 2, Max: 4}, Domain: "api.argos.example.org"}
	return c
}

// withWorkers turns the broker and the workers on.
func withWorkers(c argos.Config) argos.Config {
	c.Broker = &argos.Server{Enabled: ptr(true)}
	c.Workers = &argos.Workers{Enabled: ptr(true), Scaling: &schema.Scaling{Min: 1, Max: 3}}
	return c
}

// securityGroupID is the id of the security group resource named name.
func securityGroupID(t *testing.T, res *mock.Result, name string) string {
	t.Helper()
	sg := res.Get(typeSG, name)
	require.NotNil(t, sg, "security group %s", name)
	return sg.ID
}

// ingress maps "<port> <peer>" to true for every ingress rule of the group with id: the peer is a
// group name (resolved through names) or a CIDR block.
func ingress(res *mock.Result, id string, names map[string]string) map[string]bool {
	out := map[string]bool{}
	for _, r := range res.ByType(typeIngress) {
		if r.In("securityGroupId") != id {
			continue
		}
		peer := fmt.Sprint(r.In("cidrIpv4"))
		if ref, ok := r.In("referencedSecurityGroupId").(string); ok {
			peer = names[ref]
			if peer == "" {
				peer = ref
			}
		}
		out[fmt.Sprintf("%v %s", r.In("fromPort"), peer)] = true
	}
	return out
}

// groupNames maps every security group's id to its resource's logical name.
func groupNames(res *mock.Result) map[string]string {
	out := map[string]string{}
	for _, r := range res.ByType(typeSG) {
		out[r.ID] = r.Name
	}
	return out
}

// canonical renders v as JSON for comparisons.
func canonical(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}
