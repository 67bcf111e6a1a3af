package cli

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"github.com/ward-mcp/ward/internal/lockfile"
	"github.com/ward-mcp/ward/internal/sign"
)

func init() { register(newSignCmd) }

type signFlags struct {
	key       string
	out       string
	sigstore  bool
	tokenFile string
	fulcio    string
	rekor     string
}

func newSignCmd(s *streams) *cobra.Command {
	f := &signFlags{}
	cmd := &cobra.Command{
		Use:   "sign (--key KEY | --sigstore) <lockfile>",
		Short: "Sign a lockfile (Ed25519 key or Sigstore keyless)",
		Long: `ward sign signs the RFC 8785 canonical form of a lockfile, so that the signature
holds however the file is reformatted but not if its meaning changes.

With --key, it writes a detached DSSE-style envelope (default <lockfile>.sig);
see docs/signing.md. The private key file must not be readable by group or others.

With --sigstore, it signs keylessly: an OIDC identity token (from
--identity-token-file, $SIGSTORE_ID_TOKEN or GitHub Actions' id-token) gets a
short-lived Fulcio certificate, the signature is logged in Rekor, and a Sigstore
bundle is written (default <lockfile>.sigstore.json).`,
		Example: `  ward sign --key ward.key mcp-lock.json
  ward sign --sigstore mcp-lock.json   # in GitHub Actions with id-token: write`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			lock := args[0]
			if (f.key == "") == !f.sigstore {
				return usageErrf("give exactly one of --key and --sigstore")
			}
			if f.key != "" && (f.tokenFile != "" || cmd.Flags().Changed("fulcio-url") || cmd.Flags().Changed("rekor-url")) {
				return usageErrf("--identity-token-file, --fulcio-url and --rekor-url go with --sigstore, not --key")
			}
			for _, in := range []string{lock, f.key, f.tokenFile} {
				if f.out != "" && in != "" && samePath(f.out, in) {
					return usageErrf("--output %s is an input of ward sign: not overwritten", f.out)
				}
			}
			b, err := os.ReadFile(lock)
			if err != nil {
				return internalErr(fmt.Errorf("read lockfile: %w", err))
			}
			// A signature approves what ward proxy will enforce: a file it
			// would refuse to load is not signed (it would only fail later,
			// at start-up, with a valid signature).
			if _, err := lockfile.Parse(b); err != nil {
				return findingsErr(fmt.Errorf("refusing to sign %s: %w", lock, err))
			}
			if f.sigstore {
				return runSignSigstore(cmd, s, f, lock, b)
			}
			key, err := sign.LoadPrivateKey(f.key)
			if errors.Is(err, sign.ErrKeyPermissions) {
				return usageErr(err)
			}
			if err != nil {
				return internalErr(err)
			}
			env, err := sign.SignLockfile(b, key)
			if err != nil {
				return findingsErr(err)
			}
			raw, err := env.Marshal()
			if err != nil {
				return internalErr(err)
			}
			out := f.out
			if out == "" {
				out = sign.DefaultSignaturePath(lock)
			}
			if err := writeFileAtomic(out, raw, 0o644); err != nil {
				return internalErr(fmt.Errorf("write signature: %w", err))
			}
			_, err = fmt.Fprintf(s.out, "signed %s (%s) with key %s: %s\n", lock, env.PayloadDigest, env.Signatures[0].KeyID, out)
			return err
		},
	}
	cmd.Flags().StringVar(&f.key, "key", "", "Ed25519 private key (PKCS#8 PEM, mode 0600)")
	cmd.Flags().StringVarP(&f.out, "output", "o", "", "signature file (default <lockfile>.sig, or <lockfile>.sigstore.json with --sigstore)")
	cmd.Flags().BoolVar(&f.sigstore, "sigstore", false, "sign keylessly with Sigstore (Fulcio + Rekor)")
	cmd.Flags().StringVar(&f.tokenFile, "identity-token-file", "", "file holding the OIDC identity token for --sigstore")
	cmd.Flags().StringVar(&f.fulcio, "fulcio-url", sign.DefaultFulcioURL, "Fulcio instance for --sigstore")
	cmd.Flags().StringVar(&f.rekor, "rekor-url", sign.DefaultRekorURL, "Rekor instance for --sigstore")
	return cmd
}

func runSignSigstore(cmd *cobra.Command, s *streams, f *signFlags, lock string, b []byte) error {
	opts := &sign.SigstoreSignOptions{FulcioURL: f.fulcio, RekorURL: f.rekor}
	if f.tokenFile != "" {
		tok, err := os.ReadFile(f.tokenFile)
		if err != nil {
			return usageErr(fmt.Errorf("read identity token: %w", err))
		}
		opts.IDToken = strings.TrimSpace(string(tok))
	}
	bundle, err := sign.SignLockfileSigstore(cmd.Context(), b, opts)
	if err != nil {
		return internalErr(err)
	}
	out := f.out
	if out == "" {
		out = sign.DefaultBundlePath(lock)
	}
	if err := writeFileAtomic(out, bundle, 0o644); err != nil {
		return internalErr(fmt.Errorf("write sigstore bundle: %w", err))
	}
	_, err = fmt.Fprintf(s.out, "signed %s keylessly: %s\n", lock, out)
	return err
}

// writeFileAtomic writes b to path through a temporary file in the same
// directory, synced and renamed into place: a reader sees the old file or
// the whole new one, and a symlink at path (one committed to a repository
// beside its lockfile) is replaced, not followed to overwrite its target.
func writeFileAtomic(path string, b []byte, perm os.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(perm); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
