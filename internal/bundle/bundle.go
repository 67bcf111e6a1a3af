// Package bundle packs a signed lockfile, its signature, the policy and a
// README into one zip that an auditor can take away and check, and checks
// such a zip.
//
// The zip is byte-identical for the same inputs on every run and machine:
// entries are sorted, stored uncompressed, dated 1980-01-01 00:00 and given
// mode 0644, and nothing in it depends on the clock, the user or the host.
package bundle

import (
	"archive/zip"
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/sigstore/sigstore-go/pkg/root"
	"github.com/ward-mcp/ward/internal/sign"
)

// Names of the entries in a bundle.
const (
	LockfileName  = "mcp-lock.json"
	SignatureName = "mcp-lock.json.sig"
	SigstoreName  = "mcp-lock.json.sigstore.json"
	ManifestName  = "manifest.json"
	ReadmeName    = "README.md"
	policyPrefix  = "policy"
)

// maxEntry bounds every entry read back from a bundle.
const maxEntry = sign.MaxLockfile

// MaxSize bounds a bundle's zip file, and maxTotal the sum of its entries
// once inflated: a bundle holds one lockfile, at most one signature and one
// policy, and two small generated files.
const (
	MaxSize  = 2 * maxEntry
	maxTotal = 2 * maxEntry
)

// ErrInvalid means a bundle or its signature did not verify.
var ErrInvalid = errors.New("bundle invalid")

// Options says what goes into a bundle and how its signature is checked
// before it goes in.
type Options struct {
	// LockfilePath is the lockfile; required. It is stored in canonical form.
	LockfilePath string
	// PolicyPath is an optional policy file, stored as it is.
	PolicyPath string
	// SignaturePath is an optional Ed25519 envelope or Sigstore bundle for the lockfile.
	SignaturePath string
	// PublicKey checks an Ed25519 signature.
	PublicKey ed25519.PublicKey
	// Identity and TrustedMaterial check a Sigstore bundle.
	Identity        sign.Identity
	TrustedMaterial root.TrustedMaterial
	// DisableSCTUnsafe is passed to Sigstore verification.
	DisableSCTUnsafe bool
}

// Manifest lists a bundle's entries with their SHA-256 and says how the
// lockfile is signed.
type Manifest struct {
	Schema int `json:"schema"`
	// Lockfile is the SHA-256 of the canonical lockfile, "sha256:<hex>".
	Lockfile string `json:"lockfile"`
	// Signature is "ed25519", "sigstore" or "none".
	Signature string `json:"signature"`
	// KeyID is the Ed25519 key's id.
	KeyID string `json:"key_id,omitempty"`
	// Files maps every other entry name to its "sha256:<hex>".
	Files map[string]string `json:"files"`
}

type entry struct {
	name string
	data []byte
}

// Export builds the bundle described by o and returns the zip's bytes. It
// refuses a signature that does not verify.
func Export(o *Options) ([]byte, error) {
	if o == nil || o.LockfilePath == "" {
		return nil, errors.New("bundle export: a lockfile is required")
	}
	raw, err := os.ReadFile(o.LockfilePath)
	if err != nil {
		return nil, fmt.Errorf("bundle export: %w", err)
	}
	canon, err := sign.Canonical(raw)
	if err != nil {
		return nil, fmt.Errorf("bundle export: %w", err)
	}
	m := &Manifest{Schema: 1, Lockfile: sign.Digest(canon), Signature: "none", Files: map[string]string{}}
	entries := []entry{{LockfileName, canon}}
	if o.SignaturePath != "" {
		sb, err := os.ReadFile(o.SignaturePath)
		if err != nil {
			return nil, fmt.Errorf("bundle export: %w", err)
		}
		name, kind, keyID, err := checkSignature(canon, sb, o)
		if err != nil {
			return nil, fmt.Errorf("bundle export: refusing %s: %w", o.SignaturePath, err)
		}
		m.Signature, m.KeyID = kind, keyID
		entries = append(entries, entry{name, sb})
	}
	if o.PolicyPath != "" {
		pb, err := os.ReadFile(o.PolicyPath)
		if err != nil {
			return nil, fmt.Errorf("bundle export: %w", err)
		}
		entries = append(entries, entry{policyPrefix + strings.ToLower(filepath.Ext(o.PolicyPath)), pb})
	}
	for _, e := range entries[1:] {
		m.Files[e.name] = sign.Digest(e.data)
	}
	mb, err := marshalManifest(m)
	if err != nil {
		return nil, fmt.Errorf("bundle export: %w", err)
	}
	entries = append(entries, entry{ManifestName, mb}, entry{ReadmeName, readme(m)})
	slices.SortFunc(entries, func(a, b entry) int { return strings.Compare(a.name, b.name) })
	return writeZip(entries)
}

