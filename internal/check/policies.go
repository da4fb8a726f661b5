package check

import (
	"encoding/json"
	"fmt"
	"regexp"
	"unicode"
)

// policyDoc is a JSON policy property and what kind of policy it holds.
type policyDoc struct {
	typ, path string
	kind      policyKind
}

type policyKind int

const (
	// identity policies are managed policies attached to principals: no Principal, every
	// statement needs a Resource.
	identity policyKind = iota
	// inline policies are identity policies embedded in one role.
	inline
	// trust policies say who may assume a role: every statement needs a Principal.
	trust
	// resource policies are attached to a resource: every statement needs a Principal.
	resource
)

// policyDocs lists every property that holds a JSON policy.
var policyDocs = []policyDoc{
	{"aws:iam/policy:Policy", "policy", identity},
	{"aws:iam/rolePolicy:RolePolicy", "policy", inline},
	{"aws:iam/role:Role", "assumeRolePolicy", trust},
	{"aws:s3/bucketPolicy:BucketPolicy", "policy", resource},
	{"aws:efs/fileSystemPolicy:FileSystemPolicy", "policy", resource},
	{"aws:kms/key:Key", "policy", resource},
	{"aws:cloudwatch/logResourcePolicy:LogResourcePolicy", "policyDocument", resource},
	{"aws:sqs/queue:Queue", "policy", resource},
	{"aws:sqs/queuePolicy:QueuePolicy", "policy", resource},
	{"aws:sns/topic:Topic", "policy", resource},
	{"aws:sns/topicPolicy:TopicPolicy", "policy", resource},
	{"aws:secretsmanager/secretPolicy:SecretPolicy", "policy", resource},
	{"aws:ecr/repositoryPolicy:RepositoryPolicy", "policy", resource},
	{"aws:ec2/vpcEndpoint:VpcEndpoint", "policy", resource},
}

const (
	iamGrammar  = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html"
	iamElements = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements.html"
	iamQuotas   = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html#reference_iam-quotas-entity-length"
)

// statement is one decoded policy statement and where it is.
type statement struct {
	path string
	body map[string]any
}

// parsed decodes a policy property; ok is false when it cannot be judged.
func parsed(r *Resource, path string) (doc map[string]any, stmts []statement, raw string, ok bool) {
	raw, ok = text(r.Get(path))
	if !ok {
		return nil, nil, "", false
	}
	if json.Unmarshal([]byte(raw), &doc) != nil {
		return nil, nil, raw, true
	}
	switch s := doc["Statement"].(type) {
	case map[string]any:
		stmts = append(stmts, statement{path + ".Statement", s})
	case []any:
		for i, e := range s {
			if m, isObj := e.(map[string]any); isObj {
				stmts = append(stmts, statement{fmt.Sprintf("%s.Statement[%d]", path, i), m})
			}
		}
	}
	return doc, stmts, raw, true
}

// policyRule judges every policy property of the kinds given.
func policyRule(id, source string, kinds []policyKind, check func(d policyDoc, doc map[string]any, stmts []statement, raw string, report Reporter)) Rule {
	ru := Rule{ID: id, Source: source}
	docs := map[string][]policyDoc{}
	for _, d := range policyDocs {
		for _, k := range kinds {
			if d.kind == k {
				ru.Types = append(ru.Types, d.typ)
				docs[d.typ] = append(docs[d.typ], d)
				ru.Paths = append(ru.Paths, d.path)
			}
		}
	}
	ru.Check = func(r *Resource, report Reporter) {
		for _, d := range docs[r.Type] {
			if doc, stmts, raw, ok := parsed(r, d.path); ok {
				check(d, doc, stmts, raw, report)
			}
		}
	}
	return ru
}

var (
	allPolicies      = []policyKind{identity, inline, trust, resource}
	identityPolicies = []policyKind{identity, inline}
)

// nonSpace counts the characters IAM counts against its size quotas: all but whitespace.
func nonSpace(s string) int {
	n := 0
	for _, c := range s {
		if !unicode.IsSpace(c) {
			n++
		}
	}
	return n
}

var sid = regexp.MustCompile(`\A[A-Za-z0-9]*\z`)

