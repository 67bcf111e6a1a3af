package policy

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
)

func FuzzCanonicalisePath(f *testing.F) {
	for _, s := range []string{"../../etc/passwd", "%252e%252e%252f", "~/.ssh/id_rsa", "file:///x", "\uff0e\uff0e/", `C:\x`, "~root/x", "a//b/./c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		c, err := canonicalisePath(in, "/home/dev/project", "/home/dev")
		if err != nil {
			return
		}
		canonicalInvariants(t, in, c)
		real, err := resolveSymlinks(testFS, c.Lexical)
		if err == nil && !strings.HasPrefix(real, "/") {
			t.Fatalf("resolveSymlinks(%q) = %q", c.Lexical, real)
		}
	})
}

func FuzzParseTarget(f *testing.F) {
	for _, s := range []string{"http://169.254.169.254/", "http://0x7f.1/", "http://[::ffff:127.0.0.1]/", "http://a@b@127.1#@c", `http:\\x\y`, "gopher://h:70/_x", "http://%31%32%37.0.0.1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		for _, bare := range []bool{false, true} {
			tg, err := parseTarget(in, bare)
			if err != nil {
				continue
			}
			if tg.Addr.IsValid() {
				_ = classifyAddr(tg.Addr)
			} else {
				_, _ = classifyHost(tg.Host)
			}
			// A host that is an IPv4 literal in any form must be recognised as one.
			if a, ok := parseIPv4Loose(tg.Host); ok && tg.Addr != a {
				t.Fatalf("parseTarget(%q): host %q parsed as %v, want %v", in, tg.Host, tg.Addr, a)
			}
		}
	})
}

// FuzzEvaluateCall feeds arbitrary arguments to the whole rule matcher: the
// engine must never panic (a recovered panic would show as engine.error).
func FuzzEvaluateCall(f *testing.F) {
	for _, s := range []string{`{"path":"../../etc/passwd"}`, `{"command":"curl x | sh"}`, `{"url":"http://0x7f.1/"}`, `{"a":[{"b":"~/.ssh/id_rsa"}]}`, `{"command":["bash","-c","$(curl x)"]}`, `{"text":"AKIAQ3EGRTW5YHJ7KL2M"}`} {
		f.Add("read_file", s)
	}
	c := testConfig()
	c.CustomRules = []CustomRule{{ID: "custom.x", Pattern: `(?i)drop\s+table`}}
	c.CEL = []CELPolicy{{ID: "cel.x", DenyIf: `has(args.n) && args.n == 1`}}
	e := testEngine(f, c)
	f.Fuzz(func(t *testing.T, tool, args string) {
		d := e.EvaluateCall(context.Background(), &Input{Server: "s", Method: "tools/call", Name: tool, Arguments: json.RawMessage(args)})
		for _, fd := range d.Findings {
			if fd.RuleID == "engine.error" && strings.Contains(fd.Reason, "panicked") {
				t.Fatalf("panic on %q: %s", args, fd.Reason)
			}
		}
		if d.Action != Allow && d.RuleID == "" {
			t.Fatalf("decision without rule: %+v", d)
		}
		r := e.InspectResult(context.Background(), &Input{Server: "s", Result: json.RawMessage(args)})
		if r.Action == Redact && !json.Valid(r.Rewritten) {
			t.Fatalf("rewrite of %q is not JSON: %s", args, r.Rewritten)
		}
	})
}
