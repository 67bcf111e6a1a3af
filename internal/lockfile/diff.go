package lockfile

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// ChangeKind says what happened to the field a [Change] points at.
type ChangeKind string

// The kinds of change [Diff] reports.
const (
	// Added: an item, property, argument or field appeared.
	Added ChangeKind = "added"
	// Removed: an item, property, argument or field disappeared.
	Removed ChangeKind = "removed"
	// Modified: a value changed in a way that is neither clearly wider nor
	// narrower (a description, a pattern replaced by another).
	Modified ChangeKind = "changed"
	// Widened: a schema accepts more than before.
	Widened ChangeKind = "widened"
	// Narrowed: a schema accepts less than before.
	Narrowed ChangeKind = "narrowed"
	// TypeChanged: a schema's type accepts a type it did not.
	TypeChanged ChangeKind = "type-changed"
	// RequiredAdded: an argument became required (or a new required one
	// appeared).
	RequiredAdded ChangeKind = "required-added"
	// RequiredRemoved: an argument is no longer required.
	RequiredRemoved ChangeKind = "required-removed"
	// AnnotationFlipped: a tool annotation changed its effective value.
	AnnotationFlipped ChangeKind = "annotation-flipped"
)

// Change is one difference between a lock and a live server (or two locks).
// It marshals to stable JSON.
type Change struct {
	// Severity grades the change.
	Severity Severity `json:"severity"`
	// Kind says what happened.
	Kind ChangeKind `json:"kind"`
	// Item is the kind of thing changed.
	Item Item `json:"item"`
	// Name names the item (tool or prompt name, resource URI, URI template;
	// the server's lock name is not known here, so server-level changes
	// have an empty Name).
	Name string `json:"name,omitempty"`
	// Path is a JSON pointer into the item's definition (for server-level
	// changes, into the lock's server object); empty for a whole item.
	Path string `json:"path"`
	// Old and New are the values before and after, as compact JSON; absent
	// when the value did not exist.
	Old json.RawMessage `json:"old,omitempty"`
	New json.RawMessage `json:"new,omitempty"`
	// Message explains the change in one sentence.
	Message string `json:"message"`
}

// Diff compares a locked server (old, non-nil) with a newer lock of the
// same server (cur, non-nil; usually one just built from a live scan) and
// returns every difference, field by field, graded. Changes are ordered:
// server fields first, then tools, prompts, resources and templates by
// name, each item's changes in definition order. A nil slice means nothing
// changed.
//
// Removing a tool is graded moderate, not critical: it takes capability
// away. Output-schema changes are at most moderate: they change what the
// server returns, not what it accepts.
func Diff(old, cur *Server) []Change {
	d := &differ{}
	d.server(old, cur)
	for _, spec := range []*itemSpec{toolSpec, promptSpec, resourceSpec, templateSpec} {
		o, n := old.entries(spec.item), cur.entries(spec.item)
		names := slices.Sorted(maps.Keys(o))
		for k := range n {
			if _, ok := o[k]; !ok {
				names = append(names, k)
			}
		}
		slices.Sort(names)
		for _, name := range names {
			d.item, d.name = spec.item, name
			d.entry(spec, old, o[name], n[name])
		}
	}
	return d.out
}

type differ struct {
	out    []Change
	item   Item
	name   string
	output bool // inside an outputSchema: cap severity at moderate
}

func (d *differ) add(sev Severity, kind ChangeKind, path string, o, n any, msg string) {
	if d.output && sev == SeverityCritical {
		sev = SeverityModerate
	}
	d.out = append(d.out, Change{Severity: sev, Kind: kind, Item: d.item, Name: d.name, Path: path, Old: rawOf(o), New: rawOf(n), Message: msg})
}

// absent marks a value that does not exist (as opposed to JSON null).
type absentT struct{}

var absent = absentT{}

func rawOf(v any) json.RawMessage {
	if v == nil {
		return json.RawMessage("null")
	}
	if _, ok := v.(absentT); ok {
		return nil
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil
	}
	return bytes.TrimRight(buf.Bytes(), "\n")
}

