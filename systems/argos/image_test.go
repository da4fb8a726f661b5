package argos_test

import (
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/strata-iac/strata/internal/mock"
	"github.com/strata-iac/strata/internal/mocktest"
	"github.com/strata-iac/strata/systems"
	"github.com/strata-iac/strata/systems/argos"
)

const buildDocument = "image/argos-image.yml"

func TestImagePipelineWiring(t *testing.T) {
	res := mustDeploy(t, stagingConfig(), staging)
	doc, err := os.ReadFile(buildDocument)
	require.NoError(t, err)

	comp := mocktest.Named(t, res, typeComponent, "argos-image-packages")
	assert.Equal(t, "argos-image-packages", comp.In("name"))
	assert.Equal(t, string(doc), comp.In("data"), "the component is the document in the repository, byte for byte")
	assert.Equal(t, "Linux", comp.In("platform"))
	assert.Regexp(t, `^1\.0\.\d+$`, comp.In("version"))

	recipe := mocktest.Named(t, res, typeRecipe, "argos-image")
	assert.Equal(t, "argos-image", recipe.In("name"))
	assert.Equal(t, "ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64", recipe.In("parentImage"),
		"the base image comes from AWS's public SSM parameter, resolved at each build")
	assert.Equal(t, comp.Out("arn"), recipe.In("components[0].componentArn"))
	assert.Nil(t, recipe.In("components[1]"))
	assert.Equal(t, "/dev/xvda", recipe.In("blockDeviceMappings[0].deviceName"))
	assert.Equal(t, "true", recipe.In("blockDeviceMappings[0].ebs.encrypted"))
	assert.Equal(t, "gp3", recipe.In("blockDeviceMappings[0].ebs.volumeType"))
	assert.Equal(t, float64(30), recipe.In("blockDeviceMappings[0].ebs.volumeSize"))

	// Build instances: a private subnet, their own group, IMDSv2, a least-privilege profile.
	infra := mocktest.Named(t, res, typeInfra, "argos-image")
	assert.Equal(t, firstPrivateSubnet, infra.In("subnetId"))
	assert.Equal(t, []any{securityGroupID(t, res, "argos-image-build")}, infra.In("securityGroupIds"))
	assert.Equal(t, "required", infra.In("instanceMetadataOptions.httpTokens"))
	assert.Equal(t, float64(1), infra.In("instanceMetadataOptions.httpPutResponseHopLimit"))
	assert.Equal(t, true, infra.In("terminateInstanceOnFailure"))
	assert.Nil(t, infra.In("keyPair"), "Session Manager, no SSH key")
	profile := mocktest.Named(t, res, "aws:iam/instanceProfile:InstanceProfile", "argos-image-build")
	assert.Equal(t, profile.In("name"), infra.In("instanceProfileName"))
	assert.Equal(t, map[string]any{"Name": "argos-image", "App": "argos", "Group": "image"}, infra.In("resourceTags"),
		"the build instance is tagged Name=argos-image")

	var managed []string
	for _, r := range res.ByType(typeAttach) {
		if strings.HasPrefix(r.Name, "argos-image-build-") {
			managed = append(managed, r.In("policyArn").(string))
		}
	}
	assert.ElementsMatch(t, []string{
		"arn:aws:iam::aws:policy/EC2InstanceProfileForImageBuilder",
		"arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
	}, managed, "exactly AWS's two managed policies for build instances")
	for _, r := range append(res.ByType(typeRolePol), res.ByType(typePolicy)...) {
		assert.False(t, strings.HasPrefix(r.Name, "argos-image"), "build role has no policy of its own: %s", r.Name)
	}
	role := mocktest.Named(t, res, typeRole, "argos-image-build")
	trust := mocktest.Document(t, role, "assumeRolePolicy")
	require.Len(t, trust.Statement, 1)
	assert.Equal(t, map[string]any{"Service": "ec2.amazonaws.com"}, trust.Statement[0].Principal)

	buildSG := securityGroupID(t, res, "argos-image-build")
	assert.Empty(t, ingress(res, buildSG, nil), "nothing reaches a build instance")
	for _, r := range res.ByType(typeEgress) {
		if r.In("securityGroupId") == buildSG {
			assert.Equal(t, float64(443), r.In("fromPort"), "build instances send HTTPS only")
		}
	}

	logs := mocktest.Named(t, res, typeLogGroup, "argos-image")
	assert.Equal(t, "/aws/imagebuilder/argos-image", logs.In("name"))
	assert.Equal(t, float64(90), logs.In("retentionInDays"))

	dist := mocktest.Named(t, res, typeDist, "argos-image")
	assert.Equal(t, "us-east-2", dist.In("distributions[0].region"))
	assert.Equal(t, "argos-image-{{imagebuilder:buildDate}}", dist.In("distributions[0].amiDistributionConfiguration.name"))
	assert.Equal(t, map[string]any{"Name": "argos-image", "App": "argos", "Group": "image"},
		dist.In("distributions[0].amiDistributionConfiguration.amiTags"))
	assert.Equal(t, "/imagebuilder/argos-image", dist.In("distributions[0].ssmParameterConfigurations[0].parameterName"))
	assert.Equal(t, "aws:ec2:image", dist.In("distributions[0].ssmParameterConfigurations[0].dataType"))

	pipe := mocktest.Named(t, res, typePipeline, "argos-image")
	assert.Equal(t, recipe.Out("arn"), pipe.In("imageRecipeArn"))
	assert.Equal(t, infra.Out("arn"), pipe.In("infrastructureConfigurationArn"))
	assert.Equal(t, dist.Out("arn"), pipe.In("distributionConfigurationArn"))
	assert.Equal(t, true, pipe.In("imageTestsConfiguration.imageTestsEnabled"))
	assert.Equal(t, "ENABLED", pipe.In("status"))

	// The first deployment bakes an image, and every server waits for it: its build writes the
	// parameter they launch from.
	baked := mocktest.Named(t, res, typeImage, "argos-image")
	assert.Equal(t, recipe.Out("arn"), baked.In("imageRecipeArn"))
	assert.Equal(t, infra.Out("arn"), baked.In("infrastructureConfigurationArn"))
	assert.Equal(t, dist.Out("arn"), baked.In("distributionConfigurationArn"))
	lts := res.ByType(typeLT)
	require.Len(t, lts, 4)
	for _, lt := range lts {
		assert.Equal(t, "resolve:ssm:/imagebuilder/argos-image", lt.In("imageId"), lt.Name)
		assert.Contains(t, lt.Dependencies, baked.URN, "%s waits for the baked image", lt.Name)
	}
	out := res.Outputs["argos"].(map[string]any)
	assert.Equal(t, "/imagebuilder/argos-image", out["imageParameter"])
	assert.Equal(t, baked.Out("outputResources[0].amis[0].image"), out["imageId"])
	assert.Equal(t, pipe.Out("arn"), out["imagePipelineArn"])
}

