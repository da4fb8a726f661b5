// Package filesystem is a shared, encrypted EFS file system that clients reach only through its
// access points: a mount target in each private subnet, named by the subnet's zone, with a security
// group of its own (NFS from the named client security groups alone), automatic backups, a
// lifecycle to Infrequent Access and back, and a file-system policy that refuses connections
// without TLS or without an access point. Access points confine each client to one directory as a
// non-root POSIX user. An optional DataSync task refreshes one access point from an S3 prefix on a
// schedule, with least-privilege roles of its own. The QA authority lookup keeps its authority
// files and database directory here.
package filesystem
