package kotta

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-iac/strata/components/loadbalancer"
	"github.com/strata-iac/strata/internal/mock"
	"github.com/strata-iac/strata/systems"
	"github.com/strata-iac/strata/systems/schema"
)

func TestPlanDefaults(t *testing.T) {
	c := config()
	c.Platform.Pools = nil
	p, err := c.Plan(stage)
	require.NoError(t, err)
	pl := p.Platform
	require.Len(t, pl.Pools, 2)
	for i, name := range []string{"prod", "test"} {
		pp := pl.Pools[i]
		assert.Equal(t, name, pp.Name)
		assert.Equal(t, "onDemand", pp.Purchase)
		assert.Equal(t, []string{"t3.medium"}, pp.InstanceTypes)
		assert.Equal(t, 0, pp.MinSize)
		assert.Equal(t, 4, pp.MaxSize)
		assert.Equal(t, 15, pp.IdleMinutes)
		assert.Equal(t, 43200, pp.Queue.VisibilityTimeoutSeconds)
		assert.Equal(t, 5, pp.Queue.MaxReceiveCount)
	}
	assert.Equal(t, 1, pl.Web.Instances)
	assert.Equal(t, "t3.medium", pl.Web.InstanceType)
	assert.Equal(t, "prod", pl.Web.Pool)
	assert.Equal(t, SecretPlan{Group: "login", Description: `Cloud Kotta (test): the "Login with Amazon" client as JSON {"clientId": "...", "clientSecret": "..."}, put in by the operator`}, pl.Web.Login)
	assert.Equal(t, bucket, pl.Bucket)
	assert.Equal(t, "kotta-test-jobs", pl.JobsTable)
	assert.Equal(t, loadbalancer.Site{Name: "kotta", Naming: stage.Naming(App), Zone: "example.org", Priority: 300, TargetType: "instance",
		Endpoint: pl.Site.Endpoint}, pl.Site)
	assert.Equal(t, WebPort, pl.Site.Endpoint.Port)
	assert.Equal(t, "kotta.test.example.org", pl.Site.Endpoint.Domain)
	assert.Equal(t, "/", pl.Site.Endpoint.HealthCheckPath)
	assert.Nil(t, pl.Dedicated)
	assert.Equal(t, &pl.Site, pl.SharedSite())

	// Without a prod pool, the web server's generic tags name the first pool.
	c.Platform.Pools = map[string]WorkerPool{"gpu": {}, "batch": {}}
	p, err = c.Plan(stage)
	require.NoError(t, err)
	assert.Equal(t, "batch", p.Platform.Web.Pool)
}

func TestPlanLeavesTheConfigAlone(t *testing.T) {
	c := config()
	types := c.Platform.Pools["prod"].InstanceTypes
	_, err := c.Plan(stage)
	require.NoError(t, err)
	assert.Equal(t, []string{"m6id.large", "m5d.large"}, types)
	assert.Equal(t, config(), c)
}

