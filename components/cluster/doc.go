// Package cluster is an ECS cluster with Container Insights and its capacity: FARGATE and
// FARGATE_SPOT always, and, when a stage asks for EC2, an autoscaling group of ECS-optimized Amazon
// Linux 2023 instances (a components/fleet Fleet) behind a capacity provider with managed scaling. The instances take their AMI
// from AWS's public SSM parameter at launch, require IMDSv2, have encrypted root volumes, no public
// IP, no ingress and no SSH (Session Manager instead), and an instance role limited to what the ECS
// agent does. Optionally it creates the Cloud Map HTTP namespace that ECS Service Connect uses.
//
// The service component runs its services on the cluster: it reads CapacityProvider for its
// capacity provider strategy and depends on CapacityProviderDependency.
package cluster
