//go:build race

package policy

// realTextsStride reads one file in 16 under the race detector, which makes
// the engine several times slower; make test runs the whole suite with it.
const realTextsStride = 16

// realTextsFloor is what TestRealTexts finds in its sample under -race:
// blocked files and false-positive redactions per source.
var realTextsFloor = map[string]realTextsCounts{
	realSourceNPM: {blocked: 1, falseRedactions: 0},
	realSourceGo:  {blocked: 3, falseRedactions: 0},
}
