package fleet

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-iac/strata/components/field"
	"github.com/strata-iac/strata/components/naming"
)

// Purchase options of an autoscaling group.
const (
	OnDemand = "onDemand"
	Spot     = "spot"
	// Mixed keeps OnDemandBaseCapacity instances and OnDemandPercentAboveBase percent of the rest
	// on demand, and runs the others on Spot.
	Mixed = "mixed"
)

// Spot allocation strategies (InstancesDistribution in the EC2 Auto Scaling API reference).
const (
	CapacityOptimized            = "capacity-optimized"
	CapacityOptimizedPrioritized = "capacity-optimized-prioritized"
	PriceCapacityOptimized       = "price-capacity-optimized"
	LowestPrice                  = "lowest-price"
)

// Health check types of an autoscaling group.
const (
	HealthEC2 = "EC2"
	HealthELB = "ELB"
)

// Predefined metrics of target tracking policies.
const (
	MetricCPU                   = "ASGAverageCPUUtilization"
	MetricNetworkIn             = "ASGAverageNetworkIn"
	MetricNetworkOut            = "ASGAverageNetworkOut"
	MetricRequestCountPerTarget = "ALBRequestCountPerTarget"
)

// Alarm comparisons for step scaling (static thresholds only).
const (
	GreaterThan        = "GreaterThanThreshold"
	GreaterThanOrEqual = "GreaterThanOrEqualToThreshold"
	LessThan           = "LessThanThreshold"
	LessThanOrEqual    = "LessThanOrEqualToThreshold"
)

// Adjustment types of step scaling policies.
const (
	ChangeInCapacity        = "ChangeInCapacity"
	ExactCapacity           = "ExactCapacity"
	PercentChangeInCapacity = "PercentChangeInCapacity"
)

// SQSNamespace is the CloudWatch namespace of Amazon SQS metrics; their dimension is QueueName.
const SQSNamespace = "AWS/SQS"

// Autoscaling is an autoscaling group.
type Autoscaling struct {
	// MinSize is the fewest instances, 0 or more. Default 0.
	MinSize int
	// MaxSize is the most instances, at least MinSize and 1. Default max(MinSize, 1).
	MaxSize int
	// DesiredCapacity is the starting size, MinSize to MaxSize. Default MinSize. Once scaling
	// policies (or ExternallyScaled) own it, Pulumi ignores later changes to it.
	DesiredCapacity *int
	// ExternallyScaled says something outside the fleet, such as ECS managed scaling, sets the
	// desired capacity, so Pulumi leaves it alone after creation.
	ExternallyScaled bool

	// Purchase is OnDemand (default), Spot or Mixed.
	Purchase string
	// OnDemandBaseCapacity is how many instances are always on demand (Mixed). Default 1.
	OnDemandBaseCapacity *int
	// OnDemandPercentAboveBase is the on-demand share of the instances beyond the base, 0 to 100
	// (Mixed). Default 0.
	OnDemandPercentAboveBase *int
	// SpotAllocationStrategy is how Spot capacity is chosen among the instance types. Default
	// CapacityOptimized, the least likely to be interrupted.
	SpotAllocationStrategy string

	// TargetGroupARNs are load balancer target groups the instances register with.
	TargetGroupARNs pulumi.StringArrayInput
	// HealthCheckType is HealthEC2 or HealthELB. Default HealthELB with target groups, else AWS's
	// (EC2).
	HealthCheckType string
	// HealthCheckGraceSeconds is how long a new instance may fail health checks, 0 to 86400; 0
	// keeps the provider's default (300).
	HealthCheckGraceSeconds int
	// Refresh is how a launch template change rolls through the group.
	Refresh Refresh

	// TargetTracking and StepScaling policies scale the group.
	TargetTracking []TargetTracking
	StepScaling    []StepScaling

	// Tags are extra tags of the group alone, propagated to its instances at launch.
	Tags map[string]string
}

