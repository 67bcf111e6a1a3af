package lockfile

import (
	"strings"
	"testing"
)

func TestMatchResource(t *testing.T) {
	s := mustBuild(t, "everything", loadSnapshot(t, "everything"), BuildOptions{})
	tests := []struct {
		uri  string
		ok   bool
		want string // substring of the reason
	}{
		// exact resources, after normalisation
		{"test://static/resource/1", true, "is locked"},
		{"TEST://static/resource/1", true, "is locked"},
		{"test://static/./resource/1", true, "is locked"},
		{"test://static/resource/%31", true, "is locked"},
		{"file:///srv/data/readme.txt", true, "is locked"},
		// simple templates, one segment
		{"test://static/resource/42", true, "template"},
		{"file:///data/report.csv", true, "template"},
		{"file:///data/a%20b.txt", true, "template"},
		{"file:///data/", false, "empty"},
		{"file:///data/sub/x", false, "no locked"},
		{"file:///data/sub%2Fx", false, `encoded "/"`},
		{"file:///data/sub%5Cx", false, `encoded "/" or`},
		// traversal, plain and encoded, single and double
		{"file:///data/../../etc/passwd", false, "traversal"},
		{"file:///data/..%2F..%2Fetc%2Fpasswd", false, "traversal"},
		{"file:///data/%2e%2e%2f%2e%2e%2fetc%2fpasswd", false, "traversal"},
		{"file:///data/%2E%2E", false, "traversal"},
		{"file:///data/%252e%252e%252fetc%252fpasswd", false, "double encoding"},
		{"file:///data/..%5C..%5Cwindows", false, "traversal"},
		{"file:///data/..\\..\\windows", false, "traversal"},
		{"test://static/resource/../../../etc/passwd", false, "traversal"},
		{"file:///srv/data/../data/readme.txt", false, "traversal"},
		{"file:///data/x%3F/../../etc/passwd", false, "traversal"},
		{"docs://guide%23/../../etc", false, "traversal"},
		{"search://items?q=..", false, "dot segment"},
		// another scheme smuggled into a variable
		{"docs://guide/intro.md", true, "template"},
		{"docs://http://evil.example/x", false, "empty path segment"},
		{"docs://javascript:alert(1)", false, "scheme"},
		{"docs://http:%2F%2Fevil.example", false, ""},
		{"docs://file:/etc/passwd", false, "scheme"},
		{"file:///data/http:%2F%2Fevil", false, ""},
		{"docs://guide//etc/passwd", false, "empty path segment"},
		// query expressions
		{"search://items", true, "template"},
		{"search://items?q=cats&limit=10", true, "template"},
		{"search://items?q=cats&admin=1", false, "not in the template"},
		{"search://items?q=../../secret", false, "traversal"},
		{"search://items?q=file:///etc/passwd", false, "scheme"},
		// path-segment expansion with explode
		{"repo://ward/ward/blob/main/docs/a.md", true, "template"},
		{"repo://ward/ward/blob", true, "template"},
		{"repo://ward/ward/blob/main/%2e%2e/x", false, "traversal"},
		// prefix modifier
		{"notes://note/ab12", true, "template"},
		{"notes://note/ab123", false, "longer than"},
		// malformed input
		{"", false, "empty"},
		{"no-scheme", false, "no scheme"},
		{"file:///data/%zz", false, "percent-encoding"},
		{"file:///data/%0a", false, "control"},
		{"file:///data/\x00", false, "control"},
		{"file:///data/%", false, "percent"},
		{"file:///data/" + strings.Repeat("a", maxURILen), false, "longer"},
		{"http://evil.example/data/x", false, "no locked"},
	}
	for _, tt := range tests {
		ok, reason := s.MatchResource(tt.uri)
		if ok != tt.ok || !strings.Contains(reason, tt.want) {
			t.Errorf("MatchResource(%q) = %v, %q; want %v, reason containing %q", tt.uri, ok, reason, tt.ok, tt.want)
		}
	}
}

// An encoded delimiter is never confused with a real one.
func TestMatchResourceEncodedDelimiters(t *testing.T) {
	s := &Server{Resources: map[string]*Entry{"file:///srv/a%3Fb.txt": {}, "x://h/a%2Fb": {}, "x://h/caf%C3%A9": {}}}
	tests := []struct {
		uri string
		ok  bool
	}{
		{"file:///srv/a%3Fb.txt", true},
		{"file:///srv/a%3fb.txt", true},
		{"file:///srv/a?b.txt", false},
		{"x://h/a%2Fb", true},
		{"x://h/a%2fb", true},
		{"x://h/a/b", false},
		{"x://h/%61%2Fb", true},
		{"x://h/café", true},
		{"x://h/caf%c3%a9", true},
		{"x://h/cafe", false},
	}
	for _, tt := range tests {
		if ok, reason := s.MatchResource(tt.uri); ok != tt.ok {
			t.Errorf("MatchResource(%q) = %v (%s), want %v", tt.uri, ok, reason, tt.ok)
		}
	}
}

