package mocktest

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-iac/strata/components/policy"
	"github.com/strata-iac/strata/internal/mock"
)

// Run runs program under mocks with no config and fails the test on error.
func Run(t *testing.T, program pulumi.RunFunc) *mock.Result {
	t.Helper()
	res, err := mock.Run(program, mock.Options{Project: "strata", Stack: "test"})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// Refused runs program and checks that it fails before registering anything, with an error that
// contains each of want. It returns the error for further checks.
func Refused(t *testing.T, program pulumi.RunFunc, want ...string) error {
	t.Helper()
	res, err := mock.Run(program, mock.Options{Project: "strata", Stack: "test"})
	if err == nil {
		t.Fatal("got no error")
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("got %q, want it to contain %q", err, w)
		}
	}
	if n := len(res.Resources()); n != 0 {
		t.Errorf("got %d resources registered, want 0", n)
	}
	return err
}

// One returns the only resource of typ, failing the test if there is not exactly one.
func One(t *testing.T, res *mock.Result, typ string) *mock.Resource {
	t.Helper()
	rs := res.ByType(typ)
	if len(rs) != 1 {
		t.Fatalf("got %d %s, want 1", len(rs), typ)
	}
	return rs[0]
}

// Named returns the resource of typ and logical name, failing the test if there is none.
func Named(t *testing.T, res *mock.Result, typ, name string) *mock.Resource {
	t.Helper()
	r := res.Get(typ, name)
	if r == nil {
		t.Fatalf("no %s named %s", typ, name)
	}
	return r
}

// Eq fails the test unless got equals want.
func Eq(t *testing.T, what string, got, want any) {
	t.Helper()
	if got != want {
		t.Errorf("%s: got %v, want %v", what, got, want)
	}
}

// Document decodes the IAM policy document held in the input key of r.
func Document(t *testing.T, r *mock.Resource, key string) policy.Document {
	t.Helper()
	s, ok := r.In(key).(string)
	if !ok {
		t.Fatalf("%s %s: input %s is %T, want a JSON string", r.Type, r.Name, key, r.In(key))
	}
	var doc policy.Document
	if err := json.Unmarshal([]byte(s), &doc); err != nil {
		t.Fatalf("%s %s: %v", r.Type, r.Name, err)
	}
	return doc
}

// Grants flattens a document's Allow statements into "action resource" pairs, sorted, so a test
// can compare a role's exact permissions with one list.
func Grants(doc policy.Document) []string {
	var out []string
	for _, s := range doc.Statement {
		if s.Effect != "Allow" {
			continue
		}
		for _, a := range s.Action {
			for _, r := range s.Resource {
				out = append(out, a+" "+r)
			}
		}
	}
	slices.Sort(out)
	return out
}

// EqualLists fails the test unless got and want hold the same strings in the same order.
func EqualLists(t *testing.T, what string, got, want []string) {
	t.Helper()
	if slices.Equal(got, want) {
		return
	}
	t.Errorf("%s:\n got  %s\n want %s", what, strings.Join(got, "\n      "), strings.Join(want, "\n      "))
}

// Unscoped lists the IAM actions that support no resource-level permissions, so a grant of them
// names the resource "*". Any other action on "*" is a finding.
var Unscoped = map[string]bool{
	// EC2's Describe actions take no resource ARNs (Service Authorization Reference, Amazon EC2).
	"ec2:DescribeInstances":            true,
	"ec2:DescribeTags":                 true,
	"ecr:GetAuthorizationToken":        true,
	"ecs:DiscoverPollEndpoint":         true,
	"ssmmessages:CreateControlChannel": true,
	"ssmmessages:CreateDataChannel":    true,
	"ssmmessages:OpenControlChannel":   true,
	"ssmmessages:OpenDataChannel":      true,
	// Auto Scaling's Describe actions take no resource ARNs either (Service Authorization
	// Reference, Amazon EC2 Auto Scaling).
	"autoscaling:DescribeAutoScalingGroups":    true,
	"autoscaling:DescribeAutoScalingInstances": true,
	// Log delivery of vended logs (Step Functions, WAF) and the account's Logs resource policy
	// (CloudWatch Logs User Guide, "Enabling logging from AWS services").
	"logs:CreateLogDelivery":        true,
	"logs:GetLogDelivery":           true,
	"logs:UpdateLogDelivery":        true,
	"logs:DeleteLogDelivery":        true,
	"logs:ListLogDeliveries":        true,
	"logs:PutResourcePolicy":        true,
	"logs:DescribeResourcePolicies": true,
	"logs:DescribeLogGroups":        true,
}

