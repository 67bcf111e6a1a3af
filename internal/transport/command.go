package transport

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"time"
)

// DefaultGrace is how long a server gets to exit after its stdin is closed,
// and again after SIGTERM, before it is killed.
const DefaultGrace = 3 * time.Second

// CommandOptions configures a server started as a child process.
type CommandOptions struct {
	// Env is the server's environment; nil means ward's own environment.
	Env []string
	// Dir is the working directory; empty means ward's.
	Dir string
	// Stderr receives the server's stderr; nil means ward's stderr.
	Stderr io.Writer
	// MaxMessageBytes limits one message from the server.
	MaxMessageBytes int
	// Grace is the wait before each escalation of the shutdown; DefaultGrace if 0.
	Grace time.Duration
}

// Process is an MCP server running as a child process, spoken to over its
// stdin and stdout. It runs in its own process group, so that the shutdown
// signals reach the processes it started too (npx → node).
type Process struct {
	*Stream
	cmd   *exec.Cmd
	grace time.Duration
	stdin *os.File
	out   *os.File

	done    chan struct{} // closed when the process has exited
	waitErr error

	mu       sync.Mutex
	stopping bool
	wg       sync.WaitGroup // the waiter and the shutdown escalation
}

// StartCommand starts argv (argv[0] looked up in PATH, the arguments passed
// as given, never re-split) and returns the running Process.
func StartCommand(argv []string, opts *CommandOptions) (*Process, error) {
	if len(argv) == 0 {
		return nil, errors.New("no server command given")
	}
	if opts == nil {
		opts = &CommandOptions{}
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = opts.Env
	cmd.Dir = opts.Dir
	cmd.Stderr = opts.Stderr
	if cmd.Stderr == nil {
		cmd.Stderr = os.Stderr
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}

	// Our own pipes: exec's StdoutPipe would be closed by Wait while
	// replies may still be unread.
	inR, inW, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("create stdin pipe: %w", err)
	}
	outR, outW, err := os.Pipe()
	if err != nil {
		inR.Close()
		inW.Close()
		return nil, fmt.Errorf("create stdout pipe: %w", err)
	}
	cmd.Stdin, cmd.Stdout = inR, outW
	if err := cmd.Start(); err != nil {
		inR.Close()
		inW.Close()
		outR.Close()
		outW.Close()
		return nil, fmt.Errorf("start server %q: %w", argv[0], err)
	}
	inR.Close()
	outW.Close()

	p := &Process{cmd: cmd, grace: opts.Grace, stdin: inW, out: outR, done: make(chan struct{})}
	if p.grace <= 0 {
		p.grace = DefaultGrace
	}
	p.Stream = NewStream(outR, inW, &StreamOptions{
		MaxMessageBytes: opts.MaxMessageBytes,
		CloseWrite:      p.closeStdin,
		CloseRead:       outR.Close,
	})
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		p.waitErr = cmd.Wait()
		// The server is gone; what it started in its process group must not
		// outlive it (a child holding its stdout would keep the session
		// open, and nothing would reap it).
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		close(p.done)
	}()
	return p, nil
}

// Pid returns the server's process id.
func (p *Process) Pid() int { return p.cmd.Process.Pid }

// Done is closed when the server process has exited.
func (p *Process) Done() <-chan struct{} { return p.done }

// ExitError returns how the process ended (nil for exit status 0). It is
// valid after Done is closed.
func (p *Process) ExitError() error {
	<-p.done
	return p.waitErr
}

// closeStdin closes the server's stdin and starts the MCP stdio shutdown:
// if the server has not exited after the grace period it gets SIGTERM, and
// SIGKILL after another.
func (p *Process) closeStdin() error {
	err := p.stdin.Close()
	p.startStopping()
	return err
}

// startStopping starts the shutdown escalation, once.
func (p *Process) startStopping() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.stopping {
		p.stopping = true
		p.wg.Add(1)
		go p.escalate()
	}
}

// CloseWrite implements Conn: it flushes what is queued for the server and
// closes its stdin. The shutdown escalation starts before the flush, so that
// a server that stopped reading cannot hold the flush (and the session's
// end) forever: its SIGKILL ends the write.
func (p *Process) CloseWrite() error {
	p.startStopping()
	return p.Stream.CloseWrite()
}

// Stop ends the server's input at once, dropping what is queued for it and
// failing a write blocked on a server that stopped reading, and starts the
// shutdown escalation. It is for a session that must end although the
// server does not read; CloseWrite is the orderly way.
func (p *Process) Stop() {
	p.startStopping()
	_ = p.stdin.Close()
}

func (p *Process) escalate() {
	defer p.wg.Done()
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGKILL} {
		t := time.NewTimer(p.grace)
		select {
		case <-p.done:
			t.Stop()
			return
		case <-t.C:
			p.signal(sig)
		}
	}
}

func (p *Process) signal(sig syscall.Signal) {
	// The negative pid addresses the process group; fall back to the
	// process alone if the group is gone.
	if err := syscall.Kill(-p.cmd.Process.Pid, sig); err != nil {
		_ = p.cmd.Process.Signal(sig)
	}
}

// Kill ends the server at once with SIGKILL to its process group.
func (p *Process) Kill() {
	select {
	case <-p.done:
	default:
		p.signal(syscall.SIGKILL)
	}
}

// Close closes stdin, kills the server if it is still running, closes its
// stdout and waits for it. It is idempotent.
func (p *Process) Close() error {
	_ = p.CloseWrite()
	p.Kill()
	<-p.done
	err := p.Stream.Close()
	p.wg.Wait()
	return err
}

// Wait waits for the server to exit (after CloseWrite or on its own) and for
// the shutdown escalation to finish, and returns the exit error.
func (p *Process) Wait() error {
	<-p.done
	p.wg.Wait()
	return p.waitErr
}
