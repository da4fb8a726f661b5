package fleet

import (
	"fmt"
	"maps"
	"net/netip"
	"regexp"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-iac/strata/components/field"
	"github.com/strata-iac/strata/components/naming"
	"github.com/strata-iac/strata/components/secgroup"
)

// EC2's limits (CreateLaunchTemplate and RunInstances in the EC2 API reference, the EC2 User
// Guide's "Run commands when you launch an EC2 instance with user data").
const (
	maxUserDataBytes    = 16 * 1024 // before base64
	minTemplateName     = 3
	maxTemplateName     = 128
	maxTemplateDesc     = 255
	maxPlacementName    = 255
	maxPartitions       = 7
	defaultPartitions   = 2
	defaultRootGiB      = 30
	maxIMDSHopLimit     = 2 // strata's: 1, or 2 for containers that need IMDS
	maxMemberNameLength = 32
	maxParameterName    = 2048 // SSM's limit on a parameter's full name
)

var (
	// family.size: a family has a generation digit (t3, m7gd, u-6tb1); sizes are like 2xlarge or metal-24xl.
	instanceTypeRE = regexp.MustCompile(`^([a-z][a-z-]*[0-9][a-z0-9-]*)\.([a-z0-9][a-z0-9-]*)$`)
	// The attributes after a family's generation digit; a "g" among them marks AWS Graviton (m7g, c6gn, t4g).
	familyAttrsRE  = regexp.MustCompile(`^[a-z-]*[0-9]+(.*)$`)
	amiRE          = regexp.MustCompile(`^ami-([0-9a-f]{8}|[0-9a-f]{17})$`)
	parameterRE    = regexp.MustCompile(`^[a-zA-Z0-9_.\-/]+$`)
	templateNameRE = regexp.MustCompile(`^[a-zA-Z0-9().\-/_]+$`)
	// Credentials that have no business in user data, which is readable by anyone who may describe
	// the instance and by every process on it.
	secrets = []struct {
		what string
		re   *regexp.Regexp
	}{
		{"an AWS access key id", regexp.MustCompile(`\b(AKIA|ASIA)[0-9A-Z]{16}\b`)},
		{"an AWS secret access key", regexp.MustCompile(`(?i)aws_secret_access_key`)},
		{"a private key", regexp.MustCompile(`-----BEGIN [A-Z ]*PRIVATE KEY-----`)},
	}
)

// InstanceArchitecture returns the architecture of an instance type (family.size): ArchARM for
// AWS Graviton families (a1, or a "g" among the attributes after the generation digit: t4g, m7gd,
// c6gn, g5g), ArchX86 for the others (t3, m7i-flex, and g5 or g4dn, whose leading g is the GPU
// family). ok is false when s is not an instance type.
func InstanceArchitecture(s string) (arch string, ok bool) {
	m := instanceTypeRE.FindStringSubmatch(s)
	if m == nil {
		return "", false
	}
	family := m[1]
	if family == "a1" {
		return ArchARM, true
	}
	if attrs := familyAttrsRE.FindStringSubmatch(family); attrs != nil && strings.Contains(attrs[1], "g") {
		return ArchARM, true
	}
	return ArchX86, true
}

// WithDefaults returns a copy of the arguments with every default filled in; the caller's value,
// including its slices, maps and pointers, is left as it was.
func (a Args) WithDefaults() Args {
	if a.Architecture == "" {
		a.Architecture = ArchX86
	}
	if a.Image == (Image{}) {
		a.Image.Parameter = AMIParameter(a.Architecture)
	}
	if len(a.InstanceTypes) == 0 {
		a.InstanceTypes = []string{map[string]string{ArchARM: "t4g.medium"}[a.Architecture]}
		if a.InstanceTypes[0] == "" {
			a.InstanceTypes[0] = "t3.medium"
		}
	}
	if a.RootVolume.SizeGiB == 0 {
		a.RootVolume.SizeGiB = defaultRootGiB
	}
	if a.RootVolume.DeviceName == "" {
		a.RootVolume.DeviceName = rootDevices[0]
	}
	a.BlockDevices = withVolumeDefaults(a.BlockDevices)
	if a.IMDSHopLimit == 0 {
		a.IMDSHopLimit = 1
	}
	if a.Description == "" {
		a.Description = "Instances of " + a.physical()
	}
	if a.Role.Description == "" {
		a.Role.Description = a.Description
	}
	if a.Role.ManagedPolicyARNs == nil && a.InstanceProfileName == nil {
		a.Role.ManagedPolicyARNs = []string{SSMManagedInstanceCore}
	}
	if a.SecurityGroup.Description == "" {
		a.SecurityGroup.Description = a.Description
	}
	if a.SecurityGroup.Egress == nil {
		a.SecurityGroup.Egress = []secgroup.Rule{{
			Name:        "https",
			Description: "Session Manager, AWS APIs and package repositories over HTTPS",
			FromPort:    443,
			CIDR:        "0.0.0.0/0",
		}}
	}
	if p := a.Placement; p != nil {
		c := *p
		if c.Strategy == PlacementPartition && c.PartitionCount == 0 {
			c.PartitionCount = defaultPartitions
		}
		a.Placement = &c
	}
	if s := a.Autoscaling; s != nil {
		c := *s
		c.applyDefaults()
		a.Autoscaling = &c
	}
	a.Instances = slices.Clone(a.Instances)
	for i := range a.Instances {
		m := &a.Instances[i]
		if m.InstanceType == "" {
			m.InstanceType = a.InstanceTypes[0]
		}
		if m.UserData == "" {
			m.UserData = a.UserData
		}
		m.Volumes = withVolumeDefaults(m.Volumes)
	}
	return a
}

