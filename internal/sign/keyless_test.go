package sign

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/ward-mcp/ward/internal/sign/signtest"
)

const (
	keylessWho    = "release@example.com"
	keylessIssuer = "https://accounts.example.com"
)

// signKeyless signs lock keylessly against fs with a token for who/issuer.
func signKeyless(t *testing.T, fs *signtest.FakeSigstore, lockfile []byte, token string) ([]byte, error) {
	t.Helper()
	return SignLockfileSigstore(context.Background(), lockfile, &SigstoreSignOptions{
		IDToken: token, FulcioURL: fs.FulcioURL, RekorURL: fs.RekorURL, Timeout: 10 * time.Second,
	})
}

// TestSignLockfileSigstore signs through sigstore-go's pkg/sign against a fake
// Fulcio and Rekor and verifies the bundle with VerifySigstore, certificate
// transparency included.
func TestSignLockfileSigstore(t *testing.T) {
	fs := signtest.NewFakeSigstore(t)
	tr := fs.TrustedRoot(t)
	canon := mustCanon(t, lock)

	for _, who := range []string{keylessWho, "https://github.com/acme/tools/.github/workflows/lock.yml@refs/heads/main"} {
		bj, err := signKeyless(t, fs, []byte(lock), signtest.Token(who, keylessIssuer))
		if err != nil {
			t.Fatalf("sign as %s: %v", who, err)
		}
		bd, err := ParseSigstoreBundle(bj)
		if err != nil {
			t.Fatal(err)
		}
		res, err := VerifySigstore(bd, canon, tr, Identity{Subject: who, Issuer: keylessIssuer}, false)
		if err != nil {
			t.Fatalf("bundle signed as %s refused: %v", who, err)
		}
		if res.Signature == nil || res.Signature.Certificate == nil ||
			res.Signature.Certificate.SubjectAlternativeName != who || res.Signature.Certificate.Issuer != keylessIssuer {
			t.Errorf("verified identity = %+v", res.Signature)
		}
		if len(res.VerifiedTimestamps) != 1 || res.VerifiedTimestamps[0].Type != "Tlog" {
			t.Errorf("verified timestamps = %+v, want the Rekor integrated time", res.VerifiedTimestamps)
		}
	}

	// What went over the wire ended up in the bundle: the certificate Fulcio
	// issued for the token's identity and the entry Rekor logged.
	bj, err := signKeyless(t, fs, []byte(lock), signtest.Token(keylessWho, keylessIssuer))
	if err != nil {
		t.Fatal(err)
	}
	issued, entries := fs.Issued(), fs.Entries()
	if len(issued) != 3 || len(entries) != 3 {
		t.Fatalf("fakes saw %d certificates and %d log entries, want 3 and 3", len(issued), len(entries))
	}
	last := issued[2]
	if last.Subject != keylessWho || last.Issuer != keylessIssuer {
		t.Errorf("fulcio issued for %q (%q)", last.Subject, last.Issuer)
	}
	var doc struct {
		MediaType            string
		VerificationMaterial struct {
			Certificate struct{ RawBytes []byte }
			TlogEntries []struct {
				LogIndex          string
				CanonicalizedBody []byte
				InclusionProof    struct{ TreeSize string }
			}
		}
		MessageSignature struct {
			MessageDigest struct {
				Algorithm string
				Digest    []byte
			}
		}
	}
	if err := json.Unmarshal(bj, &doc); err != nil {
		t.Fatal(err)
	}
	vm := doc.VerificationMaterial
	if doc.MediaType != "application/vnd.dev.sigstore.bundle.v0.3+json" {
		t.Errorf("media type %q", doc.MediaType)
	}
	if !bytes.Equal(vm.Certificate.RawBytes, last.Certificate.Raw) {
		t.Error("the bundle's certificate is not the one Fulcio issued")
	}
	if len(vm.TlogEntries) != 1 || !bytes.Equal(vm.TlogEntries[0].CanonicalizedBody, entries[2]) ||
		vm.TlogEntries[0].LogIndex != "2" || vm.TlogEntries[0].InclusionProof.TreeSize != "3" {
		t.Errorf("the bundle's log entry is not the one Rekor logged: %+v", vm.TlogEntries)
	}
	want := sha256.Sum256(canon)
	if doc.MessageSignature.MessageDigest.Algorithm != "SHA2_256" || !bytes.Equal(doc.MessageSignature.MessageDigest.Digest, want[:]) {
		t.Errorf("signed digest %x, want the canonical lockfile's %x", doc.MessageSignature.MessageDigest.Digest, want)
	}
	if !strings.Contains(string(entries[2]), `"hashedrekord"`) {
		t.Errorf("rekor entry is not a hashedrekord: %s", entries[2])
	}

	// The bundle is refused for anyone else, any other issuer, and any
	// other lockfile; an identity given by pattern works.
	bd, err := ParseSigstoreBundle(bj)
	if err != nil {
		t.Fatal(err)
	}
	changed := bytes.Clone(canon)
	changed[bytes.IndexByte(changed, '0')] = '1' // sha256:00ff -> sha256:10ff
	for name, c := range map[string]struct {
		canon []byte
		id    Identity
	}{
		"wrong identity":   {canon, Identity{Subject: "mallory@example.com", Issuer: keylessIssuer}},
		"wrong issuer":     {canon, Identity{Subject: keylessWho, Issuer: "https://token.actions.githubusercontent.com"}},
		"identity pattern": {canon, Identity{SubjectRegexp: `^release@example\.co$`, Issuer: keylessIssuer}},
		"changed lockfile": {changed, Identity{Subject: keylessWho, Issuer: keylessIssuer}},
	} {
		if _, err := VerifySigstore(bd, c.canon, tr, c.id, false); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: %v, want ErrInvalid", name, err)
		}
	}
	if _, err := VerifySigstore(bd, canon, tr, Identity{SubjectRegexp: `@example\.com$`, IssuerRegexp: `^https://accounts\.`}, false); err != nil {
		t.Errorf("identity by pattern: %v", err)
	}
	// Another fake Sigstore's root does not vouch for this one's signatures.
	if _, err := VerifySigstore(bd, canon, signtest.NewFakeSigstore(t).TrustedRoot(t), Identity{Subject: keylessWho, Issuer: keylessIssuer}, false); !errors.Is(err, ErrInvalid) {
		t.Errorf("foreign trusted root: %v", err)
	}
}

