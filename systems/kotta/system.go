package kotta

import (
	"fmt"
	"slices"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/secretsmanager"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-iac/strata/components/credential"
	"github.com/strata-iac/strata/components/fleet"
	"github.com/strata-iac/strata/components/loadbalancer"
	"github.com/strata-iac/strata/components/policy"
	"github.com/strata-iac/strata/components/queue"
	"github.com/strata-iac/strata/components/secgroup"
	"github.com/strata-iac/strata/systems"
)

// What the app does with its queues, topics and instances (the upstream task executor and web
// server): a worker takes a job from the pending queue, sends it to the active queue, deletes it
// from the pending one, extends its visibility, and puts a refreshed job back; boto finds each
// queue by name. Both read their settings from their own instance's tags.
var (
	workerQueueActions = []string{"sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:GetQueueUrl", "sqs:ReceiveMessage", "sqs:SendMessage"}
	publishActions     = []string{"sns:Publish"}
	secretActions      = []string{"secretsmanager:GetSecretValue"}
	// DescribeInstances supports no resource-level permissions: it is granted on "*".
	tagActions = []string{"ec2:DescribeInstances"}
	// The web server's usage page lists the worker pools' groups; the describe supports no
	// resource-level permissions either.
	groupActions = []string{"autoscaling:DescribeAutoScalingGroups"}
	// Both take a user's role to stage a job's files with the user's permissions.
	assumeActions = []string{"sts:AssumeRole"}
)

// baseLayer is what the platform uses of its base layer.
type baseLayer struct {
	bucket, jobsTable string
	// kmsKey is the customer managed key of the bucket and tables; empty for AWS managed keys.
	kmsKey                  string
	webPolicy, workerPolicy pulumi.StringInput
	outputs                 pulumi.Map
}