// untaggable lists the AWS resource types that accept no tags. Every other AWS resource must carry
// the convention; a new untaggable type has to be added here deliberately.
var untaggable = map[string]bool{
	"aws:acm/certificateValidation:CertificateValidation":                                        true,
	"aws:appautoscaling/policy:Policy":                                                           true,
	"aws:autoscaling/policy:Policy":                                                              true,
	"aws:cloudwatch/eventTarget:EventTarget":                                                     true,
	"aws:cloudwatch/logResourcePolicy:LogResourcePolicy":                                         true,
	"aws:ec2/route:Route":                                                                        true,
	"aws:ec2/tag:Tag":                                                                            true,
	"aws:ec2/routeTableAssociation:RouteTableAssociation":                                        true,
	"aws:ec2/volumeAttachment:VolumeAttachment":                                                  true,
	"aws:ecr/pullThroughCacheRule:PullThroughCacheRule":                                          true,
	"aws:ecr/repositoryCreationTemplate:RepositoryCreationTemplate":                              true,
	"aws:ecs/clusterCapacityProviders:ClusterCapacityProviders":                                  true,
	"aws:efs/backupPolicy:BackupPolicy":                                                          true,
	"aws:efs/fileSystemPolicy:FileSystemPolicy":                                                  true,
	"aws:efs/mountTarget:MountTarget":                                                            true,
	"aws:iam/rolePolicy:RolePolicy":                                                              true,
	"aws:iam/rolePolicyAttachment:RolePolicyAttachment":                                          true,
	"aws:kms/alias:Alias":                                                                        true,
	"aws:lb/listenerCertificate:ListenerCertificate":                                             true,
	"aws:lb/targetGroupAttachment:TargetGroupAttachment":                                         true,
	"aws:lightsail/containerServiceDeploymentVersion:ContainerServiceDeploymentVersion":          true,
	"aws:route53/record:Record":                                                                  true,
	"aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2":                       true,
	"aws:s3/bucketLoggingV2:BucketLoggingV2":                                                     true,
	"aws:s3/bucketOwnershipControls:BucketOwnershipControls":                                     true,
	"aws:s3/bucketPolicy:BucketPolicy":                                                           true,
	"aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock":                                     true,
	"aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2": true,
	"aws:s3/bucketVersioningV2:BucketVersioningV2":                                               true,
	"aws:secretsmanager/secretRotation:SecretRotation":                                           true,
	"aws:secretsmanager/secretVersion:SecretVersion":                                             true,
	"aws:sns/topicSubscription:TopicSubscription":                                                true,
	"aws:wafv2/webAclAssociation:WebAclAssociation":                                              true,
	"aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration":                            true,
}

// Taggable reports whether r is an AWS resource that accepts tags.
func Taggable(r *mock.Resource) bool {
	return r.Custom && strings.HasPrefix(r.Type, "aws:") && !untaggable[r.Type]
}

// Tags returns r's tags. Autoscaling groups take a list of {key, value, propagateAtLaunch}; their
// tags count only when propagated to the instances, which is where operators look for them.
func Tags(r *mock.Resource) map[string]any {
	if r.Type != "aws:autoscaling/group:Group" {
		tags, _ := r.In("tags").(map[string]any)
		return tags
	}
	tags := map[string]any{}
	list, _ := r.In("tags").([]any)
	for _, item := range list {
		tag, _ := item.(map[string]any)
		if tag["propagateAtLaunch"] == true {
			tags[fmt.Sprint(tag["key"])] = tag["value"]
		}
	}
	return tags
}

// CheckTags checks every taggable resource for the convention: Name=<App>-<Env>-<Group>, the
// given common tags (App, Env, Owner and extras) and a Group.
func CheckTags(t *testing.T, res *mock.Result, common map[string]string) {
	t.Helper()
	n := 0
	for _, r := range res.Resources() {
		if !Taggable(r) {
			continue
		}
		n++
		tags := Tags(r)
		for k, v := range common {
			if tags[k] != v {
				t.Errorf("%s %s: tag %s: got %v, want %q", r.Type, r.Name, k, tags[k], v)
			}
		}
		group, _ := tags["Group"].(string)
		want := fmt.Sprintf("%v-%v-%s", tags["App"], tags["Env"], group)
		if group == "" || tags["Name"] != want {
			t.Errorf("%s %s: Name tag %v, Group %q: want Name=<app>-<env>-<group> (%s)", r.Type, r.Name, tags["Name"], group, want)
		}
	}
	if n == 0 {
		t.Error("no taggable resources were registered")
	}
}
