package kotta

import (
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-iac/strata/components/app"
	"github.com/strata-iac/strata/components/base"
	"github.com/strata-iac/strata/components/field"
	"github.com/strata-iac/strata/components/fleet"
	"github.com/strata-iac/strata/components/loadbalancer"
	"github.com/strata-iac/strata/components/naming"
	"github.com/strata-iac/strata/components/queue"
	"github.com/strata-iac/strata/components/secgroup"
	"github.com/strata-iac/strata/systems"
	"github.com/strata-iac/strata/systems/schema"
)

// The instance tags the app reads its settings from, with DescribeInstances on its own instance:
// its configuration interface, which the web server and every worker carry alongside the naming
// convention's tags. The web server also carries <Pool>JobsSNSTopicARN (ProdJobsSNSTopicARN,
// TestJobsSNSTopicARN, …) for each pool, the topic it publishes a job to when a user picks the pool.
const (
	TagJobsTable    = "DynamoDBTableName"
	TagPendingQueue = "JobsQueueName"
	TagActiveQueue  = "ActiveQueueName"
	TagTopicName    = "JobsSNSTopicName"
	TagTopicARN     = "JobsSNSTopicARN"
	TagRole         = "role"
	// RoleWorker and RoleWeb are the values of the role tag.
	RoleWorker = "Worker"
	RoleWeb    = "WebServer"
)

// The platform's fixed facts and defaults.
const (
	// WebPort is where the web server listens, behind the load balancer.
	WebPort = 8888
	// CodeKey is the app's tarball in the jobs bucket, which every instance unpacks at boot.
	CodeKey = "code/cloud_kotta.tar.gz"
	// priority is the web server's listener rule priority on the shared load balancer.
	priority = 300
	// groupWeb names the web server's resources; "web" is the base layer's web role.
	groupWeb = "webserver"
	// workersGroup prefixes each pool's fleet: kotta-<env>-workers-<pool>.
	workersGroup          = "workers-"
	defaultInstanceType   = "t3.medium"
	defaultWebInstances   = 1
	maxWebInstances       = 10
	defaultMaxWorkers     = 4
	defaultIdleMinutes    = 15
	defaultMaxJobHours    = 48
	maxJobHours           = 336  // the active queue's 14-day retention
	maxIdleMinutes        = 1440 // one-minute periods spanning at most a day (CloudWatch)
	maxPoolName           = 20
	scaleOutWarmupSeconds = 300
	// webGraceSeconds covers the boot: packages, the app's tarball and the secrets.
	webGraceSeconds = 600
	// Purchase options of a pool.
	onDemand = "onDemand"
	spot     = "spot"
)

// Platform configures Cloud Kotta's job platform (strata:kotta): the web server behind HTTPS, a
// job queue per worker pool (an encrypted SNS topic delivering to a pending SQS queue with a
// dead-letter queue, and an active queue) and the pools, autoscaling groups that grow while jobs
// wait and shrink when none runs. It needs strata:network and a base layer.
type Platform struct {
	// Base says where the base layer (jobs bucket, tables, role policies) comes from. Default: this
	// stack's strata:base, which must then be set.
	Base BaseSource `json:"base"`
	// Web is the web server.
	Web WebServer `json:"web"`
	// Pools lists the worker pools by name (lowercase letters, digits and single hyphens, starting
	// with a letter; at most 20 characters), each with its own job queue and autoscaling group. A
	// user picks the pool of each job; the app knows prod and test. Default {"prod": {}, "test":
	// {}}.
	Pools map[string]WorkerPool `json:"pools"`
	// Image is the AMI of the web server and the workers. It must hold the app's runtime: the
	// Python interpreter and the packages the app imports, besides the AWS CLI, curl and python3
	// that the boot script uses. Default the current Amazon Linux 2023 for the instance types'
	// architecture, which has the tools but not the app's runtime: bake an image for production.
	Image *MachineImage `json:"image"`
	// LoadBalancer is the web server's HTTPS site: certificateArn or zone (which needs
	// web.domain), on the stage's shared load balancer (listener rule priority 300) or, with
	// dedicated, on one of its own.
	LoadBalancer schema.LoadBalancer `json:"loadBalancer"`
	// UserRoleARNs lists the IAM roles of the app's users (the Users table's role, in the account
	// the app's iam.project setting names), which the web server and the workers assume to reach
	// a job's inputs and outputs with the user's own permissions: role ARNs, each may end in * after
	// a path or name prefix, e.g. arn:aws:iam::123456789012:role/kotta-users/*. Those roles must
	// trust the web server's and the pools' roles. Default none: jobs then cannot stage inputs.
	UserRoleARNs []string `json:"userRoleArns"`
	// InstanceMetadataV1 lets the web server and the workers read instance metadata without a
	// session token (IMDSv1). The upstream app sends none: it reads its role's credentials and
	// instance id, and a worker its start time, with plain GET requests, which IMDSv2 refuses, so
	// an unmodified app fails at start without this. Default false: IMDSv2 only, for an app
	// changed to send a token (see the README). strata check reports it as a deliberate exception.
	InstanceMetadataV1 bool `json:"instanceMetadataV1"`
}