func withVolumeDefaults(vs []Volume) []Volume {
	vs = slices.Clone(vs)
	for i := range vs {
		if vs[i].Type == "" {
			vs[i].Type = GP3
		}
	}
	return vs
}

// Validate reports every problem with the arguments after defaults, each at its path: the field
// names in lower camel case, e.g. "autoscaling.stepScaling[0].alarm.periodSeconds",
// "instances[2].volumes[0].iops".
func (a Args) Validate() error {
	// A description the role or group inherits is reported where it was given.
	inherited := map[string]bool{"role": a.Role.Description == "", "securityGroup": a.SecurityGroup.Description == ""}
	a = a.WithDefaults()
	var errs field.Errors
	errs.Merge("naming", a.Naming.Validate())
	errs.Check("group", naming.Identifier(a.Group, 32))
	if !errs.Covers("naming") && !errs.Covers("group") {
		a.checkNames(&errs)
	}
	if len(a.Description) > maxTemplateDesc {
		errs.Add("description", "is %d characters long: a launch template's description has at most %d", len(a.Description), maxTemplateDesc)
	}
	if a.VPCID == nil {
		errs.Add("vpcId", "is required: the fleet's security group belongs to one VPC")
	}
	a.checkImage(&errs)
	errs.Merge("rootVolume", a.RootVolume.validate())
	devices := map[string]string{a.RootVolume.DeviceName: "rootVolume"}
	for i, v := range a.BlockDevices {
		p := field.Index("blockDevices", i)
		errs.Merge(p, v.validate())
		if v.Name != "" || v.SkipFinalSnapshot {
			errs.Add(p, "is deleted with its instance: name and skipFinalSnapshot apply to an instance's volumes only")
		}
		deviceTaken(&errs, devices, field.Join(p, "deviceName"), v.DeviceName)
	}
	if a.IMDSHopLimit < 1 || a.IMDSHopLimit > maxIMDSHopLimit {
		errs.Add("imdsHopLimit", "%d is not allowed: use 1, or 2 for containers that must reach the instance metadata service", a.IMDSHopLimit)
	}
	errs.Merge("userData", checkUserData(a.UserData))
	if p := a.Placement; p != nil {
		errs.Merge("placement", p.validate())
	}

	if a.InstanceProfileName != nil {
		if a.Role.Policy != nil || len(a.Role.InlinePolicies) > 0 || len(a.Role.Attach) > 0 || len(a.Role.ManagedPolicyARNs) > 0 {
			errs.Add("role", "is set together with instanceProfileName: the given profile brings its own role; grant permissions there")
		}
	} else {
		for _, e := range field.Problems(a.roleArgs().Validate()) {
			switch {
			case e.Path == "name":
				// The role's name is the fleet's, reported at group.
			case e.Path == "description" && inherited["role"]:
				errs.Add("description", "as the role's description: %s", e.Msg)
			default:
				errs.Add(field.Join("role", e.Path), "%s", e.Msg)
			}
		}
	}
	if !errs.Covers("naming") && !errs.Covers("group") {
		// The group's own name, description and rules; vpcId is reported above.
		for _, e := range field.Problems(a.groupArgs().Validate()) {
			switch {
			case e.Path == "vpcId":
			case e.Path == "name":
				errs.Add("group", "gives the security group name %s", e.Msg)
			case e.Path == "description" && inherited["securityGroup"]:
				errs.Add("description", "as the security group's description: %s", e.Msg)
			default:
				errs.Add(field.Join("securityGroup", e.Path), "%s", e.Msg)
			}
		}
	}

	switch {
	case a.Autoscaling != nil && len(a.Instances) > 0:
		errs.Add("instances", "is set together with autoscaling: a fleet is an autoscaling group or named instances, not both")
	case a.Autoscaling == nil && len(a.Instances) == 0:
		errs.Add("autoscaling", "is required: give autoscaling for an autoscaling group, or instances for named instances")
	case a.Autoscaling != nil:
		a.checkAutoscaling(&errs)
	default:
		a.checkInstances(&errs)
	}
	return errs.Err()
}

