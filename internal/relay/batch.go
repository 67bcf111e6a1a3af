package relay

import (
	"context"
	"fmt"

	"github.com/ward-mcp/ward/internal/jsonrpc"
	"github.com/ward-mcp/ward/internal/transport"
)

// batch collects the answers to a JSON-RPC batch so that its sender gets
// them back as one array, as JSON-RPC 2.0 requires. Its elements are
// inspected one by one and forwarded as single messages: MCP revisions from
// 2025-06-18 on have no batches, so a server is never sent one.
type batch struct {
	dst      transport.Conn // the side that sent the batch
	awaiting int            // forwarded requests not answered yet
	open     bool           // elements are still being dispatched
	parts    [][]byte
	size     int // bytes in parts
}

// MaxBatchAnswerBytes bounds the answers to one batch, which are kept until
// the last arrives and then sent as one array: an answer that would take
// them past it is replaced by an error for its request.
const MaxBatchAnswerBytes = 64 << 20

// MaxBatch is the most elements a batch may have. A longer one is refused
// whole with one error: every element gets an answer of its own, and
// without a limit a 10 MiB line of two-byte elements ("[1,1,…]") made ward
// build and send half a gigabyte of errors.
const MaxBatch = 1024

// handleBatch splits a batch travelling in dir and routes its elements.
func (r *Relay) handleBatch(ctx context.Context, l *loop, dir Direction, raw []byte) {
	elems, err := jsonrpc.SplitBatchMax(raw, MaxBatch)
	if err != nil {
		r.reject(dir, err, nil)
		return
	}
	b := &batch{dst: r.src(dir), open: true}
	var m jsonrpc.Message
	for _, e := range elems {
		if err := m.Decode(e); err != nil {
			r.reject(dir, err, b)
			continue
		}
		r.route(ctx, l, dir, &m, b)
	}
	r.mu.Lock()
	b.open = false
	done := b.awaiting == 0
	r.mu.Unlock()
	if done {
		r.sendBatch(b)
	}
}

// batchAdd adds an answer to b; answered says it settles a forwarded request.
// A nil msg settles a request that gets no answer (it was cancelled). The
// batch is sent when nothing more is awaited.
func (r *Relay) batchAdd(b *batch, msg []byte, answered bool) {
	r.mu.Lock()
	if msg != nil {
		b.parts = append(b.parts, msg)
		b.size += len(msg)
	}
	if answered {
		b.awaiting--
	}
	done := !b.open && b.awaiting == 0
	r.mu.Unlock()
	if done {
		r.sendBatch(b)
	}
}

// batchAnswer adds the peer's answer msg to the request p of a batch, or an
// error in its place when the batch's answers would grow past
// MaxBatchAnswerBytes.
func (r *Relay) batchAnswer(p *pending, msg []byte) {
	r.mu.Lock()
	over := p.batch.size+len(msg) > MaxBatchAnswerBytes
	r.mu.Unlock()
	if over {
		reason := fmt.Sprintf("ward: an answer of %d bytes would take the answers to this batch past %d bytes; send the request on its own",
			len(msg), MaxBatchAnswerBytes)
		r.record(&Event{Dir: reverse(p.dir), Method: p.method, Kind: ItemKind(p.method), Name: p.name,
			Decision: "error", Rule: "protocol.too-large", Reason: reason})
		msg = jsonrpc.AppendError(nil, p.peerID, jsonrpc.CodeTooLarge, reason, nil)
	}
	r.batchAdd(p.batch, msg, true)
}

func (r *Relay) sendBatch(b *batch) {
	if len(b.parts) == 0 {
		return // only notifications and responses: nothing to answer
	}
	size := 2
	for _, p := range b.parts {
		size += len(p) + 1
	}
	out := make([]byte, 0, size)
	out = append(out, '[')
	for i, p := range b.parts {
		if i > 0 {
			out = append(out, ',')
		}
		out = append(out, p...)
	}
	out = append(out, ']')
	_ = writeFlush(b.dst, out)
}