// TestSignLockfileSigstoreServiceFailures: when Fulcio or Rekor fails,
// refuses or answers nonsense, signing returns an error naming the service,
// and no bundle.
func TestSignLockfileSigstoreServiceFailures(t *testing.T) {
	fs := signtest.NewFakeSigstore(t)
	status := func(code int, body string) string {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(code)
			io.WriteString(w, body)
		}))
		t.Cleanup(srv.Close)
		return srv.URL
	}
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	good := signtest.Token(keylessWho, keylessIssuer)
	for _, c := range []struct {
		name, fulcio, rekor, token string
		want                       []string
	}{
		{"fulcio 500", status(500, `{"code":13,"message":"internal"}`), fs.RekorURL, good, []string{"fulcio", "500"}},
		{"fulcio refuses the token", fs.FulcioURL, fs.RekorURL, signtest.TokenWithClaims(map[string]any{"iss": keylessIssuer, "sub": "https://x.test/w", "aud": "other", "exp": time.Now().Add(time.Hour).Unix()}), []string{"fulcio", "401", "audience"}},
		{"fulcio unreachable", closed.URL, fs.RekorURL, good, []string{"fulcio"}},
		{"fulcio answers garbage", status(200, `<html>`), fs.RekorURL, good, []string{"fulcio"}},
		{"fulcio answers no certificate", status(200, `{}`), fs.RekorURL, good, []string{"fulcio"}},
		{"rekor unreachable", fs.FulcioURL, closed.URL, good, []string{"rekor"}},
		{"rekor 500", fs.FulcioURL, status(500, `{"code":500,"message":"internal"}`), good, []string{"rekor", "500"}},
		{"rekor refuses", fs.FulcioURL, status(400, `{"code":400,"message":"bad entry"}`), good, []string{"rekor", "400"}},
		{"rekor answers garbage", fs.FulcioURL, status(201, `<html>`), good, []string{"rekor"}},
		{"rekor answers an empty object", fs.FulcioURL, status(201, `{}`), good, []string{"rekor"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			b, err := SignLockfileSigstore(context.Background(), []byte(lock), &SigstoreSignOptions{
				IDToken: c.token, FulcioURL: c.fulcio, RekorURL: c.rekor, Timeout: 5 * time.Second,
			})
			if err == nil || b != nil {
				t.Fatalf("got a bundle (%d bytes), err %v", len(b), err)
			}
			for _, w := range c.want {
				if !strings.Contains(strings.ToLower(err.Error()), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
			t.Log(err)
		})
	}
	if n := len(fs.Entries()); n != 0 {
		t.Errorf("a failed signing left %d entries in the log", n)
	}
}
