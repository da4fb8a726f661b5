package credential_test

import (
	"encoding/json"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-iac/strata/components/credential"
	"github.com/strata-iac/strata/components/naming"
	"github.com/strata-iac/strata/internal/mock"
	"github.com/strata-iac/strata/internal/mocktest"
)

const (
	typeSecret   = "aws:secretsmanager/secret:Secret"
	typeVersion  = "aws:secretsmanager/secretVersion:SecretVersion"
	typePassword = "random:index/randomPassword:RandomPassword"
)

var conv = naming.Convention{App: "lookup", Env: "test", Owner: "ld4p"}

func run(t *testing.T, args ...credential.Args) *mock.Result {
	t.Helper()
	return mocktest.Run(t, func(ctx *pulumi.Context) error {
		for _, a := range args {
			c, err := credential.New(ctx, a.Group, &a)
			if err != nil {
				return err
			}
			ctx.Export(a.Group+"Arn", c.SecretARN)
			ctx.Export(a.Group+"Name", c.SecretName)
		}
		return nil
	})
}

func TestCredential(t *testing.T) {
	res := run(t, credential.Args{Username: "qa", Group: "mariadb", Naming: conv, Protect: true})
	secret := mocktest.One(t, res, typeSecret)
	assert.Equal(t, "lookup-test-mariadb", secret.In("name"))
	assert.Equal(t, "Login qa of lookup-test-mariadb", secret.In("description"))
	assert.True(t, secret.Protect)
	assert.Equal(t, "arn:aws:secretsmanager:us-east-1:123456789012:secret:lookup-test-mariadb-AbCdEf", res.Outputs["mariadbArn"])
	assert.Equal(t, "lookup-test-mariadb", res.Outputs["mariadbName"])
	version := mocktest.One(t, res, typeVersion)
	assert.True(t, version.Inputs["secretString"].ContainsSecrets(), "the secret string must be a Pulumi secret")
	var login map[string]string
	require.NoError(t, json.Unmarshal([]byte(version.In("secretString").(string)), &login))
	assert.Equal(t, "qa", login["username"])
	assert.NotEmpty(t, login["password"])
	assert.Equal(t, secret.ID, version.In("secretId"))
	pw := mocktest.One(t, res, typePassword)
	assertAlphanumeric(t, pw, 32)
	mocktest.CheckTags(t, res, map[string]string{"App": "lookup", "Env": "test", "Owner": "ld4p"})
}

// assertAlphanumeric checks that a random password renders letters and digits only, of length n:
// the random provider draws specials unless told not to, and an override set would add some.
func assertAlphanumeric(t *testing.T, pw *mock.Resource, n int) {
	t.Helper()
	assert.Equal(t, float64(n), pw.In("length"))
	assert.Equal(t, false, pw.In("special"), "letters and digits only: YAML, shell and URL safe")
	assert.Nil(t, pw.In("overrideSpecial"))
	for _, k := range []string{"upper", "lower", "numeric"} {
		assert.NotEqual(t, false, pw.In(k), "%s characters keep the entropy", k)
	}
}

// Unprotected secrets are deleted at once, so a stage destroyed and deployed again can create its
// fixed-name secret right away; protected ones keep a recovery window.
func TestRecoveryWindow(t *testing.T) {
	days := func(n int) *int { return &n }
	for _, tc := range []struct {
		name    string
		protect bool
		days    *int
		want    float64
	}{
		{"unprotected default", false, nil, 0},
		{"protected default", true, nil, 30},
		{"protected, shorter", true, days(7), 7},
		{"unprotected with a window", false, days(14), 14},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := credential.Args{Username: "qa", Group: "mariadb", Naming: conv, Protect: tc.protect, RecoveryWindowDays: tc.days}
			res := run(t, a)
			assert.Equal(t, tc.want, mocktest.One(t, res, typeSecret).In("recoveryWindowInDays"))
			assert.Equal(t, tc.days, a.RecoveryWindowDays, "New must not change the caller's args")
		})
	}
}

// A system that needs two logins (MariaDB's app user and its root) creates two credentials with
// their own groups: two secrets, two passwords.
func TestTwoLogins(t *testing.T) {
	res := run(t,
		credential.Args{Username: "qa", Group: "mariadb", Naming: conv},
		credential.Args{Username: "root", Group: "mariadb-root", Naming: conv},
	)
	require.Len(t, res.ByType(typeSecret), 2)
	assert.Equal(t, "lookup-test-mariadb-root", mocktest.Named(t, res, typeSecret, "mariadb-root").In("name"))
	assert.Equal(t, "mariadb-root", mocktest.Tags(mocktest.Named(t, res, typeSecret, "mariadb-root"))["Group"])
	logins := map[string]string{}
	for _, v := range res.ByType(typeVersion) {
		var login map[string]string
		require.NoError(t, json.Unmarshal([]byte(v.In("secretString").(string)), &login))
		logins[login["username"]] = login["password"]
	}
	require.Len(t, logins, 2)
	assert.NotEqual(t, logins["qa"], logins["root"], "each login has its own password")
	assert.NotEqual(t, res.Outputs["mariadbArn"], res.Outputs["mariadb-rootArn"])
	mocktest.CheckTags(t, res, map[string]string{"App": "lookup", "Env": "test", "Owner": "ld4p"})
}

