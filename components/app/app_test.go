package app_test

import (
	"strings"
	"testing"

	"github.com/strata-iac/strata/components/app"
)

func ptr[T any](v T) *T { return &v }

// epimetheus is a valid two-container spec the cases below break one way each.
func epimetheus() app.Spec {
	return app.Spec{
		CPU: 256, MemoryMiB: 1024,
		Containers: []app.Container{
			{Name: "frontend", Image: "eficode/epimetheus-frontend:1.2.0", Ports: []int{8080},
				Environment: map[string]string{"BACKEND_URL": "http://localhost:5000"}, ReadonlyRootFilesystem: ptr(false)},
			{Name: "backend", Image: "eficode/epimetheus-backend@sha256:" + strings.Repeat("a", 64), Ports: []int{5000},
				Environment: map[string]string{"PORT": "5000"},
				Secrets:     map[string]app.Secret{"PASSWORD": {Database: "db", Key: app.KeyPassword}},
				DatabaseEnv: map[string]app.DatabaseValue{"HOST": {Database: "db", Attribute: app.AttrAddress}},
				HealthCheck: &app.HealthCheck{Command: []string{"CMD-SHELL", "curl -f localhost:5000/ || exit 1"}}},
		},
		Endpoint: &app.Endpoint{Container: "frontend", Port: 8080},
	}
}

var offer = app.Offer{Volumes: []string{"authorities", "database"}, Databases: []string{"db"}}

func TestValidSpecGetsDefaults(t *testing.T) {
	given := epimetheus()
	if err := given.Validate(offer); err != nil {
		t.Fatal(err)
	}
	if given.Endpoint.HealthCheckPath != "" || given.Scaling.Min != 0 {
		t.Error("Validate changed the spec it checked")
	}
	s := given.WithDefaults()
	if given.Endpoint.HealthCheckPath != "" || given.Container("backend").HealthCheck.Retries != 0 {
		t.Error("WithDefaults changed the spec it copied")
	}
	e := s.Endpoint
	if e.HealthCheckPath != "/" || e.HealthyThreshold != 3 || e.IntervalSeconds != 30 || e.TimeoutSeconds != 5 || e.SuccessCodes != "200-399" {
		t.Errorf("endpoint defaults: got %+v", e)
	}
	if s.Scaling != (app.Scaling{Min: 1, Max: 1, CPUTargetPercent: 60}) {
		t.Errorf("scaling defaults: got %+v", s.Scaling)
	}
	hc := s.Container("backend").HealthCheck
	if hc.IntervalSeconds != 30 || hc.TimeoutSeconds != 5 || hc.Retries != 3 {
		t.Errorf("health check defaults: got %+v", hc)
	}
	if !s.Container("backend").IsReadonlyRoot() || s.Container("frontend").IsReadonlyRoot() {
		t.Error("read-only root is the default and false opts out")
	}
	if !s.Container("frontend").IsEssential() {
		t.Error("containers are essential by default")
	}
}

// Scratch volumes are mounted like the platform's, and copies share nothing with the original.
func TestScratchVolumes(t *testing.T) {
	s := epimetheus()
	s.Scratch = []string{"nginx-tmp"}
	s.Containers[0].Mounts = []app.Mount{{Volume: "nginx-tmp", Path: "/tmp"}}
	s.Containers[0].EntryPoint = []string{"nginx"}
	if err := s.Validate(offer); err != nil {
		t.Fatal(err)
	}
	c := s.Clone()
	c.Scratch[0] = "other"
	c.Containers[0].EntryPoint[0] = "sh"
	if s.Scratch[0] != "nginx-tmp" || s.Containers[0].EntryPoint[0] != "nginx" {
		t.Error("Clone shares the scratch list or the entry point with the original")
	}
}

