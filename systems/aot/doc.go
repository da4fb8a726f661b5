// Package aot is aot: EC2 instances and pools of instances (members named <pool>1 to <pool>N)
// whose root users trust each other over SSH with strict host-key checking, with the whole
// cluster described in /etc/cluster_facts.json on every member and an ordered bootstrap of
// tarballs that runs each stage once per tarball content (strata:aot).
//
// strata generates the cluster's root key pair and one host key per member (tls provider) and
// keeps the private keys in Parameter Store, encrypted with the cluster's own KMS key, which only
// the members' roles may use. The cluster's files (facts, known_hosts, member list, stage lists)
// and the tarballs sit in a private bucket; a State Manager association runs host/bootstrap.sh on
// every member whenever any of them changes. SSH is open only between members; operators use
// Session Manager.
package aot
