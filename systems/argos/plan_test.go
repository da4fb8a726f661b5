package argos_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-iac/strata/components/field"
	"github.com/strata-iac/strata/components/fleet"
	"github.com/strata-iac/strata/components/loadbalancer"
	"github.com/strata-iac/strata/systems"
	"github.com/strata-iac/strata/systems/argos"
	"github.com/strata-iac/strata/systems/schema"
)

func TestPlanDefaults(t *testing.T) {
	p, err := stagingConfig().Plan(staging)
	require.NoError(t, err)

	var names []string
	for _, g := range p.Groups {
		names = append(names, g.Name)
	}
	assert.Equal(t, []string{"knowledge", "api", "front", "collector"}, names, "stores first; broker and workers off by default")
	assert.Nil(t, p.Group(argos.GroupBroker))
	assert.Nil(t, p.Group(argos.GroupWorkers))
	assert.True(t, p.Group(argos.GroupAPI).Single(), "the api is one instance unless asked for autoscaling")

	require.NotNil(t, p.Build, "staging builds the image")
	assert.Equal(t, "argos-image", p.Build.Name)
	assert.Equal(t, "argos-image-{{imagebuilder:buildDate}}", p.Build.AMIName())
	assert.Equal(t, fleet.Image{Parameter: "/imagebuilder/argos-image"}, p.Image, "servers launch from what the builds write")
	for _, g := range p.Groups {
		assert.Equal(t, p.Image, g.Fleet.Image, "group %s launches from the image", g.Name)
	}

	assert.Equal(t, "postgres", p.Database.Engine)
	assert.Equal(t, "argos", p.Database.DBName)
	assert.Equal(t, "argos", p.Database.Username)
	require.NotNil(t, p.Database.Alarms)
	assert.Equal(t, 60, p.Database.Alarms.CPUPercent)
	assert.Equal(t, 1500, p.Database.Alarms.ReadIOPS)
	assert.Equal(t, 1500, p.Database.Alarms.WriteIOPS)

	sites := p.SharedSites()
	require.Len(t, sites, 2)
	assert.Equal(t, []int{400, 401}, []int{sites[0].Priority, sites[1].Priority})
	assert.Equal(t, []int{8888, 80}, []int{sites[0].Endpoint.Port, sites[1].Endpoint.Port})
	for _, s := range sites {
		assert.Equal(t, loadbalancer.TargetInstance, s.TargetType)
	}
}

func TestPlanTakesTheImageOfAnotherStage(t *testing.T) {
	for _, tc := range []struct {
		name string
		src  argos.ImageSource
		want fleet.Image
	}{
		{"by id", argos.ImageSource{ID: "ami-0123456789abcdef0"}, fleet.Image{ID: "ami-0123456789abcdef0"}},
		{"by parameter", argos.ImageSource{Parameter: "/imagebuilder/argos-image"}, fleet.Image{Parameter: "/imagebuilder/argos-image"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := stagingConfig()
			c.Image = tc.src
			p, err := c.Plan(production)
			require.NoError(t, err)
			assert.Nil(t, p.Build, "no pipeline in a stage that takes the image")
			assert.Equal(t, tc.want, p.Image)
		})
	}
}

func TestPlanLeavesTheConfigAlone(t *testing.T) {
	c := withWorkers(productionConfig())
	before := canonical(t, c)
	p, err := c.Plan(production)
	require.NoError(t, err)
	p.Group(argos.GroupAPI).Fleet.Autoscaling.MinSize = 7
	p.Database.Alarms.Emails[0] = "changed@example.org"
	assert.Equal(t, before, canonical(t, c))
}

