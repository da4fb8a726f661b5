package bucket

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-iac/strata/components/field"
	"github.com/strata-iac/strata/components/naming"
	"github.com/strata-iac/strata/components/policy"
)

// Defaults of the lifecycle rules.
const (
	DefaultNoncurrentVersionExpirationDays    = 90
	DefaultAbortIncompleteMultipartUploadDays = 7
)

// ServerAccessLogPrefix starts the keys of the S3 server access logs in a log bucket: each source
// bucket writes under <prefix><source bucket name>/.
const ServerAccessLogPrefix = "s3/"

// LogDeliveryService is the service principal that delivers S3 server access logs.
const LogDeliveryService = "logging.s3.amazonaws.com"

// Args configures a Bucket.
type Args struct {
	// Name is the globally unique physical bucket name (required). It never changes once created:
	// a new name replaces the bucket.
	Name string
	// Tags for the bucket, usually naming.Convention.Tags.
	Tags map[string]string
	// NoncurrentVersionExpirationDays deletes object versions this many days after they stop being
	// current. Default 90; 1 to 3650.
	NoncurrentVersionExpirationDays int
	// AbortIncompleteMultipartUploadDays aborts multipart uploads left incomplete this long.
	// Default 7; 1 to 365.
	AbortIncompleteMultipartUploadDays int
	// KMSKeyARN selects SSE-KMS with this customer managed key (and an S3 bucket key, which cuts KMS
	// requests). Default: SSE-S3 (AES256).
	KMSKeyARN string
	// ForceDestroy lets a destroy delete a bucket that still holds objects. Default false; refused
	// together with Protect.
	ForceDestroy bool
	// ExpireCurrentDays deletes objects this many days after they were written: for log buckets.
	// Default 0, never.
	ExpireCurrentDays int
	// Statements adds statements to the bucket policy, given the bucket's ARN; for example log
	// delivery by a service. The TLS-only statement is always there.
	Statements func(bucketARN string) []policy.Statement
	// Logging sends the bucket's S3 server access logs (every request, as checkov asks of data
	// buckets) to a log bucket. Default nil: no access logs, for log buckets themselves.
	Logging *Logging
	// AccessLogSources makes this a log bucket for the S3 server access logs of these buckets (in
	// this account): the policy lets S3's log delivery write under s3/<source>/ for them and no
	// other bucket. Needs SSE-S3 (no KMSKeyARN): log delivery cannot write SSE-KMS by default.
	AccessLogSources []string
	// Protect marks the bucket protected, so Pulumi refuses to delete or replace it.
	Protect bool
	// Import adopts the existing bucket of this name (Pulumi's import option) instead of creating
	// one; it must equal Name. The bucket's configuration resources (versioning, encryption, ...)
	// are then applied to it. Default "": create the bucket.
	Import string
}

// Logging says where a bucket's S3 server access logs go.
type Logging struct {
	// TargetBucket is the name of the log bucket (required): in the same account and region, with
	// SSE-S3, and whose policy admits this bucket (AccessLogSources). Not the bucket itself.
	TargetBucket string
}

// Bucket is a private, encrypted, versioned S3 bucket.
type Bucket struct {
	pulumi.ResourceState

	// Name is the bucket's name.
	Name pulumi.StringOutput
	// ARN is the bucket's ARN.
	ARN pulumi.StringOutput
	// Policy is the bucket policy, for DependsOn: a service that writes to the bucket as soon as
	// it is configured (load balancer access logs) must wait for the grant.
	Policy pulumi.Resource
	// LogPrefix is where the bucket's server access logs go in the log bucket, s3/<name>/; empty
	// without Logging.
	LogPrefix pulumi.StringOutput
}

// WithDefaults returns a copy of a with the documented defaults filled in.
func (a Args) WithDefaults() Args {
	a.AccessLogSources = slices.Clone(a.AccessLogSources)
	if a.Logging != nil {
		l := *a.Logging
		a.Logging = &l
	}
	if a.NoncurrentVersionExpirationDays == 0 {
		a.NoncurrentVersionExpirationDays = DefaultNoncurrentVersionExpirationDays
	}
	if a.AbortIncompleteMultipartUploadDays == 0 {
		a.AbortIncompleteMultipartUploadDays = DefaultAbortIncompleteMultipartUploadDays
	}
	return a
}

