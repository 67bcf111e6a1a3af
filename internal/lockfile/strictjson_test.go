package lockfile

import (
	"strings"
	"testing"
)

func TestCheckStrict(t *testing.T) {
	deep := strings.Repeat("[", maxDepth+2) + strings.Repeat("]", maxDepth+2)
	tests := []struct {
		name, in string
		ok       bool
	}{
		{"object", `{"a":1,"b":[true,false,null],"c":{"d":"e"}}`, true},
		{"whitespace", " \t\n{ \"a\" : 1 }\r\n", true},
		{"escapes", `"a\"\\\/\b\f\n\r\t\u00e9"`, true},
		{"surrogate pair", `"\ud83d\ude00"`, true},
		{"utf8", `"héllo ☃"`, true},
		{"numbers", `[0,-0,1.5,-2e10,3E+2,4e-3]`, true},
		{"duplicate key", `{"a":1,"a":2}`, false},
		{"duplicate key via escape", `{"a":1,"\u0061":2}`, false},
		{"nested duplicate", `{"x":{"k":1,"k":1}}`, false},
		{"same key in sibling objects", `[{"k":1},{"k":2}]`, true},
		{"invalid utf8", "\"\xff\"", false},
		{"lone high surrogate", `"\ud800"`, false},
		{"lone low surrogate", `"\udc00"`, false},
		{"high then non-low", `"\ud800\u0041"`, false},
		{"control char", "\"a\x01\"", false},
		{"trailing data", `{} {}`, false},
		{"trailing comma", `[1,]`, false},
		{"leading zero", `01`, false},
		{"bare dot", `1.`, false},
		{"huge number", `1e400`, false},
		{"bad escape", `"\x41"`, false},
		{"single quote", `'a'`, false},
		{"too deep", deep, false},
		{"empty", ``, false},
		{"unterminated", `{"a":`, false},
		{"bad literal", `tru`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := checkStrict([]byte(tt.in))
			if (err == nil) != tt.ok {
				t.Fatalf("checkStrict(%q) = %v, want ok=%v", tt.in, err, tt.ok)
			}
		})
	}
}

func TestStrictObjectMembers(t *testing.T) {
	ms, err := strictObject([]byte(`{"b": [1, 2], "a\u00e9": {"x": 1}}`))
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 2 || ms[0].key != "b" || string(ms[0].val) != "[1, 2]" || ms[1].key != "aé" || string(ms[1].val) != `{"x": 1}` {
		t.Fatalf("members = %+v", ms)
	}
	if _, err := strictObject([]byte(`[1]`)); err == nil {
		t.Fatal("array accepted as object")
	}
}