// Refresh is the rolling instance refresh a new launch template version starts.
type Refresh struct {
	// Manual leaves refreshes to the operator (aws autoscaling start-instance-refresh): a new
	// launch template version only reaches instances launched afterwards. For instances that are
	// configured by hand after launch, which an automatic refresh would replace with bare ones.
	Manual bool
	// OnTagChange refreshes the group when its tags change too: for apps that read their
	// settings from tags, which reach an instance only at launch. Not with Manual.
	OnTagChange bool
	// MinHealthyPercent of the desired capacity stays in service during a refresh, 0 to 100.
	// Default 100: replacements launch before instances terminate.
	MinHealthyPercent *int
	// MaxHealthyPercent caps in-service plus pending instances, 100 to 200 and at most 100 above
	// MinHealthyPercent. Default 200.
	MaxHealthyPercent int
}

// TargetTracking keeps a predefined metric at a target.
type TargetTracking struct {
	// Name identifies the policy (lowercase letters, digits, hyphens; at most 32); the policy is
	// named <app>-<env>-<group>-<name>.
	Name string
	// Metric is MetricCPU, MetricNetworkIn, MetricNetworkOut or MetricRequestCountPerTarget.
	Metric string
	// Target is the value to keep: percent for CPU (above 0, at most 100), bytes or requests per
	// target otherwise (above 0).
	Target float64
	// ResourceLabel identifies the target group of MetricRequestCountPerTarget (required with it):
	// app/<lb-name>/<lb-id>/targetgroup/<tg-name>/<tg-id>, the load balancer's and the target
	// group's ARN suffixes joined by a slash.
	ResourceLabel pulumi.StringInput
	// DisableScaleIn lets the policy only add instances.
	DisableScaleIn bool
	// WarmupSeconds is how long a new instance takes to contribute to the metric; 0 keeps the
	// group's default.
	WarmupSeconds int
}

// StepScaling adds or removes instances when a CloudWatch alarm, which the fleet creates on any
// metric, fires.
type StepScaling struct {
	// Name identifies the policy and its alarm (lowercase letters, digits, hyphens; at most 32);
	// both are named <app>-<env>-<group>-<name>.
	Name string
	// Alarm is the metric, comparison and threshold that trigger the policy.
	Alarm Alarm
	// Adjustment is the change when the alarm fires (positive adds, negative removes): one step
	// covering the whole breach. Or give Steps.
	Adjustment int
	// Steps are adjustments by the size of the breach, bounds relative to the threshold.
	Steps []Step
	// AdjustmentType is ChangeInCapacity (default), ExactCapacity or PercentChangeInCapacity.
	AdjustmentType string
	// WarmupSeconds is how long a new instance takes to contribute to the metric; 0 keeps the
	// group's default.
	WarmupSeconds int
}

// Step is one step adjustment: Adjustment applies while the metric minus the threshold lies
// between Lower and Upper (nil: unbounded).
type Step struct {
	Lower, Upper *float64
	Adjustment   int
}

// Alarm is a CloudWatch metric alarm on one metric with a static threshold.
type Alarm struct {
	// Namespace and MetricName name the metric, e.g. SQSNamespace and
	// ApproximateNumberOfMessagesVisible.
	Namespace, MetricName string
	// PlusMetrics are further metrics of the namespace, with the same dimensions and statistic,
	// added to MetricName: the alarm then watches their sum (CloudWatch metric math), e.g. the
	// visible and the in-flight messages of a queue.
	PlusMetrics []string
	// Dimensions select the metric's series, e.g. {"QueueName": queue.Name}.
	Dimensions map[string]pulumi.StringInput
	// Statistic is Average (default), Sum, Minimum, Maximum or SampleCount.
	Statistic string
	// PeriodSeconds is 10, 20, 30 or a multiple of 60. Default 60.
	PeriodSeconds int
	// EvaluationPeriods is how many periods are evaluated, at least 1; the periods together span
	// at most a day (seven days for periods of an hour or more). Default 1.
	EvaluationPeriods int
	// DatapointsToAlarm of those must breach, 1 to EvaluationPeriods. Default EvaluationPeriods.
	DatapointsToAlarm int
	// Comparison is GreaterThan, GreaterThanOrEqual, LessThan or LessThanOrEqual.
	Comparison string
	// Threshold is compared with the statistic.
	Threshold float64
	// TreatMissingData is missing (default), notBreaching, breaching or ignore.
	TreatMissingData string
	// Description of the alarm, at most 1024 characters.
	Description string
}

