package aot

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The host script is tested by running it as Systems Manager would: the document's commands, with
// its parameters filled in, run by sh, against a scratch directory standing in for / and with fake
// aws, curl, sshd and systemctl commands first on the PATH. The fake aws serves the bucket and the
// parameters from files; the fake curl answers the instance metadata service.

const (
	fakeBucket = "strata-aot-test-bootstrap"
	fakePath   = "/aot/test"
)

var stubs = map[string]string{
	"aws": `#!/bin/bash
set -euo pipefail
[[ $AWS_DEFAULT_REGION == us-east-2 ]] || { echo "fake aws: no region" >&2; exit 253; }
case "$1 $2" in
"s3 cp")
	shift 2
	[[ $1 == --only-show-errors ]] && shift
	cp "$FAKE/s3/${1#s3://}" "$2" ;;
"ssm get-parameter")
	while (($#)); do
		if [[ $1 == --name ]]; then name=$2; fi
		shift
	done
	[[ -f $FAKE/ssm$name ]] || { echo "ParameterNotFound: $name" >&2; exit 254; }
	cat "$FAKE/ssm$name" ;;
*)
	echo "fake aws: unexpected $*" >&2
	exit 2 ;;
esac
`,
	"curl": `#!/bin/bash
for url; do :; done
case $url in
*/latest/api/token) printf token ;;
*/latest/meta-data/instance-id) cat "$FAKE/instance-id" ;;
*/latest/meta-data/placement/region) printf us-east-2 ;;
*) exit 22 ;;
esac
`,
	"systemctl": "#!/bin/bash\necho \"systemctl $*\" >>\"$FAKE/calls\"\n",
	"sshd":      "#!/bin/bash\necho \"sshd $*\" >>\"$FAKE/calls\"\n",
}

// host is one fake member with its fake cloud.
type host struct {
	t               *testing.T
	root, fake, bin string
	hosts           []Host
	stages          map[string][]string // group → stage hashes
}

func newHost(t *testing.T) *host {
	t.Helper()
	for _, cmd := range []string{"bash", "sh", "python3", "flock", "tar", "sha256sum", "awk"} {
		if _, err := exec.LookPath(cmd); err != nil {
			t.Skipf("%s is not installed", cmd)
		}
	}
	dir := t.TempDir()
	h := &host{t: t, root: filepath.Join(dir, "root"), fake: filepath.Join(dir, "fake"), bin: filepath.Join(dir, "bin"),
		stages: map[string][]string{}}
	for _, d := range []string{h.root, h.fake, h.bin} {
		require.NoError(t, os.MkdirAll(d, 0o755))
	}
	for name, body := range stubs {
		require.NoError(t, os.WriteFile(filepath.Join(h.bin, name), []byte(body), 0o755))
	}
	h.hosts = []Host{
		{Name: "worker1", Group: "worker", InstanceID: "i-0000000000000001a", Subnet: "subnet-0000000000000000a", User: "ec2-user",
			Owner: "research-platform", IP: "10.20.128.11", Hostname: "ip-10-20-128-11.us-east-2.compute.internal", HostKey: "ssh-ed25519 AAAAworker1"},
		{Name: "worker2", Group: "worker", InstanceID: "i-0000000000000002a", Subnet: "subnet-0000000000000000a", User: "ec2-user",
			Owner: "research-platform", IP: "10.20.128.12", Hostname: "ip-10-20-128-12.us-east-2.compute.internal", HostKey: "ssh-ed25519 AAAAworker2"},
	}
	h.write("instance-id", "i-0000000000000001a")
	h.write("ssm"+fakePath+"/root/id_ed25519", "-----BEGIN OPENSSH PRIVATE KEY-----\nroot\n-----END OPENSSH PRIVATE KEY-----\n")
	h.publish()
	// What a fresh instance already has: its own hosts entries and an unrelated authorized key.
	h.writeRoot("etc/hosts", "127.0.0.1 localhost\n")
	h.writeRoot("root/.ssh/authorized_keys", "ssh-ed25519 AAAAoperator operator@example\n")
	return h
}

func (h *host) write(rel, content string) {
	h.t.Helper()
	p := filepath.Join(h.fake, rel)
	require.NoError(h.t, os.MkdirAll(filepath.Dir(p), 0o755))
	require.NoError(h.t, os.WriteFile(p, []byte(content), 0o644))
}

