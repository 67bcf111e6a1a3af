package jsonrpc

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"runtime"
	"strings"
	"sync"
	"testing"
	"testing/iotest"
)

// item is what Reader.Next should return for one line: the trimmed line, or
// a TooLargeError of the given size and prefix.
type item struct {
	line     string
	tooLarge bool
	size     int64
	prefix   string
}

// referenceItems is the specification of Reader as a slow, obviously correct
// function: lines end at '\n'; a line longer than max (counting everything
// but the '\n', so a CR counts) is too large; other lines are trimmed of
// JSON whitespace and skipped when blank; a final line without '\n' counts.
func referenceItems(data []byte, max int) []item {
	var items []item
	for len(data) > 0 {
		line := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			data = nil
		}
		if len(line) > max {
			items = append(items, item{tooLarge: true, size: int64(len(line)), prefix: string(line[:min(len(line), prefixKeep)])})
			continue
		}
		if t := trimSpace(line); len(t) > 0 {
			items = append(items, item{line: string(t)})
		}
	}
	return items
}

// readAll reads r to the end (or to an error other than TooLargeError) and
// returns the items it produced.
func readAll(r *Reader) ([]item, error) {
	var items []item
	for {
		line, err := r.Next()
		var tl *TooLargeError
		switch {
		case err == nil:
			items = append(items, item{line: string(line)})
		case errors.As(err, &tl):
			if !errors.Is(err, ErrTooLarge) {
				return items, fmt.Errorf("TooLargeError does not unwrap to ErrTooLarge")
			}
			items = append(items, item{tooLarge: true, size: tl.Size, prefix: string(tl.Prefix)})
		case err == io.EOF:
			return items, nil
		default:
			return items, err
		}
	}
}

func diffItems(got, want []item) string {
	show := func(it item) string {
		if it.tooLarge {
			return fmt.Sprintf("TooLarge(size %d, %d-byte prefix ending %q)", it.size, len(it.prefix), it.prefix[max(0, len(it.prefix)-8):])
		}
		return fmt.Sprintf("%.40q (%d bytes)", it.line, len(it.line))
	}
	for i := 0; i < max(len(got), len(want)); i++ {
		switch {
		case i >= len(got):
			return fmt.Sprintf("item %d missing, want %s", i, show(want[i]))
		case i >= len(want):
			return fmt.Sprintf("extra item %d: %s", i, show(got[i]))
		case got[i] != want[i]:
			return fmt.Sprintf("item %d: got %s, want %s", i, show(got[i]), show(want[i]))
		}
	}
	return ""
}

// splitReader returns its data in chunks of random sizes.
type splitReader struct {
	data []byte
	rng  *rand.Rand
	max  int
}

func (s *splitReader) Read(p []byte) (int, error) {
	if len(s.data) == 0 {
		return 0, io.EOF
	}
	n := min(len(p), len(s.data), 1+s.rng.IntN(s.max))
	copy(p, s.data[:n])
	s.data = s.data[n:]
	return n, nil
}

// readers returns differently chunked readers of data.
func readers(data []byte, seed uint64) map[string]io.Reader {
	return map[string]io.Reader{
		"whole":     bytes.NewReader(data),
		"one byte":  iotest.OneByteReader(bytes.NewReader(data)),
		"half":      iotest.HalfReader(bytes.NewReader(data)),
		"data+EOF":  iotest.DataErrReader(bytes.NewReader(data)),
		"split 7":   &splitReader{data: data, rng: rand.New(rand.NewPCG(seed, 1)), max: 7},
		"split 64K": &splitReader{data: data, rng: rand.New(rand.NewPCG(seed, 2)), max: 70000},
	}
}

// msg returns a JSON-RPC request line of exactly n bytes (n >= 60) with the
// given id.
func msg(id, n int) string {
	head := fmt.Sprintf(`{"jsonrpc":"2.0","id":%d,"method":"m","params":{"p":"`, id)
	const tail = `"}}`
	return head + strings.Repeat("x", n-len(head)-len(tail)) + tail
}

