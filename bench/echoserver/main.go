// Command echoserver is a small, fast MCP server over stdio for ward's
// end-to-end benchmark. It speaks newline-delimited JSON-RPC 2.0 and knows
// initialize, notifications/initialized, ping, tools/list (one tool, "echo")
// and tools/call of echo, which returns its "text" argument as text content.
//
// It is deliberately hand-rolled on encoding/json and bufio so that the server
// costs as little as possible and the benchmark measures the path between the
// client and the server: responses are buffered and flushed only when no more
// input is waiting, so that pipelined requests are answered in batches.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
)

// maxLine bounds one request line; longer lines end the server.
const maxLine = 64 << 20

func main() {
	if len(os.Args) > 1 {
		fmt.Fprintln(os.Stderr, "usage: echoserver (speaks MCP on stdin/stdout; no arguments)")
		os.Exit(2)
	}
	if err := serve(os.Stdin, os.Stdout); err != nil {
		fmt.Fprintf(os.Stderr, "echoserver: %v\n", err)
		os.Exit(1)
	}
}

// request is the part of a JSON-RPC request the server reads.
type request struct {
	JSONRPC string          `json:"jsonrpc"`
	ID      json.RawMessage `json:"id"`
	Method  string          `json:"method"`
	Params  json.RawMessage `json:"params"`
}

// serve answers requests read from r on w until r ends.
func serve(r io.Reader, w io.Writer) error {
	br := bufio.NewReaderSize(r, 64<<10)
	bw := bufio.NewWriterSize(w, 64<<10)
	var long []byte // a line longer than br's buffer, assembled here
	for {
		line, err := br.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			long = append(long[:0], line...)
			for errors.Is(err, bufio.ErrBufferFull) {
				line, err = br.ReadSlice('\n')
				long = append(long, line...)
				if len(long) > maxLine {
					return fmt.Errorf("request line longer than %d bytes", maxLine)
				}
			}
			line = long
		}
		if len(bytes.TrimSpace(line)) > 0 {
			if herr := handle(bw, line); herr != nil {
				return herr
			}
		}
		if err != nil {
			if errors.Is(err, io.EOF) {
				return bw.Flush()
			}
			return fmt.Errorf("read request: %w", err)
		}
		if br.Buffered() == 0 {
			if err := bw.Flush(); err != nil {
				return fmt.Errorf("write response: %w", err)
			}
		}
	}
}

// handle answers one request line. Notifications get no answer.
func handle(w *bufio.Writer, line []byte) error {
	var req request
	if err := json.Unmarshal(line, &req); err != nil {
		return writeError(w, []byte("null"), -32700, "parse error: "+err.Error())
	}
	if len(req.ID) == 0 {
		return nil // a notification, such as notifications/initialized
	}
	if req.JSONRPC != "2.0" || req.Method == "" {
		return writeError(w, req.ID, -32600, "invalid request")
	}
	switch req.Method {
	case "initialize":
		return writeResult(w, req.ID, initializeResult(req.Params))
	case "ping":
		return writeResult(w, req.ID, []byte(`{}`))
	case "tools/list":
		return writeResult(w, req.ID, toolsList)
	case "tools/call":
		return callTool(w, req.ID, req.Params)
	default:
		return writeError(w, req.ID, -32601, "method not found: "+req.Method)
	}
}

// supported lists the protocol revisions the server accepts; it answers any
// other requested revision with the newest one, as the specification says.
var supported = []string{"2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"}

func initializeResult(params json.RawMessage) []byte {
	var p struct {
		ProtocolVersion string `json:"protocolVersion"`
	}
	version := supported[0]
	if json.Unmarshal(params, &p) == nil {
		for _, v := range supported {
			if v == p.ProtocolVersion {
				version = v
			}
		}
	}
	return fmt.Appendf(nil, `{"protocolVersion":%q,"capabilities":{"tools":{}},"serverInfo":{"name":"ward-bench-echo","version":"1.0.0"}}`, version)
}

var toolsList = []byte(`{"tools":[{"name":"echo","description":"Returns its text argument.","inputSchema":{"type":"object","properties":{"text":{"type":"string"}},"required":["text"]}}]}`)

func callTool(w *bufio.Writer, id json.RawMessage, params json.RawMessage) error {
	var p struct {
		Name      string `json:"name"`
		Arguments struct {
			Text *string `json:"text"`
		} `json:"arguments"`
	}
	if err := json.Unmarshal(params, &p); err != nil {
		return writeError(w, id, -32602, "invalid params: "+err.Error())
	}
	if p.Name != "echo" {
		return writeError(w, id, -32602, "unknown tool: "+p.Name)
	}
	if p.Arguments.Text == nil {
		return writeError(w, id, -32602, "echo needs a text argument")
	}
	text, err := json.Marshal(*p.Arguments.Text)
	if err != nil {
		return fmt.Errorf("encode echo text: %w", err)
	}
	w.WriteString(`{"jsonrpc":"2.0","id":`)
	w.Write(id)
	w.WriteString(`,"result":{"content":[{"type":"text","text":`)
	w.Write(text)
	_, err = w.WriteString("}]}}\n")
	return err
}

func writeResult(w *bufio.Writer, id json.RawMessage, result []byte) error {
	w.WriteString(`{"jsonrpc":"2.0","id":`)
	w.Write(id)
	w.WriteString(`,"result":`)
	w.Write(result)
	_, err := w.WriteString("}\n")
	return err
}

func writeError(w *bufio.Writer, id json.RawMessage, code int, msg string) error {
	m, err := json.Marshal(msg)
	if err != nil {
		return fmt.Errorf("encode error message: %w", err)
	}
	_, err = fmt.Fprintf(w, `{"jsonrpc":"2.0","id":%s,"error":{"code":%d,"message":%s}}`+"\n", id, code, m)
	return err
}
