package rotation

import (
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sfn"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-iac/strata/components/field"
	"github.com/strata-iac/strata/components/naming"
	"github.com/strata-iac/strata/components/policy"
	"github.com/strata-iac/strata/components/role"
)

// DefaultGroup names a Redeploy's resources: <app>-<env>-rotation.
const DefaultGroup = "rotation"

// maxGroup keeps <app>-<env>-<group>-events, the longest name, an IAM role name (64 characters)
// with app and env at 16 each.
const maxGroup = 64 - 2*16 - 2 - len("-events")

// maxServices bounds the services of one state machine: each is one state, and a definition may
// hold at most 1 MB (Step Functions quotas); 50 keeps it small and the rule's purpose plain.
const maxServices = 50

// Args configures a Redeploy.
type Args struct {
	// SecretARN is the secret the services read at start (required), e.g. an RDS instance's
	// managed master secret.
	SecretARN pulumi.StringInput
	// Services are the ECS services that read it (at least one).
	Services []Service
	// Group names the resources: <app>-<env>-<group>. Default "rotation"; lowercase letters,
	// digits and hyphens.
	Group string
	// Naming names and tags the resources.
	Naming naming.Convention
}

// Service is an ECS service to redeploy.
type Service struct {
	// Cluster and Name are the cluster's and the service's names.
	Cluster pulumi.StringInput
	Name    pulumi.StringInput
}

// Redeploy is the rule, the state machine and their roles.
type Redeploy struct {
	pulumi.ResourceState

	// StateMachineARN is the state machine; starting it by hand redeploys the services too.
	StateMachineARN pulumi.StringOutput
	// RuleName is the EventBridge rule.
	RuleName pulumi.StringOutput
}

// WithDefaults returns a copy of a with the defaults filled in.
func (a Args) WithDefaults() Args {
	if a.Group == "" {
		a.Group = DefaultGroup
	}
	return a
}

// Validate reports every problem with the arguments, after defaults.
func (a Args) Validate() error {
	a = a.WithDefaults()
	var errs field.Errors
	errs.Merge("naming", a.Naming.Validate())
	errs.Check("group", naming.Identifier(a.Group, maxGroup))
	if a.SecretARN == nil {
		errs.Add("secretArn", "is required: name the secret whose rotation restarts the services")
	}
	switch n := len(a.Services); {
	case n == 0:
		errs.Add("services", "is required: name the services that read the secret")
	case n > maxServices:
		errs.Add("services", "lists %d services: one state machine redeploys at most %d", n, maxServices)
	}
	for i, s := range a.Services {
		if s.Cluster == nil || s.Name == nil {
			errs.Add(field.Index("services", i), "needs the cluster's and the service's names")
		}
	}
	return errs.Err()
}

// Pattern is the EventBridge event pattern that matches the moment a rotated value of secretARN
// becomes the one tasks read: Secrets Manager moves the AWSCURRENT label to the new version, and
// sends "Secret Label Updated" to EventBridge by itself (no CloudTrail trail needed).
func Pattern(secretARN string) (string, error) {
	b, err := json.Marshal(map[string]any{
		"source":      []string{"aws.secretsmanager"},
		"detail-type": []string{"Secret Label Updated"},
		"resources":   []string{secretARN},
		"detail":      map[string]any{"labelUpdated": []string{"AWSCURRENT"}},
	})
	return string(b), err
}

// Definition is the state machine: one task per service, in order, each calling ecs:UpdateService
// with forceNewDeployment and retrying on any error (throttling, a deployment in progress).
func Definition(services [][2]string) (string, error) {
	states := map[string]any{}
	for i, s := range services {
		state := map[string]any{
			"Type":       "Task",
			"Resource":   "arn:aws:states:::aws-sdk:ecs:updateService",
			"Parameters": map[string]any{"Cluster": s[0], "Service": s[1], "ForceNewDeployment": true},
			"Retry": []any{map[string]any{
				"ErrorEquals": []string{"States.ALL"}, "IntervalSeconds": 10, "MaxAttempts": 5, "BackoffRate": 2,
			}},
		}
		if i == len(services)-1 {
			state["End"] = true
		} else {
			state["Next"] = stateName(i + 1)
		}
		states[stateName(i)] = state
	}
	b, err := json.Marshal(map[string]any{
		"Comment": "Redeploys the services that read a rotated secret",
		"StartAt": stateName(0),
		"States":  states,
	})
	return string(b), err
}

func stateName(i int) string { return "Redeploy" + strconv.Itoa(i+1) }

