package app

import (
	"fmt"
	"maps"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/strata-iac/strata/components/field"
	"github.com/strata-iac/strata/components/naming"
)

// Offer is what the platform and the stack offer an app: volumes it may mount and databases whose
// managed secrets its containers may reference, by name.
type Offer struct {
	Volumes   []string
	Databases []string
}

// Bounds of an app's settings.
const (
	// MaxCopies is the most copies a service runs: ECS's "tasks per service" quota (AWS General
	// Reference, Amazon ECS endpoints and quotas: 5,000, not adjustable).
	MaxCopies = 5000
	// MinContainerMemoryMiB is the least memory a container may reserve: the Docker daemon keeps 6
	// MiB per container (ECS task definition parameters, memoryReservation).
	MinContainerMemoryMiB = 6
	// MaxEndpointTimeoutSeconds is ELB's upper bound for a target group's health check timeout
	// (CreateTargetGroup HealthCheckTimeoutSeconds: 2 to 120).
	MaxEndpointTimeoutSeconds = 120
)

// WithDefaults returns a copy of s with the defaults documented on each field filled in.
func (s Spec) WithDefaults() Spec {
	s = s.Clone()
	if s.Scaling.Min == 0 {
		s.Scaling.Min = 1
	}
	if s.Scaling.Max == 0 {
		s.Scaling.Max = s.Scaling.Min
	}
	if s.Scaling.CPUTargetPercent == 0 {
		s.Scaling.CPUTargetPercent = 60
	}
	for i := range s.Containers {
		if hc := s.Containers[i].HealthCheck; hc != nil {
			hc.IntervalSeconds = or(hc.IntervalSeconds, 30)
			hc.TimeoutSeconds = or(hc.TimeoutSeconds, 5)
			hc.Retries = or(hc.Retries, 3)
		}
		for j := range s.Containers[i].DependsOn {
			d := &s.Containers[i].DependsOn[j]
			if d.Condition == "" {
				d.Condition = "START"
			}
		}
	}
	if s.Endpoint != nil {
		e := s.Endpoint.WithDefaults()
		s.Endpoint = &e
	}
	return s
}

// WithDefaults returns the endpoint with the defaults documented on its fields filled in.
func (e Endpoint) WithDefaults() Endpoint {
	if e.HealthCheckPath == "" {
		e.HealthCheckPath = "/"
	}
	e.HealthyThreshold = or(e.HealthyThreshold, 3)
	e.UnhealthyThreshold = or(e.UnhealthyThreshold, 3)
	e.IntervalSeconds = or(e.IntervalSeconds, 30)
	e.TimeoutSeconds = or(e.TimeoutSeconds, 5)
	if e.SuccessCodes == "" {
		e.SuccessCodes = "200-399"
	}
	return e
}

func or(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}

var (
	envNameRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	// Names that usually carry credentials; their values belong in Secrets.
	credentialRE   = regexp.MustCompile(`(?i)(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIAL|ACCESS_?KEY)`)
	secretNameRE   = regexp.MustCompile(`^[A-Za-z0-9/_+=.@-]{1,512}$`)
	secretARNRE    = regexp.MustCompile(`^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+$`)
	ssmNameRE      = regexp.MustCompile(`^/[A-Za-z0-9/_.-]+$`)
	ssmARNRE       = regexp.MustCompile(`^arn:aws[a-z-]*:ssm:[a-z0-9-]+:\d{12}:parameter/[A-Za-z0-9/_.-]+$`)
	envFileRE      = regexp.MustCompile(`^s3://([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])/(.+\.env)$`)
	domainRE       = regexp.MustCompile(`^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$`)
	successCodesRE = regexp.MustCompile(`^\d{3}(-\d{3})?(,\d{3}(-\d{3})?)*$`)
)

