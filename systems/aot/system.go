package aot

import (
	"encoding/base64"
	"fmt"
	"maps"
	"slices"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ssm"
	"github.com/pulumi/pulumi-tls/sdk/v5/go/tls"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-iac/strata/components/bucket"
	"github.com/strata-iac/strata/components/fleet"
	"github.com/strata-iac/strata/components/network"
	"github.com/strata-iac/strata/components/secgroup"
	"github.com/strata-iac/strata/systems/environment"
)

// sshPort is SSH's, open between members only.
const sshPort = 22

// keyAlgorithm is the SSH keys' type: short keys, and OpenSSH's default.
const keyAlgorithm = "ED25519"

// Deps is what aot takes from the rest of the stage.
type Deps struct {
	// Network is the stage's network (required).
	Network *network.Network
	// Logs is the stage's log bucket, which receives the bucket's server access logs; nil: none.
	Logs *environment.Logs
}

// Aot is an aot cluster deployed.
type Aot struct {
	pulumi.ResourceState

	// Outputs are the stack outputs of the system.
	Outputs pulumi.Map
}

// memberOut is what one member's files and outputs are built from.
type memberOut struct {
	Member
	group                             string
	id, ip, hostname, subnet, hostKey pulumi.StringOutput
}

// New creates the cluster as planned: the bucket and key, the cluster's security group, one fleet
// per pool or instance, the SSH keys in Parameter Store, the cluster's files and tarballs in the
// bucket, and the bootstrap document and association.
func New(ctx *pulumi.Context, name string, p Plan, deps Deps, opts ...pulumi.ResourceOption) (*Aot, error) {
	net := deps.Network
	if net == nil {
		return nil, fmt.Errorf("aot %s: needs the stage's network", name)
	}
	x := &Aot{Outputs: pulumi.Map{}}
	if err := ctx.RegisterComponentResource("strata:system:Aot", name, x, opts...); err != nil {
		return nil, err
	}
	child := pulumi.Parent(x)
	acct, err := lookupAccount(ctx, child)
	if err != nil {
		return nil, err
	}
	tags := func(group string) pulumi.StringMap { return pulumi.ToStringMap(p.Naming.Tags(group)) }

	bucketArgs := p.Bucket
	bucketArgs.Logging = deps.Logs.Logging()
	store, err := bucket.New(ctx, name+"-bootstrap", &bucketArgs, child, deps.Logs.After())
	if err != nil {
		return nil, err
	}
	bucketARN := "arn:" + acct.Partition + ":s3:::" + p.Bucket.Name

	keyPolicyJSON, err := keyPolicy(acct)
	if err != nil {
		return nil, err
	}
	key, err := kms.NewKey(ctx, name+"-keys", &kms.KeyArgs{
		Description:          pulumi.String("Encrypts the SSH private keys of the " + p.Cluster + " cluster in Parameter Store"),
		Policy:               pulumi.String(keyPolicyJSON),
		EnableKeyRotation:    pulumi.Bool(true),
		DeletionWindowInDays: pulumi.Int(30),
		Tags:                 tags("keys"),
	}, child)
	if err != nil {
		return nil, err
	}

	cluster, err := secgroup.New(ctx, name+"-"+reserved, &secgroup.Args{
		Name:        p.Naming.Name(reserved),
		Description: "SSH between the members of the " + p.Cluster + " cluster, and nothing else",
		VPCID:       net.VPCID,
		Ingress: []secgroup.Rule{{Name: "ssh", Description: "SSH from the other members of the cluster",
			FromPort: sshPort, Self: true}},
		Egress: []secgroup.Rule{{Name: "ssh", Description: "SSH to the other members of the cluster",
			FromPort: sshPort, Self: true}},
		Tags: p.Naming.Tags(reserved),
	}, child)
	if err != nil {
		return nil, err
	}

	rootKey, err := tls.NewPrivateKey(ctx, name+"-root-key", &tls.PrivateKeyArgs{Algorithm: pulumi.String(keyAlgorithm)}, child)
	if err != nil {
		return nil, err
	}
	secrets := []pulumi.Resource{}
	param, err := x.secret(ctx, name+"-root-key", p, p.ParameterPath+"/root/id_ed25519",
		"The root SSH key of every member of "+p.Cluster, rootKey.PrivateKeyOpenssh, key)
	if err != nil {
		return nil, err
	}
	secrets = append(secrets, param)

	var members []memberOut
	var fleets []pulumi.Resource
	for _, g := range p.Groups {
		f, out, err := x.group(ctx, name, p, g, acct, bucketARN, key, cluster, net)
		if err != nil {
			return nil, err
		}
		fleets = append(fleets, f)
		for _, m := range out {
			hostKey, err := tls.NewPrivateKey(ctx, name+"-"+m.Name+"-host-key", &tls.PrivateKeyArgs{Algorithm: pulumi.String(keyAlgorithm)}, child)
			if err != nil {
				return nil, err
			}
			param, err := x.secret(ctx, name+"-"+m.Name+"-host-key", p, p.ParameterPath+"/groups/"+g.Name+"/"+m.Name+"/ssh_host_ed25519_key",
				"The SSH host key of "+m.Name+" in "+p.Cluster, hostKey.PrivateKeyOpenssh, key)
			if err != nil {
				return nil, err
			}
			secrets = append(secrets, param)
			m.hostKey = hostKey.PublicKeyOpenssh
			members = append(members, m)
		}
	}

	// The tarballs, by content.
	var objects []pulumi.Resource
	for _, s := range p.Stages {
		o, err := stageObject(ctx, name+"-stage-"+s.SHA256[:12], store, s, tags("bootstrap"), child)
		if err != nil {
			return nil, err
		}
		objects = append(objects, o)
	}

	// The cluster's files, from the members' outputs: written after the instances, never before.
	files := clusterFiles(members, rootKey.PublicKeyOpenssh)
	put := func(logical, key, contentType string, content pulumi.StringOutput) error {
		o, err := s3.NewBucketObjectv2(ctx, logical, &s3.BucketObjectv2Args{
			Bucket:      store.Name,
			Key:         pulumi.String(key),
			Content:     content,
			ContentType: pulumi.String(contentType),
			Tags:        tags(reserved),
		}, child)
		objects = append(objects, o)
		return err
	}
	for _, f := range []struct{ logical, key, contentType, file string }{
		{"facts", "cluster/facts.json", "application/json", "facts"},
		{"known-hosts", "cluster/known_hosts", "text/plain", "known_hosts"},
		{"authorized-keys", "cluster/authorized_keys", "text/plain", "authorized_keys"},
		{"members", "cluster/members", "text/plain", "members"},
	} {
		if err := put(name+"-"+f.logical, f.key, f.contentType, fileOf(files, f.file)); err != nil {
			return nil, err
		}
	}
	stageLists := []pulumi.StringOutput{}
	for _, g := range p.Groups {
		list := pulumi.String(StageList(g.Stages)).ToStringOutput()
		stageLists = append(stageLists, list)
		if err := put(name+"-stages-"+g.Name, "cluster/stages/"+g.Name, "text/plain", list); err != nil {
			return nil, err
		}
	}

	content, err := Document(p.TimeoutSeconds)
	if err != nil {
		return nil, err
	}
	doc, err := ssm.NewDocument(ctx, name+"-bootstrap", &ssm.DocumentArgs{
		Name:           pulumi.String(p.Naming.Name("bootstrap")),
		DocumentType:   pulumi.String("Command"),
		DocumentFormat: pulumi.String("JSON"),
		TargetType:     pulumi.String("/AWS::EC2::Instance"),
		Content:        pulumi.String(content),
		Tags:           tags("bootstrap"),
	}, child)
	if err != nil {
		return nil, err
	}
	revisionParts := []any{fileOf(files, "facts"), fileOf(files, "known_hosts"), fileOf(files, "authorized_keys"), fileOf(files, "members")}
	for _, l := range stageLists {
		revisionParts = append(revisionParts, l)
	}
	revision := pulumi.All(revisionParts...).ApplyT(func(parts []any) string {
		s := make([]string, len(parts))
		for i, v := range parts {
			s[i] = v.(string)
		}
		return Revision(s...)
	}).(pulumi.StringOutput)
	assocArgs := &ssm.AssociationArgs{
		Name:            doc.Name,
		AssociationName: pulumi.String(p.Naming.Name("bootstrap")),
		DocumentVersion: doc.LatestVersion,
		Targets: ssm.AssociationTargetArray{&ssm.AssociationTargetArgs{
			Key:    pulumi.String("tag:" + ClusterTag),
			Values: pulumi.StringArray{pulumi.String(p.Cluster)},
		}},
		Parameters: pulumi.StringMap{
			ParamClusterPath: pulumi.String(p.ParameterPath),
			ParamBucket:      store.Name,
			ParamRevision:    revision,
		},
		OutputLocation: &ssm.AssociationOutputLocationArgs{
			S3BucketName: store.Name,
			S3KeyPrefix:  pulumi.String("logs"),
		},
		// Every member at once; one member's failure stops none of the others.
		MaxConcurrency:     pulumi.String("100%"),
		MaxErrors:          pulumi.String("100%"),
		ComplianceSeverity: pulumi.String("HIGH"),
		Tags:               tags("bootstrap"),
	}
	if p.WaitSeconds > 0 {
		assocArgs.WaitForSuccessTimeoutSeconds = pulumi.Int(p.WaitSeconds)
	}
	assoc, err := ssm.NewAssociation(ctx, name+"-bootstrap", assocArgs, child,
		pulumi.DependsOn(slices.Concat(objects, secrets, fleets)))
	if err != nil {
		return nil, err
	}

	x.outputs(p, members, fileOf(files, "facts"), store.Name, assoc.AssociationId, acct.Region)
	if err := ctx.RegisterResourceOutputs(x, x.Outputs); err != nil {
		return nil, err
	}
	return x, nil
}

