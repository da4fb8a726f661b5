package check

import (
	"encoding/base64"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"
)

// EC2 and VPC resource types.
const (
	sgType         = "aws:ec2/securityGroup:SecurityGroup"
	defaultSGType  = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"
	sgRuleType     = "aws:ec2/securityGroupRule:SecurityGroupRule"
	ingressType    = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
	egressType     = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
	ltType         = "aws:ec2/launchTemplate:LaunchTemplate"
	instanceType   = "aws:ec2/instance:Instance"
	volumeType     = "aws:ebs/volume:Volume"
	vpcType        = "aws:ec2/vpc:Vpc"
	subnetType     = "aws:ec2/subnet:Subnet"
	routeTableType = "aws:ec2/routeTable:RouteTable"
	routeType      = "aws:ec2/route:Route"
	rtAssocType    = "aws:ec2/routeTableAssociation:RouteTableAssociation"
	natType        = "aws:ec2/natGateway:NatGateway"
	eipType        = "aws:ec2/eip:Eip"
	igwType        = "aws:ec2/internetGateway:InternetGateway"
	flowLogType    = "aws:ec2/flowLog:FlowLog"
	endpointType   = "aws:ec2/vpcEndpoint:VpcEndpoint"
	attachmentType = "aws:ec2/volumeAttachment:VolumeAttachment"
	placementType  = "aws:ec2/placementGroup:PlacementGroup"
)

const (
	ec2API        = "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/"
	sgCharsText   = "a-z, A-Z, 0-9, spaces and ._-:/()#,@[]+=&;{}!$*"
	vpcCIDRSource = "https://docs.aws.amazon.com/vpc/latest/userguide/vpc-cidr-blocks.html"
)

// sgCharsRE is what EC2 accepts in VPC security group names and descriptions and in rule
// descriptions of IPv4 and IPv6 ranges; rules that reference a security group or a prefix list do
// not accept & (sgPairChars).
const sgCharsRE = `[a-zA-Z0-9 ._\-:/()#,@\[\]+=&;{}!$*]*`

var (
	sgChars     = re(sgCharsRE)
	sgPairChars = re(strings.Replace(sgCharsRE, "&", "", 1))
)

// sgRule is one security group rule, standalone or inline.
type sgRule struct {
	path    string // "" for a rule resource, "ingress[0]" for an inline rule
	ingress bool
	body    map[string]any
	// protocol is the key of the protocol; v4, v6 and refs the keys of the targets.
	protocol       string
	v4, v6, refs   []string
	standaloneRule bool
}

func (s sgRule) at(key string) string { return child(s.path, key) }

// values returns the value of key as a list: a list's items, or the one value.
func (s sgRule) values(key string) []any {
	switch v := s.body[key].(type) {
	case nil:
		return nil
	case []any:
		return v
	default:
		return []any{v}
	}
}

func (s sgRule) has(keys []string) bool {
	for _, k := range keys {
		if len(s.values(k)) > 0 || truthy(s.body[k]) {
			return true
		}
	}
	return false
}

// sgRules lists every security group rule a resource declares.
func sgRules(r *Resource) []sgRule {
	switch r.Type {
	case ingressType, egressType:
		return []sgRule{{ingress: r.Type == ingressType, body: r.Inputs, protocol: "ipProtocol",
			v4: []string{"cidrIpv4"}, v6: []string{"cidrIpv6"}, refs: []string{"referencedSecurityGroupId", "prefixListId"}, standaloneRule: true}}
	case sgRuleType:
		return []sgRule{{ingress: r.Inputs["type"] == "ingress", body: r.Inputs, protocol: "protocol",
			v4: []string{"cidrBlocks"}, v6: []string{"ipv6CidrBlocks"}, refs: []string{"sourceSecurityGroupId", "prefixListIds", "self"}}}
	case sgType, defaultSGType:
		var out []sgRule
		for _, dir := range []string{"ingress", "egress"} {
			list, _ := r.Inputs[dir].([]any)
			for i, e := range list {
				if m, ok := e.(map[string]any); ok {
					out = append(out, sgRule{path: fmt.Sprintf("%s[%d]", dir, i), ingress: dir == "ingress", body: m, protocol: "protocol",
						v4: []string{"cidrBlocks"}, v6: []string{"ipv6CidrBlocks"}, refs: []string{"securityGroups", "prefixListIds", "self"}})
				}
			}
		}
		return out
	}
	return nil
}

