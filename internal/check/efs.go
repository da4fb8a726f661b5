package check

import "slices"

const (
	fileSystemType   = "aws:efs/fileSystem:FileSystem"
	accessPointType  = "aws:efs/accessPoint:AccessPoint"
	backupPolicyType = "aws:efs/backupPolicy:BackupPolicy"
	fsPolicyType     = "aws:efs/fileSystemPolicy:FileSystemPolicy"
	mountTargetType  = "aws:efs/mountTarget:MountTarget"
	efsAPI           = "https://docs.aws.amazon.com/efs/latest/ug/"
)

var efs = set{
	limits: []Limit{
		// The model's pattern ^(\/|(\/(?!\.)+[^$#<>;`|&?{}^*/\n]+){1,4})$ rewritten for RE2: one to
		// four components, none starting with a period.
		{ID: "efs.accesspoint.rootdirectory.path.pattern", Type: accessPointType, Path: "rootDirectory.path",
			Pattern: "/|(/[^.$#<>;`|&?{}^*/\\n][^$#<>;`|&?{}^*/\\n]*){1,4}",
			Allowed: "/ or one to four /components, none starting with a period or containing $#<>;`|&?{}^*",
			Source:  "botocore efs 2015-02-01 CreateAccessPointRequest.RootDirectory.Path pattern, rewritten without (?!\\.) for RE2; " + efsAPI + "API_RootDirectory.html"},
	},
	rules: []Rule{
		{
			ID: "efs.filesystem.lifecycle.single", Types: []string{fileSystemType}, Source: efsAPI + "API_LifecyclePolicy.html",
			Check: func(r *Resource, report Reporter) {
				r.Each("lifecyclePolicies[*]", func(path string, v any) {
					if m, ok := v.(map[string]any); ok && len(m) != 1 {
						report(path, len(m), "one transition per lifecycle policy object")
					}
				})
			},
		},
		{
			ID: "efs.filesystem.provisionedthroughput.required", Types: []string{fileSystemType}, Source: efsAPI + "API_CreateFileSystem.html",
			Check: func(r *Resource, report Reporter) {
				if r.Inputs["throughputMode"] == "provisioned" && r.Inputs["provisionedThroughputInMibps"] == nil {
					report("provisionedThroughputInMibps", nil, "a provisioned throughput when throughputMode is provisioned")
				}
			},
		},
	},
	classes: slices.Concat(
		classify(fileSystemType, Boolean, "encryption on or off", "encrypted"),
		classify(fileSystemType, Reference, "the KMS key's ARN", "kmsKeyId"),
		classify(accessPointType, Reference, "the file system's id", "fileSystemId"),
		classify(backupPolicyType, Reference, "the file system's id", "fileSystemId"),
		classify(fsPolicyType, Reference, "the file system's id", "fileSystemId"),
		classify(fsPolicyType, Boolean, "skip the lockout check", "bypassPolicyLockoutSafetyCheck"),
		classify(mountTargetType, Reference, "ids of the file system, subnet and security groups", "fileSystemId", "subnetId", "securityGroups[*]"),
	),
}
