package inspect

import "math/bits"

// needles finds any of a set of short ASCII needles in one pass over a text,
// indexing the needles by their first byte. It is what keeps the content
// detectors cheap on the common case of text that contains none of them.
type needles struct {
	first [256][]string
	// head holds, for each needle of first, its first eight bytes (fewer
	// for shorter needles; ORed with 0x20 when folding) and which of
	// them count: a cheap first comparison with the text.
	head [256][]needleHead
	// short is the bit set of the first two bytes of the needles shorter
	// than three bytes (every second byte for one-byte needles).
	short    [65536 / 64]uint64
	hasShort bool
	hasOne   bool // a one-byte needle
	// tri is a hashed bit set of the first three bytes of the needles
	// (ORed with 0x20 each when folding, which maps both cases of a
	// letter to one value and every other byte to itself or to a byte it
	// cannot be confused with in a match), with every third byte for
	// two-byte needles: a position whose three bytes are not in it starts
	// no needle but a one-byte one, or a two-byte one at the end of the text.
	tri  [triBits / 64]uint64
	fold bool
}

// needleHead is the start of a needle as a little-endian word and mask.
type needleHead struct{ word, mask uint64 }

// triBits is the size of the three-byte filter: a few hundred needles set
// well under 1% of it.
const triBits = 1 << 16

// newNeedles indexes ws. With fold, matching ignores ASCII case and ws must
// be lower case.
func newNeedles(fold bool, ws ...string) *needles {
	n := &needles{fold: fold}
	for _, w := range ws {
		if w == "" {
			continue
		}
		c := w[0]
		var hd needleHead
		for k := 0; k < len(w) && k < 8; k++ {
			b := uint64(w[k])
			if fold {
				b |= 0x20
			}
			hd.word |= b << (8 * k)
			hd.mask |= 0xFF << (8 * k)
		}
		n.first[c] = append(n.first[c], w)
		n.head[c] = append(n.head[c], hd)
		if fold && c >= 'a' && c <= 'z' {
			n.first[c-32] = append(n.first[c-32], w)
			n.head[c-32] = append(n.head[c-32], hd)
		}
		switch len(w) {
		case 1:
			n.hasShort, n.hasOne = true, true
			for _, a := range cases(c, fold) {
				for b := range 256 {
					n.setPair(a, byte(b))
				}
			}
		case 2:
			n.hasShort = true
			for _, a := range cases(c, fold) {
				for _, b := range cases(w[1], fold) {
					n.setPair(a, b)
				}
			}
			for x := range 256 {
				n.setTri(w[0], w[1], byte(x))
			}
		default:
			n.setTri(w[0], w[1], w[2])
		}
	}
	return n
}

// triHit reports (as 1 or 0) whether the three low bytes of w, already
// folded, pass the tri filter.
func (n *needles) triHit(w uint64) uint {
	h := (uint32(w) & 0xFFFFFF * 0x9E3779B1) >> (32 - 16)
	return uint(n.tri[h>>6]>>(h&63)) & 1
}

// triHash hashes three bytes for the tri filter.
func (n *needles) triHash(a, b, c byte) uint32 {
	x := uint32(a) | uint32(b)<<8 | uint32(c)<<16
	if n.fold {
		x |= 0x202020
	}
	return (x * 0x9E3779B1) >> (32 - 16)
}

// any reports whether s contains one of the needles.
func (n *needles) any(s string) bool {
	found := false
	n.each(s, func(int, string) bool { found = true; return false })
	return found
}

// each calls fn for every occurrence, in order, until fn returns false.
func (n *needles) each(s string, fn func(i int, w string) bool) {
	var fold uint64
	if n.fold {
		fold = 0x2020202020202020
	}
	i := 0
	// Six positions per eight-byte load: the three-byte windows that start
	// in its first six bytes.
	for ; i+8 <= len(s); i += 6 {
		w := load64(s, i) | fold
		hit := n.triHit(w) | n.triHit(w>>8)<<1 | n.triHit(w>>16)<<2 | n.triHit(w>>24)<<3 | n.triHit(w>>32)<<4 | n.triHit(w>>40)<<5
		if n.hasOne {
			for k := range 6 {
				if n.shortAt(s, i+k) {
					hit |= 1 << k
				}
			}
		}
		for ; hit != 0; hit &= hit - 1 {
			if !n.at(s, i+bits.TrailingZeros(hit), fn) {
				return
			}
		}
	}
	for ; i+1 < len(s); i++ {
		if i+2 < len(s) {
			if h := n.triHash(s[i], s[i+1], s[i+2]); n.tri[h>>6]&(1<<(h&63)) == 0 && !n.shortAt(s, i) {
				continue
			}
		} else if !n.shortAt(s, i) { // only a needle shorter than three bytes fits
			continue
		}
		if !n.at(s, i, fn) {
			return
		}
	}
}

// at calls fn for each needle that occurs at i and reports whether to go on.
func (n *needles) at(s string, i int, fn func(i int, w string) bool) bool {
	var x uint64
	long := i+8 <= len(s) // x holds eight bytes of s at i
	if long {
		x = load64(s, i)
		if n.fold {
			x |= 0x2020202020202020
		}
	}
	heads := n.head[s[i]]
	for j, w := range n.first[s[i]] {
		if len(s)-i < len(w) {
			continue
		}
		if hd := heads[j]; long && x&hd.mask != hd.word {
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
			return false
		}
	}
	return true
}

// load64 reads eight bytes of s at i, little-endian.
func load64(s string, i int) uint64 {
	s = s[i : i+8]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// shortAt reports whether a needle shorter than three bytes may start at i.
func (n *needles) shortAt(s string, i int) bool {
	if !n.hasShort {
		return false
	}
	k := uint(s[i])<<8 | uint(s[i+1])
	return n.short[k>>6]&(1<<(k&63)) != 0
}

func (n *needles) setTri(a, b, c byte) {
	h := n.triHash(a, b, c)
	n.tri[h>>6] |= 1 << (h & 63)
}

func (n *needles) setPair(a, b byte) {
	k := uint(a)<<8 | uint(b)
	n.short[k>>6] |= 1 << (k & 63)
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