func TestInvalidSpecs(t *testing.T) {
	tests := []struct {
		name string
		edit func(s *app.Spec)
		want []string
	}{
		{"latest image", func(s *app.Spec) { s.Containers[0].Image = "nginx:latest" },
			[]string{`containers.frontend.image: "nginx:latest" is not pinned: latest changes under you`}},
		{"untagged image", func(s *app.Spec) { s.Containers[0].Image = "registry.example.org:5000/team/nginx" },
			[]string{`containers.frontend.image: "registry.example.org:5000/team/nginx" is not pinned: an untagged image means latest`}},
		{"missing image", func(s *app.Spec) { s.Containers[0].Image = "" },
			[]string{"containers.frontend.image: is required: pin an image"}},
		{"secret in plain env", func(s *app.Spec) { s.Containers[1].Environment["DB_PASSWORD"] = "hunter2" },
			[]string{"containers.backend.environment.DB_PASSWORD: looks like a credential"}},
		{"api key in plain env", func(s *app.Spec) { s.Containers[1].Environment["API_KEY"] = "k" },
			[]string{"containers.backend.environment.API_KEY: looks like a credential"}},
		{"env and secret twice", func(s *app.Spec) { s.Containers[1].Environment["PASSWORD"] = "x" },
			[]string{"containers.backend.environment.PASSWORD: looks like a credential", "containers.backend.environment.PASSWORD: is also set under secrets"}},
		{"port collision", func(s *app.Spec) { s.Containers[1].Ports = []int{5000, 8080} },
			[]string{`containers.backend.ports: port 8080 is also used by container "frontend"`}},
		{"port out of range", func(s *app.Spec) { s.Containers[1].Ports = []int{70000} },
			[]string{"containers.backend.ports[0]: 70000 is out of range"}},
		{"unknown volume", func(s *app.Spec) {
			s.Containers[1].Mounts = []app.Mount{{Volume: "authorites", Path: "/data"}}
		}, []string{`containers.backend.mounts[0].volume: "authorites" is not a volume of this app: use one of authorities, database`}},
		{"mount at root", func(s *app.Spec) {
			s.Containers[1].Mounts = []app.Mount{{Volume: "database", Path: "/"}}
		}, []string{`containers.backend.mounts[0].path: "/" is not a mount path`}},
		{"secret without source", func(s *app.Spec) { s.Containers[1].Secrets["TOKEN"] = app.Secret{} },
			[]string{"containers.backend.secrets.TOKEN: set exactly one of secretsManager, ssmParameter or database"}},
		{"secret from unknown database", func(s *app.Spec) {
			s.Containers[1].Secrets["PASSWORD"] = app.Secret{Database: "other", Key: "password"}
		}, []string{`containers.backend.secrets.PASSWORD.database: "other" is not a database of this system`}},
		{"database secret bad key", func(s *app.Spec) {
			s.Containers[1].Secrets["PASSWORD"] = app.Secret{Database: "db", Key: "host"}
		}, []string{`containers.backend.secrets.PASSWORD.key: "host" is not allowed: use one of username, password`}},
		{"key of a secret named, not ARN", func(s *app.Spec) {
			s.Containers[1].Secrets["TOKEN"] = app.Secret{SecretsManager: "lookup/api", Key: "token"}
		}, []string{"containers.backend.secrets.TOKEN.secretsManager: selecting a key needs the secret's full ARN"}},
		{"database env twice", func(s *app.Spec) { s.Containers[1].Environment["HOST"] = "db.example.org" },
			[]string{"containers.backend.databaseEnv.HOST: is also set under environment or secrets"}},
		{"database env of unknown database and attribute", func(s *app.Spec) {
			s.Containers[1].DatabaseEnv["DB"] = app.DatabaseValue{Database: "other", Attribute: "hostname"}
		}, []string{`containers.backend.databaseEnv.DB.database: "other" is not a database of this system`, `containers.backend.databaseEnv.DB.attribute: "hostname" is not allowed: use one of address, port, name, username`}},
		{"bad ssm name", func(s *app.Spec) { s.Containers[1].Secrets["X"] = app.Secret{SSMParameter: "no-slash"} },
			[]string{`containers.backend.secrets.X.ssmParameter: "no-slash" is not a parameter name`}},
		{"bad env file", func(s *app.Spec) { s.Containers[1].EnvFiles = []string{"s3://bucket/app.txt"} },
			[]string{`containers.backend.envFiles[0]: "s3://bucket/app.txt" is not an env file location`}},
		{"endpoint port not exposed", func(s *app.Spec) { s.Endpoint.Port = 80 },
			[]string{`endpoint.port: container "frontend" does not expose port 80`}},
		{"endpoint unknown container", func(s *app.Spec) { s.Endpoint.Container = "web" },
			[]string{`endpoint.container: "web" is not a container of this app`}},
		{"endpoint bad domain", func(s *app.Spec) { s.Endpoint.Domain = "Not A Domain" },
			[]string{`endpoint.domain: "Not A Domain" is not a DNS name`}},
		{"endpoint bad codes", func(s *app.Spec) { s.Endpoint.SuccessCodes = "200-600" },
			[]string{`endpoint.successCodes: "200-600" is not a list of HTTP codes`}},
		{"endpoint timeout not below interval", func(s *app.Spec) { s.Endpoint.IntervalSeconds = 5; s.Endpoint.TimeoutSeconds = 5 },
			[]string{"endpoint.timeoutSeconds: 5 is out of range: use 2 to 4 seconds"}},
		{"dependency on unknown container", func(s *app.Spec) {
			s.Containers[0].DependsOn = []app.Dependency{{Container: "db"}}
		}, []string{`containers.frontend.dependsOn[0].container: "db" is not a container of this app`}},
		{"healthy dependency without check", func(s *app.Spec) {
			s.Containers[1].DependsOn = []app.Dependency{{Container: "frontend", Condition: "HEALTHY"}}
		}, []string{`containers.backend.dependsOn[0].condition: HEALTHY needs a health check on "frontend"`}},
		{"dependency cycle", func(s *app.Spec) {
			s.Containers[0].DependsOn = []app.Dependency{{Container: "backend"}}
			s.Containers[1].DependsOn = []app.Dependency{{Container: "frontend"}}
		}, []string{"containers.frontend.dependsOn: the containers wait for each other in a cycle"}},
		{"no essential container", func(s *app.Spec) {
			s.Containers[0].Essential = ptr(false)
			s.Containers[1].Essential = ptr(false)
		}, []string{"containers: at least one container must be essential"}},
		{"duplicate container", func(s *app.Spec) { s.Containers[1].Name = "frontend"; s.Containers[1].Ports = nil },
			[]string{`containers.frontend: two containers are named "frontend"`}},
		{"reservations exceed size", func(s *app.Spec) { s.Containers[0].MemoryMiB = 800; s.Containers[1].MemoryMiB = 800 },
			[]string{"memoryMiB: 1024 is less than the 1600 the containers reserve together"}},
		{"scaling", func(s *app.Spec) { s.Scaling = app.Scaling{Min: 3, Max: 2, CPUTargetPercent: 101} },
			[]string{"scaling.max: 2 is out of range: use 3 to 5000", "scaling.cpuTargetPercent: 101 is out of range: use 1 to 100"}},
		{"more copies than ECS runs per service", func(s *app.Spec) { s.Scaling = app.Scaling{Min: 5001} },
			[]string{"scaling.min: 5001 is out of range: use 1 to 5000", "scaling.max: 5001 is out of range: use 5001 to 5000"}},
		{"container memory below Docker's floor", func(s *app.Spec) { s.Containers[1].MemoryMiB = 4 },
			[]string{"containers.backend.memoryMiB: 4 MiB is less than the 6 MiB Docker keeps"}},
		{"endpoint timeout above ELB's", func(s *app.Spec) { s.Endpoint.IntervalSeconds = 300; s.Endpoint.TimeoutSeconds = 121 },
			[]string{"endpoint.timeoutSeconds: 121 is out of range: use 2 to 120"}},
		{"empty entry point", func(s *app.Spec) { s.Containers[1].EntryPoint = []string{"curl", " "} },
			[]string{"containers.backend.entryPoint[1]: is empty"}},
		{"scratch nobody mounts", func(s *app.Spec) { s.Scratch = []string{"tmp"} },
			[]string{`scratch[0]: "tmp" is mounted by no container`}},
		{"scratch named like a platform volume", func(s *app.Spec) {
			s.Scratch = []string{"database"}
			s.Containers[0].Mounts = []app.Mount{{Volume: "database", Path: "/tmp"}}
		}, []string{`scratch[0]: "database" is also a volume the platform offers`}},
		{"scratch twice", func(s *app.Spec) {
			s.Scratch = []string{"tmp", "tmp"}
			s.Containers[0].Mounts = []app.Mount{{Volume: "tmp", Path: "/tmp"}}
		}, []string{`scratch[1]: "tmp" is listed twice`}},
		{"mount of an unknown volume names the scratch volumes too", func(s *app.Spec) {
			s.Scratch = []string{"tmp"}
			s.Containers[0].Mounts = []app.Mount{{Volume: "tmp", Path: "/tmp"}, {Volume: "cache", Path: "/var/cache"}}
		}, []string{`containers.frontend.mounts[1].volume: "cache" is not a volume of this app: use one of authorities, database, tmp`}},
		{"bad health check command", func(s *app.Spec) { s.Containers[1].HealthCheck.Command = []string{"curl"} },
			[]string{"containers.backend.healthCheck.command: use"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := epimetheus()
			tc.edit(&s)
			err := s.Validate(offer)
			if err == nil {
				t.Fatal("got no error")
			}
			lines := strings.Split(err.Error(), "\n")
			if len(lines) != len(tc.want) {
				t.Fatalf("got %d problems, want %d:\n%s", len(lines), len(tc.want), err)
			}
			for i, w := range tc.want {
				if !strings.Contains(lines[i], w) {
					t.Errorf("problem %d: got %q, want it to contain %q", i, lines[i], w)
				}
			}
		})
	}
}

