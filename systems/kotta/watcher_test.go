package kotta

import (
	"encoding/json"
	"path"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-iac/strata/components/policy"
	"github.com/strata-iac/strata/internal/mocktest"
)

type asl struct {
	StartAt string                    `json:"StartAt"`
	States  map[string]map[string]any `json:"States"`
}

func definition(t *testing.T) (top, item asl) {
	t.Helper()
	s, err := WatcherDefinition()
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal([]byte(s), &top))
	processor, err := json.Marshal(top.States["EachMessage"]["ItemProcessor"])
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(processor, &item))
	return top, item
}

// Every transition names a state of its own machine, and every state ends or goes on.
func TestWatcherDefinitionIsWellFormed(t *testing.T) {
	top, item := definition(t)
	for _, m := range []asl{top, item} {
		require.Contains(t, m.States, m.StartAt)
		for name, st := range m.States {
			targets := []any{st["Next"], st["Default"]}
			for _, c := range list(st["Choices"]) {
				targets = append(targets, c.(map[string]any)["Next"])
			}
			for _, c := range list(st["Catch"]) {
				targets = append(targets, c.(map[string]any)["Next"])
			}
			for _, n := range targets {
				if n != nil {
					assert.Contains(t, m.States, n, "%s goes to %v", name, n)
				}
			}
			switch st["Type"] {
			case "Choice":
				assert.NotNil(t, st["Default"], "%s: a message no rule matches still goes somewhere", name)
			case "Succeed":
			default:
				assert.True(t, st["Next"] != nil || st["End"] == true, "%s neither ends nor goes on", name)
			}
		}
	}
	receive := top.States["Receive"]["Parameters"].(map[string]any)
	assert.Equal(t, float64(watcherHoldSeconds), receive["VisibilityTimeout"])
	assert.Equal(t, []any{"All"}, receive["MessageAttributeNames"], "the job and instance ids are attributes")
	assert.Equal(t, float64(10), receive["MaxNumberOfMessages"])
}

// The item processor's decisions, walked with the results the services would return.
func TestWatcherDecisions(t *testing.T) {
	_, item := definition(t)
	job := func(id, instance string, receives ...string) map[string]any {
		attrs := map[string]any{}
		if id != "" {
			attrs["job_id"] = map[string]any{"StringValue": id, "DataType": "String"}
		}
		if instance != "" {
			attrs["instance_id"] = map[string]any{"StringValue": instance, "DataType": "String"}
		}
		m := map[string]any{"Body": `{"Message": "..."}`, "ReceiptHandle": "r", "MessageAttributes": attrs}
		if len(receives) > 0 {
			m["Attributes"] = map[string]any{"ApproximateReceiveCount": receives[0]}
		}
		return m
	}
	record := func(status string) map[string]any {
		if status == "" {
			return map[string]any{}
		}
		return map[string]any{"Item": map[string]any{"status": map[string]any{"S": status}}}
	}
	host := func(state string) map[string]any {
		if state == "" {
			return map[string]any{"AutoScalingInstances": []any{}}
		}
		return map[string]any{"AutoScalingInstances": []any{map[string]any{"InstanceId": "i-1", "LifecycleState": state}}}
	}
	for _, tc := range []struct {
		name    string
		message map[string]any
		record  map[string]any
		host    map[string]any
		want    string
	}{
		{"an idle worker's kill request", job("kill_request", "i-1", "1"), nil, host("InService"), "Kind Requester StillIdle Release Forget"},
		{"a kill request of a worker already going", job("kill_request", "i-1"), nil, host("Terminating"), "Kind Requester StillIdle Forget"},
		{"a kill request of a worker gone", job("kill_request", "i-1"), nil, host(""), "Kind Requester StillIdle Forget"},
		{"a message that is not the app's", job("", ""), nil, nil, "Kind Forget"},
		{"a job seen for longer than maxJobHours", job("j1", "i-1", "2881"), record("processing"), host("InService"), "Kind Age Stale Forget"},
		{"a job seen often, within maxJobHours", job("j1", "i-1", "2880"), record("processing"), host("InService"), "Kind Age Stale JobStatus Finished Host Alive Keep"},
		{"a completed job its worker did not delete", job("j1", "i-1"), record("completed"), nil, "Kind JobStatus Finished Forget"},
		{"a failed job", job("j1", "i-1"), record("failed"), nil, "Kind JobStatus Finished Forget"},
		{"a cancelled job", job("j1", "i-1"), record("cancelled"), nil, "Kind JobStatus Finished Forget"},
		{"a job the table does not know", job("j1", "i-1"), record(""), nil, "Kind JobStatus Finished Forget"},
		{"a running job on a live worker", job("j1", "i-1"), record("processing"), host("InService"), "Kind JobStatus Finished Host Alive Keep"},
		{"a job whose worker is gone", job("j1", "i-1"), record("staging_inputs"), host(""), "Kind JobStatus Finished Host Alive Requeue Forget"},
		{"a job whose worker is terminating", job("j1", "i-1"), record("processing"), host("Terminating:Wait"), "Kind JobStatus Finished Host Alive Requeue Forget"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			state := map[string]any{"message": tc.message, "active": "a", "pending": "p", "table": "t", "maxReceives": 2880.0}
			var visited []string
			for name := item.StartAt; name != ""; {
				visited = append(visited, name)
				require.Less(t, len(visited), 20, "no end: %v", visited)
				st := item.States[name]
				switch st["Type"] {
				case "Choice":
					name = choose(t, st, state)
				case "Pass":
					// The one Pass state parses the receive count, as States.StringToJson would.
					params := st["Parameters"].(map[string]any)
					arg := strings.TrimSuffix(strings.TrimPrefix(params["receives.$"].(string), "States.StringToJson("), ")")
					v, _ := lookup(arg, state)
					n, err := strconv.ParseFloat(v.(string), 64)
					require.NoError(t, err)
					state[strings.TrimPrefix(st["ResultPath"].(string), "$.")] = map[string]any{"receives": n}
					name, _ = st["Next"].(string)
				case "Task":
					switch p, _ := st["ResultPath"].(string); p {
					case "$.record":
						state["record"] = tc.record
					case "$.host":
						state["host"] = tc.host
					}
					name, _ = st["Next"].(string)
				default:
					name = ""
				}
			}
			assert.Equal(t, tc.want, strings.Join(visited, " "))
		})
	}
}

