package image

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"maps"
	"slices"
	"strconv"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/imagebuilder"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-iac/strata/components/fleet"
	"github.com/strata-iac/strata/components/naming"
	"github.com/strata-iac/strata/components/role"
	"github.com/strata-iac/strata/components/secgroup"
)

// Fixed facts of Image Builder.
const (
	// BuildDate is Image Builder's placeholder for the date and time of a build in AMI names; it
	// keeps every AMI's name unique.
	BuildDate = "{{imagebuilder:buildDate}}"
	// ParameterRoot starts the SSM parameters Image Builder may write: its service-linked role is
	// allowed ssm:PutParameter on parameter/imagebuilder/* only.
	ParameterRoot = "/imagebuilder/"
	// InstanceProfilePolicy is the AWS managed policy build and test instances need to fetch
	// components and write build logs; it is not a *FullAccess policy.
	InstanceProfilePolicy = "arn:aws:iam::aws:policy/EC2InstanceProfileForImageBuilder"
	// DataTypeImage makes SSM check that a parameter's value is an AMI id.
	DataTypeImage = "aws:ec2:image"
	// LifecyclePolicy is the AWS managed policy of the role that runs lifecycle policies: it may
	// deregister AMIs and delete snapshots only when Image Builder created them (their tag
	// CreatedBy=EC2 Image Builder).
	LifecyclePolicy = "arn:aws:iam::aws:policy/service-role/EC2ImageBuilderLifecycleExecutionPolicy"
	// LifecycleService runs lifecycle policies with their execution role.
	LifecycleService = "imagebuilder.amazonaws.com"
	// BakeTag marks the image Bake builds (Image Builder's record of it, not the AMI): the
	// lifecycle policy leaves it alone, so the image the stack holds, and ImageID, stay.
	BakeTag      = "Baked"
	BakeTagValue = "deployment"
)

// Defaults of Args.
const (
	DefaultGroup              = "image"
	DefaultRootVolumeGiB      = 30
	DefaultRootDevice         = "/dev/xvda"
	DefaultTestTimeoutMinutes = 60
	DefaultLogRetentionDays   = 90
	DefaultKeepImages         = 5
)

// Args configures an Image.
type Args struct {
	// Name names the image and what defines it: the components (<name>-<component>), the recipe,
	// the infrastructure and distribution configurations and the pipeline, and it starts the AMI's
	// name, <name>-{{imagebuilder:buildDate}}. Lowercase letters, digits and hyphens, starting with
	// a letter, at most 100 characters (required). Image Builder names are unique per account and
	// region, so one stage per account and region builds a given image.
	Name string
	// Description says what the image is for: the recipe's, the pipeline's and the AMI's
	// description, at most 1,024 characters. Default "Image <name>".
	Description string
	// Components are the build components, run in order (at least one).
	Components []Component
	// ParentParameter is the public SSM parameter holding the parent AMI's id, resolved at every
	// build: no AMI id pinned to one region. Default the current Amazon Linux 2023 for Architecture.
	ParentParameter string
	// Architecture is fleet.ArchX86 (default) or fleet.ArchARM: the parent's, and so the build
	// instance types'.
	Architecture string
	// InstanceTypes are what builds and tests run on, family.size of Architecture. Default
	// t3.large (t4g.large on arm64).
	InstanceTypes []string
	// RootVolumeGiB is the size of the image's encrypted gp3 root volume, 8 (Amazon Linux 2023's
	// own) to 16000 (Image Builder's limit). Instances launched from the image need at least as
	// much. Default 30.
	RootVolumeGiB int
	// RootDevice is the parent's root device: /dev/xvda (default: Amazon Linux) or /dev/sda1
	// (e.g. Ubuntu).
	RootDevice string
	// ImageTags tag what a build produces: the AMI and the build and test instances, at most 30.
	// They belong to the image, not to a stage, so keep environments out of them. Default
	// {"Name": <name>}.
	ImageTags map[string]string
	// Parameter is the SSM parameter every build writes its AMI's id to, below /imagebuilder/ (the
	// only place Image Builder may write). Servers launch from resolve:ssm:<parameter>. Default
	// /imagebuilder/<name>.
	Parameter string
	// Schedule rebuilds the image on a cron expression of Image Builder's, e.g.
	// "cron(0 4 ? * mon *)" (UTC), picking up the parent's and the packages' updates. Default none:
	// builds start with Bake or by hand (aws imagebuilder start-image-pipeline-execution).
	Schedule string
	// TestTimeoutMinutes bounds the test phase, which runs on an instance launched from the new
	// AMI, 60 to 1440. Default 60.
	TestTimeoutMinutes int
	// LogRetentionDays keeps the build logs (/aws/imagebuilder/<name>) this long: one of
	// CloudWatch Logs' retention periods. Default 90.
	LogRetentionDays int
	// KeepImages is how many of the most recent builds of the recipe (any version) Image
	// Builder's lifecycle policy keeps, 1 to 1000: once a day it deletes the older builds with
	// their AMIs and the AMIs' snapshots, except the one Bake made and AMIs tagged RetainTags.
	// Default 5.
	KeepImages int
	// RetainTags exempt AMIs from the lifecycle policy: an AMI with a matching tag is never
	// deleted, e.g. one a stage launches from by id. At most 50; default none.
	RetainTags map[string]string
	// Bake builds an image in the deployment that creates the recipe or changes it (a changed
	// document or parent setting), and waits for it: the first deployment then has an AMI to
	// launch servers from. Deleting the stack deletes Image Builder's record of the image, never
	// the AMI.
	Bake bool

	// Naming names and tags the stage's own resources: the build role and security group
	// <app>-<env>-<group>, and the tags of every resource the component manages.
	Naming naming.Convention
	// Group is the naming group. Default "image".
	Group string
	// VPCID is the VPC of the build instances' security group (required).
	VPCID pulumi.StringInput
	// SubnetID is the private subnet builds and tests run in (required); it must reach Systems
	// Manager, S3 and the package repositories (a NAT gateway or VPC endpoints).
	SubnetID pulumi.StringInput
}

