package queue

import (
	"encoding/json"
	"fmt"
	"regexp"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sns"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sqs"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-iac/strata/components/field"
	"github.com/strata-iac/strata/components/naming"
	"github.com/strata-iac/strata/components/policy"
)

// Defaults.
const (
	// DefaultVisibilityTimeoutSeconds hides a received job from other consumers for 12 hours,
	// SQS's maximum: a job runs at most that long before it may run again elsewhere.
	DefaultVisibilityTimeoutSeconds = 43200
	// DefaultMessageRetentionSeconds keeps messages 14 days, SQS's maximum: a job may wait that
	// long for a worker.
	DefaultMessageRetentionSeconds = 1209600
	// DefaultMaxReceiveCount moves a job to the dead-letter queue after its fifth receipt.
	DefaultMaxReceiveCount = 5
	// TopicKey is the AWS managed key of SNS. Queues use SQS-managed encryption instead of
	// alias/aws/sqs: SNS cannot deliver to a queue encrypted with that key, whose key policy
	// cannot be changed to admit it.
	TopicKey = "alias/aws/sns"
	// activeVisibilityTimeoutSeconds is SQS's own default: the active queue's consumers set their
	// own timeout when they receive.
	activeVisibilityTimeoutSeconds = 30
)

// SQS's and SNS's limits (CreateQueue and CreateTopic in their API references).
const (
	maxQueueName                      = 80
	maxTopicName                      = 256
	maxVisibilityTimeoutSeconds       = 43200
	minRetentionSeconds, maxRetention = 60, 1209600
	// maxReceiveCount is the largest maxReceiveCount of a redrive policy: the SQS console's
	// "Maximum receives" range is 1 to 1,000 (the API reference states none).
	maxReceiveCount = 1000
)

var nameRE = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

// Args configures a Queue.
type Args struct {
	// Naming names and tags the resources.
	Naming naming.Convention
	// Group is the naming group of the queue (lowercase letters, digits, single hyphens; at most
	// 32), e.g. a worker pool's name: the topic is <app>-<env>-<group>-jobs, the queues
	// <app>-<env>-<group>-pending, -pending-dlq and -active, tagged with groups <group>-jobs, …
	Group string

	// TopicName, PendingName, DeadLetterName and ActiveName replace the derived physical names
	// (e.g. to keep a migrated deployment's names): letters, digits, hyphens and underscores, at
	// most 256 characters for the topic and 80 for a queue. A new name replaces the resource.
	TopicName, PendingName, DeadLetterName, ActiveName string

	// VisibilityTimeoutSeconds hides a job received from the pending queue from other consumers
	// this long: 0 to 43200. Default 43200 (12 hours).
	VisibilityTimeoutSeconds int
	// MessageRetentionSeconds keeps an unreceived message this long in every queue: 60 to
	// 1209600. Default 1209600 (14 days).
	MessageRetentionSeconds int
	// MaxReceiveCount moves a job received this many times without being deleted to the
	// dead-letter queue: 1 to 1000. Default 5.
	MaxReceiveCount int
}

// Queue is a job queue: an encrypted SNS topic delivering to a pending SQS queue with a
// dead-letter queue, and an active queue for the jobs in flight.
type Queue struct {
	pulumi.ResourceState

	// TopicName and TopicARN are the topic's.
	TopicName pulumi.StringOutput
	TopicARN  pulumi.StringOutput
	// Pending receives the topic's messages; DeadLetter its jobs that failed too often; Active
	// holds the jobs being run.
	Pending, DeadLetter, Active Endpoint
	// Names and TopicARNValue are known before the resources exist, as plain values, for inputs
	// that take no outputs (an autoscaling group's tags). TopicARNValue is formed as AWS forms it,
	// from the stack's partition, region and account.
	Names         Names
	TopicARNValue string
	// Resources are the topic, its subscription and the queues: what a user of the queue waits for.
	// (Waiting for the component itself covers only the children registered by then.)
	Resources []pulumi.Resource
}

// Endpoint is one SQS queue.
type Endpoint struct {
	Name, URL, ARN pulumi.StringOutput
}

// Names are the physical names of a queue's resources.
type Names struct {
	Topic, Pending, DeadLetter, Active string
}

