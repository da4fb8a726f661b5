package schema

import (
	"github.com/strata-iac/strata/components/loadbalancer"
)

// Front configures an internet-facing HTTPS load balancer: the stage's shared one (strata:front),
// or a system's own with loadBalancer.dedicated.
type Front struct {
	// DeletionProtection makes AWS refuse to delete the load balancer. Default: strata:protect.
	DeletionProtection *bool `json:"deletionProtection"`
	// AccessLogs writes access logs to a private bucket of the load balancer's own. Default false.
	AccessLogs bool `json:"accessLogs"`
	// AccessLogsBucket is the globally unique name of that bucket (required with accessLogs).
	AccessLogsBucket string `json:"accessLogsBucket"`
	// AccessLogsRetentionDays deletes access logs this many days after they are written. Default
	// 90; 1 to 3650.
	AccessLogsRetentionDays int `json:"accessLogsRetentionDays"`
	// IdleTimeoutSeconds closes connections idle this long. Default 60; 1 to 4000.
	IdleTimeoutSeconds int `json:"idleTimeoutSeconds"`
}

// Args returns the load balancer's own settings; the stage decides protection and the systems the
// sites.
func (c Front) Args(protect bool) loadbalancer.Args {
	deletion := protect
	if c.DeletionProtection != nil {
		deletion = *c.DeletionProtection
	}
	return loadbalancer.Args{
		DeletionProtection:      deletion,
		AccessLogs:              c.AccessLogs,
		AccessLogsBucket:        c.AccessLogsBucket,
		AccessLogsRetentionDays: c.AccessLogsRetentionDays,
		IdleTimeoutSeconds:      c.IdleTimeoutSeconds,
		Protect:                 protect,
	}
}

// LoadBalancer puts a system's HTTPS site on the stage's shared load balancer (strata:front), or on
// a load balancer of its own.
type LoadBalancer struct {
	// CertificateARN is an existing ACM certificate for the app's endpoint.domain in the stage's
	// region. Set it or zone.
	CertificateARN string `json:"certificateArn"`
	// Zone is a Route 53 public hosted zone (e.g. example.org) holding the app's endpoint.domain: a
	// certificate for the domain is requested and DNS-validated there, and the domain is pointed at
	// the load balancer. Set it or certificateArn.
	Zone string `json:"zone"`
	// Dedicated gives the system a load balancer of its own, configured by the keys below, instead
	// of a site on the shared one. Default false.
	Dedicated bool `json:"dedicated"`
	// Front configures the system's own load balancer; only with dedicated.
	Front
}

// Site returns the site's certificate settings.
func (c LoadBalancer) Site() loadbalancer.Site {
	return loadbalancer.Site{CertificateARN: c.CertificateARN, Zone: c.Zone}
}