// marshalManifest returns the manifest as ward writes it: indented JSON, a
// final newline. Verify accepts only these bytes.
func marshalManifest(m *Manifest) ([]byte, error) {
	mb, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(mb, '\n'), nil
}

// checkSignature verifies sb (an envelope or a Sigstore bundle) over canon
// and returns the entry name, the kind and the key id.
func checkSignature(canon, sb []byte, o *Options) (name, kind, keyID string, err error) {
	var probe struct {
		PayloadType *string `json:"payloadType"`
		MediaType   *string `json:"mediaType"`
	}
	if err := json.Unmarshal(sb, &probe); err != nil {
		return "", "", "", fmt.Errorf("%w: signature is not JSON: %w", ErrInvalid, err)
	}
	switch {
	case probe.PayloadType != nil:
		if o.PublicKey == nil {
			return "", "", "", errors.New("an Ed25519 signature needs the public key to check it (--key)")
		}
		env, err := sign.ParseEnvelope(sb)
		if err != nil {
			return "", "", "", fmt.Errorf("%w: %w", ErrInvalid, err)
		}
		if _, err := sign.VerifyLockfile(canon, env, o.PublicKey); err != nil {
			return "", "", "", fmt.Errorf("%w: %w", ErrInvalid, err)
		}
		return SignatureName, "ed25519", sign.KeyID(o.PublicKey), nil
	case probe.MediaType != nil:
		if o.TrustedMaterial == nil {
			return "", "", "", errors.New("a Sigstore bundle needs a trusted root to check it")
		}
		bd, err := sign.ParseSigstoreBundle(sb)
		if err != nil {
			return "", "", "", fmt.Errorf("%w: %w", ErrInvalid, err)
		}
		if _, err := sign.VerifySigstore(bd, canon, o.TrustedMaterial, o.Identity, o.DisableSCTUnsafe); err != nil {
			return "", "", "", fmt.Errorf("%w: %w", ErrInvalid, err)
		}
		return SigstoreName, "sigstore", "", nil
	}
	return "", "", "", fmt.Errorf("%w: neither a ward signature envelope nor a Sigstore bundle", ErrInvalid)
}

// dosEpoch is 1980-01-01 00:00 in MS-DOS date format, the earliest a zip can say.
const dosEpoch = 1<<5 | 1

func writeZip(entries []entry) ([]byte, error) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		h := &zip.FileHeader{Name: e.name, Method: zip.Store, ModifiedDate: dosEpoch, ModifiedTime: 0}
		h.SetMode(0o644)
		w, err := zw.CreateHeader(h)
		if err != nil {
			return nil, fmt.Errorf("bundle export: %w", err)
		}
		if _, err := w.Write(e.data); err != nil {
			return nil, fmt.Errorf("bundle export: %w", err)
		}
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("bundle export: %w", err)
	}
	return buf.Bytes(), nil
}

func readme(m *Manifest) []byte {
	var b strings.Builder
	b.WriteString("# ward lockfile bundle\n\n")
	b.WriteString("This archive was made by `ward bundle export`. It holds an MCP lockfile approved\n")
	b.WriteString("by its owner, and what is needed to check that approval.\n\n")
	b.WriteString("| File | SHA-256 | What it is |\n|---|---|---|\n")
	fmt.Fprintf(&b, "| %s | %s | the lockfile, in RFC 8785 canonical form (the bytes that are signed) |\n", LockfileName, strings.TrimPrefix(m.Lockfile, "sha256:"))
	names := make([]string, 0, len(m.Files))
	for n := range m.Files {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		what := "the policy to enforce with this lockfile (not signed: only the lockfile is)"
		switch n {
		case SignatureName:
			what = "detached Ed25519 signature (DSSE-style envelope, payload type " + sign.PayloadType + ")"
		case SigstoreName:
			what = "Sigstore bundle: keyless signature, Fulcio certificate, Rekor entry"
		}
		fmt.Fprintf(&b, "| %s | %s | %s |\n", n, strings.TrimPrefix(m.Files[n], "sha256:"), what)
	}
	fmt.Fprintf(&b, "| %s | | the digests above, for `ward bundle verify` |\n\n", ManifestName)
	b.WriteString("## How to verify\n\n")
	switch m.Signature {
	case "ed25519":
		fmt.Fprintf(&b, "The lockfile is signed with the Ed25519 key %s. Get that key's public half from\n", m.KeyID)
		b.WriteString("its owner by a channel you trust (not from this archive), then:\n\n")
		b.WriteString("    ward bundle verify --key signer.pub bundle.zip\n\n")
		b.WriteString("or, with the files extracted:\n\n")
		fmt.Fprintf(&b, "    ward verify --key signer.pub --signature %s %s\n\n", SignatureName, LockfileName)
	case "sigstore":
		b.WriteString("The lockfile is signed keylessly with Sigstore. Check who signed it:\n\n")
		b.WriteString("    ward bundle verify --certificate-identity SIGNER --certificate-oidc-issuer ISSUER bundle.zip\n\n")
		b.WriteString("or, with the files extracted:\n\n")
		fmt.Fprintf(&b, "    ward verify --bundle %s --certificate-identity SIGNER --certificate-oidc-issuer ISSUER %s\n\n", SigstoreName, LockfileName)
	default:
		b.WriteString("The lockfile is not signed: `ward bundle verify bundle.zip` checks only that the\n")
		b.WriteString("files match the digests above.\n\n")
	}
	b.WriteString("Any SHA-256 tool can check the digests: `sha256sum " + LockfileName + "`.\n")
	if slices.ContainsFunc(names, isPolicyName) {
		b.WriteString("\nOnly the lockfile is signed. The other files are listed in the manifest, which is\n")
		b.WriteString("not signed either: their digests show that they came together, not who approved them.\n")
	}
	return []byte(b.String())
}

