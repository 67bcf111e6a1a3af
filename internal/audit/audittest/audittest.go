// Package audittest is the test suite every audit.Store implementation
// passes: appending and the hash chain, reopening, filters, stats,
// checkpoints, concurrency, the Writer in front of the store, and the tamper
// cases Verify must name.
package audittest

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ward-mcp/ward/internal/audit"
)

// Opener opens the store kept in dir, creating it if dir holds none. Opening
// the same dir again must return the same store's content.
type Opener func(t *testing.T, dir string) audit.Store

// Tamperer damages the store in dir the way an attacker with write access
// would, each method touching records by their sequence number. The store is
// closed while it runs.
type Tamperer interface {
	// FlipByte changes one byte of the content of record seq.
	FlipByte(t *testing.T, dir string, seq uint64)
	// Delete removes record seq.
	Delete(t *testing.T, dir string, seq uint64)
	// Swap exchanges the stored positions of records a and b.
	Swap(t *testing.T, dir string, a, b uint64)
	// CutTail removes every record after seq.
	CutTail(t *testing.T, dir string, seq uint64)
	// Insert stores a copy of e (with its chain fields as given) right after record seq.
	Insert(t *testing.T, dir string, after uint64, e audit.Event)
}

var t0 = time.Date(2026, 11, 22, 3, 0, 0, 123456789, time.UTC)

// Sample returns n varied events, as the relay would produce them.
func Sample(n int) []audit.Event {
	servers := []string{"fs", "git", "web"}
	tools := []string{"read_file", "write_file", "exec", "fetch"}
	out := make([]audit.Event, n)
	for i := range out {
		e := audit.Event{
			Time:        t0.Add(time.Duration(i) * time.Second),
			Session:     fmt.Sprintf("s%d", i%2),
			Server:      servers[i%len(servers)],
			Host:        "laptop",
			Client:      audit.Client{Name: "claude-code", Version: "2.1.0"},
			Direction:   audit.HostToServer,
			Method:      "tools/call",
			Kind:        audit.KindTool,
			Name:        tools[i%len(tools)],
			Decision:    audit.Allow,
			Mode:        audit.ModeEnforce,
			Latency:     time.Duration(i) * time.Microsecond,
			WardVersion: "test",
			Arguments:   json.RawMessage(fmt.Sprintf(`{"path": "/src/%d", "n": %d}`, i, i)),
		}
		if i%4 == 2 {
			e.Decision = audit.Deny
			e.RuleIDs = []string{"lock.unknown-tool", fmt.Sprintf("rule.%d", i%3)}
			e.Reasons = []string{"tool is not in the lockfile", "second reason"}
		}
		out[i] = e
	}
	return out
}

// Key is a fixed audit key for tests.
func Key() ed25519.PrivateKey {
	seed := make([]byte, ed25519.SeedSize)
	for i := range seed {
		seed[i] = byte(i)
	}
	return ed25519.NewKeyFromSeed(seed)
}

// Collect reads every event that matches f.
func Collect(t testing.TB, s audit.Store, f audit.Filter) []audit.Event {
	t.Helper()
	var out []audit.Event
	for e, err := range s.Query(context.Background(), f) {
		if err != nil {
			t.Fatalf("query: %v", err)
		}
		out = append(out, e)
	}
	return out
}

func mustAppend(t *testing.T, s audit.Store, evs []audit.Event) {
	t.Helper()
	if err := s.Append(context.Background(), evs); err != nil {
		t.Fatalf("append: %v", err)
	}
}

func mustVerify(t *testing.T, s audit.Store, pub ed25519.PublicKey) *audit.Report {
	t.Helper()
	rep, err := audit.Verify(context.Background(), s, pub)
	if err != nil {
		t.Fatalf("verify: %v", err)
	}
	return rep
}

