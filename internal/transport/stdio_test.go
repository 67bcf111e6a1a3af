package transport

import (
	"errors"
	"os"
	"strconv"
	"testing"
	"time"
)

// openFds returns the fd numbers open in process pid.
func openFds(t *testing.T, pid string) map[int]bool {
	t.Helper()
	ents, err := os.ReadDir("/proc/" + pid + "/fd")
	if err != nil {
		t.Skipf("no /proc: %v", err)
	}
	fds := make(map[int]bool)
	for _, e := range ents {
		if n, err := strconv.Atoi(e.Name()); err == nil {
			fds[n] = true
		}
	}
	return fds
}

// The host's side of stdio reads messages, and Close unblocks a Read that
// is waiting for the host.
func TestStdioReadAndClose(t *testing.T) {
	inR, inW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer inR.Close()
	defer inW.Close()
	outR, outW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer outR.Close()
	defer outW.Close()
	s := NewStdio(inR, outW, 0)
	if _, err := inW.WriteString("{\"a\":1}\n\n  {\"b\":2}\n"); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`{"a":1}`, `{"b":2}`} {
		got, err := s.Read()
		if err != nil || string(got) != want {
			t.Fatalf("Read = %q, %v; want %s", got, err, want)
		}
	}
	done := make(chan error, 1)
	go func() {
		_, err := s.Read()
		done <- err
	}()
	select {
	case err := <-done:
		t.Fatalf("Read returned %v with nothing to read", err)
	case <-time.After(50 * time.Millisecond):
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if !errors.Is(err, ErrClosed) {
			t.Fatalf("Read after Close = %v, want ErrClosed", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not unblock Read")
	}
	if _, err := s.Read(); !errors.Is(err, ErrClosed) {
		t.Fatalf("Read on a closed stream = %v, want ErrClosed", err)
	}
}

// The host's stream ends with io.EOF when the host closes its end.
func TestStdioEOF(t *testing.T) {
	inR, inW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer inR.Close()
	s := NewStdio(inR, os.Stderr, 0)
	defer s.Close()
	inW.WriteString("{\"last\":true}")
	inW.Close()
	if got, err := s.Read(); err != nil || string(got) != `{"last":true}` {
		t.Fatalf("Read = %q, %v", got, err)
	}
	if _, err := s.Read(); err == nil || err.Error() != "EOF" {
		t.Fatalf("Read at the end = %v, want EOF", err)
	}
}

// The descriptors ward makes for reading and writing the host are not
// inherited by the server it starts: a server holding a copy of ward's stdin
// could read the host's messages before ward inspects them.
func TestStdioNotInheritedByServer(t *testing.T) {
	before := openFds(t, "self")
	inR, inW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer inR.Close()
	defer inW.Close()
	outR, outW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer outR.Close()
	defer outW.Close()
	s := NewStdio(inR, outW, 0)
	defer s.Close()
	var made []int
	for fd := range openFds(t, "self") {
		if !before[fd] {
			made = append(made, fd)
		}
	}
	if len(made) < 4 {
		t.Fatalf("expected the pipes and the stream's own descriptors to be new, got %v", made)
	}
	p, err := StartCommand([]string{"sleep", "30"}, &CommandOptions{Grace: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	// Exec has happened once /proc/PID/exe is sleep, not this test binary.
	self, _ := os.Readlink("/proc/self/exe")
	deadline := time.Now().Add(5 * time.Second)
	for {
		exe, _ := os.Readlink("/proc/" + strconv.Itoa(p.Pid()) + "/exe")
		if exe != "" && exe != self {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the server did not start")
		}
		time.Sleep(5 * time.Millisecond)
	}
	child := openFds(t, strconv.Itoa(p.Pid()))
	for _, fd := range made {
		if child[fd] {
			t.Errorf("the server inherited fd %d (the server's fds: %v)", fd, child)
		}
	}
}
