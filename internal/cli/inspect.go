package cli

import (
	"encoding/json"
	"io"
	"os"

	"github.com/spf13/cobra"
	"github.com/ward-mcp/ward/internal/policy"
)

func init() { register(newInspectCmd) }

func newInspectCmd(s *streams) *cobra.Command {
	var (
		policyFile, server, tool, method, args string
		asJSON                                 bool
	)
	cmd := &cobra.Command{
		Use:   "inspect [flags]",
		Short: "Decide on one MCP call, result or tool list under a policy",
		Long: `ward inspect runs the policy engine once and prints ALLOW, DENY, REDACT or
HIDE with the rule and the reasons.

Give the call with --tool and --args, or pipe one JSON-RPC message on stdin: a
request (tools/call, prompts/get, resources/read), a request from the server
(sampling/createMessage, elicitation/create) or a response (a tool or prompt
list, initialize instructions, a tools/call or resources/read result).

Without --policy, the default policy applies with the current directory as the
only filesystem root. Exit 0 when the message passes (allowed or redacted),
1 when it is denied or a definition is hidden.`,
		Example: `  ward inspect --server fs --tool read_file --args '{"path":"../../etc/passwd"}'
  ward inspect --policy ward-policy.yaml --server fetch --tool fetch --args '{"url":"http://2852039166/"}'
  echo '{"jsonrpc":"2.0","id":1,"result":{"tools":[...]}}' | ward inspect --server x --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var cfg *policy.Config
			if policyFile != "" {
				c, err := policy.LoadFile(policyFile)
				if err != nil {
					return usageErr(err)
				}
				cfg = c
			} else {
				wd, err := os.Getwd()
				if err != nil {
					return internalErr(err)
				}
				cfg = policy.DefaultConfig(wd)
			}
			e, err := policy.New(cfg)
			if err != nil {
				return usageErr(err)
			}
			var check *policy.Check
			if tool != "" {
				if args == "" {
					args = "{}"
				}
				if !json.Valid([]byte(args)) {
					return usageErrf("--args is not valid JSON")
				}
				check = e.CheckCall(cmd.Context(), server, method, tool, json.RawMessage(args))
			} else {
				if args != "" {
					return usageErrf("--args needs --tool")
				}
				raw, err := io.ReadAll(io.LimitReader(s.in, 16<<20))
				if err != nil {
					return internalErr(err)
				}
				if check, err = e.CheckMessage(cmd.Context(), server, raw); err != nil {
					return usageErr(err)
				}
			}
			if asJSON {
				err = check.WriteJSON(s.out)
			} else {
				err = check.WriteText(s.out)
			}
			if err != nil {
				return internalErr(err)
			}
			if check.Denied() {
				return silentExit(ExitFindings)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&policyFile, "policy", "", "policy file (default: built-in policy, current directory as root)")
	f.StringVar(&server, "server", "", "name of the server the message is for")
	f.StringVar(&tool, "tool", "", "tool, prompt or resource URI to decide on (instead of a message on stdin)")
	f.StringVar(&method, "method", "tools/call", "JSON-RPC method of --tool: tools/call, prompts/get or resources/read")
	f.StringVar(&args, "args", "", "arguments of --tool as a JSON object")
	f.BoolVar(&asJSON, "json", false, "print the decision as JSON")
	return cmd
}
