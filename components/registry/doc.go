// Package registry is an ECR pull-through cache for Docker Hub: a rule that makes the account's
// private registry fetch Docker Hub images on first pull, with the account's Docker Hub login, and
// serve them from ECR afterwards. Tasks then pull from ECR inside AWS instead of anonymously from
// Docker Hub through NAT, where Docker Hub's per-address rate limits throttle scale-outs and
// retries. DockerHub and Image rewrite an image reference to its cached form.
package registry
