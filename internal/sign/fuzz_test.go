package sign

import (
	"crypto/ed25519"
	"testing"
)

func FuzzParseEnvelope(f *testing.F) {
	key := ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize))
	env, _ := SignLockfile([]byte(lock), key)
	good, _ := env.Marshal()
	f.Add(good)
	f.Add([]byte(`{"payloadType":"application/vnd.ward.lockfile+json","payloadDigest":"x","signatures":[{"keyid":"k","sig":"AAAAAA=="}]}`))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		e, err := ParseEnvelope(b)
		if err != nil {
			return
		}
		if e.PayloadType != PayloadType || len(e.Signatures) == 0 {
			t.Fatalf("accepted envelope %+v", e)
		}
		// Whatever parses must never verify for a lockfile it was not made for.
		if _, err := VerifyLockfile([]byte(`{"other":true}`), e, key.Public().(ed25519.PublicKey)); err == nil {
			t.Fatalf("envelope %s verified a lockfile it does not sign", b)
		}
	})
}
