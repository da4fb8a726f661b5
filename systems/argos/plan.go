package argos

import (
	_ "embed"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-iac/strata/components/app"
	"github.com/strata-iac/strata/components/bucket"
	"github.com/strata-iac/strata/components/database"
	"github.com/strata-iac/strata/components/field"
	"github.com/strata-iac/strata/components/fleet"
	"github.com/strata-iac/strata/components/image"
	"github.com/strata-iac/strata/components/loadbalancer"
	"github.com/strata-iac/strata/components/naming"
	"github.com/strata-iac/strata/components/secgroup"
	"github.com/strata-iac/strata/systems"
	"github.com/strata-iac/strata/systems/schema"
)

// App names and tags Argos' resources: argos-<env>-<group>.
const App = "argos"

// Key is Argos' config key.
const Key = "argos"

// ImageName is the image every stage's servers launch from, <app>-image: it names the image
// pipeline and starts every AMI's name, and carries no environment.
const ImageName = App + "-image"

// The groups of servers, as in the Group tag.
const (
	GroupAPI       = "api"
	GroupFront     = "front"
	GroupCollector = "collector"
	GroupKnowledge = "knowledge"
	GroupBroker    = "broker"
	GroupWorkers   = "workers"
)

// Ports the groups serve.
const (
	PortAPI      = 8888
	PortFront    = 80
	PortFuseki   = 3030
	PortNER      = 8080
	PortRabbitMQ = 5672
	PortRedis    = 6379
	PortPostgres = 5432
)

// Modes of the api.
const (
	ModeSingle      = "single"
	ModeAutoscaling = "autoscaling"
)

// Argos' fixed choices.
const (
	// Listener rule priorities on the shared load balancer: the api's is Argos' 400, the front's
	// the next one.
	priorityAPI   = 400
	priorityFront = 401
	siteFront     = App + "-front"
	// The knowledge server's data volume.
	dataVolume     = "data"
	dataDevice     = "/dev/sdf"
	defaultDataGiB = 500
	// The database.
	defaultDBName    = App
	defaultUsername  = App
	defaultCPUAlarm  = 60
	defaultIOPSAlarm = 1500 // each half of gp3's 3000 IOPS baseline, so either alone is unusual
	// Autoscaling defaults, as schema.Scaling documents them.
	defaultMin       = 1
	defaultCPUTarget = 60
	maxScaling       = 100
	// SSM's longest parameter name that Image Builder writes.
	maxParameter = 1011
	// fleet's default root volume.
	defaultRootGiB = 30
)

// document is the image's build component: what every server has installed, and nothing of any
// environment.
//
//go:embed image/argos-image.yml
var document string

// PinnedTag marks an AMI that a stage launches from by id (image.id): that stage tags it, and the
// building stage's lifecycle policy never deletes an AMI so tagged.
const (
	PinnedTag   = "Pinned"
	PinnedValue = "true"
)

// imageTags tag Argos' AMIs and their build instances: the same in every stage.
var imageTags = map[string]string{naming.TagName: ImageName, naming.TagApp: App, naming.TagGroup: "image"}

var (
	amiRE       = regexp.MustCompile(`^ami-([0-9a-f]{8}|[0-9a-f]{17})$`)
	parameterRE = regexp.MustCompile(`^/[a-zA-Z0-9_.\-/]+$`)
	domainRE    = regexp.MustCompile(`^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$`)
)

// Plan is Argos prepared for a stage.
type Plan struct {
	Naming  naming.Convention
	Protect bool
	// Build is the image pipeline's arguments, without its network; nil when another stage builds.
	Build *image.Args
	// Image is what every server launches from.
	Image fleet.Image
	// Architecture is the image's.
	Architecture string
	// Bucket is the app's bucket.
	Bucket bucket.Args
	// Database is the PostgreSQL instance, without its network and clients.
	Database database.Args
	// Groups are the enabled groups, stores (knowledge, broker) first, then the app's.
	Groups []Group
	// Sites are the HTTPS sites on the shared load balancer, by group.
	Sites map[string]loadbalancer.Site
	// Restart restarts the app when the database secret rotates; nil without a restart command.
	Restart *Restart
}

