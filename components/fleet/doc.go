// Package fleet is EC2 capacity as a component: an autoscaling group behind one launch template
// (on demand, Spot or mixed; scaled by target tracking or by step policies on any CloudWatch
// metric, with the alarms), or a fixed set of named instances, each with its own launch template
// and with data volumes that survive its replacement.
//
// Every fleet gets an instance role with an instance profile (Session Manager by default) or uses
// a given profile, its own security group (HTTPS egress by default, no ingress), IMDSv2 with a hop
// limit of 1, encrypted gp3 root volumes, no public IP unless asked for, an AMI from an SSM
// parameter resolved at launch (the current Amazon Linux 2023 by default) or a baked AMI id, and
// the naming convention's tags on every resource, propagated to instances, volumes and network
// interfaces. Args.Validate checks every value against AWS's bounds before anything is registered.
package fleet
