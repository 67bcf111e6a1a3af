package lockfile

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
)

// Item names the kind of thing a lock entry or a change is about.
type Item string

// The items a lock records. ItemServer is used by [Change] for server-level
// fields (instructions, identity, capabilities).
const (
	ItemServer   Item = "server"
	ItemTool     Item = "tool"
	ItemPrompt   Item = "prompt"
	ItemResource Item = "resource"
	ItemTemplate Item = "resourceTemplate"
)

// hashPrefix starts every hash ward writes.
const hashPrefix = "sha256:"

// itemSpec says which member of an item's definition names it and which
// members are hashed.
type itemSpec struct {
	item   Item
	key    string
	fields []string
}

// The hashed fields. Everything else a server sends with an item is left out
// of the lock on purpose:
//   - "_meta" is free-form metadata servers and SDKs change between runs;
//   - "icons" are presentation only and often carry data: URIs;
//   - a tool's "execution" hints (task support) describe scheduling, not
//     what the tool does or accepts;
//   - a resource's "size" and "annotations" (audience, priority,
//     lastModified) move whenever the content changes.
var (
	toolSpec     = &itemSpec{ItemTool, "name", []string{"name", "title", "description", "inputSchema", "outputSchema", "annotations"}}
	promptSpec   = &itemSpec{ItemPrompt, "name", []string{"name", "title", "description", "arguments"}}
	resourceSpec = &itemSpec{ItemResource, "uri", []string{"uri", "name", "title", "description", "mimeType"}}
	templateSpec = &itemSpec{ItemTemplate, "uriTemplate", []string{"uriTemplate", "name", "title", "description", "mimeType"}}
)

func specFor(it Item) *itemSpec {
	switch it {
	case ItemTool:
		return toolSpec
	case ItemPrompt:
		return promptSpec
	case ItemResource:
		return resourceSpec
	case ItemTemplate:
		return templateSpec
	}
	return nil
}

// Canonicalize returns the RFC 8785 (JSON Canonicalization Scheme) form of
// data, which must be exactly one strictly valid JSON value: valid UTF-8, no
// duplicate keys, no unpaired surrogates, numbers that fit a double.
func Canonicalize(data []byte) ([]byte, error) {
	return canonicalize(data)
}

// hashBytes returns "sha256:<hex>" of b.
func hashBytes(b []byte) string {
	sum := sha256.Sum256(b)
	return hashPrefix + hex.EncodeToString(sum[:])
}

// validHash reports whether h is "sha256:" followed by 64 lower-case hex
// digits.
func validHash(h string) bool {
	hexPart, ok := strings.CutPrefix(h, hashPrefix)
	if !ok || len(hexPart) != 64 {
		return false
	}
	for i := 0; i < len(hexPart); i++ {
		c := hexPart[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// canonicalItem projects one raw item of a list result onto its hashed
// fields and returns its key (name or URI), the canonical bytes of the
// projection and their hash.
func canonicalItem(spec *itemSpec, raw []byte) (key string, canon []byte, hash string, err error) {
	members, err := strictObject(raw)
	if err != nil {
		return "", nil, "", fmt.Errorf("%s definition: %w", spec.item, err)
	}
	// The hashed field names are ASCII identifiers, so sorting them by
	// bytes gives RFC 8785's UTF-16 order.
	type field struct {
		name string
		val  []byte
	}
	picked := make([]field, 0, len(spec.fields))
	for _, m := range members {
		if !contains(spec.fields, m.key) {
			continue
		}
		if m.key == spec.key {
			if err := json.Unmarshal(m.val, &key); err != nil {
				return "", nil, "", fmt.Errorf("%s definition: %q is not a string", spec.item, spec.key)
			}
		}
		picked = append(picked, field{m.key, m.val})
	}
	if key == "" {
		return "", nil, "", fmt.Errorf("%s definition: missing or empty %q", spec.item, spec.key)
	}
	slices.SortFunc(picked, func(a, b field) int { return strings.Compare(a.name, b.name) })
	canon = make([]byte, 0, len(raw))
	canon = append(canon, '{')
	for i, f := range picked {
		if i > 0 {
			canon = append(canon, ',')
		}
		canon = appendCanonicalString(canon, f.name)
		canon = append(canon, ':')
		if canon, err = (&strictParser{data: f.val}).canonical(canon, 1); err != nil {
			return "", nil, "", fmt.Errorf("%s %q: %w", spec.item, key, err)
		}
	}
	canon = append(canon, '}')
	return key, canon, hashBytes(canon), nil
}

// HashItem returns the name (for templates the URI template, for resources
// the URI) and the lock hash of one raw item of a list result, as
// [Build] would record it.
func HashItem(it Item, raw json.RawMessage) (name, hash string, err error) {
	spec := specFor(it)
	if spec == nil {
		return "", "", fmt.Errorf("unknown item kind %q", it)
	}
	name, _, hash, err = canonicalItem(spec, raw)
	return name, hash, err
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// itemCache remembers, for the raw bytes of items already checked, the key
// and hash they canonicalise to. Canonicalisation is a pure function of the
// raw bytes, so a hit is exactly as good as recomputing; it turns the second
// and later list responses of a session (and of every session of the same
// server) into one SHA-256 of the raw bytes and a map lookup.
var itemCache = &hashCache{m: map[cacheKey]cachedItem{}}

// maxCachedItems bounds itemCache; when full it is emptied.
const maxCachedItems = 8192

type cacheKey struct {
	item Item
	sum  [sha256.Size]byte
}

type cachedItem struct {
	key, hash string
}

type hashCache struct {
	mu sync.RWMutex
	m  map[cacheKey]cachedItem
}

// itemHash returns the key and hash of a raw item, from the cache when the
// same bytes were seen before.
func itemHash(spec *itemSpec, raw []byte) (key, hash string, err error) {
	ck := cacheKey{spec.item, sha256.Sum256(raw)}
	itemCache.mu.RLock()
	c, ok := itemCache.m[ck]
	itemCache.mu.RUnlock()
	if ok {
		return c.key, c.hash, nil
	}
	key, _, hash, err = canonicalItem(spec, raw)
	if err != nil {
		return "", "", err
	}
	itemCache.mu.Lock()
	if len(itemCache.m) >= maxCachedItems {
		clear(itemCache.m)
	}
	itemCache.m[ck] = cachedItem{key, hash}
	itemCache.mu.Unlock()
	return key, hash, nil
}