func TestReaderFraming(t *testing.T) {
	stream := strings.Join([]string{
		`{"jsonrpc":"2.0","id":1,"method":"a"}`,
		"",
		"   ",
		"\t\r",
		`{"jsonrpc":"2.0","id":2,"method":"b"}` + "\r",
		"  " + `{"jsonrpc":"2.0","method":"c"}` + " \t",
		"\r",
		`not json is still a line`,
		`{"jsonrpc":"2.0","id":3,"result":{}}`,
	}, "\n")
	want := []item{
		{line: `{"jsonrpc":"2.0","id":1,"method":"a"}`},
		{line: `{"jsonrpc":"2.0","id":2,"method":"b"}`},
		{line: `{"jsonrpc":"2.0","method":"c"}`},
		{line: `not json is still a line`},
		{line: `{"jsonrpc":"2.0","id":3,"result":{}}`},
	}
	for _, tail := range []string{"", "\n", "\r\n", "\n\n  \n"} {
		data := []byte(stream + tail)
		if d := diffItems(referenceItems(data, DefaultMaxMessageBytes), want); d != "" {
			t.Fatalf("reference model: %s", d)
		}
		for name, rd := range readers(data, 1) {
			got, err := readAll(NewReader(rd, 0))
			if err != nil {
				t.Errorf("tail %q, %s: %v", tail, name, err)
			}
			if d := diffItems(got, want); d != "" {
				t.Errorf("tail %q, %s: %s", tail, name, d)
			}
		}
	}
	for _, empty := range []string{"", "\n", "\r\n", " \n\t\n", "\r"} {
		got, err := readAll(NewReader(strings.NewReader(empty), 0))
		if err != nil || len(got) != 0 {
			t.Errorf("stream %q: %v, %v", empty, got, err)
		}
	}
}

// TestReaderLimit checks every path of the reader (line in the buffer, line
// assembled in the side buffer, last line without newline) at the limit and
// one byte either side of it.
func TestReaderLimit(t *testing.T) {
	for _, max := range []int{70, 100, 4095, 4096, 4097, readBufferSize - 1, readBufferSize, readBufferSize + 1, 2*readBufferSize + 3, 300000} {
		var sizes []int
		for _, s := range []int{max - 1, max, max + 1, max + 2, readBufferSize - 1, readBufferSize, readBufferSize + 1, 3*readBufferSize + 17} {
			if s >= 60 {
				sizes = append(sizes, s)
			}
		}
		for _, size := range sizes {
			for _, term := range []string{"\n", "\r\n", ""} {
				line := msg(size, size)
				data := []byte(line + term + msg(1, 70) + "\n")
				if term == "" { // the big line is the last one
					data = []byte(msg(1, 70) + "\n" + line)
				}
				want := referenceItems(data, max)
				got, err := readAll(NewReader(bytes.NewReader(data), max))
				if err != nil {
					t.Fatalf("max %d, line %d%q: %v", max, size, term, err)
				}
				if d := diffItems(got, want); d != "" {
					t.Errorf("max %d, line %d%q: %s", max, size, term, d)
				}
				split := &splitReader{data: data, rng: rand.New(rand.NewPCG(uint64(max), uint64(size))), max: 5000}
				got2, err := readAll(NewReader(split, max))
				if d := diffItems(got2, want); err != nil || d != "" {
					t.Errorf("max %d, line %d%q, split reads: %v %s", max, size, term, err, d)
				}
				// The id of an oversize line can be recovered from its prefix.
				for _, it := range got {
					if it.tooLarge {
						if id := RecoverID([]byte(it.prefix)); string(id) != fmt.Sprint(size) {
							t.Errorf("max %d, line %d%q: recovered id %q", max, size, term, id)
						}
					}
				}
			}
		}
	}
}

// TestReaderLimitCountsCR pins that the CR of a CRLF counts toward the
// limit, in both the buffered and the assembled path.
func TestReaderLimitCountsCR(t *testing.T) {
	for _, max := range []int{100, 200000} {
		line := msg(1, max)
		got, _ := readAll(NewReader(strings.NewReader(line+"\n"), max))
		if len(got) != 1 || got[0].tooLarge {
			t.Errorf("max %d: line of max bytes refused: %v", max, got)
		}
		got, _ = readAll(NewReader(strings.NewReader(line+"\r\n"), max))
		if len(got) != 1 || !got[0].tooLarge || got[0].size != int64(max+1) {
			t.Errorf("max %d: line of max bytes plus CR: %v", max, got)
		}
	}
}

func TestReaderDefaultLimit(t *testing.T) {
	for _, max := range []int{0, -1} {
		if r := NewReader(strings.NewReader(""), max); r.max != DefaultMaxMessageBytes {
			t.Errorf("NewReader(max %d) limit %d", max, r.max)
		}
	}
	if DefaultMaxMessageBytes != 10<<20 {
		t.Errorf("DefaultMaxMessageBytes = %d", DefaultMaxMessageBytes)
	}
}

