package kotta

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-iac/strata/components/policy"
	"github.com/strata-iac/strata/internal/mock"
	"github.com/strata-iac/strata/internal/mocktest"
)

func sqsARN(name string) string { return "arn:aws:sqs:" + region + ":" + account + ":" + name }
func snsARN(name string) string { return "arn:aws:sns:" + region + ":" + account + ":" + name }

func TestQueuesPerPool(t *testing.T) {
	c := config()
	c.Platform.Pools["test"] = WorkerPool{VisibilityTimeoutSeconds: 3600, MaxReceiveCount: 2}
	res := mustDeploy(t, c)
	for _, tc := range []struct {
		pool                string
		visibility, retries float64
	}{{"prod", 43200, 5}, {"test", 3600, 2}} {
		t.Run(tc.pool, func(t *testing.T) {
			prefix := "kotta-test-" + tc.pool
			topic := get(t, res, typeTopic, "kotta-"+tc.pool+"-topic")
			assert.Equal(t, prefix+"-jobs", topic.In("name"))
			assert.Equal(t, "alias/aws/sns", topic.In("kmsMasterKeyId"), "the topic is encrypted")

			sub := get(t, res, typeSubscription, "kotta-"+tc.pool+"-pending")
			assert.Equal(t, snsARN(prefix+"-jobs"), sub.In("topic"))
			assert.Equal(t, "sqs", sub.In("protocol"))
			assert.Equal(t, sqsARN(prefix+"-pending"), sub.In("endpoint"), "the pool's topic delivers to the pool's pending queue")

			pending := get(t, res, typeQueue, "kotta-"+tc.pool+"-pending")
			assert.Equal(t, prefix+"-pending", pending.In("name"))
			assert.Equal(t, tc.visibility, pending.In("visibilityTimeoutSeconds"))
			assert.Equal(t, true, pending.In("sqsManagedSseEnabled"))
			var redrive map[string]any
			require.NoError(t, json.Unmarshal([]byte(pending.In("redrivePolicy").(string)), &redrive))
			assert.Equal(t, map[string]any{"deadLetterTargetArn": sqsARN(prefix + "-pending-dlq"), "maxReceiveCount": tc.retries}, redrive)

			doc := mocktest.Document(t, pending, "policy")
			require.Len(t, doc.Statement, 2)
			allow := doc.Statement[1]
			assert.Equal(t, "Allow", allow.Effect)
			assert.Equal(t, map[string]any{"Service": "sns.amazonaws.com"}, allow.Principal)
			assert.Equal(t, []string{"sqs:SendMessage"}, allow.Action)
			assert.Equal(t, []string{sqsARN(prefix + "-pending")}, allow.Resource)
			assert.Equal(t, policy.Condition{"ArnEquals": {"aws:SourceArn": snsARN(prefix + "-jobs")}}, allow.Condition,
				"only the pool's own topic may deliver")

			active := get(t, res, typeQueue, "kotta-"+tc.pool+"-active")
			assert.Equal(t, prefix+"-active", active.In("name"))
			assert.Equal(t, true, active.In("sqsManagedSseEnabled"))
			for _, q := range []*mock.Resource{pending, active, get(t, res, typeQueue, "kotta-"+tc.pool+"-dlq")} {
				for _, s := range mocktest.Document(t, q, "policy").Statement {
					if s.Principal == "*" {
						assert.Equal(t, "Deny", s.Effect, "%s: everyone is only ever denied", q.Name)
						assert.NotEmpty(t, s.Condition, "%s: a statement for everyone needs a condition", q.Name)
					}
				}
			}

			pools := output(t, res, "pools").(map[string]any)
			out := pools[tc.pool].(map[string]any)
			assert.Equal(t, prefix+"-jobs", out["topicName"])
			assert.Equal(t, snsARN(prefix+"-jobs"), out["topicArn"])
			assert.Equal(t, prefix+"-pending", out["pendingQueueName"])
			assert.Equal(t, sqsARN(prefix+"-pending"), out["pendingQueueArn"])
			assert.Equal(t, "https://sqs."+region+".amazonaws.com/"+account+"/"+prefix+"-active", out["activeQueueUrl"])
			assert.Equal(t, prefix+"-pending-dlq", out["deadLetterQueueName"])
			assert.Equal(t, "kotta-test-workers-"+tc.pool, out["workerGroupName"])
		})
	}
}

