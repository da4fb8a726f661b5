// Package service runs an app.Spec as an ECS service on a cluster (components/cluster): a task
// definition in awsvpc mode with one log group, an execution role that may read exactly the images'
// repositories, the log group, the referenced secrets (and their customer managed keys, through
// Secrets Manager only) and env files, a distinct task role for what the app itself touches (EFS
// access points through IAM authorization, S3 prefixes it reads, policies of other components, ECS
// Exec), EFS volumes with transit encryption, scratch volumes on the task's own storage for
// containers with read-only root file systems, Docker Hub images pulled through an ECR
// pull-through cache on request, and a service in private subnets without public IPs, with a
// rollback circuit breaker, optional load balancer and Service Connect, and CPU target tracking
// when the app may scale.
package service