var sgRuleTypes = []string{ingressType, egressType, sgRuleType, sgType, defaultSGType}

// sgRulePaths are the properties of every form of rule that a rule judges.
func sgRulePaths(keys ...string) []string {
	var out []string
	for _, k := range keys {
		out = append(out, k, "ingress[*]."+k, "egress[*]."+k)
	}
	return out
}

func sgRuleCheck(id, source string, paths []string, check func(s sgRule, report Reporter)) Rule {
	return Rule{ID: id, Types: sgRuleTypes, Paths: paths, Source: source, Check: func(r *Resource, report Reporter) {
		for _, s := range sgRules(r) {
			check(s, report)
		}
	}}
}

// protocolName normalises a rule's protocol: tcp, udp, icmp, icmpv6, -1 or a number.
func protocolName(v any) string {
	s, _ := text(v)
	if n, ok := number(v); ok {
		s = num(n)
	}
	switch strings.ToLower(s) {
	case "6", "tcp":
		return "tcp"
	case "17", "udp":
		return "udp"
	case "1", "icmp":
		return "icmp"
	case "58", "icmpv6":
		return "icmpv6"
	case "all":
		return "-1"
	}
	return strings.ToLower(s)
}

var ipProtocol = regexp.MustCompile(`\A(tcp|udp|icmp|icmpv6|-1|25[0-5]|2[0-4][0-9]|1?[0-9]{1,2})\z`)

// ebsDevice is one EBS volume a resource declares, and the keys of its properties.
type ebsDevice struct {
	path                         string
	body                         map[string]any
	size, kind, iops, throughput string
}

func (d ebsDevice) at(key string) string { return child(d.path, key) }

func ebsDevices(r *Resource) []ebsDevice {
	inline := func(path string, body any) []ebsDevice {
		if m, ok := body.(map[string]any); ok {
			return []ebsDevice{{path: path, body: m, size: "volumeSize", kind: "volumeType", iops: "iops", throughput: "throughput"}}
		}
		return nil
	}
	var out []ebsDevice
	switch r.Type {
	case volumeType:
		out = append(out, ebsDevice{body: r.Inputs, size: "size", kind: "type", iops: "iops", throughput: "throughput"})
	case instanceType:
		out = append(out, inline("rootBlockDevice", r.Inputs["rootBlockDevice"])...)
		list, _ := r.Inputs["ebsBlockDevices"].([]any)
		for i, e := range list {
			out = append(out, inline(fmt.Sprintf("ebsBlockDevices[%d]", i), e)...)
		}
	case ltType:
		list, _ := r.Inputs["blockDeviceMappings"].([]any)
		for i, e := range list {
			if m, ok := e.(map[string]any); ok {
				out = append(out, inline(fmt.Sprintf("blockDeviceMappings[%d].ebs", i), m["ebs"])...)
			}
		}
	}
	return out
}

var ebsTypes = []string{ltType, instanceType, volumeType}

func ebsPaths(keys ...string) []string {
	var out []string
	for _, k := range keys {
		out = append(out, "blockDeviceMappings[*].ebs."+k, "rootBlockDevice."+k, "ebsBlockDevices[*]."+k)
	}
	return out
}

