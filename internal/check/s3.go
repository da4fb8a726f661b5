package check

import "slices"

const (
	bucketType       = "aws:s3/bucketV2:BucketV2"
	lifecycleType    = "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2"
	ownershipType    = "aws:s3/bucketOwnershipControls:BucketOwnershipControls"
	bucketPolicyType = "aws:s3/bucketPolicy:BucketPolicy"
	publicAccessType = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
	encryptionType   = "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2"
	versioningType   = "aws:s3/bucketVersioningV2:BucketVersioningV2"
	objectType       = "aws:s3/bucketObjectv2:BucketObjectv2"
	loggingType      = "aws:s3/bucketLoggingV2:BucketLoggingV2"
	s3API            = "https://docs.aws.amazon.com/AmazonS3/latest/API/"
)

var s3 = set{
	rules: []Rule{
		{
			ID: "s3.object.key", Types: []string{objectType}, Paths: []string{"key"},
			Source: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-keys.html",
			Check: func(r *Resource, report Reporter) {
				if k, ok := text(r.Inputs["key"]); ok && (k == "" || len(k) > 1024) {
					report("key", truncate(k), "an object key of 1 to 1,024 bytes of UTF-8")
				}
			},
		},
	},
	limits: []Limit{
		{ID: "s3.bucket.name", Type: bucketType, Path: "bucket", Len: &Range{3, 63}, Pattern: `[a-z0-9][a-z0-9.-]*[a-z0-9]`,
			Reject: `\.\.|^xn--|^sthree-|^amzn-s3-demo-|-s3alias$|--ol-s3$|\.mrap$|--x-s3$|^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$`,
			Allowed: "3 to 63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit; no adjacent dots, " +
				"no IP address, no reserved prefix (xn--, sthree-, amzn-s3-demo-) or suffix (-s3alias, --ol-s3, .mrap, --x-s3)",
			Source: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html"},
		{ID: "s3.lifecycle.rules", Type: lifecycleType, Path: "rules", Len: &Range{1, 1000}, Allowed: "1 to 1,000 rules",
			Source: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/intro-lifecycle-rules.html"},
		{ID: "s3.lifecycle.rule.id", Type: lifecycleType, Path: "rules[*].id", Len: &Range{0, 255}, Source: s3API + "API_LifecycleRule.html"},
		{ID: "s3.lifecycle.rule.expiration.days", Type: lifecycleType, Path: "rules[*].expiration.days", Num: &Range{1, NoMax},
			Allowed: "a positive number of days", Source: s3API + "API_LifecycleExpiration.html"},
		{ID: "s3.lifecycle.rule.noncurrentdays", Type: lifecycleType, Path: "rules[*].noncurrentVersionExpiration.noncurrentDays", Num: &Range{1, NoMax},
			Allowed: "a positive number of days", Source: s3API + "API_NoncurrentVersionExpiration.html"},
		{ID: "s3.versioning.status", Type: versioningType, Path: "versioningConfiguration.status", Enum: []string{"Enabled", "Suspended", "Disabled"},
			Allowed: "Enabled or Suspended (Disabled only for a bucket that was never versioned: the provider then sends nothing)",
			Source:  "botocore s3 2006-03-01 BucketVersioningStatus; https://www.pulumi.com/registry/packages/aws/api-docs/s3/bucketversioningv2/"},
	},
	classes: slices.Concat(
		classify(bucketType, Provider, "the provider empties the bucket before deleting it", "forceDestroy"),
		classify(bucketType, Boolean, "object lock on or off", "objectLockEnabled"),
		classify(lifecycleType, Reference, "the bucket's name", "bucket"),
		classify(lifecycleType, Number, "days; the API reference documents no bound (API_AbortIncompleteMultipartUpload)", "rules[*].abortIncompleteMultipartUpload.daysAfterInitiation",
			"rules[*].transitions[*].days", "rules[*].noncurrentVersionTransitions[*].noncurrentDays", "rules[*].noncurrentVersionExpiration.newerNoncurrentVersions"),
		classify(lifecycleType, FreeText, "an object key prefix", "rules[*].filter.prefix"),
		classify(lifecycleType, Boolean, "delete expired object delete markers", "rules[*].expiration.expiredObjectDeleteMarker"),
		classify(ownershipType, Reference, "the bucket's name", "bucket"),
		classify(bucketPolicyType, Reference, "the bucket's name", "bucket"),
		classify(publicAccessType, Reference, "the bucket's name", "bucket"),
		classify(publicAccessType, Boolean, "the four public access block flags", "blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"),
		classify(encryptionType, Reference, "the bucket's name and the KMS key", "bucket", "rules[*].applyServerSideEncryptionByDefault.kmsMasterKeyId"),
		classify(encryptionType, Boolean, "S3 Bucket Keys on or off", "rules[*].bucketKeyEnabled"),
		classify(versioningType, Reference, "the bucket's name", "bucket"),
		classify(loggingType, Reference, "the logged bucket's and the log bucket's names", "bucket", "targetBucket"),
		classify(loggingType, FreeText, "an object key prefix; S3 documents no limit beyond the key's 1,024 bytes (API_LoggingEnabled)", "targetPrefix"),
		classify(objectType, Reference, "the bucket's name and the KMS key", "bucket", "kmsKeyId"),
		classify(objectType, FreeText, "the object's data and its MIME type and headers; S3 documents no limit that applies here", "content", "contentBase64",
			"contentType", "cacheControl", "contentDisposition", "contentEncoding", "contentLanguage", "metadata.*"),
		classify(objectType, Provider, "a local file or asset the provider uploads", "source", "source.*"),
		classify(objectType, Provider, "the provider's own delete behaviour", "forceDestroy"),
	),
}

const recordType = "aws:route53/record:Record"

var route53 = set{
	rules: []Rule{
		{
			ID: "route53.record.alias", Types: []string{recordType}, Source: "https://docs.aws.amazon.com/Route53/latest/APIReference/API_ResourceRecordSet.html",
			Check: func(r *Resource, report Reporter) {
				aliases, _ := r.Inputs["aliases"].([]any)
				switch {
				case len(aliases) > 0 && (r.Inputs["ttl"] != nil || r.Inputs["records"] != nil):
					report("aliases", len(aliases), "an alias record without ttl and records")
				case len(aliases) == 0 && (r.Inputs["ttl"] == nil || r.Inputs["records"] == nil):
					report("records", r.Inputs["records"], "records and a ttl for a record that is not an alias")
				}
			},
		},
	},
	classes: slices.Concat(
		classify(recordType, Provider, "the provider overwrites an existing record of the same name and type", "allowOverwrite"),
		classify(recordType, Boolean, "evaluate the alias target's health", "aliases[*].evaluateTargetHealth"),
		classify(recordType, Reference, "a health check's id", "healthCheckId"),
	),
}
