package inspect

import (
	"strings"
	"testing"
)

var prose4K = strings.Repeat("The service returned 42 rows; the user table has an index on email. ", 60)[:4000]

func BenchmarkFindSecretsProse(b *testing.B) {
	b.SetBytes(int64(len(prose4K)))
	for b.Loop() {
		FindSecrets(prose4K)
	}
}

func BenchmarkInjectionProse(b *testing.B) {
	b.SetBytes(int64(len(prose4K)))
	for b.Loop() {
		Injection(prose4K)
	}
}

func BenchmarkCheckProse(b *testing.B) {
	b.SetBytes(int64(len(prose4K)))
	for b.Loop() {
		Check(prose4K)
	}
}
