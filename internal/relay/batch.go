package relay

import (
	"context"

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
}

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
