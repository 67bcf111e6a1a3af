package policy

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/ward-mcp/ward/internal/inspect"
)

// TestRealTexts runs real, published, version-pinned text through the engine
// as tool results, the way the reference filesystem server's read_file
// returns a file (a tools/call result with one text content item; the
// pinned server also repeats the text in structuredContent, which the
// engine would judge the same way, at twice the cost): the npm
// packages under testdata/npm/node_modules (pinned by package-lock.json) and
// the Go modules of ward's own build (go list -m all, those that provide a
// package to ward's linux/amd64 build and its tests). A coding agent reads
// such files all day; a blocked README or source file breaks its work.
//
// Every block is counted against realTextsFloor unless the file really
// instructs a model (realTextsForModel), and so is every redaction that is
// not a credential or private key (a hash, a UUID, code, a template; see
// realCredential). A
// change may only lower the counts; when it does, the test asks for the
// floor to be lowered. Under -race only one file in realTextsStride is
// read, chosen by a hash of its path (realtexts_race_test.go), with floors
// of its own.
func TestRealTexts(t *testing.T) {
	if testing.Short() {
		t.Skip("reads some 100 MB of real files; skipped with -short")
	}
	start := time.Now()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	var files []realText
	complete := map[string]bool{}
	npm, ok := npmTexts(t, filepath.Join(root, "testdata", "npm", "node_modules"))
	if ok {
		files = append(files, npm...)
		complete[realSourceNPM] = true
	}
	mods, ok := goModuleTexts(t, root)
	files = append(files, mods...)
	complete[realSourceGo] = ok
	if len(files) == 0 {
		t.Skip("no real texts found")
	}
	var sample []realText
	for _, f := range files {
		if hashString(f.moduleOnly()+"/"+f.rel)%realTextsStride == 0 {
			sample = append(sample, f)
		}
	}

	e := testEngine(t, nil)
	out := make([]realOutcome, len(sample))
	var wg sync.WaitGroup
	next := make(chan int)
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for i := range next {
				out[i] = inspectRealText(e, sample[i])
			}
		})
	}
	for i := range sample {
		next <- i
	}
	close(next)
	wg.Wait()

	sum := summariseRealTexts(sample, out)
	t.Logf("real texts: %d of %d files (one in %d), %s", len(sample), len(files), realTextsStride, time.Since(start).Round(time.Millisecond))
	for _, l := range sum.lines() {
		t.Log(l)
	}
	for _, m := range sum.mismatch {
		t.Errorf("resources/read and tools/call disagree on %s", m)
	}
	for _, src := range []string{realSourceNPM, realSourceGo} {
		got, ok := sum.counts[src], complete[src]
		floor := realTextsFloor[src]
		if got.blocked > floor.blocked || got.falseRedactions > floor.falseRedactions {
			t.Errorf("real texts (%s): %d blocked (floor %d), %d false-positive redactions (floor %d)", src, got.blocked, floor.blocked, got.falseRedactions, floor.falseRedactions)
		}
		if ok && (got.blocked < floor.blocked || got.falseRedactions < floor.falseRedactions) {
			t.Errorf("real texts (%s): %d blocked, %d false-positive redactions: better than realTextsFloor (%d, %d); lower it", src, got.blocked, got.falseRedactions, floor.blocked, floor.falseRedactions)
		}
	}
}

const (
	realSourceNPM = "npm"
	realSourceGo  = "go"
	// realTextMax is the largest file read; larger ones are bundles and
	// generated tables more than text a model reads.
	realTextMax = 64 << 10
)

// realTextsCounts are the counts realTextsFloor holds for one source.
type realTextsCounts struct{ blocked, falseRedactions int }

// realText is one file to read.
type realText struct {
	source string // realSourceNPM or realSourceGo
	module string // "ajv@8.17.1", "golang.org/x/crypto@v0.54.0"
	rel    string // slash-separated path inside the package or module
	path   string
}

func (f realText) String() string { return f.source + " " + f.module + ": " + f.rel }

