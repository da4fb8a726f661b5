package schema

import (
	"github.com/strata-iac/strata/components/filesystem"
)

// FileSystem configures an EFS file system.
type FileSystem struct {
	// Group names the file system: creation token and security group <app>-<env>-<group>. Default
	// files. It is part of the creation token, so changing it replaces the file system.
	Group string `json:"group"`
	// KMSKeyARN encrypts the file system with this customer managed key. Default: the AWS managed
	// key aws/elasticfilesystem. Changing it replaces the file system.
	KMSKeyARN string `json:"kmsKeyArn"`
	// ThroughputMode is elastic (default: pay per use, no burst credits to run out of) or bursting.
	// Changed in place, at most once a day.
	ThroughputMode string `json:"throughputMode"`
	// TransitionToIA moves files not read for this long to Infrequent Access; the first access
	// moves them back. Default AFTER_30_DAYS; AFTER_1_DAY, AFTER_7_DAYS, AFTER_14_DAYS,
	// AFTER_30_DAYS, AFTER_60_DAYS, AFTER_90_DAYS, AFTER_180_DAYS, AFTER_270_DAYS or
	// AFTER_365_DAYS.
	TransitionToIA string `json:"transitionToIa"`
	// Backup turns AWS Backup's daily backups of the file system on or off. Default true; only an
	// explicit false turns them off.
	Backup *bool `json:"backup"`
	// AccessPoints are the only way into the file system, by name; at most 10,000 (EFS's quota).
	// Default: the system's own.
	AccessPoints map[string]AccessPoint `json:"accessPoints"`
	// Sync refreshes one access point from an S3 prefix on a schedule (DataSync). Default: no sync.
	Sync *Sync `json:"sync"`
}

// AccessPoint confines its clients to one directory, as one POSIX user.
type AccessPoint struct {
	// Path is the directory the clients see as their root (required): absolute, canonical, never /,
	// at most four levels. EFS creates it on first use with the owner and permissions below.
	// Changing it replaces the access point, not the files.
	Path string `json:"path"`
	// UID is the POSIX user of every request through the access point. Default 1000; 1 to
	// 4294967295, 0 (root) only with allowRoot.
	UID *int `json:"uid"`
	// GID is the POSIX group of every request through the access point. Default 1000; 1 to
	// 4294967295, 0 (root) only with allowRoot.
	GID *int `json:"gid"`
	// Permissions are the mode of the directory EFS creates: 3 or 4 octal digits. Default 0750.
	Permissions string `json:"permissions"`
	// OwnerUID owns the directory EFS creates. Default: uid.
	OwnerUID *int `json:"ownerUid"`
	// OwnerGID is the group of the directory EFS creates. Default: gid.
	OwnerGID *int `json:"ownerGid"`
	// AllowRoot permits uid or gid 0 on this access point. Default false.
	AllowRoot bool `json:"allowRoot"`
}

// Sync is a scheduled DataSync copy from an S3 prefix into an access point.
type Sync struct {
	// AccessPoint names the access point the files are copied into (required).
	AccessPoint string `json:"accessPoint"`
	// BucketPrefix is the S3 prefix copied from, e.g. authorities/: no leading slash, ending in one,
	// at most 1024 bytes. Required, unless the system supplies it (the lookup: its
	// authorities.bucketPrefix). The whole bucket is never copied, nor can DataSync read outside the
	// prefix.
	BucketPrefix string `json:"bucketPrefix"`
	// Subdirectory is where the files land, from the access point's root. Default /.
	Subdirectory string `json:"subdirectory"`
	// Schedule is a cron(...) or rate(...) expression in UTC, at least an hour apart. Default
	// cron(0 3 * * ? *), daily at 03:00.
	Schedule string `json:"schedule"`
	// RemoveDeleted deletes files whose objects were deleted from the prefix. Default false: a sync
	// only adds and overwrites.
	RemoveDeleted bool `json:"removeDeleted"`
	// BucketKMSKeyARN is the key of an SSE-KMS bucket; DataSync's role may decrypt with it.
	// Default: none (SSE-S3).
	BucketKMSKeyARN string `json:"bucketKmsKeyArn"`
	// LogRetentionDays keeps the task's CloudWatch logs this long. Default 30; one of CloudWatch
	// Logs' retention periods.
	LogRetentionDays int `json:"logRetentionDays"`
}

// Args returns the file system's arguments.
func (c FileSystem) Args() filesystem.Args {
	a := filesystem.Args{
		Group:          c.Group,
		KMSKeyARN:      c.KMSKeyARN,
		ThroughputMode: c.ThroughputMode,
		TransitionToIA: c.TransitionToIA,
		Backup:         clonePtr(c.Backup),
	}
	if c.AccessPoints != nil {
		a.AccessPoints = map[string]filesystem.AccessPoint{}
		for k, ap := range c.AccessPoints {
			a.AccessPoints[k] = filesystem.AccessPoint{Path: ap.Path, UID: clonePtr(ap.UID), GID: clonePtr(ap.GID),
				Permissions: ap.Permissions, OwnerUID: clonePtr(ap.OwnerUID), OwnerGID: clonePtr(ap.OwnerGID), AllowRoot: ap.AllowRoot}
		}
	}
	if c.Sync != nil {
		s := filesystem.Sync(*c.Sync)
		a.Sync = &s
	}
	return a
}
