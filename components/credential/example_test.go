package credential_test

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-iac/strata/components/credential"
	"github.com/strata-iac/strata/components/naming"
)

// The two logins of a MariaDB container: the app's user and root, each in its own secret. In an
// unprotected stage both are deleted at once on destroy, so the next deployment can create them
// again under the same names.
func Example() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		conv := naming.Convention{App: "lookup", Env: "staging", Owner: "ld4p"}
		app, err := credential.New(ctx, "lookup-mariadb", &credential.Args{Username: "qa", Group: "mariadb", Naming: conv})
		if err != nil {
			return err
		}
		root, err := credential.New(ctx, "lookup-mariadb-root", &credential.Args{Username: "root", Group: "mariadb-root", Naming: conv})
		if err != nil {
			return err
		}
		ctx.Export("appSecretArn", app.SecretARN)
		ctx.Export("rootSecretArn", root.SecretARN)
		return nil
	})
}

// An app's own secret: Rails' secret_key_base, 128 letters and digits, which the app's container
// reads by the secret's name (lookup-staging-secret-key-base).
func ExampleNewKey() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		conv := naming.Convention{App: "lookup", Env: "staging", Owner: "ld4p"}
		key, err := credential.NewKey(ctx, "lookup-secret-key-base", &credential.KeyArgs{
			Group: "secret-key-base", Purpose: "Rails secret_key_base of qa_server", Length: 128, Naming: conv,
		})
		if err != nil {
			return err
		}
		ctx.Export("secretKeyBaseSecret", key.SecretName)
		return nil
	})
}
