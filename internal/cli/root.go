// Package cli implements ward's command line. Each subcommand lives in its own
// file: it parses flags into a struct and makes one call into a domain package.
// No business logic lives here.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
	"github.com/ward-mcp/ward/internal/diag"
)

// streams are the process's standard streams, passed in so that every command
// can run in-process in tests.
type streams struct {
	in  io.Reader
	out io.Writer
	err io.Writer

	// unblocked is s.err once a command asked for a stderr that never
	// blocks (see unblockErr); Run closes it after the last line.
	unblocked *diag.Writer
}

// unblockErr makes s.err a diag.Writer over the stderr given to Run and
// returns it: from then on no write to stderr waits for its reader, which
// an MCP host that starts ward may never be. Lines that find its queue
// full are dropped and counted.
func (s *streams) unblockErr() *diag.Writer {
	if s.unblocked == nil {
		s.unblocked = diag.NewWriter(s.err, nil)
		s.err = s.unblocked
	}
	return s.unblocked
}

// Run executes ward with args (without the program name) and returns the exit
// code. It never calls os.Exit.
func Run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	s := &streams{in: stdin, out: stdout, err: stderr}
	root := newRootCmd(s)
	// cobra answers "ward nosuch --help" with the root's help and exit 0;
	// an unknown command is a usage error whatever flags follow it.
	if cmd, rest, err := root.Find(args); err == nil && cmd == root && len(rest) > 0 && !strings.HasPrefix(rest[0], "-") {
		fmt.Fprintf(stderr, "ward: unknown command %q\nRun 'ward --help' for usage.\n", rest[0])
		return ExitUsage
	}
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	if s.unblocked != nil {
		// Written last, with a bounded wait: an unread stderr cannot hold
		// ward's exit. The error has nowhere to go but that stderr.
		defer s.unblocked.Close()
	}
	if err == nil {
		return ExitOK
	}
	code := codeOf(err)
	var ee *exitError
	if !errors.As(err, &ee) {
		// cobra's own parse errors (unknown flag, bad value) are usage errors.
		if isCobraUsageError(err) {
			code = ExitUsage
		}
	}
	if msg := err.Error(); msg != "" && !(errors.As(err, &ee) && ee.err == nil) {
		fmt.Fprintf(s.err, "ward: %s\n", msg)
		if code == ExitUsage {
			fmt.Fprintf(s.err, "Run '%s --help' for usage.\n", strings.TrimSpace("ward "+commandPath(root, args)))
		}
	}
	return code
}

func newRootCmd(s *streams) *cobra.Command {
	root := &cobra.Command{
		Use:   "ward",
		Short: "A deny-by-default security gateway for the Model Context Protocol",
		Long: `ward stands between an MCP host (Claude Desktop, Claude Code, Cursor, an agent)
and the MCP servers it uses, and lets through only what its owner approved.

Wrap a stdio server in your host's config:

  ward proxy --deny-tools 'exec*' -- npx -y @modelcontextprotocol/server-everything

Exit codes: 0 ok, 1 findings (drift, policy failure, verification failure),
2 usage error, 3 internal error (I/O, a server that failed or died).`,
		SilenceUsage:  true,
		SilenceErrors: true,
		// Running "ward" alone prints help; an unknown subcommand is an error.
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return cmd.Help() },
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageErr(err) })
	for _, newCmd := range subcommands {
		root.AddCommand(newCmd(s))
	}
	return root
}

// subcommands holds the constructor of every subcommand. Each subcommand's file
// adds itself in an init function, so that adding a command touches one file.
var subcommands []func(*streams) *cobra.Command

// register adds a subcommand constructor; it is called from init functions.
func register(newCmd func(*streams) *cobra.Command) { subcommands = append(subcommands, newCmd) }

// isCobraUsageError reports whether err is one of cobra's argument errors.
func isCobraUsageError(err error) bool {
	msg := err.Error()
	for _, p := range []string{"unknown command", "unknown flag", "unknown shorthand", "accepts ", "requires at least", "invalid argument", "flag needs an argument"} {
		if strings.Contains(msg, p) {
			return true
		}
	}
	return false
}

// commandPath returns the subcommand named by args, for the usage hint.
func commandPath(root *cobra.Command, args []string) string {
	cmd, _, err := root.Find(args)
	if err != nil || cmd == root {
		return ""
	}
	return strings.TrimPrefix(cmd.CommandPath(), "ward ")
}