func TestOtherStagesTakeTheImage(t *testing.T) {
	res := mustDeploy(t, productionConfig(), production)
	for _, typ := range []string{typeComponent, typeRecipe, typeInfra, typeDist, typePipeline, typeImage} {
		assert.Empty(t, res.ByType(typ), "production owns no %s", typ)
	}
	for _, lt := range res.ByType(typeLT) {
		assert.Equal(t, "ami-0123456789abcdef0", lt.In("imageId"), lt.Name)
	}
	assert.Equal(t, "ami-0123456789abcdef0", res.Outputs["argos"].(map[string]any)["imageId"])
}

// Old builds go, pinned ones stay: the building stage's lifecycle policy keeps the most recent
// builds (image.build.keepImages, default 5) and never deletes an AMI tagged Pinned=true, which
// a stage that launches from an AMI by id puts on it.
func TestOldImagesGoPinnedOnesStay(t *testing.T) {
	res := mustDeploy(t, stagingConfig(), staging)
	lp := mocktest.Named(t, res, typeLifecycle, "argos-image")
	assert.Equal(t, "argos-image", lp.In("name"))
	assert.Equal(t, float64(5), lp.In("policyDetails[0].filter.value"))
	assert.Equal(t, "COUNT", lp.In("policyDetails[0].filter.type"))
	assert.Equal(t, map[string]any{"amis": true, "snapshots": true}, lp.In("policyDetails[0].action.includeResources"))
	assert.Equal(t, map[string]any{"Pinned": "true"}, lp.In("policyDetails[0].exclusionRules.amis.tagMap"))
	assert.Equal(t, map[string]any{"Baked": "deployment"}, lp.In("policyDetails[0].exclusionRules.tagMap"))
	assert.Equal(t, "argos-image", lp.In("resourceSelection.recipes[0].name"))
	assert.Empty(t, res.ByType(typeEC2Tag), "the building stage follows the latest build and pins nothing")

	c := stagingConfig()
	c.Image.Build.KeepImages = 8
	res = mustDeploy(t, c, staging)
	assert.Equal(t, float64(8), mocktest.Named(t, res, typeLifecycle, "argos-image").In("policyDetails[0].filter.value"))

	res = mustDeploy(t, productionConfig(), production)
	assert.Empty(t, res.ByType(typeLifecycle), "only the building stage cleans")
	pin := mocktest.Named(t, res, typeEC2Tag, "argos-image-pinned")
	assert.Equal(t, map[string]any{"resourceId": "ami-0123456789abcdef0", "key": "Pinned", "value": "true"}, pin.Inputs.Mappable())

	follower := productionConfig()
	follower.Image = argos.ImageSource{Parameter: "/imagebuilder/argos-image"}
	assert.Empty(t, mustDeploy(t, follower, production).ByType(typeEC2Tag), "a stage that follows the builds pins nothing")
}

