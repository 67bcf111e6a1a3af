package signtest

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	ct "github.com/google/certificate-transparency-go"
	cttls "github.com/google/certificate-transparency-go/tls"
	ctx509 "github.com/google/certificate-transparency-go/x509"
	"github.com/google/certificate-transparency-go/x509util"
	"github.com/gowebpki/jcs"
	"github.com/sigstore/rekor/pkg/generated/models"
	"github.com/sigstore/rekor/pkg/types"
	_ "github.com/sigstore/rekor/pkg/types/hashedrekord/v0.0.1" // the entry kind sigstore-go's pkg/sign uploads
	rekorutil "github.com/sigstore/rekor/pkg/util"
	"github.com/sigstore/sigstore-go/pkg/root"
	"github.com/sigstore/sigstore-go/pkg/testing/ca"
	"github.com/sigstore/sigstore-go/pkg/tlog"
	"github.com/sigstore/sigstore/pkg/signature"
	"github.com/transparency-dev/merkle/rfc6962"
)

// FakeSigstore is a Fulcio and a Rekor on local HTTP servers, speaking the
// parts of their APIs that sigstore-go's pkg/sign uses (Fulcio v2
// POST /api/v2/signingCert, Rekor v1 POST /api/v1/log/entries), with keys
// made for the test. What they issue verifies under TrustedRoot: the
// certificate chains to the fake Fulcio CA and carries an embedded SCT signed
// by a fake CT log, and each Rekor entry has a signed entry timestamp and an
// inclusion proof against a signed checkpoint of a real (in-memory) Merkle
// tree.
//
// Like the real Fulcio, the fake reads the identity from the OIDC token (an
// email when email_verified, else the sub claim as a URI) and the issuer
// from iss, insists on the audience "sigstore" and an unexpired token and
// checks the proof of possession; unlike it, it does not check the token's
// signature. Like the real Rekor, it accepts hashedrekord v0.0.1 entries
// whose signature verifies.
type FakeSigstore struct {
	// FulcioURL and RekorURL are the base URLs of the two services.
	FulcioURL, RekorURL string

	fulcio, rekor *httptest.Server

	rootCert, intermediate *x509.Certificate
	intermediateKey        *ecdsa.PrivateKey
	ctKey, rekorKey        *ecdsa.PrivateKey
	start                  time.Time

	mu       sync.Mutex
	issued   []FulcioIssue
	leaves   [][]byte // Merkle leaf hashes of the Rekor log, in order
	bodies   [][]byte // canonical entry bodies, in order
	requests int      // requests to either service, for tests that count
}

// FulcioIssue records one certificate the fake Fulcio issued.
type FulcioIssue struct {
	Subject, Issuer string
	Certificate     *x509.Certificate
}

// fakeRekorTreeID names the fake log in its checkpoints, as Rekor v1's tree
// IDs do ("origin - treeID").
const fakeRekorTreeID = 4242

// NewFakeSigstore starts a fake Fulcio and Rekor; they stop when the test ends.
func NewFakeSigstore(t testing.TB) *FakeSigstore {
	t.Helper()
	f := &FakeSigstore{start: time.Now().Add(-time.Minute)}
	var err error
	var rootKey *ecdsa.PrivateKey
	if f.rootCert, rootKey, err = ca.GenerateRootCa(); err != nil {
		t.Fatal(err)
	}
	if f.intermediate, f.intermediateKey, err = ca.GenerateFulcioIntermediate(f.rootCert, rootKey); err != nil {
		t.Fatal(err)
	}
	if f.ctKey, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader); err != nil {
		t.Fatal(err)
	}
	if f.rekorKey, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader); err != nil {
		t.Fatal(err)
	}
	fm := http.NewServeMux()
	fm.HandleFunc("POST /api/v2/signingCert", f.signingCert)
	f.fulcio = httptest.NewServer(f.count(fm))
	rm := http.NewServeMux()
	rm.HandleFunc("POST /api/v1/log/entries", f.createEntry)
	f.rekor = httptest.NewServer(f.count(rm))
	t.Cleanup(f.fulcio.Close)
	t.Cleanup(f.rekor.Close)
	f.FulcioURL, f.RekorURL = f.fulcio.URL, f.rekor.URL
	return f
}

