package lockfile

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// schemaOrTrue maps an absent schema to true: JSON Schema's "accepts
// anything".
func schemaOrTrue(v any) any {
	if isAbsent(v) {
		return true
	}
	return v
}

// schema compares two JSON Schemas (draft 2020-12 vocabulary, with the older
// "definitions" and boolean forms) and grades each difference by whether the
// new schema accepts more (critical) or less (moderate) than the old one.
func (d *differ) schema(p string, o, n any) {
	if jsonEqual(o, n) {
		return
	}
	if acceptsAll(o) && acceptsAll(n) {
		d.add(SeverityInfo, Modified, p, o, n, "the schema is written differently but still accepts any value")
		return
	}
	om, oObj := o.(map[string]any)
	nm, nObj := n.(map[string]any)
	if !oObj || !nObj {
		d.booleanSchema(p, o, n)
		return
	}
	oreq, nreq := stringSet(get(om, "required")), stringSet(get(nm, "required"))
	oprops, nprops := asObject(get(om, "properties")), asObject(get(nm, "properties"))
	for _, k := range unionKeys(om, nm) {
		ov, nv := get(om, k), get(nm, k)
		if jsonEqual(ov, nv) {
			continue
		}
		kp := p + "/" + escapePointer(k)
		switch k {
		case "type":
			d.schemaType(kp, ov, nv)
		case "properties":
			d.properties(kp, oprops, nprops, nreq)
		case "required":
			d.required(kp, oreq, nreq, oprops, nprops)
		case "enum":
			d.enum(kp, ov, nv)
		case "const":
			switch {
			case isAbsent(ov):
				d.add(SeverityModerate, Narrowed, kp, ov, nv, "a constant value is now required")
			case isAbsent(nv):
				d.add(SeverityCritical, Widened, kp, ov, nv, "the constant was removed: any value is accepted")
			default:
				d.add(SeverityCritical, Modified, kp, ov, nv, "the required constant value changed")
			}
		case "pattern":
			switch {
			case isAbsent(ov):
				d.add(SeverityModerate, Narrowed, kp, ov, nv, "a pattern now restricts the value")
			case isAbsent(nv):
				d.add(SeverityCritical, Widened, kp, ov, nv, "the pattern was removed: any string is accepted")
			default:
				d.add(SeverityCritical, Modified, kp, ov, nv, "the pattern changed (ward cannot prove it accepts no more than before)")
			}
		case "format":
			d.add(SeverityModerate, Modified, kp, ov, nv, "the format changed")
		case "additionalProperties", "unevaluatedProperties", "items", "unevaluatedItems", "contains", "propertyNames":
			d.impliedTrue(kp, ov, nv)
		case "minimum", "exclusiveMinimum", "minLength", "minItems", "minProperties", "minContains":
			d.bound(kp, k, ov, nv, false)
		case "maximum", "exclusiveMaximum", "maxLength", "maxItems", "maxProperties", "maxContains":
			d.bound(kp, k, ov, nv, true)
		case "anyOf", "oneOf":
			d.branches(kp, k, ov, nv, true)
		case "allOf":
			d.branches(kp, k, ov, nv, false)
		case "prefixItems":
			d.prefixItems(kp, ov, nv)
		case "patternProperties", "$defs", "definitions", "dependentSchemas":
			d.schemaMap(kp, k, asObject(ov), asObject(nv))
		case "not", "$ref", "$dynamicRef", "if", "then", "else":
			d.add(SeverityCritical, Modified, kp, ov, nv, fmt.Sprintf("%q changed (ward cannot prove the schema accepts no more than before)", k))
		case "description":
			d.description(p+"/description", om, nm)
		case "title", "examples", "$schema", "$id", "$comment", "deprecated", "readOnly", "writeOnly", "$anchor":
			d.add(SeverityInfo, Modified, kp, ov, nv, fmt.Sprintf("%q changed", k))
		case "default":
			d.add(SeverityModerate, Modified, kp, ov, nv, "the default value changed")
		default:
			d.add(SeverityModerate, Modified, kp, ov, nv, fmt.Sprintf("schema keyword %q changed", k))
		}
	}
}

// impliedTrue compares two subschemas where absence means true, but reports
// the values as they are written (absent stays absent).
func (d *differ) impliedTrue(p string, ov, nv any) {
	before := len(d.out)
	d.schema(p, schemaOrTrue(ov), schemaOrTrue(nv))
	if len(d.out) == before+1 && d.out[before].Path == p {
		d.out[before].Old, d.out[before].New = rawOf(ov), rawOf(nv)
	}
}

// acceptsAll reports whether a schema is true or {}.
func acceptsAll(v any) bool {
	if b, ok := v.(bool); ok {
		return b
	}
	m, ok := v.(map[string]any)
	return ok && len(m) == 0
}

