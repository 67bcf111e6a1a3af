package policy

import (
	"fmt"
	"path"
	"regexp"
	"sort"
	"strings"
)

// Config is a policy: global settings plus per-server settings. The zero
// Config enables every rule pack with no filesystem root, so every path
// argument is outside the jail; DefaultConfig gives the usual starting point.
// A Config must not be changed after it is passed to New.
type Config struct {
	// Version is the policy file format version; only 1 exists.
	Version int `json:"version"`
	Settings
	// Servers holds per-server settings, by server name. A field set here
	// replaces the global one (lists and maps are merged: rules, custom
	// rules and CEL policies add to the global ones).
	Servers map[string]*Settings `json:"servers,omitempty"`
}

// Settings are the knobs that can be set globally or per server.
type Settings struct {
	// Filesystem configures the path jail.
	Filesystem *FilesystemConfig `json:"filesystem,omitempty"`
	// Network configures URL and host checks.
	Network *NetworkConfig `json:"network,omitempty"`
	// Packs turns built-in rule packs on or off (all on by default).
	Packs *PacksConfig `json:"packs,omitempty"`
	// Rules overrides built-in rules by id: "off", "warn" or "block".
	Rules map[string]string `json:"rules,omitempty"`
	// Results configures what happens to server results.
	Results *ResultsConfig `json:"results,omitempty"`
	// Definitions configures what happens to poisoned tool definitions.
	Definitions *DefinitionsConfig `json:"definitions,omitempty"`
	// CustomRules are regular-expression rules over arguments.
	CustomRules []CustomRule `json:"custom_rules,omitempty"`
	// CEL are run-time policies written in CEL.
	CEL []CELPolicy `json:"cel,omitempty"`
}

// FilesystemConfig configures the filesystem jail.
type FilesystemConfig struct {
	// Roots are the directories paths must stay inside. Relative paths in
	// arguments are resolved against the first root.
	Roots []Root `json:"roots"`
	// AllowSensitive lists sensitive paths (fs.sensitive) that are allowed
	// anyway, as absolute paths or ~/… patterns with * and ? wildcards.
	AllowSensitive []string `json:"allow_sensitive,omitempty"`
	// Home is the home directory used to expand "~" and to place sensitive
	// locations; it defaults to the one given in Options.
	Home string `json:"home,omitempty"`
}

// Root is one allowed directory.
type Root struct {
	// Path is an absolute directory (or ~/…).
	Path string `json:"path"`
	// Mode is "read-write" (default) or "read-only".
	Mode string `json:"mode,omitempty"`
}

// NetworkConfig configures URL and host checks.
type NetworkConfig struct {
	// AllowHosts, when not empty, is the only set of hosts URLs may name
	// (exact names, "*.example.com" wildcards, IPs or CIDRs). Hosts listed
	// here are also exempt from the private-address rules.
	AllowHosts []string `json:"allow_hosts,omitempty"`
	// DenyHosts are always refused (same syntax as AllowHosts).
	DenyHosts []string `json:"deny_hosts,omitempty"`
	// Schemes are the URL schemes allowed; default http, https, ws, wss.
	Schemes []string `json:"schemes,omitempty"`
	// AllowPrivate lets URLs reach private, CGNAT and unique-local ranges
	// (loopback, link-local and metadata stay denied).
	AllowPrivate bool `json:"allow_private,omitempty"`
	// AllowLoopbackUnsafe lets URLs reach this machine.
	AllowLoopbackUnsafe bool `json:"allow_loopback_unsafe,omitempty"`
	// ResolveDNS resolves hostnames and checks every address they resolve
	// to (against DNS rebinding). Off by default: it costs a lookup per URL.
	ResolveDNS bool `json:"resolve_dns,omitempty"`
}

// PacksConfig turns rule packs on or off; nil means on. Each field is the
// pack of the same name (see Rules).
type PacksConfig struct {
	Filesystem *bool `json:"filesystem,omitempty"`
	Network    *bool `json:"network,omitempty"`
	Command    *bool `json:"command,omitempty"`
	Secrets    *bool `json:"secrets,omitempty"`
	Poisoning  *bool `json:"poisoning,omitempty"`
	Injection  *bool `json:"injection,omitempty"`
}

// ResultsConfig says what to do with server results.
type ResultsConfig struct {
	// Secrets is "redact" (default), "block", "warn" or "off".
	Secrets string `json:"secrets,omitempty"`
	// Injection is "block" (default), "warn" or "off".
	Injection string `json:"injection,omitempty"`
	// Invisible is "strip" (default), "block", "warn" or "off".
	Invisible string `json:"invisible,omitempty"`
}

// DefinitionsConfig says what to do with poisoned tool and prompt definitions.
type DefinitionsConfig struct {
	// Poisoned is "hide" (default) or "warn".
	Poisoned string `json:"poisoned,omitempty"`
	// Invisible is "hide" (default) or "strip": a definition whose only
	// finding is invisible characters is forwarded with them removed.
	Invisible string `json:"invisible,omitempty"`
}