// WithDefaults returns a copy of a with the documented defaults filled in.
func (a Args) WithDefaults() Args {
	if a.TopicName == "" {
		a.TopicName = a.Naming.Name(a.Group + "-jobs")
	}
	if a.PendingName == "" {
		a.PendingName = a.Naming.Name(a.Group + "-pending")
	}
	if a.DeadLetterName == "" {
		a.DeadLetterName = a.Naming.Name(a.Group + "-pending-dlq")
	}
	if a.ActiveName == "" {
		a.ActiveName = a.Naming.Name(a.Group + "-active")
	}
	if a.VisibilityTimeoutSeconds == 0 {
		a.VisibilityTimeoutSeconds = DefaultVisibilityTimeoutSeconds
	}
	if a.MessageRetentionSeconds == 0 {
		a.MessageRetentionSeconds = DefaultMessageRetentionSeconds
	}
	if a.MaxReceiveCount == 0 {
		a.MaxReceiveCount = DefaultMaxReceiveCount
	}
	return a
}

// Names returns the physical names, with the defaults.
func (a Args) Names() Names {
	a = a.WithDefaults()
	return Names{Topic: a.TopicName, Pending: a.PendingName, DeadLetter: a.DeadLetterName, Active: a.ActiveName}
}

// Validate reports every problem with the arguments, with their defaults; paths are the fields'
// names in lower camel case. New checks Naming as well.
func (a Args) Validate() error {
	a = a.WithDefaults()
	var errs field.Errors
	errs.Check("group", naming.Identifier(a.Group, 32))
	checkName(&errs, "topicName", a.TopicName, maxTopicName)
	names := map[string]string{}
	for _, q := range []struct{ path, name string }{
		{"pendingName", a.PendingName}, {"deadLetterName", a.DeadLetterName}, {"activeName", a.ActiveName},
	} {
		checkName(&errs, q.path, q.name, maxQueueName)
		if other, ok := names[q.name]; ok {
			errs.Add(q.path, "%q is also the %s queue's name: each queue needs its own", q.name, other)
		}
		names[q.name] = q.path
	}
	errs.Range("visibilityTimeoutSeconds", a.VisibilityTimeoutSeconds, 0, maxVisibilityTimeoutSeconds, "seconds")
	errs.Range("messageRetentionSeconds", a.MessageRetentionSeconds, minRetentionSeconds, maxRetention, "seconds")
	errs.Range("maxReceiveCount", a.MaxReceiveCount, 1, maxReceiveCount, "receipts")
	return errs.Err()
}

func checkName(errs *field.Errors, path, name string, max int) {
	if len(name) > max || !nameRE.MatchString(name) {
		errs.Add(path, "%q is not allowed: use 1 to %d letters, digits, hyphens and underscores", name, max)
	}
}

