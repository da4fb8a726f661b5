// Package database is an RDS instance (PostgreSQL, MySQL or MariaDB) with strata's database
// baseline: encrypted gp3 storage with autoscaling, a master password that RDS manages and rotates
// in Secrets Manager on a set schedule (never in config, code or state), a parameter group that
// refuses connections without TLS unless a stated reason turns that off, a private subnet group and
// its own security group that admits the engine port only from the caller's client security groups
// (and listed external networks), automated backups of at least 7 days, log exports with a
// retention, Performance Insights, Enhanced Monitoring with a role of its own, IAM database
// authentication where the engine offers it, and optional CloudWatch alarms. The instance is
// private in every stage; PublicAccess is the one, reported, way to make it reachable over the
// internet. The engine version is a major version (RDS picks the minor one) or a minor version; AWS
// applies minor upgrades and strata never undoes them. Deletion protection, the kept automated
// backups and Pulumi protect follow the stage's protect switch; a final snapshot is always taken,
// under a name unique to the instance's lifetime (FinalSnapshotName, shared with Lightsail). It
// replaces the QA lookup's MariaDB container and Epimetheus' public database.
package database
