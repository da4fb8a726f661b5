// Package base is Cloud Kotta's persistent layer, the part that outlives any one Kotta deployment:
// the jobs bucket (uploads/, outputs/, code/, postmortem/), the Jobs and Users DynamoDB tables, and
// the web server and worker (TaskExecutor) roles with least-privilege policies that keep the
// original prefix scoping; their customer managed policies let other roles (a platform's instance
// roles, ECS task roles) reuse the grants. Stateful resources are protected, deletion-protected
// and never force-destroyed when Args.Protect is set. An existing bucket or table is adopted with
// Pulumi's import option (Args.ImportJobsBucket, ImportJobsTable, ImportUsersTable).
package base