// Restart is what runs on the app's servers after the database password rotated.
type Restart struct {
	// Command is the shell command, run as root by AWS-RunShellScript.
	Command string
	// Groups are the app's enabled groups, whose servers run it.
	Groups []string
}

// Group is one enabled group of servers.
type Group struct {
	// Name is the group: api, front, collector, knowledge, broker or workers.
	Name string
	// App marks the groups that run the app: they reach the database, the knowledge server and the
	// broker, and read the bucket; Writes marks those that also write to it.
	App, Writes bool
	// Serves are the ports the group offers the app's groups.
	Serves []Port
	// Fleet is the group's capacity without its network, rules from other groups and target group.
	Fleet fleet.Args
}

// Port is a port a store offers the app's groups.
type Port struct {
	// Name names the rules (fuseki, ner, rabbitmq, redis).
	Name string
	Port int
	// What says what listens there.
	What string
}

// Single reports whether the group is a single instance.
func (g Group) Single() bool { return g.Fleet.Autoscaling == nil }

// Group returns the enabled group named name, or nil.
func (p Plan) Group(name string) *Group {
	for i := range p.Groups {
		if p.Groups[i].Name == name {
			return &p.Groups[i]
		}
	}
	return nil
}

// SharedSites are the sites to put on the stage's shared load balancer, in priority order.
func (p Plan) SharedSites() []loadbalancer.Site {
	var out []loadbalancer.Site
	for _, g := range []string{GroupAPI, GroupFront} {
		if s, ok := p.Sites[g]; ok {
			out = append(out, s)
		}
	}
	return out
}

// DataBuckets names the bucket whose server access logs the stage's log bucket receives.
func (p Plan) DataBuckets() []string { return []string{p.Bucket.Name} }

// OptIns are the deliberate security exceptions the config asks for: a public or plaintext
// database.
func (p Plan) OptIns() []systems.OptIn {
	return schema.DatabaseOptIns(field.Join(systems.Key(Key), "database"), p.Database, App)
}

// Plan applies the defaults and Argos' rules and reports every problem under strata:argos.
func (c Config) Plan(st systems.Stage) (Plan, error) {
	var errs field.Errors
	conv := st.Naming(App)
	p := Plan{Naming: conv, Protect: st.Protect, Sites: map[string]loadbalancer.Site{}}
	if !st.Network {
		errs.Add("", "Argos runs in a VPC: set strata:network")
	}
	p.planImage(c.Image, &errs)
	p.Bucket = bucket.Args{Name: c.Bucket, Tags: conv.Tags("bucket"), ForceDestroy: c.ForceDestroy, Protect: st.Protect}
	for _, e := range field.Problems(p.Bucket.Validate()) {
		if e.Path == "name" {
			e = &field.Error{Path: "bucket", Msg: e.Msg}
		}
		errs.Merge("", e)
	}
	p.planDatabase(c.Database, &errs)

	pl := planner{Config: c, p: &p, errs: &errs}
	pl.groups()
	pl.sites()
	if p.Restart != nil && len(p.Restart.Groups) == 0 {
		errs.Add("database.restartCommand", "is set but no app group is enabled (api, front, collector, workers): enable one, or remove restartCommand")
	}
	return p, field.Prefix(systems.Key(Key), errs.Err())
}

