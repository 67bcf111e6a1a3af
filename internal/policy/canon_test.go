package policy

import (
	"net/netip"
	"path"
	"strings"
	"testing"
)

func TestCanonicalisePath(t *testing.T) {
	tests := []struct {
		in, want string
		climbs   bool
	}{
		{"src/a.go", "/p/src/a.go", false},
		{"/etc//passwd", "/etc/passwd", false},
		{"../../etc/passwd", "/etc/passwd", true},
		{"%2e%2e/%2e%2e/etc", "/etc", true},
		{"%252e%252e%252fetc", "/etc", true},
		{"\uff0e\uff0e/x", "/x", true},
		{"..\u2215x", "/x", true},
		{`..\..\x`, "/x", true},
		{"~/.ssh/id_rsa", "/home/u/.ssh/id_rsa", false},
		{"~bob/x", "/home/bob/x", false},
		{"file:///etc/passwd", "/etc/passwd", false},
		{"file://localhost/etc/passwd", "/etc/passwd", false},
		{"C:\\Windows\\win.ini", "/Windows/win.ini", false},
		{"src/./b/../c", "/p/src/c", true},
	}
	for _, tt := range tests {
		got, err := canonicalisePath(tt.in, "/p", "/home/u")
		if err != nil || got.Lexical != tt.want || got.Climbs != tt.climbs {
			t.Errorf("canonicalisePath(%q) = %+v, %v; want %q climbs=%v", tt.in, got, err, tt.want, tt.climbs)
		}
	}
	for _, bad := range []string{"a\x00b", "a%00b", "%c0%ae%c0%ae/x", "a\u200bb", "file://evil/x", "a\nb"} {
		if _, err := canonicalisePath(bad, "/p", "/home/u"); err == nil {
			t.Errorf("canonicalisePath(%q) accepted", bad)
		}
	}
}

func TestWithin(t *testing.T) {
	for _, tt := range []struct {
		p, root string
		want    bool
	}{
		{"/srv/app", "/srv/app", true}, {"/srv/app/x", "/srv/app", true}, {"/srv/app-evil", "/srv/app", false},
		{"/srv/appx/y", "/srv/app", false}, {"/srv", "/srv/app", false}, {"/anything", "/", true},
	} {
		if got := within(tt.p, tt.root); got != tt.want {
			t.Errorf("within(%q, %q) = %v", tt.p, tt.root, got)
		}
	}
}

