package filesystem_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-iac/strata/components/filesystem"
	"github.com/strata-iac/strata/components/naming"
	"github.com/strata-iac/strata/internal/mock"
	"github.com/strata-iac/strata/internal/mocktest"
)

const (
	typeFS          = "aws:efs/fileSystem:FileSystem"
	typeMount       = "aws:efs/mountTarget:MountTarget"
	typeBackup      = "aws:efs/backupPolicy:BackupPolicy"
	typeFSPolicy    = "aws:efs/fileSystemPolicy:FileSystemPolicy"
	typeAccessPoint = "aws:efs/accessPoint:AccessPoint"
	typeSG          = "aws:ec2/securityGroup:SecurityGroup"
	typeIngress     = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
	typeEgress      = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
	typeRole        = "aws:iam/role:Role"
	typePolicy      = "aws:iam/policy:Policy"
	typeS3Location  = "aws:datasync/s3Location:S3Location"
	typeEFSLocation = "aws:datasync/efsLocation:EfsLocation"
	typeTask        = "aws:datasync/task:Task"
	typeLogGroup    = "aws:cloudwatch/logGroup:LogGroup"
	typeLogPolicy   = "aws:cloudwatch/logResourcePolicy:LogResourcePolicy"

	key       = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	bucketARN = "arn:aws:s3:::lookup-test-bucket"
)

var conv = naming.Convention{App: "lookup", Env: "test", Owner: "research-it"}

var subnets = []string{"subnet-a", "subnet-b", "subnet-c"}

// zones are the subnets' keys, as a new VPC's network names them.
var zones = []string{"us-east-1a", "us-east-1b", "us-east-1c"}

func keyed(keys, ids []string) []filesystem.Subnet {
	out := make([]filesystem.Subnet, len(keys))
	for i := range keys {
		out[i] = filesystem.Subnet{Key: keys[i], ID: pulumi.String(ids[i])}
	}
	return out
}

func ptr[T any](v T) *T { return &v }

// lookup is the QA authority lookup's file system: authorities for the app, database for MariaDB.
func lookup() filesystem.Args {
	return filesystem.Args{
		AccessPoints: map[string]filesystem.AccessPoint{
			"authorities": {Path: "/authorities"},
			"database":    {Path: "/database", UID: ptr(999), GID: ptr(999), Permissions: "0700"},
		},
		VPCID:   pulumi.String("vpc-1"),
		Subnets: keyed(zones, subnets),
		Clients: map[string]pulumi.StringInput{"app": pulumi.String("sg-app"), "db": pulumi.String("sg-db")},
	}
}

func withSync(a filesystem.Args) filesystem.Args {
	a.Sync = &filesystem.Sync{AccessPoint: "authorities", BucketPrefix: "authorities/", Schedule: "rate(12 hours)"}
	a.SyncBucketARN = pulumi.String(bucketARN)
	return a
}

func deploy(t *testing.T, args filesystem.Args) *mock.Result {
	t.Helper()
	args.Naming = conv
	return mocktest.Run(t, func(ctx *pulumi.Context) error {
		fs, err := filesystem.New(ctx, "lookup", &args)
		if err != nil {
			return err
		}
		ids, arns := pulumi.StringMap{}, pulumi.StringMap{}
		for k := range fs.AccessPointIDs {
			ids[k], arns[k] = fs.AccessPointIDs[k], fs.AccessPointARNs[k]
		}
		ctx.Export("id", fs.ID)
		ctx.Export("arn", fs.ARN)
		ctx.Export("securityGroupId", fs.SecurityGroupID)
		ctx.Export("accessPointIds", ids)
		ctx.Export("accessPointArns", arns)
		ctx.Export("syncTaskArn", fs.SyncTaskARN)
		urns := pulumi.StringArray{}
		for _, m := range fs.MountTargets {
			urns = append(urns, m.URN().ToStringOutput())
		}
		ctx.Export("mountTargets", urns)
		return nil
	})
}

func TestEncryptedFileSystem(t *testing.T) {
	res := deploy(t, lookup())
	fs := mocktest.One(t, res, typeFS)
	mocktest.Eq(t, "encrypted", fs.In("encrypted"), true)
	mocktest.Eq(t, "creation token", fs.In("creationToken"), "lookup-test-files")
	mocktest.Eq(t, "performance mode", fs.In("performanceMode"), "generalPurpose")
	mocktest.Eq(t, "throughput mode", fs.In("throughputMode"), "elastic")
	mocktest.Eq(t, "kms key", fs.In("kmsKeyId"), nil)
	mocktest.Eq(t, "id output", res.Outputs["id"], fs.ID)
	mocktest.Eq(t, "arn output", res.Outputs["arn"], "arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/"+fs.ID)
	if !strings.HasPrefix(fs.ID, "fs-") {
		t.Errorf("file system id: got %q, want fs-…", fs.ID)
	}

	res = deploy(t, func() filesystem.Args { a := lookup(); a.KMSKeyARN = key; a.Group = "shared"; return a }())
	fs = mocktest.One(t, res, typeFS)
	mocktest.Eq(t, "customer key", fs.In("kmsKeyId"), key)
	mocktest.Eq(t, "encrypted with key", fs.In("encrypted"), true)
	mocktest.Eq(t, "group creation token", fs.In("creationToken"), "lookup-test-shared")
}