// ScaleOutOnQueue adds one instance when the queue has visible messages (jobs waiting): SQS's
// ApproximateNumberOfMessagesVisible above 0 for a minute. A queue without activity reports no
// data, which counts as no backlog.
func ScaleOutOnQueue(name string, queueName pulumi.StringInput) StepScaling {
	return StepScaling{
		Name: name,
		Alarm: Alarm{
			Namespace: SQSNamespace, MetricName: "ApproximateNumberOfMessagesVisible",
			Dimensions: map[string]pulumi.StringInput{"QueueName": queueName},
			Statistic:  "Maximum", Comparison: GreaterThan, Threshold: 0,
			TreatMissingData: "notBreaching",
			Description:      "Jobs are waiting: add an instance",
		},
		Adjustment: 1,
	}
}

// ScaleInOnIdleQueue removes one instance when the queue has had no message in flight (no job
// running) for periods minutes: ApproximateNumberOfMessagesNotVisible at 0. A queue without
// activity reports no data, which counts as idle.
func ScaleInOnIdleQueue(name string, queueName pulumi.StringInput, periods int) StepScaling {
	return StepScaling{
		Name: name,
		Alarm: Alarm{
			Namespace: SQSNamespace, MetricName: "ApproximateNumberOfMessagesNotVisible",
			Dimensions: map[string]pulumi.StringInput{"QueueName": queueName},
			Statistic:  "Maximum", Comparison: LessThanOrEqual, Threshold: 0,
			EvaluationPeriods: periods, TreatMissingData: "breaching",
			Description: "No job is running: remove an instance",
		},
		Adjustment: -1,
	}
}

func (s *Autoscaling) applyDefaults() {
	if s.MaxSize == 0 {
		s.MaxSize = max(s.MinSize, 1)
	}
	if s.DesiredCapacity == nil {
		s.DesiredCapacity = ptr(s.MinSize)
	}
	if s.Purchase == "" {
		s.Purchase = OnDemand
	}
	if s.Purchase == Mixed && s.OnDemandBaseCapacity == nil {
		s.OnDemandBaseCapacity = ptr(1)
	}
	if s.Purchase != OnDemand && s.SpotAllocationStrategy == "" {
		s.SpotAllocationStrategy = CapacityOptimized
	}
	if s.Purchase == Mixed && s.OnDemandPercentAboveBase == nil {
		s.OnDemandPercentAboveBase = ptr(0)
	}
	if s.HealthCheckType == "" && s.TargetGroupARNs != nil {
		s.HealthCheckType = HealthELB
	}
	if s.Refresh.MinHealthyPercent == nil {
		s.Refresh.MinHealthyPercent = ptr(100)
	}
	if s.Refresh.MaxHealthyPercent == 0 {
		s.Refresh.MaxHealthyPercent = 200
	}
	s.StepScaling = slices.Clone(s.StepScaling)
	for i := range s.StepScaling {
		p := &s.StepScaling[i]
		if p.AdjustmentType == "" {
			p.AdjustmentType = ChangeInCapacity
		}
		al := &p.Alarm
		if al.Statistic == "" {
			al.Statistic = "Average"
		}
		if al.PeriodSeconds == 0 {
			al.PeriodSeconds = 60
		}
		if al.EvaluationPeriods == 0 {
			al.EvaluationPeriods = 1
		}
		if al.DatapointsToAlarm == 0 {
			al.DatapointsToAlarm = al.EvaluationPeriods
		}
		if al.TreatMissingData == "" {
			al.TreatMissingData = "missing"
		}
	}
}