// BaseSource says where the platform's base layer comes from.
type BaseSource struct {
	// Stack is another stack whose kotta output is a base layer (a stack with strata:base), as
	// <organization>/<project>/<stack>, e.g. research/strata/kotta-base: the platform reads the
	// bucket, the tables and the role policies through a stack reference, so several platforms
	// share one base layer and its history. Not together with strata:base. Default: none.
	Stack string `json:"stack"`
}

// WebServer configures the web server: instances of an autoscaling group in the private subnets,
// serving port 8888 to the load balancer.
type WebServer struct {
	// Domain is the web interface's public DNS name, e.g. kotta.example.org: required on the
	// shared load balancer, which routes by host name.
	Domain string `json:"domain"`
	// Instances is how many web servers run, 1 to 10. Default 1.
	Instances int `json:"instances"`
	// InstanceType is the instance type, family.size, e.g. t3.medium (default).
	InstanceType string `json:"instanceType"`
	// HealthCheckPath is where the load balancer checks the web server, starting with /. Default /.
	HealthCheckPath string `json:"healthCheckPath"`
	// Pool is the worker pool whose topic and queues the web server's JobsSNSTopicName,
	// JobsSNSTopicARN, JobsQueueName and ActiveQueueName tags name. Default prod, or else the first
	// pool by name.
	Pool string `json:"pool"`
	// LoginSecret is an existing Secrets Manager secret (name or ARN) holding the "Login with
	// Amazon" client as JSON: {"clientId": "...", "clientSecret": "..."}. Default: the empty secret
	// kotta-<env>-login, which strata creates and you fill in (see the README).
	LoginSecret string `json:"loginSecret"`
	// SessionSecret is an existing secret (name or ARN) holding the session cookie keys as JSON:
	// {"encryptKey": "...", "validateKey": "..."}. Default: the empty secret kotta-<env>-session,
	// which strata creates and you fill in.
	SessionSecret string `json:"sessionSecret"`
}

// WorkerPool configures one worker pool and its job queue.
type WorkerPool struct {
	// Purchase is how the workers are bought: onDemand (default) or spot, every instance on Spot,
	// allocated capacity-optimized over instanceTypes and replaced ahead of an interruption.
	Purchase string `json:"purchase"`
	// InstanceTypes lists the instance types, family.size, all of one architecture, e.g.
	// [m6id.xlarge, m5d.xlarge]: a Spot pool needs at least two, to draw on several capacity
	// pools. Types with instance-store disks (the d in m6id) get them striped into /scratch.
	// Default [t3.medium].
	InstanceTypes []string `json:"instanceTypes"`
	// MinSize is the fewest workers, 0 (default) or more.
	MinSize int `json:"minSize"`
	// MaxSize is the most workers, at least minSize and 1. Default the larger of minSize and 4.
	MaxSize int `json:"maxSize"`
	// IdleMinutes is how long no job may run before one worker is removed (and then one more each
	// minute), 1 to 1440. Default 15.
	IdleMinutes int `json:"idleMinutes"`
	// MaxJobHours is the longest a job may run: a job still in the active queue after about this
	// long while its worker lives (a job the app left without a final status) is dropped from the
	// queue by the watcher, so that it no longer keeps the pool from shrinking. 1 to 336 (the
	// queue keeps messages 14 days). Default 48.
	MaxJobHours int `json:"maxJobHours"`
	// RootVolumeGiB sizes each worker's encrypted gp3 root volume, which holds /scratch on types
	// without instance-store disks. Default 30; 8 to 65536.
	RootVolumeGiB int `json:"rootVolumeGiB"`
	// VisibilityTimeoutSeconds is how long a job taken from the pending queue stays hidden from
	// other workers before it runs again elsewhere: 0 to 43200. Default 43200 (12 hours).
	VisibilityTimeoutSeconds int `json:"visibilityTimeoutSeconds"`
	// MaxReceiveCount moves a job taken this many times without finishing to the pool's dead-letter
	// queue: 1 to 1000. Default 5.
	MaxReceiveCount int `json:"maxReceiveCount"`
	// TopicName names the pool's topic: 1 to 256 letters, digits, hyphens and underscores, e.g. to
	// keep a migrated deployment's. A new name replaces the topic. Default kotta-<env>-<pool>-jobs.
	TopicName string `json:"topicName"`
	// PendingQueueName names the queue the topic delivers to: 1 to 80 letters, digits, hyphens and
	// underscores. A new name replaces the queue, and the jobs waiting in it are lost. Default
	// kotta-<env>-<pool>-pending.
	PendingQueueName string `json:"pendingQueueName"`
	// ActiveQueueName names the queue of the jobs being run (as pendingQueueName). Default
	// kotta-<env>-<pool>-active.
	ActiveQueueName string `json:"activeQueueName"`
	// DeadLetterQueueName names the pending queue's dead-letter queue (as pendingQueueName).
	// Default kotta-<env>-<pool>-pending-dlq.
	DeadLetterQueueName string `json:"deadLetterQueueName"`
}

