// Package client is the MCP client ward uses to look at a server: scan,
// lock and check. It speaks through a transport.Conn with the same codec as
// the relay, matches responses to requests by id, tolerates notifications and
// server requests at any time (answering roots/list with the configured
// roots and ping with an empty result, declining sampling and elicitation),
// follows nextCursor on every list and bounds every request with a timeout.
package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/ward-mcp/ward/internal/buildinfo"
	"github.com/ward-mcp/ward/internal/jsonrpc"
	"github.com/ward-mcp/ward/internal/transport"
)

// LatestProtocolVersion is the revision the client asks for first.
const LatestProtocolVersion = "2025-11-25"

// SupportedProtocolVersions are the revisions ward understands.
var SupportedProtocolVersions = []string{"2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"}

// DefaultTimeout bounds each request when Options.Timeout is zero.
const DefaultTimeout = 30 * time.Second

// maxPages stops a server that hands out cursors forever.
const maxPages = 1000

// Root is one entry of the roots/list answer.
type Root struct {
	URI  string `json:"uri"`
	Name string `json:"name,omitempty"`
}

// Options configures a Client.
type Options struct {
	// ClientName and ClientVersion go into clientInfo ("ward" and its version
	// by default). Set them to mirror what the real host declares.
	ClientName, ClientVersion string
	// ProtocolVersion is the revision requested; LatestProtocolVersion if empty.
	ProtocolVersion string
	// Capabilities is the client capabilities object sent in initialize. If
	// nil, the client declares roots when Roots is set, and nothing else.
	Capabilities json.RawMessage
	// Roots answers the server's roots/list requests.
	Roots []Root
	// Timeout bounds each request; DefaultTimeout if zero.
	Timeout time.Duration
}

// Error is a JSON-RPC error returned by the server.
type Error struct {
	Code    int             `json:"code"`
	Message string          `json:"message"`
	Data    json.RawMessage `json:"data,omitempty"`
}

func (e *Error) Error() string { return fmt.Sprintf("server error %d: %s", e.Code, e.Message) }

// InitializeResult is what the server said about itself.
type InitializeResult struct {
	ProtocolVersion string          `json:"protocolVersion"`
	Capabilities    json.RawMessage `json:"capabilities"`
	ServerInfo      struct {
		Name    string `json:"name"`
		Title   string `json:"title,omitempty"`
		Version string `json:"version"`
	} `json:"serverInfo"`
	Instructions string `json:"instructions,omitempty"`
}

// Client is a connected MCP client session.
type Client struct {
	conn transport.Conn
	opts Options

	mu      sync.Mutex
	nextID  int64
	waiting map[string]chan response
	readErr error
	done    chan struct{}

	// Init is the server's initialize result.
	Init InitializeResult

	notifications map[string]int // by method; guarded by mu
}

type response struct {
	result []byte
	err    *Error
}

// Connect starts reading conn and performs the initialize handshake. The
// caller owns conn; Close stops the client's reader and closes conn.
func Connect(ctx context.Context, conn transport.Conn, opts *Options) (*Client, error) {
	c := &Client{conn: conn, waiting: make(map[string]chan response), done: make(chan struct{}), notifications: map[string]int{}}
	if opts != nil {
		c.opts = *opts
	}
	if c.opts.ClientName == "" {
		c.opts.ClientName = "ward"
	}
	if c.opts.ClientVersion == "" {
		c.opts.ClientVersion = buildinfo.String()
	}
	if c.opts.ProtocolVersion == "" {
		c.opts.ProtocolVersion = LatestProtocolVersion
	}
	if c.opts.Timeout <= 0 {
		c.opts.Timeout = DefaultTimeout
	}
	if c.opts.Capabilities == nil {
		c.opts.Capabilities = json.RawMessage(`{}`)
		if len(c.opts.Roots) > 0 {
			c.opts.Capabilities = json.RawMessage(`{"roots":{"listChanged":false}}`)
		}
	}
	go c.readLoop()
	if err := c.initialize(ctx); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

func (c *Client) initialize(ctx context.Context) error {
	params, err := json.Marshal(map[string]any{
		"protocolVersion": c.opts.ProtocolVersion,
		"capabilities":    c.opts.Capabilities,
		"clientInfo":      map[string]string{"name": c.opts.ClientName, "version": c.opts.ClientVersion},
	})
	if err != nil {
		return err
	}
	res, err := c.Call(ctx, "initialize", params)
	if err != nil {
		return fmt.Errorf("initialize: %w", err)
	}
	if err := json.Unmarshal(res, &c.Init); err != nil {
		return fmt.Errorf("initialize: malformed result: %w", err)
	}
	if c.Init.ProtocolVersion == "" {
		return errors.New("initialize: the server's result has no protocolVersion")
	}
	if err := c.Notify("notifications/initialized", nil); err != nil {
		return fmt.Errorf("send notifications/initialized: %w", err)
	}
	return nil
}

// Notifications returns how many notifications of method the server sent.
func (c *Client) Notifications(method string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.notifications[method]
}

// HasCapability reports whether the server declared the named capability
// ("tools", "prompts", "resources", …).
func (c *Client) HasCapability(name string) bool {
	v := jsonrpc.Member(c.Init.Capabilities, name)
	return v != nil && string(v) != "null"
}

// Call sends a request and waits for its result, the server's error (as
// *Error), the timeout or the end of the connection.
func (c *Client) Call(ctx context.Context, method string, params []byte) ([]byte, error) {
	ch := make(chan response, 1)
	c.mu.Lock()
	if c.readErr != nil {
		err := c.readErr
		c.mu.Unlock()
		return nil, fmt.Errorf("%s: connection closed: %w", method, err)
	}
	c.nextID++
	id := strconv.FormatInt(c.nextID, 10)
	c.waiting[id] = ch
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		delete(c.waiting, id)
		c.mu.Unlock()
	}()
	if err := c.conn.Write(jsonrpc.AppendRequest(nil, []byte(id), method, params)); err != nil {
		return nil, fmt.Errorf("%s: send: %w", method, err)
	}
	if err := c.conn.Flush(); err != nil {
		return nil, fmt.Errorf("%s: send: %w", method, err)
	}
	t := time.NewTimer(c.opts.Timeout)
	defer t.Stop()
	select {
	case r := <-ch:
		if r.err != nil {
			return nil, r.err
		}
		return r.result, nil
	case <-t.C:
		return nil, fmt.Errorf("%s: no answer within %s", method, c.opts.Timeout)
	case <-c.done:
		c.mu.Lock()
		err := c.readErr
		c.mu.Unlock()
		return nil, fmt.Errorf("%s: the server closed the connection before answering: %w", method, err)
	case <-ctx.Done():
		return nil, fmt.Errorf("%s: %w", method, ctx.Err())
	}
}