// repeatReader yields n copies of b, without holding them.
type repeatReader struct {
	b byte
	n int64
}

func (r *repeatReader) Read(p []byte) (int, error) {
	if r.n == 0 {
		return 0, io.EOF
	}
	k := min(int64(len(p)), r.n)
	for i := range p[:k] {
		p[i] = r.b
	}
	r.n -= k
	return int(k), nil
}

// TestReaderOversizeIsDrained sends a line many times the limit and checks
// that the reader neither buffers it whole nor loses the next line.
func TestReaderOversizeIsDrained(t *testing.T) {
	const max = 1 << 20
	const big = 16 << 20
	head := `{"jsonrpc":"2.0","id":"big-1","method":"tools/call","params":{"data":"`
	for _, last := range []bool{false, true} {
		parts := []io.Reader{
			strings.NewReader(head),
			&repeatReader{b: 'x', n: big},
		}
		if !last {
			parts = append(parts, strings.NewReader("\"}}\n"+msg(2, 100)+"\n"))
		}
		r := NewReader(io.MultiReader(parts...), max)
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		_, err := r.Next()
		runtime.ReadMemStats(&after)
		var tl *TooLargeError
		if !errors.As(err, &tl) {
			t.Fatalf("last %v: Next = %v, want TooLargeError", last, err)
		}
		want := int64(len(head) + big)
		if !last {
			want += 3
		}
		if tl.Size != want || tl.Limit != max || len(tl.Prefix) != prefixKeep {
			t.Errorf("last %v: TooLargeError{Size %d, Limit %d, %d prefix bytes}, want size %d", last, tl.Size, tl.Limit, len(tl.Prefix), want)
		}
		if got := tl.Error(); got != fmt.Sprintf("message of %d bytes exceeds the limit of %d bytes", want, max) {
			t.Errorf("Error() = %q", got)
		}
		if id := RecoverID(tl.Prefix); string(id) != `"big-1"` {
			t.Errorf("RecoverID(prefix) = %q", id)
		}
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 8*max {
			t.Errorf("draining a %d MiB line allocated %d bytes", big>>20, alloc)
		} else {
			t.Logf("draining a %d MiB line with a %d MiB limit allocated %d bytes", big>>20, max>>20, alloc)
		}
		line, err := r.Next()
		if last {
			if err != io.EOF {
				t.Errorf("after an oversize last line: %q, %v", line, err)
			}
			continue
		}
		if err != nil || string(line) != msg(2, 100) {
			t.Errorf("line after the oversize one: %q, %v", line, err)
		}
		if line, err := r.Next(); err != io.EOF {
			t.Errorf("end: %q, %v", line, err)
		}
	}
}

// TestReaderReusesSideBuffer checks that lines longer than the read buffer
// are assembled without allocating once the side buffer has grown.
func TestReaderReusesSideBuffer(t *testing.T) {
	for _, size := range []int{100, 3 * readBufferSize} {
		line := []byte(msg(1, size) + "\n")
		r := NewReader(&cycleReader{data: line}, 0)
		if _, err := r.Next(); err != nil {
			t.Fatal(err)
		}
		allocs := testing.AllocsPerRun(50, func() {
			got, err := r.Next()
			if err != nil || len(got) != size {
				t.Fatalf("Next = %d bytes, %v", len(got), err)
			}
		})
		if allocs != 0 {
			t.Errorf("line of %d bytes: %v allocations per Next", size, allocs)
		}
	}
}

// cycleReader repeats data forever.
type cycleReader struct {
	data []byte
	off  int
}

func (c *cycleReader) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		k := copy(p[n:], c.data[c.off:])
		n += k
		c.off = (c.off + k) % len(c.data)
	}
	return n, nil
}