func TestLifecycle(t *testing.T) {
	for _, tc := range []struct{ set, want string }{{"", "AFTER_30_DAYS"}, {"AFTER_90_DAYS", "AFTER_90_DAYS"}} {
		a := lookup()
		a.TransitionToIA = tc.set
		fs := mocktest.One(t, deploy(t, a), typeFS)
		mocktest.Eq(t, "transition to IA", fs.In("lifecyclePolicies[0].transitionToIa"), tc.want)
		mocktest.Eq(t, "back to primary", fs.In("lifecyclePolicies[1].transitionToPrimaryStorageClass"), "AFTER_1_ACCESS")
		if n := len(fs.In("lifecyclePolicies").([]any)); n != 2 {
			t.Errorf("lifecycle policies: got %d, want 2", n)
		}
	}
}

func TestBackupPolicy(t *testing.T) {
	for _, tc := range []struct {
		name   string
		backup *bool
		want   string
	}{{"default", nil, "ENABLED"}, {"explicit on", ptr(true), "ENABLED"}, {"explicit off", ptr(false), "DISABLED"}} {
		t.Run(tc.name, func(t *testing.T) {
			a := lookup()
			a.Backup = tc.backup
			res := deploy(t, a)
			b := mocktest.One(t, res, typeBackup)
			mocktest.Eq(t, "status", b.In("backupPolicy.status"), tc.want)
			mocktest.Eq(t, "file system", b.In("fileSystemId"), mocktest.One(t, res, typeFS).ID)
		})
	}
}

func TestMountTargetPerSubnet(t *testing.T) {
	res := deploy(t, lookup())
	sg := mocktest.One(t, res, typeSG)
	mounts := res.ByType(typeMount)
	if len(mounts) != len(subnets) {
		t.Fatalf("got %d mount targets, want %d", len(mounts), len(subnets))
	}
	for i, subnet := range subnets {
		mt := mocktest.Named(t, res, typeMount, "lookup-mount-"+zones[i])
		mocktest.Eq(t, mt.Name+" subnet", mt.In("subnetId"), subnet)
		assert.Len(t, mt.Aliases, 1, "%s: the positional name it had before is its alias", mt.Name)
		mocktest.Eq(t, mt.Name+" file system", mt.In("fileSystemId"), mocktest.One(t, res, typeFS).ID)
		groups, _ := mt.In("securityGroups").([]any)
		if len(groups) != 1 || groups[0] != sg.ID {
			t.Errorf("%s security groups: got %v, want [%s]", mt.Name, groups, sg.ID)
		}
	}
	mocktest.Eq(t, "security group output", res.Outputs["securityGroupId"], sg.ID)
	var urns []any
	for _, m := range mounts {
		urns = append(urns, m.URN)
	}
	assert.ElementsMatch(t, urns, res.Outputs["mountTargets"], "clients wait for every mount target")
	mocktest.Eq(t, "security group name", sg.In("name"), "lookup-test-files")
	mocktest.Eq(t, "security group vpc", sg.In("vpcId"), "vpc-1")
}

// Mount targets are named by zone: a zone that sorts before the others, added later, renames none
// of the existing ones, and each existing one still answers to the positional name it was deployed
// under.
func TestMountTargetsNamedByZone(t *testing.T) {
	before := lookup()
	before.Subnets = keyed(zones[1:], subnets[1:])
	after := lookup()
	res := map[string]*mock.Result{"before": deploy(t, before), "after": deploy(t, after)}
	for _, z := range zones[1:] {
		b := mocktest.Named(t, res["before"], typeMount, "lookup-mount-"+z)
		a := mocktest.Named(t, res["after"], typeMount, "lookup-mount-"+z)
		assert.Equal(t, b.Inputs, a.Inputs, "%s: adding zone a changes nothing of zone %s", a.Name, z)
	}
	positional := func(r *mock.Result, name string) string {
		m := mocktest.Named(t, r, typeMount, name)
		require.Len(t, m.Aliases, 1)
		return m.Aliases[0][strings.LastIndex(m.Aliases[0], "::")+2:]
	}
	assert.Equal(t, "lookup-mount-0", positional(res["before"], "lookup-mount-us-east-1b"), "zone b was deployed as the first mount target")
	assert.Equal(t, "lookup-mount-1", positional(res["before"], "lookup-mount-us-east-1c"))
}

