package fleet

import (
	"regexp"
	"slices"

	"github.com/strata-iac/strata/components/field"
)

// EBS volume types a fleet offers (the magnetic "standard" is a previous generation).
const (
	GP3 = "gp3"
	GP2 = "gp2"
	IO1 = "io1"
	IO2 = "io2"
	ST1 = "st1"
	SC1 = "sc1"
)

// Volume is an encrypted EBS volume: a launch template's scratch volume (Args.BlockDevices) or a
// named instance's data volume (Instance.Volumes), which outlives its instance.
type Volume struct {
	// Name identifies a data volume within its instance (lowercase letters, digits, hyphens; at
	// most 32): it names the volume's resources, so it must stay stable. Unused for BlockDevices.
	Name string
	// DeviceName is where the instance sees the volume: /dev/sd[f-z] or /dev/xvd[f-z], the names
	// EC2 recommends for EBS volumes on Linux.
	DeviceName string
	// Type is GP3 (default), GP2, IO1, IO2, ST1 or SC1.
	Type string
	// SizeGiB is the size (required unless SnapshotID gives it): gp2 1–16384, gp3 1–65536,
	// io1 4–16384, io2 4–65536, st1 and sc1 125–16384.
	SizeGiB int
	// IOPS provisions gp3 (3000–80000, at most 500 per GiB above the 3000 baseline), io1
	// (100–64000, at most 50 per GiB) or io2 (100–256000, at most 1000 per GiB) volumes;
	// required for io1 and io2.
	IOPS int
	// ThroughputMiBs provisions a gp3 volume, 125–2000 MiB/s and at most a quarter of its IOPS.
	ThroughputMiBs int
	// SnapshotID restores the volume from a snapshot (snap- and 8 or 17 hex digits).
	SnapshotID string
	// SkipFinalSnapshot deletes a data volume without the snapshot otherwise taken when it is
	// destroyed (e.g. scratch data). Unused for BlockDevices.
	SkipFinalSnapshot bool
}

// volumeLimits are EBS's per type (CreateVolume Size and Iops in the EC2 API reference; the
// ratios from the EBS User Guide, "Amazon EBS volume types").
type volumeLimits struct {
	minGiB, maxGiB   int
	minIOPS, maxIOPS int
	iopsPerGiB       int
	iopsRequired     bool
	baselineIOPS     int // IOPS a gp3 volume has without provisioning, free of the ratio
	throughput       bool
	minMiBs, maxMiBs int
}

var volumeTypes = map[string]volumeLimits{
	GP3: {minGiB: 1, maxGiB: 65536, minIOPS: 3000, maxIOPS: 80000, iopsPerGiB: 500, baselineIOPS: 3000, throughput: true, minMiBs: 125, maxMiBs: 2000},
	GP2: {minGiB: 1, maxGiB: 16384},
	IO1: {minGiB: 4, maxGiB: 16384, minIOPS: 100, maxIOPS: 64000, iopsPerGiB: 50, iopsRequired: true},
	IO2: {minGiB: 4, maxGiB: 65536, minIOPS: 100, maxIOPS: 256000, iopsPerGiB: 1000, iopsRequired: true},
	ST1: {minGiB: 125, maxGiB: 16384},
	SC1: {minGiB: 125, maxGiB: 16384},
}

// gp3 throughput is at most 0.25 MiB/s per provisioned IOPS.
const iopsPerMiBs = 4

var (
	dataDeviceRE = regexp.MustCompile(`^/dev/(sd|xvd)[f-z]$`)
	snapshotRE   = regexp.MustCompile(`^snap-([0-9a-f]{8}|[0-9a-f]{17})$`)
)

// Root device names of the images strata supports.
var rootDevices = []string{"/dev/xvda", "/dev/sda1"}

