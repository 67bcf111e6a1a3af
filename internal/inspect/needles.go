package inspect

// needles finds any of a set of short ASCII needles in one pass over a text,
// indexing the needles by their first byte. It is what keeps the content
// detectors cheap on the common case of text that contains none of them.
type needles struct {
	first [256][]string
	pair  [65536 / 64]uint64 // bit set of the first two bytes of some needle
	fold  bool
}

// newNeedles indexes ws. With fold, matching ignores ASCII case and ws must
// be lower case.
func newNeedles(fold bool, ws ...string) *needles {
	n := &needles{fold: fold}
	for _, w := range ws {
		if w == "" {
			continue
		}
		c := w[0]
		n.first[c] = append(n.first[c], w)
		if fold && c >= 'a' && c <= 'z' {
			n.first[c-32] = append(n.first[c-32], w)
		}
		if len(w) == 1 {
			for b := range 256 {
				n.setPair(c, byte(b))
			}
			continue
		}
		for _, a := range cases(c, fold) {
			for _, b := range cases(w[1], fold) {
				n.setPair(a, b)
			}
		}
	}
	return n
}

// any reports whether s contains one of the needles.
func (n *needles) any(s string) bool {
	found := false
	n.each(s, func(int, string) bool { found = true; return false })
	return found
}

// each calls fn for every occurrence, in order, until fn returns false.
func (n *needles) each(s string, fn func(i int, w string) bool) {
	for i := 0; i+1 < len(s); i++ {
		if k := uint(s[i])<<8 | uint(s[i+1]); n.pair[k>>6]&(1<<(k&63)) == 0 {
			continue
		}
		cands := n.first[s[i]]
		for _, w := range cands {
			if len(s)-i < len(w) {
				continue
			}
			if n.fold {
				if !equalFold(s[i:i+len(w)], w) {
					continue
				}
			} else if s[i:i+len(w)] != w {
				continue
			}
			if !fn(i, w) {
				return
			}
		}
	}
}

func (n *needles) setPair(a, b byte) {
	k := uint(a)<<8 | uint(b)
	n.pair[k>>6] |= 1 << (k & 63)
}

// cases returns c and, with fold, its ASCII upper-case form.
func cases(c byte, fold bool) []byte {
	if fold && c >= 'a' && c <= 'z' {
		return []byte{c, c - 32}
	}
	return []byte{c}
}

// equalFold compares a with the lower-case b, ignoring ASCII case.
func equalFold(a, b string) bool {
	for i := 0; i < len(b); i++ {
		c := a[i]
		if c >= 'A' && c <= 'Z' {
			c += 32
		}
		if c != b[i] {
			return false
		}
	}
	return true
}
