// Package forwarder is a private path to data stores that have no public address: one small EC2
// instance with no inbound rules at all, managed by Systems Manager, through which an operator or
// a client outside AWS (TestArchiver) opens a port-forwarding session with the AWS CLI
// (AWS-StartPortForwardingSessionToRemoteHost). The database stays private and admits only the
// forwarder's security group; the session is authenticated and logged by AWS (IAM, CloudTrail),
// and the forwarder's own policy grants exactly that session on exactly this instance.
package forwarder
