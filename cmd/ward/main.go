// Command ward is a deny-by-default security gateway for the Model Context
// Protocol. All behaviour lives in internal/cli; main only wires the process.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/ward-mcp/ward/internal/cli"
)

func main() {
	// A host that closes its end of ward's stdout or stderr must not kill
	// ward (Go's default for a write to a closed pipe on fd 1 or 2) before
	// it has stopped its server and written its audit trail: with SIGPIPE
	// taken here, such a write fails with EPIPE, which ward handles. A
	// handler, unlike an ignored signal, is not inherited by the server.
	signal.Notify(make(chan os.Signal, 1), syscall.SIGPIPE)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
