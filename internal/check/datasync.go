package check

import "slices"

const (
	efsLocationType = "aws:datasync/efsLocation:EfsLocation"
	s3LocationType  = "aws:datasync/s3Location:S3Location"
	syncTaskType    = "aws:datasync/task:Task"
	datasyncOptions = "https://docs.aws.amazon.com/datasync/latest/userguide/API_Options.html"
)

var datasync = set{
	rules: []Rule{
		{
			ID: "datasync.task.options.times", Types: []string{syncTaskType}, Source: datasyncOptions,
			Check: func(r *Resource, report Reporter) {
				atime, ok1 := text(r.Get("options.atime"))
				mtime, ok2 := text(r.Get("options.mtime"))
				if ok1 && ok2 && (atime == "NONE") != (mtime == "NONE") {
					report("options.atime", atime, "atime BEST_EFFORT with mtime PRESERVE, or both NONE")
				}
			},
		},
		{
			ID: "datasync.task.options.remove", Types: []string{syncTaskType}, Source: datasyncOptions,
			Check: func(r *Resource, report Reporter) {
				if r.Get("options.preserveDeletedFiles") == "REMOVE" && r.Get("options.transferMode") == "ALL" {
					report("options.preserveDeletedFiles", "REMOVE", "PRESERVE when transferMode is ALL (a full transfer does not scan the destination)")
				}
			},
		},
	},
	classes: slices.Concat(
		classify(efsLocationType, Reference, "ARNs of the file system, access point, subnet, security groups and role", "accessPointArn",
			"ec2Config.securityGroupArns[*]", "ec2Config.subnetArn", "efsFileSystemArn", "fileSystemAccessRoleArn"),
		classify(s3LocationType, Reference, "ARNs of the bucket, role and agents", "s3BucketArn", "s3Config.bucketAccessRoleArn", "agentArns[*]"),
		classify(syncTaskType, Reference, "ARNs of the locations and log group", "cloudwatchLogGroupArn", "destinationLocationArn", "sourceLocationArn"),
	),
}
