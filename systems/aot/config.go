package aot

// Config describes an aot cluster (strata:aot): its single instances and pools of identical
// instances, what they share, and the bucket that stages their bootstrap.
type Config struct {
	// Bucket is the globally unique name of the private bucket that holds the bootstrap tarballs,
	// the cluster's facts, host list and member list, and the bootstrap logs (required; S3 naming
	// rules).
	Bucket string `json:"bucket"`
	// ForceDestroy lets a destroy empty the bucket, logs and old versions included; refused with
	// strata:protect true. Default false.
	ForceDestroy bool `json:"forceDestroy"`
	// Defaults are the settings every pool and instance starts from. A key a pool or instance sets
	// replaces the default's value whole (a list or object is not merged).
	Defaults Settings `json:"defaults"`
	// Pools are groups of identical instances by pool name (lowercase letters, digits and single
	// hyphens, starting with a letter and ending with a letter, so that <pool><n> is unambiguous),
	// e.g. {"compute": {"count": 4}}.
	Pools map[string]Pool `json:"pools"`
	// Instances are single instances by name (lowercase letters, digits and single hyphens,
	// starting with a letter; at most 32 characters), e.g. {"head": {"instanceType": "m7i.large"}}.
	Instances map[string]Instance `json:"instances"`
	// BootstrapTimeoutSeconds is how long one bootstrap run may take on a host before Systems
	// Manager stops it and reports it failed: 60 to 172800 (48 hours, Run Command's limit). Default
	// 3600.
	BootstrapTimeoutSeconds int `json:"bootstrapTimeoutSeconds"`
	// WaitSeconds makes the pulumi up that creates the bootstrap association wait this long for it
	// to succeed on every member, and fail if it does not: 0 (default: do not wait) to 3600. Later
	// runs never wait; see the README for where their status shows.
	WaitSeconds int `json:"waitSeconds"`
}

// Pool is a group of identical instances named <pool>1 to <pool><count>.
type Pool struct {
	// Count is the number of members, 1 to 100. Growing or shrinking a pool adds or removes its
	// last members only; no other member or volume changes. Required.
	Count int `json:"count"`
	Settings
}

// Instance is one named instance.
type Instance struct {
	Settings
}

// Settings are what defaults, pools and instances set. Every key is optional.
type Settings struct {
	// Image is the AMI. Default the current Amazon Linux 2023 for the instance type's architecture,
	// through its public SSM parameter, resolved at every launch.
	Image *Image `json:"image"`
	// InstanceType is family.size, e.g. t3.small or c7g.4xlarge; its architecture (x86_64, or
	// arm64 for Graviton) picks the default image. Default t3.medium.
	InstanceType string `json:"instanceType"`
	// User is the login user of the image, written to the facts as main_user (lowercase letters,
	// digits, _ and -; at most 32). Default ec2-user (Amazon Linux).
	User string `json:"user"`
	// Owner is the Owner tag of the instances, their volumes and their role, and the facts' owner.
	// Default strata:owner.
	Owner string `json:"owner"`
	// Zones are indexes of the stage network's zones (0 is the first) that members take in turn:
	// member n goes to zones[(n-1) mod len(zones)]; a single instance takes the first. Traffic
	// between zones costs money and latency, so the default [0] keeps a cluster in one zone.
	// Changing the list moves (replaces) the members whose zone changes. Not together with subnetId.
	Zones []int `json:"zones"`
	// SubnetID places every member in this subnet (subnet- and 8 or 17 hex digits) instead of the
	// network's.
	SubnetID string `json:"subnetId"`
	// PublicIP gives each member a public IPv4 address and puts it in the zone's public subnet. A
	// deliberate exception that strata check reports as a warning: operators reach members through
	// Session Manager, and SSH is open only between members. Default false.
	PublicIP *bool `json:"publicIp"`
	// SecurityGroupIDs are further security groups of the members (sg- and 8 or 17 hex digits),
	// besides their own and the cluster's. Default none.
	SecurityGroupIDs []string `json:"securityGroupIds"`
	// InstanceProfile adds permissions to the members' instance role, which always may use Session
	// Manager and read the cluster's own files and keys.
	InstanceProfile *InstanceProfile `json:"instanceProfile"`
	// Placement puts a pool's (or instance's) members in a placement group. Default none.
	Placement *Placement `json:"placement"`
	// RootVolume sizes the encrypted gp3 root volume. Default 30 GiB on /dev/xvda.
	RootVolume *RootVolume `json:"rootVolume"`
	// Volumes are extra encrypted EBS volumes of each member: separate volumes that survive the
	// replacement of their instance and, with strata:protect, a destroy. Default none.
	Volumes []Volume `json:"volumes"`
	// Bootstrap is the ordered list of tarballs each member runs: stage i is unpacked into
	// /var/lib/aot/stage-<i>/ and its bootstrap.sh runs there as root, once per tarball content;
	// a changed tarball re-runs its stage and the later ones. Default none.
	Bootstrap []Tarball `json:"bootstrap"`
}