func TestNFSOnlyFromClients(t *testing.T) {
	res := deploy(t, lookup())
	sg := mocktest.One(t, res, typeSG)
	var sources []string
	for _, r := range res.ByType(typeIngress) {
		mocktest.Eq(t, r.Name+" group", r.In("securityGroupId"), sg.ID)
		mocktest.Eq(t, r.Name+" from port", r.In("fromPort"), float64(filesystem.NFSPort))
		mocktest.Eq(t, r.Name+" to port", r.In("toPort"), float64(filesystem.NFSPort))
		mocktest.Eq(t, r.Name+" protocol", r.In("ipProtocol"), "tcp")
		for _, cidr := range []string{"cidrIpv4", "cidrIpv6", "prefixListId"} {
			if r.In(cidr) != nil {
				t.Errorf("%s: %s %v, want security group peers only", r.Name, cidr, r.In(cidr))
			}
		}
		sources = append(sources, r.In("referencedSecurityGroupId").(string))
	}
	slices.Sort(sources)
	mocktest.EqualLists(t, "NFS sources", sources, []string{"sg-app", "sg-db"})
	mocktest.Named(t, res, typeIngress, "lookup-nfs-in-app")
	if n := len(res.ByType(typeEgress)); n != 0 {
		t.Errorf("got %d egress rules, want none without sync", n)
	}
}

func TestFileSystemPolicy(t *testing.T) {
	res := deploy(t, lookup())
	fs := mocktest.One(t, res, typeFS)
	fsARN := res.Outputs["arn"].(string)
	p := mocktest.One(t, res, typeFSPolicy)
	mocktest.Eq(t, "policy file system", p.In("fileSystemId"), fs.ID)
	doc := mocktest.Document(t, p, "policy")
	if g := mocktest.Grants(doc); len(g) != 0 {
		t.Errorf("the file-system policy allows %v; clients must hold IAM grants instead", g)
	}
	want := map[string]struct{ op, key, value string }{
		"DenyInsecureTransport":  {"Bool", "aws:SecureTransport", "false"},
		"DenyWithoutAccessPoint": {"Null", "elasticfilesystem:AccessPointArn", "true"},
	}
	if len(doc.Statement) != len(want) {
		t.Fatalf("got %d statements, want %d", len(doc.Statement), len(want))
	}
	client := []string{"elasticfilesystem:ClientMount", "elasticfilesystem:ClientRootAccess", "elasticfilesystem:ClientWrite"}
	for _, s := range doc.Statement {
		w, ok := want[s.Sid]
		if !ok {
			t.Errorf("unexpected statement %q", s.Sid)
			continue
		}
		mocktest.Eq(t, s.Sid+" effect", s.Effect, "Deny")
		mocktest.Eq(t, s.Sid+" principal", s.Principal.(map[string]any)["AWS"], "*")
		mocktest.EqualLists(t, s.Sid+" actions", s.Action, client)
		mocktest.EqualLists(t, s.Sid+" resources", s.Resource, []string{fsARN})
		mocktest.Eq(t, s.Sid+" condition", s.Condition[w.op][w.key], w.value)
	}
}

func TestAccessPoints(t *testing.T) {
	res := deploy(t, lookup())
	fs := mocktest.One(t, res, typeFS)
	ids, _ := res.Outputs["accessPointIds"].(map[string]string)
	arns, _ := res.Outputs["accessPointArns"].(map[string]string)
	for _, tc := range []struct {
		name, path, perms string
		id                float64
	}{
		{"authorities", "/authorities", "0750", filesystem.DefaultUID},
		{"database", "/database", "0700", 999},
	} {
		ap := mocktest.Named(t, res, typeAccessPoint, "lookup-ap-"+tc.name)
		mocktest.Eq(t, tc.name+" file system", ap.In("fileSystemId"), fs.ID)
		mocktest.Eq(t, tc.name+" path", ap.In("rootDirectory.path"), tc.path)
		mocktest.Eq(t, tc.name+" uid", ap.In("posixUser.uid"), tc.id)
		mocktest.Eq(t, tc.name+" gid", ap.In("posixUser.gid"), tc.id)
		mocktest.Eq(t, tc.name+" owner uid", ap.In("rootDirectory.creationInfo.ownerUid"), tc.id)
		mocktest.Eq(t, tc.name+" owner gid", ap.In("rootDirectory.creationInfo.ownerGid"), tc.id)
		mocktest.Eq(t, tc.name+" permissions", ap.In("rootDirectory.creationInfo.permissions"), tc.perms)
		mocktest.Eq(t, tc.name+" Name tag", ap.In("tags.Name"), "lookup-test-files-"+tc.name)
		mocktest.Eq(t, tc.name+" id output", ids[tc.name], ap.ID)
		mocktest.Eq(t, tc.name+" arn output", arns[tc.name], "arn:aws:elasticfilesystem:us-east-1:123456789012:access-point/"+ap.ID)
		if !strings.HasPrefix(ap.ID, "fsap-") {
			t.Errorf("%s id: got %q, want fsap-…", tc.name, ap.ID)
		}
	}
	if len(ids) != 2 || len(arns) != 2 {
		t.Errorf("got %d ids and %d ARNs, want 2 each", len(ids), len(arns))
	}
}