func (h *host) writeRoot(rel, content string) {
	h.t.Helper()
	p := filepath.Join(h.root, rel)
	require.NoError(h.t, os.MkdirAll(filepath.Dir(p), 0o755))
	require.NoError(h.t, os.WriteFile(p, []byte(content), 0o600))
}

func (h *host) readRoot(rel string) string {
	h.t.Helper()
	b, err := os.ReadFile(filepath.Join(h.root, rel))
	require.NoError(h.t, err)
	return string(b)
}

// publish writes the cluster's files for h.hosts, as pulumi up does.
func (h *host) publish() {
	h.t.Helper()
	facts, err := Facts(h.hosts)
	require.NoError(h.t, err)
	h.write("s3/"+fakeBucket+"/cluster/facts.json", facts)
	h.write("s3/"+fakeBucket+"/cluster/known_hosts", KnownHosts(h.hosts))
	h.write("s3/"+fakeBucket+"/cluster/authorized_keys", AuthorizedKeys("ssh-ed25519 AAAAroot cluster\n"))
	h.write("s3/"+fakeBucket+"/cluster/members", Members(h.hosts))
	for _, m := range h.hosts {
		h.write("ssm"+fakePath+"/groups/"+m.Group+"/"+m.Name+"/ssh_host_ed25519_key",
			"-----BEGIN OPENSSH PRIVATE KEY-----\n"+m.Name+"\n-----END OPENSSH PRIVATE KEY-----\n")
		h.write("s3/"+fakeBucket+"/cluster/stages/"+m.Group, StageList(h.stages[m.Group]))
	}
}

// stage packs a tarball whose bootstrap.sh runs script, uploads it and returns its hash.
func (h *host) stage(script string) string {
	h.t.Helper()
	dir := h.t.TempDir()
	require.NoError(h.t, os.WriteFile(filepath.Join(dir, "bootstrap.sh"), []byte(script), 0o755))
	b, err := Pack(dir)
	require.NoError(h.t, err)
	sum := hash(b)
	h.write("s3/"+fakeBucket+"/bootstrap/"+sum+".tar.gz", string(b))
	return sum
}

// counting is a stage that records each run of itself in runs.log.
func counting(name string) string {
	return fmt.Sprintf("#!/bin/bash\nset -eu\necho %s >>\"$AOT_ROOT/runs.log\"\n", name)
}