func (p *Plan) planImage(c ImageSource, errs *field.Errors) {
	p.Architecture = c.Architecture
	if p.Architecture == "" {
		p.Architecture = fleet.ArchX86
	}
	errs.OneOf("image.architecture", p.Architecture, fleet.ArchX86, fleet.ArchARM)
	switch {
	case c.Build == nil && c.ID == "" && c.Parameter == "":
		errs.Add("image", "is required: set build to bake the image in this stage, or id or parameter to take the one another stage baked")
		return
	case c.Build != nil && c.ID != "":
		errs.Add("image.id", "is set together with build: a stage that builds the image launches from its own builds (the parameter they write); remove id")
		return
	case c.ID != "" && c.Parameter != "":
		errs.Add("image", "names both an id and a parameter: give one")
		return
	}
	if c.Build == nil {
		if c.ID != "" {
			if !amiRE.MatchString(c.ID) {
				errs.Add("image.id", "%q is not an AMI id: use ami- and 8 or 17 hex digits", c.ID)
			}
			p.Image = fleet.Image{ID: c.ID}
			return
		}
		if len(c.Parameter) > maxParameter || !parameterRE.MatchString(c.Parameter) {
			errs.Add("image.parameter", "%q is not an SSM parameter name: use / and at most 1010 letters, digits and _ . - /, e.g. %s%s", c.Parameter, image.ParameterRoot, ImageName)
		}
		p.Image = fleet.Image{Parameter: c.Parameter}
		return
	}
	b := c.Build
	a := image.Args{
		Name:             ImageName,
		Description:      "Argos servers: the app's packages, Apache Fuseki and Stanford NER, without configuration or secrets",
		Components:       []image.Component{{Name: "packages", Document: document, Description: "Packages of every Argos server"}},
		ParentParameter:  b.ParentParameter,
		Architecture:     p.Architecture,
		RootVolumeGiB:    b.RootVolumeGiB,
		ImageTags:        imageTags,
		Parameter:        c.Parameter,
		Schedule:         b.Schedule,
		LogRetentionDays: b.LogRetentionDays,
		KeepImages:       b.KeepImages,
		RetainTags:       map[string]string{PinnedTag: PinnedValue},
		Bake:             true,
		Naming:           p.Naming,
	}
	if b.InstanceType != "" {
		a.InstanceTypes = []string{b.InstanceType}
	}
	a = a.WithDefaults()
	// Wiring New adds; the image requires it to be there.
	check := a
	check.VPCID, check.SubnetID = pulumi.String("vpc-00000000"), pulumi.String("subnet-00000000")
	for _, e := range field.Problems(check.Validate()) {
		switch {
		case e.Path == "architecture", strings.HasPrefix(e.Path, "naming"):
			// Reported at image.architecture, and by the stage's own checks.
		case strings.HasPrefix(e.Path, "instanceTypes"):
			errs.Add("image.build.instanceType", "%s", e.Msg)
		case e.Path == "parameter":
			errs.Add("image.parameter", "%s", e.Msg)
		case strings.HasPrefix(e.Path, "components"):
			errs.Add("image.build", "the build document systems/argos/image/argos-image.yml: %s: %s", e.Path, e.Msg)
		default:
			errs.Add(field.Join("image.build", e.Path), "%s", e.Msg)
		}
	}
	p.Build = &a
	p.Image = fleet.Image{Parameter: a.Parameter}
}

func (p *Plan) planDatabase(c *Database, errs *field.Errors) {
	if c == nil {
		errs.Add("database", "is required: Argos keeps its data in PostgreSQL; set at least engineVersion and alarms.emails")
		return
	}
	p.planRestart(c.RestartCommand, errs)
	d := c.Args()
	if d.Engine == "" {
		d.Engine = database.Postgres
	}
	if d.Engine != database.Postgres {
		errs.Add("database.engine", "%q is not allowed: Argos uses PostgreSQL; use postgres", d.Engine)
	}
	if d.DBName == "" {
		d.DBName = defaultDBName
	}
	if d.Username == "" {
		d.Username = defaultUsername
	}
	al := database.Alarms{}
	if d.Alarms != nil {
		al = *d.Alarms
	}
	if al.CPUPercent == 0 {
		al.CPUPercent = defaultCPUAlarm
	}
	if al.ReadIOPS == 0 {
		al.ReadIOPS = defaultIOPSAlarm
	}
	if al.WriteIOPS == 0 {
		al.WriteIOPS = defaultIOPSAlarm
	}
	if len(al.Emails) == 0 {
		errs.Add("database.alarms.emails", "is required: the alarm topic needs at least one subscriber; list the addresses, each of which confirms AWS's mail")
	}
	d.Alarms = &al
	d.Naming, d.Protect = p.Naming, p.Protect
	errs.Merge("database", d.Validate())
	p.Database = d.WithDefaults()
}

