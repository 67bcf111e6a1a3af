package lockfile

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"unicode"
)

// Grade is a tool's risk grade.
type Grade int

// Grades, in increasing order of risk.
const (
	GradeLow Grade = iota + 1
	GradeMedium
	GradeHigh
)

// String returns "LOW", "MEDIUM" or "HIGH".
func (g Grade) String() string {
	switch g {
	case GradeLow:
		return "LOW"
	case GradeMedium:
		return "MEDIUM"
	case GradeHigh:
		return "HIGH"
	}
	return fmt.Sprintf("grade(%d)", int(g))
}

// MarshalText encodes g as its name.
func (g Grade) MarshalText() ([]byte, error) {
	if g < GradeLow || g > GradeHigh {
		return nil, fmt.Errorf("marshal grade: invalid value %d", int(g))
	}
	return []byte(g.String()), nil
}

// capability is a family of words that suggest what a tool can do.
type capability struct {
	id        string
	nameLevel Grade
	nameWords []string
	descWords []string // descriptions are long and chatty: at most MEDIUM
	does      string   // "runs commands or code"
}

var capabilities = []capability{
	{"exec", GradeHigh,
		[]string{"exec", "execute", "shell", "run", "command", "cmd", "bash", "sh", "zsh", "powershell", "spawn", "eval", "sudo", "terminal", "script", "subprocess", "process"},
		[]string{"exec", "execute", "executes", "shell", "bash", "sudo", "eval", "subprocess", "terminal"},
		"runs commands or code"},
	{"delete", GradeHigh,
		[]string{"delete", "remove", "rm", "rmdir", "drop", "truncate", "destroy", "erase", "wipe", "purge", "unlink", "kill", "terminate"},
		[]string{"delete", "deletes", "deleting", "remove", "removes", "destroy", "destroys", "erase", "erases", "wipe", "purge", "overwrite", "overwrites", "permanently"},
		"deletes or destroys data"},
	{"write", GradeMedium,
		[]string{"write", "edit", "create", "update", "move", "mv", "rename", "modify", "put", "patch", "insert", "upload", "save", "append", "mkdir", "set", "replace", "overwrite", "commit", "push", "merge", "deploy", "install", "copy"},
		[]string{"write", "writes", "overwrite", "modify", "modifies", "edit", "edits", "create", "creates", "rename", "renames"},
		"creates or changes data"},
	{"send", GradeMedium,
		[]string{"send", "post", "email", "mail", "publish", "notify", "sms", "tweet", "transfer", "pay", "invite", "share", "reply"},
		[]string{"send", "sends", "email", "emails", "publish", "publishes", "notify", "notification"},
		"sends data to other people or systems"},
	{"secrets", GradeMedium,
		[]string{"env", "environment", "secret", "secrets", "credential", "credentials", "password", "passwords", "token", "tokens", "apikey"},
		[]string{"secret", "secrets", "credential", "credentials", "password", "passwords", "apikey"},
		"can expose secrets such as environment variables, credentials or tokens"},
	{"network", GradeMedium,
		[]string{"fetch", "download", "browse", "browser", "http", "https", "request", "crawl", "scrape", "navigate", "curl", "wget", "url", "web", "webpage", "website"},
		[]string{"fetch", "fetches", "download", "downloads", "internet", "http", "https", "url", "urls", "web", "website", "webpage"},
		"reaches the network"},
}

// parameter families, matched on the words of a schema property's name.
type paramFamily struct {
	level Grade
	words []string
	holds string
}

var paramFamilies = []paramFamily{
	{GradeHigh, []string{"command", "cmd", "script", "code", "shell", "exec", "program", "sql"}, "a command, code or SQL to run"},
	{GradeMedium, []string{"path", "paths", "file", "files", "filename", "filepath", "directory", "dir", "folder", "source", "destination", "dest", "src"}, "a file or directory"},
	{GradeMedium, []string{"url", "urls", "uri", "endpoint", "host", "hostname", "webhook", "link", "domain"}, "a URL or host"},
	{GradeMedium, []string{"query"}, "a query that is run against a data source"},
}

