package schema

import (
	"github.com/strata-iac/strata/components/loadbalancer"
)

// Front configures an internet-facing HTTPS load balancer: the stage's shared one (strata:front),
// or a system's own with loadBalancer.dedicated. Its fields are scalars and pointers only, so that
// a Front compares with == (an unset one is Front{}).
type Front struct {
	// DeletionProtection makes AWS refuse to delete the load balancer. Default: strata:protect.
	DeletionProtection *bool `json:"deletionProtection"`
	// AccessLogs writes access logs to a private bucket of the load balancer's own. Default true, in
	// every stage: they cost only the storage of the logs.
	AccessLogs *bool `json:"accessLogs"`
	// AccessLogsBucket is the globally unique name of that bucket. Default
	// <app>-<env>-alb-logs-<account>-<region> (app and env of at most 25 characters together).
	AccessLogsBucket string `json:"accessLogsBucket"`
	// AccessLogsRetentionDays deletes access logs this many days after they are written. Default
	// 90; 1 to 3650.
	AccessLogsRetentionDays int `json:"accessLogsRetentionDays"`
	// IdleTimeoutSeconds closes connections idle this long. Default 60; 1 to 4000.
	IdleTimeoutSeconds int `json:"idleTimeoutSeconds"`
	// WAF configures the web ACL in front of the load balancer. Default: a web ACL with the
	// defaults below when strata:protect (about 9 USD a month plus 0.60 USD per million requests),
	// none otherwise.
	WAF *FrontWAF `json:"waf"`
}

// FrontWAF configures the web ACL (AWS WAF) of a load balancer: AWS's managed rule groups for
// common exploits, known bad inputs and addresses with a bad reputation, and a rate limit per
// client address.
type FrontWAF struct {
	// Enabled puts the web ACL in front of the load balancer. Default true once waf is given (so a
	// staging stage turns it on by writing the section); false drops it and ignores the other keys.
	Enabled *bool `json:"enabled"`
	// RateLimit blocks a client address that sends more than this many requests in any 5 minutes.
	// Default 2000; 10 to 2000000000.
	RateLimit int `json:"rateLimit"`
	// SQLi adds AWS's SQL injection rule group (1 USD a month more). Default false.
	SQLi bool `json:"sqli"`
	// CountOnly counts the requests the rules match instead of blocking them, to try the rules on
	// real traffic first. Default false.
	CountOnly bool `json:"countOnly"`
	// LogRetentionDays keeps the WAF logs (log group aws-waf-logs-<app>-<env>-alb) this long.
	// Default 90; one of CloudWatch Logs' retention periods.
	LogRetentionDays int `json:"logRetentionDays"`
	// LogAllRequests logs every request, not only those a rule blocked or counted. Default false.
	LogAllRequests bool `json:"logAllRequests"`
}

// Args returns the load balancer's own settings; the stage decides protection (and with it the
// defaults of deletion protection and WAF) and the systems the sites.
func (c Front) Args(protect bool) loadbalancer.Args {
	deletion := protect
	if c.DeletionProtection != nil {
		deletion = *c.DeletionProtection
	}
	accessLogs := true
	if c.AccessLogs != nil {
		accessLogs = *c.AccessLogs
	}
	a := loadbalancer.Args{
		DeletionProtection:      deletion,
		AccessLogs:              accessLogs,
		AccessLogsBucket:        c.AccessLogsBucket,
		AccessLogsRetentionDays: c.AccessLogsRetentionDays,
		IdleTimeoutSeconds:      c.IdleTimeoutSeconds,
		Protect:                 protect,
	}
	enabled, w := protect, FrontWAF{}
	if c.WAF != nil {
		enabled, w = true, *c.WAF
	}
	if w.Enabled != nil {
		enabled = *w.Enabled
	}
	if enabled {
		a.WAF = &loadbalancer.WAF{
			RateLimit:        w.RateLimit,
			SQLi:             w.SQLi,
			CountOnly:        w.CountOnly,
			LogRetentionDays: w.LogRetentionDays,
			LogAllRequests:   w.LogAllRequests,
		}
	}
	return a
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
