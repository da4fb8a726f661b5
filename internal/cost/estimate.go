package cost

import (
	"cmp"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"

	"github.com/strata-iac/strata/internal/plan"
)

// Line is one priced item of one resource.
type Line struct {
	System string `json:"system"`
	Type   string `json:"type"`
	Name   string `json:"name"`
	URN    string `json:"urn"`
	// Item says what is priced ("NAT gateway hours").
	Item     string  `json:"item"`
	Quantity float64 `json:"quantity"`
	Unit     string  `json:"unit"`
	// PriceKey is the price table entry; UnitPrice is nil when the table has no price for it.
	PriceKey  string   `json:"priceKey,omitempty"`
	UnitPrice *float64 `json:"unitPrice"`
	// Factor multiplies quantity × unit price (a Spot discount); 1 when unset.
	Factor  float64 `json:"factor,omitempty"`
	Monthly float64 `json:"monthly"`
	// Basis names the assumptions and inputs the quantity comes from.
	Basis string `json:"basis,omitempty"`
}

// Group counts resources of one type left out of the total, with the reason.
type Group struct {
	Type   string `json:"type"`
	Count  int    `json:"count"`
	Reason string `json:"reason"`
}

// System is the monthly total of one system.
type System struct {
	Name    string  `json:"name"`
	Monthly float64 `json:"monthly"`
}

// Estimate is the monthly estimate of a plan.
type Estimate struct {
	Stack     string  `json:"stack"`
	Region    string  `json:"region"`
	Currency  string  `json:"currency"`
	PriceDate string  `json:"priceDate"`
	Total     float64 `json:"total"`
	// Systems are sorted by name.
	Systems []System `json:"systems"`
	Lines   []Line   `json:"lines"`
	// NotPriced are resources the total leaves out: no rule for the type, or a price the table
	// lacks (then also shown as lines without a price).
	NotPriced []Group `json:"notPriced"`
	Excluded  []Group `json:"excluded"`
	Free      []Group `json:"free"`
	// Assumptions are those in force.
	Assumptions Assumptions `json:"assumptions"`
}

const missingPrefix = "no price in the table for "

// Compute estimates doc's monthly cost with prices and assumptions.
func Compute(doc plan.Document, prices Prices, a Assumptions) Estimate {
	e := &estimator{doc: doc, a: a, byURN: map[string]plan.Resource{}}
	for _, r := range doc.Resources {
		e.byURN[r.URN] = r
	}
	e.systems = systems(doc)
	out := Estimate{Stack: doc.Stack, Region: prices.Region, Currency: prices.Currency, PriceDate: prices.Date, Assumptions: a}
	free, excluded, none := map[string]int{}, map[string]int{}, map[string]int{}
	missing := map[string]map[string]bool{} // type → missing price keys
	missingCount := map[string]map[string]bool{}
	for _, r := range doc.Resources {
		if r.Component && !r.Remote {
			continue
		}
		if rule, ok := rules[r.Type]; ok {
			lines := rule(e, r)
			for i := range lines {
				l := &lines[i]
				l.System, l.Type, l.Name, l.URN = e.systems[r.URN], r.Type, r.Name, r.URN
				if l.Factor == 0 {
					l.Factor = 1
				}
				if l.PriceKey != "" {
					if p, ok := prices.Prices[l.PriceKey]; ok && p.Value != nil {
						v := *p.Value
						l.UnitPrice = &v
						l.Monthly = round(l.Quantity * v * l.Factor)
					} else {
						if missing[r.Type] == nil {
							missing[r.Type], missingCount[r.Type] = map[string]bool{}, map[string]bool{}
						}
						missing[r.Type][l.PriceKey] = true
						missingCount[r.Type][r.URN] = true
					}
				}
			}
			out.Lines = append(out.Lines, lines...)
			continue
		}
		switch {
		case prices.Free[r.Type] != "":
			free[r.Type]++
		case prices.Excluded[r.Type] != "":
			excluded[r.Type]++
		default:
			none[r.Type]++
		}
	}
	for _, t := range slices.Sorted(maps.Keys(free)) {
		out.Free = append(out.Free, Group{Type: t, Count: free[t], Reason: prices.Free[t]})
	}
	for _, t := range slices.Sorted(maps.Keys(excluded)) {
		out.Excluded = append(out.Excluded, Group{Type: t, Count: excluded[t], Reason: prices.Excluded[t]})
	}
	for _, t := range slices.Sorted(maps.Keys(none)) {
		out.NotPriced = append(out.NotPriced, Group{Type: t, Count: none[t], Reason: "no pricing rule for this type"})
	}
	for _, t := range slices.Sorted(maps.Keys(missing)) {
		keys := slices.Sorted(maps.Keys(missing[t]))
		out.NotPriced = append(out.NotPriced, Group{Type: t, Count: len(missingCount[t]), Reason: missingPrefix + strings.Join(keys, ", ")})
	}
	slices.SortStableFunc(out.Lines, func(a, b Line) int {
		return cmp.Or(strings.Compare(a.System, b.System), strings.Compare(a.URN, b.URN))
	})
	bySystem := map[string]float64{}
	for _, l := range out.Lines {
		bySystem[l.System] += l.Monthly
		out.Total += l.Monthly
	}
	for _, s := range slices.Sorted(maps.Keys(bySystem)) {
		out.Systems = append(out.Systems, System{Name: s, Monthly: round(bySystem[s])})
	}
	out.Total = round(out.Total)
	return out
}