func TestCompileTemplate(t *testing.T) {
	good := []string{"a://{x}", "a://{+x}", "a://b{#f}", "a://b{.ext}", "a://b{/p*}", "a://b{;p}", "a://b{?x,y}", "a://b{?x}{&y}", "a://{x:3}", "a://{x.y}"}
	for _, g := range good {
		if _, err := compileTemplate(g); err != nil {
			t.Errorf("compileTemplate(%q): %v", g, err)
		}
	}
	bad := []string{"", "a://{x", "a://x}", "a://{}", "a://{=x}", "a://{x:0}", "a://{x:abc}", "a://{x y}", "a://{x}}", "a://%zz{x}"}
	for _, b := range bad {
		if _, err := compileTemplate(b); err == nil {
			t.Errorf("compileTemplate(%q) accepted", b)
		}
	}
}

func TestTemplateOperators(t *testing.T) {
	tests := []struct {
		tmpl, uri string
		ok        bool
	}{
		{"x://h/{a}.{b}", "x://h/file.txt", true},
		{"x://h/f{.ext}", "x://h/f.json", true},
		{"x://h/f{.ext}", "x://h/f", true},
		{"x://h/m{;id}", "x://h/m;id=5", true},
		{"x://h/m{;id}", "x://h/m;other=5", false},
		{"x://h/doc{#sec}", "x://h/doc#intro", true},
		{"x://h/{a,b}", "x://h/1,2", true},
		{"x://h/{a}{?q*}", "x://h/1?anything=2&more=3", true},
		{"x://h/{+rest}", "x://h/a/b/c", true},
		{"x://h/{+rest}", "x://h/a/./b", true},
		{"x://h/{+rest}", "x://h/a/../b", false},
		{"x://h/{a}", "x://h/a?x=1", false},
		{"X://H/{a}", "x://H/1", true},
		{"x://h/{a}", "x://h/caf%C3%A9", true},
		{"x://h/{a}", "x://h/café", true},
		{"x://h/{a}/x", "x://h/a%3Fb/x", true},
		{"x://h/{a:3}", "x://h/%C3%A9%C3%A9%C3%A9", true},
		{"x://h/{a:3}", "x://h/%C3%A9%C3%A9%C3%A9%C3%A9", false},
		{"x://h/f{.ext}", "x://h/f.a%2Fb", false},
		{"x://h/{/p*}", "x://h/a/b%2Fc", false},
		{"x://h/{+p}", "x://h/a%2Fb", true},
		{"x://h{?q}", "x://h?q=a%2Fb", true},
		{"x://h{?q}", "x://h?%71=1", true},
	}
	for _, tt := range tests {
		s := &Server{ResourceTemplates: map[string]*Entry{tt.tmpl: {}}}
		ok, reason := s.MatchResource(tt.uri)
		if ok != tt.ok {
			t.Errorf("template %q, URI %q: %v (%s), want %v", tt.tmpl, tt.uri, ok, reason, tt.ok)
		}
	}
}

func FuzzMatchResource(f *testing.F) {
	for _, seed := range []string{
		"file:///data/x", "file:///data/../../etc/passwd", "file:///data/%2e%2e%2fetc", "file:///data/%252e%252e%252f",
		"docs://a/b/c", "search://items?q=a&limit=1", "repo://o/r/blob/main/a/b", "test://static/resource/1", "notes://note/abcd",
	} {
		f.Add(seed)
	}
	s := mustBuild(f, "everything", loadSnapshot(f, "everything"), BuildOptions{})
	f.Fuzz(func(t *testing.T, uri string) {
		ok, reason := s.MatchResource(uri)
		if reason == "" {
			t.Fatal("empty reason")
		}
		if !ok {
			return
		}
		// Whatever is allowed normalises, climbs nowhere, and is not
		// double-encoded.
		norm, err := normaliseURI(uri)
		if err != nil {
			t.Fatalf("allowed %q but it does not normalise: %v", uri, err)
		}
		for _, seg := range strings.FieldsFunc(norm, func(r rune) bool { return r == '/' || r == '\\' }) {
			if seg == ".." {
				t.Fatalf("allowed %q (normalised %q) holds a '..' segment", uri, norm)
			}
		}
		if hasPercentTriplet(norm) {
			t.Fatalf("allowed %q still percent-encoded", uri)
		}
		// The compared form is stable: normalising it again changes nothing.
		form := matchForm(uri)
		if again := matchForm(form); again != form {
			t.Fatalf("match form not idempotent: %q → %q → %q", uri, form, again)
		}
	})
}