// The app reads its settings from its instance's tags: every instance an autoscaling group
// launches carries exactly the convention's tags and the app's keys.
func TestInstanceTagInterface(t *testing.T) {
	res := mustDeploy(t, config())
	convention := func(group string) map[string]string {
		return map[string]string{"Name": "kotta-test-" + group, "App": "kotta", "Env": "test", "Group": group,
			"Owner": "research-platform", "CostCenter": "rp-1042"}
	}
	with := func(tags map[string]string, more map[string]string) map[string]string {
		out := maps.Clone(tags)
		maps.Copy(out, more)
		return out
	}
	for _, pool := range []string{"prod", "test"} {
		group := "workers-" + pool
		want := with(convention(group), map[string]string{
			"role":              "Worker",
			"DynamoDBTableName": "kotta-test-jobs",
			"JobsQueueName":     "kotta-test-" + pool + "-pending",
			"ActiveQueueName":   "kotta-test-" + pool + "-active",
			"JobsSNSTopicName":  "kotta-test-" + pool + "-jobs",
			"JobsSNSTopicARN":   snsARN("kotta-test-" + pool + "-jobs"),
		})
		assert.Equal(t, want, launchTags(t, get(t, res, typeASG, "kotta-"+group)), group)
	}
	web := with(convention("webserver"), map[string]string{
		"role":                "WebServer",
		"DynamoDBTableName":   "kotta-test-jobs",
		"JobsQueueName":       "kotta-test-prod-pending",
		"ActiveQueueName":     "kotta-test-prod-active",
		"JobsSNSTopicName":    "kotta-test-prod-jobs",
		"JobsSNSTopicARN":     snsARN("kotta-test-prod-jobs"),
		"ProdJobsSNSTopicARN": snsARN("kotta-test-prod-jobs"),
		"TestJobsSNSTopicARN": snsARN("kotta-test-test-jobs"),
	})
	assert.Equal(t, web, launchTags(t, get(t, res, typeASG, "kotta-webserver")))
	for _, lt := range res.ByType(typeTemplate) {
		assert.Equal(t, "required", lt.In("metadataOptions.httpTokens"), "%s: IMDSv2", lt.Name)
	}
	// The topic ARNs in the tags are the topics' own.
	for _, pool := range []string{"prod", "test"} {
		assert.Equal(t, get(t, res, typeTopic, "kotta-"+pool+"-topic").Out("arn"), web[PoolTopicTag(pool)])
	}
}

func TestWebPoolChoosesTheGenericTags(t *testing.T) {
	c := config()
	c.Platform.Web.Pool = "test"
	tags := launchTags(t, get(t, mustDeploy(t, c), typeASG, "kotta-webserver"))
	assert.Equal(t, "kotta-test-test-pending", tags[TagPendingQueue])
	assert.Equal(t, snsARN("kotta-test-test-jobs"), tags[TagTopicARN])
}

