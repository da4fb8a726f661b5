package credential

import (
	"encoding/json"
	"fmt"
	"regexp"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/secretsmanager"
	"github.com/pulumi/pulumi-random/sdk/v4/go/random"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-iac/strata/components/field"
	"github.com/strata-iac/strata/components/naming"
)

// Recovery windows of a deleted secret, in days (Secrets Manager DeleteSecret).
const (
	// DefaultProtectedRecoveryDays keeps a protected secret restorable for the longest window
	// Secrets Manager offers.
	DefaultProtectedRecoveryDays = 30
	minRecoveryDays              = 7
	maxRecoveryDays              = 30
)

// Limits of the generated login.
const (
	// PasswordLength is the generated password's length: 32 letters and digits, about 190 bits of
	// entropy (32 · log2 62).
	PasswordLength = 32
	// maxUsername keeps user names within what every MySQL and MariaDB version accepts.
	maxUsername = 16
	// maxGroup keeps <app>-<env>-<group> a readable secret name; Secrets Manager allows 512.
	maxGroup = 24
)

// Args configures a Credential.
type Args struct {
	// Username is the login's user name (required; lowercase letters, digits and single hyphens,
	// starting with a letter, at most 16 characters).
	Username string
	// Group names the secret <app>-<env>-<group> (lowercase letters, digits and single hyphens, at
	// most 24). Each login has its own group: a system that needs two logins (an app user and the
	// database's root) creates two credentials, e.g. groups "mariadb" and "mariadb-root".
	Group string
	// RecoveryWindowDays is how long a deleted secret can be restored, during which its name cannot
	// be used again. Default: 30 when protected; 0 otherwise, which deletes the secret at once so
	// that the next deployment of a destroyed stage can create it again. 0 or 7 to 30; a protected
	// secret needs a window.
	RecoveryWindowDays *int
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
	// SecretName is the secret's name, <app>-<env>-<group>.
	SecretName pulumi.StringOutput
}

// RecoveryWindow is the recovery window of a secret strata creates: DefaultProtectedRecoveryDays
// when protected; 0 otherwise, which deletes the secret at once, so that the next deployment of a
// destroyed stage can create it again under its name.
func RecoveryWindow(protect bool) int {
	if protect {
		return DefaultProtectedRecoveryDays
	}
	return 0
}

// WithDefaults returns a copy of a with the documented defaults filled in.
func (a Args) WithDefaults() Args {
	days := RecoveryWindow(a.Protect)
	if a.RecoveryWindowDays != nil {
		days = *a.RecoveryWindowDays
	}
	a.RecoveryWindowDays = &days
	return a
}

// ambiguousSuffix matches a secret name ending in a hyphen and six characters, which Secrets
// Manager's partial-ARN lookup confuses with the random suffix it appends to every secret ARN.
var ambiguousSuffix = regexp.MustCompile(`-[^-]{6}$`)

// Validate reports every problem with the arguments, with the defaults applied.
func (a Args) Validate() error {
	a = a.WithDefaults()
	var errs field.Errors
	namingErr := a.Naming.Validate()
	errs.Merge("naming", namingErr)
	groupErr := naming.Identifier(a.Group, maxGroup)
	errs.Check("group", groupErr)
	if name := a.Naming.Name(a.Group); namingErr == nil && groupErr == nil && ambiguousSuffix.MatchString(name) {
		errs.Add("group", "the secret name %q ends with a hyphen and six characters, which Secrets Manager confuses with the suffix of its ARNs: use a group whose last part is not six characters long", name)
	}
	if errs.Required("username", a.Username, "name the database user") {
		errs.Check("username", naming.Identifier(a.Username, maxUsername))
	}
	switch days := *a.RecoveryWindowDays; {
	case days == 0 && a.Protect:
		errs.Add("recoveryWindowDays", "0 deletes a protected secret without recovery: use %d to %d days", minRecoveryDays, maxRecoveryDays)
	case days != 0 && (days < minRecoveryDays || days > maxRecoveryDays):
		errs.Add("recoveryWindowDays", "%d is out of range: use 0 (delete at once) or %d to %d days", days, minRecoveryDays, maxRecoveryDays)
	}
	return errs.Err()
}