// Notify sends a notification.
func (c *Client) Notify(method string, params []byte) error {
	if err := c.conn.Write(jsonrpc.AppendRequest(nil, nil, method, params)); err != nil {
		return err
	}
	return c.conn.Flush()
}

// ListAll calls a list method, follows nextCursor through every page and
// returns all items of the result member field.
func (c *Client) ListAll(ctx context.Context, method, field string) ([]json.RawMessage, error) {
	var items []json.RawMessage
	cursor := ""
	seen := map[string]bool{}
	for page := 0; ; page++ {
		if page >= maxPages {
			return nil, fmt.Errorf("%s: more than %d pages", method, maxPages)
		}
		var params []byte
		if cursor != "" {
			params, _ = json.Marshal(map[string]string{"cursor": cursor})
		}
		res, err := c.Call(ctx, method, params)
		if err != nil {
			return nil, err
		}
		var pageRes struct {
			NextCursor *string `json:"nextCursor"`
		}
		if err := json.Unmarshal(res, &pageRes); err != nil {
			return nil, fmt.Errorf("%s: malformed result: %w", method, err)
		}
		arr := jsonrpc.Member(res, field)
		if arr == nil || arr[0] != '[' {
			return nil, fmt.Errorf("%s: result has no %q array", method, field)
		}
		jsonrpc.Elements(arr, func(item []byte) bool {
			items = append(items, append(json.RawMessage(nil), item...))
			return true
		})
		if pageRes.NextCursor == nil || *pageRes.NextCursor == "" {
			return items, nil
		}
		cursor = *pageRes.NextCursor
		if seen[cursor] {
			return nil, fmt.Errorf("%s: the server repeated cursor %q", method, cursor)
		}
		seen[cursor] = true
	}
}

// Close ends the session: the server's input is closed and the reader stops.
// It is idempotent.
func (c *Client) Close() error {
	err := c.conn.CloseWrite()
	if cerr := c.conn.Close(); err == nil {
		err = cerr
	}
	<-c.done
	return err
}

func (c *Client) readLoop() {
	defer close(c.done)
	var m jsonrpc.Message
	for {
		raw, err := c.conn.Read()
		if err != nil {
			var tl *jsonrpc.TooLargeError
			if errors.As(err, &tl) {
				continue
			}
			c.mu.Lock()
			c.readErr = err
			c.mu.Unlock()
			return
		}
		if jsonrpc.IsBatch(raw) {
			elems, err := jsonrpc.SplitBatch(raw)
			if err != nil {
				continue
			}
			for _, e := range elems {
				if m.Decode(e) == nil {
					c.handle(&m)
				}
			}
			continue
		}
		if m.Decode(raw) != nil {
			continue // ignore what is not a message; the caller's timeout reports silence
		}
		c.handle(&m)
	}
}

func (c *Client) handle(m *jsonrpc.Message) {
	switch m.Kind {
	case jsonrpc.KindResponse, jsonrpc.KindError:
		c.mu.Lock()
		ch := c.waiting[string(m.ID())]
		delete(c.waiting, string(m.ID()))
		c.mu.Unlock()
		if ch == nil {
			return
		}
		var r response
		if m.Kind == jsonrpc.KindError {
			r.err = &Error{}
			if json.Unmarshal(m.Error(), r.err) != nil {
				r.err = &Error{Code: jsonrpc.CodeInternalError, Message: "malformed error object"}
			}
		} else {
			r.result = append([]byte(nil), m.Result()...)
		}
		ch <- r
	case jsonrpc.KindNotification:
		c.mu.Lock()
		c.notifications[m.Method]++
		c.mu.Unlock()
	case jsonrpc.KindRequest:
		var msg []byte
		switch m.Method {
		case "ping":
			msg = jsonrpc.AppendResponse(nil, m.ID(), []byte(`{}`))
		case "roots/list":
			roots := c.opts.Roots
			if roots == nil {
				roots = []Root{}
			}
			b, _ := json.Marshal(map[string]any{"roots": roots})
			msg = jsonrpc.AppendResponse(nil, m.ID(), b)
		default:
			msg = jsonrpc.AppendError(nil, m.ID(), jsonrpc.CodeMethodNotFound,
				fmt.Sprintf("ward's scanner does not support %s", m.Method), nil)
		}
		_ = c.conn.Write(msg)
		_ = c.conn.Flush()
	}
}
