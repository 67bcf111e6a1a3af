package relay

import "time"

// deadlines keeps the requests in flight in the order their deadlines fall,
// with one timer for the earliest, instead of a timer per request (which
// cost two allocations and two updates of the runtime's timer heap for every
// call). Every request gets the same timeout and a progress notification
// starts it again, so the order is the order of registration or of the last
// progress: a request is appended at the tail and the head is the next to
// expire. The timer is not moved when the head is answered early; when it
// fires it expires what is due and re-arms itself for the new head. r.mu
// guards it.
type deadlines struct {
	head, tail *pending
	timer      *time.Timer
	armed      bool
	stopped    bool // the session is over: no more arming
}

// schedule (r.mu held) gives p a new deadline and puts it at the tail.
func (r *Relay) schedule(p *pending, now time.Time) {
	d := &r.dl
	d.unlink(p)
	p.deadline = now.Add(r.timeout)
	p.prev, p.next, p.linked = d.tail, nil, true
	if d.tail != nil {
		d.tail.next = p
	} else {
		d.head = p
	}
	d.tail = p
	if d.armed || d.stopped {
		return
	}
	d.armed = true
	if d.timer == nil {
		d.timer = time.AfterFunc(r.timeout, r.expireDue)
	} else {
		d.timer.Reset(r.timeout)
	}
}

// unlink removes p from the list if it is in it.
func (d *deadlines) unlink(p *pending) {
	if !p.linked {
		return
	}
	if p.prev != nil {
		p.prev.next = p.next
	} else {
		d.head = p.next
	}
	if p.next != nil {
		p.next.prev = p.prev
	} else {
		d.tail = p.prev
	}
	p.prev, p.next, p.linked = nil, nil, false
}

// stop ends the timer for good (r.mu held): the session is over.
func (d *deadlines) stop() {
	d.stopped = true
	d.armed = false
	if d.timer != nil {
		d.timer.Stop()
	}
}

// expireDue runs when the timer fires: every request whose deadline has
// passed is answered with a timeout, and the timer is armed for the next.
func (r *Relay) expireDue() {
	r.mu.Lock()
	d := &r.dl
	now := time.Now()
	var due []*pending
	for p := d.head; p != nil && !p.deadline.After(now); p = d.head {
		r.take(p)
		due = append(due, p)
	}
	switch {
	case d.stopped:
	case d.head != nil:
		d.timer.Reset(d.head.deadline.Sub(now))
	default:
		d.armed = false
	}
	r.mu.Unlock()
	for _, p := range due {
		r.expired(p)
	}
}
