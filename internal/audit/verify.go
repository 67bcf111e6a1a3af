package audit

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"sort"
)

// ProblemKind names what Verify found wrong with a record.
type ProblemKind string

// Kinds of problems Verify reports.
const (
	// Modified: the record's content does not match its hash, or the chain
	// was rewritten under a signed checkpoint.
	Modified ProblemKind = "modified"
	// Unreadable: the record could not be decoded at all.
	Unreadable ProblemKind = "unreadable"
	// Removed: records are missing from the middle of the chain.
	Removed ProblemKind = "removed"
	// Inserted: a record that is not part of the chain was added.
	Inserted ProblemKind = "inserted"
	// Reordered: a record is stored out of its chain position.
	Reordered ProblemKind = "reordered"
	// Truncated: records after the end of the log were covered by a signed
	// checkpoint and are gone.
	Truncated ProblemKind = "truncated"
	// BadCheckpoint: a checkpoint's signature does not verify.
	BadCheckpoint ProblemKind = "bad-checkpoint"
	// BadIndex: an index a store keeps beside its records (the SQLite
	// store's block ranges) does not match the records it describes; such
	// an edit leaves the chain intact but hides records from filtered
	// queries (ward audit list --since).
	BadIndex ProblemKind = "bad-index"
)

// Problem is one defect Verify found.
type Problem struct {
	// Kind classifies the defect.
	Kind ProblemKind `json:"kind"`
	// Seq is the sequence number of the record concerned (the first missing
	// one for Removed and Truncated), 0 if unknown.
	Seq uint64 `json:"seq,omitempty"`
	// Position is where the record is stored (line or row, from 1), 0 if it
	// is not stored.
	Position int64 `json:"position,omitempty"`
	// Detail says what exactly is wrong, in a sentence.
	Detail string `json:"detail"`
}

func (p Problem) String() string { return fmt.Sprintf("%s: %s", p.Kind, p.Detail) }

// Report is the outcome of Verify.
type Report struct {
	// Records is the number of readable records.
	Records int `json:"records"`
	// LastSeq and LastHash are the head of the chain as stored.
	LastSeq  uint64 `json:"last_seq"`
	LastHash string `json:"last_hash,omitempty"`
	// Checkpoints is the number of stored checkpoints.
	Checkpoints int `json:"checkpoints"`
	// CheckpointsVerified is false when no audit public key was given: the
	// checkpoints' signatures were not checked.
	CheckpointsVerified bool `json:"checkpoints_verified"`
	// KeyID identifies the key the checkpoints were checked with (KeyID).
	KeyID string `json:"key_id,omitempty"`
	// KeyBesideStore is set by the caller when that key was found beside
	// the store (ward proxy's own key): whoever can rewrite the store can
	// replace it, or read the private key beside it, and sign checkpoints
	// of a forged trail. The checkpoints then show accidental damage and
	// careless edits, not a deliberate one.
	KeyBesideStore bool `json:"key_beside_store,omitempty"`
	// LastCheckpoint is the highest sequence number covered by a checkpoint.
	LastCheckpoint uint64 `json:"last_checkpoint"`
	// Uncovered is the number of records after the last checkpoint. A cut
	// or a rewrite of those records (with a chain that holds together)
	// cannot be detected; a clean shutdown leaves none.
	Uncovered uint64 `json:"uncovered"`
	// Problems lists every defect found, in storage order.
	Problems []Problem `json:"problems"`
}

// OK reports whether the chain verified without problems.
func (r *Report) OK() bool { return len(r.Problems) == 0 }

type link struct {
	seq      uint64
	hash     string
	pos      int64
	damaged  bool // content did not match its hash: do not blame its successor
	prevHash string
}

type gap struct {
	from, to     uint64 // missing seqs are from+1 .. to-1
	fromHash     string
	toPrev       string
	beforePos    int64
	found        int
	reportedSeqs map[uint64]bool
}

