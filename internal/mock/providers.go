package mock

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"hash/fnv"
	"reflect"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// What the mocked providers compute. Ids and ARNs follow AWS's formats, with the mock account and
// region, so that policies and references built from them read like the real ones; anything a
// provider would invent (ids, DNS names) is derived from the URN or the name, so runs are repeatable.

// idPrefixes are the prefixes of AWS-generated ids; other resources use their physical name as id.
var idPrefixes = map[string]string{
	"aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": "sg-",
	"aws:ec2/eip:Eip":                                              "eipalloc-",
	"aws:ec2/flowLog:FlowLog":                                      "fl-",
	"aws:ec2/internetGateway:InternetGateway":                      "igw-",
	"aws:ec2/launchTemplate:LaunchTemplate":                        "lt-",
	"aws:ec2/instance:Instance":                                    "i-",
	"aws:ebs/volume:Volume":                                        "vol-",
	"aws:ec2/natGateway:NatGateway":                                "nat-",
	"aws:ec2/routeTable:RouteTable":                                "rtb-",
	"aws:ec2/routeTableAssociation:RouteTableAssociation":          "rtbassoc-",
	"aws:ec2/securityGroup:SecurityGroup":                          "sg-",
	"aws:ec2/subnet:Subnet":                                        "subnet-",
	"aws:ec2/vpc:Vpc":                                              "vpc-",
	"aws:ec2/vpcEndpoint:VpcEndpoint":                              "vpce-",
	"aws:efs/accessPoint:AccessPoint":                              "fsap-",
	"aws:efs/fileSystem:FileSystem":                                "fs-",
	"aws:efs/mountTarget:MountTarget":                              "fsmt-",
	"aws:servicediscovery/httpNamespace:HttpNamespace":             "ns-",
	"aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace": "ns-",
	"aws:servicediscovery/service:Service":                         "srv-",
	"aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule":      "sgr-",
	"aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule":    "sgr-",
}

// fakeID returns prefix plus 17 hex digits derived from seed.
func fakeID(prefix, seed string) string {
	h := fnv.New64a()
	h.Write([]byte(seed))
	return fmt.Sprintf("%s%017x", prefix, h.Sum64())[:len(prefix)+17]
}

// outputs derives the state a provider would return: the inputs (secrets stay secret) plus an id,
// a name, an ARN and the attributes the type's hook adds.
func (m *Monitor) outputs(r *Resource) (string, resource.PropertyMap) {
	state := r.Inputs.Mappable()
	if hook, ok := hooks[r.Type]; ok {
		hook(m, r.Name, state)
	}
	id := ""
	if r.Custom {
		physical := r.Name
		for _, k := range []string{"bucket", "name", "identifier", "family"} {
			if v, ok := state[k].(string); ok && v != "" {
				physical = v
				break
			}
		}
		id = physical
		if prefix, ok := idPrefixes[r.Type]; ok {
			id = fakeID(prefix, r.URN)
		}
		if _, ok := state["name"]; !ok {
			state["name"] = physical
		}
		if _, ok := state["arn"]; !ok {
			state["arn"] = m.arn(r.Type, physical, id)
		}
	}
	out := r.Inputs.Copy()
	inputs := r.Inputs.Mappable()
	for k, v := range state {
		if !reflect.DeepEqual(inputs[k], v) {
			out[resource.PropertyKey(k)] = resource.NewPropertyValue(v)
		}
	}
	return id, out
}