// The watcher's resources: an Express workflow logging its errors, started every minute per pool
// with the pool's queues, its roles trusted only for this workflow and these rules, and exactly
// the permissions its states use.
func TestWatcherResources(t *testing.T) {
	res := mustDeploy(t, config())
	machine := get(t, res, "aws:sfn/stateMachine:StateMachine", "kotta-watcher")
	assert.Equal(t, "kotta-test-watcher", machine.In("name"))
	assert.Equal(t, "EXPRESS", machine.In("type"))
	assert.Equal(t, "ERROR", machine.In("loggingConfiguration.level"))
	logs := get(t, res, "aws:cloudwatch/logGroup:LogGroup", "kotta-watcher")
	assert.Equal(t, "/aws/vendedlogs/states/kotta-test-watcher", logs.In("name"))
	assert.Equal(t, logs.Out("arn").(string)+":*", machine.In("loggingConfiguration.logDestination"))

	for _, pool := range []string{"prod", "test"} {
		rule := get(t, res, "aws:cloudwatch/eventRule:EventRule", "kotta-watcher-"+pool)
		assert.Equal(t, "kotta-test-"+pool+"-watch", rule.In("name"))
		assert.Equal(t, "rate(1 minute)", rule.In("scheduleExpression"))
		target := get(t, res, "aws:cloudwatch/eventTarget:EventTarget", "kotta-watcher-"+pool)
		assert.Equal(t, machine.Out("arn"), target.In("arn"))
		var input map[string]any
		require.NoError(t, json.Unmarshal([]byte(target.In("input").(string)), &input))
		assert.Equal(t, map[string]any{
			"active":      "https://sqs." + region + ".amazonaws.com/" + account + "/kotta-test-" + pool + "-active",
			"pending":     "https://sqs." + region + ".amazonaws.com/" + account + "/kotta-test-" + pool + "-pending",
			"table":       "kotta-test-jobs",
			"maxReceives": 48.0 * 60, // maxJobHours' default, a receive a minute
		}, input)
	}

	trust := func(role string) policy.Statement {
		doc := mocktest.Document(t, get(t, res, "aws:iam/role:Role", role), "assumeRolePolicy")
		require.Len(t, doc.Statement, 1)
		return doc.Statement[0]
	}
	assert.Equal(t, "arn:aws:states:"+region+":"+account+":stateMachine:kotta-test-watcher", trust("kotta-watcher").Condition["ArnLike"]["aws:SourceArn"])
	events := trust("kotta-watcher-events").Condition["ArnLike"]["aws:SourceArn"].(string)
	for _, pool := range []string{"prod", "test"} {
		ok, err := path.Match(events, "arn:aws:events:"+region+":"+account+":rule/kotta-test-"+pool+"-watch")
		require.NoError(t, err)
		assert.True(t, ok, "%s admits the rule of pool %s", events, pool)
	}

	grants := mocktest.Grants(mocktest.Document(t, get(t, res, typePolicy, "kotta-watcher"), "policy"))
	want := []string{
		"autoscaling:DescribeAutoScalingInstances *",
		"autoscaling:TerminateInstanceInAutoScalingGroup arn:aws:autoscaling:" + region + ":" + account + ":autoScalingGroup:*:autoScalingGroupName/kotta-test-workers-*",
		"dynamodb:GetItem arn:aws:dynamodb:" + region + ":" + account + ":table/kotta-test-jobs",
	}
	for _, pool := range []string{"prod", "test"} {
		want = append(want,
			"sqs:DeleteMessage "+sqsARN("kotta-test-"+pool+"-active"), "sqs:ReceiveMessage "+sqsARN("kotta-test-"+pool+"-active"),
			"sqs:SendMessage "+sqsARN("kotta-test-"+pool+"-pending"))
	}
	for _, a := range []string{"logs:CreateLogDelivery", "logs:DeleteLogDelivery", "logs:DescribeLogGroups", "logs:DescribeResourcePolicies",
		"logs:GetLogDelivery", "logs:ListLogDeliveries", "logs:PutResourcePolicy", "logs:UpdateLogDelivery"} {
		want = append(want, a+" *")
	}
	slices.Sort(want)
	mocktest.EqualLists(t, "watcher grants", grants, want)
	assert.Equal(t, []string{"states:StartExecution " + machine.Out("arn").(string)},
		mocktest.Grants(mocktest.Document(t, get(t, res, typePolicy, "kotta-watcher-events"), "policy")))
}

