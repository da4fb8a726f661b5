package database

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/pulumi/pulumi-random/sdk/v4/go/random"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Final snapshot names are <prefix>-final-<suffix>, the suffix SnapshotSuffixBytes random bytes in
// hexadecimal.
const (
	SnapshotSuffixBytes = 4
	snapshotInfix       = "-final-"
	// maxSnapshotName is RDS's limit on snapshot identifiers (DeleteDBInstance
	// FinalDBSnapshotIdentifier, CreateDBSnapshot); Lightsail allows the same length.
	maxSnapshotName = 255
	// MaxSnapshotPrefix is the longest prefix whose final snapshot name stays within that limit.
	MaxSnapshotPrefix = maxSnapshotName - len(snapshotInfix) - 2*SnapshotSuffixBytes
)

// snapshotPrefixRE is what both RDS and Lightsail accept at the start of a snapshot name: a letter,
// then letters, digits and single hyphens, not ending with a hyphen. The hex suffix keeps the rest
// within the same rules.
var snapshotPrefixRE = regexp.MustCompile(`^[A-Za-z](?:-?[A-Za-z0-9])*$`)

// CheckSnapshotPrefix checks the prefix of a final snapshot name: 1 to MaxSnapshotPrefix letters,
// digits and hyphens, starting with a letter, no two hyphens in a row, not ending with a hyphen
// (RDS's rules for DB snapshot identifiers, which also satisfy Lightsail's for its snapshots).
func CheckSnapshotPrefix(prefix string) error {
	switch {
	case len(prefix) == 0 || len(prefix) > MaxSnapshotPrefix:
		return fmt.Errorf("%q cannot prefix a final snapshot name: use 1 to %d characters (snapshot names are at most %d)", prefix, MaxSnapshotPrefix, maxSnapshotName)
	case !snapshotPrefixRE.MatchString(prefix):
		return fmt.Errorf("%q cannot prefix a final snapshot name: use letters, digits and single hyphens, starting with a letter and not ending with a hyphen", prefix)
	}
	return nil
}

// FinalSnapshotName returns the name of the snapshot a database takes when it is deleted:
// "<prefix>-final-<8 hex digits>". The suffix is a random.RandomId, a child named name+"-final-snapshot"
// (pass pulumi.Parent with opts) whose keepers are replaceOn: the inputs that replace the database
// when they change. So the name stays the same across deployments of one database (the id lives in
// the state), and a database that replaces an earlier one, or a stage deployed again after a
// destroy, gets a new name instead of colliding with the snapshot its predecessor left behind.
// Pass every replacing input, with its rendered value; a missing one lets a replacement reuse the
// old name, and the deletion then fails because that snapshot exists. Used by this package's RDS
// instances and by Lightsail databases (components/lightsail).
func FinalSnapshotName(ctx *pulumi.Context, name, prefix string, replaceOn map[string]string, opts ...pulumi.ResourceOption) (pulumi.StringOutput, error) {
	if err := CheckSnapshotPrefix(prefix); err != nil {
		return pulumi.StringOutput{}, fmt.Errorf("final snapshot of %s: %w", name, err)
	}
	if len(replaceOn) == 0 {
		return pulumi.StringOutput{}, fmt.Errorf("final snapshot of %s: name the inputs that replace the database (replaceOn), or the name would never change", name)
	}
	keepers := pulumi.StringMap{}
	for _, k := range slices.Sorted(maps.Keys(replaceOn)) {
		keepers[k] = pulumi.String(replaceOn[k])
	}
	id, err := random.NewRandomId(ctx, name+"-final-snapshot", &random.RandomIdArgs{
		ByteLength: pulumi.Int(SnapshotSuffixBytes),
		Keepers:    keepers,
	}, opts...)
	if err != nil {
		return pulumi.StringOutput{}, err
	}
	return id.Hex.ApplyT(func(hex string) string {
		return prefix + snapshotInfix + strings.ToLower(hex)
	}).(pulumi.StringOutput), nil
}
