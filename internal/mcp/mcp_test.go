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
