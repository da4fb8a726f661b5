package tests

import (
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-iac/strata/components/policy"
	"github.com/strata-iac/strata/internal/check"
	"github.com/strata-iac/strata/internal/mock"
	"github.com/strata-iac/strata/systems"
	"github.com/strata-iac/strata/systems/bootstrap"
)

func TestBootstrapStagePlansAndPassesCheck(t *testing.T) {
	res := runStage(t, "bootstrap")
	assert.Len(t, res.ByType("strata:system:Bootstrap"), 1)
	assert.Empty(t, res.ByType("aws:ec2/vpc:Vpc"), "the bootstrap stage deploys nothing else")
	rep := check.Check(check.FromResult(res), nil)
	for _, f := range rep.Findings {
		assert.NotEqual(t, check.Violation, f.Severity, "%s %s %s %s: %s", f.Rule, f.Type, f.Name, f.Path, f.Allowed)
	}
}

// iamPrefix maps each pulumi-aws module of the shipped stages to the IAM service prefixes of its
// resource types; a module missing here is a service the deploy roles may not know.
var iamPrefix = map[string][]string{
	"acm": {"acm"}, "appautoscaling": {"application-autoscaling"}, "autoscaling": {"autoscaling"},
	"cloudwatch": {"logs", "cloudwatch", "events"}, "datasync": {"datasync"}, "dynamodb": {"dynamodb"},
	"ebs": {"ec2"}, "ec2": {"ec2"}, "vpc": {"ec2"}, "ecr": {"ecr"}, "ecs": {"ecs"}, "efs": {"elasticfilesystem"},
	"iam": {"iam"}, "imagebuilder": {"imagebuilder"}, "kms": {"kms"}, "lb": {"elasticloadbalancing"},
	"lightsail": {"lightsail"}, "rds": {"rds"}, "route53": {"route53"}, "s3": {"s3"},
	"secretsmanager": {"secretsmanager"}, "servicediscovery": {"servicediscovery"}, "sfn": {"states"},
	"sns": {"sns"}, "sqs": {"sqs"}, "ssm": {"ssm"}, "wafv2": {"wafv2"},
}

// named says, for the resource types that IAM scopes by name, which write action a deploy runs on
// them and the ARN it acts on, from the resource's inputs (the real ARN formats, not the mock's).
var named = map[string]struct {
	action string
	arn    func(r *mock.Resource) string
}{
	"aws:s3/bucketV2:BucketV2":                     {"s3:CreateBucket", func(r *mock.Resource) string { return "arn:aws:s3:::" + in(r, "bucket") }},
	"aws:dynamodb/table:Table":                     {"dynamodb:CreateTable", regional("dynamodb", "table/", "name")},
	"aws:sqs/queue:Queue":                          {"sqs:CreateQueue", regional("sqs", "", "name")},
	"aws:sns/topic:Topic":                          {"sns:CreateTopic", regional("sns", "", "name")},
	"aws:cloudwatch/logGroup:LogGroup":             {"logs:CreateLogGroup", regional("logs", "log-group:", "name")},
	"aws:cloudwatch/metricAlarm:MetricAlarm":       {"cloudwatch:PutMetricAlarm", regional("cloudwatch", "alarm:", "name")},
	"aws:cloudwatch/eventRule:EventRule":           {"events:PutRule", regional("events", "rule/", "name")},
	"aws:sfn/stateMachine:StateMachine":            {"states:CreateStateMachine", regional("states", "stateMachine:", "name")},
	"aws:secretsmanager/secret:Secret":             {"secretsmanager:CreateSecret", regional("secretsmanager", "secret:", "name")},
	"aws:rds/instance:Instance":                    {"rds:CreateDBInstance", regional("rds", "db:", "identifier")},
	"aws:rds/parameterGroup:ParameterGroup":        {"rds:CreateDBParameterGroup", regional("rds", "pg:", "name")},
	"aws:rds/subnetGroup:SubnetGroup":              {"rds:CreateDBSubnetGroup", regional("rds", "subgrp:", "name")},
	"aws:lb/loadBalancer:LoadBalancer":             {"elasticloadbalancing:CreateLoadBalancer", regional("elasticloadbalancing", "loadbalancer/app/", "name", "/50dc6c495c0c9188")},
	"aws:lb/targetGroup:TargetGroup":               {"elasticloadbalancing:CreateTargetGroup", regional("elasticloadbalancing", "targetgroup/", "name", "/73e2d6bc24d8a067")},
	"aws:autoscaling/group:Group":                  {"autoscaling:CreateAutoScalingGroup", regional("autoscaling", "autoScalingGroup:0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d:autoScalingGroupName/", "name")},
	"aws:iam/role:Role":                            {"iam:CreateRole", global("role/", "name")},
	"aws:iam/policy:Policy":                        {"iam:CreatePolicy", global("policy/", "name")},
	"aws:iam/instanceProfile:InstanceProfile":      {"iam:CreateInstanceProfile", global("instance-profile/", "name")},
	"aws:imagebuilder/component:Component":         {"imagebuilder:CreateComponent", regional("imagebuilder", "component/", "name", "/1.0.0")},
	"aws:imagebuilder/imagePipeline:ImagePipeline": {"imagebuilder:CreateImagePipeline", regional("imagebuilder", "image-pipeline/", "name")},
	"aws:ssm/document:Document":                    {"ssm:CreateDocument", regional("ssm", "document/", "name")},
	"aws:ssm/parameter:Parameter":                  {"ssm:PutParameter", regional("ssm", "parameter", "name")},
}

