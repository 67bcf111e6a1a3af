package audit

import (
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
	"unicode"
)

// WriteTable prints events as an aligned table, one line each.
func WriteTable(w io.Writer, events []Event) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SEQ\tTIME\tSESSION\tSERVER\tMETHOD\tNAME\tDECISION\tRULES")
	for i := range events {
		e := &events[i]
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", e.Seq, e.Time.Local().Format("2006-01-02 15:04:05.000"),
			cell(e.Session), cell(e.Server), cell(e.Method), cell(e.Name), e.Decision, cell(strings.Join(e.RuleIDs, ",")))
	}
	return tw.Flush()
}

// WriteLine prints one event on one line, for tail.
func WriteLine(w io.Writer, e *Event) error {
	_, err := fmt.Fprintf(w, "%d %s %s %s %s %s %s %s\n", e.Seq, e.Time.Local().Format(time.RFC3339), cell(e.Session),
		cell(e.Server), cell(e.Method), cell(e.Name), e.Decision, cell(strings.Join(e.RuleIDs, ",")))
	return err
}

// cell makes a value safe for one table cell: no control characters and no
// invisible format characters such as a right-to-left override (a tool name
// can hold anything, and would show as another), "-" when empty, at most 48
// characters.
func cell(s string) string {
	if s == "" {
		return "-"
	}
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || unicode.Is(unicode.Cf, r) {
			return '?'
		}
		return r
	}, s)
	if r := []rune(s); len(r) > 48 {
		s = string(r[:47]) + "…"
	}
	return s
}

// WriteJSONLines prints events as JSON Lines, the stored form.
func WriteJSONLines(w io.Writer, events []Event) error {
	for i := range events {
		b, err := Marshal(&events[i])
		if err != nil {
			return err
		}
		if _, err := w.Write(append(b, '\n')); err != nil {
			return err
		}
	}
	return nil
}

// WriteStats prints st for a terminal.
func WriteStats(w io.Writer, st *Stats) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "total\t%d\n", st.Total)
	fmt.Fprintf(tw, "allowed\t%d\n", st.Allowed)
	fmt.Fprintf(tw, "denied\t%d\n", st.Denied)
	fmt.Fprintf(tw, "redacted\t%d\n", st.Redacted)
	fmt.Fprintf(tw, "would-deny\t%d\n", st.WouldDeny)
	fmt.Fprintf(tw, "hidden\t%d\n", st.Hidden)
	fmt.Fprintf(tw, "other\t%d\n", st.Other)
	fmt.Fprintf(tw, "deny rate\t%.1f%%\n", st.DenyRate*100)
	tw.Flush()
	section := func(title string, cs []Count) {
		if len(cs) == 0 {
			return
		}
		fmt.Fprintf(w, "\n%s:\n", title)
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		for _, c := range cs {
			fmt.Fprintf(tw, "  %s\t%d\n", cell(c.Name), c.Count)
		}
		tw.Flush()
	}
	section("top rules", st.TopRules)
	section("top tools", st.TopTools)
	if len(st.Servers) > 0 {
		fmt.Fprintln(w, "\nper server:")
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "  SERVER\tTOTAL\tALLOWED\tDENIED")
		for _, s := range st.Servers {
			fmt.Fprintf(tw, "  %s\t%d\t%d\t%d\n", cell(s.Server), s.Total, s.Allowed, s.Denied)
		}
		tw.Flush()
	}
	return nil
}

// WriteReport prints a verification report for a terminal.
func WriteReport(w io.Writer, r *Report) error {
	if r.OK() {
		fmt.Fprintf(w, "ok: %d records, chain intact up to seq %d\n", r.Records, r.LastSeq)
	} else {
		fmt.Fprintf(w, "FAILED: %d problems in %d records\n", len(r.Problems), r.Records)
		for _, p := range r.Problems {
			fmt.Fprintf(w, "  %s\n", p)
		}
	}
	switch {
	case r.Checkpoints == 0:
		fmt.Fprintln(w, "warning: no signed checkpoints: records can be rewritten or cut without trace")
	case !r.CheckpointsVerified:
		fmt.Fprintf(w, "warning: %d checkpoints not checked: give the audit public key (--key)\n", r.Checkpoints)
	default:
		fmt.Fprintf(w, "%d signed checkpoints verified, the last at seq %d, with audit key %s\n", r.Checkpoints, r.LastCheckpoint, r.KeyID)
		if r.KeyBesideStore {
			fmt.Fprintf(w, "warning: the key %s was taken from beside the store: whoever can rewrite the store can replace it or read the private key there, so the checkpoints do not rule out a rewritten trail; verify with --key and a copy of the public key kept elsewhere (or compare the key id with one recorded elsewhere)\n", r.KeyID)
		}
	}
	if r.Uncovered > 0 && r.Checkpoints > 0 {
		fmt.Fprintf(w, "warning: %d records after the last checkpoint (seq %d..%d): they could have been rewritten or cut without trace\n",
			r.Uncovered, r.LastSeq-r.Uncovered+1, r.LastSeq)
	}
	return nil
}

// Tail yields the last n events that match f and then, if follow is set,
// every new one as it is appended, polling every interval, until ctx ends
// (which is not an error).
func Tail(ctx context.Context, s Store, f Filter, n int, follow bool, interval time.Duration, emit func(Event) error) error {
	var last []Event
	f.Limit = 0
	for e, err := range s.Query(ctx, f) {
		if err != nil {
			return err
		}
		if n > 0 {
			last = append(last, e)
			if len(last) > n {
				last = last[1:]
			}
		}
		f.AfterSeq = max(f.AfterSeq, e.Seq)
	}
	for _, e := range last {
		if err := emit(e); err != nil {
			return err
		}
	}
	if !follow {
		return nil
	}
	if interval <= 0 {
		interval = 500 * time.Millisecond
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		for e, err := range s.Query(ctx, f) {
			if err != nil {
				if ctx.Err() != nil {
					return nil
				}
				return err
			}
			if err := emit(e); err != nil {
				return err
			}
			f.AfterSeq = max(f.AfterSeq, e.Seq)
		}
	}
}

// ParseTime reads a --since/--until value: an RFC 3339 time, a date
// (YYYY-MM-DD, local), or a duration back from now ("15m", "24h").
func ParseTime(s string, now time.Time) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	if t, err := time.ParseInLocation("2006-01-02", s, time.Local); err == nil {
		return t, nil
	}
	if d, err := time.ParseDuration(s); err == nil && d >= 0 {
		return now.Add(-d), nil
	}
	return time.Time{}, fmt.Errorf("time %q: want RFC 3339 (2026-01-02T15:04:05Z), a date (2026-01-02) or a duration ago (24h)", s)
}
