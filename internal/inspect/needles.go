package inspect

import "math/bits"

// needles finds any of a set of short ASCII needles in one pass over a text.
// It is what keeps the content detectors cheap on the common case of text
// that contains none of them: a bit set of three-byte prefixes rules out
// almost every position, and a small hash table of those prefixes names the
// few needles worth comparing at the others.
type needles struct {
	words []string     // the distinct needles, in the order given
	heads []needleHead // per word: its first eight bytes
	// table maps the first three bytes of the needles of three bytes or
	// more (ORed with 0x20 each when folding) to their indices in words,
	// idx[start:end], in the order given. It is open-addressed, a power of
	// two in size and at most half full.
	table []needleBucket
	idx   []uint16
	ihead []needleHead // heads[idx[j]] at j: compared in a row
	// shortIdx lists, by first byte c (both cases when folding), the
	// needles shorter than three bytes: shortIdx[shortStart[c]:shortStart[c+1]].
	shortIdx   []uint16
	shortStart [257]uint16
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
	// pair, for a set of needles that start with few distinct pairs of
	// bytes (usePair), is the bit set of those pairs (ORed with 0x2020 when
	// folding): a filter without the tri filter's hashing.
	pair    [65536 / 64]uint64
	usePair bool
	// pair2, for a set without one-byte needles whose first and second
	// pairs of bytes are few (usePair2), is the bit set of the pairs a
	// needle can put at an odd offset of a six-position window (see
	// eachID): its first pair, its second one (for a two-byte needle, its
	// last byte and any other), ORed with 0x2020 when folding. It looks
	// at three positions of the six, and replaces the pair filter.
	pair2    *[65536 / 64]uint64 // nil unless usePair2
	usePair2 bool
}

// maxPairs is the most distinct first pairs of bytes for which the pair
// filter is worth a look before the tri filter.
const maxPairs = 256

// maxPairs2 is the most pairs for which the pair2 filter is worth a look
// instead of the pair filter: it looks at three positions of six where
// the pair filter looks at six, and the tri filter sorts out what passes.
// For the result detectors' needles (Quiet, nearly 600 pairs) it passes
// few windows of identifiers and numbers and most of English prose, as
// the pair filter does.
const maxPairs2 = 1024

// needleHead is the start of a needle as a little-endian word and mask.
type needleHead struct{ word, mask uint64 }

// needleBucket is one slot of needles.table: key is the three bytes with
// bit 31 set (0 marks an empty slot).
type needleBucket struct {
	key        uint32
	start, end uint16
}

// triBits is the size of the three-byte filter: a few hundred needles set
// well under 1% of it.
const triBits = 1 << 16

// newNeedles indexes ws. With fold, matching ignores ASCII case and ws must
// be lower case. Repeated and empty needles are dropped.
func newNeedles(fold bool, ws ...string) *needles {
	n := &needles{fold: fold}
	var shortBy [256][]uint16
	seen := map[string]bool{}
	groups := map[uint32][]uint16{}
	var keys []uint32 // in order of first appearance
	for _, w := range ws {
		if w == "" || seen[w] {
			continue
		}
		seen[w] = true
		if len(n.words) >= 1<<16-1 {
			panic("inspect: too many needles")
		}
		id := uint16(len(n.words))
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
		n.words = append(n.words, w)
		n.heads = append(n.heads, hd)
		switch len(w) {
		case 1:
			n.hasShort, n.hasOne = true, true
			for _, a := range cases(c, fold) {
				shortBy[a] = append(shortBy[a], id)
			}
			for _, a := range cases(c, fold) {
				for b := range 256 {
					n.setPair(a, byte(b))
				}
			}
		case 2:
			n.hasShort = true
			for _, a := range cases(c, fold) {
				shortBy[a] = append(shortBy[a], id)
			}
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
			k := n.key3(w[0], w[1], w[2])
			if _, ok := groups[k]; !ok {
				keys = append(keys, k)
			}
			groups[k] = append(groups[k], id)
		}
	}
	pairs := map[uint16]bool{}
	for _, w := range n.words {
		if len(w) >= 2 {
			k := uint16(w[0]) | uint16(w[1])<<8
			if fold {
				k |= 0x2020
			}
			pairs[k] = true
			n.pair[k>>6] |= 1 << (k & 63)
		}
	}
	n.usePair = !n.hasOne && len(pairs) <= maxPairs
	pairs2 := map[uint16]bool{}
	pair2 := new([65536 / 64]uint64)
	add2 := func(a, b byte) {
		k := uint16(a) | uint16(b)<<8
		if fold {
			k |= 0x2020
		}
		pairs2[k] = true
		pair2[k>>6] |= 1 << (k & 63)
	}
	for _, w := range n.words {
		switch {
		case len(w) >= 3:
			add2(w[0], w[1])
			add2(w[1], w[2])
		case len(w) == 2:
			add2(w[0], w[1])
			for x := range 256 {
				add2(w[1], byte(x))
			}
		}
	}
	if n.usePair2 = !n.hasOne && len(pairs2) <= maxPairs2; n.usePair2 {
		n.pair2 = pair2
	}
	for c := range 256 {
		n.shortStart[c] = uint16(len(n.shortIdx))
		n.shortIdx = append(n.shortIdx, shortBy[c]...)
	}
	n.shortStart[256] = uint16(len(n.shortIdx))
	size := 16
	for size < 2*len(keys) {
		size *= 2
	}
	n.table = make([]needleBucket, size)
	for _, k := range keys {
		j := n.slot(k)
		for n.table[j].key != 0 {
			j = (j + 1) & (len(n.table) - 1)
		}
		start := len(n.idx)
		n.idx = append(n.idx, groups[k]...)
		for _, id := range groups[k] {
			n.ihead = append(n.ihead, n.heads[id])
		}
		n.table[j] = needleBucket{key: k, start: uint16(start), end: uint16(len(n.idx))}
	}
	return n
}