// CustomRule is a user rule: a regular expression over string arguments.
type CustomRule struct {
	// ID names the rule; it must start with "custom.".
	ID string `json:"id"`
	// Description says what the rule catches.
	Description string `json:"description,omitempty"`
	// Servers and Tools restrict the rule (globs with * and ?); empty means all.
	Servers []string `json:"servers,omitempty"`
	Tools   []string `json:"tools,omitempty"`
	// Argument restricts the rule to arguments whose key matches this glob
	// (the last key of the path, e.g. "sql"); empty means every string.
	Argument string `json:"argument,omitempty"`
	// Pattern is an RE2 regular expression.
	Pattern string `json:"pattern"`
	// Action is "block" (default) or "warn".
	Action string `json:"action,omitempty"`
	// Severity defaults to high.
	Severity string `json:"severity,omitempty"`
}

// CELPolicy is a run-time policy in CEL over server, method, tool, args,
// session and identity. Exactly one of DenyIf and AllowIf is set: DenyIf
// denies when it is true; AllowIf denies when it is false.
type CELPolicy struct {
	// ID names the policy; it must start with "cel.".
	ID string `json:"id"`
	// Description says what the policy enforces.
	Description string `json:"description,omitempty"`
	// DenyIf is an expression that denies the call when true.
	DenyIf string `json:"deny_if,omitempty"`
	// AllowIf is an expression that denies the call when false.
	AllowIf string `json:"allow_if,omitempty"`
	// Message is the reason shown on denial.
	Message string `json:"message,omitempty"`
	// Action is "block" (default) or "warn".
	Action string `json:"action,omitempty"`
	// Severity defaults to high.
	Severity string `json:"severity,omitempty"`
}

// DefaultConfig returns the default policy with projectRoot as the one
// read-write root: every pack on, results redacted and stripped, poisoned
// definitions hidden, no private network access.
func DefaultConfig(projectRoot string) *Config {
	c := &Config{Version: 1}
	if projectRoot != "" {
		c.Filesystem = &FilesystemConfig{Roots: []Root{{Path: projectRoot, Mode: "read-write"}}}
	}
	return c
}

var idPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_.-]{0,127}$`)

// ConfigError is a problem in a policy file, with its line when known.
type ConfigError struct {
	// File is the policy file's name, if any.
	File string
	// Line is the 1-based line, 0 when unknown.
	Line int
	// Msg says what is wrong.
	Msg string
}

// Error formats the problem as "file:line: key: message".
func (e *ConfigError) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		b.WriteString(":")
	}
	if e.Line > 0 {
		fmt.Fprintf(&b, "%d:", e.Line)
	}
	if b.Len() > 0 {
		b.WriteString(" ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// ConfigErrors is every problem found in a policy file.
type ConfigErrors []*ConfigError

// Error lists every problem, one per line.
func (es ConfigErrors) Error() string {
	msgs := make([]string, len(es))
	for i, e := range es {
		msgs[i] = e.Error()
	}
	return strings.Join(msgs, "\n")
}

// lineFunc maps a dotted key path ("servers.fs.filesystem.roots[0].mode") to
// its line in the source, 0 when unknown.
type lineFunc func(key string) int

// Validate checks the configuration's values. It does not compile CEL; New
// does, and reports the same kind of errors.
func (c *Config) Validate() error { return c.validate("", func(string) int { return 0 }) }

func (c *Config) validate(file string, line lineFunc) error {
	var errs ConfigErrors
	add := func(key, format string, args ...any) {
		errs = append(errs, &ConfigError{File: file, Line: line(key), Msg: key + ": " + fmt.Sprintf(format, args...)})
	}
	if c.Version != 1 {
		add("version", "unsupported version %d (want 1)", c.Version)
	}
	validateSettings(&c.Settings, "", add)
	names := make([]string, 0, len(c.Servers))
	for n := range c.Servers {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		s := c.Servers[n]
		if s == nil {
			add("servers."+n, "empty server section")
			continue
		}
		validateSettings(s, "servers."+n+".", add)
	}
	if len(errs) == 0 {
		return nil
	}
	return errs
}

func oneOf(v string, allowed ...string) bool {
	for _, a := range allowed {
		if v == a {
			return true
		}
	}
	return false
}

func validateSettings(s *Settings, pfx string, add func(key, format string, args ...any)) {
	if fs := s.Filesystem; fs != nil {
		for i, r := range fs.Roots {
			k := fmt.Sprintf("%sfilesystem.roots[%d]", pfx, i)
			if r.Path == "" || !(strings.HasPrefix(r.Path, "/") || r.Path == "~" || strings.HasPrefix(r.Path, "~/")) {
				add(k+".path", "root %q must be an absolute path", r.Path)
			}
			if !oneOf(r.Mode, "", "read-write", "read-only") {
				add(k+".mode", "mode %q must be read-write or read-only", r.Mode)
			}
		}
		for i, p := range fs.AllowSensitive {
			if _, err := path.Match(p, ""); err != nil || !(strings.HasPrefix(p, "/") || strings.HasPrefix(p, "~/")) {
				add(fmt.Sprintf("%sfilesystem.allow_sensitive[%d]", pfx, i), "%q must be an absolute or ~/ pattern", p)
			}
		}
		if fs.Home != "" && !strings.HasPrefix(fs.Home, "/") {
			add(pfx+"filesystem.home", "home %q must be absolute", fs.Home)
		}
	}
	if n := s.Network; n != nil {
		for i, h := range n.AllowHosts {
			if _, err := parseHostPattern(h); err != nil {
				add(fmt.Sprintf("%snetwork.allow_hosts[%d]", pfx, i), "%v", err)
			}
		}
		for i, h := range n.DenyHosts {
			if _, err := parseHostPattern(h); err != nil {
				add(fmt.Sprintf("%snetwork.deny_hosts[%d]", pfx, i), "%v", err)
			}
		}
		for i, sc := range n.Schemes {
			if !regexp.MustCompile(`^[a-z][a-z0-9+.-]*$`).MatchString(sc) {
				add(fmt.Sprintf("%snetwork.schemes[%d]", pfx, i), "bad scheme %q", sc)
			}
		}
	}
	for id, v := range s.Rules {
		if _, ok := ruleIndex[id]; !ok && !strings.HasPrefix(id, "custom.") && !strings.HasPrefix(id, "cel.") {
			add(pfx+"rules."+id, "unknown rule id %q", id)
		}
		if !oneOf(v, "off", "warn", "block") {
			add(pfx+"rules."+id, "override %q must be off, warn or block", v)
		}
	}
	if r := s.Results; r != nil {
		if !oneOf(r.Secrets, "", "redact", "block", "warn", "off") {
			add(pfx+"results.secrets", "%q must be redact, block, warn or off", r.Secrets)
		}
		if !oneOf(r.Injection, "", "block", "warn", "off") {
			add(pfx+"results.injection", "%q must be block, warn or off", r.Injection)
		}
		if !oneOf(r.Invisible, "", "strip", "block", "warn", "off") {
			add(pfx+"results.invisible", "%q must be strip, block, warn or off", r.Invisible)
		}
	}
	if d := s.Definitions; d != nil {
		if !oneOf(d.Poisoned, "", "hide", "warn") {
			add(pfx+"definitions.poisoned", "%q must be hide or warn", d.Poisoned)
		}
		if !oneOf(d.Invisible, "", "hide", "strip") {
			add(pfx+"definitions.invisible", "%q must be hide or strip", d.Invisible)
		}
	}
	for i, cr := range s.CustomRules {
		k := fmt.Sprintf("%scustom_rules[%d]", pfx, i)
		if !strings.HasPrefix(cr.ID, "custom.") || !idPattern.MatchString(cr.ID) {
			add(k+".id", "id %q must start with custom. and use a-z 0-9 _ . -", cr.ID)
		}
		if cr.Pattern == "" {
			add(k+".pattern", "pattern is required")
		} else if _, err := regexp.Compile(cr.Pattern); err != nil {
			add(k+".pattern", "%v", err)
		}
		if !oneOf(cr.Action, "", "block", "warn") {
			add(k+".action", "%q must be block or warn", cr.Action)
		}
		if cr.Severity != "" {
			var sv Severity
			if err := sv.UnmarshalText([]byte(cr.Severity)); err != nil {
				add(k+".severity", "%v", err)
			}
		}
		for _, g := range append(append([]string{cr.Argument}, cr.Servers...), cr.Tools...) {
			if _, err := path.Match(g, ""); err != nil {
				add(k, "bad glob %q", g)
			}
		}
	}
	for i, cp := range s.CEL {
		k := fmt.Sprintf("%scel[%d]", pfx, i)
		if !strings.HasPrefix(cp.ID, "cel.") || !idPattern.MatchString(cp.ID) {
			add(k+".id", "id %q must start with cel. and use a-z 0-9 _ . -", cp.ID)
		}
		if (cp.DenyIf == "") == (cp.AllowIf == "") {
			add(k, "set exactly one of deny_if and allow_if")
		}
		if len(cp.DenyIf)+len(cp.AllowIf) > maxCELSize {
			add(k, "expression longer than %d characters", maxCELSize)
		}
		if !oneOf(cp.Action, "", "block", "warn") {
			add(k+".action", "%q must be block or warn", cp.Action)
		}
		if cp.Severity != "" {
			var sv Severity
			if err := sv.UnmarshalText([]byte(cp.Severity)); err != nil {
				add(k+".severity", "%v", err)
			}
		}
	}
}
