package mcp

import (
	"strings"
	"testing"
)

func TestEditList(t *testing.T) {
	result := []byte(`{"tools": [ {"name":"a","x":1.50} , {"name":"b"},{"name":"c","d":"\u00e9"} ], "nextCursor":"p2", "_meta":{"k":[1,2]}, "future":true}`)
	out, ok := FilterList(result, "tools", func(item []byte) bool { return ItemName("tools", item) != "b" })
	if !ok {
		t.Fatal("no tools array found")
	}
	want := `{"tools": [{"name":"a","x":1.50},{"name":"c","d":"\u00e9"}], "nextCursor":"p2", "_meta":{"k":[1,2]}, "future":true}`
	if string(out) != want {
		t.Errorf("filtered:\n got %s\nwant %s", out, want)
	}
	out, ok = FilterList(result, "tools", func([]byte) bool { return true })
	if !ok || out != nil {
		t.Errorf("nothing removed: got %q, %v; want nil, true", out, ok)
	}
	out, _ = EditList(result, "tools", func(item []byte) ([]byte, bool) {
		if ItemName("tools", item) == "c" {
			return []byte(`{"name":"c"}`), true
		}
		return nil, ItemName("tools", item) != "a"
	})
	if want := `{"tools": [{"name":"b"},{"name":"c"}], "nextCursor":"p2", "_meta":{"k":[1,2]}, "future":true}`; string(out) != want {
		t.Errorf("edited:\n got %s\nwant %s", out, want)
	}
	out, _ = FilterList([]byte(`{"tools":[{"name":"a"}]}`), "tools", func([]byte) bool { return false })
	if string(out) != `{"tools":[]}` {
		t.Errorf("all removed: %s", out)
	}
	for _, bad := range []string{`{"tools":{}}`, `{"prompts":[]}`, `[]`, `{"tools":"x"}`} {
		if _, ok := FilterList([]byte(bad), "tools", func([]byte) bool { return false }); ok {
			t.Errorf("FilterList(%s) reported a tools array", bad)
		}
	}
}

func TestNames(t *testing.T) {
	for field, item := range map[string]string{
		"tools": `{"name":"t"}`, "prompts": `{"name":"t"}`,
		"resources": `{"uri":"t","name":"x"}`, "resourceTemplates": `{"uriTemplate":"t","name":"x"}`,
	} {
		if got := ItemName(field, []byte(item)); got != "t" {
			t.Errorf("ItemName(%s) = %q", field, got)
		}
	}
	if ListField("tools/list") != "tools" || ListField("resources/templates/list") != "resourceTemplates" || ListField("tools/call") != "" {
		t.Error("ListField")
	}
	if !strings.Contains(ItemKey("resources"), "uri") {
		t.Error("ItemKey")
	}
}

// TestCaseVariant: a member that encoding/json would take for one of the
// names (equal ignoring case, Unicode simple folding) but that differs
// from it is found, escaped or not; the names themselves and other members
// are not.
func TestCaseVariant(t *testing.T) {
	for obj, want := range map[string]string{
		`{"name":"ok","arguments":{"NAME":1}}`: "",
		`{"NAME":"danger"}`:                    "NAME",
		`{"name":"ok","Arguments":{}}`:         "Arguments",
		`{"N\u0041me":"x"}`:                    "NAme",
		`{"argument\u017f":{}}`:                "argumentſ", // long s folds with s
		`{"\u212aey":1,"names":2,"nam":3}`:     "",          // Kelvin sign: "Key" is not a name here
		`{"_META":{}}`:                         "_META",
		`{"uri":"x","url":"y"}`:                "",
	} {
		if got, _ := CaseVariant([]byte(obj), "name", "uri", "arguments", "_meta"); got != want {
			t.Errorf("CaseVariant(%s) = %q, want %q", obj, got, want)
		}
	}
	call := []byte(`{"name":"echo","arguments":{"text":"hello"}}`)
	if n := testing.AllocsPerRun(100, func() {
		CaseVariant(call, "name", "uri", "arguments", "_meta", "ref", "argument")
	}); n != 0 {
		t.Errorf("CaseVariant of an ordinary call: %v allocations, want 0", n)
	}
}