func (f *FakeSigstore) count(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.requests++
		f.mu.Unlock()
		h.ServeHTTP(w, r)
	})
}

// Requests reports how many requests the two services have received.
func (f *FakeSigstore) Requests() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.requests
}

// Issued returns the certificates the fake Fulcio has issued.
func (f *FakeSigstore) Issued() []FulcioIssue {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]FulcioIssue(nil), f.issued...)
}

// Entries returns the canonical bodies of the entries in the fake Rekor log.
func (f *FakeSigstore) Entries() [][]byte {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([][]byte(nil), f.bodies...)
}

func logID(pub crypto.PublicKey) ([]byte, error) {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return nil, err
	}
	h := sha256.Sum256(der)
	return h[:], nil
}

// TrustedRoot is the trusted material that verifies what the fakes issue.
func (f *FakeSigstore) TrustedRoot(t testing.TB) *root.TrustedRoot {
	t.Helper()
	ctID, err := logID(f.ctKey.Public())
	if err != nil {
		t.Fatal(err)
	}
	rekorID, err := logID(f.rekorKey.Public())
	if err != nil {
		t.Fatal(err)
	}
	end := time.Now().Add(time.Hour)
	tr, err := root.NewTrustedRoot(root.TrustedRootMediaType01,
		[]root.CertificateAuthority{&root.FulcioCertificateAuthority{
			Root: f.rootCert, Intermediates: []*x509.Certificate{f.intermediate},
			ValidityPeriodStart: f.start.Add(-time.Hour), ValidityPeriodEnd: end, URI: f.FulcioURL,
		}},
		map[string]*root.TransparencyLog{hex.EncodeToString(ctID): {
			BaseURL: "https://ctfe.fake.test", ID: []byte(hex.EncodeToString(ctID)),
			ValidityPeriodStart: f.start.Add(-time.Hour), ValidityPeriodEnd: end,
			HashFunc: crypto.SHA256, PublicKey: f.ctKey.Public(), SignatureHashFunc: crypto.SHA256,
		}},
		nil,
		map[string]*root.TransparencyLog{hex.EncodeToString(rekorID): {
			BaseURL: f.RekorURL, ID: []byte(hex.EncodeToString(rekorID)),
			ValidityPeriodStart: f.start.Add(-time.Hour), ValidityPeriodEnd: end,
			HashFunc: crypto.SHA256, PublicKey: f.rekorKey.Public(), SignatureHashFunc: crypto.SHA256,
		}})
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

// TrustedRootJSON is TrustedRoot as a trusted_root.json file.
func (f *FakeSigstore) TrustedRootJSON(t testing.TB) []byte {
	t.Helper()
	b, err := f.TrustedRoot(t).MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	return fixLogIDs(t, b)
}

// Token returns an unsigned OIDC identity token (a JWT with "alg": "none")
// for subject, issued by issuer for the audience "sigstore". A subject with
// an @ is put in the email claim (verified), any other in sub.
func Token(subject, issuer string) string {
	claims := map[string]any{"iss": issuer, "aud": "sigstore", "iat": time.Now().Unix(), "exp": time.Now().Add(10 * time.Minute).Unix()}
	if strings.Contains(subject, "@") {
		claims["sub"], claims["email"], claims["email_verified"] = "1234567890", subject, true
	} else {
		claims["sub"] = subject
	}
	return TokenWithClaims(claims)
}

// TokenWithClaims returns an unsigned JWT carrying claims.
func TokenWithClaims(claims map[string]any) string {
	enc := base64.RawURLEncoding
	h, _ := json.Marshal(map[string]string{"alg": "none", "typ": "JWT"})
	c, _ := json.Marshal(claims)
	return enc.EncodeToString(h) + "." + enc.EncodeToString(c) + "."
}

type tokenClaims struct {
	Issuer        string          `json:"iss"`
	Subject       string          `json:"sub"`
	Email         string          `json:"email"`
	EmailVerified bool            `json:"email_verified"`
	Audience      json.RawMessage `json:"aud"`
	Expiry        int64           `json:"exp"`
}

// identity reads who the token names, as Fulcio would after checking it.
func identity(token string) (subject, issuer string, err error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return "", "", errors.New("token is not a JWT")
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return "", "", fmt.Errorf("token payload: %w", err)
	}
	var c tokenClaims
	if err := json.Unmarshal(raw, &c); err != nil {
		return "", "", fmt.Errorf("token claims: %w", err)
	}
	var aud []string
	if err := json.Unmarshal(c.Audience, &aud); err != nil {
		var one string
		if json.Unmarshal(c.Audience, &one) != nil {
			return "", "", errors.New("token has no audience")
		}
		aud = []string{one}
	}
	okAud := false
	for _, a := range aud {
		okAud = okAud || a == "sigstore"
	}
	switch {
	case !okAud:
		return "", "", errors.New(`token audience is not "sigstore"`)
	case c.Expiry == 0 || time.Unix(c.Expiry, 0).Before(time.Now()):
		return "", "", errors.New("token expired")
	case c.Issuer == "":
		return "", "", errors.New("token has no issuer")
	case c.Email != "" && c.EmailVerified:
		return c.Email, c.Issuer, nil
	case c.Email != "":
		return "", "", errors.New("email not verified")
	case c.Subject == "":
		return "", "", errors.New("token has no subject")
	}
	return c.Subject, c.Issuer, nil
}

