package sqlite

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/ward-mcp/ward/internal/audit"
	"github.com/ward-mcp/ward/internal/audit/audittest"
)

// BenchmarkWriter measures sustained throughput of the relay's path: events
// pushed into a Writer in front of a SQLite store, until all are durable.
func BenchmarkWriter(b *testing.B) {
	for _, sync := range []Sync{SyncFull, SyncNormal} {
		b.Run(string(sync), func(b *testing.B) {
			s, err := Open(filepath.Join(b.TempDir(), "audit.db"), &Options{Sync: sync})
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			w := audit.NewWriter(s, &audit.WriterOptions{Key: audittest.Key()})
			evs := audittest.Sample(64)
			b.ResetTimer()
			start := time.Now()
			for i := 0; i < b.N; i++ {
				for {
					err := w.Write(evs[i%len(evs)])
					if err == nil {
						break
					}
					if !errors.Is(err, audit.ErrQueueFull) {
						b.Fatal(err)
					}
					time.Sleep(50 * time.Microsecond)
				}
			}
			if err := w.Flush(context.Background()); err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "events/s")
			if st := w.Stats(); st.Written != uint64(b.N) {
				b.Fatalf("written %d of %d", st.Written, b.N)
			}
			w.Close()
		})
	}
}

// BenchmarkSeal measures hashing one event into the chain.
func BenchmarkSeal(b *testing.B) {
	evs := audittest.Sample(64)
	h := audit.EmptyHead()
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		e := evs[i%len(evs)]
		if err := h.Seal(&e); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerify measures ward audit verify over a store of 100,000 events.
func BenchmarkVerify(b *testing.B) {
	s, err := Open(filepath.Join(b.TempDir(), "audit.db"), &Options{Sync: SyncNormal})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	evs := audittest.Sample(1000)
	for range 100 {
		batch := append([]audit.Event(nil), evs...)
		if err := s.Append(context.Background(), batch); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		rep, err := audit.Verify(context.Background(), s, nil)
		if err != nil || !rep.OK() || rep.Records != 100000 {
			b.Fatalf("%+v %v", rep, err)
		}
	}
	b.ReportMetric(float64(100000*b.N)/b.Elapsed().Seconds(), "records/s")
}