// arn synthesizes the ARN of a resource from its type token: the module is the service, the
// resource kind its ARN resource type ("aws:dynamodb/table:Table" gives
// arn:aws:dynamodb:<region>:<account>:table/<name>), with the exceptions AWS makes.
func (m *Monitor) arn(typ, physical, id string) string {
	parts := strings.Split(typ, ":")
	if len(parts) != 3 || parts[0] != "aws" {
		return ""
	}
	service, kind, _ := strings.Cut(parts[1], "/")
	regional := func(svc, res string) string {
		return "arn:aws:" + svc + ":" + m.region + ":" + Account + ":" + res
	}
	switch typ {
	case "aws:cloudwatch/logGroup:LogGroup":
		return regional("logs", "log-group:"+physical)
	case "aws:sns/topic:Topic":
		return regional("sns", physical)
	case "aws:sqs/queue:Queue":
		return regional("sqs", physical)
	case "aws:secretsmanager/secret:Secret":
		return regional("secretsmanager", "secret:"+physical+"-AbCdEf")
	case "aws:rds/instance:Instance":
		return regional("rds", "db:"+physical)
	case "aws:rds/parameterGroup:ParameterGroup":
		return regional("rds", "pg:"+physical)
	case "aws:rds/subnetGroup:SubnetGroup":
		return regional("rds", "subgrp:"+physical)
	case "aws:efs/fileSystem:FileSystem":
		return regional("elasticfilesystem", "file-system/"+id)
	case "aws:efs/accessPoint:AccessPoint":
		return regional("elasticfilesystem", "access-point/"+id)
	case "aws:ecs/taskDefinition:TaskDefinition":
		return regional("ecs", "task-definition/"+physical+":1")
	case "aws:lb/loadBalancer:LoadBalancer":
		return regional("elasticloadbalancing", "loadbalancer/app/"+physical+"/"+fakeID("", physical)[:16])
	case "aws:lb/targetGroup:TargetGroup":
		return regional("elasticloadbalancing", "targetgroup/"+physical+"/"+fakeID("", physical)[:16])
	case "aws:ec2/natGateway:NatGateway":
		return regional("ec2", "natgateway/"+id)
	case "aws:ec2/eip:Eip":
		return regional("ec2", "elastic-ip/"+id)
	case "aws:ebs/volume:Volume":
		return regional("ec2", "volume/"+id)
	case "aws:acm/certificate:Certificate":
		return regional("acm", "certificate/"+fakeID("", physical))
	case "aws:sfn/stateMachine:StateMachine":
		return regional("states", "stateMachine:"+physical)
	case "aws:cloudwatch/eventRule:EventRule":
		return regional("events", "rule/"+physical)
	}
	switch service {
	case "s3":
		return "arn:aws:s3:::" + physical
	case "iam":
		return "arn:aws:iam::" + Account + ":" + kebab(kind) + "/" + physical
	}
	if _, generated := idPrefixes[typ]; generated {
		physical = id
	}
	return regional(service, kebab(kind)+"/"+physical)
}

