package bootstrap

import (
	"maps"
	"slices"
	"strings"
	"unicode"

	"github.com/strata-iac/strata/components/policy"
)

// Account is what the policies name that only AWS knows: the partition, the account and the
// ARN of each stage's secrets key.
type Account struct {
	Partition, ID string
	KeyARN        func(stage string) string
}

// placeholderKey has the length of a key's ARN.
const placeholderKey = "arn:aws:kms:us-east-2:123456789012:key/0123abcd-01ab-23cd-45ef-0123456789ab"

// placeholder has the lengths of real values, so that a plan can measure its policies.
var placeholder = Account{Partition: "aws", ID: "123456789012", KeyARN: func(string) string { return placeholderKey }}

// Document is one managed policy of a role.
type Document struct {
	// Group names the policy: <role>-<group>; the first document is the role's own policy.
	Group string
	// Statements and JSON are its content.
	Statements []policy.Statement
	JSON       string
}

// managedPolicies are the AWS managed policies the suite attaches to its roles; a deploy role may
// attach these and its stage's own policies, nothing else.
var managedPolicies = []string{
	"AmazonSSMManagedInstanceCore",
	"EC2InstanceProfileForImageBuilder",
	"service-role/AmazonRDSEnhancedMonitoringRole",
	"service-role/EC2ImageBuilderLifecycleExecutionPolicy",
}

// serviceLinkedRoles are the services whose service-linked roles the suite's resources need; the
// first deploy of a service creates its role.
var serviceLinkedRoles = []string{
	"autoscaling.amazonaws.com", "ecs.amazonaws.com", "ecs.application-autoscaling.amazonaws.com",
	"elasticfilesystem.amazonaws.com", "elasticloadbalancing.amazonaws.com", "imagebuilder.amazonaws.com",
	"pullthroughcache.ecr.amazonaws.com", "rds.amazonaws.com", "wafv2.amazonaws.com",
}

// IAM actions of a deploy role on its stage's roles, policies and instance profiles.
var (
	roleActions = []string{"iam:CreateRole", "iam:DeleteRole", "iam:GetRole", "iam:UpdateRole",
		"iam:UpdateRoleDescription", "iam:UpdateAssumeRolePolicy", "iam:TagRole", "iam:UntagRole",
		"iam:ListRoleTags", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies",
		"iam:ListInstanceProfilesForRole", "iam:PutRolePolicy", "iam:GetRolePolicy", "iam:DeleteRolePolicy"}
	policyActions = []string{"iam:CreatePolicy", "iam:DeletePolicy", "iam:GetPolicy", "iam:GetPolicyVersion",
		"iam:ListPolicyVersions", "iam:CreatePolicyVersion", "iam:DeletePolicyVersion",
		"iam:SetDefaultPolicyVersion", "iam:TagPolicy", "iam:UntagPolicy", "iam:ListPolicyTags"}
	profileActions = []string{"iam:CreateInstanceProfile", "iam:DeleteInstanceProfile", "iam:GetInstanceProfile",
		"iam:AddRoleToInstanceProfile", "iam:RemoveRoleFromInstanceProfile", "iam:TagInstanceProfile",
		"iam:UntagInstanceProfile", "iam:ListInstanceProfileTags"}
	iamReads = []string{"iam:GetRole", "iam:GetRolePolicy", "iam:GetPolicy", "iam:GetPolicyVersion",
		"iam:GetInstanceProfile", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies",
		"iam:ListInstanceProfilesForRole", "iam:ListRoleTags", "iam:ListPolicyVersions", "iam:ListPolicyTags"}
	kmsKeyAdmin = []string{"kms:Create*", "kms:Describe*", "kms:Enable*", "kms:List*", "kms:Put*",
		"kms:Update*", "kms:Revoke*", "kms:Disable*", "kms:Get*", "kms:Delete*", "kms:TagResource",
		"kms:UntagResource", "kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion", "kms:RotateKeyOnDemand"}
	kmsKeyUse = []string{"kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"}
)

// scope returns the ARN scope of a role.
func (p Plan) scope(r Role, a Account) scope {
	s := scope{partition: a.Partition, account: a.ID, region: r.Region, env: r.Env}
	for _, app := range p.Apps {
		s.prefixes = append(s.prefixes, app+"-"+r.Env+"-")
		s.images = append(s.images, app+"-image")
	}
	return s
}

