package main

import (
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTranslate(t *testing.T) {
	tests := []struct {
		name, java, want string
		match, refuse    []string
		notes            int
	}{
		{"unicode escapes", `[\u0009\u000A\u000D\u0020-\u00FF]+`, `[\x{0009}\x{000A}\x{000D}\x{0020}-\x{00FF}]+`,
			[]string{"{\"a\": 1}\n"}, []string{"\u0100"}, 0},
		{"surrogate pair becomes the supplementary planes", `[\u0020-\uD7FF\uD800\uDC00-\uDBFF\uDFFF]*`, `[\x{0020}-\x{D7FF}\x{10000}-\x{10FFFF}]*`,
			[]string{"a😀"}, []string{"\x01"}, 0},
		{"POSIX class outside brackets", `\p{Print}+`, `[[:print:]]+`, []string{"cpu 60%"}, []string{"a\x00"}, 0},
		{"POSIX class inside brackets", `[\p{Alnum}_-]+`, `[[:alnum:]_-]+`, []string{"a_1-b"}, []string{"a b"}, 0},
		{"ASCII", `\p{ASCII}+`, `[\x00-\x7F]+`, []string{"abc"}, []string{"é"}, 0},
		{"repeat bound above RE2's limit", `^[!-~]{1,1024}$`, `^[!-~]{1,}$`, []string{"lookup-staging"}, []string{"a b"}, 1},
		{"Unicode categories pass through", `^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$`, `^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$`, []string{"Cost Center"}, []string{"a*b"}, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, notes, err := translate(tc.java)
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
			assert.Len(t, notes, tc.notes)
			re := regexp.MustCompile(`\A(?:` + got + `)\z`)
			for _, s := range tc.match {
				assert.True(t, re.MatchString(s), "%q should match", s)
			}
			for _, s := range tc.refuse {
				assert.False(t, re.MatchString(s), "%q should not match", s)
			}
		})
	}
}

func TestTranslateRefusesLookarounds(t *testing.T) {
	for _, java := range []string{`^(?!arn:)[!-~]+$`, `(?=.{1,5}$)a+`, `\uD800`} {
		_, _, err := translate(java)
		assert.Error(t, err, java)
	}
}

func TestResolve(t *testing.T) {
	m := &model{service: "elbv2", version: "2015-12-01", Shapes: map[string]shape{
		"CreateTargetGroupInput":   {Type: "structure", Members: map[string]struct{ Shape string }{"HealthCheckIntervalSeconds": {"Interval"}, "Tags": {"TagList"}}},
		"Interval":                 {Type: "integer", Min: ptr(5), Max: ptr(300)},
		"TagList":                  {Type: "list", Max: ptr(50), Member: &struct{ Shape string }{"Tag"}},
		"Tag":                      {Type: "structure", Members: map[string]struct{ Shape string }{"Key": {"TagKey"}}},
		"TagKey":                   {Type: "string", Min: ptr(1), Max: ptr(128), Pattern: `^(?!aws:).*$`},
		"CreateTargetGroupOutput2": {Type: "structure"},
	}}
	m.Operations = map[string]struct {
		Input struct {
			Shape string `json:"shape"`
		} `json:"input"`
	}{}

	e := entry{id: "x", path: "healthCheck.interval", member: "CreateTargetGroupInput.HealthCheckIntervalSeconds"}
	require.NoError(t, e.resolve(m))
	assert.Equal(t, 5.0, *e.limit.numMin)
	assert.Equal(t, 300.0, *e.limit.numMax)
	assert.Contains(t, e.limit.source, "botocore elbv2 2015-12-01 CreateTargetGroupInput.HealthCheckIntervalSeconds (shape Interval: min 5, max 300)")

	list := entry{id: "y", path: "tags", member: "CreateTargetGroupInput.Tags"}
	require.NoError(t, list.resolve(m))
	assert.Equal(t, 50.0, *list.limit.lenMax, "a list's max bounds its items")

	key := entry{id: "z", path: "tags[*].key", member: "CreateTargetGroupInput.Tags.Key"}
	require.NoError(t, key.resolve(m))
	assert.Empty(t, key.limit.pattern, "a lookahead is not checked")
	assert.Contains(t, key.limit.note, "RE2 cannot express it")
	assert.Equal(t, 128.0, *key.limit.lenMax)

	for _, bad := range []string{"CreateTargetGroupInput.Nope", "Nope.Interval", "CreateTargetGroupOutput2"} {
		e := entry{id: "bad", path: "p", member: bad}
		assert.Error(t, e.resolve(m), bad)
	}
}

func ptr(f float64) *float64 { return &f }
