package policy

import "encoding/json"

// Version is the current IAM policy language version.
const Version = "2012-10-17"

// Document is an IAM policy document.
type Document struct {
	Version   string      `json:"Version"`
	Statement []Statement `json:"Statement"`
}

// Statement is one statement of a Document.
type Statement struct {
	Sid       string    `json:"Sid,omitempty"`
	Effect    string    `json:"Effect"`
	Principal any       `json:"Principal,omitempty"`
	Action    []string  `json:"Action"`
	Resource  []string  `json:"Resource,omitempty"`
	Condition Condition `json:"Condition,omitempty"`
}

// New returns a document of the current version holding statements.
func New(statements ...Statement) Document {
	return Document{Version: Version, Statement: statements}
}

// JSON renders the document.
func (d Document) JSON() (string, error) {
	b, err := json.Marshal(d)
	return string(b), err
}

// Allow grants actions on resources.
func Allow(sid string, actions []string, resources ...string) Statement {
	return Statement{Sid: sid, Effect: "Allow", Action: actions, Resource: resources}
}

// Condition is a statement's condition block: operator → condition key → value or values.
type Condition = map[string]map[string]any

// AssumeRole is a trust policy that lets exactly one AWS service principal assume a role.
func AssumeRole(service string) Document {
	return New(TrustService(service, nil))
}

// TrustService is a trust statement letting an AWS service principal assume a role, under
// condition (nil for none), e.g. aws:SourceAccount against the confused deputy problem.
func TrustService(service string, condition Condition) Statement {
	return Statement{
		Effect:    "Allow",
		Principal: map[string]any{"Service": service},
		Action:    []string{"sts:AssumeRole"},
		Condition: condition,
	}
}

// TrustWebIdentity is a trust statement letting identities that an IAM OIDC provider federates
// (e.g. GitHub Actions workflows) assume a role, under condition, which should pin the audience
// and the subjects.
func TrustWebIdentity(providerARN string, condition Condition) Statement {
	return Statement{
		Effect:    "Allow",
		Principal: map[string]any{"Federated": providerARN},
		Action:    []string{"sts:AssumeRoleWithWebIdentity"},
		Condition: condition,
	}
}

// TrustAWS is a trust statement letting IAM principals assume a role: account root ARNs
// (arn:aws:iam::<account>:root, meaning any principal of the account whose own policies allow
// it) or role and user ARNs.
func TrustAWS(principals ...string) Statement {
	var p any = principals
	if len(principals) == 1 {
		p = principals[0]
	}
	return Statement{
		Effect:    "Allow",
		Principal: map[string]any{"AWS": p},
		Action:    []string{"sts:AssumeRole"},
	}
}

// DenyInsecureTransport refuses every request to a bucket and its objects that does not use TLS.
func DenyInsecureTransport(bucketARN string) Statement {
	return Statement{
		Sid:       "DenyInsecureTransport",
		Effect:    "Deny",
		Principal: "*",
		Action:    []string{"s3:*"},
		Resource:  []string{bucketARN, bucketARN + "/*"},
		Condition: map[string]map[string]any{"Bool": {"aws:SecureTransport": "false"}},
	}
}

// Objects returns the ARN pattern of the objects under prefix in a bucket ("" for all objects).
func Objects(bucketARN, prefix string) string {
	return bucketARN + "/" + prefix + "*"
}
