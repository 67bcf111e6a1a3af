package e2e

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/ward-mcp/ward/internal/mcptest"
)

// goTranscript is what the Go SDK client saw of a session with the Go SDK's
// conformance everything-server, in a form that can be compared between runs.
type goTranscript struct {
	Server    mcp.Implementation
	Protocol  string
	Tools     []string
	Prompts   []string
	Resources []string
	Templates []string
	// Results holds the JSON of each tool call's result (or of its error),
	// of resources/read and prompts/get, keyed by what was asked.
	Results map[string]string
	// Logs are the data of the log notifications received while
	// test_tool_with_logging ran.
	Logs []string
	// Sampling and Elicitation count the server's requests the client answered.
	Sampling, Elicitation int
}

// goSDKCalls are the tools called in every run, with their arguments.
var goSDKCalls = []struct {
	name string
	args map[string]any
}{
	{"test_simple_text", nil},
	{"test_image_content", nil},
	{"test_audio_content", nil},
	{"test_embedded_resource", nil},
	{"test_multiple_content_types", nil},
	{"test_error_handling", nil},
	{"test_tool_with_logging", nil},
	{"test_sampling", map[string]any{"prompt": "say something through ward"}},
	{"test_elicitation", map[string]any{"message": "who are you?"}},
	{"json_schema_2020_12_tool", map[string]any{"name": "ward", "address": map[string]any{"street": "1 Main St", "city": "Springfield"}}},
}

const progressToken = "ward-e2e-progress-1"

// Protocol revisions the Go SDK sessions are run with. In 2025-11-25 the server
// sends sampling and elicitation requests in the middle of a tool call; in the
// stateless 2026-07-28 it may not (the SDK turns them into errors), but the
// session must still look the same through ward.
const (
	statefulRevision  = "2025-11-25"
	statelessRevision = "2026-07-28"
)

// runGoSDK drives the server argv with the Go SDK client, asking for protocol
// revision rev, and returns the transcript and the progress notifications
// received for progressToken.
func runGoSDK(t *testing.T, rev string, argv []string) (*goTranscript, []float64) {
	t.Helper()
	marker := newMarker(t)
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()

	tr := &goTranscript{Results: map[string]string{}}
	var (
		mu       sync.Mutex
		progress []float64
	)
	client := mcp.NewClient(&mcp.Implementation{Name: "ward-e2e-go-client", Version: "1.0.0"}, &mcp.ClientOptions{
		CreateMessageHandler: func(_ context.Context, req *mcp.CreateMessageRequest) (*mcp.CreateMessageResult, error) {
			mu.Lock()
			tr.Sampling++
			mu.Unlock()
			return &mcp.CreateMessageResult{Model: "ward-e2e-model", Role: "assistant", Content: &mcp.TextContent{Text: "ward-e2e sampling answer"}}, nil
		},
		ElicitationHandler: func(_ context.Context, req *mcp.ElicitRequest) (*mcp.ElicitResult, error) {
			mu.Lock()
			tr.Elicitation++
			mu.Unlock()
			return &mcp.ElicitResult{Action: "accept", Content: map[string]any{"username": "ward-e2e"}}, nil
		},
		LoggingMessageHandler: func(_ context.Context, req *mcp.LoggingMessageRequest) {
			b, _ := json.Marshal(req.Params.Data)
			mu.Lock()
			tr.Logs = append(tr.Logs, string(b))
			mu.Unlock()
		},
		ProgressNotificationHandler: func(_ context.Context, req *mcp.ProgressNotificationClientRequest) {
			if req.Params.ProgressToken != progressToken {
				t.Errorf("progress notification for token %v, want %v", req.Params.ProgressToken, progressToken)
			}
			mu.Lock()
			progress = append(progress, req.Params.Progress)
			mu.Unlock()
		},
	})
	client.AddRoots(&mcp.Root{URI: "file:///tmp/ward-e2e-root", Name: "ward-e2e"})

	cmd := command(ctx, t, marker, argv...)
	var stderr lockedBuffer
	cmd.Stderr = &stderr
	cs, err := client.Connect(ctx, &mcp.CommandTransport{Command: cmd, TerminateDuration: 2 * time.Second}, &mcp.ClientSessionOptions{ProtocolVersion: rev})
	if err != nil {
		t.Fatalf("connect %s: %v\nstderr:\n%s", argv[0], err, tail(stderr.String()))
	}
	defer func() {
		if err := cs.Close(); err != nil {
			t.Logf("close session: %v", err) // the server may report how it ended; not judged
		}
		checkNoRace(t, stderr.String())
	}()

	init := cs.InitializeResult()
	tr.Server, tr.Protocol = *init.ServerInfo, init.ProtocolVersion
	if err := cs.Ping(ctx, nil); err != nil {
		t.Fatalf("ping: %v", err)
	}
	if err := cs.SetLoggingLevel(ctx, &mcp.SetLoggingLevelParams{Level: "debug"}); err != nil {
		t.Fatalf("logging/setLevel: %v", err)
	}
	for tool, err := range cs.Tools(ctx, nil) {
		if err != nil {
			t.Fatalf("tools/list: %v", err)
		}
		tr.Tools = append(tr.Tools, tool.Name)
	}
	for p, err := range cs.Prompts(ctx, nil) {
		if err != nil {
			t.Fatalf("prompts/list: %v", err)
		}
		tr.Prompts = append(tr.Prompts, p.Name)
	}
	for r, err := range cs.Resources(ctx, nil) {
		if err != nil {
			t.Fatalf("resources/list: %v", err)
		}
		tr.Resources = append(tr.Resources, r.URI)
	}
	for rt, err := range cs.ResourceTemplates(ctx, nil) {
		if err != nil {
			t.Fatalf("resources/templates/list: %v", err)
		}
		tr.Templates = append(tr.Templates, rt.URITemplate)
	}

	record := func(key string, v any, err error) {
		if err != nil {
			tr.Results[key] = "error: " + err.Error()
			return
		}
		b, jerr := json.Marshal(v)
		if jerr != nil {
			t.Fatalf("%s: encode result: %v", key, jerr)
		}
		tr.Results[key] = string(b)
	}
	for _, c := range goSDKCalls {
		res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: c.name, Arguments: c.args})
		record("tools/call "+c.name, res, err)
	}
	rr, err := cs.ReadResource(ctx, &mcp.ReadResourceParams{URI: "test://static-text"})
	record("resources/read test://static-text", rr, err)
	gp, err := cs.GetPrompt(ctx, &mcp.GetPromptParams{Name: "test_prompt_with_arguments", Arguments: map[string]string{"arg1": "a", "arg2": "b"}})
	record("prompts/get test_prompt_with_arguments", gp, err)

	// The progress call's result echoes the progress token the server saw.
	// ward may translate tokens, so the result is checked here rather than
	// compared between runs; the notifications must carry the client's token.
	params := &mcp.CallToolParams{Name: "test_tool_with_progress"}
	params.SetProgressToken(progressToken)
	if _, err := cs.CallTool(ctx, params); err != nil {
		t.Errorf("tools/call test_tool_with_progress: %v", err)
	}

	mu.Lock()
	defer mu.Unlock()
	return tr, append([]float64(nil), progress...)
}