// New creates a Queue.
func New(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*Queue, error) {
	a := args.WithDefaults()
	var errs field.Errors
	errs.Merge("naming", a.Naming.Validate())
	errs.Merge("", a.Validate())
	if err := errs.Err(); err != nil {
		return nil, fmt.Errorf("queue %s: %w", name, err)
	}
	q := &Queue{}
	if err := ctx.RegisterComponentResource("strata:queue:Queue", name, q, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(q)
	tags := func(suffix string) pulumi.StringMap { return pulumi.ToStringMap(a.Naming.Tags(a.Group + suffix)) }

	// The queues' policies and the redrive policy name ARNs that exist only once the queues do:
	// they are derived as AWS forms them, so that each queue carries its policy from its creation
	// (a queue policy resource would be a second, untagged resource per queue).
	arn, err := arns(ctx, parent)
	if err != nil {
		return nil, err
	}
	topicARN := arn("sns", a.TopicName)
	topic, err := sns.NewTopic(ctx, name+"-topic", &sns.TopicArgs{
		Name:           pulumi.String(a.TopicName),
		KmsMasterKeyId: pulumi.String(TopicKey),
		Tags:           tags("-jobs"),
	}, parent)
	if err != nil {
		return nil, err
	}
	newQueue := func(logical, physical, suffix string, q sqs.QueueArgs, topicARN string, opts ...pulumi.ResourceOption) (*sqs.Queue, error) {
		doc, err := Policy(arn("sqs", physical), topicARN).JSON()
		if err != nil {
			return nil, err
		}
		q.Name, q.Policy, q.Tags = pulumi.String(physical), pulumi.String(doc), tags(suffix)
		q.SqsManagedSseEnabled = pulumi.Bool(true)
		return sqs.NewQueue(ctx, logical, &q, append(opts, parent)...)
	}
	dlq, err := newQueue(name+"-dlq", a.DeadLetterName, "-pending-dlq", sqs.QueueArgs{
		MessageRetentionSeconds: pulumi.Int(maxRetention),
	}, "")
	if err != nil {
		return nil, err
	}
	redrive, err := jsonString(map[string]any{"deadLetterTargetArn": arn("sqs", a.DeadLetterName), "maxReceiveCount": a.MaxReceiveCount})
	if err != nil {
		return nil, err
	}
	pending, err := newQueue(name+"-pending", a.PendingName, "-pending", sqs.QueueArgs{
		VisibilityTimeoutSeconds: pulumi.Int(a.VisibilityTimeoutSeconds),
		MessageRetentionSeconds:  pulumi.Int(a.MessageRetentionSeconds),
		RedrivePolicy:            pulumi.String(redrive),
	}, topicARN, pulumi.DependsOn([]pulumi.Resource{dlq}))
	if err != nil {
		return nil, err
	}
	active, err := newQueue(name+"-active", a.ActiveName, "-active", sqs.QueueArgs{
		VisibilityTimeoutSeconds: pulumi.Int(activeVisibilityTimeoutSeconds),
		MessageRetentionSeconds:  pulumi.Int(a.MessageRetentionSeconds),
	}, "")
	if err != nil {
		return nil, err
	}
	// The envelope SNS wraps around each message is what the workers parse: no raw delivery.
	subscription, err := sns.NewTopicSubscription(ctx, name+"-pending", &sns.TopicSubscriptionArgs{
		Topic:              topic.Arn,
		Protocol:           pulumi.String("sqs"),
		Endpoint:           pending.Arn,
		RawMessageDelivery: pulumi.Bool(false),
	}, parent)
	if err != nil {
		return nil, err
	}
	q.Resources = []pulumi.Resource{topic, subscription, dlq, pending, active}

	q.TopicName, q.TopicARN = topic.Name, topic.Arn
	q.Names, q.TopicARNValue = a.Names(), topicARN
	q.Pending = Endpoint{Name: pending.Name, URL: pending.Url, ARN: pending.Arn}
	q.DeadLetter = Endpoint{Name: dlq.Name, URL: dlq.Url, ARN: dlq.Arn}
	q.Active = Endpoint{Name: active.Name, URL: active.Url, ARN: active.Arn}
	if err := ctx.RegisterResourceOutputs(q, pulumi.Map{
		"topicName":      q.TopicName,
		"topicArn":       q.TopicARN,
		"pendingUrl":     q.Pending.URL,
		"pendingArn":     q.Pending.ARN,
		"deadLetterArn":  q.DeadLetter.ARN,
		"activeUrl":      q.Active.URL,
		"activeArn":      q.Active.ARN,
		"pendingName":    q.Pending.Name,
		"deadLetterName": q.DeadLetter.Name,
		"activeName":     q.Active.Name,
	}); err != nil {
		return nil, err
	}
	return q, nil
}

// Policy is the policy of the queue queueARN: TLS only and, with a topic ARN, delivery by SNS from
// that topic alone (the aws:SourceArn condition keeps every other topic, in any account, out).
func Policy(queueARN, topicARN string) policy.Document {
	statements := []policy.Statement{{
		Sid:       "DenyInsecureTransport",
		Effect:    "Deny",
		Principal: "*",
		Action:    []string{"sqs:*"},
		Resource:  []string{queueARN},
		Condition: policy.Condition{"Bool": {"aws:SecureTransport": "false"}},
	}}
	if topicARN != "" {
		statements = append(statements, policy.Statement{
			Sid:       "TopicDelivers",
			Effect:    "Allow",
			Principal: map[string]any{"Service": "sns.amazonaws.com"},
			Action:    []string{"sqs:SendMessage"},
			Resource:  []string{queueARN},
			Condition: policy.Condition{"ArnEquals": {"aws:SourceArn": topicARN}},
		})
	}
	return policy.New(statements...)
}

func jsonString(v any) (string, error) {
	b, err := json.Marshal(v)
	return string(b), err
}

// arns returns a function forming the ARN of a resource of a regional service in the stack's
// partition, region and account.
func arns(ctx *pulumi.Context, parent pulumi.ResourceOrInvokeOption) (func(service, resource string) string, error) {
	partition, err := aws.GetPartition(ctx, &aws.GetPartitionArgs{}, parent)
	if err != nil {
		return nil, fmt.Errorf("looking up the partition: %w", err)
	}
	region, err := aws.GetRegion(ctx, &aws.GetRegionArgs{}, parent)
	if err != nil {
		return nil, fmt.Errorf("looking up the region: %w", err)
	}
	caller, err := aws.GetCallerIdentity(ctx, &aws.GetCallerIdentityArgs{}, parent)
	if err != nil {
		return nil, fmt.Errorf("looking up the account: %w", err)
	}
	return func(service, resource string) string {
		return "arn:" + partition.Partition + ":" + service + ":" + region.Name + ":" + caller.AccountId + ":" + resource
	}, nil
}
