package client

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/ward-mcp/ward/internal/jsonrpc"
	"github.com/ward-mcp/ward/internal/transport"
)

// fakeServer answers the client over an in-memory pipe. handle returns the
// raw result for a request, "!message" for an error, or "" to stay silent,
// and lines the server sends before answering (notifications, its own
// requests).
type fakeServer struct {
	conn    *transport.Stream
	handle  func(method string, params []byte) (result string, before []string)
	replies chan string // what the client answered to the server's requests
}

func start(t *testing.T, handle func(method string, params []byte) (string, []string)) (*fakeServer, transport.Conn) {
	t.Helper()
	a, b := transport.Pipe()
	s := &fakeServer{conn: b, handle: handle, replies: make(chan string, 16)}
	go func() {
		var m jsonrpc.Message
		for {
			raw, err := b.Read()
			if err != nil {
				return
			}
			if m.Decode(raw) != nil {
				continue
			}
			if m.IsResponse() {
				s.replies <- string(raw)
				continue
			}
			if m.Kind != jsonrpc.KindRequest {
				continue
			}
			res, before := s.handle(m.Method, m.Params())
			for _, line := range before {
				b.Write([]byte(line))
			}
			switch {
			case strings.HasPrefix(res, "!"):
				b.Write(jsonrpc.AppendError(nil, m.ID(), -32000, res[1:], nil))
			case res != "":
				b.Write(jsonrpc.AppendResponse(nil, m.ID(), []byte(res)))
			}
			b.Flush()
		}
	}()
	t.Cleanup(func() { b.Close() })
	return s, a
}

const initResult = `{"protocolVersion":"2025-06-18","capabilities":{"tools":{}},"serverInfo":{"name":"fake","version":"1"}}`

func TestPaginationAndServerRequests(t *testing.T) {
	srv, conn := start(t, func(method string, params []byte) (string, []string) {
		switch method {
		case "initialize":
			// A server that talks before answering: a notification and a
			// request of its own during the handshake.
			return initResult, []string{
				`{"jsonrpc":"2.0","method":"notifications/message","params":{"level":"info","data":"starting"}}`,
				`{"jsonrpc":"2.0","id":"s1","method":"roots/list"}`,
				`{"jsonrpc":"2.0","id":"s2","method":"sampling/createMessage","params":{}}`,
			}
		case "tools/list":
			cursor, _ := jsonrpc.String(jsonrpc.Member(params, "cursor"))
			switch cursor {
			case "":
				return `{"tools":[{"name":"a"}],"nextCursor":"p2"}`, nil
			case "p2":
				return `{"tools":[{"name":"b"},{"name":"c"}],"nextCursor":"p3"}`, nil
			case "p3":
				return `{"tools":[{"name":"d"}]}`, nil
			}
		}
		return `{}`, nil
	})
	ctx := context.Background()
	c, err := Connect(ctx, conn, &Options{Roots: []Root{{URI: "file:///src", Name: "src"}}, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if c.Init.ServerInfo.Name != "fake" || !c.HasCapability("tools") || c.HasCapability("prompts") {
		t.Errorf("init = %+v", c.Init)
	}
	items, err := c.ListAll(ctx, "tools/list", "tools")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, it := range items {
		var v struct{ Name string }
		json.Unmarshal(it, &v)
		names = append(names, v.Name)
	}
	if strings.Join(names, ",") != "a,b,c,d" {
		t.Errorf("items over three pages = %v", names)
	}
	got := map[string]string{}
	for i := 0; i < 2; i++ {
		select {
		case r := <-srv.replies:
			m, _ := jsonrpc.Decode([]byte(r))
			got[string(m.ID())] = r
		case <-time.After(5 * time.Second):
			t.Fatal("the client did not answer the server's requests")
		}
	}
	if !strings.Contains(got[`"s1"`], `"uri":"file:///src"`) {
		t.Errorf("roots/list answer: %s", got[`"s1"`])
	}
	if !strings.Contains(got[`"s2"`], `"code":-32601`) {
		t.Errorf("sampling must be declined: %s", got[`"s2"`])
	}
	if c.Notifications("notifications/message") != 1 {
		t.Error("notification not counted")
	}
}

func TestListFailures(t *testing.T) {
	for _, c := range []struct {
		name, result, want string
	}{
		{"repeated cursor", `{"tools":[],"nextCursor":"same"}`, "repeated cursor"},
		{"no array", `{"tool":[]}`, `no "tools" array`},
		{"not an object", `[1]`, "malformed result"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, conn := start(t, func(method string, _ []byte) (string, []string) {
				if method == "initialize" {
					return initResult, nil
				}
				return c.result, nil
			})
			cl, err := Connect(context.Background(), conn, &Options{Timeout: 5 * time.Second})
			if err != nil {
				t.Fatal(err)
			}
			defer cl.Close()
			if _, err := cl.ListAll(context.Background(), "tools/list", "tools"); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want %q", err, c.want)
			}
		})
	}
}

func TestTimeoutAndServerErrors(t *testing.T) {
	_, conn := start(t, func(method string, _ []byte) (string, []string) {
		if method == "initialize" {
			return initResult, nil
		}
		if method == "boom" {
			return "!exploded", nil
		}
		return "", nil // silence
	})
	cl, err := Connect(context.Background(), conn, &Options{Timeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	if _, err := cl.Call(context.Background(), "silent", nil); err == nil || !strings.Contains(err.Error(), "no answer within") {
		t.Errorf("silence: %v", err)
	}
	_, err = cl.Call(context.Background(), "boom", nil)
	var se *Error
	if !asError(err, &se) || se.Code != -32000 || se.Message != "exploded" {
		t.Errorf("server error: %v", err)
	}
}

func TestServerGoneDuringHandshake(t *testing.T) {
	a, b := transport.Pipe()
	go func() {
		b.Read()
		b.Close()
	}()
	_, err := Connect(context.Background(), a, &Options{Timeout: 5 * time.Second})
	if err == nil || !strings.Contains(err.Error(), "initialize") {
		t.Errorf("err = %v", err)
	}
}

func asError(err error, target **Error) bool {
	e, ok := err.(*Error)
	if ok {
		*target = e
	}
	return ok && e != nil
}