// Validate reports every problem with the spec, with its defaults, under the paths
// "containers.<name>.<field>", "endpoint.<field>", "scaling.<field>", "cpu" and "memoryMiB".
func (s Spec) Validate(o Offer) error {
	s = s.WithDefaults()
	var errs field.Errors
	if len(s.Containers) == 0 {
		errs.Add("containers", "an app needs at least one container")
	}
	names := map[string]bool{}
	ports := map[int]string{}
	essential, cpu, mem := false, 0, 0
	for i := range s.Containers {
		c := &s.Containers[i]
		p := field.Join("containers", c.Name)
		errs.Check(p, naming.Identifier(c.Name, 32))
		if names[c.Name] {
			errs.Add(p, "two containers are named %q: names must be unique", c.Name)
		}
		names[c.Name] = true
		essential = essential || c.IsEssential()
		cpu += c.CPU
		mem += c.MemoryMiB
		checkContainer(&errs, p, c, o, s.Scratch)
		for _, port := range c.Ports {
			if other, taken := ports[port]; taken && other != c.Name {
				errs.Add(field.Join(p, "ports"), "port %d is also used by container %q: containers of one app share a network, so each port can be used once", port, other)
			}
			ports[port] = c.Name
		}
	}
	if len(s.Containers) > 0 && !essential {
		errs.Add("containers", "at least one container must be essential")
	}
	checkScratch(&errs, s, o)
	checkDependencies(&errs, s)
	if s.CPU > 0 && cpu > s.CPU {
		errs.Add("cpu", "%d is less than the %d the containers reserve together", s.CPU, cpu)
	}
	if s.MemoryMiB > 0 && mem > s.MemoryMiB {
		errs.Add("memoryMiB", "%d is less than the %d the containers reserve together", s.MemoryMiB, mem)
	}
	if s.CPU < 0 {
		errs.Add("cpu", "%d is negative", s.CPU)
	}
	if s.MemoryMiB < 0 {
		errs.Add("memoryMiB", "%d is negative", s.MemoryMiB)
	}
	if e := s.Endpoint; e != nil {
		checkEndpoint(&errs, s, e)
	}
	errs.Range("scaling.min", s.Scaling.Min, 1, MaxCopies, "copies")
	errs.Range("scaling.max", s.Scaling.Max, max(1, s.Scaling.Min), MaxCopies, "copies (at least scaling.min)")
	errs.Range("scaling.cpuTargetPercent", s.Scaling.CPUTargetPercent, 1, 100, "percent")
	return errs.Err()
}

// checkScratch checks the scratch volumes' names: identifiers, unique, apart from the platform's
// volumes, and each mounted by some container.
func checkScratch(errs *field.Errors, s Spec, o Offer) {
	seen := map[string]bool{}
	for i, name := range s.Scratch {
		p := field.Index("scratch", i)
		errs.Check(p, naming.Identifier(name, 32))
		switch {
		case seen[name]:
			errs.Add(p, "%q is listed twice", name)
		case slices.Contains(o.Volumes, name):
			errs.Add(p, "%q is also a volume the platform offers: give the scratch volume another name", name)
		case !slices.ContainsFunc(s.Containers, func(c Container) bool {
			return slices.ContainsFunc(c.Mounts, func(m Mount) bool { return m.Volume == name })
		}):
			errs.Add(p, "%q is mounted by no container: mount it or remove it", name)
		}
		seen[name] = true
	}
}

