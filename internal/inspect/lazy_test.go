package inspect

import (
	"regexp"
	"testing"
)

// TestPatternsCompile compiles every detector pattern, which the package no
// longer does when it is loaded (lazyRegexp): a pattern that does not
// compile fails here, not in a session.
func TestPatternsCompile(t *testing.T) {
	n := 0
	for _, l := range allPhraseLists {
		for i := range l {
			if _, err := regexp.Compile(l[i].re.String()); err != nil {
				t.Errorf("phrase %s: %v", l[i].rule, err)
			}
			if v := l[i].except; v != nil {
				if _, err := regexp.Compile(v.String()); err != nil {
					t.Errorf("exception of phrase %s: %v", l[i].rule, err)
				}
			}
			if v := l[i].verb; v != nil {
				if _, err := regexp.Compile(v.String()); err != nil {
					t.Errorf("verb of phrase %s: %v", l[i].rule, err)
				}
			}
			n++
		}
	}
	for _, re := range loosePatterns {
		if _, err := regexp.Compile(re.String()); err != nil {
			t.Errorf("pattern %.40s: %v", re.String(), err)
		}
		n++
	}
	if n < 50 {
		t.Fatalf("only %d patterns found: a list is missing from this test", n)
	}
	// The compiled form is what the source says.
	if got := hiddenBlock.get().String(); got != hiddenBlock.String() {
		t.Errorf("compiled %q from %q", got, hiddenBlock.String())
	}
}

// TestLazyRegexp: a pattern is compiled by its first use, not before.
func TestLazyRegexp(t *testing.T) {
	l := lazyRE(`a+b`)
	if l.re != nil {
		t.Fatal("compiled before use")
	}
	if !l.MatchString("xaab") || l.re == nil {
		t.Fatal("MatchString did not compile and match")
	}
	if loc := l.FindStringIndex("xaab"); len(loc) != 2 || loc[0] != 1 {
		t.Fatalf("FindStringIndex = %v", loc)
	}
}
