package cli

import (
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"
	"github.com/ward-mcp/ward/internal/lockfile"
	"github.com/ward-mcp/ward/internal/policy/govern"
)

// newPolicyCheckCmd is `ward policy check`, registered by newPolicyCmd.
func newPolicyCheckCmd(s *streams) *cobra.Command {
	var rf receiptFlag
	var (
		lockPath, name, policyPath, preset string
		asJSON                             bool
	)
	cmd := &cobra.Command{
		Use:   "check [--lock FILE] [--name N] [--policy FILE | --preset baseline|strict] [--json]",
		Short: "Check a lockfile against governance rules (pins, risk, provenance)",
		Long: `ward policy check evaluates governance rules over every server of a lockfile:
artifact pins, risk grades of the locked tools, poisoning findings in the
definitions, provenance and selection. The baseline preset (the default)
warns; strict fails. --policy adds a governance file with custom CEL rules
(and may name the preset); with --preset as well, both apply. See
docs/policy.md.

Exit 0 when no rule at level fail fired, 1 when one did, 2 for a usage
error, 3 when the lockfile or the governance file cannot be read.`,
		Example: "  ward policy check\n  ward policy check --lock mcp-lock.json --preset strict --json\n  ward policy check --policy governance.yaml --name filesystem",
		Args:    cobra.NoArgs,
		RunE: rf.wrap("policy check", func(cmd *cobra.Command, _ []string) error {
			rf.input("lockfile", lockPath)
			rf.input("policy", policyPath)
			if lockPath == "" {
				return usageErrf("--lock is required")
			}
			switch preset {
			case "", govern.PresetBaseline, govern.PresetStrict:
			default:
				return usageErrf("--preset %q: want baseline or strict", preset)
			}
			opts := govern.Options{Preset: preset}
			if policyPath != "" {
				data, err := readPolicyCapped(policyPath, govern.MaxFileSize)
				if err != nil {
					return internalErr(fmt.Errorf("read governance policy: %w", err))
				}
				opts.File, opts.FileName = data, policyPath
			}
			p, err := govern.New(opts)
			if errors.Is(err, govern.ErrConflict) {
				return usageErr(err)
			}
			if err != nil {
				return internalErr(err)
			}
			f, err := lockfile.Load(lockPath)
			if err != nil {
				return internalErr(err)
			}
			rep, err := p.Check(cmd.Context(), f, name)
			if errors.Is(err, govern.ErrNoServer) {
				return usageErrf("--name: %v", err)
			}
			if err != nil {
				return internalErr(err)
			}
			rf.findings = rep
			if asJSON {
				err = writeJSON(s.out, rep)
			} else {
				err = govern.Render(s.out, rep)
			}
			if err != nil {
				return internalErr(err)
			}
			if rep.Failed {
				return silentExit(ExitFindings)
			}
			return nil
		}),
	}
	rf.add(cmd)
	fl := cmd.Flags()
	fl.StringVar(&lockPath, "lock", lockfile.DefaultFileName, "the lockfile to check")
	fl.StringVar(&name, "name", "", "check only the server with this lock name")
	fl.StringVar(&policyPath, "policy", "", "a governance file with a preset, approved tools and custom rules")
	fl.StringVar(&preset, "preset", "", "baseline (warns) or strict (fails); default baseline without --policy")
	fl.BoolVar(&asJSON, "json", false, "print the report as JSON")
	return cmd
}

// readPolicyCapped reads a file of at most limit bytes.
func readPolicyCapped(name string, limit int64) ([]byte, error) {
	st, err := os.Stat(name)
	if err != nil {
		return nil, err
	}
	if st.Size() > limit {
		return nil, fmt.Errorf("%s: larger than %d bytes", name, limit)
	}
	return os.ReadFile(name)
}