// lookupAccount asks the provider for the partition, region and account id.
func lookupAccount(ctx *pulumi.Context, opts ...pulumi.InvokeOption) (account, error) {
	part, err := aws.GetPartition(ctx, nil, opts...)
	if err != nil {
		return account{}, err
	}
	region, err := aws.GetRegion(ctx, nil, opts...)
	if err != nil {
		return account{}, err
	}
	caller, err := aws.GetCallerIdentity(ctx, nil, opts...)
	if err != nil {
		return account{}, err
	}
	return account{Partition: part.Partition, Region: region.Name, ID: caller.AccountId}, nil
}

// secret stores a private key as a SecureString encrypted with the cluster's key.
func (x *Aot) secret(ctx *pulumi.Context, logical string, p Plan, paramName, description string, value pulumi.StringOutput, key *kms.Key) (pulumi.Resource, error) {
	return ssm.NewParameter(ctx, logical, &ssm.ParameterArgs{
		Name:        pulumi.String(paramName),
		Description: pulumi.String(description),
		Type:        pulumi.String("SecureString"),
		Tier:        pulumi.String("Standard"),
		KeyId:       key.Arn,
		Value:       pulumi.ToSecret(value).(pulumi.StringOutput),
		Tags:        pulumi.ToStringMap(p.Naming.Tags("keys")),
	}, pulumi.Parent(x))
}

