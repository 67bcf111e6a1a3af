package jsonrpc

import (
	"bytes"
	"encoding/json"
	"fmt"
	"testing"
)

type member struct {
	name string
	raw  string
}

func collectMembers(obj []byte) ([]member, bool) {
	var got []member
	ok := Members(obj, func(name string, start, end int) bool {
		got = append(got, member{name, string(obj[start:end])})
		return true
	})
	return got, ok
}

// stdMemberList lists the members of the valid JSON value obj in order,
// duplicates included, with encoding/json; ok is false for a non-object.
func stdMemberList(t *testing.T, obj []byte) ([]member, bool) {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(obj))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		t.Fatalf("encoding/json on valid %q: %v", obj, err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, false
	}
	var list []member
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			t.Fatalf("encoding/json on valid %q: %v", obj, err)
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			t.Fatalf("encoding/json on valid %q: %v", obj, err)
		}
		list = append(list, member{k.(string), string(v)})
	}
	return list, true
}

func TestMembers(t *testing.T) {
	for _, tc := range []struct {
		obj  string
		want []member
		ok   bool
	}{
		{`{}`, nil, true},
		{` { } `, nil, true},
		{`{"a":1}`, []member{{"a", "1"}}, true},
		{` {"a" : [1, 2] ,"b":{"c":null}, "a":"x"} `, []member{{"a", "[1, 2]"}, {"b", `{"c":null}`}, {"a", `"x"`}}, true},
		{`{"n\u0061me":"v","\ud83d\ude00":true,"\/":0}`, []member{{"name", `"v"`}, {"😀", "true"}, {"/", "0"}}, true},
		{`[{"a":1}]`, nil, false},
		{`"{}"`, nil, false},
		{``, nil, false},
		{`null`, nil, false},
	} {
		got, ok := collectMembers([]byte(tc.obj))
		if ok != tc.ok || fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("Members(%s) = %v, %v; want %v, %v", tc.obj, got, ok, tc.want, tc.ok)
		}
	}
	// Stopping early.
	n := 0
	if !Members([]byte(`{"a":1,"b":2,"c":3}`), func(string, int, int) bool { n++; return n < 2 }) || n != 2 {
		t.Errorf("Members did not stop after f returned false: %d calls", n)
	}
}

func TestElements(t *testing.T) {
	for _, tc := range []struct {
		arr  string
		want []string
		ok   bool
	}{
		{`[]`, nil, true},
		{` [ ] `, nil, true},
		{`[1]`, []string{"1"}, true},
		{` [ 1 , "a,b" ,{"x":[2]}, [] ,null ] `, []string{"1", `"a,b"`, `{"x":[2]}`, "[]", "null"}, true},
		{`{"a":[1]}`, nil, false},
		{`"[1]"`, nil, false},
		{``, nil, false},
	} {
		var got []string
		ok := Elements([]byte(tc.arr), func(e []byte) bool {
			if cap(e) != len(e) {
				t.Errorf("Elements(%s) gives an element with spare capacity", tc.arr)
			}
			got = append(got, string(e))
			return true
		})
		if ok != tc.ok || fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("Elements(%s) = %q, %v; want %q, %v", tc.arr, got, ok, tc.want, tc.ok)
		}
	}
	n := 0
	Elements([]byte(`[1,2,3]`), func([]byte) bool { n++; return false })
	if n != 1 {
		t.Errorf("Elements did not stop after f returned false: %d calls", n)
	}
}

func TestMemberSpan(t *testing.T) {
	obj := []byte(`{"name":"first","n\u0061me":"second","x":{"name":"inner"}}`)
	s, e, ok := MemberSpan(obj, "name")
	if !ok || string(obj[s:e]) != `"first"` {
		t.Errorf("MemberSpan(name) = %q, %v", obj[s:e], ok)
	}
	if _, _, ok := MemberSpan(obj, "inner"); ok {
		t.Error("MemberSpan found a nested member")
	}
	if _, _, ok := MemberSpan([]byte(`[1]`), "a"); ok {
		t.Error("MemberSpan found a member of an array")
	}
}

// FuzzWalk compares Members, Elements and MemberSpan with encoding/json on
// valid JSON, and checks that they never panic on anything.
func FuzzWalk(f *testing.F) {
	for _, s := range validInputs {
		f.Add([]byte(s))
	}
	for _, tc := range decodeCases {
		f.Add([]byte(tc.in))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got, ok := collectMembers(data)
		var elems [][]byte
		aok := Elements(data, func(e []byte) bool { elems = append(elems, e); return true })
		if !Valid(data) {
			return
		}
		want, isObj := stdMemberList(t, data)
		if ok != isObj || fmt.Sprintf("%q", got) != fmt.Sprintf("%q", want) {
			t.Fatalf("Members(%q) = %q, %v; encoding/json finds %q, %v", data, got, ok, want, isObj)
		}
		for _, m := range want {
			s, e, found := MemberSpan(data, m.name)
			first := Member(data, m.name)
			if !found || !bytes.Equal(data[s:e], first) {
				t.Fatalf("MemberSpan(%q, %q) = %q, %v; Member gives %q", data, m.name, data[s:e], found, first)
			}
		}
		var arr []json.RawMessage
		isArr := json.Unmarshal(data, &arr) == nil && IsBatch(data)
		if aok != isArr || len(elems) != len(arr) {
			t.Fatalf("Elements(%q) = %d elements, %v; encoding/json finds %d, %v", data, len(elems), aok, len(arr), isArr)
		}
		for i := range elems {
			if !bytes.Equal(elems[i], arr[i]) {
				t.Fatalf("Elements(%q)[%d] = %q, want %q", data, i, elems[i], arr[i])
			}
		}
	})
}
