// Package webapp is what the web systems that run on ECS share: the cluster, the settings of their
// services, and their HTTPS site, on the stage's shared load balancer or on one of their own.
package webapp

import (
	"strconv"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-iac/strata/components/app"
	"github.com/strata-iac/strata/components/cluster"
	"github.com/strata-iac/strata/components/database"
	"github.com/strata-iac/strata/components/field"
	"github.com/strata-iac/strata/components/loadbalancer"
	"github.com/strata-iac/strata/components/naming"
	"github.com/strata-iac/strata/components/network"
	"github.com/strata-iac/strata/components/secgroup"
	"github.com/strata-iac/strata/components/service"
	"github.com/strata-iac/strata/systems"
	"github.com/strata-iac/strata/systems/schema"
)

// Config is the ECS part of a web system's config.
type Config struct {
	Cluster      schema.Cluster
	Service      schema.Service
	LoadBalancer schema.LoadBalancer
}

// Plan is a web system's ECS platform, prepared.
type Plan struct {
	Naming  naming.Convention
	Cluster cluster.Args
	Service service.Args
	// Site is the app's HTTPS site.
	Site loadbalancer.Site
	// Dedicated is the system's own load balancer, serving only Site; nil puts Site on the shared one.
	Dedicated *loadbalancer.Args
}

// Plan prepares the platform of an app whose endpoint (with the app's defaults) is endpoint, with
// priority as its listener rule's on the shared load balancer. Problems are reported under cluster,
// service, loadBalancer and app.endpoint.
func (c Config) Plan(st systems.Stage, conv naming.Convention, endpoint app.Endpoint, priority int) (Plan, error) {
	var errs field.Errors
	p := Plan{Naming: conv, Cluster: c.Cluster.Args(), Service: c.Service.Args()}
	p.Cluster.Naming, p.Service.Naming = conv, conv
	errs.Merge("cluster", p.Cluster.Validate())
	p.Cluster = p.Cluster.WithDefaults()
	errs.Merge("service", p.Service.Validate())

	lb := c.LoadBalancer
	p.Site = lb.Site()
	p.Site.Name, p.Site.Naming, p.Site.Endpoint, p.Site.Priority = conv.App, conv, endpoint, priority
	// The endpoint's own ranges are the app spec's to report (CheckApp); the site adds its
	// certificate, zone and the target group's name.
	for _, e := range field.Problems(p.Site.Validate()) {
		switch e.Path {
		case "certificateArn", "zone":
			errs.Add(field.Join("loadBalancer", e.Path), "%s", e.Msg)
		case "naming":
			errs.Add("", "%s", e.Msg)
		}
	}
	if lb.Dedicated {
		d := lb.Front.Args(st.Protect)
		d.Naming = conv
		for _, e := range field.Problems(d.Validate()) {
			if e.Path != "sites" {
				errs.Add(field.Join("loadBalancer", e.Path), "%s", e.Msg)
			}
		}
		p.Dedicated = &d
	} else {
		if lb.Front != (schema.Front{}) {
			errs.Add("loadBalancer", "deletionProtection, accessLogs, accessLogsBucket, accessLogsRetentionDays and idleTimeoutSeconds configure a load balancer of the system's own: set dedicated: true, or configure the shared one under %s", systems.Key("front"))
		}
		if endpoint.Domain == "" {
			errs.Add("app.endpoint.domain", "is required on the shared load balancer, which routes by host name: set the app's domain, or give the system its own load balancer (loadBalancer.dedicated: true)")
		}
	}
	return p, errs.Err()
}

// SharedSite returns the site to put on the shared load balancer, or nil with a dedicated one.
func (p Plan) SharedSite() *loadbalancer.Site {
	if p.Dedicated != nil {
		return nil
	}
	s := p.Site
	return &s
}

// Platform is a web system's ECS platform, created.
type Platform struct {
	// Cluster is the system's ECS cluster.
	Cluster *cluster.Cluster
	// Tasks is the security group of the tasks behind the load balancer.
	Tasks *secgroup.Group
	// Site is the app's HTTPS site: its URL and target group.
	Site *loadbalancer.SiteOutputs
	// LoadBalancer serves the site: the shared one, or the system's own.
	LoadBalancer *loadbalancer.LoadBalancer
}

