package cli

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"
	"github.com/ward-mcp/ward/internal/bundle"
	"github.com/ward-mcp/ward/internal/sign"
)

func init() { register(newBundleCmd) }

type bundleFlags struct {
	out, lock, policy, signature string
	key                          string
	id                           sign.Identity
	trustedRoot                  string
	disableSCT                   bool
	asJSON                       bool
}

// options turns the key and identity flags into bundle options, warning
// on warn of identity regexps that are not anchored.
func (f *bundleFlags) options(warn io.Writer) (*bundle.Options, error) {
	o := &bundle.Options{LockfilePath: f.lock, PolicyPath: f.policy, SignaturePath: f.signature, Identity: f.id, DisableSCTUnsafe: f.disableSCT}
	if f.key != "" && (f.id != (sign.Identity{}) || f.trustedRoot != "" || f.disableSCT) {
		return nil, usageErrf("give --key (Ed25519) or the --certificate-* flags (Sigstore), not both; --trusted-root and --insecure-ignore-sct go with the latter")
	}
	if f.id == (sign.Identity{}) && (f.trustedRoot != "" || f.disableSCT) {
		return nil, usageErrf("--trusted-root and --insecure-ignore-sct go with the --certificate-* flags")
	}
	if f.key != "" {
		pub, err := sign.LoadPublicKey(f.key)
		if err != nil {
			return nil, usageErr(err)
		}
		o.PublicKey = pub
	}
	if f.id != (sign.Identity{}) {
		if err := f.id.Validate(); err != nil {
			return nil, usageErr(err)
		}
		for _, w := range f.id.Warnings() {
			fmt.Fprintf(warn, "ward: warning: %s\n", w)
		}
		tm, err := sign.LoadTrustedRoot(f.trustedRoot)
		if err != nil {
			return nil, internalErr(err)
		}
		o.TrustedMaterial = tm
	}
	return o, nil
}