func ebsRule(id, source string, paths []string, check func(d ebsDevice, kind string, report Reporter)) Rule {
	return Rule{ID: id, Types: ebsTypes, Paths: paths, Source: source, Check: func(r *Resource, report Reporter) {
		for _, d := range ebsDevices(r) {
			kind, ok := text(d.body[d.kind])
			if !ok {
				kind = "gp2" // the EBS default when no type is given
				if d.body[d.kind] != nil {
					continue
				}
			}
			check(d, kind, report)
		}
	}}
}

// ebsSizes are the volume sizes in GiB each type allows.
var ebsSizes = map[string]Range{
	"gp2": {1, 16384}, "gp3": {1, 65536}, "io1": {4, 16384}, "io2": {4, 65536},
	"st1": {125, 16384}, "sc1": {125, 16384}, "standard": {1, 1024},
}

// ebsIOPS are the IOPS each type allows, and the most per GiB of size.
var ebsIOPS = map[string]struct {
	Range
	perGiB float64
}{
	"gp3": {Range{3000, 80000}, 500}, "io1": {Range{100, 64000}, 50}, "io2": {Range{100, 256000}, 1000},
}

const (
	ebsVolumeSource = ec2API + "API_CreateVolume.html"
	ebsGP3Source    = "https://docs.aws.amazon.com/ebs/latest/userguide/general-purpose.html#gp3-ebs-volume-type"
	ebsIOPSSource   = "https://docs.aws.amazon.com/ebs/latest/userguide/provisioned-iops.html"
	userDataSource  = "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/user-data.html"
)

// maxUserData is EC2's limit on user data, in raw form before base64 encoding.
const maxUserData = 16 * 1024

func userDataRule() Rule {
	return Rule{
		ID: "ec2.userdata.size", Types: []string{ltType, instanceType}, Paths: []string{"userData", "userDataBase64"},
		Source: ec2API + "API_RequestLaunchTemplateData.html; " + userDataSource,
		Check: func(r *Resource, report Reporter) {
			raw := map[string]bool{"userData": r.Type == instanceType, "userDataBase64": false}
			for key, plain := range raw {
				s, ok := text(r.Inputs[key])
				if !ok {
					continue
				}
				size := len(s)
				if !plain {
					b, err := base64.StdEncoding.DecodeString(s)
					if err != nil {
						report(key, truncate(s), "base64-encoded user data")
						continue
					}
					size = len(b)
				}
				if size > maxUserData {
					report(key, fmt.Sprintf("%d bytes", size), "user data of at most 16 KB before base64 encoding")
				}
			}
		},
	}
}

// truncate shortens long values in findings.
func truncate(s string) string {
	if utf8.RuneCountInString(s) <= 80 {
		return s
	}
	return string([]rune(s)[:77]) + "..."
}

// imageID is an AMI id or a Systems Manager parameter that resolves to one.
const imageID = `ami-[0-9a-f]{8}([0-9a-f]{9})?|resolve:ssm:\S+`

// ec2TagType is one tag on an EC2 resource created elsewhere (a pinned AMI's).
const ec2TagType = "aws:ec2/tag:Tag"

