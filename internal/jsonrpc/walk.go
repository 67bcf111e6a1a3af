package jsonrpc

// Members calls f for each member of the JSON object obj, in order, with the
// decoded name and the offsets of the raw value in obj (obj[start:end]). It
// stops when f returns false. obj must be valid JSON
// (such as a part of a decoded Message); it reports false when obj is not an
// object.
func Members(obj []byte, f func(name string, start, end int) bool) bool {
	return MembersRaw(obj, func(key []byte, escaped bool, start, end int) bool {
		return f(unquote(key, escaped), start, end)
	})
}

// MembersRaw is Members with each name as written: key is the quoted
// string token (with escapes when escaped is true), so that a caller that
// only compares names does not decode them.
func MembersRaw(obj []byte, f func(key []byte, escaped bool, start, end int) bool) bool {
	i := skipSpace(obj, 0)
	if i >= len(obj) || obj[i] != '{' {
		return false
	}
	i = skipSpace(obj, i+1)
	for i < len(obj) && obj[i] == '"' {
		kStart := i
		kEnd, kEsc, err := scanString(obj, i)
		if err != nil {
			return false
		}
		i = skipSpace(obj, kEnd)
		if i >= len(obj) || obj[i] != ':' {
			return false
		}
		vStart := skipSpace(obj, i+1)
		vEnd, err := skipValue(obj, vStart, 1, nil)
		if err != nil {
			return false
		}
		if !f(obj[kStart:kEnd], kEsc, vStart, vEnd) {
			return true
		}
		i = skipSpace(obj, vEnd)
		if i >= len(obj) || obj[i] != ',' {
			return true
		}
		i = skipSpace(obj, i+1)
	}
	return true
}

// Elements calls f for each element of the JSON array arr, in order, until f
// returns false. arr must be valid JSON; it reports false when arr is not an
// array.
func Elements(arr []byte, f func(elem []byte) bool) bool {
	i := skipSpace(arr, 0)
	if i >= len(arr) || arr[i] != '[' {
		return false
	}
	i = skipSpace(arr, i+1)
	if i < len(arr) && arr[i] == ']' {
		return true
	}
	for i < len(arr) {
		end, err := skipValue(arr, i, 1, nil)
		if err != nil {
			return false
		}
		if !f(arr[i:end:end]) {
			return true
		}
		i = skipSpace(arr, end)
		if i >= len(arr) || arr[i] != ',' {
			return true
		}
		i = skipSpace(arr, i+1)
	}
	return true
}

// MemberSpan returns the offsets of the value of the top-level member key of
// the JSON object obj (first occurrence), or ok=false.
func MemberSpan(obj []byte, key string) (start, end int, ok bool) {
	Members(obj, func(name string, s, e int) bool {
		if name == key {
			start, end, ok = s, e, true
			return false
		}
		return true
	})
	return start, end, ok
}
