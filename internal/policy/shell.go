package policy

import (
	"fmt"
	"path"
	"strconv"
	"strings"
	"sync"

	"mvdan.cc/sh/v3/syntax"
)

// shellParsers reuses parsers: building one allocates more than parsing a
// short command.
var shellParsers = sync.Pool{New: func() any { return syntax.NewParser(syntax.Variant(syntax.LangBash)) }}

// maxShellSize bounds the commands ward parses; longer ones are refused.
const maxShellSize = 256 << 10

// maxShellDepth bounds nested sh -c / eval parsing.
const maxShellDepth = 4

// shellScan analyses one shell command with a real POSIX/Bash parser.
type shellScan struct {
	c        *callCtx
	where    string
	vars     map[string]string
	depth    int
	fetched  bool // a downloader wrote a file earlier in the script
	mkfifo   bool
	quiet    bool                        // a guess at embedded code: parse failures are not findings
	names    map[*syntax.CallExpr]string // evaluated command names
	tainted  map[string]bool             // variables holding command output
	findings int
}

// shellFinding reports a command finding at the scan's location.
func (s *shellScan) add(rule, reason string) {
	s.findings++
	s.c.add(rule, reason, s.where)
}

// scanShell parses src and reports what it does. A parse failure is a
// finding (cmd.unparseable): ward refuses what it cannot read.
func (c *callCtx) scanShell(src, where string, depth int) {
	s := &shellScan{c: c, where: where, vars: map[string]string{}, depth: depth}
	s.run(src)
}

func (s *shellScan) run(src string) {
	if len(src) > maxShellSize {
		s.add("cmd.unparseable", fmt.Sprintf("shell command of %d bytes is longer than the %d ward analyses", len(src), maxShellSize))
		return
	}
	if s.depth > maxShellDepth {
		s.add("cmd.dynamic-exec", "shell command nests sh -c / eval more than 4 levels deep")
		return
	}
	p := shellParsers.Get().(*syntax.Parser)
	f, err := p.Parse(strings.NewReader(src), "")
	shellParsers.Put(p)
	if err != nil {
		if !s.quiet {
			s.add("cmd.unparseable", "shell command does not parse: "+err.Error())
		}
		return
	}
	s.stmts(f.Stmts)
}

func (s *shellScan) stmts(stmts []*syntax.Stmt) {
	for _, st := range stmts {
		s.stmt(st, nil)
	}
}

// word is a shell word evaluated as far as it can be without running anything.
type word struct {
	val     string
	dynamic bool // part of the value is unknown (a variable, a substitution)
	subst   []*syntax.Stmt
	quoted  bool
}

var shellPipeOps = map[syntax.BinCmdOperator]bool{syntax.Pipe: true, syntax.PipeAll: true}

// stmt analyses a statement; pipe holds the earlier stages of the pipeline it
// is a stage of.
func (s *shellScan) stmt(st *syntax.Stmt, pipe []*syntax.CallExpr) {
	if st == nil {
		return
	}
	for _, r := range st.Redirs {
		s.redirect(r, st)
	}
	switch c := st.Cmd.(type) {
	case *syntax.BinaryCmd:
		if shellPipeOps[c.Op] {
			stages := flattenPipe(c)
			var calls []*syntax.CallExpr
			for _, stg := range stages {
				for _, r := range stg.Redirs {
					s.redirect(r, stg)
				}
				ce, _ := stg.Cmd.(*syntax.CallExpr)
				if ce == nil {
					s.stmt(stg, calls)
					continue
				}
				s.call(ce, stg, calls)
				calls = append(calls, ce)
			}
			return
		}
		s.stmt(c.X, nil)
		s.stmt(c.Y, nil)
	case *syntax.CallExpr:
		s.call(c, st, pipe)
	case *syntax.Block:
		s.stmts(c.Stmts)
	case *syntax.Subshell:
		s.stmts(c.Stmts)
	case *syntax.IfClause:
		for ic := c; ic != nil; ic = ic.Else {
			s.stmts(ic.Cond)
			s.stmts(ic.Then)
		}
	case *syntax.WhileClause:
		s.stmts(c.Cond)
		s.stmts(c.Do)
	case *syntax.ForClause:
		s.stmts(c.Do)
	case *syntax.CaseClause:
		for _, it := range c.Items {
			s.stmts(it.Stmts)
		}
	case *syntax.FuncDecl:
		if c.Name != nil && callsItself(c.Name.Value, c.Body) {
			s.add("cmd.destructive", "fork bomb: function "+c.Name.Value+" calls itself in a pipeline")
		}
		s.stmt(c.Body, nil)
	case *syntax.DeclClause:
		for _, a := range c.Args {
			s.assign(a)
		}
	}
}

func flattenPipe(b *syntax.BinaryCmd) []*syntax.Stmt {
	var out []*syntax.Stmt
	if x, ok := b.X.Cmd.(*syntax.BinaryCmd); ok && shellPipeOps[x.Op] && len(b.X.Redirs) == 0 {
		out = append(out, flattenPipe(x)...)
	} else {
		out = append(out, b.X)
	}
	return append(out, b.Y)
}

