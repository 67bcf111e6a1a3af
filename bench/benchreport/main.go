// Command benchreport summarises the runs of bench/loadclient that
// scripts/bench.sh collects: it reads one loadclient -json report per line on
// stdin, groups them by label, and prints a Markdown table of the medians per
// label, then the ratios of the -target path to the -base path, judged against
// ward's targets (throughput at least 0.85 × the raw pipe in both phases, p99
// with calls in flight at most 2 × the raw pipe's, peak RSS at most 30 MiB).
//
// A target that is missed is reported as such; the exit code is 0 either way
// (this is a benchmark, not a test) unless the input is unusable.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
)

// report mirrors the JSON that bench/loadclient -json prints.
type report struct {
	Label      string `json:"label"`
	Size       int    `json:"size"`
	Sequential phase  `json:"sequential"`
	Pipelined  phase  `json:"pipelined"`
	PeakRSSKiB int64  `json:"peakRSSKiB"`
	RSSKiB     int64  `json:"rssKiB"`
}

type phase struct {
	Calls       int     `json:"calls"`
	InFlight    int     `json:"inflight"`
	CallsPerSec float64 `json:"callsPerSec"`
	P50Micros   float64 `json:"p50Micros"`
	P99Micros   float64 `json:"p99Micros"`
	CPUMicros   float64 `json:"cpuMicrosPerCall"`
	Switches    float64 `json:"switchesPerCall"`
}

// summary holds the medians of one label's runs.
type summary struct {
	label                         string
	runs                          int
	seqRate, seqP50, seqP99       float64
	pipeRate, pipeP50, pipeP99    float64
	seqCPU, pipeCPU               float64
	seqSwitches, pipeSwitches     float64
	inflight, seqCalls, pipeCalls int
	rssMiB, endRSSMiB             float64
}

// Targets from the core issue.
const (
	minRateRatio = 0.85
	maxP99Ratio  = 2.0
	maxRSSMiB    = 30.0
)

func main() {
	base := flag.String("base", "rawpipe", "label the ratios are computed against")
	target := flag.String("target", "ward", "label whose ratios are judged against ward's targets")
	flag.Parse()
	if flag.NArg() != 0 {
		fmt.Fprintln(os.Stderr, "usage: benchreport [-base LABEL] [-target LABEL] < reports.jsonl")
		os.Exit(2)
	}
	sums, err := read(os.Stdin)
	if err != nil {
		fmt.Fprintf(os.Stderr, "benchreport: %v\n", err)
		os.Exit(1)
	}
	write(os.Stdout, sums, *base, *target)
}