// moduleOnly is the package or module without its version.
func (f realText) moduleOnly() string { return f.module[:max(0, strings.LastIndexByte(f.module, '@'))] }

// realTextName reports whether a file is documentation or source by its name.
func realTextName(name string) bool {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".md", ".markdown", ".txt", ".rst",
		".go", ".js", ".mjs", ".cjs", ".ts", ".py", ".sh", ".yaml", ".yml", ".json":
		return true
	case "":
		switch strings.ToUpper(name) {
		case "README", "CHANGELOG", "CHANGES", "HISTORY", "LICENSE", "LICENCE", "NOTICE", "AUTHORS", "CONTRIBUTORS", "PATENTS", "COPYING":
			return true
		}
	}
	return false
}

// walkRealTexts returns the documentation and source files under dir of at
// most realTextMax bytes, in lexical order (filepath.WalkDir's), paths
// relative to dir. Symbolic links are not followed.
func walkRealTexts(dir string, skipDir func(rel string) bool) ([]string, error) {
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if d.IsDir() {
			if p != dir && skipDir != nil && skipDir(filepath.ToSlash(rel)) {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() || !realTextName(d.Name()) {
			return nil
		}
		if info, err := d.Info(); err != nil || info.Size() > realTextMax {
			return err
		}
		out = append(out, filepath.ToSlash(rel))
		return nil
	})
	return out, err
}

// npmTexts lists the files of the installed npm packages, each named by the
// innermost package that holds it.
func npmTexts(t *testing.T, dir string) ([]realText, bool) {
	if _, err := os.Stat(filepath.Join(dir, "..", "package-lock.json")); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); err != nil {
		t.Logf("real texts: %s is absent (scripts/setup-test-deps.sh installs it); npm packages skipped", dir)
		return nil, false
	}
	rels, err := walkRealTexts(dir, func(rel string) bool { return strings.HasPrefix(rel, ".") })
	if err != nil {
		t.Fatal(err)
	}
	versions := map[string]string{}
	var out []realText
	for _, rel := range rels {
		pkgDir, inPkg := npmPackageOf(rel)
		if pkgDir == "" {
			continue // npm's own record of the install (.package-lock.json)
		}
		v, ok := versions[pkgDir]
		if !ok {
			var pj struct{ Name, Version string }
			if b, err := os.ReadFile(filepath.Join(dir, pkgDir, "package.json")); err == nil {
				_ = json.Unmarshal(b, &pj)
			}
			v = pj.Name + "@" + pj.Version
			if pj.Name == "" {
				v = pkgDir
			}
			versions[pkgDir] = v
		}
		out = append(out, realText{source: realSourceNPM, module: v, rel: inPkg, path: filepath.Join(dir, filepath.FromSlash(rel))})
	}
	return out, true
}

// npmPackageOf splits a path under node_modules into the directory of the
// innermost package holding it and the path inside that package.
func npmPackageOf(rel string) (pkgDir, inPkg string) {
	parts := strings.Split(rel, "/")
	at := 0 // the package's name starts at parts[at]
	for i := 0; i < len(parts)-1; i++ {
		if parts[i] == "node_modules" {
			at = i + 1
		}
	}
	n := 1
	if strings.HasPrefix(parts[at], "@") {
		n = 2
	}
	if at+n >= len(parts) {
		return strings.Join(parts[:len(parts)-1], "/"), parts[len(parts)-1]
	}
	return strings.Join(parts[:at+n], "/"), strings.Join(parts[at+n:], "/")
}

