package cli

import (
	"github.com/spf13/cobra"
	"github.com/ward-mcp/ward/internal/scan"
)

func init() { register(newScanCmd) }

func newScanCmd(s *streams) *cobra.Command {
	var sf scanFlags
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "scan [flags] -- <server command> [args...]",
		Short: "Show what an MCP server is and everything it exposes, with risk grades",
		Long: `ward scan starts the server, performs the MCP handshake and lists every tool,
prompt, resource and resource template it exposes (all pages). Each tool gets a
risk grade (LOW, MEDIUM, HIGH) with the reasons: what its name and description
say it does, which parameters take paths, URLs, commands or queries, and its
annotations (destructiveHint, openWorldHint, readOnlyHint).

A server that fails to start or answer is an error (exit 3) with the end of its
stderr, never an empty result.`,
		Example: `  ward scan -- npx -y @modelcontextprotocol/server-filesystem ~/src
  ward scan --json -- node server.js | jq '.tools[] | select(.risk == "HIGH")'`,
		Args: serverArgs,
		RunE: func(cmd *cobra.Command, argv []string) error {
			opts, err := sf.options(s)
			if err != nil {
				return err
			}
			res, err := scan.Command(cmd.Context(), argv, opts)
			if err != nil {
				return internalErr(err)
			}
			rep := scan.NewReport(res)
			if asJSON {
				return rep.WriteJSON(s.out)
			}
			return rep.WriteText(s.out)
		},
	}
	sf.add(cmd)
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the report as JSON")
	return cmd
}
