package image

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"github.com/strata-iac/strata/components/field"
	"github.com/strata-iac/strata/components/fleet"
	"github.com/strata-iac/strata/components/logs"
	"github.com/strata-iac/strata/components/naming"
)

// Image Builder's limits (the imagebuilder 2019-12-02 API model: ResourceName, NonEmptyString,
// InlineComponentData, AmiNameString, EbsVolumeSizeInteger, ResourceTagMap, TagKey, TagValue,
// SsmParameterName, ImageTestsTimeoutMinutes).
const (
	// maxName leaves room for "-{{imagebuilder:buildDate}}" in the AMI's name (at most 127
	// characters) and for "-<component>" in component names (at most 128).
	maxName          = 100
	maxResourceName  = 128
	maxDescription   = 1024
	maxDocument      = 16000
	maxAMIName       = 127
	minRootGiB       = 8 // Amazon Linux 2023's root snapshot
	maxRootGiB       = 16000
	maxImageTags     = 30 // resource tags of build instances; AMI tags allow 50
	maxTagKey        = 128
	maxTagValue      = 256
	maxParameter     = 1011
	maxParentParam   = 1024 - len("ssm:")
	maxSchedule      = 1024
	minTestMinutes   = 60
	maxTestMinutes   = 1440
	maxComponentName = 32
	// LifecyclePolicyDetailFilterValue; the AMI exclusion TagMap.
	minKeepImages = 1
	maxKeepImages = 1000
	maxRetainTags = 50
)

var (
	parameterRE = regexp.MustCompile(`^[a-zA-Z0-9_.\-/]+$`)
	tagKeyRE    = regexp.MustCompile(`^[a-zA-Z0-9\s_.:/=+\-@]*$`)
	scheduleRE  = regexp.MustCompile(`^cron\(.+\)$`)
	// Phases AWSTOE runs: build on the build instance, validate there after the build, test on an
	// instance launched from the new AMI.
	phases = []string{"build", "validate", "test"}
	// Credentials that have no business in an image anyone allowed to launch it can read.
	secrets = []struct {
		what string
		re   *regexp.Regexp
	}{
		{"an AWS access key id", regexp.MustCompile(`\b(AKIA|ASIA)[0-9A-Z]{16}\b`)},
		{"an AWS secret access key", regexp.MustCompile(`(?i)aws_secret_access_key`)},
		{"a private key", regexp.MustCompile(`-----BEGIN [A-Z ]*PRIVATE KEY-----`)},
	}
)

// Validate reports every problem with the arguments after defaults, each at its path in lower
// camel case, e.g. "components[0].document", "imageTags.Name".
func (a Args) Validate() error {
	a = a.WithDefaults()
	var errs field.Errors
	errs.Merge("naming", a.Naming.Validate())
	errs.Check("group", naming.Identifier(a.Group, 32))
	if !errs.Covers("naming") && !errs.Covers("group") {
		errs.Check("group", naming.RoleName(a.physical()))
		if !errs.Covers("group") {
			errs.Check("group", naming.RoleName(a.lifecycleRole()))
		}
	}
	errs.Range("keepImages", a.KeepImages, minKeepImages, maxKeepImages, "images")
	errs.Check("name", naming.Identifier(a.Name, maxName))
	if n := utf8.RuneCountInString(a.Description); n > maxDescription {
		errs.Add("description", "is %d characters long: Image Builder allows at most %d", n, maxDescription)
	}
	a.checkComponents(&errs)
	a.checkBuild(&errs)
	a.checkTags(&errs)
	switch {
	case !strings.HasPrefix(a.Parameter, ParameterRoot) || len(a.Parameter) == len(ParameterRoot):
		errs.Add("parameter", "%q is outside %s: Image Builder may write parameters below it only, e.g. %s%s", a.Parameter, ParameterRoot, ParameterRoot, a.Name)
	case len(a.Parameter) > maxParameter || !parameterRE.MatchString(a.Parameter) || strings.HasSuffix(a.Parameter, "/"):
		errs.Add("parameter", "%q is not an SSM parameter name: use at most %d letters, digits and _ . - /, not ending in /", a.Parameter, maxParameter)
	}
	if a.Schedule != "" && (len(a.Schedule) > maxSchedule || !scheduleRE.MatchString(a.Schedule)) {
		errs.Add("schedule", "%q is not a schedule: use an Image Builder cron expression of at most %d characters, e.g. cron(0 4 ? * mon *)", a.Schedule, maxSchedule)
	}
	errs.Range("testTimeoutMinutes", a.TestTimeoutMinutes, minTestMinutes, maxTestMinutes, "minutes")
	errs.Check("logRetentionDays", logs.CheckRetention(a.LogRetentionDays))
	if a.VPCID == nil {
		errs.Add("vpcId", "is required: the build instances' security group belongs to one VPC")
	}
	if a.SubnetID == nil {
		errs.Add("subnetId", "is required: name the private subnet builds run in")
	}
	return errs.Err()
}

