// Package credential is a database login kept in Secrets Manager with a generated password, for
// databases strata runs itself (a MariaDB container) where RDS cannot manage the password. The
// password never appears in config or code; in Pulumi state it is a secret. Containers read it
// through secrets[].valueFrom, like an RDS-managed master secret: the secret is a JSON object with
// "username" and "password".
package credential