// group creates one pool's or instance's fleet and returns its members.
func (x *Aot) group(ctx *pulumi.Context, name string, p Plan, g Group, acct account, bucketARN string, key *kms.Key,
	cluster *secgroup.Group, net *network.Network) (*fleet.Fleet, []memberOut, error) {
	a := g.Fleet
	a.VPCID = net.VPCID
	groups := pulumi.StringArray{cluster.ID}
	for _, id := range g.SecurityGroupIDs {
		groups = append(groups, pulumi.String(id))
	}
	a.SecurityGroupIDs = groups
	a.Role.Attach = maps.Clone(a.Role.Attach)
	a.Role.Policy = key.Arn.ApplyT(func(keyARN string) (string, error) {
		return groupPolicy(acct, p.ParameterPath, g.Name, bucketARN, keyARN)
	}).(pulumi.StringOutput)
	a.Instances = slices.Clone(a.Instances)
	subnets := make([]pulumi.StringOutput, len(g.Members))
	for i, m := range g.Members {
		s, err := subnetOf(net, m)
		if err != nil {
			return nil, nil, fmt.Errorf("aot %s: %s: %w", name, m.Name, err)
		}
		a.Instances[i].SubnetID = s
		subnets[i] = s
	}
	f, err := fleet.New(ctx, name+"-"+g.Name, &a, pulumi.Parent(x))
	if err != nil {
		return nil, nil, err
	}
	out := make([]memberOut, len(g.Members))
	for i, m := range g.Members {
		inst := f.Instances[m.Name]
		out[i] = memberOut{Member: m, group: g.Name, id: inst.ID, ip: inst.PrivateIP, hostname: inst.PrivateDNS, subnet: subnets[i]}
	}
	return f, out, nil
}

// subnetOf is the member's subnet: given, or its zone's public or private subnet.
func subnetOf(net *network.Network, m Member) (pulumi.StringOutput, error) {
	if m.SubnetID != "" {
		return pulumi.String(m.SubnetID).ToStringOutput(), nil
	}
	subnets, kind := net.PrivateSubnets, "private"
	if m.Public {
		subnets, kind = net.PublicSubnets, "public"
	}
	if m.Zone < 0 || m.Zone >= len(subnets) {
		return pulumi.StringOutput{}, fmt.Errorf("zone %d: the network has %d %s subnets", m.Zone, len(subnets), kind)
	}
	return subnets[m.Zone].ID, nil
}

