package policy

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"path"
	"regexp"
	"runtime/debug"
	"sort"
	"strings"
	"sync"

	"github.com/ward-mcp/ward/internal/inspect"
)

// Options are the engine's connections to the host. The zero value uses the
// host's filesystem and home directory and the system resolver.
type Options struct {
	// FS resolves symlinks for the filesystem jail; nil means OSFS.
	FS FS
	// Home is the home directory for "~" and sensitive locations; "" means
	// $HOME (a policy's filesystem.home wins over both).
	Home string
	// LookupIP resolves host names when a policy turns on network.resolve_dns;
	// nil means the system resolver.
	LookupIP func(ctx context.Context, host string) ([]netip.Addr, error)
}

// Engine evaluates messages against one policy. It is immutable and safe for
// concurrent use; to change the policy, build a new Engine and swap it.
type Engine struct {
	global  *settings
	servers map[string]*settings
}

// settings is the effective, compiled policy for one server.
type settings struct {
	roots          []root
	home           string
	allowSensitive []string
	allowHosts     []hostPattern
	denyHosts      []hostPattern
	schemes        map[string]bool
	allowPrivate   bool
	allowLoopback  bool
	resolveDNS     bool
	packs          map[string]bool
	overrides      map[string]string
	results        ResultsConfig
	defs           DefinitionsConfig
	custom         []customRule
	cel            []*celPolicy
	fs             FS
	lookup         func(ctx context.Context, host string) ([]netip.Addr, error)

	// packFS … packInjection are packs[PackFilesystem] …
	// packs[PackInjection], looked up once: every argument string asks.
	packFS, packNet, packCmd, packSecrets, packInjection bool
}

type root struct {
	lexical, real string
	readOnly      bool
}

type customRule struct {
	CustomRule
	re       *regexp.Regexp
	severity Severity
	warn     bool
}

// base is the directory relative paths are resolved against.
func (s *settings) base() string {
	if len(s.roots) > 0 {
		return s.roots[0].lexical
	}
	return "/"
}

// defaultSchemes are the URL schemes allowed when a policy names none.
var defaultSchemes = []string{"http", "https", "ws", "wss", "ssh", "git", "git+ssh", "git+https", "s3", "gs", "mailto",
	"postgres", "postgresql", "mysql", "mariadb", "mongodb", "mongodb+srv", "redis", "rediss", "amqp", "amqps", "nats", "kafka"}

// New builds an engine from cfg with default Options.
func New(cfg *Config) (*Engine, error) { return NewWithOptions(cfg, nil) }

// NewWithOptions builds an engine from cfg. It validates the policy, compiles
// its regular expressions and CEL, and resolves the roots' own symlinks.
func NewWithOptions(cfg *Config, opts *Options) (*Engine, error) {
	if cfg == nil {
		return nil, errors.New("policy: nil config")
	}
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("policy: %w", err)
	}
	// The detectors build their tables on first use; an engine is made to
	// use them, so it pays for that here and not on the first message.
	warmDetectors()
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.FS == nil {
		o.FS = OSFS{}
	}
	if o.Home == "" {
		o.Home = os.Getenv("HOME")
	}
	if o.Home == "" {
		o.Home = "/nonexistent-home"
	}
	cels, err := compileCEL(cfg)
	if err != nil {
		return nil, fmt.Errorf("policy: %w", err)
	}
	e := &Engine{servers: map[string]*settings{}}
	e.global, err = buildSettings(&cfg.Settings, &o, cels[""])
	if err != nil {
		return nil, err
	}
	for name, s := range cfg.Servers {
		merged := mergeSettings(&cfg.Settings, s)
		if e.servers[name], err = buildSettings(merged, &o, append(append([]*celPolicy(nil), cels[""]...), cels[name]...)); err != nil {
			return nil, fmt.Errorf("policy: server %s: %w", name, err)
		}
	}
	return e, nil
}

// mergeSettings overlays a server's settings on the global ones.
func mergeSettings(g, s *Settings) *Settings {
	m := *g
	if s.Filesystem != nil {
		m.Filesystem = s.Filesystem
	}
	if s.Network != nil {
		m.Network = s.Network
	}
	if s.Packs != nil {
		p := PacksConfig{}
		if g.Packs != nil {
			p = *g.Packs
		}
		for _, kv := range []struct{ dst, src **bool }{{&p.Filesystem, &s.Packs.Filesystem}, {&p.Network, &s.Packs.Network}, {&p.Command, &s.Packs.Command}, {&p.Secrets, &s.Packs.Secrets}, {&p.Poisoning, &s.Packs.Poisoning}, {&p.Injection, &s.Packs.Injection}} {
			if *kv.src != nil {
				*kv.dst = *kv.src
			}
		}
		m.Packs = &p
	}
	if len(s.Rules) > 0 {
		m.Rules = map[string]string{}
		for k, v := range g.Rules {
			m.Rules[k] = v
		}
		for k, v := range s.Rules {
			m.Rules[k] = v
		}
	}
	if s.Results != nil {
		m.Results = s.Results
	}
	if s.Definitions != nil {
		m.Definitions = s.Definitions
	}
	m.CustomRules = append(append([]CustomRule(nil), g.CustomRules...), s.CustomRules...)
	return &m
}

