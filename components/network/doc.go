// Package network is an environment's network: a new VPC built from native EC2 resources, with a
// public and a private subnet in each of 2 or 3 availability zones, one public route table to an
// internet gateway, a private route table per zone routed to a NAT gateway (none, one in the first
// zone, or one per zone), S3 and DynamoDB gateway endpoints on the private route tables, a default
// security group stripped of its rules and, when enabled, flow logs to CloudWatch Logs; or an
// existing VPC, whose ids pass through and nothing is created.
//
// Every resource of a zone is named, tagged and addressed by the zone's letter, never by its
// position in the list (ZoneCIDRs), so adding, removing or reordering zones leaves the other zones'
// resources untouched. Resources created by the awsx Vpc this package used before are adopted
// through aliases, not replaced. Either way the result has the same shape: a VPC id and one public
// and one private subnet per zone, each with a stable Key, with the count known when the program
// runs.
package network