var policies = set{rules: []Rule{
	policyRule("policy.json", iamGrammar, allPolicies, func(d policyDoc, doc map[string]any, stmts []statement, raw string, report Reporter) {
		n := 0
		switch s := doc["Statement"].(type) {
		case map[string]any:
			n = 1
		case []any:
			n = len(s)
			if len(stmts) != n {
				n = -1
			}
		}
		if doc == nil || n <= 0 {
			report(d.path, raw, "a JSON object whose Statement is a statement object or a non-empty list of them")
		}
	}),
	policyRule("policy.version", iamElements+"_version.html", allPolicies, func(d policyDoc, doc map[string]any, _ []statement, _ string, report Reporter) {
		if v, present := doc["Version"]; present && v != "2012-10-17" && v != "2008-10-17" {
			report(d.path+".Version", v, "2012-10-17 (or the legacy 2008-10-17)")
		}
	}),
	policyRule("policy.effect", iamElements+"_effect.html", allPolicies, func(_ policyDoc, _ map[string]any, stmts []statement, _ string, report Reporter) {
		for _, s := range stmts {
			if e := s.body["Effect"]; e != "Allow" && e != "Deny" {
				report(s.path+".Effect", e, "Allow or Deny")
			}
		}
	}),
	policyRule("policy.action", iamElements+"_action.html", allPolicies, func(_ policyDoc, _ map[string]any, stmts []statement, _ string, report Reporter) {
		for _, s := range stmts {
			_, a := s.body["Action"]
			_, na := s.body["NotAction"]
			if a == na {
				report(s.path, nil, "exactly one of Action and NotAction in every statement")
			}
		}
	}),
	policyRule("policy.principal", iamElements+"_principal.html", allPolicies, func(d policyDoc, _ map[string]any, stmts []statement, _ string, report Reporter) {
		for _, s := range stmts {
			_, p := s.body["Principal"]
			_, np := s.body["NotPrincipal"]
			switch {
			case (d.kind == identity || d.kind == inline) && (p || np):
				report(s.path, nil, "no Principal in an identity-based policy (the principal is who it is attached to)")
			case (d.kind == trust || d.kind == resource) && !p && !np:
				report(s.path, nil, "a Principal (or NotPrincipal) in every statement of a resource-based or trust policy")
			}
		}
	}),
	policyRule("policy.resource", iamElements+"_resource.html", identityPolicies, func(_ policyDoc, _ map[string]any, stmts []statement, _ string, report Reporter) {
		for _, s := range stmts {
			_, res := s.body["Resource"]
			_, nres := s.body["NotResource"]
			if res == nres {
				report(s.path, nil, "exactly one of Resource and NotResource in every statement of an identity-based policy")
			}
		}
	}),
	policyRule("iam.policy.sid", iamElements+"_sid.html", []policyKind{identity, inline, trust}, func(_ policyDoc, _ map[string]any, stmts []statement, _ string, report Reporter) {
		seen := map[string]bool{}
		for _, s := range stmts {
			v, present := s.body["Sid"]
			if !present {
				continue
			}
			id, isText := v.(string)
			if !isText || !sid.MatchString(id) || seen[id] {
				report(s.path+".Sid", v, "ASCII letters and digits only, unique within the policy")
			}
			seen[id] = true
		}
	}),
	policyRule("iam.policy.size", iamQuotas, []policyKind{identity}, func(d policyDoc, _ map[string]any, _ []statement, raw string, report Reporter) {
		if n := nonSpace(raw); n > 6144 {
			report(d.path, fmt.Sprintf("%d characters without whitespace", n), "a managed policy document of at most 6,144 characters, whitespace not counted")
		}
	}),
	policyRule("iam.rolepolicy.size", iamQuotas, []policyKind{inline}, func(d policyDoc, _ map[string]any, _ []statement, raw string, report Reporter) {
		if n := nonSpace(raw); n > 10240 {
			report(d.path, fmt.Sprintf("%d characters without whitespace", n), "inline policies of at most 10,240 characters per role, whitespace not counted")
		}
	}),
	policyRule("iam.role.trust.size", iamQuotas, []policyKind{trust}, func(d policyDoc, _ map[string]any, _ []statement, raw string, report Reporter) {
		if n := nonSpace(raw); n > 2048 {
			report(d.path, fmt.Sprintf("%d characters without whitespace", n), "a role trust policy of at most 2,048 characters, whitespace not counted (the default quota; it can be raised to 4,096)")
		}
	}),
	{
		ID: "s3.bucketpolicy.size", Types: []string{"aws:s3/bucketPolicy:BucketPolicy"}, Paths: []string{"policy"},
		Source: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-policies.html",
		Check: func(r *Resource, report Reporter) {
			if s, ok := text(r.Get("policy")); ok && len(s) > 20*1024 {
				report("policy", fmt.Sprintf("%d bytes", len(s)), "a bucket policy of at most 20 KB")
			}
		},
	},
	{
		ID: "kms.key.policy.size", Types: []string{"aws:kms/key:Key"}, Paths: []string{"policy"},
		Source: "https://docs.aws.amazon.com/kms/latest/developerguide/resource-limits.html#key-policy-limit",
		Check: func(r *Resource, report Reporter) {
			if s, ok := text(r.Get("policy")); ok && len(s) > 32*1024 {
				report("policy", fmt.Sprintf("%d bytes", len(s)), "a key policy of at most 32 KB (32,768 bytes)")
			}
		},
	},
}}