// buildSettings compiles one effective set of settings.
func buildSettings(s *Settings, o *Options, cels []*celPolicy) (*settings, error) {
	st := &settings{home: o.Home, fs: o.FS, lookup: o.LookupIP, overrides: s.Rules, cel: cels,
		packs: map[string]bool{PackFilesystem: true, PackNetwork: true, PackCommand: true, PackSecrets: true, PackPoisoning: true, PackInjection: true, "engine": true, "custom": true, "cel": true}}
	if fs := s.Filesystem; fs != nil {
		if fs.Home != "" {
			st.home = path.Clean(fs.Home)
		}
		for _, r := range fs.Roots {
			p := r.Path
			if p == "~" || strings.HasPrefix(p, "~/") {
				p = st.home + p[1:]
			}
			p = path.Clean(p)
			real, err := resolveSymlinks(st.fs, p)
			if err != nil {
				return nil, fmt.Errorf("policy: root %s: %w", r.Path, err)
			}
			st.roots = append(st.roots, root{lexical: p, real: real, readOnly: r.Mode == "read-only"})
		}
		for _, a := range fs.AllowSensitive {
			if strings.HasPrefix(a, "~/") {
				a = st.home + a[1:]
			}
			st.allowSensitive = append(st.allowSensitive, a)
		}
	}
	schemes := defaultSchemes
	if n := s.Network; n != nil {
		for _, h := range n.AllowHosts {
			p, _ := parseHostPattern(h)
			st.allowHosts = append(st.allowHosts, p)
		}
		for _, h := range n.DenyHosts {
			p, _ := parseHostPattern(h)
			st.denyHosts = append(st.denyHosts, p)
		}
		if len(n.Schemes) > 0 {
			schemes = n.Schemes
		}
		st.allowPrivate, st.allowLoopback, st.resolveDNS = n.AllowPrivate, n.AllowLoopbackUnsafe, n.ResolveDNS
	}
	st.schemes = set(schemes...)
	if p := s.Packs; p != nil {
		for name, v := range map[string]*bool{PackFilesystem: p.Filesystem, PackNetwork: p.Network, PackCommand: p.Command, PackSecrets: p.Secrets, PackPoisoning: p.Poisoning, PackInjection: p.Injection} {
			if v != nil {
				st.packs[name] = *v
			}
		}
	}
	st.packFS, st.packNet, st.packCmd, st.packSecrets, st.packInjection = st.packs[PackFilesystem], st.packs[PackNetwork], st.packs[PackCommand], st.packs[PackSecrets], st.packs[PackInjection]
	if s.Results != nil {
		st.results = *s.Results
	}
	if st.results.Secrets == "" {
		st.results.Secrets = "redact"
	}
	if st.results.Injection == "" {
		st.results.Injection = "block"
	}
	if st.results.Invisible == "" {
		st.results.Invisible = "strip"
	}
	if s.Definitions != nil {
		st.defs = *s.Definitions
	}
	if st.defs.Poisoned == "" {
		st.defs.Poisoned = "hide"
	}
	if st.defs.Invisible == "" {
		st.defs.Invisible = "hide"
	}
	for _, cr := range s.CustomRules {
		re, err := regexp.Compile(cr.Pattern)
		if err != nil {
			return nil, fmt.Errorf("policy: %s: %w", cr.ID, err)
		}
		sev := SeverityHigh
		if cr.Severity != "" {
			_ = sev.UnmarshalText([]byte(cr.Severity))
		}
		st.custom = append(st.custom, customRule{CustomRule: cr, re: re, severity: sev, warn: cr.Action == "warn"})
	}
	return st, nil
}

func (e *Engine) settingsFor(server string) *settings {
	if len(e.servers) == 0 {
		return e.global
	}
	if s, ok := e.servers[server]; ok {
		return s
	}
	return e.global
}

// callCtx collects the findings for one message.
type callCtx struct {
	callState
	// walker walks the message's JSON with c as its visitor: kept in c
	// (not taken from inspect's pool) so that a message costs one pool
	// round trip, for c. It clears itself after each walk.
	walker inspect.Walker
}