// Bad config is refused before anything is registered, with one message per problem, naming its
// key and what is allowed.
func TestBadConfig(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(c *Config, st *systems.Stage)
		wants []string
	}{
		{"no base layer", func(c *Config, _ *systems.Stage) { c.Base = nil },
			[]string{"strata:base: is required by strata:kotta: deploy the base layer in this stack, or name the stack that has it in strata:kotta.base.stack"}},
		{"two base layers", func(c *Config, _ *systems.Stage) { c.Platform.Base.Stack = "research/strata/shared" },
			[]string{"strata:kotta.base.stack: is set together with strata:base: a platform takes its base layer from one place"}},
		{"bad stack name", func(c *Config, _ *systems.Stage) { c.Base = nil; c.Platform.Base.Stack = "research strata" },
			[]string{`strata:kotta.base.stack: "research strata" is not a stack name: use <organization>/<project>/<stack>`}},
		{"this stack", func(c *Config, _ *systems.Stage) { c.Base = nil; c.Platform.Base.Stack = "test" },
			[]string{`strata:kotta.base.stack: "test" is this stack: set strata:base here instead`}},
		{"no network", func(_ *Config, st *systems.Stage) { st.Network = false },
			[]string{"strata:kotta: the platform runs in a VPC: set strata:network"}},
		{"no pools", func(c *Config, _ *systems.Stage) { c.Platform.Pools = map[string]WorkerPool{} },
			[]string{"strata:kotta.pools: is empty: the platform needs at least one worker pool"}},
		{"pool name", func(c *Config, _ *systems.Stage) {
			c.Platform.Pools = map[string]WorkerPool{"Prod_1": {}}
			c.Platform.Web.Pool = "Prod_1"
		},
			[]string{`strata:kotta.pools.Prod_1: "Prod_1" is not allowed: use lowercase letters, digits and single hyphens, starting with a letter`}},
		{"spot with one type", func(c *Config, _ *systems.Stage) {
			c.Platform.Pools["prod"] = WorkerPool{Purchase: "spot", InstanceTypes: []string{"m6id.large"}}
		}, []string{"strata:kotta.pools.prod.instanceTypes: lists 1 type: a Spot pool needs at least two"}},
		{"purchase", func(c *Config, _ *systems.Stage) { c.Platform.Pools["test"] = WorkerPool{Purchase: "reserved"} },
			[]string{`strata:kotta.pools.test.purchase: "reserved" is not allowed: use one of onDemand, spot`}},
		{"instance types", func(c *Config, _ *systems.Stage) {
			c.Platform.Pools["prod"] = WorkerPool{Purchase: "spot", InstanceTypes: []string{"m6id.large", "m7g.large", "huge"}}
		}, []string{
			`strata:kotta.pools.prod.instanceTypes[1]: "m7g.large" is arm64 but the fleet's architecture is x86_64`,
			`strata:kotta.pools.prod.instanceTypes[2]: "huge" is not an instance type`,
		}},
		{"sizes", func(c *Config, _ *systems.Stage) {
			c.Platform.Pools["test"] = WorkerPool{MinSize: 3, MaxSize: 2, IdleMinutes: 2000}
		}, []string{
			"strata:kotta.pools.test.idleMinutes: 2000 is out of range: use 1 to 1440 minutes",
			"strata:kotta.pools.test.maxSize: 2 is below minSize 3",
		}},
		{"queue settings", func(c *Config, _ *systems.Stage) {
			c.Platform.Pools["test"] = WorkerPool{VisibilityTimeoutSeconds: 50000, MaxReceiveCount: -1, PendingQueueName: "kotta.jobs"}
		}, []string{
			`strata:kotta.pools.test.pendingQueueName: "kotta.jobs" is not allowed: use 1 to 80 letters, digits, hyphens and underscores`,
			"strata:kotta.pools.test.visibilityTimeoutSeconds: 50000 is out of range: use 0 to 43200 seconds",
			"strata:kotta.pools.test.maxReceiveCount: -1 is out of range: use 1 to 1000 receipts",
		}},
		{"queue shared by two pools", func(c *Config, _ *systems.Stage) {
			c.Platform.Pools["test"] = WorkerPool{ActiveQueueName: "kotta-test-prod-active"}
		}, []string{`strata:kotta.pools.test.activeQueueName: "kotta-test-prod-active" is also pools.prod.activeQueueName: each pool needs its own topic and queues`}},
		{"root volume", func(c *Config, _ *systems.Stage) { c.Platform.Pools["test"] = WorkerPool{RootVolumeGiB: 70000} },
			[]string{"strata:kotta.pools.test.rootVolumeGiB: "}},
		{"web", func(c *Config, _ *systems.Stage) {
			c.Platform.Web = WebServer{Domain: "Kotta.Example.org", Instances: 11, InstanceType: "t3", Pool: "gpu", HealthCheckPath: "health",
				LoginSecret: "it's secret", SessionSecret: "arn:aws:s3:::bucket"}
		}, []string{
			"strata:kotta.web.instances: 11 is out of range: use 1 to 10 instances",
			`strata:kotta.web.pool: "gpu" is not a pool: use one of prod, test`,
			`strata:kotta.web.loginSecret: "it's secret" is not a secret name or ARN`,
			`strata:kotta.web.sessionSecret: "arn:aws:s3:::bucket" is not a secret name or ARN`,
			`strata:kotta.web.domain: "Kotta.Example.org" is not a DNS name`,
			`strata:kotta.loadBalancer.zone: "example.org" does not hold the endpoint's domain "Kotta.Example.org"`,
			`strata:kotta.web.healthCheckPath: "health" is not a health check path`,
			`strata:kotta.web.instanceType: "t3" is not an instance type`,
		}},
		{"no domain on the shared load balancer", func(c *Config, _ *systems.Stage) {
			c.Platform.Web.Domain = ""
			c.Platform.LoadBalancer = schema.LoadBalancer{CertificateARN: "arn:aws:acm:us-east-2:123456789012:certificate/0123abcd-0123-abcd-0123-0123456789ab"}
		}, []string{"strata:kotta.web.domain: is required on the shared load balancer, which routes by host name"}},
		{"no certificate", func(c *Config, _ *systems.Stage) { c.Platform.LoadBalancer = schema.LoadBalancer{} },
			[]string{"strata:kotta.loadBalancer.certificateArn: HTTPS needs a certificate: set certificateArn or zone"}},
		{"own load balancer settings on the shared one", func(c *Config, _ *systems.Stage) {
			c.Platform.LoadBalancer.IdleTimeoutSeconds = 120
		}, []string{"strata:kotta.loadBalancer: deletionProtection, accessLogs, accessLogsBucket, accessLogsRetentionDays, idleTimeoutSeconds and waf configure a load balancer of the platform's own"}},
		{"dedicated load balancer settings", func(c *Config, _ *systems.Stage) {
			c.Platform.LoadBalancer.Dedicated, c.Platform.LoadBalancer.IdleTimeoutSeconds = true, 5000
		}, []string{"strata:kotta.loadBalancer.idleTimeoutSeconds: 5000 is out of range: use 1 to 4000 seconds"}},
		{"user roles", func(c *Config, _ *systems.Stage) {
			c.Platform.UserRoleARNs = []string{"arn:aws:iam::123456789012:role/*", "arn:aws:iam::123456789012:user/alice", "arn:aws:iam::123456789012:role/kotta/*"}
		}, []string{
			`strata:kotta.userRoleArns[0]: "arn:aws:iam::123456789012:role/*" is not an IAM role ARN`,
			`strata:kotta.userRoleArns[1]: "arn:aws:iam::123456789012:user/alice" is not an IAM role ARN`,
		}},
		{"image", func(c *Config, _ *systems.Stage) { c.Platform.Image = &MachineImage{ID: "ami-123"} },
			[]string{`strata:kotta.image.id: "ami-123" is not an AMI id: use ami- and 8 or 17 hex digits`}},
		{"base problems too", func(c *Config, _ *systems.Stage) {
			c.Base.ImportJobsTable, c.Base.JobsTable = "Jobs", "kotta-test-jobs"
			c.Platform.Web.Instances = -1
		}, []string{
			`strata:base.importJobsTable: "Jobs" differs from jobsTable "kotta-test-jobs"`,
			"strata:kotta.web.instances: -1 is out of range",
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, st := config(), stage
			tc.edit(&c, &st)
			res, err := mock.Run(program(c, st), runOptions)
			require.Error(t, err)
			assert.Empty(t, res.Resources(), "nothing is registered")
			problems := strings.Split(err.Error(), "\n")
			require.Len(t, problems, len(tc.wants), "problems:\n%s", err)
			for i, want := range tc.wants {
				assert.Contains(t, problems[i], want)
			}
		})
	}
}