// Verify walks every record of s in storage order and every checkpoint, and
// reports each defect: a record whose content does not match its hash, records
// removed, inserted or reordered, a checkpoint whose signature does not verify
// under pub or whose hash disagrees with the chain, and a tail cut below the
// last checkpoint. With pub nil, checkpoint signatures are not checked (the
// report says so). An error means the store could not be read at all.
func Verify(ctx context.Context, s Store, pub ed25519.PublicKey) (*Report, error) {
	rep := &Report{Problems: []Problem{}}
	cps, err := s.Checkpoints(ctx)
	if err != nil {
		return nil, fmt.Errorf("verify audit trail: %w", err)
	}
	rep.Checkpoints = len(cps)
	rep.CheckpointsVerified = pub != nil
	if pub != nil {
		rep.KeyID = KeyID(pub)
	}
	bySeq := map[uint64][]Checkpoint{}
	for _, c := range cps {
		if pub != nil {
			if err := c.Verify(pub); err != nil {
				rep.Problems = append(rep.Problems, Problem{Kind: BadCheckpoint, Seq: c.Seq, Detail: err.Error()})
				continue
			}
		}
		bySeq[c.Seq] = append(bySeq[c.Seq], c)
		rep.LastCheckpoint = max(rep.LastCheckpoint, c.Seq)
	}

	prev := link{seq: 0, hash: GenesisHash}
	// beforeBad is the last readable link before a run of unreadable
	// records, whose seqs Verify can only guess (prev counts them as the
	// next ones); nil when prev is readable.
	var beforeBad *link
	var alt *link   // a record with the same seq as prev, when one of them was inserted
	var gaps []*gap // holes in the sequence that a later record may fill
	seen := newRecent(recentWindow)
	cpMismatch := map[uint64]int{} // seq → index in rep.Problems
	var pos int64
	for e, err := range s.Query(ctx, Filter{}) {
		pos++
		if err != nil {
			var re *RecordError
			if !errors.As(err, &re) {
				return nil, fmt.Errorf("verify audit trail: %w", err)
			}
			rep.Problems = append(rep.Problems, Problem{Kind: Unreadable, Seq: prev.seq + 1, Position: re.Position,
				Detail: fmt.Sprintf("record at position %d (expected seq %d) cannot be read: %v", re.Position, prev.seq+1, re.Err)})
			// Treat it as the damaged next link so that its successor is not blamed too.
			if beforeBad == nil {
				b := prev
				beforeBad = &b
			}
			prev = link{seq: prev.seq + 1, pos: re.Position, damaged: true}
			alt = nil
			continue
		}
		rep.Records++
		cur := link{seq: e.Seq, hash: e.Hash, pos: pos, prevHash: e.PrevHash}
		if sum, herr := ChainHash(e.PrevHash, &e); herr != nil || sum != e.Hash {
			cur.damaged = true
			rep.Problems = append(rep.Problems, Problem{Kind: Modified, Seq: e.Seq, Position: pos,
				Detail: fmt.Sprintf("record seq %d at position %d does not match its hash: its content was changed", e.Seq, pos)})
		}
		if p, dup := seen.get(e.Seq); dup && e.Seq != prev.seq+1 && !isGapSeq(gaps, e.Seq) {
			c := cur
			alt = &c
			if i, ok := cpMismatch[e.Seq]; ok && !cur.damaged && matchesCheckpoint(bySeq[e.Seq], e.Hash) {
				// The first copy disagreed with the signed checkpoint and this
				// one agrees: the first copy is the inserted record.
				rep.Problems[i] = Problem{Kind: Inserted, Seq: e.Seq, Position: p,
					Detail: fmt.Sprintf("record at position %d claims seq %d, but the signed checkpoint covers the record at position %d: it was inserted", p, e.Seq, pos)}
				delete(cpMismatch, e.Seq)
				continue
			}
			rep.Problems = append(rep.Problems, Problem{Kind: Inserted, Seq: e.Seq, Position: pos,
				Detail: fmt.Sprintf("seq %d is stored twice (positions %d and %d): a record was inserted", e.Seq, p, pos)})
			continue
		}
		seen.put(e.Seq, pos)
		switch {
		case beforeBad != nil && e.Seq > beforeBad.seq && e.Seq <= prev.seq:
			// The unreadable records before this one were counted as the
			// next seqs, but some were lines added between records: this
			// record is where the chain expects it, and those lines were
			// reported already.
			if e.Seq == beforeBad.seq+1 && e.PrevHash != beforeBad.hash && !beforeBad.damaged && !cur.damaged {
				rep.Problems = append(rep.Problems, Problem{Kind: Modified, Seq: beforeBad.seq, Position: beforeBad.pos,
					Detail: fmt.Sprintf("record seq %d at position %d was replaced: the next record links to a different hash", beforeBad.seq, beforeBad.pos)})
			}
			prev, alt, beforeBad = cur, nil, nil
		case e.Seq == prev.seq+1:
			if e.PrevHash != prev.hash && !prev.damaged && !cur.damaged {
				if alt != nil && alt.hash == e.PrevHash {
					// The record kept as prev was the inserted one; the chain runs through alt.
					alt = nil
				} else {
					rep.Problems = append(rep.Problems, Problem{Kind: Modified, Seq: prev.seq, Position: prev.pos,
						Detail: fmt.Sprintf("record seq %d at position %d was replaced: the next record links to a different hash", prev.seq, prev.pos)})
				}
			}
			prev, alt, beforeBad = cur, nil, nil
		case e.Seq > prev.seq+1:
			gaps = append(gaps, &gap{from: prev.seq, to: e.Seq, fromHash: prev.hash, toPrev: e.PrevHash, beforePos: pos})
			prev, alt, beforeBad = cur, nil, nil
		default: // e.Seq <= prev.seq and not seen before: a hole filled late
			g := findGap(gaps, e.Seq)
			if g == nil {
				rep.Problems = append(rep.Problems, Problem{Kind: Inserted, Seq: e.Seq, Position: pos,
					Detail: fmt.Sprintf("record seq %d at position %d belongs nowhere in the chain: it was inserted", e.Seq, pos)})
				continue
			}
			g.found++
			if g.reportedSeqs == nil {
				g.reportedSeqs = map[uint64]bool{}
			}
			g.reportedSeqs[e.Seq] = true
			if g.to-g.from == 2 && !cur.damaged && (e.PrevHash != g.fromHash || e.Hash != g.toPrev) {
				rep.Problems = append(rep.Problems, Problem{Kind: Inserted, Seq: e.Seq, Position: pos,
					Detail: fmt.Sprintf("record seq %d at position %d does not fit between seq %d and seq %d: it was forged", e.Seq, pos, g.from, g.to)})
				continue
			}
			rep.Problems = append(rep.Problems, Problem{Kind: Reordered, Seq: e.Seq, Position: pos,
				Detail: fmt.Sprintf("record seq %d is stored at position %d, after seq %d: records were reordered", e.Seq, pos, prev.seq)})
		}
		if !cur.damaged {
			if cs := bySeq[e.Seq]; len(cs) > 0 && !matchesCheckpoint(cs, e.Hash) {
				cpMismatch[e.Seq] = len(rep.Problems)
				detail := fmt.Sprintf("record seq %d at position %d differs from the signed checkpoint: the chain was rewritten up to here", e.Seq, pos)
				if pub == nil {
					detail = fmt.Sprintf("record seq %d at position %d differs from a checkpoint whose signature was not checked: the chain was rewritten up to here, or the checkpoint was edited (give the audit key to tell)", e.Seq, pos)
				}
				rep.Problems = append(rep.Problems, Problem{Kind: Modified, Seq: e.Seq, Position: pos, Detail: detail})
			}
		}
	}
	rep.LastSeq, rep.LastHash = prev.seq, prev.hash
	for _, g := range gaps {
		// Counted, not listed: a seq edited to 2^62 opens a gap that
		// no list of its seqs would fit in.
		n := g.to - g.from - 1 - uint64(len(g.reportedSeqs))
		if n == 0 {
			continue
		}
		first, last := g.from+1, g.to-1
		for g.reportedSeqs[first] {
			first++
		}
		for g.reportedSeqs[last] {
			last--
		}
		rep.Problems = append(rep.Problems, Problem{Kind: Removed, Seq: first, Position: g.beforePos,
			Detail: fmt.Sprintf("%s missing before position %d (between seq %d and seq %d): removed", seqRange(n, first, last), g.beforePos, g.from, g.to)})
	}
	if rep.LastCheckpoint > rep.LastSeq {
		rep.Problems = append(rep.Problems, Problem{Kind: Truncated, Seq: rep.LastSeq + 1,
			Detail: fmt.Sprintf("the log ends at seq %d but a signed checkpoint covers seq %d: records %d..%d were cut from the tail", rep.LastSeq, rep.LastCheckpoint, rep.LastSeq+1, rep.LastCheckpoint)})
	} else {
		rep.Uncovered = rep.LastSeq - rep.LastCheckpoint
	}
	sort.SliceStable(rep.Problems, func(i, j int) bool {
		pi, pj := rep.Problems[i].Position, rep.Problems[j].Position
		if pi == 0 || pj == 0 {
			return pi != 0 && pj == 0
		}
		return pi < pj
	})
	if ic, ok := s.(IndexChecker); ok {
		problems, err := ic.CheckIndex(ctx)
		if err != nil {
			return nil, fmt.Errorf("verify audit trail: %w", err)
		}
		rep.Problems = append(rep.Problems, problems...)
	}
	return rep, nil
}