// egressHTTPS is every server's way out, as fleet gives it by default; egressHTTP the collector's
// plain HTTP, on request.
var (
	egressHTTPS = secgroup.Rule{Name: "https", Description: "Session Manager, AWS APIs and package repositories over HTTPS", FromPort: 443, CIDR: "0.0.0.0/0"}
	egressHTTP  = secgroup.Rule{Name: "http", Description: "Article sources over plain HTTP", FromPort: 80, CIDR: "0.0.0.0/0"}
)

// appGrants says in role descriptions what the app's groups may do besides Session Manager.
const appGrants = ", the database secret and the app's bucket"

// planner plans the groups of one config.
type planner struct {
	Config
	p    *Plan
	errs *field.Errors
}

// defaults of a group: enabled, and instance types on x86_64 and arm64.
type defaults struct {
	enabled  bool
	x86, arm string
}

func (pl *planner) groups() {
	k := pl.Knowledge
	if k == nil {
		k = &KnowledgeServer{}
	}
	if g, ok := pl.single(GroupKnowledge, k.Server, defaults{true, "t3.large", "t4g.large"}); ok {
		g.Serves = []Port{{"fuseki", PortFuseki, "Apache Fuseki"}, {"ner", PortNER, "Stanford NER"}}
		g.Fleet.Instances[0].Volumes = []fleet.Volume{pl.data(k.Data)}
		pl.add(g)
	}
	broker := pl.Broker
	if broker == nil {
		broker = &Server{}
	}
	brokerOn := false
	if g, ok := pl.single(GroupBroker, *broker, defaults{false, "t3.small", "t4g.small"}); ok {
		g.Serves = []Port{{"rabbitmq", PortRabbitMQ, "RabbitMQ"}, {"redis", PortRedis, "Redis"}}
		pl.add(g)
		brokerOn = true
	}

	api := pl.API
	if api == nil {
		api = &APIServers{}
	}
	if g, ok := pl.single(GroupAPI, api.Server, defaults{true, "t3.medium", "t4g.medium"}); ok {
		g.App = true
		mode := api.Mode
		if mode == "" {
			mode = ModeSingle
		}
		switch mode {
		case ModeSingle:
			if api.Scaling != nil {
				pl.errs.Add("api.scaling", "only with mode: %s; a single instance does not scale", ModeAutoscaling)
			}
		case ModeAutoscaling:
			g.Fleet.Instances = nil
			g.Fleet.Autoscaling = pl.autoscaling("api.scaling", api.Scaling)
			// Instances are configured by the app's playbooks after launch: a load balancer health
			// check would replace each new instance before its playbook ran. The load balancer
			// still routes only to instances that pass its own check.
			g.Fleet.Autoscaling.HealthCheckType = fleet.HealthEC2
		default:
			pl.errs.OneOf("api.mode", mode, ModeSingle, ModeAutoscaling)
		}
		pl.add(g)
	}
	front := pl.Front
	if front == nil {
		front = &FrontServer{}
	}
	if g, ok := pl.single(GroupFront, front.Server, defaults{true, "t3.small", "t4g.small"}); ok {
		g.App = true
		pl.add(g)
	}
	collector := pl.Collector
	if collector == nil {
		collector = &CollectorServer{}
	}
	if g, ok := pl.single(GroupCollector, collector.Server, defaults{true, "t3.medium", "t4g.medium"}); ok {
		g.App, g.Writes = true, true
		if collector.PlainHTTP {
			g.Fleet.SecurityGroup.Egress = []secgroup.Rule{egressHTTPS, egressHTTP}
		}
		pl.add(g)
	} else if collector.PlainHTTP {
		pl.errs.Add("collector.plainHttp", "is set but the collector is disabled: enable it, or remove plainHttp")
	}
	pl.workers(brokerOn)
}

