package inspect

import "testing"

// A resource's name is a display name: spaces are fine, mixed scripts (a
// homoglyph) are not. A tool's name must be an identifier.
func TestDisplayNamed(t *testing.T) {
	for _, c := range []struct {
		raw      string
		resource bool
		want     bool // a poison.confusable-name finding
	}{
		{`{"uri":"demo://x","name":"Dynamic Text Resource"}`, true, false},
		{`{"uri":"demo://x","name":"Dyn\u0430mic Text Resource"}`, true, true}, // Cyrillic а
		{`{"name":"read file"}`, false, true},
		{`{"name":"read_file"}`, false, false},
	} {
		var fs []Finding
		var err error
		if c.resource {
			_, fs, err = DisplayNamed([]byte(c.raw))
		} else {
			_, fs, err = Definition([]byte(c.raw))
		}
		if err != nil {
			t.Fatal(err)
		}
		got := false
		for _, f := range fs {
			got = got || f.Rule == "poison.confusable-name"
		}
		if got != c.want {
			t.Errorf("%s (resource %v): confusable-name = %v, want %v (%v)", c.raw, c.resource, got, c.want, fs)
		}
	}
}