func checkContainer(errs *field.Errors, p string, c *Container, o Offer, scratch []string) {
	if errs.Required(field.Join(p, "image"), c.Image, "pin an image with a tag or digest, e.g. nginx:1.27.3") {
		errs.Check(field.Join(p, "image"), Pinned(c.Image))
	}
	for i, port := range c.Ports {
		errs.Range(field.Index(field.Join(p, "ports"), i), port, 1, 65535, "")
	}
	for _, k := range slices.Sorted(maps.Keys(c.Environment)) {
		path := field.Join(field.Join(p, "environment"), k)
		if !envNameRE.MatchString(k) {
			errs.Add(path, "%q is not an environment variable name: use letters, digits and _, not starting with a digit", k)
		}
		if credentialRE.MatchString(k) {
			errs.Add(path, "looks like a credential: plain environment values are visible in the task definition and state; reference it under secrets instead")
		}
		if _, dup := c.Secrets[k]; dup {
			errs.Add(path, "is also set under secrets: set it in one place")
		}
	}
	for _, k := range slices.Sorted(maps.Keys(c.Secrets)) {
		path := field.Join(field.Join(p, "secrets"), k)
		if !envNameRE.MatchString(k) {
			errs.Add(path, "%q is not an environment variable name: use letters, digits and _, not starting with a digit", k)
		}
		checkSecret(errs, path, c.Secrets[k], o)
	}
	for _, k := range slices.Sorted(maps.Keys(c.DatabaseEnv)) {
		path := field.Join(field.Join(p, "databaseEnv"), k)
		_, plain := c.Environment[k]
		_, secret := c.Secrets[k]
		switch {
		case !envNameRE.MatchString(k):
			errs.Add(path, "%q is not an environment variable name: use letters, digits and _, not starting with a digit", k)
		case plain || secret:
			errs.Add(path, "is also set under environment or secrets: set it in one place")
		}
		v := c.DatabaseEnv[k]
		if !slices.Contains(o.Databases, v.Database) {
			errs.Add(field.Join(path, "database"), "%q is not a database of this system", v.Database)
		}
		errs.OneOf(field.Join(path, "attribute"), v.Attribute, AttrAddress, AttrPort, AttrName, AttrUsername)
	}
	for i, f := range c.EnvFiles {
		if !envFileRE.MatchString(f) {
			errs.Add(field.Index(field.Join(p, "envFiles"), i), "%q is not an env file location: use s3://<bucket>/<key>.env", f)
		}
	}
	for i, arg := range c.EntryPoint {
		if strings.TrimSpace(arg) == "" {
			errs.Add(field.Index(field.Join(p, "entryPoint"), i), "is empty: give the program and its arguments")
		}
	}
	volumes := slices.Concat(o.Volumes, scratch)
	paths := map[string]bool{}
	for i, m := range c.Mounts {
		mp := field.Index(field.Join(p, "mounts"), i)
		if !slices.Contains(volumes, m.Volume) {
			if len(volumes) == 0 {
				errs.Add(field.Join(mp, "volume"), "%q is not a volume of this app: it has none", m.Volume)
			} else {
				errs.Add(field.Join(mp, "volume"), "%q is not a volume of this app: use one of %s", m.Volume, strings.Join(volumes, ", "))
			}
		}
		switch {
		case !path.IsAbs(m.Path) || path.Clean(m.Path) != m.Path || m.Path == "/":
			errs.Add(field.Join(mp, "path"), "%q is not a mount path: use a clean absolute path other than /", m.Path)
		case paths[m.Path]:
			errs.Add(field.Join(mp, "path"), "%q is mounted twice", m.Path)
		}
		paths[m.Path] = true
	}
	if hc := c.HealthCheck; hc != nil {
		hp := field.Join(p, "healthCheck")
		if len(hc.Command) < 2 || (hc.Command[0] != "CMD" && hc.Command[0] != "CMD-SHELL") {
			errs.Add(field.Join(hp, "command"), `use ["CMD", "<program>", "<arg>"…] or ["CMD-SHELL", "<shell command>"]`)
		}
		errs.Range(field.Join(hp, "intervalSeconds"), hc.IntervalSeconds, 5, 300, "seconds")
		errs.Range(field.Join(hp, "timeoutSeconds"), hc.TimeoutSeconds, 2, 60, "seconds")
		errs.Range(field.Join(hp, "retries"), hc.Retries, 1, 10, "")
		errs.Range(field.Join(hp, "startPeriodSeconds"), hc.StartPeriodSeconds, 0, 300, "seconds")
	}
	if c.CPU < 0 {
		errs.Add(field.Join(p, "cpu"), "%d is negative", c.CPU)
	}
	switch {
	case c.MemoryMiB < 0:
		errs.Add(field.Join(p, "memoryMiB"), "%d is negative", c.MemoryMiB)
	case c.MemoryMiB > 0 && c.MemoryMiB < MinContainerMemoryMiB:
		errs.Add(field.Join(p, "memoryMiB"), "%d MiB is less than the %d MiB Docker keeps for every container: reserve at least %d, or 0 to share the app's memory", c.MemoryMiB, MinContainerMemoryMiB, MinContainerMemoryMiB)
	}
}

