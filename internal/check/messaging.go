package check

import (
	"encoding/json"
	"slices"
	"strings"
)

const (
	topicType        = "aws:sns/topic:Topic"
	subscriptionType = "aws:sns/topicSubscription:TopicSubscription"
	queueType        = "aws:sqs/queue:Queue"
	snsAPI           = "https://docs.aws.amazon.com/sns/latest/api/"
	sqsAPI           = "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html"
)

// fifoName checks that a FIFO topic or queue is named *.fifo and a standard one is not.
func fifoName(id, typ, flag, source string) Rule {
	return Rule{ID: id, Types: []string{typ}, Source: source, Check: func(r *Resource, report Reporter) {
		name, ok := text(r.Inputs["name"])
		if ok && strings.HasSuffix(name, ".fifo") != truthy(r.Inputs[flag]) {
			report("name", name, "a name ending in .fifo exactly when "+flag+" is true")
		}
	}}
}

var sns = set{
	limits: []Limit{
		{ID: "sns.topic.name", Type: topicType, Path: "name", Len: &Range{1, 256}, Pattern: `[a-zA-Z0-9_-]+(\.fifo)?`,
			Allowed: "1 to 256 ASCII letters, digits, underscores and hyphens (and .fifo for a FIFO topic)", Source: snsAPI + "API_CreateTopic.html"},
		{ID: "sns.subscription.protocol", Type: subscriptionType, Path: "protocol",
			Enum: []string{"http", "https", "email", "email-json", "sms", "sqs", "application", "lambda", "firehose"}, Source: snsAPI + "API_Subscribe.html"},
	},
	rules: []Rule{fifoName("sns.topic.fifo", topicType, "fifoTopic", snsAPI+"API_CreateTopic.html")},
	classes: slices.Concat(
		classify(topicType, Reference, "the KMS key's id or ARN", "kmsMasterKeyId"),
		classify(topicType, Boolean, "FIFO and deduplication flags", "fifoTopic", "contentBasedDeduplication"),
		classify(topicType, FreeText, "a display name for SMS subscriptions", "displayName"),
		classify(subscriptionType, FreeText, "an address, URL, phone number or ARN, as the protocol needs (API_Subscribe)", "endpoint"),
		classify(subscriptionType, Reference, "the topic's ARN", "topic"),
		classify(subscriptionType, Boolean, "raw message delivery on or off", "rawMessageDelivery"),
	),
}

var sqs = set{
	limits: []Limit{
		{ID: "sqs.queue.name", Type: queueType, Path: "name", Len: &Range{1, 80}, Pattern: `[a-zA-Z0-9_-]+(\.fifo)?`,
			Allowed: "up to 80 letters, digits, hyphens and underscores (and .fifo for a FIFO queue)", Source: sqsAPI},
		{ID: "sqs.queue.visibilitytimeout", Type: queueType, Path: "visibilityTimeoutSeconds", Num: &Range{0, 43200}, Allowed: "0 to 43,200 seconds", Source: sqsAPI},
		{ID: "sqs.queue.messageretention", Type: queueType, Path: "messageRetentionSeconds", Num: &Range{60, 1209600}, Allowed: "60 to 1,209,600 seconds", Source: sqsAPI},
		{ID: "sqs.queue.delay", Type: queueType, Path: "delaySeconds", Num: &Range{0, 900}, Allowed: "0 to 900 seconds", Source: sqsAPI},
		{ID: "sqs.queue.maxmessagesize", Type: queueType, Path: "maxMessageSize", Num: &Range{1024, 1048576}, Allowed: "1,024 to 1,048,576 bytes", Source: sqsAPI},
		{ID: "sqs.queue.receivewaittime", Type: queueType, Path: "receiveWaitTimeSeconds", Num: &Range{0, 20}, Allowed: "0 to 20 seconds", Source: sqsAPI},
		{ID: "sqs.queue.kmsdatakeyreuse", Type: queueType, Path: "kmsDataKeyReusePeriodSeconds", Num: &Range{60, 86400}, Allowed: "60 to 86,400 seconds", Source: sqsAPI},
	},
	rules: []Rule{
		fifoName("sqs.queue.fifo", queueType, "fifoQueue", sqsAPI),
		{
			ID: "sqs.queue.redrivepolicy", Types: []string{queueType}, Paths: []string{"redrivePolicy"}, Source: sqsAPI,
			Check: func(r *Resource, report Reporter) {
				s, ok := text(r.Inputs["redrivePolicy"])
				if !ok {
					return
				}
				var p map[string]any
				_ = json.Unmarshal([]byte(s), &p)
				arn, _ := text(p["deadLetterTargetArn"])
				count, isNum := number(p["maxReceiveCount"])
				if arn == "" || !isNum || count < 1 || count != float64(int(count)) {
					report("redrivePolicy", s, "a JSON object with the dead-letter queue's deadLetterTargetArn and a positive whole maxReceiveCount")
				}
			},
		},
	},
	classes: slices.Concat(
		classify(queueType, Reference, "the KMS key's id or ARN", "kmsMasterKeyId"),
		classify(queueType, Boolean, "FIFO, deduplication and encryption flags", "fifoQueue", "contentBasedDeduplication", "sqsManagedSseEnabled"),
	),
}
