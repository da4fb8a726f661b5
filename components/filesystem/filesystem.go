package filesystem

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/efs"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-iac/strata/components/bucket"
	"github.com/strata-iac/strata/components/field"
	"github.com/strata-iac/strata/components/fleet"
	"github.com/strata-iac/strata/components/naming"
	"github.com/strata-iac/strata/components/policy"
	"github.com/strata-iac/strata/components/secgroup"
)

// Defaults of the arguments.
const (
	DefaultGroup          = "files"
	DefaultThroughputMode = "elastic"
	DefaultTransitionToIA = "AFTER_30_DAYS"
	// DefaultUID and DefaultGID are the POSIX user of an access point that names none: the first
	// regular user on most Linux images, never root.
	DefaultUID         = 1000
	DefaultGID         = 1000
	DefaultPermissions = "0750"
)

// NFSPort is the port of EFS mount targets, with or without TLS.
const NFSPort = 2049

// TransitionsToIA are the values EFS accepts for transitionToIa.
var TransitionsToIA = []string{"AFTER_1_DAY", "AFTER_7_DAYS", "AFTER_14_DAYS", "AFTER_30_DAYS",
	"AFTER_60_DAYS", "AFTER_90_DAYS", "AFTER_180_DAYS", "AFTER_270_DAYS", "AFTER_365_DAYS"}

// ThroughputModes are the throughput modes strata offers; provisioned throughput is left out, it
// costs whether used or not.
var ThroughputModes = []string{"elastic", "bursting"}

// Args configures a FileSystem.
type Args struct {
	// Group names and tags the file system: creation token and security group <app>-<env>-<group>.
	// Default "files". It is part of the creation token, so changing it replaces the file system.
	Group string
	// KMSKeyARN encrypts the file system with this customer managed key. Default: the AWS managed
	// key aws/elasticfilesystem. Changing it replaces the file system.
	KMSKeyARN string
	// ThroughputMode is "elastic" (default: pay per use, no burst credits to run out of) or
	// "bursting". Changed in place, at most once a day.
	ThroughputMode string
	// TransitionToIA moves files not read for this long to Infrequent Access; the first access moves
	// them back. Default AFTER_30_DAYS; one of TransitionsToIA.
	TransitionToIA string
	// Backup turns AWS Backup's daily backups of the file system on or off. Default true; only an
	// explicit false turns them off.
	Backup *bool
	// AccessPoints are the only way into the file system, by name (required, at least one).
	AccessPoints map[string]AccessPoint
	// Sync refreshes one access point from an S3 prefix on a schedule. Default: no sync.
	Sync *Sync

	// Naming names and tags the resources.
	Naming naming.Convention
	// Protect protects the file system, so Pulumi refuses to delete or replace it.
	Protect bool
	// VPCID is the VPC of the subnets (required).
	VPCID pulumi.StringInput
	// Subnets are private subnets, one per Availability Zone (required); each gets a mount target
	// named by the subnet's Key, so adding or removing a zone touches only its own mount target.
	Subnets []Subnet
	// Clients are the security groups allowed to reach the mount targets on NFS, by name; the name
	// names the ingress rule (lowercase letters, digits, hyphens).
	Clients map[string]pulumi.StringInput
	// SyncBucketARN is the ARN of the bucket Sync copies from (required with Sync).
	SyncBucketARN pulumi.StringInput
}

// Subnet is a subnet that gets a mount target.
type Subnet struct {
	// Key names the subnet for good (network.Subnet.Key: its zone in a new VPC, its id in an
	// existing one): lowercase letters, digits and hyphens.
	Key string
	// ID is the subnet's id.
	ID pulumi.StringInput
}

// AccessPoint confines its clients to one directory, as one POSIX user.
type AccessPoint struct {
	// Path is the directory the clients see as their root (required): absolute, canonical, never /,
	// at most four levels. EFS creates it on first use with the owner and permissions below.
	// Changing it replaces the access point, not the files.
	Path string
	// UID and GID are the POSIX user and group of every request through the access point.
	// Default 1000; 0 (root) only with AllowRoot.
	UID *int
	GID *int
	// Permissions are the mode of the directory EFS creates: 3 or 4 octal digits. Default 0750.
	Permissions string
	// OwnerUID and OwnerGID own the directory EFS creates. Default: UID and GID.
	OwnerUID *int
	OwnerGID *int
	// AllowRoot permits uid or gid 0 on this access point. Default false.
	AllowRoot bool
}