func checkSecret(errs *field.Errors, path string, s Secret, o Offer) {
	sources := 0
	for _, v := range []string{s.SecretsManager, s.SSMParameter, s.Database} {
		if v != "" {
			sources++
		}
	}
	if sources != 1 {
		errs.Add(path, "set exactly one of secretsManager, ssmParameter or database")
		return
	}
	switch {
	case s.SecretsManager != "":
		isARN := secretARNRE.MatchString(s.SecretsManager)
		switch {
		case !isARN && (strings.HasPrefix(s.SecretsManager, "arn:") || !secretNameRE.MatchString(s.SecretsManager)):
			errs.Add(field.Join(path, "secretsManager"), "%q is not a secret name or ARN", s.SecretsManager)
		case !isARN && s.Key != "":
			errs.Add(field.Join(path, "secretsManager"), "selecting a key needs the secret's full ARN, not its name")
		}
	case s.SSMParameter != "":
		if !ssmNameRE.MatchString(s.SSMParameter) && !ssmARNRE.MatchString(s.SSMParameter) {
			errs.Add(field.Join(path, "ssmParameter"), "%q is not a parameter name (starting with /) or ARN", s.SSMParameter)
		}
		if s.Key != "" {
			errs.Add(field.Join(path, "key"), "parameters have no JSON keys: remove key")
		}
	case s.Database != "":
		if !slices.Contains(o.Databases, s.Database) {
			errs.Add(field.Join(path, "database"), "%q is not a database of this system", s.Database)
		}
		errs.OneOf(field.Join(path, "key"), s.Key, KeyUsername, KeyPassword)
	}
}

// checkDependencies checks that start-order dependencies name other containers and form no cycle.
func checkDependencies(errs *field.Errors, s Spec) {
	for _, c := range s.Containers {
		for i, d := range c.DependsOn {
			p := field.Index(field.Join(field.Join("containers", c.Name), "dependsOn"), i)
			target := s.Container(d.Container)
			switch {
			case d.Container == c.Name:
				errs.Add(field.Join(p, "container"), "a container cannot wait for itself")
			case target == nil:
				errs.Add(field.Join(p, "container"), "%q is not a container of this app", d.Container)
			case d.Condition == "HEALTHY" && target.HealthCheck == nil:
				errs.Add(field.Join(p, "condition"), "HEALTHY needs a health check on %q", d.Container)
			}
			errs.OneOf(field.Join(p, "condition"), d.Condition, conditions...)
		}
	}
	// Depth-first search for a cycle among the valid edges.
	state := map[string]int{} // 1 visiting, 2 done
	var visit func(name string) bool
	visit = func(name string) bool {
		switch state[name] {
		case 1:
			return true
		case 2:
			return false
		}
		state[name] = 1
		if c := s.Container(name); c != nil {
			for _, d := range c.DependsOn {
				if d.Container != name && s.Container(d.Container) != nil && visit(d.Container) {
					return true
				}
			}
		}
		state[name] = 2
		return false
	}
	for _, c := range s.Containers {
		if state[c.Name] == 0 && visit(c.Name) {
			errs.Add(field.Join(field.Join("containers", c.Name), "dependsOn"), "the containers wait for each other in a cycle")
			return
		}
	}
}

