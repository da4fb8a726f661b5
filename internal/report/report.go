package report

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/strata-iac/strata/internal/cost"
	"github.com/strata-iac/strata/internal/diff"
	"github.com/strata-iac/strata/internal/plan"
)

// MaxLength is the most characters GitHub accepts in a comment.
const MaxLength = 65536

// Finding is one finding of strata check.
type Finding struct {
	Rule     string `json:"rule"`
	Severity string `json:"severity"`
	Type     string `json:"type"`
	Name     string `json:"name"`
	Path     string `json:"path,omitempty"`
	Value    any    `json:"value,omitempty"`
	Allowed  string `json:"allowed"`
	Source   string `json:"source"`
	OptIn    string `json:"optIn,omitempty"`
}

// Checks is the outcome of strata check: how many resources it judged and what it found.
type Checks struct {
	Resources int       `json:"resources"`
	Findings  []Finding `json:"findings"`
}

// Count returns the number of findings of a severity ("violation", "warning").
func (c Checks) Count(severity string) int {
	n := 0
	for _, f := range c.Findings {
		if f.Severity == severity {
			n++
		}
	}
	return n
}

// Input is everything a report shows.
type Input struct {
	Stack string
	// Against names the golden plan the diff compares with.
	Against string
	Plan    plan.Document
	Diff    diff.Result
	Cost    cost.Estimate
	// Before is the golden plan's estimate; nil when there is no golden plan.
	Before *cost.Estimate
	// Checks is nil when strata check did not run.
	Checks *Checks
}

// levels of detail, most first: the number of properties shown per change and of items per list.
var levels = []struct{ props, items int }{{1000, 1000}, {20, 200}, {5, 50}, {0, 20}, {0, 5}}

// Markdown renders the report within MaxLength characters.
func Markdown(in Input) string {
	var out string
	for _, l := range levels {
		out = render(in, l.props, l.items)
		if len(out) <= MaxLength {
			return out
		}
	}
	const notice = "\n\n_The report was cut to fit a comment; run `strata diff`, `strata check` and `strata cost` for the rest._\n"
	cut := strings.LastIndex(out[:MaxLength-len(notice)], "\n")
	out = out[:cut]
	// Close an open <details> so that the comment renders.
	if strings.Count(out, "<details>") > strings.Count(out, "</details>") {
		out += "\n</details>"
	}
	return out + notice
}

