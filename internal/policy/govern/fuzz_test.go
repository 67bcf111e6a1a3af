package govern

import "testing"

// FuzzParseFile: the governance file parser never panics, and whatever it
// accepts compiles.
func FuzzParseFile(f *testing.F) {
	for _, s := range []string{
		"preset: strict\napproved_tools: [a/b]\n",
		"rules:\n  - {id: a, message: m, each: tool, violation_if: 'tool.risk == \"HIGH\"'}\n",
		"x: &a [1]\ny: *a\n",
		"preset: baseline\n---\n",
		"rules: [{id: a}]",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		spec, err := ParseFile(data, "f.yaml")
		if err != nil {
			return
		}
		for _, r := range spec.Rules {
			if _, err := compileRule(r); err != nil {
				t.Fatalf("accepted rule does not compile: %v", err)
			}
		}
	})
}