// goModuleTexts lists the files of the Go modules in ward's build list that
// provide a package to ward's linux/amd64 build or its tests: the same set
// on every machine, whatever else the module cache holds. It reports false
// when one of them is not in the module cache or go is missing.
func goModuleTexts(t *testing.T, root string) ([]realText, bool) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Logf("real texts: no go tool (%v); Go modules skipped", err)
		return nil, false
	}
	run := func(env []string, args ...string) []byte {
		cmd := exec.Command(goTool, args...)
		cmd.Dir = root
		cmd.Env = append(os.Environ(), env...)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		b, err := cmd.Output()
		if err != nil {
			t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, stderr.Bytes())
		}
		return b
	}
	used := map[string]bool{}
	deps := run([]string{"GOOS=linux", "GOARCH=amd64", "GOFLAGS=-mod=readonly"}, "list", "-e", "-deps", "-test", "-f", "{{with .Module}}{{.Path}}{{end}}", "./...")
	for _, p := range strings.Fields(string(deps)) {
		used[p] = true
	}
	var mods []struct {
		Path, Version, Dir string
		Main               bool
	}
	dec := json.NewDecoder(bytes.NewReader(run([]string{"GOFLAGS=-mod=readonly"}, "list", "-m", "-json", "all")))
	for dec.More() {
		var m struct {
			Path, Version, Dir string
			Main               bool
		}
		if err := dec.Decode(&m); err != nil {
			t.Fatal(err)
		}
		if used[m.Path] && !m.Main {
			mods = append(mods, m)
		}
	}
	sort.Slice(mods, func(i, j int) bool { return mods[i].Path < mods[j].Path })
	complete := true
	var out []realText
	for _, m := range mods {
		if m.Dir == "" {
			t.Logf("real texts: %s@%s is not in the module cache; skipped", m.Path, m.Version)
			complete = false
			continue
		}
		rels, err := walkRealTexts(m.Dir, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, rel := range rels {
			out = append(out, realText{source: realSourceGo, module: m.Path + "@" + m.Version, rel: rel, path: filepath.Join(m.Dir, filepath.FromSlash(rel))})
		}
	}
	return out, complete
}

// realOutcome is what the engine decided for one file.
type realOutcome struct {
	skip     string // why the file was not read: "binary" or "not UTF-8"
	bytes    int
	action   Action
	rule     string
	reason   string
	stripped bool         // invisible characters or ANSI escapes found
	secrets  []realSecret // what was redacted
	// mismatch says how the file's decision as resources/read contents
	// differs from its decision as a tools/call result, when it was
	// checked.
	mismatch string
}

// realSecret is one redacted span.
type realSecret struct {
	rule    string
	excerpt string
	real    bool // a credential or key, not a false positive
}

// resourcesEvery is how often (in files read) the resources/read form is
// checked besides every flagged file.
const resourcesEvery = 64

func inspectRealText(e *Engine, f realText) realOutcome {
	b, err := os.ReadFile(f.path)
	if err != nil {
		return realOutcome{skip: err.Error()}
	}
	switch {
	case bytes.IndexByte(b, 0) >= 0:
		return realOutcome{skip: "binary"}
	case !utf8.Valid(b):
		return realOutcome{skip: "not UTF-8"}
	}
	text := string(b)
	call, _ := json.Marshal(map[string]any{"content": []any{map[string]any{"type": "text", "text": text}}})
	// As the relay asks (its codec checked the JSON); the resources/read
	// below is walked whole, and must agree.
	d := e.InspectResult(context.Background(), &Input{Server: "fs", Method: "tools/call", Direction: ToHost, Result: call, ValidJSON: true})
	o := realOutcome{bytes: len(b), action: d.Action, rule: d.RuleID}
	if len(d.Reasons) > 0 {
		o.reason = d.Reasons[0]
	}
	for _, fd := range d.Findings {
		switch {
		case fd.RuleID == "inject.invisible-unicode" || fd.RuleID == "inject.ansi-escape":
			o.stripped = true
		case fd.Category == PackSecrets && o.secrets == nil:
			for _, s := range inspect.FindSecrets(text) {
				o.secrets = append(o.secrets, realSecret{rule: s.Rule, excerpt: secretExcerpt(text[s.Start:s.End]), real: realCredential(s.Rule, text[s.Start:s.End])})
			}
		}
	}
	if d.Action != Allow || len(d.Findings) > 0 || int(hashString(f.rel))%resourcesEvery == 0 {
		res, _ := json.Marshal(map[string]any{"contents": []any{map[string]any{"uri": "file:///project/" + f.rel, "mimeType": "text/plain", "text": text}}})
		r := e.InspectResult(context.Background(), &Input{Server: "fs", Method: "resources/read", Direction: ToHost, Result: res})
		if r.Action != d.Action || r.RuleID != d.RuleID {
			o.mismatch = fmt.Sprintf("%s: tools/call %s %s, resources/read %s %s", f, d.Action, d.RuleID, r.Action, r.RuleID)
		}
	}
	return o
}