func (f *FakeSigstore) signingCert(w http.ResponseWriter, r *http.Request) {
	token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		http.Error(w, `{"code":16,"message":"no bearer token"}`, http.StatusUnauthorized)
		return
	}
	subject, issuer, err := identity(token)
	if err != nil {
		http.Error(w, fmt.Sprintf(`{"code":16,"message":%q}`, "error processing the identity token: "+err.Error()), http.StatusUnauthorized)
		return
	}
	var req struct {
		PublicKeyRequest struct {
			PublicKey struct {
				Algorithm string `json:"algorithm"`
				Content   string `json:"content"`
			} `json:"publicKey"`
			ProofOfPossession []byte `json:"proofOfPossession"`
		} `json:"publicKeyRequest"`
	}
	dec := json.NewDecoder(io.LimitReader(r.Body, 1<<16))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		http.Error(w, fmt.Sprintf(`{"code":3,"message":%q}`, err.Error()), http.StatusBadRequest)
		return
	}
	block, _ := pem.Decode([]byte(req.PublicKeyRequest.PublicKey.Content))
	if block == nil || block.Type != "PUBLIC KEY" {
		http.Error(w, `{"code":3,"message":"public key is not PEM"}`, http.StatusBadRequest)
		return
	}
	pub, err := x509.ParsePKIXPublicKey(block.Bytes)
	ec, isEC := pub.(*ecdsa.PublicKey)
	if err != nil || !isEC {
		http.Error(w, `{"code":3,"message":"only ECDSA keys are supported by the fake"}`, http.StatusBadRequest)
		return
	}
	// The proof of possession is the token's subject signed with the key.
	h := sha256.Sum256([]byte(subject))
	if !ecdsa.VerifyASN1(ec, h[:], req.PublicKeyRequest.ProofOfPossession) {
		http.Error(w, `{"code":3,"message":"proof of possession does not verify"}`, http.StatusBadRequest)
		return
	}
	leaf, err := f.issue(subject, issuer, ec)
	if err != nil {
		http.Error(w, fmt.Sprintf(`{"code":13,"message":%q}`, err.Error()), http.StatusInternalServerError)
		return
	}
	f.mu.Lock()
	f.issued = append(f.issued, FulcioIssue{Subject: subject, Issuer: issuer, Certificate: leaf})
	f.mu.Unlock()
	var chain []string
	for _, c := range []*x509.Certificate{leaf, f.intermediate, f.rootCert} {
		chain = append(chain, string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})))
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{
		"signedCertificateEmbeddedSct": map[string]any{"chain": map[string]any{"certificates": chain}},
	})
}

var (
	oidIssuer   = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 57264, 1, 1}
	oidIssuerV2 = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 57264, 1, 8}
	oidSCTList  = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 11129, 2, 4, 2}
)