var ec2 = set{
	limits: []Limit{
		{ID: "ec2.tag.key", Type: ec2TagType, Path: "key", Len: &Range{1, 127}, Reject: `(?i)^aws:`,
			Allowed: "1 to 127 characters, not starting with aws:",
			Source:  "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/Using_Tags.html#tag-restrictions; botocore ec2 2016-11-15 Tag.Key (documentation)"},
		{ID: "ec2.tag.value", Type: ec2TagType, Path: "value", Len: &Range{0, 255},
			Allowed: "at most 255 characters",
			Source:  "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/Using_Tags.html#tag-restrictions; botocore ec2 2016-11-15 Tag.Value (documentation)"},
		{ID: "ec2.securitygroup.name", Type: sgType, Path: "name", Len: &Range{0, 255}, Pattern: sgCharsRE, Reject: `^sg-`,
			Allowed: "at most 255 characters of " + sgCharsText + ", not starting with sg-", Source: ec2API + "API_CreateSecurityGroup.html"},
		{ID: "ec2.securitygroup.description", Type: sgType, Path: "description", Len: &Range{0, 255}, Pattern: sgCharsRE,
			Allowed: "at most 255 characters of " + sgCharsText, Source: ec2API + "API_CreateSecurityGroup.html"},
		{ID: "ec2.launchtemplate.imageid", Type: ltType, Path: "imageId", Pattern: imageID,
			Allowed: "an AMI id (ami- and 8 or 17 hex digits) or resolve:ssm:<parameter>", Source: ec2API + "API_RequestLaunchTemplateData.html"},
		{ID: "ec2.instance.ami", Type: instanceType, Path: "ami", Pattern: imageID,
			Allowed: "an AMI id (ami- and 8 or 17 hex digits) or resolve:ssm:<parameter>", Source: ec2API + "API_RunInstances.html; " + ec2API + "API_RequestLaunchTemplateData.html"},
		{ID: "ec2.launchtemplate.metadata.hoplimit", Type: ltType, Path: "metadataOptions.httpPutResponseHopLimit", Num: &Range{1, 64},
			Source: ec2API + "API_LaunchTemplateInstanceMetadataOptionsRequest.html"},
		{ID: "ec2.instance.metadata.hoplimit", Type: instanceType, Path: "metadataOptions.httpPutResponseHopLimit", Num: &Range{1, 64},
			Source: ec2API + "API_InstanceMetadataOptionsRequest.html"},
		{ID: "ec2.launchtemplate.tagspecification.resourcetype", Type: ltType, Path: "tagSpecifications[*].resourceType",
			Enum: []string{"instance", "volume", "network-interface", "spot-instances-request"}, Source: ec2API + "API_LaunchTemplateTagSpecificationRequest.html"},
		{ID: "ec2.vpc.ipv4netmasklength", Type: vpcType, Path: "ipv4NetmaskLength", Num: &Range{16, 28}, Allowed: "a netmask from /16 to /28", Source: vpcCIDRSource},
		{ID: "ec2.instance.launchtemplate.version", Type: instanceType, Path: "launchTemplate.version", Pattern: `\$Latest|\$Default|[0-9]+`,
			Allowed: "a version number, $Latest or $Default", Source: ec2API + "API_LaunchTemplateSpecification.html"},
		{ID: "ec2.placementgroup.name", Type: placementType, Path: "name", Len: &Range{1, 255}, Pattern: `[\x00-\x7F]+`,
			Allowed: "up to 255 ASCII characters", Source: ec2API + "API_CreatePlacementGroup.html"},
		{ID: "ec2.flowlog.maxaggregationinterval", Type: flowLogType, Path: "maxAggregationInterval", Enum: []string{"60", "600"},
			Source: ec2API + "API_CreateFlowLogs.html"},
	},
	rules: []Rule{
		sgRuleCheck("ec2.securitygrouprule.description", ec2API+"API_IpRange.html; "+ec2API+"API_UserIdGroupPair.html", sgRulePaths("description"), func(s sgRule, report Reporter) {
			d, ok := text(s.body["description"])
			if !ok {
				return
			}
			chars, allowed := sgChars, "at most 255 characters of "+sgCharsText
			if s.has(s.refs) {
				chars, allowed = sgPairChars, "at most 255 characters of "+strings.Replace(sgCharsText, "&", "", 1)+" (no & in a rule that references a security group or prefix list)"
			}
			if utf8.RuneCountInString(d) > 255 || !chars.MatchString(d) {
				report(s.at("description"), d, allowed)
			}
		}),
		sgRuleCheck("ec2.securitygrouprule.protocol", ec2API+"API_IpPermission.html", sgRulePaths("ipProtocol", "protocol"), func(s sgRule, report Reporter) {
			v := s.body[s.protocol]
			if _, known := text(v); !known {
				if _, isNum := v.(float64); !isNum {
					return
				}
			}
			if !ipProtocol.MatchString(protocolName(v)) {
				report(s.at(s.protocol), v, "tcp, udp, icmp, icmpv6, a protocol number 0 to 255, or -1 for all")
			}
		}),
		sgRuleCheck("ec2.securitygrouprule.ports", ec2API+"API_IpPermission.html; https://www.rfc-editor.org/rfc/rfc9293#section-3.1 (16-bit ports)", sgRulePaths("fromPort", "toPort"), func(s sgRule, report Reporter) {
			from, okFrom := number(s.body["fromPort"])
			to, okTo := number(s.body["toPort"])
			if opaque(s.body["fromPort"]) || opaque(s.body["toPort"]) {
				return
			}
			switch protocolName(s.body[s.protocol]) {
			case "tcp", "udp":
				if !okFrom || !okTo || from < 0 || to > 65535 || from > to {
					report(s.at("fromPort"), fmt.Sprintf("%v-%v", s.body["fromPort"], s.body["toPort"]), "a port range within 0 to 65535, fromPort at most toPort, for tcp and udp")
				}
			case "icmp", "icmpv6":
				if s.standaloneRule && s.body["fromPort"] == nil && s.body["toPort"] == nil {
					return
				}
				if !okFrom || !okTo || from < -1 || from > 255 || to < -1 || to > 255 || (from == -1 && to != -1) {
					report(s.at("fromPort"), fmt.Sprintf("%v/%v", s.body["fromPort"], s.body["toPort"]), "an ICMP type (fromPort) and code (toPort) of -1 to 255; code -1 when type is -1")
				}
			}
		}),
		sgRuleCheck("ec2.securitygrouprule.cidr", ec2API+"API_IpRange.html; "+ec2API+"API_Ipv6Range.html", sgRulePaths("cidrIpv4", "cidrIpv6", "cidrBlocks[*]", "ipv6CidrBlocks[*]"), func(s sgRule, report Reporter) {
			for _, keys := range [][]string{s.v4, s.v6} {
				v6 := keys[0] == s.v6[0]
				for _, k := range keys {
					for i, v := range s.values(k) {
						if _, ok := text(v); !ok {
							continue
						}
						if _, ok := cidr(v, v6); !ok {
							path := s.at(k)
							if _, isList := s.body[k].([]any); isList {
								path = fmt.Sprintf("%s[%d]", path, i)
							}
							report(path, v, map[bool]string{false: "an IPv4 CIDR block", true: "an IPv6 CIDR block"}[v6])
						}
					}
				}
			}
		}),
		{
			ID: "ec2.securitygrouprule.target", Types: []string{ingressType, egressType},
			Paths: []string{"cidrIpv4", "cidrIpv6", "prefixListId", "referencedSecurityGroupId"}, Source: ec2API + "API_SecurityGroupRuleRequest.html",
			Check: func(r *Resource, report Reporter) {
				n := 0
				for _, k := range []string{"cidrIpv4", "cidrIpv6", "prefixListId", "referencedSecurityGroupId"} {
					if r.Inputs[k] != nil {
						n++
					}
				}
				if n != 1 {
					report("", n, "exactly one of cidrIpv4, cidrIpv6, prefixListId and referencedSecurityGroupId")
				}
			},
		},
		userDataRule(),
		ebsRule("ec2.ebs.size", ebsVolumeSource, append(ebsPaths("volumeSize"), "size"), func(d ebsDevice, kind string, report Reporter) {
			size, ok := number(d.body[d.size])
			limits, known := ebsSizes[kind]
			if ok && known && !limits.has(size) {
				report(d.at(d.size), d.body[d.size], fmt.Sprintf("%s GiB for a %s volume", limits, kind))
			}
		}),
		ebsRule("ec2.ebs.iops", ebsVolumeSource+"; "+ebsGP3Source+"; "+ebsIOPSSource, append(ebsPaths("iops"), "iops"), func(d ebsDevice, kind string, report Reporter) {
			v := d.body[d.iops]
			iops, ok := number(v)
			limits, provisioned := ebsIOPS[kind]
			switch {
			case v == nil && (kind == "io1" || kind == "io2"):
				report(d.at(d.iops), nil, "IOPS are required for "+kind+" volumes")
			case !ok || opaque(v):
			case !provisioned:
				report(d.at(d.iops), v, "no IOPS for "+kind+" volumes (only gp3, io1 and io2 take them)")
			case !limits.has(iops):
				report(d.at(d.iops), v, fmt.Sprintf("%s IOPS for a %s volume", limits.Range, kind))
			default:
				if size, ok := number(d.body[d.size]); ok && iops > limits.perGiB*size {
					report(d.at(d.iops), v, fmt.Sprintf("at most %s IOPS per GiB of a %s volume (%s GiB)", num(limits.perGiB), kind, num(size)))
				}
			}
		}),
		ebsRule("ec2.ebs.throughput", ebsVolumeSource+"; "+ebsGP3Source, append(ebsPaths("throughput"), "throughput"), func(d ebsDevice, kind string, report Reporter) {
			v := d.body[d.throughput]
			mibps, ok := number(v)
			if !ok || opaque(v) {
				return
			}
			iops := 3000.0 // gp3's baseline when no IOPS are given
			if n, given := number(d.body[d.iops]); given {
				iops = n
			}
			switch {
			case kind != "gp3":
				report(d.at(d.throughput), v, "throughput only for gp3 volumes")
			case mibps < 125 || mibps > 2000:
				report(d.at(d.throughput), v, "125 to 2000 MiB/s")
			case mibps > 0.25*iops:
				report(d.at(d.throughput), v, fmt.Sprintf("at most 0.25 MiB/s per provisioned IOPS (%s IOPS)", num(iops)))
			}
		}),
		cidrRule("ec2.vpc.cidrblock", vpcType, "cidrBlock", 16, 28, vpcCIDRSource),
		cidrRule("ec2.subnet.cidrblock", subnetType, "cidrBlock", 16, 28, "https://docs.aws.amazon.com/vpc/latest/userguide/subnet-sizing.html"),
		{
			ID: "ec2.route.destination", Types: []string{routeType},
			Paths: []string{"destinationCidrBlock", "destinationIpv6CidrBlock", "destinationPrefixListId"}, Source: ec2API + "API_CreateRoute.html",
			Check: func(r *Resource, report Reporter) {
				n := 0
				for _, k := range []string{"destinationCidrBlock", "destinationIpv6CidrBlock", "destinationPrefixListId"} {
					if r.Inputs[k] != nil {
						n++
					}
				}
				if n != 1 {
					report("", n, "exactly one destination: destinationCidrBlock, destinationIpv6CidrBlock or destinationPrefixListId")
				}
				for k, v6 := range map[string]bool{"destinationCidrBlock": false, "destinationIpv6CidrBlock": true} {
					if _, ok := text(r.Inputs[k]); ok {
						if _, valid := cidr(r.Inputs[k], v6); !valid {
							report(k, r.Inputs[k], "a CIDR block")
						}
					}
				}
			},
		},
		{
			ID: "ec2.route.target", Types: []string{routeType}, Paths: routeTargets, Source: ec2API + "API_CreateRoute.html",
			Check: func(r *Resource, report Reporter) {
				n := 0
				for _, k := range routeTargets {
					if r.Inputs[k] != nil {
						n++
					}
				}
				if n != 1 {
					report("", n, "exactly one target: "+strings.Join(routeTargets, ", "))
				}
			},
		},
	},
	classes: slices.Concat(
		classify(ec2TagType, Reference, "the id of the tagged resource", "resourceId"),
		classify(sgType, Reference, "the VPC's id", "vpcId"),
		classify(sgType, Provider, "the provider revokes the rules before deleting the group", "revokeRulesOnDelete"),
		classify(defaultSGType, Reference, "the VPC's id", "vpcId"),
		classify(defaultSGType, Provider, "the provider revokes the rules before deleting the group", "revokeRulesOnDelete"),
		inlineRuleClasses(sgType), inlineRuleClasses(defaultSGType),
		classify(sgRuleType, Reference, "ids of the group and of the rule's sources", "securityGroupId", "sourceSecurityGroupId", "prefixListIds[*]"),
		classify(sgRuleType, Boolean, "the group itself is the source", "self"),
		classify(ingressType, Reference, "ids of the group and of the rule's source", "securityGroupId", "referencedSecurityGroupId", "prefixListId"),
		classify(egressType, Reference, "ids of the group and of the rule's destination", "securityGroupId", "referencedSecurityGroupId", "prefixListId"),

		classify(ltType, FreeText, "a device name such as /dev/xvda; which names work depends on the AMI (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/device_naming.html)", "blockDeviceMappings[*].deviceName"),
		classify(ltType, Boolean, "EC2 flags (Pulumi renders some as strings)", "blockDeviceMappings[*].ebs.deleteOnTermination", "blockDeviceMappings[*].ebs.encrypted",
			"networkInterfaces[*].deleteOnTermination", "ebsOptimized", "disableApiTermination", "disableApiStop", "monitoring.enabled"),
		classify(ltType, Reference, "ids, names and ARNs of other resources", "blockDeviceMappings[*].ebs.kmsKeyId", "blockDeviceMappings[*].ebs.snapshotId",
			"iamInstanceProfile.name", "iamInstanceProfile.arn", "networkInterfaces[*].securityGroups[*]", "networkInterfaces[*].subnetId",
			"vpcSecurityGroupIds[*]", "keyName"),
		classify(ltType, Number, "the interface's position; 0 is the primary interface (API_LaunchTemplateInstanceNetworkInterfaceSpecificationRequest)", "networkInterfaces[*].deviceIndex"),
		classify(ltType, Provider, "the provider makes each new version the default", "updateDefaultVersion"),
		classify(ltType, Number, "the version to make the default", "defaultVersion"),

		classify(instanceType, Reference, "ids, names and ARNs of other resources", "iamInstanceProfile", "subnetId", "vpcSecurityGroupIds[*]", "keyName",
			"availabilityZone", "placementGroup", "rootBlockDevice.kmsKeyId", "ebsBlockDevices[*].kmsKeyId", "ebsBlockDevices[*].snapshotId"),
		classify(instanceType, Boolean, "EC2 flags", "monitoring", "ebsOptimized", "disableApiTermination", "disableApiStop", "sourceDestCheck", "hibernation",
			"rootBlockDevice.deleteOnTermination", "rootBlockDevice.encrypted", "ebsBlockDevices[*].deleteOnTermination", "ebsBlockDevices[*].encrypted"),
		classify(instanceType, FreeText, "a device name such as /dev/sdf; which names work depends on the AMI (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/device_naming.html)", "ebsBlockDevices[*].deviceName"),
		classify(instanceType, Provider, "the provider replaces the instance when the user data changes", "userDataReplaceOnChange"),
		classify(instanceType, Reference, "the launch template's id or name", "launchTemplate.id", "launchTemplate.name"),
		classify(attachmentType, FreeText, "a device name such as /dev/sdf; which names work depends on the AMI (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/device_naming.html)", "deviceName"),
		classify(attachmentType, Reference, "ids of the instance and the volume", "instanceId", "volumeId"),
		classify(attachmentType, Provider, "the provider's own detach behaviour", "stopInstanceBeforeDetaching", "forceDetach", "skipDestroy"),
		classify(placementType, Number, "partitions of a partition placement group", "partitionCount"),

		classify(volumeType, Reference, "ids and ARNs of other resources", "availabilityZone", "kmsKeyId", "snapshotId", "outpostArn"),
		classify(volumeType, Boolean, "EBS flags", "encrypted", "multiAttachEnabled"),
		classify(volumeType, Provider, "the provider snapshots the volume before deleting it", "finalSnapshot"),

		classify(vpcType, Boolean, "VPC flags", "enableDnsHostnames", "enableDnsSupport", "enableNetworkAddressUsageMetrics", "assignGeneratedIpv6CidrBlock"),
		classify(vpcType, Reference, "an IPAM pool's id", "ipv4IpamPoolId", "ipv6IpamPoolId"),
		classify(subnetType, Reference, "ids of the VPC and zone", "vpcId", "availabilityZone", "availabilityZoneId"),
		classify(subnetType, Boolean, "subnet flags", "assignIpv6AddressOnCreation", "enableDns64", "ipv6Native"),
		classify(routeTableType, Reference, "ids of the VPC and virtual private gateways", "vpcId", "propagatingVgws[*]"),
		classify(routeType, Reference, "the route table's id", "routeTableId"),
		classify(rtAssocType, Reference, "ids of the route table and the subnet or gateway", "routeTableId", "subnetId", "gatewayId"),
		classify(natType, Reference, "ids of the Elastic IPs and the subnet", "allocationId", "subnetId", "secondaryAllocationIds[*]"),
		classify(natType, FreeText, "a private IPv4 address of the subnet", "privateIp"),
		classify(eipType, Reference, "ids of the instance, interface or address pool", "instance", "networkInterface", "publicIpv4Pool"),
		classify(eipType, FreeText, "a private IPv4 address of the interface", "associateWithPrivateIp"),
		classify(igwType, Reference, "the VPC's id", "vpcId"),
		classify(flowLogType, Reference, "ids and ARNs of the source, destination and role", "iamRoleArn", "logDestination", "vpcId", "subnetId", "eniId", "transitGatewayId"),
		classify(flowLogType, FreeText, "a space-separated list of ${field} names (https://docs.aws.amazon.com/vpc/latest/userguide/flow-log-records.html)", "logFormat"),
		classify(endpointType, Reference, "ids of the VPC, route tables, subnets and security groups", "vpcId", "routeTableIds[*]", "subnetIds[*]", "securityGroupIds[*]"),
		classify(endpointType, Catalog, "the region's endpoint services (com.amazonaws.<region>.<service>)", "serviceName"),
		classify(endpointType, Boolean, "endpoint flags", "privateDnsEnabled", "autoAccept"),
	),
}

