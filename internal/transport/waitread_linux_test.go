package transport

import (
	"context"
	"os"
	"os/exec"
	"runtime"
	"testing"
	"time"
)

// TestWaitReaderYieldsToGC: a reader that keeps its processor while it
// waits in ppoll (holdP) must still let a stop-the-world happen while the
// host sends nothing: the preemption signal interrupts ppoll and the reader
// stops at its next call of wait. If it did not, runtime.GC would wait for
// data that never comes, and with the world stopped no timer of the process
// could end the wait; so the scenario runs in a child process that this test
// kills if it does not finish.
func TestWaitReaderYieldsToGC(t *testing.T) {
	if os.Getenv("WARD_WAITREADER_CHILD") == "1" {
		waitReaderGCScenario(t)
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestWaitReaderYieldsToGC$", "-test.count=1")
	cmd.Env = append(os.Environ(), "WARD_WAITREADER_CHILD=1")
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		t.Fatalf("a garbage collection waited for the reader's data: the reader never yielded (child killed after 20s)\n%s", out)
	}
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
}

func waitReaderGCScenario(t *testing.T) {
	r, wr, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer wr.Close()
	defer r.Close()
	in, ok := waitable(r).(*waitReader)
	if !ok {
		t.Skip("not a waitReader on this system")
	}
	defer in.Close()
	in.holdP.Store(1) // as under ward proxy's extra processor
	got := make(chan string, 1)
	go func() {
		buf := make([]byte, 16)
		n, err := in.Read(buf)
		if err != nil {
			got <- "error: " + err.Error()
			return
		}
		got <- string(buf[:n])
	}()
	time.Sleep(50 * time.Millisecond) // the reader is in ppoll by now
	for range 3 {
		runtime.GC() // stops the world while the reader waits
	}
	if _, err := wr.Write([]byte("hello")); err != nil {
		t.Fatal(err)
	}
	select {
	case s := <-got:
		if s != "hello" {
			t.Fatalf("read %q, want hello", s)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the reader did not return the data")
	}
}
