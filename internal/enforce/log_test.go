package enforce

import (
	"bytes"
	"encoding/json"
	"io"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/ward-mcp/ward/internal/relay"
)

// BenchmarkLogRecordJSON is the decision log's cost per line, as ward
// proxy --log-format json pays it for every allowed call.
func BenchmarkLogRecordJSON(b *testing.B) {
	l := NewLog(io.Discard, LogJSON)
	defer l.Close()
	ev := &relay.Event{Time: time.Now(), Session: "ed5b9b319dc4", Dir: relay.ToServer, Method: "tools/call", Kind: "tool", Name: "echo", Decision: "allow", Mode: relay.Enforce}
	b.ReportAllocs()
	for b.Loop() {
		ev.Time = ev.Time.Add(1337 * time.Microsecond)
		l.Record(ev)
	}
}

// TestLogLinesAcrossSeconds checks the times of lines written within one
// second and across seconds, minutes and days, where the log reuses the
// part of the time it wrote last.
func TestLogLinesAcrossSeconds(t *testing.T) {
	var out bytes.Buffer
	l := NewLog(&out, LogJSON)
	base := time.Date(2026, 12, 31, 23, 59, 58, 999_999_000, time.UTC)
	steps := []time.Duration{0, 1, time.Microsecond, 500 * time.Millisecond, 500 * time.Millisecond, time.Hour, 0, -time.Hour, 24 * time.Hour}
	var want []time.Time
	at := base
	for _, d := range steps {
		at = at.Add(d)
		want = append(want, at)
		l.Record(&relay.Event{Time: at, Session: "s", Dir: relay.ToServer, Method: "ping", Decision: "allow"})
		// A local time is logged in UTC.
		want = append(want, at)
		l.Record(&relay.Event{Time: at.In(time.FixedZone("x", 3600)), Session: "s", Dir: relay.ToServer, Method: "ping", Decision: "allow"})
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(&out)
	for i, w := range want {
		var line struct{ Time string }
		if err := dec.Decode(&line); err != nil {
			t.Fatalf("line %d: %v", i, err)
		}
		if exp := w.UTC().Format(time.RFC3339Nano); line.Time != exp {
			t.Fatalf("line %d: time %q, want %q", i, line.Time, exp)
		}
	}
}

// TestLogTimeAsAppendEventJSON holds the log's reuse of the last second to
// AppendEventJSON, line for line, over times in order, out of order and
// outside the years RFC 3339 writes in four digits.
func TestLogTimeAsAppendEventJSON(t *testing.T) {
	l := NewLog(io.Discard, LogJSON)
	defer l.Close()
	rng := rand.New(rand.NewPCG(1, 2))
	at := time.Date(2026, 12, 6, 11, 0, 0, 0, time.UTC)
	for i := range 20000 {
		switch i % 5 {
		case 0:
			at = at.Add(time.Duration(rng.Int64N(int64(3 * time.Second))))
		case 1:
			at = at.Add(-time.Duration(rng.Int64N(int64(2 * time.Second))))
		case 2:
			at = time.Unix(rng.Int64N(1<<40)-1<<39, rng.Int64N(1e9)).UTC()
		case 3:
			at = at.Truncate(time.Second)
		default:
			at = at.Add(time.Duration(rng.Int64N(1000)))
		}
		e := &relay.Event{Time: at, Session: "s", Dir: relay.ToHost, Method: "tools/call", Decision: "allow", Latency: time.Millisecond}
		if got, want := l.appendEventJSON(nil, e), AppendEventJSON(nil, e); !bytes.Equal(got, want) {
			t.Fatalf("time %v: %s, want %s", at, got, want)
		}
	}
}
