package kotta

import (
	"encoding/json"
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sfn"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-iac/strata/components/policy"
	"github.com/strata-iac/strata/components/queue"
	"github.com/strata-iac/strata/components/role"
)

// The watcher keeps each pool's active queue true to the jobs that run, as the original
// deployment's queue watcher did: the workers leave there what they do not clean up themselves.
// Every minute a Step Functions workflow (AWS service calls only, no code of strata's) looks at the
// active queue's messages, up to five batches of ten, and
//   - answers an idle worker's kill request (the app posts them in the last minutes of each hour
//     of an idle worker's life) as the original did: the worker is terminated and the group
//     shrinks by one, unless the group is at its minimum; the request is deleted either way;
//   - deletes a job's message once its record in the Jobs table is completed, failed or
//     cancelled, or missing (the worker never deletes it);
//   - drops a job's message that has been there about maxJobHours (a job the app left without a
//     final status would otherwise keep the pool from shrinking for the queue's 14 days);
//   - sends a job back to the pending queue, and deletes it here, when the instance that ran it is
//     gone from the autoscaling groups (a Spot interruption, a scale-in, an instance refresh),
//     so that another worker runs it again;
//   - leaves every other message alone: a running job, visible again after 30 seconds.
const (
	watcherGroup = "watcher"
	// watcherRate is how often each pool's active queue is looked at.
	watcherRate = "rate(1 minute)"
	// watcherHoldSeconds hides the messages the watcher looks at from the next look; the idle
	// alarm counts them as in flight.
	watcherHoldSeconds = 30
	// watcherBatches is how many batches of ten messages one run looks at, at most.
	watcherBatches = 5
	// watcherWaitSeconds waits this long for messages: SQS's short polls (0) may miss some.
	watcherWaitSeconds = 2
	// watcherLogDays keeps the workflow's error logs.
	watcherLogDays = 30
)

// finishedStatuses are the Jobs table's statuses of a job that no longer runs.
var finishedStatuses = []string{"completed", "failed", "cancelled"}

