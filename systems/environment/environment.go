// Package environment plans and creates what a stage's systems share: the network
// (strata:network), the HTTPS front (strata:front), one internet-facing load balancer on which
// every web system that does not ask for its own has a site, and the log bucket
// (strata:s3AccessLogs) that receives the S3 server access logs of every data bucket.
package environment

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-iac/strata/components/bucket"
	"github.com/strata-iac/strata/components/field"
	"github.com/strata-iac/strata/components/loadbalancer"
	"github.com/strata-iac/strata/components/naming"
	"github.com/strata-iac/strata/components/network"
	"github.com/strata-iac/strata/systems"
	"github.com/strata-iac/strata/systems/schema"
)

// App names and tags the shared resources: strata-<env>-<group>.
const App = "strata"

// Keys of the environment's config.
const (
	KeyNetwork      = "network"
	KeyFront        = "front"
	KeyS3AccessLogs = "s3AccessLogs"
)

// Config is the environment's part of the stage file.
type Config struct {
	// Network is strata:network; nil leaves the stage without a network.
	Network *schema.Network
	// Front is strata:front; nil gives the shared load balancer its defaults.
	Front *schema.Front
	// S3AccessLogs is strata:s3AccessLogs; nil gives the log bucket its defaults.
	S3AccessLogs *S3AccessLogs
}

// Plan is the environment prepared from config.
type Plan struct {
	// Network is the network's arguments; nil without strata:network.
	Network *network.Args
	// Front is the shared load balancer's own settings; its sites come from the systems.
	Front loadbalancer.Args
	// Naming names and tags the shared resources: strata-<env>-<group>.
	Naming naming.Convention
	// Logs is the log bucket of the data buckets' server access logs; nil when strata:s3AccessLogs
	// turns them off. Its sources and, unless config names it, its name come from WithLogSources.
	Logs *bucket.Args
}

// Plan applies the defaults and reports every problem under strata:network, strata:front and
// strata:s3AccessLogs. A new VPC's zones are checked against region, the stack's region ("" leaves
// that check to New).
func (c Config) Plan(st systems.Stage, region string) (Plan, error) {
	var errs field.Errors
	p := Plan{Naming: st.Naming(App)}
	if c.Network != nil {
		n := c.Network.Args()
		n.Naming = st.Naming(App)
		if n.VPCID == "" {
			n.Region = region
		}
		errs.Merge(systems.Key(KeyNetwork), n.Validate())
		p.Network = &n
	}
	var front schema.Front
	if c.Front != nil {
		front = *c.Front
	}
	p.Front = front.Args(st.Protect)
	p.Front.Naming = st.Naming(App)
	if c.Front != nil {
		// The sites are checked by the systems that own them; here, the load balancer's own settings.
		for _, e := range field.Problems(p.Front.Validate()) {
			if e.Path != "sites" {
				errs.Merge(systems.Key(KeyFront), e)
			}
		}
	}
	var logs S3AccessLogs
	if c.S3AccessLogs != nil {
		logs = *c.S3AccessLogs
	}
	p.Logs = logs.plan(st, &errs)
	return p, errs.Err()
}

// Environment is what the stage's systems share once created.
type Environment struct {
	// Network is nil without strata:network.
	Network *network.Network
	// Front is the shared load balancer; nil when no system has a site on it.
	Front *loadbalancer.LoadBalancer
	// Logs is the log bucket of the data buckets' server access logs; nil without one.
	Logs *Logs
}

// NewNetwork creates the network, if planned; it has no parent, as the network is the stage's.
func (p Plan) NewNetwork(ctx *pulumi.Context) (*network.Network, error) {
	if p.Network == nil {
		return nil, nil
	}
	return network.New(ctx, "network", p.Network)
}

// NewFront creates the shared load balancer for sites in the network's public subnets; nil when
// there are no sites.
func (p Plan) NewFront(ctx *pulumi.Context, net *network.Network, sites []loadbalancer.Site) (*loadbalancer.LoadBalancer, error) {
	if len(sites) == 0 {
		return nil, nil
	}
	a := p.Front
	a.Sites = sites
	a.VPCID, a.PublicSubnetIDs = net.VPCID, net.PublicSubnetIDs
	return loadbalancer.New(ctx, "front", &a)
}
