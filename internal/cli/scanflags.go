package cli

import (
	"encoding/json"
	"time"

	"github.com/spf13/cobra"
	"github.com/ward-mcp/ward/internal/client"
	"github.com/ward-mcp/ward/internal/scan"
)

// scanFlags are the flags of every command that looks at a live server.
type scanFlags struct {
	timeout         time.Duration
	clientName      string
	clientVersion   string
	protocolVersion string
	capabilities    string
	roots           []string
	serverStderr    bool
}

func (f *scanFlags) add(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.DurationVar(&f.timeout, "timeout", client.DefaultTimeout, "deadline of each request to the server")
	fl.StringVar(&f.clientName, "client-name", "ward", "clientInfo.name to declare (mirror your host's)")
	fl.StringVar(&f.clientVersion, "client-version", "", "clientInfo.version to declare (ward's version by default)")
	fl.StringVar(&f.protocolVersion, "protocol-version", client.LatestProtocolVersion, "MCP revision to request")
	fl.StringVar(&f.capabilities, "capabilities", "", `client capabilities JSON to declare, e.g. '{"roots":{}}' (mirror your host's)`)
	fl.StringSliceVar(&f.roots, "root", nil, "a root URI to answer roots/list with (repeatable)")
	fl.BoolVar(&f.serverStderr, "server-stderr", false, "show the server's stderr as it runs (by default only its tail on failure)")
}

func (f *scanFlags) options(s *streams) (*scan.Options, error) {
	o := &scan.Options{Client: client.Options{
		ClientName: f.clientName, ClientVersion: f.clientVersion,
		ProtocolVersion: f.protocolVersion, Timeout: f.timeout,
	}}
	if f.timeout <= 0 {
		return nil, usageErrf("--timeout must be positive")
	}
	if f.capabilities != "" {
		var obj map[string]json.RawMessage
		if err := json.Unmarshal([]byte(f.capabilities), &obj); err != nil {
			return nil, usageErrf("--capabilities must be a JSON object: %v", err)
		}
		o.Client.Capabilities = json.RawMessage(f.capabilities)
	}
	for _, r := range f.roots {
		o.Client.Roots = append(o.Client.Roots, client.Root{URI: r})
	}
	if f.serverStderr {
		o.Stderr = s.err
	}
	return o, nil
}

// serverArgs checks that the server command follows "--".
func serverArgs(cmd *cobra.Command, args []string) error {
	if cmd.ArgsLenAtDash() < 0 || len(args) == 0 {
		return usageErrf("give the server command after --, e.g. ward %s -- npx -y @modelcontextprotocol/server-everything", cmd.Name())
	}
	if cmd.ArgsLenAtDash() > 0 {
		return usageErrf("unexpected arguments before --: %q", args[:cmd.ArgsLenAtDash()])
	}
	return nil
}