func TestAccessPointOwnerAndRootOptIn(t *testing.T) {
	a := lookup()
	a.AccessPoints = map[string]filesystem.AccessPoint{
		"shared": {Path: "/shared/data", UID: ptr(2000), GID: ptr(2000), OwnerUID: ptr(3000), OwnerGID: ptr(3001), Permissions: "2775"},
		"admin":  {Path: "/admin", UID: ptr(0), GID: ptr(0), AllowRoot: true},
	}
	res := deploy(t, a)
	shared := mocktest.Named(t, res, typeAccessPoint, "lookup-ap-shared")
	mocktest.Eq(t, "shared uid", shared.In("posixUser.uid"), float64(2000))
	mocktest.Eq(t, "shared owner uid", shared.In("rootDirectory.creationInfo.ownerUid"), float64(3000))
	mocktest.Eq(t, "shared owner gid", shared.In("rootDirectory.creationInfo.ownerGid"), float64(3001))
	mocktest.Eq(t, "shared permissions", shared.In("rootDirectory.creationInfo.permissions"), "2775")
	admin := mocktest.Named(t, res, typeAccessPoint, "lookup-ap-admin")
	mocktest.Eq(t, "admin uid", admin.In("posixUser.uid"), float64(0))
	mocktest.Eq(t, "admin owner", admin.In("rootDirectory.creationInfo.ownerUid"), float64(0))
}

func TestSync(t *testing.T) {
	res := deploy(t, withSync(lookup()))
	fsARN := res.Outputs["arn"].(string)
	apARN := res.Outputs["accessPointArns"].(map[string]string)["authorities"]
	efsSG := mocktest.Named(t, res, typeSG, "lookup-nfs")
	syncSG := mocktest.Named(t, res, typeSG, "lookup-sync")
	mocktest.Eq(t, "sync group name", syncSG.In("name"), "lookup-test-files-sync")

	// The mount targets admit DataSync's network interfaces, which may reach them and nothing else.
	in := mocktest.Named(t, res, typeIngress, "lookup-nfs-in-datasync")
	mocktest.Eq(t, "datasync ingress group", in.In("securityGroupId"), efsSG.ID)
	mocktest.Eq(t, "datasync ingress source", in.In("referencedSecurityGroupId"), syncSG.ID)
	mocktest.Eq(t, "datasync ingress port", in.In("fromPort"), float64(filesystem.NFSPort))
	out := mocktest.One(t, res, typeEgress)
	mocktest.Eq(t, "datasync egress group", out.In("securityGroupId"), syncSG.ID)
	mocktest.Eq(t, "datasync egress target", out.In("referencedSecurityGroupId"), efsSG.ID)
	mocktest.Eq(t, "datasync egress port", out.In("fromPort"), float64(filesystem.NFSPort))
	mocktest.Eq(t, "datasync egress to port", out.In("toPort"), float64(filesystem.NFSPort))
	mocktest.Eq(t, "datasync egress cidr", out.In("cidrIpv4"), nil)

	roles := map[string]*mock.Resource{}
	for _, r := range res.ByType(typeRole) {
		trust := mocktest.Document(t, r, "assumeRolePolicy")
		mocktest.Eq(t, r.Name+" trust", trust.Statement[0].Principal.(map[string]any)["Service"], filesystem.DataSync)
		// DataSync assumes the roles for this account's locations and tasks only.
		assert.Equal(t, "123456789012", trust.Statement[0].Condition["StringEquals"]["aws:SourceAccount"], r.Name)
		roles[r.Name] = r
	}
	if len(roles) != 2 {
		t.Fatalf("got %d roles, want the S3 and the EFS role", len(roles))
	}
	// Each location is created once its role may do what DataSync tests when creating it.
	for location, role := range map[string]string{typeS3Location: "lookup-sync-s3", typeEFSLocation: "lookup-sync-efs"} {
		for _, a := range res.ByType("aws:iam/rolePolicyAttachment:RolePolicyAttachment") {
			if a.Name == role {
				assert.Contains(t, mocktest.One(t, res, location).Dependencies, a.URN, "%s waits for %s's policy", location, role)
			}
		}
	}
	from := mocktest.One(t, res, typeS3Location)
	mocktest.Eq(t, "s3 bucket", from.In("s3BucketArn"), bucketARN)
	mocktest.Eq(t, "s3 subdirectory", from.In("subdirectory"), "/authorities/")
	mocktest.Eq(t, "s3 role", from.In("s3Config.bucketAccessRoleArn"), roles["lookup-sync-s3"].Out("arn"))

	to := mocktest.One(t, res, typeEFSLocation)
	mocktest.Eq(t, "efs file system", to.In("efsFileSystemArn"), fsARN)
	mocktest.Eq(t, "efs access point", to.In("accessPointArn"), apARN)
	mocktest.Eq(t, "efs tls", to.In("inTransitEncryption"), "TLS1_2")
	mocktest.Eq(t, "efs role", to.In("fileSystemAccessRoleArn"), roles["lookup-sync-efs"].Out("arn"))
	mocktest.Eq(t, "efs subdirectory", to.In("subdirectory"), "/")
	mocktest.Eq(t, "efs subnet", to.In("ec2Config.subnetArn"), "arn:aws:ec2:us-east-1:123456789012:subnet/subnet-a")
	mocktest.Eq(t, "efs security group", to.In("ec2Config.securityGroupArns[0]"), "arn:aws:ec2:us-east-1:123456789012:security-group/"+syncSG.ID)
	for _, m := range res.ByType(typeMount) {
		if !slices.Contains(to.Dependencies, m.URN) {
			t.Errorf("efs location does not wait for %s", m.Name)
		}
	}

	task := mocktest.One(t, res, typeTask)
	logs := mocktest.One(t, res, typeLogGroup)
	mocktest.Eq(t, "task name", task.In("name"), "lookup-test-files-sync")
	mocktest.Eq(t, "task source", task.In("sourceLocationArn"), from.Out("arn"))
	mocktest.Eq(t, "task destination", task.In("destinationLocationArn"), to.Out("arn"))
	mocktest.Eq(t, "task schedule", task.In("schedule.scheduleExpression"), "rate(12 hours)")
	mocktest.Eq(t, "task logs", task.In("cloudwatchLogGroupArn"), logs.Out("arn"))
	for opt, want := range map[string]string{
		"verifyMode": "ONLY_FILES_TRANSFERRED", "transferMode": "CHANGED", "overwriteMode": "ALWAYS",
		"preserveDeletedFiles": "PRESERVE", "uid": "NONE", "gid": "NONE", "posixPermissions": "NONE", "logLevel": "BASIC",
	} {
		mocktest.Eq(t, "task option "+opt, task.In("options."+opt), want)
	}
	mocktest.Eq(t, "sync task output", res.Outputs["syncTaskArn"], task.Out("arn"))
	mocktest.Eq(t, "log group", logs.In("name"), "/aws/datasync/lookup-test-files-sync")
	mocktest.Eq(t, "log retention", logs.In("retentionInDays"), float64(filesystem.DefaultLogRetentionDays))

	logDoc := mocktest.Document(t, mocktest.One(t, res, typeLogPolicy), "policyDocument")
	mocktest.EqualLists(t, "log grants", mocktest.Grants(logDoc),
		[]string{"logs:CreateLogStream " + logs.Out("arn").(string) + ":*", "logs:PutLogEvents " + logs.Out("arn").(string) + ":*"})
	mocktest.Eq(t, "log principal", logDoc.Statement[0].Principal.(map[string]any)["Service"], filesystem.DataSync)
	mocktest.Eq(t, "log source account", logDoc.Statement[0].Condition["StringEquals"]["aws:SourceAccount"], mock.Account)
	mocktest.Eq(t, "log source arn", logDoc.Statement[0].Condition["ArnLike"]["aws:SourceArn"], "arn:aws:datasync:us-east-1:123456789012:task/*")

	mocktest.CheckTags(t, res, map[string]string{"App": "lookup", "Env": "test", "Owner": "research-it"})
}