// callsItself reports whether a function body calls the function (the
// shape of a fork bomb: :(){ :|:& };:).
func callsItself(name string, body *syntax.Stmt) bool {
	found := false
	syntax.Walk(body, func(n syntax.Node) bool {
		if ce, ok := n.(*syntax.CallExpr); ok && len(ce.Args) > 0 {
			if lit := ce.Args[0].Lit(); lit == name {
				found = true
			}
		}
		return !found
	})
	return found
}

func (s *shellScan) assign(a *syntax.Assign) {
	if a == nil || a.Name == nil {
		return
	}
	if a.Value == nil {
		s.vars[a.Name.Value] = ""
		return
	}
	w := s.word(a.Value)
	if w.dynamic {
		delete(s.vars, a.Name.Value)
		if len(w.subst) > 0 {
			if s.tainted == nil {
				s.tainted = map[string]bool{}
			}
			s.tainted[a.Name.Value] = true
		}
		return
	}
	s.vars[a.Name.Value] = w.val
}

// word evaluates a shell word: quotes removed, escapes decoded, known
// variables substituted; substitutions are analysed as commands in their own
// right and leave the word dynamic.
func (s *shellScan) word(w *syntax.Word) word {
	var out word
	var b strings.Builder
	s.parts(w.Parts, &b, &out, false)
	out.val = b.String()
	return out
}

func (s *shellScan) parts(parts []syntax.WordPart, b *strings.Builder, out *word, inDouble bool) {
	for _, p := range parts {
		switch p := p.(type) {
		case *syntax.Lit:
			b.WriteString(unescapeLit(p.Value, inDouble))
		case *syntax.SglQuoted:
			out.quoted = true
			if p.Dollar {
				b.WriteString(decodeANSIC(p.Value))
			} else {
				b.WriteString(p.Value)
			}
		case *syntax.DblQuoted:
			out.quoted = true
			s.parts(p.Parts, b, out, true)
		case *syntax.ParamExp:
			name := ""
			if p.Param != nil {
				name = p.Param.Value
			}
			plain := p.Exp == nil && p.Repl == nil && p.Slice == nil && !p.Length && p.Index == nil && !p.Excl
			if v, ok := s.vars[name]; ok && plain {
				b.WriteString(v)
			} else if name == "IFS" {
				b.WriteString(" ")
			} else if (name == "HOME") && plain {
				b.WriteString(s.c.set.home)
			} else {
				out.dynamic = true
				b.WriteString("${" + name + "}")
			}
		case *syntax.CmdSubst:
			out.dynamic = true
			out.subst = append(out.subst, p.Stmts...)
			s.stmts(p.Stmts)
			b.WriteString("$(…)")
		case *syntax.ProcSubst:
			out.dynamic = true
			out.subst = append(out.subst, p.Stmts...)
			s.stmts(p.Stmts)
			b.WriteString("<(…)")
		default:
			out.dynamic = true
		}
	}
}

// unescapeLit removes shell backslash escapes from an unquoted (or
// double-quoted) literal.
func unescapeLit(v string, inDouble bool) string {
	if !strings.Contains(v, `\`) {
		return v
	}
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		if v[i] == '\\' && i+1 < len(v) {
			n := v[i+1]
			if n == '\n' {
				i++
				continue
			}
			if !inDouble || strings.IndexByte("$`\"\\", n) >= 0 {
				i++
				b.WriteByte(n)
				continue
			}
		}
		b.WriteByte(v[i])
	}
	return b.String()
}

