package lightsail

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lightsail"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/route53"
	"github.com/pulumi/pulumi-random/sdk/v4/go/random"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-iac/strata/components/app"
	"github.com/strata-iac/strata/components/database"
	"github.com/strata-iac/strata/components/field"
	"github.com/strata-iac/strata/components/naming"
)

// Defaults of the optional settings.
const (
	DefaultPower = "nano"
	DefaultScale = 1
	DefaultGroup = "app"
)

// DatabaseKey is the name under which the app refers to the managed database: in
// app.Secret{Database: DatabaseKey, Key: app.KeyPassword} and in a container's DatabaseEnv.
const DatabaseKey = "db"

// Powers are the node sizes of a container service, smallest first.
var Powers = []string{"nano", "micro", "small", "medium", "large", "xlarge"}

// Limits of Lightsail: nodes of a service, containers of a deployment (the provider's documented
// maximum), and the public endpoint's health check.
const (
	maxScale      = 20
	maxContainers = 53
	minInterval   = 5
	maxInterval   = 300
	minTimeout    = 2
	maxTimeout    = 60
	minThreshold  = 2
	maxThreshold  = 10
)

// The service name <app>-<env>-<group> must fit Lightsail's 63 characters with app and env at 16.
const maxGroup = 63 - 2*16 - 2

// passwordLength is the master password's: long enough for any use (32 letters and digits, about
// 190 bits), short enough for MySQL's 41. Letters and digits only: Lightsail refuses "/", `"`, "@"
// and spaces, and images pass the password through unquoted shell command lines, where a leading
// "-" reads as an option (Epimetheus' backend exits) and other punctuation splits or globs.
const passwordLength = 32

// Args configures a Service.
type Args struct {
	// Power is the size of each node: nano (default), micro, small, medium, large or xlarge.
	// Lightsail sizes the whole deployment by it; the spec's cpu and memoryMiB are refused.
	Power string
	// Scale is the number of nodes, each running the whole deployment. Default 1; 1 to 20. An
	// explicit 0 is refused rather than read as the default.
	Scale *int
	// Database adds a Lightsail managed database. Default none.
	Database *Database
	// Zone is a Route 53 public hosted zone (e.g. example.org) holding the app's endpoint.domain:
	// the certificate's validation record, and once AttachDomain is set the domain's CNAME to the
	// service, are created there. Default none: create those records where the domain's DNS lives.
	Zone string
	// AttachDomain serves the app's endpoint.domain from the service. Default false: Lightsail
	// refuses a certificate that is not yet valid, so the first deployment with a domain only
	// creates the certificate; set this once Lightsail shows it as valid.
	AttachDomain bool

	// App is what runs; CheckApp must accept it. Its defaults apply.
	App app.Spec
	// Naming names and tags the resources.
	Naming naming.Convention
	// Protect protects the database (Pulumi protect).
	Protect bool
	// Group names the service within its app: <app>-<env>-<group>, the database
	// <app>-<env>-<group>-db. Default "app"; at most 29 characters. Changing it replaces the service
	// and the database.
	Group string
}

// Service is a Lightsail container service with its deployment and optional database and
// certificate.
type Service struct {
	pulumi.ResourceState

	// URL is https://<endpoint.domain> once the domain is attached, else the service's own URL.
	URL         pulumi.StringOutput
	ServiceName pulumi.StringOutput
	// PrincipalARN is the service's ECR image puller; empty unless an image comes from ECR.
	PrincipalARN pulumi.StringOutput
	// DomainValidation is the DNS record that proves control of endpoint.domain,
	// "<name> CNAME <value>"; empty without a domain.
	DomainValidation pulumi.StringOutput
	// The managed database: endpoint "address:port", its parts, name and master user; all empty
	// (port 0) without a database.
	DatabaseEndpoint pulumi.StringOutput
	DatabaseAddress  pulumi.StringOutput
	DatabasePort     pulumi.IntOutput
	DatabaseName     pulumi.StringOutput
	DatabaseUsername pulumi.StringOutput
	// DatabasePassword is the generated master password, a Pulumi secret.
	DatabasePassword pulumi.StringOutput
}

var zoneName = regexp.MustCompile(`^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$`)

