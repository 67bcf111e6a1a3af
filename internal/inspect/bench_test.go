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

// smallTexts are the texts of small results: the proxy benchmark's echo
// and a short sentence of prose.
var smallTexts = map[string]string{
	"proxy": "call-123-" + strings.Repeat("x", 64-len("call-123-")),
	"prose": "Echo: call 12345 of the load client",
}

// BenchmarkSmallText splits the detectors' cost on small texts.
func BenchmarkSmallText(b *testing.B) {
	for name, s := range smallTexts {
		b.Run(name+"/injection", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Injection(s)
			}
		})
		b.Run(name+"/secrets", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				FindSecrets(s)
			}
		})
		b.Run(name+"/check", func(b *testing.B) {
			for b.Loop() {
				Check(s)
			}
		})
		raw := []byte(`{"content":[{"type":"text","text":"` + s + `"}]}`)
		b.Run(name+"/walk", func(b *testing.B) {
			b.ReportAllocs()
			v := StringFunc(func(string, *Path, bool) {})
			for b.Loop() {
				_ = VisitStrings(raw, v)
			}
		})
	}
}