// run runs the bootstrap document's commands with sh; it returns the combined output and the error.
func (h *host) run(extraEnv ...string) (string, error) {
	h.t.Helper()
	content, err := Document(600)
	require.NoError(h.t, err)
	var doc struct {
		MainSteps []struct {
			Inputs struct {
				RunCommand []string `json:"runCommand"`
			} `json:"inputs"`
		} `json:"mainSteps"`
	}
	require.NoError(h.t, json.Unmarshal([]byte(content), &doc))
	script := strings.Join(doc.MainSteps[0].Inputs.RunCommand, "\n") + "\n"
	script = strings.NewReplacer("{{ "+ParamClusterPath+" }}", fakePath, "{{ "+ParamBucket+" }}", fakeBucket,
		"{{ "+ParamRevision+" }}", strings.Repeat("0", 64)).Replace(script)
	file := filepath.Join(h.t.TempDir(), "_script.sh")
	require.NoError(h.t, os.WriteFile(file, []byte(script), 0o755))
	cmd := exec.Command("sh", file)
	cmd.Env = append(os.Environ(), "PATH="+h.bin+":"+os.Getenv("PATH"), "AOT_ROOT="+h.root, "FAKE="+h.fake, "AOT_WAIT_SECONDS=0")
	cmd.Env = append(cmd.Env, extraEnv...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func (h *host) mustRun() string {
	h.t.Helper()
	out, err := h.run()
	require.NoError(h.t, err, out)
	return out
}

func (h *host) runs() []string {
	b, err := os.ReadFile(filepath.Join(h.root, "runs.log"))
	if os.IsNotExist(err) {
		return nil
	}
	require.NoError(h.t, err)
	return strings.Fields(string(b))
}

func (h *host) calls() string {
	b, _ := os.ReadFile(filepath.Join(h.fake, "calls"))
	return string(b)
}

// snapshot lists every path below the root with its mode, size, modification time and content hash.
func (h *host) snapshot() map[string]string {
	h.t.Helper()
	out := map[string]string{}
	require.NoError(h.t, filepath.WalkDir(h.root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		sum := ""
		if info.Mode().IsRegular() {
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			s := sha256.Sum256(b)
			sum = hex.EncodeToString(s[:])
		}
		out[strings.TrimPrefix(p, h.root)] = fmt.Sprintf("%v %d %d %s", info.Mode(), info.Size(), info.ModTime().UnixNano(), sum)
		return nil
	}))
	return out
}

func TestHostScriptsAreValidBash(t *testing.T) {
	scripts := []string{"host/bootstrap.sh", "examples/hello/bootstrap.sh", "examples/hello/aot-members",
		"examples/hello/aot-check-trust", "examples/scratch/bootstrap.sh"}
	shellcheck, _ := exec.LookPath("shellcheck")
	for _, s := range scripts {
		t.Run(s, func(t *testing.T) {
			out, err := exec.Command("bash", "-n", s).CombinedOutput()
			assert.NoError(t, err, string(out))
			if shellcheck != "" {
				out, err := exec.Command(shellcheck, s).CombinedOutput()
				assert.NoError(t, err, string(out))
			}
		})
	}
}

func TestBootstrapInstallsTrustAndFacts(t *testing.T) {
	h := newHost(t)
	h.mustRun()

	facts := h.readRoot("etc/cluster_facts.json")
	var parsed map[string]Fact
	require.NoError(t, json.Unmarshal([]byte(facts), &parsed), "the facts must be valid JSON")
	assert.Equal(t, []string{"worker1", "worker2"}, sortedKeys(parsed))
	assert.Equal(t, KnownHosts(h.hosts), h.readRoot("etc/ssh/ssh_known_hosts"))
	assert.Contains(t, h.readRoot("etc/ssh/ssh_config.d/40-aot.conf"), "StrictHostKeyChecking yes")
	assert.Contains(t, h.readRoot("etc/ssh/sshd_config.d/40-aot.conf"), "PermitRootLogin prohibit-password")
	assert.Contains(t, h.readRoot("etc/ssh/ssh_host_ed25519_key"), "worker1", "this member's own host key")
	assert.Equal(t, "ssh-ed25519 AAAAworker1\n", h.readRoot("etc/ssh/ssh_host_ed25519_key.pub"))
	assert.Contains(t, h.readRoot("root/.ssh/id_ed25519"), "root")
	assert.Equal(t, "ssh-ed25519 AAAAroot\n", h.readRoot("root/.ssh/id_ed25519.pub"))
	assert.Equal(t, "ssh-ed25519 AAAAoperator operator@example\n# BEGIN aot cluster (managed by strata, do not edit)\n"+
		"ssh-ed25519 AAAAroot\n# END aot cluster\n", h.readRoot("root/.ssh/authorized_keys"), "the cluster key is added, other keys kept")
	assert.Equal(t, "127.0.0.1 localhost\n# BEGIN aot cluster (managed by strata, do not edit)\n"+
		"10.20.128.11 worker1\n10.20.128.12 worker2\n# END aot cluster\n", h.readRoot("etc/hosts"))
	for rel, mode := range map[string]os.FileMode{"etc/ssh/ssh_host_ed25519_key": 0o600, "root/.ssh/id_ed25519": 0o600,
		"root/.ssh/authorized_keys": 0o600, "etc/cluster_facts.json": 0o644, "root/.ssh": os.ModeDir | 0o700} {
		info, err := os.Stat(filepath.Join(h.root, rel))
		require.NoError(t, err)
		assert.Equal(t, mode, info.Mode(), rel)
	}
	assert.Equal(t, "sshd -t\nsystemctl reload sshd\n", h.calls(), "sshd checks and reloads its new host key")
}

func TestBootstrapTwiceChangesNothing(t *testing.T) {
	h := newHost(t)
	h.stages["worker"] = []string{h.stage(counting("zero")), h.stage(counting("one"))}
	h.publish()
	h.mustRun()
	require.Equal(t, []string{"zero", "one"}, h.runs())
	before := h.snapshot()
	calls := h.calls()

	out := h.mustRun()
	assert.Equal(t, before, h.snapshot(), "the second run must not touch any file")
	assert.Equal(t, []string{"zero", "one"}, h.runs(), "each stage runs once")
	assert.Equal(t, calls, h.calls(), "sshd is not reloaded again")
	assert.Contains(t, out, "stage 0: done before")
	assert.NotContains(t, out, "aot: wrote")
}

func TestChangedTarballRerunsFromItsStage(t *testing.T) {
	h := newHost(t)
	h.stages["worker"] = []string{h.stage(counting("zero")), h.stage(counting("one")), h.stage(counting("two"))}
	h.publish()
	h.mustRun()
	h.stages["worker"][1] = h.stage(counting("one-changed"))
	h.publish()
	h.mustRun()
	assert.Equal(t, []string{"zero", "one", "two", "one-changed", "two"}, h.runs(),
		"stage 1 and every later stage run again; stage 0 does not")
	assert.Equal(t, h.stages["worker"][1]+"\n", h.readRoot("var/lib/aot/stage-1.complete"), "the marker holds the tarball's hash")
}

func TestFailingStageStopsTheSequence(t *testing.T) {
	h := newHost(t)
	failing := h.stage("#!/bin/bash\necho broken >>\"$AOT_ROOT/runs.log\"\nexit 3\n")
	h.stages["worker"] = []string{h.stage(counting("zero")), failing, h.stage(counting("two"))}
	h.publish()
	out, err := h.run()
	require.Error(t, err, "a failing stage fails the run")
	assert.Contains(t, out, "stage 1 failed with status 3")
	assert.Equal(t, []string{"zero", "broken"}, h.runs(), "the stage after the failing one does not run")
	assert.NoFileExists(t, filepath.Join(h.root, "var/lib/aot/stage-1.complete"))

	h.stages["worker"][1] = h.stage(counting("fixed"))
	h.publish()
	h.mustRun()
	assert.Equal(t, []string{"zero", "broken", "fixed", "two"}, h.runs(), "after the fix, the sequence resumes at the failed stage")
}

func TestBootstrapRewritesFactsWhenMembershipChanges(t *testing.T) {
	h := newHost(t)
	h.stages["worker"] = []string{h.stage(counting("zero"))}
	h.publish()
	h.mustRun()
	h.hosts = append(h.hosts, Host{Name: "head", Group: "head", InstanceID: "i-0000000000000003a", Subnet: "subnet-0000000000000000b",
		User: "ec2-user", Owner: "research-platform", IP: "10.20.144.5", Hostname: "ip-10-20-144-5.us-east-2.compute.internal", HostKey: "ssh-ed25519 AAAAhead"})
	h.publish()
	h.mustRun()
	want, err := Facts(h.hosts)
	require.NoError(t, err)
	assert.Equal(t, want, h.readRoot("etc/cluster_facts.json"), "the facts are replaced whole")
	assert.Equal(t, 1, strings.Count(h.readRoot("etc/hosts"), "# BEGIN aot"), "one block, never appended")
	assert.Contains(t, h.readRoot("etc/hosts"), "10.20.144.5 head\n")
	assert.Equal(t, 1, strings.Count(h.readRoot("root/.ssh/authorized_keys"), "AAAAroot"))
	assert.Equal(t, []string{"zero"}, h.runs(), "stages do not run again for a new member elsewhere")
}

func TestBootstrapRefusesWhatItCannotTrust(t *testing.T) {
	tests := []struct {
		name  string
		setup func(h *host)
		want  string
		// installed is whether the run gets as far as installing the trust and facts.
		installed bool
	}{
		{"unknown instance", func(h *host) { h.write("instance-id", "i-0000000000000009f") },
			"instance i-0000000000000009f is not in the member list of /aot/test", false},
		{"tarball that does not match its hash", func(h *host) {
			sum := h.stage(counting("zero"))
			h.write("s3/"+fakeBucket+"/bootstrap/"+sum+".tar.gz", "tampered")
			h.stages["worker"] = []string{sum}
			h.publish()
		}, "the tarball's SHA-256 is", true},
		{"facts that are not JSON", func(h *host) { h.write("s3/"+fakeBucket+"/cluster/facts.json", "{\"worker1\": ") },
			"cluster/facts.json is not valid JSON", false},
		{"missing host key", func(h *host) {
			require.NoError(t, os.Remove(filepath.Join(h.fake, "ssm"+fakePath+"/groups/worker/worker1/ssh_host_ed25519_key")))
		}, "ParameterNotFound", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHost(t)
			tt.setup(h)
			out, err := h.run()
			require.Error(t, err)
			assert.Contains(t, out, tt.want)
			if !tt.installed {
				assert.NoFileExists(t, filepath.Join(h.root, "etc/cluster_facts.json"), "a run that cannot trust its inputs installs nothing")
			}
		})
	}
}