// callState is what a callCtx knows of one message; release clears it.
type callState struct {
	ctx context.Context
	set *settings
	// server and name are the message's Input.Server and Input.Name: a
	// callCtx lives on the heap (it is the JSON walk's visitor, and
	// pooled), and a pointer to the caller's Input here would make every
	// caller allocate its Input.
	server, name string
	findings     []Finding
	// wherePrefix and at are prepended to the location of every finding:
	// a walk over JSON (a call's arguments, a result) sets at to the path
	// of the value being checked and the rules pass only what they add
	// to it, so the location is built only when a rule fires, not for
	// every value.
	wherePrefix string
	at          *inspect.Path
	// argvs are the string arrays under command keys, gathered by the
	// walk over the arguments.
	argvs []argv
	// res is what InspectResult's walk needs to know.
	res resultSettings
	// borrowed is set while the walk hands the visitors strings that are
	// views of the message's bytes (inspect.VisitStringsBorrowed): what a
	// rule keeps of them past the message must be copied.
	borrowed bool
}

// callCtxs reuses callCtxs: handed to the JSON walk as its visitor, a
// callCtx would otherwise be allocated for every message.
var callCtxs = sync.Pool{New: func() any { return new(callCtx) }}

// newCallCtx returns a callCtx for one message; release gives it back.
func newCallCtx(ctx context.Context, set *settings, in *Input) *callCtx {
	c := callCtxs.Get().(*callCtx)
	c.ctx, c.set, c.server, c.name = ctx, set, in.Server, in.Name
	return c
}

// release clears c's message state (the decision keeps its findings, c
// forgets them) and puts it back for reuse. A callCtx a panic interrupted
// is not released.
func (c *callCtx) release() {
	c.callState = callState{}
	callCtxs.Put(c)
}

// location returns the location of a finding at where, below c's current
// path.
func (c *callCtx) location(where string) string {
	if c.at == nil || c.at.Len() == 0 {
		return c.wherePrefix + where
	}
	b := make([]byte, 0, len(c.wherePrefix)+64+len(where))
	b = append(b, c.wherePrefix...)
	b = c.at.AppendTo(b)
	return string(append(b, where...))
}

// add records a finding for a built-in rule, applying the policy's override
// for it. An unknown id is recorded as an engine error (fail closed).
func (c *callCtx) add(rule, reason, where string) {
	r, ok := ruleIndex[rule]
	if !ok {
		c.findings = append(c.findings, Finding{RuleID: "engine.error", Category: "engine", Severity: SeverityHigh, Action: Deny, Reason: "unknown rule " + rule + ": " + reason, Where: c.location(where)})
		return
	}
	if !c.set.packs[r.Category] {
		return
	}
	c.addWith(rule, r.Category, r.Severity, Deny, reason, where)
}

// addWith records a finding with an explicit default action.
func (c *callCtx) addWith(rule, category string, sev Severity, act Action, reason, where string) {
	where = c.location(where)
	switch c.set.overrides[rule] {
	case "off":
		return
	case "warn":
		act = Allow
	case "block":
		act = Deny
	}
	for _, f := range c.findings {
		if f.RuleID == rule && f.Where == where && f.Reason == reason {
			return
		}
	}
	if c.borrowed {
		// A reason may quote the message's bytes; the decision outlives them.
		reason, where = strings.Clone(reason), strings.Clone(where)
	}
	c.findings = append(c.findings, Finding{RuleID: rule, Category: category, Severity: sev, Action: act, Reason: reason, Where: where})
}

// guard runs one rule group, turning a panic into a deny that names it.
func (c *callCtx) guard(name string, fn func()) {
	defer func() {
		if r := recover(); r != nil {
			c.findings = append(c.findings, Finding{RuleID: "engine.error", Category: "engine", Severity: SeverityHigh, Action: Deny,
				Reason: fmt.Sprintf("rule %s panicked: %v", name, r)})
		}
	}()
	fn()
}

// EvaluateCall decides on a request from the host (tools/call, prompts/get,
// resources/read, …). It never panics; a failing rule yields Deny.
func (e *Engine) EvaluateCall(ctx context.Context, in *Input) (d Decision) {
	c := newCallCtx(ctx, e.settingsFor(in.Server), in)
	defer func() {
		if r := recover(); r != nil {
			d = Decision{Action: Deny, RuleID: "engine.error", Category: "engine", Severity: SeverityHigh, Reasons: []string{fmt.Sprintf("policy engine panicked: %v", r)}}
			return // c is not reused
		}
		c.release()
	}()
	raw := bytes.TrimSpace(in.Arguments)
	hasArgs := len(raw) > 0 && string(raw) != "null"
	if hasArgs {
		if raw[0] != '{' {
			c.add("engine.bad-arguments", "arguments are not a JSON object", "/arguments")
			return decide(c.findings)
		}
	}
	if in.Method == "resources/read" && in.Name != "" {
		c.guard("resource-uri", func() { c.resourceURI(in.Name) })
	}
	if hasArgs {
		c.guard("arguments", func() { c.walkRaw(raw) })
	}
	if len(c.set.cel) > 0 && !c.badArguments() {
		c.guard("cel", func() {
			var args any
			if hasArgs {
				dec := json.NewDecoder(bytes.NewReader(raw))
				dec.UseNumber()
				if err := dec.Decode(&args); err != nil {
					panic(err) // cannot happen: raw is valid JSON
				}
			}
			c.evalCEL(in, args)
		})
	}
	return decide(c.findings)
}

