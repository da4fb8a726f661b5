// Package queue is a job queue as one component: an SNS topic, encrypted with SNS's AWS managed
// key, that delivers to a pending SQS queue (long visibility timeout, dead-letter queue), and an
// active SQS queue where consumers keep the jobs they run. Every queue is encrypted (SQS-managed
// keys) and refuses requests without TLS; the pending queue admits deliveries from its own topic
// only (aws:SourceArn). Publishing and consuming are granted through IAM, by the callers' roles.
// Cloud Kotta has one per worker pool.
package queue