// The bootstrap checks the image's tools before anything else: an image without one (Ubuntu has no
// AWS CLI) fails the run with the tool's name and changes nothing.
func TestBootstrapRefusesAnImageWithoutItsTools(t *testing.T) {
	tools := []string{"aws", "python3", "flock", "curl", "awk", "tar", "gzip", "sha256sum", "cmp", "sshd", "systemctl"}
	tests := [][]string{{"aws"}, {"python3"}, {"flock"}, {"aws", "python3"}}
	for _, tool := range tools[3:] {
		tests = append(tests, []string{tool})
	}
	for _, missing := range tests {
		t.Run(strings.Join(missing, "+"), func(t *testing.T) {
			h := newHost(t)
			// The document itself needs only these; every tool the script needs is a stub, except
			// the missing ones.
			sys := t.TempDir()
			for _, cmd := range []string{"bash", "mktemp", "cat", "rm"} {
				p, err := exec.LookPath(cmd)
				require.NoError(t, err)
				require.NoError(t, os.Symlink(p, filepath.Join(sys, cmd)))
			}
			bin := t.TempDir()
			for _, tool := range tools {
				if !slices.Contains(missing, tool) {
					require.NoError(t, os.WriteFile(filepath.Join(bin, tool), []byte("#!/bin/sh\nexit 0\n"), 0o755))
				}
			}
			before := h.snapshot()
			out, err := h.run("PATH=" + bin + ":" + sys)
			require.Error(t, err, out)
			assert.Contains(t, out, "this image lacks "+strings.Join(missing, " ")+" on the PATH")
			assert.Contains(t, out, "use an image that provides them")
			assert.Equal(t, before, h.snapshot(), "nothing is written")
		})
	}
}