// Run runs the suite against the store open opens.
func Run(t *testing.T, open Opener) {
	ctx := context.Background()

	t.Run("Empty", func(t *testing.T) {
		s := open(t, t.TempDir())
		defer s.Close()
		if got := Collect(t, s, audit.Filter{}); len(got) != 0 {
			t.Fatalf("empty store yields %d events", len(got))
		}
		st, err := s.Stats(ctx, audit.Filter{})
		if err != nil || st.Total != 0 || st.DenyRate != 0 {
			t.Fatalf("stats of empty store = %+v, %v", st, err)
		}
		rep := mustVerify(t, s, Key().Public().(ed25519.PublicKey))
		if !rep.OK() || rep.Records != 0 {
			t.Fatalf("verify empty store: %+v", rep)
		}
	})

	t.Run("AppendChainsAndRoundTrips", func(t *testing.T) {
		s := open(t, t.TempDir())
		defer s.Close()
		evs := Sample(10)
		mustAppend(t, s, evs[:3])
		mustAppend(t, s, evs[3:])
		prev := audit.GenesisHash
		for i, e := range evs {
			if e.Seq != uint64(i+1) || e.PrevHash != prev || len(e.Hash) != 64 || e.Schema != audit.SchemaVersion {
				t.Fatalf("event %d sealed as seq=%d prev=%q hash=%q schema=%d", i, e.Seq, e.PrevHash, e.Hash, e.Schema)
			}
			prev = e.Hash
		}
		if string(evs[0].Arguments) != `{"path":"/src/0","n":0}` {
			t.Fatalf("arguments not compacted: %s", evs[0].Arguments)
		}
		got := Collect(t, s, audit.Filter{})
		if !reflect.DeepEqual(got, evs) {
			t.Fatalf("read back differs:\n got %+v\nwant %+v", got[2], evs[2])
		}
	})

	t.Run("InvalidUTF8RoundTrips", func(t *testing.T) {
		// Strings that are not UTF-8 (a reason cut inside a character, a
		// name from a lenient peer) are recorded with U+FFFD, as the hash
		// always covered them, and read back as they were recorded: not
		// as records edited outside ward.
		s := open(t, t.TempDir())
		defer s.Close()
		evs := Sample(2)
		evs[0].Name = "read\xfffile"
		evs[0].Client.Name = "\xfe"
		evs[1].Reasons = []string{"cut \xc3", "\xed\xa0\x80 surrogate"}
		evs[1].Session = "s\xff\xff"
		raw := slices.Clone(evs)
		mustAppend(t, s, evs)
		got := Collect(t, s, audit.Filter{})
		if len(got) != 2 {
			t.Fatalf("read back %d events, want 2", len(got))
		}
		if got[0].Name != "read\ufffdfile" || got[0].Client.Name != "\ufffd" || got[1].Session != "s\ufffd\ufffd" ||
			got[1].Reasons[0] != "cut \ufffd" || got[1].Reasons[1] != "\ufffd\ufffd\ufffd surrogate" {
			t.Fatalf("read back %q %q %q %q", got[0].Name, got[0].Client.Name, got[1].Session, got[1].Reasons)
		}
		// The hash scheme is unchanged: the hash covers what it always did.
		prev := audit.GenesisHash
		for i := range raw {
			r := raw[i]
			r.Schema, r.Seq, r.Time, r.Arguments = 1, evs[i].Seq, evs[i].Time, evs[i].Arguments
			h, err := audit.ChainHash(prev, &r)
			if err != nil || h != evs[i].Hash {
				t.Fatalf("event %d hash %s, want %s as before (%v)", i+1, evs[i].Hash, h, err)
			}
			prev = h
		}
		if rep := mustVerify(t, s, nil); !rep.OK() {
			t.Fatalf("verify: %v", rep.Problems)
		}
	})

	t.Run("ReopenContinuesChain", func(t *testing.T) {
		dir := t.TempDir()
		s := open(t, dir)
		evs := Sample(6)
		mustAppend(t, s, evs[:4])
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		if err := s.Close(); err != nil {
			t.Fatalf("second close: %v", err)
		}
		if err := s.Append(ctx, evs[4:5]); !errors.Is(err, audit.ErrClosed) {
			t.Fatalf("append after close = %v, want ErrClosed", err)
		}
		s = open(t, dir)
		defer s.Close()
		mustAppend(t, s, evs[4:])
		if evs[4].Seq != 5 || evs[4].PrevHash != evs[3].Hash {
			t.Fatalf("after reopen: seq=%d prev=%s, want 5 linked to %s", evs[4].Seq, evs[4].PrevHash, evs[3].Hash)
		}
		if rep := mustVerify(t, s, nil); !rep.OK() || rep.Records != 6 || rep.LastSeq != 6 {
			t.Fatalf("verify after reopen: %+v", rep)
		}
	})

	t.Run("InvalidEventIsRefusedWhole", func(t *testing.T) {
		s := open(t, t.TempDir())
		defer s.Close()
		evs := Sample(3)
		evs[1].Decision = "maybe"
		if err := s.Append(ctx, evs); err == nil {
			t.Fatal("append accepted an unknown decision")
		}
		if got := Collect(t, s, audit.Filter{}); len(got) != 0 {
			t.Fatalf("a failed append stored %d events", len(got))
		}
		good := Sample(1)
		mustAppend(t, s, good)
		if good[0].Seq != 1 {
			t.Fatalf("seq after failed append = %d, want 1", good[0].Seq)
		}
	})

	t.Run("Filters", func(t *testing.T) {
		s := open(t, t.TempDir())
		defer s.Close()
		evs := Sample(24)
		mustAppend(t, s, evs)
		cases := []struct {
			name string
			f    audit.Filter
		}{
			{"server", audit.Filter{Server: "git"}},
			{"tool", audit.Filter{Name: "exec"}},
			{"decision", audit.Filter{Decision: audit.Deny}},
			{"rule", audit.Filter{Rule: "rule.1"}},
			{"session", audit.Filter{Session: "s1"}},
			{"since-until", audit.Filter{Since: t0.Add(5 * time.Second), Until: t0.Add(9 * time.Second)}},
			{"after", audit.Filter{AfterSeq: 20}},
			{"limit", audit.Filter{Limit: 5}},
			{"limit-rule", audit.Filter{Rule: "lock.unknown-tool", Limit: 2}},
			{"combined", audit.Filter{Server: "web", Decision: audit.Allow, Session: "s0"}},
			{"nothing", audit.Filter{Server: "nope"}},
			// Bounds far from now: --since 1600-01-01, --until 9999-12-31.
			{"since-long-ago", audit.Filter{Since: time.Date(1600, 1, 1, 0, 0, 0, 0, time.UTC)}},
			{"until-far-ahead", audit.Filter{Until: time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)}},
			{"until-2300", audit.Filter{Until: time.Date(2300, 1, 1, 0, 0, 0, 0, time.UTC)}},
			{"since-far-ahead", audit.Filter{Since: time.Date(2300, 1, 1, 0, 0, 0, 0, time.UTC)}},
			{"until-long-ago", audit.Filter{Until: time.Date(1600, 1, 1, 0, 0, 0, 0, time.UTC)}},
			{"since-until-zones", audit.Filter{Since: t0.Add(5 * time.Second).In(time.FixedZone("UTC+5", 5*3600)),
				Until: t0.Add(9 * time.Second).In(time.FixedZone("UTC-8", -8*3600))}},
		}
		for _, c := range cases {
			var want []audit.Event
			for i := range evs {
				if c.f.Match(&evs[i]) && (c.f.Limit == 0 || len(want) < c.f.Limit) {
					want = append(want, evs[i])
				}
			}
			got := Collect(t, s, c.f)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s: got %d events, want %d", c.name, len(got), len(want))
			}
		}
		if n := len(Collect(t, s, audit.Filter{Since: t0.Add(5 * time.Second), Until: t0.Add(9 * time.Second)})); n != 4 {
			t.Errorf("since/until yields %d events, want 4 (until is exclusive)", n)
		}
	})

	t.Run("Stats", func(t *testing.T) {
		s := open(t, t.TempDir())
		defer s.Close()
		evs := Sample(12)
		evs[0].Decision = audit.WouldDeny
		evs[1].Decision = audit.Redact
		evs[3].Decision = audit.Hide
		evs[4].Decision = audit.TimedOut
		mustAppend(t, s, evs)
		st, err := s.Stats(ctx, audit.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		if st.Total != 12 || st.Denied != 3 || st.WouldDeny != 1 || st.Redacted != 1 || st.Allowed != 5 || st.Hidden != 1 || st.Other != 1 {
			t.Fatalf("stats = %+v", st)
		}
		if st.DenyRate != 4.0/12 {
			t.Errorf("deny rate = %v, want %v", st.DenyRate, 4.0/12)
		}
		if len(st.TopRules) == 0 || st.TopRules[0] != (audit.Count{Name: "lock.unknown-tool", Count: 3}) {
			t.Errorf("top rules = %+v", st.TopRules)
		}
		if len(st.Servers) != 3 || st.Servers[0].Server != "fs" || st.Servers[0].Total != 4 {
			t.Errorf("servers = %+v", st.Servers)
		}
		if len(st.TopTools) != 4 || st.TopTools[0].Count != 3 {
			t.Errorf("top tools = %+v", st.TopTools)
		}
		st, err = s.Stats(ctx, audit.Filter{Server: "git"})
		if err != nil || st.Total != 4 {
			t.Fatalf("filtered stats = %+v, %v", st, err)
		}
	})

	t.Run("CheckpointsVerify", func(t *testing.T) {
		s := open(t, t.TempDir())
		defer s.Close()
		evs := Sample(5)
		mustAppend(t, s, evs)
		key := Key()
		c := audit.SignCheckpoint(key, 5, evs[4].Hash, t0)
		if err := s.AppendCheckpoint(ctx, c); err != nil {
			t.Fatal(err)
		}
		cps, err := s.Checkpoints(ctx)
		if err != nil || len(cps) != 1 || !reflect.DeepEqual(cps[0], c) {
			t.Fatalf("checkpoints = %+v, %v; want [%+v]", cps, err, c)
		}
		rep := mustVerify(t, s, key.Public().(ed25519.PublicKey))
		if !rep.OK() || rep.LastCheckpoint != 5 || rep.Uncovered != 0 || !rep.CheckpointsVerified {
			t.Fatalf("verify = %+v", rep)
		}
		_, other, _ := ed25519.GenerateKey(nil)
		rep = mustVerify(t, s, other.Public().(ed25519.PublicKey))
		if rep.OK() || rep.Problems[0].Kind != audit.BadCheckpoint {
			t.Fatalf("checkpoint verified under another key: %+v", rep)
		}
	})

	t.Run("AppendSigned", func(t *testing.T) {
		s := open(t, t.TempDir())
		defer s.Close()
		sa, ok := s.(audit.SignedAppender)
		if !ok {
			t.Skip("the store has no AppendSigned")
		}
		key := Key()
		// A sign that declines stores no checkpoint; one that signs stores
		// its checkpoint with the batch, over the head the batch made.
		calls := 0
		if err := sa.AppendSigned(ctx, Sample(3), func(h audit.Head) (audit.Checkpoint, bool) {
			calls++
			if h.Seq != 3 {
				t.Errorf("sign got head %d, want 3", h.Seq)
			}
			return audit.Checkpoint{}, false
		}); err != nil {
			t.Fatal(err)
		}
		var want audit.Checkpoint
		evs := Sample(4)
		if err := sa.AppendSigned(ctx, evs, func(h audit.Head) (audit.Checkpoint, bool) {
			calls++
			want = audit.SignCheckpoint(key, h.Seq, h.Hash, t0)
			return want, true
		}); err != nil {
			t.Fatal(err)
		}
		if calls != 2 {
			t.Fatalf("sign called %d times, want 2", calls)
		}
		if want.Seq != 7 || want.Hash != evs[3].Hash {
			t.Fatalf("signed head %d %s, want 7 %s", want.Seq, want.Hash, evs[3].Hash)
		}
		cps, err := s.Checkpoints(ctx)
		if err != nil || len(cps) != 1 || !reflect.DeepEqual(cps[0], want) {
			t.Fatalf("checkpoints = %+v, %v; want [%+v]", cps, err, want)
		}
		rep := mustVerify(t, s, key.Public().(ed25519.PublicKey))
		if !rep.OK() || rep.Records != 7 || rep.LastCheckpoint != 7 || !rep.CheckpointsVerified {
			t.Fatalf("verify = %+v", rep)
		}
		// A batch that fails stores neither its events nor its checkpoint.
		bad := Sample(2)
		bad[1].Decision = "maybe"
		err = sa.AppendSigned(ctx, bad, func(h audit.Head) (audit.Checkpoint, bool) {
			return audit.SignCheckpoint(key, h.Seq, h.Hash, t0), true
		})
		if err == nil {
			t.Fatal("a batch with an invalid event was stored")
		}
		if cps, _ := s.Checkpoints(ctx); len(cps) != 1 {
			t.Fatalf("%d checkpoints after a failed batch, want 1", len(cps))
		}
		if rep := mustVerify(t, s, nil); rep.Records != 7 {
			t.Fatalf("%d records after a failed batch, want 7", rep.Records)
		}
	})

	t.Run("WriterSignsInTheBatch", func(t *testing.T) {
		s := open(t, t.TempDir())
		defer s.Close()
		sa, ok := s.(audit.SignedAppender)
		if !ok {
			t.Skip("the store has no AppendSigned")
		}
		cs := &countingStore{Store: s, sa: sa}
		key := Key()
		w := audit.NewWriter(cs, &audit.WriterOptions{Key: key, CheckpointEvery: 100, Linger: -1})
		for _, e := range Sample(1000) {
			if err := w.Write(e); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		if st := w.Stats(); st.Checkpoints < 1 || cs.signed.Load() != int64(st.Checkpoints) {
			t.Fatalf("stats %+v, %d checkpoints signed in batches", st, cs.signed.Load())
		}
		if n := cs.separate.Load(); n != 0 {
			t.Fatalf("%d checkpoints written in transactions of their own, want 0", n)
		}
		rep := mustVerify(t, s, key.Public().(ed25519.PublicKey))
		if !rep.OK() || rep.Records != 1000 || rep.LastCheckpoint != 1000 {
			t.Fatalf("verify after writer: %+v", rep)
		}
	})

	t.Run("ConcurrentAppends", func(t *testing.T) {
		s := open(t, t.TempDir())
		defer s.Close()
		var wg sync.WaitGroup
		for g := range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range 25 {
					evs := Sample(3)
					for j := range evs {
						evs[j].Session = fmt.Sprintf("g%d-%d", g, i)
					}
					if err := s.Append(ctx, evs); err != nil {
						t.Error(err)
						return
					}
				}
			}()
		}
		wg.Wait()
		rep := mustVerify(t, s, nil)
		if !rep.OK() || rep.Records != 300 || rep.LastSeq != 300 {
			t.Fatalf("verify after concurrent appends: %+v", rep)
		}
	})

	t.Run("Writer", func(t *testing.T) {
		s := open(t, t.TempDir())
		defer s.Close()
		key := Key()
		var mu sync.Mutex
		var acked []uint64
		w := audit.NewWriter(s, &audit.WriterOptions{Key: key, CheckpointEvery: 100, QueueSize: 4096,
			OnCommit: func(b []audit.Event) {
				mu.Lock()
				for _, e := range b {
					acked = append(acked, e.Seq)
				}
				mu.Unlock()
			}})
		evs := Sample(1000)
		for _, e := range evs {
			for {
				err := w.Write(e)
				if err == nil {
					break
				}
				if !errors.Is(err, audit.ErrQueueFull) {
					t.Fatal(err)
				}
				time.Sleep(time.Millisecond)
			}
		}
		if err := w.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		if !w.Healthy() {
			t.Error("writer unhealthy after a good flush")
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatalf("second close: %v", err)
		}
		if err := w.Write(evs[0]); !errors.Is(err, audit.ErrClosed) {
			t.Fatalf("write after close = %v", err)
		}
		st := w.Stats()
		if st.Written != 1000 || st.Failed != 0 || st.Checkpoints < 1 {
			t.Fatalf("writer stats = %+v", st)
		}
		if len(acked) != 1000 || acked[999] != 1000 {
			t.Fatalf("acknowledged %d events", len(acked))
		}
		rep := mustVerify(t, s, key.Public().(ed25519.PublicKey))
		if !rep.OK() || rep.Records != 1000 || rep.LastCheckpoint != 1000 {
			t.Fatalf("verify after writer: %+v", rep)
		}
	})

	t.Run("WriterQueueFull", func(t *testing.T) {
		s := open(t, t.TempDir())
		defer s.Close()
		blocked := make(chan struct{})
		release := make(chan struct{})
		var once sync.Once
		w := audit.NewWriter(s, &audit.WriterOptions{QueueSize: 2, MaxBatch: 1, OnCommit: func([]audit.Event) {
			once.Do(func() { close(blocked); <-release })
		}})
		evs := Sample(10)
		if err := w.Write(evs[0]); err != nil {
			t.Fatal(err)
		}
		<-blocked // the writer goroutine is stuck in OnCommit: the queue fills
		var full int
		for _, e := range evs[1:] {
			if errors.Is(w.Write(e), audit.ErrQueueFull) {
				full++
			}
		}
		if full != 7 || w.Stats().Dropped != 7 || w.Healthy() {
			t.Fatalf("full=%d stats=%+v healthy=%v; want 7 dropped and unhealthy", full, w.Stats(), w.Healthy())
		}
		close(release)
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		if n := len(Collect(t, s, audit.Filter{})); n != 3 {
			t.Fatalf("stored %d events, want 3", n)
		}
	})
}