// stateARNs returns the state bucket's ARN and the ARN pattern of every stack's state objects.
func (p Plan) stateARNs(a Account) (bucketARN, objects string) {
	bucketARN = "arn:" + a.Partition + ":s3:::" + p.State.Name
	return bucketARN, bucketARN + "/.pulumi/*"
}

// publicParameters are AWS's public SSM parameters (the AMI ids), in every region.
func publicParameters(a Account) string {
	return "arn:" + a.Partition + ":ssm:*::parameter/aws/service/*"
}

// Documents renders a role's managed policies: a stage's preview or deploy role's. Each reads
// every stack's state (stack references read other stacks; the secrets in it are encrypted with
// the stacks' own keys) and uses its own stage's key only.
func (p Plan) Documents(r Role, a Account) ([]Document, error) {
	var docs []Document
	add := func(group string, statements ...policy.Statement) {
		docs = append(docs, Document{Group: group, Statements: statements})
	}
	bucketARN, objects := p.stateARNs(a)
	if r.Preview {
		add(groupState,
			policy.Allow("ListState", []string{"s3:ListBucket"}, bucketARN),
			policy.Allow("ReadState", []string{"s3:GetObject"}, objects),
			policy.Allow("DecryptSecrets", []string{"kms:Decrypt", "kms:DescribeKey"}, a.KeyARN(r.Stage)),
			policy.Allow("ReadPublicParameters", []string{"ssm:GetParameter", "ssm:GetParameters"}, publicParameters(a)))
		add("read", p.previewReads(a)...)
	} else {
		s := p.scope(r, a)
		stack := bucketARN + "/.pulumi/*/" + p.Project + "/" + r.Stage
		add(groupState,
			policy.Allow("ListState", []string{"s3:ListBucket"}, bucketARN),
			policy.Allow("ReadState", []string{"s3:GetObject"}, objects),
			// The stack's own files: checkpoint (and its .bak), history, backups, lock.
			policy.Allow("WriteOwnState", []string{"s3:PutObject", "s3:DeleteObject"}, stack+".json*", stack+"/*"),
			policy.Allow("UseSecretsKey", []string{"kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey"}, a.KeyARN(r.Stage)),
			policy.Allow("ReadPublicParameters", []string{"ssm:GetParameter", "ssm:GetParameters"}, publicParameters(a)))
		add(groupIAM, p.iamStatements(s, a)...)
		for _, g := range deployGroups[2:] {
			add(g, deployStatements(g, s)...)
		}
	}
	for i := range docs {
		json, err := policy.New(docs[i].Statements...).JSON()
		if err != nil {
			return nil, err
		}
		docs[i].JSON = json
	}
	return docs, nil
}

// previewReads are the preview role's reads: every service's read-only actions on "*", the IAM
// reads on the suite's kinds of IAM resources, and an explicit denial of the reads that return
// secrets or data.
func (p Plan) previewReads(a Account) []policy.Statement {
	seen := map[string]bool{}
	for _, s := range services {
		for _, act := range s.read {
			seen[act] = true
		}
	}
	iam := "arn:" + a.Partition + ":iam::" + a.ID + ":"
	return []policy.Statement{
		policy.Allow("ReadConfiguration", slices.Sorted(maps.Keys(seen)), "*"),
		policy.Allow("ReadIAM", iamReads, iam+"role/*", iam+"policy/*", iam+"instance-profile/*"),
		{Sid: "DenySecretReads", Effect: "Deny", Action: secretReads, Resource: []string{"*"}},
	}
}

// iamStatements are a deploy role's IAM rights: its stage's roles, policies and instance profiles
// by name; attaching only its stage's policies and the suite's AWS managed ones; passing only its
// stage's roles; creating the service-linked roles the suite's services need.
func (p Plan) iamStatements(s scope, a Account) []policy.Statement {
	iam := "arn:" + a.Partition + ":iam::" + a.ID + ":"
	named := func(kind string) []string {
		out := make([]string, len(s.prefixes))
		for i, pre := range s.prefixes {
			out[i] = iam + kind + "/" + pre + "*"
		}
		return out
	}
	attachable := named("policy")
	for _, m := range managedPolicies {
		attachable = append(attachable, "arn:"+a.Partition+":iam::aws:policy/"+m)
	}
	attach := policy.Allow("AttachPolicies", []string{"iam:AttachRolePolicy", "iam:DetachRolePolicy"}, named("role")...)
	attach.Condition = policy.Condition{"ArnLike": {"iam:PolicyARN": attachable}}
	linked := policy.Allow("ServiceLinkedRoles", []string{"iam:CreateServiceLinkedRole"}, iam+"role/aws-service-role/*")
	linked.Condition = policy.Condition{"StringEquals": {"iam:AWSServiceName": serviceLinkedRoles}}
	return []policy.Statement{
		policy.Allow("ManageRoles", roleActions, named("role")...),
		attach,
		policy.Allow("PassRoles", []string{"iam:PassRole"}, named("role")...),
		policy.Allow("ManagePolicies", policyActions, named("policy")...),
		policy.Allow("ManageInstanceProfiles", profileActions, named("instance-profile")...),
		linked,
	}
}