// badArguments reports whether the arguments failed to parse.
func (c *callCtx) badArguments() bool {
	for _, f := range c.findings {
		if f.RuleID == "engine.bad-arguments" {
			return true
		}
	}
	return false
}

// walkRaw visits every string of the arguments in one pass over the raw
// JSON. String arrays under command keys are also analysed as one argv.
func (c *callCtx) walkRaw(raw []byte) {
	c.wherePrefix = "/arguments"
	defer func() { c.wherePrefix, c.at, c.argvs, c.borrowed = "", nil, nil, false }()
	c.borrowed = true // raw stays unchanged until EvaluateCall returns
	err := c.walker.VisitValuesBorrowed(raw, c)
	c.at, c.borrowed = nil, false
	if err != nil {
		c.add("engine.bad-arguments", "arguments are not valid JSON", "") // at /arguments: the prefix
		return
	}
	if c.set.packCmd {
		for _, a := range c.argvs {
			c.guard("command", func() { c.scanShell(shellJoin(a.words), a.where, 0) })
		}
	}
}

// argv is an array of strings under a command key, at where.
type argv struct {
	where string
	words []string
}

// VisitValue checks one string of the arguments (walkRaw's visitor).
func (c *callCtx) VisitValue(s, key string, where *inspect.Path, inArray bool) {
	c.at = where
	kf := factsOf(key)
	c.value(key, kf, s, "")
	if inArray && kf.cmd {
		// s may be a view of the arguments: walkRaw is done with argvs
		// (shellJoin copies them) before it returns.
		w := where.String()
		arr := w[:strings.LastIndexByte(w, '/')]
		if n := len(c.argvs); n > 0 && c.argvs[n-1].where == arr {
			c.argvs[n-1].words = append(c.argvs[n-1].words, s)
		} else {
			c.argvs = append(c.argvs, argv{arr, []string{s}})
		}
	}
}

// shellJoin quotes argv as one shell command line.
func shellJoin(argv []string) string {
	var b strings.Builder
	for i, a := range argv {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteByte('\'')
		b.WriteString(strings.ReplaceAll(a, "'", `'\''`))
		b.WriteByte('\'')
	}
	return b.String()
}

// keep returns v for a rule that may hold on to it (a path resolved through
// the policy's FS, a host given to its resolver): a copy while v may be a
// view of the message (borrowed). The checks that only look at v, and the
// findings (addWith copies their text), use v itself.
func (c *callCtx) keep(v string) string {
	if c.borrowed {
		return strings.Clone(v)
	}
	return v
}

// value runs every applicable rule on one string argument.
func (c *callCtx) value(key string, ki keyFacts, v, where string) {
	set := c.set
	if set.packFS {
		switch {
		case ki.path && v != "" && len(v) <= maxPathLen && !strings.Contains(v, "\n"):
			// Longer or multi-line values under a path-like key are data
			// (an uploaded file's content), not paths.
			c.guard("filesystem", func() { c.checkPath(c.keep(v), where, true) })
		case len(v) >= 5 && strings.EqualFold(v[:5], "file:"):
			c.guard("filesystem", func() { c.checkPath(c.keep(v), where, true) })
		case looksLikePath(v):
			c.guard("filesystem", func() { c.checkPath(c.keep(v), where, false) })
		}
	}
	fileURL := set.packFS && len(v) >= 5 && strings.EqualFold(v[:5], "file:")
	if set.packNet && !fileURL && ki.kind&kindProse == 0 {
		switch {
		case hasSchemePrefix(v):
			c.guard("network", func() { c.checkURL(c.keep(v), where, false) })
		case ki.url && v != "" && !strings.ContainsAny(v, " \n"):
			c.guard("network", func() { c.checkURL(c.keep(v), where, true) })
		case ki.host && v != "" && !strings.ContainsAny(v, " \n") && (strings.ContainsAny(v, ".:") || strings.EqualFold(v, "localhost") || isNumberish(v)):
			c.guard("network", func() { c.checkURL(c.keep(v), where, true) })
		}
	}
	if set.packCmd {
		if ki.cmd && strings.TrimSpace(v) != "" {
			c.guard("command", func() { c.scanShell(c.keep(v), where, 0) })
		}
		if ki.kind&kindOption != 0 && len(v) > 1 && v[0] == '-' && !isNumberish(v) {
			c.add("cmd.option-injection", fmt.Sprintf("argument %q starts with '-' and would be read as an option: %s", key, clip(v)), where)
		}
	}
	if set.packSecrets {
		c.guard("secrets", func() {
			for _, m := range inspect.FindSecrets(v) {
				c.add(m.Rule, m.Reason+" in outgoing argument "+key, where)
			}
		})
	}
	for i := range set.custom {
		cr := &set.custom[i]
		c.guard(cr.ID, func() { c.custom(cr, key, v, where) })
	}
}

