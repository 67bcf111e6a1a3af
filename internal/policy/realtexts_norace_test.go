//go:build !race

package policy

// realTextsStride reads every file: without the race detector the whole
// set takes well under a minute.
const realTextsStride = 1

// realTextsFloor is what TestRealTexts finds in the whole set: blocked files
// and false-positive redactions per source (docs/detection.md, "Real
// published text").
var realTextsFloor = map[string]realTextsCounts{
	realSourceNPM: {blocked: 13, falseRedactions: 0},
	realSourceGo:  {blocked: 64, falseRedactions: 0},
}
