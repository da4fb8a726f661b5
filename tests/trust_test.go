package tests

import (
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/strata-iac/strata/internal/mock"
	"github.com/strata-iac/strata/internal/mocktest"
)

// The roles that ECS tasks, DataSync and VPC Flow Logs assume trust the service on behalf of this
// account only (aws:SourceAccount): AWS documents the condition for each of them against the
// confused-deputy problem.
func TestServiceRolesTrustOnlyThisAccount(t *testing.T) {
	conditioned := []string{"ecs-tasks.amazonaws.com", "datasync.amazonaws.com", "vpc-flow-logs.amazonaws.com"}
	for _, stage := range stages {
		t.Run(stage, func(t *testing.T) {
			res := runStage(t, stage)
			seen := map[string]bool{}
			for _, r := range res.ByType("aws:iam/role:Role") {
				for _, st := range mocktest.Document(t, r, "assumeRolePolicy").Statement {
					p, _ := st.Principal.(map[string]any)
					service, _ := p["Service"].(string)
					if !slices.Contains(conditioned, service) {
						continue
					}
					seen[service] = true
					assert.Equal(t, mock.Account, st.Condition["StringEquals"]["aws:SourceAccount"], "%s trusts %s for any account", r.Name, service)
				}
			}
			want := map[string]bool{"ecs-tasks.amazonaws.com": true, "datasync.amazonaws.com": true}
			if stage == "production" {
				want["vpc-flow-logs.amazonaws.com"] = true
			}
			assert.Equal(t, want, seen, "the stage's service roles")
		})
	}
}

// Whatever is given a role is created once the role's permissions are attached: the task
// definitions (execution and task roles), the DataSync locations (DataSync tests its access when
// it creates one) and the flow log. IAM is eventually consistent; a task that starts before its
// execution role's policy is attached cannot read its secrets.
func TestUsersOfRolesWaitForTheirPermissions(t *testing.T) {
	for _, stage := range stages {
		t.Run(stage, func(t *testing.T) {
			res := runStage(t, stage)
			attachment := func(role string) string {
				return mocktest.Named(t, res, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", role).URN
			}
			for _, td := range res.ByType(typeTaskDef) {
				if !inSystem(td, "Lookup", "Epimetheus") {
					continue
				}
				assert.Contains(t, td.Dependencies, attachment(td.Name+"-exec"), "%s waits for its execution role's policy", td.Name)
				// A task role without permissions of its own (Epimetheus') has nothing to wait for.
				if a := res.Get("aws:iam/rolePolicyAttachment:RolePolicyAttachment", td.Name+"-task"); a != nil {
					assert.Contains(t, td.Dependencies, a.URN, "%s waits for its task role's policy", td.Name)
				}
			}
			for typ, role := range map[string]string{"aws:datasync/s3Location:S3Location": "lookup-sync-s3", "aws:datasync/efsLocation:EfsLocation": "lookup-sync-efs"} {
				assert.Contains(t, mocktest.One(t, res, typ).Dependencies, attachment(role), "%s waits for %s's policy", typ, role)
			}
			if stage == "production" {
				flow := mocktest.Named(t, res, "aws:ec2/flowLog:FlowLog", "network-flow-logs")
				assert.Contains(t, flow.Dependencies, attachment("network-flow-logs"))
			}
		})
	}
}

// Every scratch volume is prepared by a small pinned image from ECR Public, never the app's own
// image pulled a second time, and no ECS task of the lookup or Epimetheus pulls from Docker Hub:
// Docker Hub limits anonymous pulls per address, and every task of a stage shares the NAT's.
func TestNoAnonymousDockerHubPulls(t *testing.T) {
	for _, stage := range stages {
		res := runStage(t, stage)
		for _, td := range res.ByType(typeTaskDef) {
			if !inSystem(td, "Lookup", "Epimetheus") {
				continue
			}
			for name, c := range containers(t, td) {
				if name == "scratch-init" {
					assert.Equal(t, "public.ecr.aws/docker/library/busybox:1.37.0", c.Image, "%s %s", stage, td.Name)
				}
				ecr := strings.Contains(c.Image, ".dkr.ecr.") || strings.HasPrefix(c.Image, "public.ecr.aws/")
				assert.True(t, ecr, "%s %s/%s pulls %s from Docker Hub", stage, td.Name, name, c.Image)
			}
		}
	}
}