func in(r *mock.Resource, key string) string { s, _ := r.In(key).(string); return s }

func regional(service, prefix, key string, suffix ...string) func(*mock.Resource) string {
	return func(r *mock.Resource) string {
		return "arn:aws:" + service + ":us-east-2:" + mock.Account + ":" + prefix + in(r, key) + strings.Join(suffix, "")
	}
}

func global(prefix, key string) func(*mock.Resource) string {
	return func(r *mock.Resource) string { return "arn:aws:iam::" + mock.Account + ":" + prefix + in(r, key) }
}

// deployDocuments renders the deploy role of stage, as the shipped bootstrap configures it.
func deployDocuments(t *testing.T, stage string) []policy.Document {
	t.Helper()
	p, err := bootstrap.Config{Repository: "strata-iac/strata", StateBucket: "example-strata-pulumi-state-use2"}.
		Plan(systems.Stage{Stack: "bootstrap", Env: "bootstrap", Owner: "research-platform"}, "us-east-2")
	require.NoError(t, err)
	i := slices.IndexFunc(p.Deploy, func(r bootstrap.Role) bool { return r.Stage == stage })
	require.GreaterOrEqual(t, i, 0, "no deploy role for %s", stage)
	docs, err := p.Documents(p.Deploy[i], bootstrap.Account{Partition: "aws", ID: mock.Account,
		KeyARN: func(string) string {
			return "arn:aws:kms:us-east-2:" + mock.Account + ":key/0123abcd-01ab-23cd-45ef-0123456789ab"
		}})
	require.NoError(t, err)
	out := make([]policy.Document, len(docs))
	for i, d := range docs {
		out[i] = policy.New(d.Statements...)
	}
	return out
}

// grants reports whether an Allow statement of docs grants action on arn (conditions aside).
func grants(docs []policy.Document, action, arn string) bool {
	for _, d := range docs {
		for _, s := range d.Statement {
			if s.Effect == "Allow" && slices.ContainsFunc(s.Action, func(a string) bool { return bootstrap.Match(a, action) }) &&
				slices.ContainsFunc(s.Resource, func(r string) bool { return bootstrap.Match(r, arn) }) {
				return true
			}
		}
	}
	return false
}

func TestDeployRolesCoverTheirStage(t *testing.T) {
	for _, stage := range stages {
		t.Run(stage, func(t *testing.T) {
			docs := deployDocuments(t, stage)
			var prefixes []string
			for _, d := range docs {
				for _, s := range d.Statement {
					for _, a := range s.Action {
						p, _, _ := strings.Cut(a, ":")
						prefixes = append(prefixes, p)
					}
				}
			}
			for _, r := range runStage(t, stage).Resources() {
				if !r.Custom || !strings.HasPrefix(r.Type, "aws:") {
					continue
				}
				module, _, _ := strings.Cut(strings.TrimPrefix(r.Type, "aws:"), "/")
				want, ok := iamPrefix[module]
				if !assert.True(t, ok, "%s: which IAM service is module %s? add it to the deploy roles and here", r.Type, module) {
					continue
				}
				assert.True(t, slices.ContainsFunc(want, func(p string) bool { return slices.Contains(prefixes, p) }),
					"%s %s: the deploy role grants no %v action", r.Type, r.Name, want)
				n, ok := named[r.Type]
				if !ok {
					continue
				}
				assert.True(t, grants(docs, n.action, n.arn(r)), "%s %s: deploy role of %s may not %s on %s", r.Type, r.Name, stage, n.action, n.arn(r))
			}
		})
	}
}

func TestDeployRolesStayInTheirStage(t *testing.T) {
	docs := deployDocuments(t, "staging")
	for _, r := range runStage(t, "production").Resources() {
		if n, ok := named[r.Type]; ok {
			assert.False(t, grants(docs, n.action, n.arn(r)), "staging's deploy role may %s on production's %s", n.action, n.arn(r))
		}
	}
}

func TestManagedPoliciesOfTheStagesAreAttachable(t *testing.T) {
	for _, stage := range stages {
		docs := deployDocuments(t, stage)
		var attachable []string
		for _, d := range docs {
			for _, s := range d.Statement {
				if slices.Contains(s.Action, "iam:AttachRolePolicy") {
					attachable = append(attachable, s.Condition["ArnLike"]["iam:PolicyARN"].([]string)...)
				}
			}
		}
		for _, r := range runStage(t, stage).ByType("aws:iam/rolePolicyAttachment:RolePolicyAttachment") {
			arn, _ := r.In("policyArn").(string)
			if strings.HasPrefix(arn, "arn:aws:iam::aws:policy/") {
				assert.Contains(t, attachable, arn, "%s: %s attaches an AWS managed policy the deploy role may not", stage, r.Name)
			}
		}
	}
}
