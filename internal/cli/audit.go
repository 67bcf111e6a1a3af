package cli

import (
	"crypto/ed25519"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"
	"github.com/ward-mcp/ward/internal/audit"
	"github.com/ward-mcp/ward/internal/audit/backend"
	"github.com/ward-mcp/ward/internal/audit/jsonl"
	"github.com/ward-mcp/ward/internal/proxy"
	"github.com/ward-mcp/ward/internal/sign"
)

func init() { register(newAuditCmd) }

type auditFlags struct {
	db, jsonl                   string
	server, tool, decision      string
	rule, session, since, until string
	limit                       int
	asJSON                      bool
}

// config returns the store the flags name (the default database if none).
func (f *auditFlags) config() (backend.Config, error) {
	if f.db != "" && f.jsonl != "" {
		return backend.Config{}, usageErrf("give --db or --jsonl, not both")
	}
	c := backend.Config{Kind: backend.SQLite, Path: f.db, ReadOnly: true}
	if f.jsonl != "" {
		c = backend.Config{Kind: backend.JSONL, Path: f.jsonl, ReadOnly: true}
	}
	if c.Kind == backend.SQLite && c.Path == "" {
		p, err := backend.DefaultSQLitePath()
		if err != nil {
			return c, internalErr(err)
		}
		c.Path = p
	}
	return c, nil
}

func (f *auditFlags) open() (audit.Store, error) {
	c, err := f.config()
	if err != nil {
		return nil, err
	}
	if c.Kind == backend.SQLite {
		if _, err := os.Stat(c.Path); err != nil {
			return nil, internalErr(fmt.Errorf("audit database: %w", err))
		}
	}
	s, err := backend.Open(c)
	if err != nil {
		return nil, internalErr(err)
	}
	return s, nil
}

// openFiltered parses the filter flags and opens the store: the prologue of
// every reading subcommand.
func (f *auditFlags) openFiltered() (audit.Store, audit.Filter, error) {
	flt, err := f.filter()
	if err != nil {
		return nil, flt, err
	}
	st, err := f.open()
	return st, flt, err
}

func (f *auditFlags) filter() (audit.Filter, error) {
	now := time.Now()
	since, err := audit.ParseTime(f.since, now)
	if err != nil {
		return audit.Filter{}, usageErrf("--since: %v", err)
	}
	until, err := audit.ParseTime(f.until, now)
	if err != nil {
		return audit.Filter{}, usageErrf("--until: %v", err)
	}
	if d := audit.Decision(f.decision); d != "" && !d.Valid() {
		return audit.Filter{}, usageErrf("--decision: want allow, deny, redact, would-deny, hide, would-hide, drop, error or timeout, not %q", f.decision)
	}
	if f.limit < 0 {
		return audit.Filter{}, usageErrf("--limit must not be negative")
	}
	return audit.Filter{Server: f.server, Name: f.tool, Decision: audit.Decision(f.decision), Rule: f.rule,
		Session: f.session, Since: since, Until: until, Limit: f.limit}, nil
}

