package audit

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// ErrQueueFull is returned by Writer.Write when the queue is full: the event
// was not recorded. The relay denies the call when audit.required is set.
var ErrQueueFull = errors.New("audit queue full: event dropped")

// ErrUnavailable is returned by Writer.Write while the store is failing.
var ErrUnavailable = errors.New("audit store unavailable")

// WriterOptions configures a Writer. The zero value is usable.
type WriterOptions struct {
	// QueueSize bounds the number of events waiting to be written (default 16384).
	QueueSize int
	// QueueBytes bounds the bytes of arguments of the events waiting to be
	// written (default 256 MiB): the relay queues each call's arguments
	// as sent, and QueueSize calls of a few MiB each would otherwise be
	// held while the store stalls. One event is queued whatever its size.
	QueueBytes int
	// MaxBatch bounds the number of events in one group commit (default 1024).
	MaxBatch int
	// Linger is how long a commit waits for more events after the first one
	// arrives (default 10ms; negative: not at all). Events that come one at a
	// time would otherwise each cost a transaction and a sync of the store;
	// an event's acknowledgement is delayed by at most Linger.
	Linger time.Duration
	// Key signs checkpoints of the chain; nil writes no checkpoints.
	Key ed25519.PrivateKey
	// CheckpointEvery is the number of records between checkpoints
	// (default 1000). A checkpoint is also written at Close.
	CheckpointEvery uint64
	// OnCommit, if set, is called from the writer goroutine with each batch
	// once the store has made it durable: this is the acknowledgement. The
	// slice is reused after OnCommit returns; copy what must be kept. A slow
	// OnCommit delays the next group commit.
	OnCommit func(committed []Event)
	// OnError, if set, is called from the writer goroutine when the store
	// fails to append a batch or a checkpoint.
	OnError func(error)
	// RetryAfter is how long the writer waits before it tries a failing store
	// again (default 1s). Events that arrive meanwhile are counted as failed.
	RetryAfter time.Duration
	// Prepare, if set, is called for every event on the writer's goroutine
	// before it is sealed: work that need not delay the caller of Write,
	// such as reducing the arguments (ReduceArguments), goes here.
	Prepare func(*Event)
}

// WriterStats are a Writer's counters.
type WriterStats struct {
	// Written is the number of events the store made durable.
	Written uint64 `json:"written"`
	// Dropped is the number of events refused because the queue was full.
	Dropped uint64 `json:"dropped"`
	// Failed is the number of events the store failed to write.
	Failed uint64 `json:"failed"`
	// Invalid is the number of malformed events Write refused.
	Invalid uint64 `json:"invalid"`
	// Checkpoints is the number of checkpoints written.
	Checkpoints uint64 `json:"checkpoints"`
	// Queued is the number of events waiting now.
	Queued int `json:"queued"`
}

// Writer is the asynchronous front of a Store for the relay. Write costs a
// non-blocking queue push; one goroutine, started by NewWriter and stopped by
// Close, drains the queue in group commits: every event that is waiting when
// a commit starts goes into the same store transaction.
//
// Durability: an event is acknowledged when OnCommit receives it or when
// Flush returns nil after it was written; from then on it survives kill -9 of
// the process (see the store's documentation for power loss).
//
// All methods are safe for concurrent use.
type Writer struct {
	store Store
	opts  WriterOptions

	// The queue is a slice that Write appends to under mu and the writer
	// goroutine takes whole, leaving it an empty one: a push costs an
	// uncontended lock and a copy, and the writer takes a batch in one step.
	// (A channel cost a lock on both sides per event, and the two
	// goroutines contended for it.)
	mu      sync.Mutex
	closed  bool
	pending []Event       // queued events, at most opts.QueueSize
	spare   []Event       // the writer's last batch, emptied, for the next swap
	ready   chan struct{} // has a value once pending is not empty or closed is set
	done    chan struct{}
	wake    chan struct{} // see nudge
	once    sync.Once
	// nQueued is len(pending) and isClosed closed, for Healthy and Stats
	// without the lock; nBytes is the bytes of arguments in pending.
	nQueued  atomic.Int64
	nBytes   atomic.Int64
	isClosed atomic.Bool
	// bytesFull is set when an event was refused for QueueBytes, until the
	// writer takes the queue: Healthy is false meanwhile.
	bytesFull atomic.Bool

	enqueued    atomic.Uint64
	written     atomic.Uint64
	dropped     atomic.Uint64
	failed      atomic.Uint64
	invalid     atomic.Uint64
	checkpoints atomic.Uint64
	unhealthy   atomic.Bool
	required    atomic.Bool // see Require

	progress     sync.Mutex
	progressCond *sync.Cond
	processed    uint64 // written + failed, guarded by progress

	// owned by the run goroutine
	head       Head
	lastSigned uint64
	retryAt    time.Time
}

