package policy

import (
	"errors"
	"fmt"
	"net/netip"
	"net/url"
	"strconv"
	"strings"

	"golang.org/x/text/unicode/norm"
)

// hostTarget is a URL or host argument after canonicalisation.
type hostTarget struct {
	// Scheme is the lower-case scheme, "" for a bare host.
	Scheme string
	// Host is the lower-case host name without brackets, port or trailing dot.
	Host string
	// Addr is set when Host is an IP literal in any encoding; it is unmapped
	// from IPv4-in-IPv6 forms.
	Addr netip.Addr
}

// hostDots maps the full stops IDNA treats as '.' in host names.
var hostDots = strings.NewReplacer("\u3002", ".", "\uff0e", ".", "\uff61", ".")

// specialSchemes are those for which a backslash separates like a slash, as
// browsers and many HTTP clients treat them.
var specialSchemes = map[string]bool{"http": true, "https": true, "ws": true, "wss": true, "ftp": true}

// parseTarget canonicalises a URL (or, with bare, a host[:port][/path]) and
// extracts its host the way a WHATWG URL parser would: backslashes act as
// slashes, the userinfo ends at the last '@', the host is percent-decoded,
// NFKC-normalised and lower-cased, and numeric hosts are read in every
// inet_aton form.
func parseTarget(raw string, bare bool) (hostTarget, error) {
	var t hostTarget
	s := strings.TrimSpace(raw)
	if len(s) > 8192 {
		return t, errors.New("URL longer than 8192 bytes")
	}
	s = strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' {
			return -1
		}
		return r
	}, s)
	if !isASCII(s) && !norm.NFKC.IsNormalString(s) {
		s = norm.NFKC.String(s)
	}
	rest := s
	if i := strings.Index(s, ":"); i > 0 && isScheme(s[:i]) && !(bare && looksLikePort(s[i+1:])) {
		t.Scheme = strings.ToLower(s[:i])
		rest = s[i+1:]
	} else if strings.HasPrefix(s, "//") || strings.HasPrefix(s, `\\`) {
		t.Scheme = "http"
	} else if bare {
		t.Scheme = ""
		rest = "//" + s
	} else {
		return t, fmt.Errorf("no scheme in %q", raw)
	}
	special := t.Scheme == "" || specialSchemes[t.Scheme]
	if special {
		rest = strings.ReplaceAll(rest, `\`, "/")
	}
	if !strings.HasPrefix(rest, "//") {
		if special {
			// "http:evil.com" and "http:/evil.com" still name a host.
			rest = "//" + strings.TrimLeft(rest, "/")
		} else {
			return t, nil // mailto:, data:, urn: — no host
		}
	}
	rest = strings.TrimLeft(rest, "/")
	end := strings.IndexAny(rest, "/?#")
	if end < 0 {
		end = len(rest)
	}
	auth := rest[:end]
	if at := strings.LastIndexByte(auth, '@'); at >= 0 {
		auth = auth[at+1:]
	}
	host := auth
	for i := 0; i < 4 && strings.Contains(host, "%"); i++ {
		d, err := url.PathUnescape(host)
		if err != nil || d == host {
			break
		}
		host = d
	}
	if !isASCII(host) { // ASCII is NFKC-normal and has none of hostDots
		if !norm.NFKC.IsNormalString(host) {
			host = norm.NFKC.String(host)
		}
		host = hostDots.Replace(host)
	}
	if strings.HasPrefix(host, "[") {
		j := strings.IndexByte(host, ']')
		if j < 0 {
			return t, fmt.Errorf("unclosed IPv6 literal in %q", raw)
		}
		lit := host[1:j]
		if z := strings.IndexByte(lit, '%'); z >= 0 {
			lit = lit[:z]
		}
		a, err := netip.ParseAddr(lit)
		if err != nil {
			return t, fmt.Errorf("bad IPv6 literal %q", lit)
		}
		t.Host, t.Addr = strings.ToLower(lit), unwrapAddr(a)
		return t, nil
	}
	if i := strings.LastIndexByte(host, ':'); i >= 0 {
		if strings.Count(host, ":") > 1 {
			// An unbracketed IPv6 literal, as found in bare host arguments.
			if a, err := netip.ParseAddr(host); err == nil {
				t.Host, t.Addr = strings.ToLower(host), unwrapAddr(a)
				return t, nil
			}
		}
		host = host[:i]
	}
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	for _, r := range host {
		if r <= 0x20 || r == 0x7f || strings.ContainsRune(`<>"{}|^`+"`", r) {
			return t, fmt.Errorf("bad character %q in host", r)
		}
	}
	t.Host = host
	if a, ok := parseIPv4Loose(host); ok {
		t.Addr = a
	} else if a, err := netip.ParseAddr(host); err == nil {
		t.Addr = unwrapAddr(a)
	}
	return t, nil
}

func isScheme(s string) bool {
	if s == "" || !(s[0] >= 'a' && s[0] <= 'z' || s[0] >= 'A' && s[0] <= 'Z') {
		return false
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}

// looksLikePort reports whether s starts with a port number ("8080/x").
func looksLikePort(s string) bool {
	n := 0
	for n < len(s) && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	return n > 0 && (n == len(s) || s[n] == '/')
}

// parseIPv4Loose parses an IPv4 address in every form inet_aton and WHATWG
// URL parsers accept: 1 to 4 parts, each decimal, octal (leading 0) or hex
// (0x), the last part filling the remaining bytes — so 2852039166,
// 0xA9FEA9FE, 0251.0376.0251.0376, 169.254.43518 and 0x7f.1 all parse.
func parseIPv4Loose(s string) (netip.Addr, bool) {
	if s == "" {
		return netip.Addr{}, false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' || c == 'x' || c == 'X' || c == '.') {
			return netip.Addr{}, false // no part of any base has it: a name
		}
	}
	parts := strings.Split(s, ".")
	if len(parts) > 4 {
		return netip.Addr{}, false
	}
	vals := make([]uint64, len(parts))
	for i, p := range parts {
		if p == "" {
			return netip.Addr{}, false
		}
		base := 10
		switch {
		case len(p) >= 2 && (p[:2] == "0x" || p[:2] == "0X"):
			base, p = 16, p[2:]
			if p == "" {
				p = "0"
			}
		case len(p) > 1 && p[0] == '0':
			base, p = 8, p[1:]
		}
		v, err := strconv.ParseUint(p, base, 64)
		if err != nil {
			return netip.Addr{}, false
		}
		vals[i] = v
	}
	var ip uint64
	for i := 0; i < len(vals)-1; i++ {
		if vals[i] > 255 {
			return netip.Addr{}, false
		}
		ip |= vals[i] << (8 * (3 - i))
	}
	last := vals[len(vals)-1]
	if last >= 1<<(8*(5-len(vals))) {
		return netip.Addr{}, false
	}
	ip |= last
	return netip.AddrFrom4([4]byte{byte(ip >> 24), byte(ip >> 16), byte(ip >> 8), byte(ip)}), true
}

var (
	nat64Prefix   = netip.MustParsePrefix("64:ff9b::/96")
	sixToFour     = netip.MustParsePrefix("2002::/16")
	teredoPrefix  = netip.MustParsePrefix("2001::/32")
	compatV4First = netip.MustParsePrefix("::/96")
)

// unwrapAddr returns the IPv4 address an IPv6 address carries (mapped,
// compatible, NAT64, 6to4, Teredo), or a unchanged.
func unwrapAddr(a netip.Addr) netip.Addr {
	a = a.WithZone("")
	if a.Is4In6() {
		return a.Unmap()
	}
	if !a.Is6() {
		return a
	}
	b := a.As16()
	switch {
	case compatV4First.Contains(a) && a != netip.IPv6Unspecified() && a != netip.IPv6Loopback():
		return netip.AddrFrom4([4]byte{b[12], b[13], b[14], b[15]})
	case nat64Prefix.Contains(a):
		return netip.AddrFrom4([4]byte{b[12], b[13], b[14], b[15]})
	case sixToFour.Contains(a):
		return netip.AddrFrom4([4]byte{b[2], b[3], b[4], b[5]})
	case teredoPrefix.Contains(a):
		return netip.AddrFrom4([4]byte{^b[12], ^b[13], ^b[14], ^b[15]})
	}
	return a
}

var (
	metadataAddrs = map[netip.Addr]bool{
		netip.MustParseAddr("169.254.169.254"): true, netip.MustParseAddr("169.254.170.2"): true,
		netip.MustParseAddr("169.254.169.253"): true, netip.MustParseAddr("169.254.169.123"): true,
		netip.MustParseAddr("100.100.100.200"): true, netip.MustParseAddr("192.0.0.192"): true,
		netip.MustParseAddr("fd00:ec2::254"): true, netip.MustParseAddr("fd00:ec2::23"): true,
		netip.MustParseAddr("168.63.129.16"): true,
	}
	loopbackPrefixes  = mustPrefixes("127.0.0.0/8", "0.0.0.0/8", "::1/128", "::/128")
	linkLocalPrefixes = mustPrefixes("169.254.0.0/16", "fe80::/10")
	privatePrefixes   = mustPrefixes("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10",
		"fc00::/7", "fec0::/10", "198.18.0.0/15", "192.0.0.0/24", "192.0.2.0/24", "198.51.100.0/24",
		"203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4", "ff00::/8", "100::/64", "2001:db8::/32")
)

func mustPrefixes(ss ...string) []netip.Prefix {
	out := make([]netip.Prefix, len(ss))
	for i, s := range ss {
		out[i] = netip.MustParsePrefix(s)
	}
	return out
}

func inAny(a netip.Addr, ps []netip.Prefix) bool {
	for _, p := range ps {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// classifyAddr returns the rule that denies a, or "" for a public address.
func classifyAddr(a netip.Addr) string {
	a = unwrapAddr(a)
	switch {
	case metadataAddrs[a]:
		return "net.ssrf.metadata"
	case inAny(a, loopbackPrefixes):
		return "net.ssrf.loopback"
	case inAny(a, linkLocalPrefixes):
		return "net.ssrf.link-local"
	case inAny(a, privatePrefixes):
		return "net.ssrf.private"
	}
	return ""
}

// metadataHosts are cloud metadata service names.
var metadataHosts = map[string]bool{
	"metadata.google.internal": true, "metadata": true, "metadata.goog": true, "instance-data": true,
	"instance-data.ec2.internal": true, "metadata.azure.internal": true, "metadata.tencentyun.com": true,
	"metadata.platformequinix.com": true,
}

// loopbackDomains are public names that resolve every subdomain to 127.0.0.1.
var loopbackDomains = []string{"localtest.me", "lvh.me", "vcap.me", "lacolhost.com", "fuf.me", "readme.localtest.me", "yoogle.com", "127-0-0-1.org.uk", "localho.st"}

// wildcardIPDomains are public services that answer with the IP written in
// the name (127.0.0.1.nip.io, 169-254-169-254.sslip.io, 7f000001.nip.io).
var wildcardIPDomains = []string{"nip.io", "sslip.io", "xip.io", "traefik.me", "nip.direct", "backname.io", "localdomain.pw", "ip.1e100.host"}

// internalSuffixes are name suffixes that only resolve inside a network.
var internalSuffixes = []string{".internal", ".local", ".localdomain", ".home.arpa", ".intranet", ".lan", ".corp", ".svc", ".cluster.local", ".consul", ".private", ".intra"}

// classifyHost returns the rule that denies the host name h and why, or "".
func classifyHost(h string) (string, string) {
	switch {
	case metadataHosts[h]:
		return "net.ssrf.metadata", "cloud metadata host " + h
	case h == "localhost" || strings.HasSuffix(h, ".localhost") || h == "localhost.localdomain" || h == "ip6-localhost" || h == "ip6-loopback":
		return "net.ssrf.loopback", "loopback host " + h
	}
	for _, d := range loopbackDomains {
		if h == d || hasDotSuffix(h, d) {
			return "net.ssrf.embedded-ip", h + " resolves to 127.0.0.1"
		}
	}
	if a, ok := embeddedIP(h); ok {
		if cls := classifyAddr(a); cls != "" {
			return "net.ssrf.embedded-ip", fmt.Sprintf("host %s embeds internal address %s (%s)", h, a, strings.TrimPrefix(cls, "net.ssrf."))
		}
	}
	for _, s := range internalSuffixes {
		if strings.HasSuffix(h, s) || h == s[1:] {
			return "net.ssrf.private", "internal-only host name " + h
		}
	}
	return "", ""
}

// embeddedIP finds an IPv4 address written inside a host name: four dotted
// or dashed decimal labels, or one 8-digit hex label on a wildcard-IP domain.
func embeddedIP(h string) (netip.Addr, bool) {
	labels := strings.Split(h, ".")
	for i := 0; i+4 <= len(labels); i++ {
		if i == 0 && len(labels) == 4 {
			break // the whole name; parsed as an IP elsewhere
		}
		if a, err := netip.ParseAddr(strings.Join(labels[i:i+4], ".")); err == nil {
			return a, true
		}
	}
	onWildcard := false
	for _, d := range wildcardIPDomains {
		if hasDotSuffix(h, d) {
			onWildcard = true
		}
	}
	for _, l := range labels {
		for _, cand := range dashedCandidates(l) {
			if a, err := netip.ParseAddr(cand); err == nil {
				return a, true
			}
		}
		if onWildcard && len(l) == 8 {
			if v, err := strconv.ParseUint(l, 16, 32); err == nil {
				return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}), true
			}
		}
	}
	return netip.Addr{}, false
}

// hasDotSuffix reports whether h ends in "." + d.
func hasDotSuffix(h, d string) bool {
	return len(h) > len(d) && h[len(h)-len(d)-1] == '.' && strings.HasSuffix(h, d)
}

// dashedCandidates returns dotted forms of dashed IPs inside a label:
// "ip-10-0-0-5" → "10.0.0.5", "169-254-169-254" → itself dotted.
func dashedCandidates(l string) []string {
	if strings.Count(l, "-") < 3 {
		return nil // fewer than four parts
	}
	parts := strings.Split(l, "-")
	if len(parts) < 4 {
		return nil
	}
	var out []string
	for i := 0; i+4 <= len(parts); i++ {
		out = append(out, strings.Join(parts[i:i+4], "."))
	}
	return out
}

// hostPattern is one entry of an allow or deny list.
type hostPattern struct {
	name   string // exact host
	suffix string // "*.example.com" → ".example.com"
	prefix netip.Prefix
}

func parseHostPattern(s string) (hostPattern, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	switch {
	case s == "":
		return hostPattern{}, errors.New("empty host pattern")
	case strings.HasPrefix(s, "*."):
		return hostPattern{suffix: s[1:]}, nil
	case strings.Contains(s, "/"):
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return hostPattern{}, fmt.Errorf("bad CIDR %q", s)
		}
		return hostPattern{prefix: p.Masked()}, nil
	}
	if a, err := netip.ParseAddr(s); err == nil {
		return hostPattern{prefix: netip.PrefixFrom(a, a.BitLen())}, nil
	}
	if strings.ContainsAny(s, "*?:@ ") {
		return hostPattern{}, fmt.Errorf("bad host pattern %q (use name, *.name, IP or CIDR)", s)
	}
	return hostPattern{name: s}, nil
}

func (p hostPattern) match(t hostTarget) bool {
	switch {
	case p.prefix.IsValid():
		return t.Addr.IsValid() && p.prefix.Contains(t.Addr)
	case p.suffix != "":
		return strings.HasSuffix(t.Host, p.suffix)
	}
	return t.Host == p.name
}
