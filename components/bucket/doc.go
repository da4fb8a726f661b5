// Package bucket is a private S3 bucket with strata's data-bucket baseline: versioning, default
// encryption, all four public-access-block flags, BucketOwnerEnforced ownership, a policy that refuses
// requests without TLS, and lifecycle rules that abort stale multipart uploads and expire old
// noncurrent versions. A data bucket can send its S3 server access logs to a log bucket (Logging),
// and a log bucket can admit the log delivery of named buckets (AccessLogSources); log buckets are
// not logged themselves. Cloud Kotta's jobs bucket, the QA lookup's env-file bucket and log buckets
// all use it.
package bucket