// WithDefaults returns a copy of a with the documented defaults filled in, the app's and the
// database's included.
func (a Args) WithDefaults() Args {
	a.App = a.App.WithDefaults()
	if a.Power == "" {
		a.Power = DefaultPower
	}
	scale := DefaultScale
	if a.Scale != nil {
		scale = *a.Scale
	}
	a.Scale = &scale
	if a.Group == "" {
		a.Group = DefaultGroup
	}
	if a.Database != nil {
		d := a.Database.withDefaults()
		a.Database = &d
	}
	return a
}

// Validate applies the defaults, then reports every problem with the fields that come from config;
// paths are their JSON names. CheckApp checks the app against them; New checks everything.
func (a Args) Validate() error {
	a = a.WithDefaults()
	var errs field.Errors
	errs.OneOf("power", a.Power, Powers...)
	errs.Range("scale", *a.Scale, 1, maxScale, "nodes")
	if a.Database != nil {
		a.Database.validate(&errs)
	}
	if a.Zone != "" && (len(a.Zone) > 253 || !zoneName.MatchString(a.Zone)) {
		errs.Add("zone", "%q is not a DNS zone name: use lowercase labels separated by dots, without a final dot, e.g. example.org", a.Zone)
	}
	return errs.Err()
}

// CheckApp validates the app for Lightsail, after Validate: the platform-neutral rules, then
// everything Lightsail cannot do, then the domain and database settings the app needs. Paths are
// the spec's ("containers.<name>.<field>"), and "zone" and "attachDomain" for the domain.
func (a Args) CheckApp() error {
	a = a.WithDefaults()
	var errs field.Errors
	spec := &a.App
	var offer app.Offer
	if a.Database != nil {
		offer.Databases = []string{DatabaseKey}
	}
	errs.Merge("", spec.Validate(offer))
	if n := len(spec.Containers); n > maxContainers {
		errs.Add("containers", "%d containers: a Lightsail deployment runs at most %d", n, maxContainers)
	}
	if spec.CPU != 0 {
		errs.Add("cpu", "Lightsail sizes an app by the service's power, not by CPU units: remove cpu and choose lightsail.power (%s)", strings.Join(Powers, ", "))
	}
	if spec.MemoryMiB != 0 {
		errs.Add("memoryMiB", "Lightsail sizes an app by the service's power, not by memory: remove memoryMiB and choose lightsail.power (%s)", strings.Join(Powers, ", "))
	}
	if len(spec.Scratch) > 0 {
		errs.Add("scratch", "Lightsail containers have no volumes: remove the scratch volumes (Lightsail's root file systems are writable) and their mounts")
	}
	if spec.Scaling.Max > spec.Scaling.Min {
		errs.Add("scaling.max", "%d is more than scaling.min %d: Lightsail does not autoscale; run a fixed number of nodes with lightsail.scale", spec.Scaling.Max, spec.Scaling.Min)
	}
	if spec.Scaling.Min != 1 && spec.Scaling.Min != *a.Scale {
		errs.Add("scaling.min", "%d copies, but lightsail.scale runs %d nodes: set lightsail.scale to %d, or leave scaling at its default", spec.Scaling.Min, *a.Scale, spec.Scaling.Min)
	}
	for _, c := range spec.Containers {
		a.checkContainer(&errs, c)
	}
	if e := spec.Endpoint; e != nil {
		checkEndpoint(&errs, e)
	}
	a.checkDomain(&errs)
	return errs.Err()
}

