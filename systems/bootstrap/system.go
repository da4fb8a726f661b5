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

// keyToken stands for a stage's secrets key's ARN in rendered policies until the key exists.
func keyToken(stage string) string { return "${strata:secretsKeyArn:" + stage + "}" }

// Key settings: yearly rotation (AWS's default period) and the longest deletion window, so that a
// key scheduled for deletion by mistake can be recovered for 30 days.
const (
	keyDeletionWindowDays = 30
	keyRotationDays       = 365
)

// Bootstrap is the state bucket, the secrets key, the GitHub identity provider and the CI roles.
type Bootstrap struct {
	pulumi.ResourceState

	// Outputs are exported as the stack output "bootstrap": loginUrl, secretsProvider (the
	// bootstrap stack's own), stateBucket, keyArn and keyAlias (its own key), oidcProviderArn, and
	// by stage secretsProviders, previewRoleArns and deployRoleArns.
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
	roles := p.Roles()
	docs := make([][]Document, len(roles))
	var placeholders []string
	for _, r := range p.Deploy {
		placeholders = append(placeholders, keyToken(r.Stage), placeholderKey)
	}
	measured := strings.NewReplacer(placeholders...)
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

	// One key per stack: a role that may decrypt one stage's secrets cannot decrypt another's.
	newKey := func(logical, alias, group, what string) (*kms.Key, error) {
		key, err := kms.NewKey(ctx, logical, &kms.KeyArgs{
			Description:          pulumi.String("Encrypts the secrets of " + what + " (Pulumi secrets provider awskms)"),
			EnableKeyRotation:    pulumi.Bool(true),
			RotationPeriodInDays: pulumi.Int(keyRotationDays),
			DeletionWindowInDays: pulumi.Int(keyDeletionWindowDays),
			Policy:               pulumi.String(keyPolicyJSON),
			Tags:                 pulumi.ToStringMap(p.Naming.Tags(group)),
		}, parent, pulumi.Protect(true))
		if err != nil {
			return nil, err
		}
		_, err = kms.NewAlias(ctx, logical, &kms.AliasArgs{Name: pulumi.String(alias), TargetKeyId: key.KeyId}, parent)
		return key, err
	}
	key, err := newKey(name+"-secrets", p.KeyAlias, "secrets", "the bootstrap stack")
	if err != nil {
		return nil, err
	}
	var tokens pulumi.StringArray
	providers := pulumi.StringMap{}
	for _, r := range p.Deploy {
		k, err := newKey(name+"-secrets-"+r.Stage, r.KeyAlias, "secrets-"+r.Stage, "stack "+p.Project+"/"+r.Stage)
		if err != nil {
			return nil, err
		}
		tokens = append(tokens, pulumi.String(keyToken(r.Stage)), k.Arn)
		providers[r.Stage] = pulumi.String(p.SecretsProvider(r.KeyAlias))
	}
	withKey := func(json string) pulumi.StringOutput {
		return tokens.ToStringArrayOutput().ApplyT(func(pairs []string) string {
			return strings.NewReplacer(pairs...).Replace(json)
		}).(pulumi.StringOutput)
	}

	arns := make([]pulumi.StringOutput, len(roles))
	for i, r := range roles {
		logical := name + "-" + strings.TrimPrefix(r.Name, p.Naming.Name(""))
		description := "GitHub Actions of " + p.Repository + ": pulumi up of stage " + r.Stage + " (GitHub environment " + r.Environment + ")"
		if r.Preview {
			description = "GitHub Actions of " + p.Repository + ": pulumi preview of stage " + r.Stage + " in pull requests, read-only (GitHub environment " + r.Environment + ")"
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

	preview, deploy := pulumi.StringMap{}, pulumi.StringMap{}
	for i, r := range roles {
		if r.Preview {
			preview[r.Stage] = arns[i]
		} else {
			deploy[r.Stage] = arns[i]
		}
	}
	b.Outputs = pulumi.Map{
		"loginUrl":         pulumi.String(p.LoginURL()),
		"secretsProvider":  pulumi.String(p.SecretsProvider(p.KeyAlias)),
		"secretsProviders": providers,
		"stateBucket":      state.Name,
		"keyArn":           key.Arn,
		"keyAlias":         pulumi.String(p.KeyAlias),
		"oidcProviderArn":  providerARN,
		"previewRoleArns":  preview,
		"deployRoleArns":   deploy,
	}
	if err := ctx.RegisterResourceOutputs(b, b.Outputs); err != nil {
		return nil, err
	}
	return b, nil
}
