package lightsail_test

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-iac/strata/components/app"
	"github.com/strata-iac/strata/components/lightsail"
	"github.com/strata-iac/strata/components/naming"
)

// Epimetheus on Lightsail: nginx in front, the backend on localhost:5000, a private PostgreSQL
// whose generated password reaches the backend, and the machine running TestArchiver admitted.
func Example() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		s, err := lightsail.New(ctx, "epimetheus", &lightsail.Args{
			Power: "micro",
			Database: &lightsail.Database{
				Blueprint:         "postgres_16",
				Name:              "epimetheus",
				ExternalClients:   []string{"203.0.113.7/32"},
				BackupWindow:      "03:00-03:30",
				MaintenanceWindow: "sun:05:00-sun:05:30",
			},
			App: app.Spec{
				Containers: []app.Container{
					{Name: "frontend", Image: "eficode/epimetheus-frontend:1.2.0", Ports: []int{8080},
						Environment: map[string]string{"BACKEND_URL": "http://localhost:5000"}},
					{Name: "backend", Image: "eficode/epimetheus-backend:1.2.0", Ports: []int{5000},
						Environment: map[string]string{"PORT": "5000"},
						Secrets: map[string]app.Secret{
							"PASSWORD": {Database: lightsail.DatabaseKey, Key: app.KeyPassword},
						},
						DatabaseEnv: map[string]app.DatabaseValue{
							"HOST":     {Database: lightsail.DatabaseKey, Attribute: app.AttrAddress},
							"DATABASE": {Database: lightsail.DatabaseKey, Attribute: app.AttrName},
							"USER":     {Database: lightsail.DatabaseKey, Attribute: app.AttrUsername},
						}},
				},
				Endpoint: &app.Endpoint{Container: "frontend", Port: 8080},
			},
			Naming:  naming.Convention{App: "epimetheus", Env: "production", Owner: "qa"},
			Protect: true,
		})
		if err != nil {
			return err
		}
		ctx.Export("url", s.URL)
		ctx.Export("databaseEndpoint", s.DatabaseEndpoint)
		ctx.Export("databasePassword", s.DatabasePassword)
		return nil
	})
}
