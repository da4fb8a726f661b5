package policy

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAssumeRole(t *testing.T) {
	got, err := AssumeRole("ecs-tasks.amazonaws.com").JSON()
	if err != nil {
		t.Fatal(err)
	}
	want := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":["sts:AssumeRole"]}]}`
	if got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

func TestDenyInsecureTransport(t *testing.T) {
	got, err := New(DenyInsecureTransport("arn:aws:s3:::b")).JSON()
	if err != nil {
		t.Fatal(err)
	}
	var doc Document
	if err := json.Unmarshal([]byte(got), &doc); err != nil {
		t.Fatal(err)
	}
	s := doc.Statement[0]
	if s.Effect != "Deny" || s.Principal != "*" {
		t.Errorf("got effect %q principal %v, want Deny *", s.Effect, s.Principal)
	}
	if len(s.Resource) != 2 || s.Resource[0] != "arn:aws:s3:::b" || s.Resource[1] != "arn:aws:s3:::b/*" {
		t.Errorf("got resources %v, want the bucket and its objects", s.Resource)
	}
	if v := s.Condition["Bool"]["aws:SecureTransport"]; v != "false" {
		t.Errorf("got condition %v, want aws:SecureTransport=false", s.Condition)
	}
}

func TestAllowAndObjects(t *testing.T) {
	s := Allow("Read", []string{"s3:GetObject"}, Objects("arn:aws:s3:::b", "code/"), Objects("arn:aws:s3:::b", ""))
	if s.Effect != "Allow" || s.Sid != "Read" {
		t.Errorf("got %+v", s)
	}
	if s.Resource[0] != "arn:aws:s3:::b/code/*" || s.Resource[1] != "arn:aws:s3:::b/*" {
		t.Errorf("got %v", s.Resource)
	}
}

func TestTrustStatements(t *testing.T) {
	tests := []struct {
		name string
		doc  Document
		want string
	}{
		{"service with condition", New(TrustService("datasync.amazonaws.com", Condition{"StringEquals": {"aws:SourceAccount": "123456789012"}})),
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"datasync.amazonaws.com"},"Action":["sts:AssumeRole"],"Condition":{"StringEquals":{"aws:SourceAccount":"123456789012"}}}]}`},
		{"web identity", New(TrustWebIdentity("arn:aws:iam::123456789012:oidc-provider/example.com", Condition{"StringEquals": {"example.com:aud": "sts.amazonaws.com"}})),
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/example.com"},"Action":["sts:AssumeRoleWithWebIdentity"],"Condition":{"StringEquals":{"example.com:aud":"sts.amazonaws.com"}}}]}`},
		{"one AWS principal", New(TrustAWS("arn:aws:iam::123456789012:root")),
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":["sts:AssumeRole"]}]}`},
		{"several AWS principals", New(TrustAWS("arn:aws:iam::123456789012:root", "arn:aws:iam::210987654321:role/ci")),
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::123456789012:root","arn:aws:iam::210987654321:role/ci"]},"Action":["sts:AssumeRole"]}]}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.doc.JSON()
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}
