package bootstrap

import (
	"strings"

	"github.com/strata-iac/strata/components/policy"
)

// scope is what one role's ARNs are made of: the account, and for a deploy role its stage.
type scope struct {
	partition, account, region, env string
	// prefixes are "<app>-<env>-" for every app of the suite.
	prefixes []string
	// images are "<app>-image" for every app: a baked image is shared by every stage, so its
	// pipeline carries no env in its names (see systems/argos).
	images []string
}

// image returns the ARNs of format (with %s for a name prefix) for every app's image pipeline.
func (s scope) image(service, format string) []string {
	out := make([]string, len(s.images))
	for i, p := range s.images {
		out[i] = s.arn(service, strings.ReplaceAll(format, "%s", p))
	}
	return out
}

// arn returns the ARN of resource in service, in the scope's region and account.
func (s scope) arn(service, resource string) string {
	return "arn:" + s.partition + ":" + service + ":" + s.region + ":" + s.account + ":" + resource
}

// named returns one ARN pattern per app: format with %s replaced by "<app>-<env>-".
func (s scope) named(service, format string) []string {
	out := make([]string, len(s.prefixes))
	for i, p := range s.prefixes {
		out[i] = s.arn(service, strings.ReplaceAll(format, "%s", p))
	}
	return out
}

// A service is one AWS service the suite's systems use: what the preview role may read and what a
// deploy role may change, on which resources.
type service struct {
	// prefix is the service's IAM prefix.
	prefix string
	// modules are the pulumi-aws modules (aws:<module>/…) whose resources the service creates:
	// every resource type a stage plans must belong to one.
	modules []string
	// group is the deploy policy the service's statements go in.
	group string
	// read are read-only actions, granted on "*" to the preview and deploy roles: reads reveal
	// configuration, not data (secret values and object contents are kept out).
	read []string
	// write are the deploy role's other actions, on resources.
	write []string
	// resources are the ARN patterns write is limited to, by name; nil when the service names its
	// resources by generated ids, and write is then limited to the stage's region.
	resources func(s scope) []string
	// unscoped are write actions that IAM cannot limit to resources at all: granted on "*" within
	// the stage's region, beside the named writes.
	unscoped []string
	// global services take every request at one endpoint, so no region condition applies.
	global bool
}

// Deploy policy groups, each one managed policy.
const (
	groupState   = "state"
	groupIAM     = "iam"
	groupNetwork = "network"
	groupCompute = "compute"
	groupImages  = "images"
	groupData    = "data"
	groupLogs    = "logs"
	groupSecrets = "secrets"
)

// deployGroups is the order of the deploy policies; the first is the role's own.
var deployGroups = []string{groupState, groupIAM, groupNetwork, groupCompute, groupImages, groupData, groupLogs, groupSecrets}

// secretReads are read actions that return secrets or data rather than configuration. The preview
// role is denied them explicitly, so that no read-only glob can grant them.
var secretReads = []string{
	"secretsmanager:GetSecretValue", "ssm:GetParameterHistory",
	"lightsail:GetRelationalDatabaseMasterUserPassword", "lightsail:GetInstanceAccessDetails",
	"lightsail:GetContainerServiceDeployments", "lightsail:GetContainerLog",
	"ec2:GetPasswordData", "ec2:GetConsoleOutput", "ec2:GetConsoleScreenshot",
	"ecr:GetAuthorizationToken", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage",
	"rds:DownloadDBLogFilePortion", "logs:GetLogEvents", "logs:FilterLogEvents", "logs:StartQuery",
}

