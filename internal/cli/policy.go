package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"github.com/ward-mcp/ward/internal/policy"
)

func init() { register(newPolicyCmd) }

func newPolicyCmd(s *streams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "policy",
		Short: "Write, check and list ward policies",
		Long: `A ward policy (YAML) says which filesystem roots tools may touch, which hosts
they may reach, which rule packs are on, and holds rule overrides, custom rules
and CEL policies, globally and per server. See docs/policy.md.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newPolicyInitCmd(s), newPolicyLintCmd(s), newPolicyRulesCmd(s), newPolicyCheckCmd(s))
	return cmd
}

func newPolicyInitCmd(s *streams) *cobra.Command {
	var root string
	cmd := &cobra.Command{
		Use:     "init [FILE]",
		Short:   "Write a commented starter policy (default ward-policy.yaml)",
		Example: "  ward policy init\n  ward policy init --root ~/src/app policy.yaml",
		Args:    cobra.MaximumNArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			name := "ward-policy.yaml"
			if len(args) == 1 {
				name = args[0]
			}
			if root == "" {
				wd, err := os.Getwd()
				if err != nil {
					return internalErr(err)
				}
				root = wd
			}
			if err := policy.InitFile(name, root); err != nil {
				if errors.Is(err, os.ErrExist) {
					return usageErr(err)
				}
				return findingsErr(err)
			}
			_, err := fmt.Fprintf(s.out, "wrote %s (root %s); check it with: ward policy lint %s\n", name, root, name)
			return err
		},
	}
	cmd.Flags().StringVar(&root, "root", "", "project root to allow (default: the current directory)")
	return cmd
}

func newPolicyLintCmd(s *streams) *cobra.Command {
	return &cobra.Command{
		Use:   "lint FILE",
		Short: "Check a policy file: unknown keys, wrong values, CEL that does not compile",
		Long: `ward policy lint reads a policy strictly and prints every problem with its
line. Exit 0 when the policy is valid, 1 when it is not.`,
		Args: cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			if _, err := policy.Lint(args[0]); err != nil {
				fmt.Fprintln(s.err, err)
				return silentExit(ExitFindings)
			}
			_, err := fmt.Fprintf(s.out, "%s: ok\n", args[0])
			return err
		},
	}
}

func newPolicyRulesCmd(s *streams) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "rules",
		Short: "List the built-in rules with their ids, packs and severities",
		Args:  cobra.NoArgs,
		RunE: func(_ *cobra.Command, _ []string) error {
			rules := policy.Rules()
			if asJSON {
				enc := json.NewEncoder(s.out)
				enc.SetIndent("", "  ")
				return enc.Encode(rules)
			}
			tw := tabwriter.NewWriter(s.out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "RULE\tPACK\tSEVERITY\tDESCRIPTION")
			for _, r := range rules {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.ID, r.Category, r.Severity, r.Description)
			}
			return tw.Flush()
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print as JSON, with references")
	return cmd
}
