package sign

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"time"

	protobundle "github.com/sigstore/protobuf-specs/gen/pb-go/bundle/v1"
	"github.com/sigstore/sigstore-go/pkg/bundle"
	"github.com/sigstore/sigstore-go/pkg/root"
	sigsign "github.com/sigstore/sigstore-go/pkg/sign"
	"github.com/sigstore/sigstore-go/pkg/verify"
)

// Public-good Sigstore instances, used when no other is configured.
const (
	DefaultFulcioURL = "https://fulcio.sigstore.dev"
	DefaultRekorURL  = "https://rekor.sigstore.dev"
)

// SigstoreSignOptions configures keyless signing.
type SigstoreSignOptions struct {
	// IDToken is the OIDC identity token; when empty, TokenFromEnvironment is used.
	IDToken string
	// FulcioURL and RekorURL default to the public-good instances.
	FulcioURL, RekorURL string
	// Timeout bounds each network request (default 30s).
	Timeout time.Duration
}

// SignLockfileSigstore signs the canonical form of the lockfile bytes b
// keylessly: an ephemeral key, a Fulcio certificate for the token's identity
// and a Rekor entry. It returns the Sigstore bundle as JSON.
func SignLockfileSigstore(ctx context.Context, b []byte, opts *SigstoreSignOptions) ([]byte, error) {
	var o SigstoreSignOptions
	if opts != nil {
		o = *opts
	}
	if o.FulcioURL == "" {
		o.FulcioURL = DefaultFulcioURL
	}
	if o.RekorURL == "" {
		o.RekorURL = DefaultRekorURL
	}
	if o.Timeout <= 0 {
		o.Timeout = 30 * time.Second
	}
	if o.IDToken == "" {
		tok, err := TokenFromEnvironment(ctx)
		if err != nil {
			return nil, err
		}
		o.IDToken = tok
	}
	canon, err := Canonical(b)
	if err != nil {
		return nil, err
	}
	kp, err := sigsign.NewEphemeralKeypair(nil)
	if err != nil {
		return nil, fmt.Errorf("sigstore sign: %w", err)
	}
	pb, err := sigsign.Bundle(&sigsign.PlainData{Data: canon}, kp, sigsign.BundleOptions{
		CertificateProvider: fulcioCA{
			sigsign.NewFulcio(&sigsign.FulcioOptions{BaseURL: o.FulcioURL, Timeout: o.Timeout, Retries: 1, Transport: keep5xxBody{}}),
			o.FulcioURL,
		},
		CertificateProviderOptions: &sigsign.CertificateProviderOptions{IDToken: o.IDToken},
		TransparencyLogs: []sigsign.Transparency{rekorLog{
			sigsign.NewRekor(&sigsign.RekorOptions{BaseURL: o.RekorURL, Timeout: o.Timeout, Retries: 1}),
			o.RekorURL,
		}},
		Context: ctx,
	})
	if err != nil {
		return nil, fmt.Errorf("sigstore sign: %w", err)
	}
	bd, err := bundle.NewBundle(pb)
	if err != nil {
		return nil, fmt.Errorf("sigstore sign: %w", err)
	}
	out, err := bd.MarshalJSON()
	if err != nil {
		return nil, fmt.Errorf("sigstore sign: encode bundle: %w", err)
	}
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, out, "", "  "); err != nil {
		return nil, fmt.Errorf("sigstore sign: encode bundle: %w", err)
	}
	pretty.WriteByte('\n')
	return pretty.Bytes(), nil
}

// fulcioCA names Fulcio in the errors of a certificate request.
type fulcioCA struct {
	*sigsign.Fulcio
	url string
}

func (f fulcioCA) GetCertificate(ctx context.Context, kp sigsign.Keypair, opts *sigsign.CertificateProviderOptions) ([]byte, error) {
	cert, err := f.Fulcio.GetCertificate(ctx, kp, opts)
	if err != nil {
		return nil, fmt.Errorf("fulcio %s: %w", f.url, err)
	}
	return cert, nil
}

// keep5xxBody is the Fulcio client's transport. sigstore-go v1.3.0's Fulcio
// client closes the body of a 5xx (or 429) answer before it retries and, when
// the last attempt failed too, reads it anyway: the error said "read on
// closed response body" instead of the status. Such a body is handed over
// as a copy (at most 64 KiB) that survives Close.
type keep5xxBody struct{}

