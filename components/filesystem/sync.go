package filesystem

import (
	"errors"
	"fmt"
	"maps"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/datasync"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/efs"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/vpc"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-iac/strata/components/bucket"
	"github.com/strata-iac/strata/components/field"
	"github.com/strata-iac/strata/components/logs"
	"github.com/strata-iac/strata/components/policy"
	"github.com/strata-iac/strata/components/role"
	"github.com/strata-iac/strata/components/secgroup"
)

// Defaults of a Sync.
const (
	// DefaultSchedule runs the sync daily at 03:00 UTC.
	DefaultSchedule         = "cron(0 3 * * ? *)"
	DefaultSubdirectory     = "/"
	DefaultLogRetentionDays = 30
)

// DataSync is the service principal of DataSync's roles.
const DataSync = "datasync.amazonaws.com"

// Sync is a scheduled DataSync copy from an S3 prefix into an access point.
type Sync struct {
	// AccessPoint names the access point the files are copied into (required).
	AccessPoint string
	// BucketPrefix is the S3 prefix copied from, e.g. "authorities/" (required): no leading slash,
	// ending in one. The whole bucket is never copied, nor can DataSync read outside the prefix.
	BucketPrefix string
	// Subdirectory is where the files land, from the access point's root. Default "/".
	Subdirectory string
	// Schedule is a cron(...) or rate(...) expression in UTC, at least an hour apart.
	// Default cron(0 3 * * ? *), daily at 03:00.
	Schedule string
	// RemoveDeleted deletes files whose objects were deleted from the prefix. Default false: a sync
	// only adds and overwrites.
	RemoveDeleted bool
	// BucketKMSKeyARN is the key of an SSE-KMS bucket; DataSync's role may decrypt with it.
	// Default: none (SSE-S3).
	BucketKMSKeyARN string
	// LogRetentionDays keeps the task's CloudWatch logs this long. Default 30; one of LogRetentionDays.
	LogRetentionDays int
}

func (s Sync) withDefaults() Sync {
	if s.Subdirectory == "" {
		s.Subdirectory = DefaultSubdirectory
	}
	if s.Schedule == "" {
		s.Schedule = DefaultSchedule
	}
	if s.LogRetentionDays == 0 {
		s.LogRetentionDays = DefaultLogRetentionDays
	}
	return s
}

func (s Sync) validate(accessPoints map[string]AccessPoint) error {
	var errs field.Errors
	if errs.Required("accessPoint", s.AccessPoint, "name the access point the files are copied into") {
		if _, ok := accessPoints[s.AccessPoint]; !ok {
			errs.Add("accessPoint", "%q is not defined under accessPoints: use one of [%s]", s.AccessPoint,
				strings.Join(slices.Sorted(maps.Keys(accessPoints)), ", "))
		}
	}
	errs.Check("bucketPrefix", checkPrefix(s.BucketPrefix))
	errs.Check("subdirectory", checkSubdirectory(s.Subdirectory))
	errs.Check("schedule", checkSchedule(s.Schedule))
	if s.BucketKMSKeyARN != "" && !bucket.KMSKeyARN.MatchString(s.BucketKMSKeyARN) {
		errs.Add("bucketKmsKeyArn", "%q is not a KMS key ARN: use arn:aws:kms:<region>:<account>:key/<key-id>", s.BucketKMSKeyARN)
	}
	errs.Check("logRetentionDays", logs.CheckRetention(s.LogRetentionDays))
	return errs.Err()
}

// maxKeyBytes is S3's limit on an object key (1,024 bytes of UTF-8).
const maxKeyBytes = 1024

// dataSyncPathRE is what DataSync accepts in S3 prefixes and EFS subdirectories.
var dataSyncPathRE = regexp.MustCompile(`^[A-Za-z0-9_\-+./() ]+$`)

