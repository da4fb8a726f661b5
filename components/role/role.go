package role

import (
	"fmt"
	"maps"
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-iac/strata/components/field"
	"github.com/strata-iac/strata/components/naming"
	"github.com/strata-iac/strata/components/policy"
)

// Service principals strata's roles trust.
const (
	EC2           = "ec2.amazonaws.com"
	ECSTasks      = "ecs-tasks.amazonaws.com"
	FlowLogs      = "vpc-flow-logs.amazonaws.com"
	DataSync      = "datasync.amazonaws.com"
	RDSMonitoring = "monitoring.rds.amazonaws.com"
	SSM           = "ssm.amazonaws.com"
	Scheduler     = "scheduler.amazonaws.com"
	States        = "states.amazonaws.com"
	Events        = "events.amazonaws.com"
)

// ConfusedDeputy lists the service principals whose role trust policies AWS documents with the
// aws:SourceAccount and aws:SourceArn condition keys, so that the service assumes the role only on
// behalf of this account's resources:
//
//   - ecs-tasks: ECS Developer Guide, "Amazon ECS task IAM role" and "task execution IAM role";
//   - vpc-flow-logs: VPC User Guide, "IAM role for publishing flow logs to CloudWatch Logs";
//   - datasync: DataSync User Guide, "Cross-service confused deputy prevention";
//   - monitoring.rds: RDS User Guide, "Setting up and enabling Enhanced Monitoring";
//   - ssm: Systems Manager User Guide, the service role of hybrid activations;
//   - scheduler: EventBridge Scheduler User Guide, "Set up the execution role";
//   - states: Step Functions Developer Guide, "Cross-service confused deputy prevention" (the
//     state machine's ARN as aws:SourceArn);
//   - events: EventBridge User Guide, "Using IAM policy conditions in Amazon EventBridge"
//     (aws:SourceArn is the ARN of the rule sending the event).
//
// Other services do not get the conditions: EC2 assumes an instance profile's role without
// passing them, and a service that does not send the keys could never assume the role.
var ConfusedDeputy = []string{ECSTasks, FlowLogs, DataSync, RDSMonitoring, SSM, Scheduler, States, Events}

// GitHub Actions' OIDC issuer and the audience its tokens carry for AWS.
const (
	GitHubIssuer = "token.actions.githubusercontent.com"
	STSAudience  = "sts.amazonaws.com"
)

// IAM limits (CreateRole in the IAM API reference and "IAM and AWS STS quotas").
const (
	maxTrustChars       = 2048 // role trust policy length, by default (raisable to 4096)
	maxDescription      = 1000
	maxPath             = 512
	minSessionSeconds   = 3600
	maxSessionSeconds   = 43200
	maxInlinePolicyName = 128
)

// Args configures a Role. It needs someone to trust: Service, Services, OIDC or Accounts.
type Args struct {
	// Name is the physical name of the role, its policy and its instance profile (required).
	Name string
	// Description says what the role is for: at most 1,000 characters, printable Latin-1.
	Description string
	// Path is the role's (and instance profile's) IAM path, "/" or "/a/b/". Default "/".
	Path string
	// Service is the one service principal allowed to assume the role, with no conditions: the
	// shorthand of the first trust policies. Not together with Services.
	Service string
	// Services are service principals, each limited to requests on behalf of this account
	// (aws:SourceAccount) where the service supports it (ConfusedDeputy).
	Services []Service
	// OIDC are identities from OpenID Connect providers, such as GitHub Actions workflows.
	OIDC []OIDC
	// Accounts are AWS account ids whose IAM principals may assume the role when their own
	// policies allow them to.
	Accounts []string
	// MaxSessionDurationSeconds caps the sessions of the role, 3600 to 43200; 0 keeps AWS's
	// default of one hour.
	MaxSessionDurationSeconds int
	// Policy is the JSON document of the role's own customer managed policy: its permissions, least
	// privilege. Nil gives the role no policy of its own.
	Policy pulumi.StringInput
	// InlinePolicies are JSON policy documents embedded in the role, by policy name (lowercase
	// letters, digits, hyphens): permissions no other role should reuse.
	InlinePolicies map[string]pulumi.StringInput
	// Attach are customer managed policies of other components to attach too, by a stable name
	// that names the attachment (e.g. "kotta-web": the Kotta base layer's web policy).
	Attach map[string]pulumi.StringInput
	// ManagedPolicyARNs are AWS managed policies to attach as well, e.g.
	// arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore. *FullAccess policies are refused.
	ManagedPolicyARNs []string
	// InstanceProfile adds an instance profile, so EC2 instances can carry the role. Only allowed
	// when EC2 is the role's only trusted principal.
	InstanceProfile bool
	// Tags for the role, policy and instance profile.
	Tags map[string]string
}