// services are the AWS services of the suite. TestServicesCoverThePlans proves that every
// resource type the shipped stages plan belongs to one of them.
var services = []service{
	{
		prefix: "ec2", modules: []string{"ec2", "ebs", "vpc"}, group: groupNetwork,
		read: []string{"ec2:Describe*", "ec2:GetLaunchTemplateData", "ec2:GetManagedPrefixListEntries",
			"ec2:GetSecurityGroupsForVpc", "ec2:GetEbsEncryptionByDefault", "ec2:GetEbsDefaultKmsKeyId"},
		write: []string{"ec2:Create*", "ec2:Delete*", "ec2:Modify*", "ec2:Associate*", "ec2:Disassociate*",
			"ec2:Attach*", "ec2:Detach*", "ec2:AuthorizeSecurityGroup*", "ec2:RevokeSecurityGroup*",
			"ec2:UpdateSecurityGroupRuleDescriptions*", "ec2:AllocateAddress", "ec2:ReleaseAddress",
			"ec2:Replace*", "ec2:RunInstances", "ec2:StartInstances", "ec2:StopInstances",
			"ec2:TerminateInstances"},
	},
	{
		prefix: "elasticloadbalancing", modules: []string{"lb", "alb"}, group: groupNetwork,
		read: []string{"elasticloadbalancing:Describe*"},
		write: []string{"elasticloadbalancing:Create*", "elasticloadbalancing:Delete*", "elasticloadbalancing:Modify*",
			"elasticloadbalancing:Add*", "elasticloadbalancing:Remove*", "elasticloadbalancing:Set*",
			"elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"},
		resources: func(s scope) []string {
			var out []string
			for _, f := range []string{"loadbalancer/app/%s*/*", "targetgroup/%s*/*", "listener/app/%s*/*", "listener-rule/app/%s*/*"} {
				out = append(out, s.named("elasticloadbalancing", f)...)
			}
			return out
		},
	},
	{
		prefix: "acm", modules: []string{"acm"}, group: groupNetwork,
		read: []string{"acm:DescribeCertificate", "acm:ListCertificates", "acm:ListTagsForCertificate"},
		write: []string{"acm:RequestCertificate", "acm:DeleteCertificate", "acm:AddTagsToCertificate",
			"acm:RemoveTagsFromCertificate", "acm:UpdateCertificateOptions"},
	},
	{
		// Hosted zones are shared by the stages and named by id; records are the only writes.
		prefix: "route53", modules: []string{"route53"}, group: groupNetwork, global: true,
		read: []string{"route53:GetHostedZone", "route53:ListHostedZones", "route53:ListHostedZonesByName",
			"route53:ListResourceRecordSets", "route53:GetChange", "route53:ListTagsForResource"},
		write: []string{"route53:ChangeResourceRecordSets"},
		resources: func(s scope) []string {
			return []string{"arn:" + s.partition + ":route53:::hostedzone/*"}
		},
	},
	{
		prefix: "wafv2", modules: []string{"wafv2"}, group: groupNetwork,
		read: []string{"wafv2:Get*", "wafv2:List*"},
		write: []string{"wafv2:CreateWebACL", "wafv2:UpdateWebACL", "wafv2:DeleteWebACL", "wafv2:AssociateWebACL",
			"wafv2:DisassociateWebACL", "wafv2:PutLoggingConfiguration", "wafv2:DeleteLoggingConfiguration",
			"wafv2:TagResource", "wafv2:UntagResource"},
	},
	{
		prefix: "servicediscovery", modules: []string{"servicediscovery"}, group: groupNetwork,
		read: []string{"servicediscovery:Get*", "servicediscovery:List*"},
		write: []string{"servicediscovery:Create*", "servicediscovery:Delete*", "servicediscovery:Update*",
			"servicediscovery:TagResource", "servicediscovery:UntagResource"},
	},
	{
		prefix: "autoscaling", modules: []string{"autoscaling"}, group: groupCompute,
		read: []string{"autoscaling:Describe*"},
		write: []string{"autoscaling:Create*", "autoscaling:Update*", "autoscaling:Delete*", "autoscaling:Put*",
			"autoscaling:Attach*", "autoscaling:Detach*", "autoscaling:Enable*", "autoscaling:Disable*",
			"autoscaling:Set*", "autoscaling:SuspendProcesses", "autoscaling:ResumeProcesses",
			"autoscaling:StartInstanceRefresh", "autoscaling:CancelInstanceRefresh"},
		resources: func(s scope) []string {
			return s.named("autoscaling", "autoScalingGroup:*:autoScalingGroupName/%s*")
		},
	},
	{
		prefix: "application-autoscaling", modules: []string{"appautoscaling"}, group: groupCompute,
		read: []string{"application-autoscaling:Describe*", "application-autoscaling:ListTagsForResource"},
		write: []string{"application-autoscaling:RegisterScalableTarget", "application-autoscaling:DeregisterScalableTarget",
			"application-autoscaling:PutScalingPolicy", "application-autoscaling:DeleteScalingPolicy",
			"application-autoscaling:TagResource", "application-autoscaling:UntagResource"},
	},
	{
		// Task definitions are registered and deregistered on "*": those actions take no resource.
		prefix: "ecs", modules: []string{"ecs"}, group: groupCompute,
		read: []string{"ecs:Describe*", "ecs:List*"},
		write: []string{"ecs:Create*", "ecs:Update*", "ecs:Delete*", "ecs:Put*", "ecs:TagResource",
			"ecs:UntagResource", "ecs:RegisterTaskDefinition", "ecs:DeregisterTaskDefinition"},
	},
	{
		prefix: "ecr", modules: []string{"ecr"}, group: groupImages,
		read: []string{"ecr:Describe*", "ecr:ListTagsForResource", "ecr:GetRepositoryPolicy", "ecr:GetLifecyclePolicy"},
		write: []string{"ecr:CreatePullThroughCacheRule", "ecr:UpdatePullThroughCacheRule",
			"ecr:DeletePullThroughCacheRule", "ecr:ValidatePullThroughCacheRule",
			"ecr:CreateRepositoryCreationTemplate", "ecr:UpdateRepositoryCreationTemplate", "ecr:DeleteRepositoryCreationTemplate"},
	},
	{
		prefix: "imagebuilder", modules: []string{"imagebuilder"}, group: groupImages,
		read: []string{"imagebuilder:Get*", "imagebuilder:List*"},
		write: []string{"imagebuilder:Create*", "imagebuilder:Update*", "imagebuilder:Delete*",
			"imagebuilder:StartImagePipelineExecution", "imagebuilder:TagResource", "imagebuilder:UntagResource"},
		resources: func(s scope) []string {
			var out []string
			for _, f := range []string{"component/%s*", "image-recipe/%s*", "infrastructure-configuration/%s*",
				"distribution-configuration/%s*", "image-pipeline/%s*", "image/%s*"} {
				out = append(out, s.named("imagebuilder", f)...)
			}
			// Every kind of Image Builder resource of a shared image pipeline, in one pattern each.
			return append(out, s.image("imagebuilder", "*/%s*")...)
		},
	},
	{
		prefix: "lightsail", modules: []string{"lightsail"}, group: groupImages,
		read: []string{"lightsail:Get*"},
		write: []string{"lightsail:Create*", "lightsail:Delete*", "lightsail:Update*", "lightsail:TagResource",
			"lightsail:UntagResource", "lightsail:AttachCertificateToDistribution", "lightsail:RegisterContainerImage",
			"lightsail:SetIpAddressType"},
	},
	{
		prefix: "s3", modules: []string{"s3"}, group: groupData, global: true,
		read: []string{"s3:ListAllMyBuckets", "s3:ListBucket", "s3:GetBucket*", "s3:GetLifecycleConfiguration",
			"s3:GetEncryptionConfiguration", "s3:GetAccelerateConfiguration", "s3:GetReplicationConfiguration",
			"s3:GetIntelligentTieringConfiguration", "s3:GetAnalyticsConfiguration", "s3:GetInventoryConfiguration",
			"s3:GetMetricsConfiguration"},
		write: []string{"s3:CreateBucket", "s3:DeleteBucket", "s3:PutBucket*", "s3:DeleteBucket*",
			"s3:PutLifecycleConfiguration", "s3:PutEncryptionConfiguration", "s3:PutAccelerateConfiguration",
			"s3:ListBucketVersions", "s3:GetObject*", "s3:PutObject*", "s3:DeleteObject*"},
		resources: func(s scope) []string {
			// Bucket names are global: a prefix of the operator's own is allowed before <app>-<env>-.
			var out []string
			for _, p := range s.prefixes {
				out = append(out, "arn:"+s.partition+":s3:::*"+p+"*", "arn:"+s.partition+":s3:::*"+p+"*/*")
			}
			return out
		},
	},
	{
		prefix: "dynamodb", modules: []string{"dynamodb"}, group: groupData,
		read: []string{"dynamodb:Describe*", "dynamodb:ListTables", "dynamodb:ListTagsOfResource"},
		write: []string{"dynamodb:CreateTable", "dynamodb:DeleteTable", "dynamodb:Update*", "dynamodb:TagResource",
			"dynamodb:UntagResource"},
		resources: func(s scope) []string { return s.named("dynamodb", "table/%s*") },
	},
	{
		prefix: "rds", modules: []string{"rds"}, group: groupData,
		read: []string{"rds:Describe*", "rds:ListTagsForResource"},
		write: []string{"rds:Create*", "rds:Modify*", "rds:Delete*", "rds:AddTagsToResource",
			"rds:RemoveTagsFromResource", "rds:RebootDBInstance"},
		resources: func(s scope) []string {
			var out []string
			for _, f := range []string{"db:%s*", "pg:%s*", "subgrp:%s*", "snapshot:%s*"} {
				out = append(out, s.named("rds", f)...)
			}
			// A new instance takes its engine's default option group.
			return append(out, s.arn("rds", "og:default*"))
		},
	},
	{
		prefix: "elasticfilesystem", modules: []string{"efs"}, group: groupData,
		read: []string{"elasticfilesystem:Describe*", "elasticfilesystem:ListTagsForResource"},
		write: []string{"elasticfilesystem:Create*", "elasticfilesystem:Delete*", "elasticfilesystem:Update*",
			"elasticfilesystem:Put*", "elasticfilesystem:ModifyMountTargetSecurityGroups",
			"elasticfilesystem:TagResource", "elasticfilesystem:UntagResource"},
	},
	{
		prefix: "datasync", modules: []string{"datasync"}, group: groupData,
		read: []string{"datasync:Describe*", "datasync:List*"},
		write: []string{"datasync:Create*", "datasync:Delete*", "datasync:Update*", "datasync:TagResource",
			"datasync:UntagResource"},
	},
	{
		// Keys are named by id; their Env tag scopes them instead (see deployStatements).
		prefix: "kms", modules: []string{"kms"}, group: groupData,
		read: []string{"kms:DescribeKey", "kms:GetKeyPolicy", "kms:GetKeyRotationStatus", "kms:ListAliases",
			"kms:ListKeys", "kms:ListResourceTags"},
		write: []string{"kms:EnableKeyRotation", "kms:DisableKeyRotation", "kms:PutKeyPolicy", "kms:UpdateKeyDescription",
			"kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion", "kms:TagResource", "kms:UntagResource",
			"kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey*"},
	},
	{
		prefix: "logs", modules: []string{"cloudwatch"}, group: groupLogs,
		read: []string{"logs:Describe*", "logs:ListTagsForResource", "logs:ListTagsLogGroup"},
		write: []string{"logs:CreateLogGroup", "logs:DeleteLogGroup", "logs:PutRetentionPolicy",
			"logs:DeleteRetentionPolicy", "logs:TagResource", "logs:UntagResource", "logs:TagLogGroup",
			"logs:UntagLogGroup", "logs:AssociateKmsKey", "logs:DisassociateKmsKey"},
		// WAF's logging to a log group registers a log delivery and adds the group to the
		// account's CloudWatch Logs resource policy, on the caller's permissions (CloudWatch Logs
		// User Guide, "Enabling logging from AWS services"); neither takes a resource ARN.
		unscoped: []string{"logs:CreateLogDelivery", "logs:GetLogDelivery", "logs:UpdateLogDelivery",
			"logs:DeleteLogDelivery", "logs:ListLogDeliveries", "logs:PutResourcePolicy", "logs:DeleteResourcePolicy"},
		resources: func(s scope) []string {
			// Services put their own prefix first: /aws/rds/instance/<name>/…, /ecs/<name>, aws-waf-logs-<name>.
			var out []string
			for _, f := range []string{"log-group:*%s*", "log-group:*%s*:*"} {
				out = append(out, s.named("logs", f)...)
			}
			// Image Builder's build logs: /aws/imagebuilder/<app>-image.
			out = append(out, s.image("logs", "log-group:/aws/imagebuilder/%s*")...)
			out = append(out, s.image("logs", "log-group:/aws/imagebuilder/%s*:*")...)
			return out
		},
	},
	{
		prefix: "cloudwatch", modules: []string{"cloudwatch"}, group: groupLogs,
		read: []string{"cloudwatch:DescribeAlarms", "cloudwatch:ListTagsForResource"},
		write: []string{"cloudwatch:PutMetricAlarm", "cloudwatch:DeleteAlarms", "cloudwatch:TagResource",
			"cloudwatch:UntagResource"},
		resources: func(s scope) []string { return s.named("cloudwatch", "alarm:%s*") },
	},
	{
		prefix: "events", modules: []string{"cloudwatch"}, group: groupLogs,
		read: []string{"events:Describe*", "events:List*"},
		write: []string{"events:PutRule", "events:DeleteRule", "events:PutTargets", "events:RemoveTargets",
			"events:EnableRule", "events:DisableRule", "events:TagResource", "events:UntagResource"},
		resources: func(s scope) []string { return s.named("events", "rule/%s*") },
	},
	{
		prefix: "states", modules: []string{"sfn"}, group: groupLogs,
		read: []string{"states:Describe*", "states:List*"},
		write: []string{"states:CreateStateMachine", "states:UpdateStateMachine", "states:DeleteStateMachine",
			"states:TagResource", "states:UntagResource"},
		resources: func(s scope) []string { return s.named("states", "stateMachine:%s*") },
	},
	{
		prefix: "sns", modules: []string{"sns"}, group: groupSecrets,
		read: []string{"sns:GetTopicAttributes", "sns:GetSubscriptionAttributes", "sns:ListTopics",
			"sns:ListSubscriptionsByTopic", "sns:ListTagsForResource"},
		write: []string{"sns:CreateTopic", "sns:DeleteTopic", "sns:SetTopicAttributes", "sns:Subscribe",
			"sns:Unsubscribe", "sns:SetSubscriptionAttributes", "sns:TagResource", "sns:UntagResource"},
		resources: func(s scope) []string { return s.named("sns", "%s*") },
	},
	{
		prefix: "sqs", modules: []string{"sqs"}, group: groupSecrets,
		read: []string{"sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:ListQueues", "sqs:ListQueueTags",
			"sqs:ListDeadLetterSourceQueues"},
		write: []string{"sqs:CreateQueue", "sqs:DeleteQueue", "sqs:SetQueueAttributes", "sqs:TagQueue",
			"sqs:UntagQueue"},
		resources: func(s scope) []string { return s.named("sqs", "%s*") },
	},
	{
		prefix: "secretsmanager", modules: []string{"secretsmanager"}, group: groupSecrets,
		read: []string{"secretsmanager:DescribeSecret", "secretsmanager:ListSecrets",
			"secretsmanager:GetResourcePolicy", "secretsmanager:ListSecretVersionIds"},
		write: []string{"secretsmanager:CreateSecret", "secretsmanager:DeleteSecret", "secretsmanager:UpdateSecret",
			"secretsmanager:PutSecretValue", "secretsmanager:GetSecretValue", "secretsmanager:TagResource",
			"secretsmanager:UntagResource", "secretsmanager:PutResourcePolicy", "secretsmanager:DeleteResourcePolicy",
			"secretsmanager:RotateSecret", "secretsmanager:CancelRotateSecret", "secretsmanager:RestoreSecret"},
		resources: func(s scope) []string {
			// RDS creates and rotates the master password secrets it manages (rds!db-…) in the
			// caller's name, who needs these rights on them too.
			return append(s.named("secretsmanager", "secret:%s*"), s.arn("secretsmanager", "secret:rds!*"))
		},
	},
	{
		prefix: "ssm", modules: []string{"ssm"}, group: groupSecrets,
		read: []string{"ssm:Describe*", "ssm:ListTagsForResource", "ssm:ListAssociations", "ssm:ListDocuments",
			"ssm:GetDocument"},
		write: []string{"ssm:GetParameter*", "ssm:PutParameter", "ssm:DeleteParameter*", "ssm:LabelParameterVersion",
			"ssm:CreateDocument", "ssm:UpdateDocument*", "ssm:DeleteDocument", "ssm:AddTagsToResource",
			"ssm:RemoveTagsFromResource"},
		resources: func(s scope) []string {
			var out []string
			for _, p := range s.prefixes {
				// Parameters live under /<app>/<env>/.
				app, _, _ := strings.Cut(p, "-")
				out = append(out, s.arn("ssm", "parameter/"+app+"/"+s.env+"/*"), s.arn("ssm", "document/"+p+"*"))
			}
			return out
		},
	},
}

// byPrefix returns the service of an IAM prefix.
func byPrefix(prefix string) (service, bool) {
	for _, s := range services {
		if s.prefix == prefix {
			return s, true
		}
	}
	return service{}, false
}

// sid turns words into a statement id (ASCII letters and digits).
func sid(words ...string) string {
	var b strings.Builder
	for _, w := range words {
		for _, part := range strings.FieldsFunc(w, func(r rune) bool {
			return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
		}) {
			b.WriteString(strings.ToUpper(part[:1]) + part[1:])
		}
	}
	return b.String()
}

// inRegion limits a statement to requests to region.
func inRegion(st policy.Statement, region string) policy.Statement {
	st.Condition = policy.Condition{"StringEquals": {"aws:RequestedRegion": region}}
	return st
}