func checkPrefix(p string) error {
	switch {
	case p == "":
		return errors.New("is required: name the S3 prefix that holds the files, e.g. authorities/; the whole bucket is never copied, it may hold other secrets")
	case len(p) > maxKeyBytes:
		return fmt.Errorf("is %d bytes long: an S3 key, and so its prefix, has at most %d", len(p), maxKeyBytes)
	case !dataSyncPathRE.MatchString(p):
		return fmt.Errorf("%q has characters DataSync does not allow: use letters, digits and _ - + . / ( ) and spaces", p)
	case strings.HasPrefix(p, "/"):
		return fmt.Errorf("%q starts with a slash, S3 keys do not: use %q", p, strings.TrimLeft(p, "/"))
	case !strings.HasSuffix(p, "/"):
		return fmt.Errorf("%q does not end with a slash, so it would also match its siblings (%s-old/...): use %q", p, strings.TrimSuffix(p, "/"), p+"/")
	}
	for _, part := range strings.Split(strings.TrimSuffix(p, "/"), "/") {
		if part == "" || part == "." || part == ".." {
			return fmt.Errorf("%q has an empty, . or .. segment: DataSync cannot copy such prefixes", p)
		}
	}
	return nil
}

func checkSubdirectory(s string) error {
	switch {
	case !strings.HasPrefix(s, "/"):
		return fmt.Errorf("%q is relative: use a directory from the access point's root, such as %s, or /", s, path.Clean("/"+s))
	case path.Clean(s) != s:
		return fmt.Errorf("%q is not in canonical form: use %s", s, path.Clean(s))
	case !dataSyncPathRE.MatchString(s):
		return fmt.Errorf("%q has characters DataSync does not allow: use letters, digits and _ - + . / ( ) and spaces", s)
	}
	return nil
}

var (
	rateRE      = regexp.MustCompile(`^rate\((\d+) (minutes?|hours?|days?)\)$`)
	cronRE      = regexp.MustCompile(`^cron\(([^()]*)\)$`)
	cronFieldRE = regexp.MustCompile(`^[A-Za-z0-9*?,/#L-]+$`)
	minuteRE    = regexp.MustCompile(`^[0-5]?[0-9]$`)
)

// checkSchedule accepts the EventBridge cron and rate expressions DataSync takes, and refuses those
// that would run more than once an hour, which DataSync rejects.
func checkSchedule(s string) error {
	const allowed = "use cron(<minute> <hour> <day-of-month> <month> <day-of-week> <year>) with one of the two days ?, e.g. cron(0 3 * * ? *), or rate(<n> hours|days), e.g. rate(12 hours)"
	if m := rateRE.FindStringSubmatch(s); m != nil {
		n, err := strconv.Atoi(m[1])
		unit := m[2]
		switch {
		case err != nil || n < 1:
			return fmt.Errorf("%q is not a rate: %s", s, allowed)
		case (n == 1) == strings.HasSuffix(unit, "s"):
			return fmt.Errorf("%q does not match its unit: write rate(1 hour), rate(2 hours)", s)
		case strings.HasPrefix(unit, "minute") && n < 60:
			return fmt.Errorf("%q runs more than once an hour, which DataSync refuses: use rate(1 hour) or longer", s)
		}
		return nil
	}
	m := cronRE.FindStringSubmatch(s)
	if m == nil {
		return fmt.Errorf("%q is not a schedule: %s", s, allowed)
	}
	fields := strings.Fields(m[1])
	if len(fields) != 6 {
		return fmt.Errorf("%q has %d fields, cron takes 6: %s", s, len(fields), allowed)
	}
	for _, f := range fields {
		if !cronFieldRE.MatchString(f) {
			return fmt.Errorf("%q has an invalid field %q: %s", s, f, allowed)
		}
	}
	if !minuteRE.MatchString(fields[0]) {
		return fmt.Errorf("%q runs more than once an hour, which DataSync refuses: give one minute (0-59), e.g. cron(0 3 * * ? *)", s)
	}
	if (fields[2] == "?") == (fields[4] == "?") {
		return fmt.Errorf("%q needs ? in exactly one of day-of-month and day-of-week: %s", s, allowed)
	}
	return nil
}

// Actions DataSync needs on a source bucket, as AWS documents them: list and locate the bucket,
// read objects with their tags and versions, and list multipart parts of objects being read.
var (
	sourceBucketActions = []string{"s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads"}
	sourceObjectActions = []string{"s3:GetObject", "s3:GetObjectTagging", "s3:GetObjectVersion",
		"s3:GetObjectVersionTagging", "s3:ListMultipartUploadParts"}
)