// hashString is FNV-1a, to pick files for the sample and the
// resources/read check the same way on every machine, and so that adding
// or removing a file leaves the others' choice alone.
func hashString(s string) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(s); i++ {
		h = (h ^ uint32(s[i])) * 16777619
	}
	return h
}

// secretExcerpt shows enough of a redacted span to judge it without
// printing a whole key.
func secretExcerpt(s string) string {
	if strings.HasPrefix(s, "-----BEGIN ") {
		if i := strings.Index(s[11:], "-----"); i >= 0 {
			return s[:11+i+5]
		}
	}
	if len(s) > 24 {
		return fmt.Sprintf("%s… (%d bytes)", s[:16], len(s))
	}
	return s
}

// realCredential reports whether a redacted span is a credential rather
// than a hash, an identifier, code or a template. A private key counts when
// its body, once the syntax of the string literal that holds it is taken
// away, decodes to a key: DER (a SEQUENCE), an OpenSSH key or an OpenPGP
// packet. Every private key published in a module is a test fixture;
// redacting it is still right, since nothing in the text tells it from a
// key of the user's. For the same reason a well-formed token (a JWT whose
// header and payload decode, an AWS key pair, a password in a URL) counts
// as a credential; a URL whose user or password is template syntax
// ("mysql://[username[:password]@]host") does not.
func realCredential(rule, s string) bool {
	switch rule {
	case "secret.private-key":
		return pemKeyBody(s)
	case "secret.connection-string":
		_, rest, _ := strings.Cut(s, "://")
		auth, _, _ := strings.Cut(rest, "@")
		return !strings.ContainsAny(auth, "[]<>{}")
	}
	return true
}

// goStringSyntax is what a key written as a string literal in source code
// adds to its body: escaped newlines, quotes, concatenation.
var goStringSyntax = strings.NewReplacer(`\r`, "", `\t`, "", `"`, "", "'", "", "`", "", ",", "")

// pemKeyBody reports whether the body of a PEM private key block decodes
// to a key.
func pemKeyBody(s string) bool {
	_, body, ok := strings.Cut(s[len("-----BEGIN "):], "-----")
	if !ok {
		return false
	}
	body, _, _ = strings.Cut(body, "-----END")
	var b64 strings.Builder
	for _, line := range strings.Split(goStringSyntax.Replace(strings.ReplaceAll(body, `\n`, "\n")), "\n") {
		line = strings.TrimSpace(line)
		if strings.Contains(line, ": ") || strings.HasPrefix(line, "=") {
			continue // an armor header or an OpenPGP checksum
		}
		for _, f := range strings.Fields(line) {
			if f != "+" { // the + that joins string literals
				b64.WriteString(f)
			}
		}
	}
	der, err := base64.StdEncoding.DecodeString(b64.String())
	if err != nil {
		der, err = base64.RawStdEncoding.DecodeString(strings.TrimRight(b64.String(), "="))
	}
	switch {
	case err != nil || len(der) < 32:
		return false
	case bytes.HasPrefix(der, []byte("openssh-key-v1\x00")):
		return true
	case strings.Contains(body, "Proc-Type: 4,ENCRYPTED"):
		return true // a legacy encrypted key: its body is ciphertext
	case strings.Contains(s[:40], "PGP PRIVATE KEY BLOCK"):
		return der[0]&0x80 != 0 // an OpenPGP packet header
	}
	return der[0] == 0x30 // an ASN.1 SEQUENCE: PKCS#1, PKCS#8, SEC 1, DSA
}

