package cli

import (
	"errors"
	"fmt"
	"io/fs"

	"github.com/spf13/cobra"
	"github.com/ward-mcp/ward/internal/sign"
)

func init() { register(newKeygenCmd) }

func newKeygenCmd(s *streams) *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:   "keygen [--out PREFIX]",
		Short: "Create an Ed25519 key pair for signing lockfiles and audit checkpoints",
		Long: `ward keygen writes PREFIX.key (the private key, PKCS#8 PEM, mode 0600) and
PREFIX.pub (the public key, PKIX PEM). It never overwrites an existing file.
Keep the private key secret: ward refuses to use one that group or others can read.`,
		Example: `  ward keygen --out ward
  ward sign --key ward.key mcp-lock.json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if out == "" {
				return usageErrf("--out must not be empty")
			}
			id, err := sign.GenerateKeyFiles(out+".key", out+".pub")
			if errors.Is(err, fs.ErrExist) {
				return usageErr(err)
			}
			if err != nil {
				return internalErr(err)
			}
			_, err = fmt.Fprintf(s.out, "wrote %s.key (private, 0600) and %s.pub (public), key id %s\n", out, out, id)
			return err
		},
	}
	cmd.Flags().StringVarP(&out, "out", "o", "ward", "path prefix of the key files")
	return cmd
}
