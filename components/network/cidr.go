package network

import (
	"fmt"
	"net/netip"
	"strings"
)

// The subnet layout. The VPC's CIDR is cut into 16 equal blocks (4 more prefix bits). The zone with
// letter i (a=0, b=1, … f=5) gets block i as its public subnet and block 8+i as its private subnet;
// blocks 6, 7, 14 and 15 stay free. Because a zone's subnets follow from its letter alone, adding a
// zone, removing one or listing them in another order never moves the subnets of the others; a
// layout keyed by list position (as awsx's own allocators are) would renumber them and so replace
// every subnet, and everything in it, when a third zone is added.
const (
	// layoutBits cut the VPC into 1<<layoutBits blocks.
	layoutBits = 4
	// privateBlock is the block of zone a's private subnet: the upper half of the VPC is private.
	privateBlock = 8
	// ZoneLetters are the zone letters the layout has slots for.
	ZoneLetters = "abcdef"
)

// VPC and subnet prefix lengths. /16 is the largest VPC (and subnet) AWS allows and /28 the smallest
// subnet; /24 is the smallest VPC whose layout blocks are still /28.
const (
	MinVPCPrefix    = 16
	MaxVPCPrefix    = MaxSubnetPrefix - layoutBits
	MinSubnetPrefix = 16
	MaxSubnetPrefix = 28
)

// ZoneCIDRs returns the public and private subnet of an availability zone (e.g. "us-east-2b": letter
// b) in a VPC, by the layout above. The VPC must be a masked IPv4 prefix of /16 to /24.
func ZoneCIDRs(vpc netip.Prefix, zone string) (public, private netip.Prefix, err error) {
	if err := checkVPC(vpc); err != nil {
		return public, private, err
	}
	i := -1
	if zone != "" {
		i = strings.IndexByte(ZoneLetters, zone[len(zone)-1])
	}
	if i < 0 {
		return public, private, fmt.Errorf("zone %q has no slot in the subnet layout: use a zone whose letter is one of %s", zone, ZoneLetters)
	}
	return block(vpc, i), block(vpc, privateBlock+i), nil
}

// block returns block i of the layout of vpc.
func block(vpc netip.Prefix, i int) netip.Prefix {
	bits := vpc.Bits() + layoutBits
	a := vpc.Addr().As4()
	base := uint32(a[0])<<24 | uint32(a[1])<<16 | uint32(a[2])<<8 | uint32(a[3])
	base += uint32(i) << (32 - bits)
	addr := netip.AddrFrom4([4]byte{byte(base >> 24), byte(base >> 16), byte(base >> 8), byte(base)})
	return netip.PrefixFrom(addr, bits)
}

// parseCIDR parses an IPv4 CIDR block that must be masked and have a prefix length in [lo, hi].
// Its errors say what is allowed.
func parseCIDR(s string, lo, hi int) (netip.Prefix, error) {
	p, err := netip.ParsePrefix(s)
	switch {
	case err != nil || !p.Addr().Is4():
		return p, fmt.Errorf("%q is not an IPv4 CIDR block: use an address and a prefix length, e.g. 10.20.0.0/%d", s, lo)
	case p.Masked() != p:
		return p, fmt.Errorf("%q has host bits set: use %s", s, p.Masked())
	case p.Bits() < lo || p.Bits() > hi:
		return p, fmt.Errorf("%q is a /%d: use a prefix length from /%d to /%d", s, p.Bits(), lo, hi)
	}
	return p, nil
}

func checkVPC(vpc netip.Prefix) error {
	_, err := parseCIDR(vpc.String(), MinVPCPrefix, MaxVPCPrefix)
	return err
}

// within reports whether inner lies entirely inside outer.
func within(inner, outer netip.Prefix) bool {
	return inner.Bits() >= outer.Bits() && outer.Contains(inner.Addr())
}
