package policy

// StarterPolicy is the commented policy file ward policy init writes. It
// parses to the default policy with the current directory's project as root
// (PROJECT_ROOT is replaced by the caller).
const StarterPolicy = `# ward policy — what MCP servers may do on this machine.
# Reference: docs/policy.md. Check this file with: ward policy lint FILE
version: 1

# Paths in tool arguments (path, file, dir, source, destination, file:// URIs,
# arrays of them, at any depth) must stay inside these roots after decoding,
# normalisation and symlink resolution. A file that does not exist yet may be
# created inside a root. Relative paths are resolved against the first root.
filesystem:
  roots:
    - path: PROJECT_ROOT
      mode: read-write        # or read-only: tools that write are refused
  # Credential stores (~/.ssh, ~/.aws, .env, shell histories, browser
  # profiles, MCP host configs, /etc/shadow, /proc/*/environ) are refused even
  # inside a root unless listed here:
  allow_sensitive: []
  #  - ~/project/.env.test

# URLs and hosts in arguments: IPs are read in every encoding (2852039166,
# 0x7f.1, ::ffff:127.0.0.1); loopback, link-local, metadata, private, CGNAT
# and unique-local addresses and names that embed them are refused.
network:
  allow_hosts: []             # when set, the only hosts allowed (name, *.name, IP, CIDR)
  deny_hosts: []
  # schemes: [http, https]    # default: http https ws wss ssh git s3 gs mailto and database URLs
  allow_private: false        # true lets tools reach 10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7
  resolve_dns: false          # true resolves names and refuses those pointing inside (rebinding)

# Built-in rule packs, all on by default.
packs:
  filesystem: true
  network: true
  command: true               # shell commands parsed with a real POSIX/Bash parser
  secrets: true               # credentials in arguments are refused
  poisoning: true             # poisoned tool definitions are hidden
  injection: true             # instructions, invisible text and escapes in results
                              # and in the server's sampling requests

# Override single rules by id: off, warn (log only) or block.
# List them with: ward policy rules
rules: {}
#  cmd.option-injection: warn
#  elicit.credential-request: warn   # a server that still asks for an API key in a form

# What happens to server results and tool definitions. The results settings
# apply to the prompts of the server's sampling requests too.
results:
  secrets: redact             # redact | block | warn | off
  injection: block            # block | warn | off
  invisible: strip            # strip | block | warn | off
definitions:
  poisoned: hide              # hide | warn
  invisible: hide             # hide | strip (strip only when nothing else was found)

# Regular-expression rules over string arguments.
custom_rules: []
#  - id: custom.no-drop-table
#    description: SQL that drops tables
#    tools: ["query", "execute_*"]
#    argument: sql
#    pattern: '(?i)\bdrop\s+table\b'
#    action: block

# CEL policies over server, method, tool, args, session and identity.
# deny_if denies when true; allow_if denies when false. Errors deny.
cel: []
#  - id: cel.no-prod-writes
#    deny_if: 'server == "db" && tool == "execute" && args.sql.contains("prod.")'
#    message: writes to production tables need a human

# Per-server settings replace the global ones they name; rules, custom_rules
# and cel add to the global ones.
servers: {}
#  github:
#    packs:
#      filesystem: false      # its "path" arguments are paths in a repository
#  playwright:
#    network:
#      allow_loopback_unsafe: true   # let the browser open your local dev server
`
