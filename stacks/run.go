// Package stacks is the strata program: it reads a stack's config, plans every system the config
// enables and, when nothing is wrong, creates them.
package stacks

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-iac/strata/components/field"
	"github.com/strata-iac/strata/components/loadbalancer"
	"github.com/strata-iac/strata/internal/config"
	"github.com/strata-iac/strata/systems/aot"
	"github.com/strata-iac/strata/systems/argos"
	"github.com/strata-iac/strata/systems/bootstrap"
	"github.com/strata-iac/strata/systems/environment"
	"github.com/strata-iac/strata/systems/epimetheus"
	"github.com/strata-iac/strata/systems/kotta"
	"github.com/strata-iac/strata/systems/lookup"
)

// plans are the systems of a stack, planned.
type plans struct {
	environment environment.Plan
	kotta       kotta.Plan
	lookup      *lookup.Plan
	epimetheus  *epimetheus.Plan
	aot         *aot.Plan
	argos       *argos.Plan
	bootstrap   *bootstrap.Plan
}

// Run loads the stack's config, plans every configured system and reports every problem, one per
// line, before any resource is registered; then it creates the network, the log bucket of the data
// buckets' server access logs, the shared load balancer and the systems, each given what it
// depends on.
func Run(ctx *pulumi.Context) error {
	p, err := plan(ctx)
	if err != nil {
		return err
	}
	net, err := p.environment.NewNetwork(ctx)
	if err != nil {
		return err
	}
	if net != nil {
		ctx.Export("network", pulumi.Map{
			"vpcId":             net.VPCID,
			"publicSubnetIds":   net.PublicSubnetIDs,
			"privateSubnetIds":  net.PrivateSubnetIDs,
			"availabilityZones": pulumi.ToStringArray(net.AvailabilityZones),
			"cidrBlock":         net.CIDRBlock,
			"natPublicIps":      net.NATPublicIPs,
		})
	}
	logs, err := p.environment.NewLogs(ctx)
	if err != nil {
		return err
	}
	if logs != nil {
		ctx.Export("s3AccessLogs", pulumi.Map{"bucketName": logs.Bucket.Name, "bucketArn": logs.Bucket.ARN})
	}
	var sites []loadbalancer.Site
	if p.lookup != nil {
		sites = appendSite(sites, p.lookup.Web.SharedSite())
	}
	if p.epimetheus != nil && p.epimetheus.Platform == epimetheus.Fargate {
		sites = appendSite(sites, p.epimetheus.Web.SharedSite())
	}
	if p.argos != nil {
		sites = append(sites, p.argos.SharedSites()...)
	}
	if p.kotta.Platform != nil {
		sites = appendSite(sites, p.kotta.Platform.SharedSite())
	}
	front, err := p.environment.NewFront(ctx, net, sites)
	if err != nil {
		return err
	}
	if front != nil {
		ctx.Export("front", pulumi.Map{"dnsName": front.DNSName, "arn": front.ARN})
	}

	if p.kotta.Base != nil || p.kotta.Platform != nil {
		k, err := kotta.New(ctx, kotta.App, p.kotta, kotta.Deps{Network: net, Front: front, Logs: logs})
		if err != nil {
			return err
		}
		ctx.Export("kotta", k.Outputs)
	}
	if p.lookup != nil {
		l, err := lookup.New(ctx, lookup.App, *p.lookup, lookup.Deps{Network: net, Front: front, Logs: logs})
		if err != nil {
			return err
		}
		ctx.Export("lookup", l.Outputs)
	}
	if p.epimetheus != nil {
		e, err := epimetheus.New(ctx, epimetheus.App, *p.epimetheus, epimetheus.Deps{Network: net, Front: front})
		if err != nil {
			return err
		}
		ctx.Export("epimetheus", e.Outputs)
		if p.epimetheus.Platform == epimetheus.Lightsail {
			// Apart, so that the rest of the map stays readable: a secret inside makes all of it secret.
			ctx.Export("epimetheusDatabasePassword", e.DatabasePassword)
		}
	}
	if p.aot != nil {
		a, err := aot.New(ctx, aot.App, *p.aot, aot.Deps{Network: net, Logs: logs})
		if err != nil {
			return err
		}
		ctx.Export("aot", a.Outputs)
	}
	if p.argos != nil {
		a, err := argos.New(ctx, argos.App, *p.argos, argos.Deps{Network: net, Front: front, Logs: logs})
		if err != nil {
			return err
		}
		ctx.Export("argos", a.Outputs)
	}
	if p.bootstrap != nil {
		b, err := bootstrap.New(ctx, "bootstrap", *p.bootstrap)
		if err != nil {
			return err
		}
		ctx.Export("bootstrap", b.Outputs)
	}
	return nil
}

