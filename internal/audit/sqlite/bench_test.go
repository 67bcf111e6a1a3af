package sqlite

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/ward-mcp/ward/internal/audit"
	"github.com/ward-mcp/ward/internal/audit/audittest"
)

// cpuTime returns the process's user+system CPU time. Benchmarks report it
// per operation as cpu-ns/op, which stays meaningful on a shared, loaded
// machine where wall-clock ns/op does not.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkWriter measures sustained throughput of the relay's path: events
// pushed into a Writer in front of a SQLite store, until all are durable.
// cpu-ns/op is the CPU the whole process spent per event (the pushes, the
// writer goroutine, SQLite, the GC). The "reduce" variant reduces the
// arguments on the writer's goroutine, as ward proxy does.
func BenchmarkWriter(b *testing.B) {
	for _, bc := range []struct {
		name   string
		sync   Sync
		reduce bool
	}{{"FULL", SyncFull, false}, {"NORMAL", SyncNormal, false}, {"FULL-reduce", SyncFull, true}} {
		b.Run(bc.name, func(b *testing.B) { benchWriter(b, bc.sync, bc.reduce) })
	}
}

func benchWriter(b *testing.B, sync Sync, reduce bool) {
	s, err := Open(filepath.Join(b.TempDir(), "audit.db"), &Options{Sync: sync})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	opts := &audit.WriterOptions{Key: audittest.Key()}
	if reduce {
		// As enforce.ReduceAuditArguments, without the secret detectors
		// (package inspect's cost, measured there).
		opts.Prepare = func(e *audit.Event) {
			e.Arguments = audit.ReduceArguments(e.Arguments, audit.ArgumentsRedacted, nil)
		}
	}
	w := audit.NewWriter(s, opts)
	evs := audittest.Sample(64)
	b.ReportAllocs()
	b.ResetTimer()
	start, cpu := time.Now(), cpuTime()
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
	b.ReportMetric(float64(cpuTime()-cpu)/float64(b.N), "cpu-ns/op")
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "events/s")
	if st := w.Stats(); st.Written != uint64(b.N) {
		b.Fatalf("written %d of %d", st.Written, b.N)
	}
	w.Close()
}

// BenchmarkPageSize compares page sizes (and checkpoint intervals keeping
// a 4 MiB log) of new databases by Store.Append's CPU per event, for a
// group commit of 128 events and one of 1024.
func BenchmarkPageSize(b *testing.B) {
	for _, n := range []int{128, 1024} {
		for _, bc := range []struct{ page, ckpt int }{{4096, 1000}, {16384, 256}, {32768, 128}, {65536, 64}} {
			b.Run(fmt.Sprintf("batch=%d/page=%d", n, bc.page), func(b *testing.B) {
				defer func(p, c int) { pageSize, walAutocheckpoint = p, c }(pageSize, walAutocheckpoint)
				pageSize, walAutocheckpoint = bc.page, bc.ckpt
				benchAppend(b, n)
			})
		}
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

// BenchmarkAppendBatch measures Store.Append per event for batch sizes of
// lighter and heavier load: the per-transaction work (reading the head, the
// insert, the commit and its sync, rewriting the last pages of the table and
// its indexes) weighs on small batches.
func BenchmarkAppendBatch(b *testing.B) {
	for _, n := range []int{16, 128, 1024} {
		b.Run(fmt.Sprint(n), func(b *testing.B) { benchAppend(b, n) })
	}
}

func benchAppend(b *testing.B, n int) {
	s, err := Open(filepath.Join(b.TempDir(), "audit.db"), &Options{Sync: SyncFull})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	evs := audittest.Sample(n)
	batch := make([]audit.Event, n)
	b.ReportAllocs()
	start := cpuTime()
	for b.Loop() {
		copy(batch, evs)
		if err := s.Append(context.Background(), batch); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(cpuTime()-start)/float64(b.N*n), "cpu-ns/event")
}