// scaled reports whether something other than Pulumi owns the desired capacity.
func (s *Autoscaling) scaled() bool {
	return s.ExternallyScaled || len(s.TargetTracking) > 0 || len(s.StepScaling) > 0
}

// spot reports whether some of the group's capacity may run on Spot.
func (s *Autoscaling) spot() bool {
	return s.Purchase == Spot || s.Purchase == Mixed
}

// AWS's bounds of autoscaling groups and alarms (EC2 Auto Scaling and CloudWatch API references).
const (
	maxInstanceTypes   = 40
	maxGraceSeconds    = 86400
	maxAlarmText       = 1024
	maxMetricName      = 255
	maxDimensions      = 30
	dayOfSeconds       = 86400
	weekOfSeconds      = 604800
	hourOfSeconds      = 3600
	maxCPUTarget       = 100
	maxPolicyNameChars = 255
)

func (s *Autoscaling) validate(physical string) error {
	var errs field.Errors
	if s.MinSize < 0 {
		errs.Add("minSize", "%d is out of range: use 0 or more instances", s.MinSize)
	}
	if s.MaxSize < max(s.MinSize, 1) {
		errs.Add("maxSize", "%d is below minSize %d: use at least %d", s.MaxSize, s.MinSize, max(s.MinSize, 1))
	}
	if d := *s.DesiredCapacity; d < s.MinSize || d > s.MaxSize {
		errs.Add("desiredCapacity", "%d is out of range: use minSize %d to maxSize %d", d, s.MinSize, s.MaxSize)
	}
	errs.OneOf("purchase", s.Purchase, OnDemand, Spot, Mixed)
	if s.Purchase != Mixed && (s.OnDemandBaseCapacity != nil || s.OnDemandPercentAboveBase != nil) {
		errs.Add("onDemandBaseCapacity", "only purchase %q splits capacity between on demand and Spot, not %q", Mixed, s.Purchase)
	}
	if s.Purchase == Mixed {
		base, pct := *s.OnDemandBaseCapacity, *s.OnDemandPercentAboveBase
		if base < 0 || base > s.MaxSize {
			errs.Add("onDemandBaseCapacity", "%d is out of range: use 0 to maxSize %d", base, s.MaxSize)
		}
		errs.Range("onDemandPercentAboveBase", pct, 0, 100, "percent")
		switch {
		case base == 0 && pct == 0:
			errs.Add("purchase", "%q with no on-demand base or share is all Spot: use %q", Mixed, Spot)
		case pct == 100:
			errs.Add("purchase", "%q with 100 percent on demand above the base is all on demand: use %q", Mixed, OnDemand)
		}
	}
	if s.Purchase == OnDemand && s.SpotAllocationStrategy != "" {
		errs.Add("spotAllocationStrategy", "applies to Spot capacity: set purchase %q or %q", Spot, Mixed)
	} else if s.Purchase != OnDemand {
		errs.OneOf("spotAllocationStrategy", s.SpotAllocationStrategy, CapacityOptimized, CapacityOptimizedPrioritized, PriceCapacityOptimized, LowestPrice)
	}
	if s.HealthCheckType != "" {
		errs.OneOf("healthCheckType", s.HealthCheckType, HealthEC2, HealthELB)
	}
	if s.HealthCheckType == HealthELB && s.TargetGroupARNs == nil {
		errs.Add("healthCheckType", "%q needs targetGroupArns: without a load balancer there is no ELB health", HealthELB)
	}
	errs.Range("healthCheckGraceSeconds", s.HealthCheckGraceSeconds, 0, maxGraceSeconds, "seconds")
	r := s.Refresh
	if r.Manual && r.OnTagChange {
		errs.Add("refresh.onTagChange", "needs automatic refreshes: remove manual, or onTagChange")
	}
	errs.Range("refresh.minHealthyPercent", *r.MinHealthyPercent, 0, 100, "percent")
	switch {
	case r.MaxHealthyPercent < 100 || r.MaxHealthyPercent > 200:
		errs.Range("refresh.maxHealthyPercent", r.MaxHealthyPercent, 100, 200, "percent")
	case r.MaxHealthyPercent-*r.MinHealthyPercent > 100:
		errs.Add("refresh.maxHealthyPercent", "%d is more than 100 above minHealthyPercent %d, which AWS refuses", r.MaxHealthyPercent, *r.MinHealthyPercent)
	case r.MaxHealthyPercent == *r.MinHealthyPercent:
		errs.Add("refresh.maxHealthyPercent", "%d equals minHealthyPercent: a refresh could replace nothing; raise maxHealthyPercent or lower minHealthyPercent", r.MaxHealthyPercent)
	}
	// The group's own tags follow the rules of the convention's extra tags.
	errs.Merge("", naming.Convention{App: "a", Env: "e", Owner: "o", Extra: s.Tags}.Validate())

	names := map[string]string{}
	policyName := func(path, name string) {
		errs.Check(field.Join(path, "name"), naming.Identifier(name, 32))
		if prev, ok := names[name]; ok {
			errs.Add(field.Join(path, "name"), "%q is used by %s: policy names must be unique", name, prev)
		}
		names[name] = path
		if n := len(physical) + 1 + len(name); n > maxPolicyNameChars {
			errs.Add(field.Join(path, "name"), "makes the policy name %d characters long: AWS allows %d", n, maxPolicyNameChars)
		}
	}
	for i, t := range s.TargetTracking {
		p := field.Index("targetTracking", i)
		policyName(p, t.Name)
		errs.Merge(p, t.validate(s.TargetGroupARNs != nil))
	}
	for i, st := range s.StepScaling {
		p := field.Index("stepScaling", i)
		policyName(p, st.Name)
		errs.Merge(p, st.validate())
	}
	return errs.Err()
}

