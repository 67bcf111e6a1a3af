package jsonl

import (
	"context"
	"fmt"
	"io"

	"github.com/ward-mcp/ward/internal/audit"
)

// Export writes the events of s that match f to w in the stored form, one
// a line. When f selects every record (the zero Filter), the store's
// checkpoints go with them, each after the record it covers, so that the
// copy is a JSON Lines log that ward audit verify --key checks as it does
// the store: a copy cut or rewritten afterwards is then caught. (Without
// them, a whole copy verified as intact whatever was done to it.) A
// filtered export is a selection, not a chain, and has none. Export
// returns the number of events written.
func Export(ctx context.Context, s audit.Store, f audit.Filter, w io.Writer) (int, error) {
	bySeq := map[uint64][]audit.Checkpoint{}
	var cps []audit.Checkpoint
	if f == (audit.Filter{}) {
		var err error
		if cps, err = s.Checkpoints(ctx); err != nil {
			return 0, err
		}
		for _, c := range cps {
			bySeq[c.Seq] = append(bySeq[c.Seq], c)
		}
	}
	written := map[uint64]bool{}
	writeCheckpoints := func(cs []audit.Checkpoint) error {
		for i := range cs {
			b, err := audit.Marshal(checkpointLine{Checkpoint: &cs[i]})
			if err != nil {
				return fmt.Errorf("export checkpoint at seq %d: %w", cs[i].Seq, err)
			}
			if _, err := w.Write(append(b, '\n')); err != nil {
				return err
			}
		}
		return nil
	}
	n := 0
	var buf []byte
	for e, err := range s.Query(ctx, f) {
		if err != nil {
			return n, err
		}
		if buf, err = audit.AppendStored(buf[:0], &e); err != nil {
			return n, err
		}
		if _, err := w.Write(append(buf, '\n')); err != nil {
			return n, err
		}
		n++
		if cs := bySeq[e.Seq]; len(cs) > 0 && !written[e.Seq] {
			written[e.Seq] = true
			if err := writeCheckpoints(cs); err != nil {
				return n, err
			}
		}
	}
	// Checkpoints of records the store no longer holds: verify says so.
	var rest []audit.Checkpoint
	for _, c := range cps {
		if !written[c.Seq] {
			rest = append(rest, c)
		}
	}
	return n, writeCheckpoints(rest)
}
