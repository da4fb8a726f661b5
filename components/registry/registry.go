package registry

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ecr"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-iac/strata/components/field"
	"github.com/strata-iac/strata/components/naming"
)

// DockerHubURL is the upstream registry URL ECR takes for Docker Hub (CreatePullThroughCacheRule
// upstreamRegistryUrl).
const DockerHubURL = "registry-1.docker.io"

// CredentialPrefix starts the name of every secret a pull-through cache rule may use: ECR reads
// upstream credentials only from secrets so named.
const CredentialPrefix = "ecr-pullthroughcache/"

// Limits of CreatePullThroughCacheRule's ecrRepositoryPrefix (ECR API reference).
const (
	minPrefix = 2
	maxPrefix = 30
)

// The lifecycle of every cached repository: an image a tag no longer points to (Docker Hub moved
// the tag, and the cache fetched the new image) expires after UntaggedDays; beyond the KeepImages
// most recent images, older ones expire. An expired image that a task asks for again is simply
// fetched again from Docker Hub.
const (
	UntaggedDays = 14
	KeepImages   = 20
)

var (
	// prefixRE is ECR's pattern for a repository prefix, without its trailing slash and ROOT.
	prefixRE     = regexp.MustCompile(`^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$`)
	credentialRE = regexp.MustCompile(`^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:` + regexp.QuoteMeta(CredentialPrefix) + `[A-Za-z0-9/_+=.@-]+$`)
	// dockerHubHosts are the names under which an image reference may name Docker Hub.
	dockerHubHosts = []string{"docker.io", "index.docker.io", "registry-1.docker.io"}
)

// Args configures a Cache.
type Args struct {
	// Prefix is the repository prefix of the cached images in the private registry (required): 2
	// to 30 characters, lowercase letters and digits in groups separated by ., _, - or /. It must
	// be unique in the account's registry in the region.
	Prefix string
	// CredentialARN is the Secrets Manager secret holding the Docker Hub login, a JSON object with
	// "username" and "accessToken" (required: ECR caches Docker Hub only with credentials). Its
	// name must start with ecr-pullthroughcache/.
	CredentialARN string
	// Naming names the component.
	Naming naming.Convention
}

// Cache is a pull-through cache rule for Docker Hub.
type Cache struct {
	pulumi.ResourceState

	// Prefix is the rule's repository prefix.
	Prefix string
	// RegistryID is the account whose private registry holds the cached repositories.
	RegistryID pulumi.StringOutput
	// Ready are the rule and its repository creation template, which the first pull needs:
	// services that pull through the cache wait for them (service.Args.CacheReady).
	Ready []pulumi.Resource
}

// CheckPrefix checks a repository prefix against ECR's rules.
func CheckPrefix(p string) error {
	switch {
	case len(p) < minPrefix || len(p) > maxPrefix:
		return fmt.Errorf("%q is %d characters long: ECR takes a repository prefix of %d to %d", p, len(p), minPrefix, maxPrefix)
	case !prefixRE.MatchString(p):
		return fmt.Errorf("%q is not a repository prefix: use lowercase letters and digits in groups separated by ., _, - or /", p)
	}
	return nil
}

// Validate reports every problem with the arguments.
func (a Args) Validate() error {
	var errs field.Errors
	if errs.Required("prefix", a.Prefix, "name the repository prefix of the cached images, e.g. docker-hub") {
		errs.Check("prefix", CheckPrefix(a.Prefix))
	}
	if errs.Required("credentialArn", a.CredentialARN, "create a secret named "+CredentialPrefix+"<name> with the Docker Hub username and accessToken, and give its ARN") &&
		!credentialRE.MatchString(a.CredentialARN) {
		errs.Add("credentialArn", "%q is not the ARN of a secret named %s<name>: ECR reads upstream credentials only from such secrets", a.CredentialARN, CredentialPrefix)
	}
	return errs.Err()
}

