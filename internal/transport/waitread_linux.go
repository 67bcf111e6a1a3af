package transport

import (
	"io"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"unsafe"
)

// waitReader reads a non-blocking pipe or socket by waiting for it in a
// blocking ppoll(2) on the reading goroutine's own thread, not in Go's
// network poller.
//
// Why: a relay message costs one read on each side, and with Go's poller
// every read that finds the pipe empty parks the goroutine, and its wake-up
// goes through epoll, the scheduler and often a second thread (measured:
// about one more context switch and a third more CPU per relayed call than a
// blocking read). A plain blocking read is as cheap as it gets but cannot be
// interrupted, and the relay must stop reading the host when the server dies.
// ppoll on the fd and an eventfd gives both: the thread sleeps in the kernel
// until data or Close arrives.
type waitReader struct {
	fd   int // the source, non-blocking
	wake int // eventfd written by Close

	// mu is held shared by Read and exclusively by Close, so that the fds
	// are not closed (and their numbers reused) under a Read in progress.
	mu     sync.RWMutex
	closed atomic.Bool
	name   string
	// drained: the last read returned less than asked, so the source is
	// most likely empty and the next Read waits first instead of paying a
	// read that would only say EAGAIN.
	drained bool
	// holdP says whether wait keeps its processor (see wait): 0 not decided
	// yet, 1 yes, 2 no.
	holdP atomic.Int32
}

// newWaitReader takes over fd (already non-blocking) and returns a reader of
// it, or an error when no eventfd can be had.
func newWaitReader(fd int, name string) (*waitReader, error) {
	wake, _, errno := syscall.RawSyscall(syscall.SYS_EVENTFD2, 0, syscall.O_CLOEXEC|syscall.O_NONBLOCK, 0)
	if errno != 0 {
		return nil, os.NewSyscallError("eventfd2", errno)
	}
	return &waitReader{fd: fd, wake: int(wake), name: name}, nil
}

// pollFd is struct pollfd.
type pollFd struct {
	fd      int32
	events  int16
	revents int16
}

const pollIn = 0x1

// Read implements io.Reader.
func (w *waitReader) Read(b []byte) (int, error) {
	if len(b) == 0 {
		return 0, nil
	}
	w.mu.RLock()
	defer w.mu.RUnlock()
	for {
		if w.closed.Load() {
			return 0, ErrClosed
		}
		if w.drained {
			w.drained = false
			if err := w.wait(); err != nil {
				return 0, err
			}
			continue
		}
		// The fd is non-blocking: a raw system call cannot block here, and
		// skips the scheduler's bookkeeping for one that could.
		n, _, errno := syscall.RawSyscall(syscall.SYS_READ, uintptr(w.fd), uintptr(unsafe.Pointer(&b[0])), uintptr(len(b)))
		switch errno {
		case 0:
			if n == 0 {
				return 0, io.EOF
			}
			w.drained = int(n) < len(b)
			return int(n), nil
		case syscall.EINTR:
			continue
		case syscall.EAGAIN:
		default:
			return 0, &os.PathError{Op: "read", Path: w.name, Err: errno}
		}
		if err := w.wait(); err != nil {
			return 0, err
		}
	}
}

// wait blocks until the source is readable (or at its end) or Close is
// called, or a signal interrupts it.
//
// With three processors or more (ward proxy adds one, see proxy.addProc) it
// waits in a raw system call and so keeps its processor: the runtime does
// not account for a system call, and sysmon has no processor to take back
// and hand to another thread, which cost a context switch and CPU on the
// next wake-up (measured on 2 cores, ward vs the raw pipe: 0.91 → 0.99
// sequentially, 0.80 → 0.84 with 64 calls in flight, CPU per call 2.2 →
// 2.0 µs). A raw call cannot be preempted, so the runtime's preemption
// signal (which interrupts ppoll with EINTR) must reach a point where the
// goroutine can stop: wait returns on EINTR and Read calls it again, and
// the prologue of that call is that point. wait must therefore stay a real
// call (noinline); TestWaitReaderYieldsToGC fails if a stop-the-world
// waits for data instead. With fewer processors the wait is an ordinary
// system call that gives its processor up.
//
//go:noinline
func (w *waitReader) wait() error {
	fds := [2]pollFd{{fd: int32(w.fd), events: pollIn}, {fd: int32(w.wake), events: pollIn}}
	var errno syscall.Errno
	if w.holdsProcessor() {
		_, _, errno = syscall.RawSyscall6(syscall.SYS_PPOLL, uintptr(unsafe.Pointer(&fds[0])), 2, 0, 0, 0, 0)
	} else {
		_, _, errno = syscall.Syscall6(syscall.SYS_PPOLL, uintptr(unsafe.Pointer(&fds[0])), 2, 0, 0, 0, 0)
	}
	if errno != 0 && errno != syscall.EINTR {
		return os.NewSyscallError("ppoll", errno)
	}
	return nil
}

// holdsProcessor decides at the first wait, when ward proxy has set the
// number of processors, whether waits keep theirs (see wait).
func (w *waitReader) holdsProcessor() bool {
	h := w.holdP.Load()
	if h == 0 {
		h = 2
		if runtime.GOMAXPROCS(0) >= 3 {
			h = 1
		}
		w.holdP.Store(h)
	}
	return h == 1
}

// Close wakes a Read in progress, which returns ErrClosed, and closes the
// fds once no Read is using them. It is idempotent.
func (w *waitReader) Close() error {
	if w.closed.Swap(true) {
		return nil
	}
	one := uint64(1)
	_, _ = syscall.Write(w.wake, (*[8]byte)(unsafe.Pointer(&one))[:])
	w.mu.Lock()
	defer w.mu.Unlock()
	err := syscall.Close(w.fd)
	_ = syscall.Close(w.wake)
	if err != nil {
		return os.NewSyscallError("close", err)
	}
	return nil
}

// waitable returns a reader of f that waits in ppoll when f is a pipe or a
// socket (see waitReader), and pollable(f) otherwise. f itself stays open
// and is the caller's to close: the reader works on a duplicate of its fd.
func waitable(f *os.File) io.Reader {
	fd, ok := pipeOrSocketFd(f)
	if !ok {
		return pollable(f)
	}
	dup, err := dupCloexec(fd)
	if err != nil {
		return pollable(f)
	}
	if err := syscall.SetNonblock(dup, true); err != nil {
		syscall.Close(dup)
		return pollable(f)
	}
	w, err := newWaitReader(dup, f.Name())
	if err != nil {
		syscall.Close(dup)
		return pollable(f)
	}
	return w
}
