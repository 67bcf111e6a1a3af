package enforce

import (
	"strconv"
	"testing"
)

// TestPolicyHiddenItemsAreBounded: the items the policy hid are remembered
// to refuse their use; a server publishing poisoned items under ever new
// names must not grow that memory without bound. Past the limit every use
// of that kind of item is refused.
func TestPolicyHiddenItemsAreBounded(t *testing.T) {
	p := NewPolicy(nil, "s")
	for i := range 3 * maxHidden {
		p.setHidden("tool", "x"+strconv.Itoa(i), "poisoned")
	}
	if n := len(p.hidden["tool"]); n > maxHidden {
		t.Errorf("%d hidden tools remembered", n)
	}
	if p.hiddenReason("tool", "never-listed") == "" {
		t.Error("past the limit a tool that was never listed is callable; want every use refused")
	}
	if p.hiddenReason("prompt", "greet") != "" {
		t.Error("a flood of tools made prompts uncallable")
	}
}