// FileSystem is an encrypted EFS file system with its mount targets and access points.
type FileSystem struct {
	pulumi.ResourceState

	// ID and ARN are the file system's.
	ID  pulumi.StringOutput
	ARN pulumi.StringOutput
	// SecurityGroupID is the mount targets' security group.
	SecurityGroupID pulumi.StringOutput
	// AccessPointIDs and AccessPointARNs are keyed by access point name.
	AccessPointIDs  map[string]pulumi.StringOutput
	AccessPointARNs map[string]pulumi.StringOutput
	// SyncTaskARN is the DataSync task's ARN; empty without Sync.
	SyncTaskARN pulumi.StringOutput
	// MountTargets are the mount targets, one per subnet: clients that mount the file system
	// (service.Volume.MountTargets) wait for them.
	MountTargets []pulumi.Resource
}

// maxGroup keeps every name derived from the group within AWS's limits (IAM roles: 64 characters).
const maxGroup = 20

// maxAccessPoints is EFS's quota of access points per file system (Amazon EFS quotas: 10,000).
const maxAccessPoints = 10000

// maxID is the largest uid or gid EFS accepts (PosixUser Uid and Gid, CreationInfo OwnerUid and
// OwnerGid: 0 to 4294967295 in the EFS API reference).
const maxID = math.MaxUint32

// syncRule names the NFS ingress rule of the DataSync network interfaces.
const syncRule = "datasync"

// clientActions are every NFS client action EFS authorizes.
var clientActions = []string{"elasticfilesystem:ClientMount", "elasticfilesystem:ClientRootAccess", "elasticfilesystem:ClientWrite"}

var (
	permissionsRE = regexp.MustCompile(`^[0-7]{3,4}$`)
	// pathPartRE is what EFS allows in one component of an access point path.
	pathPartRE = regexp.MustCompile("^[^$#<>;`|&?{}^*\n]+$")
)

// WithDefaults returns a copy of a with the documented defaults filled in, those of the access
// points and the sync included.
func (a Args) WithDefaults() Args {
	if a.Group == "" {
		a.Group = DefaultGroup
	}
	if a.ThroughputMode == "" {
		a.ThroughputMode = DefaultThroughputMode
	}
	if a.TransitionToIA == "" {
		a.TransitionToIA = DefaultTransitionToIA
	}
	aps := make(map[string]AccessPoint, len(a.AccessPoints))
	for name, ap := range a.AccessPoints {
		aps[name] = ap.withDefaults()
	}
	a.AccessPoints = aps
	if a.Sync != nil {
		s := a.Sync.withDefaults()
		a.Sync = &s
	}
	return a
}

func (ap AccessPoint) withDefaults() AccessPoint {
	if ap.UID == nil {
		ap.UID = ptr(DefaultUID)
	}
	if ap.GID == nil {
		ap.GID = ptr(DefaultGID)
	}
	if ap.OwnerUID == nil {
		ap.OwnerUID = ptr(*ap.UID)
	}
	if ap.OwnerGID == nil {
		ap.OwnerGID = ptr(*ap.GID)
	}
	if ap.Permissions == "" {
		ap.Permissions = DefaultPermissions
	}
	return ap
}

func ptr[T any](v T) *T { return &v }

// backup reports whether backups are on: unless set to false explicitly.
func (a Args) backup() bool { return a.Backup == nil || *a.Backup }

// Validate reports every problem with the settings, with their defaults; paths are the settings'
// names in lowerCamelCase ("accessPoints.authorities.path", "sync.schedule"). New checks Naming
// and the inputs passed by code as well.
func (a Args) Validate() error {
	a = a.WithDefaults()
	var errs field.Errors
	errs.Check("group", naming.Identifier(a.Group, maxGroup))
	if a.KMSKeyARN != "" && !bucket.KMSKeyARN.MatchString(a.KMSKeyARN) {
		errs.Add("kmsKeyArn", "%q is not a KMS key ARN: use arn:aws:kms:<region>:<account>:key/<key-id>", a.KMSKeyARN)
	}
	errs.OneOf("throughputMode", a.ThroughputMode, ThroughputModes...)
	errs.OneOf("transitionToIa", a.TransitionToIA, TransitionsToIA...)
	switch n := len(a.AccessPoints); {
	case n == 0:
		errs.Add("accessPoints", `is required: clients reach the file system only through access points; define at least one, e.g. {"data": {"path": "/data"}}`)
	case n > maxAccessPoints:
		errs.Add("accessPoints", "lists %d access points: EFS allows %d per file system", n, maxAccessPoints)
	}
	for _, name := range slices.Sorted(maps.Keys(a.AccessPoints)) {
		p := field.Join("accessPoints", name)
		errs.Check(p, naming.Identifier(name, 32))
		errs.Merge(p, a.AccessPoints[name].validate())
	}
	if a.Sync != nil {
		errs.Merge("sync", a.Sync.validate(a.AccessPoints))
	}
	return errs.Err()
}

