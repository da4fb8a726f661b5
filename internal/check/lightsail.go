package check

import (
	"fmt"
	"slices"
	"strings"
)

const (
	containerServiceType = "aws:lightsail/containerService:ContainerService"
	deploymentType       = "aws:lightsail/containerServiceDeploymentVersion:ContainerServiceDeploymentVersion"
	lightsailAPI         = "https://docs.aws.amazon.com/lightsail/2016-11-28/api-reference/"
	lightsailHealthCheck = lightsailAPI + "API_ContainerServiceHealthCheckConfig.html"
)

// lightsailName is what Lightsail database and snapshot names allow: letters, digits and hyphens,
// starting and ending with a letter or digit.
const lightsailName = `[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?`

// lightsailEngine returns the database engine of a blueprint id (postgres_16 → postgres).
func lightsailEngine(r *Resource) string {
	b, _ := text(r.Inputs["blueprintId"])
	engine, _, _ := strings.Cut(b, "_")
	return engine
}

var lightsail = set{
	limits: []Limit{
		{ID: "lightsail.database.name", Type: lightsailDatabaseType, Path: "relationalDatabaseName", Len: &Range{2, 255}, Pattern: lightsailName,
			Allowed: "2 to 255 letters, digits and hyphens, starting and ending with a letter or digit", Source: lightsailAPI + "API_CreateRelationalDatabase.html"},
		{ID: "lightsail.database.finalsnapshotname", Type: lightsailDatabaseType, Path: "finalSnapshotName", Len: &Range{2, 255}, Pattern: lightsailName,
			Allowed: "2 to 255 letters, digits and hyphens, starting and ending with a letter or digit", Source: lightsailAPI + "API_DeleteRelationalDatabase.html"},
		{ID: "lightsail.deployment.healthcheck.interval", Type: deploymentType, Path: "publicEndpoint.healthCheck.intervalSeconds", Num: &Range{5, 300},
			Allowed: "5 to 300 seconds", Source: lightsailHealthCheck},
		{ID: "lightsail.deployment.healthcheck.timeout", Type: deploymentType, Path: "publicEndpoint.healthCheck.timeoutSeconds", Num: &Range{2, 60},
			Allowed: "2 to 60 seconds", Source: lightsailHealthCheck},
	},
	rules: []Rule{
		{
			ID: "lightsail.deployment.healthcheck.successcodes", Types: []string{deploymentType}, Paths: []string{"publicEndpoint.healthCheck.successCodes"},
			Source: lightsailHealthCheck,
			Check: func(r *Resource, report Reporter) {
				if s, ok := text(r.Get("publicEndpoint.healthCheck.successCodes")); ok && !httpCodes(s, 200, 499) {
					report("publicEndpoint.healthCheck.successCodes", s, "HTTP codes or ranges between 200 and 499 (\"200\", \"200,202\", \"200-299\")")
				}
			},
		},
		{
			ID: "lightsail.deployment.publicendpoint", Types: []string{deploymentType}, Paths: []string{"publicEndpoint.containerName", "publicEndpoint.containerPort"},
			Source: lightsailAPI + "API_EndpointRequest.html; " + lightsailAPI + "API_Container.html",
			Check: func(r *Resource, report Reporter) {
				name, ok := text(r.Get("publicEndpoint.containerName"))
				if !ok {
					return
				}
				port, _ := number(r.Get("publicEndpoint.containerPort"))
				found := false
				r.Each("containers[*]", func(_ string, v any) {
					c, _ := v.(map[string]any)
					if c["containerName"] != name {
						return
					}
					found = true
					if ports, _ := c["ports"].(map[string]any); ports[num(port)] == nil {
						report("publicEndpoint.containerPort", port, fmt.Sprintf("a port that container %s opens", name))
					}
				})
				if !found {
					report("publicEndpoint.containerName", name, "the name of one of the deployment's containers")
				}
			},
		},
		{
			ID: "lightsail.database.mastername", Types: []string{lightsailDatabaseType}, Paths: []string{"masterDatabaseName", "masterUsername"},
			Source: lightsailAPI + "API_CreateRelationalDatabase.html",
			Check: func(r *Resource, report Reporter) {
				dbMax, userMax := 63, 63 // PostgreSQL
				if lightsailEngine(r) == "mysql" {
					dbMax, userMax = 64, 16
				}
				for key, max := range map[string]int{"masterDatabaseName": dbMax, "masterUsername": userMax} {
					if v, ok := text(r.Inputs[key]); ok && !re(fmt.Sprintf(`[a-zA-Z][a-zA-Z0-9_]{0,%d}`, max-1)).MatchString(v) {
						report(key, v, fmt.Sprintf("1 to %d letters, digits and underscores, starting with a letter (not a word the engine reserves)", max))
					}
				}
			},
		},
	},
	classes: slices.Concat(
		classify(containerServiceType, Boolean, "service flags", "privateRegistryAccess.ecrImagePullerRole.isActive", "isDisabled"),
		classify(deploymentType, FreeText, "image names, commands and environment values; the API reference documents no limit", "containers[*].image",
			"containers[*].commands[*]", "containers[*].environment.*", "publicEndpoint.healthCheck.path"),
		classify(deploymentType, Number, "the API reference documents only the default (2)", "publicEndpoint.healthCheck.healthyThreshold",
			"publicEndpoint.healthCheck.unhealthyThreshold"),
		classify(lightsailDatabaseType, Secret, "the master password is a secret", "masterPassword"),
		classify(lightsailDatabaseType, Catalog, "Lightsail database blueprints and bundles (GetRelationalDatabaseBlueprints, GetRelationalDatabaseBundles)", "blueprintId", "bundleId"),
		classify(lightsailDatabaseType, Boolean, "database flags", "applyImmediately", "backupRetentionEnabled", "skipFinalSnapshot"),
		classify(lightsailDatabaseType, Reference, "the Availability Zone", "availabilityZone"),
	),
}
