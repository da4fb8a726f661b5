// Package argos is Argos, a news-aggregation app, as strata deploys it (strata:argos): one image
// baked by EC2 Image Builder and shared by every stage; app servers (api on 8888, alone or as an
// autoscaling group behind the stage's shared HTTPS load balancer), a web front end, a collector,
// a knowledge server (Apache Fuseki and Stanford NER) with a data volume that outlives it, and an
// optional broker with autoscaling workers; a private, encrypted RDS PostgreSQL with CloudWatch
// alarms to an SNS topic; and the app's private bucket. Every resource carries the
// Name=<app>-<env>-<group>, App, Env and Group tags by which the app's Ansible playbooks find the
// hosts (inventory/aws_ec2.yml).
package argos