func TestSyncRoleGrantsAreExact(t *testing.T) {
	for _, tc := range []struct {
		name  string
		kms   string
		extra []string
	}{{"SSE-S3 bucket", "", nil}, {"SSE-KMS bucket", key, []string{"kms:Decrypt " + key}}} {
		t.Run(tc.name, func(t *testing.T) {
			a := withSync(lookup())
			a.Sync.BucketKMSKeyARN = tc.kms
			res := deploy(t, a)
			fsARN := res.Outputs["arn"].(string)
			apARN := res.Outputs["accessPointArns"].(map[string]string)["authorities"]

			s3 := mocktest.Document(t, mocktest.Named(t, res, typePolicy, "lookup-sync-s3"), "policy")
			want := []string{
				"s3:GetBucketLocation " + bucketARN,
				"s3:GetObject " + bucketARN + "/authorities/*",
				"s3:GetObjectTagging " + bucketARN + "/authorities/*",
				"s3:GetObjectVersion " + bucketARN + "/authorities/*",
				"s3:GetObjectVersionTagging " + bucketARN + "/authorities/*",
				"s3:ListBucket " + bucketARN,
				"s3:ListBucketMultipartUploads " + bucketARN,
				"s3:ListMultipartUploadParts " + bucketARN + "/authorities/*",
			}
			want = append(want, tc.extra...)
			slices.Sort(want)
			mocktest.EqualLists(t, "s3 role grants", mocktest.Grants(s3), want)

			efs := mocktest.Document(t, mocktest.Named(t, res, typePolicy, "lookup-sync-efs"), "policy")
			mocktest.EqualLists(t, "efs role grants", mocktest.Grants(efs),
				[]string{"elasticfilesystem:ClientMount " + fsARN, "elasticfilesystem:ClientWrite " + fsARN})
			mocktest.Eq(t, "efs role access point", efs.Statement[0].Condition["StringEquals"]["elasticfilesystem:AccessPointArn"], apARN)
			for _, doc := range []struct {
				name string
				s    []string
			}{{"s3", mocktest.Grants(s3)}, {"efs", mocktest.Grants(efs)}} {
				for _, g := range doc.s {
					if strings.Contains(strings.Fields(g)[0], "*") || strings.HasSuffix(g, " *") {
						t.Errorf("%s role: wildcard grant %q", doc.name, g)
					}
				}
			}
		})
	}
}

