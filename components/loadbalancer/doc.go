// Package loadbalancer is the internet-facing Application Load Balancer in front of one or more
// apps: its own security group (the only place in strata where the internet may enter, on 80 and
// 443), the ALB in the public subnets, a target group per site whose health check comes from the
// app's endpoint, an HTTPS listener with a TLS 1.3/1.2 policy and a rule per site's host name, and
// an HTTP listener that only redirects to HTTPS. The certificate is either an existing ACM
// certificate or one the component requests and DNS-validates in a Route 53 zone, where it also
// points the app's domain at the ALB. Access logs go to a private log bucket of the ALB's own
// (named after the ALB, account and region unless given); an optional WAFv2 web ACL with AWS's
// managed rule groups and a rate limit filters requests before they reach the ALB, logging what it
// blocks.
package loadbalancer
