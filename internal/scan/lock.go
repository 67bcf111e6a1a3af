package scan

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"regexp"
	"slices"
	"strings"

	"github.com/ward-mcp/ward/internal/lockfile"
)

// LockOptions configures Lock.
type LockOptions struct {
	Scan Options
	// Path is the lockfile to create or update.
	Path string
	// Name is the lock name of the server; derived from its own name if empty.
	Name string
	// Build chooses the tools to lock.
	Build lockfile.BuildOptions
	// AllowPoisoned locks definitions that carry metadata-poisoning
	// findings; without it Lock refuses them with a *PoisonedError.
	AllowPoisoned bool
}

// LockOutcome is what Lock did.
type LockOutcome struct {
	Name   string
	Server *lockfile.Server
	// Previous is the server's earlier lock, nil if this is the first.
	Previous *lockfile.Server
	// Changes are the differences from Previous.
	Changes []lockfile.Change
	Result  *Result
	// Poisoning lists the poisoning findings of what was locked (only
	// non-empty with AllowPoisoned).
	Poisoning []Poisoning
}

// Lock scans the server started by argv and records it in the lockfile at
// opts.Path under its lock name, keeping the file's other servers. Locking
// an unchanged server rewrites byte-identical content.
func Lock(ctx context.Context, argv []string, opts *LockOptions) (*LockOutcome, error) {
	file, err := loadOrNew(opts.Path)
	if err != nil {
		return nil, err
	}
	res, err := Command(ctx, argv, &opts.Scan)
	if err != nil {
		return nil, err
	}
	name := opts.Name
	if name == "" {
		name = DefaultName(res.Snapshot.ServerInfo.Name)
	}
	srv, err := lockfile.Build(name, res.Snapshot, opts.Build)
	if err != nil {
		return nil, err
	}
	out := &LockOutcome{Name: name, Server: srv, Previous: file.Servers[name], Result: res}
	// Only what is locked is judged: a poisoned tool left out with
	// --exclude does not stop the lock.
	for _, p := range FindPoisoning(res.Snapshot) {
		if p.Kind == "tool" && srv.Tools[p.Name] == nil {
			continue
		}
		out.Poisoning = append(out.Poisoning, p)
	}
	if len(out.Poisoning) > 0 && !opts.AllowPoisoned {
		return nil, &PoisonedError{Findings: out.Poisoning}
	}
	if out.Previous != nil {
		out.Changes = lockfile.Diff(out.Previous, srv)
	}
	file.Servers[name] = srv
	if err := lockfile.Save(opts.Path, file); err != nil {
		return nil, err
	}
	return out, nil
}

// CheckOptions configures Check.
type CheckOptions struct {
	Scan Options
	// Path is the lockfile to compare with.
	Path string
	// Name picks the server in the lockfile; see PickServer.
	Name string
}

// CheckOutcome is the drift between a lock and the live server.
type CheckOutcome struct {
	Name    string
	Changes []lockfile.Change
	Result  *Result
}

// Check scans the server started by argv and compares it with its lock,
// field by field. The live server is locked with the same tool selection as
// the lock, so tools left out on purpose are not reported as new.
func Check(ctx context.Context, argv []string, opts *CheckOptions) (*CheckOutcome, error) {
	file, err := lockfile.Load(opts.Path)
	if err != nil {
		return nil, err
	}
	res, err := Command(ctx, argv, &opts.Scan)
	if err != nil {
		return nil, err
	}
	name, locked, err := PickServer(file, opts.Name, res.Snapshot.ServerInfo.Name)
	if err != nil {
		return nil, err
	}
	live, err := lockfile.BuildLive(name, res.Snapshot, locked)
	if err != nil {
		return nil, fmt.Errorf("lock the live server for comparison: %w", err)
	}
	return &CheckOutcome{Name: name, Changes: lockfile.Diff(locked, live), Result: res}, nil
}

// PickServer chooses the server of a lockfile: the one named name if given;
// otherwise the only one; otherwise the one named after the live server.
func PickServer(file *lockfile.File, name, liveName string) (string, *lockfile.Server, error) {
	if name != "" {
		s := file.Servers[name]
		if s == nil {
			return "", nil, fmt.Errorf("the lockfile has no server named %q (it has: %s)", name, serverNames(file))
		}
		return name, s, nil
	}
	if len(file.Servers) == 1 {
		for n, s := range file.Servers {
			return n, s, nil
		}
	}
	if liveName != "" {
		if s := file.Servers[DefaultName(liveName)]; s != nil {
			return DefaultName(liveName), s, nil
		}
	}
	return "", nil, fmt.Errorf("the lockfile holds %d servers (%s): choose one with --name", len(file.Servers), serverNames(file))
}

func serverNames(file *lockfile.File) string {
	var names []string
	for n := range file.Servers {
		names = append(names, n)
	}
	if len(names) == 0 {
		return "none"
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}

var nameJunk = regexp.MustCompile(`[^a-z0-9._-]+`)

// DefaultName derives a lock name from a server's own name:
// "@modelcontextprotocol/server-everything" → "modelcontextprotocol-server-everything".
func DefaultName(serverName string) string {
	n := strings.Trim(nameJunk.ReplaceAllString(strings.ToLower(serverName), "-"), "-.")
	if n == "" {
		return "server"
	}
	return n
}

func loadOrNew(path string) (*lockfile.File, error) {
	file, err := lockfile.Load(path)
	if errors.Is(err, fs.ErrNotExist) {
		return lockfile.NewFile(), nil
	}
	if err != nil {
		return nil, err
	}
	if file.Servers == nil {
		file.Servers = map[string]*lockfile.Server{}
	}
	return file, nil
}

// Import converts an MCPTrust lockfile (v2 or v3) at from into a ward
// lockfile at to.
func Import(from, to string) (*lockfile.File, error) {
	data, err := os.ReadFile(from)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", from, err)
	}
	if lockfile.DetectFormat(data) != lockfile.FormatMCPTrust {
		return nil, fmt.Errorf("%s is not an MCPTrust lockfile", from)
	}
	file, err := lockfile.ImportMCPTrust(data)
	if err != nil {
		return nil, err
	}
	if err := lockfile.Save(to, file); err != nil {
		return nil, err
	}
	return file, nil
}