func read(r io.Reader) ([]summary, error) {
	byLabel := map[string][]report{}
	var order []string
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for n := 1; sc.Scan(); n++ {
		if len(sc.Bytes()) == 0 {
			continue
		}
		var rep report
		if err := json.Unmarshal(sc.Bytes(), &rep); err != nil {
			return nil, fmt.Errorf("line %d: %w", n, err)
		}
		if rep.Label == "" {
			return nil, fmt.Errorf("line %d: report has no label", n)
		}
		if _, ok := byLabel[rep.Label]; !ok {
			order = append(order, rep.Label)
		}
		byLabel[rep.Label] = append(byLabel[rep.Label], rep)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(order) == 0 {
		return nil, fmt.Errorf("no reports on stdin")
	}
	sums := make([]summary, 0, len(order))
	for _, l := range order {
		sums = append(sums, summarize(l, byLabel[l]))
	}
	return sums, nil
}

func summarize(label string, reps []report) summary {
	med := func(f func(report) float64) float64 {
		v := make([]float64, len(reps))
		for i, r := range reps {
			v[i] = f(r)
		}
		slices.Sort(v)
		if len(v)%2 == 1 {
			return v[len(v)/2]
		}
		return (v[len(v)/2-1] + v[len(v)/2]) / 2
	}
	return summary{
		label:        label,
		runs:         len(reps),
		seqRate:      med(func(r report) float64 { return r.Sequential.CallsPerSec }),
		seqP50:       med(func(r report) float64 { return r.Sequential.P50Micros }),
		seqP99:       med(func(r report) float64 { return r.Sequential.P99Micros }),
		pipeRate:     med(func(r report) float64 { return r.Pipelined.CallsPerSec }),
		pipeP50:      med(func(r report) float64 { return r.Pipelined.P50Micros }),
		pipeP99:      med(func(r report) float64 { return r.Pipelined.P99Micros }),
		rssMiB:       med(func(r report) float64 { return float64(r.PeakRSSKiB) / 1024 }),
		endRSSMiB:    med(func(r report) float64 { return float64(r.RSSKiB) / 1024 }),
		seqCPU:       med(func(r report) float64 { return r.Sequential.CPUMicros }),
		pipeCPU:      med(func(r report) float64 { return r.Pipelined.CPUMicros }),
		seqSwitches:  med(func(r report) float64 { return r.Sequential.Switches }),
		pipeSwitches: med(func(r report) float64 { return r.Pipelined.Switches }),
		inflight:     reps[0].Pipelined.InFlight,
		seqCalls:     reps[0].Sequential.Calls,
		pipeCalls:    reps[0].Pipelined.Calls,
	}
}

func write(w io.Writer, sums []summary, base, target string) {
	fmt.Fprintf(w, "| path | runs | sequential calls/s | p50 µs | p99 µs | %d in flight calls/s | p50 µs | p99 µs | RSS MiB (end) | peak RSS MiB |\n", sums[0].inflight)
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
	for _, s := range sums {
		fmt.Fprintf(w, "| %s | %d | %.0f | %.0f | %.0f | %.0f | %.0f | %.0f | %.1f | %.1f |\n",
			s.label, s.runs, s.seqRate, s.seqP50, s.seqP99, s.pipeRate, s.pipeP50, s.pipeP99, s.endRSSMiB, s.rssMiB)
	}
	fmt.Fprintf(w, "\nMedians over the runs; %d sequential calls and %d pipelined calls per run.\n", sums[0].seqCalls, sums[0].pipeCalls)

	fmt.Fprintf(w, "\nWork of the process the load client started (the proxy, or the server when direct), per call:\n\n")
	fmt.Fprintf(w, "| path | sequential CPU µs | sequential switches | %d in flight CPU µs | %d in flight switches |\n", sums[0].inflight, sums[0].inflight)
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|")
	for _, s := range sums {
		fmt.Fprintf(w, "| %s | %.1f | %.2f | %.1f | %.2f |\n", s.label, s.seqCPU, s.seqSwitches, s.pipeCPU, s.pipeSwitches)
	}

	find := func(l string) *summary {
		for i := range sums {
			if sums[i].label == l {
				return &sums[i]
			}
		}
		return nil
	}
	b, t := find(base), find(target)
	if b == nil || t == nil {
		return
	}
	verdict := func(ok bool) string {
		if ok {
			return "met"
		}
		return "MISSED"
	}
	fmt.Fprintf(w, "\n| %s vs %s | ratio | target | |\n|---|---:|---:|---|\n", target, base)
	r := t.seqRate / b.seqRate
	fmt.Fprintf(w, "| sequential calls/s | %.2f | ≥ %.2f | %s |\n", r, minRateRatio, verdict(r >= minRateRatio))
	r = t.pipeRate / b.pipeRate
	fmt.Fprintf(w, "| %d in flight calls/s | %.2f | ≥ %.2f | %s |\n", t.inflight, r, minRateRatio, verdict(r >= minRateRatio))
	r = t.pipeP99 / b.pipeP99
	fmt.Fprintf(w, "| %d in flight p99 | %.2f | ≤ %.2f | %s |\n", t.inflight, r, maxP99Ratio, verdict(r <= maxP99Ratio))
	fmt.Fprintf(w, "| %s RSS while relaying | %.1f MiB | ≤ %.0f MiB | %s |\n", target, t.endRSSMiB, maxRSSMiB, verdict(t.endRSSMiB <= maxRSSMiB))
	fmt.Fprintf(w, "| %s peak RSS, start-up included | %.1f MiB | ≤ %.0f MiB | %s |\n", target, t.rssMiB, maxRSSMiB, verdict(t.rssMiB <= maxRSSMiB))
}