// key3 returns the table key of three bytes.
func (n *needles) key3(a, b, c byte) uint32 {
	x := uint32(a) | uint32(b)<<8 | uint32(c)<<16
	if n.fold {
		x |= 0x202020
	}
	return x | 1<<31
}

// slot returns where the table's probe for key k starts.
func (n *needles) slot(k uint32) int {
	return int((k*0x9E3779B1)>>16) & (len(n.table) - 1)
}

// group returns where in idx the needles of three bytes or more whose
// first three bytes are those of s at i are.
func (n *needles) group(s string, i int) (start, end int) {
	k := n.key3(s[i], s[i+1], s[i+2])
	for j := n.slot(k); ; j = (j + 1) & (len(n.table) - 1) {
		switch b := n.table[j]; b.key {
		case k:
			return int(b.start), int(b.end)
		case 0:
			return 0, 0
		}
	}
}

// triHit reports (as 1 or 0) whether the three low bytes of w, already
// folded, pass the tri filter.
func (n *needles) triHit(w uint64) uint {
	h := (uint32(w) & 0xFFFFFF * 0x9E3779B1) >> (32 - 16)
	return uint(n.tri[h>>6]>>(h&63)) & 1
}

// pairHit reports (as 1 or 0) whether the two low bytes of w, already
// folded, pass the pair filter.
func (n *needles) pairHit(w uint64) uint {
	k := uint16(w)
	return uint(n.pair[k>>6]>>(k&63)) & 1
}

// pair2Hit reports (as 1 or 0) whether the two low bytes of w, already
// folded, pass the pair2 filter.
func (n *needles) pair2Hit(w uint64) uint {
	k := uint16(w)
	return uint(n.pair2[k>>6]>>(k&63)) & 1
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

// each calls fn for every occurrence, in order of position and, at one
// position, in the order the needles were given, until fn returns false.
func (n *needles) each(s string, fn func(i int, w string) bool) {
	n.eachID(s, func(i, k int) bool { return fn(i, n.words[k]) })
}

// eachID is each, naming the needle by its index in n.words.
func (n *needles) eachID(s string, fn func(i, k int) bool) {
	var fold uint64
	if n.fold {
		fold = 0x2020202020202020
	}
	i := 0
	// Six positions per eight-byte load: the three-byte windows that start
	// in its first six bytes.
	for ; i+8 <= len(s); i += 6 {
		w := load64(s, i) | fold
		// A needle that starts at i+k (k < 6) puts its first pair at
		// offset k when k is odd, its second (or, two bytes long, its
		// last byte and the next) at k+1 when k is even: offsets 1, 3
		// and 5 see every one.
		if n.usePair2 {
			if n.pair2Hit(w>>8)|n.pair2Hit(w>>24)|n.pair2Hit(w>>40) == 0 {
				continue
			}
		} else if n.usePair && n.pairHit(w)|n.pairHit(w>>8)|n.pairHit(w>>16)|n.pairHit(w>>24)|n.pairHit(w>>32)|n.pairHit(w>>40) == 0 {
			continue
		}
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
func (n *needles) at(s string, i int, fn func(i, k int) bool) bool {
	var start, end int
	if i+3 <= len(s) {
		start, end = n.group(s, i)
	}
	var short []uint16
	if n.hasShort {
		short = n.shortIdx[n.shortStart[s[i]]:n.shortStart[int(s[i])+1]]
	}
	if start == end && len(short) == 0 {
		return true
	}
	var x uint64
	full := i+8 <= len(s) // x holds eight bytes of s at i
	if full {
		x = load64(s, i)
		if n.fold {
			x |= 0x2020202020202020
		}
	}
	if full && len(short) == 0 {
		// The common case: the group's heads compared in a row.
		heads := n.ihead[start:end]
		for j := range heads {
			if x&heads[j].mask != heads[j].word {
				continue
			}
			id := n.idx[start+j]
			w := n.words[id]
			if len(s)-i < len(w) {
				continue
			}
			if n.fold {
				if !equalFold(s[i:i+len(w)], w) {
					continue
				}
			} else if len(w) > 8 && s[i:i+len(w)] != w {
				continue
			}
			if !fn(i, int(id)) {
				return false
			}
		}
		return true
	}
	long := n.idx[start:end]
	// The two lists, each in the order given, merged.
	for len(long) > 0 || len(short) > 0 {
		var id uint16
		if len(short) == 0 || (len(long) > 0 && long[0] < short[0]) {
			id, long = long[0], long[1:]
		} else {
			id, short = short[0], short[1:]
		}
		w := n.words[id]
		if len(s)-i < len(w) {
			continue
		}
		if hd := n.heads[id]; full && x&hd.mask != hd.word {
			continue
		}
		if n.fold {
			if !equalFold(s[i:i+len(w)], w) {
				continue
			}
		} else if s[i:i+len(w)] != w {
			continue
		}
		if !fn(i, int(id)) {
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
