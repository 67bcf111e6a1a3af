package jsonl

import (
	"bytes"
	"testing"

	"github.com/ward-mcp/ward/internal/audit"
	"github.com/ward-mcp/ward/internal/audit/audittest"
)

func FuzzDecodeEvent(f *testing.F) {
	h := audit.EmptyHead()
	for _, e := range audittest.Sample(4) {
		h.Seal(&e)
		b, _ := audit.Marshal(&e)
		f.Add(b)
	}
	f.Add([]byte(`{"schema":1,"SEQ":1}`))
	f.Add([]byte(`{"checkpoint":{}}`))
	f.Fuzz(func(t *testing.T, line []byte) {
		e, err := decodeEvent(line)
		if err != nil {
			return
		}
		// A line that decodes is exactly ward's encoding of what it decoded to.
		again, err := audit.Marshal(&e)
		if err != nil || !bytes.Equal(again, line) {
			t.Fatalf("decoded %q, which re-encodes as %q", line, again)
		}
	})
}
