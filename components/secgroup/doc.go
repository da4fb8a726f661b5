// Package secgroup is a VPC security group whose every rule is its own described, tagged resource:
// ingress from other security groups by default, from CIDR blocks only when listed, and from the
// internet (0.0.0.0/0, ::/0) only when a rule says so explicitly, which strata allows on a load
// balancer's 80 and 443 alone. A group has no egress unless rules grant it.
package secgroup