func TestInvalidArgs(t *testing.T) {
	days := func(n int) *int { return &n }
	for _, tc := range []struct {
		name string
		args credential.Args
		want []string
	}{
		{"username", credential.Args{Username: "Root User", Group: "db", Naming: conv}, []string{`username: "Root User" is not allowed`}},
		{"missing username", credential.Args{Group: "db", Naming: conv}, []string{"username: is required"}},
		{"long username", credential.Args{Username: "application-owner", Group: "db", Naming: conv}, []string{`username: "application-owner" is 17 characters long: use at most 16`}},
		{"group", credential.Args{Username: "qa", Group: "MariaDB", Naming: conv}, []string{`group: "MariaDB" is not allowed`}},
		{"long group", credential.Args{Username: "qa", Group: "mariadb-application-login", Naming: conv}, []string{"use at most 24"}},
		{"name like an ARN suffix", credential.Args{Username: "qa", Group: "db-backup", Naming: conv},
			[]string{`group: the secret name "lookup-test-db-backup" ends with a hyphen and six characters`}},
		{"protected without window", credential.Args{Username: "qa", Group: "db", Naming: conv, Protect: true, RecoveryWindowDays: days(0)},
			[]string{"recoveryWindowDays: 0 deletes a protected secret without recovery: use 7 to 30 days"}},
		{"window too short", credential.Args{Username: "qa", Group: "db", Naming: conv, RecoveryWindowDays: days(6)},
			[]string{"recoveryWindowDays: 6 is out of range: use 0 (delete at once) or 7 to 30 days"}},
		{"window too long", credential.Args{Username: "qa", Group: "db", Naming: conv, RecoveryWindowDays: days(31)},
			[]string{"recoveryWindowDays: 31 is out of range"}},
		{"naming", credential.Args{Username: "qa", Group: "db", Naming: naming.Convention{App: "lookup", Env: "Test"}},
			[]string{`naming.env: "Test" is not allowed`, "naming.owner: is required"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mocktest.Refused(t, func(ctx *pulumi.Context) error {
				_, err := credential.New(ctx, "db", &tc.args)
				return err
			}, tc.want...)
		})
	}
}

// A key is a secret whose value is the generated string itself, so that a container reads it by
// the secret's name; it is letters and digits, as long as asked.
func TestKey(t *testing.T) {
	res := mocktest.Run(t, func(ctx *pulumi.Context) error {
		k, err := credential.NewKey(ctx, "lookup-secret-key-base", &credential.KeyArgs{
			Group: "secret-key-base", Purpose: "Rails secret_key_base", Length: 128, Naming: conv, Protect: true,
		})
		if err != nil {
			return err
		}
		ctx.Export("arn", k.SecretARN)
		ctx.Export("name", k.SecretName)
		return nil
	})
	secret := mocktest.One(t, res, typeSecret)
	assert.Equal(t, "lookup-test-secret-key-base", secret.In("name"))
	assert.Equal(t, "Rails secret_key_base of lookup-test", secret.In("description"))
	assert.Equal(t, float64(30), secret.In("recoveryWindowInDays"))
	assert.True(t, secret.Protect)
	assert.Equal(t, "lookup-test-secret-key-base", res.Outputs["name"])
	pw := mocktest.One(t, res, typePassword)
	assertAlphanumeric(t, pw, 128)
	version := mocktest.One(t, res, typeVersion)
	assert.True(t, version.Inputs["secretString"].ContainsSecrets())
	assert.Equal(t, pw.Out("result"), version.In("secretString"), "the value is the key itself, not JSON")
	mocktest.CheckTags(t, res, map[string]string{"App": "lookup", "Env": "test", "Owner": "ld4p", "Group": "secret-key-base"})
}

func TestInvalidKeyArgs(t *testing.T) {
	for _, tc := range []struct {
		name string
		args credential.KeyArgs
		want []string
	}{
		{"missing", credential.KeyArgs{Naming: conv}, []string{"group: must not be empty", "purpose: is required"}},
		{"short", credential.KeyArgs{Group: "token", Purpose: "a token", Length: 16, Naming: conv}, []string{"length: 16 is out of range"}},
		{"purpose", credential.KeyArgs{Group: "token", Purpose: "line\nbreak", Naming: conv}, []string{"purpose:", "printable ASCII"}},
		{"window", credential.KeyArgs{Group: "token", Purpose: "a token", Naming: conv, Protect: true, RecoveryWindowDays: new(int)},
			[]string{"recoveryWindowDays: 0 deletes a protected secret"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mocktest.Refused(t, func(ctx *pulumi.Context) error {
				_, err := credential.NewKey(ctx, "key", &tc.args)
				return err
			}, tc.want...)
		})
	}
}