// NewWriter starts a Writer in front of s. The caller keeps ownership of s and
// closes it after the Writer.
func NewWriter(s Store, opts *WriterOptions) *Writer {
	w := &Writer{store: s, done: make(chan struct{}), wake: make(chan struct{}, 1), ready: make(chan struct{}, 1)}
	if opts != nil {
		w.opts = *opts
	}
	if w.opts.QueueSize <= 0 {
		w.opts.QueueSize = 16384
	}
	if w.opts.QueueBytes <= 0 {
		w.opts.QueueBytes = 256 << 20
	}
	if w.opts.MaxBatch <= 0 {
		w.opts.MaxBatch = 1024
	}
	if w.opts.Linger == 0 {
		w.opts.Linger = 10 * time.Millisecond
	}
	if w.opts.CheckpointEvery == 0 {
		w.opts.CheckpointEvery = 1000
	}
	if w.opts.RetryAfter <= 0 {
		w.opts.RetryAfter = time.Second
	}
	w.progressCond = sync.NewCond(&w.progress)
	go w.run()
	return w
}

// Write queues e and returns at once. It returns ErrQueueFull if the queue is
// full (QueueSize events, or QueueBytes of arguments), ErrClosed after Close
// and the validation error for a malformed event; the event is then not
// recorded, and the counters say so. A queued event can still fail in the
// store: callers that must not let an unrecorded call through check Healthy
// first.
func (w *Writer) Write(e Event) error { return w.write(e, w.opts.QueueSize, w.opts.QueueBytes) }

// Require marks w as the trail of a relay that refuses the calls it cannot
// record (audit.required): the relay checks Healthy before it lets a call
// through, and records the call with WriteAdmitted.
func (w *Writer) Require() { w.required.Store(true) }

// Required reports whether Require was called.
func (w *Writer) Required() bool { return w.required.Load() }

// WriteAdmitted is Write for the record of a call that was let through
// because Healthy reported true: it is queued even if the queue filled
// since (with other events, such as those of the other direction), up to
// QueueSize events more, so that a call audit.required admitted is not
// forwarded with its record dropped. Healthy turns false with the queue
// full, so only the calls admitted just before go over.
func (w *Writer) WriteAdmitted(e Event) error {
	return w.write(e, 2*w.opts.QueueSize, 2*w.opts.QueueBytes)
}

func (w *Writer) write(e Event, limit, limitBytes int) error {
	if err := e.Validate(); err != nil {
		// Refused here, so that one malformed event cannot fail a whole
		// group commit and mark the store unavailable.
		w.invalid.Add(1)
		return err
	}
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		return ErrClosed
	}
	size := int64(len(e.Arguments))
	if len(w.pending) >= limit || len(w.pending) > 0 && w.nBytes.Load()+size > int64(limitBytes) {
		if len(w.pending) < limit {
			w.bytesFull.Store(true) // until the writer takes the queue
		}
		w.mu.Unlock()
		w.dropped.Add(1)
		return ErrQueueFull
	}
	if len(w.pending) == cap(w.pending) {
		// Double at once (append grows big slices by a quarter, which made
		// a busy queue reallocate a dozen times on its way to QueueSize).
		w.pending = slices.Grow(w.pending, min(max(cap(w.pending), 64), max(w.opts.QueueSize-len(w.pending), 1)))
	}
	w.pending = append(w.pending, e)
	first := len(w.pending) == 1
	w.nQueued.Store(int64(len(w.pending)))
	w.nBytes.Add(size)
	w.enqueued.Add(1)
	w.mu.Unlock()
	if first {
		w.signal()
	}
	return nil
}

