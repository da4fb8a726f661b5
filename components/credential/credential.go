package credential

import (
	"encoding/json"
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/secretsmanager"
	"github.com/pulumi/pulumi-random/sdk/v4/go/random"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-iac/strata/components/field"
	"github.com/strata-iac/strata/components/naming"
)

// Args configures a Credential.
type Args struct {
	// Username is the login's user name (required; lowercase letters, digits and underscores,
	// starting with a letter, at most 16 characters).
	Username string
	// Group names the secret <app>-<env>-<group>.
	Group string
	// Naming names and tags the secret.
	Naming naming.Convention
	// Protect protects the secret: losing it locks the database's users out.
	Protect bool
}

// Credential is a generated login in Secrets Manager.
type Credential struct {
	pulumi.ResourceState

	// SecretARN is the secret holding {"username": …, "password": …}.
	SecretARN pulumi.StringOutput
}

// Validate reports every problem with the arguments.
func (a Args) Validate() error {
	var errs field.Errors
	errs.Merge("naming", a.Naming.Validate())
	errs.Check("group", naming.Identifier(a.Group, 24))
	if errs.Required("username", a.Username, "name the database user") {
		errs.Check("username", naming.Identifier(a.Username, 16))
	}
	return errs.Err()
}

// New creates a Credential.
func New(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*Credential, error) {
	if err := args.Validate(); err != nil {
		return nil, fmt.Errorf("credential %s: %w", name, err)
	}
	c := &Credential{}
	if err := ctx.RegisterComponentResource("strata:credential:Credential", name, c, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(c)
	password, err := random.NewRandomPassword(ctx, name, &random.RandomPasswordArgs{
		Length: pulumi.Int(32),
		// Quotes, backslashes, @ and / break connection strings and shell quoting.
		OverrideSpecial: pulumi.String("!#%*+-=?^_~"),
	}, parent)
	if err != nil {
		return nil, err
	}
	secret, err := secretsmanager.NewSecret(ctx, name, &secretsmanager.SecretArgs{
		Name:                 pulumi.String(args.Naming.Name(args.Group)),
		Description:          pulumi.String("Login " + args.Username + " of " + args.Naming.Name(args.Group)),
		RecoveryWindowInDays: pulumi.Int(30),
		Tags:                 pulumi.ToStringMap(args.Naming.Tags(args.Group)),
	}, parent, pulumi.Protect(args.Protect))
	if err != nil {
		return nil, err
	}
	value := pulumi.ToSecret(password.Result.ApplyT(func(p string) (string, error) {
		b, err := json.Marshal(map[string]string{"username": args.Username, "password": p})
		return string(b), err
	})).(pulumi.StringOutput)
	if _, err := secretsmanager.NewSecretVersion(ctx, name, &secretsmanager.SecretVersionArgs{
		SecretId:     secret.ID(),
		SecretString: value,
	}, parent); err != nil {
		return nil, err
	}
	c.SecretARN = secret.Arn
	if err := ctx.RegisterResourceOutputs(c, pulumi.Map{"secretArn": c.SecretARN}); err != nil {
		return nil, err
	}
	return c, nil
}