// Each pool grows by one worker while jobs wait in its pending queue and shrinks by one once its
// active queue has been empty for idleMinutes, on SQS's own metrics.
func TestScalingOnTheQueues(t *testing.T) {
	c := config()
	c.Platform.Pools["test"] = WorkerPool{IdleMinutes: 30}
	res := mustDeploy(t, c)
	for _, tc := range []struct {
		pool string
		idle float64
	}{{"prod", 15}, {"test", 30}} {
		t.Run(tc.pool, func(t *testing.T) {
			name := "kotta-workers-" + tc.pool
			asg := get(t, res, typeASG, name)
			assert.Equal(t, float64(0), asg.In("minSize"))
			assert.Equal(t, []any{"subnet-00000000000000100", "subnet-00000000000000101", "subnet-00000000000000102"}, asg.In("vpcZoneIdentifiers"),
				"the pool spans the stage's zones, in the private subnets")
			assert.Contains(t, asg.IgnoreChanges, "desiredCapacity", "the alarms own the size")

			for _, a := range []struct {
				policy, queue, metric, comparison string
				steps                             []any
				periods                           float64
				missing                           string
			}{
				// The longer the backlog, the more workers at once: 1-4 jobs waiting add one, 5-19
				// four, 20 or more ten.
				{"jobs-waiting", "pending", "ApproximateNumberOfMessagesVisible", "GreaterThanThreshold", []any{
					map[string]any{"scalingAdjustment": 1.0, "metricIntervalLowerBound": "0", "metricIntervalUpperBound": "5"},
					map[string]any{"scalingAdjustment": 4.0, "metricIntervalLowerBound": "5", "metricIntervalUpperBound": "20"},
					map[string]any{"scalingAdjustment": 10.0, "metricIntervalLowerBound": "20"},
				}, 1, "notBreaching"},
				{"idle", "active", "ApproximateNumberOfMessagesVisible", "LessThanOrEqualToThreshold", []any{
					map[string]any{"scalingAdjustment": -1.0, "metricIntervalUpperBound": "0"},
				}, tc.idle, "breaching"},
			} {
				alarm := get(t, res, typeAlarm, name+"-"+a.policy)
				dims := map[string]any{"QueueName": "kotta-test-" + tc.pool + "-" + a.queue}
				if a.policy == "idle" {
					// No message in the active queue at all, visible or in flight: a message the
					// watcher or a worker holds for a moment is still a running job.
					assert.Nil(t, alarm.In("metricName"))
					for i, m := range []string{"ApproximateNumberOfMessagesVisible", "ApproximateNumberOfMessagesNotVisible"} {
						q := fmt.Sprintf("metricQueries[%d].", i)
						assert.Equal(t, "AWS/SQS", alarm.In(q+"metric.namespace"))
						assert.Equal(t, m, alarm.In(q+"metric.metricName"))
						assert.Equal(t, dims, alarm.In(q+"metric.dimensions"))
						assert.Equal(t, "Maximum", alarm.In(q+"metric.stat"))
						assert.Equal(t, float64(60), alarm.In(q+"metric.period"))
						assert.Equal(t, false, alarm.In(q+"returnData"))
					}
					assert.Equal(t, "m0 + m1", alarm.In("metricQueries[2].expression"))
					assert.Equal(t, true, alarm.In("metricQueries[2].returnData"))
				} else {
					assert.Equal(t, "AWS/SQS", alarm.In("namespace"), a.policy)
					assert.Equal(t, a.metric, alarm.In("metricName"), a.policy)
					assert.Equal(t, dims, alarm.In("dimensions"), a.policy)
					assert.Equal(t, "Maximum", alarm.In("statistic"), a.policy)
					assert.Equal(t, float64(60), alarm.In("period"), a.policy)
				}
				assert.Equal(t, a.comparison, alarm.In("comparisonOperator"), a.policy)
				assert.Equal(t, float64(0), alarm.In("threshold"), a.policy)
				assert.Equal(t, a.periods, alarm.In("evaluationPeriods"), a.policy)
				assert.Equal(t, a.missing, alarm.In("treatMissingData"), a.policy)
				scaling := get(t, res, typeScaling, name+"-"+a.policy)
				assert.Equal(t, []any{scaling.Out("arn")}, alarm.In("alarmActions"), "%s: the alarm's only action is its policy", a.policy)
				assert.Equal(t, "kotta-test-workers-"+tc.pool, scaling.In("autoscalingGroupName"))
				assert.Equal(t, "StepScaling", scaling.In("policyType"))
				assert.Equal(t, "ChangeInCapacity", scaling.In("adjustmentType"))
				assert.Equal(t, a.steps, scaling.In("stepAdjustments"), a.policy)
			}
			assert.Equal(t, float64(300), get(t, res, typeScaling, name+"-jobs-waiting").In("estimatedInstanceWarmup"))
		})
	}
}