func (c *callCtx) custom(cr *customRule, key, v, where string) {
	if !globAny(cr.Servers, c.server) || !globAny(cr.Tools, c.name) {
		return
	}
	if cr.Argument != "" {
		if ok, _ := path.Match(cr.Argument, key); !ok {
			return
		}
	}
	if cr.re.MatchString(v) {
		act := Deny
		if cr.warn {
			act = Allow
		}
		desc := cr.Description
		if desc == "" {
			desc = "matches " + cr.Pattern
		}
		c.addWith(cr.ID, "custom", cr.severity, act, fmt.Sprintf("argument %q: %s", key, desc), where)
	}
}

func globAny(globs []string, v string) bool {
	if len(globs) == 0 {
		return true
	}
	for _, g := range globs {
		if ok, _ := path.Match(g, v); ok {
			return true
		}
	}
	return false
}

// normKey lower-cases a key and drops separators: "file_Path" → "filepath".
func normKey(k string) string {
	plain := true
	for i := 0; i < len(k); i++ {
		if ch := k[i]; ch == '_' || ch == '-' || ch == ' ' || ch == '.' || ch >= 'A' && ch <= 'Z' {
			plain = false
			break
		}
	}
	if plain {
		return k // already normal: most keys are
	}
	var b strings.Builder
	for i := 0; i < len(k); i++ {
		ch := k[i]
		switch {
		case ch == '_' || ch == '-' || ch == ' ' || ch == '.':
		case ch >= 'A' && ch <= 'Z':
			b.WriteByte(ch + 32)
		default:
			b.WriteByte(ch)
		}
	}
	return b.String()
}

// lastWord returns the last word of a snake_case, kebab-case or camelCase key.
func lastWord(k string) string {
	i := len(k)
	for i > 0 {
		ch := k[i-1]
		if ch == '_' || ch == '-' || ch == ' ' || ch == '.' {
			break
		}
		i--
		if ch >= 'A' && ch <= 'Z' && i < len(k)-1 {
			break
		}
	}
	return strings.ToLower(k[i:])
}

var (
	pathKeys    = set("path", "paths", "file", "files", "filepath", "filepaths", "filename", "filenames", "dir", "dirs", "directory", "directories", "folder", "folders", "source", "src", "sourcepath", "destination", "dest", "destpath", "destinationpath", "root", "cwd", "workdir", "workingdirectory", "workingdir", "repopath", "outputpath", "inputpath", "savepath", "outputfile", "inputfile", "projectpath", "projectdir", "targetpath", "targetfile", "targetdir", "sourcefile", "sourcedir", "oldpath", "newpath", "from", "to")
	pathWords   = set("path", "paths", "dir", "directory", "file", "files", "folder", "filepath", "filename")
	urlKeys     = set("url", "urls", "uri", "uris", "href", "link", "endpoint", "baseurl", "webhook", "webhookurl", "callback", "callbackurl", "redirecturl", "redirecturi", "imageurl", "fileurl", "sourceurl", "targeturl", "proxy", "feed", "feedurl", "remoteurl", "repourl", "apiurl", "serverurl", "website", "page")
	hostKeys    = set("host", "hostname", "hosts", "domain", "server", "ip", "ipaddress", "addr", "address", "target", "remote", "origin", "proxyhost")
	cmdKeys     = set("command", "cmd", "commandline", "commands", "script", "shell", "shellcommand", "bash", "sh", "run", "exec", "execute", "cmdline", "input_command")
	optionKeys  = set("branch", "branchname", "ref", "revision", "rev", "commit", "commitsha", "sha", "tag", "remote", "repo", "repository", "repourl", "url", "uri", "host", "hostname", "package", "packagename", "module", "pkg", "image", "container", "pod", "namespace", "path", "file", "filepath", "filename", "dir", "directory", "source", "destination", "target", "from", "to", "base", "head", "user", "username")
	proseKeys   = set("text", "message", "body", "content", "comment", "description", "note", "notes", "title", "summary", "markdown", "html", "caption", "reason", "prompt", "thought", "answer", "question", "subject")
	writeTokens = []string{"write", "edit", "create", "move", "rename", "delete", "remove", "mkdir", "save", "put", "upload", "append", "patch", "replace", "insert", "update", "copy", "set"}
)

