package naming

import (
	"fmt"
	"maps"
	"net/netip"
	"regexp"
	"slices"
	"strings"

	"github.com/strata-iac/strata/components/field"
)

// Tag keys of the convention, in the order they are merged.
const (
	TagName  = "Name"
	TagApp   = "App"
	TagEnv   = "Env"
	TagGroup = "Group"
	TagOwner = "Owner"
)

var reservedTags = []string{TagName, TagApp, TagEnv, TagGroup, TagOwner}

// AWS accepts at most 50 tags on a resource. Tag keys may have 128 characters in most services
// but only 127 in EC2 (Tag.Key in the EC2 API reference), which every system uses.
const (
	maxTags   = 50
	maxTagKey = 127
)

// Convention names and tags the resources of one app in one environment.
type Convention struct {
	// App is the system, e.g. "kotta" (lowercase letters, digits, hyphens; at most 16).
	App string
	// Env is the environment, e.g. "staging" (same shape as App).
	Env string
	// Owner is the accountable team or person, written to the Owner tag.
	Owner string
	// Extra tags from config; they may not redefine the convention's own keys.
	Extra map[string]string
}

// Name returns the physical name "<app>-<env>-<group>".
func (c Convention) Name(group string) string {
	return c.App + "-" + c.Env + "-" + group
}

// Tags returns the tags for a resource of group: Name, then App, Env, Group, Owner, then the extras.
// Validate guarantees the extras cannot overwrite the convention's keys.
func (c Convention) Tags(group string) map[string]string {
	tags := make(map[string]string, len(reservedTags)+len(c.Extra))
	maps.Copy(tags, c.Extra)
	tags[TagName] = c.Name(group)
	tags[TagApp] = c.App
	tags[TagEnv] = c.Env
	tags[TagGroup] = group
	tags[TagOwner] = c.Owner
	return tags
}

var (
	identifierRE = regexp.MustCompile(`^[a-z][a-z0-9]*(-[a-z0-9]+)*$`)
	tagRE        = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$`)
)

// Identifier checks an app, env or group name: a lowercase letter, then lowercase letters, digits and
// single hyphens, at most max characters. Such names are valid in every AWS name strata derives.
func Identifier(s string, max int) error {
	switch {
	case s == "":
		return fmt.Errorf("must not be empty: use lowercase letters, digits and hyphens, starting with a letter")
	case len(s) > max:
		return fmt.Errorf("%q is %d characters long: use at most %d", s, len(s), max)
	case !identifierRE.MatchString(s):
		return fmt.Errorf("%q is not allowed: use lowercase letters, digits and single hyphens, starting with a letter", s)
	}
	return nil
}

// Validate checks app, env, owner and the extra tags; paths are "app", "env", "owner" and "tags.<key>".
func (c Convention) Validate() error {
	var errs field.Errors
	errs.Check("app", Identifier(c.App, 16))
	errs.Check("env", Identifier(c.Env, 16))
	if errs.Required("owner", strings.TrimSpace(c.Owner), "name the accountable team or person (the Owner tag)") {
		errs.Check("owner", tagValue(c.Owner))
	}
	if n := len(c.Extra) + len(reservedTags); n > maxTags {
		errs.Add("tags", "%d extra tags leave no room: AWS allows %d tags and the convention uses %d", len(c.Extra), maxTags, len(reservedTags))
	}
	for _, k := range slices.Sorted(maps.Keys(c.Extra)) {
		path := field.Join("tags", k)
		for _, r := range reservedTags {
			if strings.EqualFold(k, r) {
				errs.Add(path, "%q is set by the naming convention: choose another key", k)
			}
		}
		switch {
		case k == "" || len(k) > maxTagKey:
			errs.Add(path, "tag keys must be 1 to %d characters long", maxTagKey)
		case strings.HasPrefix(strings.ToLower(k), "aws:"):
			errs.Add(path, "the aws: prefix is reserved by AWS: choose another key")
		case !tagRE.MatchString(k):
			errs.Add(path, "%q has characters AWS does not allow in tag keys: use letters, digits, spaces and _ . : / = + - @", k)
		}
		errs.Check(path, tagValue(c.Extra[k]))
	}
	return errs.Err()
}

func tagValue(v string) error {
	if len(v) > 256 {
		return fmt.Errorf("tag values must be at most 256 characters long")
	}
	if !tagRE.MatchString(v) {
		return fmt.Errorf("%q has characters AWS does not allow in tag values: use letters, digits, spaces and _ . : / = + - @", v)
	}
	return nil
}

var bucketRE = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]*[a-z0-9]$`)

// BucketName checks the S3 general purpose bucket naming rules.
func BucketName(s string) error {
	const use = "use lowercase letters, digits, dots and hyphens"
	switch {
	case len(s) < 3 || len(s) > 63:
		return fmt.Errorf("%q is not a valid S3 bucket name: it must be 3 to 63 characters long", s)
	case !bucketRE.MatchString(s):
		return fmt.Errorf("%q is not a valid S3 bucket name: %s, starting and ending with a letter or digit", s, use)
	case strings.Contains(s, ".."):
		return fmt.Errorf("%q is not a valid S3 bucket name: two dots may not be adjacent", s)
	case isIPv4(s):
		return fmt.Errorf("%q is not a valid S3 bucket name: it may not look like an IP address", s)
	}
	for _, p := range []string{"xn--", "sthree-", "amzn-s3-demo-"} {
		if strings.HasPrefix(s, p) {
			return fmt.Errorf("%q is not a valid S3 bucket name: the prefix %q is reserved", s, p)
		}
	}
	for _, suffix := range []string{"-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"} {
		if strings.HasSuffix(s, suffix) {
			return fmt.Errorf("%q is not a valid S3 bucket name: the suffix %q is reserved", s, suffix)
		}
	}
	return nil
}

func isIPv4(s string) bool {
	a, err := netip.ParseAddr(s)
	return err == nil && a.Is4()
}

var roleRE = regexp.MustCompile(`^[\w+=,.@-]+$`)

// RoleName checks the IAM role (and instance profile, policy) naming rules.
func RoleName(s string) error {
	switch {
	case len(s) < 1 || len(s) > 64:
		return fmt.Errorf("%q is not a valid IAM role name: it must be 1 to 64 characters long", s)
	case !roleRE.MatchString(s):
		return fmt.Errorf("%q is not a valid IAM role name: use letters, digits and + = , . @ _ -", s)
	}
	return nil
}

var tableRE = regexp.MustCompile(`^[A-Za-z0-9_.-]+$`)

// TableName checks the DynamoDB table naming rules.
func TableName(s string) error {
	switch {
	case len(s) < 3 || len(s) > 255:
		return fmt.Errorf("%q is not a valid DynamoDB table name: it must be 3 to 255 characters long", s)
	case !tableRE.MatchString(s):
		return fmt.Errorf("%q is not a valid DynamoDB table name: use letters, digits and _ . -", s)
	}
	return nil
}