func TestSpotOnlyWhereAsked(t *testing.T) {
	res := mustDeploy(t, config())
	prod := get(t, res, typeASG, "kotta-workers-prod")
	assert.Equal(t, float64(0), prod.In("mixedInstancesPolicy.instancesDistribution.onDemandPercentageAboveBaseCapacity"))
	assert.Equal(t, float64(0), prod.In("mixedInstancesPolicy.instancesDistribution.onDemandBaseCapacity"))
	assert.Equal(t, "capacity-optimized", prod.In("mixedInstancesPolicy.instancesDistribution.spotAllocationStrategy"))
	assert.Equal(t, []any{map[string]any{"instanceType": "m6id.large"}, map[string]any{"instanceType": "m5d.large"}},
		prod.In("mixedInstancesPolicy.launchTemplate.overrides"))
	assert.Equal(t, true, prod.In("capacityRebalance"))
	for _, name := range []string{"kotta-workers-test", "kotta-webserver"} {
		asg := get(t, res, typeASG, name)
		assert.Nil(t, asg.In("mixedInstancesPolicy"), "%s runs on demand", name)
		assert.Nil(t, asg.In("capacityRebalance"), name)
		assert.NotNil(t, asg.In("launchTemplate.id"), name)
	}
}

// Each instance role gets its own permissions (queues, topics, secrets, its instance's tags), the
// base layer's policy (bucket prefixes and tables) and Session Manager, and nothing else.
func TestIAMGrantsAreExact(t *testing.T) {
	res := mustDeploy(t, config())
	queueActions := []string{"sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:GetQueueUrl", "sqs:ReceiveMessage", "sqs:SendMessage"}
	secret := func(g string) string {
		return "arn:aws:secretsmanager:" + region + ":" + account + ":secret:kotta-test-" + g + "-AbCdEf"
	}
	basePolicy := func(role string) string { return "arn:aws:iam::" + account + ":policy/kotta-test-" + role }
	for _, tc := range []struct {
		fleet, base string
		want        []string
	}{
		{"kotta-webserver", "web", []string{
			"ec2:DescribeInstances *",
			"autoscaling:DescribeAutoScalingGroups *",
			"secretsmanager:GetSecretValue " + secret("login"),
			"secretsmanager:GetSecretValue " + secret("session"),
			"sns:Publish " + snsARN("kotta-test-prod-jobs"),
			"sns:Publish " + snsARN("kotta-test-test-jobs"),
		}},
		{"kotta-workers-prod", "worker", grants(queueActions, sqsARN("kotta-test-prod-pending"), sqsARN("kotta-test-prod-active"))},
		{"kotta-workers-test", "worker", grants(queueActions, sqsARN("kotta-test-test-pending"), sqsARN("kotta-test-test-active"))},
	} {
		t.Run(tc.fleet, func(t *testing.T) {
			want := tc.want
			if tc.base == "worker" {
				want = append(want, "ec2:DescribeInstances *")
			}
			slices.Sort(want)
			doc := mocktest.Document(t, get(t, res, typePolicy, tc.fleet), "policy")
			mocktest.EqualLists(t, tc.fleet+" grants", mocktest.Grants(doc), want)
			var attached []string
			for _, a := range res.ByType(typeAttachment) {
				if a.In("role") == strings.Replace(tc.fleet, "kotta-", "kotta-test-", 1) {
					attached = append(attached, a.In("policyArn").(string))
				}
			}
			assert.ElementsMatch(t, []string{
				"arn:aws:iam::" + account + ":policy/" + strings.Replace(tc.fleet, "kotta-", "kotta-test-", 1),
				"arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
				basePolicy(tc.base),
			}, attached, tc.fleet+" attachments")
		})
	}
	// The attached base policy of the workers lets them write their logs to postmortem/ and the
	// jobs' results to outputs/, and read the app from code/.
	workerGrants := mocktest.Grants(mocktest.Document(t, get(t, res, typePolicy, "kotta-worker"), "policy"))
	bucketARN := "arn:aws:s3:::" + bucket
	for _, g := range []string{"s3:PutObject " + bucketARN + "/postmortem/*", "s3:PutObject " + bucketARN + "/outputs/*",
		"s3:GetObject " + bucketARN + "/code/*", "dynamodb:UpdateItem arn:aws:dynamodb:" + region + ":" + account + ":table/kotta-test-jobs",
		"dynamodb:PutItem arn:aws:dynamodb:" + region + ":" + account + ":table/kotta-test-jobs"} {
		assert.Contains(t, workerGrants, g)
	}
	assert.NotContains(t, workerGrants, "s3:GetObject "+bucketARN+"/postmortem/*", "workers never read the logs back")
}

