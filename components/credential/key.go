package credential

import (
	"fmt"
	"regexp"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-iac/strata/components/field"
	"github.com/strata-iac/strata/components/naming"
)

// Lengths of a generated key.
const (
	// DefaultKeyLength gives about 380 bits of entropy in letters and digits.
	DefaultKeyLength = 64
	// MinKeyLength keeps a key at least as strong as a generated password.
	MinKeyLength = PasswordLength
	// MaxKeyLength is far below Secrets Manager's 65,536 bytes of a secret value.
	MaxKeyLength = 4096
	// maxPurpose keeps the secret's description, "<purpose> of <app>-<env>", within Secrets
	// Manager's 2,048 characters.
	maxPurpose = 1024
)

// KeyArgs configures a Key.
type KeyArgs struct {
	// Group names the secret <app>-<env>-<group> (lowercase letters, digits and single hyphens, at
	// most 24; not ending in a hyphen and six characters), as for a login.
	Group string
	// Purpose says what the key is for, e.g. "Rails secret_key_base": the secret's description
	// (required, printable ASCII, at most 1,024 characters).
	Purpose string
	// Length is the number of letters and digits. Default 64; 32 to 4096.
	Length int
	// RecoveryWindowDays is as for a login (Args.RecoveryWindowDays): default 30 when protected, 0
	// otherwise; 0 or 7 to 30.
	RecoveryWindowDays *int
	// Naming names and tags the secret.
	Naming naming.Convention
	// Protect protects the secret.
	Protect bool
}

// Key is a generated random string alone in a Secrets Manager secret, for an app's own secrets (a
// session signing key, a token): the secret's value is the string itself, so a container reads it
// by the secret's name or ARN without a JSON key.
type Key struct {
	pulumi.ResourceState

	SecretARN  pulumi.StringOutput
	SecretName pulumi.StringOutput
	// Value is the secret's value: what reads the secret by name waits for it (depend on it, not on
	// the Key, whose children Pulumi's Go SDK attaches asynchronously).
	Value pulumi.Resource
}

var purposeRE = regexp.MustCompile(`^[\x20-\x7E]+$`)

// WithDefaults returns a copy of a with the documented defaults filled in.
func (a KeyArgs) WithDefaults() KeyArgs {
	if a.Length == 0 {
		a.Length = DefaultKeyLength
	}
	a.RecoveryWindowDays = Args{RecoveryWindowDays: a.RecoveryWindowDays, Protect: a.Protect}.WithDefaults().RecoveryWindowDays
	return a
}

// Validate reports every problem with the arguments, with the defaults applied.
func (a KeyArgs) Validate() error {
	a = a.WithDefaults()
	var errs field.Errors
	// A login's rules for the group, naming and recovery window, with a stand-in user name.
	errs.Merge("", Args{Username: "key", Group: a.Group, RecoveryWindowDays: a.RecoveryWindowDays, Naming: a.Naming, Protect: a.Protect}.Validate())
	if errs.Required("purpose", a.Purpose, "say what the key is for") && (len(a.Purpose) > maxPurpose || !purposeRE.MatchString(a.Purpose)) {
		errs.Add("purpose", "%q is not a description: use at most %d printable ASCII characters", a.Purpose, maxPurpose)
	}
	errs.Range("length", a.Length, MinKeyLength, MaxKeyLength, "characters")
	return errs.Err()
}

// NewKey creates a Key. Like a login's password, it is letters and digits only and is not rotated:
// the app reads it when it starts.
func NewKey(ctx *pulumi.Context, name string, args *KeyArgs, opts ...pulumi.ResourceOption) (*Key, error) {
	a := args.WithDefaults()
	if err := a.Validate(); err != nil {
		return nil, fmt.Errorf("key %s: %w", name, err)
	}
	k := &Key{}
	if err := ctx.RegisterComponentResource("strata:credential:Key", name, k, opts...); err != nil {
		return nil, err
	}
	arn, secretName, value, err := generate(ctx, name, k, generated{
		length: a.Length, group: a.Group, description: a.Purpose + " of " + a.Naming.App + "-" + a.Naming.Env,
		days: *a.RecoveryWindowDays, naming: a.Naming, protect: a.Protect,
		value: func(s string) (string, error) { return s, nil },
	})
	if err != nil {
		return nil, err
	}
	k.SecretARN, k.SecretName, k.Value = arn, secretName, value
	if err := ctx.RegisterResourceOutputs(k, pulumi.Map{"secretArn": k.SecretARN, "secretName": k.SecretName}); err != nil {
		return nil, err
	}
	return k, nil
}