// newPlatform creates the job platform below k: the queues, the secrets, the web server with its
// site and the worker pools, and adds their outputs to k's.
func newPlatform(ctx *pulumi.Context, name string, k *Kotta, p PlatformPlan, deps Deps) error {
	parent := pulumi.Parent(k)
	net := deps.Network
	if net == nil {
		return fmt.Errorf("kotta %s: the platform needs the stage's network", name)
	}
	bl, err := p.baseLayer(ctx, name, k)
	if err != nil {
		return err
	}

	w := wiring{vpcID: net.VPCID, subnetIDs: net.PrivateSubnetIDs, bucket: bl.bucket, jobsTable: bl.jobsTable, queues: map[string]queueRefs{}}
	queues := map[string]*queue.Queue{}
	pools := pulumi.Map{}
	var topics []pulumi.StringOutput
	for _, pp := range p.Pools {
		q, err := queue.New(ctx, name+"-"+pp.Name, &pp.Queue, parent)
		if err != nil {
			return err
		}
		queues[pp.Name] = q
		w.queues[pp.Name] = queueRefs{names: q.Names, topicARN: q.TopicARNValue, pending: q.Pending.Name, active: q.Active.Name}
		w.dependsOn = append(w.dependsOn, q.Resources...)
		topics = append(topics, q.TopicARN)
	}

	login, err := p.secret(ctx, name+"-login", p.Web.Login, parent)
	if err != nil {
		return err
	}
	session, err := p.secret(ctx, name+"-session", p.Web.Session, parent)
	if err != nil {
		return err
	}
	w.loginSecret, w.sessionSecret = login.ref, session.ref

	lb := deps.Front
	if p.Dedicated != nil {
		a := *p.Dedicated
		a.Sites = []loadbalancer.Site{p.Site}
		a.VPCID, a.PublicSubnetIDs = net.VPCID, net.PublicSubnetIDs
		if lb, err = loadbalancer.New(ctx, name, &a, parent); err != nil {
			return err
		}
	}
	if lb == nil {
		return fmt.Errorf("kotta %s: the web server's site needs the stage's shared load balancer", name)
	}
	site := lb.Sites[p.Site.Name]

	web := w
	web.dependsOn = slices.Concat(w.dependsOn, login.resources, session.resources)
	web.basePolicy = bl.webPolicy
	web.targetGroups = pulumi.StringArray{site.TargetGroupARN}
	web.frontGroup = lb.SecurityGroupID
	web.policy = pulumi.All(pulumi.ToStringArrayOutput(topics), pulumi.StringArray{login.arn, session.arn}).ApplyT(func(v []any) (string, error) {
		return p.document(
			policy.Allow("PublishJobs", publishActions, v[0].([]string)...),
			policy.Allow("ReadSecrets", secretActions, v[1].([]string)...),
			policy.Allow("DescribeWorkerGroups", groupActions, "*"),
		)
	}).(pulumi.StringOutput)
	webFleet, err := fleet.New(ctx, name+"-"+groupWeb, ptr(p.webFleet(web)), parent)
	if err != nil {
		return err
	}
	// The load balancer's group sends nowhere until each site's owner lets it reach its targets.
	if _, err := secgroup.NewRule(ctx, name+"-front-out-"+groupWeb, lb.SecurityGroupID, secgroup.Egress, secgroup.Rule{
		Name: "kotta-" + groupWeb, Description: "Cloud Kotta web servers", FromPort: WebPort, SecurityGroupID: webFleet.SecurityGroupID,
	}, p.Naming.Tags(groupWeb), parent); err != nil {
		return err
	}

	for _, pp := range p.Pools {
		q := queues[pp.Name]
		worker := w
		worker.basePolicy = bl.workerPolicy
		worker.policy = pulumi.All(q.Pending.ARN, q.Active.ARN).ApplyT(func(v []any) (string, error) {
			return p.document(policy.Allow("JobQueues", workerQueueActions, v[0].(string), v[1].(string)))
		}).(pulumi.StringOutput)
		f, err := fleet.New(ctx, name+"-"+workersGroup+pp.Name, ptr(p.poolFleet(pp, worker)), parent)
		if err != nil {
			return err
		}
		pools[pp.Name] = pulumi.Map{
			"topicName":           q.TopicName,
			"topicArn":            q.TopicARN,
			"pendingQueueName":    q.Pending.Name,
			"pendingQueueUrl":     q.Pending.URL,
			"pendingQueueArn":     q.Pending.ARN,
			"activeQueueName":     q.Active.Name,
			"activeQueueUrl":      q.Active.URL,
			"activeQueueArn":      q.Active.ARN,
			"deadLetterQueueName": q.DeadLetter.Name,
			"deadLetterQueueArn":  q.DeadLetter.ARN,
			"workerGroupName":     f.GroupName,
		}
	}

	if err := p.newWatcher(ctx, name, bl, queues, parent); err != nil {
		return err
	}

	for key, v := range bl.outputs {
		k.Outputs[key] = v
	}
	k.Outputs["url"] = site.URL
	k.Outputs["loadBalancerDnsName"] = lb.DNSName
	k.Outputs["webGroupName"] = webFleet.GroupName
	k.Outputs["loginSecretArn"] = login.arn
	k.Outputs["sessionSecretArn"] = session.arn
	k.Outputs["pools"] = pools
	return nil
}

// document renders an instance role's own policy: statements, reading its instance's tags and,
// if there are user roles, assuming them.
func (p PlatformPlan) document(statements ...policy.Statement) (string, error) {
	statements = append(statements, policy.Allow("ReadInstanceTags", tagActions, "*"))
	if len(p.UserRoles) > 0 {
		statements = append(statements, policy.Allow("AssumeUserRoles", assumeActions, p.UserRoles...))
	}
	return policy.New(statements...).JSON()
}