func (a Args) syncGroup() string { return a.Group + "-sync" }

// syncTarget is what the sync writes into.
type syncTarget struct {
	file           *efs.FileSystem
	accessPointARN pulumi.StringOutput
	sg             *secgroup.Group
	nfs            *secgroup.Group
	mounts         []pulumi.Resource
}

// newSync creates the DataSync task, its two locations, their roles, its egress rule and its logs.
func (a Args) newSync(ctx *pulumi.Context, name string, parent pulumi.ResourceOrInvokeOption, t syncTarget) (*datasync.Task, error) {
	s := a.Sync
	group := a.syncGroup()
	tags := pulumi.ToStringMap(a.Naming.Tags(group))

	// ARNs DataSync wants for the subnet and security group, built for the provider's partition,
	// region and account.
	partition, err := aws.GetPartition(ctx, &aws.GetPartitionArgs{}, parent)
	if err != nil {
		return nil, err
	}
	region, err := aws.GetRegion(ctx, &aws.GetRegionArgs{}, parent)
	if err != nil {
		return nil, err
	}
	account, err := aws.GetCallerIdentity(ctx, &aws.GetCallerIdentityArgs{}, parent)
	if err != nil {
		return nil, err
	}
	ec2ARN := func(kind string) func(string) string {
		return func(id string) string {
			return fmt.Sprintf("arn:%s:ec2:%s:%s:%s/%s", partition.Partition, region.Name, account.AccountId, kind, id)
		}
	}

	egress, err := vpc.NewSecurityGroupEgressRule(ctx, name+"-sync-out-nfs", &vpc.SecurityGroupEgressRuleArgs{
		SecurityGroupId:           t.sg.ID,
		Description:               pulumi.String("NFS to the mount targets of " + a.Naming.Name(a.Group)),
		IpProtocol:                pulumi.String("tcp"),
		FromPort:                  pulumi.Int(NFSPort),
		ToPort:                    pulumi.Int(NFSPort),
		ReferencedSecurityGroupId: t.nfs.ID,
		Tags:                      tags,
	}, parent)
	if err != nil {
		return nil, err
	}

	source, err := role.New(ctx, name+"-sync-s3", &role.Args{
		Name:        a.Naming.Name(group + "-s3"),
		Description: "DataSync reads s3 prefix " + s.BucketPrefix + " for " + a.Naming.Name(a.Group),
		Services:    []role.Service{{Principal: DataSync}},
		Policy: a.SyncBucketARN.ToStringOutput().ApplyT(func(bucketARN string) (string, error) {
			statements := []policy.Statement{
				policy.Allow("BucketListing", sourceBucketActions, bucketARN),
				policy.Allow("PrefixRead", sourceObjectActions, policy.Objects(bucketARN, s.BucketPrefix)),
			}
			if s.BucketKMSKeyARN != "" {
				statements = append(statements, policy.Allow("BucketKeyDecrypt", []string{"kms:Decrypt"}, s.BucketKMSKeyARN))
			}
			return policy.New(statements...).JSON()
		}).(pulumi.StringOutput),
		Tags: a.Naming.Tags(group),
	}, parent)
	if err != nil {
		return nil, err
	}

	// DataSync mounts through the access point with IAM authorization, which the file-system
	// policy requires; the access point's POSIX user replaces DataSync's root, so no root access.
	mount, err := role.New(ctx, name+"-sync-efs", &role.Args{
		Name:        a.Naming.Name(group + "-efs"),
		Description: "DataSync mounts access point " + s.AccessPoint + " of " + a.Naming.Name(a.Group),
		Services:    []role.Service{{Principal: DataSync}},
		Policy: pulumi.All(t.file.Arn, t.accessPointARN).ApplyT(func(v []any) (string, error) {
			return policy.New(ClientAccess("AccessPointReadWrite", v[0].(string), v[1].(string), true)).JSON()
		}).(pulumi.StringOutput),
		Tags: a.Naming.Tags(group),
	}, parent)
	if err != nil {
		return nil, err
	}

	// DataSync tests its access when the location is created: the role's policy must be in place.
	from, err := datasync.NewS3Location(ctx, name+"-sync", &datasync.S3LocationArgs{
		S3BucketArn: a.SyncBucketARN,
		// DataSync reports the prefix with a leading slash; giving it the same way avoids a
		// perpetual diff that would replace the location.
		Subdirectory: pulumi.String("/" + s.BucketPrefix),
		S3Config:     &datasync.S3LocationS3ConfigArgs{BucketAccessRoleArn: source.ARN},
		Tags:         tags,
	}, parent, pulumi.DependsOn([]pulumi.Resource{source}))
	if err != nil {
		return nil, err
	}

	to, err := datasync.NewEfsLocation(ctx, name+"-sync", &datasync.EfsLocationArgs{
		EfsFileSystemArn:        t.file.Arn,
		AccessPointArn:          t.accessPointARN,
		FileSystemAccessRoleArn: mount.ARN,
		InTransitEncryption:     pulumi.String("TLS1_2"),
		Subdirectory:            pulumi.String(s.Subdirectory),
		Ec2Config: &datasync.EfsLocationEc2ConfigArgs{
			// Any of the subnets: each has a mount target in its Availability Zone.
			SubnetArn:         a.Subnets[0].ID.ToStringOutput().ApplyT(ec2ARN("subnet")).(pulumi.StringOutput),
			SecurityGroupArns: pulumi.StringArray{t.sg.ID.ApplyT(ec2ARN("security-group")).(pulumi.StringOutput)},
		},
		Tags: tags,
	}, parent, pulumi.DependsOn(append(slices.Clone(t.mounts), t.nfs, egress, mount)))
	if err != nil {
		return nil, err
	}

	logs, err := cloudwatch.NewLogGroup(ctx, name+"-sync", &cloudwatch.LogGroupArgs{
		Name:            pulumi.String("/aws/datasync/" + a.Naming.Name(group)),
		RetentionInDays: pulumi.Int(s.LogRetentionDays),
		Tags:            tags,
	}, parent)
	if err != nil {
		return nil, err
	}
	// DataSync writes to the group through a resource policy, limited to this account's tasks.
	logPolicy, err := cloudwatch.NewLogResourcePolicy(ctx, name+"-sync", &cloudwatch.LogResourcePolicyArgs{
		PolicyName: pulumi.String(a.Naming.Name(group)),
		PolicyDocument: logs.Arn.ApplyT(func(logsARN string) (string, error) {
			return policy.New(policy.Statement{
				Sid: "DataSyncLogs", Effect: "Allow", Principal: map[string]any{"Service": DataSync},
				Action:   []string{"logs:CreateLogStream", "logs:PutLogEvents"},
				Resource: []string{logsARN + ":*"},
				Condition: map[string]map[string]any{
					"ArnLike":      {"aws:SourceArn": fmt.Sprintf("arn:%s:datasync:%s:%s:task/*", partition.Partition, region.Name, account.AccountId)},
					"StringEquals": {"aws:SourceAccount": account.AccountId},
				},
			}).JSON()
		}).(pulumi.StringOutput),
	}, parent)
	if err != nil {
		return nil, err
	}

	deleted := "PRESERVE"
	if s.RemoveDeleted {
		deleted = "REMOVE"
	}
	return datasync.NewTask(ctx, name+"-sync", &datasync.TaskArgs{
		Name:                   pulumi.String(a.Naming.Name(group)),
		SourceLocationArn:      from.Arn,
		DestinationLocationArn: to.Arn,
		Schedule:               &datasync.TaskScheduleArgs{ScheduleExpression: pulumi.String(s.Schedule)},
		CloudwatchLogGroupArn:  logs.Arn,
		Options: &datasync.TaskOptionsArgs{
			TransferMode:         pulumi.String("CHANGED"),
			OverwriteMode:        pulumi.String("ALWAYS"),
			PreserveDeletedFiles: pulumi.String(deleted),
			VerifyMode:           pulumi.String("ONLY_FILES_TRANSFERRED"),
			// The access point owns every file as its POSIX user: copying owners or modes from S3
			// would only fail.
			Uid:              pulumi.String("NONE"),
			Gid:              pulumi.String("NONE"),
			PosixPermissions: pulumi.String("NONE"),
			LogLevel:         pulumi.String("BASIC"),
		},
		Tags: tags,
	}, parent, pulumi.DependsOn([]pulumi.Resource{logPolicy}))
}