func (ap AccessPoint) validate() error {
	var errs field.Errors
	errs.Check("path", checkPath(ap.Path))
	for _, id := range []struct {
		key string
		v   int
		def int
	}{{"uid", *ap.UID, DefaultUID}, {"gid", *ap.GID, DefaultGID}, {"ownerUid", *ap.OwnerUID, DefaultUID}, {"ownerGid", *ap.OwnerGID, DefaultGID}} {
		switch {
		case id.v < 0 || id.v > maxID:
			errs.Add(id.key, "%d is out of range: use 1 to %d (0 only with allowRoot)", id.v, maxID)
		case id.v == 0 && !ap.AllowRoot:
			errs.Add(id.key, "0 is root: use a non-root id (default %d), or set allowRoot: true on this access point if its clients must act as root", id.def)
		}
	}
	if !permissionsRE.MatchString(ap.Permissions) {
		errs.Add("permissions", "%q is not an octal mode: use 3 or 4 octal digits, e.g. %s", ap.Permissions, DefaultPermissions)
	}
	return errs.Err()
}

// checkPath enforces EFS's rules for access point paths, and strata's: never the file system root.
func checkPath(p string) error {
	clean := path.Clean(p)
	switch {
	case p == "":
		return errors.New("is required: use an absolute directory such as /data (never /)")
	case !strings.HasPrefix(p, "/"):
		return fmt.Errorf("%q is relative: use an absolute directory such as %s", p, path.Clean("/"+p))
	case clean == "/":
		return fmt.Errorf("%q is the root of the file system: give the access point its own directory, such as /data", p)
	case clean != p:
		return fmt.Errorf("%q is not in canonical form: use %s", p, clean)
	case len(p) > 100:
		return fmt.Errorf("%q is %d characters long: EFS allows at most 100", p, len(p))
	}
	parts := strings.Split(p[1:], "/")
	if len(parts) > 4 {
		return fmt.Errorf("%q is %d directories deep: EFS allows at most 4", p, len(parts))
	}
	for _, part := range parts {
		if strings.HasPrefix(part, ".") {
			return fmt.Errorf("%q has a directory starting with a dot: EFS refuses those", p)
		}
		if !pathPartRE.MatchString(part) {
			return fmt.Errorf("%q has characters EFS does not allow in paths: $ # < > ; ` | & ? { } ^ *", p)
		}
	}
	return nil
}

// checkInputs reports problems with the inputs code passes (not config); paths are the Go field
// names in camel case.
func (a Args) checkInputs() error {
	var errs field.Errors
	if a.VPCID == nil {
		errs.Add("vpcId", "is required: the mount targets' security group belongs to the subnets' VPC")
	}
	if len(a.Subnets) == 0 {
		errs.Add("subnets", "is required: give one private subnet per Availability Zone, each gets a mount target")
	}
	keys := map[string]bool{}
	for i, s := range a.Subnets {
		p := field.Index("subnets", i)
		errs.Check(field.Join(p, "key"), naming.Identifier(s.Key, 64))
		if keys[s.Key] {
			errs.Add(field.Join(p, "key"), "%q is used by another subnet: keys name the mount targets, so each must be unique", s.Key)
		}
		keys[s.Key] = true
		if s.ID == nil {
			errs.Add(field.Join(p, "id"), "is nil: give a subnet id")
		}
	}
	for _, n := range slices.Sorted(maps.Keys(a.Clients)) {
		p := field.Join("clients", n)
		errs.Check(p, naming.Identifier(n, 32))
		if n == syncRule {
			errs.Add(p, "%q names the DataSync rule: choose another name", n)
		}
		if a.Clients[n] == nil {
			errs.Add(p, "is nil: give the client's security group id")
		}
	}
	if a.Sync != nil && a.SyncBucketARN == nil {
		errs.Add("syncBucketArn", "is required with sync: pass the ARN of the bucket that holds %q", a.Sync.BucketPrefix)
	}
	return errs.Err()
}