// kebab turns a camelCase resource kind into the kebab-case ARN resource type (instanceProfile
// becomes instance-profile).
func kebab(s string) string {
	var b strings.Builder
	for i, r := range s {
		if r >= 'A' && r <= 'Z' {
			if i > 0 {
				b.WriteByte('-')
			}
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// hooks add the attributes a provider computes beyond id, name and ARN. They receive the logical
// name and the state so far (the inputs).
var hooks = map[string]func(m *Monitor, name string, state map[string]any){
	// A VPC's default security group, network ACL and main route table come with it.
	"aws:ec2/vpc:Vpc": func(m *Monitor, name string, state map[string]any) {
		state["defaultSecurityGroupId"] = fakeID("sg-", name+"/default")
		state["defaultNetworkAclId"] = fakeID("acl-", name+"/default")
		state["defaultRouteTableId"] = fakeID("rtb-", name+"/main")
		state["mainRouteTableId"] = state["defaultRouteTableId"]
		state["ownerId"] = Account
	},
	// An Elastic IP's allocation id is its id in AWS; here it follows the logical name (the id
	// follows the URN, which a hook does not see). Its address comes from the allocation id, as a
	// NAT gateway's does, so both report the same one.
	"aws:ec2/eip:Eip": func(m *Monitor, name string, state map[string]any) {
		alloc := fakeID("eipalloc-", name)
		state["allocationId"] = alloc
		state["publicIp"] = publicIP(alloc)
		if _, ok := state["domain"]; !ok {
			state["domain"] = "vpc"
		}
	},
	"aws:ec2/natGateway:NatGateway": func(m *Monitor, name string, state map[string]any) {
		if alloc, ok := state["allocationId"].(string); ok {
			state["publicIp"] = publicIP(alloc)
		}
		if _, ok := state["connectivityType"]; !ok {
			state["connectivityType"] = "public"
		}
		state["networkInterfaceId"] = fakeID("eni-", name)
	},
	"aws:rds/instance:Instance": func(m *Monitor, name string, state map[string]any) {
		id, _ := state["identifier"].(string)
		port, ok := state["port"].(float64)
		if !ok {
			port = map[string]float64{"postgres": 5432, "mysql": 3306, "mariadb": 3306}[fmt.Sprint(state["engine"])]
		}
		address := id + ".c0mock0abcd.us-mock-1.rds.amazonaws.com"
		address = strings.Replace(address, "us-mock-1", m.region, 1)
		state["address"] = address
		state["port"] = port
		state["endpoint"] = fmt.Sprintf("%s:%d", address, int(port))
		if state["manageMasterUserPassword"] == true {
			state["masterUserSecrets"] = []any{map[string]any{
				"secretArn":    "arn:aws:secretsmanager:" + m.region + ":" + Account + ":secret:rds!db-" + fakeID("", id)[:8] + "-AbCdEf",
				"secretStatus": "active",
				"kmsKeyId":     "",
			}}
		}
	},
	"aws:lb/loadBalancer:LoadBalancer": func(m *Monitor, name string, state map[string]any) {
		physical, _ := state["name"].(string)
		state["dnsName"] = physical + "-1234567890." + m.region + ".elb.amazonaws.com"
		state["zoneId"] = "Z0MOCKELBZONE"
		state["arnSuffix"] = "app/" + physical + "/" + fakeID("", physical)[:16]
	},
	"aws:lb/targetGroup:TargetGroup": func(m *Monitor, name string, state map[string]any) {
		physical, _ := state["name"].(string)
		state["arnSuffix"] = "targetgroup/" + physical + "/" + fakeID("", physical)[:16]
	},
	"aws:acm/certificate:Certificate":       dnsValidation,
	"aws:lightsail/certificate:Certificate": dnsValidation,
	// Route 53 reports a record's name fully qualified and without the final dot.
	"aws:route53/record:Record": func(m *Monitor, name string, state map[string]any) {
		record, _ := state["name"].(string)
		state["fqdn"] = strings.TrimSuffix(record, ".")
	},
	"aws:ecs/taskDefinition:TaskDefinition": func(m *Monitor, name string, state map[string]any) {
		state["revision"] = float64(1)
	},
	"aws:servicediscovery/httpNamespace:HttpNamespace": func(m *Monitor, name string, state map[string]any) {
		state["arn"] = "arn:aws:servicediscovery:" + m.region + ":" + Account + ":namespace/" + fakeID("ns-", name)
	},
	"aws:autoscaling/group:Group": func(m *Monitor, name string, state map[string]any) {
		physical, _ := state["name"].(string)
		state["arn"] = "arn:aws:autoscaling:" + m.region + ":" + Account + ":autoScalingGroup:" +
			fakeID("", physical)[:8] + "-0000-4000-8000-" + fakeID("", name)[:12] + ":autoScalingGroupName/" + physical
	},
	"aws:ec2/launchTemplate:LaunchTemplate": func(m *Monitor, name string, state map[string]any) {
		state["latestVersion"] = float64(1)
	},
	// A queue's URL, which is also its id in the provider.
	"aws:sqs/queue:Queue": func(m *Monitor, name string, state map[string]any) {
		physical, _ := state["name"].(string)
		state["url"] = "https://sqs." + m.region + ".amazonaws.com/" + Account + "/" + physical
	},
	// A stack reference reads the outputs of another stack of the project. The only one strata
	// reads is a stack that deployed Cloud Kotta's base layer, with the referenced stack's name
	// as its environment: its kotta output, as stacks.Run exports it.
	"pulumi:pulumi:StackReference": func(m *Monitor, name string, state map[string]any) {
		ref, _ := state["name"].(string)
		env := ref[strings.LastIndex(ref, "/")+1:]
		prefix := "kotta-" + env + "-"
		table := func(t string) string { return "arn:aws:dynamodb:" + m.region + ":" + Account + ":table/" + prefix + t }
		iam := func(kind, n string) string { return "arn:aws:iam::" + Account + ":" + kind + "/" + prefix + n }
		state["outputs"] = map[string]any{"kotta": map[string]any{
			"jobsBucketName": prefix + "jobs", "jobsBucketArn": "arn:aws:s3:::" + prefix + "jobs",
			"jobsTableName": prefix + "jobs", "jobsTableArn": table("jobs"),
			"usersTableName": prefix + "users", "usersTableArn": table("users"),
			"webRoleName": prefix + "web", "webRoleArn": iam("role", "web"), "webPolicyArn": iam("policy", "web"),
			"webInstanceProfileName": prefix + "web",
			"workerRoleName":         prefix + "worker", "workerRoleArn": iam("role", "worker"), "workerPolicyArn": iam("policy", "worker"),
			"workerInstanceProfileName": prefix + "worker",
		}}
		state["secretOutputNames"] = []any{}
	},
	// An instance keeps its given private address or gets one in 10.0.0.0/8 derived from its
	// logical name; its private DNS name follows the address, as in a VPC with DNS hostnames.
	"aws:ec2/instance:Instance": func(m *Monitor, name string, state map[string]any) {
		ip, _ := state["privateIp"].(string)
		if ip == "" {
			h := fnv.New32a()
			h.Write([]byte(name))
			n := h.Sum32()
			ip = fmt.Sprintf("10.%d.%d.%d", n>>16&0xff, n>>8&0xff, 4+n%250)
		}
		domain := m.region + ".compute.internal"
		if m.region == "us-east-1" {
			domain = "ec2.internal"
		}
		state["privateIp"] = ip
		state["privateDns"] = "ip-" + strings.ReplaceAll(ip, ".", "-") + "." + domain
		state["instanceState"] = "running"
	},
	// Image Builder ARNs carry the lowercased name and the semantic version (components and
	// images also their build number, 1 for the first); a baked image reports the AMI it
	// distributed.
	"aws:imagebuilder/component:Component": func(m *Monitor, name string, state map[string]any) {
		physical, _ := state["name"].(string)
		state["arn"] = "arn:aws:imagebuilder:" + m.region + ":" + Account + ":component/" + strings.ToLower(physical) + "/" + fmt.Sprint(state["version"]) + "/1"
	},
	"aws:imagebuilder/imageRecipe:ImageRecipe": func(m *Monitor, name string, state map[string]any) {
		physical, _ := state["name"].(string)
		state["arn"] = "arn:aws:imagebuilder:" + m.region + ":" + Account + ":image-recipe/" + strings.ToLower(physical) + "/" + fmt.Sprint(state["version"])
	},
	"aws:imagebuilder/image:Image": func(m *Monitor, name string, state map[string]any) {
		recipe, _ := state["imageRecipeArn"].(string)
		_, nameVersion, _ := strings.Cut(recipe, ":image-recipe/")
		recipeName, version, _ := strings.Cut(nameVersion, "/")
		state["name"], state["version"] = recipeName, version+"/1"
		state["arn"] = "arn:aws:imagebuilder:" + m.region + ":" + Account + ":image/" + nameVersion + "/1"
		state["outputResources"] = []any{map[string]any{"amis": []any{map[string]any{
			"image": fakeID("ami-", name), "region": m.region, "accountId": Account, "name": recipeName + "-2025-01-01T00-00-00.000Z",
		}}}}
	},
	"aws:ec2/placementGroup:PlacementGroup": func(m *Monitor, name string, state map[string]any) {
		state["placementGroupId"] = fakeID("pg-", name)
	},
	// A scaling policy's ARN names its group and itself, as alarm actions use it.
	"aws:autoscaling/policy:Policy": func(m *Monitor, name string, state map[string]any) {
		group, _ := state["autoscalingGroupName"].(string)
		policy, _ := state["name"].(string)
		state["arn"] = "arn:aws:autoscaling:" + m.region + ":" + Account + ":scalingPolicy:" + fakeID("", name)[:8] +
			"-0000-4000-8000-" + fakeID("", policy)[:12] + ":autoScalingGroupName/" + group + ":policyName/" + policy
	},
	"aws:lightsail/containerService:ContainerService": func(m *Monitor, name string, state map[string]any) {
		physical, _ := state["name"].(string)
		state["url"] = "https://" + physical + ".mock0abcd." + m.region + ".cs.amazonlightsail.com/"
		state["privateDomainName"] = physical + "." + m.region + ".cs.amazonlightsail.com"
		// The ECR image puller exists while it is active.
		if access, ok := state["privateRegistryAccess"].(map[string]any); ok {
			if role, ok := access["ecrImagePullerRole"].(map[string]any); ok && role["isActive"] == true {
				role["principalArn"] = "arn:aws:iam::" + Account + ":role/amazon/lightsail/" + m.region +
					"/containers/" + physical + "/private-repo-access/" + fakeID("", physical)
			}
		}
	},
	// A key pair that is a fixed function of the logical name: a real Ed25519 public key in OpenSSH
	// form, and a placeholder private key (a secret, as the provider marks it).
	"tls:index/privateKey:PrivateKey": func(m *Monitor, name string, state map[string]any) {
		seed := sha256.Sum256([]byte(name))
		pub := ed25519.NewKeyFromSeed(seed[:]).Public().(ed25519.PublicKey)
		wire := append([]byte{0, 0, 0, 11}, "ssh-ed25519"...)
		wire = append(append(wire, 0, 0, 0, 32), pub...)
		fp := sha256.Sum256(wire)
		state["publicKeyOpenssh"] = "ssh-ed25519 " + base64.StdEncoding.EncodeToString(wire) + "\n"
		state["publicKeyFingerprintSha256"] = "SHA256:" + base64.RawStdEncoding.EncodeToString(fp[:])
		state["privateKeyOpenssh"] = "-----BEGIN OPENSSH PRIVATE KEY-----\nmock" + fakeID("", name) + "\n-----END OPENSSH PRIVATE KEY-----\n"
	},
	// A new document's first version is its latest and its default.
	"aws:ssm/document:Document": func(m *Monitor, name string, state map[string]any) {
		state["latestVersion"] = "1"
		state["defaultVersion"] = "1"
		state["documentVersion"] = "1"
	},
	"aws:ssm/association:Association": func(m *Monitor, name string, state map[string]any) {
		h := fakeID("", name)
		state["associationId"] = h[:8] + "-0000-4000-8000-" + fakeID("", name+"/association")[:12]
	},
	// The generated value is a fixed function of the logical name, so runs are repeatable.
	"random:index/randomPassword:RandomPassword": func(m *Monitor, name string, state map[string]any) {
		state["result"] = "Pw-" + fakeID("", name) + "_" + fakeID("", name+"-2")
	},
	// A random id follows its logical name and keepers: as in the provider, where it lives in the
	// state and changes only with its keepers, two runs give the same id and a changed keeper a
	// new one. Only the hex form (prefix and 2 × byteLength digits) is filled in.
	"random:index/randomId:RandomId": func(m *Monitor, name string, state map[string]any) {
		n, _ := state["byteLength"].(float64)
		seed := name + " " + fmt.Sprint(state["keepers"]) // maps print with sorted keys
		hex := ""
		for i := 0; len(hex) < 2*int(n); i++ {
			hex += fakeID("", fmt.Sprint(seed, i))[1:] // 16 digits of a 64-bit hash
		}
		prefix, _ := state["prefix"].(string)
		state["hex"] = prefix + hex[:2*int(n)]
	},
	"aws:lightsail/database:Database": func(m *Monitor, name string, state map[string]any) {
		physical, _ := state["relationalDatabaseName"].(string)
		state["masterEndpointAddress"] = "ls-" + fakeID("", physical)[:16] + "." + m.region + ".rds.amazonaws.com"
		port := float64(5432)
		if strings.HasPrefix(fmt.Sprint(state["blueprintId"]), "mysql") {
			port = 3306
		}
		state["masterEndpointPort"] = port
	},
}

// publicIP returns an address of TEST-NET-3 (203.0.113.0/24, reserved for documentation) derived
// from seed.
func publicIP(seed string) string {
	h := fnv.New32a()
	h.Write([]byte(seed))
	return fmt.Sprintf("203.0.113.%d", 1+h.Sum32()%254)
}

// dnsValidation gives a certificate the CNAME record that proves control of its domain.
func dnsValidation(m *Monitor, name string, state map[string]any) {
	domain, _ := state["domainName"].(string)
	state["domainValidationOptions"] = []any{map[string]any{
		"domainName":          domain,
		"resourceRecordName":  "_" + fakeID("", domain)[:12] + "." + domain + ".",
		"resourceRecordType":  "CNAME",
		"resourceRecordValue": "_" + fakeID("", name)[:12] + ".acm-validations.aws.",
	}}
}

// invokes answer the provider functions strata calls.
var invokes = map[string]func(m *Monitor, args map[string]any) map[string]any{
	"aws:index/getRegion:getRegion": func(m *Monitor, _ map[string]any) map[string]any {
		return map[string]any{"id": m.region, "name": m.region}
	},
	"aws:index/getCallerIdentity:getCallerIdentity": func(m *Monitor, _ map[string]any) map[string]any {
		return map[string]any{"id": Account, "accountId": Account, "userId": "AIDAMOCK", "arn": "arn:aws:iam::" + Account + ":user/mock"}
	},
	"aws:index/getPartition:getPartition": func(m *Monitor, _ map[string]any) map[string]any {
		return map[string]any{"id": "aws", "partition": "aws", "dnsSuffix": "amazonaws.com", "reverseDnsPrefix": "com.amazonaws"}
	},
	"aws:index/getAvailabilityZones:getAvailabilityZones": func(m *Monitor, _ map[string]any) map[string]any {
		names := []any{m.region + "a", m.region + "b", m.region + "c"}
		ids := []any{"use-az1", "use-az2", "use-az3"}
		return map[string]any{"id": m.region, "names": names, "zoneIds": ids}
	},
	// Public SSM parameters, such as the ECS-optimized AMI id.
	"aws:ssm/getParameter:getParameter": func(m *Monitor, args map[string]any) map[string]any {
		name, _ := args["name"].(string)
		return map[string]any{"id": name, "name": name, "type": "String", "value": "ami-0mock" + fakeID("", name)[:12],
			"arn": "arn:aws:ssm:" + m.region + "::parameter" + name, "version": float64(1)}
	},
	// The Elastic Load Balancing account that writes access logs in regions older than 2022.
	"aws:elb/getServiceAccount:getServiceAccount": func(m *Monitor, _ map[string]any) map[string]any {
		return map[string]any{"id": "127311923021", "arn": "arn:aws:iam::127311923021:root"}
	},
	"aws:route53/getZone:getZone": func(m *Monitor, args map[string]any) map[string]any {
		name, _ := args["name"].(string)
		name = strings.TrimSuffix(name, ".")
		id := "Z" + strings.ToUpper(fakeID("", name)[:13])
		return map[string]any{"id": id, "zoneId": id, "name": name, "privateZone": false}
	},
	// A subnet by id: its zone is one of the region's first three, fixed per subnet.
	// An existing secret, by name or ARN: every one exists, with the random suffix AWS appends to
	// the name in the ARN.
	"aws:secretsmanager/getSecret:getSecret": func(m *Monitor, args map[string]any) map[string]any {
		name, _ := args["name"].(string)
		arn, _ := args["arn"].(string)
		if arn == "" {
			arn = "arn:aws:secretsmanager:" + m.region + ":" + Account + ":secret:" + name + "-" + fakeID("", name)[1:7]
		}
		if name == "" {
			name = arn[strings.LastIndex(arn, ":")+1:]
		}
		return map[string]any{"id": arn, "arn": arn, "name": name}
	},
	"aws:ec2/getSubnet:getSubnet": func(m *Monitor, args map[string]any) map[string]any {
		id, _ := args["id"].(string)
		h := fnv.New32a()
		h.Write([]byte(id))
		zone := m.region + string(rune('a'+h.Sum32()%3))
		return map[string]any{"id": id, "availabilityZone": zone, "vpcId": fakeID("vpc-", "subnet/"+id),
			"arn": "arn:aws:ec2:" + m.region + ":" + Account + ":subnet/" + id, "ownerId": Account, "state": "available"}
	},
	// The account's default VPC (the only lookup strata makes: default = true), 172.31.0.0/16 as
	// AWS creates it.
	"aws:ec2/getVpc:getVpc": func(m *Monitor, _ map[string]any) map[string]any {
		id := fakeID("vpc-", "default/"+m.region)
		return map[string]any{"id": id, "default": true, "cidrBlock": "172.31.0.0/16", "ownerId": Account,
			"arn": "arn:aws:ec2:" + m.region + ":" + Account + ":vpc/" + id, "state": "available"}
	},
	// Subnets by filter: the default VPC's default subnets, one per zone of the region's first three.
	"aws:ec2/getSubnets:getSubnets": func(m *Monitor, args map[string]any) map[string]any {
		var ids []any
		for _, z := range []string{"a", "b", "c"} {
			ids = append(ids, fakeID("subnet-", "default/"+m.region+z))
		}
		return map[string]any{"id": m.region, "ids": ids}
	},
}
