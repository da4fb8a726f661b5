// Package kotta is Cloud Kotta: a web app that runs users' jobs on worker pools. Its long-lived base
// layer (strata:base) is the jobs bucket (uploads/, outputs/, code/, postmortem/), the Jobs and
// Users DynamoDB tables and the web and worker role policies; its job platform (strata:kotta) is
// the web server behind HTTPS, a job queue per worker pool and the pools themselves, which scale
// on their queues. The platform takes its base layer from the same stack or, through a stack
// reference, from another one, so that several platforms can share one base layer.
package kotta