func (t TargetTracking) validate(targetGroups bool) error {
	var errs field.Errors
	errs.OneOf("metric", t.Metric, MetricCPU, MetricNetworkIn, MetricNetworkOut, MetricRequestCountPerTarget)
	switch {
	case t.Target <= 0 || math.IsNaN(t.Target) || math.IsInf(t.Target, 0):
		errs.Add("target", "%v is out of range: use a value above 0", t.Target)
	case t.Metric == MetricCPU && t.Target > maxCPUTarget:
		errs.Add("target", "%v is out of range: CPU utilization is a percentage, use above 0 to 100", t.Target)
	}
	switch {
	case t.Metric == MetricRequestCountPerTarget && t.ResourceLabel == nil:
		errs.Add("resourceLabel", "is required with %s: app/<lb-name>/<lb-id>/targetgroup/<tg-name>/<tg-id>", MetricRequestCountPerTarget)
	case t.Metric == MetricRequestCountPerTarget && !targetGroups:
		errs.Add("resourceLabel", "names a target group the group is not attached to: set targetGroupArns")
	case t.Metric != MetricRequestCountPerTarget && t.ResourceLabel != nil:
		errs.Add("resourceLabel", "only %s takes a resource label", MetricRequestCountPerTarget)
	}
	if t.WarmupSeconds < 0 {
		errs.Add("warmupSeconds", "%d is out of range: use 0 or more seconds", t.WarmupSeconds)
	}
	return errs.Err()
}

func (s StepScaling) validate() error {
	var errs field.Errors
	errs.Merge("alarm", s.Alarm.validate())
	errs.OneOf("adjustmentType", s.AdjustmentType, ChangeInCapacity, ExactCapacity, PercentChangeInCapacity)
	if s.WarmupSeconds < 0 {
		errs.Add("warmupSeconds", "%d is out of range: use 0 or more seconds", s.WarmupSeconds)
	}
	switch {
	case s.Adjustment != 0 && len(s.Steps) > 0:
		errs.Add("steps", "is set together with adjustment: give one adjustment or several steps")
	case s.Adjustment == 0 && len(s.Steps) == 0:
		errs.Add("adjustment", "is required: say how many instances to add (positive) or remove (negative), or give steps")
	}
	for i, st := range s.steps() {
		p := "adjustment"
		if len(s.Steps) > 0 {
			p = field.Join(field.Index("steps", i), "adjustment")
		}
		switch {
		case s.AdjustmentType == ExactCapacity && st.Adjustment < 0:
			errs.Add(p, "%d is negative: an exact capacity is 0 or more instances", st.Adjustment)
		case s.AdjustmentType != ExactCapacity && st.Adjustment == 0:
			errs.Add(p, "is 0: a step that changes nothing is a mistake")
		}
	}
	if len(s.Steps) > 0 && !errs.Covers("alarm.comparison") {
		checkSteps(&errs, s.Steps, strings.HasPrefix(s.Alarm.Comparison, "Greater"))
	}
	return errs.Err()
}

