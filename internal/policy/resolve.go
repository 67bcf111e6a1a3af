package policy

import (
	"context"
	"net"
	"net/netip"
)

// systemLookup resolves host with the system resolver. It is used only when
// a policy turns on network.resolve_dns and Options.LookupIP is nil.
func systemLookup(ctx context.Context, host string) ([]netip.Addr, error) {
	return net.DefaultResolver.LookupNetIP(ctx, "ip", host)
}
