// Command rawpipe is the floor for any stdio proxy in ward's end-to-end
// benchmark: it runs the command given after "--" and copies its own stdin to
// the child's stdin and the child's stdout to its own stdout with io.Copy,
// looking at nothing. The child's stderr is the child's own (inherited).
//
// When stdin ends, rawpipe closes the child's stdin and waits for it; it exits
// with the child's exit code.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
)

func main() {
	os.Exit(run(os.Args[1:]))
}

func run(args []string) int {
	if len(args) < 2 || args[0] != "--" {
		fmt.Fprintln(os.Stderr, "usage: rawpipe -- COMMAND [ARGS...]")
		return 2
	}
	cmd := exec.Command(args[1], args[2:]...)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		fmt.Fprintf(os.Stderr, "rawpipe: %v\n", err)
		return 1
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		fmt.Fprintf(os.Stderr, "rawpipe: %v\n", err)
		return 1
	}
	if err := cmd.Start(); err != nil {
		fmt.Fprintf(os.Stderr, "rawpipe: start %s: %v\n", args[1], err)
		return 1
	}

	// Host to server: when the host closes, close the server's stdin.
	go func() {
		if _, err := io.Copy(stdin, os.Stdin); err != nil {
			fmt.Fprintf(os.Stderr, "rawpipe: copy to server: %v\n", err)
		}
		stdin.Close()
	}()
	// Server to host: Wait must not run before this copy has read everything.
	if _, err := io.Copy(os.Stdout, stdout); err != nil {
		fmt.Fprintf(os.Stderr, "rawpipe: copy to host: %v\n", err)
	}
	if err := cmd.Wait(); err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) && ee.ExitCode() >= 0 {
			return ee.ExitCode()
		}
		fmt.Fprintf(os.Stderr, "rawpipe: %v\n", err)
		return 1
	}
	return 0
}