// imageInputs are the inputs of the resources that decide what goes into the image, without their
// own tags (which name the stage that manages them) and the network they build in.
func imageInputs(t *testing.T, res *mock.Result) string {
	t.Helper()
	parts := map[string]any{}
	for _, typ := range []string{typeComponent, typeRecipe, typeInfra, typeDist, typePipeline, typeImage} {
		for _, r := range res.ByType(typ) {
			in := r.Inputs.Mappable()
			for _, k := range []string{"tags", "subnetId", "securityGroupIds", "instanceProfileName",
				"imageRecipeArn", "infrastructureConfigurationArn", "distributionConfigurationArn"} {
				delete(in, k)
			}
			parts[typ+" "+r.Name] = in
		}
	}
	require.Len(t, parts, 6)
	return canonical(t, parts)
}

// Nothing of a stage enters the image: two stages with different names, owners, tags, protection
// and settings build it from byte-identical inputs that name none of them.
func TestNothingEnvironmentSpecificEntersTheImage(t *testing.T) {
	other := systems.Stage{Stack: "qa", Env: "qa", Owner: "another-team", Protect: true, Network: true,
		Tags: map[string]string{"CostCenter": "cc-9999", "Project": "elsewhere"}}
	otherConfig := productionConfig()
	otherConfig.Image = stagingConfig().Image
	otherConfig.Bucket = "strata-argos-qa-data"

	a := imageInputs(t, mustDeploy(t, stagingConfig(), staging))
	b := imageInputs(t, mustDeploy(t, otherConfig, other))
	assert.Equal(t, a, b, "the image's inputs differ between stages")
	for _, st := range []systems.Stage{staging, other} {
		for _, v := range []string{st.Env, st.Owner, st.Tags["CostCenter"], "strata-argos"} {
			assert.NotContains(t, a, `"`+v, "the image's inputs name %q", v)
			assert.NotContains(t, a, v+`"`, "the image's inputs name %q", v)
		}
	}
	var in map[string]map[string]any
	require.NoError(t, json.Unmarshal([]byte(a), &in))
	tags := in[typeDist+" argos-image"]["distributions"].([]any)[0].(map[string]any)["amiDistributionConfiguration"].(map[string]any)["amiTags"]
	assert.NotContains(t, tags, "Env", "the AMI has no Env tag")
	assert.NotContains(t, tags, "Owner", "the AMI has no Owner tag")
}

// The build document installs packages only: no stage, host, account, credential or config file.
func TestBuildDocumentIsEnvironmentAgnostic(t *testing.T) {
	raw, err := os.ReadFile(buildDocument)
	require.NoError(t, err)
	doc := string(raw)
	assert.LessOrEqual(t, utf8.RuneCountInString(doc), 16000, "Image Builder takes at most 16,000 characters inline")
	assert.NotContains(t, doc, "{{", "no Image Builder variables: the document is the same in every build")
	for _, word := range []string{"staging", "production", "prod", "research-platform", ".example.org", "Env"} {
		assert.NotRegexp(t, `(?i)\b`+regexp.QuoteMeta(word)+`\b`, doc, "the document names %q", word)
	}
	assert.NotRegexp(t, `\b\d{12}\b`, doc, "no account id")
	assert.NotRegexp(t, `\b(AKIA|ASIA)[0-9A-Z]{16}\b`, doc, "no access key")
	assert.NotRegexp(t, `(?i)password|secret_key|BEGIN [A-Z ]*PRIVATE KEY`, doc, "no credential")
	assert.NotRegexp(t, `\.[a-z]{2}-[a-z]+-\d\.rds\.amazonaws\.com|\.internal\b|\b10\.\d+\.\d+\.\d+\b`, doc, "no host or address of a stage")

	var parsed struct {
		SchemaVersion any `yaml:"schemaVersion"`
		Phases        []struct {
			Name  string `yaml:"name"`
			Steps []struct {
				Name   string `yaml:"name"`
				Action string `yaml:"action"`
				Inputs struct {
					Commands []string `yaml:"commands"`
				} `yaml:"inputs"`
			} `yaml:"steps"`
		} `yaml:"phases"`
	}
	require.NoError(t, yaml.Unmarshal(raw, &parsed))
	var phases []string
	for _, ph := range parsed.Phases {
		phases = append(phases, ph.Name)
		for _, st := range ph.Steps {
			assert.Equal(t, "ExecuteBash", st.Action, "%s/%s", ph.Name, st.Name)
			require.NotEmpty(t, st.Inputs.Commands, "%s/%s", ph.Name, st.Name)
			assert.Equal(t, "set -euo pipefail", st.Inputs.Commands[0], "%s/%s stops at the first failure", ph.Name, st.Name)
		}
	}
	assert.Equal(t, []string{"build", "validate", "test"}, phases)
	assert.Contains(t, doc, "test ! -e /etc/argos", "the image proves it carries no configuration")
}