func (a Args) checkComponents(errs *field.Errors) {
	if len(a.Components) == 0 {
		errs.Add("components", "is required: give at least one build component")
	}
	seen := map[string]bool{}
	for i, c := range a.Components {
		p := field.Index("components", i)
		if errs.Check(field.Join(p, "name"), naming.Identifier(c.Name, maxComponentName)); !errs.Covers(field.Join(p, "name")) {
			if seen[c.Name] {
				errs.Add(field.Join(p, "name"), "%q is used by another component: component names must be unique", c.Name)
			}
			seen[c.Name] = true
			if full := a.Name + "-" + c.Name; len(full) > maxResourceName {
				errs.Add(field.Join(p, "name"), "gives the component name %q of %d characters: Image Builder allows %d", full, len(full), maxResourceName)
			}
		}
		if n := utf8.RuneCountInString(c.Description); n > maxDescription {
			errs.Add(field.Join(p, "description"), "is %d characters long: Image Builder allows at most %d", n, maxDescription)
		}
		errs.Merge(field.Join(p, "document"), checkDocument(c.Document))
	}
}

// document is the part of an AWSTOE component document strata checks.
type document struct {
	SchemaVersion any `yaml:"schemaVersion"`
	Phases        []struct {
		Name  string `yaml:"name"`
		Steps []struct {
			Name   string `yaml:"name"`
			Action string `yaml:"action"`
		} `yaml:"steps"`
	} `yaml:"phases"`
}

// checkDocument checks a component document's size, credentials and shape, so that a broken
// document fails before a build that takes half an hour.
func checkDocument(s string) error {
	var errs field.Errors
	switch n := utf8.RuneCountInString(s); {
	case n == 0:
		return fmt.Errorf("is required: give the component document (YAML)")
	case n > maxDocument:
		errs.Add("", "is %d characters long: Image Builder takes at most %d inline; split it into several components", n, maxDocument)
	}
	if strings.ContainsRune(s, 0) {
		errs.Add("", "holds a NUL character, which Image Builder refuses")
	}
	for _, secret := range secrets {
		if secret.re.MatchString(s) {
			errs.Add("", "holds what looks like %s: anyone allowed to launch the image can read it; fetch secrets at run time from Secrets Manager or Parameter Store", secret.what)
		}
	}
	var doc document
	if err := yaml.Unmarshal([]byte(s), &doc); err != nil {
		errs.Add("", "is not YAML: %v", err)
		return errs.Err()
	}
	if doc.SchemaVersion == nil {
		errs.Add("schemaVersion", "is required: use 1.0")
	}
	if len(doc.Phases) == 0 {
		errs.Add("phases", "is required: give a build phase, and validate and test phases to check the image")
	}
	seen := map[string]bool{}
	for i, ph := range doc.Phases {
		p := field.Index("phases", i)
		switch {
		case !slices.Contains(phases, ph.Name):
			errs.Add(field.Join(p, "name"), "%q is not a phase: use %s", ph.Name, strings.Join(phases, ", "))
		case seen[ph.Name]:
			errs.Add(field.Join(p, "name"), "%q is listed twice", ph.Name)
		}
		seen[ph.Name] = true
		if len(ph.Steps) == 0 {
			errs.Add(field.Join(p, "steps"), "is empty: give the phase at least one step")
		}
		steps := map[string]bool{}
		for j, st := range ph.Steps {
			sp := field.Index(field.Join(p, "steps"), j)
			switch {
			case st.Name == "":
				errs.Add(field.Join(sp, "name"), "is required: name the step")
			case steps[st.Name]:
				errs.Add(field.Join(sp, "name"), "%q is used by another step of the phase", st.Name)
			}
			steps[st.Name] = true
			errs.Required(field.Join(sp, "action"), st.Action, "name the AWSTOE action, e.g. ExecuteBash")
		}
	}
	return errs.Err()
}

