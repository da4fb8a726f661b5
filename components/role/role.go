package role

import (
	"fmt"
	"maps"
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-iac/strata/components/field"
	"github.com/strata-iac/strata/components/naming"
	"github.com/strata-iac/strata/components/policy"
)

// Service principals strata's roles trust.
const (
	EC2      = "ec2.amazonaws.com"
	ECSTasks = "ecs-tasks.amazonaws.com"
)

// Args configures a Role.
type Args struct {
	// Name is the physical name of the role, its policy and its instance profile (required).
	Name string
	// Description says what the role is for.
	Description string
	// Service is the one service principal allowed to assume the role (required), e.g. EC2.
	Service string
	// Policy is the JSON document of the role's own customer managed policy: its permissions, least
	// privilege. Nil gives the role no policy of its own.
	Policy pulumi.StringInput
	// Attach are customer managed policies of other components to attach too, by a stable name
	// that names the attachment (e.g. "kotta-web": the Kotta base layer's web policy).
	Attach map[string]pulumi.StringInput
	// ManagedPolicyARNs are AWS managed policies to attach as well, e.g.
	// arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore. *FullAccess policies are refused.
	ManagedPolicyARNs []string
	// InstanceProfile adds an instance profile, so EC2 instances can carry the role. Only allowed
	// when Service is EC2.
	InstanceProfile bool
	// Tags for the role, policy and instance profile.
	Tags map[string]string
}

// Role is an IAM role with its policies.
type Role struct {
	pulumi.ResourceState

	Name pulumi.StringOutput
	ARN  pulumi.StringOutput
	// PolicyARN is the ARN of the role's own customer managed policy; empty without Args.Policy.
	PolicyARN pulumi.StringOutput
	// InstanceProfileName is empty unless Args.InstanceProfile is set.
	InstanceProfileName pulumi.StringOutput
}

var (
	serviceRE       = regexp.MustCompile(`^[a-z0-9-]+(\.[a-z0-9-]+)*\.amazonaws\.com$`)
	managedPolicyRE = regexp.MustCompile(`^arn:aws[a-z-]*:iam::aws:policy/[\w+=,.@/-]+$`)
)

// Validate reports every problem with the arguments; paths are the Go field names in camel case.
func (a *Args) Validate() error {
	var errs field.Errors
	if errs.Required("name", a.Name, "name the role") {
		errs.Check("name", naming.RoleName(a.Name))
	}
	if errs.Required("service", a.Service, "name the service principal that assumes the role, e.g. "+EC2) &&
		!serviceRE.MatchString(a.Service) {
		errs.Add("service", "%q is not a service principal: use <service>.amazonaws.com", a.Service)
	}
	for _, k := range slices.Sorted(maps.Keys(a.Attach)) {
		errs.Check(field.Join("attach", k), naming.Identifier(k, 32))
	}
	for i, arn := range a.ManagedPolicyARNs {
		path := field.Index("managedPolicyArns", i)
		switch {
		case !managedPolicyRE.MatchString(arn):
			errs.Add(path, "%q is not an AWS managed policy ARN: use arn:aws:iam::aws:policy/<name>", arn)
		case strings.Contains(arn, "FullAccess"):
			errs.Add(path, "%q grants full access to a service: grant what the role needs in its own policy", arn)
		}
	}
	if a.InstanceProfile && a.Service != EC2 {
		errs.Add("instanceProfile", "only roles assumed by %s can have an instance profile, not %q", EC2, a.Service)
	}
	return errs.Err()
}

// New creates a Role.
func New(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*Role, error) {
	if err := args.Validate(); err != nil {
		return nil, fmt.Errorf("role %s: %w", name, err)
	}
	r := &Role{}
	if err := ctx.RegisterComponentResource("strata:role:Role", name, r, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(r)
	tags := pulumi.ToStringMap(args.Tags)

	trust, err := policy.AssumeRole(args.Service).JSON()
	if err != nil {
		return nil, err
	}
	role, err := iam.NewRole(ctx, name, &iam.RoleArgs{
		Name:             pulumi.String(args.Name),
		Description:      pulumi.String(args.Description),
		AssumeRolePolicy: pulumi.String(trust),
		Tags:             tags,
	}, parent)
	if err != nil {
		return nil, err
	}

	r.PolicyARN = pulumi.String("").ToStringOutput()
	if args.Policy != nil {
		pol, err := iam.NewPolicy(ctx, name, &iam.PolicyArgs{
			Name:        pulumi.String(args.Name),
			Description: pulumi.String("Permissions of role " + args.Name),
			Policy:      args.Policy,
			Tags:        tags,
		}, parent)
		if err != nil {
			return nil, err
		}
		if _, err := iam.NewRolePolicyAttachment(ctx, name, &iam.RolePolicyAttachmentArgs{
			Role:      role.Name,
			PolicyArn: pol.Arn,
		}, parent); err != nil {
			return nil, err
		}
		r.PolicyARN = pol.Arn
	}
	for _, k := range slices.Sorted(maps.Keys(args.Attach)) {
		if _, err := iam.NewRolePolicyAttachment(ctx, name+"-"+k, &iam.RolePolicyAttachmentArgs{
			Role:      role.Name,
			PolicyArn: args.Attach[k],
		}, parent); err != nil {
			return nil, err
		}
	}
	for _, arn := range args.ManagedPolicyARNs {
		// Named by policy, not position, so reordering the list replaces nothing.
		if _, err := iam.NewRolePolicyAttachment(ctx, name+"-"+path.Base(arn), &iam.RolePolicyAttachmentArgs{
			Role:      role.Name,
			PolicyArn: pulumi.String(arn),
		}, parent); err != nil {
			return nil, err
		}
	}

	r.Name, r.ARN = role.Name, role.Arn
	r.InstanceProfileName = pulumi.String("").ToStringOutput()
	if args.InstanceProfile {
		profile, err := iam.NewInstanceProfile(ctx, name, &iam.InstanceProfileArgs{
			Name: pulumi.String(args.Name),
			Role: role.Name,
			Tags: tags,
		}, parent)
		if err != nil {
			return nil, err
		}
		r.InstanceProfileName = profile.Name
	}

	if err := ctx.RegisterResourceOutputs(r, pulumi.Map{
		"name":                r.Name,
		"arn":                 r.ARN,
		"policyArn":           r.PolicyARN,
		"instanceProfileName": r.InstanceProfileName,
	}); err != nil {
		return nil, err
	}
	return r, nil
}
