package aot

import (
	"cmp"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"slices"
	"strings"
)

// Host is what the cluster's files say about one member.
type Host struct {
	Name, Group, InstanceID string
	// Subnet is the member's subnet id.
	Subnet string
	// User is the login user (main_user), Owner its Owner tag.
	User, Owner string
	// IP and Hostname are the member's private address and private DNS name.
	IP, Hostname string
	// HostKey is the member's SSH host public key in authorized_keys form ("ssh-ed25519 AAAA...").
	HostKey string
}

// Fact is one member's entry in /etc/cluster_facts.json.
type Fact struct {
	Name      string `json:"name"`
	Subnet    string `json:"subnet"`
	MainUser  string `json:"main_user"`
	Owner     string `json:"owner"`
	IPAddress string `json:"ip_address"`
	Hostname  string `json:"hostname"`
}

// Facts renders /etc/cluster_facts.json: an object keyed by member name. It is always rendered
// whole, so it is valid JSON whatever the membership.
func Facts(hosts []Host) (string, error) {
	facts := make(map[string]Fact, len(hosts))
	for _, h := range hosts {
		facts[h.Name] = Fact{Name: h.Name, Subnet: h.Subnet, MainUser: h.User, Owner: h.Owner, IPAddress: h.IP, Hostname: h.Hostname}
	}
	b, err := json.MarshalIndent(facts, "", "  ")
	if err != nil {
		return "", err
	}
	return string(b) + "\n", nil
}

// KnownHosts renders the cluster's known_hosts: each member's host key under its name, private
// DNS name and private address, so that ssh checks the key however a member is addressed.
func KnownHosts(hosts []Host) string {
	var b strings.Builder
	for _, h := range sorted(hosts) {
		b.WriteString(h.Name + "," + h.Hostname + "," + h.IP + " " + publicKey(h.HostKey) + "\n")
	}
	return b.String()
}

// Members renders the member list hosts read their own name and group from: one line per member,
// "<instance-id> <name> <group>".
func Members(hosts []Host) string {
	var b strings.Builder
	for _, h := range sorted(hosts) {
		b.WriteString(h.InstanceID + " " + h.Name + " " + h.Group + "\n")
	}
	return b.String()
}

// AuthorizedKeys renders the line root's authorized_keys gets: the cluster's root public key.
func AuthorizedKeys(rootKey string) string { return publicKey(rootKey) + "\n" }

// StageList renders a group's bootstrap sequence: one tarball hash per line, in order.
func StageList(hashes []string) string {
	var b strings.Builder
	for _, h := range hashes {
		b.WriteString(h + "\n")
	}
	return b.String()
}

// Revision is a hash of the files a host installs: the association's parameter, so that any
// change to them (a member added, a key or a stage changed) runs the bootstrap again everywhere.
func Revision(files ...string) string {
	h := sha256.New()
	for _, f := range files {
		// Length-prefixed, so that no two lists of files hash alike.
		_ = binary.Write(h, binary.BigEndian, uint64(len(f)))
		h.Write([]byte(f))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// publicKey is an OpenSSH public key without its comment or final newline.
func publicKey(k string) string {
	f := strings.Fields(k)
	if len(f) > 2 {
		f = f[:2]
	}
	return strings.Join(f, " ")
}

func sorted(hosts []Host) []Host {
	out := slices.Clone(hosts)
	slices.SortFunc(out, func(a, b Host) int { return cmp.Compare(a.Name, b.Name) })
	return out
}
