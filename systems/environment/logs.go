package environment

import (
	"maps"
	"slices"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-iac/strata/components/bucket"
	"github.com/strata-iac/strata/components/field"
	"github.com/strata-iac/strata/components/naming"
	"github.com/strata-iac/strata/systems"
)

// The stage's log bucket.
const (
	// DefaultS3AccessLogsRetentionDays keeps server access logs a year: they are the record of who
	// read or changed which object, which an investigation may need long after the fact, and cost
	// only their storage.
	DefaultS3AccessLogsRetentionDays = 365
	// LogsGroup names and tags the log bucket: strata-<env>-s3-logs.
	LogsGroup = "s3-logs"
	// logsName is the log bucket's logical name, at the top of the stack like the network's.
	logsName = "s3-logs"
)

// S3AccessLogs configures the stage's log bucket (strata:s3AccessLogs), which receives the S3
// server access logs of every data bucket of the stage.
type S3AccessLogs struct {
	// Enabled sends the server access logs (a record of every request: who read, wrote or deleted
	// which object) of every data bucket of the stage (Cloud Kotta's jobs bucket, the lookup's
	// config bucket, aot's and Argos' buckets) to one log bucket. Default true, in every stage:
	// they cost only the storage of the logs. Turn them off only where the account logs its
	// buckets otherwise (an organization's central log bucket, CloudTrail data events): with
	// false the data buckets' logging is removed and the other keys are refused.
	Enabled *bool `json:"enabled"`
	// Bucket is the globally unique name of the log bucket. Default
	// strata-<env>-s3-logs-<account>-<region>. It must differ from every data bucket and from
	// strata:front.accessLogsBucket; a new name replaces the log bucket.
	Bucket string `json:"bucket"`
	// RetentionDays deletes the logs this many days after they are written. Default 365; 1 to
	// 3650.
	RetentionDays int `json:"retentionDays"`
}

// Logs is the stage's log bucket once created: what a system needs to send a data bucket's server
// access logs there. A nil *Logs (logs turned off, or a system created without the stage) leaves
// the buckets unlogged.
type Logs struct {
	// Bucket is the log bucket.
	Bucket *bucket.Bucket
	// Name is its name.
	Name string
}

// Logging is the logging setting of a data bucket that sends its server access logs here (under
// s3/<bucket>/); nil when l is nil.
func (l *Logs) Logging() *bucket.Logging {
	if l == nil {
		return nil
	}
	return &bucket.Logging{TargetBucket: l.Name}
}

// After makes a logged bucket wait for the log bucket's policy, and so for the log bucket: S3
// refuses a logging target that does not exist yet, and the delivery grant must be in place. It
// names the policy itself: depending on a component covers only those of its children whose
// registration has started, which races. No option when l is nil.
func (l *Logs) After() pulumi.ResourceOption {
	if l == nil {
		return pulumi.Composite()
	}
	return pulumi.DependsOn([]pulumi.Resource{l.Bucket.Policy})
}

// plan plans the log bucket from c: nil when the logs are off. Its name, when config does not
// give it, and its sources are left to WithLogSources.
func (c S3AccessLogs) plan(st systems.Stage, errs *field.Errors) *bucket.Args {
	path := systems.Key(KeyS3AccessLogs)
	if c.Enabled != nil && !*c.Enabled {
		if c.Bucket != "" {
			errs.Add(field.Join(path, "bucket"), "is set but enabled is false: set enabled: true to send the logs to it, or remove bucket")
		}
		if c.RetentionDays != 0 {
			errs.Add(field.Join(path, "retentionDays"), "is set but enabled is false: set enabled: true to keep logs, or remove retentionDays")
		}
		return nil
	}
	days := c.RetentionDays
	if days == 0 {
		days = DefaultS3AccessLogsRetentionDays
	}
	errs.Range(field.Join(path, "retentionDays"), days, 1, 3650, "days")
	if c.Bucket != "" {
		errs.Check(field.Join(path, "bucket"), naming.BucketName(c.Bucket))
	}
	conv := st.Naming(App)
	return &bucket.Args{
		Name:              c.Bucket,
		Tags:              conv.Tags(LogsGroup),
		ExpireCurrentDays: days,
		Protect:           st.Protect,
	}
}

// NeedsAccount reports whether WithLogSources needs the account and the region: for the default
// name of a log bucket the stage will have.
func (p Plan) NeedsAccount(dataBuckets []string) bool {
	return p.Logs != nil && p.Logs.Name == "" && len(dataBuckets) > 0
}

// WithLogSources returns a copy of p whose log bucket admits the server access logs of exactly the
// data buckets named (every system's, in any order; repeats count once) and is named
// strata-<env>-s3-logs-<account>-<region> unless config names it. A stage without data buckets
// has no log bucket. Problems are reported under strata:s3AccessLogs; those of a data bucket's own
// name are its system's to report.
func (p Plan) WithLogSources(dataBuckets []string, account, region string) (Plan, error) {
	if p.Logs == nil {
		return p, nil
	}
	sources := slices.Compact(slices.Sorted(slices.Values(dataBuckets)))
	if len(sources) == 0 {
		p.Logs = nil
		return p, nil
	}
	a := *p.Logs
	a.Tags = maps.Clone(a.Tags)
	a.AccessLogSources = sources
	derived := a.Name == ""
	if derived {
		a.Name = p.Naming.Name(LogsGroup) + "-" + account + "-" + region
	}
	p.Logs = &a

	path := field.Join(systems.Key(KeyS3AccessLogs), "bucket")
	var errs field.Errors
	// A name from config was checked with the config; a default one is checked unless the
	// environment in it is already reported (strata:env).
	if derived && p.Naming.Validate() == nil {
		for _, e := range field.Problems(a.Validate()) {
			if e.Path == "name" {
				errs.Add(path, "the default name: %s; set bucket", e.Msg)
			}
		}
	}
	if slices.Contains(sources, a.Name) {
		errs.Add(path, "%q is also a data bucket of the stage: a log bucket does not log to itself; name a bucket of its own", a.Name)
	}
	if p.Front.AccessLogs && p.Front.AccessLogsBucket == a.Name {
		errs.Add(path, "%q is also strata:front.accessLogsBucket: name a bucket of its own", a.Name)
	}
	return p, errs.Err()
}

// NewLogs creates the stage's log bucket, if planned and completed by WithLogSources; nil
// otherwise. It has no parent: the log bucket is the stage's.
func (p Plan) NewLogs(ctx *pulumi.Context) (*Logs, error) {
	if p.Logs == nil || len(p.Logs.AccessLogSources) == 0 {
		return nil, nil
	}
	b, err := bucket.New(ctx, logsName, p.Logs)
	if err != nil {
		return nil, err
	}
	return &Logs{Bucket: b, Name: p.Logs.Name}, nil
}
