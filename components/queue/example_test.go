package queue_test

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-iac/strata/components/naming"
	"github.com/strata-iac/strata/components/queue"
)

// The job queue of Cloud Kotta's prod pool: jobs may run for up to 12 hours (the default
// visibility timeout) and move to the dead-letter queue after their third failed run.
func Example() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		q, err := queue.New(ctx, "kotta-prod", &queue.Args{
			Naming:          naming.Convention{App: "kotta", Env: "production", Owner: "research-platform"},
			Group:           "prod",
			MaxReceiveCount: 3,
		})
		if err != nil {
			return err
		}
		ctx.Export("topicArn", q.TopicARN)
		ctx.Export("pendingQueue", q.Pending.Name)
		ctx.Export("activeQueue", q.Active.Name)
		return nil
	})
}
