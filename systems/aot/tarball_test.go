package aot

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// writeTree writes files (path → content; a trailing "*" in the content marks it executable).
func writeTree(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for p, content := range files {
		mode := os.FileMode(0o644)
		if n := len(content); n > 0 && content[n-1] == '*' {
			content, mode = content[:n-1], 0o755
		}
		full := filepath.Join(dir, p)
		require.NoError(t, os.MkdirAll(filepath.Dir(full), 0o755))
		require.NoError(t, os.WriteFile(full, []byte(content), mode))
	}
}

func TestPackIsDeterministic(t *testing.T) {
	files := map[string]string{"bootstrap.sh": "echo hi\n*", "roles/web/tasks.yml": "- ping:\n", "README": "x\n"}
	a, b := t.TempDir(), t.TempDir()
	writeTree(t, a, files)
	writeTree(t, b, files)
	// Other times and other read permissions make no difference.
	old := time.Date(2001, 2, 3, 4, 5, 6, 0, time.UTC)
	require.NoError(t, os.Chtimes(filepath.Join(b, "README"), old, old))
	require.NoError(t, os.Chmod(filepath.Join(b, "README"), 0o600))
	pa, err := Pack(a)
	require.NoError(t, err)
	pb, err := Pack(b)
	require.NoError(t, err)
	assert.Equal(t, hash(pa), hash(pb), "the same files give the same tarball")

	// An executable bit is content: it changes the tarball.
	require.NoError(t, os.Chmod(filepath.Join(b, "README"), 0o755))
	pc, err := Pack(b)
	require.NoError(t, err)
	assert.NotEqual(t, hash(pa), hash(pc))

	zr, err := gzip.NewReader(bytes.NewReader(pa))
	require.NoError(t, err)
	tr := tar.NewReader(zr)
	var names []string
	for {
		h, err := tr.Next()
		if err != nil {
			break
		}
		names = append(names, h.Name)
		assert.Zero(t, h.Uid, h.Name)
		assert.Equal(t, int64(0), h.ModTime.Unix(), h.Name)
		if h.Name == "bootstrap.sh" {
			assert.EqualValues(t, 0o755, h.Mode)
		}
	}
	assert.Equal(t, []string{"README", "bootstrap.sh", "roles/", "roles/web/", "roles/web/tasks.yml"}, names, "in lexical order")
}

func TestPackRefusesLinks(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"bootstrap.sh": "true\n"})
	require.NoError(t, os.Symlink("/etc/passwd", filepath.Join(dir, "passwd")))
	_, err := Pack(dir)
	require.ErrorContains(t, err, "passwd is neither a regular file nor a directory")
}

func TestResolveReadsTheRepository(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{"stages/base/bootstrap.sh": "true\n*", "stages/empty/README": "x"})
	packed, err := Pack(filepath.Join(root, "stages/base"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(root, "stages/base.tar.gz"), packed, 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(root, "stages/plain.tgz"), []byte("not gzip"), 0o644))
	emptyTar, err := Pack(filepath.Join(root, "stages/empty"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(root, "stages/empty.tar.gz"), emptyTar, 0o644))

	dir, err := Tarball{Path: "stages/base"}.resolve(root)
	require.NoError(t, err)
	assert.Equal(t, hash(packed), dir.SHA256)
	assert.Equal(t, packed, dir.Content, "a directory is packed at plan time")
	assert.Equal(t, "bootstrap/"+hash(packed)+".tar.gz", dir.Key())

	file, err := Tarball{Path: "stages/base.tar.gz", SHA256: hash(packed)}.resolve(root)
	require.NoError(t, err)
	assert.Equal(t, Stage{SHA256: hash(packed), File: filepath.Join(root, "stages/base.tar.gz")}, file, "a file is uploaded as it is")

	s3, err := Tarball{S3: "s3://tools-bucket/aot/base.tar.gz", SHA256: hash(packed)}.resolve(root)
	require.NoError(t, err)
	assert.Equal(t, Stage{SHA256: hash(packed), Source: "tools-bucket/aot/base.tar.gz"}, s3)

	for _, tt := range []struct {
		t    Tarball
		want string
	}{
		{Tarball{Path: "stages/plain.tgz"}, `stages/plain.tgz" is not a gzipped tarball`},
		{Tarball{Path: "stages/empty.tar.gz"}, `"stages/empty.tar.gz" has no bootstrap.sh at its top`},
		{Tarball{Path: "stages/empty/README"}, "is neither a directory nor a .tar.gz or .tgz file"},
		{Tarball{Path: "/etc"}, "is not a path inside the project"},
		{Tarball{S3: "tools-bucket/x.tar.gz", SHA256: hash(packed)}, "is not an S3 object: use s3://<bucket>/<key>"},
		{Tarball{S3: "s3://Tools/x.tar.gz", SHA256: hash(packed)}, "is not a valid S3 bucket name"},
		{Tarball{Path: "stages/base", SHA256: "ABC"}, `sha256: "ABC" is not a SHA-256`},
		{Tarball{}, "path: is required"},
	} {
		_, err := tt.t.resolve(root)
		assert.ErrorContains(t, err, tt.want, "%+v", tt.t)
	}
}

func TestResolveRefusesBigDirectories(t *testing.T) {
	root := t.TempDir()
	// Random bytes do not compress.
	r := rand.New(rand.NewPCG(1, 2))
	big := make([]byte, 2*maxPackedBytes)
	for i := range big {
		big[i] = byte(r.Uint32())
	}
	writeTree(t, root, map[string]string{"big/bootstrap.sh": "true\n", "big/blob": string(big)})
	_, err := Tarball{Path: "big"}.resolve(root)
	require.ErrorContains(t, err, "directories are kept in the Pulumi state")
}