// WatcherDefinition is the watcher's Amazon States Language document. Its input names a pool's
// queues, the Jobs table and how often a job's message may be seen before it is dropped:
// {"active": <url>, "pending": <url>, "table": <name>, "maxReceives": <n>}.
func WatcherDefinition() (string, error) {
	retry := []any{map[string]any{"ErrorEquals": []string{"States.ALL"}, "IntervalSeconds": 2, "MaxAttempts": 2, "BackoffRate": 2}}
	keepOnError := []any{map[string]any{"ErrorEquals": []string{"States.ALL"}, "ResultPath": nil, "Next": "Keep"}}
	attr := func(name string) string { return "$.message.MessageAttributes." + name + ".StringValue" }
	present := func(path string) map[string]any { return map[string]any{"Variable": path, "IsPresent": true} }
	// The app's messages carry the job's and the worker's ids.
	ours := func(more ...any) map[string]any {
		return map[string]any{"And": append([]any{present(attr("job_id")), present(attr("instance_id"))}, more...)}
	}
	// host looks the message's worker up in the autoscaling groups, into $.host.
	host := func(next string) map[string]any {
		return map[string]any{
			"Type":       "Task",
			"Resource":   "arn:aws:states:::aws-sdk:autoscaling:describeAutoScalingInstances",
			"Parameters": map[string]any{"InstanceIds.$": "States.Array(" + attr("instance_id") + ")"},
			"ResultPath": "$.host",
			"Retry":      retry,
			"Catch":      keepOnError,
			"Next":       next,
		}
	}
	var finished []any
	for _, s := range finishedStatuses {
		finished = append(finished, map[string]any{"Variable": "$.record.Item.status.S", "StringEquals": s})
	}
	item := map[string]any{
		"StartAt": "Kind",
		"States": map[string]any{
			"Kind": map[string]any{
				"Type": "Choice",
				"Choices": []any{
					next(ours(map[string]any{"Variable": attr("job_id"), "StringEquals": "kill_request"}), "Requester"),
					next(ours(present("$.message.Attributes.ApproximateReceiveCount")), "Age"),
					next(ours(), "JobStatus"),
				},
				// Not the app's: it would keep the pool from ever shrinking.
				"Default": "Forget",
			},
			"Requester": host("StillIdle"),
			"StillIdle": map[string]any{
				"Type": "Choice",
				"Choices": []any{map[string]any{"And": []any{
					present("$.host.AutoScalingInstances[0]"),
					map[string]any{"Variable": "$.host.AutoScalingInstances[0].LifecycleState", "StringEquals": "InService"},
				}, "Next": "Release"}},
				"Default": "Forget",
			},
			// Refused (ValidationError) when the group is at its minimum size: then the worker stays.
			"Release": map[string]any{
				"Type":     "Task",
				"Resource": "arn:aws:states:::aws-sdk:autoscaling:terminateInstanceInAutoScalingGroup",
				"Parameters": map[string]any{
					"InstanceId.$": attr("instance_id"), "ShouldDecrementDesiredCapacity": true,
				},
				"ResultPath": nil,
				"Catch":      []any{map[string]any{"ErrorEquals": []string{"States.ALL"}, "ResultPath": nil, "Next": "Forget"}},
				"Next":       "Forget",
			},
			"Age": map[string]any{
				"Type":       "Pass",
				"Parameters": map[string]any{"receives.$": "States.StringToJson($.message.Attributes.ApproximateReceiveCount)"},
				"ResultPath": "$.age",
				"Next":       "Stale",
			},
			"Stale": map[string]any{
				"Type":    "Choice",
				"Choices": []any{map[string]any{"Variable": "$.age.receives", "NumericGreaterThanPath": "$.maxReceives", "Next": "Forget"}},
				"Default": "JobStatus",
			},
			"JobStatus": map[string]any{
				"Type":     "Task",
				"Resource": "arn:aws:states:::aws-sdk:dynamodb:getItem",
				"Parameters": map[string]any{
					"TableName.$":              "$.table",
					"Key":                      map[string]any{"job_id": map[string]any{"S.$": attr("job_id")}},
					"ProjectionExpression":     "#s",
					"ExpressionAttributeNames": map[string]any{"#s": "status"},
					"ConsistentRead":           true,
				},
				"ResultPath": "$.record",
				"Retry":      retry,
				"Catch":      keepOnError,
				"Next":       "Finished",
			},
			"Finished": map[string]any{
				"Type": "Choice",
				"Choices": []any{
					map[string]any{"Not": present("$.record.Item"), "Next": "Forget"},
					map[string]any{"And": []any{present("$.record.Item.status.S"), map[string]any{"Or": finished}}, "Next": "Forget"},
				},
				"Default": "Host",
			},
			"Host": host("Alive"),
			"Alive": map[string]any{
				"Type": "Choice",
				"Choices": []any{map[string]any{"And": []any{
					present("$.host.AutoScalingInstances[0]"),
					map[string]any{"Not": map[string]any{"Variable": "$.host.AutoScalingInstances[0].LifecycleState", "StringMatches": "Terminat*"}},
				}, "Next": "Keep"}},
				"Default": "Requeue",
			},
			"Requeue": map[string]any{
				"Type":       "Task",
				"Resource":   "arn:aws:states:::aws-sdk:sqs:sendMessage",
				"Parameters": map[string]any{"QueueUrl.$": "$.pending", "MessageBody.$": "$.message.Body"},
				"ResultPath": nil,
				"Retry":      retry,
				"Catch":      keepOnError,
				"Next":       "Forget",
			},
			"Forget": map[string]any{
				"Type":       "Task",
				"Resource":   "arn:aws:states:::aws-sdk:sqs:deleteMessage",
				"Parameters": map[string]any{"QueueUrl.$": "$.active", "ReceiptHandle.$": "$.message.ReceiptHandle"},
				"ResultPath": nil,
				"Retry":      retry,
				// A receipt that expired meanwhile: the next look deletes the message.
				"Catch": keepOnError,
				"End":   true,
			},
			"Keep": map[string]any{"Type": "Succeed"},
		},
	}
	b, err := json.Marshal(map[string]any{
		"Comment": "Keeps a Cloud Kotta pool's active queue true to the jobs that run",
		"StartAt": "Begin",
		"States": map[string]any{
			"Begin": map[string]any{"Type": "Pass", "Parameters": carry("batch", 1), "Next": "Receive"},
			"Receive": map[string]any{
				"Type":     "Task",
				"Resource": "arn:aws:states:::aws-sdk:sqs:receiveMessage",
				"Parameters": map[string]any{
					"QueueUrl.$": "$.active", "MaxNumberOfMessages": 10, "WaitTimeSeconds": watcherWaitSeconds,
					"VisibilityTimeout": watcherHoldSeconds, "MessageAttributeNames": []string{"All"},
					"AttributeNames": []string{"ApproximateReceiveCount"},
				},
				"ResultPath": "$.received",
				"Retry":      retry,
				"Next":       "AnyMessages",
			},
			"AnyMessages": map[string]any{
				"Type":    "Choice",
				"Choices": []any{map[string]any{"Variable": "$.received.Messages[0]", "IsPresent": true, "Next": "EachMessage"}},
				"Default": "Done",
			},
			"EachMessage": map[string]any{
				"Type":           "Map",
				"ItemsPath":      "$.received.Messages",
				"ItemSelector":   carry("message.$", "$$.Map.Item.Value"),
				"MaxConcurrency": 10,
				"ItemProcessor":  map[string]any{"ProcessorConfig": map[string]any{"Mode": "INLINE"}, "StartAt": item["StartAt"], "States": item["States"]},
				"ResultPath":     nil,
				"Next":           "Full",
			},
			// A full batch may have left more behind (finished jobs pile up while many workers
			// run): another, up to watcherBatches a run. The messages already seen stay hidden.
			"Full": map[string]any{
				"Type": "Choice",
				"Choices": []any{map[string]any{"And": []any{
					map[string]any{"Variable": "$.received.Messages[9]", "IsPresent": true},
					map[string]any{"Variable": "$.batch", "NumericLessThan": watcherBatches},
				}, "Next": "NextBatch"}},
				"Default": "Done",
			},
			"NextBatch": map[string]any{
				"Type": "Pass", "Parameters": carry("batch.$", "States.MathAdd($.batch, 1)"), "Next": "Receive",
			},
			"Done": map[string]any{"Type": "Succeed"},
		},
	})
	return string(b), err
}

