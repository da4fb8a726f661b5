package bootstrap

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-iac/strata/components/bucket"
	"github.com/strata-iac/strata/components/role"
)

// keyToken stands for the secrets key's ARN in rendered policies until the key exists.
const keyToken = "${strata:secretsKeyArn}"

// Key settings: yearly rotation (AWS's default period) and the longest deletion window, so that a
// key scheduled for deletion by mistake can be recovered for 30 days.
const (
	keyDeletionWindowDays = 30
	keyRotationDays       = 365
)

// Bootstrap is the state bucket, the secrets key, the GitHub identity provider and the CI roles.
type Bootstrap struct {
	pulumi.ResourceState

	// Outputs are exported as the stack output "bootstrap": loginUrl, secretsProvider, stateBucket,
	// keyArn, keyAlias, oidcProviderArn, previewRoleArn and deployRoleArns (by stage).
	Outputs pulumi.Map
}

// New creates the bootstrap of plan p.
func New(ctx *pulumi.Context, name string, p Plan, opts ...pulumi.ResourceOption) (*Bootstrap, error) {
	part, err := aws.GetPartition(ctx, nil)
	if err != nil {
		return nil, err
	}
	caller, err := aws.GetCallerIdentity(ctx, nil)
	if err != nil {
		return nil, err
	}
	account := Account{Partition: part.Partition, ID: caller.AccountId, KeyARN: keyToken}
	roles := append([]Role{p.Preview}, p.Deploy...)
	docs := make([][]Document, len(roles))
	measured := strings.NewReplacer(keyToken, placeholder.KeyARN)
	for i, r := range roles {
		if docs[i], err = p.Documents(r, account); err != nil {
			return nil, err
		}
		for _, d := range docs[i] {
			if n := nonSpace(measured.Replace(d.JSON)); n > maxPolicyChars {
				return nil, fmt.Errorf("bootstrap %s: role %s: policy %s is %d characters: IAM allows %d", name, r.Name, d.Group, n, maxPolicyChars)
			}
		}
	}
	keyPolicyJSON, err := keyPolicy(part.Partition, caller.AccountId)
	if err != nil {
		return nil, err
	}

	b := &Bootstrap{}
	if err := ctx.RegisterComponentResource("strata:system:Bootstrap", name, b, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(b)

	providerARN := pulumi.String(p.OIDCProviderARN).ToStringOutput()
	if p.OIDCProviderARN == "" {
		// No thumbprint: IAM verifies GitHub's certificate against its own trusted root CAs, so a
		// pinned thumbprint would only break at GitHub's next certificate change.
		provider, err := iam.NewOpenIdConnectProvider(ctx, name+"-github", &iam.OpenIdConnectProviderArgs{
			Url:           pulumi.String("https://" + role.GitHubIssuer),
			ClientIdLists: pulumi.StringArray{pulumi.String(role.STSAudience)},
			Tags:          pulumi.ToStringMap(p.Naming.Tags("github")),
		}, parent)
		if err != nil {
			return nil, err
		}
		providerARN = provider.Arn
	}

	logs, err := bucket.New(ctx, name+"-state-logs", &p.Logs, parent)
	if err != nil {
		return nil, err
	}
	state, err := bucket.New(ctx, name+"-state", &p.State, parent, pulumi.DependsOn([]pulumi.Resource{logs.Policy}))
	if err != nil {
		return nil, err
	}

	key, err := kms.NewKey(ctx, name+"-secrets", &kms.KeyArgs{
		Description:          pulumi.String("Encrypts the secrets of the " + p.Project + " stacks (Pulumi secrets provider awskms)"),
		EnableKeyRotation:    pulumi.Bool(true),
		RotationPeriodInDays: pulumi.Int(keyRotationDays),
		DeletionWindowInDays: pulumi.Int(keyDeletionWindowDays),
		Policy:               pulumi.String(keyPolicyJSON),
		Tags:                 pulumi.ToStringMap(p.Naming.Tags("secrets")),
	}, parent, pulumi.Protect(true))
	if err != nil {
		return nil, err
	}
	if _, err := kms.NewAlias(ctx, name+"-secrets", &kms.AliasArgs{
		Name:        pulumi.String(p.KeyAlias),
		TargetKeyId: key.KeyId,
	}, parent); err != nil {
		return nil, err
	}
	withKey := func(json string) pulumi.StringOutput {
		return key.Arn.ApplyT(func(arn string) string { return strings.ReplaceAll(json, keyToken, arn) }).(pulumi.StringOutput)
	}

	arns := make([]pulumi.StringOutput, len(roles))
	for i, r := range roles {
		logical := name + "-" + strings.TrimPrefix(r.Name, p.Naming.Name(""))
		description := "GitHub Actions of " + p.Repository + ": pulumi preview of pull requests, read-only"
		if r.Stage != "" {
			description = "GitHub Actions of " + p.Repository + ": pulumi up of stage " + r.Stage + " (GitHub environment " + r.Environment + ")"
		}
		tags := p.Naming.Tags(strings.TrimPrefix(r.Name, p.Naming.Name("")))
		attach := map[string]pulumi.StringInput{}
		for _, d := range docs[i][1:] {
			pol, err := iam.NewPolicy(ctx, logical+"-"+d.Group, &iam.PolicyArgs{
				Name:        pulumi.String(r.Name + "-" + d.Group),
				Description: pulumi.String("Permissions of role " + r.Name + ": " + d.Group),
				Policy:      withKey(d.JSON),
				Tags:        pulumi.ToStringMap(tags),
			}, parent)
			if err != nil {
				return nil, err
			}
			attach[d.Group] = pol.Arn
		}
		created, err := role.New(ctx, logical, &role.Args{
			Name:                      r.Name,
			Description:               description,
			OIDC:                      []role.OIDC{role.GitHubOIDC(providerARN, r.Subjects...)},
			MaxSessionDurationSeconds: p.MaxSessionDurationSeconds,
			Policy:                    withKey(docs[i][0].JSON),
			Attach:                    attach,
			Tags:                      tags,
		}, parent)
		if err != nil {
			return nil, err
		}
		arns[i] = created.ARN
	}

	deploy := pulumi.StringMap{}
	for i, r := range p.Deploy {
		deploy[r.Stage] = arns[i+1]
	}
	b.Outputs = pulumi.Map{
		"loginUrl":        pulumi.String(p.LoginURL()),
		"secretsProvider": pulumi.String(p.SecretsProvider()),
		"stateBucket":     state.Name,
		"keyArn":          key.Arn,
		"keyAlias":        pulumi.String(p.KeyAlias),
		"oidcProviderArn": providerARN,
		"previewRoleArn":  arns[0],
		"deployRoleArns":  deploy,
	}
	if err := ctx.RegisterResourceOutputs(b, b.Outputs); err != nil {
		return nil, err
	}
	return b, nil
}
