package image_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-iac/strata/components/image"
	"github.com/strata-iac/strata/components/naming"
	"github.com/strata-iac/strata/internal/mock"
	"github.com/strata-iac/strata/internal/mocktest"
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
	typeRole      = "aws:iam/role:Role"
	typeAttach    = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
	typeProfile   = "aws:iam/instanceProfile:InstanceProfile"
	typeLogGroup  = "aws:cloudwatch/logGroup:LogGroup"
	typeLifecycle = "aws:imagebuilder/lifecyclePolicy:LifecyclePolicy"
)

const doc = `schemaVersion: 1.0
phases:
  - name: build
    steps:
      - name: Packages
        action: ExecuteBash
        inputs:
          commands: [dnf -y install nginx]
  - name: test
    steps:
      - name: Installed
        action: ExecuteBash
        inputs:
          commands: [nginx -v]
`

var conv = naming.Convention{App: "web", Env: "test", Owner: "research-it", Extra: map[string]string{"CostCenter": "rp-1042"}}

func args() image.Args {
	return image.Args{
		Name:       "web-image",
		Components: []image.Component{{Name: "packages", Document: doc}},
		ImageTags:  map[string]string{"Name": "web-image", "App": "web"},
		Naming:     conv,
		VPCID:      pulumi.String("vpc-0123456789abcdef0"),
		SubnetID:   pulumi.String("subnet-0123456789abcdef0"),
	}
}

func deploy(t *testing.T, a image.Args) *mock.Result {
	t.Helper()
	return mocktest.Run(t, func(ctx *pulumi.Context) error {
		img, err := image.New(ctx, "web-image", &a)
		if err != nil {
			return err
		}
		ctx.Export("imageId", img.ImageID)
		ctx.Export("pipelineArn", img.PipelineARN)
		ctx.Export("parameter", pulumi.String(img.Parameter))
		return nil
	})
}

func TestDefaults(t *testing.T) {
	res := deploy(t, args())
	comp := mocktest.One(t, res, typeComponent)
	assert.Equal(t, "web-image-packages", comp.In("name"))
	assert.Equal(t, doc, comp.In("data"))
	assert.Equal(t, "Linux", comp.In("platform"))
	assert.Equal(t, "packages of image web-image", comp.In("description"))

	recipe := mocktest.One(t, res, typeRecipe)
	assert.Equal(t, "web-image", recipe.In("name"))
	assert.Equal(t, "Image web-image", recipe.In("description"))
	assert.Equal(t, "ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64", recipe.In("parentImage"))
	assert.Equal(t, comp.Out("arn"), recipe.In("components[0].componentArn"))
	assert.Equal(t, map[string]any{"deviceName": "/dev/xvda", "ebs": map[string]any{
		"volumeType": "gp3", "volumeSize": float64(30), "encrypted": "true", "deleteOnTermination": "true",
	}}, recipe.In("blockDeviceMappings[0]"))

	infra := mocktest.One(t, res, typeInfra)
	sg := mocktest.One(t, res, typeSG)
	assert.Equal(t, "subnet-0123456789abcdef0", infra.In("subnetId"))
	assert.Equal(t, []any{sg.ID}, infra.In("securityGroupIds"))
	assert.Equal(t, []any{"t3.large"}, infra.In("instanceTypes"))
	assert.Equal(t, map[string]any{"httpTokens": "required", "httpPutResponseHopLimit": float64(1)}, infra.In("instanceMetadataOptions"))
	assert.Equal(t, true, infra.In("terminateInstanceOnFailure"))
	assert.Equal(t, mocktest.One(t, res, typeProfile).In("name"), infra.In("instanceProfileName"))
	assert.Equal(t, map[string]any{"Name": "web-image", "App": "web"}, infra.In("resourceTags"))

	dist := mocktest.One(t, res, typeDist)
	assert.Equal(t, "us-east-1", dist.In("distributions[0].region"))
	assert.Equal(t, "web-image-{{imagebuilder:buildDate}}", dist.In("distributions[0].amiDistributionConfiguration.name"))
	assert.Equal(t, map[string]any{"Name": "web-image", "App": "web"}, dist.In("distributions[0].amiDistributionConfiguration.amiTags"))
	assert.Equal(t, []any{map[string]any{"parameterName": "/imagebuilder/web-image", "dataType": "aws:ec2:image"}},
		dist.In("distributions[0].ssmParameterConfigurations"))

	pipe := mocktest.One(t, res, typePipeline)
	assert.Equal(t, recipe.Out("arn"), pipe.In("imageRecipeArn"))
	assert.Equal(t, infra.Out("arn"), pipe.In("infrastructureConfigurationArn"))
	assert.Equal(t, dist.Out("arn"), pipe.In("distributionConfigurationArn"))
	assert.Equal(t, map[string]any{"imageTestsEnabled": true, "timeoutMinutes": float64(60)}, pipe.In("imageTestsConfiguration"))
	assert.Nil(t, pipe.In("schedule"), "builds start by hand unless scheduled")
	assert.Empty(t, res.ByType(typeImage), "nothing baked without Bake")
	assert.Equal(t, "", res.Outputs["imageId"])
	assert.Equal(t, "/imagebuilder/web-image", res.Outputs["parameter"])

	logs := mocktest.One(t, res, typeLogGroup)
	assert.Equal(t, "/aws/imagebuilder/web-image", logs.In("name"))
	assert.Equal(t, float64(90), logs.In("retentionInDays"))

	mocktest.CheckTags(t, res, map[string]string{"App": "web", "Env": "test", "Owner": "research-it", "CostCenter": "rp-1042"})
}