func TestECR(t *testing.T) {
	r, ok := app.ECR("123456789012.dkr.ecr.us-east-2.amazonaws.com/qa/server:2.4.1")
	if !ok || r != (app.ECRRepository{Account: "123456789012", Region: "us-east-2", Name: "qa/server"}) {
		t.Errorf("got %+v %v", r, ok)
	}
	if r, ok := app.ECR("123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/app@sha256:" + strings.Repeat("a", 64)); !ok || r.Name != "app" {
		t.Errorf("got %+v %v, want repository app", r, ok)
	}
	for _, image := range []string{"nginx:1.27.3", "public.ecr.aws/docker/library/mariadb:10.6.20"} {
		if _, ok := app.ECR(image); ok {
			t.Errorf("%s is not a private ECR image", image)
		}
	}
}

func TestPinned(t *testing.T) {
	for _, tc := range []struct {
		image string
		ok    bool
	}{
		{"nginx:1.27.3", true},
		{"public.ecr.aws/docker/library/mariadb:10.6.20", true},
		{"123456789012.dkr.ecr.us-east-2.amazonaws.com/qa:2024-05-01", true},
		{"localhost:5000/app:v1", true},
		{"nginx@sha256:" + strings.Repeat("0", 64), true},
		{"nginx", false},
		{"nginx:latest", false},
		{"localhost:5000/app", false},
		{"nginx@sha256:abc", false},
		{"nginx:", false},
	} {
		if err := app.Pinned(tc.image); (err == nil) != tc.ok {
			t.Errorf("Pinned(%q): got %v, want ok=%v", tc.image, err, tc.ok)
		}
	}
}