// MachineImage is where the AMI comes from: id or parameter, one of the two.
type MachineImage struct {
	// ID is a baked AMI: ami- and 8 or 17 hex digits.
	ID string `json:"id"`
	// Parameter is an SSM parameter holding the AMI id, resolved at every launch, e.g.
	// /aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64.
	Parameter string `json:"parameter"`
}

// PlatformPlan is the job platform prepared for a stage.
type PlatformPlan struct {
	Naming  naming.Convention
	Protect bool
	// BaseStack is the stack whose kotta output is the base layer; empty: this stack's.
	BaseStack string
	// Bucket and JobsTable are this stack's base layer's names, BaseKMSKeyARN its customer
	// managed key (empty for AWS managed keys); all empty with BaseStack.
	Bucket, JobsTable, BaseKMSKeyARN string
	// Image is the AMI of every instance; zero for the default.
	Image fleet.Image
	Web   WebPlan
	// Pools are the worker pools, by name.
	Pools []PoolPlan
	// Site is the web server's HTTPS site.
	Site loadbalancer.Site
	// Dedicated is the platform's own load balancer, serving only Site; nil puts Site on the shared
	// one.
	Dedicated *loadbalancer.Args
	// UserRoles are the users' roles the instances may assume.
	UserRoles []string
	// IMDSv1 lets the instances read instance metadata without a token.
	IMDSv1 bool
}

// WebPlan is the web server, prepared.
type WebPlan struct {
	Instances    int
	InstanceType string
	// Pool names the pool of the generic queue and topic tags.
	Pool string
	// Login and Session are the web server's secrets.
	Login, Session SecretPlan
}

// SecretPlan is one of the web server's secrets: one strata creates empty, or an existing one.
type SecretPlan struct {
	// Group names the secret strata creates, <app>-<env>-<group>; empty for an existing one.
	Group string
	// Ref is the existing secret's name or ARN; empty for one strata creates.
	Ref string
	// Description says what the secret holds.
	Description string
}

// PoolPlan is one worker pool, prepared.
type PoolPlan struct {
	Name          string
	Purchase      string
	InstanceTypes []string
	MinSize       int
	MaxSize       int
	IdleMinutes   int
	MaxJobHours   int
	RootVolumeGiB int
	// Queue is the pool's job queue.
	Queue queue.Args
}

// queueKeys are the config keys of the queue's arguments that the config names differently.
var queueKeys = map[string]string{"pendingName": "pendingQueueName", "activeName": "activeQueueName", "deadLetterName": "deadLetterQueueName"}

var (
	// Stack reference names: [<organization>/][<project>/]<stack>, each part letters, digits, -, _, .
	stackRefRE  = regexp.MustCompile(`^([A-Za-z0-9_.-]{1,100}/){0,2}[A-Za-z0-9_.-]{1,100}$`)
	secretRefRE = regexp.MustCompile(`^([A-Za-z0-9/_+=.@-]{1,512}|arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]{1,512})$`)
	domainRE    = regexp.MustCompile(`^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$`)
	// A role ARN, or a prefix of role ARNs with at least one character of path or name.
	roleARNRE = regexp.MustCompile(`^arn:aws[a-z-]*:iam::\d{12}:role/[A-Za-z0-9+=,.@_/-]{1,512}\*?$`)
)