// Component is one build component: an AWSTOE document of phases build, validate and test.
type Component struct {
	// Name identifies the component within the image: <image name>-<name> (lowercase letters,
	// digits, hyphens).
	Name string
	// Document is the component document in YAML: schemaVersion, and phases named build, validate
	// or test, each with named steps. At most 16,000 characters; no credentials.
	Document string
	// Description says what the component installs, at most 1,024 characters. Default
	// "<name> of image <image name>".
	Description string
}

// Image is an EC2 Image Builder pipeline and, with Bake, one image it built.
type Image struct {
	pulumi.ResourceState

	// Name is the image's name; AMIs are named <name>-<build date>.
	Name string
	// Parameter is the SSM parameter holding the latest build's AMI id.
	Parameter string
	// PipelineARN, RecipeARN, InfrastructureARN and DistributionARN are Image Builder's resources.
	PipelineARN       pulumi.StringOutput
	RecipeARN         pulumi.StringOutput
	InfrastructureARN pulumi.StringOutput
	DistributionARN   pulumi.StringOutput
	// ImageID is the AMI the deployment baked; empty without Bake.
	ImageID pulumi.StringOutput
	// RoleName and SecurityGroupID are the build instances'.
	RoleName        pulumi.StringOutput
	SecurityGroupID pulumi.StringOutput
	// LogGroup holds the build logs.
	LogGroup pulumi.StringOutput
	// LifecyclePolicyARN is the policy that deletes old builds.
	LifecyclePolicyARN pulumi.StringOutput
	// Ready is what servers launched from Parameter must wait for: the baked image, whose build
	// writes the parameter. Empty without Bake.
	Ready []pulumi.Resource
}