// stageObject stages a tarball under its content-addressed key.
func stageObject(ctx *pulumi.Context, logical string, store *bucket.Bucket, s Stage, tags pulumi.StringMap, opts ...pulumi.ResourceOption) (pulumi.Resource, error) {
	if s.Source != "" {
		return s3.NewObjectCopy(ctx, logical, &s3.ObjectCopyArgs{
			Bucket:            store.Name,
			Key:               pulumi.String(s.Key()),
			Source:            pulumi.String(s.Source),
			ContentType:       pulumi.String("application/gzip"),
			MetadataDirective: pulumi.String("REPLACE"),
			TaggingDirective:  pulumi.String("REPLACE"),
			Tags:              tags,
		}, opts...)
	}
	args := &s3.BucketObjectv2Args{
		Bucket:      store.Name,
		Key:         pulumi.String(s.Key()),
		ContentType: pulumi.String("application/gzip"),
		Tags:        tags,
	}
	if s.File != "" {
		args.Source = pulumi.NewFileAsset(s.File)
	} else {
		args.ContentBase64 = pulumi.String(base64.StdEncoding.EncodeToString(s.Content))
	}
	return s3.NewBucketObjectv2(ctx, logical, args, opts...)
}

// clusterFiles renders the cluster's files from the members' outputs, all at once.
func clusterFiles(members []memberOut, rootKey pulumi.StringOutput) pulumi.StringMapOutput {
	parts := []any{rootKey}
	for _, m := range members {
		parts = append(parts, m.id, m.ip, m.hostname, m.subnet, m.hostKey)
	}
	return pulumi.All(parts...).ApplyT(func(v []any) (map[string]string, error) {
		hosts := make([]Host, len(members))
		for i, m := range members {
			o := v[1+5*i:]
			hosts[i] = Host{Name: m.Name, Group: m.group, User: m.User, Owner: m.Owner,
				InstanceID: o[0].(string), IP: o[1].(string), Hostname: o[2].(string), Subnet: o[3].(string), HostKey: o[4].(string)}
		}
		facts, err := Facts(hosts)
		if err != nil {
			return nil, err
		}
		return map[string]string{
			"facts":           facts,
			"known_hosts":     KnownHosts(hosts),
			"authorized_keys": AuthorizedKeys(v[0].(string)),
			"members":         Members(hosts),
		}, nil
	}).(pulumi.StringMapOutput)
}

func fileOf(files pulumi.StringMapOutput, name string) pulumi.StringOutput {
	return files.MapIndex(pulumi.String(name))
}

// outputs are every member's name, id, private IP and hostname, the facts, and the commands to
// open a shell on a member and to run the bootstrap again.
func (x *Aot) outputs(p Plan, members []memberOut, facts, bucketName, associationID pulumi.StringOutput, region string) {
	instances := pulumi.Map{}
	shells := pulumi.StringMap{}
	for _, m := range members {
		instances[m.Name] = pulumi.StringMap{"name": pulumi.String(m.Name), "group": pulumi.String(m.group),
			"id": m.id, "privateIp": m.ip, "hostname": m.hostname}
		shells[m.Name] = pulumi.Sprintf("aws ssm start-session --region %s --target %s", region, m.id)
	}
	x.Outputs["cluster"] = pulumi.String(p.Cluster)
	x.Outputs["instances"] = instances
	x.Outputs["facts"] = facts
	x.Outputs["shell"] = shells
	x.Outputs["bucket"] = bucketName
	x.Outputs["associationId"] = associationID
	x.Outputs["rerunBootstrap"] = pulumi.Sprintf("aws ssm start-associations-once --region %s --association-ids %s", region, associationID)
	x.Outputs["bootstrapStatus"] = pulumi.Sprintf("aws ssm describe-association-executions --region %s --association-id %s", region, associationID)
	x.Outputs["bootstrapLogs"] = pulumi.Sprintf("s3://%s/logs/", bucketName)
	x.Outputs["members"] = pulumi.ToStringArray(memberNames(members))
}

func memberNames(members []memberOut) []string {
	out := make([]string, len(members))
	for i, m := range members {
		out[i] = m.Name
	}
	slices.Sort(out)
	return out
}