// The users' roles, when listed, may be assumed by the web server and every pool, and only those.
func TestUserRoles(t *testing.T) {
	c := config()
	roles := []string{"arn:aws:iam::" + account + ":role/kotta-users/*", "arn:aws:iam::" + account + ":role/kotta-admin"}
	c.Platform.UserRoleARNs = roles
	res := mustDeploy(t, c)
	for _, name := range []string{"kotta-webserver", "kotta-workers-prod", "kotta-workers-test"} {
		var assume []string
		for _, g := range mocktest.Grants(mocktest.Document(t, get(t, res, typePolicy, name), "policy")) {
			if strings.HasPrefix(g, "sts:") {
				assume = append(assume, g)
			}
		}
		assert.Equal(t, []string{"sts:AssumeRole " + roles[1], "sts:AssumeRole " + roles[0]}, assume, name)
	}
	for _, name := range []string{"kotta-webserver", "kotta-workers-prod"} {
		for _, g := range mocktest.Grants(mocktest.Document(t, get(t, mustDeploy(t, config()), typePolicy, name), "policy")) {
			assert.False(t, strings.HasPrefix(g, "sts:"), "%s: %s without user roles", name, g)
		}
	}
}

func grants(actions []string, resources ...string) []string {
	var out []string
	for _, a := range actions {
		for _, r := range resources {
			out = append(out, a+" "+r)
		}
	}
	return out
}

// Only the load balancer reaches the web servers, on their port; nothing reaches the workers.
func TestNoWorldOpenIngress(t *testing.T) {
	res := mustDeploy(t, config())
	front := get(t, res, typeGroup, "front-alb")
	web := get(t, res, typeGroup, "kotta-webserver")
	var ingress []string
	for _, r := range res.ByType(typeIngress) {
		if r.In("securityGroupId") == front.ID {
			continue // the load balancer's listeners
		}
		assert.Nil(t, r.In("cidrIpv4"), r.Name)
		assert.Nil(t, r.In("cidrIpv6"), r.Name)
		ingress = append(ingress, r.Name)
		assert.Equal(t, web.ID, r.In("securityGroupId"), "%s: only the web servers admit anyone", r.Name)
		assert.Equal(t, front.ID, r.In("referencedSecurityGroupId"), r.Name)
		assert.Equal(t, float64(WebPort), r.In("fromPort"), r.Name)
		assert.Equal(t, float64(WebPort), r.In("toPort"), r.Name)
	}
	assert.Equal(t, []string{"kotta-webserver-in-from-alb"}, ingress)
	egress := get(t, res, typeEgress, "kotta-front-out-webserver")
	assert.Equal(t, front.ID, egress.In("securityGroupId"), "the load balancer may send to the web servers")
	assert.Equal(t, web.ID, egress.In("referencedSecurityGroupId"))
	assert.Equal(t, float64(WebPort), egress.In("fromPort"))

	tg := get(t, res, typeTargetGroup, "kotta-tg")
	assert.Equal(t, "instance", tg.In("targetType"))
	assert.Equal(t, float64(WebPort), tg.In("port"))
	asg := get(t, res, typeASG, "kotta-webserver")
	assert.Equal(t, []any{tg.Out("arn")}, asg.In("targetGroupArns"))
	assert.Equal(t, "ELB", asg.In("healthCheckType"))
	for _, name := range []string{"minSize", "maxSize", "desiredCapacity"} {
		assert.Equal(t, float64(1), asg.In(name), name)
	}
	for _, lt := range res.ByType(typeTemplate) {
		assert.Equal(t, "false", lt.In("networkInterfaces[0].associatePublicIpAddress"), "%s has no public address", lt.Name)
	}
	assert.Equal(t, "https://kotta.test.example.org", output(t, res, "url"))
	assert.Equal(t, get(t, res, typeLB, "front").Out("dnsName"), output(t, res, "loadBalancerDnsName"))
}