func (d *differ) server(o, n *Server) {
	d.item, d.name = ItemServer, ""
	if o.ImportedFrom != "" && n.ImportedFrom == "" {
		// An imported lock never knew the server's identity, instructions or
		// capabilities; comparing them would only be noise.
		d.add(SeverityInfo, Modified, "/importedFrom", o.ImportedFrom, absent,
			fmt.Sprintf("the lock was imported from %s and records no server identity, instructions or capabilities; relock to record them", o.ImportedFrom))
		d.artifact(o, n)
		return
	}
	str := func(path, label string, sev Severity, a, b string) {
		if a == b {
			return
		}
		d.add(sev, Modified, path, orAbsent(a), orAbsent(b), label+" changed")
	}
	str("/serverInfo/name", "server name", SeverityInfo, o.Info.Name, n.Info.Name)
	str("/serverInfo/version", "server version", SeverityInfo, o.Info.Version, n.Info.Version)
	str("/serverInfo/title", "server title", SeverityInfo, o.Info.Title, n.Info.Title)
	str("/protocolVersion", "protocol version", SeverityInfo, o.ProtocolVersion, n.ProtocolVersion)
	if o.Instructions != n.Instructions {
		sev, msg := SeverityModerate, "instructions changed (they reach the model)"
		if sameWords(o.Instructions, n.Instructions) {
			sev, msg = SeverityInfo, "instructions changed in whitespace only"
		}
		d.add(sev, Modified, "/instructions", orAbsent(o.Instructions), orAbsent(n.Instructions), msg)
	}
	if !slices.Equal(o.Source.Command, n.Source.Command) || o.Source.URL != n.Source.URL || o.Source.CommandLine != n.Source.CommandLine {
		d.add(SeverityModerate, Modified, "/source", o.Source, n.Source, "the command or URL the server is reached by changed")
	}
	if !bytes.Equal(o.Capabilities, n.Capabilities) {
		oc, nc := decodeObject(o.Capabilities), decodeObject(n.Capabilities)
		for _, k := range unionKeys(oc, nc) {
			ov, oin := oc[k]
			nv, nin := nc[k]
			p := "/capabilities/" + escapePointer(k)
			switch {
			case !oin:
				d.add(SeverityModerate, Added, p, absent, nv, fmt.Sprintf("server now declares capability %q", k))
			case !nin:
				d.add(SeverityInfo, Removed, p, ov, absent, fmt.Sprintf("server no longer declares capability %q", k))
			case !jsonEqual(ov, nv):
				d.add(SeverityModerate, Modified, p, ov, nv, fmt.Sprintf("capability %q changed", k))
			}
		}
	}
	if !equalSelection(o.Selection, n.Selection) {
		var ov, nv any = absent, absent
		if o.Selection != nil {
			ov = o.Selection
		}
		if n.Selection != nil {
			nv = n.Selection
		}
		d.add(SeverityInfo, Modified, "/selection", ov, nv, "the approved subset of tools (--only/--exclude) changed")
	}
	d.artifact(o, n)
}

func equalSelection(a, b *Selection) bool {
	if a == nil || b == nil {
		return a == b
	}
	return slices.Equal(a.Only, b.Only) && slices.Equal(a.Exclude, b.Exclude)
}

func (d *differ) artifact(o, n *Server) {
	if n.Artifact != nil && (o.Artifact == nil || *o.Artifact != *n.Artifact) {
		var ov any = absent
		if o.Artifact != nil {
			ov = o.Artifact
		}
		d.add(SeverityModerate, Modified, "/artifact", ov, n.Artifact, "the artifact the server runs from changed")
	}
}

func orAbsent(s string) any {
	if s == "" {
		return absent
	}
	return s
}

