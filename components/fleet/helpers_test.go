package fleet_test

import (
	"encoding/base64"
	"fmt"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-iac/strata/components/fleet"
	"github.com/strata-iac/strata/components/naming"
	"github.com/strata-iac/strata/internal/mock"
	"github.com/strata-iac/strata/internal/mocktest"
)

const (
	typeFleet      = "strata:fleet:Fleet"
	typeLT         = "aws:ec2/launchTemplate:LaunchTemplate"
	typeASG        = "aws:autoscaling/group:Group"
	typePolicy     = "aws:autoscaling/policy:Policy"
	typeAlarm      = "aws:cloudwatch/metricAlarm:MetricAlarm"
	typeSG         = "aws:ec2/securityGroup:SecurityGroup"
	typeIngress    = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
	typeEgress     = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
	typeRole       = "aws:iam/role:Role"
	typeProfile    = "aws:iam/instanceProfile:InstanceProfile"
	typeAttachment = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
	typeInstance   = "aws:ec2/instance:Instance"
	typeVolume     = "aws:ebs/volume:Volume"
	typeVolAttach  = "aws:ec2/volumeAttachment:VolumeAttachment"
	typePlacement  = "aws:ec2/placementGroup:PlacementGroup"
)

var conv = naming.Convention{App: "kotta", Env: "test", Owner: "research-it", Extra: map[string]string{"CostCenter": "rp-1042"}}

// workers is an autoscaling fleet with the code-set inputs a stack would pass.
func workers(s fleet.Autoscaling) fleet.Args {
	return fleet.Args{
		Naming: conv, Group: "workers",
		VPCID:       pulumi.String("vpc-1"),
		SubnetIDs:   pulumi.ToStringArray([]string{"subnet-a", "subnet-b"}),
		Autoscaling: &s,
	}
}

// pool is a fleet of named instances.
func pool(members ...fleet.Instance) fleet.Args {
	return fleet.Args{
		Naming: naming.Convention{App: "aot", Env: "test", Owner: "hpc"}, Group: "pool",
		VPCID:     pulumi.String("vpc-1"),
		Instances: members,
	}
}

// options records the resource options of every child, by type and logical name: the mock monitor
// does not keep deleteBeforeReplace.
type options map[string]*pulumi.ResourceOptions

// deploy creates the fleet "f" from args and exports its outputs.
func deploy(t *testing.T, args fleet.Args) (*mock.Result, options) {
	t.Helper()
	opts := options{}
	record := func(rt *pulumi.ResourceTransformationArgs) *pulumi.ResourceTransformationResult {
		if o, err := pulumi.NewResourceOptions(rt.Opts...); err == nil {
			opts[rt.Type+" "+rt.Name] = o
		}
		return nil
	}
	res := mocktest.Run(t, func(ctx *pulumi.Context) error {
		f, err := fleet.New(ctx, "f", &args, pulumi.Transformations([]pulumi.ResourceTransformation{record}))
		if err != nil {
			return err
		}
		ctx.Export("groupName", f.GroupName)
		ctx.Export("groupArn", f.GroupARN)
		ctx.Export("launchTemplateId", f.LaunchTemplateID)
		ctx.Export("roleName", f.RoleName)
		ctx.Export("roleArn", f.RoleARN)
		ctx.Export("instanceProfileName", f.InstanceProfileName)
		ctx.Export("securityGroupId", f.SecurityGroupID)
		for name, m := range f.Instances {
			ctx.Export(name, pulumi.StringMap{"id": m.ID, "arn": m.ARN, "privateIp": m.PrivateIP, "privateDns": m.PrivateDNS, "launchTemplateId": m.LaunchTemplateID})
		}
		return nil
	})
	return res, opts
}

// refused checks that args register nothing and fail with each of want.
func refused(t *testing.T, args fleet.Args, want ...string) {
	t.Helper()
	mocktest.Refused(t, func(ctx *pulumi.Context) error {
		_, err := fleet.New(ctx, "f", &args)
		return err
	}, want...)
}

// userData decodes a launch template's user data.
func userData(t *testing.T, lt *mock.Resource) string {
	t.Helper()
	raw, err := base64.StdEncoding.DecodeString(fmt.Sprint(lt.In("userData")))
	require.NoError(t, err, "user data is base64")
	return string(raw)
}

func strs(v any) []string {
	var out []string
	list, _ := v.([]any)
	for _, x := range list {
		out = append(out, fmt.Sprint(x))
	}
	return out
}

// untaggable are the fleet's resource types that AWS gives no tags (besides those mocktest knows).
var untaggable = map[string]bool{typePolicy: true, typeVolAttach: true}

// checkTags checks the convention on every taggable resource: Name=<app>-<env>-<group> and the
// common tags.
func checkTags(t *testing.T, res *mock.Result, common map[string]string) {
	t.Helper()
	n := 0
	for _, r := range res.Resources() {
		if !mocktest.Taggable(r) || untaggable[r.Type] {
			continue
		}
		n++
		tags := mocktest.Tags(r)
		for k, v := range common {
			assert.Equal(t, v, tags[k], "%s %s: tag %s", r.Type, r.Name, k)
		}
		assert.Equal(t, fmt.Sprintf("%v-%v-%v", tags["App"], tags["Env"], tags["Group"]), tags["Name"], "%s %s: Name tag", r.Type, r.Name)
	}
	assert.NotZero(t, n, "no taggable resources")
}

func ptr[T any](v T) *T { return &v }