func TestSyncRemovesDeletedOnlyWhenAsked(t *testing.T) {
	a := withSync(lookup())
	a.Sync.RemoveDeleted = true
	a.Sync.Subdirectory = "/current"
	res := deploy(t, a)
	mocktest.Eq(t, "preserve deleted", mocktest.One(t, res, typeTask).In("options.preserveDeletedFiles"), "REMOVE")
	mocktest.Eq(t, "efs subdirectory", mocktest.One(t, res, typeEFSLocation).In("subdirectory"), "/current")

	a = withSync(lookup())
	a.Sync.Schedule = ""
	mocktest.Eq(t, "default schedule", mocktest.One(t, deploy(t, a), typeTask).In("schedule.scheduleExpression"), filesystem.DefaultSchedule)
}

func TestProtect(t *testing.T) {
	for _, protect := range []bool{false, true} {
		a := withSync(lookup())
		a.Protect = protect
		res := deploy(t, a)
		mocktest.Eq(t, "file system protect", mocktest.One(t, res, typeFS).Protect, protect)
		for _, r := range res.Resources() {
			if r.Protect && r.Type != typeFS {
				t.Errorf("%s %s is protected; only the file system should be", r.Type, r.Name)
			}
		}
	}
}

func TestTags(t *testing.T) {
	conv := conv
	conv.Extra = map[string]string{"CostCenter": "42"}
	args := withSync(lookup())
	args.Naming = conv
	res := mocktest.Run(t, func(ctx *pulumi.Context) error {
		_, err := filesystem.New(ctx, "lookup", &args)
		return err
	})
	mocktest.CheckTags(t, res, map[string]string{"App": "lookup", "Env": "test", "Owner": "research-it", "CostCenter": "42"})
}

func TestNewLeavesArgsAlone(t *testing.T) {
	a := withSync(lookup())
	deploy(t, a)
	if a.AccessPoints["authorities"].UID != nil || a.Sync.Subdirectory != "" || a.Group != "" {
		t.Error("New wrote defaults into the caller's args")
	}
}