// signal tells the writer goroutine that there is something to do.
func (w *Writer) signal() {
	select {
	case w.ready <- struct{}{}:
	default:
	}
}

// Healthy reports whether the writer can record events now: it is open, its
// queue is not full (in events or bytes) and the store's last write
// succeeded. With audit.required, the relay denies a call when Healthy is
// false.
func (w *Writer) Healthy() bool {
	return !w.isClosed.Load() && !w.unhealthy.Load() && w.nQueued.Load() < int64(w.opts.QueueSize) &&
		!w.bytesFull.Load() && w.nBytes.Load() < int64(w.opts.QueueBytes)
}

// Stats returns the writer's counters.
func (w *Writer) Stats() WriterStats {
	return WriterStats{
		Written:     w.written.Load(),
		Dropped:     w.dropped.Load(),
		Failed:      w.failed.Load(),
		Invalid:     w.invalid.Load(),
		Checkpoints: w.checkpoints.Load(),
		Queued:      int(w.nQueued.Load()),
	}
}

// Flush waits until every event queued before the call has been written or
// has failed. It returns an error if some failed or if ctx ends first.
func (w *Writer) Flush(ctx context.Context) error {
	target := w.enqueued.Load()
	failedBefore := w.failed.Load()
	w.nudge() // no need to linger for more: someone is waiting
	stop := context.AfterFunc(ctx, func() {
		w.progress.Lock()
		w.progressCond.Broadcast()
		w.progress.Unlock()
	})
	defer stop()
	w.progress.Lock()
	for w.processed < target && ctx.Err() == nil {
		w.progressCond.Wait()
	}
	w.progress.Unlock()
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("flush audit writer: %w", err)
	}
	if w.failed.Load() != failedBefore {
		return fmt.Errorf("flush audit writer: %w", ErrUnavailable)
	}
	return nil
}

// Close stops accepting events, writes every queued event, signs a final
// checkpoint and waits for the writer goroutine. It is idempotent and returns
// an error if events failed or the final checkpoint could not be written.
func (w *Writer) Close() error {
	w.once.Do(func() {
		w.mu.Lock()
		w.closed = true
		w.isClosed.Store(true)
		w.mu.Unlock()
		w.signal()
		w.nudge()
	})
	<-w.done
	if n := w.failed.Load(); n > 0 {
		return fmt.Errorf("close audit writer: %d events failed to be written", n)
	}
	if w.unhealthy.Load() {
		return fmt.Errorf("close audit writer: %w", ErrUnavailable)
	}
	return nil
}

func (w *Writer) run() {
	defer close(w.done)
	ctx := context.Background()
	linger := time.NewTimer(time.Hour)
	linger.Stop()
	full := false // the last take had MaxBatch events or more: more may be waiting
	for {
		<-w.ready
		if w.opts.Linger > 0 && !full && !w.isClosed.Load() {
			// Let the events of the next Linger gather in the queue. Waking
			// up for every event would wake this goroutine (and often a
			// thread) each time, which costs the relay more than the write
			// itself.
			linger.Reset(w.opts.Linger)
			select {
			case <-linger.C:
			case <-w.wake:
				linger.Stop()
			}
		}
		w.mu.Lock()
		batch := w.pending
		w.pending, w.spare = w.spare[:0], nil
		w.nQueued.Store(0)
		w.nBytes.Store(0)
		w.bytesFull.Store(false)
		closed := w.closed
		w.mu.Unlock()
		full = len(batch) >= w.opts.MaxBatch
		for rest := batch; len(rest) > 0; {
			n := min(len(rest), w.opts.MaxBatch)
			w.commit(ctx, rest[:n])
			rest = rest[n:]
		}
		clear(batch) // keep no event's strings alive
		w.mu.Lock()
		w.spare = batch[:0]
		if len(w.pending) > 0 || w.closed != closed {
			w.signal() // more arrived while committing, or Close did
		}
		w.mu.Unlock()
		if closed {
			break
		}
	}
	if w.head.Seq > w.lastSigned {
		w.checkpoint(ctx)
	}
}