func newAuditCmd(s *streams) *cobra.Command {
	f := &auditFlags{}
	cmd := &cobra.Command{
		Use:   "audit",
		Short: "Read, summarise and verify the audit trail",
		Long: `ward audit reads the audit trail the proxy writes: by default the SQLite database
in $XDG_STATE_HOME/ward/audit.db (~/.local/state/ward/audit.db), or the file given
with --db, or a JSON Lines log with --jsonl. See docs/audit.md.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	pf := cmd.PersistentFlags()
	pf.StringVar(&f.db, "db", "", "SQLite audit database (default $XDG_STATE_HOME/ward/audit.db)")
	pf.StringVar(&f.jsonl, "jsonl", "", "JSON Lines audit log to read instead of the database")
	addFilters := func(c *cobra.Command, withLimit bool) {
		fl := c.Flags()
		fl.StringVar(&f.server, "server", "", "only events about this server")
		fl.StringVar(&f.tool, "tool", "", "only events about this tool, prompt or resource")
		fl.StringVar(&f.decision, "decision", "", "only this decision: allow, deny, redact, would-deny, hide, would-hide, drop, error, timeout")
		fl.StringVar(&f.rule, "rule", "", "only events decided by this rule id")
		fl.StringVar(&f.session, "session", "", "only events of this session")
		fl.StringVar(&f.since, "since", "", "only events at or after this time (RFC 3339, date, or duration ago like 24h)")
		fl.StringVar(&f.until, "until", "", "only events before this time")
		if withLimit {
			fl.IntVar(&f.limit, "limit", 0, "at most this many events (0: all)")
		}
	}

	list := &cobra.Command{
		Use:   "list",
		Short: "List audit events (table, or --json for JSON Lines)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, flt, err := f.openFiltered()
			if err != nil {
				return err
			}
			defer st.Close()
			var evs []audit.Event
			for e, err := range st.Query(cmd.Context(), flt) {
				if err != nil {
					return internalErr(err)
				}
				evs = append(evs, e)
			}
			if f.asJSON {
				return audit.WriteJSONLines(s.out, evs)
			}
			return audit.WriteTable(s.out, evs)
		},
	}
	addFilters(list, true)
	list.Flags().BoolVar(&f.asJSON, "json", false, "print JSON Lines")

	var follow bool
	var lines int
	tail := &cobra.Command{
		Use:   "tail [-f] [-n N]",
		Short: "Print the last events, and with -f new ones as they come",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, flt, err := f.openFiltered()
			if err != nil {
				return err
			}
			defer st.Close()
			emit := func(e audit.Event) error { return audit.WriteLine(s.out, &e) }
			if f.asJSON {
				emit = func(e audit.Event) error { return audit.WriteJSONLines(s.out, []audit.Event{e}) }
			}
			if err := audit.Tail(cmd.Context(), st, flt, lines, follow, 500*time.Millisecond, emit); err != nil {
				return internalErr(err)
			}
			return nil
		},
	}
	addFilters(tail, false)
	tail.Flags().BoolVarP(&follow, "follow", "f", false, "keep printing new events")
	tail.Flags().IntVarP(&lines, "lines", "n", 10, "how many past events to print first")
	tail.Flags().BoolVar(&f.asJSON, "json", false, "print JSON Lines")

	stats := &cobra.Command{
		Use:   "stats",
		Short: "Summarise decisions: totals, deny rate, top rules and tools, per server",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, flt, err := f.openFiltered()
			if err != nil {
				return err
			}
			defer st.Close()
			sum, err := st.Stats(cmd.Context(), flt)
			if err != nil {
				return internalErr(err)
			}
			if f.asJSON {
				return writeIndentedJSON(s.out, sum)
			}
			return audit.WriteStats(s.out, sum)
		},
	}
	addFilters(stats, false)
	stats.Flags().BoolVar(&f.asJSON, "json", false, "print JSON")

	var keyPath string
	verify := &cobra.Command{
		Use:   "verify [--key AUDIT.pub]",
		Short: "Check the hash chain and signed checkpoints; name every damaged record",
		Long: `ward audit verify walks every record and checkpoint and reports each record that
was modified, removed, inserted or reordered, and a tail cut after a signed
checkpoint. Give the audit public key to check the checkpoints' signatures; without
--key, the store's own key (<store>.pub, created by ward proxy) is used when
it exists.
Exit 0: intact. Exit 1: damaged.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var pub ed25519.PublicKey
			besideStore := false
			if keyPath == "" {
				// ward proxy keeps the store's own checkpoint key beside it.
				if c, err := f.config(); err == nil {
					if _, own := proxy.AuditKeyPaths(c.Path); fileExists(own) {
						keyPath, besideStore = own, true
						fmt.Fprintf(s.err, "using the store's checkpoint key %s (--key to use another)\n", own)
					}
				}
			}
			if keyPath != "" {
				k, err := sign.LoadPublicKey(keyPath)
				if err != nil {
					return usageErr(err)
				}
				pub = k
			}
			st, err := f.open()
			if err != nil {
				return err
			}
			defer st.Close()
			rep, err := audit.Verify(cmd.Context(), st, pub)
			if err != nil {
				return internalErr(err)
			}
			rep.KeyBesideStore = besideStore
			if f.asJSON {
				err = writeIndentedJSON(s.out, rep)
			} else {
				err = audit.WriteReport(s.out, rep)
			}
			if err != nil {
				return internalErr(err)
			}
			if !rep.OK() {
				return silentExit(ExitFindings)
			}
			return nil
		},
	}
	verify.Flags().StringVar(&keyPath, "key", "", "audit public key (PKIX PEM) to check checkpoint signatures")
	verify.Flags().BoolVar(&f.asJSON, "json", false, "print the report as JSON")

	var out string
	export := &cobra.Command{
		Use:   "export [-o FILE]",
		Short: "Export events as JSON Lines (the stored form, with chain fields)",
		Long: `ward audit export writes events in their stored form, one a line. Without
filters the copy also carries the signed checkpoints, so that
'ward audit verify --jsonl FILE --key audit.pub' checks it as it checks the store;
a filtered export is a selection of records, not a chain that verifies.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, flt, err := f.openFiltered()
			if err != nil {
				return err
			}
			defer st.Close()
			w := s.out
			if out != "" && out != "-" {
				fh, err := os.OpenFile(out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
				if err != nil {
					return internalErr(fmt.Errorf("export: %w", err))
				}
				defer fh.Close()
				w = fh
			}
			n, err := jsonl.Export(cmd.Context(), st, flt, w)
			if err != nil {
				return internalErr(err)
			}
			if out != "" && out != "-" {
				fmt.Fprintf(s.err, "exported %d events to %s\n", n, out)
			}
			return nil
		},
	}
	addFilters(export, true)
	export.Flags().StringVarP(&out, "output", "o", "", "file to write (must not exist; default stdout)")

	cmd.AddCommand(list, tail, stats, verify, export)
	return cmd
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