// Plan applies the defaults and the platform's rules, and reports every problem with paths
// relative to strata:kotta. b is the same stack's base layer, nil without strata:base; without
// either, the caller reports that the platform has no base layer.
func (c Platform) Plan(st systems.Stage, b *base.Args) (PlatformPlan, error) {
	var errs field.Errors
	p := PlatformPlan{Naming: st.Naming(App), Protect: st.Protect, BaseStack: c.Base.Stack, IMDSv1: c.InstanceMetadataV1}
	if !st.Network {
		errs.Add("", "the platform runs in a VPC: set strata:network (a new VPC, or an existing one by id)")
	}
	switch stack := c.Base.Stack; {
	case stack == "" && b == nil:
		// No base layer at all: Config.Plan reports it at strata:base.
	case stack != "" && b != nil:
		errs.Add("base.stack", "is set together with %s: a platform takes its base layer from one place; remove one of the two", systems.Key(KeyBase))
	case stack != "" && !stackRefRE.MatchString(stack):
		errs.Add("base.stack", "%q is not a stack name: use <organization>/<project>/<stack>, each part letters, digits, hyphens, underscores and dots", stack)
	case stack == st.Stack:
		errs.Add("base.stack", "%q is this stack: set %s here instead", stack, systems.Key(KeyBase))
	case b != nil:
		p.Bucket, p.JobsTable, p.BaseKMSKeyARN = b.JobsBucket, b.JobsTable, b.KMSKeyARN
	}
	if c.Image != nil {
		p.Image = fleet.Image{ID: c.Image.ID, Parameter: c.Image.Parameter}
	}
	for i, arn := range c.UserRoleARNs {
		if !roleARNRE.MatchString(arn) {
			errs.Add(field.Index("userRoleArns", i), "%q is not an IAM role ARN: use arn:aws:iam::<account>:role/<path/><name>, or end it with * after a path or name prefix, e.g. arn:aws:iam::123456789012:role/kotta-users/*", arn)
		}
	}
	p.UserRoles = slices.Clone(c.UserRoleARNs)
	p.planPools(c.Pools, &errs)
	p.planWeb(c.Web, &errs)
	p.planSite(st, c.Web, c.LoadBalancer, &errs)
	p.checkFleets(&errs)
	return p, errs.Err()
}

func (p *PlatformPlan) planPools(pools map[string]WorkerPool, errs *field.Errors) {
	if pools == nil {
		pools = map[string]WorkerPool{"prod": {}, "test": {}}
	}
	if len(pools) == 0 {
		errs.Add("pools", "is empty: the platform needs at least one worker pool, e.g. {\"prod\": {}}")
	}
	names := map[string]string{} // physical topic and queue names → where they were set
	for _, name := range slices.Sorted(maps.Keys(pools)) {
		c, at := pools[name], field.Join("pools", name)
		errs.Check(at, naming.Identifier(name, maxPoolName))
		pp := PoolPlan{
			Name:          name,
			Purchase:      or(c.Purchase, onDemand),
			InstanceTypes: slices.Clone(c.InstanceTypes),
			MinSize:       c.MinSize,
			MaxSize:       c.MaxSize,
			IdleMinutes:   c.IdleMinutes,
			MaxJobHours:   or(c.MaxJobHours, defaultMaxJobHours),
			RootVolumeGiB: c.RootVolumeGiB,
			Queue: queue.Args{
				Naming:                   p.Naming,
				Group:                    name,
				TopicName:                c.TopicName,
				PendingName:              c.PendingQueueName,
				ActiveName:               c.ActiveQueueName,
				DeadLetterName:           c.DeadLetterQueueName,
				VisibilityTimeoutSeconds: c.VisibilityTimeoutSeconds,
				MaxReceiveCount:          c.MaxReceiveCount,
			}.WithDefaults(),
		}
		if len(pp.InstanceTypes) == 0 {
			pp.InstanceTypes = []string{defaultInstanceType}
		}
		if pp.MaxSize == 0 {
			pp.MaxSize = max(pp.MinSize, defaultMaxWorkers)
		}
		if pp.IdleMinutes == 0 {
			pp.IdleMinutes = defaultIdleMinutes
		}
		errs.OneOf(field.Join(at, "purchase"), pp.Purchase, onDemand, spot)
		if pp.Purchase == spot && len(pp.InstanceTypes) < 2 {
			errs.Add(field.Join(at, "instanceTypes"), "lists %d type: a Spot pool needs at least two, so that capacity-optimized allocation can draw on several Spot capacity pools", len(pp.InstanceTypes))
		}
		errs.Range(field.Join(at, "idleMinutes"), pp.IdleMinutes, 1, maxIdleMinutes, "minutes")
		errs.Range(field.Join(at, "maxJobHours"), pp.MaxJobHours, 1, maxJobHours, "hours")
		for _, e := range field.Problems(pp.Queue.Validate()) {
			if e.Path == "group" {
				continue // the pool's name, reported above
			}
			errs.Add(field.Join(at, or(queueKeys[e.Path], e.Path)), "%s", e.Msg)
		}
		n := pp.Queue.Names()
		for _, q := range []struct{ key, name string }{{"topicName", n.Topic}, {"pendingQueueName", n.Pending},
			{"activeQueueName", n.Active}, {"deadLetterQueueName", n.DeadLetter}} {
			if other, ok := names[q.name]; ok && !strings.HasPrefix(other, at+".") {
				errs.Add(field.Join(at, q.key), "%q is also %s: each pool needs its own topic and queues", q.name, other)
			}
			names[q.name] = field.Join(at, q.key)
		}
		p.Pools = append(p.Pools, pp)
	}
}

