package check

import "slices"

const (
	certificateType = "aws:acm/certificate:Certificate"
	validationType  = "aws:acm/certificateValidation:CertificateValidation"
	acmAPI          = "https://docs.aws.amazon.com/acm/latest/APIReference/API_RequestCertificate.html"
)

// acmDomain is the model's DomainNameString pattern without its lookaheads: labels of letters,
// digits and hyphens that neither start nor end with a hyphen, an optional leading "*.".
const acmDomain = `(\*\.)?([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z0-9][A-Za-z0-9-]{0,61}[A-Za-z0-9]`

const acmDomainSource = "botocore acm 2015-12-08 DomainNameString pattern, rewritten without (?!-) for RE2; " + acmAPI

var acm = set{
	limits: []Limit{
		{ID: "acm.certificate.domainname.pattern", Type: certificateType, Path: "domainName", Pattern: acmDomain,
			Allowed: "a domain name: labels of letters, digits and hyphens, not starting or ending with a hyphen, optionally starting with *.", Source: acmDomainSource},
		{ID: "acm.certificate.subjectalternativename.pattern", Type: certificateType, Path: "subjectAlternativeNames[*]", Pattern: acmDomain,
			Allowed: "a domain name: labels of letters, digits and hyphens, not starting or ending with a hyphen, optionally starting with *.", Source: acmDomainSource},
	},
	classes: slices.Concat(
		classify(certificateType, Reference, "the private CA's ARN", "certificateAuthorityArn"),
		classify(validationType, Reference, "the certificate's ARN and the FQDNs of its validation records", "certificateArn", "validationRecordFqdns[*]"),
	),
}

const (
	scalingTargetType = "aws:appautoscaling/target:Target"
	scalingPolicyType = "aws:appautoscaling/policy:Policy"
)

var appautoscaling = set{
	limits: []Limit{
		{ID: "appautoscaling.target.mincapacity", Type: scalingTargetType, Path: "minCapacity", Num: &Range{0, NoMax},
			Source: "https://docs.aws.amazon.com/autoscaling/application/APIReference/API_RegisterScalableTarget.html"},
	},
	classes: slices.Concat(
		classify(scalingTargetType, Number, "the most capacity; the API reference defers to each service's quotas", "maxCapacity"),
		classify(scalingTargetType, Reference, "the service-linked role's ARN", "roleArn"),
		classify(scalingPolicyType, Number, "a target in the metric's unit and cooldowns in seconds; any number", "targetTrackingScalingPolicyConfiguration.targetValue",
			"targetTrackingScalingPolicyConfiguration.scaleInCooldown", "targetTrackingScalingPolicyConfiguration.scaleOutCooldown"),
		classify(scalingPolicyType, Boolean, "scale-in on or off", "targetTrackingScalingPolicyConfiguration.disableScaleIn"),
	),
}
