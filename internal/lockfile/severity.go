package lockfile

import "fmt"

// Severity grades a [Change]. The zero value is not a valid severity.
type Severity int

// Severities, in increasing order.
const (
	// SeverityInfo: cosmetic (a title, whitespace in a description) or a
	// change that only reduces what the server offers.
	SeverityInfo Severity = iota + 1
	// SeverityModerate: worth a review (a description or the instructions
	// changed, a prompt or resource appeared, a tool disappeared).
	SeverityModerate
	// SeverityCritical: the server can now do or accept more than what was
	// approved (a new tool, a widened schema, a new required argument, a type
	// change, an annotation that turns a tool destructive or writable).
	SeverityCritical
)

// String returns "info", "moderate" or "critical".
func (s Severity) String() string {
	switch s {
	case SeverityInfo:
		return "info"
	case SeverityModerate:
		return "moderate"
	case SeverityCritical:
		return "critical"
	}
	return fmt.Sprintf("severity(%d)", int(s))
}

// ParseSeverity parses "info", "moderate" or "critical" exactly; anything
// else (other case, spaces, unknown words) is an error.
func ParseSeverity(s string) (Severity, error) {
	switch s {
	case "info":
		return SeverityInfo, nil
	case "moderate":
		return SeverityModerate, nil
	case "critical":
		return SeverityCritical, nil
	}
	return 0, fmt.Errorf("unknown severity %q (want critical, moderate or info)", s)
}

// MarshalText encodes s as its name.
func (s Severity) MarshalText() ([]byte, error) {
	switch s {
	case SeverityInfo, SeverityModerate, SeverityCritical:
		return []byte(s.String()), nil
	}
	return nil, fmt.Errorf("marshal severity: invalid value %d", int(s))
}

// UnmarshalText decodes a severity name strictly (see [ParseSeverity]).
func (s *Severity) UnmarshalText(b []byte) error {
	v, err := ParseSeverity(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// Worst returns the highest severity among changes, or 0 when there are
// none.
func Worst(changes []Change) Severity {
	var w Severity
	for _, c := range changes {
		w = max(w, c.Severity)
	}
	return w
}

// AtLeast reports whether any change is graded threshold or higher: the
// test behind --fail-on.
func AtLeast(changes []Change, threshold Severity) bool {
	return Worst(changes) >= threshold && len(changes) > 0
}
