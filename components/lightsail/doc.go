// Package lightsail deploys an app.Spec on Amazon Lightsail, the low-cost, low-barrier platform:
// a container service (power × scale, private ECR pulls when an image needs them), one deployment
// of the spec's containers with its public HTTPS endpoint and health check, an optional Lightsail
// managed database whose generated master password reaches the containers that reference it, and
// an optional certificate for the endpoint's custom domain (validated in Route 53 when a zone is
// given). Everything in the spec that Lightsail cannot do (volumes and scratch volumes, entry
// points, env files, per-container sizes, container health checks, start order, autoscaling,
// Secrets Manager and SSM references) is a config error naming the field, before anything is
// registered.
package lightsail