func TestInvalidArgsRegisterNothing(t *testing.T) {
	ap := func(p filesystem.AccessPoint) func(*filesystem.Args) {
		return func(a *filesystem.Args) { a.AccessPoints["authorities"] = p }
	}
	tests := []struct {
		name string
		edit func(*filesystem.Args)
		want []string
	}{
		{"root path", ap(filesystem.AccessPoint{Path: "/"}),
			[]string{`accessPoints.authorities.path: "/" is the root of the file system`}},
		{"path normalising to root", ap(filesystem.AccessPoint{Path: "/../"}),
			[]string{`accessPoints.authorities.path: "/../" is the root of the file system`}},
		{"relative path", ap(filesystem.AccessPoint{Path: "authorities"}),
			[]string{`accessPoints.authorities.path: "authorities" is relative: use an absolute directory such as /authorities`}},
		{"missing path", ap(filesystem.AccessPoint{}),
			[]string{"accessPoints.authorities.path: is required"}},
		{"non-canonical path", ap(filesystem.AccessPoint{Path: "/authorities/"}),
			[]string{`accessPoints.authorities.path: "/authorities/" is not in canonical form: use /authorities`}},
		{"too deep", ap(filesystem.AccessPoint{Path: "/a/b/c/d/e"}),
			[]string{"accessPoints.authorities.path:", "EFS allows at most 4"}},
		{"root user", ap(filesystem.AccessPoint{Path: "/authorities", UID: ptr(0)}),
			[]string{"accessPoints.authorities.uid: 0 is root", "allowRoot: true"}},
		{"root group and owner", ap(filesystem.AccessPoint{Path: "/authorities", GID: ptr(0), OwnerUID: ptr(0)}),
			[]string{"accessPoints.authorities.gid: 0 is root", "accessPoints.authorities.ownerUid: 0 is root"}},
		{"negative uid", ap(filesystem.AccessPoint{Path: "/authorities", UID: ptr(-1), AllowRoot: true}),
			[]string{"accessPoints.authorities.uid: -1 is out of range"}},
		{"uid above EFS's 32 bits", ap(filesystem.AccessPoint{Path: "/authorities", UID: ptr(1 << 32)}),
			[]string{"accessPoints.authorities.uid: 4294967296 is out of range: use 1 to 4294967295"}},
		{"bad permissions", ap(filesystem.AccessPoint{Path: "/authorities", Permissions: "0789"}),
			[]string{`accessPoints.authorities.permissions: "0789" is not an octal mode: use 3 or 4 octal digits`}},
		{"short permissions", ap(filesystem.AccessPoint{Path: "/authorities", Permissions: "75"}),
			[]string{`accessPoints.authorities.permissions: "75" is not an octal mode`}},
		{"bad access point name", func(a *filesystem.Args) { a.AccessPoints["Auth"] = filesystem.AccessPoint{Path: "/auth"} },
			[]string{`accessPoints.Auth: "Auth" is not allowed`}},
		{"no access points", func(a *filesystem.Args) { a.AccessPoints = nil },
			[]string{"accessPoints: is required"}},
		{"unknown transition", func(a *filesystem.Args) { a.TransitionToIA = "AFTER_2_DAYS" },
			[]string{`transitionToIa: "AFTER_2_DAYS" is not allowed: use one of AFTER_1_DAY,`}},
		{"unknown throughput mode", func(a *filesystem.Args) { a.ThroughputMode = "provisioned" },
			[]string{`throughputMode: "provisioned" is not allowed: use one of elastic, bursting`}},
		{"bad key", func(a *filesystem.Args) { a.KMSKeyARN = "alias/efs" },
			[]string{`kmsKeyArn: "alias/efs" is not a KMS key ARN`}},
		{"bad group", func(a *filesystem.Args) { a.Group = "Files" },
			[]string{`group: "Files" is not allowed`}},
		{"sync on unknown access point", func(a *filesystem.Args) { *a = withSync(*a); a.Sync.AccessPoint = "config" },
			[]string{`sync.accessPoint: "config" is not defined under accessPoints: use one of [authorities, database]`}},
		{"sync without access point", func(a *filesystem.Args) { *a = withSync(*a); a.Sync.AccessPoint = "" },
			[]string{"sync.accessPoint: is required"}},
		{"schedule too often", func(a *filesystem.Args) { *a = withSync(*a); a.Sync.Schedule = "rate(30 minutes)" },
			[]string{`sync.schedule: "rate(30 minutes)" runs more than once an hour`}},
		{"cron too often", func(a *filesystem.Args) { *a = withSync(*a); a.Sync.Schedule = "cron(0/15 * * * ? *)" },
			[]string{`sync.schedule: "cron(0/15 * * * ? *)" runs more than once an hour`}},
		{"cron five fields", func(a *filesystem.Args) { *a = withSync(*a); a.Sync.Schedule = "cron(0 3 * * *)" },
			[]string{`sync.schedule: "cron(0 3 * * *)" has 5 fields, cron takes 6`}},
		{"cron without ?", func(a *filesystem.Args) { *a = withSync(*a); a.Sync.Schedule = "cron(0 3 * * * *)" },
			[]string{`sync.schedule: "cron(0 3 * * * *)" needs ? in exactly one of day-of-month and day-of-week`}},
		{"rate unit", func(a *filesystem.Args) { *a = withSync(*a); a.Sync.Schedule = "rate(1 hours)" },
			[]string{`sync.schedule: "rate(1 hours)" does not match its unit`}},
		{"not a schedule", func(a *filesystem.Args) { *a = withSync(*a); a.Sync.Schedule = "daily" },
			[]string{`sync.schedule: "daily" is not a schedule: use cron(`}},
		{"whole bucket", func(a *filesystem.Args) { *a = withSync(*a); a.Sync.BucketPrefix = "" },
			[]string{"sync.bucketPrefix: is required", "the whole bucket is never copied"}},
		{"prefix without slash", func(a *filesystem.Args) { *a = withSync(*a); a.Sync.BucketPrefix = "authorities" },
			[]string{`sync.bucketPrefix: "authorities" does not end with a slash`, `use "authorities/"`}},
		{"prefix with leading slash", func(a *filesystem.Args) { *a = withSync(*a); a.Sync.BucketPrefix = "/authorities/" },
			[]string{`sync.bucketPrefix: "/authorities/" starts with a slash`}},
		{"prefix with dot segment", func(a *filesystem.Args) { *a = withSync(*a); a.Sync.BucketPrefix = "a/../b/" },
			[]string{`sync.bucketPrefix: "a/../b/" has an empty, . or .. segment`}},
		{"relative subdirectory", func(a *filesystem.Args) { *a = withSync(*a); a.Sync.Subdirectory = "current" },
			[]string{`sync.subdirectory: "current" is relative`}},
		{"bad retention", func(a *filesystem.Args) { *a = withSync(*a); a.Sync.LogRetentionDays = 10 },
			[]string{"sync.logRetentionDays: 10 is not a CloudWatch Logs retention period: use one of 1, 3, 5"}},
		{"missing subnets", func(a *filesystem.Args) { a.Subnets = nil },
			[]string{"subnets: is required"}},
		{"nil subnet", func(a *filesystem.Args) { a.Subnets[1].ID = nil },
			[]string{"subnets[1].id: is nil"}},
		{"subnet key twice", func(a *filesystem.Args) { a.Subnets[2].Key = a.Subnets[0].Key },
			[]string{`subnets[2].key: "us-east-1a" is used by another subnet`}},
		{"subnet key not a name", func(a *filesystem.Args) { a.Subnets[0].Key = "US East" },
			[]string{"subnets[0].key:"}},
		{"missing vpc", func(a *filesystem.Args) { a.VPCID = nil },
			[]string{"vpcId: is required"}},
		{"missing sync bucket", func(a *filesystem.Args) { *a = withSync(*a); a.SyncBucketARN = nil },
			[]string{`syncBucketArn: is required with sync: pass the ARN of the bucket that holds "authorities/"`}},
		{"bad client names", func(a *filesystem.Args) {
			a.Clients = map[string]pulumi.StringInput{"Web App": pulumi.String("sg-1"), "datasync": pulumi.String("sg-2"), "ecs": nil}
		}, []string{`clients.Web App: "Web App" is not allowed`, `clients.datasync: "datasync" names the DataSync rule`, "clients.ecs: is nil"}},
		{"naming", func(a *filesystem.Args) { a.Naming = naming.Convention{App: "lookup", Env: "Test"} },
			[]string{"naming.env:", "naming.owner:"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			args := lookup()
			args.Naming = conv
			tc.edit(&args)
			mocktest.Refused(t, func(ctx *pulumi.Context) error {
				_, err := filesystem.New(ctx, "lookup", &args)
				return err
			}, tc.want...)
		})
	}
}