// keyKind is a set of the key lists a key is on.
type keyKind uint8

const (
	kindPath keyKind = 1 << iota
	kindPathWord
	kindURL
	kindHost
	kindCmd
	kindOption
	kindProse
)

// keyKinds answers for every key list at once: one lookup per argument
// instead of one per list.
var keyKinds = func() map[string]keyKind {
	m := map[string]keyKind{}
	for _, l := range []struct {
		set  map[string]bool
		kind keyKind
	}{{pathKeys, kindPath}, {pathWords, kindPathWord}, {urlKeys, kindURL}, {hostKeys, kindHost}, {cmdKeys, kindCmd}, {optionKeys, kindOption}, {proseKeys, kindProse}} {
		for k := range l.set {
			m[k] |= l.kind
		}
	}
	return m
}()

// keyInfo is an argument's key, normalised (k), with the lists k is on.
type keyInfo struct {
	key, k string
	kind   keyKind
}

// on reports whether x is on the lists of kind, reusing the lookup of k.
func (ki keyInfo) on(x string, kind keyKind) bool {
	if x == ki.k {
		return ki.kind&kind != 0
	}
	return keyKinds[x]&kind != 0
}

// isPath, isURL, isHost and isCommand report whether the key names a path,
// a URL, a host or a shell command.
func (ki keyInfo) isPath() bool {
	return ki.kind&kindPath != 0 || ki.on(lastWord(ki.key), kindPathWord)
}
func (ki keyInfo) isURL() bool {
	return ki.kind&kindURL != 0 || strings.HasSuffix(ki.k, "url") || strings.HasSuffix(ki.k, "uri") || strings.HasSuffix(ki.k, "endpoint")
}
func (ki keyInfo) isHost() bool {
	return ki.kind&kindHost != 0 || strings.HasSuffix(ki.k, "host") || strings.HasSuffix(ki.k, "hostname")
}
func (ki keyInfo) isCommand() bool {
	return ki.kind&kindCmd != 0 || ki.on(strings.ToLower(ki.key), kindCmd)
}

// keyFacts is what the rules ask of an argument's key: the lists its normal
// form is on (kind) and whether it names a path, a URL, a host or a shell
// command (keyInfo's answers).
type keyFacts struct {
	kind                 keyKind
	path, url, host, cmd bool
}

// keyFactsOf works out the facts of a key.
func keyFactsOf(key string) keyFacts {
	k := normKey(key)
	ki := keyInfo{key: key, k: k, kind: keyKinds[k]}
	return keyFacts{kind: ki.kind, path: ki.isPath(), url: ki.isURL(), host: ki.isHost(), cmd: ki.isCommand()}
}

// factsOf returns keyFactsOf(key), from knownKeys when key is on one of the
// key lists as written there (most keys are: "path", "url", "text").
func factsOf(key string) keyFacts {
	if len(key) == 0 {
		return keyFactsOf(key)
	}
	for j := knownKeyHash(key); ; j = (j + 1) & (len(knownKeys.slot) - 1) {
		e := knownKeys.slot[j]
		if e == 0 {
			return keyFactsOf(key)
		}
		if kn := &knownKeys.keys[e-1]; kn.key == key {
			return kn.facts
		}
	}
}

// knownKeys holds the facts of every key on the key lists, so that the
// argument walk answers for them with one probe of a 512-byte index and
// one string comparison instead of map lookups and case folding. slot is
// open-addressed by knownKeyHash and at most half full; an entry is 1 +
// the key's index in keys, 0 an empty slot.
var knownKeys = func() (t struct {
	slot [512]uint8
	keys []knownKey
}) {
	names := make([]string, 0, len(keyKinds))
	for k := range keyKinds {
		names = append(names, k)
	}
	sort.Strings(names)
	if len(names) >= 255 || 2*len(names) > len(t.slot) {
		panic("policy: too many known keys")
	}
	for _, k := range names {
		if k == "" {
			continue
		}
		t.keys = append(t.keys, knownKey{key: k, facts: keyFactsOf(k)})
		j := knownKeyHash(k)
		for t.slot[j] != 0 {
			j = (j + 1) & (len(t.slot) - 1)
		}
		t.slot[j] = uint8(len(t.keys))
	}
	return t
}()

type knownKey struct {
	key   string
	facts keyFacts
}

