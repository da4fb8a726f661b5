package aot

import (
	"fmt"
	"maps"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-iac/strata/components/bucket"
	"github.com/strata-iac/strata/components/field"
	"github.com/strata-iac/strata/components/fleet"
	"github.com/strata-iac/strata/components/naming"
	"github.com/strata-iac/strata/systems"
	"github.com/strata-iac/strata/systems/schema"
)

// App names and tags aot's resources: aot-<env>-<group>.
const App = "aot"

// Key is aot's config key.
const Key = "aot"

// aot's fixed facts and limits.
const (
	// ClusterTag is the tag that marks every member (value aot-<env>): the bootstrap association
	// targets it, so a member that joins gets the bootstrap without any other change.
	ClusterTag = "Cluster"
	// reserved names the cluster's own resources (aot-<env>-cluster): no pool or instance may take it.
	reserved          = "cluster"
	defaultUser       = "ec2-user"
	defaultTimeout    = 3600
	minTimeout        = 60
	maxTimeout        = 172800 // aws:runShellScript's timeoutSeconds (Systems Manager document reference)
	maxWait           = 3600
	maxCount          = 100
	maxMemberName     = 32 // fleet's limit on a member name
	maxSecurityGroups = 16 // security groups per network interface, EC2's highest quota
	ownSecurityGroups = 2  // the member's own and the cluster's
	maxObjectTags     = 10 // S3 object tags (S3 User Guide, "Categorizing your storage using tags")
	maxSpreadPerZone  = 7  // running instances of a spread placement group per zone (EC2 User Guide, "Placement strategies")
	defaultZone       = 0
	publicIPWhy       = "a public IPv4 address on an aot member, asked for in config; SSH stays open to members only"
)

var (
	userRE          = regexp.MustCompile(`^[a-z_][a-z0-9_-]{0,31}$`)
	subnetRE        = regexp.MustCompile(`^subnet-([0-9a-f]{8}|[0-9a-f]{17})$`)
	securityGroupRE = regexp.MustCompile(`^sg-([0-9a-f]{8}|[0-9a-f]{17})$`)
	policyARNRE     = regexp.MustCompile(`^arn:aws[a-z-]*:iam::[0-9]{12}:policy/[\w+=,.@/-]+$`)
)

// Site is what a plan needs from outside aot's config.
type Site struct {
	// Dir is the project directory, where tarball paths start.
	Dir string
	// Zones and PublicZones count the stage network's private and public subnets, one per zone.
	Zones, PublicZones int
}

// SiteOf returns the site of a stack: the project directory (Pulumi's, or else the nearest
// directory above the working directory that holds Pulumi.yaml) and the zones of the network
// config n (nil: no network).
func SiteOf(ctx *pulumi.Context, n *schema.Network) Site {
	s := Site{Dir: ctx.RootDirectory()}
	if s.Dir == "" {
		s.Dir = projectDir()
	}
	switch {
	case n == nil:
	case n.VPCID != "":
		s.Zones, s.PublicZones = len(n.PrivateSubnetIDs), len(n.PublicSubnetIDs)
	case len(n.AvailabilityZones) > 0:
		s.Zones = len(n.AvailabilityZones)
		s.PublicZones = s.Zones
	default:
		s.Zones = n.AZCount
		if s.Zones == 0 {
			// The network's default zone count.
			s.Zones = 2
		}
		s.PublicZones = s.Zones
	}
	return s
}

// projectDir is the nearest directory above the working directory that holds Pulumi.yaml, or the
// working directory.
func projectDir() string {
	wd, err := os.Getwd()
	if err != nil {
		return "."
	}
	for d := wd; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "Pulumi.yaml")); err == nil {
			return d
		}
		if filepath.Dir(d) == d {
			return wd
		}
	}
}