func (keep5xxBody) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(r)
	if err != nil || (resp.StatusCode < 500 && resp.StatusCode != http.StatusTooManyRequests) {
		return resp, err
	}
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(b))
	return resp, nil
}

// rekorLog names Rekor in the errors of a log upload. An answer that lacks
// fields the client needs made it panic (rekor v1.5.3's
// tle.GenerateTransparencyLogEntry dereferences them unchecked, for example
// on a 201 with "{}"): that becomes an error too.
type rekorLog struct {
	sigsign.Transparency
	url string
}

func (r rekorLog) GetTransparencyLogEntry(ctx context.Context, keyOrCertPEM []byte, b *protobundle.Bundle) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("rekor %s: malformed log entry in the response: %v", r.url, p)
		}
	}()
	if err := r.Transparency.GetTransparencyLogEntry(ctx, keyOrCertPEM, b); err != nil {
		return fmt.Errorf("rekor %s: %w", r.url, err)
	}
	return nil
}

// TokenFromEnvironment finds an OIDC identity token for Sigstore: the
// SIGSTORE_ID_TOKEN variable, or in GitHub Actions (with permission
// id-token: write) a token requested for the audience "sigstore".
func TokenFromEnvironment(ctx context.Context) (string, error) {
	if t := strings.TrimSpace(os.Getenv("SIGSTORE_ID_TOKEN")); t != "" {
		return t, nil
	}
	reqURL, reqTok := os.Getenv("ACTIONS_ID_TOKEN_REQUEST_URL"), os.Getenv("ACTIONS_ID_TOKEN_REQUEST_TOKEN")
	if reqURL == "" || reqTok == "" {
		return "", errors.New("no OIDC identity token: set SIGSTORE_ID_TOKEN, pass --identity-token-file, or run in GitHub Actions with id-token: write")
	}
	u, err := url.Parse(reqURL)
	if err != nil {
		return "", fmt.Errorf("github actions token url: %w", err)
	}
	q := u.Query()
	q.Set("audience", "sigstore")
	u.RawQuery = q.Encode()
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return "", fmt.Errorf("github actions token: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+reqTok)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", fmt.Errorf("github actions token: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("github actions token: HTTP %d", resp.StatusCode)
	}
	var body struct {
		Value string `json:"value"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&body); err != nil || body.Value == "" {
		return "", fmt.Errorf("github actions token: no token in the response")
	}
	return body.Value, nil
}

// Identity is who must have signed a keyless signature: the certificate's
// subject (an email address or a workflow URI) and the OIDC issuer that
// vouched for it, each exactly or by a regular expression.
type Identity struct {
	Subject, SubjectRegexp string
	Issuer, IssuerRegexp   string
}

// Warnings returns a sentence for each regular expression of id that a
// stranger's identity can satisfy by accident of anchoring. Like cosign's,
// they are searched for anywhere in the certificate's identity: without a
// leading ^, "alice@example\.com" also accepts "mallory-alice@example.com";
// without a trailing $, it accepts "alice@example.com.evil.example". A
// pattern ending in "/" is taken as a path prefix (a repository's
// workflows) and needs no $.
func (id *Identity) Warnings() []string {
	var out []string
	for _, m := range []struct{ flag, re string }{{"--certificate-identity-regexp", id.SubjectRegexp}, {"--certificate-oidc-issuer-regexp", id.IssuerRegexp}} {
		switch {
		case m.re == "":
		case !strings.HasPrefix(m.re, "^"):
			out = append(out, fmt.Sprintf("%s %q does not start with ^: it accepts any identity that contains a match", m.flag, m.re))
		case !strings.HasSuffix(m.re, "/") && (!strings.HasSuffix(m.re, "$") || strings.HasSuffix(m.re, `\$`)):
			out = append(out, fmt.Sprintf("%s %q does not end with $: it accepts any identity that starts with a match", m.flag, m.re))
		}
	}
	return out
}

// Validate reports whether id names exactly one subject and one issuer
// matcher, and whether its regular expressions compile.
func (id *Identity) Validate() error {
	if (id.Subject == "") == (id.SubjectRegexp == "") {
		return errors.New("keyless verification needs exactly one of --certificate-identity and --certificate-identity-regexp")
	}
	if (id.Issuer == "") == (id.IssuerRegexp == "") {
		return errors.New("keyless verification needs exactly one of --certificate-oidc-issuer and --certificate-oidc-issuer-regexp")
	}
	for flag, re := range map[string]string{"--certificate-identity-regexp": id.SubjectRegexp, "--certificate-oidc-issuer-regexp": id.IssuerRegexp} {
		if _, err := regexp.Compile(re); err != nil {
			return fmt.Errorf("%s: %w", flag, err)
		}
	}
	return nil
}

// LoadTrustedRoot reads a Sigstore trusted root (trusted_root.json) from path
// or, when path is empty, fetches the public-good one through TUF.
func LoadTrustedRoot(path string) (root.TrustedMaterial, error) {
	if path != "" {
		tr, err := root.NewTrustedRootFromPath(path)
		if err != nil {
			return nil, fmt.Errorf("load trusted root %s: %w", path, err)
		}
		return tr, nil
	}
	tr, err := root.FetchTrustedRoot()
	if err != nil {
		return nil, fmt.Errorf("fetch sigstore trusted root (use --trusted-root FILE offline): %w", err)
	}
	return tr, nil
}

// maxBundle bounds a Sigstore bundle file.
const maxBundle = maxEnvelope * 8

// LoadSigstoreBundle reads a Sigstore bundle from path.
func LoadSigstoreBundle(path string) (*bundle.Bundle, error) {
	b, err := readCapped(path, maxBundle)
	if err != nil {
		return nil, fmt.Errorf("load sigstore bundle: %w", err)
	}
	bd, err := ParseSigstoreBundle(b)
	if err != nil {
		return nil, fmt.Errorf("load sigstore bundle %s: %w", path, err)
	}
	return bd, nil
}

// ParseSigstoreBundle decodes a Sigstore bundle from JSON.
func ParseSigstoreBundle(b []byte) (*bundle.Bundle, error) {
	var bd bundle.Bundle
	if err := bd.UnmarshalJSON(b); err != nil {
		return nil, fmt.Errorf("parse sigstore bundle: %w", err)
	}
	return &bd, nil
}

// sigstoreVerifierOptions are the checks keyless verification insists on:
// a transparency log entry, an observer timestamp (so that the short-lived
// certificate is judged at signing time), and a signed certificate timestamp
// from a CT log unless disableSCT.
func sigstoreVerifierOptions(disableSCT bool) []verify.VerifierOption {
	opts := []verify.VerifierOption{verify.WithTransparencyLog(1), verify.WithObserverTimestamps(1)}
	if !disableSCT {
		opts = append(opts, verify.WithSignedCertificateTimestamps(1))
	}
	return opts
}

// VerifySigstore checks that entity is a valid keyless signature over the
// canonical lockfile canon by id, under the trusted material tm. It requires
// a Rekor entry, an observer timestamp and, unless disableSCTUnsafe, a
// certificate transparency timestamp. entity must be a message signature
// (what ward sign --sigstore writes), not a DSSE envelope. Failures wrap
// ErrInvalid.
func VerifySigstore(entity verify.SignedEntity, canon []byte, tm root.TrustedMaterial, id Identity, disableSCTUnsafe bool) (*verify.VerificationResult, error) {
	if err := id.Validate(); err != nil {
		return nil, err
	}
	// Only a signature over the lockfile's bytes approves it. A DSSE
	// envelope (an in-toto attestation whose subject is the lockfile's
	// digest, such as build provenance) is a statement about the file that
	// sigstore-go would accept for the artifact: it is refused.
	sc, err := entity.SignatureContent()
	if err != nil {
		return nil, fmt.Errorf("verify: %w: %w", ErrInvalid, err)
	}
	if sc.MessageSignatureContent() == nil {
		return nil, fmt.Errorf("verify: %w: the Sigstore bundle holds a DSSE envelope (an attestation), not a signature of the lockfile (ward sign --sigstore)", ErrInvalid)
	}
	certID, err := verify.NewShortCertificateIdentity(id.Issuer, id.IssuerRegexp, id.Subject, id.SubjectRegexp)
	if err != nil {
		return nil, fmt.Errorf("certificate identity: %w", err)
	}
	v, err := verify.NewVerifier(tm, sigstoreVerifierOptions(disableSCTUnsafe)...)
	if err != nil {
		return nil, fmt.Errorf("sigstore verifier: %w", err)
	}
	res, err := v.Verify(entity, verify.NewPolicy(verify.WithArtifact(bytes.NewReader(canon)), verify.WithCertificateIdentity(certID)))
	if err != nil {
		return nil, fmt.Errorf("verify: %w: %w", ErrInvalid, err)
	}
	return res, nil
}