func (p *PlatformPlan) planWeb(c WebServer, errs *field.Errors) {
	w := WebPlan{Instances: c.Instances, InstanceType: or(c.InstanceType, defaultInstanceType), Pool: c.Pool}
	if w.Instances == 0 {
		w.Instances = defaultWebInstances
	}
	errs.Range("web.instances", w.Instances, 1, maxWebInstances, "instances")
	if w.Pool == "" && len(p.Pools) > 0 {
		w.Pool = p.Pools[0].Name
		if p.pool("prod") != nil {
			w.Pool = "prod"
		}
	}
	if w.Pool != "" && p.pool(w.Pool) == nil {
		errs.Add("web.pool", "%q is not a pool: use one of %s", w.Pool, strings.Join(p.poolNames(), ", "))
	}
	secret := func(key, ref, group, what string) SecretPlan {
		s := SecretPlan{Ref: ref, Description: "Cloud Kotta (" + p.Naming.Env + "): " + what + ", put in by the operator"}
		if ref == "" {
			s.Group = group
		} else if !secretRefRE.MatchString(ref) {
			errs.Add(field.Join("web", key), "%q is not a secret name or ARN: use 1 to 512 letters, digits and / _ + = . @ -, or arn:aws:secretsmanager:<region>:<account>:secret:<name>", ref)
		}
		return s
	}
	w.Login = secret("loginSecret", c.LoginSecret, "login", `the "Login with Amazon" client as JSON {"clientId": "...", "clientSecret": "..."}`)
	w.Session = secret("sessionSecret", c.SessionSecret, "session", `the session cookie keys as JSON {"encryptKey": "...", "validateKey": "..."}`)
	p.Web = w
}

func (p *PlatformPlan) planSite(st systems.Stage, web WebServer, lb schema.LoadBalancer, errs *field.Errors) {
	p.Site = lb.Site()
	p.Site.Name, p.Site.Naming, p.Site.Priority, p.Site.TargetType = App, p.Naming, priority, loadbalancer.TargetInstance
	p.Site.Endpoint = app.Endpoint{Port: WebPort, Domain: web.Domain, HealthCheckPath: web.HealthCheckPath}.WithDefaults()
	if d := web.Domain; d != "" && (len(d) > 253 || !domainRE.MatchString(d)) {
		errs.Add("web.domain", "%q is not a DNS name: use lowercase labels separated by dots, e.g. kotta.example.org", d)
	}
	for _, e := range field.Problems(p.Site.Validate()) {
		switch e.Path {
		case "certificateArn", "zone":
			errs.Add(field.Join("loadBalancer", e.Path), "%s", e.Msg)
		case "endpoint.healthCheckPath":
			errs.Add("web.healthCheckPath", "%s", e.Msg)
		case "naming":
			errs.Add("", "%s", e.Msg)
		}
	}
	if lb.Dedicated {
		d := lb.Front.Args(st.Protect)
		d.Naming = p.Naming
		for _, e := range field.Problems(d.Validate()) {
			if e.Path != "sites" {
				errs.Add(field.Join("loadBalancer", e.Path), "%s", e.Msg)
			}
		}
		p.Dedicated = &d
		return
	}
	if lb.Front != (schema.Front{}) {
		errs.Add("loadBalancer", "deletionProtection, accessLogs, accessLogsBucket, accessLogsRetentionDays, idleTimeoutSeconds and waf configure a load balancer of the platform's own: set dedicated: true, or configure the shared one under %s", systems.Key("front"))
	}
	if web.Domain == "" {
		errs.Add("web.domain", "is required on the shared load balancer, which routes by host name: set the web interface's domain, or give the platform its own load balancer (loadBalancer.dedicated: true)")
	}
}