func TestBuildInstancesAreLeastPrivileged(t *testing.T) {
	res := deploy(t, args())
	role := mocktest.Named(t, res, typeRole, "web-image-build")
	assert.Equal(t, "web-test-image", role.In("name"))
	trust := mocktest.Document(t, role, "assumeRolePolicy")
	require.Len(t, trust.Statement, 1)
	assert.Equal(t, map[string]any{"Service": "ec2.amazonaws.com"}, trust.Statement[0].Principal)
	var managed []string
	for _, a := range res.ByType(typeAttach) {
		if strings.HasPrefix(a.Name, "web-image-build-") {
			managed = append(managed, fmt.Sprint(a.In("policyArn")))
		}
	}
	assert.ElementsMatch(t, []string{image.InstanceProfilePolicy, "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"}, managed)
	assert.Empty(t, res.ByType("aws:iam/policy:Policy"))
	assert.Empty(t, res.ByType("aws:iam/rolePolicy:RolePolicy"))

	assert.Empty(t, res.ByType(typeIngress), "nothing reaches a build instance")
	egress := mocktest.One(t, res, typeEgress)
	assert.Equal(t, float64(443), egress.In("fromPort"))
	assert.Equal(t, "0.0.0.0/0", egress.In("cidrIpv4"))
}

func TestBake(t *testing.T) {
	a := args()
	a.Bake = true
	a.Schedule = "cron(0 4 ? * mon *)"
	res := deploy(t, a)
	baked := mocktest.One(t, res, typeImage)
	assert.Equal(t, mocktest.One(t, res, typeRecipe).Out("arn"), baked.In("imageRecipeArn"))
	assert.Equal(t, mocktest.One(t, res, typeInfra).Out("arn"), baked.In("infrastructureConfigurationArn"))
	assert.Equal(t, mocktest.One(t, res, typeDist).Out("arn"), baked.In("distributionConfigurationArn"))
	assert.Equal(t, true, baked.In("imageTestsConfiguration.imageTestsEnabled"))
	deps := []string{mocktest.One(t, res, typeLogGroup).URN, mocktest.One(t, res, typeEgress).URN}
	for _, a := range res.ByType(typeAttach) {
		if strings.HasPrefix(a.Name, "web-image-build-") {
			deps = append(deps, a.URN)
		}
	}
	for _, dep := range deps {
		assert.Contains(t, baked.Dependencies, dep, "the build waits for its log group, its role's policies and its way out")
	}
	assert.Equal(t, baked.Out("outputResources[0].amis[0].image"), res.Outputs["imageId"])
	assert.Regexp(t, `^ami-[0-9a-f]{17}$`, res.Outputs["imageId"])
	pipe := mocktest.One(t, res, typePipeline)
	assert.Equal(t, "cron(0 4 ? * mon *)", pipe.In("schedule.scheduleExpression"))
	assert.Equal(t, "EXPRESSION_MATCH_ONLY", pipe.In("schedule.pipelineExecutionStartCondition"))
}

