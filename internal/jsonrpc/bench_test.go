package jsonrpc

import (
	"fmt"
	"io"
	"strings"
	"testing"
)

// Run with:
//
//	go test -run '^$' -bench . -benchmem ./internal/jsonrpc

// toolsCall is a typical tools/call request of about 200 bytes.
const toolsCall = `{"jsonrpc":"2.0","id":42,"method":"tools/call","params":{"name":"read_file","arguments":{"path":"/home/user/project/src/main.go","encoding":"utf-8"},"_meta":{"progressToken":"tok-42"}}}`

// response returns a tools/call result of about n bytes.
func response(n int) []byte {
	head := `{"jsonrpc":"2.0","id":42,"result":{"content":[{"type":"text","text":"`
	const tail = `"}],"isError":false}}`
	var b strings.Builder
	b.WriteString(head)
	line := `package main // \"quoted\" \u00e9 text with escapes\n`
	for b.Len()+len(line)+len(tail) <= n {
		b.WriteString(line)
	}
	b.WriteString(strings.Repeat("x", n-b.Len()-len(tail)))
	b.WriteString(tail)
	return []byte(b.String())
}

func BenchmarkDecode(b *testing.B) {
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"tools-call-200B", []byte(toolsCall)},
		{"response-1KiB", response(1 << 10)},
		{"response-1MiB", response(1 << 20)},
	} {
		if _, err := Decode(tc.data); err != nil {
			b.Fatalf("%s: %v", tc.name, err)
		}
		b.Run(tc.name, func(b *testing.B) {
			b.SetBytes(int64(len(tc.data)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Decode(tc.data); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(tc.name+"-reused", func(b *testing.B) {
			b.SetBytes(int64(len(tc.data)))
			b.ReportAllocs()
			var m Message
			for b.Loop() {
				if err := m.Decode(tc.data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkAppendNewID(b *testing.B) {
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"tools-call-200B", []byte(toolsCall)},
		{"response-1MiB", response(1 << 20)},
	} {
		m, err := Decode(tc.data)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(tc.name, func(b *testing.B) {
			b.SetBytes(int64(len(tc.data)))
			b.ReportAllocs()
			dst := make([]byte, 0, len(tc.data)+32)
			id := []byte(`"ward-000000000017"`)
			for b.Loop() {
				dst = m.Append(dst[:0], Edit{ID: id})
			}
		})
	}
}

// BenchmarkReaderNext reads a stream of small lines.
func BenchmarkReaderNext(b *testing.B) {
	var stream strings.Builder
	for i := 0; i < 64; i++ {
		fmt.Fprintf(&stream, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\",\"params\":{\"progressToken\":%d,\"progress\":%d}}\n", i, i*3)
	}
	data := []byte(stream.String())
	r := NewReader(&cycleReader{data: data}, 0)
	b.SetBytes(int64(len(data) / 64))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.Next(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRelay1MiB is the relay's path for one large message: Reader.Next,
// Decode, then Writer.Write of the Pieces with a new id, to io.Discard. In
// steady state the side buffer of the Reader is reused, so the message costs
// no allocation; its bytes are copied from the source into the read buffer,
// then into the side buffer, and the Writer passes the large piece through.
func BenchmarkRelay1MiB(b *testing.B) {
	line := append(response(1<<20), '\n')
	r := NewReader(&cycleReader{data: line}, 0)
	w := NewWriter(io.Discard)
	newID := []byte(`"ward-000000000017"`)
	var m Message
	b.SetBytes(int64(len(line)))
	b.ReportAllocs()
	for b.Loop() {
		raw, err := r.Next()
		if err != nil {
			b.Fatal(err)
		}
		if err := m.Decode(raw); err != nil {
			b.Fatal(err)
		}
		before, id, after := m.Pieces(newID)
		if err := w.Write(before, id, after); err != nil {
			b.Fatal(err)
		}
		if err := w.Flush(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRelay1MiBNoDecode is BenchmarkRelay1MiB without Decode: the
// framing and copying alone.
func BenchmarkRelay1MiBNoDecode(b *testing.B) {
	line := append(response(1<<20), '\n')
	r := NewReader(&cycleReader{data: line}, 0)
	w := NewWriter(io.Discard)
	b.SetBytes(int64(len(line)))
	b.ReportAllocs()
	for b.Loop() {
		raw, err := r.Next()
		if err != nil {
			b.Fatal(err)
		}
		if err := w.Write(raw); err != nil {
			b.Fatal(err)
		}
		if err := w.Flush(); err != nil {
			b.Fatal(err)
		}
	}
}

// TestRelay1MiBAllocs turns the benchmark's claim into a test: once the
// side buffer has grown, relaying a 1 MiB message allocates nothing.
func TestRelay1MiBAllocs(t *testing.T) {
	line := append(response(1<<20), '\n')
	r := NewReader(&cycleReader{data: line}, 0)
	w := NewWriter(io.Discard)
	newID := []byte(`7`)
	var m Message
	relay := func() {
		raw, err := r.Next()
		if err != nil {
			t.Fatal(err)
		}
		if err := m.Decode(raw); err != nil {
			t.Fatal(err)
		}
		before, id, after := m.Pieces(newID)
		if err := w.WriteFlush(before, id, after); err != nil {
			t.Fatal(err)
		}
	}
	relay()
	if n := testing.AllocsPerRun(5, relay); n != 0 {
		t.Errorf("relaying a 1 MiB message allocates %v times", n)
	}
}

// BenchmarkDuplicateName measures DuplicateName, the validating scan with
// the duplicate check that Decode does in its one pass.
func BenchmarkDuplicateName(b *testing.B) {
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"tools-call-200B", []byte(toolsCall)},
		{"response-1MiB", response(1 << 20)},
	} {
		b.Run(tc.name, func(b *testing.B) {
			b.SetBytes(int64(len(tc.data)))
			b.ReportAllocs()
			for b.Loop() {
				if _, found := DuplicateName(tc.data); found {
					b.Fatal("duplicate")
				}
			}
		})
	}
}

// TestDecodeAllocs guards the allocation budget of Decode: none for a
// request with one of MCP's methods, or for a response.
func TestDecodeAllocs(t *testing.T) {
	var m Message
	data := []byte(toolsCall)
	if n := testing.AllocsPerRun(100, func() {
		if err := m.Decode(data); err != nil {
			t.Fatal(err)
		}
	}); n != 0 {
		t.Errorf("Decode of a tools/call request allocates %v times", n)
	}
	resp := response(1 << 10)
	if n := testing.AllocsPerRun(100, func() {
		if err := m.Decode(resp); err != nil {
			t.Fatal(err)
		}
	}); n != 0 {
		t.Errorf("Decode of a response allocates %v times", n)
	}
}
