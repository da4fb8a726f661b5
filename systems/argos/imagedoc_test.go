package argos_test

import (
	"archive/tar"
	"archive/zip"
	"compress/gzip"
	"crypto/sha512"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/strata-iac/strata/internal/mocktest"
)

// step is one step of the build document.
type step struct {
	Phase, Name string
	Commands    []string
}

// buildSteps are the steps of a component document, in order.
func buildSteps(t *testing.T, doc string) []step {
	t.Helper()
	var parsed struct {
		Phases []struct {
			Name  string `yaml:"name"`
			Steps []struct {
				Name   string `yaml:"name"`
				Inputs struct {
					Commands []string `yaml:"commands"`
				} `yaml:"inputs"`
			} `yaml:"steps"`
		} `yaml:"phases"`
	}
	require.NoError(t, yaml.Unmarshal([]byte(doc), &parsed))
	var out []step
	for _, ph := range parsed.Phases {
		for _, st := range ph.Steps {
			out = append(out, step{Phase: ph.Name, Name: st.Name, Commands: st.Inputs.Commands})
		}
	}
	return out
}

// tmpRemoval matches an rm or find -delete of /tmp itself, everything in it, or Image Builder's
// working directory /tmp/imagebuilder_service.
var tmpRemoval = regexp.MustCompile(`(^|[\s;&|(])(rm\s[^;&|]*|find\s[^;&|]*)["']?/tmp/?["']?(\*|\.\*|imagebuilder_service[^\s;]*)?["']?(\s|$|;)`)

// Image Builder runs the document from /tmp/imagebuilder_service (its agent, the step logs and
// TOE_EXIT_CODE): no step may remove it, nor /tmp wholesale. The rendered component is scanned, so
// that the document that ships is the one checked.
func TestBuildDocumentLeavesImageBuildersDirectoryAlone(t *testing.T) {
	res := mustDeploy(t, stagingConfig(), staging)
	doc, ok := mocktest.Named(t, res, typeComponent, "argos-image-packages").In("data").(string)
	require.True(t, ok, "the component's data")
	assert.NotContains(t, doc, "imagebuilder_service", "no step touches Image Builder's working directory")

	for _, bad := range []string{"rm -rf /tmp/*", "rm -rf /var/cache/dnf /tmp/*", `rm -rf "/tmp/"*`, "find /tmp -mindepth 1 -delete",
		"rm -rf /tmp/imagebuilder_service", "cd /tmp && rm -rf /tmp"} {
		assert.Regexp(t, tmpRemoval, bad, "the scan catches %q", bad)
	}
	for _, fine := range []string{`rm -rf "$work"`, "rm -rf /var/cache/dnf", "rm -rf /opt/stanford-ner", "rm -f /tmp/ner.zip"} {
		assert.NotRegexp(t, tmpRemoval, fine, "the scan lets %q pass", fine)
	}

	for _, st := range buildSteps(t, doc) {
		script := strings.Join(st.Commands, "\n")
		for _, line := range strings.Split(script, "\n") {
			assert.NotRegexp(t, tmpRemoval, line, "%s/%s removes /tmp or Image Builder's directory", st.Phase, st.Name)
		}
		// A step that downloads works in a directory of its own and removes it however it ends.
		if strings.Contains(script, "curl") && !strings.Contains(script, "/etc/pki/tls/certs/") {
			assert.Contains(t, script, `work="$(mktemp -d)"`, "%s/%s downloads into its own directory", st.Phase, st.Name)
			assert.Contains(t, script, `trap 'rm -rf "$work"' EXIT`, "%s/%s removes its directory", st.Phase, st.Name)
		}
	}
}