// Service is a service principal allowed to assume the role.
type Service struct {
	// Principal is the service, e.g. ECSTasks.
	Principal string
	// SourceARN narrows the service further to requests on behalf of matching resources
	// (aws:SourceArn with ArnLike, so * and ? match), e.g. arn:aws:ecs:us-east-1:123456789012:*.
	// Only for services in ConfusedDeputy.
	SourceARN string
}

// OIDC trusts the identities an IAM OIDC provider federates whose token has the audience and one
// of the subjects.
type OIDC struct {
	// Issuer is the provider's issuer host and path, without https://, e.g. GitHubIssuer. It
	// prefixes the condition keys (<issuer>:aud, <issuer>:sub).
	Issuer string
	// ProviderARN is the IAM OIDC provider; default the account's provider for Issuer,
	// arn:<partition>:iam::<account>:oidc-provider/<issuer>, which must exist.
	ProviderARN pulumi.StringInput
	// Audience the token must carry. Default STSAudience.
	Audience string
	// Subjects the token's sub must match (at least one); * and ? are wildcards. For GitHub use
	// GitHubBranch, GitHubTag, GitHubEnvironment or GitHubPullRequest.
	Subjects []string
}

// GitHubOIDC trusts GitHub Actions workflows whose token subject matches one of subjects, through
// the account's GitHub OIDC provider (providerARN, or nil for the default ARN).
func GitHubOIDC(providerARN pulumi.StringInput, subjects ...string) OIDC {
	return OIDC{Issuer: GitHubIssuer, ProviderARN: providerARN, Audience: STSAudience, Subjects: subjects}
}

// GitHubBranch is the subject of a workflow run on a branch of repo ("owner/name").
func GitHubBranch(repo, branch string) string { return "repo:" + repo + ":ref:refs/heads/" + branch }

// GitHubTag is the subject of a workflow run on a tag of repo.
func GitHubTag(repo, tag string) string { return "repo:" + repo + ":ref:refs/tags/" + tag }

// GitHubEnvironment is the subject of a job that uses a deployment environment of repo.
func GitHubEnvironment(repo, env string) string { return "repo:" + repo + ":environment:" + env }

// GitHubPullRequest is the subject of a workflow run on a pull request to repo.
func GitHubPullRequest(repo string) string { return "repo:" + repo + ":pull_request" }

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
	descriptionRE   = regexp.MustCompile(`^[\t\n\r\x{20}-\x{7E}\x{A1}-\x{FF}]*$`)
	pathRE          = regexp.MustCompile(`^(/|/[\x{21}-\x{7E}]+/)$`)
	accountRE       = regexp.MustCompile(`^[0-9]{12}$`)
	issuerRE        = regexp.MustCompile(`^[a-z0-9.-]+\.[a-z]+(/[A-Za-z0-9._~-]+)*$`)
	arnRE           = regexp.MustCompile(`^arn:[a-z*?-]+:[a-z0-9*?-]+:[a-z0-9*?-]*:([0-9]{12}|[*?]):.+$`)
	// A GitHub subject must name its repository's owner literally, so no other owner can match.
	// repo:<owner>/<repo>:…, or with GitHub's immutable subjects repo:<owner>@<id>/<repo>@<id>:….
	gitHubSubjectRE = regexp.MustCompile(`^repo:[A-Za-z0-9_.-]+(@[0-9]+)?/[^:]+:.+$`)
)

// Placeholders that have the length of the values New looks up, so that Validate can measure the
// trust policy before anything is registered.
const (
	placeholderAccount   = "123456789012"
	placeholderPartition = "aws"
)