// Old builds go: a lifecycle policy keeps the most recent builds of the recipe, any version, and
// deletes older AMIs with their snapshots, sparing the deployment's bake and AMIs tagged
// RetainTags. Its role holds AWS's managed policy for it, nothing else.
func TestLifecyclePolicy(t *testing.T) {
	res := deploy(t, args())
	lp := mocktest.One(t, res, typeLifecycle)
	assert.Equal(t, "web-image", lp.In("name"))
	assert.Equal(t, "AMI_IMAGE", lp.In("resourceType"))
	assert.Equal(t, "ENABLED", lp.In("status"))
	assert.Equal(t, []any{map[string]any{"name": "web-image", "semanticVersion": "x.x.x"}}, lp.In("resourceSelection.recipes"))
	assert.Equal(t, []any{map[string]any{
		"action": map[string]any{"type": "DELETE", "includeResources": map[string]any{"amis": true, "snapshots": true}},
		"filter": map[string]any{"type": "COUNT", "value": float64(5)},
	}}, lp.In("policyDetails"), "the 5 most recent builds stay; without a bake or retain tags nothing is exempt")

	exec := mocktest.Named(t, res, typeRole, "web-image-lifecycle")
	assert.Equal(t, "web-test-image-lifecycle", exec.In("name"))
	assert.Equal(t, exec.Out("arn"), lp.In("executionRole"))
	trust := mocktest.Document(t, exec, "assumeRolePolicy")
	require.Len(t, trust.Statement, 1)
	assert.Equal(t, map[string]any{"Service": "imagebuilder.amazonaws.com"}, trust.Statement[0].Principal)
	var managed []string
	for _, a := range res.ByType(typeAttach) {
		if strings.HasPrefix(a.Name, "web-image-lifecycle-") {
			managed = append(managed, fmt.Sprint(a.In("policyArn")))
		}
	}
	assert.Equal(t, []string{"arn:aws:iam::aws:policy/service-role/EC2ImageBuilderLifecycleExecutionPolicy"}, managed)

	a := args()
	a.Bake, a.KeepImages = true, 12
	a.RetainTags = map[string]string{"Pinned": "true"}
	res = deploy(t, a)
	lp = mocktest.One(t, res, typeLifecycle)
	assert.Equal(t, float64(12), lp.In("policyDetails[0].filter.value"))
	assert.Equal(t, map[string]any{"Baked": "deployment"}, lp.In("policyDetails[0].exclusionRules.tagMap"),
		"the image the stack holds is never deleted under it")
	assert.Equal(t, map[string]any{"Pinned": "true"}, lp.In("policyDetails[0].exclusionRules.amis.tagMap"))
	baked := mocktest.One(t, res, typeImage)
	assert.Equal(t, "deployment", mocktest.Tags(baked)["Baked"])
	assert.Equal(t, "web-test-image", mocktest.Tags(baked)["Name"])
	for _, r := range res.ByType(typeLifecycle) {
		assert.Equal(t, "web-test-image", mocktest.Tags(r)["Name"])
	}
	assert.NotContains(t, mocktest.One(t, res, typePipeline).Inputs.Mappable()["tags"], "Baked", "scheduled builds are not exempt")
}

// Versions follow content: the same arguments give the same versions in any stage, a changed
// document a new component and recipe version.
func TestVersionsFollowContent(t *testing.T) {
	a := args().WithDefaults()
	b := a
	b.Naming = naming.Convention{App: "other", Env: "prod", Owner: "someone"}
	b.ImageTags = map[string]string{"Name": "web-image"}
	assert.Equal(t, a.ComponentVersion(a.Components[0]), b.ComponentVersion(b.Components[0]))
	assert.Equal(t, a.RecipeVersion(), b.RecipeVersion(), "the stage does not enter the recipe")

	changed := a
	changed.Components = []image.Component{{Name: "packages", Document: strings.Replace(doc, "nginx", "httpd", 1)}}
	changed = changed.WithDefaults()
	assert.NotEqual(t, a.ComponentVersion(a.Components[0]), changed.ComponentVersion(changed.Components[0]))
	assert.NotEqual(t, a.RecipeVersion(), changed.RecipeVersion(), "a new component version needs a new recipe")

	bigger := a
	bigger.RootVolumeGiB = 50
	assert.NotEqual(t, a.RecipeVersion(), bigger.RecipeVersion())
	assert.Regexp(t, `^1\.0\.\d{1,9}$`, a.RecipeVersion())

	res := deploy(t, args())
	assert.Equal(t, a.RecipeVersion(), mocktest.One(t, res, typeRecipe).In("version"))
	assert.Equal(t, a.ComponentVersion(a.Components[0]), mocktest.One(t, res, typeComponent).In("version"))
}

func TestWithDefaultsLeavesArgsAlone(t *testing.T) {
	a := args()
	a.InstanceTypes = []string{"m7i.large"}
	d := a.WithDefaults()
	d.ImageTags["Env"] = "x"
	d.InstanceTypes[0] = "t3.small"
	d.Components[0].Description = "changed"
	assert.NotContains(t, a.ImageTags, "Env")
	assert.Equal(t, "m7i.large", a.InstanceTypes[0])
	assert.Empty(t, a.Components[0].Description)
}