// single plans a group of one instance named after the group; ok is false when it is disabled.
func (pl *planner) single(name string, s Server, d defaults) (Group, bool) {
	enabled := d.enabled
	if s.Enabled != nil {
		enabled = *s.Enabled
	}
	if !enabled {
		return Group{}, false
	}
	a := pl.fleetArgs(name, s.RootVolumeGiB, d)
	it := s.InstanceType
	if it == "" {
		it = a.InstanceTypes[0]
	}
	a.InstanceTypes = []string{it}
	a.Instances = []fleet.Instance{{Name: name}}
	return Group{Name: name, Fleet: a}, true
}

// fleetArgs are the arguments every group shares.
func (pl *planner) fleetArgs(name string, rootGiB int, d defaults) fleet.Args {
	p := pl.p
	it := d.x86
	if p.Architecture == fleet.ArchARM {
		it = d.arm
	}
	what := map[string]string{
		GroupAPI: "app servers (api, port 8888)", GroupFront: "web front end (port 80)", GroupCollector: "article collector",
		GroupKnowledge: "knowledge server (Fuseki 3030, NER 8080)", GroupBroker: "task broker (RabbitMQ 5672, Redis 6379)",
		GroupWorkers: "task workers",
	}[name]
	grants := map[string]string{
		GroupAPI: appGrants, GroupFront: appGrants, GroupCollector: appGrants, GroupWorkers: appGrants,
	}
	return fleet.Args{
		Naming:        p.Naming,
		Group:         name,
		Description:   fmt.Sprintf("Argos %s of %s", what, p.Naming.Env),
		Image:         p.Image,
		Architecture:  p.Architecture,
		InstanceTypes: []string{it},
		RootVolume:    fleet.RootVolume{SizeGiB: rootGiB},
		Role: fleet.Permissions{
			Description: fmt.Sprintf("Argos %s of %s: Session Manager%s", what, p.Naming.Env, grants[name]),
		},
		Protect: p.Protect,
	}
}

// data is the knowledge server's data volume.
func (pl *planner) data(c *DataVolume) fleet.Volume {
	v := fleet.Volume{Name: dataVolume, DeviceName: dataDevice, SizeGiB: defaultDataGiB}
	if c == nil {
		return v
	}
	if c.SizeGiB != 0 {
		v.SizeGiB = c.SizeGiB
	}
	switch c.Type {
	case "":
	case fleet.GP3, fleet.ST1:
		v.Type = c.Type
	default:
		// The volume keeps gp3 for the other checks, which would only restate this problem.
		pl.errs.OneOf("knowledge.data.type", c.Type, fleet.GP3, fleet.ST1)
	}
	v.IOPS, v.ThroughputMiBs, v.SnapshotID = c.IOPS, c.ThroughputMiBs, c.SnapshotID
	return v
}

