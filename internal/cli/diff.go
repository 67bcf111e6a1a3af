package cli

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/spf13/cobra"
	"github.com/ward-mcp/ward/internal/lockfile"
	"github.com/ward-mcp/ward/internal/scan"
)

func init() { register(newDiffCmd) }

func newDiffCmd(s *streams) *cobra.Command {
	var sf scanFlags
	o := &scan.CheckOptions{}
	var failOn string
	var asJSON bool
	var rf receiptFlag
	cmd := &cobra.Command{
		Use:     "diff --lock mcp-lock.json [flags] -- <server command> [args...]",
		Aliases: []string{"check"},
		Short:   "Compare a live MCP server with its lock, field by field",
		Long: `ward diff (also: ward check) scans the server and compares it with its lock:
tools, prompts, resources and templates added or removed, and inside each
definition every changed field, JSON-Schema aware (property added or removed,
new required argument, type changed, enum or pattern widened,
additionalProperties opened, annotation flipped, description or title
changed, instructions changed). Each change is graded critical, moderate or
info.

Exit codes: 0 no change at or above --fail-on, 1 drift at or above it,
2 usage error, 3 the server or the lockfile could not be read.`,
		Example: `  ward check --lock mcp-lock.json -- npx -y @modelcontextprotocol/server-filesystem ~/src
  ward diff --lock mcp-lock.json --name fs --fail-on critical --json -- ./server`,
		Args: serverArgs,
		RunE: rf.wrap("diff", func(cmd *cobra.Command, argv []string) error {
			rf.input("lockfile", o.Path)
			threshold, err := lockfile.ParseSeverity(failOn)
			if err != nil {
				return usageErrf("--fail-on: %v", err)
			}
			if o.Path == "" {
				return usageErrf("--lock is required")
			}
			opts, err := sf.options(s)
			if err != nil {
				return err
			}
			o.Scan = *opts
			out, err := scan.Check(cmd.Context(), argv, o)
			if err != nil {
				return internalErr(err)
			}
			failed := lockfile.AtLeast(out.Changes, threshold)
			rf.findings = map[string]any{"name": out.Name, "failOn": threshold, "failed": failed, "changes": nonNil(out.Changes)}
			if asJSON {
				err = writeJSON(s.out, map[string]any{
					"name": out.Name, "failOn": threshold, "failed": failed,
					"worst": worstOrNone(out.Changes), "changes": nonNil(out.Changes),
				})
			} else {
				fmt.Fprintf(s.out, "%s: %s against %s\n", out.Name, summary(out.Changes), o.Path)
				err = lockfile.RenderText(s.out, out.Changes)
			}
			if err != nil {
				return internalErr(err)
			}
			if failed {
				return silentExit(ExitFindings)
			}
			return nil
		}),
	}
	sf.add(cmd)
	rf.add(cmd)
	fl := cmd.Flags()
	fl.StringVar(&o.Path, "lock", lockfile.DefaultFileName, "the lockfile to compare with")
	fl.StringVar(&o.Name, "name", "", "the server's lock name (needed when the lockfile holds several)")
	fl.StringVar(&failOn, "fail-on", "info", "exit 1 on drift graded at least: critical, moderate or info")
	fl.BoolVar(&asJSON, "json", false, "print the changes as JSON")
	return cmd
}

func summary(changes []lockfile.Change) string {
	if len(changes) == 0 {
		return "matches its lock"
	}
	return fmt.Sprintf("%d change(s), worst %s", len(changes), lockfile.Worst(changes))
}

func worstOrNone(changes []lockfile.Change) any {
	if len(changes) == 0 {
		return nil
	}
	return lockfile.Worst(changes)
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