// issue makes a ten-minute code-signing certificate for pub naming subject
// and issuer, with an SCT from the fake CT log embedded as Fulcio does: the
// log signs the certificate's TBS without the SCT list, then the SCT list is
// added.
func (f *FakeSigstore) issue(subject, issuer string, pub *ecdsa.PublicKey) (*x509.Certificate, error) {
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 128))
	if err != nil {
		return nil, err
	}
	issuerV2, err := asn1.MarshalWithParams(issuer, "utf8")
	if err != nil {
		return nil, err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		NotBefore:    now.Add(-30 * time.Second),
		NotAfter:     now.Add(10 * time.Minute),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageCodeSigning},
		ExtraExtensions: []pkix.Extension{
			{Id: oidIssuer, Value: []byte(issuer)},
			{Id: oidIssuerV2, Value: issuerV2},
		},
	}
	if strings.Contains(subject, "@") {
		tmpl.EmailAddresses = []string{subject}
	} else {
		u, err := url.Parse(subject)
		if err != nil || u.Scheme == "" {
			return nil, fmt.Errorf("subject %q is neither an email nor a URI", subject)
		}
		tmpl.URIs = []*url.URL{u}
	}
	pre, err := x509.CreateCertificate(rand.Reader, tmpl, f.intermediate, pub, f.intermediateKey)
	if err != nil {
		return nil, err
	}
	preCert, err := ctx509.ParseCertificate(pre)
	if err != nil {
		return nil, err
	}
	sct := ct.SignedCertificateTimestamp{SCTVersion: ct.V1, Timestamp: uint64(now.UnixMilli())}
	id, err := logID(f.ctKey.Public())
	if err != nil {
		return nil, err
	}
	copy(sct.LogID.KeyID[:], id)
	input, err := ct.SerializeSCTSignatureInput(sct, ct.LogEntry{Leaf: ct.MerkleTreeLeaf{
		TimestampedEntry: &ct.TimestampedEntry{
			EntryType: ct.PrecertLogEntryType,
			PrecertEntry: &ct.PreCert{
				IssuerKeyHash:  sha256.Sum256(f.intermediate.RawSubjectPublicKeyInfo),
				TBSCertificate: preCert.RawTBSCertificate,
			},
		},
	}})
	if err != nil {
		return nil, err
	}
	ih := sha256.Sum256(input)
	sig, err := ecdsa.SignASN1(rand.Reader, f.ctKey, ih[:])
	if err != nil {
		return nil, err
	}
	sct.Signature = ct.DigitallySigned{
		Algorithm: cttls.SignatureAndHashAlgorithm{Hash: cttls.SHA256, Signature: cttls.ECDSA},
		Signature: sig,
	}
	list, err := x509util.MarshalSCTsIntoSCTList([]*ct.SignedCertificateTimestamp{&sct})
	if err != nil {
		return nil, err
	}
	listTLS, err := cttls.Marshal(*list)
	if err != nil {
		return nil, err
	}
	ext, err := asn1.Marshal(listTLS)
	if err != nil {
		return nil, err
	}
	tmpl.ExtraExtensions = append(tmpl.ExtraExtensions, pkix.Extension{Id: oidSCTList, Value: ext})
	der, err := x509.CreateCertificate(rand.Reader, tmpl, f.intermediate, pub, f.intermediateKey)
	if err != nil {
		return nil, err
	}
	return x509.ParseCertificate(der)
}

func rekorError(w http.ResponseWriter, code int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(map[string]any{"code": code, "message": msg})
}

func (f *FakeSigstore) createEntry(w http.ResponseWriter, r *http.Request) {
	raw, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		rekorError(w, http.StatusBadRequest, err.Error())
		return
	}
	pe, err := models.UnmarshalProposedEntry(bytes.NewReader(raw), jsonConsumer{})
	if err != nil {
		rekorError(w, http.StatusBadRequest, "proposed entry: "+err.Error())
		return
	}
	if pe.Kind() != "hashedrekord" {
		rekorError(w, http.StatusBadRequest, "the fake logs only hashedrekord entries, not "+pe.Kind())
		return
	}
	entry, err := types.CreateVersionedEntry(pe)
	if err != nil {
		rekorError(w, http.StatusBadRequest, err.Error())
		return
	}
	// Canonicalize validates the entry, signature included, as Rekor does.
	body, err := types.CanonicalizeEntry(r.Context(), entry)
	if err != nil {
		rekorError(w, http.StatusBadRequest, err.Error())
		return
	}
	anon, uuid, err := f.append(r.Context(), body)
	if err != nil {
		rekorError(w, http.StatusInternalServerError, err.Error())
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("ETag", uuid)
	w.Header().Set("Location", "/api/v1/log/entries/"+uuid)
	w.WriteHeader(http.StatusCreated)
	json.NewEncoder(w).Encode(map[string]any{uuid: anon})
}