// The example stage installs its commands, which then list the members from the facts.
func TestExampleStageRuns(t *testing.T) {
	h := newHost(t)
	st, err := Tarball{Path: "systems/aot/examples/hello"}.resolve(repoRoot)
	require.NoError(t, err)
	h.write("s3/"+fakeBucket+"/"+st.Key(), string(st.Content))
	h.stages["worker"] = []string{st.SHA256}
	h.publish()
	h.mustRun()
	cmd := exec.Command("bash", filepath.Join(h.root, "usr/local/bin/aot-members"))
	cmd.Env = append(os.Environ(), "AOT_ROOT="+h.root)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, string(out))
	assert.Equal(t, "worker1\t10.20.128.11\tip-10-20-128-11.us-east-2.compute.internal\n"+
		"worker2\t10.20.128.12\tip-10-20-128-12.us-east-2.compute.internal\n", string(out))
}

func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }

// scratchStubs stand in for the tools the scratch stage uses on the device: blkid answers from
// $FAKE/blkid (its output) and $FAKE/blkid.status, mkfs.xfs leaves a file system labelled as asked,
// and mount and mountpoint keep their state in $FAKE/mounted. Each call is logged in $FAKE/calls.
var scratchStubs = map[string]string{
	"blkid": `#!/bin/bash
echo "blkid $*" >>"$FAKE/calls"
[[ -f $FAKE/blkid ]] && cat "$FAKE/blkid"
exit "$(cat "$FAKE/blkid.status" 2>/dev/null || echo 2)"
`,
	"mkfs.xfs": `#!/bin/bash
echo "mkfs.xfs $*" >>"$FAKE/calls"
printf 'DEVNAME=%s\nLABEL=%s\nTYPE=xfs\n' "$3" "$2" >"$FAKE/blkid"
echo 0 >"$FAKE/blkid.status"
`,
	"mount":      "#!/bin/bash\necho \"mount $*\" >>\"$FAKE/calls\"\ntouch \"$FAKE/mounted\"\n",
	"mountpoint": "#!/bin/bash\n[[ -f $FAKE/mounted ]]\n",
}