func (d *differ) entry(spec *itemSpec, oldSrv *Server, o, n *Entry) {
	label := fmt.Sprintf("%s %q", itemWord(spec.item), d.name)
	switch {
	case o == nil:
		var def any = absent
		if n.Definition != nil {
			def = decodeAny(n.Definition)
		}
		sev := map[Item]Severity{ItemTool: SeverityCritical, ItemPrompt: SeverityModerate, ItemResource: SeverityModerate, ItemTemplate: SeverityModerate}[spec.item]
		msg := "new " + label
		if spec.item == ItemTool && !oldSrv.Selected(d.name) {
			sev, msg = SeverityInfo, "new "+label+" is outside the lock's --only/--exclude selection and stays hidden"
		}
		d.add(sev, Added, "", absent, def, msg)
		return
	case n == nil:
		var def any = absent
		if o.Definition != nil {
			def = decodeAny(o.Definition)
		}
		sev := SeverityInfo
		if spec.item == ItemTool {
			sev = SeverityModerate
		}
		d.add(sev, Removed, "", def, absent, label+" removed")
		return
	}
	if o.MCPTrust == nil && n.MCPTrust == nil && o.Hash == n.Hash {
		return
	}
	before := len(d.out)
	switch {
	case o.MCPTrust != nil || n.MCPTrust != nil:
		d.imported(spec, o, n, label)
	default:
		om, nm := decodeObject(o.Definition), decodeObject(n.Definition)
		switch spec.item {
		case ItemTool:
			d.tool(om, nm)
		case ItemPrompt:
			d.prompt(om, nm)
		default:
			d.resource(om, nm)
		}
	}
	if len(d.out) == before && o.MCPTrust == nil && n.MCPTrust == nil && o.Hash != n.Hash {
		// Safety net: a hash moved and no rule above explained why.
		d.add(SeverityModerate, Modified, "", absent, absent, label+" definition changed")
	}
}

func itemWord(it Item) string {
	if it == ItemTemplate {
		return "resource template"
	}
	return string(it)
}

// imported compares entries when one side carries only MCPTrust hashes.
func (d *differ) imported(spec *itemSpec, o, n *Entry, label string) {
	if o.MCPTrust != nil && n.MCPTrust != nil {
		if *o.MCPTrust != *n.MCPTrust {
			d.add(SeverityCritical, Modified, "", o.MCPTrust.String(), n.MCPTrust.String(), label+" changed (both sides hold MCPTrust hashes only; ward cannot say which field)")
		}
		return
	}
	if o.MCPTrust == nil {
		d.add(SeverityCritical, Modified, "", absent, absent, label+" changed (the newer side holds MCPTrust hashes only)")
		return
	}
	live, err := mcptrustPinFor(spec.item, n.Definition)
	if err != nil {
		d.add(SeverityCritical, Modified, "", absent, absent, label+" cannot be compared with its MCPTrust hashes: "+err.Error())
		return
	}
	const note = " (the lock holds MCPTrust hashes only; relock to record definitions)"
	lp := o.MCPTrust
	if lp.DescriptionHash != "" && lp.DescriptionHash != live.DescriptionHash {
		d.add(SeverityModerate, Modified, "/description", lp.DescriptionHash, live.DescriptionHash, "description changed"+note)
	}
	if lp.InputSchemaHash != "" && lp.InputSchemaHash != live.InputSchemaHash {
		d.add(SeverityCritical, Modified, "/inputSchema", lp.InputSchemaHash, live.InputSchemaHash, "input schema changed"+note)
	}
	if lp.ArgumentsHash != "" && lp.ArgumentsHash != live.ArgumentsHash {
		d.add(SeverityCritical, Modified, "/arguments", lp.ArgumentsHash, live.ArgumentsHash, "arguments changed"+note)
	}
	if lp.Name != "" && lp.Name != live.Name {
		d.add(SeverityInfo, Modified, "/name", lp.Name, live.Name, "name changed")
	}
	if lp.MIMEType != "" && lp.MIMEType != live.MIMEType {
		d.add(SeverityModerate, Modified, "/mimeType", lp.MIMEType, live.MIMEType, "MIME type changed")
	}
}

func (d *differ) tool(o, n map[string]any) {
	d.title("/title", o, n)
	d.description("/description", o, n)
	oi, nin := get(o, "inputSchema"), get(n, "inputSchema")
	d.impliedTrue("/inputSchema", oi, nin)
	oo, no := get(o, "outputSchema"), get(n, "outputSchema")
	switch {
	case isAbsent(oo) && isAbsent(no):
	case isAbsent(oo):
		d.add(SeverityInfo, Added, "/outputSchema", absent, no, "output schema added")
	case isAbsent(no):
		d.add(SeverityInfo, Removed, "/outputSchema", oo, absent, "output schema removed")
	default:
		d.output = true
		d.schema("/outputSchema", oo, no)
		d.output = false
	}
	oa, na := get(o, "annotations"), get(n, "annotations")
	if !jsonEqual(oa, na) && len(asObject(oa)) == 0 && len(asObject(na)) == 0 {
		d.add(SeverityInfo, Modified, "/annotations", oa, na, "an empty annotations object was added or removed; no hint changed")
	}
	d.annotations(asObject(oa), asObject(na))
}