// autoscaling is an autoscaling group sized by scaling at key, with the documented defaults.
func (pl *planner) autoscaling(key string, s *schema.Scaling) *fleet.Autoscaling {
	var c schema.Scaling
	if s != nil {
		c = *s
	}
	if c.Min == 0 {
		c.Min = defaultMin
	}
	if c.Max == 0 {
		c.Max = c.Min
	}
	if c.CPUTargetPercent == 0 {
		c.CPUTargetPercent = defaultCPUTarget
	}
	pl.errs.Range(field.Join(key, "min"), c.Min, 1, maxScaling, "instances")
	pl.errs.Range(field.Join(key, "max"), c.Max, max(c.Min, 1), maxScaling, "instances (at least min)")
	pl.errs.Range(field.Join(key, "cpuTargetPercent"), c.CPUTargetPercent, 10, 90, "percent")
	// Every Argos server is configured by the playbooks after launch: an automatic instance refresh
	// (on a new image, or any new launch template version, a change of tags included) would
	// replace configured servers with bare ones. The operator refreshes by hand and runs the
	// playbooks on the new instances.
	a := &fleet.Autoscaling{MinSize: c.Min, MaxSize: c.Max, Refresh: fleet.Refresh{Manual: true}}
	if c.Max > c.Min {
		a.TargetTracking = []fleet.TargetTracking{{Name: "cpu", Metric: fleet.MetricCPU, Target: float64(c.CPUTargetPercent)}}
	}
	return a
}

func (pl *planner) workers(brokerOn bool) {
	w := pl.Workers
	if w == nil || w.Enabled == nil || !*w.Enabled {
		return
	}
	if !brokerOn {
		pl.errs.Add("workers.enabled", "needs the broker, whose queue the workers take tasks from: set broker.enabled: true")
	}
	a := pl.fleetArgs(GroupWorkers, w.RootVolumeGiB, defaults{true, "t3.medium", "t4g.medium"})
	if len(w.InstanceTypes) > 0 {
		a.InstanceTypes = slices.Clone(w.InstanceTypes)
	}
	a.Autoscaling = pl.autoscaling("workers.scaling", w.Scaling)
	if w.Purchase != "" {
		pl.errs.OneOf("workers.purchase", w.Purchase, fleet.OnDemand, fleet.Spot, fleet.Mixed)
		a.Autoscaling.Purchase = w.Purchase
	}
	pl.add(Group{Name: GroupWorkers, App: true, Writes: true, Fleet: a})
}

// add checks a group's fleet, reporting each problem at the config key it comes from, and keeps
// the group.
func (pl *planner) add(g Group) {
	if g.App && pl.p.Restart != nil {
		pl.p.Restart.Groups = append(pl.p.Restart.Groups, g.Name)
	}
	key := g.Name
	check := g.Fleet
	// Wiring New adds; the fleet requires it to be there.
	check.VPCID = pulumi.String("vpc-00000000")
	check.SubnetIDs = pulumi.StringArray{pulumi.String("subnet-00000000")}
	check.Instances = slices.Clone(check.Instances)
	for i := range check.Instances {
		check.Instances[i].SubnetID = pulumi.String("subnet-00000000")
	}
	for _, e := range field.Problems(check.Validate()) {
		switch {
		case strings.HasPrefix(e.Path, "image"), strings.HasPrefix(e.Path, "naming"), e.Path == "architecture":
			// The image is checked once, at image; the naming convention by the stage.
		case strings.HasPrefix(e.Path, "instanceTypes"):
			if g.Name == GroupWorkers {
				pl.once(field.Join(key, e.Path), e.Msg)
			} else {
				pl.once(field.Join(key, "instanceType"), e.Msg)
			}
		case e.Path == "instances[0].instanceType":
			pl.once(field.Join(key, "instanceType"), e.Msg)
		case strings.HasPrefix(e.Path, "rootVolume"):
			pl.once(field.Join(key, "rootVolumeGiB"), e.Msg)
		case strings.HasPrefix(e.Path, "instances[0].volumes[0]."):
			pl.once(field.Join("knowledge.data", strings.TrimPrefix(e.Path, "instances[0].volumes[0].")), e.Msg)
		case strings.HasPrefix(e.Path, "autoscaling"):
			// Sizes and the purchase option are checked at their keys already.
			if !pl.reported(field.Join(key, "scaling")) && !pl.reported(field.Join(key, "purchase")) {
				pl.once(key, e.Path+": "+e.Msg)
			}
		default:
			pl.once(field.Join(key, e.Path), e.Msg)
		}
	}
	root := g.Fleet.RootVolume.SizeGiB
	if root == 0 {
		root = defaultRootGiB
	}
	if b := pl.p.Build; b != nil && root < b.RootVolumeGiB && root >= 1 && !pl.reported("image.build.rootVolumeGiB") {
		pl.errs.Add(field.Join(key, "rootVolumeGiB"), "%d GiB is smaller than the image's root volume (%d GiB, image.build.rootVolumeGiB): use at least %d", root, b.RootVolumeGiB, b.RootVolumeGiB)
	}
	pl.p.Groups = append(pl.p.Groups, g)
}