// realTextsForModel are the files among the real texts that are written
// for a model, by module or package (without its version) and path: a
// block of one of them is not counted as a false positive.
var realTextsForModel = map[string]bool{
	// "# Instructions for Claude Code", then an include of AGENTS.md.
	"go.opentelemetry.io/otel: CLAUDE.md": true,
	// "Audience: These instructions are written for an LLM or autonomous
	// agent", with a scripted answer ("If asked about server
	// instructions, respond with …").
	"@modelcontextprotocol/server-everything: dist/docs/instructions.md": true,
}

// realTextsSummary counts the outcomes.
type realTextsSummary struct {
	files, bytes, skipped map[string]int // by source
	modules               map[string]map[string]bool
	blocked, redacted     map[string]int // by rule id
	falseRedacted         map[string]int // by rule id
	stripped              int
	counts                map[string]realTextsCounts // by source
	flagged               []string
	mismatch              []string
}

func summariseRealTexts(files []realText, out []realOutcome) *realTextsSummary {
	s := &realTextsSummary{files: map[string]int{}, bytes: map[string]int{}, skipped: map[string]int{},
		blocked: map[string]int{}, redacted: map[string]int{}, falseRedacted: map[string]int{}, counts: map[string]realTextsCounts{},
		modules: map[string]map[string]bool{}}
	for i, o := range out {
		f := files[i]
		if o.skip != "" {
			s.skipped[f.source]++
			continue
		}
		s.files[f.source]++
		s.bytes[f.source] += o.bytes
		if s.modules[f.source] == nil {
			s.modules[f.source] = map[string]bool{}
		}
		s.modules[f.source][f.module] = true
		if o.mismatch != "" {
			s.mismatch = append(s.mismatch, o.mismatch)
		}
		c := s.counts[f.source]
		if o.action == Deny {
			s.blocked[o.rule]++
			verdict := "false positive"
			if realTextsForModel[f.moduleOnly()+": "+f.rel] {
				verdict = "written for a model"
			} else {
				c.blocked++
			}
			s.flagged = append(s.flagged, fmt.Sprintf("blocked %s (%s, %s): %s", f, o.rule, verdict, clipText(o.reason, 200)))
		}
		if o.stripped {
			s.stripped++
			s.flagged = append(s.flagged, fmt.Sprintf("stripped %s", f))
		}
		seen := map[string]bool{}
		for _, sec := range o.secrets {
			if !seen[sec.rule] {
				seen[sec.rule] = true
				s.redacted[sec.rule]++
			}
			verdict := "real"
			if !sec.real {
				verdict = "FALSE POSITIVE"
				c.falseRedactions++
				s.falseRedacted[sec.rule]++
			}
			s.flagged = append(s.flagged, fmt.Sprintf("redacted %s (%s, %s): %s", f, sec.rule, verdict, sec.excerpt))
		}
		s.counts[f.source] = c
	}
	return s
}

func (s *realTextsSummary) lines() []string {
	var l []string
	for _, src := range []string{realSourceNPM, realSourceGo} {
		c := s.counts[src]
		l = append(l, fmt.Sprintf("%s: %d files, %d bytes (%d skipped: binary or not UTF-8); %d blocked, %d false-positive redactions",
			src, s.files[src], s.bytes[src], s.skipped[src], c.blocked, c.falseRedactions))
	}
	for _, src := range []string{realSourceNPM, realSourceGo} {
		var mods []string
		for m := range s.modules[src] {
			mods = append(mods, m)
		}
		sort.Strings(mods)
		l = append(l, fmt.Sprintf("%s: %d packages or modules: %s", src, len(mods), strings.Join(mods, " ")))
	}
	for _, k := range sortedKeys(s.blocked) {
		l = append(l, fmt.Sprintf("blocked by %s: %d files (with those written for a model)", k, s.blocked[k]))
	}
	for _, k := range sortedKeys(s.redacted) {
		l = append(l, fmt.Sprintf("redacted by %s: %d files, %d false-positive spans", k, s.redacted[k], s.falseRedacted[k]))
	}
	l = append(l, fmt.Sprintf("stripped (invisible characters or ANSI escapes): %d files", s.stripped))
	return append(l, s.flagged...)
}

func sortedKeys(m map[string]int) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

func clipText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
