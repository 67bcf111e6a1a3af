package cli

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/ward-mcp/ward/internal/proxy"
)

// TestProxiesStartingTogetherShareOneAuditKey starts several ward proxies
// on one new audit database at once, as an MCP host starting the servers
// of its configuration does on the first run: the first creates the
// checkpoint key beside the database, and the others must neither read it
// half written (they refused to start: "audit key: parse private key: no
// PEM block") nor make keys of their own.
func TestProxiesStartingTogetherShareOneAuditKey(t *testing.T) {
	rounds, n := 12, 6
	if testing.Short() {
		rounds = 3
	}
	for r := range rounds {
		db := filepath.Join(t.TempDir(), "state", "audit.db")
		var wg sync.WaitGroup
		errs := make([]string, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				var out, errb bytes.Buffer
				code := Run(context.Background(), []string{"proxy", "--audit", "sqlite:" + db, "--", "sh", "-c", "cat >/dev/null"},
					strings.NewReader(""), &out, &errb)
				if code != 0 {
					errs[i] = fmt.Sprintf("exit %d: %s", code, errb.String())
				}
			}()
		}
		wg.Wait()
		for i, e := range errs {
			if e != "" {
				t.Fatalf("round %d, proxy %d: %s", r, i, e)
			}
		}
		_, pub := proxy.AuditKeyPaths(db)
		if code, out, errs := wardRun(t, "audit", "verify", "--db", db, "--key", pub); code != 0 {
			t.Fatalf("round %d: verify: exit %d: %s%s", r, code, out, errs)
		}
	}
}
