package transport

import (
	"io"
	"os"
	"sync"
	"syscall"
)

// NewStdio returns a Conn over the host's side of the stdio transport. When
// in and out are *os.File pipes or sockets they are switched to non-blocking
// mode and reopened through Go's poller, so that Close unblocks a pending
// Read (a blocking read on a pipe cannot be interrupted). Terminals and
// regular files are left as they are: changing a terminal's mode would
// outlive ward.
func NewStdio(in io.Reader, out io.Writer, maxMessageBytes int) *Stream {
	if f, ok := in.(*os.File); ok {
		in = waitable(f)
	}
	if f, ok := out.(*os.File); ok {
		out = pollable(f)
	}
	if c, ok := in.(io.Closer); ok {
		// A host that stops reading ward's answers (its end of the pipe
		// closed: EPIPE) has ended the session as surely as one that
		// closes ward's stdin: reading on would forward calls whose
		// answers nobody can receive.
		out = &endOnWriteError{Writer: out, end: func() { _ = c.Close() }}
	}
	opts := &StreamOptions{MaxMessageBytes: maxMessageBytes}
	// Closing ward's stdout does not end the session's writes early: it is
	// closed when the session is over, by Close.
	opts.CloseWrite = func() error { return nil }
	s := NewStream(in, out, opts)
	if c, ok := out.(io.Closer); ok {
		closeRead := s.closeRead
		s.closeRead = func() error {
			err := c.Close()
			if closeRead != nil {
				if rerr := closeRead(); err == nil {
					err = rerr
				}
			}
			return err
		}
	}
	return s
}

// pollable returns f reopened in non-blocking mode when f is a pipe or a
// socket, and f itself otherwise.
func pollable(f *os.File) *os.File {
	fd, ok := pipeOrSocketFd(f)
	if !ok {
		return f
	}
	dup, err := dupCloexec(fd)
	if err != nil {
		return f
	}
	if err := syscall.SetNonblock(dup, true); err != nil {
		syscall.Close(dup)
		return f
	}
	return os.NewFile(uintptr(dup), f.Name())
}

// pipeOrSocketFd returns f's fd when f is a pipe or a socket.
func pipeOrSocketFd(f *os.File) (int, bool) {
	// SyscallConn does not change the blocking mode, unlike Fd.
	rc, err := f.SyscallConn()
	if err != nil {
		return 0, false
	}
	var fd uintptr
	var st syscall.Stat_t
	var serr error
	if err := rc.Control(func(d uintptr) {
		fd = d
		serr = syscall.Fstat(int(d), &st)
	}); err != nil || serr != nil {
		return 0, false
	}
	switch st.Mode & syscall.S_IFMT {
	case syscall.S_IFIFO, syscall.S_IFSOCK:
		return int(fd), true
	}
	return 0, false
}

// dupCloexec duplicates fd with close-on-exec set in the same system call,
// so that no server started meanwhile inherits it (a server holding ward's
// stdin could read the host's messages behind ward's back).
func dupCloexec(fd int) (int, error) {
	r, _, errno := syscall.Syscall(syscall.SYS_FCNTL, uintptr(fd), syscall.F_DUPFD_CLOEXEC, 0)
	if errno != 0 {
		return -1, os.NewSyscallError("fcntl", errno)
	}
	return int(r), nil
}

// endOnWriteError is a writer that calls end once, at its first failed
// write.
type endOnWriteError struct {
	io.Writer
	once sync.Once
	end  func()
}

func (e *endOnWriteError) Write(p []byte) (int, error) {
	n, err := e.Writer.Write(p)
	if err != nil {
		e.once.Do(e.end)
	}
	return n, err
}

// Close closes the writer underneath, if it can be closed.
func (e *endOnWriteError) Close() error {
	if c, ok := e.Writer.(io.Closer); ok {
		return c.Close()
	}
	return nil
}