// IMDSv2 unless the config opts out for the unmodified app, and then the opt-in names every
// launch template it loosens, for strata check.
func TestInstanceMetadata(t *testing.T) {
	res := mustDeploy(t, config())
	for _, lt := range res.ByType(typeTemplate) {
		assert.Equal(t, "required", lt.In("metadataOptions.httpTokens"), lt.Name)
	}
	p, err := config().Plan(stage)
	require.NoError(t, err)
	assert.Empty(t, p.OptIns())

	c := config()
	c.Platform.InstanceMetadataV1 = true
	res = mustDeploy(t, c)
	var names []string
	for _, lt := range res.ByType(typeTemplate) {
		assert.Equal(t, "optional", lt.In("metadataOptions.httpTokens"), lt.Name)
		names = append(names, lt.Name)
	}
	p, err = c.Plan(stage)
	require.NoError(t, err)
	var opted []string
	for _, o := range p.OptIns() {
		assert.Equal(t, "strata:kotta.instanceMetadataV1", o.Key)
		assert.Equal(t, typeTemplate, o.Type)
		opted = append(opted, o.Name)
	}
	assert.ElementsMatch(t, names, opted)
}

// The app's settings are the groups' tags, which reach an instance only at launch: a change of
// them (a queue renamed, another web pool) rolls the groups.
func TestTagChangesRefreshTheGroups(t *testing.T) {
	res := mustDeploy(t, config())
	for _, name := range []string{"kotta-webserver", "kotta-workers-prod", "kotta-workers-test"} {
		assert.Equal(t, []any{"tag"}, get(t, res, typeASG, name).In("instanceRefresh.triggers"), name)
	}
}

// Workers fetch a job's URL inputs over plain HTTP, as the app does, and everything else over
// HTTPS; nothing else leaves them.
func TestWorkerEgress(t *testing.T) {
	res := mustDeploy(t, config())
	group := get(t, res, typeGroup, "kotta-workers-prod")
	ports := map[string]any{}
	for _, r := range res.ByType(typeEgress) {
		if r.In("securityGroupId") == group.ID {
			ports[r.Name] = r.In("fromPort")
			assert.Equal(t, "0.0.0.0/0", r.In("cidrIpv4"), r.Name)
		}
	}
	assert.Equal(t, map[string]any{"kotta-workers-prod-out-https": 443.0, "kotta-workers-prod-out-http": 80.0}, ports)
}