// baseLayer returns the base layer: this stack's, or the one in the output kotta of p.BaseStack,
// read through a stack reference.
func (p PlatformPlan) baseLayer(ctx *pulumi.Context, name string, k *Kotta) (baseLayer, error) {
	if p.BaseStack == "" {
		if k.Base == nil {
			return baseLayer{}, fmt.Errorf("kotta %s: the platform needs the base layer of this stack", name)
		}
		return baseLayer{bucket: p.Bucket, jobsTable: p.JobsTable, kmsKey: p.BaseKMSKeyARN, webPolicy: k.Base.Web.PolicyARN, workerPolicy: k.Base.Worker.PolicyARN}, nil
	}
	ref, err := pulumi.NewStackReference(ctx, name+"-base", &pulumi.StackReferenceArgs{Name: pulumi.String(p.BaseStack)}, pulumi.Parent(k))
	if err != nil {
		return baseLayer{}, err
	}
	out, err := ref.GetOutputDetails(App)
	if err != nil {
		return baseLayer{}, fmt.Errorf("kotta %s: reading the base layer from stack %s: %w", name, p.BaseStack, err)
	}
	value := out.Value
	if value == nil {
		value = out.SecretValue
	}
	values, _ := value.(map[string]any)
	get := func(key string) (string, error) {
		v, _ := values[key].(string)
		if v == "" {
			return "", fmt.Errorf("%s: stack %s has no output %s.%s: deploy the base layer (%s) there first, or name the stack that has it",
				systems.Key(KeyPlatform)+".base.stack", p.BaseStack, App, key, systems.Key(KeyBase))
		}
		return v, nil
	}
	bl := baseLayer{outputs: pulumi.Map{"baseStack": pulumi.String(p.BaseStack)}}
	for _, f := range []struct {
		key string
		to  *string
	}{{"jobsBucketName", &bl.bucket}, {"jobsTableName", &bl.jobsTable}} {
		if *f.to, err = get(f.key); err != nil {
			return baseLayer{}, err
		}
		bl.outputs[f.key] = pulumi.String(*f.to)
	}
	for _, f := range []struct {
		key string
		to  *pulumi.StringInput
	}{{"webPolicyArn", &bl.webPolicy}, {"workerPolicyArn", &bl.workerPolicy}} {
		v, err := get(f.key)
		if err != nil {
			return baseLayer{}, err
		}
		*f.to = pulumi.String(v)
	}
	for _, key := range []string{"usersTableName", "jobsBucketArn", "jobsTableArn", "usersTableArn", "kmsKeyArn"} {
		if v, _ := values[key].(string); v != "" {
			bl.outputs[key] = pulumi.String(v)
		}
	}
	bl.kmsKey, _ = values["kmsKeyArn"].(string)
	return bl, nil
}

// secretRef is one of the web server's secrets: the name or ARN the web server asks for, its
// exact ARN for the grant, and the resources that create it (none for an existing secret).
type secretRef struct {
	ref       string
	arn       pulumi.StringOutput
	resources []pulumi.Resource
}

// secret creates an empty secret, whose value the operator puts in, or looks an existing one up
// (which fails, before anything changes, when it does not exist).
func (p PlatformPlan) secret(ctx *pulumi.Context, name string, s SecretPlan, parent pulumi.ResourceOrInvokeOption) (secretRef, error) {
	if s.Ref != "" {
		args := &secretsmanager.LookupSecretArgs{Name: &s.Ref}
		if isARN(s.Ref) {
			args = &secretsmanager.LookupSecretArgs{Arn: &s.Ref}
		}
		found, err := secretsmanager.LookupSecret(ctx, args, parent)
		if err != nil {
			return secretRef{}, fmt.Errorf("kotta %s: looking up secret %s: %w", name, s.Ref, err)
		}
		return secretRef{ref: s.Ref, arn: pulumi.String(found.Arn).ToStringOutput()}, nil
	}
	physical := p.Naming.Name(s.Group)
	secret, err := secretsmanager.NewSecret(ctx, name, &secretsmanager.SecretArgs{
		Name:                 pulumi.String(physical),
		Description:          pulumi.String(s.Description),
		RecoveryWindowInDays: pulumi.Int(credential.RecoveryWindow(p.Protect)),
		Tags:                 pulumi.ToStringMap(p.Naming.Tags(s.Group)),
	}, parent, pulumi.Protect(p.Protect))
	if err != nil {
		return secretRef{}, err
	}
	return secretRef{ref: physical, arn: secret.Arn, resources: []pulumi.Resource{secret}}, nil
}

func isARN(s string) bool { return len(s) > 4 && s[:4] == "arn:" }

func ptr[T any](v T) *T { return &v }