// once records a problem unless the same one is recorded already: several checks of one value
// may find the same thing.
func (pl *planner) once(path, msg string) {
	if !slices.ContainsFunc(*pl.errs, func(e *field.Error) bool { return e.Path == path && e.Msg == msg }) {
		pl.errs.Add(path, "%s", msg)
	}
}

// reported reports whether a problem was recorded at path or below it.
func (pl *planner) reported(path string) bool {
	return slices.ContainsFunc(*pl.errs, func(e *field.Error) bool {
		return e.Path == path || strings.HasPrefix(e.Path, path+".") || strings.HasPrefix(e.Path, path+"[")
	})
}

// sites plans the HTTPS sites of the api and the front.
func (pl *planner) sites() {
	var api APIServers
	if pl.API != nil {
		api = *pl.API
	}
	var front FrontServer
	if pl.Front != nil {
		front = *pl.Front
	}
	pl.site(GroupAPI, App, priorityAPI, PortAPI, api.Domain, api.HealthCheckPath)
	pl.site(GroupFront, siteFront, priorityFront, PortFront, front.Domain, front.HealthCheckPath)
	lb := pl.LoadBalancer
	if lb == nil {
		return
	}
	if len(pl.p.Sites) == 0 {
		pl.errs.Add("loadBalancer", "is set but no site uses it: set api.domain or front.domain, or remove loadBalancer")
	}
	if lb.Dedicated || lb.Front != (schema.Front{}) {
		pl.errs.Add("loadBalancer", "Argos' sites are on the stage's shared load balancer: remove dedicated and the load balancer's own keys, and configure it under %s", systems.Key("front"))
	}
}

func (pl *planner) site(group, name string, priority, port int, domain, healthPath string) {
	if domain == "" {
		if healthPath != "" {
			pl.errs.Add(field.Join(group, "healthCheckPath"), "is set but the %s has no site: set %s.domain, or remove healthCheckPath", group, group)
		}
		return
	}
	if !domainRE.MatchString(domain) || len(domain) > 253 {
		pl.errs.Add(field.Join(group, "domain"), "%q is not a domain name: use lowercase labels separated by dots, e.g. %s.example.org", domain, group)
	}
	g := pl.p.Group(group)
	if g == nil {
		pl.errs.Add(field.Join(group, "domain"), "is set but the %s is disabled: enable it, or remove domain", group)
		return
	}
	if pl.LoadBalancer == nil {
		pl.errs.Add("loadBalancer", "is required with %s.domain: HTTPS needs a certificate; set certificateArn or zone", group)
		return
	}
	s := pl.LoadBalancer.Site()
	s.Name, s.Naming, s.Priority, s.TargetType = name, pl.p.Naming, priority, loadbalancer.TargetInstance
	s.Endpoint = app.Endpoint{Port: port, Domain: domain, HealthCheckPath: healthPath}.WithDefaults()
	for _, e := range field.Problems(s.Validate()) {
		switch {
		case e.Path == "certificateArn", e.Path == "zone":
			// Both sites share the certificate settings: the same problem is reported once.
			pl.once(field.Join("loadBalancer", e.Path), e.Msg)
		case e.Path == "endpoint.healthCheckPath":
			pl.errs.Add(field.Join(group, "healthCheckPath"), "%s", e.Msg)
		default:
			pl.errs.Add("", "%s", e.Msg)
		}
	}
	pl.p.Sites[group] = s
}
