// Package network is an environment's network: a new VPC (through awsx) with a public and a private
// subnet in each of 2 or 3 availability zones, NAT gateways (none, one, or one per zone), S3 and
// DynamoDB gateway endpoints routed from the private subnets, a default security group stripped of
// its rules and, when enabled, flow logs to CloudWatch Logs; or an existing VPC, whose ids pass
// through and nothing is created. Subnet CIDRs follow from each zone's letter (ZoneCIDRs), so adding
// a zone never moves the subnets of the others. Either way the result is the same: a VPC id and one
// public and one private subnet id per zone, with the count known when the program runs.
package network
