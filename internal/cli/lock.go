package cli

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"
	"github.com/ward-mcp/ward/internal/lockfile"
	"github.com/ward-mcp/ward/internal/scan"
)

func init() { register(newLockCmd) }

func newLockCmd(s *streams) *cobra.Command {
	var sf scanFlags
	o := &scan.LockOptions{}
	var fromMCPTrust string
	var asJSON bool
	var rf receiptFlag
	cmd := &cobra.Command{
		Use:   "lock [flags] -- <server command> [args...]",
		Short: "Record what an MCP server exposes in a lockfile",
		Long: `ward lock scans the server and records its identity and the full definition of
every tool, prompt, resource and resource template, each with a sha256 hash of
its RFC 8785 canonical form, in the lockfile (mcp-lock.json by default). One
file holds several servers, keyed by --name (default: derived from the
server's own name); locking a server replaces only its entry and prints what
changed since its previous lock. Locking an unchanged server gives a
byte-identical file.

--only and --exclude choose the tools to approve (glob patterns); tools left
out stay hidden and blocked at run time.

Servers may offer different tools to different clients: server-everything, for
one, lists its sampling, elicitation and roots tools only to a client that
declares those capabilities. Lock as your host connects: mirror its
capabilities with --capabilities (and --root), or those tools will be missing
from the lock and refused at run time.

Definitions that carry metadata-poisoning findings (instructions to the model
hidden in a description, invisible characters, confusable names, schemas that
ask for secrets) are refused: ward lock exits 1 and lists them. Leave the items
out with --exclude, or lock them anyway with --allow-poisoned.

--from-mcptrust converts an MCPTrust lockfile (v2 or v3) instead of scanning.`,
		Example: `  ward lock -- npx -y @modelcontextprotocol/server-filesystem ~/src
  ward lock --name fs --only 'read_*,list_*' -o team-lock.json -- npx -y @modelcontextprotocol/server-filesystem ~/src
  ward lock --capabilities '{"sampling":{},"elicitation":{},"roots":{}}' --root file:///home/me/src -- node server.js
  ward lock --from-mcptrust mcp-lock.mcptrust.json -o mcp-lock.json`,
		Args: func(cmd *cobra.Command, args []string) error {
			if fromMCPTrust != "" {
				if len(args) > 0 {
					return usageErrf("--from-mcptrust converts a file: give no server command")
				}
				return nil
			}
			return serverArgs(cmd, args)
		},
		RunE: rf.wrap("lock", func(cmd *cobra.Command, argv []string) error {
			rf.input("mcptrust-lockfile", fromMCPTrust)
			rf.output("lockfile", o.Path)
			if fromMCPTrust != "" {
				file, err := scan.Import(fromMCPTrust, o.Path)
				if err != nil {
					return internalErr(err)
				}
				fmt.Fprintf(s.out, "converted %s (%d server(s)) into %s\n", fromMCPTrust, len(file.Servers), o.Path)
				return nil
			}
			opts, err := sf.options(s)
			if err != nil {
				return err
			}
			o.Scan = *opts
			out, err := scan.Lock(cmd.Context(), argv, o)
			var pe *scan.PoisonedError
			if errors.As(err, &pe) {
				rf.findings = map[string]any{"poisoning": pe.Findings}
				return findingsErr(err)
			}
			if err != nil {
				return internalErr(err)
			}
			rf.findings = map[string]any{"changes": nonNil(out.Changes), "poisoning": out.Poisoning}
			for _, p := range out.Poisoning {
				fmt.Fprintf(s.err, "ward: warning: locked despite poisoning (--allow-poisoned): %s\n", p)
			}
			if asJSON {
				return writeJSON(s.out, map[string]any{
					"name": out.Name, "path": o.Path, "first": out.Previous == nil, "changes": nonNil(out.Changes),
					"tools": len(out.Server.Tools), "prompts": len(out.Server.Prompts),
					"resources": len(out.Server.Resources), "resourceTemplates": len(out.Server.ResourceTemplates),
					"startupMillis": out.Result.Startup.Milliseconds(), "scanMillis": out.Result.Total.Milliseconds(),
				})
			}
			fmt.Fprintf(s.out, "locked %q in %s: %d tools, %d prompts, %d resources, %d resource templates\n",
				out.Name, o.Path, len(out.Server.Tools), len(out.Server.Prompts), len(out.Server.Resources), len(out.Server.ResourceTemplates))
			if out.Previous != nil {
				fmt.Fprintln(s.out, "changes since the previous lock:")
				return lockfile.RenderText(s.out, out.Changes)
			}
			return nil
		}),
	}
	sf.add(cmd)
	rf.add(cmd)
	fl := cmd.Flags()
	fl.StringVarP(&o.Path, "output", "o", lockfile.DefaultFileName, "lockfile to create or update")
	fl.StringVar(&o.Name, "name", "", "lock name of the server (default: from the server's own name)")
	fl.StringSliceVar(&o.Build.Only, "only", nil, "lock only these tools (glob patterns)")
	fl.StringSliceVar(&o.Build.Exclude, "exclude", nil, "leave these tools out (glob patterns)")
	fl.BoolVar(&o.AllowPoisoned, "allow-poisoned", false, "lock definitions even when they carry metadata-poisoning findings (they are listed)")
	fl.StringVar(&fromMCPTrust, "from-mcptrust", "", "convert this MCPTrust lockfile instead of scanning")
	fl.BoolVar(&asJSON, "json", false, "print the outcome as JSON")
	return cmd
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