// Validate reports every problem with the arguments; paths are the Go field names in camel case.
func (a *Args) Validate() error {
	var errs field.Errors
	if errs.Required("name", a.Name, "name the role") {
		errs.Check("name", naming.RoleName(a.Name))
	}
	switch {
	case len(a.Description) > maxDescription:
		errs.Add("description", "is %d characters long: IAM allows at most %d", len(a.Description), maxDescription)
	case !descriptionRE.MatchString(a.Description):
		errs.Add("description", "%q has characters IAM refuses: use printable Latin-1 characters, tabs and line breaks", a.Description)
	}
	if a.Path != "" && (len(a.Path) > maxPath || !pathRE.MatchString(a.Path)) {
		errs.Add("path", "%q is not an IAM path: use / or /a/b/, at most %d printable ASCII characters without spaces", a.Path, maxPath)
	}
	a.checkTrust(&errs)
	if n := a.MaxSessionDurationSeconds; n != 0 {
		errs.Range("maxSessionDurationSeconds", n, minSessionSeconds, maxSessionSeconds, "seconds (1 to 12 hours), or 0 for AWS's default of one hour")
	}
	for _, k := range slices.Sorted(maps.Keys(a.InlinePolicies)) {
		errs.Check(field.Join("inlinePolicies", k), naming.Identifier(k, maxInlinePolicyName))
		if a.InlinePolicies[k] == nil {
			errs.Add(field.Join("inlinePolicies", k), "has no document: give the policy's JSON")
		}
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
	if a.InstanceProfile && !a.ec2Only() {
		errs.Add("instanceProfile", "only roles assumed by %s alone can have an instance profile, not %s", EC2, a.trusted())
	}
	return errs.Err()
}

func (a *Args) checkTrust(errs *field.Errors) {
	if a.Service == "" && len(a.Services) == 0 && len(a.OIDC) == 0 && len(a.Accounts) == 0 {
		errs.Add("service", "is required: name the service principal that assumes the role, e.g. %s (or give services, oidc or accounts)", EC2)
		return
	}
	if a.Service != "" && !serviceRE.MatchString(a.Service) {
		errs.Add("service", "%q is not a service principal: use <service>.amazonaws.com", a.Service)
	}
	if a.Service != "" && len(a.Services) > 0 {
		errs.Add("services", "is set together with service: list every service principal in services")
	}
	seen := map[string]bool{}
	for i, s := range a.Services {
		p := field.Index("services", i)
		switch {
		case !serviceRE.MatchString(s.Principal):
			errs.Add(field.Join(p, "principal"), "%q is not a service principal: use <service>.amazonaws.com", s.Principal)
		case seen[s.Principal]:
			errs.Add(field.Join(p, "principal"), "%q is listed twice", s.Principal)
		}
		seen[s.Principal] = true
		if s.SourceARN == "" {
			continue
		}
		if !slices.Contains(ConfusedDeputy, s.Principal) {
			errs.Add(field.Join(p, "sourceArn"), "%s does not document aws:SourceArn in role trust policies: use it only with %s", s.Principal, strings.Join(ConfusedDeputy, ", "))
		} else if !arnRE.MatchString(s.SourceARN) {
			errs.Add(field.Join(p, "sourceArn"), "%q is not an ARN pattern: use arn:<partition>:<service>:<region>:<account>:<resource>, * and ? as wildcards", s.SourceARN)
		}
	}
	for i, o := range a.OIDC {
		p := field.Index("oidc", i)
		if !issuerRE.MatchString(o.Issuer) {
			errs.Add(field.Join(p, "issuer"), "%q is not an OIDC issuer: use its host and path without https://, e.g. %s", o.Issuer, GitHubIssuer)
		}
		if len(o.Subjects) == 0 {
			errs.Add(field.Join(p, "subjects"), "is required: without a subject, every identity of the provider could assume the role")
		}
		for j, sub := range o.Subjects {
			sp := field.Index(field.Join(p, "subjects"), j)
			switch {
			case sub == "" || strings.Trim(sub, "*?") == "":
				errs.Add(sp, "%q matches every subject: name the identities that may assume the role", sub)
			case o.Issuer == GitHubIssuer && !gitHubSubjectRE.MatchString(sub):
				errs.Add(sp, "%q does not name a repository and its owner literally: use repo:<owner>/<repo>:<qualifier>, e.g. %s", sub, GitHubBranch("owner/repo", "main"))
			}
		}
	}
	for i, id := range a.Accounts {
		if !accountRE.MatchString(id) {
			errs.Add(field.Index("accounts", i), "%q is not an AWS account id: use 12 digits", id)
		}
	}
	if errs.Covers("service") || errs.Covers("services") || errs.Covers("oidc") || errs.Covers("accounts") {
		return
	}
	providers := make([]string, len(a.OIDC))
	for i, o := range a.OIDC {
		providers[i] = oidcProviderARN(placeholderPartition, placeholderAccount, o.Issuer)
	}
	doc, err := a.trust(placeholderPartition, placeholderAccount, providers)
	if err == nil && len(doc) > maxTrustChars {
		// Reported at the longest list, the likeliest to shorten.
		at, longest := "services", len(a.Services)
		if n := len(a.Accounts); n > longest {
			at, longest = "accounts", n
		}
		for _, o := range a.OIDC {
			if n := len(o.Subjects); n > longest {
				at, longest = "oidc", n
			}
		}
		errs.Add(at, "the trust policy would be %d characters long: IAM allows %d by default; trust fewer principals or subjects", len(doc), maxTrustChars)
	}
}

// ec2Only reports whether EC2 is the only principal the role trusts.
func (a *Args) ec2Only() bool {
	if len(a.OIDC) > 0 || len(a.Accounts) > 0 {
		return false
	}
	return a.Service == EC2 && len(a.Services) == 0 || a.Service == "" && len(a.Services) == 1 && a.Services[0].Principal == EC2
}

// trusted describes the principals for messages.
func (a *Args) trusted() string {
	var all []string
	if a.Service != "" {
		all = append(all, a.Service)
	}
	for _, s := range a.Services {
		all = append(all, s.Principal)
	}
	if len(a.OIDC) > 0 {
		all = append(all, "OIDC identities")
	}
	if len(a.Accounts) > 0 {
		all = append(all, "AWS accounts")
	}
	return strings.Join(all, ", ")
}

// needsAccount reports whether the trust policy names this account or partition.
func (a *Args) needsAccount() bool {
	if len(a.Accounts) > 0 {
		return true
	}
	for _, o := range a.OIDC {
		if o.ProviderARN == nil {
			return true
		}
	}
	for _, s := range a.Services {
		if slices.Contains(ConfusedDeputy, s.Principal) {
			return true
		}
	}
	return false
}

func oidcProviderARN(partition, account, issuer string) string {
	return "arn:" + partition + ":iam::" + account + ":oidc-provider/" + issuer
}

// trust renders the trust policy: Service, then Services, OIDC (with the providers' ARNs, in
// order) and Accounts, one statement each; the condition maps render with sorted keys.
func (a *Args) trust(partition, account string, providers []string) (string, error) {
	if a.Service != "" && len(a.Services) == 0 && len(a.OIDC) == 0 && len(a.Accounts) == 0 {
		// The shorthand renders exactly the trust policy roles had before conditions existed.
		return policy.AssumeRole(a.Service).JSON()
	}
	var statements []policy.Statement
	if a.Service != "" {
		statements = append(statements, policy.TrustService(a.Service, nil))
	}
	for _, s := range a.Services {
		var cond policy.Condition
		if slices.Contains(ConfusedDeputy, s.Principal) {
			cond = policy.Condition{"StringEquals": {"aws:SourceAccount": account}}
			if s.SourceARN != "" {
				cond["ArnLike"] = map[string]any{"aws:SourceArn": s.SourceARN}
			}
		}
		statements = append(statements, policy.TrustService(s.Principal, cond))
	}
	for i, o := range a.OIDC {
		audience := o.Audience
		if audience == "" {
			audience = STSAudience
		}
		cond := policy.Condition{"StringEquals": {o.Issuer + ":aud": audience}}
		var subjects any = o.Subjects
		if len(o.Subjects) == 1 {
			subjects = o.Subjects[0]
		}
		if slices.ContainsFunc(o.Subjects, func(s string) bool { return strings.ContainsAny(s, "*?") }) {
			cond["StringLike"] = map[string]any{o.Issuer + ":sub": subjects}
		} else {
			cond["StringEquals"][o.Issuer+":sub"] = subjects
		}
		statements = append(statements, policy.TrustWebIdentity(providers[i], cond))
	}
	if len(a.Accounts) > 0 {
		roots := make([]string, len(a.Accounts))
		for i, id := range a.Accounts {
			roots[i] = "arn:" + partition + ":iam::" + id + ":root"
		}
		statements = append(statements, policy.TrustAWS(roots...))
	}
	return policy.New(statements...).JSON()
}

// trustPolicy looks up what the trust policy names (account, partition, providers) and renders it.
func (a *Args) trustPolicy(ctx *pulumi.Context) (pulumi.StringInput, error) {
	partition, account := "", ""
	if a.needsAccount() {
		p, err := aws.GetPartition(ctx, nil)
		if err != nil {
			return nil, err
		}
		id, err := aws.GetCallerIdentity(ctx, nil)
		if err != nil {
			return nil, err
		}
		partition, account = p.Partition, id.AccountId
	}
	providers := make([]any, len(a.OIDC))
	for i, o := range a.OIDC {
		providers[i] = o.ProviderARN
		if o.ProviderARN == nil {
			providers[i] = pulumi.String(oidcProviderARN(partition, account, o.Issuer))
		}
	}
	render := func(arns []any) (string, error) {
		names := make([]string, len(arns))
		for i, v := range arns {
			names[i] = v.(string)
		}
		doc, err := a.trust(partition, account, names)
		if err == nil && len(doc) > maxTrustChars {
			err = fmt.Errorf("role %s: the trust policy is %d characters long: IAM allows %d by default", a.Name, len(doc), maxTrustChars)
		}
		return doc, err
	}
	if len(providers) == 0 {
		doc, err := render(nil)
		return pulumi.String(doc), err
	}
	return pulumi.All(providers...).ApplyT(render).(pulumi.StringOutput), nil
}

// afterGrants is v, resolved once the grants exist: an output that depends on them.
func afterGrants(v pulumi.StringOutput, grants []pulumi.Resource) pulumi.StringOutput {
	if len(grants) == 0 {
		return v
	}
	inputs := []any{v}
	for _, g := range grants {
		inputs = append(inputs, g.URN())
	}
	return pulumi.All(inputs...).ApplyT(func(all []any) string { return all[0].(string) }).(pulumi.StringOutput)
}

// New creates a Role.
func New(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*Role, error) {
	if err := args.Validate(); err != nil {
		return nil, fmt.Errorf("role %s: %w", name, err)
	}
	trust, err := args.trustPolicy(ctx)
	if err != nil {
		return nil, err
	}
	r := &Role{}
	if err := ctx.RegisterComponentResource("strata:role:Role", name, r, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(r)
	tags := pulumi.ToStringMap(args.Tags)

	roleArgs := &iam.RoleArgs{
		Name:             pulumi.String(args.Name),
		Description:      pulumi.String(args.Description),
		AssumeRolePolicy: trust,
		Tags:             tags,
	}
	if args.Path != "" {
		roleArgs.Path = pulumi.String(args.Path)
	}
	if args.MaxSessionDurationSeconds != 0 {
		roleArgs.MaxSessionDuration = pulumi.Int(args.MaxSessionDurationSeconds)
	}
	role, err := iam.NewRole(ctx, name, roleArgs, parent)
	if err != nil {
		return nil, err
	}

	// grants are the resources that give the role its permissions: what uses the role waits for
	// them (see ARN).
	var grants []pulumi.Resource
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
		att, err := iam.NewRolePolicyAttachment(ctx, name, &iam.RolePolicyAttachmentArgs{
			Role:      role.Name,
			PolicyArn: pol.Arn,
		}, parent)
		if err != nil {
			return nil, err
		}
		grants = append(grants, att)
		r.PolicyARN = pol.Arn
	}
	for _, k := range slices.Sorted(maps.Keys(args.InlinePolicies)) {
		inline, err := iam.NewRolePolicy(ctx, name+"-"+k, &iam.RolePolicyArgs{
			Name:   pulumi.String(k),
			Role:   role.Name,
			Policy: args.InlinePolicies[k],
		}, parent)
		if err != nil {
			return nil, err
		}
		grants = append(grants, inline)
	}
	for _, k := range slices.Sorted(maps.Keys(args.Attach)) {
		att, err := iam.NewRolePolicyAttachment(ctx, name+"-"+k, &iam.RolePolicyAttachmentArgs{
			Role:      role.Name,
			PolicyArn: args.Attach[k],
		}, parent)
		if err != nil {
			return nil, err
		}
		grants = append(grants, att)
	}
	for _, arn := range args.ManagedPolicyARNs {
		// Named by policy, not position, so reordering the list replaces nothing.
		att, err := iam.NewRolePolicyAttachment(ctx, name+"-"+path.Base(arn), &iam.RolePolicyAttachmentArgs{
			Role:      role.Name,
			PolicyArn: pulumi.String(arn),
		}, parent)
		if err != nil {
			return nil, err
		}
		grants = append(grants, att)
	}

	r.Name = role.Name
	// The ARN resolves only once the role's permissions are attached, so that whatever is given the
	// role (a task definition, a DataSync location, a flow log, an instance profile) is created
	// after them and never starts with a role that may do nothing. The policies of the role
	// itself cannot name this ARN: it does not exist while their Args are built, so there is no
	// cycle (a policy that must name its own role builds the ARN from Args.Name).
	r.ARN = afterGrants(role.Arn, grants)
	r.InstanceProfileName = pulumi.String("").ToStringOutput()
	if args.InstanceProfile {
		profileArgs := &iam.InstanceProfileArgs{
			Name: pulumi.String(args.Name),
			Role: role.Name,
			Tags: tags,
		}
		if args.Path != "" {
			profileArgs.Path = pulumi.String(args.Path)
		}
		profile, err := iam.NewInstanceProfile(ctx, name, profileArgs, parent)
		if err != nil {
			return nil, err
		}
		r.InstanceProfileName = afterGrants(profile.Name, grants)
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
