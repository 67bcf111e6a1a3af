package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"
	"github.com/ward-mcp/ward/internal/sign"
)

func init() { register(newVerifyCmd) }

type verifyFlags struct {
	key, signature string
	bundle         string
	id             sign.Identity
	trustedRoot    string
	disableSCT     bool
	asJSON         bool
}

func newVerifyCmd(s *streams) *cobra.Command {
	f := &verifyFlags{}
	cmd := &cobra.Command{
		Use:   "verify (--key PUB | --bundle B --certificate-identity[-regexp] X --certificate-oidc-issuer[-regexp] Y) <lockfile>",
		Short: "Verify a lockfile's signature",
		Long: `ward verify checks the signature of exactly the lockfile named, over its RFC 8785
canonical form. Exit 0: valid. Exit 1: invalid, with the reason. Exit 2: wrong
flags. Exit 3: a file could not be read or the trusted root not fetched.

With --key, the signature is the envelope written by ward sign --key
(default <lockfile>.sig). With --bundle, it is a Sigstore bundle, and the signer's
certificate identity and OIDC issuer must match; the trusted root is fetched
from the public-good Sigstore TUF repository, or read from --trusted-root offline.`,
		Example: `  ward verify --key ward.pub mcp-lock.json
  ward verify --bundle mcp-lock.json.sigstore.json \
    --certificate-identity-regexp '^https://github.com/acme/tools/' \
    --certificate-oidc-issuer https://token.actions.githubusercontent.com mcp-lock.json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts := &sign.VerifyOptions{
				PublicKeyPath: f.key, SignaturePath: f.signature,
				BundlePath: f.bundle, Identity: f.id, TrustedRootPath: f.trustedRoot, DisableSCTUnsafe: f.disableSCT,
			}
			if (f.key == "") == (f.bundle == "") {
				return usageErrf("give exactly one of --key and --bundle")
			}
			// A flag of the other method would be ignored: say so instead
			// of answering a question that was not asked.
			if f.key != "" && (f.id != (sign.Identity{}) || f.trustedRoot != "" || f.disableSCT) {
				return usageErrf("--certificate-*, --trusted-root and --insecure-ignore-sct go with --bundle, not --key")
			}
			if f.bundle != "" {
				if f.signature != "" {
					return usageErrf("--signature goes with --key; a Sigstore bundle is given with --bundle")
				}
				if err := f.id.Validate(); err != nil {
					return usageErr(err)
				}
				for _, w := range f.id.Warnings() {
					fmt.Fprintf(s.err, "ward: warning: %s\n", w)
				}
			}
			res, err := sign.VerifyFile(args[0], opts)
			if err != nil {
				// With --json every outcome is a JSON object on stdout:
				// "invalid" (exit 1) or "error" (exit 3: nothing could be
				// checked, such as an unreadable key or signature file).
				invalid := errors.Is(err, sign.ErrInvalid)
				if f.asJSON {
					outcome := "error"
					if invalid {
						outcome = "invalid"
					}
					writeIndentedJSON(s.out, map[string]any{"path": args[0], "valid": false, "outcome": outcome, "error": err.Error()})
				}
				if invalid {
					return findingsErr(err)
				}
				return internalErr(err)
			}
			if f.asJSON {
				return writeIndentedJSON(s.out, struct {
					Valid bool `json:"valid"`
					*sign.Result
				}{true, res})
			}
			who := "key " + res.KeyID
			if res.Method == "sigstore" {
				who = fmt.Sprintf("%s (issuer %s)", res.Subject, res.Issuer)
			}
			_, err = fmt.Fprintf(s.out, "valid: %s (%s) signed by %s\n", res.Path, res.Digest, who)
			return err
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.key, "key", "", "Ed25519 public key (PKIX PEM)")
	fl.StringVar(&f.signature, "signature", "", "signature file (default <lockfile>.sig)")
	fl.StringVar(&f.bundle, "bundle", "", "Sigstore bundle")
	fl.StringVar(&f.id.Subject, "certificate-identity", "", "expected signer identity (email or URI) in the certificate")
	fl.StringVar(&f.id.SubjectRegexp, "certificate-identity-regexp", "", "regular expression the signer identity must match")
	fl.StringVar(&f.id.Issuer, "certificate-oidc-issuer", "", "expected OIDC issuer in the certificate")
	fl.StringVar(&f.id.IssuerRegexp, "certificate-oidc-issuer-regexp", "", "regular expression the OIDC issuer must match")
	fl.StringVar(&f.trustedRoot, "trusted-root", "", "Sigstore trusted_root.json for offline verification")
	fl.BoolVar(&f.disableSCT, "insecure-ignore-sct", false, "accept a certificate without a certificate transparency timestamp (private Sigstore)")
	fl.BoolVar(&f.asJSON, "json", false, "print the result as JSON")
	return cmd
}

// writeIndentedJSON prints v as indented JSON.
func writeIndentedJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
