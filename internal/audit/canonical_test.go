package audit

import (
	"bytes"
	"encoding/json"
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