func TestResolveSymlinks(t *testing.T) {
	for in, want := range map[string]string{
		"/home/dev/project/link-to-etc/passwd":     "/etc/passwd",
		"/home/dev/project/sub/escape/x":           "/home/dev/x",
		"/home/dev/project/data-link/file.csv":     "/home/dev/project/data/file.csv",
		"/home/dev/project/new/dir/file.txt":       "/home/dev/project/new/dir/file.txt",
		"/home/dev/project/link-to-etc/new/file":   "/etc/new/file",
		"/home/dev/project/innocent.txt":           "/home/dev/.ssh/id_rsa",
		"/home/dev/project/sub/escape/project/src": "/home/dev/project/src",
	} {
		got, err := resolveSymlinks(testFS, in)
		if err != nil || got != want {
			t.Errorf("resolveSymlinks(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := resolveSymlinks(testFS, "/home/dev/project/loop1/x"); err == nil {
		t.Error("symlink loop resolved")
	}
}

func TestSensitiveReason(t *testing.T) {
	for p, want := range map[string]bool{
		"/home/u/.ssh/id_rsa": true, "/home/u/.ssh/id_rsa.pub": false, "/home/other/.aws/credentials": true,
		"/srv/app/.env": true, "/srv/app/.env.example": false, "/srv/app/.env.prod": true, "/proc/42/environ": true,
		"/etc/shadow": true, "/etc/hosts": false, "/home/u/project/src/main.go": false, "/root/x": true,
		"/home/u/.config/google-chrome/Default/Cookies": true, "/home/u/.bash_history": true, "/x/y/id_ed25519": true,
	} {
		if got := sensitiveReason(p, "/home/u") != ""; got != want {
			t.Errorf("sensitiveReason(%q) = %v", p, got)
		}
	}
}

func TestParseIPv4Loose(t *testing.T) {
	for in, want := range map[string]string{
		"127.0.0.1": "127.0.0.1", "2130706433": "127.0.0.1", "0x7f000001": "127.0.0.1", "017700000001": "127.0.0.1",
		"127.1": "127.0.0.1", "0x7f.1": "127.0.0.1", "169.254.43518": "169.254.169.254", "0251.0376.0251.0376": "169.254.169.254",
		"0xa9.0xfe.0xa9.0xfe": "169.254.169.254", "0": "0.0.0.0", "10.0x0.0.1": "10.0.0.1",
	} {
		a, ok := parseIPv4Loose(in)
		if !ok || a.String() != want {
			t.Errorf("parseIPv4Loose(%q) = %v %v; want %s", in, a, ok, want)
		}
	}
	for _, bad := range []string{"", "1.2.3.4.5", "256.1.1.1", "1.2.3.256", "08", "0x", "a.b.c.d", "example.com", "1..2", "4294967296"} {
		if a, ok := parseIPv4Loose(bad); ok && bad != "0x" {
			t.Errorf("parseIPv4Loose(%q) = %v", bad, a)
		}
	}
}

func TestParseTargetAndClassify(t *testing.T) {
	for in, want := range map[string]string{
		"http://169.254.169.254/":                    "net.ssrf.metadata",
		"http://[::ffff:a9fe:a9fe]/":                 "net.ssrf.metadata",
		"http://[64:ff9b::7f00:1]/":                  "net.ssrf.loopback",
		"http://evil.com@127.0.0.1:80/":              "net.ssrf.loopback",
		"http://127.0.0.1#@evil.com/":                "net.ssrf.loopback",
		`http://127.0.0.1\@evil.com/`:                "net.ssrf.loopback",
		"http:/\\127.0.0.1/":                         "net.ssrf.loopback",
		"http://LOCALHOST./":                         "net.ssrf.loopback",
		"http://%6c%6f%63%61%6c%68%6f%73%74/":        "net.ssrf.loopback",
		"http://100.64.0.1/":                         "net.ssrf.private",
		"http://[fe80::1%25en0]/":                    "net.ssrf.link-local",
		"http://10-0-0-1.nip.io/":                    "net.ssrf.embedded-ip",
		"https://example.com/":                       "",
		"https://ec2-3-4-5-6.compute.amazonaws.com/": "",
	} {
		tg, err := parseTarget(in, false)
		if err != nil {
			t.Errorf("parseTarget(%q): %v", in, err)
			continue
		}
		var got string
		if tg.Addr.IsValid() {
			got = classifyAddr(tg.Addr)
		} else {
			got, _ = classifyHost(tg.Host)
		}
		if got != want {
			t.Errorf("%q: host %q addr %v → %q, want %q", in, tg.Host, tg.Addr, got, want)
		}
	}
	for _, bad := range []string{"http://[::1/", "http://exa mple.com/", "no-scheme"} {
		if _, err := parseTarget(bad, false); err == nil {
			t.Errorf("parseTarget(%q) accepted", bad)
		}
	}
	if tg, _ := parseTarget("localhost:8080/x", true); tg.Host != "localhost" {
		t.Errorf("bare host: %+v", tg)
	}
	if a := unwrapAddr(netip.MustParseAddr("2001:0:4136:e378:8000:63bf:80ff:fffe")); a.String() != "127.0.0.1" {
		t.Errorf("teredo: %v", a)
	}
}

// canonicalInvariants checks what every canonical path must satisfy.
func canonicalInvariants(t *testing.T, in string, c canonPath) {
	if !strings.HasPrefix(c.Lexical, "/") || path.Clean(c.Lexical) != c.Lexical {
		t.Fatalf("canonicalisePath(%q) = %q, not clean and absolute", in, c.Lexical)
	}
	for _, seg := range strings.Split(c.Lexical, "/") {
		if seg == ".." {
			t.Fatalf("canonicalisePath(%q) = %q keeps '..'", in, c.Lexical)
		}
	}
}

// TestIsWriteToolASCII holds the ASCII path of isWriteTool to the plain
// lower-case search.
func TestIsWriteToolASCII(t *testing.T) {
	plain := func(name string) bool {
		n := strings.ToLower(name)
		for _, t := range writeTokens {
			if strings.Contains(n, t) {
				return true
			}
		}
		return false
	}
	for _, name := range []string{"", "echo", "write_file", "WRITE", "read_file", "Edit", "get_settings", "set", "se", "mkdir", "list_files", "UpDaTe", "cOpY_x", "xxcreatexx", "ins", "insert", "rename_file", "s\u0130t", "\u0130nsert", "delete"} {
		if got, want := isWriteTool(name), plain(name); got != want {
			t.Errorf("isWriteTool(%q) = %v, want %v", name, got, want)
		}
	}
}
