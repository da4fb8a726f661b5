package credential_test

import (
	"encoding/json"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-iac/strata/components/credential"
	"github.com/strata-iac/strata/components/naming"
	"github.com/strata-iac/strata/internal/mocktest"
)

var conv = naming.Convention{App: "lookup", Env: "test", Owner: "ld4p"}

func TestCredential(t *testing.T) {
	res := mocktest.Run(t, func(ctx *pulumi.Context) error {
		c, err := credential.New(ctx, "db", &credential.Args{Username: "qa", Group: "mariadb", Naming: conv, Protect: true})
		if err != nil {
			return err
		}
		ctx.Export("arn", c.SecretARN)
		return nil
	})
	secret := mocktest.One(t, res, "aws:secretsmanager/secret:Secret")
	mocktest.Eq(t, "name", secret.In("name"), "lookup-test-mariadb")
	mocktest.Eq(t, "protect", secret.Protect, true)
	mocktest.Eq(t, "output", res.Outputs["arn"], "arn:aws:secretsmanager:us-east-1:123456789012:secret:lookup-test-mariadb-AbCdEf")
	version := mocktest.One(t, res, "aws:secretsmanager/secretVersion:SecretVersion")
	if !version.Inputs["secretString"].ContainsSecrets() {
		t.Error("the secret string must be a Pulumi secret")
	}
	var login map[string]string
	if err := json.Unmarshal([]byte(version.In("secretString").(string)), &login); err != nil {
		t.Fatal(err)
	}
	if login["username"] != "qa" || len(login["password"]) == 0 {
		t.Errorf("got %v, want the username and the generated password", login)
	}
	pw := mocktest.One(t, res, "random:index/randomPassword:RandomPassword")
	mocktest.Eq(t, "length", pw.In("length"), float64(32))
	mocktest.CheckTags(t, res, map[string]string{"App": "lookup", "Env": "test", "Owner": "ld4p"})
}

func TestInvalidArgs(t *testing.T) {
	mocktest.Refused(t, func(ctx *pulumi.Context) error {
		_, err := credential.New(ctx, "db", &credential.Args{Username: "Root User", Group: "db", Naming: conv})
		return err
	}, `username: "Root User" is not allowed`)
}