// checkNames checks the physical names derived from the naming convention.
func (a Args) checkNames(errs *field.Errors) {
	n := a.physical()
	if a.InstanceProfileName == nil {
		// Role and instance profile names are the tightest: at most 64 characters.
		errs.Check("group", naming.RoleName(n))
	}
	if a.Autoscaling != nil {
		errs.Check("group", templateName(n))
	}
}

func templateName(n string) error {
	switch {
	case len(n) < minTemplateName || len(n) > maxTemplateName:
		return fmt.Errorf("gives the launch template name %q: use %d to %d characters", n, minTemplateName, maxTemplateName)
	case !templateNameRE.MatchString(n):
		return fmt.Errorf("gives the launch template name %q: use letters, digits and ( ) . - / _", n)
	}
	return nil
}

func (a Args) checkImage(errs *field.Errors) {
	switch i := a.Image; {
	case i.ID != "" && i.Parameter != "":
		errs.Add("image", "names both an AMI id and a parameter: give one")
	case i.ID != "" && !amiRE.MatchString(i.ID):
		errs.Add("image.id", "%q is not an AMI id: use ami- and 8 or 17 hex digits", i.ID)
	case i.Parameter != "" && (len(i.Parameter) > maxParameterName || !parameterRE.MatchString(i.Parameter)):
		errs.Add("image.parameter", "%q is not an SSM parameter name: use at most %d letters, digits and _ . - /, e.g. %s", i.Parameter, maxParameterName, AMIParameter(ArchX86))
	}
	errs.OneOf("architecture", a.Architecture, ArchX86, ArchARM)
	if len(a.InstanceTypes) > maxInstanceTypes {
		errs.Add("instanceTypes", "lists %d types: an autoscaling group takes at most %d", len(a.InstanceTypes), maxInstanceTypes)
	}
	seen := map[string]bool{}
	for i, t := range a.InstanceTypes {
		p := field.Index("instanceTypes", i)
		if seen[t] {
			errs.Add(p, "%q is listed twice", t)
		}
		seen[t] = true
		checkInstanceType(errs, p, t, a.Architecture)
	}
}

func checkInstanceType(errs *field.Errors, path, t, arch string) {
	got, ok := InstanceArchitecture(t)
	switch {
	case !ok:
		errs.Add(path, "%q is not an instance type: use family.size in lowercase, e.g. t3.medium or m7g.large", t)
	case (arch == ArchX86 || arch == ArchARM) && got != arch:
		errs.Add(path, "%q is %s but the fleet's architecture is %s: one launch template holds one image, so all instance types share its architecture", t, got, arch)
	}
}

func checkUserData(s string) error {
	var errs field.Errors
	if len(s) > maxUserDataBytes {
		errs.Add("", "is %d bytes: EC2 takes at most %d (16 KiB) before base64; fetch larger scripts from S3 at boot", len(s), maxUserDataBytes)
	}
	for _, secret := range secrets {
		if secret.re.MatchString(s) {
			errs.Add("", "holds what looks like %s: user data is readable by anyone who may describe the instance and by every process on it; give the instance role access to the secret in Secrets Manager or Parameter Store and fetch it at boot", secret.what)
		}
	}
	return errs.Err()
}

func (p Placement) validate() error {
	var errs field.Errors
	switch {
	case p.Strategy != "" && p.Name != "":
		errs.Add("", "names an existing group and a strategy: give one")
	case p.Strategy == "" && p.Name == "":
		errs.Add("strategy", "is required: give a strategy to create a placement group, or the name of an existing one")
	case p.Strategy != "":
		errs.OneOf("strategy", p.Strategy, PlacementCluster, PlacementSpread, PlacementPartition)
	case len(p.Name) > maxPlacementName || !ascii(p.Name):
		errs.Add("name", "%q is not a placement group name: use at most %d printable ASCII characters", p.Name, maxPlacementName)
	}
	switch {
	case p.Strategy == PlacementPartition:
		errs.Range("partitionCount", p.PartitionCount, 1, maxPartitions, "partitions")
	case p.PartitionCount != 0:
		errs.Add("partitionCount", "applies to %q placement groups only", PlacementPartition)
	}
	return errs.Err()
}