func TestReaderReadError(t *testing.T) {
	boom := errors.New("boom")
	for _, tc := range []struct {
		name   string
		stream string
		max    int
		want   []item
	}{
		{"between lines", msg(1, 80) + "\n", 0, []item{{line: msg(1, 80)}}},
		{"inside a short line", msg(1, 80) + "\n{\"jsonrpc\"", 0, []item{{line: msg(1, 80)}}},
		{"inside a long line", msg(1, 80) + "\n" + msg(2, 3*readBufferSize), 0, []item{{line: msg(1, 80)}}},
		{"inside an oversize line", msg(1, 80) + "\n" + msg(2, 3*readBufferSize), 2 * readBufferSize, []item{{line: msg(1, 80)}}},
	} {
		r := NewReader(io.MultiReader(strings.NewReader(tc.stream), iotest.ErrReader(boom)), tc.max)
		got, err := readAll(r)
		if !errors.Is(err, boom) {
			t.Errorf("%s: error %v, want boom", tc.name, err)
		}
		if d := diffItems(got, tc.want); d != "" {
			t.Errorf("%s: %s", tc.name, d)
		}
	}
}

func TestReaderBuffered(t *testing.T) {
	r := NewReader(strings.NewReader("{\"a\":1}\n{\"b\":2}\n"), 0)
	if n := r.Buffered(); n != 0 {
		t.Errorf("Buffered before reading = %d", n)
	}
	if _, err := r.Next(); err != nil {
		t.Fatal(err)
	}
	if n := r.Buffered(); n != len("{\"b\":2}\n") {
		t.Errorf("Buffered after one line = %d", n)
	}
	if _, err := r.Next(); err != nil {
		t.Fatal(err)
	}
	if n := r.Buffered(); n != 0 {
		t.Errorf("Buffered at the end = %d", n)
	}
}

func TestRecoverID(t *testing.T) {
	for _, tc := range []struct {
		prefix, want string
	}{
		{`{"jsonrpc":"2.0","id":1,"method":"m","params":{"x":"`, `1`},
		{`{"id":"abc",`, `"abc"`},
		{`{"id":"abc"}`, `"abc"`},
		{` { "jsonrpc" : "2.0" , "id" : -42 , "params":`, `-42`},
		{`{"\u0069d":7,`, `7`},
		{`{"jsonrpc":"2.0","params":{"id":5},"id":6,`, `6`},
		{`{"jsonrpc":"2.0","id":123456789012345678901234567890,`, `123456789012345678901234567890`},
		{`{"id":"a\"b\u00e9",`, `"a\"b\u00e9"`},
		// An integer cut by the end of the prefix may be longer.
		{`{"jsonrpc":"2.0","id":12`, ``},
		{`{"jsonrpc":"2.0","id":12 `, ``},
		{`{"id":-`, ``},
		{`{"id":"abc`, ``},
		{`{"id":"abc"`, ``},
		// Not string or integer.
		{`{"id":null,`, ``},
		{`{"id":1.5,`, ``},
		{`{"id":1e3,`, ``},
		{`{"id":true,`, ``},
		{`{"id":{"a":1},`, ``},
		{`{"id":[1],`, ``},
		// The id is echoed back: it must be valid UTF-8.
		{"{\"id\":\"\xff\",", ``},
		{"{\"id\":\"ok\xc3\",", ``},
		// No id before the cut, or not an object.
		{`{"jsonrpc":"2.0","method":"m","params":{"id":1,`, ``},
		{`{"ID":1,`, ``},
		{`{"id" 1,`, ``},
		{`{"a":1 "id":2,`, ``},
		{`{"id":01,`, ``},
		{`[{"id":1}]`, ``},
		{`"id"`, ``},
		{``, ``},
		{`{`, ``},
		{`{}`, ``},
	} {
		got := RecoverID([]byte(tc.prefix))
		if string(got) != tc.want || (got == nil) != (tc.want == "") {
			t.Errorf("RecoverID(%q) = %q, want %q", tc.prefix, got, tc.want)
		}
	}
	// The result is a copy.
	p := []byte(`{"id":"abc",`)
	id := RecoverID(p)
	copy(p, "XXXXXXXXXXXX")
	if string(id) != `"abc"` {
		t.Errorf("RecoverID aliases its input: %q", id)
	}
}