// knownKeyHash is where a non-empty key's probe in knownKeys starts: a hash
// of its length and its first, middle and last bytes.
func knownKeyHash(k string) int {
	n := len(k)
	h := uint32(n) | uint32(k[0])<<8 | uint32(k[n>>1])<<16 | uint32(k[n-1])<<24
	return int((h * 0x9E3779B1) >> (32 - 9))
}

func hasSchemePrefix(v string) bool {
	i := strings.Index(v, "://")
	return i > 0 && i < 20 && isScheme(v[:i]) && !strings.ContainsAny(v[:min(len(v), 200)], "\n")
}

// isWriteTool reports whether a tool name says the tool changes files.
func isWriteTool(name string) bool {
	if isASCII(name) {
		// Each position tried against the tokens starting with its
		// letter: the same answer as the search below, without ToLower.
		for i := 0; i < len(name); i++ {
			c := name[i]
			if c >= 'A' && c <= 'Z' {
				c += 'a' - 'A'
			}
			for _, t := range writeTokensBy[c] {
				if len(name)-i >= len(t) && strings.EqualFold(name[i:i+len(t)], t) {
					return true
				}
			}
		}
		return false
	}
	n := strings.ToLower(name)
	for _, t := range writeTokens {
		if strings.Contains(n, t) {
			return true
		}
	}
	return false
}

// writeTokensBy indexes writeTokens by their first letter.
var writeTokensBy = func() (by [256][]string) {
	for _, t := range writeTokens {
		by[t[0]] = append(by[t[0]], t)
	}
	return by
}()

// sensitive returns why p is a sensitive location, honouring allow_sensitive.
func (c *callCtx) sensitive(p string) string {
	why := sensitiveReason(p, c.set.home)
	if why == "" {
		return ""
	}
	for _, a := range c.set.allowSensitive {
		if ok, _ := path.Match(a, p); ok || p == a || within(p, strings.TrimSuffix(a, "/")) {
			return ""
		}
	}
	return why
}

// checkPath applies the filesystem jail to one path argument. strict is
// false for values in fields not named like paths: then only traversal and
// sensitive locations are checked.
func (c *callCtx) checkPath(raw, where string, strict bool) {
	set := c.set
	cp, err := canonicalisePath(raw, set.base(), set.home)
	if err != nil {
		c.add("fs.malformed", fmt.Sprintf("path %q: %v", clip(raw), err), where)
		return
	}
	if why := c.sensitive(cp.Lexical); why != "" {
		c.add("fs.sensitive", fmt.Sprintf("path %q names %s", clip(raw), why), where)
		return
	}
	inside := func(p string, real bool) *root {
		for i := range set.roots {
			r := &set.roots[i]
			if within(p, r.real) || (!real && within(p, r.lexical)) {
				return r
			}
		}
		return nil
	}
	if !strict {
		if cp.Climbs && inside(cp.Lexical, false) == nil {
			c.add("fs.traversal", fmt.Sprintf("value %q climbs with '..' to %s", clip(raw), cp.Lexical), where)
		}
		return
	}
	if len(set.roots) == 0 {
		c.add("fs.outside-root", fmt.Sprintf("path %q: no filesystem root is allowed by the policy", clip(raw)), where)
		return
	}
	if inside(cp.Lexical, false) == nil {
		if cp.Climbs {
			c.add("fs.traversal", fmt.Sprintf("path %q climbs with '..' out of the allowed roots to %s", clip(raw), cp.Lexical), where)
		} else {
			c.add("fs.outside-root", fmt.Sprintf("path %q (%s) is outside the allowed roots", clip(raw), cp.Lexical), where)
		}
		return
	}
	real, err := resolveSymlinks(set.fs, cp.Lexical)
	if err != nil {
		c.add("fs.malformed", fmt.Sprintf("path %q: %v", clip(raw), err), where)
		return
	}
	if real != cp.Lexical {
		if why := c.sensitive(real); why != "" {
			c.add("fs.sensitive", fmt.Sprintf("path %q resolves through a symlink to %s", clip(raw), why), where)
			return
		}
	}
	r := inside(real, true)
	if r == nil {
		c.add("fs.symlink-escape", fmt.Sprintf("path %q resolves through a symlink to %s, outside the allowed roots", clip(raw), real), where)
		return
	}
	// Whether the tool writes is worked out only here, for a path in a
	// read-only root: most calls have no such path (and its tables are
	// then not touched, which end to end, with cold caches, shows).
	if r.readOnly && isWriteTool(c.name) {
		c.add("fs.read-only", fmt.Sprintf("tool %q writes to %s in read-only root %s", c.name, real, r.lexical), where)
	}
}

