package cost

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
)

// Money renders an amount with two decimals and thousands separators.
func Money(v float64) string {
	s := strconv.FormatFloat(v, 'f', 2, 64)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	whole, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	out := b.String() + "." + frac
	if neg {
		out = "-" + out
	}
	return out
}

func quantity(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// Headline is the one-line total: "USD 123.45/month (us-east-2 prices of 2026-12-02, 730 h/month)".
func (e Estimate) Headline() string {
	return fmt.Sprintf("%s %s/month (%s prices of %s, %s h/month)", e.Currency, Money(e.Total), e.Region, e.PriceDate,
		e.Assumptions["hoursPerMonth"].String())
}

// Text renders the estimate for people: totals per system, the priced lines, what is not priced,
// what is free, and the assumptions.
func (e Estimate) Text(w io.Writer) {
	fmt.Fprintf(w, "strata cost %s: %s\n\n", e.Stack, e.Headline())
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "system\t%s/month\t\n", e.Currency)
	for _, s := range e.Systems {
		fmt.Fprintf(tw, "%s\t%s\t\n", s.Name, Money(s.Monthly))
	}
	fmt.Fprintf(tw, "total\t%s\t\n", Money(e.Total))
	tw.Flush()

	fmt.Fprintf(w, "\nper resource:\n")
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "  SYSTEM\tRESOURCE\tITEM\tQUANTITY\tUNIT PRICE\tMONTHLY\n")
	for _, l := range e.Lines {
		price := "no price (" + l.PriceKey + ")"
		switch {
		case l.PriceKey == "":
			price = "-"
		case l.UnitPrice != nil:
			price = strconv.FormatFloat(*l.UnitPrice, 'f', -1, 64) + "/" + l.Unit
			if l.Factor != 1 {
				price += fmt.Sprintf(" × %g", l.Factor)
			}
		}
		fmt.Fprintf(tw, "  %s\t%s %s\t%s\t%s %s\t%s\t%s\n", l.System, shortType(l.Type), l.Name, l.Item, quantity(l.Quantity), l.Unit, price, Money(l.Monthly))
	}
	tw.Flush()

	e.groups(w, "not priced (left out of the total)", e.NotPriced)
	e.groups(w, "excluded", e.Excluded)
	e.groups(w, "free", e.Free)

	fmt.Fprintf(w, "\nassumptions (override with --assume key=value or --assumptions FILE):\n")
	for _, k := range slices.Sorted(maps.Keys(e.Assumptions)) {
		a := e.Assumptions[k]
		fmt.Fprintf(w, "  %s=%s  %s\n", k, a.String(), a.Description)
	}
}

func (e Estimate) groups(w io.Writer, title string, gs []Group) {
	if len(gs) == 0 {
		return
	}
	n := 0
	for _, g := range gs {
		n += g.Count
	}
	fmt.Fprintf(w, "\n%s: %d resources\n", title, n)
	for _, g := range gs {
		fmt.Fprintf(w, "  %4d  %s: %s\n", g.Count, g.Type, g.Reason)
	}
}

// shortType keeps the module and kind of a type token: "aws:ec2/eip:Eip" becomes "ec2/Eip".
func shortType(t string) string {
	parts := strings.Split(t, ":")
	if len(parts) != 3 {
		return t
	}
	mod, _, _ := strings.Cut(parts[1], "/")
	return mod + "/" + parts[2]
}