// isPolicyName reports whether name is one Export gives a policy:
// "policy" and the policy file's extension in lower case, if it has one.
func isPolicyName(name string) bool {
	ext, ok := strings.CutPrefix(name, policyPrefix)
	if !ok {
		return false
	}
	return ext == "" || (ext[0] == '.' && !strings.ContainsAny(ext[1:], "./\\") && ext == strings.ToLower(ext))
}

// Result describes a verified bundle.
type Result struct {
	// Manifest is the bundle's manifest.
	Manifest Manifest `json:"manifest"`
	// SignatureVerified is true when the lockfile's signature was checked.
	SignatureVerified bool `json:"signature_verified"`
}

// Verify checks the bundle zip in b: the expected entries and nothing else,
// each matching the manifest, a canonical lockfile, and the signature under
// o's key or identity. A bundle with a signature cannot be verified without
// the means to check it. Failures wrap ErrInvalid.
func Verify(b []byte, o *Options) (*Result, error) {
	if o == nil {
		o = &Options{}
	}
	if len(b) > MaxSize {
		return nil, fmt.Errorf("%w: larger than %d bytes", ErrInvalid, MaxSize)
	}
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return nil, fmt.Errorf("%w: not a zip: %w", ErrInvalid, err)
	}
	// Names and sizes are checked for every entry before any is inflated, so
	// that a small zip cannot make ward allocate gigabytes (a zip bomb).
	var total uint64
	seen := map[string]bool{}
	policy := ""
	for _, f := range zr.File {
		if seen[f.Name] {
			return nil, fmt.Errorf("%w: entry %q appears twice", ErrInvalid, f.Name)
		}
		seen[f.Name] = true
		switch {
		case f.Name == LockfileName || f.Name == ManifestName || f.Name == ReadmeName || f.Name == SignatureName || f.Name == SigstoreName:
		case isPolicyName(f.Name):
			if policy != "" {
				return nil, fmt.Errorf("%w: two policies, %q and %q", ErrInvalid, policy, f.Name)
			}
			policy = f.Name
		default:
			return nil, fmt.Errorf("%w: unexpected entry %q (ward bundle export writes only %s, %s, %s, %s or %s, and %s.<ext>)",
				ErrInvalid, f.Name, LockfileName, SignatureName, SigstoreName, ManifestName, ReadmeName, policyPrefix)
		}
		if f.UncompressedSize64 > maxEntry {
			return nil, fmt.Errorf("%w: entry %q too large (%d bytes, at most %d)", ErrInvalid, f.Name, f.UncompressedSize64, maxEntry)
		}
		if total += f.UncompressedSize64; total > maxTotal {
			return nil, fmt.Errorf("%w: entries larger than %d bytes in all", ErrInvalid, maxTotal)
		}
	}
	files := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %w", ErrInvalid, f.Name, err)
		}
		// archive/zip fails a read beyond the declared size.
		data, err := io.ReadAll(io.LimitReader(rc, int64(f.UncompressedSize64)+1))
		rc.Close()
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %w", ErrInvalid, f.Name, err)
		}
		files[f.Name] = data
	}
	mb, ok := files[ManifestName]
	if !ok {
		return nil, fmt.Errorf("%w: no %s", ErrInvalid, ManifestName)
	}
	var m Manifest
	dec := json.NewDecoder(bytes.NewReader(mb))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("%w: manifest: %w", ErrInvalid, err)
	}
	// The manifest is not signed: only the exact bytes ward writes for it
	// are accepted (no duplicate or differently cased keys, no trailing data).
	if want, err := marshalManifest(&m); err != nil || !bytes.Equal(mb, want) {
		return nil, fmt.Errorf("%w: %s is not as ward bundle export writes it", ErrInvalid, ManifestName)
	}
	if m.Schema != 1 {
		return nil, fmt.Errorf("%w: manifest schema %d, want 1", ErrInvalid, m.Schema)
	}
	lock, ok := files[LockfileName]
	if !ok {
		return nil, fmt.Errorf("%w: no %s", ErrInvalid, LockfileName)
	}
	canon, err := sign.Canonical(lock)
	if err != nil || !bytes.Equal(canon, lock) {
		return nil, fmt.Errorf("%w: %s is not in canonical form", ErrInvalid, LockfileName)
	}
	if d := sign.Digest(lock); d != m.Lockfile {
		return nil, fmt.Errorf("%w: %s is %s, the manifest says %s", ErrInvalid, LockfileName, d, m.Lockfile)
	}
	for name, data := range files {
		switch name {
		case LockfileName, ManifestName:
			continue
		case ReadmeName:
			if !bytes.Equal(data, readme(&m)) {
				return nil, fmt.Errorf("%w: %s differs from the one ward generates for this manifest", ErrInvalid, ReadmeName)
			}
			continue
		}
		want, listed := m.Files[name]
		if !listed {
			return nil, fmt.Errorf("%w: entry %q is not in the manifest", ErrInvalid, name)
		}
		if d := sign.Digest(data); d != want {
			return nil, fmt.Errorf("%w: %s is %s, the manifest says %s", ErrInvalid, name, d, want)
		}
	}
	for name := range m.Files {
		if _, ok := files[name]; !ok || name == LockfileName || name == ManifestName || name == ReadmeName {
			return nil, fmt.Errorf("%w: %s is in the manifest but not in the bundle", ErrInvalid, name)
		}
	}
	if _, ok := files[ReadmeName]; !ok {
		return nil, fmt.Errorf("%w: no %s", ErrInvalid, ReadmeName)
	}
	// Export is deterministic, so a bundle must be exactly its bytes: nothing
	// before the first entry, no comment, no extra fields, no other
	// compression or dates. Zip readers disagree about anything else (some
	// follow the local headers, some the central directory), and an
	// auditor's unzip must extract the bytes verified here.
	rebuilt := make([]entry, 0, len(files))
	for n, d := range files {
		rebuilt = append(rebuilt, entry{n, d})
	}
	slices.SortFunc(rebuilt, func(a, b entry) int { return strings.Compare(a.name, b.name) })
	if want, err := writeZip(rebuilt); err != nil || !bytes.Equal(b, want) {
		return nil, fmt.Errorf("%w: the zip is not as ward bundle export writes it (data outside the entries, a comment, or entries compressed, dated or laid out otherwise)", ErrInvalid)
	}
	_, hasSig := files[SignatureName]
	_, hasSigstore := files[SigstoreName]
	switch {
	case m.Signature != "ed25519" && hasSig:
		return nil, fmt.Errorf("%w: the manifest says %s but the bundle holds %s", ErrInvalid, m.Signature, SignatureName)
	case m.Signature != "sigstore" && hasSigstore:
		return nil, fmt.Errorf("%w: the manifest says %s but the bundle holds %s", ErrInvalid, m.Signature, SigstoreName)
	}
	res := &Result{Manifest: m}
	var sigName string
	switch m.Signature {
	case "none":
		// A key or identity given means a signature is required: a bundle
		// whose signature was removed (and its lockfile replaced) is not valid.
		if o.PublicKey != nil || o.TrustedMaterial != nil || o.Identity != (sign.Identity{}) {
			return nil, fmt.Errorf("%w: the lockfile is not signed, but a key or signer identity to check it was given", ErrInvalid)
		}
		return res, nil
	case "ed25519":
		sigName = SignatureName
	case "sigstore":
		sigName = SigstoreName
	default:
		return nil, fmt.Errorf("%w: unknown signature kind %q", ErrInvalid, m.Signature)
	}
	sb, ok := files[sigName]
	if !ok {
		return nil, fmt.Errorf("%w: no %s", ErrInvalid, sigName)
	}
	_, kind, keyID, err := checkSignature(lock, sb, o)
	if err != nil {
		return nil, err
	}
	if kind != m.Signature || (kind == "ed25519" && keyID != m.KeyID) {
		return nil, fmt.Errorf("%w: the manifest describes the signature as %s %s, it is %s %s", ErrInvalid, m.Signature, m.KeyID, kind, keyID)
	}
	res.SignatureVerified = true
	return res, nil
}