func TestValidateReportsEveryProblem(t *testing.T) {
	a := filesystem.Args{
		TransitionToIA: "NEVER",
		AccessPoints:   map[string]filesystem.AccessPoint{"a": {Path: "/"}, "b": {Path: "/b", UID: ptr(0), Permissions: "x"}},
		Sync:           &filesystem.Sync{AccessPoint: "c", Schedule: "rate(5 minutes)"},
	}
	err := a.Validate()
	if err == nil {
		t.Fatal("got no error")
	}
	for _, path := range []string{"transitionToIa:", "accessPoints.a.path:", "accessPoints.b.uid:", "accessPoints.b.permissions:",
		"sync.accessPoint:", "sync.bucketPrefix:", "sync.schedule:"} {
		if !strings.Contains(err.Error(), path) {
			t.Errorf("got %q, want a problem at %s", err, path)
		}
	}
}

func TestSchedules(t *testing.T) {
	for _, s := range []string{"cron(0 3 * * ? *)", "cron(30 */6 ? * MON-FRI *)", "cron(15 2 1 * ? *)", "rate(1 hour)", "rate(60 minutes)", "rate(2 days)", "rate(1 day)"} {
		a := withSync(lookup())
		a.Sync.Schedule = s
		a.Naming = conv
		if err := a.Validate(); err != nil {
			t.Errorf("%s: got %v, want no error", s, err)
		}
	}
}

// The args decode from the JSON config object the next stack reads, with camelCase keys only.
func TestWithDefaultsCopies(t *testing.T) {
	uid := 999
	given := filesystem.Args{
		AccessPoints: map[string]filesystem.AccessPoint{"authorities": {Path: "/authorities"}, "database": {Path: "/database", UID: &uid}},
		Sync:         &filesystem.Sync{AccessPoint: "authorities", BucketPrefix: "authorities/"},
	}
	a := given.WithDefaults()
	mocktest.Eq(t, "group", a.Group, filesystem.DefaultGroup)
	mocktest.Eq(t, "authorities uid", *a.AccessPoints["authorities"].UID, filesystem.DefaultUID)
	mocktest.Eq(t, "database owner follows uid", *a.AccessPoints["database"].OwnerUID, 999)
	mocktest.Eq(t, "sync schedule", a.Sync.Schedule, filesystem.DefaultSchedule)
	mocktest.Eq(t, "given access point untouched", given.AccessPoints["authorities"].UID == nil, true)
	mocktest.Eq(t, "given sync untouched", given.Sync.Schedule, "")
	if err := given.Validate(); err != nil || given.Group != "" {
		t.Errorf("Validate: got %v, group %q: it must check a copy", err, given.Group)
	}
}

func TestClientAccess(t *testing.T) {
	for _, tc := range []struct {
		write bool
		want  []string
	}{
		{false, []string{"elasticfilesystem:ClientMount"}},
		{true, []string{"elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"}},
	} {
		s := filesystem.ClientAccess("Mount", "arn:fs", "arn:ap", tc.write)
		mocktest.Eq(t, "effect", s.Effect, "Allow")
		mocktest.EqualLists(t, "actions", s.Action, tc.want)
		mocktest.EqualLists(t, "resources", s.Resource, []string{"arn:fs"})
		mocktest.Eq(t, "access point condition", s.Condition["StringEquals"]["elasticfilesystem:AccessPointArn"], "arn:ap")
	}
}