// New creates a Credential.
//
// The password is letters and digits only. Apps paste it where quoting is not theirs to choose:
// qa_server's database.yml puts it unquoted into YAML (a leading *, !, %, & or # breaks the app
// or turns the password into nil), and images pass it to a server through an unquoted shell
// command line. 32 such characters keep about 190 bits of entropy.
//
// The secret has no rotation, a deliberate exception: the login belongs to a database strata runs
// itself (MariaDB in a container) or creates in a database it does not own the password of (an
// app's login on RDS), whose password is set only when the database initialises or a task starts,
// so a new secret value alone would not change the password in the database. Rotating it needs a
// rotation function that logs into that database, which a Lambda function cannot reach (the
// container is found through ECS Service Connect, which only ECS tasks resolve), and the app, which
// reads the password at start, would have to be restarted. RDS databases rotate their own secret.
func New(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*Credential, error) {
	a := args.WithDefaults()
	if err := a.Validate(); err != nil {
		return nil, fmt.Errorf("credential %s: %w", name, err)
	}
	c := &Credential{}
	if err := ctx.RegisterComponentResource("strata:credential:Credential", name, c, opts...); err != nil {
		return nil, err
	}
	username := a.Username
	arn, secretName, _, err := generate(ctx, name, c, generated{
		length: PasswordLength, group: a.Group, description: "Login " + username + " of " + a.Naming.Name(a.Group),
		days: *a.RecoveryWindowDays, naming: a.Naming, protect: a.Protect,
		value: func(p string) (string, error) {
			b, err := json.Marshal(map[string]string{"username": username, "password": p})
			return string(b), err
		},
	})
	if err != nil {
		return nil, err
	}
	c.SecretARN, c.SecretName = arn, secretName
	if err := ctx.RegisterResourceOutputs(c, pulumi.Map{"secretArn": c.SecretARN, "secretName": c.SecretName}); err != nil {
		return nil, err
	}
	return c, nil
}

// generated is a secret whose value is made from a random string of letters and digits.
type generated struct {
	length             int
	group, description string
	days               int
	naming             naming.Convention
	protect            bool
	// value turns the random string into the secret's value.
	value func(string) (string, error)
}

// generate registers the random string, the secret <app>-<env>-<group> and its value below parent,
// and returns the secret's ARN and name and the value's resource.
func generate(ctx *pulumi.Context, name string, parent pulumi.Resource, g generated) (pulumi.StringOutput, pulumi.StringOutput, pulumi.Resource, error) {
	none := pulumi.StringOutput{}
	opt := pulumi.Parent(parent)
	chars, err := random.NewRandomPassword(ctx, name, &random.RandomPasswordArgs{
		Length: pulumi.Int(g.length),
		// Letters and digits only: safe unquoted in YAML, shell command lines and URLs.
		Special: pulumi.Bool(false),
	}, opt)
	if err != nil {
		return none, none, nil, err
	}
	secret, err := secretsmanager.NewSecret(ctx, name, &secretsmanager.SecretArgs{
		Name:        pulumi.String(g.naming.Name(g.group)),
		Description: pulumi.String(g.description),
		// 0 makes the provider delete without recovery: a fixed name would otherwise stay blocked
		// ("scheduled for deletion") for the whole window after a destroy.
		RecoveryWindowInDays: pulumi.Int(g.days),
		Tags:                 pulumi.ToStringMap(g.naming.Tags(g.group)),
	}, opt, pulumi.Protect(g.protect))
	if err != nil {
		return none, none, nil, err
	}
	value := pulumi.ToSecret(chars.Result.ApplyT(g.value)).(pulumi.StringOutput)
	version, err := secretsmanager.NewSecretVersion(ctx, name, &secretsmanager.SecretVersionArgs{
		SecretId:     secret.ID(),
		SecretString: value,
	}, opt)
	if err != nil {
		return none, none, nil, err
	}
	return secret.Arn, secret.Name, version, nil
}