func round(v float64) float64 { return math.Round(v*100) / 100 }

// estimator is what the pricing rules see: the plan and the assumptions.
type estimator struct {
	doc     plan.Document
	a       Assumptions
	byURN   map[string]plan.Resource
	systems map[string]string
}

func (e *estimator) hours() float64 { return e.a.num("hoursPerMonth") }

// dependency returns the first resource of type typ among r's dependencies.
func (e *estimator) dependency(r plan.Resource, typ string) (plan.Resource, bool) {
	for _, urn := range r.Dependencies {
		if d, ok := e.byURN[urn]; ok && d.Type == typ {
			return d, true
		}
	}
	return plan.Resource{}, false
}

// find returns the first resource of type typ whose input key equals value.
func (e *estimator) find(typ, key, value string) (plan.Resource, bool) {
	for _, r := range e.doc.Resources {
		if r.Type == typ && str(r.Inputs[key]) == value {
			return r, true
		}
	}
	return plan.Resource{}, false
}

// systems maps every resource's URN to its system (see the package documentation).
func systems(doc plan.Document) map[string]string {
	byURN := map[string]plan.Resource{}
	for _, r := range doc.Resources {
		byURN[r.URN] = r
	}
	top := func(r plan.Resource) plan.Resource {
		for r.Parent != "" {
			p, ok := byURN[r.Parent]
			if !ok {
				break
			}
			r = p
		}
		return r
	}
	votes := map[string]map[string]int{}
	for _, r := range doc.Resources {
		if app := appTag(r); app != "" {
			t := top(r).URN
			if votes[t] == nil {
				votes[t] = map[string]int{}
			}
			votes[t][app]++
		}
	}
	out := map[string]string{}
	for _, r := range doc.Resources {
		if app := appTag(r); app != "" {
			out[r.URN] = app
			continue
		}
		t := top(r)
		best, n := "", 0
		for _, app := range slices.Sorted(maps.Keys(votes[t.URN])) {
			if votes[t.URN][app] > n {
				best, n = app, votes[t.URN][app]
			}
		}
		switch {
		case best != "":
			out[r.URN] = best
		case t.URN != r.URN || t.Component:
			out[r.URN] = t.Name
		default:
			out[r.URN] = "(untagged)"
		}
	}
	return out
}

// appTag returns the App tag of a resource: in tags, or in an autoscaling group's tag list.
func appTag(r plan.Resource) string {
	switch tags := r.Inputs["tags"].(type) {
	case map[string]any:
		return str(tags["App"])
	case []any:
		for _, t := range tags {
			if m, ok := t.(map[string]any); ok && str(m["key"]) == "App" {
				return str(m["value"])
			}
		}
	}
	return ""
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

// num reads a number that the plan may render as a number or a string.
func num(v any, def float64) float64 {
	switch x := v.(type) {
	case float64:
		return x
	case string:
		var f float64
		if _, err := fmt.Sscan(x, &f); err == nil {
			return f
		}
	}
	return def
}

func truthy(v any) bool { return v == true || v == "true" }

func obj(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

func list(v any) []any {
	l, _ := v.([]any)
	return l
}