// New creates a Cache.
func New(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*Cache, error) {
	var errs field.Errors
	errs.Merge("naming", args.Naming.Validate())
	errs.Merge("", args.Validate())
	if err := errs.Err(); err != nil {
		return nil, fmt.Errorf("registry %s: %w", name, err)
	}
	c := &Cache{Prefix: args.Prefix}
	if err := ctx.RegisterComponentResource("strata:registry:Cache", name, c, opts...); err != nil {
		return nil, err
	}
	// The rule has no tags: ECR's pull-through cache rules are not taggable.
	rule, err := ecr.NewPullThroughCacheRule(ctx, name, &ecr.PullThroughCacheRuleArgs{
		EcrRepositoryPrefix: pulumi.String(args.Prefix),
		UpstreamRegistryUrl: pulumi.String(DockerHubURL),
		CredentialArn:       pulumi.String(args.CredentialARN),
	}, pulumi.Parent(c))
	if err != nil {
		return nil, err
	}
	// The settings of the repositories the cache creates on first pull; ECR applies the template
	// whose prefix is the rule's. No resource tags: they would need a custom role for ECR to
	// assume, and the repositories are found by their prefix.
	lifecycle, err := LifecyclePolicy()
	if err != nil {
		return nil, err
	}
	template, err := ecr.NewRepositoryCreationTemplate(ctx, name, &ecr.RepositoryCreationTemplateArgs{
		Prefix:             pulumi.String(args.Prefix),
		AppliedFors:        pulumi.StringArray{pulumi.String("PULL_THROUGH_CACHE")},
		Description:        pulumi.String("Repositories of the Docker Hub pull-through cache " + args.Prefix),
		ImageTagMutability: pulumi.String("MUTABLE"),
		EncryptionConfigurations: ecr.RepositoryCreationTemplateEncryptionConfigurationArray{
			&ecr.RepositoryCreationTemplateEncryptionConfigurationArgs{EncryptionType: pulumi.String("AES256")},
		},
		LifecyclePolicy: pulumi.String(lifecycle),
	}, pulumi.Parent(c))
	if err != nil {
		return nil, err
	}
	c.RegistryID = rule.RegistryId
	c.Ready = []pulumi.Resource{rule, template}
	if err := ctx.RegisterResourceOutputs(c, pulumi.Map{"prefix": pulumi.String(c.Prefix), "registryId": c.RegistryID}); err != nil {
		return nil, err
	}
	return c, nil
}

// LifecyclePolicy is the lifecycle policy of the cached repositories (see UntaggedDays and
// KeepImages), as ECR's JSON.
func LifecyclePolicy() (string, error) {
	type selection struct {
		TagStatus   string `json:"tagStatus"`
		CountType   string `json:"countType"`
		CountUnit   string `json:"countUnit,omitempty"`
		CountNumber int    `json:"countNumber"`
	}
	type rule struct {
		RulePriority int               `json:"rulePriority"`
		Description  string            `json:"description"`
		Selection    selection         `json:"selection"`
		Action       map[string]string `json:"action"`
	}
	expire := map[string]string{"type": "expire"}
	b, err := json.Marshal(map[string][]rule{"rules": {
		{1, fmt.Sprintf("Images no tag points to, after %d days", UntaggedDays),
			selection{TagStatus: "untagged", CountType: "sinceImagePushed", CountUnit: "days", CountNumber: UntaggedDays}, expire},
		// A rule for any tag status must have the lowest priority (highest number).
		{2, fmt.Sprintf("Beyond the %d most recent images", KeepImages),
			selection{TagStatus: "any", CountType: "imageCountMoreThan", CountNumber: KeepImages}, expire},
	}})
	return string(b), err
}

// DockerHub returns the Docker Hub repository an image reference names (library/<name> for an
// official image) and what follows the name (":<tag>", "@sha256:…" or both); ok is false for an
// image of another registry.
func DockerHub(image string) (repository, ref string, ok bool) {
	name := image
	if i := strings.Index(name, "@"); i >= 0 {
		name, ref = name[:i], name[i:]
	}
	if i := strings.LastIndex(name, ":"); i > strings.LastIndex(name, "/") {
		name, ref = name[:i], name[i:]+ref
	}
	// A first component with a dot or a colon, or localhost, is a registry host.
	if host, rest, found := strings.Cut(name, "/"); found && (strings.ContainsAny(host, ".:") || host == "localhost") {
		if !slices.Contains(dockerHubHosts, host) {
			return "", "", false
		}
		name = rest
	}
	if !strings.Contains(name, "/") {
		name = "library/" + name
	}
	return name, ref, true
}

// Image returns the reference under which the private registry of account in region serves a
// Docker Hub image through the cache with prefix; other images are returned unchanged.
func Image(image, prefix, account, region, dnsSuffix string) string {
	repo, ref, ok := DockerHub(image)
	if !ok {
		return image
	}
	return fmt.Sprintf("%s.dkr.ecr.%s.%s/%s/%s%s", account, region, dnsSuffix, prefix, repo, ref)
}