func (a Args) checkBuild(errs *field.Errors) {
	if n := len(a.AMIName()); n > maxAMIName {
		errs.Add("name", "gives the AMI name %q of %d characters: Image Builder allows %d", a.AMIName(), n, maxAMIName)
	}
	if len(a.ParentParameter) > maxParentParam || !parameterRE.MatchString(a.ParentParameter) {
		errs.Add("parentParameter", "%q is not an SSM parameter name: use at most %d letters, digits and _ . - /, e.g. %s", a.ParentParameter, maxParentParam, fleet.AMIParameter(fleet.ArchX86))
	}
	errs.OneOf("architecture", a.Architecture, fleet.ArchX86, fleet.ArchARM)
	seen := map[string]bool{}
	for i, t := range a.InstanceTypes {
		p := field.Index("instanceTypes", i)
		got, ok := fleet.InstanceArchitecture(t)
		switch {
		case !ok:
			errs.Add(p, "%q is not an instance type: use family.size in lowercase, e.g. t3.large or m7g.large", t)
		case (a.Architecture == fleet.ArchX86 || a.Architecture == fleet.ArchARM) && got != a.Architecture:
			errs.Add(p, "%q is %s but the image is %s: builds run on the parent's architecture", t, got, a.Architecture)
		case seen[t]:
			errs.Add(p, "%q is listed twice", t)
		}
		seen[t] = true
	}
	errs.Range("rootVolumeGiB", a.RootVolumeGiB, minRootGiB, maxRootGiB, "GiB")
	errs.OneOf("rootDevice", a.RootDevice, DefaultRootDevice, "/dev/sda1")
}

func (a Args) checkTags(errs *field.Errors) {
	if n := len(a.ImageTags); n > maxImageTags {
		errs.Add("imageTags", "lists %d tags: build instances take at most %d", n, maxImageTags)
	}
	checkTagMap(errs, "imageTags", a.ImageTags)
	if n := len(a.RetainTags); n > maxRetainTags {
		errs.Add("retainTags", "lists %d tags: a lifecycle policy excludes AMIs by at most %d", n, maxRetainTags)
	}
	checkTagMap(errs, "retainTags", a.RetainTags)
}

// checkTagMap checks the keys and values of the tag map at path.
func checkTagMap(errs *field.Errors, path string, tags map[string]string) {
	for _, k := range slices.Sorted(maps.Keys(tags)) {
		p := field.Join(path, k)
		switch {
		case k == "" || len(k) > maxTagKey:
			errs.Add(p, "tag keys must be 1 to %d characters long", maxTagKey)
		case strings.HasPrefix(strings.ToLower(k), "aws:"):
			errs.Add(p, "the aws: prefix is reserved by AWS: choose another key")
		case !tagKeyRE.MatchString(k):
			errs.Add(p, "%q has characters Image Builder does not allow in tag keys: use letters, digits, spaces and _ . : / = + - @", k)
		}
		if v := tags[k]; len(v) > maxTagValue {
			errs.Add(p, "the value is %d characters long: use at most %d", len(v), maxTagValue)
		}
	}
}
