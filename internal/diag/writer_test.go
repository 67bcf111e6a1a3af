package diag

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// gate is a stream that takes nothing until opened, like a pipe nobody
// reads.
type gate struct {
	open chan struct{}
	mu   sync.Mutex
	buf  bytes.Buffer
	fail error
}

func newGate() *gate { return &gate{open: make(chan struct{})} }

func (g *gate) Write(p []byte) (int, error) {
	<-g.open
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.fail != nil {
		return 0, g.fail
	}
	return g.buf.Write(p)
}

func (g *gate) String() string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.buf.String()
}

func TestWriterKeepsOrderAndWholeLines(t *testing.T) {
	g := newGate()
	close(g.open)
	w := NewWriter(g, nil)
	var want strings.Builder
	for i := range 1000 {
		line := fmt.Sprintf("line %d %s\n", i, strings.Repeat("x", i%37))
		want.WriteString(line)
		// In pieces that cut lines anywhere, as a bufio.Writer does.
		for len(line) > 0 {
			n := min(len(line), 1+i%7)
			if _, err := w.Write([]byte(line[:n])); err != nil {
				t.Fatal(err)
			}
			line = line[n:]
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if got := g.String(); got != want.String() {
		t.Errorf("stream got %d bytes, want the %d written, in order", len(got), want.Len())
	}
}

// TestWriterDropsWholeLinesAndSaysHowMany: with the stream blocked, writes
// return at once; lines beyond the queue are dropped whole and counted, the
// lines kept come out in order, and the notice of the loss stands where the
// lost lines would have been.
func TestWriterDropsWholeLinesAndSaysHowMany(t *testing.T) {
	g := newGate()
	w := NewWriter(g, &WriterOptions{MaxQueue: 4096, MaxLine: 256})
	srcs := []interface {
		Write([]byte) (int, error)
	}{w, w.Source(), w.Source()}
	var wg sync.WaitGroup
	start := time.Now()
	for si, s := range srcs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 2000 {
				line := fmt.Sprintf("src%d %d %s\n", si, i, strings.Repeat("y", i%50))
				// Two writes a line, so that another source's line can come
				// between the halves.
				h := len(line) / 2
				s.Write([]byte(line[:h]))
				s.Write([]byte(line[h:]))
			}
		}()
	}
	wg.Wait()
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("6,000 lines took %v to write into a blocked stream", d)
	}
	dropped := w.Dropped()
	if dropped == 0 {
		t.Fatal("nothing dropped: the queue was not bounded")
	}
	close(g.open)
	if err := w.Close(); err == nil || !strings.Contains(err.Error(), "lost") {
		t.Errorf("Close = %v, want an error saying lines were lost", err)
	}
	got := g.String()
	if !strings.HasSuffix(got, "\n") {
		t.Fatalf("stream ends in a partial line: %q", got[max(0, len(got)-80):])
	}
	last := []int{-1, -1, -1}
	var kept, noticed uint64
	for _, line := range strings.Split(strings.TrimSuffix(got, "\n"), "\n") {
		if n, ok := strings.CutPrefix(line, "ward: "); ok {
			k, rest, _ := strings.Cut(n, " ")
			c, err := strconv.ParseUint(k, 10, 64)
			if err != nil || rest != "log lines dropped: stderr was not being read" {
				t.Fatalf("bad notice %q", line)
			}
			noticed += c
			continue
		}
		f := strings.Split(line, " ")
		if len(f) != 3 || len(f[0]) != 4 || !strings.HasPrefix(f[0], "src") {
			t.Fatalf("not a whole line: %q", line)
		}
		si, _ := strconv.Atoi(f[0][3:])
		i, err := strconv.Atoi(f[1])
		if err != nil || si > 2 || len(f[2]) != i%50 || strings.Trim(f[2], "y") != "" {
			t.Fatalf("not a whole line: %q", line)
		}
		if i <= last[si] {
			t.Fatalf("source %d: line %d after line %d", si, i, last[si])
		}
		last[si] = i
		kept++
	}
	if noticed != dropped {
		t.Errorf("notices count %d dropped lines, the writer %d", noticed, dropped)
	}
	if kept+dropped != 6000 {
		t.Errorf("%d lines kept and %d dropped, want 6000 in all", kept, dropped)
	}
}

// TestWriterCloseIsBounded: a stream that never takes anything cannot hold
// Close beyond CloseWait.
func TestWriterCloseIsBounded(t *testing.T) {
	g := newGate()
	w := NewWriter(g, &WriterOptions{CloseWait: 100 * time.Millisecond})
	w.Write([]byte("one\ntwo\n"))
	start := time.Now()
	err := w.Close()
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Close took %v with CloseWait 100ms", d)
	}
	if err == nil || !strings.Contains(err.Error(), "not taking lines") {
		t.Errorf("Close = %v, want an error saying the stream took nothing", err)
	}
	if _, err := w.Write([]byte("three\n")); !errors.Is(err, ErrClosed) {
		t.Errorf("Write after Close = %v, want ErrClosed", err)
	}
	// Once the stream takes its write, the goroutine ends.
	close(g.open)
	select {
	case <-w.done:
	case <-time.After(5 * time.Second):
		t.Fatal("the writer's goroutine did not end once the stream took its write")
	}
	if got := g.String(); got != "one\ntwo\n" {
		t.Errorf("stream got %q", got)
	}
}

// TestWriterCloseFlushesUnfinishedLines: what a source wrote without a
// newline is written, ended with one, at Close; a line longer than MaxLine
// comes out in pieces that each end with a newline.
func TestWriterCloseFlushesUnfinishedLines(t *testing.T) {
	g := newGate()
	close(g.open)
	w := NewWriter(g, &WriterOptions{MaxLine: 8})
	s := w.Source()
	w.Write([]byte("abc"))
	s.Write([]byte("0123456789ABCDEFGHIJ\nz"))
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if got, want := g.String(), "0123456\n789ABCD\nEFGHIJ\nabc\nz\n"; got != want {
		t.Errorf("stream got %q, want %q", got, want)
	}
}

// TestWriterCountsLinesTheStreamRefused: a stream that fails loses its
// lines; they are counted, and Close says so.
func TestWriterCountsLinesTheStreamRefused(t *testing.T) {
	g := newGate()
	g.fail = errors.New("broken pipe")
	close(g.open)
	w := NewWriter(g, nil)
	w.Write([]byte("a\nb\nc\n"))
	err := w.Close()
	if n := w.Dropped(); n != 3 || err == nil {
		t.Errorf("Dropped = %d, Close = %v; want 3 and an error", n, err)
	}
}
