package cli

import (
	"fmt"

	"github.com/spf13/cobra"
	"github.com/ward-mcp/ward/internal/receipt"
)

// receiptFlag is --receipt FILE: a JSON record of the run (inputs and their
// hashes, outputs, outcome, exit code, findings, ward version, times),
// written also when the run fails.
type receiptFlag struct {
	path string
	// findings is what the command found, set by the command as it runs.
	findings any
	// inputs and outputs are (role, path) pairs the command names.
	inputs, outputs [][2]string
}

func (f *receiptFlag) add(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.path, "receipt", "", "write a JSON receipt of this run (inputs with their hashes, outcome, findings) to FILE, also when it fails")
}

func (f *receiptFlag) input(role, path string) {
	if path != "" {
		f.inputs = append(f.inputs, [2]string{role, path})
	}
}

func (f *receiptFlag) output(role, path string) {
	if path != "" {
		f.outputs = append(f.outputs, [2]string{role, path})
	}
}

// wrap runs run and then writes the receipt, if one was asked for. A receipt
// that cannot be written turns a success into an internal error.
func (f *receiptFlag) wrap(name string, run func(*cobra.Command, []string) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		r := receipt.New(name, args)
		err := run(cmd, args)
		if f.path == "" {
			return err
		}
		for _, in := range f.inputs {
			r.AddInput(in[0], in[1])
		}
		for _, out := range f.outputs {
			r.AddOutput(out[0], out[1])
		}
		r.Finish(codeOf(err), err, f.findings)
		if werr := receipt.Write(f.path, r); werr != nil {
			werr = fmt.Errorf("write receipt: %w", werr)
			if err == nil {
				return internalErr(werr)
			}
			return fmt.Errorf("%w (and %v)", err, werr)
		}
		return err
	}
}
