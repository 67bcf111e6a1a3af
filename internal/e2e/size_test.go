package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/ward-mcp/ward/internal/mcptest"
)

// TestMessageSizeThroughWard sends large tool calls through ward with a 2 MiB
// cap (--max-message-bytes) to server-everything's echo tool: a 1 MiB message
// goes there and back intact; a 3 MiB one is refused by ward with an error
// answer, not a hang or a dead session, and the next call works.
func TestMessageSizeThroughWard(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	argv := wardProxy(t, []string{"--max-message-bytes", "2097152"}, mcptest.ServerEverything(t))
	client := mcp.NewClient(&mcp.Implementation{Name: "ward-e2e-go-client", Version: "1.0.0"}, nil)
	cs := connectGo(ctx, t, client, statefulRevision, argv)

	echo := func(ctx context.Context, msg string) (string, error) {
		res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "echo", Arguments: map[string]any{"message": msg}})
		if err != nil {
			return "", err
		}
		return resultText(t, res), nil
	}

	// Not only one repeated byte: a relay that copies a wrong window of its
	// buffer would go unnoticed.
	var b strings.Builder
	for i := 0; b.Len() < 1<<20; i++ {
		b.WriteString("ward-e2e-")
		b.WriteByte(byte('a' + i%26))
	}
	big := b.String()
	got, err := echo(ctx, big)
	if err != nil {
		t.Fatalf("echo of %d bytes: %v", len(big), err)
	}
	if got != "Echo: "+big {
		t.Errorf("echo of %d bytes came back as %d bytes, not the same text", len(big), len(got))
	}

	callCtx, callCancel := context.WithTimeout(ctx, 30*time.Second)
	defer callCancel()
	_, err = echo(callCtx, strings.Repeat("x", 3<<20))
	if err == nil {
		t.Fatal("echo of 3 MiB through ward with a 2 MiB cap succeeded")
	}
	if callCtx.Err() != nil {
		t.Fatalf("echo of 3 MiB was never answered (ward must answer an oversize request with an error): %v", err)
	}
	t.Logf("3 MiB request refused: %v", err)

	if got, err := echo(ctx, "still alive"); err != nil || got != "Echo: still alive" {
		t.Errorf("echo after the refused request = %q, %v", got, err)
	}
}