func newBundleCmd(s *streams) *cobra.Command {
	f := &bundleFlags{}
	cmd := &cobra.Command{
		Use:   "bundle",
		Short: "Pack a signed lockfile, its signature and policy into a verifiable zip",
		Args:  cobra.NoArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	keyFlags := func(c *cobra.Command) {
		fl := c.Flags()
		fl.StringVar(&f.key, "key", "", "Ed25519 public key that must have signed the lockfile")
		fl.StringVar(&f.id.Subject, "certificate-identity", "", "Sigstore signer identity")
		fl.StringVar(&f.id.SubjectRegexp, "certificate-identity-regexp", "", "regular expression for the Sigstore signer identity")
		fl.StringVar(&f.id.Issuer, "certificate-oidc-issuer", "", "Sigstore OIDC issuer")
		fl.StringVar(&f.id.IssuerRegexp, "certificate-oidc-issuer-regexp", "", "regular expression for the Sigstore OIDC issuer")
		fl.StringVar(&f.trustedRoot, "trusted-root", "", "Sigstore trusted_root.json for offline verification")
		fl.BoolVar(&f.disableSCT, "insecure-ignore-sct", false, "accept a certificate without a certificate transparency timestamp")
	}

	export := &cobra.Command{
		Use:   "export -o OUT.zip --lock LOCKFILE [--policy FILE] [--signature SIG --key PUB | identity flags]",
		Short: "Write a byte-reproducible bundle; refuses a signature that does not verify",
		Long: `ward bundle export writes a zip holding the lockfile in canonical form, its
signature (ward envelope or Sigstore bundle), the policy, a manifest of SHA-256
digests and a generated README saying how to verify it. The same inputs give the
same bytes on every run and machine. A signature is checked before it is packed:
give the public key (--key) or the Sigstore identity flags.`,
		Example: `  ward bundle export -o approval.zip --lock mcp-lock.json --policy ward.yaml \
    --signature mcp-lock.json.sig --key ward.pub`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if f.out == "" || f.lock == "" {
				return usageErrf("--output and --lock are required")
			}
			if f.signature != "" && f.key == "" && f.id == (sign.Identity{}) {
				return usageErrf("a signature is only bundled after it is checked: give --key or the --certificate-* flags")
			}
			if f.signature == "" && (f.key != "" || f.id != (sign.Identity{})) {
				return usageErrf("--key and the --certificate-* flags check the --signature to bundle, and none was given: the bundle would be unsigned")
			}
			for _, in := range []string{f.lock, f.policy, f.signature, f.key, f.trustedRoot} {
				if in != "" && samePath(f.out, in) {
					return usageErrf("--output %s is an input of the bundle: not overwritten", f.out)
				}
			}
			o, err := f.options(s.err)
			if err != nil {
				return err
			}
			b, err := bundle.Export(o)
			if errors.Is(err, bundle.ErrInvalid) {
				return findingsErr(err)
			}
			if err != nil {
				return internalErr(err)
			}
			if err := writeFileAtomic(f.out, b, 0o644); err != nil {
				return internalErr(fmt.Errorf("write bundle: %w", err))
			}
			_, err = fmt.Fprintf(s.out, "wrote %s (%s)\n", f.out, sign.Digest(b))
			return err
		},
	}
	export.Flags().StringVarP(&f.out, "output", "o", "", "zip file to write")
	export.Flags().StringVar(&f.lock, "lock", "", "lockfile to bundle")
	export.Flags().StringVar(&f.policy, "policy", "", "policy file to bundle")
	export.Flags().StringVar(&f.signature, "signature", "", "signature of the lockfile (ward envelope or Sigstore bundle)")
	keyFlags(export)

	verify := &cobra.Command{
		Use:   "verify [--key PUB | identity flags] BUNDLE.zip",
		Short: "Check a bundle: contents, digests and the lockfile's signature",
		Long: `ward bundle verify checks that the zip holds exactly what its manifest lists, that
every digest matches, that the lockfile is canonical and that its signature
verifies under the key or Sigstore identity given. With --key or the identity
flags a signature is required: an unsigned bundle is invalid. Only the lockfile
is signed; the policy, manifest and README are not. Exit 0: valid. Exit 1:
invalid. Exit 2: wrong flags, or no means given to check the bundle's signature.
Exit 3: the file could not be read.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o, err := f.options(s.err)
			if err != nil {
				return err
			}
			b, err := readBundle(args[0])
			if err != nil {
				return internalErr(err)
			}
			res, err := bundle.Verify(b, o)
			if errors.Is(err, bundle.ErrInvalid) {
				return findingsErr(err)
			}
			if err != nil {
				return usageErr(err)
			}
			if f.asJSON {
				return writeIndentedJSON(s.out, res)
			}
			how := "unsigned lockfile: contents match the manifest"
			switch res.Manifest.Signature {
			case "ed25519":
				how = "lockfile signed by key " + res.Manifest.KeyID
			case "sigstore":
				how = "lockfile signed keylessly (Sigstore)"
			}
			_, err = fmt.Fprintf(s.out, "valid: %s, %s (%s)\n", args[0], how, res.Manifest.Lockfile)
			return err
		},
	}
	keyFlags(verify)
	verify.Flags().BoolVar(&f.asJSON, "json", false, "print the result as JSON")

	cmd.AddCommand(export, verify)
	return cmd
}

// readBundle reads a bundle zip, refusing one larger than any bundle
// ward bundle export writes before reading it into memory.
func readBundle(path string) ([]byte, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read bundle: %w", err)
	}
	defer fh.Close()
	b, err := io.ReadAll(io.LimitReader(fh, bundle.MaxSize+1))
	if err != nil {
		return nil, fmt.Errorf("read bundle %s: %w", path, err)
	}
	if len(b) > bundle.MaxSize {
		return nil, fmt.Errorf("read bundle %s: larger than %d bytes", path, bundle.MaxSize)
	}
	return b, nil
}