// validate reports the problems of a volume; paths are its fields' camel-case names.
func (v Volume) validate() error {
	var errs field.Errors
	if !dataDeviceRE.MatchString(v.DeviceName) {
		errs.Add("deviceName", "%q is not a device name for an EBS volume: use /dev/sdf to /dev/sdz or /dev/xvdf to /dev/xvdz", v.DeviceName)
	}
	if v.SnapshotID != "" && !snapshotRE.MatchString(v.SnapshotID) {
		errs.Add("snapshotId", "%q is not a snapshot id: use snap- and 8 or 17 hex digits", v.SnapshotID)
	}
	if v.SizeGiB == 0 && v.SnapshotID == "" {
		errs.Add("sizeGiB", "is required: give the size, or a snapshot to take it from")
	}
	checkPerformance(&errs, v)
	return errs.Err()
}

// checkPerformance checks size, IOPS and throughput against the volume type.
func checkPerformance(errs *field.Errors, v Volume) {
	l, ok := volumeTypes[v.Type]
	if !ok {
		errs.OneOf("type", v.Type, GP3, GP2, IO1, IO2, ST1, SC1)
		return
	}
	if v.SizeGiB != 0 {
		errs.Range("sizeGiB", v.SizeGiB, l.minGiB, l.maxGiB, "GiB for "+v.Type)
	}
	switch {
	case l.maxIOPS == 0 && v.IOPS != 0:
		errs.Add("iops", "%s volumes take no provisioned IOPS: remove it, or use gp3, io1 or io2", v.Type)
	case l.iopsRequired && v.IOPS == 0:
		errs.Add("iops", "is required for %s volumes: use %d to %d", v.Type, l.minIOPS, l.maxIOPS)
	case v.IOPS != 0 && (v.IOPS < l.minIOPS || v.IOPS > l.maxIOPS):
		errs.Range("iops", v.IOPS, l.minIOPS, l.maxIOPS, "IOPS for "+v.Type)
	case v.IOPS > l.baselineIOPS && v.SizeGiB != 0 && v.IOPS > l.iopsPerGiB*v.SizeGiB:
		errs.Add("iops", "%d IOPS need at least %d GiB: %s allows %d IOPS per GiB", v.IOPS, (v.IOPS+l.iopsPerGiB-1)/l.iopsPerGiB, v.Type, l.iopsPerGiB)
	}
	if v.ThroughputMiBs == 0 {
		return
	}
	iops := max(v.IOPS, l.baselineIOPS)
	switch {
	case !l.throughput:
		errs.Add("throughputMiBs", "only gp3 volumes take a provisioned throughput, not %s", v.Type)
	case v.ThroughputMiBs < l.minMiBs || v.ThroughputMiBs > l.maxMiBs:
		errs.Range("throughputMiBs", v.ThroughputMiBs, l.minMiBs, l.maxMiBs, "MiB/s")
	case v.ThroughputMiBs*iopsPerMiBs > iops:
		errs.Add("throughputMiBs", "%d MiB/s needs at least %d IOPS: gp3 allows 0.25 MiB/s per IOPS, and the volume has %d", v.ThroughputMiBs, v.ThroughputMiBs*iopsPerMiBs, iops)
	}
}

// validate checks the root volume, which is always gp3.
func (r RootVolume) validate() error {
	var errs field.Errors
	if !slices.Contains(rootDevices, r.DeviceName) {
		errs.OneOf("deviceName", r.DeviceName, rootDevices...)
	}
	checkPerformance(&errs, Volume{Type: GP3, SizeGiB: r.SizeGiB, IOPS: r.IOPS, ThroughputMiBs: r.ThroughputMiBs})
	return errs.Err()
}

// deviceTaken records device names per instance and reports a second use.
func deviceTaken(errs *field.Errors, seen map[string]string, path, device string) {
	if prev, ok := seen[device]; ok {
		errs.Add(path, "%s is already used by %s: every volume of an instance needs its own device", device, prev)
		return
	}
	seen[device] = path
}