// checkContainer refuses what a Lightsail container cannot have.
func (a Args) checkContainer(errs *field.Errors, c app.Container) {
	p := field.Join("containers", c.Name)
	if len(c.Mounts) > 0 {
		errs.Add(field.Join(p, "mounts"), "Lightsail containers have no volumes: remove the mounts, keep state in the database, or run the app on ECS")
	}
	if len(c.EntryPoint) > 0 {
		errs.Add(field.Join(p, "entryPoint"), "Lightsail cannot replace an image's entry point, only its command: remove entryPoint")
	}
	if len(c.EnvFiles) > 0 {
		errs.Add(field.Join(p, "envFiles"), "Lightsail cannot load env files: put plain values under environment")
	}
	if c.CPU != 0 {
		errs.Add(field.Join(p, "cpu"), "Lightsail cannot reserve CPU for one container: remove it; the service's power sizes the deployment")
	}
	if c.MemoryMiB != 0 {
		errs.Add(field.Join(p, "memoryMiB"), "Lightsail cannot reserve memory for one container: remove it; the service's power sizes the deployment")
	}
	if c.HealthCheck != nil {
		errs.Add(field.Join(p, "healthCheck"), "Lightsail runs no health check inside a container: remove it; the public endpoint's HTTP health check watches the deployment")
	}
	if len(c.DependsOn) > 0 {
		errs.Add(field.Join(p, "dependsOn"), "Lightsail starts all containers together: remove dependsOn and let the containers retry until what they need is up")
	}
	if !c.IsEssential() {
		errs.Add(field.Join(p, "essential"), "every Lightsail container is essential: remove essential: false")
	}
	if c.ReadonlyRootFilesystem != nil && *c.ReadonlyRootFilesystem {
		errs.Add(field.Join(p, "readonlyRootFilesystem"), "Lightsail cannot make a container's root file system read-only: remove the explicit true (the default is applied where the platform can)")
	}
	for _, k := range slices.Sorted(maps.Keys(c.Secrets)) {
		s, path := c.Secrets[k], field.Join(field.Join(p, "secrets"), k)
		switch {
		case s.SecretsManager != "":
			errs.Add(field.Join(path, "secretsManager"), "Lightsail cannot resolve Secrets Manager references: use the managed database's password (database: %q) or run the app on ECS", DatabaseKey)
		case s.SSMParameter != "":
			errs.Add(field.Join(path, "ssmParameter"), "Lightsail cannot resolve SSM parameters: use the managed database's password (database: %q) or run the app on ECS", DatabaseKey)
		}
	}
}

// checkEndpoint holds the endpoint to the ranges of Lightsail's health check, unless the spec's
// own rules (which match them today) already refused the value. Success codes are the spec's
// 200-499, which is Lightsail's range.
func checkEndpoint(errs *field.Errors, e *app.Endpoint) {
	for _, r := range []struct {
		path      string
		v, lo, hi int
		unit      string
	}{
		{"endpoint.intervalSeconds", e.IntervalSeconds, minInterval, maxInterval, "seconds"},
		{"endpoint.timeoutSeconds", e.TimeoutSeconds, minTimeout, maxTimeout, "seconds"},
		{"endpoint.healthyThreshold", e.HealthyThreshold, minThreshold, maxThreshold, ""},
		{"endpoint.unhealthyThreshold", e.UnhealthyThreshold, minThreshold, maxThreshold, ""},
	} {
		if !errs.Covers(r.path) {
			errs.Range(r.path, r.v, r.lo, r.hi, r.unit)
		}
	}
}

func (a Args) domain() string {
	if a.App.Endpoint == nil {
		return ""
	}
	return a.App.Endpoint.Domain
}

func (a Args) checkDomain(errs *field.Errors) {
	domain := a.domain()
	if a.AttachDomain && domain == "" {
		errs.Add("attachDomain", "there is no domain to attach: set the app's endpoint.domain")
	}
	if a.Zone == "" || errs.Covers("zone") {
		return
	}
	switch {
	case domain == "":
		errs.Add("zone", "needs the app's endpoint.domain: set the name to certify and point at the service (inside %q)", a.Zone)
	case domain == a.Zone:
		errs.Add("zone", "%q is the zone's apex, which cannot be a CNAME to the service: use a name inside the zone, e.g. app.%s, or remove zone and point the apex yourself", domain, a.Zone)
	case !strings.HasSuffix(domain, "."+a.Zone):
		errs.Add("zone", "%q does not hold the endpoint's domain %q: use the hosted zone the domain belongs to", a.Zone, domain)
	}
}

// check runs every validation New needs, before anything is registered.
func (a Args) check(ctx *pulumi.Context) error {
	var errs field.Errors
	errs.Merge("naming", a.Naming.Validate())
	errs.Merge("", a.Validate())
	errs.Merge("app", a.CheckApp())
	// With app and env valid, this keeps <app>-<env>-<group> a Lightsail name: lowercase letters,
	// digits and single hyphens, at most 63.
	errs.Check("group", naming.Identifier(a.Group, maxGroup))
	if err := a.checkRegistries(ctx, &errs); err != nil {
		return err
	}
	return errs.Err()
}

// checkRegistries refuses ECR images from another region: a container service pulls only from
// private repositories in its own region.
func (a Args) checkRegistries(ctx *pulumi.Context, errs *field.Errors) error {
	if !a.pullsFromECR() {
		return nil
	}
	region, err := aws.GetRegion(ctx, nil)
	if err != nil {
		return err
	}
	for _, c := range a.App.Containers {
		if r, ok := app.ECR(c.Image); ok && r.Region != region.Name {
			errs.Add(field.Join(field.Join("app.containers", c.Name), "image"), "the repository is in %s, the service in %s: Lightsail pulls from ECR in its own region only; replicate the image there", r.Region, region.Name)
		}
	}
	return nil
}