// checkSteps applies AWS's rules on step adjustments (no overlap, no gap, at most one open end on
// each side, no step open on both ends, upper above lower), and strata's: the steps cover exactly
// the breaching side of the threshold, so every breach acts and nothing else does.
func checkSteps(errs *field.Errors, steps []Step, above bool) {
	n := len(*errs)
	for i, st := range steps {
		p := field.Index("steps", i)
		switch {
		case st.Lower == nil && st.Upper == nil:
			errs.Add(p, "is unbounded on both ends: give lower or upper")
		case st.Lower != nil && st.Upper != nil && *st.Upper <= *st.Lower:
			errs.Add(p, "upper %v is not above lower %v", *st.Upper, *st.Lower)
		case above && (st.Lower == nil || *st.Lower < 0):
			errs.Add(p, "reaches below the threshold, which a %q alarm never does: use bounds of 0 or more", "Greater")
		case !above && (st.Upper == nil || *st.Upper > 0):
			errs.Add(p, "reaches above the threshold, which a %q alarm never does: use bounds of 0 or less", "Less")
		}
	}
	if len(*errs) > n {
		// The order of the steps means nothing while one of them is wrong.
		return
	}
	sorted := slices.Clone(steps)
	slices.SortFunc(sorted, func(a, b Step) int { return cmpBound(a.Lower, b.Lower, math.Inf(-1)) })
	start, end := sorted[0].Lower, sorted[len(sorted)-1].Upper
	switch {
	case above && *start != 0:
		errs.Add("steps", "start at %v: the steps must start at the threshold (lower 0), or breaches below %v would not act", *start, *start)
	case above && end != nil:
		errs.Add("steps", "end at %v: the last step needs no upper bound, or larger breaches would not act", *end)
	case !above && start != nil:
		errs.Add("steps", "start at %v: the first step needs no lower bound, or larger breaches would not act", *start)
	case !above && *end != 0:
		errs.Add("steps", "end at %v: the steps must end at the threshold (upper 0)", *end)
	}
	for i := 1; i < len(sorted); i++ {
		prev, next := sorted[i-1].Upper, sorted[i].Lower
		if prev == nil || next == nil || *prev != *next {
			errs.Add("steps", "leave a gap or overlap between %s and %s: each step must start where the previous ends", bound(prev), bound(next))
		}
	}
}