var routeTargets = []string{"gatewayId", "natGatewayId", "vpcEndpointId", "transitGatewayId", "networkInterfaceId",
	"egressOnlyGatewayId", "vpcPeeringConnectionId", "carrierGatewayId", "localGatewayId", "coreNetworkArn"}

// inlineRuleClasses classifies what the rule checks do not judge in a group's inline rules.
func inlineRuleClasses(typ string) []Class {
	var out []Class
	for _, dir := range []string{"ingress[*].", "egress[*]."} {
		out = append(out, classify(typ, Reference, "ids of the rule's source or destination groups and prefix lists", dir+"securityGroups[*]", dir+"prefixListIds[*]")...)
		out = append(out, classify(typ, Boolean, "the group itself is the source or destination", dir+"self")...)
	}
	return out
}

// cidrRule checks an IPv4 CIDR block and its prefix length.
func cidrRule(id, typ, path string, shortest, longest int, source string) Rule {
	return Rule{ID: id, Types: []string{typ}, Paths: []string{path}, Source: source, Check: func(r *Resource, report Reporter) {
		v := r.Inputs[path]
		if _, ok := text(v); !ok {
			return
		}
		if p, ok := cidr(v, false); !ok || p.Bits() < shortest || p.Bits() > longest {
			report(path, v, fmt.Sprintf("an IPv4 CIDR block from /%d to /%d", shortest, longest))
		}
	}}
}