// pairs turns the resolved [cluster, service] name pairs into strings.
func pairs(v []any) [][2]string {
	out := make([][2]string, len(v))
	for i, pair := range v {
		p := pair.([]any)
		out[i] = [2]string{p[0].(string), p[1].(string)}
	}
	return out
}

// New creates a Redeploy.
func New(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*Redeploy, error) {
	a := args.WithDefaults()
	if err := a.Validate(); err != nil {
		return nil, fmt.Errorf("rotation %s: %w", name, err)
	}
	part, err := aws.GetPartition(ctx, nil)
	if err != nil {
		return nil, err
	}
	region, err := aws.GetRegion(ctx, nil)
	if err != nil {
		return nil, err
	}
	caller, err := aws.GetCallerIdentity(ctx, nil)
	if err != nil {
		return nil, err
	}
	r := &Redeploy{}
	if err := ctx.RegisterComponentResource("strata:rotation:Redeploy", name, r, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(r)
	physical := a.Naming.Name(a.Group)
	tags := a.Naming.Tags(a.Group)

	names := pulumi.Array{}
	for _, s := range a.Services {
		names = append(names, pulumi.All(s.Cluster, s.Name))
	}
	services := names.ToArrayOutput()

	machineRole, err := role.New(ctx, name+"-states", &role.Args{
		Name:        physical + "-states",
		Description: "Step Functions redeploys the services of " + physical + " after a secret rotation",
		// Only this account's state machine of this name may use the role.
		Services: []role.Service{{Principal: role.States, SourceARN: fmt.Sprintf("arn:%s:states:%s:%s:stateMachine:%s", part.Partition, region.Name, caller.AccountId, physical)}},
		Policy: services.ApplyT(func(v []any) (string, error) {
			arns := make([]string, len(v))
			for i, s := range pairs(v) {
				arns[i] = fmt.Sprintf("arn:%s:ecs:%s:%s:service/%s/%s", part.Partition, region.Name, caller.AccountId, s[0], s[1])
			}
			return policy.New(policy.Allow("Redeploy", []string{"ecs:UpdateService"}, arns...)).JSON()
		}).(pulumi.StringOutput),
		Tags: tags,
	}, parent)
	if err != nil {
		return nil, err
	}
	machine, err := sfn.NewStateMachine(ctx, name, &sfn.StateMachineArgs{
		Name:       pulumi.String(physical),
		Type:       pulumi.String("STANDARD"),
		RoleArn:    machineRole.ARN,
		Definition: services.ApplyT(func(v []any) (string, error) { return Definition(pairs(v)) }).(pulumi.StringOutput),
		Tags:       pulumi.ToStringMap(tags),
	}, parent, pulumi.DependsOn([]pulumi.Resource{machineRole}))
	if err != nil {
		return nil, err
	}
	eventsRole, err := role.New(ctx, name+"-events", &role.Args{
		Name:        physical + "-events",
		Description: "EventBridge starts the redeployment of " + physical + " when its secret rotates",
		// Only this account's rule of this name may use the role.
		Services: []role.Service{{Principal: role.Events, SourceARN: fmt.Sprintf("arn:%s:events:%s:%s:rule/%s", part.Partition, region.Name, caller.AccountId, physical)}},
		Policy: machine.Arn.ApplyT(func(arn string) (string, error) {
			return policy.New(policy.Allow("StartRedeploy", []string{"states:StartExecution"}, arn)).JSON()
		}).(pulumi.StringOutput),
		Tags: tags,
	}, parent)
	if err != nil {
		return nil, err
	}
	rule, err := cloudwatch.NewEventRule(ctx, name, &cloudwatch.EventRuleArgs{
		Name:         pulumi.String(physical),
		Description:  pulumi.String("A rotated secret of " + a.Naming.App + " in " + a.Naming.Env + " became current: redeploy the services that read it"),
		EventPattern: a.SecretARN.ToStringOutput().ApplyT(Pattern).(pulumi.StringOutput),
		Tags:         pulumi.ToStringMap(tags),
	}, parent)
	if err != nil {
		return nil, err
	}
	if _, err := cloudwatch.NewEventTarget(ctx, name, &cloudwatch.EventTargetArgs{
		Rule:     rule.Name,
		TargetId: pulumi.String("redeploy"),
		Arn:      machine.Arn,
		RoleArn:  eventsRole.ARN,
	}, parent, pulumi.DependsOn([]pulumi.Resource{eventsRole})); err != nil {
		return nil, err
	}
	r.StateMachineARN, r.RuleName = machine.Arn, rule.Name
	if err := ctx.RegisterResourceOutputs(r, pulumi.Map{"stateMachineArn": r.StateMachineARN, "ruleName": r.RuleName}); err != nil {
		return nil, err
	}
	return r, nil
}