func TestWriter(t *testing.T) {
	var out bytes.Buffer
	w := NewWriter(&out)
	if err := w.Write([]byte(`{"a":`), nil, []byte(`1}`)); err != nil {
		t.Fatal(err)
	}
	if out.Len() != 0 {
		t.Errorf("Write did not buffer: %q", out.String())
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil { // nothing buffered
		t.Fatal(err)
	}
	if err := w.WriteFlush([]byte(`{"b":2}`)); err != nil {
		t.Fatal(err)
	}
	big := msg(3, 5*readBufferSize)
	if err := w.WriteFlush([]byte(big[:10]), []byte(big[10:])); err != nil {
		t.Fatal(err)
	}
	if want := "{\"a\":1}\n{\"b\":2}\n" + big + "\n"; out.String() != want {
		t.Errorf("output %.80q..., want %.80q...", out.String(), want)
	}
}

// failWriter accepts n bytes, then fails.
type failWriter struct {
	n   int
	err error
}

func (f *failWriter) Write(p []byte) (int, error) {
	if len(p) <= f.n {
		f.n -= len(p)
		return len(p), nil
	}
	k := f.n
	f.n = 0
	return k, f.err
}

func TestWriterStickyError(t *testing.T) {
	boom := errors.New("boom")
	for _, big := range []bool{false, true} {
		w := NewWriter(&failWriter{n: 10, err: boom})
		var err error
		if big {
			err = w.Write([]byte(msg(1, 3*readBufferSize)))
		} else {
			if err = w.Write([]byte(msg(1, 100))); err != nil {
				t.Fatalf("buffered write failed early: %v", err)
			}
			err = w.Flush()
		}
		if !errors.Is(err, boom) {
			t.Errorf("big %v: first error %v", big, err)
		}
		if err := w.Write([]byte(`{}`)); !errors.Is(err, boom) {
			t.Errorf("big %v: Write after failure = %v", big, err)
		}
		if err := w.Flush(); !errors.Is(err, boom) {
			t.Errorf("big %v: Flush after failure = %v", big, err)
		}
		if err := w.WriteFlush([]byte(`{}`)); !errors.Is(err, boom) {
			t.Errorf("big %v: WriteFlush after failure = %v", big, err)
		}
	}
}

// TestWriterConcurrent writes from many goroutines and checks that every
// message arrives whole, on its own line.
func TestWriterConcurrent(t *testing.T) {
	var out bytes.Buffer
	w := NewWriter(&out)
	const writers, each = 8, 200
	var wg sync.WaitGroup
	for g := 0; g < writers; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				size := 60 + (i*37)%500
				if i%50 == 0 {
					size = 2*readBufferSize + i
				}
				m := []byte(msg(g*each+i, size))
				b, id, a := m[:20], m[20:40], m[40:]
				var err error
				if i%10 == 0 {
					err = w.WriteFlush(b, id, a)
				} else {
					err = w.Write(b, id, a)
				}
				if err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	seen := make(map[string]bool)
	got, err := readAll(NewReader(&out, 0))
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range got {
		m, err := Decode([]byte(it.line))
		if err != nil {
			t.Fatalf("interleaved output: %v", err)
		}
		seen[string(m.ID())] = true
	}
	if len(seen) != writers*each {
		t.Errorf("%d distinct messages, want %d", len(seen), writers*each)
	}
}

// TestWriterKeepsMessageOnOneLine checks that a message with line breaks in
// its whitespace (valid JSON, as it may arrive over HTTP) is written as one
// line: otherwise a peer that splits lines at LF, or at a lone CR as Python's
// universal newlines and Node's readline do, would read the part after the
// break as a separate message that ward never inspected.
func TestWriterKeepsMessageOnOneLine(t *testing.T) {
	smuggle := "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"x\":%s" +
		`{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"evil"}}` + "%s}"
	for _, brk := range []string{"\n", "\r", "\r\n", "\n\r\n \t"} {
		m, err := Decode([]byte(fmt.Sprintf(smuggle, brk, brk)))
		if err != nil {
			t.Fatal(err)
		}
		if m.Method != "ping" {
			t.Fatalf("decoded as %q", m.Method)
		}
		orig := string(m.Raw)
		var out bytes.Buffer
		w := NewWriter(&out)
		before, id, after := m.Pieces([]byte(`"w-1"`))
		if err := w.WriteFlush(before, id, after); err != nil {
			t.Fatal(err)
		}
		if string(m.Raw) != orig {
			t.Fatalf("Write modified the message it was given")
		}
		got := out.Bytes()
		if bytes.IndexByte(got, '\n') != len(got)-1 || bytes.IndexByte(got, '\r') >= 0 {
			t.Fatalf("break %q: written as %q", brk, got)
		}
		back, err := Decode(got)
		if err != nil || back.Method != "ping" || string(back.ID()) != `"w-1"` || !bytes.Equal(Member(back.Raw, "x"), Member(m.Raw, "x")) {
			t.Fatalf("break %q: written %q reads back as %v", brk, got, err)
		}
	}
}
