package registry

import (
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
	c.RegistryID = rule.RegistryId
	if err := ctx.RegisterResourceOutputs(c, pulumi.Map{"prefix": pulumi.String(c.Prefix), "registryId": c.RegistryID}); err != nil {
		return nil, err
	}
	return c, nil
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