// Image is where the AMI comes from: id or parameter, one of the two.
type Image struct {
	// ID is a baked AMI: ami- and 8 or 17 hex digits.
	ID string `json:"id"`
	// Parameter is an SSM parameter holding the AMI id, e.g.
	// /aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64.
	Parameter string `json:"parameter"`
}

// InstanceProfile lists the permissions a pool's or instance's role gets besides aot's own.
type InstanceProfile struct {
	// ManagedPolicyARNs are AWS managed policies (arn:aws:iam::aws:policy/<name>); *FullAccess
	// policies are refused.
	ManagedPolicyARNs []string `json:"managedPolicyArns"`
	// PolicyARNs are customer managed policies by a stable name (lowercase letters, digits,
	// hyphens) that names the attachment, e.g. {"data": "arn:aws:iam::123456789012:policy/data"}.
	PolicyARNs map[string]string `json:"policyArns"`
}

// Placement is a placement group: one aot creates for the pool or instance (strategy), or an
// existing one (name).
type Placement struct {
	// Strategy creates the placement group aot-<env>-<pool>: cluster (low latency, one zone),
	// spread (distinct racks, at most 7 members per zone: a larger pool lists more zones) or
	// partition.
	Strategy string `json:"strategy"`
	// PartitionCount is the number of partitions of a partition group, 1 to 7. Default 2.
	PartitionCount int `json:"partitionCount"`
	// Name is an existing placement group instead.
	Name string `json:"name"`
}

// RootVolume sizes the root volume, always encrypted gp3.
type RootVolume struct {
	// SizeGiB is 1 to 65536 and at least the image's snapshot (8 GiB for Amazon Linux 2023).
	// Default 30.
	SizeGiB int `json:"sizeGiB"`
	// DeviceName is the image's root device: /dev/xvda (default: Amazon Linux) or /dev/sda1 (e.g.
	// Ubuntu).
	DeviceName string `json:"deviceName"`
}

// Volume is an extra EBS volume of each member, always encrypted.
type Volume struct {
	// Name identifies the volume within its member (lowercase letters, digits, hyphens; at most
	// 32): it names the volume's resources, so keep it stable. Default the device's last part,
	// e.g. sdf.
	Name string `json:"name"`
	// DeviceName is where the member sees the volume: /dev/sdf to /dev/sdz or /dev/xvdf to
	// /dev/xvdz (required).
	DeviceName string `json:"deviceName"`
	// Type is gp3 (default), gp2, io1, io2, st1 or sc1.
	Type string `json:"type"`
	// SizeGiB is the size (required unless snapshotId gives it): gp2 1–16384, gp3 1–65536, io1
	// 4–16384, io2 4–65536, st1 and sc1 125–16384.
	SizeGiB int `json:"sizeGiB"`
	// IOPS provisions gp3 (3000–80000, at most 500 per GiB), io1 (100–64000, at most 50 per GiB) or
	// io2 (100–256000, at most 1000 per GiB) volumes; required for io1 and io2.
	IOPS int `json:"iops"`
	// ThroughputMiBs provisions a gp3 volume: 125–2000 MiB/s, at most a quarter of its IOPS.
	ThroughputMiBs int `json:"throughputMiBs"`
	// SnapshotID restores the volume from a snapshot (snap- and 8 or 17 hex digits).
	SnapshotID string `json:"snapshotId"`
	// SkipFinalSnapshot deletes the volume without the snapshot otherwise taken when it is
	// destroyed, e.g. for scratch space. Default false.
	SkipFinalSnapshot bool `json:"skipFinalSnapshot"`
}

// Tarball is one bootstrap stage: a directory or a .tar.gz in the repository, or an object in S3.
// aot stages it in its bucket under bootstrap/<sha256>.tar.gz, and hosts check the hash.
type Tarball struct {
	// Path is relative to the project directory (where Pulumi.yaml is): a directory with a
	// bootstrap.sh at its top, which strata packs into a tarball (at most 1 MiB compressed, as it is
	// kept in the Pulumi state), or a .tar.gz or .tgz file with bootstrap.sh at its top.
	Path string `json:"path"`
	// S3 is an object to copy instead, s3://<bucket>/<key>, readable by whoever runs pulumi up;
	// sha256 is then required.
	S3 string `json:"s3"`
	// SHA256 is the tarball's SHA-256 in lowercase hex: required with s3, and with path a pin the
	// content must match.
	SHA256 string `json:"sha256"`
}
