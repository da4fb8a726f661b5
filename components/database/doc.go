// Package database is an RDS instance (PostgreSQL, MySQL or MariaDB) with strata's database
// baseline: encrypted gp3 storage with autoscaling, a master password that RDS manages in Secrets
// Manager (never in config, code or state), a parameter group that refuses connections without
// TLS, a private subnet group and its own security group that admits the engine port only from
// the caller's client security groups (and, only if listed, named external networks), automated
// backups of at least 7 days, log exports with a retention, Performance Insights, IAM database
// authentication where the engine offers it, and optional CloudWatch alarms. The engine version
// is pinned; AWS applies minor upgrades and strata never undoes them. Deletion protection, the
// kept automated backups and Pulumi protect follow the stage's protect switch; a final snapshot
// is always taken. It replaces the QA lookup's MariaDB container and Epimetheus' public database.
package database