// KMSKeyARN matches the ARN of a KMS key. Aliases are refused: IAM grants on an alias ARN do not
// cover the key, so every consumer of the key could not use it.
var KMSKeyARN = regexp.MustCompile(`^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key/[0-9a-f-]+$`)

// Validate reports every problem with the arguments, with their defaults. Paths are "name",
// "noncurrentVersionExpirationDays", "abortIncompleteMultipartUploadDays", "expireCurrentDays",
// "kmsKeyArn", "forceDestroy", "logging.targetBucket" and "accessLogSources[i]".
func (a Args) Validate() error {
	a = a.WithDefaults()
	var errs field.Errors
	if errs.Required("name", a.Name, "set a globally unique S3 bucket name") {
		errs.Check("name", naming.BucketName(a.Name))
	}
	if a.Import != "" && a.Import != a.Name {
		errs.Add("import", "%q is not the bucket's name %q: an adopted bucket keeps its name", a.Import, a.Name)
	}
	errs.Range("noncurrentVersionExpirationDays", a.NoncurrentVersionExpirationDays, 1, 3650, "days")
	errs.Range("abortIncompleteMultipartUploadDays", a.AbortIncompleteMultipartUploadDays, 1, 365, "days")
	if a.ExpireCurrentDays != 0 {
		errs.Range("expireCurrentDays", a.ExpireCurrentDays, 1, 3650, "days")
	}
	if a.KMSKeyARN != "" && !KMSKeyARN.MatchString(a.KMSKeyARN) {
		errs.Add("kmsKeyArn", "%q is not a KMS key ARN: use arn:aws:kms:<region>:<account>:key/<key-id>", a.KMSKeyARN)
	}
	if a.ForceDestroy && a.Protect {
		errs.Add("forceDestroy", "must be false for a protected bucket: a destroy must never empty it")
	}
	if a.Logging != nil {
		target := a.Logging.TargetBucket
		if errs.Required("logging.targetBucket", target, "name the log bucket that receives the server access logs") {
			errs.Check("logging.targetBucket", naming.BucketName(target))
			if target == a.Name {
				errs.Add("logging.targetBucket", "is the bucket itself: every log delivery would be logged again; use a separate log bucket")
			}
		}
	}
	seen := map[string]bool{}
	for i, src := range a.AccessLogSources {
		path := field.Index("accessLogSources", i)
		switch err := naming.BucketName(src); {
		case err != nil:
			errs.Check(path, err)
		case src == a.Name:
			errs.Add(path, "is the log bucket itself: a log bucket does not log to itself")
		case seen[src]:
			errs.Add(path, "%q is listed twice", src)
		}
		seen[src] = true
	}
	if len(a.AccessLogSources) > 0 && a.KMSKeyARN != "" {
		errs.Add("kmsKeyArn", "is set on a log bucket: S3 server access logs can only be delivered to a bucket with SSE-S3; remove kmsKeyArn")
	}
	return errs.Err()
}