// WithDefaults returns a copy of the arguments with every default filled in; the caller's slices
// and maps are left as they were.
func (a Args) WithDefaults() Args {
	if a.Description == "" {
		a.Description = "Image " + a.Name
	}
	a.Components = slices.Clone(a.Components)
	for i := range a.Components {
		if a.Components[i].Description == "" {
			a.Components[i].Description = a.Components[i].Name + " of image " + a.Name
		}
	}
	if a.Architecture == "" {
		a.Architecture = fleet.ArchX86
	}
	if a.ParentParameter == "" {
		a.ParentParameter = fleet.AMIParameter(a.Architecture)
	}
	if len(a.InstanceTypes) == 0 {
		a.InstanceTypes = []string{"t3.large"}
		if a.Architecture == fleet.ArchARM {
			a.InstanceTypes = []string{"t4g.large"}
		}
	} else {
		a.InstanceTypes = slices.Clone(a.InstanceTypes)
	}
	if a.RootVolumeGiB == 0 {
		a.RootVolumeGiB = DefaultRootVolumeGiB
	}
	if a.RootDevice == "" {
		a.RootDevice = DefaultRootDevice
	}
	if a.ImageTags == nil {
		a.ImageTags = map[string]string{naming.TagName: a.Name}
	} else {
		a.ImageTags = maps.Clone(a.ImageTags)
	}
	if a.Parameter == "" {
		a.Parameter = ParameterRoot + a.Name
	}
	if a.TestTimeoutMinutes == 0 {
		a.TestTimeoutMinutes = DefaultTestTimeoutMinutes
	}
	if a.LogRetentionDays == 0 {
		a.LogRetentionDays = DefaultLogRetentionDays
	}
	if a.Group == "" {
		a.Group = DefaultGroup
	}
	if a.KeepImages == 0 {
		a.KeepImages = DefaultKeepImages
	}
	a.RetainTags = maps.Clone(a.RetainTags)
	return a
}

// AMIName is the name each build gives its AMI.
func (a Args) AMIName() string { return a.Name + "-" + BuildDate }

// LogGroupName is the log group Image Builder writes the builds of the recipe name to.
func (a Args) LogGroupName() string { return "/aws/imagebuilder/" + a.Name }

// physical is the name of the stage's own resources: the build role and security group.
func (a Args) physical() string { return a.Naming.Name(a.Group) }

// lifecycleRole is the name of the lifecycle policy's execution role.
func (a Args) lifecycleRole() string { return a.physical() + "-lifecycle" }

// ComponentVersion is the semantic version of component c: 1.0.<n>, n derived from everything
// that defines it. Image Builder components and recipes cannot change once created; a new
// version is a new resource, so a changed document must bring a new version.
func (a Args) ComponentVersion(c Component) string {
	return version(a.Name, c.Name, c.Description, c.Document)
}

// RecipeVersion is the recipe's semantic version, derived like ComponentVersion from its parent,
// root volume, description and components' versions.
func (a Args) RecipeVersion() string {
	parts := []string{a.Name, a.Description, a.ParentParameter, a.RootDevice, strconv.Itoa(a.RootVolumeGiB)}
	for _, c := range a.Components {
		parts = append(parts, c.Name, a.ComponentVersion(c))
	}
	return version(parts...)
}

// version is 1.0.<28 bits of the parts' SHA-256>: deterministic, unique in practice, and within
// Image Builder's limit on version numbers.
func version(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return fmt.Sprintf("1.0.%d", binary.BigEndian.Uint32(h.Sum(nil))>>4)
}