// RunTamper runs the tamper cases: after each, Verify must report exactly
// the damage done, naming the record.
func RunTamper(t *testing.T, open Opener, tm Tamperer) {
	ctx := context.Background()
	key := Key()
	pub := key.Public().(ed25519.PublicKey)
	// setup writes 20 events with checkpoints at 10 and 20 and returns them.
	setup := func(t *testing.T) (string, []audit.Event) {
		dir := t.TempDir()
		s := open(t, dir)
		evs := Sample(20)
		mustAppend(t, s, evs[:10])
		if err := s.AppendCheckpoint(ctx, audit.SignCheckpoint(key, 10, evs[9].Hash, t0)); err != nil {
			t.Fatal(err)
		}
		mustAppend(t, s, evs[10:])
		if err := s.AppendCheckpoint(ctx, audit.SignCheckpoint(key, 20, evs[19].Hash, t0)); err != nil {
			t.Fatal(err)
		}
		if rep := mustVerify(t, s, pub); !rep.OK() {
			t.Fatalf("untouched store does not verify: %+v", rep.Problems)
		}
		s.Close()
		return dir, evs
	}
	check := func(t *testing.T, dir string, want ...audit.Problem) {
		t.Helper()
		s := open(t, dir)
		defer s.Close()
		rep := mustVerify(t, s, pub)
		if len(rep.Problems) != len(want) {
			t.Fatalf("problems = %v, want %d: %v", rep.Problems, len(want), want)
		}
		for i, w := range want {
			p := rep.Problems[i]
			if p.Kind != w.Kind || p.Seq != w.Seq {
				t.Errorf("problem %d = %s (seq %d), want %s at seq %d", i, p, p.Seq, w.Kind, w.Seq)
			}
		}
	}
	t.Run("FlipByte", func(t *testing.T) {
		dir, _ := setup(t)
		tm.FlipByte(t, dir, 7)
		check(t, dir, audit.Problem{Kind: audit.Modified, Seq: 7})
	})
	t.Run("Delete", func(t *testing.T) {
		dir, _ := setup(t)
		tm.Delete(t, dir, 13)
		check(t, dir, audit.Problem{Kind: audit.Removed, Seq: 13})
	})
	t.Run("DeleteFirst", func(t *testing.T) {
		dir, _ := setup(t)
		tm.Delete(t, dir, 1)
		check(t, dir, audit.Problem{Kind: audit.Removed, Seq: 1})
	})
	t.Run("Swap", func(t *testing.T) {
		dir, _ := setup(t)
		tm.Swap(t, dir, 4, 5)
		check(t, dir, audit.Problem{Kind: audit.Reordered, Seq: 4})
	})
	t.Run("SwapDistant", func(t *testing.T) {
		dir, _ := setup(t)
		tm.Swap(t, dir, 3, 8)
		// 8 stored where 3 was: 3..7 look missing until 3..7 appear late.
		s := open(t, dir)
		defer s.Close()
		rep := mustVerify(t, s, pub)
		if rep.OK() {
			t.Fatal("swap of records 3 and 8 not detected")
		}
		for _, p := range rep.Problems {
			if p.Kind != audit.Reordered {
				t.Errorf("unexpected problem %s", p)
			}
		}
	})
	t.Run("CutTail", func(t *testing.T) {
		dir, _ := setup(t)
		tm.CutTail(t, dir, 16)
		check(t, dir, audit.Problem{Kind: audit.Truncated, Seq: 17})
	})
	t.Run("InsertForged", func(t *testing.T) {
		dir, evs := setup(t)
		// A forged record with a correct hash linking to record 9.
		x := Sample(1)[0]
		x.Name = "innocent"
		h := audit.Head{Seq: 9, Hash: evs[8].Hash}
		if err := h.Seal(&x); err != nil {
			t.Fatal(err)
		}
		tm.Insert(t, dir, 9, x)
		check(t, dir, audit.Problem{Kind: audit.Inserted, Seq: 10})
	})
	t.Run("InsertSeqZero", func(t *testing.T) {
		// A forged record numbered 0 with a hash of its own: no filter
		// may hide it from Verify (list and export show it too).
		dir, evs := setup(t)
		x := Sample(1)[0]
		x.Name = "forged"
		h := audit.Head{Seq: 9, Hash: evs[8].Hash}
		if err := h.Seal(&x); err != nil {
			t.Fatal(err)
		}
		x.Seq = 0
		var err error
		if x.Hash, err = audit.ChainHash(x.PrevHash, &x); err != nil {
			t.Fatal(err)
		}
		tm.Insert(t, dir, 9, x)
		check(t, dir, audit.Problem{Kind: audit.Inserted, Seq: 0})
	})
	t.Run("Replace", func(t *testing.T) {
		// Record 5 replaced by a forged one with a correct hash of its own:
		// record 6 no longer links to it.
		dir, evs := setup(t)
		x := evs[4]
		x.Name, x.Hash = "replaced", ""
		h := audit.Head{Seq: 4, Hash: evs[3].Hash}
		if err := h.Seal(&x); err != nil {
			t.Fatal(err)
		}
		tm.Delete(t, dir, 5)
		tm.Insert(t, dir, 4, x)
		check(t, dir, audit.Problem{Kind: audit.Modified, Seq: 5})
	})
	t.Run("RewrittenChain", func(t *testing.T) {
		// Everything after record 5 rewritten with valid hashes: only the
		// signed checkpoint shows it.
		dir, evs := setup(t)
		tm.CutTail(t, dir, 5)
		s := open(t, dir)
		forged := Sample(20)[5:]
		for i := range forged {
			forged[i].Name = "forged"
		}
		mustAppend(t, s, forged)
		s.Close()
		_ = evs
		check(t, dir, audit.Problem{Kind: audit.Modified, Seq: 10}, audit.Problem{Kind: audit.Modified, Seq: 20})
	})
}

// countingStore counts how a Writer stores checkpoints: in the batch's
// transaction (signed) or on their own (separate).
type countingStore struct {
	audit.Store
	sa       audit.SignedAppender
	signed   atomic.Int64
	separate atomic.Int64
}

func (c *countingStore) AppendCheckpoint(ctx context.Context, cp audit.Checkpoint) error {
	c.separate.Add(1)
	return c.Store.AppendCheckpoint(ctx, cp)
}

func (c *countingStore) AppendSigned(ctx context.Context, events []audit.Event, sign func(audit.Head) (audit.Checkpoint, bool)) error {
	return c.sa.AppendSigned(ctx, events, func(h audit.Head) (audit.Checkpoint, bool) {
		cp, ok := sign(h)
		if ok {
			c.signed.Add(1)
		}
		return cp, ok
	})
}
