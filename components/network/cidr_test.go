package network_test

import (
	"fmt"
	"net/netip"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-iac/strata/components/network"
	"github.com/strata-iac/strata/internal/mocktest"
)

func TestZoneCIDRsLayout(t *testing.T) {
	tests := []struct {
		vpc, zone       string
		public, private string
	}{
		{"10.20.0.0/16", "us-east-2a", "10.20.0.0/20", "10.20.128.0/20"},
		{"10.20.0.0/16", "us-east-2b", "10.20.16.0/20", "10.20.144.0/20"},
		{"10.20.0.0/16", "us-east-2c", "10.20.32.0/20", "10.20.160.0/20"},
		{"10.20.0.0/16", "us-east-1d", "10.20.48.0/20", "10.20.176.0/20"},
		{"10.20.0.0/16", "us-east-1e", "10.20.64.0/20", "10.20.192.0/20"},
		{"10.20.0.0/16", "us-east-1f", "10.20.80.0/20", "10.20.208.0/20"},
		{"172.16.32.0/20", "eu-west-1a", "172.16.32.0/24", "172.16.40.0/24"},
		{"172.16.32.0/20", "eu-west-1b", "172.16.33.0/24", "172.16.41.0/24"},
		{"172.16.32.0/20", "eu-west-1c", "172.16.34.0/24", "172.16.42.0/24"},
		{"172.16.32.0/20", "eu-west-1f", "172.16.37.0/24", "172.16.45.0/24"},
		{"192.168.7.0/24", "ap-south-1a", "192.168.7.0/28", "192.168.7.128/28"},
		{"192.168.7.0/24", "ap-south-1b", "192.168.7.16/28", "192.168.7.144/28"},
		{"192.168.7.0/24", "ap-south-1c", "192.168.7.32/28", "192.168.7.160/28"},
		{"192.168.7.0/24", "ap-south-1f", "192.168.7.80/28", "192.168.7.208/28"},
	}
	for _, tc := range tests {
		t.Run(tc.vpc+" "+tc.zone, func(t *testing.T) {
			public, private, err := network.ZoneCIDRs(netip.MustParsePrefix(tc.vpc), tc.zone)
			if err != nil {
				t.Fatal(err)
			}
			mocktest.Eq(t, "public", public.String(), tc.public)
			mocktest.Eq(t, "private", private.String(), tc.private)
		})
	}
}

// For every allowed VPC size, the twelve subnets of zones a to f lie inside the VPC, none overlaps
// another, and none is smaller than AWS's /28.
func TestZoneCIDRsDisjoint(t *testing.T) {
	for bits := network.MinVPCPrefix; bits <= network.MaxVPCPrefix; bits++ {
		vpc := netip.PrefixFrom(netip.MustParseAddr("10.0.0.0"), bits)
		var all []netip.Prefix
		for _, letter := range network.ZoneLetters {
			public, private, err := network.ZoneCIDRs(vpc, "us-east-1"+string(letter))
			if err != nil {
				t.Fatalf("%s: %v", vpc, err)
			}
			all = append(all, public, private)
		}
		for i, p := range all {
			if p.Bits() > network.MaxSubnetPrefix || !vpc.Contains(p.Addr()) || p.Bits() < vpc.Bits() {
				t.Errorf("%s: got subnet %s, want a /%d or larger inside the VPC", vpc, p, network.MaxSubnetPrefix)
			}
			for _, q := range all[:i] {
				if p.Overlaps(q) {
					t.Errorf("%s: got %s overlapping %s", vpc, p, q)
				}
			}
		}
	}
}

func TestZoneCIDRsErrors(t *testing.T) {
	tests := []struct{ vpc, zone, want string }{
		{"10.0.0.0/15", "us-east-1a", `"10.0.0.0/15" is a /15: use a prefix length from /16 to /24`},
		{"10.0.0.0/25", "us-east-1a", `"10.0.0.0/25" is a /25`},
		{"10.0.1.0/16", "us-east-1a", `"10.0.1.0/16" has host bits set: use 10.0.0.0/16`},
		{"fd00::/56", "us-east-1a", `"fd00::/56" is not an IPv4 CIDR block`},
		{"10.0.0.0/16", "us-east-1g", `zone "us-east-1g" has no slot in the subnet layout: use a zone whose letter is one of abcdef`},
		{"10.0.0.0/16", "", `zone "" has no slot`},
	}
	for _, tc := range tests {
		t.Run(tc.vpc+" "+tc.zone, func(t *testing.T) {
			_, _, err := network.ZoneCIDRs(netip.MustParsePrefix(tc.vpc), tc.zone)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

// The subnets of zones a and b are the same whether the VPC spans two or three zones, listed in
// any order: adding a zone later moves no existing subnet, so nothing in it is replaced.
func TestSubnetsStableAcrossZoneCountAndOrder(t *testing.T) {
	layout := func(zones ...string) map[string][2]string {
		res := mocktest.Run(t, func(ctx *pulumi.Context) error {
			_, err := network.New(ctx, "network", &network.Args{CIDR: "10.20.0.0/16", AvailabilityZones: zones, Naming: conv})
			return err
		})
		out := map[string][2]string{}
		for _, s := range res.ByType(typeSubnet) {
			zone, _ := s.In("availabilityZone").(string)
			cidrs := out[zone]
			if strings.HasPrefix(s.Name, "network-public-") {
				cidrs[0] = fmt.Sprint(s.In("cidrBlock"))
			} else {
				cidrs[1] = fmt.Sprint(s.In("cidrBlock"))
			}
			out[zone] = cidrs
		}
		return out
	}
	want := map[string][2]string{
		"us-east-1a": {"10.20.0.0/20", "10.20.128.0/20"},
		"us-east-1b": {"10.20.16.0/20", "10.20.144.0/20"},
	}
	for _, zones := range [][]string{
		{"us-east-1a", "us-east-1b"},
		{"us-east-1b", "us-east-1a"},
		{"us-east-1a", "us-east-1b", "us-east-1c"},
		{"us-east-1c", "us-east-1b", "us-east-1a"},
		{"us-east-1b", "us-east-1c", "us-east-1a"},
	} {
		got := layout(zones...)
		for z, w := range want {
			if got[z] != w {
				t.Errorf("zones %v: %s got %v, want %v", zones, z, got[z], w)
			}
		}
		mocktest.Eq(t, "zones in the layout", len(got), len(zones))
	}
}