// deployStatements are the statements of one deploy policy group: per service, its reads on "*"
// and its writes on its resources, or within the stage's region where IAM cannot scope by name.
func deployStatements(group string, s scope) []policy.Statement {
	var out []policy.Statement
	for _, svc := range services {
		if svc.group != group {
			continue
		}
		out = append(out, policy.Allow(sid(svc.prefix, "read"), svc.read, "*"))
		switch {
		case svc.prefix == "kms":
			// Keys are named by id: a deploy role creates keys tagged with its environment and
			// manages only keys that carry it, so neither another stage's keys nor the secrets key.
			create := inRegion(policy.Allow("KmsCreate", []string{"kms:CreateKey"}, "*"), s.region)
			create.Condition["StringEquals"]["aws:RequestTag/Env"] = s.env
			write := policy.Allow("KmsWrite", svc.write, s.arn("kms", "key/*"))
			write.Condition = policy.Condition{"StringEquals": {"aws:ResourceTag/Env": s.env}}
			// CreateKey with tags is authorized for kms:TagResource too, on a key that has no tags
			// yet, so no aws:ResourceTag condition can match (KMS Developer Guide, "Controlling
			// access to tags"): tagging is allowed with the stage's Env tag, on keys without one.
			tagOnCreate := inRegion(policy.Allow("KmsTagOnCreate", []string{"kms:TagResource"}, "*"), s.region)
			tagOnCreate.Condition["StringEquals"]["aws:RequestTag/Env"] = s.env
			tagOnCreate.Condition["Null"] = map[string]any{"aws:ResourceTag/Env": "true"}
			out = append(out, create, tagOnCreate, write)
		case svc.resources != nil:
			out = append(out, policy.Allow(sid(svc.prefix, "write"), svc.write, svc.resources(s)...))
		default:
			out = append(out, inRegion(policy.Allow(sid(svc.prefix, "write"), svc.write, "*"), s.region))
		}
		if len(svc.unscoped) > 0 {
			out = append(out, inRegion(policy.Allow(sid(svc.prefix, "unscoped"), svc.unscoped, "*"), s.region))
		}
	}
	return out
}

// keyPolicy is a secrets key's policy: the account administers the key and delegates its use to
// IAM, whose policies give a stage's key to the stage's CI roles (the deploy role encrypts and
// decrypts, the preview role decrypts) and to the administrators who run pulumi by hand.
func keyPolicy(partition, account string) (string, error) {
	root := "arn:" + partition + ":iam::" + account + ":root"
	admin := policy.TrustAWS(root)
	admin.Sid, admin.Action, admin.Resource = "Administration", kmsKeyAdmin, []string{"*"}
	use := policy.TrustAWS(root)
	use.Sid, use.Action, use.Resource = "UseThroughIAM", kmsKeyUse, []string{"*"}
	return policy.New(admin, use).JSON()
}

// nonSpace counts the characters IAM counts against its policy size quotas: all but whitespace.
func nonSpace(s string) int {
	n := 0
	for _, c := range s {
		if !unicode.IsSpace(c) {
			n++
		}
	}
	return n
}

// Match reports whether an IAM ARN pattern matches arn: '*' matches any run of characters
// (slashes and colons included), '?' any one character, as IAM evaluates Resource elements.
func Match(pattern, arn string) bool {
	for len(pattern) > 0 {
		switch pattern[0] {
		case '*':
			rest := strings.TrimLeft(pattern, "*")
			for i := 0; i <= len(arn); i++ {
				if Match(rest, arn[i:]) {
					return true
				}
			}
			return false
		case '?':
			if arn == "" {
				return false
			}
		default:
			if arn == "" || arn[0] != pattern[0] {
				return false
			}
		}
		pattern, arn = pattern[1:], arn[1:]
	}
	return arn == ""
}