// The secrets are created empty (or looked up): their values never pass through strata, the user
// data or the tags; the web server reads them with its role.
func TestSecretsByReference(t *testing.T) {
	t.Run("created empty", func(t *testing.T) {
		res := mustDeploy(t, config())
		for _, g := range []string{"login", "session"} {
			s := get(t, res, typeSecret, "kotta-"+g)
			assert.Equal(t, "kotta-test-"+g, s.In("name"))
			assert.Equal(t, false, s.Protect, "protected only with strata:protect")
		}
		assert.Empty(t, res.ByType("aws:secretsmanager/secretVersion:SecretVersion"), "no value is ever set by strata")
		script := userData(t, get(t, res, typeTemplate, "kotta-webserver"))
		assert.Contains(t, script, "KOTTA_UNITS='KOTTA_LOGIN_SECRET=kotta-test-login KOTTA_SESSION_SECRET=kotta-test-session KOTTA_PORT=8888'\n")
		assert.Contains(t, script, `mkfifo -m 0600 "$conf"`, "the values go through a pipe, not a file")
		assert.NotContains(t, userData(t, get(t, res, typeTemplate, "kotta-workers-prod")), "SECRET", "workers hold no secret")
		assert.Equal(t, "arn:aws:secretsmanager:"+region+":"+account+":secret:kotta-test-login-AbCdEf", output(t, res, "loginSecretArn"))
	})
	t.Run("existing", func(t *testing.T) {
		c := config()
		sessionARN := "arn:aws:secretsmanager:" + region + ":" + account + ":secret:kotta/session-Xy12Ab"
		c.Platform.Web.LoginSecret, c.Platform.Web.SessionSecret = "kotta/login", sessionARN
		res := mustDeploy(t, c)
		assert.Empty(t, res.ByType(typeSecret), "existing secrets are only referenced")
		var looked []string
		for _, inv := range res.Invokes() {
			if inv.Token == "aws:secretsmanager/getSecret:getSecret" {
				b, _ := json.Marshal(inv.Args.Mappable())
				looked = append(looked, string(b))
			}
		}
		assert.ElementsMatch(t, []string{`{"name":"kotta/login"}`, `{"arn":"` + sessionARN + `"}`}, looked)
		script := userData(t, get(t, res, typeTemplate, "kotta-webserver"))
		assert.Contains(t, script, "KOTTA_UNITS='KOTTA_LOGIN_SECRET=kotta/login KOTTA_SESSION_SECRET="+sessionARN+" KOTTA_PORT=8888'\n")
		grants := mocktest.Grants(mocktest.Document(t, get(t, res, typePolicy, "kotta-webserver"), "policy"))
		// A secret found by name is granted by its full ARN, with the suffix AWS appended.
		loginGrant := "secretsmanager:GetSecretValue arn:aws:secretsmanager:" + region + ":" + account + ":secret:kotta/login-"
		assert.True(t, slices.ContainsFunc(grants, func(g string) bool { return strings.HasPrefix(g, loginGrant) && len(g) == len(loginGrant)+6 }),
			"%v grants no %s<suffix>", grants, loginGrant)
		assert.Contains(t, grants, "secretsmanager:GetSecretValue "+sessionARN)
	})
	t.Run("protected in production", func(t *testing.T) {
		st := stage
		st.Protect = true
		res, err := mock.Run(program(config(), st), runOptions)
		require.NoError(t, err)
		for _, s := range res.ByType(typeSecret) {
			assert.True(t, s.Protect, s.Name)
		}
	})
}

// The instances launch once what their tags and boot script name exists: the queues and topics,
// and for the web server its secrets.
func TestInstancesWaitForWhatTheyUse(t *testing.T) {
	res := mustDeploy(t, config())
	urn := func(typ, name string) string { return get(t, res, typ, name).URN }
	web := get(t, res, typeTemplate, "kotta-webserver").Dependencies
	worker := get(t, res, typeTemplate, "kotta-workers-prod").Dependencies
	for _, pool := range []string{"prod", "test"} {
		for _, q := range []string{"pending", "active"} {
			assert.Contains(t, web, urn(typeQueue, "kotta-"+pool+"-"+q))
			assert.Contains(t, worker, urn(typeQueue, "kotta-"+pool+"-"+q))
		}
		assert.Contains(t, web, urn(typeSubscription, "kotta-"+pool+"-pending"))
	}
	for _, s := range []string{"kotta-login", "kotta-session"} {
		assert.Contains(t, web, urn(typeSecret, s))
		assert.NotContains(t, worker, urn(typeSecret, s), "workers use no secret")
	}
}