func TestDedicatedLoadBalancer(t *testing.T) {
	c := config()
	c.Platform.Web.Domain = ""
	c.Platform.LoadBalancer = schema.LoadBalancer{Dedicated: true,
		CertificateARN: "arn:aws:acm:us-east-2:123456789012:certificate/0123abcd-0123-abcd-0123-0123456789ab"}
	res := mustDeploy(t, c)
	assert.Nil(t, res.Get(typeLB, "front"), "no site on the shared load balancer")
	lb := get(t, res, typeLB, "kotta")
	assert.Equal(t, "kotta-test-alb", lb.In("name"))
	own := get(t, res, typeGroup, "kotta-alb")
	egress := get(t, res, typeEgress, "kotta-front-out-webserver")
	assert.Equal(t, own.ID, egress.In("securityGroupId"))
	assert.Equal(t, get(t, res, typeGroup, "kotta-webserver").ID, egress.In("referencedSecurityGroupId"))
	assert.Equal(t, "https://"+lb.Out("dnsName").(string), output(t, res, "url"))
	assert.Equal(t, lb.Out("dnsName"), output(t, res, "loadBalancerDnsName"))
}

// The boot scripts are valid bash, hold no secret, and do what the README says.
func TestUserData(t *testing.T) {
	res := mustDeploy(t, config())
	web := userData(t, get(t, res, typeTemplate, "kotta-webserver"))
	worker := userData(t, get(t, res, typeTemplate, "kotta-workers-prod"))
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash to check the scripts with")
	}
	for name, script := range map[string]string{"web": web, "worker": worker} {
		path := filepath.Join(t.TempDir(), name+".sh")
		require.NoError(t, os.WriteFile(path, []byte(script), 0o600))
		out, err := exec.Command(bash, "-n", path).CombinedOutput()
		assert.NoError(t, err, "%s: %s", name, out)
		if shellcheck, err := exec.LookPath("shellcheck"); err == nil {
			out, err := exec.Command(shellcheck, path).CombinedOutput()
			assert.NoError(t, err, "%s: %s", name, out)
		}
		assert.True(t, strings.HasPrefix(script, "#!/bin/bash\n"), name)
		assert.Less(t, len(script), 16*1024, name)
		assert.Contains(t, script, "KOTTA_BUCKET='"+bucket+"'\n", name)
		assert.Contains(t, script, "KOTTA_CODE='code/cloud_kotta.tar.gz'\n", name)
	}
	assert.Contains(t, web, "KOTTA_UNITS='KOTTA_LOGIN_SECRET=kotta-test-login KOTTA_SESSION_SECRET=kotta-test-session KOTTA_PORT=8888'\n")
	assert.NotContains(t, web, "mdadm", "the web server has no scratch space")
	for _, want := range []string{
		"mountpoint -q /scratch",                      // idempotent: a mounted /scratch is left alone
		"Amazon EC2 NVMe Instance Storage",            // the instance-store disks
		"--level=0",                                   // striped
		"mdadm --assemble",                            // an existing array is reused
		`blkid -s TYPE -o value "$dev" >/dev/null ||`, // an existing file system is kept
		"chmod 1777 /scratch",                         // a plain directory without instance store
		`s3://$KOTTA_BUCKET/postmortem/$id/`,          // logs for post-mortems
		"ExecStopPost=+/usr/local/sbin/kotta-postmortem",
		"KOTTA_UNITS='KOTTA_BUCKET=" + bucket + "'\n",
	} {
		assert.Contains(t, worker, want)
	}
}