// SharedSite returns the web server's site on the shared load balancer, or nil with a dedicated
// one.
func (p PlatformPlan) SharedSite() *loadbalancer.Site {
	if p.Dedicated != nil {
		return nil
	}
	s := p.Site
	return &s
}

func (p PlatformPlan) pool(name string) *PoolPlan {
	for i := range p.Pools {
		if p.Pools[i].Name == name {
			return &p.Pools[i]
		}
	}
	return nil
}

func (p PlatformPlan) poolNames() []string {
	var out []string
	for _, pp := range p.Pools {
		out = append(out, pp.Name)
	}
	return out
}

// wiring is what the fleets take from the resources created before them. Plan checks the fleets'
// arguments with stand-ins (placeholders).
type wiring struct {
	vpcID     pulumi.StringInput
	subnetIDs pulumi.StringArrayInput
	// bucket and jobsTable are the base layer's.
	bucket, jobsTable string
	// queues are the pools' job queues, by pool name.
	queues map[string]queueRefs
	// policy is the fleet's own permissions, basePolicy the base layer's web or worker policy.
	policy, basePolicy pulumi.StringInput
	// targetGroups and frontGroup are the web server's load balancer's target group and security
	// group.
	targetGroups pulumi.StringArrayInput
	frontGroup   pulumi.StringInput
	// loginSecret and sessionSecret are the names or ARNs the web server reads.
	loginSecret, sessionSecret string
	dependsOn                  []pulumi.Resource
}

// queueRefs is what the fleets know of a pool's queue: names and topic ARN as plain values (for
// tags) and the queues' names as outputs (for the alarms, which then follow the queues).
type queueRefs struct {
	names           queue.Names
	topicARN        string
	pending, active pulumi.StringInput
}

// placeholders stand in for the wiring when Plan checks the fleets: the longest values AWS could
// give, so that length limits (user data) hold for the real ones.
func (p PlatformPlan) placeholders() wiring {
	w := wiring{
		vpcID:         pulumi.String("vpc-00000000000000000"),
		subnetIDs:     pulumi.StringArray{pulumi.String("subnet-00000000000000000")},
		bucket:        strings.Repeat("b", 63),
		jobsTable:     or(p.JobsTable, "placeholder"),
		queues:        map[string]queueRefs{},
		policy:        pulumi.String("{}"),
		basePolicy:    pulumi.String("arn:aws:iam::000000000000:policy/placeholder"),
		targetGroups:  pulumi.StringArray{pulumi.String("arn:aws:elasticloadbalancing:placeholder")},
		frontGroup:    pulumi.String("sg-00000000000000000"),
		loginSecret:   or(p.Web.Login.Ref, p.Naming.Name(p.Web.Login.Group)),
		sessionSecret: or(p.Web.Session.Ref, p.Naming.Name(p.Web.Session.Group)),
	}
	if p.Bucket != "" {
		w.bucket = p.Bucket
	}
	for _, pp := range p.Pools {
		n := pp.Queue.Names()
		w.queues[pp.Name] = queueRefs{names: n, topicARN: "arn:aws-us-gov:sns:ap-southeast-4:000000000000:" + n.Topic,
			pending: pulumi.String(n.Pending), active: pulumi.String(n.Active)}
	}
	return w
}