// nudge ends a linger in progress, so that what is queued is committed now.
func (w *Writer) nudge() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

func (w *Writer) commit(ctx context.Context, batch []Event) {
	if w.opts.Prepare != nil {
		for i := range batch {
			w.opts.Prepare(&batch[i])
		}
	}
	if w.unhealthy.Load() && time.Now().Before(w.retryAt) {
		// The store failed recently: do not hammer it, count the events as failed.
		w.failed.Add(uint64(len(batch)))
		w.advance(uint64(len(batch)))
		return
	}
	signed, err := w.append(ctx, batch)
	if err != nil {
		w.unhealthy.Store(true)
		w.retryAt = time.Now().Add(w.opts.RetryAfter)
		if w.opts.OnError != nil {
			w.opts.OnError(fmt.Errorf("append %d audit events: %w", len(batch), err))
		}
		w.failed.Add(uint64(len(batch)))
		w.advance(uint64(len(batch)))
		return
	}
	w.unhealthy.Store(false)
	last := batch[len(batch)-1]
	w.head = Head{Seq: last.Seq, Hash: last.Hash}
	w.written.Add(uint64(len(batch)))
	if w.opts.OnCommit != nil {
		w.opts.OnCommit(batch)
	}
	w.advance(uint64(len(batch)))
	if signed != nil {
		w.lastSigned = signed.Seq
		w.checkpoints.Add(1)
	} else if w.checkpointDue(w.head.Seq) {
		w.checkpoint(ctx)
	}
}

// append stores batch, with the checkpoint that falls due in its
// transaction when the store is a SignedAppender (which it returns).
func (w *Writer) append(ctx context.Context, batch []Event) (*Checkpoint, error) {
	sa, ok := w.store.(SignedAppender)
	if !ok || w.opts.Key == nil {
		return nil, w.store.Append(ctx, batch)
	}
	var signed *Checkpoint
	err := sa.AppendSigned(ctx, batch, func(h Head) (Checkpoint, bool) {
		if !w.checkpointDue(h.Seq) {
			return Checkpoint{}, false
		}
		c := SignCheckpoint(w.opts.Key, h.Seq, h.Hash, time.Now())
		signed = &c
		return c, true
	})
	if err != nil {
		return nil, err
	}
	return signed, nil
}

// checkpointDue reports whether a chain whose head is at seq has passed a
// multiple of CheckpointEvery since the last checkpoint.
func (w *Writer) checkpointDue(seq uint64) bool {
	return seq/w.opts.CheckpointEvery > w.lastSigned/w.opts.CheckpointEvery
}

func (w *Writer) advance(n uint64) {
	w.progress.Lock()
	w.processed += n
	w.progressCond.Broadcast()
	w.progress.Unlock()
}

func (w *Writer) checkpoint(ctx context.Context) {
	if w.opts.Key == nil {
		return
	}
	c := SignCheckpoint(w.opts.Key, w.head.Seq, w.head.Hash, time.Now())
	if err := w.store.AppendCheckpoint(ctx, c); err != nil {
		w.unhealthy.Store(true)
		if w.opts.OnError != nil {
			w.opts.OnError(fmt.Errorf("write audit checkpoint at seq %d: %w", c.Seq, err))
		}
		return
	}
	w.lastSigned = w.head.Seq
	w.checkpoints.Add(1)
}
