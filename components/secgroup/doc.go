// Package secgroup is a VPC security group whose every rule is its own described, tagged resource:
// ingress from other security groups (or the group itself) by default, from CIDR blocks only when
// listed, and from the internet (0.0.0.0/0, ::/0) only when a rule says so explicitly, which strata
// allows on a load balancer's 80 and 443 alone. A group has no egress unless rules grant it.
//
// Rules take TCP (the default), UDP, ICMP, ICMPv6 or all protocols, with the port and ICMP type
// rules EC2 applies to each. Group names and descriptions and rule descriptions are checked against
// EC2's character set and length before anything is registered. Rules can be added after a group
// exists (Group.AddIngress, Group.AddEgress, NewRule), so two groups can admit each other.
//
// A group's name is fixed and EC2 cannot change its description in place; a replacement would
// either fail on the name (created first) or strip the group's rules and then fail to delete a
// group still in use (deleted first). The group therefore ignores description changes: it keeps
// the description it was created with. To replace a group on purpose, change its name too.
package secgroup
