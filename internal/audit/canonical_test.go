package audit

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gowebpki/jcs"
)

// reference is the definition Canonical must match: RFC 8785 applied to the
// event's JSON form without its chain hashes.
func reference(e *Event) ([]byte, error) {
	c := *e
	c.PrevHash, c.Hash = "", ""
	b, err := json.Marshal(&c)
	if err != nil {
		return nil, err
	}
	return jcs.Transform(b)
}

func FuzzCanonical(f *testing.F) {
	f.Add("s1", "fs", "read_file", "tools/call", "claude", "1.0", "rule.a", "why \"not\"", int64(1234), uint64(7), int64(1700000000123456789), []byte(`{"path":"/x","n":1.50,"u":"\u2028<&>"}`))
	f.Add("", "", "", "", "", "", "", "", int64(0), uint64(0), int64(0), []byte(nil))
	f.Add("\x00\x1f\x7f\xff\xfe", "é\u2028", "\t\n\r\b\f", "", "", "v", "", "", int64(1<<60), uint64(1<<62), int64(-1), []byte(`[1e308, -0, 0.1, 1e-7, 123456789012345678901234567890]`))
	f.Fuzz(func(t *testing.T, session, server, name, method, client, version, rule, reason string, latency int64, seq uint64, nanos int64, args []byte) {
		e := &Event{Schema: 1, Seq: seq, Time: time.Unix(0, nanos).UTC(), Session: session, Server: server, Name: name,
			Method: method, Client: Client{Name: client, Version: version}, Decision: Deny, Latency: time.Duration(latency),
			Direction: HostToServer, Kind: KindTool, Mode: ModeEnforce, WardVersion: version}
		if rule != "" {
			e.RuleIDs = []string{rule, rule}
		}
		if reason != "" {
			e.Reasons = []string{reason}
		}
		if len(args) > 0 && json.Valid(args) {
			e.Arguments = args
		}
		want, werr := reference(e)
		got, gerr := Canonical(e)
		if (werr != nil) != (gerr != nil) {
			t.Fatalf("reference error %v, Canonical error %v", werr, gerr)
		}
		if werr == nil && !bytes.Equal(got, want) {
			t.Fatalf("Canonical differs from RFC 8785 of the JSON form:\n got %s\nwant %s", got, want)
		}
	})
}

// chainHashBefore is ChainHash as it was before it hashed one buffer: the
// definition the faster one must match, errors included.
func chainHashBefore(prev string, e *Event) (string, error) {
	pb, err := hex.DecodeString(prev)
	if err != nil || len(pb) != sha256.Size {
		return "", fmt.Errorf("malformed previous hash %q", prev)
	}
	canon, err := reference(e)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	h.Write(pb)
	h.Write(canon)
	return hex.EncodeToString(h.Sum(nil)), nil
}

func FuzzChainHash(f *testing.F) {
	f.Add(GenesisHash, "s1", uint64(1), []byte(`{"path": "/x", "n": 1}`))
	f.Add(strings.ToUpper("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"), "", uint64(2), []byte(nil))
	f.Add("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a0", "x", uint64(3), []byte(`[]`))
	f.Add("g"+GenesisHash[1:], "x", uint64(3), []byte(`1e999`))
	f.Fuzz(func(t *testing.T, prev, session string, seq uint64, args []byte) {
		e := &Event{Schema: 1, Seq: seq, Time: time.Unix(0, int64(seq)).UTC(), Session: session, Decision: Allow}
		if len(args) > 0 && json.Valid(args) {
			e.Arguments = args
		}
		want, werr := chainHashBefore(prev, e)
		got, gerr := ChainHash(prev, e)
		if (werr != nil) != (gerr != nil) || got != want {
			t.Fatalf("ChainHash(%q) = %q, %v; before %q, %v", prev, got, gerr, want, werr)
		}
	})
}

// AppendTime must write what AppendFormat(RFC3339Nano) writes, in any zone.
func FuzzAppendTime(f *testing.F) {
	f.Add(int64(1700000000123456789), 0)
	f.Add(int64(1700000000000000000), 0)
	f.Add(int64(1700000000100000000), 3600)
	f.Add(int64(-62135596800000000000/1000), -1)
	f.Add(int64(253402300799999999999/1000), 0)
	f.Fuzz(func(t *testing.T, nanos int64, zone int) {
		tm := time.Unix(nanos/1e9, nanos%1e9).UTC()
		switch {
		case zone > 0:
			tm = tm.In(time.FixedZone("z", zone%86400))
		case zone < 0:
			tm = tm.Local()
		}
		// Years beyond 0-9999 too (AppendFormat decides for them).
		for _, tm := range []time.Time{tm, tm.AddDate(9000, 0, 0), tm.AddDate(-3000, 0, 0)} {
			want := tm.AppendFormat([]byte("x"), time.RFC3339Nano)
			if got := AppendTime([]byte("x"), tm); !bytes.Equal(got, want) {
				t.Fatalf("AppendTime(%v) = %s, want %s", tm, got, want)
			}
		}
	})
}
