// Package proxy runs ward as a stdio proxy: it starts the MCP server as a
// child process, relays the host's stdio session to it through the
// inspection chain, and shuts the server down the way MCP's stdio transport
// prescribes.
package proxy

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/ward-mcp/ward/internal/enforce"
	"github.com/ward-mcp/ward/internal/lockfile"
	"github.com/ward-mcp/ward/internal/policy"
	"github.com/ward-mcp/ward/internal/relay"
	"github.com/ward-mcp/ward/internal/transport"
)

// Config is everything `ward proxy` needs. The zero value of each field is
// the safe default.
type Config struct {
	// Command is the server's argv, kept as given.
	Command []string
	// Env is the server's environment; nil means ward's own.
	Env []string

	Mode relay.Mode
	// Lock, when set, pins the session to this locked server (see
	// enforce.Pin); FailOn refuses a session that drifted that far.
	Lock   *lockfile.Server
	FailOn lockfile.Severity
	Names  enforce.NameLists
	// Policy, when set, applies argument rules, CEL policies and content
	// inspection; ServerName selects its per-server sections.
	Policy     *policy.Engine
	ServerName string
	// Middleware run after the name lists, in order.
	Middleware []relay.Middleware

	MaxMessageBytes int
	MaxPending      int
	RequestTimeout  time.Duration
	ShutdownGrace   time.Duration

	// Sink receives every decision.
	Sink relay.Sink
	// Audit says where decisions are recorded (nil: nowhere).
	Audit *AuditConfig
	// Warnings receives problems that do not stop the session (an audit
	// trail that lost events); ward's stderr if nil.
	Warnings io.Writer

	// Host's streams: stdin and stdout of ward.
	In  io.Reader
	Out io.Writer
	// ServerStderr receives the server's stderr (ward's stderr if nil).
	ServerStderr io.Writer
}

// ErrServerFailed is returned when the server could not be started or ended
// the session by exiting.
var ErrServerFailed = errors.New("server failed")

// chain returns the inspection chain of cfg in its fixed order (DESIGN §2):
// first (the audit gate, with --audit-required), lockfile pinning, the name
// lists, the policy (argument rules, CEL, content), then cfg.Middleware.
func (cfg *Config) chain(first []relay.Middleware) relay.Handler {
	mws := append([]relay.Middleware(nil), first...)
	if cfg.Lock != nil {
		mws = append(mws, enforce.NewPin(cfg.Lock, cfg.FailOn).Middleware())
	}
	mws = append(mws, cfg.Names.Middleware())
	if cfg.Policy != nil {
		mws = append(mws, enforce.NewPolicy(cfg.Policy, cfg.ServerName).Middleware())
	}
	mws = append(mws, cfg.Middleware...)
	return relay.Chain(mws...)
}

// Run proxies one session. It returns nil when the host ended the session,
// and an error wrapping ErrServerFailed when the server could not start or
// exited first.
func Run(ctx context.Context, cfg *Config) (err error) {
	if err := cfg.Names.Validate(); err != nil {
		return err
	}
	sink := cfg.Sink
	var gate []relay.Middleware
	if cfg.Audit != nil {
		trail, err := openAudit(cfg.Audit)
		if err != nil {
			return err
		}
		if trail != nil {
			defer func() {
				if cerr := trail.close(); cerr != nil {
					w := cfg.Warnings
					if w == nil {
						w = os.Stderr
					}
					fmt.Fprintf(w, "ward: warning: %v\n", cerr)
				}
			}()
			auditSink := enforce.NewAuditDeferred(trail.writer, cfg.ServerName, cfg.Audit.Arguments)
			if sink != nil {
				sink = enforce.Sinks{sink, auditSink}
			} else {
				sink = auditSink
			}
			if cfg.Audit.Required {
				gate = append(gate, enforce.RequireAudit(trail.writer, auditQueue))
			}
		}
	}
	proc, err := transport.StartCommand(cfg.Command, &transport.CommandOptions{
		Env:             cfg.Env,
		Stderr:          cfg.ServerStderr,
		MaxMessageBytes: cfg.MaxMessageBytes,
		Grace:           cfg.ShutdownGrace,
	})
	if err != nil {
		return fmt.Errorf("%w: %v", ErrServerFailed, err)
	}
	host := transport.NewStdio(cfg.In, cfg.Out, cfg.MaxMessageBytes)
	releaseStartupPages()
	addProc()
	r := relay.New(host, proc, &relay.Options{
		Handler:        cfg.chain(gate),
		Mode:           cfg.Mode,
		MaxPending:     cfg.MaxPending,
		RequestTimeout: cfg.RequestTimeout,
		Sink:           sink,
	})
	// When the session is ended from outside (ward's SIGTERM), the relay
	// answers what it can and closes the server's input in order; a server
	// that stopped reading would hold that forever, so after the grace
	// period its input is cut and the escalation to SIGKILL runs.
	grace := cfg.ShutdownGrace
	if grace <= 0 {
		grace = transport.DefaultGrace
	}
	stopWatch := context.AfterFunc(ctx, func() {
		t := time.NewTimer(grace)
		defer t.Stop()
		select {
		case <-proc.Done():
		case <-t.C:
			proc.Stop()
		}
	})
	defer stopWatch()
	runErr := r.Run(ctx)
	// The relay has closed the server's stdin (or the server is gone); wait
	// for it to exit, escalating to SIGTERM and SIGKILL.
	exitErr := proc.Wait()
	_ = proc.Close()
	_ = host.Close()
	if errors.Is(runErr, relay.ErrServerExited) {
		if exitErr != nil {
			return fmt.Errorf("%w: the server exited during the session (%v)", ErrServerFailed, exitErr)
		}
		return fmt.Errorf("%w: the server closed its output during the session", ErrServerFailed)
	}
	return runErr
}

// DefaultStderr is where the server's stderr goes when not configured.
var DefaultStderr io.Writer = os.Stderr
