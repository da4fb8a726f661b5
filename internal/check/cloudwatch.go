package check

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"
)

const (
	logGroupType    = "aws:cloudwatch/logGroup:LogGroup"
	logPolicyType   = "aws:cloudwatch/logResourcePolicy:LogResourcePolicy"
	metricAlarmType = "aws:cloudwatch/metricAlarm:MetricAlarm"
	alarmAPI        = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html"
)

// statRE matches CloudWatch's statistics and the extended statistics' notation (pNN, tmNN, wmNN,
// tcNN, tsNN, with optional decimals or ranges).
var statRE = regexp.MustCompile(`^(SampleCount|Average|Sum|Minimum|Maximum|(p|tm|wm|tc|ts|TM|WM|TC|TS|PR|IQM)[0-9.:%()A-Za-z]*)$`)

// retentionDays are the retention periods CloudWatch Logs accepts.
var retentionDays = []string{"1", "3", "5", "7", "14", "30", "60", "90", "120", "150", "180", "365", "400", "545", "731", "1096", "1827", "2192", "2557", "2922", "3288", "3653"}

var cloudwatch = set{
	limits: []Limit{
		{ID: "logs.loggroup.retentionindays", Type: logGroupType, Path: "retentionInDays", Enum: append([]string{"0"}, retentionDays...),
			Allowed: "one of " + strings.Join(retentionDays, ", ") + " days, or 0 (the provider then removes the retention policy: events never expire)",
			Source:  "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html; https://www.pulumi.com/registry/packages/aws/api-docs/cloudwatch/loggroup/ (0)"},
		{ID: "cloudwatch.metricalarm.treatmissingdata.value", Type: metricAlarmType, Path: "treatMissingData", Enum: []string{"breaching", "notBreaching", "ignore", "missing"}, Source: alarmAPI},
		{ID: "cloudwatch.metricalarm.evaluatelowsamplecountpercentiles", Type: metricAlarmType, Path: "evaluateLowSampleCountPercentiles", Enum: []string{"evaluate", "ignore"}, Source: alarmAPI},
	},
	rules: []Rule{
		{
			// PutMetricAlarm: "Metrics": an array of up to 10 MetricDataQuery structures, exactly one
			// of which returns data; each is a metric or an expression.
			ID: "cloudwatch.metricalarm.metrics", Types: []string{metricAlarmType}, Paths: []string{"metricQueries"}, Source: alarmAPI,
			Check: func(r *Resource, report Reporter) {
				queries, ok := r.Inputs["metricQueries"].([]any)
				if !ok {
					return
				}
				returned := 0
				for i, q := range queries {
					m, _ := q.(map[string]any)
					if truthy(m["returnData"]) {
						returned++
					}
					if (m["metric"] == nil) == (m["expression"] == nil) {
						report(fmt.Sprintf("metricQueries[%d]", i), q, "exactly one of metric and expression in each query")
					}
				}
				if len(queries) > 10 {
					report("metricQueries", len(queries), "at most 10 metric queries")
				}
				if returned != 1 {
					report("metricQueries", returned, "exactly one query with returnData true")
				}
				if r.Inputs["metricName"] != nil || r.Inputs["namespace"] != nil {
					report("metricName", r.Inputs["metricName"], "metricQueries or metricName with namespace, not both")
				}
			},
		},
		{
			// MetricStat.Stat: a statistic or an extended statistic (percentile, trimmed mean, …).
			ID: "cloudwatch.metricalarm.metrics.stat", Types: []string{metricAlarmType}, Paths: []string{"metricQueries[*].metric.stat"},
			Source: "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_MetricStat.html",
			Check: func(r *Resource, report Reporter) {
				r.Each("metricQueries[*].metric.stat", func(path string, v any) {
					s, _ := v.(string)
					if !statRE.MatchString(s) {
						report(path, v, "SampleCount, Average, Sum, Minimum, Maximum, or a percentile or other extended statistic such as p99 or tm90")
					}
				})
			},
		},
		{
			ID: "cloudwatch.metricalarm.period.value", Types: []string{metricAlarmType}, Paths: []string{"period"}, Source: alarmAPI,
			Check: func(r *Resource, report Reporter) {
				if p, ok := number(r.Inputs["period"]); ok && p != 10 && p != 20 && p != 30 && (p < 60 || math.Mod(p, 60) != 0) {
					report("period", r.Inputs["period"], "10, 20, 30 or a multiple of 60 seconds")
				}
			},
		},
		{
			ID: "cloudwatch.metricalarm.evaluationwindow", Types: []string{metricAlarmType}, Paths: []string{"evaluationPeriods"}, Source: alarmAPI,
			Check: func(r *Resource, report Reporter) {
				p, ok1 := number(r.Inputs["period"])
				n, ok2 := number(r.Inputs["evaluationPeriods"])
				switch {
				case !ok1 || !ok2:
				case p*n > 604800:
					report("evaluationPeriods", r.Inputs["evaluationPeriods"], "period × evaluationPeriods of at most 604,800 seconds (7 days)")
				case p < 3600 && p*n > 86400:
					report("evaluationPeriods", r.Inputs["evaluationPeriods"], "period × evaluationPeriods of at most 86,400 seconds (1 day) for periods under an hour")
				}
			},
		},
		{
			ID: "cloudwatch.metricalarm.datapoints", Types: []string{metricAlarmType}, Paths: []string{"datapointsToAlarm"},
			Source: "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html#alarm-evaluation",
			Check: func(r *Resource, report Reporter) {
				m, ok1 := number(r.Inputs["datapointsToAlarm"])
				n, ok2 := number(r.Inputs["evaluationPeriods"])
				if ok1 && ok2 && m > n {
					report("datapointsToAlarm", r.Inputs["datapointsToAlarm"], fmt.Sprintf("at most evaluationPeriods (%s): M out of N", num(n)))
				}
			},
		},
		{
			ID: "cloudwatch.metricalarm.statistic.choice", Types: []string{metricAlarmType}, Paths: []string{"extendedStatistic"}, Source: alarmAPI,
			Check: func(r *Resource, report Reporter) {
				if r.Inputs["metricName"] != nil && (r.Inputs["statistic"] == nil) == (r.Inputs["extendedStatistic"] == nil) {
					report("statistic", r.Inputs["statistic"], "exactly one of statistic and extendedStatistic for an alarm on a metric")
				}
			},
		},
		{
			ID: "cloudwatch.metricalarm.dimension.name", Types: []string{metricAlarmType}, Paths: []string{"dimensions.*"},
			Source: "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_Dimension.html",
			Check: func(r *Resource, report Reporter) {
				dims, _ := r.Inputs["dimensions"].(map[string]any)
				for k := range dims {
					if n := utf8.RuneCountInString(k); n < 1 || n > 255 {
						report(child("dimensions", k), k, "dimension names of 1 to 255 characters")
					}
				}
			},
		},
	},
	classes: slices.Concat(
		classify(logGroupType, Provider, "the provider keeps the log group on destroy", "skipDestroy"),
		classify(logPolicyType, FreeText, "a policy name; the API reference documents no limit (API_PutResourcePolicy)", "policyName"),
		classify(metricAlarmType, Number, "a threshold in the metric's unit; any double", "threshold"),
		classify(metricAlarmType, Boolean, "alarm actions on or off", "actionsEnabled"),
		classify(metricAlarmType, FreeText, "a percentile such as p99 (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_concepts.html#Percentiles)", "extendedStatistic"),
		classify(metricAlarmType, Reference, "the id of a metric query", "thresholdMetricId"),
		classify(metricAlarmType, FreeText, "a label of a metric query; the API reference documents no limit (API_MetricDataQuery)", "metricQueries[*].label"),
		classify(metricAlarmType, Boolean, "whether the alarm judges this query (metricQueries rule)", "metricQueries[*].returnData"),
	),
}
