package cli

import (
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"
	"github.com/ward-mcp/ward/internal/audit"
	"github.com/ward-mcp/ward/internal/diag"
	"github.com/ward-mcp/ward/internal/enforce"
	"github.com/ward-mcp/ward/internal/jsonrpc"
	"github.com/ward-mcp/ward/internal/lockfile"
	"github.com/ward-mcp/ward/internal/policy"
	"github.com/ward-mcp/ward/internal/proxy"
	"github.com/ward-mcp/ward/internal/relay"
	"github.com/ward-mcp/ward/internal/scan"
	"github.com/ward-mcp/ward/internal/sign"
	"github.com/ward-mcp/ward/internal/transport"
)

func init() { register(newProxyCmd) }

type proxyFlags struct {
	mode       string
	auditOnly  bool
	filterOnly bool
	names      enforce.NameLists
	logFormat  string
	logFile    string
	maxMessage int
	maxPending int
	timeout    time.Duration
	grace      time.Duration
	lockPath   string
	lockName   string
	failOn     string
	policyPath string
	auditSpec  string
	auditKey   string
	auditArgs  string
	auditReq   bool
	requireSig bool
	verify     sign.VerifyOptions
}

func newProxyCmd(s *streams) *cobra.Command {
	f := &proxyFlags{}
	var rf receiptFlag
	cmd := &cobra.Command{
		Use:   "proxy [flags] -- <server command> [args...]",
		Short: "Run an MCP stdio server behind ward",
		Long: `ward proxy starts the MCP server given after "--" and relays the host's stdio
session to it. Only what is approved gets through: with --lock, whatever the
lockfile does not pin (or pins with another definition) is hidden from every
list and its use is refused with a JSON-RPC error that names the rule; name
lists and --policy narrow it further. Every decision is logged.

Use it as the command of an mcpServers entry in Claude Desktop, Claude Code,
Cursor or VS Code:

  "command": "ward",
  "args": ["proxy", "--deny-tools", "exec*,shell*", "--",
           "npx", "-y", "@modelcontextprotocol/server-filesystem", "/home/me/src"]

--policy adds ward's detectors and your rules (see ward policy init): paths
outside the allowed roots, SSRF targets, command injection, secrets in
arguments are refused; results are inspected for instructions aimed at the
model, invisible characters and secrets; poisoned tool definitions are hidden.

Name lists take glob patterns (* matches anything, ? one character),
comma-separated or repeated. A name matched by a deny list is denied; when an
allow list of a kind is given, everything it does not match is denied.

Modes:
  enforce      hide denied items and refuse denied calls (default)
  filter-only  hide denied items, forward denied calls and log them as would-deny
  audit-only   change nothing, log every denial as would-deny / would-hide

Every decision is also recorded in the tamper-evident audit trail (--audit:
by default the SQLite database in ~/.local/state/ward; see ward audit). ward's
stdout carries the protocol; the decision log goes to stderr unless
--log-file is given. The server's stderr passes through to ward's stderr.
A host that does not read ward's stderr does not stop the session: lines
that find stderr full are dropped whole and counted.
ward exits 0 when the host ends the session, 1 when --require-signature finds
the lockfile's signature invalid, 2 on a usage error, and 3 when the server
cannot start or exits during the session.`,
		Example: `  ward proxy --lock mcp-lock.json -- npx -y @modelcontextprotocol/server-filesystem ~/src
  ward proxy --lock mcp-lock.json --require-signature --key team.pub --policy ward-policy.yaml -- node server.js
  ward proxy --deny-tools 'write_*,move_file' -- npx -y @modelcontextprotocol/server-filesystem ~/src
  ward proxy --allow-tools 'read_*,list_*' --log-format json --log-file ward.log -- ./my-server
  ward proxy --audit-only -- node server.js`,
		Args: func(cmd *cobra.Command, args []string) error {
			if cmd.ArgsLenAtDash() < 0 || len(args) == 0 {
				return usageErrf("give the server command after --, e.g. ward proxy -- npx -y @modelcontextprotocol/server-everything")
			}
			if cmd.ArgsLenAtDash() > 0 {
				return usageErrf("unexpected arguments before --: %q", args[:cmd.ArgsLenAtDash()])
			}
			return nil
		},
		RunE: rf.wrap("proxy", func(cmd *cobra.Command, args []string) error {
			rf.input("lockfile", f.lockPath)
			rf.input("policy", f.policyPath)
			sig := f.verify.SignaturePath
			if sig == "" && f.requireSig && f.verify.PublicKeyPath != "" && f.lockPath != "" {
				sig = sign.DefaultSignaturePath(f.lockPath) // what VerifyFile reads
			}
			rf.input("signature", sig)
			rf.input("public-key", f.verify.PublicKeyPath)
			rf.input("bundle", f.verify.BundlePath)
			rf.input("trusted-root", f.verify.TrustedRootPath)
			return runProxy(cmd, s, f, args)
		}),
	}
	rf.add(cmd)
	fl := cmd.Flags()
	fl.StringVar(&f.mode, "mode", "enforce", "what to do with denials: enforce, filter-only or audit-only")
	fl.BoolVar(&f.auditOnly, "audit-only", false, "same as --mode audit-only")
	fl.BoolVar(&f.filterOnly, "filter-only", false, "same as --mode filter-only")
	fl.StringSliceVar(&f.names.AllowTools, "allow-tools", nil, "only these tools (glob patterns)")
	fl.StringSliceVar(&f.names.DenyTools, "deny-tools", nil, "never these tools (glob patterns)")
	fl.StringSliceVar(&f.names.AllowPrompts, "allow-prompts", nil, "only these prompts (glob patterns)")
	fl.StringSliceVar(&f.names.DenyPrompts, "deny-prompts", nil, "never these prompts (glob patterns)")
	fl.StringSliceVar(&f.names.AllowResources, "allow-resources", nil, "only these resource URIs (glob patterns)")
	fl.StringSliceVar(&f.names.DenyResources, "deny-resources", nil, "never these resource URIs (glob patterns)")
	fl.StringVar(&f.lockPath, "lock", "", "enforce this lockfile: hide and refuse whatever it does not pin")
	fl.StringVar(&f.lockName, "name", "", "the server's name in the lockfile (needed when it holds several)")
	fl.StringVar(&f.failOn, "fail-on", "", "with --lock: refuse the whole session when the server drifted by a change at least critical, moderate or info (default: hide and log only)")
	fl.StringVar(&f.policyPath, "policy", "", "apply this policy file: argument rules (paths, URLs, commands, secrets), CEL policies, poisoning and injection detection (see ward policy init)")
	fl.StringVar(&f.auditSpec, "audit", "sqlite", "where to record every decision: sqlite (the database in ~/.local/state/ward), sqlite:PATH, jsonl:PATH or none")
	fl.StringVar(&f.auditKey, "audit-key", "", "Ed25519 private key (ward keygen) that signs checkpoints of the audit chain")
	fl.StringVar(&f.auditArgs, "audit-arguments", "redacted", "how much of each call's arguments the audit trail keeps: none, redacted (secrets masked, long values cut) or full")
	fl.BoolVar(&f.auditReq, "audit-required", false, "refuse calls while the audit trail cannot record them (store failing or queue full)")
	fl.BoolVar(&f.requireSig, "require-signature", false, "with --lock: refuse to start unless the lockfile's signature verifies (--key, or --bundle with the signer's identity)")
	fl.StringVar(&f.verify.PublicKeyPath, "key", "", "with --require-signature: the signer's Ed25519 public key (signature in <lock>.sig unless --signature)")
	fl.StringVar(&f.verify.SignaturePath, "signature", "", "with --require-signature --key: the signature file")
	fl.StringVar(&f.verify.BundlePath, "bundle", "", "with --require-signature: a Sigstore bundle of the lockfile")
	fl.StringVar(&f.verify.Identity.Subject, "certificate-identity", "", "with --bundle: the signer's identity (exact)")
	fl.StringVar(&f.verify.Identity.SubjectRegexp, "certificate-identity-regexp", "", "with --bundle: the signer's identity (regular expression)")
	fl.StringVar(&f.verify.Identity.Issuer, "certificate-oidc-issuer", "", "with --bundle: the OIDC issuer (exact)")
	fl.StringVar(&f.verify.Identity.IssuerRegexp, "certificate-oidc-issuer-regexp", "", "with --bundle: the OIDC issuer (regular expression)")
	fl.StringVar(&f.verify.TrustedRootPath, "trusted-root", "", "with --bundle: a trusted_root.json for offline verification")
	fl.StringVar(&f.logFormat, "log-format", "text", "decision log format: text or json")
	fl.StringVar(&f.logFile, "log-file", "", "append the decision log to this file instead of stderr")
	fl.IntVar(&f.maxMessage, "max-message-bytes", jsonrpc.DefaultMaxMessageBytes, "largest message accepted from either side")
	fl.IntVar(&f.maxPending, "max-pending", relay.DefaultMaxPending, "most requests in flight in each direction")
	fl.DurationVar(&f.timeout, "request-timeout", relay.DefaultRequestTimeout, "deadline of a request (progress notifications restart it)")
	fl.DurationVar(&f.grace, "shutdown-grace", transport.DefaultGrace, "wait after closing the server's stdin, and again after SIGTERM, before SIGKILL")
	return cmd
}