// checkFleets checks the fleets' arguments and reports each problem at the config key it comes
// from, unless a problem of that key is already reported.
func (p PlatformPlan) checkFleets(errs *field.Errors) {
	w := p.placeholders()
	reported := slices.Clone(*errs)
	report := func(a fleet.Args, at string, keys map[string]string) {
		for _, e := range field.Problems(a.Validate()) {
			path := e.Path
			switch {
			case strings.HasPrefix(path, "naming"), path == "autoscaling.desiredCapacity":
				// The stage's, reported with strata:env and strata:owner; the starting size is
				// minSize, whose own problems say it.
				continue
			case strings.HasPrefix(path, "image"):
			case strings.HasPrefix(path, "instanceTypes"), path == "architecture":
				path = keys["instanceTypes"]
				if i := strings.TrimPrefix(e.Path, "instanceTypes"); strings.HasPrefix(i, "[") && keys["list"] != "" {
					path += i
				}
			case strings.HasPrefix(path, "rootVolume"):
				path = keys["rootVolume"]
			case strings.HasPrefix(path, "autoscaling.stepScaling"):
				path = field.Join(at, keys["scaling"])
			case strings.HasPrefix(path, "autoscaling."):
				path = field.Join(at, keys[strings.TrimPrefix(path, "autoscaling.")])
			default:
				path = at
			}
			if !reported.Covers(path) {
				reported.Add(path, "%s", e.Msg)
				errs.Add(path, "%s", e.Msg)
			}
		}
	}
	report(p.webFleet(w), "web", map[string]string{"instanceTypes": "web.instanceType", "rootVolume": "web",
		"minSize": "instances", "maxSize": "instances"})
	for _, pp := range p.Pools {
		if naming.Identifier(pp.Name, maxPoolName) != nil {
			continue // the fleet's names would only restate the pool name's problem
		}
		at := field.Join("pools", pp.Name)
		report(p.poolFleet(pp, w), at, map[string]string{"instanceTypes": field.Join(at, "instanceTypes"), "list": "yes",
			"rootVolume": field.Join(at, "rootVolumeGiB"), "minSize": "minSize", "maxSize": "maxSize", "scaling": "idleMinutes"})
	}
}

// architecture is the architecture of the first instance type (the fleet checks the others).
func architecture(types []string) string {
	if arch, ok := fleet.InstanceArchitecture(types[0]); ok {
		return arch
	}
	return fleet.ArchX86
}

// webFleet is the web server's autoscaling group: a fixed number of instances registered with
// the site's target group, admitting the load balancer on the web port.
func (p PlatformPlan) webFleet(w wiring) fleet.Args {
	types := []string{p.Web.InstanceType}
	return fleet.Args{
		Naming:        p.Naming,
		Group:         groupWeb,
		Description:   "Cloud Kotta web server (" + p.Naming.Env + ")",
		VPCID:         w.vpcID,
		SubnetIDs:     w.subnetIDs,
		Image:         p.Image,
		Architecture:  architecture(types),
		InstanceTypes: types,
		UserData:      p.userData(RoleWeb, w),
		IMDSv1:        p.IMDSv1,
		Role:          fleet.Permissions{Policy: w.policy, Attach: map[string]pulumi.StringInput{"base": w.basePolicy}},
		SecurityGroup: fleet.Rules{Ingress: []secgroup.Rule{{
			Name: "from-alb", Description: "The web server port from the load balancer", FromPort: WebPort, SecurityGroupID: w.frontGroup,
		}}},
		Autoscaling: &fleet.Autoscaling{
			MinSize:                 p.Web.Instances,
			MaxSize:                 p.Web.Instances,
			TargetGroupARNs:         w.targetGroups,
			HealthCheckGraceSeconds: webGraceSeconds,
			Tags:                    p.webTags(w),
			// The app's settings are tags, which reach an instance only at launch.
			Refresh: fleet.Refresh{OnTagChange: true},
		},
		DependsOn: w.dependsOn,
	}
}

