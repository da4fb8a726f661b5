package tests

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/strata-iac/strata/internal/stackfile"
)

// merge applies a JSON merge patch (RFC 7386) to doc.
func merge(doc, patch any) any {
	p, ok := patch.(map[string]any)
	if !ok {
		return patch
	}
	d, ok := doc.(map[string]any)
	if !ok {
		d = map[string]any{}
	}
	for k, v := range p {
		if v == nil {
			delete(d, k)
		} else {
			d[k] = merge(d[k], v)
		}
	}
	return d
}

// patched returns the stage's value of key with a JSON merge patch applied.
func patched(t *testing.T, stage, key, patch string) string {
	t.Helper()
	s, err := stackfile.Load("..", stage)
	if err != nil {
		t.Fatal(err)
	}
	var doc, p any
	if err := json.Unmarshal([]byte(s.Config[key]), &doc); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(patch), &p); err != nil {
		t.Fatalf("patch %s: %v", patch, err)
	}
	out, err := json.Marshal(merge(doc, p))
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// The container service layer and the Lightsail variant refuse bad config before registering
// anything, naming the key.
func TestBadSystemConfigRegistersNothing(t *testing.T) {
	const lookup, epi = "strata:lookup", "strata:epimetheus"
	tests := []struct {
		name, stage, key, patch string
		want                    []string
	}{
		{"latest image", "production", lookup, `{"app":{"containers":{"qa-server-app":{"image":"ld4p/qa_server-webapp:latest"}}}}`,
			[]string{`strata:lookup.app.containers.qa-server-app.image: "ld4p/qa_server-webapp:latest" is not pinned`}},
		{"untagged image", "production", epi, `{"app":{"containers":{"epimetheus-backend":{"image":"salabs/epimetheus-backend"}}}}`,
			[]string{`strata:epimetheus.app.containers.epimetheus-backend.image: "salabs/epimetheus-backend" is not pinned`}},
		{"missing image", "staging", lookup, `{"app":{"containers":null}}`,
			[]string{"strata:lookup.app.containers.qa-server-app.image: is required"}},
		{"misspelt container", "staging", lookup, `{"app":{"containers":{"qa-server":{"image":"x:1"}}}}`,
			[]string{"strata:lookup.app.containers.qa-server: not a container of this app: use one of authorities-copy, qa-server-app"}},
		{"secret in plain env", "production", epi, `{"app":{"containers":{"epimetheus-backend":{"environment":{"DB_PASSWORD":"hunter2"}}}}}`,
			[]string{"strata:epimetheus.app.containers.epimetheus-backend.environment.DB_PASSWORD: looks like a credential"}},
		{"port collision", "production", epi, `{"app":{"containers":{"epimetheus-backend":{"ports":[5000,8080]}}}}`,
			[]string{`strata:epimetheus.app.containers.epimetheus-backend.ports: port 8080 is also used by container "epimetheus-frontend"`}},
		{"unknown volume", "staging", lookup, `{"app":{"containers":{"qa-server-app":{"mounts":[{"volume":"authority","path":"/data"}]}}}}`,
			[]string{`strata:lookup.app.containers.qa-server-app.mounts[0].volume: "authority" is not a volume of this app: use one of authorities`}},
		{"unknown capacity", "staging", lookup, `{"cluster":{"capacity":"spot","ec2":null}}`,
			[]string{`strata:lookup.cluster.capacity: "spot" is not allowed`}},
		{"HTTPS without certificate", "production", epi, `{"loadBalancer":{"zone":null}}`,
			[]string{"strata:epimetheus.loadBalancer.certificateArn: HTTPS needs a certificate: set certificateArn or zone"}},
		{"Fargate size", "production", epi, `{"app":{"cpu":256,"memoryMiB":4096}}`,
			[]string{"strata:epimetheus.app.memoryMiB: a Fargate task cannot run 256 CPU with 4096 MiB"}},
		{"unknown engine", "production", lookup, `{"rds":{"engine":"oracle"}}`,
			[]string{`strata:lookup.rds.engine: "oracle" is not allowed: the lookup's app speaks MariaDB`}},
		{"engine version out of support", "production", epi, `{"database":{"engineVersion":"13"}}`,
			[]string{"strata:epimetheus.database.engineVersion:"}},
		{"access point at the root", "staging", lookup, `{"fileSystem":{"accessPoints":{"authorities":{"path":"/"},"database":{"path":"/database","uid":999,"gid":999}}}}`,
			[]string{"strata:lookup.fileSystem.accessPoints.authorities.path:"}},
		{"root POSIX user without opt-in", "staging", lookup, `{"fileSystem":{"accessPoints":{"authorities":{"path":"/authorities","uid":0,"gid":0},"database":{"path":"/database","uid":999,"gid":999}}}}`,
			[]string{"strata:lookup.fileSystem.accessPoints.authorities.uid:", "strata:lookup.fileSystem.accessPoints.authorities.gid:"}},
		{"access point the app mounts missing", "staging", lookup, `{"fileSystem":{"accessPoints":{"authorities":{"path":"/authorities"}}}}`,
			[]string{"strata:lookup.fileSystem.accessPoints.database: is required: the lookup mounts it"}},
		{"mariadb with rds", "production", lookup, `{"mariadb":{"containers":{"qa-mariadb":{"image":"mariadb:11.4.4"}}}}`,
			[]string{"strata:lookup.mariadb: only with database: container"}},
		{"rds with container", "staging", lookup, `{"rds":{"engineVersion":"10.11.9"}}`,
			[]string{"strata:lookup.rds: only with database: rds"}},
		{"master user is the app's login", "production", lookup, `{"rds":{"username":"lookup"}}`,
			[]string{`strata:lookup.rds.username: "lookup" is the app's own login, which the stack creates: choose another master user`}},
		{"env file key", "staging", lookup, `{"envFile":"settings.txt"}`,
			[]string{`strata:lookup.envFile: "settings.txt" is not an env file key`}},
		{"unknown platform", "staging", epi, `{"platform":"kubernetes"}`,
			[]string{`strata:epimetheus.platform: "kubernetes" is not allowed: use one of fargate, lightsail`}},
		{"lightsail section on fargate", "production", epi, `{"lightsail":{"power":"nano"}}`,
			[]string{"strata:epimetheus.lightsail: only with platform: lightsail"}},
		{"unknown power", "staging", epi, `{"lightsail":{"power":"tiny"}}`,
			[]string{`strata:epimetheus.lightsail.power: "tiny" is not allowed`}},
		{"scale too large", "staging", epi, `{"lightsail":{"scale":21}}`,
			[]string{"strata:epimetheus.lightsail.scale: 21 is out of range"}},
		{"scale zero", "staging", epi, `{"lightsail":{"scale":0}}`,
			[]string{"strata:epimetheus.lightsail.scale: 0 is out of range"}},
		{"lightsail with volumes", "staging", epi, `{"app":{"containers":{"epimetheus-backend":{"mounts":[{"volume":"data","path":"/data"}]}}}}`,
			[]string{`strata:epimetheus.app.containers.epimetheus-backend.mounts[0].volume: "data" is not a volume of this app`,
				"strata:epimetheus.app.containers.epimetheus-backend.mounts: Lightsail containers have no volumes"}},
		{"lightsail with env files", "staging", epi, `{"app":{"containers":{"epimetheus-backend":{"envFiles":["s3://bucket/app.env"]}}}}`,
			[]string{"strata:epimetheus.app.containers.epimetheus-backend.envFiles: Lightsail cannot load env files"}},
		{"endpoint on a port nobody exposes", "staging", epi, `{"app":{"endpoint":{"port":9090}}}`,
			[]string{`strata:epimetheus.app.endpoint.port: container "epimetheus-frontend" does not expose port 9090`}},
		{"env file from nowhere", "staging", lookup, `{"envFileSource":null}`,
			[]string{"strata:lookup.envFileSource: is required, or envFileContent: the tasks load the env file when they start"}},
		{"env file twice", "staging", lookup, `{"envFileContent":"RAILS_ENV=staging"}`,
			[]string{"strata:lookup.envFileContent: is set together with envFileSource"}},
		{"unknown Rails environment", "staging", lookup, `{"railsEnv":"test"}`,
			[]string{`strata:lookup.railsEnv: "test" is not allowed: use one of production, staging, integration, development`}},
		{"database the app does not read", "production", lookup, `{"rds":{"dbName":"qa_server"}}`,
			[]string{`strata:lookup.rds.dbName: "qa_server" is not the database the app connects to with railsEnv production: its database.yml reads "qa_authority"`}},
		{"authorities prefix", "staging", lookup, `{"authorities":{"bucketPrefix":"/authorities"}}`,
			[]string{`strata:lookup.authorities.bucketPrefix: "/authorities" is not a key prefix`}},
		{"authorities from a missing directory", "staging", lookup, `{"authorities":{"source":"no/such/dir"}}`,
			[]string{`strata:lookup.authorities.source: "no/such/dir" cannot be read`}},
		{"sync reads other files than the copy", "staging", lookup, `{"fileSystem":{"sync":{"bucketPrefix":"other/"}}}`,
			[]string{`strata:lookup.fileSystem.sync.bucketPrefix: "other/" differs from authorities.bucketPrefix "authorities/"`}},
		{"cache credential not named for ECR", "production", lookup, `{"registry":{"credentialArn":"arn:aws:secretsmanager:us-east-2:123456789012:secret:docker-hub-AbCdEf"}}`,
			[]string{`strata:lookup.registry.credentialArn: "arn:aws:secretsmanager:us-east-2:123456789012:secret:docker-hub-AbCdEf" is not the ARN of a secret named ecr-pullthroughcache/<name>`}},
		{"cache prefix too long", "production", epi, `{"registry":{"prefix":"epimetheus-production-docker-hub"}}`,
			[]string{`strata:epimetheus.registry.prefix: "epimetheus-production-docker-hub" is 32 characters long: ECR takes a repository prefix of 2 to 30`}},
		{"cache on lightsail", "staging", epi, `{"registry":{"credentialArn":"arn:aws:secretsmanager:us-east-2:123456789012:secret:ecr-pullthroughcache/hub-AbCdEf"}}`,
			[]string{"strata:epimetheus.registry: only with platform: fargate"}},
		{"Lightsail network on fargate", "production", epi, `{"forwarder":{"lightsailNetwork":"172.26.0.0/16"}}`,
			[]string{"strata:epimetheus.forwarder.lightsailNetwork: only with platform: lightsail"}},
		{"forwarder instance type", "production", epi, `{"forwarder":{"instanceType":"nano"}}`,
			[]string{`strata:epimetheus.forwarder.instanceType: "nano" is not an instance type`}},
		{"forwarder to a public network", "staging", epi, `{"forwarder":{"lightsailNetwork":"203.0.113.0/24"}}`,
			[]string{`strata:epimetheus.forwarder.lightsailNetwork: "203.0.113.0/24" is not a private network`}},
		{"database port the backend cannot use", "production", epi, `{"database":{"port":5433}}`,
			[]string{"strata:epimetheus.database.port: 5433 is not the port the backend connects to"}},
		{"more copies than ECS runs", "production", lookup, `{"app":{"scaling":{"max":5001}}}`,
			[]string{"strata:lookup.app.scaling.max: 5001 is out of range: use 2 to 5000 copies"}},
		{"negative grace period", "production", lookup, `{"service":{"healthCheckGraceSeconds":-1}}`,
			[]string{"strata:lookup.service.healthCheckGraceSeconds: -1 is out of range: use 0 to 2147483647 seconds"}},
		{"fargate sections on lightsail", "staging", epi, `{"database":{"engineVersion":"16.4"},"loadBalancer":{"zone":"example.org"}}`,
			[]string{"strata:epimetheus.database: only with platform: fargate", "strata:epimetheus.loadBalancer: only with platform: fargate"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := runEdited(t, tc.stage, tc.stage, map[string]string{tc.key: patched(t, tc.stage, tc.key, tc.patch)})
			if err == nil {
				t.Fatal("got no error")
			}
			if n := len(res.Resources()); n != 0 {
				t.Errorf("got %d resources registered, want 0", n)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), "\n"+w) {
					t.Errorf("got %q, want a line starting %q", err, w)
				}
			}
		})
	}
}