func runProxy(cmd *cobra.Command, s *streams, f *proxyFlags, argv []string) error {
	// The host that started ward may never read its stderr: the decision
	// log, the server's stderr and ward's warnings must not stop the
	// session (or the server) when that pipe is full.
	errw := s.unblockErr()
	mode, err := relay.ParseMode(f.mode)
	if err != nil {
		return usageErr(err)
	}
	switch {
	case f.auditOnly && f.filterOnly:
		return usageErrf("--audit-only and --filter-only contradict each other")
	case (f.auditOnly || f.filterOnly) && cmd.Flags().Changed("mode"):
		return usageErrf("give either --mode or --audit-only/--filter-only, not both")
	case f.auditOnly:
		mode = relay.AuditOnly
	case f.filterOnly:
		mode = relay.FilterOnly
	}
	format, err := enforce.ParseLogFormat(f.logFormat)
	if err != nil {
		return usageErr(err)
	}
	if f.maxMessage < 1024 {
		return usageErrf("--max-message-bytes must be at least 1024")
	}
	if f.maxPending < 1 {
		return usageErrf("--max-pending must be at least 1")
	}
	if f.timeout <= 0 || f.grace <= 0 {
		return usageErrf("--request-timeout and --shutdown-grace must be positive")
	}
	if err := f.names.Validate(); err != nil {
		return usageErr(err)
	}
	cfg := &proxy.Config{}
	if f.failOn != "" {
		if f.lockPath == "" {
			return usageErrf("--fail-on needs --lock")
		}
		if cfg.FailOn, err = lockfile.ParseSeverity(f.failOn); err != nil {
			return usageErrf("--fail-on: %v", err)
		}
	}
	if f.lockName != "" && f.lockPath == "" && f.policyPath == "" {
		return usageErrf("--name needs --lock or --policy")
	}
	cfg.ServerName = f.lockName
	if f.policyPath != "" {
		pcfg, err := policy.LoadFile(f.policyPath)
		if err != nil {
			return usageErr(err)
		}
		if cfg.Policy, err = policy.New(pcfg); err != nil {
			return usageErr(err)
		}
	}
	verifying := f.verify.PublicKeyPath != "" || f.verify.BundlePath != "" || f.verify.SignaturePath != "" || f.verify.TrustedRootPath != "" ||
		f.verify.Identity != (sign.Identity{})
	switch {
	case verifying && !f.requireSig:
		return usageErrf("--key, --bundle and the identity flags go with --require-signature")
	case f.requireSig && f.lockPath == "":
		return usageErrf("--require-signature needs --lock")
	case f.requireSig && (f.verify.PublicKeyPath == "") == (f.verify.BundlePath == ""):
		return usageErrf("--require-signature needs exactly one of --key and --bundle")
	case f.requireSig && f.verify.BundlePath != "":
		if err := f.verify.Identity.Validate(); err != nil {
			return usageErr(err)
		}
		for _, w := range f.verify.Identity.Warnings() {
			fmt.Fprintf(s.err, "ward: warning: %s\n", w)
		}
	}
	var verified []byte // the lockfile's bytes as verified, when they were
	if f.requireSig {
		// The lockfile is verified before anything is served: exactly the
		// file that --lock names, over its canonical bytes.
		res, err := sign.VerifyFile(f.lockPath, &f.verify)
		if errors.Is(err, sign.ErrInvalid) {
			return findingsErr(fmt.Errorf("refusing to start: the lockfile's signature does not verify: %w", err))
		}
		if err != nil {
			return internalErr(fmt.Errorf("refusing to start: cannot verify the lockfile: %w", err))
		}
		fmt.Fprintf(s.err, "ward: lockfile %s verified (%s%s%s)\n", f.lockPath, res.Method, prefixed(" key ", res.KeyID), prefixed(" signer ", res.Subject))
		verified = res.Lockfile
	}
	if f.lockPath != "" {
		// What is enforced is what was verified: the file is not read
		// again, since it may have been replaced in between (or be a pipe).
		var file *lockfile.File
		if verified != nil {
			if file, err = lockfile.Parse(verified); err != nil {
				err = fmt.Errorf("load lockfile %s: %w", f.lockPath, err)
			}
		} else {
			file, err = lockfile.Load(f.lockPath)
		}
		if err != nil {
			return internalErr(err)
		}
		if cfg.ServerName, cfg.Lock, err = scan.PickServer(file, f.lockName, ""); err != nil {
			return usageErr(err)
		}
	}
	if _, _, err := proxy.ParseAuditSpec(f.auditSpec); err != nil {
		return usageErr(err)
	}
	argsMode, err := audit.ParseArgumentsMode(f.auditArgs)
	if err != nil {
		return usageErrf("--audit-arguments: %v", err)
	}
	if f.auditSpec == "none" && (f.auditReq || f.auditKey != "") {
		return usageErrf("--audit none contradicts --audit-required and --audit-key")
	}
	cfg.Audit = &proxy.AuditConfig{Spec: f.auditSpec, KeyPath: f.auditKey, Arguments: argsMode, Required: f.auditReq}
	logw := errw.Source()
	if f.logFile != "" {
		lf, err := os.OpenFile(f.logFile, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
		if err != nil {
			return internalErr(fmt.Errorf("open log file: %w", err))
		}
		defer lf.Close()
		logw = lf
		if fi, err := lf.Stat(); err == nil && !fi.Mode().IsRegular() {
			// A FIFO, a terminal, /dev/stderr: a write can wait for a
			// reader as long as stderr's can. A regular file's cannot.
			dw := diag.NewWriter(lf, &diag.WriterOptions{Name: "the log file " + f.logFile})
			defer dw.Close() // before lf.Close, after log.Close
			logw = dw
		}
	}
	log := enforce.NewLog(logw, format)
	defer log.Close()

	cfg.Command = argv
	cfg.Mode = mode
	cfg.Names = f.names
	cfg.MaxMessageBytes = f.maxMessage
	cfg.MaxPending = f.maxPending
	cfg.RequestTimeout = f.timeout
	cfg.ShutdownGrace = f.grace
	cfg.Sink = log
	cfg.In, cfg.Out, cfg.ServerStderr, cfg.Warnings = s.in, s.out, errw.Source(), s.err
	err = proxy.Run(cmd.Context(), cfg)
	if errors.Is(err, proxy.ErrServerFailed) {
		return internalErr(err)
	}
	return err
}

// prefixed returns prefix+s, or "" when s is empty.
func prefixed(prefix, s string) string {
	if s == "" {
		return ""
	}
	return prefix + s
}
