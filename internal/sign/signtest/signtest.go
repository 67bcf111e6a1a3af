// Package signtest makes keyless signatures with sigstore-go's in-memory fake
// Sigstore (pkg/testing/ca) in the files ward reads: a Sigstore bundle and a
// trusted_root.json. For tests only.
package signtest

import (
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"testing"
	"time"

	protobundle "github.com/sigstore/protobuf-specs/gen/pb-go/bundle/v1"
	protocommon "github.com/sigstore/protobuf-specs/gen/pb-go/common/v1"
	protorekor "github.com/sigstore/protobuf-specs/gen/pb-go/rekor/v1"
	"github.com/sigstore/sigstore-go/pkg/bundle"
	"github.com/sigstore/sigstore-go/pkg/root"
	"github.com/sigstore/sigstore-go/pkg/testing/ca"
	"github.com/sigstore/sigstore-go/pkg/tlog"
)

// Files turns a keyless signature made by sigstore-go's fake
// Sigstore into what ward sign --sigstore writes and ward verify reads: a
// Sigstore bundle (v0.1, with the Rekor inclusion promise the fake signs) and
// the fake's trusted_root.json.
func Files(t testing.TB, vs *ca.VirtualSigstore, e *ca.TestEntity) (bundleJSON, trustedRootJSON []byte) {
	t.Helper()
	vc, err := e.VerificationContent()
	if err != nil {
		t.Fatal(err)
	}
	cert := vc.(*bundle.Certificate).Certificate()
	sc, err := e.SignatureContent()
	if err != nil {
		t.Fatal(err)
	}
	ms := sc.(*bundle.MessageSignature)
	tss, _ := e.Timestamps()
	entries, _ := e.TlogEntries()
	var tles []*protorekor.TransparencyLogEntry
	for _, en := range entries {
		tle := en.TransparencyLogEntry()
		set, err := vs.RekorSignPayload(tlog.RekorPayload{
			Body:           base64.StdEncoding.EncodeToString(tle.CanonicalizedBody),
			IntegratedTime: tle.IntegratedTime,
			LogIndex:       tle.LogIndex,
			LogID:          hex.EncodeToString(tle.LogId.KeyId),
		})
		if err != nil {
			t.Fatal(err)
		}
		tle.InclusionPromise = &protorekor.InclusionPromise{SignedEntryTimestamp: set}
		tle.KindVersion = &protorekor.KindVersion{Kind: "hashedrekord", Version: "0.0.1"}
		tles = append(tles, tle)
	}
	var rfc3161 []*protocommon.RFC3161SignedTimestamp
	for _, ts := range tss {
		rfc3161 = append(rfc3161, &protocommon.RFC3161SignedTimestamp{SignedTimestamp: ts})
	}
	pb := &protobundle.Bundle{
		MediaType: "application/vnd.dev.sigstore.bundle+json;version=0.1",
		VerificationMaterial: &protobundle.VerificationMaterial{
			Content: &protobundle.VerificationMaterial_X509CertificateChain{X509CertificateChain: &protocommon.X509CertificateChain{
				Certificates: []*protocommon.X509Certificate{{RawBytes: cert.Raw}},
			}},
			TlogEntries:               tles,
			TimestampVerificationData: &protobundle.TimestampVerificationData{Rfc3161Timestamps: rfc3161},
		},
		Content: &protobundle.Bundle_MessageSignature{MessageSignature: &protocommon.MessageSignature{
			MessageDigest: &protocommon.HashOutput{Algorithm: protocommon.HashAlgorithm_SHA2_256, Digest: ms.Digest()},
			Signature:     ms.Signature(),
		}},
	}
	bd, err := bundle.NewBundle(pb)
	if err != nil {
		t.Fatalf("fake bundle: %v", err)
	}
	if bundleJSON, err = bd.MarshalJSON(); err != nil {
		t.Fatal(err)
	}
	tr, err := root.NewTrustedRoot(root.TrustedRootMediaType01, vs.FulcioCertificateAuthorities(), vs.CTLogs(), vs.TimestampingAuthorities(), vs.RekorLogs())
	if err != nil {
		t.Fatal(err)
	}
	if trustedRootJSON, err = tr.MarshalJSON(); err != nil {
		t.Fatal(err)
	}
	return bundleJSON, fixLogIDs(t, trustedRootJSON)
}

// fixLogIDs undoes a quirk of sigstore-go v1.3.0's TrustedRoot.MarshalJSON:
// it writes each log's id as the bytes of its hex string instead of the bytes
// the hex encodes, so the root it writes does not read back as the same logs.
func fixLogIDs(t testing.TB, b []byte) []byte {
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	for _, list := range []string{"tlogs", "ctlogs"} {
		logs, _ := doc[list].([]any)
		for _, l := range logs {
			id := l.(map[string]any)["logId"].(map[string]any)
			raw, err := base64.StdEncoding.DecodeString(id["keyId"].(string))
			if err != nil {
				t.Fatal(err)
			}
			if dec, err := hex.DecodeString(string(raw)); err == nil {
				id["keyId"] = base64.StdEncoding.EncodeToString(dec)
			}
		}
	}
	out, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// Sign signs artifact as identity/issuer with a new fake Sigstore, valid now
// (or, with expired, logged after the certificate ran out), and returns the
// bundle and trusted root.
func Sign(t testing.TB, identity, issuer string, artifact []byte, expired bool) (bundleJSON, trustedRootJSON []byte) {
	t.Helper()
	vs, err := ca.NewVirtualSigstore()
	if err != nil {
		t.Fatal(err)
	}
	var e *ca.TestEntity
	if expired {
		e, err = vs.SignAtTime(identity, issuer, artifact, time.Now().Add(time.Hour))
	} else {
		e, err = vs.Sign(identity, issuer, artifact)
	}
	if err != nil {
		t.Fatal(err)
	}
	return Files(t, vs, e)
}
