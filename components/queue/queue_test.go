package queue_test

import (
	"encoding/json"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-iac/strata/components/naming"
	"github.com/strata-iac/strata/components/policy"
	"github.com/strata-iac/strata/components/queue"
	"github.com/strata-iac/strata/internal/mock"
	"github.com/strata-iac/strata/internal/mocktest"
)

const (
	typeTopic        = "aws:sns/topic:Topic"
	typeSubscription = "aws:sns/topicSubscription:TopicSubscription"
	typeQueue        = "aws:sqs/queue:Queue"
	region           = "us-east-1"
	arnPrefix        = "arn:aws:sqs:" + region + ":" + mock.Account + ":"
	topicARN         = "arn:aws:sns:" + region + ":" + mock.Account + ":kotta-test-prod-jobs"
)

var conv = naming.Convention{App: "kotta", Env: "test", Owner: "research-platform", Extra: map[string]string{"CostCenter": "rp-1042"}}

func deploy(t *testing.T, args queue.Args) *mock.Result {
	t.Helper()
	args.Naming = conv
	return mocktest.Run(t, func(ctx *pulumi.Context) error {
		q, err := queue.New(ctx, "kotta-prod", &args)
		if err != nil {
			return err
		}
		ctx.Export("topicArn", q.TopicARN)
		ctx.Export("pendingUrl", q.Pending.URL)
		ctx.Export("activeName", q.Active.Name)
		ctx.Export("topicArnValue", pulumi.String(q.TopicARNValue))
		ctx.Export("pendingNameValue", pulumi.String(q.Names.Pending))
		return nil
	})
}

func TestTopicDeliversToPendingQueue(t *testing.T) {
	res := deploy(t, queue.Args{Group: "prod"})
	topic := mocktest.Named(t, res, typeTopic, "kotta-prod-topic")
	assert.Equal(t, "kotta-test-prod-jobs", topic.In("name"))
	assert.Equal(t, queue.TopicKey, topic.In("kmsMasterKeyId"), "the topic is encrypted")

	sub := mocktest.One(t, res, typeSubscription)
	assert.Equal(t, topicARN, sub.In("topic"))
	assert.Equal(t, "sqs", sub.In("protocol"))
	assert.Equal(t, arnPrefix+"kotta-test-prod-pending", sub.In("endpoint"), "the topic delivers to the pending queue")
	assert.Equal(t, false, sub.In("rawMessageDelivery"), "workers parse SNS's envelope")
	pending := mocktest.Named(t, res, typeQueue, "kotta-prod-pending")
	assert.Contains(t, pending.Dependencies, mocktest.Named(t, res, typeQueue, "kotta-prod-dlq").URN, "the dead-letter queue exists first")

	assert.Equal(t, topicARN, res.Outputs["topicArn"])
	assert.Equal(t, "https://sqs."+region+".amazonaws.com/"+mock.Account+"/kotta-test-prod-pending", res.Outputs["pendingUrl"])
	assert.Equal(t, "kotta-test-prod-active", res.Outputs["activeName"])
	assert.Equal(t, topic.Outputs["arn"].V, res.Outputs["topicArnValue"], "the plain ARN is the topic's")
	assert.Equal(t, "kotta-test-prod-pending", res.Outputs["pendingNameValue"])
}

func TestQueueSettings(t *testing.T) {
	tests := []struct {
		name                      string
		args                      queue.Args
		visibility, retention, rc float64
	}{
		{"defaults", queue.Args{Group: "prod"}, 43200, 1209600, 5},
		{"set", queue.Args{Group: "prod", VisibilityTimeoutSeconds: 7200, MessageRetentionSeconds: 345600, MaxReceiveCount: 3}, 7200, 345600, 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := deploy(t, tc.args)
			pending := mocktest.Named(t, res, typeQueue, "kotta-prod-pending")
			assert.Equal(t, "kotta-test-prod-pending", pending.In("name"))
			assert.Equal(t, tc.visibility, pending.In("visibilityTimeoutSeconds"))
			assert.Equal(t, tc.retention, pending.In("messageRetentionSeconds"))
			var redrive map[string]any
			require.NoError(t, json.Unmarshal([]byte(pending.In("redrivePolicy").(string)), &redrive))
			assert.Equal(t, map[string]any{"deadLetterTargetArn": arnPrefix + "kotta-test-prod-pending-dlq", "maxReceiveCount": tc.rc}, redrive)

			dlq := mocktest.Named(t, res, typeQueue, "kotta-prod-dlq")
			assert.Equal(t, "kotta-test-prod-pending-dlq", dlq.In("name"))
			assert.Equal(t, float64(1209600), dlq.In("messageRetentionSeconds"), "failed jobs are kept as long as SQS allows")
			assert.Nil(t, dlq.In("redrivePolicy"))

			active := mocktest.Named(t, res, typeQueue, "kotta-prod-active")
			assert.Equal(t, "kotta-test-prod-active", active.In("name"))
			assert.Equal(t, float64(30), active.In("visibilityTimeoutSeconds"))
			assert.Equal(t, tc.retention, active.In("messageRetentionSeconds"))

			for _, q := range res.ByType(typeQueue) {
				assert.Equal(t, true, q.In("sqsManagedSseEnabled"), "%s is encrypted", q.Name)
			}
		})
	}
}

