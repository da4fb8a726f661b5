// Package credential is a database login kept in Secrets Manager with a generated password, for
// databases strata runs itself (a MariaDB container) where RDS cannot manage the password and for
// an app's own login on RDS; and (NewKey) an app's own generated secret such as a session signing
// key. Generated values are letters and digits only, safe unquoted in YAML, shell and URLs. The
// password never appears in config or code; in Pulumi state it is a secret. Containers read it
// through secrets[].valueFrom, like an RDS-managed master secret: the secret is a JSON object with
// "username" and "password". One credential is one login; a system that needs two (an app user and
// root) creates two, with their own groups. An unprotected secret is deleted without a recovery
// window, so that its fixed name is free again for the next deployment; a protected one keeps a
// window. The secret is not rotated, a documented exception (see New and README.md).
package credential