// New creates the platform below parent: the system's own load balancer if it has one (front is
// the shared one otherwise), the security group of the tasks the load balancer forwards to on the
// endpoint's port, the load balancer's egress rule to them (its group has none of its own), and
// the cluster. The tasks reach their data stores through Reach, once the stores' groups exist.
func (p Plan) New(ctx *pulumi.Context, name string, parent pulumi.Resource, net *network.Network, front *loadbalancer.LoadBalancer) (*Platform, error) {
	lb := front
	if p.Dedicated != nil {
		a := *p.Dedicated
		a.Sites = []loadbalancer.Site{p.Site}
		a.VPCID, a.PublicSubnetIDs = net.VPCID, net.PublicSubnetIDs
		var err error
		if lb, err = loadbalancer.New(ctx, name, &a, pulumi.Parent(parent), systems.WasTopLevel()); err != nil {
			return nil, err
		}
	}
	tasks, err := TasksGroup(ctx, name+"-app", p.Naming, "app", net, []secgroup.Rule{{
		Name: "from-alb", Description: "HTTP from the load balancer", FromPort: p.Site.Endpoint.Port, SecurityGroupID: lb.SecurityGroupID,
	}}, pulumi.Parent(parent), systems.WasTopLevel())
	if err != nil {
		return nil, err
	}
	port := p.Site.Endpoint.Port
	if _, err := secgroup.NewRule(ctx, name+"-alb-out-app", lb.SecurityGroupID, secgroup.Egress, secgroup.Rule{
		Name: "to-" + p.Naming.App, Description: "HTTP to the tasks of " + p.Naming.Name("app") + " on port " + strconv.Itoa(port),
		FromPort: port, SecurityGroupID: tasks.ID,
	}, p.Naming.Tags("alb"), pulumi.Parent(parent)); err != nil {
		return nil, err
	}
	c := p.Cluster
	c.VPCID, c.SubnetIDs = net.VPCID, net.PrivateSubnetIDs
	cl, err := cluster.New(ctx, name, &c, pulumi.Parent(parent), systems.WasTopLevel())
	if err != nil {
		return nil, err
	}
	return &Platform{Cluster: cl, Tasks: tasks, Site: lb.Sites[p.Site.Name], LoadBalancer: lb}, nil
}

// ServiceArgs are the service settings for spec, as group, on the platform's cluster in the
// private subnets, in the security group sg.
func (p Plan) ServiceArgs(pl *Platform, spec app.Spec, group string, net *network.Network, sg *secgroup.Group) service.Args {
	a := p.Service
	a.App, a.Group, a.Capacity = spec, group, p.Cluster.Capacity
	a.Cluster = service.Cluster{Name: pl.Cluster.Name, ARN: pl.Cluster.ARN, CapacityProvider: pl.Cluster.CapacityProvider,
		Ready: pl.Cluster.CapacityProviderDependency}
	if p.Cluster.ServiceConnect {
		a.Cluster.NamespaceARN = pl.Cluster.NamespaceARN
	}
	a.SubnetIDs, a.SecurityGroupIDs = net.PrivateSubnetIDs, pulumi.StringArray{sg.ID}
	return a
}

// RDS is what a service may learn of an RDS database planned as a: its connection details, its
// managed secret and the key the secret is encrypted with.
func RDS(d *database.Database, a database.Args) service.Database {
	return service.Database{SecretARN: d.SecretARN, Address: d.Address, Port: d.Port, Name: d.DBName, Username: d.Username,
		KMSKeyARN: a.KMSKeyARN}
}

// TasksGroup is the security group of an app's ECS tasks: what may reach them (ingress), and
// outbound HTTPS, the one destination that is not a group of the stage's (AWS APIs, image
// registries, the RDS certificate bundle). Data stores are reached through Reach.
func TasksGroup(ctx *pulumi.Context, name string, conv naming.Convention, group string, net *network.Network,
	ingress []secgroup.Rule, opts ...pulumi.ResourceOption) (*secgroup.Group, error) {
	egress := []secgroup.Rule{{Name: "https", Description: "AWS APIs and image registries over HTTPS", FromPort: 443, CIDR: "0.0.0.0/0"}}
	return secgroup.New(ctx, name, &secgroup.Args{
		Name:        conv.Name(group),
		Description: "ECS tasks of " + conv.Name(group),
		VPCID:       net.VPCID,
		Ingress:     ingress,
		Egress:      egress,
		Tags:        conv.Tags(group),
	}, opts...)
}

// Reach lets the tasks in group send to a data store's security group on port: an egress rule
// added once both groups exist, so that neither waits for the other. The store's group admits the
// tasks by an ingress rule of its own. rule names the rule (its resource is <group>-out-<rule>).
func Reach(ctx *pulumi.Context, group *secgroup.Group, rule string, port int, store pulumi.StringInput, what string) error {
	_, err := group.AddEgress(ctx, secgroup.Rule{
		Name: rule, Description: what + " on port " + strconv.Itoa(port), FromPort: port, SecurityGroupID: store,
	})
	return err
}
