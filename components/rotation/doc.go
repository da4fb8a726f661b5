// Package rotation keeps ECS services working across the rotation of a database secret they read
// at start. ECS resolves a task's secrets once, when the task starts; when RDS rotates its managed
// master password, running tasks keep the old one and lose the database on their next new
// connection. A Redeploy starts a new deployment of every service that reads the secret as soon as
// the rotated value becomes current: an EventBridge rule on Secrets Manager's "Secret Label
// Updated" event (label AWSCURRENT, this secret) starts a Step Functions state machine that calls
// ecs:UpdateService with forceNewDeployment for each service, through Step Functions' AWS SDK
// integration. No code of strata's runs anywhere.
package rotation