func checkEndpoint(errs *field.Errors, s Spec, e *Endpoint) {
	c := s.Container(e.Container)
	switch {
	case e.Container == "":
		errs.Add("endpoint.container", "is required: name the container that receives public traffic")
	case c == nil:
		errs.Add("endpoint.container", "%q is not a container of this app", e.Container)
	case !slices.Contains(c.Ports, e.Port):
		errs.Add("endpoint.port", "container %q does not expose port %d: it exposes %v", e.Container, e.Port, c.Ports)
	}
	if !strings.HasPrefix(e.HealthCheckPath, "/") || len(e.HealthCheckPath) > 1024 {
		errs.Add("endpoint.healthCheckPath", "%q is not a health check path: start it with / and keep it to 1024 characters", e.HealthCheckPath)
	}
	if e.Domain != "" && (len(e.Domain) > 253 || !domainRE.MatchString(e.Domain)) {
		errs.Add("endpoint.domain", "%q is not a DNS name: use lowercase labels separated by dots, e.g. app.example.org", e.Domain)
	}
	errs.Range("endpoint.healthyThreshold", e.HealthyThreshold, 2, 10, "")
	errs.Range("endpoint.unhealthyThreshold", e.UnhealthyThreshold, 2, 10, "")
	errs.Range("endpoint.intervalSeconds", e.IntervalSeconds, 5, 300, "seconds")
	errs.Range("endpoint.timeoutSeconds", e.TimeoutSeconds, 2, min(MaxEndpointTimeoutSeconds, e.IntervalSeconds-1), "seconds (less than endpoint.intervalSeconds)")
	if !validCodes(e.SuccessCodes) {
		errs.Add("endpoint.successCodes", "%q is not a list of HTTP codes: use codes or ranges within 200-499, e.g. 200-399", e.SuccessCodes)
	}
}

func validCodes(s string) bool {
	if !successCodesRE.MatchString(s) {
		return false
	}
	for _, part := range strings.Split(s, ",") {
		lo, hi, isRange := strings.Cut(part, "-")
		if !isRange {
			hi = lo
		}
		l, _ := strconv.Atoi(lo)
		h, _ := strconv.Atoi(hi)
		if l < 200 || h > 499 || l > h {
			return false
		}
	}
	return true
}

// ECRRepository is a private Amazon ECR repository an image comes from.
type ECRRepository struct{ Account, Region, Name string }

var ecrImageRE = regexp.MustCompile(`^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?/([^:@]+)`)

// ECR returns the private ECR repository of an image reference, if it names one: platforms need
// pull permission for those.
func ECR(image string) (ECRRepository, bool) {
	m := ecrImageRE.FindStringSubmatch(image)
	if m == nil {
		return ECRRepository{}, false
	}
	return ECRRepository{Account: m[1], Region: m[2], Name: m[3]}, true
}

// Pinned checks that an image reference names a fixed version: a digest, or a tag other than
// "latest". An untagged image means latest.
func Pinned(image string) error {
	if strings.ContainsAny(image, " \t\n") {
		return fmt.Errorf("%q is not an image reference", image)
	}
	if _, digest, ok := strings.Cut(image, "@"); ok {
		if !strings.HasPrefix(digest, "sha256:") || len(digest) != len("sha256:")+64 {
			return fmt.Errorf("%q has a malformed digest: use @sha256:<64 hex digits>", image)
		}
		return nil
	}
	// The tag follows the last colon after the last slash (a registry may carry a port).
	last := image[strings.LastIndex(image, "/")+1:]
	_, tag, ok := strings.Cut(last, ":")
	switch {
	case !ok || tag == "":
		return fmt.Errorf("%q is not pinned: an untagged image means latest; add a version tag or a digest", image)
	case tag == "latest":
		return fmt.Errorf("%q is not pinned: latest changes under you; use a version tag or a digest", image)
	}
	return nil
}
