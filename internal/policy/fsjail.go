package policy

import (
	"errors"
	"io/fs"
	"net/url"
	"os"
	"path"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// FS is the part of a filesystem the jail uses to resolve symlinks. Lstat and
// Readlink behave like the os functions of the same names.
type FS interface {
	Lstat(name string) (fs.FileInfo, error)
	Readlink(name string) (string, error)
}

// OSFS is the host's filesystem.
type OSFS struct{}

// Lstat calls os.Lstat.
func (OSFS) Lstat(name string) (fs.FileInfo, error) { return os.Lstat(name) }

// Readlink calls os.Readlink.
func (OSFS) Readlink(name string) (string, error) { return os.Readlink(name) }

// maxPathLen is PATH_MAX: no longer string is a path.
const maxPathLen = 4096

// maxSymlinkHops bounds symlink resolution, like the kernel's ELOOP limit.
const maxSymlinkHops = 40

// errSymlinkLoop is returned when a path has too many symlinks.
var errSymlinkLoop = errors.New("too many levels of symbolic links")

// canonPath is a path argument after canonicalisation.
type canonPath struct {
	// Lexical is the absolute, cleaned path before symlinks are resolved.
	Lexical string
	// Climbs reports whether the decoded input contained a ".." segment.
	Climbs bool
	// Decoded reports whether percent-decoding or Unicode normalisation
	// changed the input.
	Decoded bool
}

// lookAlikes maps characters that render as '/' or '.' and survive NFKC.
var lookAlikes = strings.NewReplacer("\u2215", "/", "\u2044", "/", "\u29f8", "/", "\\", "/", "\u2024", ".", "\uff0e", ".", "\u3002", ".")

// canonicalisePath turns a path argument into an absolute, clean path:
// file:// URIs are unwrapped, percent-encoding is decoded repeatedly, Unicode
// is NFKC-normalised, look-alike slashes and dots and backslashes become '/'
// and '.', "~" expands to home, relative paths are joined to base, and
// duplicate slashes and dot segments are removed. It fails on NUL and control
// characters.
func canonicalisePath(raw, base, home string) (canonPath, error) {
	var c canonPath
	p := raw
	if len(p) > maxPathLen {
		return c, errors.New("path longer than 4096 bytes")
	}
	for i := 0; i < 4 && strings.Contains(p, "%"); i++ {
		d, err := url.PathUnescape(p)
		if err != nil || d == p {
			break
		}
		p, c.Decoded = d, true
	}
	ascii := isASCII(p)
	if !ascii && !norm.NFKC.IsNormalString(p) {
		p, c.Decoded = norm.NFKC.String(p), true
	}
	// The look-alikes are all non-ASCII but the backslash.
	if !ascii || strings.IndexByte(p, '\\') >= 0 {
		if q := lookAlikes.Replace(p); q != p {
			p, c.Decoded = q, true
		}
	}
	if !utf8.ValidString(p) {
		return c, errors.New("path is not valid UTF-8 after decoding (overlong or broken encoding)")
	}
	for _, r := range p {
		if r == 0 || (r < 0x20) || r == 0x7f || (r >= 0x80 && unicode.Is(unicode.Cf, r)) { // no format character is ASCII
			return c, errors.New("path contains a NUL, control or invisible character")
		}
	}
	if len(p) >= 7 && strings.EqualFold(p[:7], "file://") {
		p = p[7:]
		if strings.HasPrefix(strings.ToLower(p), "localhost/") {
			p = p[len("localhost"):]
		}
		if !strings.HasPrefix(p, "/") {
			return c, errors.New("file URI names a remote host")
		}
	} else if len(p) >= 5 && strings.EqualFold(p[:5], "file:") {
		p = p[5:]
	}
	if len(p) >= 2 && p[1] == ':' && ((p[0] >= 'a' && p[0] <= 'z') || (p[0] >= 'A' && p[0] <= 'Z')) {
		// A Windows drive path on a POSIX host: keep it relative to nothing.
		p = "/" + p[2:]
	}
	switch {
	case p == "~" || strings.HasPrefix(p, "~/"):
		p = home + p[1:]
	case strings.HasPrefix(p, "~"):
		user, rest, _ := strings.Cut(p[1:], "/")
		if user == "root" {
			p = "/root/" + rest
		} else {
			p = "/home/" + user + "/" + rest
		}
	}
	for rest := p; ; {
		seg, more, found := strings.Cut(rest, "/")
		if seg == ".." || (len(seg) > 2 && strings.Trim(seg, ".") == "") {
			c.Climbs = true
			break
		}
		if !found {
			break
		}
		rest = more
	}
	if !strings.HasPrefix(p, "/") {
		p = base + "/" + p
	}
	c.Lexical = path.Clean(p)
	return c, nil
}

// resolveSymlinks resolves every symlink in the clean absolute path p using
// fsys. Components that do not exist are appended lexically, so a file that
// would be created inside a directory resolves to that directory's real
// location.
func resolveSymlinks(fsys FS, p string) (string, error) {
	if len(p) > 1 && p[0] == '/' && path.Clean(p) == p {
		// While no component is a symlink, what is resolved so far is a
		// prefix of p: nothing to build. This is the path of every call
		// but those that meet a symlink.
		for start := 1; ; {
			j := strings.IndexByte(p[start:], '/')
			if j < 0 {
				j = len(p)
			} else {
				j += start
			}
			next := p[:j]
			fi, err := fsys.Lstat(next)
			if err != nil {
				// The rest is lexical: p itself, since p is clean.
				return p, nil
			}
			if fi.Mode()&fs.ModeSymlink != 0 {
				resolved := "/"
				if start > 1 {
					resolved = p[:start-1]
				}
				var rest []string
				if j < len(p) {
					rest = splitPath(p[j+1:])
				}
				return resolveSymlink(fsys, next, resolved, rest, 0)
			}
			if j == len(p) {
				return p, nil
			}
			start = j + 1
		}
	}
	return resolveFrom(fsys, "/", splitPath(p), 0)
}

// resolveSymlink resolves the symlink next (a child of resolved) and goes
// on with rest; it is the general loop's symlink step.
func resolveSymlink(fsys FS, next, resolved string, rest []string, hops int) (string, error) {
	hops++
	if hops > maxSymlinkHops {
		return "", errSymlinkLoop
	}
	target, err := fsys.Readlink(next)
	if err != nil {
		return "", err
	}
	if strings.HasPrefix(target, "/") {
		resolved = "/"
	}
	return resolveFrom(fsys, resolved, append(splitPath(target), rest...), hops)
}

// resolveFrom resolves the segments rest below the resolved directory.
func resolveFrom(fsys FS, resolved string, rest []string, hops int) (string, error) {
	for len(rest) > 0 {
		seg := rest[0]
		rest = rest[1:]
		if seg == "." || seg == "" {
			continue
		}
		if seg == ".." {
			resolved = path.Dir(resolved)
			continue
		}
		next := path.Join(resolved, seg)
		fi, err := fsys.Lstat(next)
		if err != nil {
			// Does not exist (or cannot be read): the rest is lexical.
			return path.Clean(next + "/" + strings.Join(rest, "/")), nil
		}
		if fi.Mode()&fs.ModeSymlink == 0 {
			resolved = next
			continue
		}
		return resolveSymlink(fsys, next, resolved, rest, hops)
	}
	return resolved, nil
}

// isASCII reports whether s is all ASCII.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

func splitPath(p string) []string {
	var out []string
	for _, s := range strings.Split(p, "/") {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// within reports whether p is root or below it: a real path-boundary check,
// so /srv/app-evil is not within /srv/app.
func within(p, root string) bool {
	if root == "/" {
		return true
	}
	return p == root || (strings.HasPrefix(p, root) && p[len(root)] == '/')
}

// sensitiveHome are locations under a home directory that hold credentials
// or configuration an agent has no business reading. A trailing '/' means the
// whole directory.
var sensitiveHome = []string{
	".ssh/", ".aws/", ".gnupg/", ".azure/", ".config/gcloud/", ".kube/config", ".kube/",
	".docker/config.json", ".netrc", ".pgpass", ".git-credentials", ".npmrc", ".pypirc",
	".config/gh/hosts.yml", ".password-store/", ".local/share/keyrings/", ".gem/credentials",
	".cargo/credentials", ".cargo/credentials.toml", ".terraform.d/credentials.tfrc.json",
	".config/google-chrome/", ".config/chromium/", ".mozilla/", ".config/BraveSoftware/",
	".config/microsoft-edge/", "Library/Application Support/Google/Chrome/",
	"Library/Application Support/Firefox/", "Library/Keychains/", "Library/Cookies/",
	"Library/Application Support/Claude/", ".config/Claude/", ".claude.json", ".claude/.credentials.json",
	".cursor/mcp.json", ".codeium/windsurf/mcp_config.json", ".config/Code/User/mcp.json",
	"Library/Application Support/Code/User/mcp.json", ".continue/config.json", ".config/op/",
	".vault-token", ".config/hub", ".s3cfg", ".boto", ".databrickscfg", ".config/rclone/rclone.conf",
}

// sensitiveAbs are absolute sensitive locations; '*' matches one segment.
var sensitiveAbs = []string{
	"/etc/shadow", "/etc/gshadow", "/etc/shadow-", "/etc/sudoers", "/etc/sudoers.d/", "/etc/passwd",
	"/etc/master.passwd", "/etc/ssh/ssh_host_*_key", "/proc/*/environ", "/proc/*/mem", "/proc/*/cmdline",
	"/proc/*/fd/", "/proc/*/root/", "/proc/kcore", "/var/run/secrets/", "/run/secrets/", "/root/",
	"/var/lib/docker/", "/var/run/docker.sock", "/run/docker.sock", "/dev/mem", "/boot/",
}

// sensitiveBase are file names that are sensitive wherever they are.
var sensitiveBase = map[string]bool{
	"id_rsa": true, "id_dsa": true, "id_ecdsa": true, "id_ed25519": true, "id_ecdsa_sk": true, "id_ed25519_sk": true,
	".netrc": true, ".pgpass": true, ".git-credentials": true,
	".bash_history": true, ".zsh_history": true, ".sh_history": true, ".history": true, ".python_history": true,
	".node_repl_history": true, ".psql_history": true, ".mysql_history": true, ".sqlite_history": true,
	".lesshst": true, ".viminfo": true, "authorized_keys": true, "known_hosts": true,
	"claude_desktop_config.json": true, "mcp_config.json": true, ".htpasswd": true,
}

// codeExts are extensions of source files named after .env (.env.d.ts,
// .env.mjs): code that reads the environment, not the environment.
var codeExts = map[string]bool{".ts": true, ".tsx": true, ".js": true, ".jsx": true, ".mjs": true, ".cjs": true, ".py": true, ".go": true, ".rs": true, ".rb": true, ".java": true, ".kt": true, ".swift": true, ".md": true, ".html": true, ".css": true}

// envExamples are .env variants that are templates, not secrets.
var envExamples = map[string]bool{"example": true, "sample": true, "template": true, "dist": true, "defaults": true, "schema": true, "tmpl": true}

// sensitiveReason returns why p (clean, absolute) is sensitive, or "".
func sensitiveReason(p, home string) string {
	base := path.Base(p)
	if strings.HasSuffix(base, ".pub") {
		return "" // public keys are meant to be shared
	}
	if sensitiveBase[base] {
		return "credential or history file " + base
	}
	if strings.HasSuffix(base, "_history") {
		return "shell history " + base
	}
	if base == ".env" || strings.HasPrefix(base, ".env.") {
		if ext := path.Ext(base); !envExamples[strings.TrimPrefix(base, ".env.")] && !codeExts[ext] {
			return "environment file " + base
		}
	}
	if i := strings.IndexByte(p[min(1, len(p)):], '/'); len(p) > 1 {
		first := p[1:]
		if i >= 0 {
			first = p[1 : i+1]
		}
		if sensitiveFirst[first] {
			segs := splitPath(p)
			for _, sp := range sensitiveAbsP {
				if sp.match(segs) {
					return "system secret " + sp.text
				}
			}
		}
	}
	var homes [3]string // on the stack: this runs for every path argument
	homes[0] = home
	if strings.HasPrefix(p, "/home/") {
		if i := strings.IndexByte(p[6:], '/'); i > 0 {
			homes[1] = p[:6+i]
		}
	}
	if strings.HasPrefix(p, "/Users/") {
		if i := strings.IndexByte(p[7:], '/'); i > 0 {
			homes[2] = p[:7+i]
		}
	}
	for _, h := range homes {
		if h == "" || !within(p, h) || p == h {
			continue
		}
		rel := p[len(h)+1:]
		if h == "/" {
			rel = p[1:]
		}
		for _, sh := range sensitiveHomeP {
			s := sh.text
			if sh.dir {
				// rel+"/" == s, without building rel+"/".
				if len(rel)+1 == len(s) && strings.HasPrefix(s, rel) || strings.HasPrefix(rel, s) {
					return "credential store ~/" + strings.TrimSuffix(s, "/")
				}
			} else if rel == s {
				return "credential store ~/" + s
			}
		}
	}
	return ""
}

// sensitiveHomeP is sensitiveHome with each entry's trailing '/' looked up
// once.
var sensitiveHomeP = func() []struct {
	text string
	dir  bool
} {
	out := make([]struct {
		text string
		dir  bool
	}, len(sensitiveHome))
	for i, s := range sensitiveHome {
		out[i].text, out[i].dir = s, strings.HasSuffix(s, "/")
	}
	return out
}()

// sensPattern is a sensitiveAbs entry split into segments, where '*' stands
// for one path segment and dir means the directory and everything below it.
type sensPattern struct {
	segs []string
	dir  bool
	text string
}

var (
	sensitiveAbsP  []sensPattern
	sensitiveFirst = map[string]bool{}
)

func init() {
	for _, s := range sensitiveAbs {
		sp := sensPattern{dir: strings.HasSuffix(s, "/"), text: strings.TrimSuffix(s, "/")}
		sp.segs = splitPath(sp.text)
		sensitiveAbsP = append(sensitiveAbsP, sp)
		sensitiveFirst[sp.segs[0]] = true
	}
}

func (sp sensPattern) match(ps []string) bool {
	if len(ps) < len(sp.segs) || (!sp.dir && len(ps) != len(sp.segs)) {
		return false
	}
	for i, seg := range sp.segs {
		if seg == ps[i] {
			continue
		}
		if ok, _ := path.Match(seg, ps[i]); !ok {
			return false
		}
	}
	return true
}

// looksLikePath reports whether a value in a field not named like a path is
// still plainly a path: a single line starting with '/', '~', './', '../',
// file: or an encoded dot or slash.
func looksLikePath(v string) bool {
	if len(v) < 2 || len(v) > 4096 {
		return false
	}
	var ok bool
	switch {
	case strings.HasPrefix(v, "/") && !strings.HasPrefix(v, "//"):
		ok = !strings.Contains(v, " ") || strings.Count(v, "/") > 1
	case strings.HasPrefix(v, "~/"), strings.HasPrefix(v, "./"), strings.HasPrefix(v, "../"), strings.HasPrefix(v, "..\\"):
		ok = true
	case v[0] < utf8.RuneSelf && v[0] != 'f' && v[0] != 'F' && v[0] != '%' && v[0] != '.':
		// None of the prefixes below can start with it, whatever follows
		// (lower-casing leaves an ASCII byte ASCII): most prose.
		return false
	default:
		lv := v[:min(len(v), 8)]
		hasPrefix := func(p string) bool { return len(lv) >= len(p) && strings.EqualFold(lv[:len(p)], p) }
		if !isASCII(lv) {
			// Non-ASCII may lower-case to ASCII (U+0130 → 'i'): keep ToLower's answer.
			lv = strings.ToLower(lv)
			hasPrefix = func(p string) bool { return strings.HasPrefix(lv, p) }
		}
		ok = hasPrefix("file:") || hasPrefix("%2e") || hasPrefix("%252e") || hasPrefix("%2f") || hasPrefix("..%")
	}
	// Line breaks rule it out; looked for last, since prose starts like no path.
	return ok && strings.IndexByte(v, '\n') < 0 && strings.IndexByte(v, '\r') < 0
}
