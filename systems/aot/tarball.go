package aot

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/strata-iac/strata/components/field"
	"github.com/strata-iac/strata/components/naming"
)

// maxPackedBytes bounds a directory packed at plan time: its bytes are uploaded from, and so kept
// in, the Pulumi state.
const maxPackedBytes = 1 << 20

// maxObjectKey is S3's limit on an object key, in UTF-8 bytes (S3 User Guide, "Naming Amazon S3
// objects").
const maxObjectKey = 1024

// bootstrapScript is the script every tarball has at its top.
const bootstrapScript = "bootstrap.sh"

var sha256RE = regexp.MustCompile(`^[0-9a-f]{64}$`)

// Stage is a bootstrap tarball, resolved: its content hash and where its bytes come from (exactly
// one of Content, File and Source).
type Stage struct {
	// SHA256 is the tarball's hash in lowercase hex: its identity and the host's completion marker.
	SHA256 string
	// Content is a directory packed at plan time.
	Content []byte
	// File is the absolute path of a tarball in the repository.
	File string
	// Source is an S3 object to copy, <bucket>/<key>.
	Source string
}

// Key is the stage's object key in the bucket: content-addressed, so a changed tarball is a new
// object and an unchanged one is never uploaded again.
func (s Stage) Key() string { return "bootstrap/" + s.SHA256 + ".tar.gz" }

// Pack builds a gzipped tarball of dir deterministically: entries in lexical order, no owners, no
// times, modes reduced to 0755 (directories and executables) and 0644, so that the same files give
// the same bytes, and so the same hash, on every machine. Only regular files and directories may
// be in dir.
func Pack(dir string) ([]byte, error) {
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	tw := tar.NewWriter(zw)
	err = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil || rel == "." {
			return err
		}
		rel = filepath.ToSlash(rel)
		info, err := d.Info()
		if err != nil {
			return err
		}
		h := &tar.Header{Name: rel, Mode: 0o644, ModTime: time.Unix(0, 0)}
		switch {
		case info.IsDir():
			h.Typeflag, h.Name, h.Mode = tar.TypeDir, rel+"/", 0o755
		case info.Mode().IsRegular():
			h.Typeflag, h.Size = tar.TypeReg, info.Size()
			if info.Mode()&0o111 != 0 {
				h.Mode = 0o755
			}
		default:
			return fmt.Errorf("%s is neither a regular file nor a directory: a bootstrap tarball holds only those", rel)
		}
		if err := tw.WriteHeader(h); err != nil {
			return err
		}
		if h.Typeflag == tar.TypeReg {
			f, err := os.Open(path)
			if err != nil {
				return err
			}
			// A read-only file: closing it cannot lose data.
			defer func() { _ = f.Close() }()
			if _, err := io.Copy(tw, f); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// hasBootstrap reports whether a gzipped tarball holds bootstrap.sh at its top.
func hasBootstrap(r io.Reader) (bool, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return false, fmt.Errorf("is not a gzipped tarball: %w", err)
	}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return false, nil
		}
		if err != nil {
			return false, fmt.Errorf("is not a gzipped tarball: %w", err)
		}
		if strings.TrimPrefix(h.Name, "./") == bootstrapScript && h.Typeflag == tar.TypeReg {
			return true, nil
		}
	}
}

func hash(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// resolve reads a tarball from the repository below root (or checks its S3 source) and returns the
// stage; its problems are at the tarball's keys (path, s3, sha256).
func (t Tarball) resolve(root string) (Stage, error) {
	var errs field.Errors
	if t.SHA256 != "" && !sha256RE.MatchString(t.SHA256) {
		errs.Add("sha256", "%q is not a SHA-256: use 64 lowercase hex digits, as sha256sum prints them", t.SHA256)
	}
	var s Stage
	switch {
	case t.Path != "" && t.S3 != "":
		errs.Add("", "names a path and an s3 object: give one")
	case t.Path == "" && t.S3 == "":
		errs.Add("path", "is required: give a directory or .tar.gz in the repository, or an s3 object")
	case t.S3 != "":
		bucketName, key, ok := strings.Cut(strings.TrimPrefix(t.S3, "s3://"), "/")
		switch {
		case !strings.HasPrefix(t.S3, "s3://") || !ok || key == "":
			errs.Add("s3", "%q is not an S3 object: use s3://<bucket>/<key>", t.S3)
		case naming.BucketName(bucketName) != nil:
			errs.Check("s3", naming.BucketName(bucketName))
		case len(key) > maxObjectKey:
			errs.Add("s3", "has a key of %d bytes: S3 allows at most %d", len(key), maxObjectKey)
		}
		if t.SHA256 == "" {
			errs.Add("sha256", "is required with s3: the hosts check the tarball against it, and its key in the bucket is derived from it")
		}
		s = Stage{SHA256: t.SHA256, Source: bucketName + "/" + key}
	default:
		var err error
		s, err = readPath(root, t.Path)
		errs.Check("path", err)
		if err == nil && t.SHA256 != "" && sha256RE.MatchString(t.SHA256) && s.SHA256 != t.SHA256 {
			errs.Add("sha256", "is %s but %s has %s: update the pin, or restore the content it pins", t.SHA256, t.Path, s.SHA256)
		}
	}
	return s, errs.Err()
}

// readPath packs or reads the tarball at path, relative to root.
func readPath(root, path string) (Stage, error) {
	clean := filepath.Clean(filepath.FromSlash(path))
	if filepath.IsAbs(clean) || clean == ".." || strings.HasPrefix(clean, ".."+string(filepath.Separator)) {
		return Stage{}, fmt.Errorf("%q is not a path inside the project: give it relative to the directory of Pulumi.yaml", path)
	}
	abs := filepath.Join(root, clean)
	info, err := os.Stat(abs)
	if err != nil {
		return Stage{}, fmt.Errorf("%q does not exist in the project (%s)", path, root)
	}
	if info.IsDir() {
		if f, err := os.Stat(filepath.Join(abs, bootstrapScript)); err != nil || !f.Mode().IsRegular() {
			return Stage{}, fmt.Errorf("%q has no %s at its top: each stage runs bash %s in its directory", path, bootstrapScript, bootstrapScript)
		}
		b, err := Pack(abs)
		if err != nil {
			return Stage{}, fmt.Errorf("%q cannot be packed: %w", path, err)
		}
		if len(b) > maxPackedBytes {
			return Stage{}, fmt.Errorf("%q packs into %d bytes: directories are kept in the Pulumi state, so at most %d; build a .tar.gz and give its path", path, len(b), maxPackedBytes)
		}
		return Stage{SHA256: hash(b), Content: b}, nil
	}
	if !strings.HasSuffix(path, ".tar.gz") && !strings.HasSuffix(path, ".tgz") {
		return Stage{}, fmt.Errorf("%q is neither a directory nor a .tar.gz or .tgz file", path)
	}
	b, err := os.ReadFile(abs)
	if err != nil {
		return Stage{}, fmt.Errorf("%q cannot be read: %w", path, err)
	}
	ok, err := hasBootstrap(bytes.NewReader(b))
	switch {
	case err != nil:
		return Stage{}, fmt.Errorf("%q %w", path, err)
	case !ok:
		return Stage{}, fmt.Errorf("%q has no %s at its top: each stage runs bash %s in its directory", path, bootstrapScript, bootstrapScript)
	}
	return Stage{SHA256: hash(b), File: abs}, nil
}