// plan decodes the config and plans every configured system; its error lists every problem.
func plan(ctx *pulumi.Context) (plans, error) {
	cfg, err := config.Load(ctx)
	var problems field.Errors
	problems.Merge("", err)
	decoding := problems
	// Semantic problems at a path that failed to decode would only restate the decoding problem.
	add := func(err error) {
		for _, p := range field.Problems(err) {
			if !decoding.Covers(p.Path) {
				problems = append(problems, p)
			}
		}
	}
	st := cfg.Stage
	st.Network = cfg.Environment.Network != nil
	var p plans
	region := ""
	if n := cfg.Environment.Network; n != nil && n.VPCID == "" {
		// The zones of a new VPC must lie in the stack's region; an invoke registers nothing.
		r, err := aws.GetRegion(ctx, nil)
		if err != nil {
			return p, err
		}
		region = r.Name
	}
	p.environment, err = cfg.Environment.Plan(st, region)
	add(err)
	p.kotta, err = cfg.Kotta.Plan(st)
	add(err)
	if cfg.Lookup != nil {
		l, err := cfg.Lookup.Plan(st)
		add(err)
		p.lookup = &l
	}
	if cfg.Epimetheus != nil {
		e, err := cfg.Epimetheus.Plan(st)
		add(err)
		p.epimetheus = &e
	}
	if cfg.Aot != nil {
		a, err := cfg.Aot.Plan(st, aot.SiteOf(ctx, cfg.Environment.Network))
		add(err)
		p.aot = &a
	}
	if cfg.Argos != nil {
		a, err := cfg.Argos.Plan(st)
		add(err)
		p.argos = &a
	}
	// The log bucket admits exactly the stage's data buckets; its default name carries the account
	// and region, which invokes read without registering anything.
	buckets := p.dataBuckets()
	account := ""
	if p.environment.NeedsAccount(buckets) {
		caller, err := aws.GetCallerIdentity(ctx, nil)
		if err != nil {
			return p, err
		}
		r, err := aws.GetRegion(ctx, nil)
		if err != nil {
			return p, err
		}
		account, region = caller.AccountId, r.Name
	}
	p.environment, err = p.environment.WithLogSources(buckets, account, region)
	add(err)
	if cfg.Bootstrap != nil {
		// The bucket, the key and the login URL live in the bootstrap stack's region.
		r, err := aws.GetRegion(ctx, nil)
		if err != nil {
			return p, err
		}
		b, err := cfg.Bootstrap.Plan(st, r.Name)
		add(err)
		p.bootstrap = &b
	}
	if len(problems) > 0 {
		noun := "problems"
		if len(problems) == 1 {
			noun = "problem"
		}
		return p, fmt.Errorf("invalid config for stack %s (%d %s):\n%w", ctx.Stack(), len(problems), noun, problems.Err())
	}
	return p, nil
}

// dataBuckets names the data buckets of the stage's systems, whose server access logs go to the
// stage's log bucket.
func (p plans) dataBuckets() []string {
	var out []string
	for _, sys := range p.all() {
		if d, ok := sys.(interface{ DataBuckets() []string }); ok {
			out = append(out, d.DataBuckets()...)
		}
	}
	return out
}

func appendSite(sites []loadbalancer.Site, s *loadbalancer.Site) []loadbalancer.Site {
	if s == nil {
		return sites
	}
	return append(sites, *s)
}
