// Package loadbalancer is the internet-facing Application Load Balancer in front of one app: its own
// security group (the only place in strata where the internet may enter, on 80 and 443), the ALB in
// the public subnets, an ip target group whose health check comes from the app's endpoint, an
// HTTPS listener with a TLS 1.3/1.2 policy, and an HTTP listener that only redirects to HTTPS.
// The certificate is either an existing ACM certificate or one the component requests and
// DNS-validates in a Route 53 zone, where it also points the app's domain at the ALB. Optional
// access logs go to a private log bucket of the ALB's own. Each app gets its own ALB, so
// certificates, domains, deletion protection and logs stay separate per system.
package loadbalancer