func TestQueuePoliciesAdmitOnlyTheirTopic(t *testing.T) {
	res := deploy(t, queue.Args{Group: "prod"})
	queues := res.ByType(typeQueue)
	require.Len(t, queues, 3)
	for _, p := range queues {
		queueName := p.In("name").(string)
		doc := mocktest.Document(t, p, "policy")
		for _, s := range doc.Statement {
			assert.Equal(t, []string{arnPrefix + queueName}, s.Resource, "%s %s", p.Name, s.Sid)
			if s.Principal == "*" {
				assert.NotEmpty(t, s.Condition, "%s: a statement for everyone needs a condition", p.Name)
				assert.Equal(t, "Deny", s.Effect, "%s: only a deny may name everyone", p.Name)
			}
		}
		deny := doc.Statement[0]
		assert.Equal(t, "Deny", deny.Effect)
		assert.Equal(t, policy.Condition{"Bool": {"aws:SecureTransport": "false"}}, deny.Condition)
		if p.Name != "kotta-prod-pending" {
			assert.Len(t, doc.Statement, 1, "%s admits no one through its policy", p.Name)
			continue
		}
		require.Len(t, doc.Statement, 2)
		allow := doc.Statement[1]
		assert.Equal(t, "Allow", allow.Effect)
		assert.Equal(t, map[string]any{"Service": "sns.amazonaws.com"}, allow.Principal)
		assert.Equal(t, []string{"sqs:SendMessage"}, allow.Action)
		assert.Equal(t, policy.Condition{"ArnEquals": {"aws:SourceArn": topicARN}}, allow.Condition)
	}
}

func TestNamesAndTags(t *testing.T) {
	res := deploy(t, queue.Args{Group: "test", TopicName: "kotta-TestSNS", PendingName: "kotta-TestSQS", ActiveName: "kotta-TestActiveSQS"})
	assert.Equal(t, "kotta-TestSNS", mocktest.Named(t, res, typeTopic, "kotta-prod-topic").In("name"))
	assert.Equal(t, "kotta-TestSQS", mocktest.Named(t, res, typeQueue, "kotta-prod-pending").In("name"))
	assert.Equal(t, "kotta-test-test-pending-dlq", mocktest.Named(t, res, typeQueue, "kotta-prod-dlq").In("name"))
	assert.Equal(t, "kotta-TestActiveSQS", mocktest.Named(t, res, typeQueue, "kotta-prod-active").In("name"))
	mocktest.CheckTags(t, res, map[string]string{"App": "kotta", "Env": "test", "Owner": "research-platform", "CostCenter": "rp-1042"})
	assert.Equal(t, "kotta-test-test-pending", mocktest.Tags(mocktest.Named(t, res, typeQueue, "kotta-prod-pending"))["Name"])
	assert.Equal(t, queue.Names{Topic: "kotta-TestSNS", Pending: "kotta-TestSQS", DeadLetter: "kotta-test-test-pending-dlq", Active: "kotta-TestActiveSQS"},
		queue.Args{Naming: conv, Group: "test", TopicName: "kotta-TestSNS", PendingName: "kotta-TestSQS", ActiveName: "kotta-TestActiveSQS"}.Names())
}

func TestInvalidArgsRegisterNothing(t *testing.T) {
	long := "q123456789012345678901234567890123456789012345678901234567890123456789012345678901"
	tests := []struct {
		name string
		args queue.Args
		want []string
	}{
		{"group", queue.Args{Group: "Prod"}, []string{`group: "Prod" is not allowed`}},
		{"ranges", queue.Args{Group: "prod", VisibilityTimeoutSeconds: 43201, MessageRetentionSeconds: 59, MaxReceiveCount: 1001}, []string{
			"visibilityTimeoutSeconds: 43201 is out of range: use 0 to 43200 seconds",
			"messageRetentionSeconds: 59 is out of range: use 60 to 1209600 seconds",
			"maxReceiveCount: 1001 is out of range: use 1 to 1000 receipts",
		}},
		{"names", queue.Args{Group: "prod", TopicName: "jobs.fifo", PendingName: long, ActiveName: "a", DeadLetterName: "a"}, []string{
			`topicName: "jobs.fifo" is not allowed: use 1 to 256 letters, digits, hyphens and underscores`,
			`pendingName: "` + long + `" is not allowed: use 1 to 80`,
			`activeName: "a" is also the deadLetterName queue's name`,
		}},
		{"naming", queue.Args{Group: "prod", Naming: naming.Convention{App: "kotta", Env: "test"}}, []string{"naming.owner: is required"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			args := tc.args
			if args.Naming.App == "" {
				args.Naming = conv
			}
			mocktest.Refused(t, func(ctx *pulumi.Context) error {
				_, err := queue.New(ctx, "kotta-prod", &args)
				return err
			}, tc.want...)
		})
	}
}

func TestWithDefaultsLeavesTheCallersArgs(t *testing.T) {
	args := queue.Args{Naming: conv, Group: "prod"}
	got := args.WithDefaults()
	assert.Equal(t, 43200, got.VisibilityTimeoutSeconds)
	assert.Zero(t, args.VisibilityTimeoutSeconds)
	assert.Empty(t, args.PendingName)
}