// The Fuseki and Stanford NER steps install whatever top directory their archive has (4.2.0 of
// NER unpacks to stanford-ner-2020-11-17), check the result and leave no temporary file behind.
// They run here with curl answering from fixtures, chown a no-op and /opt under a test directory.
func TestArchiveStepsInstallWhateverTheArchiveHolds(t *testing.T) {
	for _, tool := range []string{"bash", "unzip", "tar", "sha512sum", "mktemp"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed", tool)
		}
	}
	raw, err := os.ReadFile(buildDocument)
	require.NoError(t, err)
	steps := map[string]step{}
	for _, st := range buildSteps(t, string(raw)) {
		steps[st.Phase+"/"+st.Name] = st
	}

	for _, tc := range []struct {
		step, archive, top string
		make               func(t *testing.T, path, top string)
		installed          string
	}{
		{"build/StanfordNER", "stanford-ner-4.2.0.zip", "stanford-ner-2020-11-17", nerZip, "opt/stanford-ner/stanford-ner.jar"},
		{"build/Fuseki", "apache-jena-fuseki-5.2.0.tar.gz", "apache-jena-fuseki-5.2.0", fusekiTarball, "opt/fuseki/fuseki-server"},
		{"build/Fuseki", "apache-jena-fuseki-5.2.0.tar.gz", "fuseki-5.2.0-renamed", fusekiTarball, ""},
		{"build/StanfordNER", "stanford-ner-4.2.0.zip", "stanford-ner", nerZip, ""},
	} {
		t.Run(tc.step+" "+tc.top, func(t *testing.T) {
			st, ok := steps[tc.step]
			require.True(t, ok, "step %s", tc.step)
			root, tmp, fixtures, bin := t.TempDir(), t.TempDir(), t.TempDir(), t.TempDir()
			tc.make(t, filepath.Join(fixtures, tc.archive), tc.top)
			require.NoError(t, os.MkdirAll(filepath.Join(root, "opt"), 0o755))
			// What Image Builder keeps in /tmp while it runs the step.
			require.NoError(t, os.MkdirAll(filepath.Join(tmp, "imagebuilder_service"), 0o755))
			require.NoError(t, os.WriteFile(filepath.Join(tmp, "imagebuilder_service", "TOE_EXIT_CODE"), nil, 0o644))
			stub(t, bin, "curl", `out= url=
while [ $# -gt 0 ]; do case "$1" in -o) out="$2"; shift 2;; -*) shift;; *) url="$1"; shift;; esac; done
cp "$FIXTURES/$(basename "$url")" "$out"`)
			stub(t, bin, "chown", "exit 0")

			script := strings.ReplaceAll(strings.Join(st.Commands, "\n"), "/opt/", root+"/opt/")
			cmd := exec.Command("bash", "-c", script)
			cmd.Env = append(os.Environ(), "PATH="+bin+":"+os.Getenv("PATH"), "TMPDIR="+tmp, "FIXTURES="+fixtures)
			out, err := cmd.CombinedOutput()
			if tc.installed == "" {
				require.Error(t, err, "a top directory of another name stops the build: %s", out)
			} else {
				require.NoError(t, err, "%s", out)
				assert.FileExists(t, filepath.Join(root, tc.installed))
			}
			left, err := os.ReadDir(tmp)
			require.NoError(t, err)
			var names []string
			for _, e := range left {
				names = append(names, e.Name())
			}
			assert.Equal(t, []string{"imagebuilder_service"}, names, "the step removes its own files and nothing else")
			assert.FileExists(t, filepath.Join(tmp, "imagebuilder_service", "TOE_EXIT_CODE"))
		})
	}
}

func stub(t *testing.T, dir, name, body string) {
	t.Helper()
	require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte("#!/bin/bash\nset -euo pipefail\n"+body+"\n"), 0o755))
}

// nerZip writes a NER release: top/stanford-ner.jar and a classifier.
func nerZip(t *testing.T, path, top string) {
	t.Helper()
	f, err := os.Create(path)
	require.NoError(t, err)
	z := zip.NewWriter(f)
	for _, name := range []string{top + "/stanford-ner.jar", top + "/classifiers/english.all.3class.distsim.crf.ser.gz"} {
		w, err := z.Create(name)
		require.NoError(t, err)
		_, err = w.Write([]byte("fixture"))
		require.NoError(t, err)
	}
	require.NoError(t, z.Close())
	require.NoError(t, f.Close())
}

// fusekiTarball writes a Fuseki release, top/fuseki-server, with the .sha512 file Apache
// publishes next to it.
func fusekiTarball(t *testing.T, path, top string) {
	t.Helper()
	f, err := os.Create(path)
	require.NoError(t, err)
	gz := gzip.NewWriter(f)
	tw := tar.NewWriter(gz)
	body := []byte("#!/bin/sh\n")
	require.NoError(t, tw.WriteHeader(&tar.Header{Name: top + "/", Typeflag: tar.TypeDir, Mode: 0o755}))
	require.NoError(t, tw.WriteHeader(&tar.Header{Name: top + "/fuseki-server", Mode: 0o755, Size: int64(len(body))}))
	_, err = tw.Write(body)
	require.NoError(t, err)
	require.NoError(t, tw.Close())
	require.NoError(t, gz.Close())
	require.NoError(t, f.Close())
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	sum := sha512.Sum512(raw)
	require.NoError(t, os.WriteFile(path+".sha512", []byte(hex.EncodeToString(sum[:])+"  "+filepath.Base(path)+"\n"), 0o644))
}
