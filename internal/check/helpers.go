package check

import (
	"net/netip"
	"regexp"
	"strconv"
	"strings"
)

// text returns v when it is a string the check can judge.
func text(v any) (string, bool) {
	s, ok := v.(string)
	return s, ok && !opaque(s)
}

// number returns v as a number: a JSON number or a numeric string.
func number(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(x), 64)
		return f, err == nil
	}
	return 0, false
}

// truthy reports whether v is true or "true" (Pulumi renders some flags as strings).
func truthy(v any) bool { return v == true || v == "true" }

// child appends a map key to a rendered path, quoting it as format does.
func child(path, key string) string {
	switch {
	case key == "" || strings.ContainsAny(key, `.[]" `):
		return path + "[" + strconv.Quote(key) + "]"
	case path == "":
		return key
	}
	return path + "." + key
}

// cidr parses an IPv4 (v6 false) or IPv6 CIDR block in canonical or host form.
func cidr(v any, v6 bool) (netip.Prefix, bool) {
	s, ok := text(v)
	if !ok {
		return netip.Prefix{}, false
	}
	p, err := netip.ParsePrefix(s)
	if err != nil || p.Addr().Is6() != v6 || p.Addr().Is4In6() {
		return netip.Prefix{}, false
	}
	return p, true
}

// httpCodes reports whether s lists HTTP codes and ranges ("200", "200,202", "200-299") within
// [lo, hi].
func httpCodes(s string, lo, hi int) bool {
	if s == "" {
		return false
	}
	for _, part := range strings.Split(s, ",") {
		a, b, isRange := strings.Cut(part, "-")
		from, err1 := strconv.Atoi(a)
		to := from
		var err2 error
		if isRange {
			to, err2 = strconv.Atoi(b)
		}
		if err1 != nil || err2 != nil || from < lo || to > hi || from > to {
			return false
		}
	}
	return true
}

// re compiles an anchored pattern once per call site.
func re(p string) *regexp.Regexp { return regexp.MustCompile(`\A(?:` + p + `)\z`) }