// append logs body and returns the entry as Rekor v1 answers it: with a
// signed entry timestamp and an inclusion proof in the tree that now ends
// with it, under a signed checkpoint.
func (f *FakeSigstore) append(ctx context.Context, body []byte) (map[string]any, string, error) {
	id, err := logID(f.rekorKey.Public())
	if err != nil {
		return nil, "", err
	}
	f.mu.Lock()
	leaf := rfc6962.DefaultHasher.HashLeaf(body)
	f.leaves = append(f.leaves, leaf)
	f.bodies = append(f.bodies, body)
	index, leaves := len(f.leaves)-1, append([][]byte(nil), f.leaves...)
	f.mu.Unlock()

	integrated := time.Now().Unix()
	payload, err := json.Marshal(tlog.RekorPayload{
		Body: base64.StdEncoding.EncodeToString(body), IntegratedTime: integrated,
		LogIndex: int64(index), LogID: hex.EncodeToString(id),
	})
	if err != nil {
		return nil, "", err
	}
	canon, err := jcs.Transform(payload)
	if err != nil {
		return nil, "", err
	}
	ph := sha256.Sum256(canon)
	set, err := ecdsa.SignASN1(rand.Reader, f.rekorKey, ph[:])
	if err != nil {
		return nil, "", err
	}
	rootHash := merkleRoot(leaves)
	var hashes []string
	for _, h := range inclusionPath(index, leaves) {
		hashes = append(hashes, hex.EncodeToString(h))
	}
	signer, err := signature.LoadECDSASignerVerifier(f.rekorKey, crypto.SHA256)
	if err != nil {
		return nil, "", err
	}
	checkpoint, err := rekorutil.CreateAndSignCheckpoint(ctx, "rekor.fake.test", fakeRekorTreeID, uint64(len(leaves)), rootHash, signer)
	if err != nil {
		return nil, "", err
	}
	return map[string]any{
		"body":           base64.StdEncoding.EncodeToString(body),
		"integratedTime": integrated,
		"logID":          hex.EncodeToString(id),
		"logIndex":       index,
		"verification": map[string]any{
			"inclusionProof": map[string]any{
				"checkpoint": string(checkpoint),
				"hashes":     hashes,
				"logIndex":   index,
				"rootHash":   hex.EncodeToString(rootHash),
				"treeSize":   len(leaves),
			},
			"signedEntryTimestamp": base64.StdEncoding.EncodeToString(set),
		},
	}, hex.EncodeToString(leaf), nil
}

// merkleRoot is the RFC 6962 tree hash of the leaf hashes.
func merkleRoot(leaves [][]byte) []byte {
	switch len(leaves) {
	case 0:
		return rfc6962.DefaultHasher.EmptyRoot()
	case 1:
		return leaves[0]
	}
	k := split(len(leaves))
	return rfc6962.DefaultHasher.HashChildren(merkleRoot(leaves[:k]), merkleRoot(leaves[k:]))
}

// inclusionPath is the RFC 6962 audit path of leaf m in the tree of leaves.
func inclusionPath(m int, leaves [][]byte) [][]byte {
	if len(leaves) <= 1 {
		return nil
	}
	k := split(len(leaves))
	if m < k {
		return append(inclusionPath(m, leaves[:k]), merkleRoot(leaves[k:]))
	}
	return append(inclusionPath(m-k, leaves[k:]), merkleRoot(leaves[:k]))
}

// split is the largest power of two smaller than n (n > 1).
func split(n int) int {
	k := 1
	for k*2 < n {
		k *= 2
	}
	return k
}

// jsonConsumer decodes a proposed entry for models.UnmarshalProposedEntry.
type jsonConsumer struct{}

func (jsonConsumer) Consume(r io.Reader, v any) error { return json.NewDecoder(r).Decode(v) }