func (a Args) pullsFromECR() bool {
	return slices.ContainsFunc(a.App.Containers, func(c app.Container) bool {
		_, ok := app.ECR(c.Image)
		return ok
	})
}

// New creates a Service.
func New(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*Service, error) {
	a := args.WithDefaults()
	if err := a.check(ctx); err != nil {
		return nil, fmt.Errorf("lightsail %s: %w", name, err)
	}
	s := &Service{}
	if err := ctx.RegisterComponentResource("strata:lightsail:Service", name, s, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(s)
	tags := pulumi.ToStringMap(a.Naming.Tags(a.Group))
	physical := a.Naming.Name(a.Group)
	domain := a.domain()

	var zone route53.LookupZoneResultOutput
	if a.Zone != "" {
		zone = route53.LookupZoneOutput(ctx, route53.LookupZoneOutputArgs{
			Name:        pulumi.String(a.Zone),
			PrivateZone: pulumi.Bool(false),
		}, parent)
	}

	var domains lightsail.ContainerServicePublicDomainNamesPtrInput
	s.DomainValidation = pulumi.String("").ToStringOutput()
	if domain != "" {
		certName, validation, err := a.certificate(ctx, name+"-cert", physical, domain, zone, tags, parent)
		if err != nil {
			return nil, err
		}
		s.DomainValidation = validation
		if a.AttachDomain {
			domains = &lightsail.ContainerServicePublicDomainNamesArgs{
				Certificates: lightsail.ContainerServicePublicDomainNamesCertificateArray{
					&lightsail.ContainerServicePublicDomainNamesCertificateArgs{
						CertificateName: certName,
						DomainNames:     pulumi.StringArray{pulumi.String(domain)},
					},
				},
			}
		}
	}

	ecr := a.pullsFromECR()
	svc, err := lightsail.NewContainerService(ctx, name, &lightsail.ContainerServiceArgs{
		Name:  pulumi.String(physical),
		Power: pulumi.String(a.Power),
		Scale: pulumi.Int(*a.Scale),
		// Explicitly off without ECR images, so that a role activated earlier is deactivated.
		PrivateRegistryAccess: &lightsail.ContainerServicePrivateRegistryAccessArgs{
			EcrImagePullerRole: &lightsail.ContainerServicePrivateRegistryAccessEcrImagePullerRoleArgs{
				IsActive: pulumi.Bool(ecr),
			},
		},
		PublicDomainNames: domains,
		Tags:              tags,
	}, parent)
	if err != nil {
		return nil, err
	}

	db, err := a.database(ctx, name, parent)
	if err != nil {
		return nil, err
	}

	deployment := &lightsail.ContainerServiceDeploymentVersionArgs{
		ServiceName: svc.Name,
		Containers:  a.containers(db),
	}
	if e := a.App.Endpoint; e != nil {
		deployment.PublicEndpoint = &lightsail.ContainerServiceDeploymentVersionPublicEndpointArgs{
			ContainerName: pulumi.String(e.Container),
			ContainerPort: pulumi.Int(e.Port),
			HealthCheck: &lightsail.ContainerServiceDeploymentVersionPublicEndpointHealthCheckArgs{
				Path:               pulumi.String(e.HealthCheckPath),
				HealthyThreshold:   pulumi.Int(e.HealthyThreshold),
				UnhealthyThreshold: pulumi.Int(e.UnhealthyThreshold),
				IntervalSeconds:    pulumi.Int(e.IntervalSeconds),
				TimeoutSeconds:     pulumi.Int(e.TimeoutSeconds),
				SuccessCodes:       pulumi.String(e.SuccessCodes),
			},
		}
	}
	if _, err := lightsail.NewContainerServiceDeploymentVersion(ctx, name, deployment, parent); err != nil {
		return nil, err
	}

	s.URL = svc.Url
	if domain != "" && a.AttachDomain {
		s.URL = pulumi.String("https://" + domain).ToStringOutput()
		if a.Zone != "" {
			// The service's own host name, from its URL https://<host>/.
			host := svc.Url.ApplyT(func(u string) string {
				return strings.TrimSuffix(strings.TrimPrefix(u, "https://"), "/")
			}).(pulumi.StringOutput)
			if _, err := route53.NewRecord(ctx, name+"-domain", &route53.RecordArgs{
				ZoneId:  zone.ZoneId(),
				Name:    pulumi.String(domain),
				Type:    pulumi.String("CNAME"),
				Records: pulumi.StringArray{host},
				Ttl:     pulumi.Int(300),
			}, parent); err != nil {
				return nil, err
			}
		}
	}

	s.ServiceName = svc.Name
	s.PrincipalARN = pulumi.String("").ToStringOutput()
	if ecr {
		s.PrincipalARN = svc.PrivateRegistryAccess.EcrImagePullerRole().PrincipalArn().Elem()
	}
	s.DatabaseAddress, s.DatabasePort, s.DatabaseEndpoint = db.address, db.port, db.endpoint
	s.DatabaseName, s.DatabaseUsername, s.DatabasePassword = db.name, db.username, db.password
	if err := ctx.RegisterResourceOutputs(s, pulumi.Map{
		"url":              s.URL,
		"serviceName":      s.ServiceName,
		"principalArn":     s.PrincipalARN,
		"domainValidation": s.DomainValidation,
		"databaseEndpoint": s.DatabaseEndpoint,
		"databaseAddress":  s.DatabaseAddress,
		"databasePort":     s.DatabasePort,
		"databaseName":     s.DatabaseName,
		"databaseUsername": s.DatabaseUsername,
		"databasePassword": s.DatabasePassword,
	}); err != nil {
		return nil, err
	}
	return s, nil
}

// certificate requests a certificate for the domain, creates its validation record when the zone
// is known, and returns the certificate's name and the record to create as "<name> CNAME <value>".
// Lightsail has no waiter for validation: AttachDomain is set once the certificate is valid.
func (a Args) certificate(ctx *pulumi.Context, name, physical, domain string, zone route53.LookupZoneResultOutput, tags pulumi.StringMap, parent pulumi.ResourceOption) (pulumi.StringOutput, pulumi.StringOutput, error) {
	none := pulumi.StringOutput{}
	// The name stays while a new domain replaces the certificate, so the old one must go first;
	// detach the domain (AttachDomain false) before changing it.
	cert, err := lightsail.NewCertificate(ctx, name, &lightsail.CertificateArgs{
		Name:       pulumi.String(physical),
		DomainName: pulumi.String(domain),
		Tags:       tags,
	}, parent, pulumi.DeleteBeforeReplace(true))
	if err != nil {
		return none, none, err
	}
	option := cert.DomainValidationOptions.Index(pulumi.Int(0))
	if a.Zone != "" {
		if _, err := route53.NewRecord(ctx, name+"-validation", &route53.RecordArgs{
			ZoneId:  zone.ZoneId(),
			Name:    option.ResourceRecordName().Elem(),
			Type:    option.ResourceRecordType().Elem(),
			Records: pulumi.StringArray{option.ResourceRecordValue().Elem()},
			Ttl:     pulumi.Int(60),
			// A replacement certificate for the same domain asks for the same record.
			AllowOverwrite: pulumi.Bool(true),
		}, parent); err != nil {
			return none, none, err
		}
	}
	validation := pulumi.Sprintf("%s %s %s", option.ResourceRecordName().Elem(), option.ResourceRecordType().Elem(), option.ResourceRecordValue().Elem())
	return cert.Name, validation, nil
}

// managedDatabase holds the database's values for the containers and the outputs; all empty
// without a database.
type managedDatabase struct {
	address, endpoint, name, username, password pulumi.StringOutput
	port                                        pulumi.IntOutput
}

func (a Args) database(ctx *pulumi.Context, name string, parent pulumi.ResourceOption) (managedDatabase, error) {
	empty := pulumi.String("").ToStringOutput()
	if a.Database == nil {
		return managedDatabase{address: empty, endpoint: empty, name: empty, username: empty,
			password: pulumi.ToSecret(empty).(pulumi.StringOutput), port: pulumi.Int(0).ToIntOutput()}, nil
	}
	d := a.Database
	group := a.Group + "-db"
	identifier := a.Naming.Name(group)
	password, err := random.NewRandomPassword(ctx, name+"-db-password", &random.RandomPasswordArgs{
		Length:  pulumi.Int(passwordLength),
		Special: pulumi.Bool(false),
	}, parent)
	if err != nil {
		return managedDatabase{}, err
	}
	secret := pulumi.ToSecret(password.Result).(pulumi.StringOutput)
	var backup, maintenance pulumi.StringPtrInput
	if d.BackupWindow != "" {
		backup = pulumi.String(d.BackupWindow)
	}
	if d.MaintenanceWindow != "" {
		maintenance = pulumi.String(strings.ToLower(d.MaintenanceWindow))
	}
	// Each database, and each replacement, leaves its final snapshot under a name of its own: a
	// fixed one would make the second deletion (a destroy and redeploy, or a replacement) fail.
	finalSnapshot, err := database.FinalSnapshotName(ctx, name+"-db", identifier, map[string]string{
		"relationalDatabaseName": identifier,
		"blueprintId":            d.Blueprint,
		"bundleId":               d.Bundle,
		"masterDatabaseName":     d.Name,
		"masterUsername":         d.Username,
	}, parent)
	if err != nil {
		return managedDatabase{}, err
	}
	instance, err := lightsail.NewDatabase(ctx, name+"-db", &lightsail.DatabaseArgs{
		RelationalDatabaseName:     pulumi.String(identifier),
		BlueprintId:                pulumi.String(d.Blueprint),
		BundleId:                   pulumi.String(d.Bundle),
		MasterDatabaseName:         pulumi.String(d.Name),
		MasterUsername:             pulumi.String(d.Username),
		MasterPassword:             secret,
		PubliclyAccessible:         pulumi.Bool(len(d.ExternalClients) > 0),
		BackupRetentionEnabled:     pulumi.Bool(true),
		PreferredBackupWindow:      backup,
		PreferredMaintenanceWindow: maintenance,
		ApplyImmediately:           pulumi.Bool(false),
		SkipFinalSnapshot:          pulumi.Bool(false),
		FinalSnapshotName:          finalSnapshot,
		Tags:                       pulumi.ToStringMap(a.Naming.Tags(group)),
		// The name is fixed, so a replacement (a new blueprint, bundle, database name or master
		// user) can only be created once the old database is gone; its deletion takes the final
		// snapshot. With Protect, Pulumi refuses the replacement instead.
	}, parent, pulumi.Protect(a.Protect), pulumi.DeleteBeforeReplace(true))
	if err != nil {
		return managedDatabase{}, err
	}
	return managedDatabase{
		address:  instance.MasterEndpointAddress,
		port:     instance.MasterEndpointPort,
		endpoint: pulumi.Sprintf("%s:%d", instance.MasterEndpointAddress, instance.MasterEndpointPort),
		name:     pulumi.String(d.Name).ToStringOutput(),
		username: pulumi.String(d.Username).ToStringOutput(),
		password: secret,
	}, nil
}

// containers renders the app's containers as one Lightsail deployment. The endpoint's port is
// opened as HTTP, which the public endpoint requires; other ports as TCP. Secrets that reference
// the database become plain values Lightsail can pass: the password stays a Pulumi secret.
func (a Args) containers(db managedDatabase) lightsail.ContainerServiceDeploymentVersionContainerArray {
	values := map[string]pulumi.StringInput{
		app.AttrAddress:  db.address,
		app.AttrPort:     pulumi.Sprintf("%d", db.port),
		app.AttrName:     db.name,
		app.AttrUsername: db.username,
	}
	var out lightsail.ContainerServiceDeploymentVersionContainerArray
	for _, c := range a.App.Containers {
		env := pulumi.StringMap{}
		for k, v := range c.Environment {
			env[k] = pulumi.String(v)
		}
		for k, v := range c.DatabaseEnv {
			env[k] = values[v.Attribute]
		}
		for k, s := range c.Secrets {
			if s.Key == app.KeyUsername {
				env[k] = db.username
			} else {
				env[k] = db.password
			}
		}
		ports := pulumi.StringMap{}
		for _, p := range c.Ports {
			protocol := "TCP"
			if e := a.App.Endpoint; e != nil && e.Container == c.Name && e.Port == p {
				protocol = "HTTP"
			}
			ports[strconv.Itoa(p)] = pulumi.String(protocol)
		}
		container := &lightsail.ContainerServiceDeploymentVersionContainerArgs{
			ContainerName: pulumi.String(c.Name),
			Image:         pulumi.String(c.Image),
			Environment:   env,
			Ports:         ports,
		}
		if len(c.Command) > 0 {
			container.Commands = pulumi.ToStringArray(c.Command)
		}
		out = append(out, container)
	}
	return out
}