func TestRefused(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(a *image.Args)
		want string
	}{
		{"no name", func(a *image.Args) { a.Name = "" }, "name: must not be empty"},
		{"uppercase name", func(a *image.Args) { a.Name = "Web" }, `name: "Web" is not allowed`},
		{"long name", func(a *image.Args) { a.Name = strings.Repeat("a", 101) }, "name: "},
		{"no components", func(a *image.Args) { a.Components = nil }, "components: is required"},
		{"duplicate component", func(a *image.Args) { a.Components = append(a.Components, a.Components[0]) }, `components[1].name: "packages" is used by another component`},
		{"empty document", func(a *image.Args) { a.Components[0].Document = "" }, "components[0].document: is required"},
		{"huge document", func(a *image.Args) { a.Components[0].Document = doc + "#" + strings.Repeat("x", 16000) }, "components[0].document: is 16"},
		{"not YAML", func(a *image.Args) { a.Components[0].Document = "phases: [" }, "components[0].document: is not YAML"},
		{"no phases", func(a *image.Args) { a.Components[0].Document = "schemaVersion: 1.0\n" }, "components[0].document.phases: is required"},
		{"unknown phase", func(a *image.Args) {
			a.Components[0].Document = strings.Replace(doc, "name: test", "name: deploy", 1)
		}, `components[0].document.phases[1].name: "deploy" is not a phase`},
		{"credential", func(a *image.Args) {
			a.Components[0].Document = strings.Replace(doc, "nginx -v", "export AWS_ACCESS_KEY_ID=AKIAABCDEFGHIJKLMNOP", 1)
		}, "components[0].document: holds what looks like an AWS access key id"},
		{"parent", func(a *image.Args) { a.ParentParameter = "ami 1" }, `parentParameter: "ami 1" is not an SSM parameter name`},
		{"architecture", func(a *image.Args) { a.Architecture = "s390x" }, `architecture: "s390x" is not allowed`},
		{"instance type", func(a *image.Args) { a.InstanceTypes = []string{"m7g.large"} }, `instanceTypes[0]: "m7g.large" is arm64 but the image is x86_64`},
		{"root volume", func(a *image.Args) { a.RootVolumeGiB = 4 }, "rootVolumeGiB: 4 is out of range: use 8 to 16000 GiB"},
		{"root device", func(a *image.Args) { a.RootDevice = "/dev/sdb" }, `rootDevice: "/dev/sdb" is not allowed`},
		{"too many tags", func(a *image.Args) {
			for i := range 31 {
				a.ImageTags[fmt.Sprintf("k%d", i)] = "v"
			}
		}, "imageTags: lists 33 tags"},
		{"aws tag", func(a *image.Args) { a.ImageTags["aws:x"] = "v" }, "imageTags.aws:x: the aws: prefix is reserved"},
		{"parameter outside /imagebuilder/", func(a *image.Args) { a.Parameter = "/web/image" }, `parameter: "/web/image" is outside /imagebuilder/`},
		{"schedule", func(a *image.Args) { a.Schedule = "rate(1 day)" }, `schedule: "rate(1 day)" is not a schedule`},
		{"test timeout", func(a *image.Args) { a.TestTimeoutMinutes = 30 }, "testTimeoutMinutes: 30 is out of range"},
		{"log retention", func(a *image.Args) { a.LogRetentionDays = 10 }, "logRetentionDays: 10 is not a CloudWatch Logs retention period"},
		{"keep none", func(a *image.Args) { a.KeepImages = -1 }, "keepImages: -1 is out of range: use 1 to 1000 images"},
		{"keep too many", func(a *image.Args) { a.KeepImages = 1001 }, "keepImages: 1001 is out of range"},
		{"retain tag", func(a *image.Args) { a.RetainTags = map[string]string{"aws:pinned": "true"} }, "retainTags.aws:pinned: the aws: prefix is reserved"},
		{"lifecycle role name", func(a *image.Args) { a.Group = strings.Repeat("g", 32); a.Naming.App = strings.Repeat("a", 20) }, "-lifecycle"},
		{"no vpc", func(a *image.Args) { a.VPCID = nil }, "vpcId: is required"},
		{"no subnet", func(a *image.Args) { a.SubnetID = nil }, "subnetId: is required"},
		{"naming", func(a *image.Args) { a.Naming.Owner = "" }, "naming.owner: is required"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := args()
			a.ImageTags = map[string]string{"Name": "web-image", "App": "web"}
			a.Components = []image.Component{{Name: "packages", Document: doc}}
			tc.edit(&a)
			mocktest.Refused(t, func(ctx *pulumi.Context) error {
				_, err := image.New(ctx, "web-image", &a)
				return err
			}, tc.want)
		})
	}
}
