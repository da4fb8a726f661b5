package argos

import (
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-iac/strata/components/database"
	"github.com/strata-iac/strata/components/field"
	"github.com/strata-iac/strata/components/naming"
	"github.com/strata-iac/strata/components/policy"
	"github.com/strata-iac/strata/components/role"
	"github.com/strata-iac/strata/components/rotation"
)

// The restart after a rotation.
const (
	// groupRestart names the rule and its role: argos-<env>-restart.
	groupRestart = "restart"
	// RestartDocument is the AWS-owned Systems Manager document that runs the command.
	RestartDocument = "AWS-RunShellScript"
	// maxRestartCommand bounds the command; its JSON-escaped form in the target's input must also
	// fit EventBridge's 8,192 characters (PutTargets, Target.Input).
	maxRestartCommand = 4096
	maxTargetInput    = 8192
)

func (p *Plan) planRestart(command string, errs *field.Errors) {
	if command == "" {
		return
	}
	switch {
	case strings.TrimSpace(command) == "":
		errs.Add("database.restartCommand", "is blank: give the command that restarts the app, or remove restartCommand")
		return
	case utf8.RuneCountInString(command) > maxRestartCommand:
		errs.Add("database.restartCommand", "is %d characters long: use at most %d, e.g. a script the playbooks install", utf8.RuneCountInString(command), maxRestartCommand)
		return
	case strings.ContainsRune(command, 0):
		errs.Add("database.restartCommand", "holds a NUL character")
		return
	}
	if in, err := RestartInput(command); err != nil || utf8.RuneCountInString(in) > maxTargetInput {
		errs.Add("database.restartCommand", "escaped as the Run Command input it is %d characters: EventBridge takes at most %d; use fewer quotes, backslashes and control characters, or a script the playbooks install", utf8.RuneCountInString(in), maxTargetInput)
		return
	}
	p.Restart = &Restart{Command: command}
}

// RestartInput is the input of the rule's target: the parameters of AWS-RunShellScript.
func RestartInput(command string) (string, error) {
	b, err := json.Marshal(map[string][]string{"commands": {command}})
	return string(b), err
}

// restart runs the restart command on the app's servers of this stage whenever a rotated database
// password becomes current: an EventBridge rule on Secrets Manager's "Secret Label Updated" event
// for the secret, whose target is Systems Manager Run Command, with a role that may send exactly
// that document to exactly those instances.
func (a *Argos) restart(ctx *pulumi.Context, name string, p Plan, db *database.Database) error {
	r := p.Restart
	if r == nil {
		return nil
	}
	parent := pulumi.Parent(a)
	part, err := aws.GetPartition(ctx, nil, parent)
	if err != nil {
		return err
	}
	region, err := aws.GetRegion(ctx, nil, parent)
	if err != nil {
		return err
	}
	caller, err := aws.GetCallerIdentity(ctx, nil, parent)
	if err != nil {
		return err
	}
	physical := p.Naming.Name(groupRestart)
	tags := p.Naming.Tags(groupRestart)
	documentARN := fmt.Sprintf("arn:%s:ssm:%s::document/%s", part.Partition, region.Name, RestartDocument)
	servers := policy.Allow("AppServers", []string{"ssm:SendCommand"}, fmt.Sprintf("arn:%s:ec2:%s:%s:instance/*", part.Partition, region.Name, caller.AccountId))
	servers.Condition = policy.Condition{"StringEquals": {
		"ssm:resourceTag/" + naming.TagApp:   p.Naming.App,
		"ssm:resourceTag/" + naming.TagEnv:   p.Naming.Env,
		"ssm:resourceTag/" + naming.TagGroup: r.Groups,
	}}
	doc, err := policy.New(policy.Allow("RunShellScript", []string{"ssm:SendCommand"}, documentARN), servers).JSON()
	if err != nil {
		return err
	}
	events, err := role.New(ctx, name+"-restart", &role.Args{
		Name:        physical,
		Description: "EventBridge runs " + RestartDocument + " on the Argos app servers of " + p.Naming.Env + " after a database password rotation",
		// Only this account's rule of this name may use the role.
		Services: []role.Service{{Principal: role.Events, SourceARN: fmt.Sprintf("arn:%s:events:%s:%s:rule/%s", part.Partition, region.Name, caller.AccountId, physical)}},
		Policy:   pulumi.String(doc),
		Tags:     tags,
	}, parent)
	if err != nil {
		return err
	}
	rule, err := cloudwatch.NewEventRule(ctx, name+"-restart", &cloudwatch.EventRuleArgs{
		Name:         pulumi.String(physical),
		Description:  pulumi.String("The rotated database password of Argos in " + p.Naming.Env + " became current: restart the app on its servers"),
		EventPattern: db.SecretARN.ApplyT(rotation.Pattern).(pulumi.StringOutput),
		Tags:         pulumi.ToStringMap(tags),
	}, parent)
	if err != nil {
		return err
	}
	input, err := RestartInput(r.Command)
	if err != nil {
		return err
	}
	// EventBridge takes one Run Command target block: the Name tag, argos-<env>-<group>, names
	// this stage's app groups in one key.
	names := make([]string, len(r.Groups))
	for i, g := range r.Groups {
		names[i] = p.Naming.Name(g)
	}
	_, err = cloudwatch.NewEventTarget(ctx, name+"-restart", &cloudwatch.EventTargetArgs{
		Rule:     rule.Name,
		TargetId: pulumi.String("restart"),
		Arn:      pulumi.String(documentARN),
		RoleArn:  events.ARN,
		Input:    pulumi.String(input),
		// The tag selects the servers at each rotation: instances launched since are included.
		RunCommandTargets: cloudwatch.EventTargetRunCommandTargetArray{
			&cloudwatch.EventTargetRunCommandTargetArgs{Key: pulumi.String("tag:" + naming.TagName), Values: pulumi.ToStringArray(names)},
		},
	}, parent, pulumi.DependsOn([]pulumi.Resource{events}))
	return err
}