// poolFleet is a pool's autoscaling group: from minSize, more workers while jobs wait in the
// pending queue (more at once the longer the backlog), one fewer each minute once no job has run
// for idleMinutes.
func (p PlatformPlan) poolFleet(pp PoolPlan, w wiring) fleet.Args {
	q := w.queues[pp.Name]
	out := fleet.ScaleOutOnQueue("jobs-waiting", q.pending)
	out.WarmupSeconds = scaleOutWarmupSeconds
	// Instances still warming up count as capacity, so one alarm asking again for the same step
	// adds nothing until they are warm: a backlog gets a step sized to it.
	out.Adjustment, out.Steps = 0, scaleOutSteps
	purchase := fleet.OnDemand
	if pp.Purchase == spot {
		purchase = fleet.Spot
	}
	return fleet.Args{
		Naming:        p.Naming,
		Group:         workersGroup + pp.Name,
		Description:   "Cloud Kotta workers of pool " + pp.Name + " (" + p.Naming.Env + ")",
		VPCID:         w.vpcID,
		SubnetIDs:     w.subnetIDs,
		Image:         p.Image,
		Architecture:  architecture(pp.InstanceTypes),
		InstanceTypes: pp.InstanceTypes,
		RootVolume:    fleet.RootVolume{SizeGiB: pp.RootVolumeGiB},
		UserData:      p.userData(RoleWorker, w),
		IMDSv1:        p.IMDSv1,
		Role:          fleet.Permissions{Policy: w.policy, Attach: map[string]pulumi.StringInput{"base": w.basePolicy}},
		SecurityGroup: fleet.Rules{Egress: []secgroup.Rule{
			{Name: "https", Description: "Session Manager, AWS APIs, package repositories and job inputs over HTTPS", FromPort: 443, CIDR: "0.0.0.0/0"},
			// The app fetches a job's URL inputs only by plain HTTP (http:// URLs).
			{Name: "http", Description: "Job inputs by http:// URL", FromPort: 80, CIDR: "0.0.0.0/0"},
		}},
		Autoscaling: &fleet.Autoscaling{
			MinSize:     pp.MinSize,
			MaxSize:     pp.MaxSize,
			Purchase:    purchase,
			StepScaling: []fleet.StepScaling{out, scaleInWhenIdle(q.active, pp.IdleMinutes)},
			Tags:        p.workerTags(q, w.jobsTable),
			// The app's settings are tags, which reach an instance only at launch.
			Refresh: fleet.Refresh{OnTagChange: true},
		},
		DependsOn: w.dependsOn,
	}
}

// scaleOutSteps size a scale-out by the backlog of waiting jobs: 1 to 4 add a worker, 5 to 19 add
// four, 20 and more add ten (bounds are relative to the alarm's threshold of 0).
var scaleOutSteps = []fleet.Step{
	{Lower: ptr(0.0), Upper: ptr(5.0), Adjustment: 1},
	{Lower: ptr(5.0), Upper: ptr(20.0), Adjustment: 4},
	{Lower: ptr(20.0), Adjustment: 10},
}

// scaleInWhenIdle removes a worker once the active queue has been empty for minutes. A worker
// keeps the job it runs in the active queue as a message (it sends the job there and deletes it
// from the pending queue), mostly visible but hidden while the watcher looks at it: so the alarm
// watches visible plus in-flight messages. The watcher removes everything else (finished jobs,
// which the app never deletes there, idle workers' kill requests, orphaned and stale jobs), so an
// empty active queue means no job running.
func scaleInWhenIdle(active pulumi.StringInput, minutes int) fleet.StepScaling {
	s := fleet.ScaleInOnIdleQueue("idle", active, minutes)
	s.Alarm.MetricName = "ApproximateNumberOfMessagesVisible"
	s.Alarm.PlusMetrics = []string{"ApproximateNumberOfMessagesNotVisible"}
	return s
}

// workerTags are the app's settings on a worker: its pool's queues and topic.
func (p PlatformPlan) workerTags(q queueRefs, jobsTable string) map[string]string {
	return map[string]string{
		TagRole:         RoleWorker,
		TagJobsTable:    jobsTable,
		TagPendingQueue: q.names.Pending,
		TagActiveQueue:  q.names.Active,
		TagTopicName:    q.names.Topic,
		TagTopicARN:     q.topicARN,
	}
}

// webTags are the app's settings on the web server: the web pool's queues and topic, and every
// pool's topic under <Pool>JobsSNSTopicARN.
func (p PlatformPlan) webTags(w wiring) map[string]string {
	tags := p.workerTags(w.queues[p.Web.Pool], w.jobsTable)
	tags[TagRole] = RoleWeb
	for _, pp := range p.Pools {
		tags[PoolTopicTag(pp.Name)] = w.queues[pp.Name].topicARN
	}
	return tags
}

// PoolTopicTag is the web server's tag holding the topic ARN of pool: the pool's name with a
// capital first letter, then JobsSNSTopicARN (ProdJobsSNSTopicARN), as the app looks it up.
func PoolTopicTag(pool string) string {
	return strings.ToUpper(pool[:1]) + pool[1:] + TagTopicARN
}

// or is v, or def when v is the zero value.
func or[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}