// annotation defaults from the MCP specification (ToolAnnotations).
var annotationDefaults = map[string]bool{
	"readOnlyHint":    false,
	"destructiveHint": true,
	"idempotentHint":  false,
	"openWorldHint":   true,
}

func (d *differ) annotations(o, n map[string]any) {
	for _, k := range unionKeys(o, n) {
		ov, nv := get(o, k), get(n, k)
		if jsonEqual(ov, nv) {
			continue
		}
		p := "/annotations/" + escapePointer(k)
		def, isHint := annotationDefaults[k]
		if k == "title" {
			d.add(SeverityInfo, Modified, p, ov, nv, "annotation title changed")
			continue
		}
		if !isHint {
			d.add(SeverityModerate, Modified, p, ov, nv, fmt.Sprintf("annotation %q changed", k))
			continue
		}
		ob, oOK := ov.(bool)
		nb, nOK := nv.(bool)
		if !oOK {
			ob = def
		}
		if !nOK {
			nb = def
		}
		if ob == nb {
			msg := fmt.Sprintf("annotation %q is now set explicitly to its default (%v); its meaning did not change", k, def)
			if isAbsent(nv) {
				msg = fmt.Sprintf("annotation %q was removed; its default (%v) means the same", k, def)
			}
			d.add(SeverityInfo, Modified, p, ov, nv, msg)
			continue
		}
		sev, msg := SeverityInfo, fmt.Sprintf("%s is now %v", k, nb)
		switch {
		case k == "readOnlyHint" && !nb:
			sev, msg = SeverityCritical, "the tool no longer declares itself read-only (readOnlyHint now false)"
		case k == "destructiveHint" && nb:
			sev, msg = SeverityCritical, "the tool now declares it may destroy data (destructiveHint now true)"
		case k == "openWorldHint" && nb:
			sev, msg = SeverityModerate, "the tool now declares it reaches the outside world (openWorldHint now true)"
		case k == "idempotentHint" && !nb:
			sev, msg = SeverityModerate, "the tool no longer declares itself idempotent (idempotentHint now false)"
		}
		d.add(sev, AnnotationFlipped, p, ov, nv, msg)
	}
}

func (d *differ) prompt(o, n map[string]any) {
	d.title("/title", o, n)
	d.description("/description", o, n)
	if ov, nv := get(o, "arguments"), get(n, "arguments"); !jsonEqual(ov, nv) && len(asList(ov)) == 0 && len(asList(nv)) == 0 {
		d.add(SeverityInfo, Modified, "/arguments", ov, nv, "an empty argument list was added or removed")
	}
	oa, na := argsByName(get(o, "arguments")), argsByName(get(n, "arguments"))
	for _, name := range unionKeys(oa, na) {
		oarg, oin := oa[name]
		narg, nin := na[name]
		switch {
		case !oin:
			p := fmt.Sprintf("/arguments/%d", narg.index)
			if truthy(get(narg.def, "required")) {
				d.add(SeverityCritical, RequiredAdded, p, absent, narg.def, fmt.Sprintf("new required argument %q", name))
			} else {
				d.add(SeverityModerate, Added, p, absent, narg.def, fmt.Sprintf("new optional argument %q", name))
			}
		case !nin:
			d.add(SeverityModerate, Removed, fmt.Sprintf("/arguments/%d", oarg.index), oarg.def, absent, fmt.Sprintf("argument %q removed", name))
		default:
			p := fmt.Sprintf("/arguments/%d", narg.index)
			or, nr := truthy(get(oarg.def, "required")), truthy(get(narg.def, "required"))
			if or != nr {
				if nr {
					d.add(SeverityCritical, RequiredAdded, p+"/required", get(oarg.def, "required"), get(narg.def, "required"), fmt.Sprintf("argument %q is now required", name))
				} else {
					d.add(SeverityModerate, RequiredRemoved, p+"/required", get(oarg.def, "required"), get(narg.def, "required"), fmt.Sprintf("argument %q is no longer required", name))
				}
			}
			d.title(p+"/title", oarg.def, narg.def)
			d.description(p+"/description", oarg.def, narg.def)
			for _, k := range unionKeys(oarg.def, narg.def) {
				switch k {
				case "name", "required", "title", "description":
					continue
				}
				if ov, nv := get(oarg.def, k), get(narg.def, k); !jsonEqual(ov, nv) {
					d.add(SeverityModerate, Modified, p+"/"+escapePointer(k), ov, nv, fmt.Sprintf("argument %q field %q changed", name, k))
				}
			}
		}
	}
}

