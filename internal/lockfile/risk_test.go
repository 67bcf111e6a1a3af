package lockfile

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestRisk(t *testing.T) {
	fs := loadSnapshot(t, "filesystem")
	ev := loadSnapshot(t, "everything")
	tests := []struct {
		name    string
		tool    json.RawMessage
		want    Grade
		reasons []string // substrings, each must appear in some reason
	}{
		{"filesystem read_text_file", toolNamed(t, fs, "read_text_file"), GradeMedium,
			[]string{`parameter "path" that holds a file or directory`, "read-only (readOnlyHint)"}},
		{"filesystem list_directory", toolNamed(t, fs, "list_directory"), GradeMedium,
			[]string{`parameter "path"`}},
		{"filesystem write_file", toolNamed(t, fs, "write_file"), GradeHigh,
			[]string{`Its name suggests it creates or changes data ("write")`, "changes files at a path the caller chooses", "destructive (destructiveHint)"}},
		{"filesystem edit_file", toolNamed(t, fs, "edit_file"), GradeHigh,
			[]string{`("edit")`, "changes files at a path"}},
		{"filesystem move_file", toolNamed(t, fs, "move_file"), GradeHigh,
			[]string{`("move")`, `parameter "destination"`, "changes files at a path"}},
		{"filesystem list_allowed_directories", toolNamed(t, fs, "list_allowed_directories"), GradeLow,
			[]string{"read-only"}},
		{"everything add (a calculator)", toolNamed(t, ev, "add"), GradeLow,
			[]string{"Nothing in its name"}},
		{"everything echo", toolNamed(t, ev, "echo"), GradeLow, nil},
		{"calculator with expression", json.RawMessage(`{"name":"calculate","description":"Evaluate a basic arithmetic expression such as 2*(3+4).","inputSchema":{"type":"object","properties":{"expression":{"type":"string"}},"required":["expression"]},"annotations":{"readOnlyHint":true,"openWorldHint":false}}`), GradeLow, nil},
		{"fetch", json.RawMessage(`{"name":"fetch","description":"Fetches a URL from the internet and optionally extracts its contents as markdown.","inputSchema":{"type":"object","properties":{"url":{"type":"string","format":"uri"},"max_length":{"type":"integer","default":5000},"start_index":{"type":"integer","default":0},"raw":{"type":"boolean","default":false}},"required":["url"]},"annotations":{"openWorldHint":true,"readOnlyHint":true}}`), GradeMedium,
			[]string{`reaches the network ("fetch")`, `parameter "url" that holds a URL`, "outside world (openWorldHint)"}},
		{"shell", json.RawMessage(`{"name":"run_command","description":"Execute a command in the user's shell and return its output.","inputSchema":{"type":"object","properties":{"command":{"type":"string"},"cwd":{"type":"string"}},"required":["command"]}}`), GradeHigh,
			[]string{`runs commands or code ("run")`, `parameter "command" that holds a command`}},
		{"camelCase exec", json.RawMessage(`{"name":"execPython","inputSchema":{"type":"object","properties":{"sourceCode":{"type":"string"}}}}`), GradeHigh,
			[]string{`("exec")`, `parameter "sourceCode"`}},
		{"sql query", json.RawMessage(`{"name":"query","description":"Run a read-only SQL query","inputSchema":{"type":"object","properties":{"sql":{"type":"string"}}}}`), GradeHigh,
			[]string{`parameter "sql"`}},
		{"delete", json.RawMessage(`{"name":"delete_entities","description":"Delete multiple entities and their associated relations from the knowledge graph","inputSchema":{"type":"object","properties":{"entityNames":{"type":"array","items":{"type":"string"}}},"required":["entityNames"]}}`), GradeHigh,
			[]string{`deletes or destroys data ("delete")`}},
		{"send email", json.RawMessage(`{"name":"send_email","description":"Send an email","inputSchema":{"type":"object","properties":{"to":{"type":"string"},"body":{"type":"string"}}}}`), GradeMedium,
			[]string{`sends data to other people or systems ("send")`}},
		{"description only", json.RawMessage(`{"name":"helper","description":"Permanently removes the selected rows.","inputSchema":{"type":"object"}}`), GradeMedium,
			[]string{`Its description suggests it deletes or destroys data`}},
		{"declared destructive", json.RawMessage(`{"name":"tidy","inputSchema":{"type":"object"},"annotations":{"destructiveHint":true}}`), GradeHigh,
			[]string{"destructive (destructiveHint)"}},
		{"read-only does not lower", json.RawMessage(`{"name":"drop_table","inputSchema":{"type":"object"},"annotations":{"readOnlyHint":true}}`), GradeHigh,
			[]string{`("drop")`, "does not lower"}},
		{"nested path parameter", json.RawMessage(`{"name":"upload","inputSchema":{"type":"object","properties":{"files":{"type":"array","items":{"type":"object","properties":{"localPath":{"type":"string"}}}}}}}`), GradeHigh,
			[]string{`parameter "files"`}},
		{"environment", json.RawMessage(`{"name":"printEnv","description":"Prints all environment variables, helpful for debugging MCP server configuration","inputSchema":{"type":"object"}}`), GradeMedium,
			[]string{`can expose secrets`}},
		{"unreadable", json.RawMessage(`{"name":"x",`), GradeHigh, []string{"could not be read"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, reasons := Risk(tt.tool)
			if g != tt.want {
				t.Fatalf("Risk = %v %q, want %v", g, reasons, tt.want)
			}
			if len(reasons) == 0 {
				t.Fatal("no reasons")
			}
			all := strings.Join(reasons, "\n")
			for _, r := range tt.reasons {
				if !strings.Contains(all, r) {
					t.Errorf("reasons %q lack %q", reasons, r)
				}
			}
			for _, r := range reasons {
				if r == "" || !strings.HasSuffix(r, ".") || strings.ToUpper(r[:1]) != r[:1] {
					t.Errorf("reason %q is not a sentence", r)
				}
			}
		})
	}
}

func TestWords(t *testing.T) {
	tests := map[string]string{
		"read_text_file":  "read text file",
		"execPython":      "exec python",
		"HTTPRequest":     "http request",
		"get-URL v2":      "get url v2",
		"listDirectories": "list directories",
	}
	for in, want := range tests {
		if got := strings.Join(words(in), " "); got != want {
			t.Errorf("words(%q) = %q, want %q", in, got, want)
		}
	}
	if g, _ := json.Marshal(GradeHigh); string(g) != `"HIGH"` {
		t.Fatalf("grade JSON %s", g)
	}
}