// The scratch stage formats only an empty device, never reformats one, and leaves a device that
// holds anything but its own file system untouched: on a member whose /dev/sdf keeps data, it fails
// instead of formatting or mounting it.
func TestScratchStageFormatsOnlyAnEmptyDevice(t *testing.T) {
	const fstab = "UUID=0000 / xfs defaults 0 0\n"
	const line = "LABEL=scratch /scratch xfs defaults,nofail 0 2\n"
	tests := []struct {
		name         string
		blkid        string
		status       int
		ok, formats  bool
		wantInOutput string
	}{
		{"empty device", "", 2, true, true, "is mounted at /scratch"},
		{"its own file system", "LABEL=scratch\nTYPE=xfs\nUSAGE=filesystem\n", 0, true, false, "is mounted at /scratch"},
		{"another file system", "LABEL=data\nTYPE=ext4\nUSAGE=filesystem\n", 0, false, false, "left untouched and not mounted"},
		{"xfs with another label", "LABEL=data\nTYPE=xfs\n", 0, false, false, "left untouched and not mounted"},
		{"partition table", "PTUUID=1234\nPTTYPE=gpt\n", 0, false, false, "left untouched and not mounted"},
		{"blkid cannot tell", "", 8, false, false, "not formatting it"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			root, fake, bin := filepath.Join(dir, "root"), filepath.Join(dir, "fake"), filepath.Join(dir, "bin")
			for _, d := range []string{filepath.Join(root, "etc"), fake, bin} {
				require.NoError(t, os.MkdirAll(d, 0o755))
			}
			for name, body := range scratchStubs {
				require.NoError(t, os.WriteFile(filepath.Join(bin, name), []byte(body), 0o755))
			}
			// A block device no driver answers: nothing can reach a real disk.
			device := filepath.Join(dir, "sdf")
			if out, err := exec.Command("mknod", device, "b", "240", "0").CombinedOutput(); err != nil {
				t.Skipf("cannot make a block device node: %s", out)
			}
			require.NoError(t, os.WriteFile(filepath.Join(root, "etc/fstab"), []byte(fstab), 0o644))
			require.NoError(t, os.WriteFile(filepath.Join(fake, "blkid"), []byte(tt.blkid), 0o644))
			require.NoError(t, os.WriteFile(filepath.Join(fake, "blkid.status"), []byte(fmt.Sprintln(tt.status)), 0o644))
			script, err := filepath.Abs("examples/scratch/bootstrap.sh")
			require.NoError(t, err)
			run := func() (string, error) {
				cmd := exec.Command("bash", script)
				cmd.Dir = dir
				cmd.Env = append(os.Environ(), "PATH="+bin+":"+os.Getenv("PATH"), "AOT_ROOT="+root, "FAKE="+fake, "SCRATCH_DEVICE="+device)
				out, err := cmd.CombinedOutput()
				return string(out), err
			}
			calls := func() string { b, _ := os.ReadFile(filepath.Join(fake, "calls")); return string(b) }

			out, err := run()
			assert.Contains(t, out, tt.wantInOutput)
			got, rerr := os.ReadFile(filepath.Join(root, "etc/fstab"))
			require.NoError(t, rerr)
			if !tt.ok {
				require.Error(t, err, out)
				assert.NotContains(t, calls(), "mkfs", "never formats a device that holds something")
				assert.NotContains(t, calls(), "mount", "never mounts it")
				assert.Equal(t, fstab, string(got), "fstab is left alone")
				return
			}
			require.NoError(t, err, out)
			assert.Equal(t, tt.formats, strings.Contains(calls(), "mkfs.xfs -L scratch "+device+"\n"), calls())
			assert.Equal(t, fstab+line, string(got))
			assert.Contains(t, calls(), "mount "+root+"/scratch\n")

			// Again: nothing is formatted, added or mounted.
			before := calls()
			out, err = run()
			require.NoError(t, err, out)
			assert.Equal(t, strings.Count(before, "mkfs"), strings.Count(calls(), "mkfs"), "never reformats")
			assert.Equal(t, strings.Count(before, "mount "), strings.Count(calls(), "mount "), "mounted once")
			got, rerr = os.ReadFile(filepath.Join(root, "etc/fstab"))
			require.NoError(t, rerr)
			assert.Equal(t, fstab+line, string(got), "one fstab line")
		})
	}
}