func TestPlanRefusesBadConfig(t *testing.T) {
	for _, tc := range []struct {
		name  string
		edit  func(c *argos.Config)
		stage systems.Stage
		want  []string
	}{
		{"nothing", func(c *argos.Config) { *c = argos.Config{} }, staging, []string{
			"strata:argos.image: is required: set build",
			"strata:argos.bucket: is required",
			"strata:argos.database: is required",
		}},
		{"no network", func(c *argos.Config) {}, systems.Stage{Stack: "x", Env: "x", Owner: "o"}, []string{
			"strata:argos: Argos runs in a VPC",
		}},
		{"build and id", func(c *argos.Config) { c.Image.ID = "ami-0123456789abcdef0" }, staging, []string{
			"strata:argos.image.id: is set together with build",
		}},
		{"id and parameter", func(c *argos.Config) {
			c.Image = argos.ImageSource{ID: "ami-0123456789abcdef0", Parameter: "/imagebuilder/argos-image"}
		}, staging, []string{"strata:argos.image: names both an id and a parameter"}},
		{"bad id", func(c *argos.Config) { c.Image = argos.ImageSource{ID: "ami-123"} }, staging, []string{
			`strata:argos.image.id: "ami-123" is not an AMI id`,
		}},
		{"bad parameter", func(c *argos.Config) { c.Image = argos.ImageSource{Parameter: "argos image"} }, staging, []string{
			`strata:argos.image.parameter: "argos image" is not an SSM parameter name`,
		}},
		{"parameter Image Builder may not write", func(c *argos.Config) { c.Image.Parameter = "/argos/image" }, staging, []string{
			`strata:argos.image.parameter: "/argos/image" is outside /imagebuilder/`,
		}},
		{"build instance of another architecture", func(c *argos.Config) { c.Image.Build.InstanceType = "t4g.large" }, staging, []string{
			`strata:argos.image.build.instanceType: "t4g.large" is arm64 but the image is x86_64`,
		}},
		{"bad schedule", func(c *argos.Config) { c.Image.Build.Schedule = "weekly" }, staging, []string{
			`strata:argos.image.build.schedule: "weekly" is not a schedule`,
		}},
		{"bad build root volume", func(c *argos.Config) { c.Image.Build.RootVolumeGiB = 20000 }, staging, []string{
			"strata:argos.image.build.rootVolumeGiB: 20000 is out of range",
		}},
		{"bad image count", func(c *argos.Config) { c.Image.Build.KeepImages = 1001 }, staging, []string{
			"strata:argos.image.build.keepImages: 1001 is out of range: use 1 to 1000 images",
		}},
		{"bad architecture", func(c *argos.Config) { c.Image.Architecture = "ppc64" }, staging, []string{
			`strata:argos.image.architecture: "ppc64" is not allowed`,
		}},
		{"not postgres", func(c *argos.Config) { c.Database.Engine, c.Database.EngineVersion = "mysql", "8.4" }, staging, []string{
			`strata:argos.database.engine: "mysql" is not allowed: Argos uses PostgreSQL`,
		}},
		{"nobody to alarm", func(c *argos.Config) { c.Database.Alarms = nil }, staging, []string{
			"strata:argos.database.alarms.emails: is required",
		}},
		{"bad alarm", func(c *argos.Config) { c.Database.Alarms.CPUPercent = 101 }, staging, []string{
			"strata:argos.database.alarms.cpuPercent: 101 is out of range",
		}},
		{"bad api mode", func(c *argos.Config) { c.API.Mode = "cluster" }, staging, []string{
			`strata:argos.api.mode: "cluster" is not allowed: use one of single, autoscaling`,
		}},
		{"scaling a single instance", func(c *argos.Config) { c.API.Scaling = &schema.Scaling{Max: 3} }, staging, []string{
			"strata:argos.api.scaling: only with mode: autoscaling",
		}},
		{"max below min", func(c *argos.Config) {
			c.API.Mode, c.API.Scaling = argos.ModeAutoscaling, &schema.Scaling{Min: 3, Max: 2}
		}, staging, []string{"strata:argos.api.scaling.max: 2 is out of range: use 3 to 100"}},
		{"instance type of another architecture", func(c *argos.Config) { c.Knowledge.InstanceType = "r7g.large" }, staging, []string{
			`strata:argos.knowledge.instanceType: "r7g.large" is arm64 but the fleet's architecture is x86_64`,
		}},
		{"root smaller than the image's", func(c *argos.Config) { c.API.RootVolumeGiB = 20 }, staging, []string{
			"strata:argos.api.rootVolumeGiB: 20 GiB is smaller than the image's root volume (30 GiB",
		}},
		{"data volume too small for its IOPS", func(c *argos.Config) {
			c.Knowledge.Data = &argos.DataVolume{SizeGiB: 10, IOPS: 6000}
		}, staging, []string{"strata:argos.knowledge.data.iops: 6000 IOPS need at least 12 GiB"}},
		{"data volume type", func(c *argos.Config) { c.Knowledge.Data = &argos.DataVolume{Type: "io2"} }, staging, []string{
			`strata:argos.knowledge.data.type: "io2" is not allowed: use one of gp3, st1`,
		}},
		{"workers without broker", func(c *argos.Config) { c.Workers = &argos.Workers{Enabled: ptr(true)} }, staging, []string{
			"strata:argos.workers.enabled: needs the broker",
		}},
		{"bad purchase", func(c *argos.Config) {
			*c = withWorkers(*c)
			c.Workers.Purchase = "reserved"
		}, staging, []string{`strata:argos.workers.purchase: "reserved" is not allowed: use one of onDemand, spot, mixed`}},
		{"domain without certificate", func(c *argos.Config) { c.LoadBalancer = nil }, staging, []string{
			"strata:argos.loadBalancer: is required with api.domain",
			"strata:argos.loadBalancer: is required with front.domain",
		}},
		{"certificate without domain", func(c *argos.Config) { c.API.Domain, c.Front.Domain = "", "" }, staging, []string{
			"strata:argos.loadBalancer: is set but no site uses it",
		}},
		{"dedicated load balancer", func(c *argos.Config) { c.LoadBalancer.Dedicated = true }, staging, []string{
			"strata:argos.loadBalancer: Argos' sites are on the stage's shared load balancer",
		}},
		{"no certificate", func(c *argos.Config) { c.LoadBalancer.Zone = "" }, staging, []string{
			"strata:argos.loadBalancer.certificateArn: HTTPS needs a certificate",
		}},
		{"zone without the domains", func(c *argos.Config) { c.LoadBalancer.Zone = "example.com" }, staging, []string{
			`strata:argos.loadBalancer.zone: "example.com" does not hold the endpoint's domain "api.argos.example.org"`,
			`strata:argos.loadBalancer.zone: "example.com" does not hold the endpoint's domain "argos.example.org"`,
		}},
		{"bad domain", func(c *argos.Config) { c.API.Domain = "API.example" }, staging, []string{
			`strata:argos.api.domain: "API.example" is not a domain name`,
			`strata:argos.loadBalancer.zone: "example.org" does not hold the endpoint's domain "API.example"`,
		}},
		{"site of a disabled group", func(c *argos.Config) { c.Front.Enabled = ptr(false) }, staging, []string{
			"strata:argos.front.domain: is set but the front is disabled",
		}},
		{"health check without site", func(c *argos.Config) { c.API.Domain, c.API.HealthCheckPath = "", "/health" }, staging, []string{
			"strata:argos.api.healthCheckPath: is set but the api has no site",
		}},
		{"bad health check path", func(c *argos.Config) { c.API.HealthCheckPath = "health" }, staging, []string{
			`strata:argos.api.healthCheckPath: "health" is not a health check path`,
		}},
		{"plain HTTP for a disabled collector", func(c *argos.Config) {
			c.Collector = &argos.CollectorServer{Server: argos.Server{Enabled: ptr(false)}, PlainHTTP: true}
		}, staging, []string{"strata:argos.collector.plainHttp: is set but the collector is disabled"}},
		{"force destroy in a protected stage", func(c *argos.Config) { c.ForceDestroy = true }, production, []string{
			"strata:argos.forceDestroy: must be false for a protected bucket",
		}},
		{"bad bucket", func(c *argos.Config) { c.Bucket = "Argos_Data" }, staging, []string{
			`strata:argos.bucket: "Argos_Data"`,
		}},
		{"several at once", func(c *argos.Config) {
			c.Image = argos.ImageSource{ID: "ami-1"}
			c.Database.Alarms.Emails = nil
			c.API.Mode = "many"
		}, staging, []string{
			`strata:argos.image.id: "ami-1" is not an AMI id`,
			"strata:argos.database.alarms.emails: is required",
			`strata:argos.api.mode: "many" is not allowed`,
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := stagingConfig()
			tc.edit(&c)
			_, err := c.Plan(tc.stage)
			require.Error(t, err)
			problems := field.Problems(err)
			require.Len(t, problems, len(tc.want), "got:\n%v", err)
			for i, w := range tc.want {
				assert.True(t, strings.HasPrefix(problems[i].Error(), w), "problem %d:\n got  %s\n want %s…", i, problems[i], w)
			}
		})
	}
}