type promptArg struct {
	index int
	def   map[string]any
}

func argsByName(v any) map[string]promptArg {
	out := map[string]promptArg{}
	list, _ := v.([]any)
	for i, a := range list {
		m, _ := a.(map[string]any)
		name, _ := get(m, "name").(string)
		if _, dup := out[name]; !dup {
			out[name] = promptArg{index: i, def: m}
		}
	}
	return out
}

func (d *differ) resource(o, n map[string]any) {
	if ov, nv := get(o, "name"), get(n, "name"); !jsonEqual(ov, nv) {
		d.add(SeverityInfo, Modified, "/name", ov, nv, "name changed")
	}
	d.title("/title", o, n)
	d.description("/description", o, n)
	if ov, nv := get(o, "mimeType"), get(n, "mimeType"); !jsonEqual(ov, nv) {
		d.add(SeverityModerate, Modified, "/mimeType", ov, nv, "MIME type changed")
	}
}

func (d *differ) title(p string, o, n map[string]any) {
	if ov, nv := get(o, "title"), get(n, "title"); !jsonEqual(ov, nv) {
		d.add(SeverityInfo, Modified, p, ov, nv, "title changed")
	}
}

func (d *differ) description(p string, o, n map[string]any) {
	ov, nv := get(o, "description"), get(n, "description")
	if jsonEqual(ov, nv) {
		return
	}
	os, _ := ov.(string)
	ns, _ := nv.(string)
	kind := Modified
	switch {
	case isAbsent(ov):
		kind = Added
	case isAbsent(nv):
		kind = Removed
	}
	if sameWords(os, ns) && kind == Modified {
		d.add(SeverityInfo, Modified, p, ov, nv, "description changed in whitespace only")
		return
	}
	d.add(SeverityModerate, kind, p, ov, nv, "description changed (descriptions reach the model)")
}

// sameWords reports whether a and b differ only in whitespace.
func sameWords(a, b string) bool {
	return slices.Equal(strings.Fields(a), strings.Fields(b))
}

// decoding helpers

func decodeAny(raw []byte) any {
	if len(raw) == 0 {
		return absent
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if dec.Decode(&v) != nil {
		return absent
	}
	return v
}

func decodeObject(raw []byte) map[string]any {
	m, _ := decodeAny(raw).(map[string]any)
	return m
}

func asObject(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

// get returns m[k], or absent.
func get(m map[string]any, k string) any {
	if v, ok := m[k]; ok {
		return v
	}
	return absent
}

func isAbsent(v any) bool {
	_, ok := v.(absentT)
	return ok
}

func truthy(v any) bool {
	b, _ := v.(bool)
	return b
}

func unionKeys[V any](a, b map[string]V) []string {
	keys := slices.Collect(maps.Keys(a))
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return keys
}

// jsonEqual compares two decoded values by their canonical encoding.
func jsonEqual(a, b any) bool {
	if isAbsent(a) || isAbsent(b) {
		return isAbsent(a) && isAbsent(b)
	}
	return canonicalString(a) == canonicalString(b)
}

// canonicalString returns the RFC 8785 form of a decoded value (falling back
// to encoding/json's form if it cannot be canonicalised).
func canonicalString(v any) string {
	raw := rawOf(v)
	if c, err := Canonicalize(raw); err == nil {
		return string(c)
	}
	return string(raw)
}

// escapePointer escapes one JSON pointer reference token (RFC 6901).
func escapePointer(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}