func render(in Input, maxProps, maxItems int) string {
	var b strings.Builder
	w := func(format string, a ...any) { fmt.Fprintf(&b, format, a...) }
	d := in.Diff

	w("## strata plan `%s`\n\n", in.Stack)
	resources, components := 0, 0
	for _, r := range in.Plan.Resources {
		if r.Component {
			components++
		} else {
			resources++
		}
	}
	w("| | |\n| --- | --- |\n")
	w("| Resources | %d (and %d components) |\n", resources, components)
	w("| Diff against `%s` | %s |\n", in.Against, d.Summary())
	if in.Checks != nil {
		w("| strata check | %d violations, %d warnings on %d resources |\n", in.Checks.Count("violation"), in.Checks.Count("warning"), in.Checks.Resources)
	} else {
		w("| strata check | not run |\n")
	}
	w("| Monthly cost | %s %s%s |\n\n", in.Cost.Currency, cost.Money(in.Cost.Total), delta(in))

	if dangerous := d.Dangerous(); len(dangerous) > 0 {
		w("### :warning: Stateful or protected resources destroyed\n\n")
		w("Deploying this plan replaces or deletes these resources and the data they hold:\n\n")
		w("| Action | Resource | Why |\n| --- | --- | --- |\n")
		for _, c := range dangerous {
			why := strings.Join(c.Reasons, "; ")
			if why == "" {
				why = "removed from the program"
			}
			w("| **%s** | `%s` %s%s | %s |\n", c.Action, c.Type, c.Name, diff.Flags(c), cell(why))
		}
		w("\n")
	}

	w("### Changes\n\n")
	if len(d.Changes) == 0 && len(d.Outputs) == 0 {
		w("None: the plan matches `%s`.\n\n", in.Against)
	} else {
		w("| Action | Resource | Properties |\n| --- | --- | --- |\n")
		for i, c := range d.Changes {
			if i == maxItems {
				w("| | … and %d more changes | |\n", len(d.Changes)-maxItems)
				break
			}
			w("| %s | `%s` %s%s | %d |\n", c.Action, c.Type, c.Name, diff.Flags(c), len(c.Properties))
		}
		w("\n")
		if maxProps > 0 {
			details(&b, "Changed properties", func(b *strings.Builder) {
				shown := 0
				for _, c := range d.Changes {
					if len(c.Properties) == 0 && len(c.Reasons) == 0 {
						continue
					}
					if shown == maxItems {
						fmt.Fprintf(b, "… and more; run `strata diff %s`.\n", in.Stack)
						break
					}
					shown++
					fmt.Fprintf(b, "**%s** `%s` %s\n", c.Action, c.Type, c.Name)
					for _, r := range c.Reasons {
						fmt.Fprintf(b, "- because %s\n", r)
					}
					for _, n := range c.Notes {
						fmt.Fprintf(b, "- note: %s\n", n)
					}
					for j, p := range c.Properties {
						if j == maxProps {
							fmt.Fprintf(b, "- … and %d more properties\n", len(c.Properties)-maxProps)
							break
						}
						force := ""
						switch {
						case p.Ignored:
							force = " — ignored: ignoreChanges keeps the running value"
						case p.ForcesNew != "":
							force = " — forces replacement (" + p.ForcesNew + ")"
						}
						fmt.Fprintf(b, "- `%s`: `%s` → `%s`%s\n", p.Path, code(diff.Value(p.Old)), code(diff.Value(p.New)), force)
					}
					b.WriteString("\n")
				}
			})
		}
		if len(d.Outputs) > 0 {
			details(&b, fmt.Sprintf("Stack outputs (%d changed)", len(d.Outputs)), func(b *strings.Builder) {
				for i, p := range d.Outputs {
					if i == maxItems {
						fmt.Fprintf(b, "- … and %d more\n", len(d.Outputs)-maxItems)
						break
					}
					fmt.Fprintf(b, "- `%s`: `%s` → `%s`\n", p.Path, code(diff.Value(p.Old)), code(diff.Value(p.New)))
				}
			})
		}
	}

	w("### strata check\n\n")
	switch {
	case in.Checks == nil:
		w("Not run: pass `--checks FILE` with the JSON report of `strata check %s`.\n\n", in.Stack)
	case len(in.Checks.Findings) == 0:
		w("No findings on %d resources.\n\n", in.Checks.Resources)
	default:
		for _, sev := range []string{"violation", "warning"} {
			var fs []Finding
			for _, f := range in.Checks.Findings {
				if f.Severity == sev {
					fs = append(fs, f)
				}
			}
			if len(fs) == 0 {
				continue
			}
			table := func(b *strings.Builder) {
				fmt.Fprintf(b, "| Rule | Resource | Property | Value | Allowed |\n| --- | --- | --- | --- | --- |\n")
				for i, f := range fs {
					if i == maxItems {
						fmt.Fprintf(b, "| | … and %d more | | | |\n", len(fs)-maxItems)
						break
					}
					allowed := f.Allowed
					if f.OptIn != "" {
						allowed += " (asked for by `" + f.OptIn + "`)"
					}
					path := "–"
					if f.Path != "" {
						path = "`" + code(f.Path) + "`"
					}
					fmt.Fprintf(b, "| %s | `%s` %s | %s | `%s` | %s |\n", f.Rule, f.Type, f.Name, path, code(diff.Value(f.Value)), cell(allowed))
				}
			}
			if sev == "violation" {
				w("**%d violations**\n\n", len(fs))
				table(&b)
				w("\n")
			} else {
				details(&b, fmt.Sprintf("%d warnings", len(fs)), table)
			}
		}
	}

	w("### Monthly cost\n\n")
	w("%s.\n\n", in.Cost.Headline())
	w("| System | Golden | This plan | Change |\n| --- | ---: | ---: | ---: |\n")
	before := map[string]float64{}
	if in.Before != nil {
		for _, s := range in.Before.Systems {
			before[s.Name] = s.Monthly
		}
	}
	now := map[string]float64{}
	for _, s := range in.Cost.Systems {
		now[s.Name] = s.Monthly
	}
	names := slices.Sorted(maps.Keys(now))
	for n := range before {
		if _, ok := now[n]; !ok {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	for _, n := range names {
		w("| %s | %s | %s | %s |\n", n, goldenCell(in, before[n]), cost.Money(now[n]), signed(now[n]-before[n], in.Before != nil))
	}
	beforeTotal := 0.0
	if in.Before != nil {
		beforeTotal = in.Before.Total
	}
	w("| **total** | %s | **%s** | %s |\n\n", goldenCell(in, beforeTotal), cost.Money(in.Cost.Total), signed(in.Cost.Total-beforeTotal, in.Before != nil))
	notPriced := 0
	for _, g := range in.Cost.NotPriced {
		notPriced += g.Count
	}
	if notPriced > 0 {
		details(&b, fmt.Sprintf("%d resources not priced (left out of the total)", notPriced), func(b *strings.Builder) {
			for i, g := range in.Cost.NotPriced {
				if i == maxItems {
					fmt.Fprintf(b, "- … and %d more types\n", len(in.Cost.NotPriced)-maxItems)
					break
				}
				fmt.Fprintf(b, "- %d × `%s`: %s\n", g.Count, g.Type, g.Reason)
			}
		})
	}
	details(&b, "Cost per resource", func(b *strings.Builder) {
		fmt.Fprintf(b, "| System | Resource | Item | Quantity | Monthly |\n| --- | --- | --- | ---: | ---: |\n")
		shown := 0
		for _, l := range in.Cost.Lines {
			if l.Monthly == 0 {
				continue
			}
			if shown == maxItems {
				fmt.Fprintf(b, "| | … | | | |\n")
				break
			}
			shown++
			fmt.Fprintf(b, "| %s | `%s` %s | %s | %g %s | %s |\n", l.System, l.Type, l.Name, cell(l.Item), l.Quantity, l.Unit, cost.Money(l.Monthly))
		}
	})

	details(&b, "Resources by type", func(b *strings.Builder) {
		fmt.Fprintf(b, "| Count | Type |\n| ---: | --- |\n")
		for i, t := range slices.Sorted(maps.Keys(in.Plan.Counts)) {
			if i == maxItems*4 {
				fmt.Fprintf(b, "| | … |\n")
				break
			}
			fmt.Fprintf(b, "| %d | `%s` |\n", in.Plan.Counts[t], t)
		}
	})
	return b.String()
}

func details(b *strings.Builder, summary string, body func(b *strings.Builder)) {
	fmt.Fprintf(b, "<details><summary>%s</summary>\n\n", summary)
	body(b)
	fmt.Fprintf(b, "\n</details>\n\n")
}

func delta(in Input) string {
	if in.Before == nil {
		return ""
	}
	return " (" + signed(in.Cost.Total-in.Before.Total, true) + " against the golden plan)"
}

func goldenCell(in Input, v float64) string {
	if in.Before == nil {
		return "–"
	}
	return cost.Money(v)
}

func signed(v float64, known bool) string {
	if !known {
		return "–"
	}
	if v >= 0.005 {
		return "+" + cost.Money(v)
	}
	if v <= -0.005 {
		return cost.Money(v)
	}
	return "±0.00"
}

// cell makes text safe inside a table cell.
func cell(s string) string { return strings.NewReplacer("|", `\|`, "\n", " ").Replace(s) }

// code makes text safe inside inline code in a table cell.
func code(s string) string { return strings.NewReplacer("|", `\|`, "`", "'", "\n", " ").Replace(s) }