// Risk grades a tool definition LOW, MEDIUM or HIGH from the words of its
// name and description, the names of its parameters and its annotations,
// and returns the reasons as sentences. The grade is the highest any signal
// gives; writing combined with a caller-chosen path is HIGH. Annotations
// that lower risk (readOnlyHint) are reported but never lower the grade: a
// server vouching for itself is not evidence. A definition that cannot be
// read is HIGH.
func Risk(tool json.RawMessage) (Grade, []string) {
	members, err := strictObject(tool)
	if err != nil {
		return GradeHigh, []string{fmt.Sprintf("Its definition could not be read (%v), so ward assumes the worst.", err)}
	}
	var t struct {
		Name        string          `json:"name"`
		Description string          `json:"description"`
		InputSchema json.RawMessage `json:"inputSchema"`
		Annotations map[string]any  `json:"annotations"`
	}
	fields := map[string][]byte{}
	for _, m := range members {
		fields[m.key] = m.val
	}
	_ = json.Unmarshal(fields["name"], &t.Name)
	_ = json.Unmarshal(fields["description"], &t.Description)
	_ = json.Unmarshal(fields["annotations"], &t.Annotations)
	grade := GradeLow
	var reasons []string
	raise := func(g Grade, reason string) {
		grade = max(grade, g)
		reasons = append(reasons, reason)
	}

	nameWords := words(t.Name)
	descWords := words(t.Description)
	has := map[string]bool{}
	for _, c := range capabilities {
		if w := firstShared(nameWords, c.nameWords); w != "" {
			has[c.id] = true
			raise(c.nameLevel, fmt.Sprintf("Its name suggests it %s (%q).", c.does, w))
		} else if w := firstShared(descWords, c.descWords); w != "" {
			has[c.id] = true
			raise(min(c.nameLevel, GradeMedium), fmt.Sprintf("Its description suggests it %s (%q).", c.does, w))
		}
	}

	var pathParam string
	params := paramNames(decodeAny(fields["inputSchema"]), 0)
	for _, fam := range paramFamilies {
		for _, p := range params {
			if firstShared(words(p), fam.words) != "" {
				raise(fam.level, fmt.Sprintf("It takes a parameter %q that holds %s.", p, fam.holds))
				if fam.holds == "a file or directory" && pathParam == "" {
					pathParam = p
				}
				break
			}
		}
	}
	if pathParam != "" && (has["write"] || has["delete"]) {
		raise(GradeHigh, fmt.Sprintf("It changes files at a path the caller chooses (%q).", pathParam))
	}

	ann := t.Annotations
	readOnly := ann["readOnlyHint"] == true
	if ann["destructiveHint"] == true && !readOnly {
		raise(GradeHigh, "The server marks it as destructive (destructiveHint).")
	}
	if ann["openWorldHint"] == true {
		raise(GradeMedium, "The server says it reaches the outside world (openWorldHint).")
	}
	if readOnly {
		reasons = append(reasons, "The server marks it read-only (readOnlyHint); ward notes this but does not lower the grade for it.")
	}
	if len(reasons) == 0 {
		reasons = append(reasons, "Nothing in its name, description, parameters or annotations suggests side effects.")
	}
	return grade, reasons
}

// words splits s into lower-case words at non-letters, non-digits and
// camelCase boundaries ("readFile_v2" → read, file, v2).
func words(s string) []string {
	var out []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			out = append(out, strings.ToLower(string(cur)))
			cur = cur[:0]
		}
	}
	rs := []rune(s)
	for i, r := range rs {
		switch {
		case !unicode.IsLetter(r) && !unicode.IsDigit(r):
			flush()
		case unicode.IsUpper(r) && i > 0 && (unicode.IsLower(rs[i-1]) || (i+1 < len(rs) && unicode.IsLower(rs[i+1]) && unicode.IsUpper(rs[i-1]))):
			flush()
			cur = append(cur, r)
		default:
			cur = append(cur, r)
		}
	}
	flush()
	return out
}

func firstShared(ws, set []string) string {
	for _, w := range ws {
		if slices.Contains(set, w) {
			return w
		}
	}
	return ""
}

// paramNames lists the property names of a schema, descending into nested
// objects and array items (a few levels), in sorted order per level.
func paramNames(schema any, depth int) []string {
	m, ok := schema.(map[string]any)
	if !ok || depth > 4 {
		return nil
	}
	var out []string
	props := asObject(get(m, "properties"))
	keys := slices.Sorted(maps.Keys(props))
	for _, k := range keys {
		out = append(out, k)
		out = append(out, paramNames(props[k], depth+1)...)
	}
	out = append(out, paramNames(get(m, "items"), depth+1)...)
	return out
}
