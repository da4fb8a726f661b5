package registry_test

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-iac/strata/components/naming"
	"github.com/strata-iac/strata/components/registry"
	"github.com/strata-iac/strata/internal/mocktest"
)

const credential = "arn:aws:secretsmanager:us-east-2:123456789012:secret:ecr-pullthroughcache/docker-hub-AbCdEf"

var conv = naming.Convention{App: "lookup", Env: "production", Owner: "research-platform"}

func TestCacheRule(t *testing.T) {
	res := mocktest.Run(t, func(ctx *pulumi.Context) error {
		_, err := registry.New(ctx, "lookup-hub", &registry.Args{Prefix: "lookup-production-hub", CredentialARN: credential, Naming: conv})
		return err
	})
	rule := mocktest.One(t, res, "aws:ecr/pullThroughCacheRule:PullThroughCacheRule")
	assert.Equal(t, "lookup-production-hub", rule.In("ecrRepositoryPrefix"))
	assert.Equal(t, "registry-1.docker.io", rule.In("upstreamRegistryUrl"))
	assert.Equal(t, credential, rule.In("credentialArn"))

	// The repositories the cache creates get a lifecycle: ECR applies the creation template whose
	// prefix is the rule's.
	tpl := mocktest.One(t, res, "aws:ecr/repositoryCreationTemplate:RepositoryCreationTemplate")
	assert.Equal(t, "lookup-production-hub", tpl.In("prefix"))
	assert.Equal(t, []any{"PULL_THROUGH_CACHE"}, tpl.In("appliedFors"))
	assert.Equal(t, "AES256", tpl.In("encryptionConfigurations[0].encryptionType"))
	assert.Equal(t, "MUTABLE", tpl.In("imageTagMutability"), "the cache moves a tag when Docker Hub does")
	var policy struct {
		Rules []struct {
			RulePriority int
			Selection    struct {
				TagStatus, CountType, CountUnit string
				CountNumber                     int
			}
			Action struct{ Type string }
		}
	}
	require.NoError(t, json.Unmarshal([]byte(tpl.In("lifecyclePolicy").(string)), &policy))
	require.Len(t, policy.Rules, 2)
	untagged, rest := policy.Rules[0], policy.Rules[1]
	assert.Equal(t, "untagged sinceImagePushed days 14 expire", strings.Join([]string{untagged.Selection.TagStatus,
		untagged.Selection.CountType, untagged.Selection.CountUnit, strconv.Itoa(untagged.Selection.CountNumber), untagged.Action.Type}, " "))
	assert.Equal(t, "any imageCountMoreThan 20 expire", strings.Join([]string{rest.Selection.TagStatus,
		rest.Selection.CountType, strconv.Itoa(rest.Selection.CountNumber), rest.Action.Type}, " "))
	assert.Greater(t, rest.RulePriority, untagged.RulePriority, "ECR requires the rule for any tag status to come last")
}

func TestDockerHub(t *testing.T) {
	for _, tc := range []struct{ image, repo, ref string }{
		{"mariadb:10.6.20", "library/mariadb", ":10.6.20"},
		{"ld4p/qa_server-webapp:v2.4.1", "ld4p/qa_server-webapp", ":v2.4.1"},
		{"docker.io/salabs/epimetheus-backend:1.4.0", "salabs/epimetheus-backend", ":1.4.0"},
		{"index.docker.io/library/nginx@sha256:0123", "library/nginx", "@sha256:0123"},
		{"nginx:1.27.3@sha256:0123", "library/nginx", ":1.27.3@sha256:0123"},
	} {
		repo, ref, ok := registry.DockerHub(tc.image)
		assert.True(t, ok, tc.image)
		assert.Equal(t, tc.repo, repo, tc.image)
		assert.Equal(t, tc.ref, ref, tc.image)
	}
	for _, image := range []string{
		"public.ecr.aws/docker/library/mariadb:10.6.20",
		"123456789012.dkr.ecr.us-east-2.amazonaws.com/qa/server:2.4.1",
		"localhost/app:1", "registry.example.org:5000/team/app:1", "ghcr.io/org/app:1",
	} {
		_, _, ok := registry.DockerHub(image)
		assert.False(t, ok, "%s is not on Docker Hub", image)
		assert.Equal(t, image, registry.Image(image, "hub", "123456789012", "us-east-2", "amazonaws.com"), "other registries are left alone")
	}
	assert.Equal(t, "123456789012.dkr.ecr.us-east-2.amazonaws.com/hub/library/mariadb:10.6.20",
		registry.Image("mariadb:10.6.20", "hub", "123456789012", "us-east-2", "amazonaws.com"))
}

func TestInvalidArgsRegisterNothing(t *testing.T) {
	tests := []struct {
		name string
		args registry.Args
		want []string
	}{
		{"missing", registry.Args{Naming: conv}, []string{"prefix: is required", "credentialArn: is required"}},
		{"prefix too long", registry.Args{Prefix: "epimetheus-production-dockerhub", CredentialARN: credential, Naming: conv},
			[]string{`prefix: "epimetheus-production-dockerhub" is 31 characters long: ECR takes a repository prefix of 2 to 30`}},
		{"prefix characters", registry.Args{Prefix: "Docker_Hub", CredentialARN: credential, Naming: conv},
			[]string{`prefix: "Docker_Hub" is not a repository prefix`}},
		{"secret not named for ECR", registry.Args{Prefix: "hub", CredentialARN: "arn:aws:secretsmanager:us-east-2:123456789012:secret:docker-hub-AbCdEf", Naming: conv},
			[]string{"credentialArn:", "ecr-pullthroughcache/<name>"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			mocktest.Refused(t, func(ctx *pulumi.Context) error {
				_, err := registry.New(ctx, "lookup-hub", &tc.args)
				return err
			}, tc.want...)
		})
	}
}