// next is a Choice rule going to state.
func next(rule map[string]any, state string) map[string]any {
	rule["Next"] = state
	return rule
}

// carry passes the run's input (the pool's queues, the table, maxReceives) on, with one field more.
func carry(key string, value any) map[string]any {
	return map[string]any{
		"active.$": "$.active", "pending.$": "$.pending", "table.$": "$.table", "maxReceives.$": "$.maxReceives", key: value,
	}
}

// newWatcher creates the watcher of the pools' active queues: one workflow, and per pool a rule
// that starts it every minute with the pool's queues.
func (p PlatformPlan) newWatcher(ctx *pulumi.Context, name string, bl baseLayer, queues map[string]*queue.Queue, parent pulumi.ResourceOrInvokeOption) error {
	jobsTable := bl.jobsTable
	part, err := aws.GetPartition(ctx, &aws.GetPartitionArgs{}, parent)
	if err != nil {
		return err
	}
	region, err := aws.GetRegion(ctx, &aws.GetRegionArgs{}, parent)
	if err != nil {
		return err
	}
	caller, err := aws.GetCallerIdentity(ctx, &aws.GetCallerIdentityArgs{}, parent)
	if err != nil {
		return err
	}
	arn := func(service, resource string) string {
		return fmt.Sprintf("arn:%s:%s:%s:%s:%s", part.Partition, service, region.Name, caller.AccountId, resource)
	}
	physical := p.Naming.Name(watcherGroup)
	tags := p.Naming.Tags(watcherGroup)
	name += "-" + watcherGroup

	logs, err := cloudwatch.NewLogGroup(ctx, name, &cloudwatch.LogGroupArgs{
		// Step Functions' log delivery wants its groups under /aws/vendedlogs/ (Step Functions
		// Developer Guide, "Logging using CloudWatch Logs").
		Name:            pulumi.String("/aws/vendedlogs/states/" + physical),
		RetentionInDays: pulumi.Int(watcherLogDays),
		Tags:            pulumi.ToStringMap(tags),
	}, parent)
	if err != nil {
		return err
	}

	var active, pending []pulumi.StringOutput
	for _, pool := range p.Pools {
		active = append(active, queues[pool.Name].Active.ARN)
		pending = append(pending, queues[pool.Name].Pending.ARN)
	}
	machineRole, err := role.New(ctx, name, &role.Args{
		Name:        physical,
		Description: "Step Functions watches the active queues of " + p.Naming.Name("workers"),
		Services:    []role.Service{{Principal: role.States, SourceARN: arn("states", "stateMachine:"+physical)}},
		Policy: pulumi.All(pulumi.ToStringArrayOutput(active), pulumi.ToStringArrayOutput(pending)).ApplyT(func(v []any) (string, error) {
			statements := []policy.Statement{
				policy.Allow("ActiveQueues", []string{"sqs:DeleteMessage", "sqs:ReceiveMessage"}, v[0].([]string)...),
				policy.Allow("PendingQueues", []string{"sqs:SendMessage"}, v[1].([]string)...),
				policy.Allow("JobStatus", []string{"dynamodb:GetItem"}, arn("dynamodb", "table/"+jobsTable)),
				// Only the pools' groups' workers.
				policy.Allow("ReleaseIdleWorkers", []string{"autoscaling:TerminateInstanceInAutoScalingGroup"},
					arn("autoscaling", "autoScalingGroup:*:autoScalingGroupName/"+p.Naming.Name(workersGroup)+"*")),
				// Neither supports resource-level permissions.
				policy.Allow("Hosts", []string{"autoscaling:DescribeAutoScalingInstances"}, "*"),
				policy.Allow("Logging", []string{"logs:CreateLogDelivery", "logs:GetLogDelivery", "logs:UpdateLogDelivery",
					"logs:DeleteLogDelivery", "logs:ListLogDeliveries", "logs:PutResourcePolicy",
					"logs:DescribeResourcePolicies", "logs:DescribeLogGroups"}, "*"),
			}
			if bl.kmsKey != "" {
				// The Jobs table under the base layer's own key: reads through DynamoDB only.
				key := policy.Allow("JobsTableKey", []string{"kms:Decrypt"}, bl.kmsKey)
				key.Condition = policy.Condition{"StringEquals": {"kms:ViaService": "dynamodb." + region.Name + ".amazonaws.com"}}
				statements = append(statements, key)
			}
			return policy.New(statements...).JSON()
		}).(pulumi.StringOutput),
		Tags: tags,
	}, parent)
	if err != nil {
		return err
	}
	definition, err := WatcherDefinition()
	if err != nil {
		return err
	}
	machine, err := sfn.NewStateMachine(ctx, name, &sfn.StateMachineArgs{
		Name:       pulumi.String(physical),
		Type:       pulumi.String("EXPRESS"),
		RoleArn:    machineRole.ARN,
		Definition: pulumi.String(definition),
		LoggingConfiguration: &sfn.StateMachineLoggingConfigurationArgs{
			Level:                pulumi.String("ERROR"),
			IncludeExecutionData: pulumi.Bool(false),
			LogDestination:       pulumi.Sprintf("%s:*", logs.Arn),
		},
		Tags: pulumi.ToStringMap(tags),
	}, parent, pulumi.DependsOn([]pulumi.Resource{machineRole}))
	if err != nil {
		return err
	}

	// kotta-<env>-<pool>-watch
	rulePrefix := p.Naming.Name("")
	eventsRole, err := role.New(ctx, name+"-events", &role.Args{
		Name:        physical + "-events",
		Description: "EventBridge starts the watcher of " + p.Naming.Name("workers") + " every minute",
		Services:    []role.Service{{Principal: role.Events, SourceARN: arn("events", "rule/"+rulePrefix+"*-watch")}},
		Policy: machine.Arn.ApplyT(func(a string) (string, error) {
			return policy.New(policy.Allow("StartWatcher", []string{"states:StartExecution"}, a)).JSON()
		}).(pulumi.StringOutput),
		Tags: tags,
	}, parent)
	if err != nil {
		return err
	}
	for _, pool := range p.Pools {
		q := queues[pool.Name]
		rule, err := cloudwatch.NewEventRule(ctx, name+"-"+pool.Name, &cloudwatch.EventRuleArgs{
			Name:               pulumi.String(rulePrefix + pool.Name + "-watch"),
			Description:        pulumi.String("Starts the watcher of the active queue of pool " + pool.Name),
			ScheduleExpression: pulumi.String(watcherRate),
			Tags:               pulumi.ToStringMap(tags),
		}, parent)
		if err != nil {
			return err
		}
		// The watcher sees a kept message about once a minute.
		maxReceives := pool.MaxJobHours * 60
		input := pulumi.All(q.Active.URL, q.Pending.URL).ApplyT(func(v []any) (string, error) {
			b, err := json.Marshal(map[string]any{"active": v[0].(string), "pending": v[1].(string), "table": jobsTable, "maxReceives": maxReceives})
			return string(b), err
		}).(pulumi.StringOutput)
		if _, err := cloudwatch.NewEventTarget(ctx, name+"-"+pool.Name, &cloudwatch.EventTargetArgs{
			Rule:     rule.Name,
			TargetId: pulumi.String(watcherGroup),
			Arn:      machine.Arn,
			RoleArn:  eventsRole.ARN,
			Input:    input,
		}, parent, pulumi.DependsOn([]pulumi.Resource{eventsRole})); err != nil {
			return err
		}
	}
	return nil
}