// New creates an Image.
func New(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*Image, error) {
	if err := args.Validate(); err != nil {
		return nil, fmt.Errorf("image %s: %w", name, err)
	}
	a := args.WithDefaults()
	img := &Image{Name: a.Name, Parameter: a.Parameter}
	if err := ctx.RegisterComponentResource("strata:image:Image", name, img, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(img)
	tags := pulumi.ToStringMap(a.Naming.Tags(a.Group))

	region, err := aws.GetRegion(ctx, &aws.GetRegionArgs{}, parent)
	if err != nil {
		return nil, err
	}
	// Created before any build, so that Image Builder does not create it without a retention.
	logs, err := cloudwatch.NewLogGroup(ctx, name, &cloudwatch.LogGroupArgs{
		Name:            pulumi.String(a.LogGroupName()),
		RetentionInDays: pulumi.Int(a.LogRetentionDays),
		Tags:            tags,
	}, parent)
	if err != nil {
		return nil, err
	}
	build, err := role.New(ctx, name+"-build", &role.Args{
		Name:              a.physical(),
		Description:       "Build and test instances of image " + a.Name + ": Image Builder's agent and Session Manager",
		Service:           role.EC2,
		ManagedPolicyARNs: []string{InstanceProfilePolicy, fleet.SSMManagedInstanceCore},
		InstanceProfile:   true,
		Tags:              a.Naming.Tags(a.Group),
	}, parent)
	if err != nil {
		return nil, err
	}
	sg, err := secgroup.New(ctx, name+"-build", a.groupArgs(), parent)
	if err != nil {
		return nil, err
	}

	components := imagebuilder.ImageRecipeComponentArray{}
	for _, c := range a.Components {
		comp, err := imagebuilder.NewComponent(ctx, name+"-"+c.Name, &imagebuilder.ComponentArgs{
			Name:        pulumi.String(a.Name + "-" + c.Name),
			Version:     pulumi.String(a.ComponentVersion(c)),
			Description: pulumi.String(c.Description),
			Platform:    pulumi.String("Linux"),
			Data:        pulumi.String(c.Document),
			Tags:        tags,
		}, parent)
		if err != nil {
			return nil, err
		}
		components = append(components, &imagebuilder.ImageRecipeComponentArgs{ComponentArn: comp.Arn})
	}
	recipe, err := imagebuilder.NewImageRecipe(ctx, name, &imagebuilder.ImageRecipeArgs{
		Name:        pulumi.String(a.Name),
		Version:     pulumi.String(a.RecipeVersion()),
		Description: pulumi.String(a.Description),
		ParentImage: pulumi.String("ssm:" + a.ParentParameter),
		Components:  components,
		BlockDeviceMappings: imagebuilder.ImageRecipeBlockDeviceMappingArray{&imagebuilder.ImageRecipeBlockDeviceMappingArgs{
			DeviceName: pulumi.String(a.RootDevice),
			Ebs: &imagebuilder.ImageRecipeBlockDeviceMappingEbsArgs{
				VolumeType:          pulumi.String(fleet.GP3),
				VolumeSize:          pulumi.Int(a.RootVolumeGiB),
				Encrypted:           pulumi.String("true"),
				DeleteOnTermination: pulumi.String("true"),
			},
		}},
		Tags: tags,
	}, parent)
	if err != nil {
		return nil, err
	}
	infra, err := imagebuilder.NewInfrastructureConfiguration(ctx, name, &imagebuilder.InfrastructureConfigurationArgs{
		Name:                pulumi.String(a.Name),
		Description:         pulumi.String("Build and test instances of image " + a.Name),
		InstanceProfileName: build.InstanceProfileName,
		InstanceTypes:       pulumi.ToStringArray(a.InstanceTypes),
		SubnetId:            a.SubnetID,
		SecurityGroupIds:    pulumi.StringArray{sg.ID},
		InstanceMetadataOptions: &imagebuilder.InfrastructureConfigurationInstanceMetadataOptionsArgs{
			HttpTokens:              pulumi.String("required"),
			HttpPutResponseHopLimit: pulumi.Int(1),
		},
		// A failed build leaves nothing running; its log is in LogGroup.
		TerminateInstanceOnFailure: pulumi.Bool(true),
		ResourceTags:               pulumi.ToStringMap(a.ImageTags),
		Tags:                       tags,
	}, parent)
	if err != nil {
		return nil, err
	}
	dist, err := imagebuilder.NewDistributionConfiguration(ctx, name, &imagebuilder.DistributionConfigurationArgs{
		Name:        pulumi.String(a.Name),
		Description: pulumi.String("AMIs of image " + a.Name + " in " + region.Name),
		Distributions: imagebuilder.DistributionConfigurationDistributionArray{&imagebuilder.DistributionConfigurationDistributionArgs{
			Region: pulumi.String(region.Name),
			AmiDistributionConfiguration: &imagebuilder.DistributionConfigurationDistributionAmiDistributionConfigurationArgs{
				Name:        pulumi.String(a.AMIName()),
				Description: pulumi.String(a.Description),
				AmiTags:     pulumi.ToStringMap(a.ImageTags),
			},
			SsmParameterConfigurations: imagebuilder.DistributionConfigurationDistributionSsmParameterConfigurationArray{
				&imagebuilder.DistributionConfigurationDistributionSsmParameterConfigurationArgs{
					ParameterName: pulumi.String(a.Parameter),
					DataType:      pulumi.String(DataTypeImage),
				},
			},
		}},
		Tags: tags,
	}, parent)
	if err != nil {
		return nil, err
	}
	pipeArgs := &imagebuilder.ImagePipelineArgs{
		Name:                           pulumi.String(a.Name),
		Description:                    pulumi.String(a.Description),
		ImageRecipeArn:                 recipe.Arn,
		InfrastructureConfigurationArn: infra.Arn,
		DistributionConfigurationArn:   dist.Arn,
		ImageTestsConfiguration: &imagebuilder.ImagePipelineImageTestsConfigurationArgs{
			ImageTestsEnabled: pulumi.Bool(true),
			TimeoutMinutes:    pulumi.Int(a.TestTimeoutMinutes),
		},
		EnhancedImageMetadataEnabled: pulumi.Bool(true),
		Status:                       pulumi.String("ENABLED"),
		Tags:                         tags,
	}
	if a.Schedule != "" {
		pipeArgs.Schedule = &imagebuilder.ImagePipelineScheduleArgs{
			ScheduleExpression: pulumi.String(a.Schedule),
			// Every tick builds: the parent parameter and the packages change without a version
			// Image Builder could compare.
			PipelineExecutionStartCondition: pulumi.String("EXPRESSION_MATCH_ONLY"),
		}
	}
	pipeline, err := imagebuilder.NewImagePipeline(ctx, name, pipeArgs, parent)
	if err != nil {
		return nil, err
	}

	img.PipelineARN, img.RecipeARN, img.InfrastructureARN, img.DistributionARN = pipeline.Arn, recipe.Arn, infra.Arn, dist.Arn
	img.RoleName, img.SecurityGroupID, img.LogGroup = build.Name, sg.ID, logs.Name
	img.ImageID = pulumi.String("").ToStringOutput()
	if a.Bake {
		bakeTags := pulumi.StringMap{BakeTag: pulumi.String(BakeTagValue)}
		maps.Copy(bakeTags, tags)
		baked, err := imagebuilder.NewImage(ctx, name, &imagebuilder.ImageArgs{
			ImageRecipeArn:                 recipe.Arn,
			InfrastructureConfigurationArn: infra.Arn,
			DistributionConfigurationArn:   dist.Arn,
			ImageTestsConfiguration: &imagebuilder.ImageImageTestsConfigurationArgs{
				ImageTestsEnabled: pulumi.Bool(true),
				TimeoutMinutes:    pulumi.Int(a.TestTimeoutMinutes),
			},
			EnhancedImageMetadataEnabled: pulumi.Bool(true),
			Tags:                         bakeTags,
		}, parent,
			// The build instance needs its role's policies, its group's rules and the log group.
			pulumi.DependsOn([]pulumi.Resource{build, sg, logs}),
			// A build with its tests takes longer than the provider's default hour.
			pulumi.Timeouts(&pulumi.CustomTimeouts{Create: "3h"}))
		if err != nil {
			return nil, err
		}
		img.ImageID = baked.OutputResources.ApplyT(firstAMI).(pulumi.StringOutput)
		img.Ready = []pulumi.Resource{baked}
	}
	if img.LifecyclePolicyARN, err = a.lifecycle(ctx, name, tags, parent); err != nil {
		return nil, err
	}

	if err := ctx.RegisterResourceOutputs(img, pulumi.Map{
		"name":               pulumi.String(img.Name),
		"parameter":          pulumi.String(img.Parameter),
		"pipelineArn":        img.PipelineARN,
		"recipeArn":          img.RecipeARN,
		"infrastructureArn":  img.InfrastructureARN,
		"distributionArn":    img.DistributionARN,
		"imageId":            img.ImageID,
		"roleName":           img.RoleName,
		"securityGroupId":    img.SecurityGroupID,
		"logGroup":           img.LogGroup,
		"lifecyclePolicyArn": img.LifecyclePolicyARN,
	}); err != nil {
		return nil, err
	}
	return img, nil
}

// lifecycle keeps the KeepImages most recent builds of the recipe, any version, and deletes the
// older ones with their AMIs and snapshots, once a day. Deleting AMIs of builds Image Builder no
// longer knows (a Bake record Pulumi replaced) is left to the operator.
func (a Args) lifecycle(ctx *pulumi.Context, name string, tags pulumi.StringMap, parent pulumi.ResourceOption) (pulumi.StringOutput, error) {
	exec, err := role.New(ctx, name+"-lifecycle", &role.Args{
		Name:              a.lifecycleRole(),
		Description:       "Image Builder deletes old builds of image " + a.Name + " (AMIs and snapshots it created)",
		Service:           LifecycleService,
		ManagedPolicyARNs: []string{LifecyclePolicy},
		Tags:              a.Naming.Tags(a.Group),
	}, parent)
	if err != nil {
		return pulumi.StringOutput{}, err
	}
	exclusions := &imagebuilder.LifecyclePolicyPolicyDetailExclusionRulesArgs{}
	if a.Bake {
		exclusions.TagMap = pulumi.StringMap{BakeTag: pulumi.String(BakeTagValue)}
	}
	if len(a.RetainTags) > 0 {
		exclusions.Amis = &imagebuilder.LifecyclePolicyPolicyDetailExclusionRulesAmisArgs{TagMap: pulumi.ToStringMap(a.RetainTags)}
	}
	detail := &imagebuilder.LifecyclePolicyPolicyDetailArgs{
		Action: &imagebuilder.LifecyclePolicyPolicyDetailActionArgs{
			Type: pulumi.String("DELETE"),
			IncludeResources: &imagebuilder.LifecyclePolicyPolicyDetailActionIncludeResourcesArgs{
				Amis:      pulumi.Bool(true),
				Snapshots: pulumi.Bool(true),
			},
		},
		Filter: &imagebuilder.LifecyclePolicyPolicyDetailFilterArgs{
			Type:  pulumi.String("COUNT"),
			Value: pulumi.Int(a.KeepImages),
		},
	}
	if exclusions.TagMap != nil || exclusions.Amis != nil {
		detail.ExclusionRules = exclusions
	}
	policy, err := imagebuilder.NewLifecyclePolicy(ctx, name, &imagebuilder.LifecyclePolicyArgs{
		Name:          pulumi.String(a.Name),
		Description:   pulumi.String(fmt.Sprintf("Keeps the %d most recent builds of image %s; deletes older AMIs and their snapshots", a.KeepImages, a.Name)),
		ExecutionRole: exec.ARN,
		ResourceType:  pulumi.String("AMI_IMAGE"),
		Status:        pulumi.String("ENABLED"),
		PolicyDetails: imagebuilder.LifecyclePolicyPolicyDetailArray{detail},
		// Every version: a changed document makes a new recipe version, whose builds count too.
		ResourceSelection: &imagebuilder.LifecyclePolicyResourceSelectionArgs{
			Recipes: imagebuilder.LifecyclePolicyResourceSelectionRecipeArray{&imagebuilder.LifecyclePolicyResourceSelectionRecipeArgs{
				Name:            pulumi.String(a.Name),
				SemanticVersion: pulumi.String("x.x.x"),
			}},
		},
		Tags: tags,
	}, parent)
	if err != nil {
		return pulumi.StringOutput{}, err
	}
	return policy.Arn, nil
}

// firstAMI is the id of the first AMI a build distributed.
func firstAMI(rs []imagebuilder.ImageOutputResource) string {
	for _, r := range rs {
		for _, ami := range r.Amis {
			if ami.Image != nil {
				return *ami.Image
			}
		}
	}
	return ""
}

func (a Args) groupArgs() *secgroup.Args {
	return &secgroup.Args{
		Name:        a.physical(),
		Description: "Build and test instances of image " + a.Name,
		VPCID:       a.VPCID,
		// Session Manager and Image Builder reach the instances through their agent's own
		// connection: nothing comes in.
		Egress: []secgroup.Rule{{
			Name:        "https",
			Description: "Systems Manager, Image Builder, S3 and package downloads over HTTPS",
			FromPort:    443,
			CIDR:        "0.0.0.0/0",
		}},
		Tags: a.Naming.Tags(a.Group),
	}
}