// booleanSchema handles a schema that is (or became) true, false or not a
// schema at all.
func (d *differ) booleanSchema(p string, o, n any) {
	ob, oBool := o.(bool)
	nb, nBool := n.(bool)
	_, oObj := o.(map[string]any)
	_, nObj := n.(map[string]any)
	extra := strings.HasSuffix(p, "/additionalProperties") || strings.HasSuffix(p, "/unevaluatedProperties")
	pick := func(forExtra, forSchema string) string {
		if extra {
			return forExtra
		}
		return forSchema
	}
	switch {
	case (oBool || oObj) && nBool && nb:
		d.add(SeverityCritical, Widened, p, o, n, pick("any additional property is now allowed (additionalProperties opened)", "the schema now accepts any value"))
	case oBool && !ob && (nObj || nBool):
		d.add(SeverityCritical, Widened, p, o, n, pick("additional properties were forbidden and are now allowed", "the schema accepted nothing and now accepts values"))
	case (nBool && !nb) || (oBool && ob && nObj):
		d.add(SeverityModerate, Narrowed, p, o, n, pick("additional properties are now restricted", "the schema now accepts less"))
	default:
		d.add(SeverityCritical, Modified, p, o, n, "the schema changed shape")
	}
}

func typeSet(v any) []string {
	switch t := v.(type) {
	case string:
		return []string{t}
	case []any:
		var out []string
		for _, x := range t {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
		slices.Sort(out)
		return out
	}
	return nil
}

func (d *differ) schemaType(p string, ov, nv any) {
	if isAbsent(nv) {
		d.add(SeverityCritical, TypeChanged, p, ov, nv, "the type constraint was removed: any type is accepted")
		return
	}
	if isAbsent(ov) {
		d.add(SeverityModerate, Narrowed, p, ov, nv, "a type constraint was added")
		return
	}
	oldT, newT := typeSet(ov), typeSet(nv)
	var gained []string
	for _, t := range newT {
		if slices.Contains(oldT, t) || (t == "integer" && slices.Contains(oldT, "number")) {
			continue
		}
		gained = append(gained, t)
	}
	if len(gained) > 0 {
		d.add(SeverityCritical, TypeChanged, p, ov, nv, fmt.Sprintf("the type changed from %s to %s", canonicalString(ov), canonicalString(nv)))
		return
	}
	d.add(SeverityModerate, Narrowed, p, ov, nv, fmt.Sprintf("the type narrowed from %s to %s", canonicalString(ov), canonicalString(nv)))
}

func (d *differ) properties(p string, o, n map[string]any, nreq map[string]bool) {
	for _, k := range unionKeys(o, n) {
		ov, oin := o[k]
		nv, nin := n[k]
		kp := p + "/" + escapePointer(k)
		switch {
		case !oin && nreq[k]:
			d.add(SeverityCritical, RequiredAdded, kp, absent, nv, fmt.Sprintf("new required argument %q", k))
		case !oin:
			d.add(SeverityCritical, Widened, kp, absent, nv, fmt.Sprintf("new property %q widens what is accepted", k))
		case !nin:
			d.add(SeverityModerate, Removed, kp, ov, absent, fmt.Sprintf("property %q removed", k))
		default:
			d.schema(kp, ov, nv)
		}
	}
}

func (d *differ) required(p string, oreq, nreq map[string]bool, oprops, nprops map[string]any) {
	for _, k := range unionKeys(oreq, nreq) {
		_, inOld := oprops[k]
		_, inNew := nprops[k]
		switch {
		case nreq[k] && !oreq[k]:
			if inNew && !inOld {
				continue // reported as a new required argument under properties
			}
			d.add(SeverityCritical, RequiredAdded, p, absent, k, fmt.Sprintf("argument %q is now required", k))
		case oreq[k] && !nreq[k]:
			if inOld && !inNew {
				continue // reported as a removed property
			}
			d.add(SeverityModerate, RequiredRemoved, p, k, absent, fmt.Sprintf("argument %q is no longer required", k))
		}
	}
}

func (d *differ) enum(p string, ov, nv any) {
	switch {
	case isAbsent(ov):
		d.add(SeverityModerate, Narrowed, p, ov, nv, "an enum now restricts the value")
		return
	case isAbsent(nv):
		d.add(SeverityCritical, Widened, p, ov, nv, "the enum was removed: any value is accepted")
		return
	}
	oldSet := canonicalSet(ov)
	var gained, lost []any
	newSet := canonicalSet(nv)
	for _, v := range asList(nv) {
		if !oldSet[canonicalString(v)] {
			gained = append(gained, v)
		}
	}
	for _, v := range asList(ov) {
		if !newSet[canonicalString(v)] {
			lost = append(lost, v)
		}
	}
	switch {
	case len(gained) > 0:
		d.add(SeverityCritical, Widened, p, ov, nv, fmt.Sprintf("the enum widened: now also accepts %s", canonicalString(gained)))
	case len(lost) > 0:
		d.add(SeverityModerate, Narrowed, p, ov, nv, fmt.Sprintf("the enum narrowed: no longer accepts %s", canonicalString(lost)))
	default:
		d.add(SeverityInfo, Modified, p, ov, nv, "the enum was reordered")
	}
}

// bound compares a numeric lower (upper=false) or upper bound.
func (d *differ) bound(p, k string, ov, nv any, upper bool) {
	of, oNum := number(ov)
	nf, nNum := number(nv)
	switch {
	case isAbsent(nv):
		d.add(SeverityCritical, Widened, p, ov, nv, fmt.Sprintf("%s was removed", k))
	case isAbsent(ov):
		d.add(SeverityModerate, Narrowed, p, ov, nv, fmt.Sprintf("%s was added", k))
	case !oNum || !nNum:
		d.add(SeverityCritical, Modified, p, ov, nv, fmt.Sprintf("%s changed", k))
	case (upper && nf > of) || (!upper && nf < of):
		d.add(SeverityCritical, Widened, p, ov, nv, fmt.Sprintf("%s relaxed from %s to %s", k, canonicalString(ov), canonicalString(nv)))
	default:
		d.add(SeverityModerate, Narrowed, p, ov, nv, fmt.Sprintf("%s tightened from %s to %s", k, canonicalString(ov), canonicalString(nv)))
	}
}

// branches compares anyOf/oneOf (union: more branches accept more) or allOf
// (intersection: more branches accept less) as sets of canonical schemas.
func (d *differ) branches(p, k string, ov, nv any, union bool) {
	oldSet, newSet := canonicalSet(ov), canonicalSet(nv)
	var gained, lost []any
	for _, v := range asList(nv) {
		if !oldSet[canonicalString(v)] {
			gained = append(gained, v)
		}
	}
	for _, v := range asList(ov) {
		if !newSet[canonicalString(v)] {
			lost = append(lost, v)
		}
	}
	wider := (union && len(gained) > 0) || (!union && len(lost) > 0) || isAbsent(nv) && !union
	switch {
	case isAbsent(ov) && union:
		d.add(SeverityModerate, Narrowed, p, ov, nv, fmt.Sprintf("%s added", k))
	case isAbsent(nv) && union:
		d.add(SeverityCritical, Widened, p, ov, nv, fmt.Sprintf("%s removed", k))
	case wider:
		d.add(SeverityCritical, Widened, p, ov, nv, fmt.Sprintf("%s changed so that more values are accepted", k))
	case len(gained)+len(lost) > 0:
		d.add(SeverityModerate, Narrowed, p, ov, nv, fmt.Sprintf("%s changed so that fewer values are accepted", k))
	default:
		d.add(SeverityInfo, Modified, p, ov, nv, fmt.Sprintf("%s was reordered", k))
	}
}

func (d *differ) prefixItems(p string, ov, nv any) {
	ol, nl := asList(ov), asList(nv)
	for i := 0; i < max(len(ol), len(nl)); i++ {
		ip := fmt.Sprintf("%s/%d", p, i)
		switch {
		case i >= len(ol):
			d.add(SeverityModerate, Added, ip, absent, nl[i], "a positional item schema was added")
		case i >= len(nl):
			d.add(SeverityCritical, Widened, ip, ol[i], absent, "a positional item schema was removed")
		default:
			d.schema(ip, ol[i], nl[i])
		}
	}
}

// schemaMap compares keyword maps whose values are schemas.
func (d *differ) schemaMap(p, k string, o, n map[string]any) {
	for _, name := range unionKeys(o, n) {
		ov, oin := o[name]
		nv, nin := n[name]
		np := p + "/" + escapePointer(name)
		switch {
		case !oin && k == "patternProperties":
			d.add(SeverityCritical, Widened, np, absent, nv, fmt.Sprintf("new pattern property %q widens what is accepted", name))
		case !oin:
			d.add(SeverityInfo, Added, np, absent, nv, fmt.Sprintf("%s entry %q added", k, name))
		case !nin:
			d.add(SeverityModerate, Removed, np, ov, absent, fmt.Sprintf("%s entry %q removed", k, name))
		default:
			d.schema(np, ov, nv)
		}
	}
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}

func canonicalSet(v any) map[string]bool {
	set := map[string]bool{}
	for _, x := range asList(v) {
		set[canonicalString(x)] = true
	}
	return set
}

func stringSet(v any) map[string]bool {
	set := map[string]bool{}
	for _, x := range asList(v) {
		if s, ok := x.(string); ok {
			set[s] = true
		}
	}
	return set
}

func number(v any) (float64, bool) {
	n, ok := v.(json.Number)
	if !ok {
		return 0, false
	}
	f, err := n.Float64()
	return f, err == nil
}