// decodeANSIC decodes the escapes of a $'…' string.
func decodeANSIC(v string) string {
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		if v[i] != '\\' || i+1 >= len(v) {
			b.WriteByte(v[i])
			continue
		}
		i++
		switch c := v[i]; c {
		case 'n':
			b.WriteByte('\n')
		case 't':
			b.WriteByte('\t')
		case 'x':
			j := i + 1
			for j < len(v) && j < i+3 && isHex(v[j]) {
				j++
			}
			if n, err := strconv.ParseUint(v[i+1:j], 16, 8); err == nil {
				b.WriteByte(byte(n))
			}
			i = j - 1
		case 'u', 'U':
			j := i + 1
			for j < len(v) && j < i+9 && isHex(v[j]) {
				j++
			}
			if n, err := strconv.ParseUint(v[i+1:j], 16, 32); err == nil {
				b.WriteRune(rune(n))
			}
			i = j - 1
		case '0', '1', '2', '3', '4', '5', '6', '7':
			j := i
			for j < len(v) && j < i+3 && v[j] >= '0' && v[j] <= '7' {
				j++
			}
			if n, err := strconv.ParseUint(v[i:j], 8, 8); err == nil {
				b.WriteByte(byte(n))
			}
			i = j - 1
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

func isHex(c byte) bool { return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }

var (
	shells       = set("sh", "bash", "zsh", "dash", "ksh", "mksh", "ash", "fish", "csh", "tcsh", "busybox")
	interpreters = set("python", "python2", "python3", "perl", "ruby", "node", "nodejs", "deno", "bun", "php", "lua", "pwsh", "powershell", "osascript", "tclsh", "Rscript", "jshell", "irb")
	downloaders  = set("curl", "wget", "fetch", "aria2c", "http", "https", "lwp-download", "lwp-request", "invoke-webrequest", "iwr", "tftp", "ftp", "wget2", "curlie", "xh")
	netTools     = set("nc", "ncat", "netcat", "nc.traditional", "nc.openbsd", "socat", "telnet", "openssl", "cryptcat", "pwncat")
	decoders     = set("base64", "base32", "xxd", "openssl", "rev", "uudecode", "gunzip", "zcat", "gzip", "bzip2", "xz", "tr", "printf", "echo")
	wrappers     = set("sudo", "doas", "nohup", "exec", "command", "builtin", "time", "nice", "ionice", "stdbuf", "setsid", "unbuffer", "chroot", "xargs", "watch", "strace", "script")
	powerOff     = set("shutdown", "reboot", "halt", "poweroff")
	systemDirs   = set("/", "/home", "/etc", "/usr", "/var", "/bin", "/sbin", "/lib", "/lib64", "/boot", "/opt", "/root", "/dev", "/proc", "/sys", "/System", "/Users", "/Library", "/Applications", "/srv", "/mnt")
)

func set(xs ...string) map[string]bool {
	m := make(map[string]bool, len(xs))
	for _, x := range xs {
		m[x] = true
	}
	return m
}

// cmdName is a command word reduced to the program it runs.
func cmdName(v string) string {
	v = strings.TrimPrefix(v, `\`)
	b := path.Base(v)
	if strings.HasPrefix(b, "python") {
		if _, err := strconv.ParseFloat(strings.TrimPrefix(b, "python"), 64); err == nil {
			return "python3"
		}
	}
	return strings.ToLower(strings.TrimSuffix(b, ".exe"))
}

// call analyses one simple command; pipe are the earlier pipeline stages.
func (s *shellScan) call(ce *syntax.CallExpr, st *syntax.Stmt, pipe []*syntax.CallExpr) {
	for _, a := range ce.Assigns {
		s.assign(a)
	}
	if len(ce.Args) == 0 {
		return
	}
	var wordBuf [8]word // most commands are short: no allocation
	words := wordBuf[:0]
	if len(ce.Args) > len(wordBuf) {
		words = make([]word, 0, len(ce.Args))
	}
	for _, a := range ce.Args {
		w := s.word(a)
		if !w.quoted && strings.Contains(w.val, " ") && !w.dynamic {
			// $IFS splitting: cat${IFS}/etc/passwd
			for _, f := range strings.Fields(w.val) {
				words = append(words, word{val: f})
			}
			continue
		}
		words = append(words, w)
	}
	if len(words) == 0 {
		return
	}
	// Skip wrappers and env assignments: sudo env X=1 timeout 5 curl …
	for len(words) > 1 {
		n := cmdName(words[0].val)
		if wrappers[n] || n == "env" || n == "timeout" {
			words = words[1:]
			for len(words) > 1 && (strings.HasPrefix(words[0].val, "-") || strings.Contains(words[0].val, "=") || (n == "timeout" && isNumberish(words[0].val))) {
				words = words[1:]
			}
			continue
		}
		break
	}
	if words[0].dynamic {
		if len(words[0].subst) > 0 || strings.Count(words[0].val, "${") > 1 || !strings.HasPrefix(words[0].val, "${") {
			s.add("cmd.dynamic-exec", "command name is computed at run time: "+clip(words[0].val))
		}
		return
	}
	name := cmdName(words[0].val)
	if s.names == nil {
		s.names = map[*syntax.CallExpr]string{}
	}
	s.names[ce] = name
	args := words[1:]
	var argvBuf [8]string
	argv := argvBuf[:0]
	if len(args) > len(argvBuf) {
		argv = make([]string, 0, len(args))
	}
	argv = argv[:len(args)]
	for i, a := range args {
		argv[i] = a.val
	}
	s.sensitiveArgs(name, args)
	s.urlArgs(name, args)

	if inner := embeddedCommand(name, argv); len(inner) > 0 && s.depth < maxShellDepth {
		sub := &shellScan{c: s.c, where: s.where, vars: s.vars, depth: s.depth + 1}
		sub.run(shellJoin(inner))
	}
	if downloaders[name] {
		for _, a := range args {
			if strings.Contains(a.val, "://") && (len(a.subst) > 0 || s.taintedRef(a.val)) {
				s.add("cmd.upload", name+" sends command output in a URL: "+clip(a.val))
				break
			}
		}
	}
	switch {
	case name == "eval" || name == "source" || name == ".":
		s.evalLike(name, args)
	case shells[name]:
		s.shellInterp(name, args, pipe)
	case interpreters[name]:
		s.otherInterp(name, args, pipe)
	}
	if name == "awk" || name == "gawk" {
		for _, a := range argv {
			if strings.Contains(a, "/inet/tcp/") || strings.Contains(a, "/inet/udp/") {
				s.add("cmd.reverse-shell", "awk opens a network socket (/inet/tcp)")
			}
		}
	}
	if netTools[name] {
		s.netTool(name, argv, st, pipe)
	}
	if downloaders[name] {
		s.downloader(name, args)
	}
	if name == "ssh" && anyPrefix(argv, "-R") {
		s.add("cmd.reverse-shell", "ssh -R exposes this machine to a remote host")
	}
	if name == "ztcp" || (name == "zmodload" && anyHas(argv, "zsh/net/tcp", "zsh/net/socket")) {
		s.add("cmd.reverse-shell", "zsh opens a raw TCP connection ("+name+")")
	}
	if name == "mkfifo" {
		s.mkfifo = true
	}
	if s.fetched && (name == "chmod" && anyHas(argv, "+x", "755", "777", "700", "u+x", "a+x")) {
		s.add("cmd.download-exec", "downloads a file and makes it executable")
	}
	if s.fetched && len(argv) == 0 && strings.HasPrefix(words[0].val, "./") {
		s.add("cmd.download-exec", "downloads a file and runs it")
	}
	s.destructive(name, argv, args)
	if name == "scp" || name == "rsync" || name == "sftp" {
		if n := len(argv); n >= 2 && isRemoteSpec(argv[n-1]) && !isRemoteSpec(argv[n-2]) {
			s.add("cmd.upload", name+" copies local files to remote "+clip(argv[n-1]))
		}
	}
	if name == "wget" && anyPrefix(argv, "--post-file", "--body-file") {
		s.add("cmd.upload", "wget uploads a local file")
	}
}

// embeddedCommand returns the command find -exec/-execdir/-ok or xargs runs.
func embeddedCommand(name string, argv []string) []string {
	switch name {
	case "find":
		for i, a := range argv {
			if a == "-exec" || a == "-execdir" || a == "-ok" || a == "-okdir" {
				rest := argv[i+1:]
				for j, r := range rest {
					if r == ";" || r == "+" || r == `\;` {
						rest = rest[:j]
						break
					}
				}
				return rest
			}
		}
	case "xargs":
		for i, a := range argv {
			if !strings.HasPrefix(a, "-") {
				return argv[i:]
			}
		}
	}
	return nil
}

// taintedRef reports whether v uses a variable assigned from a command
// substitution earlier in the script.
func (s *shellScan) taintedRef(v string) bool {
	for name := range s.tainted {
		if strings.Contains(v, "${"+name+"}") {
			return true
		}
	}
	return false
}

func isNumberish(v string) bool {
	_, err := strconv.ParseFloat(strings.TrimRight(v, "smhd"), 64)
	return err == nil
}

func isRemoteSpec(v string) bool {
	i := strings.IndexByte(v, ':')
	if i <= 0 || strings.HasPrefix(v, "/") || strings.HasPrefix(v, ".") {
		return false
	}
	return !strings.Contains(v[:i], "/")
}

func anyHas(xs []string, subs ...string) bool {
	for _, x := range xs {
		for _, s := range subs {
			if x == s || strings.Contains(x, s) {
				return true
			}
		}
	}
	return false
}

func anyPrefix(xs []string, pfx ...string) bool {
	for _, x := range xs {
		for _, p := range pfx {
			if strings.HasPrefix(x, p) {
				return true
			}
		}
	}
	return false
}

func clip(s string) string {
	if len(s) > 80 {
		return s[:77] + "..."
	}
	return s
}

// redirect checks a redirection: /dev/tcp sockets, writes to disks and
// system files, and uploads through network tools.
func (s *shellScan) redirect(r *syntax.Redirect, st *syntax.Stmt) {
	if r.Word == nil {
		return
	}
	w := s.word(r.Word)
	v := w.val
	if strings.HasPrefix(v, "/dev/tcp/") || strings.HasPrefix(v, "/dev/udp/") {
		s.add("cmd.reverse-shell", "redirection to a network socket "+clip(v))
		return
	}
	switch r.Op {
	case syntax.RdrOut, syntax.AppOut, syntax.RdrAll, syntax.AppAll, syntax.ClbOut:
		if isRawDisk(v) {
			s.add("cmd.destructive", "writes to raw disk "+v)
		} else if p := cleanShellPath(v, s.c.set); p != "" && (systemDirs[path.Dir(p)] && path.Dir(p) != "/" && path.Dir(p) != "/home" || strings.HasPrefix(p, "/etc/") || strings.HasPrefix(p, "/boot/")) && p != "/dev/null" && !strings.HasPrefix(p, "/dev/std") && !strings.HasPrefix(p, "/proc/self/fd") {
			s.add("cmd.destructive", "overwrites system file "+p)
		} else if p := cleanShellPath(v, s.c.set); p != "" && (s.c.sensitive(p) != "" || startupFiles[path.Base(p)]) {
			s.add("cmd.sensitive-file", "writes to "+p+", which runs or authorises code later (persistence)")
		}
	case syntax.RdrIn:
		if p := cleanShellPath(v, s.c.set); p != "" {
			if why := s.c.sensitive(p); why != "" {
				s.add("cmd.sensitive-file", "reads "+why)
			}
		}
	}
}

// startupFiles run at every login or shell start: writing to them is persistence.
var startupFiles = set(".bashrc", ".bash_profile", ".profile", ".zshrc", ".zprofile", ".zshenv", ".bash_login", ".bash_logout", ".config/fish/config.fish", "authorized_keys", "crontab", ".xinitrc", ".xprofile")

func isRawDisk(v string) bool {
	for _, d := range []string{"/dev/sd", "/dev/hd", "/dev/vd", "/dev/xvd", "/dev/nvme", "/dev/disk", "/dev/mmcblk", "/dev/mapper/", "/dev/rdisk"} {
		if strings.HasPrefix(v, d) {
			return true
		}
	}
	return false
}

// cleanShellPath canonicalises a word that looks like a path, or returns "".
func cleanShellPath(v string, set *settings) string {
	if v == "" || strings.Contains(v, "://") || strings.HasPrefix(v, "-") || strings.Contains(v, "${") {
		return ""
	}
	if !(strings.HasPrefix(v, "/") || strings.HasPrefix(v, "~") || strings.HasPrefix(v, ".") || strings.Contains(v, "/")) {
		if !(v == ".env" || strings.HasPrefix(v, ".env.") || sensitiveBase[v]) {
			return ""
		}
	}
	cp, err := canonicalisePath(v, set.base(), set.home)
	if err != nil {
		return ""
	}
	return cp.Lexical
}

// sensitiveArgs reports arguments naming credential stores.
func (s *shellScan) sensitiveArgs(name string, args []word) {
	n := len(args)
	if name == "cp" || name == "mv" || name == "ln" || name == "install" || name == "rsync" || name == "scp" {
		n-- // the destination is written, not read
	}
	if name == "touch" || name == "mkdir" || name == "rm" || name == "echo" || name == "printf" || name == "ls" || name == "[" || name == "[[" || name == "test" || name == "stat" || name == "chmod" || name == "chown" {
		return
	}
	for i := 0; i < n; i++ {
		v := args[i].val
		if j := strings.IndexByte(v, '@'); j >= 0 && j+1 < len(v) && strings.HasPrefix(v, "@") {
			v = v[1:]
		} else if k := strings.Index(v, "=@"); k >= 0 {
			v = v[k+2:]
		} else if k := strings.Index(v, "=<"); k >= 0 {
			v = v[k+2:]
		}
		if p := cleanShellPath(v, s.c.set); p != "" {
			if why := s.c.sensitive(p); why != "" {
				s.add("cmd.sensitive-file", name+" reads "+why)
				return
			}
		}
	}
}

// urlArgs checks URLs and hosts given to network tools: only cloud metadata
// is denied, since a shell already runs on the host.
func (s *shellScan) urlArgs(name string, args []word) {
	if !downloaders[name] && !netTools[name] && name != "ssh" && name != "git" {
		return
	}
	for _, a := range args {
		v := a.val
		if strings.HasPrefix(v, "-") {
			continue
		}
		bare := !strings.Contains(v, "://")
		if bare && !strings.Contains(v, ".") {
			continue
		}
		t, err := parseTarget(v, bare)
		if err != nil || t.Host == "" {
			continue
		}
		rule, why := s.c.targetRule(t)
		if rule == "net.ssrf.metadata" || (rule == "net.ssrf.embedded-ip" && strings.Contains(why, "metadata")) {
			s.add(rule, name+" reaches "+why)
		}
	}
}

func (s *shellScan) evalLike(name string, args []word) {
	var src strings.Builder
	dynamic := false
	for i, a := range args {
		if i > 0 {
			src.WriteByte(' ')
		}
		src.WriteString(a.val)
		if a.dynamic {
			dynamic = true
			if substHas(a.subst, downloaders) {
				s.add("cmd.download-exec", name+" runs code fetched from the network")
			} else if substHas(a.subst, decoders) {
				s.add("cmd.dynamic-exec", name+" runs code decoded at run time")
			}
		}
	}
	if name != "eval" {
		return
	}
	if !dynamic {
		sub := &shellScan{c: s.c, where: s.where, vars: s.vars, depth: s.depth + 1}
		sub.run(src.String())
	}
}

// substHas reports whether any command in stmts (at any depth) runs one of names.
func substHas(stmts []*syntax.Stmt, names map[string]bool) bool {
	found := false
	for _, st := range stmts {
		syntax.Walk(st, func(n syntax.Node) bool {
			if ce, ok := n.(*syntax.CallExpr); ok && len(ce.Args) > 0 {
				if names[cmdName(ce.Args[0].Lit())] {
					found = true
				}
			}
			return !found
		})
	}
	return found
}

func (s *shellScan) callsHave(calls []*syntax.CallExpr, names map[string]bool) bool {
	for _, ce := range calls {
		if n, ok := s.names[ce]; ok {
			if names[n] {
				return true
			}
			continue
		}
		if len(ce.Args) > 0 && names[cmdName(ce.Args[0].Lit())] {
			return true
		}
		if len(ce.Args) > 1 && wrappers[cmdName(ce.Args[0].Lit())] && names[cmdName(ce.Args[1].Lit())] {
			return true
		}
	}
	return false
}

// shellInterp analyses sh/bash/…: -c strings are parsed in turn; a shell
// reading its program from a pipe runs whatever the pipe produces.
// substExec reports interpreters whose arguments are produced by a download
// or a decoder: sh -c "$(curl …)", python3 -c "$(echo … | base64 -d)".
func (s *shellScan) substExec(name string, args []word) bool {
	for _, a := range args {
		if len(a.subst) == 0 {
			continue
		}
		if substHas(a.subst, downloaders) {
			s.add("cmd.download-exec", name+" runs code fetched from the network")
			return true
		}
		if substHas(a.subst, decoders) {
			s.add("cmd.dynamic-exec", name+" runs code decoded at run time")
			return true
		}
	}
	return false
}

func (s *shellScan) shellInterp(name string, args []word, pipe []*syntax.CallExpr) {
	if s.substExec(name, args) {
		return
	}
	script := false
	for i := 0; i < len(args); i++ {
		a := args[i]
		if strings.HasPrefix(a.val, "-") && !strings.HasPrefix(a.val, "--") && strings.Contains(a.val, "c") && name != "busybox" {
			if i+1 < len(args) {
				if !args[i+1].dynamic {
					sub := &shellScan{c: s.c, where: s.where, vars: map[string]string{}, depth: s.depth + 1}
					sub.run(args[i+1].val)
				}
			}
			return
		}
		if a.val == "-s" || a.val == "-" {
			break
		}
		if !strings.HasPrefix(a.val, "-") {
			script = true
			if s.fetched {
				s.add("cmd.download-exec", "downloads a script and runs it with "+name)
			}
			break
		}
	}
	if !script && len(pipe) > 0 {
		s.pipeInto(name, pipe)
	}
}

func (s *shellScan) pipeInto(name string, pipe []*syntax.CallExpr) {
	switch {
	case s.callsHave(pipe, downloaders):
		s.add("cmd.download-exec", "pipes a download into "+name)
	case s.callsHave(pipe, netTools):
		s.add("cmd.reverse-shell", "pipes a network connection into "+name)
	default:
		s.add("cmd.pipe-to-interpreter", "pipes data into "+name+", which runs it as a program")
	}
}

var interpNetwork = []string{"socket", "urllib", "requests.", "http.client", "httplib", "urlopen", "fetch(", "require('http", `require("http`,
	"require('net", `require("net`, "require('dgram", "net.connect", "net.socket", "http.get", "https.get", "http.request", "https.request",
	"lwp::", "io::socket", "net::http", "fsockopen", "curl_exec", "file_get_contents('http", `file_get_contents("http`,
	"tcpclient", "net.webclient", "downloadstring", "invoke-webrequest", "webrequest", "open-uri", "uri.open", "telnetlib", "ftplib", "smtplib", "paramiko", "websocket", "deno.connect", "bun.connect"}

var interpExec = []string{"exec \"", "exec '", "system \"", "system '", "spawn", "`", "subprocess", "os.system", "os.popen", "pty.spawn", "child_process", "execsync", "spawnsync", "exec(", "system(", "popen", "dup2", "/bin/sh", "/bin/bash", "shell_exec", "passthru", "proc_open", "runtime.getruntime", "start-process", "iex", "invoke-expression"}

var interpDecode = []string{"b64decode", "base64.decode", "atob(", "buffer.from(", "frombase64string", "decode_base64", "base64_decode", "unpack(", "codecs.decode", "zlib.decompress", "marshal.loads", "pickle.loads"}

func containsAny(s string, subs []string) string {
	for _, x := range subs {
		if strings.Contains(s, x) {
			return x
		}
	}
	return ""
}

// otherInterp analyses python/node/perl/… one-liners and interpreters fed
// from pipes.
func (s *shellScan) otherInterp(name string, args []word, pipe []*syntax.CallExpr) {
	if s.substExec(name, args) {
		return
	}
	if name == "pwsh" || name == "powershell" {
		s.powershell(args)
		return
	}
	script := false
	for i := 0; i < len(args); i++ {
		a := args[i].val
		if len(args[i].subst) > 0 && substHas(args[i].subst, downloaders) {
			s.add("cmd.download-exec", name+" runs code fetched from the network")
			return
		}
		switch {
		case a == "-c" || a == "-e" || a == "-E" || a == "-r" || a == "--eval" || a == "-p" || a == "--print" || a == "-Command" || a == "-command" || a == "-EncodedCommand" || a == "-enc" || strings.HasPrefix(a, "-e") && (name == "perl" || name == "ruby") && len(a) <= 3:
			if i+1 >= len(args) {
				return
			}
			code := strings.ToLower(args[i+1].val)
			if a == "-EncodedCommand" || a == "-enc" {
				s.add("cmd.dynamic-exec", name+" runs an encoded command")
				return
			}
			netw, exe, dec := containsAny(code, interpNetwork), containsAny(code, interpExec), containsAny(code, interpDecode)
			if exe != "" {
				s.quotedCommands(args[i+1].val)
			}
			switch {
			case netw != "" && exe != "":
				s.add("cmd.reverse-shell", name+" one-liner connects out ("+netw+") and runs commands ("+exe+")")
			case netw != "":
				s.add("cmd.interpreter-network", name+" one-liner opens a network connection ("+netw+")")
			case exe != "" && containsAny(code, []string{"/dev/tcp", "nc -e", "ncat ", "-e /bin", "bash -i", "sh -i"}) != "":
				s.add("cmd.reverse-shell", name+" one-liner spawns a shell wired to the network ("+exe+")")
			case exe != "" && containsAny(code, []string{"curl ", "wget ", "| sh", "|sh", "| bash", "|bash"}) != "":
				s.add("cmd.download-exec", name+" one-liner spawns a download-and-run ("+exe+")")
			case dec != "" && (strings.Contains(code, "exec") || strings.Contains(code, "eval")):
				s.add("cmd.dynamic-exec", name+" one-liner decodes and runs a payload ("+dec+")")
			}
			return
		case a == "-m" || a == "-":
			script = a == "-m"
			i = len(args)
		case !strings.HasPrefix(a, "-"):
			script = true
			if s.fetched {
				s.add("cmd.download-exec", "downloads a script and runs it with "+name)
			}
			i = len(args)
		}
	}
	if !script && len(pipe) > 0 {
		s.pipeInto(name, pipe)
	}
}

// powershell finds -Command / -EncodedCommand anywhere among PowerShell's
// options (which take values, so the first positional is not the script).
func (s *shellScan) powershell(args []word) {
	for i, a := range args {
		la := strings.ToLower(a.val)
		if !strings.HasPrefix(la, "-") {
			continue
		}
		switch {
		case len(la) >= 2 && strings.HasPrefix("-encodedcommand", la) && len(la) > 2 || la == "-e" || la == "-ec":
			s.add("cmd.dynamic-exec", "powershell runs an encoded command")
			return
		case len(la) >= 2 && strings.HasPrefix("-command", la):
			if i+1 >= len(args) {
				return
			}
			code := strings.ToLower(strings.Join(argsVals(args[i+1:]), " "))
			netw, exe := containsAny(code, interpNetwork), containsAny(code, interpExec)
			switch {
			case netw != "" && exe != "":
				s.add("cmd.download-exec", "powershell downloads and runs code ("+netw+", "+exe+")")
			case netw != "":
				s.add("cmd.interpreter-network", "powershell command opens a network connection ("+netw+")")
			}
			return
		}
	}
}

// quotedCommands runs the shell scanner over the string literals of an
// interpreter one-liner that executes commands: ruby -e 'exec "curl …|sh"'.
func (s *shellScan) quotedCommands(code string) {
	if s.depth >= maxShellDepth {
		return
	}
	n := 0
	for i := 0; i < len(code) && n < 10; i++ {
		q := code[i]
		if q != '"' && q != '\'' && q != '`' {
			continue
		}
		j := strings.IndexByte(code[i+1:], q)
		if j < 0 {
			break
		}
		lit := code[i+1 : i+1+j]
		i += j + 1
		if len(lit) < 4 || !strings.Contains(lit, " ") {
			continue
		}
		n++
		sub := &shellScan{c: s.c, where: s.where, vars: map[string]string{}, depth: s.depth + 1, quiet: true}
		sub.run(lit)
	}
}

// netTool analyses nc/socat/telnet: command execution and uploads.
func (s *shellScan) netTool(name string, argv []string, st *syntax.Stmt, pipe []*syntax.CallExpr) {
	for _, a := range argv {
		la := strings.ToLower(a)
		if (name != "socat" && name != "openssl") && (a == "-e" || a == "-c" || strings.HasPrefix(a, "--exec") || strings.HasPrefix(a, "--sh-exec") || strings.HasPrefix(a, "--lua-exec") || (strings.HasPrefix(a, "-") && !strings.HasPrefix(a, "--") && strings.ContainsAny(a[1:], "e") && len(a) <= 5)) {
			s.add("cmd.reverse-shell", name+" runs a program on a network connection ("+a+")")
			return
		}
		if name == "socat" && (strings.Contains(la, "exec:") || strings.Contains(la, "system:")) {
			s.add("cmd.reverse-shell", "socat connects a program to the network")
			return
		}
	}
	if s.mkfifo {
		s.add("cmd.reverse-shell", name+" with a named pipe (mkfifo) relays a shell")
		return
	}
	if name == "openssl" && !anyHas(argv, "s_client") {
		return
	}
	for _, r := range st.Redirs {
		if r.Op == syntax.RdrIn && r.Word != nil && r.Word.Lit() != "/dev/null" {
			s.add("cmd.upload", name+" sends a local file over the network")
			return
		}
	}
	if len(pipe) > 0 && !s.callsHave(pipe[len(pipe)-1:], shells) {
		s.add("cmd.upload", name+" sends piped data over the network")
	}
}

// downloader analyses curl/wget: uploads of files and files written to disk.
func (s *shellScan) downloader(name string, args []word) {
	for i, a := range args {
		v := a.val
		next := ""
		if i+1 < len(args) {
			next = args[i+1].val
		}
		switch {
		case v == "-T" || v == "--upload-file" || strings.HasPrefix(v, "--upload-file="):
			s.add("cmd.upload", name+" uploads a local file")
			return
		case v == "-d" || v == "--data" || v == "--data-binary" || v == "--data-raw" || v == "--data-urlencode" || v == "-F" || v == "--form" || v == "--json":
			if strings.HasPrefix(next, "@") || strings.Contains(next, "=@") || strings.Contains(next, "=<") || (i+1 < len(args) && len(args[i+1].subst) > 0) {
				s.add("cmd.upload", name+" sends a local file or command output ("+clip(next)+")")
				return
			}
		case strings.HasPrefix(v, "--data") && strings.Contains(v, "=@"), strings.HasPrefix(v, "-d@"):
			s.add("cmd.upload", name+" uploads a local file")
			return
		case v == "-o" || v == "-O" || v == "--output" || v == "--remote-name" || strings.HasPrefix(v, "-o") || v == "-q" && name == "wget":
			s.fetched = true
		}
	}
	if name == "wget" && !anyHas(argsVals(args), "-O-", "-qO-", "-O -", "--spider") {
		s.fetched = true
	}
}

func argsVals(ws []word) []string {
	out := make([]string, len(ws))
	for i, w := range ws {
		out[i] = w.val
	}
	return out
}

// destructive reports commands that destroy data on system locations.
func (s *shellScan) destructive(name string, argv []string, args []word) {
	switch {
	case strings.HasPrefix(name, "mkfs") || name == "wipefs" || name == "mke2fs" || name == "fdisk" && anyHas(argv, "/dev/"):
		s.add("cmd.destructive", name+" formats a disk")
		return
	case powerOff[name] || (name == "init" && anyHas(argv, "0", "6")):
		s.add("cmd.destructive", name+" stops the machine")
		return
	case name == "kill" && anyHas(argv, "-1") && len(argv) >= 1 && argv[len(argv)-1] == "-1":
		s.add("cmd.destructive", "kill -1 kills every process")
		return
	case name == "dd":
		for _, a := range argv {
			if strings.HasPrefix(a, "of=") && isRawDisk(a[3:]) {
				s.add("cmd.destructive", "dd writes to raw disk "+a[3:])
				return
			}
		}
	case name == "shred" && anyHas(argv, "/dev/"):
		s.add("cmd.destructive", "shred wipes a device")
		return
	}
	recursive := false
	for _, a := range argv {
		if a == "--no-preserve-root" {
			s.add("cmd.destructive", name+" --no-preserve-root")
			return
		}
		if strings.HasPrefix(a, "-") && !strings.HasPrefix(a, "--") && strings.ContainsAny(a, "rRf") || a == "--recursive" || a == "--force" {
			recursive = true
		}
	}
	check := (name == "rm" && recursive) || ((name == "chmod" || name == "chown" || name == "chgrp") && recursive) || name == "find" || name == "shred" || name == "srm"
	if !check {
		return
	}
	if name == "find" && !anyHas(argv, "-delete", "rm") {
		return
	}
	for i, a := range args {
		v := a.val
		if strings.HasPrefix(v, "-") || (name == "find" && i > 0) {
			continue
		}
		if v == "/*" || v == "~/*" || v == "~/" || v == "~" || v == "*" && s.c.set.base() == "/" {
			s.add("cmd.destructive", name+" "+v+" destroys the whole tree")
			return
		}
		p := cleanShellPath(v, s.c.set)
		if p == "" {
			if strings.HasPrefix(v, "${") {
				s.add("cmd.destructive", name+" on an unknown variable path "+clip(v))
				return
			}
			continue
		}
		if strings.HasSuffix(p, "/*") && (systemDirs[path.Dir(p)] || path.Dir(p) == s.c.set.home) {
			s.add("cmd.destructive", name+" "+v+" destroys everything in "+path.Dir(p))
			return
		}
		if name == "rm" && s.c.sensitive(p) != "" {
			s.add("cmd.destructive", "rm destroys "+s.c.sensitive(p))
			return
		}
		if systemDirs[p] || p == s.c.set.home || (strings.HasPrefix(p, "/home/") && strings.Count(p, "/") == 2) || (strings.HasPrefix(p, "/Users/") && strings.Count(p, "/") == 2) {
			s.add("cmd.destructive", name+" recursively on "+p)
			return
		}
	}
}