// A Jobs table under the base layer's customer managed key is read through DynamoDB with it.
func TestWatcherDecryptsTheJobsTable(t *testing.T) {
	c := config()
	key := "arn:aws:kms:" + region + ":" + account + ":key/1234abcd-12ab-34cd-56ef-1234567890ab"
	c.Base.KMSKeyARN = key
	doc := mocktest.Document(t, get(t, mustDeploy(t, c), typePolicy, "kotta-watcher"), "policy")
	i := slices.IndexFunc(doc.Statement, func(s policy.Statement) bool { return slices.Contains(s.Action, "kms:Decrypt") })
	require.GreaterOrEqual(t, i, 0, "no kms:Decrypt")
	assert.Equal(t, []string{key}, doc.Statement[i].Resource)
	assert.Equal(t, "dynamodb."+region+".amazonaws.com", doc.Statement[i].Condition["StringEquals"]["kms:ViaService"])
}

func list(v any) []any { l, _ := v.([]any); return l }

// choose evaluates a Choice state's rules (the subset of the States Language the watcher uses)
// on state, returning the next state's name.
func choose(t *testing.T, st map[string]any, state map[string]any) string {
	t.Helper()
	for _, c := range list(st["Choices"]) {
		rule := c.(map[string]any)
		if matches(t, rule, state) {
			return rule["Next"].(string)
		}
	}
	return st["Default"].(string)
}

func matches(t *testing.T, rule map[string]any, state map[string]any) bool {
	t.Helper()
	switch {
	case rule["And"] != nil:
		for _, r := range list(rule["And"]) {
			if !matches(t, r.(map[string]any), state) {
				return false
			}
		}
		return true
	case rule["Or"] != nil:
		for _, r := range list(rule["Or"]) {
			if matches(t, r.(map[string]any), state) {
				return true
			}
		}
		return false
	case rule["Not"] != nil:
		return !matches(t, rule["Not"].(map[string]any), state)
	}
	v, present := lookup(rule["Variable"].(string), state)
	switch {
	case rule["IsPresent"] != nil:
		return present == rule["IsPresent"].(bool)
	case rule["StringEquals"] != nil:
		return present && v == rule["StringEquals"]
	case rule["NumericGreaterThanPath"] != nil:
		limit, ok := lookup(rule["NumericGreaterThanPath"].(string), state)
		require.True(t, ok)
		n, _ := v.(float64)
		return present && n > limit.(float64)
	case rule["StringMatches"] != nil:
		s, _ := v.(string)
		ok, err := path.Match(rule["StringMatches"].(string), s)
		require.NoError(t, err)
		return present && ok
	}
	t.Fatalf("rule %v uses an operator this test does not know", rule)
	return false
}

// lookup resolves a JSONPath of dotted names and [index] on state.
func lookup(p string, state any) (any, bool) {
	cur := state
	for _, part := range strings.Split(strings.TrimPrefix(p, "$."), ".") {
		name, index, indexed := strings.Cut(strings.TrimSuffix(part, "]"), "[")
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = m[name]; !ok {
			return nil, false
		}
		if indexed {
			l, _ := cur.([]any)
			i, _ := strconv.Atoi(index)
			if i >= len(l) {
				return nil, false
			}
			cur = l[i]
		}
	}
	return cur, true
}
