// Package scan looks at a live MCP server: it starts it, performs the
// initialize handshake with ward's client, lists everything the server
// declares (every page of tools, prompts, resources and resource templates)
// and returns it as a lockfile.Snapshot for scan, lock and check.
//
// A scan never returns an empty result for a failure: a server that does not
// start, does not answer, or answers with something malformed is an error
// that says what happened, with the end of the server's stderr.
package scan

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/ward-mcp/ward/internal/client"
	"github.com/ward-mcp/ward/internal/jsonrpc"
	"github.com/ward-mcp/ward/internal/lockfile"
	"github.com/ward-mcp/ward/internal/transport"
)

// Options configures a scan.
type Options struct {
	// Client configures the MCP client (client info, capabilities, roots,
	// timeout).
	Client client.Options
	// Env is the server's environment; nil means ward's.
	Env []string
	// Stderr, if set, also receives the server's stderr as it comes.
	Stderr io.Writer
	// Grace is the shutdown grace of the server process.
	Grace time.Duration
}

// Result is a scan's outcome: the snapshot and how long the steps took.
type Result struct {
	Snapshot *lockfile.Snapshot
	// Startup is the time from starting the server (or, for Conn, from the
	// call) to its initialize result.
	Startup time.Duration
	// Total is the time of the whole scan, from the same start, shutdown
	// excluded.
	Total time.Duration
}

// Command scans the stdio server started by argv.
func Command(ctx context.Context, argv []string, opts *Options) (*Result, error) {
	if opts == nil {
		opts = &Options{}
	}
	tail := &tailBuffer{max: 4096}
	var stderr io.Writer = tail
	if opts.Stderr != nil {
		stderr = io.MultiWriter(tail, opts.Stderr)
	}
	start := time.Now()
	proc, err := transport.StartCommand(argv, &transport.CommandOptions{Env: opts.Env, Stderr: stderr, Grace: opts.Grace})
	if err != nil {
		return nil, err
	}
	defer proc.Close()
	res, err := conn(ctx, proc, &opts.Client, start)
	if err != nil {
		if t := tail.String(); t != "" {
			return nil, fmt.Errorf("%w\nserver stderr (last lines):\n%s", err, indent(t))
		}
		return nil, err
	}
	res.Snapshot.Source = lockfile.Source{Command: append([]string(nil), argv...)}
	return res, nil
}

// Conn scans the server at the other end of conn. The caller owns conn.
func Conn(ctx context.Context, c transport.Conn, opts *client.Options) (*Result, error) {
	return conn(ctx, c, opts, time.Now())
}

// conn scans through c; durations are measured from start.
func conn(ctx context.Context, conn transport.Conn, opts *client.Options, start time.Time) (*Result, error) {
	c, err := client.Connect(ctx, conn, opts)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	res := &Result{Startup: time.Since(start)}
	snap := &lockfile.Snapshot{
		ServerInfo: lockfile.ServerInfo{
			Name:    c.Init.ServerInfo.Name,
			Title:   c.Init.ServerInfo.Title,
			Version: c.Init.ServerInfo.Version,
		},
		ProtocolVersion: c.Init.ProtocolVersion,
		Instructions:    c.Init.Instructions,
		Capabilities:    c.Init.Capabilities,
	}
	lists := []struct {
		capability, method, field string
		into                      *[]json.RawMessage
	}{
		{"tools", "tools/list", "tools", &snap.Tools},
		{"prompts", "prompts/list", "prompts", &snap.Prompts},
		{"resources", "resources/list", "resources", &snap.Resources},
		{"resources", "resources/templates/list", "resourceTemplates", &snap.ResourceTemplates},
	}
	for _, l := range lists {
		if !c.HasCapability(l.capability) {
			continue
		}
		items, err := c.ListAll(ctx, l.method, l.field)
		var ce *client.Error
		if errors.As(err, &ce) && ce.Code == jsonrpc.CodeMethodNotFound && l.method == "resources/templates/list" {
			// Servers of the earliest revisions may lack templates.
			continue
		}
		if err != nil {
			return nil, err
		}
		*l.into = items
	}
	res.Snapshot = snap
	res.Total = time.Since(start)
	return res, nil
}

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	buf []byte
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if len(t.buf) > t.max {
		t.buf = append(t.buf[:0], t.buf[len(t.buf)-t.max:]...)
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return strings.TrimSpace(string(t.buf))
}

func indent(s string) string {
	return "  " + strings.ReplaceAll(s, "\n", "\n  ")
}