// New creates a Bucket.
func New(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*Bucket, error) {
	a := args.WithDefaults()
	if err := a.Validate(); err != nil {
		return nil, fmt.Errorf("bucket %s: %w", name, err)
	}
	b := &Bucket{}
	if err := ctx.RegisterComponentResource("strata:bucket:Bucket", name, b, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(b)

	bucket, err := s3.NewBucketV2(ctx, name, &s3.BucketV2Args{
		Bucket:       pulumi.String(a.Name),
		ForceDestroy: pulumi.Bool(a.ForceDestroy),
		Tags:         pulumi.ToStringMap(a.Tags),
	}, parent, pulumi.Protect(a.Protect), adopt(a.Import))
	if err != nil {
		return nil, err
	}
	id := bucket.ID().ToStringOutput()

	versioning, err := s3.NewBucketVersioningV2(ctx, name+"-versioning", &s3.BucketVersioningV2Args{
		Bucket: id,
		VersioningConfiguration: &s3.BucketVersioningV2VersioningConfigurationArgs{
			Status: pulumi.String("Enabled"),
		},
	}, parent)
	if err != nil {
		return nil, err
	}

	sse := &s3.BucketServerSideEncryptionConfigurationV2RuleApplyServerSideEncryptionByDefaultArgs{
		SseAlgorithm: pulumi.String("AES256"),
	}
	if a.KMSKeyARN != "" {
		sse = &s3.BucketServerSideEncryptionConfigurationV2RuleApplyServerSideEncryptionByDefaultArgs{
			SseAlgorithm:   pulumi.String("aws:kms"),
			KmsMasterKeyId: pulumi.String(a.KMSKeyARN),
		}
	}
	if _, err := s3.NewBucketServerSideEncryptionConfigurationV2(ctx, name+"-encryption", &s3.BucketServerSideEncryptionConfigurationV2Args{
		Bucket: id,
		Rules: s3.BucketServerSideEncryptionConfigurationV2RuleArray{
			&s3.BucketServerSideEncryptionConfigurationV2RuleArgs{
				ApplyServerSideEncryptionByDefault: sse,
				BucketKeyEnabled:                   pulumi.Bool(a.KMSKeyARN != ""),
			},
		},
	}, parent); err != nil {
		return nil, err
	}

	publicAccess, err := s3.NewBucketPublicAccessBlock(ctx, name+"-public-access", &s3.BucketPublicAccessBlockArgs{
		Bucket:                id,
		BlockPublicAcls:       pulumi.Bool(true),
		BlockPublicPolicy:     pulumi.Bool(true),
		IgnorePublicAcls:      pulumi.Bool(true),
		RestrictPublicBuckets: pulumi.Bool(true),
	}, parent)
	if err != nil {
		return nil, err
	}

	if _, err := s3.NewBucketOwnershipControls(ctx, name+"-ownership", &s3.BucketOwnershipControlsArgs{
		Bucket: id,
		Rule: &s3.BucketOwnershipControlsRuleArgs{
			ObjectOwnership: pulumi.String("BucketOwnerEnforced"),
		},
	}, parent); err != nil {
		return nil, err
	}

	account := ""
	if len(a.AccessLogSources) > 0 {
		caller, err := aws.GetCallerIdentity(ctx, &aws.GetCallerIdentityArgs{}, parent)
		if err != nil {
			return nil, fmt.Errorf("bucket %s: looking up the account for log delivery: %w", name, err)
		}
		account = caller.AccountId
	}
	// The policy waits for the public access block, which S3 otherwise may apply afterwards and
	// reject the policy update in between.
	bucketPolicy, err := s3.NewBucketPolicy(ctx, name+"-policy", &s3.BucketPolicyArgs{
		Bucket: id,
		Policy: bucket.Arn.ApplyT(func(arn string) (string, error) {
			statements := []policy.Statement{policy.DenyInsecureTransport(arn)}
			if len(a.AccessLogSources) > 0 {
				statements = append(statements, ServerAccessLogDelivery(arn, account, a.AccessLogSources))
			}
			if a.Statements != nil {
				statements = append(statements, a.Statements(arn)...)
			}
			return policy.New(statements...).JSON()
		}).(pulumi.StringOutput),
	}, parent, pulumi.DependsOn([]pulumi.Resource{publicAccess}))
	if err != nil {
		return nil, err
	}

	b.LogPrefix = pulumi.String("").ToStringOutput()
	if a.Logging != nil {
		prefix := ServerAccessLogPrefix + a.Name + "/"
		if _, err := s3.NewBucketLoggingV2(ctx, name+"-logging", &s3.BucketLoggingV2Args{
			Bucket:       id,
			TargetBucket: pulumi.String(a.Logging.TargetBucket),
			TargetPrefix: pulumi.String(prefix),
		}, parent); err != nil {
			return nil, err
		}
		b.LogPrefix = pulumi.String(prefix).ToStringOutput()
	}

	rules := s3.BucketLifecycleConfigurationV2RuleArray{
		&s3.BucketLifecycleConfigurationV2RuleArgs{
			Id:     pulumi.String("abort-incomplete-multipart-uploads"),
			Status: pulumi.String("Enabled"),
			Filter: &s3.BucketLifecycleConfigurationV2RuleFilterArgs{},
			AbortIncompleteMultipartUpload: &s3.BucketLifecycleConfigurationV2RuleAbortIncompleteMultipartUploadArgs{
				DaysAfterInitiation: pulumi.Int(a.AbortIncompleteMultipartUploadDays),
			},
		},
		&s3.BucketLifecycleConfigurationV2RuleArgs{
			Id:     pulumi.String("expire-noncurrent-versions"),
			Status: pulumi.String("Enabled"),
			Filter: &s3.BucketLifecycleConfigurationV2RuleFilterArgs{},
			NoncurrentVersionExpiration: &s3.BucketLifecycleConfigurationV2RuleNoncurrentVersionExpirationArgs{
				NoncurrentDays: pulumi.Int(a.NoncurrentVersionExpirationDays),
			},
		},
	}
	if a.ExpireCurrentDays > 0 {
		rules = append(rules, &s3.BucketLifecycleConfigurationV2RuleArgs{
			Id:         pulumi.String("expire-objects"),
			Status:     pulumi.String("Enabled"),
			Filter:     &s3.BucketLifecycleConfigurationV2RuleFilterArgs{},
			Expiration: &s3.BucketLifecycleConfigurationV2RuleExpirationArgs{Days: pulumi.Int(a.ExpireCurrentDays)},
		})
	}
	// Noncurrent-version rules only take effect once versioning is on.
	if _, err := s3.NewBucketLifecycleConfigurationV2(ctx, name+"-lifecycle", &s3.BucketLifecycleConfigurationV2Args{
		Bucket: id,
		Rules:  rules,
	}, parent, pulumi.DependsOn([]pulumi.Resource{versioning})); err != nil {
		return nil, err
	}

	b.Name, b.ARN, b.Policy = bucket.Bucket, bucket.Arn, bucketPolicy
	if err := ctx.RegisterResourceOutputs(b, pulumi.Map{
		"name":      b.Name,
		"arn":       b.ARN,
		"logPrefix": b.LogPrefix,
	}); err != nil {
		return nil, err
	}
	return b, nil
}

// ServerAccessLogDelivery is the log bucket's grant to S3's log delivery: PutObject under
// s3/<source>/ for each source bucket, only on behalf of those buckets (aws:SourceArn) of this
// account (aws:SourceAccount), so no other bucket can write logs into this one.
func ServerAccessLogDelivery(logBucketARN, account string, sources []string) policy.Statement {
	partition := "aws"
	if parts := strings.Split(logBucketARN, ":"); len(parts) > 1 {
		partition = parts[1]
	}
	var resources, sourceARNs []string
	for _, src := range sources {
		resources = append(resources, policy.Objects(logBucketARN, ServerAccessLogPrefix+src+"/"))
		sourceARNs = append(sourceARNs, "arn:"+partition+":s3:::"+src)
	}
	return policy.Statement{
		Sid:       "S3ServerAccessLogDelivery",
		Effect:    "Allow",
		Principal: map[string]any{"Service": LogDeliveryService},
		Action:    []string{"s3:PutObject"},
		Resource:  resources,
		Condition: policy.Condition{
			"ArnLike":      {"aws:SourceArn": sourceARNs},
			"StringEquals": {"aws:SourceAccount": account},
		},
	}
}

// adopt is Pulumi's import option for the bucket named id, or no option without one.
func adopt(id string) pulumi.ResourceOption {
	if id == "" {
		return pulumi.Composite()
	}
	return pulumi.Import(pulumi.ID(id))
}