func cmpBound(a, b *float64, open float64) int {
	x, y := open, open
	if a != nil {
		x = *a
	}
	if b != nil {
		y = *b
	}
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

func bound(b *float64) string {
	if b == nil {
		return "an open end"
	}
	return fmt.Sprint(*b)
}

// steps are the policy's step adjustments: Steps, or one step covering the breach.
func (s StepScaling) steps() []Step {
	if len(s.Steps) > 0 || s.Adjustment == 0 {
		return s.Steps
	}
	zero := 0.0
	if strings.HasPrefix(s.Alarm.Comparison, "Less") {
		return []Step{{Upper: &zero, Adjustment: s.Adjustment}}
	}
	return []Step{{Lower: &zero, Adjustment: s.Adjustment}}
}

func (al Alarm) validate() error {
	var errs field.Errors
	switch {
	case al.Namespace == "" || len(al.Namespace) > maxMetricName:
		errs.Add("namespace", "%q is not a namespace: use 1 to %d characters, e.g. %s", al.Namespace, maxMetricName, SQSNamespace)
	case strings.HasPrefix(al.Namespace, ":"):
		errs.Add("namespace", "%q starts with a colon, which CloudWatch refuses", al.Namespace)
	}
	if al.MetricName == "" || len(al.MetricName) > maxMetricName {
		errs.Add("metricName", "%q is not a metric name: use 1 to %d characters", al.MetricName, maxMetricName)
	}
	for i, m := range al.PlusMetrics {
		if m == "" || len(m) > maxMetricName {
			errs.Add(field.Index("plusMetrics", i), "%q is not a metric name: use 1 to %d characters", m, maxMetricName)
		}
	}
	// PutMetricAlarm takes at most 10 metric queries (CloudWatch API reference, Metrics).
	if n := len(al.PlusMetrics); n > 8 {
		errs.Add("plusMetrics", "has %d metrics: an alarm judges at most 10 queries, the sum included; use at most 8", n)
	}
	if len(al.Dimensions) > maxDimensions {
		errs.Add("dimensions", "has %d dimensions: CloudWatch allows %d", len(al.Dimensions), maxDimensions)
	}
	for _, k := range slices.Sorted(maps.Keys(al.Dimensions)) {
		p := field.Join("dimensions", k)
		switch {
		case strings.TrimSpace(k) == "" || len(k) > maxMetricName || !ascii(k) || strings.HasPrefix(k, ":"):
			errs.Add(p, "%q is not a dimension name: use 1 to %d printable ASCII characters, not starting with a colon", k, maxMetricName)
		case al.Dimensions[k] == nil:
			errs.Add(p, "has no value: give the dimension's value, e.g. the queue's name")
		}
	}
	errs.OneOf("statistic", al.Statistic, "Average", "Sum", "Minimum", "Maximum", "SampleCount")
	period := al.PeriodSeconds
	if !(period == 10 || period == 20 || period == 30 || period > 0 && period%60 == 0) {
		errs.Add("periodSeconds", "%d is not a CloudWatch period: use 10, 20, 30 or a multiple of 60", period)
	}
	switch {
	case al.EvaluationPeriods < 1:
		errs.Add("evaluationPeriods", "%d is out of range: use 1 or more", al.EvaluationPeriods)
	case period >= hourOfSeconds && period*al.EvaluationPeriods > weekOfSeconds:
		errs.Add("evaluationPeriods", "%d periods of %d seconds span more than seven days, which CloudWatch refuses", al.EvaluationPeriods, period)
	case period > 0 && period < hourOfSeconds && period*al.EvaluationPeriods > dayOfSeconds:
		errs.Add("evaluationPeriods", "%d periods of %d seconds span more than a day, which CloudWatch refuses for periods under an hour", al.EvaluationPeriods, period)
	}
	if al.DatapointsToAlarm < 1 || al.DatapointsToAlarm > al.EvaluationPeriods {
		errs.Add("datapointsToAlarm", "%d is out of range: use 1 to evaluationPeriods %d", al.DatapointsToAlarm, al.EvaluationPeriods)
	}
	errs.OneOf("comparison", al.Comparison, GreaterThan, GreaterThanOrEqual, LessThan, LessThanOrEqual)
	if math.IsNaN(al.Threshold) || math.IsInf(al.Threshold, 0) {
		errs.Add("threshold", "%v is not a number CloudWatch can compare with", al.Threshold)
	}
	errs.OneOf("treatMissingData", al.TreatMissingData, "missing", "notBreaching", "breaching", "ignore")
	if len(al.Description) > maxAlarmText {
		errs.Add("description", "is %d characters long: CloudWatch allows %d", len(al.Description), maxAlarmText)
	}
	return errs.Err()
}

func ascii(s string) bool {
	for _, r := range s {
		if r < 0x20 || r > 0x7e {
			return false
		}
	}
	return true
}

func ptr[T any](v T) *T { return &v }