func (a Args) checkAutoscaling(errs *field.Errors) {
	s := a.Autoscaling
	if a.SubnetIDs == nil || isEmpty(a.SubnetIDs) {
		errs.Add("subnetIds", "is required with autoscaling: name the subnets the group launches in")
	}
	errs.Merge("autoscaling", s.validate(a.physical()))
}

// isEmpty reports whether a plain array input has no element; outputs are assumed non-empty.
func isEmpty(in pulumi.StringArrayInput) bool {
	arr, ok := in.(pulumi.StringArray)
	return ok && len(arr) == 0
}

func (a Args) checkInstances(errs *field.Errors) {
	if a.PublicIP {
		errs.Add("publicIp", "applies to autoscaling groups: give each instance its own publicIp")
	}
	if len(a.InstanceTypes) > 1 {
		errs.Add("instanceTypes", "lists several types: named instances take one, or their own instanceType")
	}
	names := map[string]string{}
	ips := map[string]string{}
	for i, m := range a.Instances {
		p := field.Index("instances", i)
		if errs.Check(field.Join(p, "name"), naming.Identifier(m.Name, maxMemberNameLength)); !errs.Covers(field.Join(p, "name")) {
			if prev, ok := names[m.Name]; ok {
				errs.Add(field.Join(p, "name"), "%q is used by %s: instance names must be unique", m.Name, prev)
			}
			names[m.Name] = p
			if !errs.Covers("naming") {
				errs.Check(field.Join(p, "name"), templateName(a.Naming.Name(m.Name)))
			}
		}
		if m.SubnetID == nil {
			errs.Add(field.Join(p, "subnetId"), "is required: name the subnet the instance launches in")
		}
		if m.PrivateIP != "" {
			switch ip, err := netip.ParseAddr(m.PrivateIP); {
			case err != nil || !ip.Is4():
				errs.Add(field.Join(p, "privateIp"), "%q is not an IPv4 address", m.PrivateIP)
			case !ip.IsPrivate():
				errs.Add(field.Join(p, "privateIp"), "%q is not a private address: use one of the subnet's 10/8, 172.16/12 or 192.168/16 addresses", m.PrivateIP)
			default:
				if prev, ok := ips[m.PrivateIP]; ok {
					errs.Add(field.Join(p, "privateIp"), "%s is taken by %s", m.PrivateIP, prev)
				}
				ips[m.PrivateIP] = p
			}
		}
		checkInstanceType(errs, field.Join(p, "instanceType"), m.InstanceType, a.Architecture)
		errs.Merge(field.Join(p, "userData"), checkUserData(m.UserData))
		// The member's own tags follow the rules of the convention's extra tags, and together with
		// those they must fit AWS's 50 tags; the convention's own problems are reported at naming.
		errs.Merge(p, naming.Convention{App: "a", Env: "e", Owner: "o", Extra: m.Tags}.Validate())
		all := maps.Clone(a.Naming.Extra)
		if all == nil {
			all = map[string]string{}
		}
		maps.Copy(all, m.Tags)
		if len(all) > len(a.Naming.Extra) && len(m.Tags) > 0 {
			for _, e := range field.Problems(naming.Convention{App: "a", Env: "e", Owner: "o", Extra: all}.Validate()) {
				if e.Path == "tags" {
					errs.Add(field.Join(p, "tags"), "%s", e.Msg)
				}
			}
		}
		devices := map[string]string{a.RootVolume.DeviceName: "rootVolume"}
		for j, v := range a.BlockDevices {
			devices[v.DeviceName] = field.Index("blockDevices", j)
		}
		vols := map[string]bool{}
		for j, v := range m.Volumes {
			vp := field.Index(field.Join(p, "volumes"), j)
			errs.Check(field.Join(vp, "name"), naming.Identifier(v.Name, 32))
			if vols[v.Name] {
				errs.Add(field.Join(vp, "name"), "%q is used by another volume of the instance", v.Name)
			}
			vols[v.Name] = true
			errs.Merge(vp, v.validate())
			deviceTaken(errs, devices, field.Join(vp, "deviceName"), v.DeviceName)
		}
	}
}