// Plan is an aot cluster prepared for a stage.
type Plan struct {
	Naming  naming.Convention
	Protect bool
	// Cluster is the cluster's name, aot-<env>: the value of every member's Cluster tag.
	Cluster string
	// ParameterPath is the root of the cluster's SSM parameters, /aot/<env>.
	ParameterPath string
	// Bucket stages the tarballs, the cluster's files and the bootstrap logs.
	Bucket bucket.Args
	// Groups are the pools (by name) and then the single instances (by name), each one fleet.
	Groups []Group
	// Stages are the distinct tarballs, in order of first use.
	Stages []Stage
	// TimeoutSeconds bounds one bootstrap run on a host; WaitSeconds is how long creating the
	// association waits for it to succeed (0: not at all).
	TimeoutSeconds, WaitSeconds int

	optIns []systems.OptIn
}

// Group is a pool or a single instance: one fleet with its own role, security group and
// placement group.
type Group struct {
	// Name is the pool's or the instance's name.
	Name string
	// Pool is true for a pool.
	Pool bool
	// Fleet is the fleet's arguments without wiring: New adds the VPC, the subnets, the cluster's
	// security group and the role's policy.
	Fleet fleet.Args
	// SecurityGroupIDs are the members' further security groups from config.
	SecurityGroupIDs []string
	// Members are where the fleet's instances go, in the order of Fleet.Instances.
	Members []Member
	// Stages are the hashes of the group's bootstrap tarballs, in order.
	Stages []string
}

// Member is where one instance goes and what the facts say about it.
type Member struct {
	Name string
	// Zone is the index of the network zone whose subnet holds the member, unless SubnetID is set.
	Zone int
	// SubnetID is a subnet given in config.
	SubnetID string
	// Public puts the member in the zone's public subnet, with a public IP.
	Public bool
	// User and Owner are the facts' main_user and owner.
	User, Owner string
}

// DataBuckets names the bucket whose server access logs the stage's log bucket receives.
func (p Plan) DataBuckets() []string { return []string{p.Bucket.Name} }

// OptIns are the security exceptions the config asked for: a public IP per member that has one.
func (p Plan) OptIns() []systems.OptIn { return slices.Clone(p.optIns) }

