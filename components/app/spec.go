package app

// Spec describes an application: containers that run together (one ECS task, one Lightsail
// deployment) and reach each other on localhost.
type Spec struct {
	// Containers, in start order of declaration.
	Containers []Container
	// Endpoint is the public entry point; nil means the app is not public.
	Endpoint *Endpoint
	// Scaling of the number of copies.
	Scaling Scaling
	// CPU (1024 = one vCPU) and MemoryMiB size one copy of the whole app; zero leaves it to the
	// platform (Fargate needs both).
	CPU       int
	MemoryMiB int
}

// Container is one container of a Spec. The JSON names are the keys of a container override in config.
type Container struct {
	// Name identifies the container (lowercase letters, digits, hyphens); in config it is the map key.
	Name string `json:"-"`
	// Image must be pinned: a tag other than "latest", or a digest (required).
	Image string `json:"image"`
	// Ports the container listens on (TCP). No two containers may share one: they share a network.
	Ports []int `json:"ports"`
	// Command overrides the image's command.
	Command []string `json:"command"`
	// Environment holds plain values only; names that look like credentials are refused.
	Environment map[string]string `json:"environment"`
	// Secrets maps environment variable names to references resolved by the platform.
	Secrets map[string]Secret `json:"secrets"`
	// DatabaseEnv maps environment variable names to connection details of a database of the
	// system, which exist only once the database does (its address), or must match it exactly (its
	// name): the platform fills them in.
	DatabaseEnv map[string]DatabaseValue `json:"databaseEnv"`
	// EnvFiles are s3://bucket/key.env objects whose variables are loaded at start.
	EnvFiles []string `json:"envFiles"`
	// Mounts attach volumes the platform offers.
	Mounts []Mount `json:"mounts"`
	// HealthCheck runs inside the container.
	HealthCheck *HealthCheck `json:"healthCheck"`
	// Essential containers stop the whole app when they stop. Default true.
	Essential *bool `json:"essential"`
	// DependsOn orders the start of containers.
	DependsOn []Dependency `json:"dependsOn"`
	// CPU and MemoryMiB reserve part of the app's size for this container; zero shares it.
	CPU       int `json:"cpu"`
	MemoryMiB int `json:"memoryMiB"`
	// ReadonlyRootFilesystem is on by default; images that write outside their mounts must opt out
	// explicitly (false).
	ReadonlyRootFilesystem *bool `json:"readonlyRootFilesystem"`
}

// Secret references a value held outside the app. Set exactly one source.
type Secret struct {
	// SecretsManager is the ARN or name of a Secrets Manager secret.
	SecretsManager string `json:"secretsManager"`
	// SSMParameter is the name (starting with /) or ARN of an SSM parameter.
	SSMParameter string `json:"ssmParameter"`
	// Database names a database of the system; its managed master secret holds the value.
	Database string `json:"database"`
	// Key selects one JSON key of a Secrets Manager or database secret; for a database it must be
	// "username" or "password".
	Key string `json:"key"`
}

// DatabaseValue names one connection detail of a database of the system.
type DatabaseValue struct {
	Database string `json:"database"`
	// Attribute is AttrAddress, AttrPort, AttrName or AttrUsername.
	Attribute string `json:"attribute"`
}

// Connection details of a database that DatabaseEnv can name.
const (
	AttrAddress  = "address"
	AttrPort     = "port"
	AttrName     = "name"
	AttrUsername = "username"
)

// Mount attaches a volume at a path.
type Mount struct {
	Volume   string `json:"volume"`
	Path     string `json:"path"`
	ReadOnly bool   `json:"readOnly"`
}

// HealthCheck is a command run inside a container.
type HealthCheck struct {
	// Command is ["CMD", …] or ["CMD-SHELL", "…"].
	Command []string `json:"command"`
	// IntervalSeconds between checks, default 30 (5–300).
	IntervalSeconds int `json:"intervalSeconds"`
	// TimeoutSeconds per check, default 5 (2–60).
	TimeoutSeconds int `json:"timeoutSeconds"`
	// Retries before unhealthy, default 3 (1–10).
	Retries int `json:"retries"`
	// StartPeriodSeconds of grace after start, default 0 (0–300).
	StartPeriodSeconds int `json:"startPeriodSeconds"`
}

// Dependency makes a container wait for another.
type Dependency struct {
	Container string `json:"container"`
	// Condition is START (default), HEALTHY, COMPLETE or SUCCESS.
	Condition string `json:"condition"`
}

// Endpoint is where the public reaches the app.
type Endpoint struct {
	// Container and Port receive the traffic; the container must expose the port.
	Container string `json:"container"`
	Port      int    `json:"port"`
	// HealthCheckPath is probed over HTTP, default "/".
	HealthCheckPath string `json:"healthCheckPath"`
	// Domain is the public DNS name, e.g. app.example.org; optional.
	Domain string `json:"domain"`
	// HealthyThreshold and UnhealthyThreshold count consecutive results, default 3 (2–10).
	HealthyThreshold   int `json:"healthyThreshold"`
	UnhealthyThreshold int `json:"unhealthyThreshold"`
	// IntervalSeconds between probes, default 30 (5–300); TimeoutSeconds per probe, default 5
	// (2–60, less than the interval).
	IntervalSeconds int `json:"intervalSeconds"`
	TimeoutSeconds  int `json:"timeoutSeconds"`
	// SuccessCodes are the HTTP codes that count as healthy, default "200-399" (codes and ranges
	// within 200–499, comma separated).
	SuccessCodes string `json:"successCodes"`
}

// Scaling bounds the number of copies of the app.
type Scaling struct {
	// Min copies, default 1 (1–100); the platform starts this many.
	Min int `json:"min"`
	// Max copies, default Min (Min–100); above Min the platform scales on CPU.
	Max int `json:"max"`
	// CPUTargetPercent is the average CPU the scaling aims for, default 60 (10–90).
	CPUTargetPercent int `json:"cpuTargetPercent"`
}

// Secret reference keys of a database's managed master secret.
const (
	KeyUsername = "username"
	KeyPassword = "password"
)

// Dependency conditions.
var conditions = []string{"START", "HEALTHY", "COMPLETE", "SUCCESS"}

// IsEssential reports whether the container stops the app when it stops.
func (c Container) IsEssential() bool { return c.Essential == nil || *c.Essential }

// IsReadonlyRoot reports whether the container's root file system is read-only.
func (c Container) IsReadonlyRoot() bool {
	return c.ReadonlyRootFilesystem == nil || *c.ReadonlyRootFilesystem
}

// Container returns the container called name, or nil.
func (s *Spec) Container(name string) *Container {
	for i := range s.Containers {
		if s.Containers[i].Name == name {
			return &s.Containers[i]
		}
	}
	return nil
}
