package config

import (
	"strings"
	"testing"

	"github.com/strata-iac/strata/components/field"
)

type inner struct {
	Port int `json:"port"`
}

type sample struct {
	Name    string            `json:"name"`
	Count   int               `json:"count"`
	Ratio   float64           `json:"ratio"`
	On      *bool             `json:"on"`
	Tags    map[string]string `json:"tags"`
	Items   []inner           `json:"items"`
	Inner   *inner            `json:"inner"`
	Ignored string            `json:"-"`
	embedded
}

type embedded struct {
	Shared string `json:"shared"`
}

func TestDecodeFillsEveryKind(t *testing.T) {
	var errs field.Errors
	var s sample
	decodeJSON(&errs, "strata:x", `{"name":"n","count":3,"ratio":0.5,"on":false,"tags":{"a":"b"},
		"items":[{"port":80},{"port":443}],"inner":{"port":1},"shared":"s"}`, &s)
	if err := errs.Err(); err != nil {
		t.Fatal(err)
	}
	if s.Name != "n" || s.Count != 3 || s.Ratio != 0.5 || s.On == nil || *s.On || s.Tags["a"] != "b" ||
		len(s.Items) != 2 || s.Items[1].Port != 443 || s.Inner == nil || s.Inner.Port != 1 || s.Shared != "s" {
		t.Errorf("got %+v", s)
	}
}

func TestDecodeNullLeavesDefault(t *testing.T) {
	var errs field.Errors
	s := sample{Name: "keep"}
	decodeJSON(&errs, "strata:x", `{"name":null,"inner":null}`, &s)
	if errs.Err() != nil || s.Name != "keep" || s.Inner != nil {
		t.Errorf("got %+v, %v", s, errs.Err())
	}
}

func TestDecodeReportsEveryProblem(t *testing.T) {
	var errs field.Errors
	var s sample
	decodeJSON(&errs, "strata:x", `{"nmae":"n","count":"3","ratio":true,"on":"yes","tags":{"a":1},
		"items":[{"port":1.5},{"prot":2}],"inner":[],"Ignored":"x","zzzzzz":1}`, &s)
	want := []string{
		`strata:x.Ignored: unknown key: use one of count, inner, items, name, on, ratio, shared, tags`,
		`strata:x.count: got "3", want a whole number`,
		`strata:x.inner: got a list, want an object`,
		`strata:x.items[0].port: got 1.5, want a whole number`,
		`strata:x.items[1].prot: unknown key (did you mean "port"?): use one of port`,
		`strata:x.nmae: unknown key (did you mean "name"?)`,
		`strata:x.on: got "yes", want true or false`,
		`strata:x.ratio: got true, want a number`,
		`strata:x.tags.a: got 1, want a string`,
		`strata:x.zzzzzz: unknown key: use one of`,
	}
	lines := strings.Split(errs.Err().Error(), "\n")
	if len(lines) != len(want) {
		t.Fatalf("got %d problems:\n%s\nwant %d", len(lines), strings.Join(lines, "\n"), len(want))
	}
	for i, w := range want {
		if !strings.HasPrefix(lines[i], w) {
			t.Errorf("problem %d: got %q, want prefix %q", i, lines[i], w)
		}
	}
}

func TestDecodeRejectsMalformedJSON(t *testing.T) {
	for _, doc := range []string{`{"name":`, `{} {}`, `not json`} {
		var errs field.Errors
		var s sample
		decodeJSON(&errs, "strata:x", doc, &s)
		if err := errs.Err(); err == nil || !strings.HasPrefix(err.Error(), "strata:x: is not valid JSON") {
			t.Errorf("%s: got %v, want a JSON error at strata:x", doc, err)
		}
	}
}

func TestDistance(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{{"", "", 0}, {"base", "base", 0}, {"bse", "base", 1}, {"jobBucket", "jobsBucket", 1}, {"abc", "xyz", 3}} {
		if got := distance(tc.a, tc.b); got != tc.want {
			t.Errorf("distance(%q, %q): got %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}