// New creates a FileSystem.
func New(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*FileSystem, error) {
	a := args.WithDefaults()
	if err := errors.Join(field.Prefix("naming", a.Naming.Validate()), a.Validate(), a.checkInputs()); err != nil {
		return nil, fmt.Errorf("file system %s: %w", name, err)
	}
	fs := &FileSystem{
		AccessPointIDs:  map[string]pulumi.StringOutput{},
		AccessPointARNs: map[string]pulumi.StringOutput{},
		SyncTaskARN:     pulumi.String("").ToStringOutput(),
	}
	if err := ctx.RegisterComponentResource("strata:filesystem:FileSystem", name, fs, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(fs)
	physical := a.Naming.Name(a.Group)

	fsArgs := &efs.FileSystemArgs{
		CreationToken:   pulumi.String(physical),
		Encrypted:       pulumi.Bool(true),
		PerformanceMode: pulumi.String("generalPurpose"),
		ThroughputMode:  pulumi.String(a.ThroughputMode),
		// The provider takes each transition as its own policy entry.
		LifecyclePolicies: efs.FileSystemLifecyclePolicyArray{
			&efs.FileSystemLifecyclePolicyArgs{TransitionToIa: pulumi.String(a.TransitionToIA)},
			&efs.FileSystemLifecyclePolicyArgs{TransitionToPrimaryStorageClass: pulumi.String("AFTER_1_ACCESS")},
		},
		Tags: pulumi.ToStringMap(a.Naming.Tags(a.Group)),
	}
	if a.KMSKeyARN != "" {
		fsArgs.KmsKeyId = pulumi.String(a.KMSKeyARN)
	}
	file, err := efs.NewFileSystem(ctx, name, fsArgs, parent, pulumi.Protect(a.Protect))
	if err != nil {
		return nil, err
	}

	status := "ENABLED"
	if !a.backup() {
		status = "DISABLED"
	}
	if _, err := efs.NewBackupPolicy(ctx, name, &efs.BackupPolicyArgs{
		FileSystemId: file.ID(),
		BackupPolicy: &efs.BackupPolicyBackupPolicyArgs{Status: pulumi.String(status)},
	}, parent); err != nil {
		return nil, err
	}

	if _, err := efs.NewFileSystemPolicy(ctx, name, &efs.FileSystemPolicyArgs{
		FileSystemId: file.ID(),
		Policy:       file.Arn.ApplyT(fileSystemPolicy).(pulumi.StringOutput),
	}, parent); err != nil {
		return nil, err
	}

	// The DataSync group exists before the mount targets' group, which admits it by id.
	var syncSG *secgroup.Group
	if a.Sync != nil {
		syncSG, err = secgroup.New(ctx, name+"-sync", &secgroup.Args{
			Name:        a.Naming.Name(a.syncGroup()),
			Description: "DataSync network interfaces that copy into " + physical,
			VPCID:       a.VPCID,
			Tags:        a.Naming.Tags(a.syncGroup()),
		}, parent)
		if err != nil {
			return nil, err
		}
	}
	var ingress []secgroup.Rule
	for _, client := range slices.Sorted(maps.Keys(a.Clients)) {
		ingress = append(ingress, secgroup.Rule{
			Name: client, Description: "NFS from " + client, FromPort: NFSPort, SecurityGroupID: a.Clients[client],
		})
	}
	if syncSG != nil {
		ingress = append(ingress, secgroup.Rule{
			Name: syncRule, Description: "NFS from the DataSync task", FromPort: NFSPort, SecurityGroupID: syncSG.ID,
		})
	}
	nfs, err := secgroup.New(ctx, name+"-nfs", &secgroup.Args{
		Name:        physical,
		Description: "EFS mount targets of " + physical,
		VPCID:       a.VPCID,
		Ingress:     ingress,
		Tags:        a.Naming.Tags(a.Group),
	}, parent)
	if err != nil {
		return nil, err
	}

	// Mount targets are named by their subnet's key. They were named by position before; the alias
	// to that name, under every name the file system itself answers to, lets a stack deployed then
	// find each one under its new name. EFS allows one per Availability Zone, so a replaced one must
	// go before its successor comes.
	owners, err := fleet.URNs(ctx, "strata:filesystem:FileSystem", name, opts...)
	if err != nil {
		return nil, err
	}
	mounts := make([]pulumi.Resource, 0, len(a.Subnets))
	for i, subnet := range a.Subnets {
		old := pulumi.String(name + "-mount-" + strconv.Itoa(i))
		aliases := make([]pulumi.Alias, len(owners))
		for j, owner := range owners {
			aliases[j] = pulumi.Alias{Name: old, ParentURN: owner}
		}
		mt, err := efs.NewMountTarget(ctx, name+"-mount-"+subnet.Key, &efs.MountTargetArgs{
			FileSystemId:   file.ID(),
			SubnetId:       subnet.ID,
			SecurityGroups: pulumi.StringArray{nfs.ID},
		}, parent, pulumi.DeleteBeforeReplace(true), pulumi.Aliases(aliases))
		if err != nil {
			return nil, err
		}
		mounts = append(mounts, mt)
	}

	// Access points hold no data (deleting one leaves its directory), so they are not protected.
	for _, apName := range slices.Sorted(maps.Keys(a.AccessPoints)) {
		ap := a.AccessPoints[apName]
		point, err := efs.NewAccessPoint(ctx, name+"-ap-"+apName, &efs.AccessPointArgs{
			FileSystemId: file.ID(),
			PosixUser:    &efs.AccessPointPosixUserArgs{Uid: pulumi.Int(*ap.UID), Gid: pulumi.Int(*ap.GID)},
			RootDirectory: &efs.AccessPointRootDirectoryArgs{
				Path: pulumi.String(ap.Path),
				CreationInfo: &efs.AccessPointRootDirectoryCreationInfoArgs{
					OwnerUid:    pulumi.Int(*ap.OwnerUID),
					OwnerGid:    pulumi.Int(*ap.OwnerGID),
					Permissions: pulumi.String(ap.Permissions),
				},
			},
			Tags: pulumi.ToStringMap(a.Naming.Tags(a.Group + "-" + apName)),
		}, parent)
		if err != nil {
			return nil, err
		}
		fs.AccessPointIDs[apName] = point.ID().ToStringOutput()
		fs.AccessPointARNs[apName] = point.Arn
	}

	if a.Sync != nil {
		task, err := a.newSync(ctx, name, parent, syncTarget{
			file:           file,
			accessPointARN: fs.AccessPointARNs[a.Sync.AccessPoint],
			sg:             syncSG,
			nfs:            nfs,
			mounts:         mounts,
		})
		if err != nil {
			return nil, err
		}
		fs.SyncTaskARN = task.Arn
	}

	fs.MountTargets = mounts
	fs.ID = file.ID().ToStringOutput()
	fs.ARN = file.Arn
	fs.SecurityGroupID = nfs.ID
	ids, arns := pulumi.StringMap{}, pulumi.StringMap{}
	for k := range fs.AccessPointIDs {
		ids[k], arns[k] = fs.AccessPointIDs[k], fs.AccessPointARNs[k]
	}
	if err := ctx.RegisterResourceOutputs(fs, pulumi.Map{
		"id":              fs.ID,
		"arn":             fs.ARN,
		"securityGroupId": fs.SecurityGroupID,
		"accessPointIds":  ids,
		"accessPointArns": arns,
		"syncTaskArn":     fs.SyncTaskARN,
	}); err != nil {
		return nil, err
	}
	return fs, nil
}

// fileSystemPolicy refuses every NFS connection without TLS and every connection that does not go
// through an access point. It allows nothing: with a policy in place EFS no longer admits anonymous
// clients, so each client needs an IAM grant (see ClientAccess) and mounts with IAM authorization.
func fileSystemPolicy(fileSystemARN string) (string, error) {
	everyone := map[string]any{"AWS": "*"}
	return policy.New(
		policy.Statement{
			Sid: "DenyInsecureTransport", Effect: "Deny", Principal: everyone,
			Action: clientActions, Resource: []string{fileSystemARN},
			Condition: map[string]map[string]any{"Bool": {"aws:SecureTransport": "false"}},
		},
		policy.Statement{
			Sid: "DenyWithoutAccessPoint", Effect: "Deny", Principal: everyone,
			Action: clientActions, Resource: []string{fileSystemARN},
			Condition: map[string]map[string]any{"Null": {"elasticfilesystem:AccessPointArn": "true"}},
		},
	).JSON()
}

// ClientAccess is the identity-policy statement that lets a role (an ECS task role, DataSync's
// file-system role) mount the file system through one access point: read-only, or read-write with
// write. Clients mount with TLS and IAM authorization; root access is never granted.
func ClientAccess(sid, fileSystemARN, accessPointARN string, write bool) policy.Statement {
	actions := []string{"elasticfilesystem:ClientMount"}
	if write {
		actions = append(actions, "elasticfilesystem:ClientWrite")
	}
	s := policy.Allow(sid, actions, fileSystemARN)
	s.Condition = map[string]map[string]any{"StringEquals": {"elasticfilesystem:AccessPointArn": accessPointARN}}
	return s
}