// A config the plan refuses registers nothing, and the same config registers everything once
// fixed.
func TestBadConfigRegistersNothing(t *testing.T) {
	c := stagingConfig()
	c.Knowledge.InstanceType = "r7g.large"
	res, err := deploy(c, staging)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "strata:argos.knowledge.instanceType")
	assert.Empty(t, res.Resources())

	res = mustDeploy(t, stagingConfig(), staging)
	assert.NotEmpty(t, res.ByType(typeInstance))
}

// Every value the plan accepts is one New accepts: New never fails after registering resources.
func TestPlannedArgsAreValid(t *testing.T) {
	for name, tc := range map[string]struct {
		c  argos.Config
		st systems.Stage
	}{
		"staging":              {stagingConfig(), staging},
		"production":           {productionConfig(), production},
		"production + workers": {withWorkers(productionConfig()), production},
	} {
		t.Run(name, func(t *testing.T) {
			p, err := tc.c.Plan(tc.st)
			require.NoError(t, err)
			for _, g := range p.Groups {
				a := g.Fleet
				a.VPCID, a.SubnetIDs = pulumi.String("vpc-1"), pulumi.StringArray{pulumi.String("subnet-1")}
				a.Instances = slices.Clone(a.Instances)
				for i := range a.Instances {
					a.Instances[i].SubnetID = pulumi.String("subnet-1")
				}
				assert.NoError(t, a.Validate(), "group %s", g.Name)
			}
		})
	}
}