// resourceURI checks the URI of resources/read. Servers name their
// resources with schemes of their own (memo://, test://), so the scheme
// allow-list does not apply; file: URIs go through the filesystem jail and
// any URI that names a host through the address rules.
func (c *callCtx) resourceURI(uri string) {
	const where = "/params/uri"
	if len(uri) >= 5 && strings.EqualFold(uri[:5], "file:") {
		if c.set.packs[PackFilesystem] {
			c.checkPath(uri, where, true)
		} else if c.set.packs[PackNetwork] && !c.set.schemes["file"] {
			c.add("net.scheme", fmt.Sprintf("resource %q uses scheme \"file\", which the policy does not allow", clip(uri)), where)
		}
		return
	}
	if !c.set.packs[PackNetwork] {
		return
	}
	t, err := parseTarget(uri, false)
	if err != nil {
		c.add("net.malformed-url", fmt.Sprintf("resource URI %q: %v", clip(uri), err), where)
		return
	}
	if t.Host == "" {
		return
	}
	if rule, why := c.targetRule(t); rule != "" {
		c.add(rule, fmt.Sprintf("resource URI %q: %s", clip(uri), why), where)
	}
}

// checkURL applies the network rules to one URL or host argument.
func (c *callCtx) checkURL(raw, where string, bare bool) {
	t, err := parseTarget(raw, bare)
	if err != nil {
		c.add("net.malformed-url", fmt.Sprintf("URL %q: %v", clip(raw), err), where)
		return
	}
	if t.Scheme != "" && !c.set.schemes[t.Scheme] {
		c.add("net.scheme", fmt.Sprintf("URL %q uses scheme %q, which the policy does not allow", clip(raw), t.Scheme), where)
		return
	}
	if t.Host == "" {
		return
	}
	if rule, why := c.targetRule(t); rule != "" {
		c.add(rule, fmt.Sprintf("URL %q: %s", clip(raw), why), where)
		return
	}
	if c.set.resolveDNS && !t.Addr.IsValid() {
		c.checkDNS(t, raw, where)
	}
}

// targetRule returns the rule that denies a canonical target, and why.
func (c *callCtx) targetRule(t hostTarget) (string, string) {
	for _, p := range c.set.denyHosts {
		if p.match(t) {
			return "net.deny-host", "host " + t.Host + " is on the deny list"
		}
	}
	if len(c.set.allowHosts) > 0 {
		for _, p := range c.set.allowHosts {
			if p.match(t) {
				return "", ""
			}
		}
		return "net.deny-host", "host " + t.Host + " is not on the allow list"
	}
	var rule, why string
	if t.Addr.IsValid() {
		rule = classifyAddr(t.Addr)
		why = fmt.Sprintf("address %s is %s", t.Addr, strings.TrimPrefix(rule, "net.ssrf."))
		if rule == "net.ssrf.metadata" {
			why = fmt.Sprintf("address %s is a cloud metadata service", t.Addr)
		}
		if t.Host != t.Addr.String() {
			why += " (written " + t.Host + ")"
		}
	} else {
		rule, why = classifyHost(t.Host)
	}
	switch {
	case rule == "net.ssrf.private" && c.set.allowPrivate:
		return "", ""
	case rule == "net.ssrf.loopback" && c.set.allowLoopback:
		return "", ""
	}
	return rule, why
}

func (c *callCtx) checkDNS(t hostTarget, raw, where string) {
	lookup := c.set.lookup
	if lookup == nil {
		lookup = systemLookup
	}
	addrs, err := lookup(c.ctx, t.Host)
	if err != nil {
		c.add("net.dns-rebinding", fmt.Sprintf("URL %q: cannot resolve %s: %v", clip(raw), t.Host, err), where)
		return
	}
	for _, a := range addrs {
		if cls := classifyAddr(a); cls != "" && !(cls == "net.ssrf.private" && c.set.allowPrivate) && !(cls == "net.ssrf.loopback" && c.set.allowLoopback) {
			c.add("net.dns-rebinding", fmt.Sprintf("URL %q: %s resolves to %s (%s)", clip(raw), t.Host, a, strings.TrimPrefix(cls, "net.ssrf.")), where)
			return
		}
	}
}

// warmDetectors builds the detectors' tables (inspect.Warm) with the
// garbage collector keeping up closely: building them allocates about 13 MB
// that is mostly garbage once they are built, and at the default pace the
// heap grew to hold much of it, which set ward proxy's peak memory.
// Only the first engine does it: the GC setting is the process's.
func warmDetectors() {
	warmOnce.Do(func() {
		old := debug.SetGCPercent(10)
		defer debug.SetGCPercent(old)
		inspect.Warm()
		inspect.Quiet("builds its table") // InspectResult asks it of every string
	})
}

var warmOnce sync.Once