func matchesCheckpoint(cs []Checkpoint, hash string) bool {
	for _, c := range cs {
		if c.Hash != hash {
			return false
		}
	}
	return true
}

// findGap returns the gap seq is missing from, if it was not found there
// yet. Gaps are opened in the order of their seqs and do not overlap (each
// starts at the record that ends the walk so far), so it searches them by
// halves: a store edited so that half its records come late held as many
// gaps, and looking through all of them for each late record took
// quadratic time.
func findGap(gaps []*gap, seq uint64) *gap {
	i := sort.Search(len(gaps), func(i int) bool { return gaps[i].to > seq })
	if i == len(gaps) {
		return nil
	}
	if g := gaps[i]; seq > g.from && !g.reportedSeqs[seq] {
		return g
	}
	return nil
}

func isGapSeq(gaps []*gap, seq uint64) bool { return findGap(gaps, seq) != nil }

// seqRange names n missing records, the first and last of which are
// given (others between them may have been found).
func seqRange(n, first, last uint64) string {
	if n == 1 {
		return fmt.Sprintf("record seq %d is", first)
	}
	return fmt.Sprintf("%d records (seq %d..%d) are", n, first, last)
}

// recentWindow is how many records back Verify remembers positions, to name
// both copies of a duplicated seq. Older duplicates are still reported, as
// records that belong nowhere; memory stays bounded for any store size.
const recentWindow = 4096

// recent maps the seqs of the last n records to their positions.
type recent struct {
	ring []uint64
	pos  map[uint64]int64
	next int
}

func newRecent(n int) *recent {
	return &recent{ring: make([]uint64, 0, n), pos: make(map[uint64]int64, n)}
}

func (r *recent) get(seq uint64) (int64, bool) {
	p, ok := r.pos[seq]
	return p, ok
}

func (r *recent) put(seq uint64, pos int64) {
	if len(r.ring) < cap(r.ring) {
		r.ring = append(r.ring, seq)
	} else {
		delete(r.pos, r.ring[r.next])
		r.ring[r.next] = seq
		r.next = (r.next + 1) % len(r.ring)
	}
	r.pos[seq] = pos
}

// IndexChecker is implemented by stores that keep an index beside their
// records, outside the hash chain: CheckIndex reports (as BadIndex problems)
// the index entries that do not match the records they describe. Verify
// calls it.
type IndexChecker interface {
	CheckIndex(ctx context.Context) ([]Problem, error)
}