// checkGoTranscript checks what any run with revision rev must show, proxied
// or not.
func checkGoTranscript(t *testing.T, rev string, tr *goTranscript, progress []float64) {
	t.Helper()
	if tr.Server.Name != "mcp-conformance-test-server" {
		t.Errorf("server = %+v", tr.Server)
	}
	if tr.Protocol != rev {
		t.Errorf("negotiated protocol revision %q, want %q", tr.Protocol, rev)
	}
	if len(tr.Tools) < len(goSDKCalls) || len(tr.Prompts) == 0 || len(tr.Resources) == 0 || len(tr.Templates) == 0 {
		t.Errorf("lists: %d tools, %d prompts, %d resources, %d templates; want all non-empty", len(tr.Tools), len(tr.Prompts), len(tr.Resources), len(tr.Templates))
	}
	for _, c := range goSDKCalls {
		if _, ok := tr.Results["tools/call "+c.name]; !ok {
			t.Errorf("no result for %s", c.name)
		}
	}
	want := map[string]string{
		"tools/call test_simple_text":       `"type":"text"`,
		"tools/call test_error_handling":    `"isError":true`,
		"resources/read test://static-text": `"uri":"test://static-text"`,
	}
	if rev == statefulRevision {
		want["tools/call test_sampling"] = "ward-e2e sampling answer"
		want["tools/call test_elicitation"] = "ward-e2e"
		if tr.Sampling != 1 || tr.Elicitation != 1 {
			t.Errorf("sampling %d, elicitation %d requests answered, want 1 and 1", tr.Sampling, tr.Elicitation)
		}
		if len(tr.Logs) < 3 {
			t.Errorf("log notifications = %q, want the tool's 3", tr.Logs)
		}
	}
	for key, w := range want {
		if got := tr.Results[key]; !strings.Contains(got, w) {
			t.Errorf("%s = %s, want it to contain %s", key, got, w)
		}
	}
	if len(progress) < 1 {
		t.Errorf("no progress notification for test_tool_with_progress")
	}
}

func TestGoSDKClientDirect(t *testing.T) {
	for _, rev := range []string{statefulRevision, statelessRevision} {
		t.Run(rev, func(t *testing.T) {
			tr, progress := runGoSDK(t, rev, []string{mcptest.EverythingServerGo(t)})
			checkGoTranscript(t, rev, tr, progress)
		})
	}
}

// TestGoSDKClientThroughWard compares a session through ward with a direct
// one: with no rule that matches, everything the client sees must be the same.
func TestGoSDKClientThroughWard(t *testing.T) {
	for _, rev := range []string{statefulRevision, statelessRevision} {
		t.Run(rev, func(t *testing.T) {
			server := []string{mcptest.EverythingServerGo(t)}
			proxied := wardProxy(t, nil, server)
			direct, _ := runGoSDK(t, rev, server)
			through, progress := runGoSDK(t, rev, proxied)
			checkGoTranscript(t, rev, through, progress)
			if !reflect.DeepEqual(direct, through) {
				a, _ := json.MarshalIndent(direct, "", "  ")
				b, _ := json.MarshalIndent(through, "", "  ")
				t.Errorf("session through ward differs from the direct one\ndirect:\n%s\nthrough ward:\n%s", a, b)
			}
		})
	}
}