// Plan applies the defaults and aot's rules and reports every problem under strata:aot (and
// strata:tags for tags aot cannot carry). Tarball paths are read below site.Dir.
func (c Config) Plan(st systems.Stage, site Site) (Plan, error) {
	var errs, stageErrs field.Errors
	conv := st.Naming(App)
	p := Plan{
		Naming:         conv,
		Protect:        st.Protect,
		Cluster:        App + "-" + st.Env,
		ParameterPath:  "/" + App + "/" + st.Env,
		TimeoutSeconds: c.BootstrapTimeoutSeconds,
		WaitSeconds:    c.WaitSeconds,
	}
	if !st.Network {
		errs.Add("", "aot runs in a VPC: set strata:network (a new VPC, or an existing one by id)")
	}
	p.Bucket = bucket.Args{Name: c.Bucket, Tags: conv.Tags("bootstrap"), ForceDestroy: c.ForceDestroy, Protect: st.Protect}
	for _, e := range field.Problems(p.Bucket.Validate()) {
		if e.Path == "name" {
			e = &field.Error{Path: "bucket", Msg: e.Msg}
		}
		errs.Merge("", e)
	}
	if p.TimeoutSeconds == 0 {
		p.TimeoutSeconds = defaultTimeout
	}
	errs.Range("bootstrapTimeoutSeconds", p.TimeoutSeconds, minTimeout, maxTimeout, "seconds")
	errs.Range("waitSeconds", p.WaitSeconds, 0, maxWait, "seconds (0: do not wait)")

	if _, ok := st.Tags[ClusterTag]; ok {
		stageErrs.Add(field.Join(systems.Key("tags"), ClusterTag), "is set by aot on its members (the cluster their bootstrap targets): choose another key")
	}
	if n := len(conv.Tags("")); n > maxObjectTags {
		stageErrs.Add(systems.Key("tags"), "gives aot's bootstrap objects %d tags: S3 objects take at most %d, and the convention uses 5; drop %d", n, maxObjectTags, n-maxObjectTags)
	}

	if len(c.Pools) == 0 && len(c.Instances) == 0 {
		errs.Add("pools", "declares no members: add pools or instances")
	}
	pl := planner{Config: c, st: st, site: site, errs: &errs, stages: map[string]Stage{}}
	for _, name := range slices.Sorted(maps.Keys(c.Pools)) {
		pool := c.Pools[name]
		if g, ok := pl.group(name, true, pool.Count, pool.Settings); ok {
			p.Groups = append(p.Groups, g)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(c.Instances)) {
		if g, ok := pl.group(name, false, 1, c.Instances[name].Settings); ok {
			p.Groups = append(p.Groups, g)
		}
	}
	p.Stages = pl.order
	p.optIns = pl.optIns
	all := slices.Concat(dedupe(field.Problems(field.Prefix(systems.Key(Key), errs.Err()))), stageErrs)
	return p, all.Err()
}

// dedupe drops repeated problems: a bad default is found once per pool that inherits it.
func dedupe(in []*field.Error) field.Errors {
	var out field.Errors
	seen := map[string]bool{}
	for _, e := range in {
		if !seen[e.Error()] {
			seen[e.Error()] = true
			out = append(out, e)
		}
	}
	return out
}

// planner plans the groups of one config.
type planner struct {
	Config
	st   systems.Stage
	site Site
	errs *field.Errors
	// stages caches resolved tarballs by their config; order lists them by first use.
	stages map[string]Stage
	order  []Stage
	optIns []systems.OptIn
}

// merge returns the group's settings over the defaults, and for each key the config path its value
// came from (the group's own path when neither sets it).
func merge(defaults, own Settings, ownPath string) (Settings, map[string]string) {
	out := defaults
	src := map[string]string{}
	dv, ov, rv := reflect.ValueOf(defaults), reflect.ValueOf(own), reflect.ValueOf(&out).Elem()
	t := dv.Type()
	for i := range t.NumField() {
		key, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		switch {
		case !ov.Field(i).IsZero():
			rv.Field(i).Set(ov.Field(i))
			src[key] = field.Join(ownPath, key)
		case !dv.Field(i).IsZero():
			src[key] = field.Join("defaults", key)
		default:
			src[key] = field.Join(ownPath, key)
		}
	}
	return out, src
}

// group plans one pool or instance; ok is false when its name is unusable.
func (pl *planner) group(name string, pool bool, count int, own Settings) (Group, bool) {
	errs := pl.errs
	kind, noun := "instances", "instance"
	if pool {
		kind, noun = "pools", "pool"
	}
	gp := field.Join(kind, name)
	if !pl.checkName(gp, name, pool, count) {
		return Group{}, false
	}
	s, src := merge(pl.Defaults, own, gp)
	g := Group{Name: name, Pool: pool}

	conv := pl.st.Naming(App)
	if s.Owner != "" {
		conv.Owner = s.Owner
		for _, e := range field.Problems(conv.Validate()) {
			if e.Path == "owner" {
				errs.Add(src["owner"], "%s", e.Msg)
			}
		}
	}
	user := s.User
	if user == "" {
		user = defaultUser
	}
	if !userRE.MatchString(user) {
		errs.Add(src["user"], "%q is not a Linux user name: use lowercase letters, digits, _ and -, starting with a letter or _, at most 32", user)
	}
	public := s.PublicIP != nil && *s.PublicIP
	zones := pl.zones(s, src, public)

	instanceType := s.InstanceType
	arch, _ := fleet.InstanceArchitecture(instanceType)
	a := fleet.Args{
		Naming:       conv,
		Group:        name,
		Description:  fmt.Sprintf("Members of %s %s of the %s cluster", noun, name, App+"-"+pl.st.Env),
		Architecture: arch,
		Role: fleet.Permissions{
			Description:       fmt.Sprintf("Members of %s %s of the %s cluster: Session Manager, and the cluster files and keys", noun, name, App+"-"+pl.st.Env),
			ManagedPolicyARNs: []string{fleet.SSMManagedInstanceCore},
		},
		Protect: pl.st.Protect,
	}
	if instanceType != "" {
		a.InstanceTypes = []string{instanceType}
	}
	if s.Image != nil {
		a.Image = fleet.Image(*s.Image)
	}
	if r := s.RootVolume; r != nil {
		a.RootVolume = fleet.RootVolume{SizeGiB: r.SizeGiB, DeviceName: r.DeviceName}
	}
	if pg := s.Placement; pg != nil {
		a.Placement = &fleet.Placement{Strategy: pg.Strategy, PartitionCount: pg.PartitionCount, Name: pg.Name}
	}
	if ip := s.InstanceProfile; ip != nil {
		a.Role.ManagedPolicyARNs = append(a.Role.ManagedPolicyARNs, ip.ManagedPolicyARNs...)
		for _, k := range slices.Sorted(maps.Keys(ip.PolicyARNs)) {
			arn := ip.PolicyARNs[k]
			if !policyARNRE.MatchString(arn) {
				errs.Add(field.Join(field.Join(src["instanceProfile"], "policyArns"), k), "%q is not a customer managed policy ARN: use arn:aws:iam::<account>:policy/<name>", arn)
			}
			if a.Role.Attach == nil {
				a.Role.Attach = map[string]pulumi.StringInput{}
			}
			a.Role.Attach[k] = pulumi.String(arn)
		}
	}
	pl.checkSecurityGroups(s.SecurityGroupIDs, src["securityGroupIds"])
	g.SecurityGroupIDs = slices.Clone(s.SecurityGroupIDs)

	volumes := make([]fleet.Volume, len(s.Volumes))
	for i, v := range s.Volumes {
		if v.Name == "" {
			v.Name = path.Base(v.DeviceName)
		}
		volumes[i] = fleet.Volume{Name: v.Name, DeviceName: v.DeviceName, Type: v.Type, SizeGiB: v.SizeGiB,
			IOPS: v.IOPS, ThroughputMiBs: v.ThroughputMiBs, SnapshotID: v.SnapshotID, SkipFinalSnapshot: v.SkipFinalSnapshot}
	}
	member := fleet.Instance{
		PublicIP:     public,
		InstanceType: instanceType,
		Volumes:      volumes,
		Tags:         map[string]string{ClusterTag: App + "-" + pl.st.Env},
	}
	if pool {
		a.Instances = fleet.Pool(name, count, member)
	} else {
		member.Name = name
		a.Instances = []fleet.Instance{member}
	}
	for i, m := range a.Instances {
		g.Members = append(g.Members, Member{
			Name: m.Name, Zone: zones[i%len(zones)], SubnetID: s.SubnetID, Public: public,
			User: user, Owner: conv.Owner,
		})
		if public {
			pl.optIns = append(pl.optIns, systems.OptIn{Type: "aws:ec2/instance:Instance", Name: App + "-" + name + "-" + m.Name,
				Key: field.Join(systems.Key(Key), src["publicIp"]), Why: publicIPWhy})
		}
	}
	pl.checkSpread(s, src, noun+" "+name, g.Members)
	pl.checkFleet(a, gp, src)
	g.Fleet = a

	for i, t := range s.Bootstrap {
		if resolved, ok := pl.stage(t, field.Index(src["bootstrap"], i)); ok {
			g.Stages = append(g.Stages, resolved.SHA256)
		}
	}
	return g, true
}

// checkName checks a pool's or instance's name against the naming rules and the other names.
func (pl *planner) checkName(gp, name string, pool bool, count int) bool {
	errs := pl.errs
	if pool {
		digits := len(strconv.Itoa(max(count, 1)))
		if err := naming.Identifier(name, maxMemberName-digits); err != nil {
			errs.Add(gp, "is not a pool name: %v (the last member, %s%d, must fit in %d)", err, name, count, maxMemberName)
			return false
		}
		if last := name[len(name)-1]; last < 'a' || last > 'z' {
			errs.Add(gp, "%q ends in a digit or hyphen: end a pool's name with a letter, so that its members' names (%s1, %s2, ...) are unambiguous", name, name, name)
			return false
		}
		if count < 1 || count > maxCount {
			errs.Add(field.Join(gp, "count"), "%d is out of range: use 1 to %d members (remove the pool to delete all of them)", count, maxCount)
			return false
		}
	} else {
		if err := naming.Identifier(name, maxMemberName); err != nil {
			errs.Add(gp, "is not an instance name: %v", err)
			return false
		}
		if _, ok := pl.Pools[name]; ok {
			errs.Add(gp, "%q is also a pool: pools and instances need distinct names", name)
			return false
		}
		for _, p := range slices.Sorted(maps.Keys(pl.Pools)) {
			if n, ok := strings.CutPrefix(name, p); ok && n != "" && strings.Trim(n, "0123456789") == "" {
				errs.Add(gp, "%q is the name of a member of pool %s (%s1, %s2, ...): choose another name", name, p, p, p)
				return false
			}
		}
	}
	if name == reserved {
		errs.Add(gp, "%q names the cluster's own security group (%s-<env>-%s): choose another name", name, App, reserved)
		return false
	}
	return true
}

// zones returns the zone index of each member slot and checks the zone settings.
func (pl *planner) zones(s Settings, src map[string]string, public bool) []int {
	errs := pl.errs
	if s.SubnetID != "" {
		if !subnetRE.MatchString(s.SubnetID) {
			errs.Add(src["subnetId"], "%q is not a subnet id: use subnet- and 8 or 17 hex digits", s.SubnetID)
		}
		if s.Zones != nil {
			errs.Add(src["zones"], "is set together with subnetId: give one")
		}
		return []int{-1}
	}
	if public && pl.site.PublicZones == 0 {
		errs.Add(src["publicIp"], "the stage network has no public subnets: set strata:network.publicSubnetIds, or give subnetId")
	}
	zones := s.Zones
	if zones == nil {
		return []int{defaultZone}
	}
	if len(zones) == 0 {
		errs.Add(src["zones"], "is empty: list at least one zone index, e.g. [0]")
		return []int{defaultZone}
	}
	limit, kind := pl.site.Zones, "private"
	if public {
		limit, kind = pl.site.PublicZones, "public"
	}
	seen := map[int]bool{}
	for i, z := range zones {
		p := field.Index(src["zones"], i)
		switch {
		case z < 0 || z >= limit:
			errs.Add(p, "%d is not a zone of the stage network: it has %d %s subnets, so use 0 to %d", z, limit, kind, limit-1)
		case seen[z]:
			errs.Add(p, "%d is listed twice", z)
		}
		seen[z] = true
	}
	if pg := s.Placement; pg != nil && pg.Strategy == fleet.PlacementCluster && len(zones) > 1 {
		errs.Add(src["zones"], "lists %d zones but a cluster placement group lies in one: list one zone", len(zones))
	}
	return zones
}

// checkSpread refuses a spread placement group with more members in one zone than AWS runs there,
// counting them as the members are placed: in turn over the zones, or all in one subnet.
func (pl *planner) checkSpread(s Settings, src map[string]string, what string, members []Member) {
	if s.Placement == nil || s.Placement.Strategy != fleet.PlacementSpread {
		return
	}
	perZone := map[int]int{}
	worst := 0
	for _, m := range members {
		perZone[m.Zone]++
		worst = max(worst, perZone[m.Zone])
	}
	if worst <= maxSpreadPerZone {
		return
	}
	need := (len(members) + maxSpreadPerZone - 1) / maxSpreadPerZone
	where := fmt.Sprintf("%d zones, %d in one", len(perZone), worst)
	if len(perZone) == 1 {
		where = "one zone"
	}
	fix := fmt.Sprintf("list at least %d zones (members take them in turn)", need)
	if s.SubnetID != "" {
		where, fix = "one subnet, so one zone", fmt.Sprintf("drop subnetId and list at least %d zones", need)
	}
	pl.errs.Add(field.Join(src["placement"], "strategy"), "spread puts the %d members of %s in %s: a spread placement group runs at most %d instances per Availability Zone; %s, lower count, or use partition",
		len(members), what, where, maxSpreadPerZone, fix)
}

func (pl *planner) checkSecurityGroups(ids []string, at string) {
	errs := pl.errs
	if n := len(ids); n > maxSecurityGroups-ownSecurityGroups {
		errs.Add(at, "lists %d groups: a network interface takes at most %d (EC2's highest quota; 5 by default), and the member's own and the cluster's take %d", n, maxSecurityGroups, ownSecurityGroups)
	}
	seen := map[string]bool{}
	for i, id := range ids {
		p := field.Index(at, i)
		switch {
		case !securityGroupRE.MatchString(id):
			errs.Add(p, "%q is not a security group id: use sg- and 8 or 17 hex digits", id)
		case seen[id]:
			errs.Add(p, "%q is listed twice", id)
		}
		seen[id] = true
	}
}

// checkFleet validates the fleet's arguments and reports each problem at the config key whose
// value caused it.
func (pl *planner) checkFleet(a fleet.Args, gp string, src map[string]string) {
	// Wiring New adds; the fleet requires it to be there.
	a.VPCID = pulumi.String("vpc-00000000")
	a.Instances = slices.Clone(a.Instances)
	for i := range a.Instances {
		a.Instances[i].SubnetID = pulumi.String("subnet-00000000")
	}
	for _, e := range field.Problems(a.Validate()) {
		if at, ok := fleetKey(e.Path, gp, src); ok {
			pl.errs.Add(at, "%s", e.Msg)
		}
	}
}

var memberPathRE = regexp.MustCompile(`^instances\[\d+\]\.?`)

// fleetKey maps a fleet argument's path to the config key it comes from; ok is false for problems
// reported elsewhere (the stage's naming and tags).
func fleetKey(p, gp string, src map[string]string) (string, bool) {
	join := func(key, rest string) string { return field.Join(src[key], strings.TrimPrefix(rest, ".")) }
	if m := memberPathRE.FindString(p); m != "" {
		rest := strings.TrimPrefix(p, m)
		switch {
		case rest == "name":
			return gp, true
		case strings.HasPrefix(rest, "volumes"):
			return src["volumes"] + strings.TrimPrefix(rest, "volumes"), true
		case rest == "instanceType":
			return src["instanceType"], true
		case strings.HasPrefix(rest, "tags"):
			// The stage's tags and aot's Cluster tag: reported at strata:tags.
			return "", false
		}
		return field.Join(gp, rest), true
	}
	switch {
	case strings.HasPrefix(p, "naming"):
		// The stage's naming, reported at its own keys; an owner set in aot's config is checked
		// before.
		return "", false
	case p == "group":
		return gp, true
	case strings.HasPrefix(p, "image"):
		return join("image", strings.TrimPrefix(p, "image")), true
	case p == "architecture", strings.HasPrefix(p, "instanceTypes"):
		return src["instanceType"], true
	case strings.HasPrefix(p, "rootVolume"):
		return join("rootVolume", strings.TrimPrefix(p, "rootVolume")), true
	case strings.HasPrefix(p, "placement"):
		return join("placement", strings.TrimPrefix(p, "placement")), true
	case strings.HasPrefix(p, "role.managedPolicyArns["):
		// The first of the role's managed policies is Session Manager's, which aot adds.
		i, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(p, "role.managedPolicyArns["), "]"))
		return field.Index(field.Join(src["instanceProfile"], "managedPolicyArns"), i-1), true
	case strings.HasPrefix(p, "role.attach"):
		return field.Join(src["instanceProfile"], "policyArns"+strings.TrimPrefix(p, "role.attach")), true
	}
	return field.Join(gp, p), true
}

// stage resolves a tarball once per distinct config; ok is false when it has problems.
func (pl *planner) stage(t Tarball, at string) (Stage, bool) {
	id := t.Path + "\x00" + t.S3 + "\x00" + t.SHA256
	if s, ok := pl.stages[id]; ok {
		return s, s.SHA256 != ""
	}
	s, err := t.resolve(pl.site.Dir)
	pl.errs.Merge(at, err)
	if err != nil {
		s = Stage{}
	}
	pl.stages[id] = s
	if s.SHA256 != "" && !slices.ContainsFunc(pl.order, func(o Stage) bool { return o.SHA256 == s.SHA256 }) {
		pl.order = append(pl.order, s)
	}
	return s, s.SHA256 != ""
}
