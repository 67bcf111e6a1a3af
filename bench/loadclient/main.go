// Command loadclient measures how fast MCP tools/call requests travel through a
// stdio path: it runs the command given after "--" (an MCP server, or a proxy in
// front of one), initializes an MCP session, and then makes tools/call "echo"
// calls in two phases:
//
//   - sequential: one call at a time, each sent when the previous answer came;
//   - pipelined: -inflight calls outstanding at all times, answers matched to
//     calls by id.
//
// Every answer is checked: the id must belong to an outstanding call, and the
// result must carry the text that call sent. For each phase it reports calls
// per second and the 50th and 99th percentile latency, and the CPU time and
// context switches per call of the process it started (its own, all threads,
// not its children's); it also reports the peak resident memory (VmHWM) of
// that process, read just before closing its stdin. When that process is a
// proxy, these are the proxy's numbers, not the server's.
//
// Usage:
//
//	loadclient [-seq N] [-pipelined N] [-inflight K] [-size B] [-label L] [-json] -- COMMAND [ARGS...]
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"text/tabwriter"
	"time"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// options are the command-line settings.
type options struct {
	label     string
	warmup    int
	seq       int
	pipelined int
	inflight  int
	size      int
	timeout   time.Duration
	json      bool
	command   []string
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("loadclient", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o options
	fs.StringVar(&o.label, "label", "", "name of the measured path in the report (default: the command's base name)")
	fs.IntVar(&o.warmup, "warmup", 2000, "sequential calls made before measuring")
	fs.IntVar(&o.seq, "seq", 20000, "calls in the sequential phase")
	fs.IntVar(&o.pipelined, "pipelined", 100000, "calls in the pipelined phase")
	fs.IntVar(&o.inflight, "inflight", 64, "calls outstanding at once in the pipelined phase")
	fs.IntVar(&o.size, "size", 64, "length in bytes of the text each call echoes")
	fs.DurationVar(&o.timeout, "timeout", 5*time.Minute, "give up (and kill the command) after this long")
	fs.BoolVar(&o.json, "json", false, "print one JSON object instead of a table")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: loadclient [flags] -- COMMAND [ARGS...]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	o.command = fs.Args()
	if len(o.command) == 0 {
		fmt.Fprintln(stderr, "loadclient: missing -- COMMAND")
		return 2
	}
	if o.seq < 1 || o.pipelined < 1 || o.inflight < 1 || o.warmup < 0 || o.size < 16 {
		fmt.Fprintln(stderr, "loadclient: -seq, -pipelined and -inflight must be positive, -warmup not negative, -size at least 16")
		return 2
	}
	if o.label == "" {
		o.label = o.command[0][strings.LastIndexByte(o.command[0], '/')+1:]
	}
	rep, err := measure(&o)
	if err != nil {
		fmt.Fprintf(stderr, "loadclient: %s: %v\n", o.label, err)
		return 1
	}
	if o.json {
		b, _ := json.Marshal(rep)
		fmt.Fprintf(stdout, "%s\n", b)
		return 0
	}
	printTable(stdout, rep)
	return 0
}

// Report is the outcome of one run; its JSON form is what scripts/bench.sh
// collects.
type Report struct {
	Label      string `json:"label"`
	Size       int    `json:"size"`
	Sequential Phase  `json:"sequential"`
	Pipelined  Phase  `json:"pipelined"`
	PeakRSSKiB int64  `json:"peakRSSKiB"`
	// RSSKiB is the resident memory (VmRSS) just before closing: what the
	// process holds while relaying, start-up excluded.
	RSSKiB  int64    `json:"rssKiB"`
	Command []string `json:"command"`
}

// Phase holds the numbers of one phase.
type Phase struct {
	Calls       int     `json:"calls"`
	InFlight    int     `json:"inflight"`
	Seconds     float64 `json:"seconds"`
	CallsPerSec float64 `json:"callsPerSec"`
	P50Micros   float64 `json:"p50Micros"`
	P99Micros   float64 `json:"p99Micros"`
	MaxMicros   float64 `json:"maxMicros"`
	// CPUMicrosPerCall is the user and system CPU time the started process
	// spent per call during the phase (clock-tick resolution, 10 ms in all).
	CPUMicrosPerCall float64 `json:"cpuMicrosPerCall"`
	// SwitchesPerCall counts the started process's context switches
	// (voluntary and not, all threads) per call during the phase.
	SwitchesPerCall float64 `json:"switchesPerCall"`
}

func printTable(w io.Writer, r *Report) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "path\tphase\tcalls\tcalls/s\tp50 µs\tp99 µs\tmax µs\tCPU µs/call\tswitches/call\t\n")
	for _, p := range []struct {
		name string
		ph   Phase
	}{{"sequential", r.Sequential}, {fmt.Sprintf("%d in flight", r.Pipelined.InFlight), r.Pipelined}} {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%.0f\t%.0f\t%.0f\t%.0f\t%.1f\t%.2f\t\n", r.Label, p.name, p.ph.Calls, p.ph.CallsPerSec, p.ph.P50Micros, p.ph.P99Micros, p.ph.MaxMicros, p.ph.CPUMicrosPerCall, p.ph.SwitchesPerCall)
	}
	tw.Flush()
	fmt.Fprintf(w, "RSS of %s: %.1f MiB at the end, %.1f MiB at its peak\n", r.Command[0], float64(r.RSSKiB)/1024, float64(r.PeakRSSKiB)/1024)
}

// peer is the started command and the two ends of its stdio.
type peer struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	w     *bufio.Writer
	r     *bufio.Reader
	next  int64 // the next request id
}

func measure(o *options) (rep *Report, err error) {
	cmd := exec.Command(o.command[0], o.command[1:]...)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", o.command[0], err)
	}
	p := &peer{cmd: cmd, stdin: stdin, w: bufio.NewWriterSize(stdin, 64<<10), r: bufio.NewReaderSize(stdout, 64<<10), next: 1}
	// A stuck path must not hang the benchmark: killing the command makes every
	// read below fail.
	watchdog := time.AfterFunc(o.timeout, func() { cmd.Process.Kill() })
	defer func() {
		watchdog.Stop()
		if werr := p.shutdown(); werr != nil && err == nil {
			err = werr
		}
	}()

	if err := p.initialize(); err != nil {
		return nil, err
	}
	rep = &Report{Label: o.label, Size: o.size, Command: o.command}
	if _, err := p.sequential(o.warmup, o.size); err != nil {
		return nil, fmt.Errorf("warm-up: %w", err)
	}
	pid := cmd.Process.Pid
	before := readUsage(pid)
	if rep.Sequential, err = p.sequential(o.seq, o.size); err != nil {
		return nil, fmt.Errorf("sequential phase: %w", err)
	}
	mid := readUsage(pid)
	if rep.Pipelined, err = p.pipelined(o.pipelined, o.inflight, o.size); err != nil {
		return nil, fmt.Errorf("pipelined phase: %w", err)
	}
	after := readUsage(pid)
	mid.sub(before).perCall(&rep.Sequential)
	after.sub(mid).perCall(&rep.Pipelined)
	rep.PeakRSSKiB, err = statusKiB(cmd.Process.Pid, "VmHWM:")
	if err != nil {
		return nil, err
	}
	if rep.RSSKiB, err = statusKiB(cmd.Process.Pid, "VmRSS:"); err != nil {
		return nil, err
	}
	return rep, nil
}

// shutdown follows the MCP stdio lifecycle: close the server's stdin, wait,
// then kill. The exit status is not judged: a proxy may report the end of its
// session however it likes.
func (p *peer) shutdown() error {
	p.stdin.Close()
	done := make(chan error, 1)
	go func() { done <- p.cmd.Wait() }()
	select {
	case <-done:
		return nil
	case <-time.After(5 * time.Second):
		p.cmd.Process.Kill()
		<-done
		return errors.New("command did not exit within 5s of its stdin closing; killed")
	}
}

// message is the part of an incoming JSON-RPC message the client reads.
type message struct {
	ID     json.RawMessage `json:"id"`
	Method string          `json:"method"`
	Result json.RawMessage `json:"result"`
	Error  *struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// readResponse returns the next response, skipping notifications. A request
// from the server is an error: the echo server sends none.
func (p *peer) readResponse() (*message, error) {
	for {
		line, err := p.r.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			long := append([]byte(nil), line...)
			for errors.Is(err, bufio.ErrBufferFull) {
				line, err = p.r.ReadSlice('\n')
				long = append(long, line...)
			}
			line = long
		}
		if err != nil {
			return nil, fmt.Errorf("read response: %w", err)
		}
		var m message
		if err := json.Unmarshal(line, &m); err != nil {
			return nil, fmt.Errorf("decode %q: %w", truncate(line), err)
		}
		if m.Method != "" {
			if len(m.ID) > 0 {
				return nil, fmt.Errorf("unexpected request from the server: %q", truncate(line))
			}
			continue
		}
		if m.Error != nil {
			return nil, fmt.Errorf("error response %d: %s", m.Error.Code, m.Error.Message)
		}
		return &m, nil
	}
}

func truncate(b []byte) []byte {
	b = bytes.TrimSpace(b)
	if len(b) > 200 {
		return append(b[:200:200], "..."...)
	}
	return b
}

func (p *peer) call(method, params string) (*message, error) {
	id := p.next
	p.next++
	fmt.Fprintf(p.w, `{"jsonrpc":"2.0","id":%d,"method":%q,"params":%s}`+"\n", id, method, params)
	if err := p.w.Flush(); err != nil {
		return nil, fmt.Errorf("send %s: %w", method, err)
	}
	m, err := p.readResponse()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", method, err)
	}
	if got, err := strconv.ParseInt(string(m.ID), 10, 64); err != nil || got != id {
		return nil, fmt.Errorf("%s: answer has id %s, want %d", method, m.ID, id)
	}
	return m, nil
}

func (p *peer) initialize() error {
	if _, err := p.call("initialize", `{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"ward-loadclient","version":"1.0.0"}}`); err != nil {
		return err
	}
	p.w.WriteString(`{"jsonrpc":"2.0","method":"notifications/initialized"}` + "\n")
	m, err := p.call("tools/list", `{}`)
	if err != nil {
		return err
	}
	if !bytes.Contains(m.Result, []byte(`"name":"echo"`)) {
		return fmt.Errorf("tools/list has no echo tool: %s", truncate(m.Result))
	}
	return nil
}

// echoText is the text call id sends: it names the call, padded to size bytes,
// so that an answer to the wrong call is noticed.
func echoText(id int64, size int) []byte {
	b := strconv.AppendInt([]byte("call-"), id, 10)
	b = append(b, '-')
	for len(b) < size {
		b = append(b, 'x')
	}
	return b
}

func appendCall(dst []byte, id int64, size int) []byte {
	dst = append(dst, `{"jsonrpc":"2.0","id":`...)
	dst = strconv.AppendInt(dst, id, 10)
	dst = append(dst, `,"method":"tools/call","params":{"name":"echo","arguments":{"text":"`...)
	dst = append(dst, echoText(id, size)...)
	return append(dst, "\"}}}\n"...)
}

// checkEcho reports whether result is the echo of call id.
func checkEcho(m *message, id int64, size int) error {
	want := append(append([]byte(`"text":"`), echoText(id, size)...), '"')
	if !bytes.Contains(m.Result, want) {
		return fmt.Errorf("answer to call %d does not echo its text: %s", id, truncate(m.Result))
	}
	return nil
}

func (p *peer) sequential(n, size int) (Phase, error) {
	lat := make([]time.Duration, 0, n)
	buf := make([]byte, 0, 256+size)
	start := time.Now()
	for range n {
		id := p.next
		p.next++
		t0 := time.Now()
		buf = appendCall(buf[:0], id, size)
		p.w.Write(buf)
		if err := p.w.Flush(); err != nil {
			return Phase{}, fmt.Errorf("send call %d: %w", id, err)
		}
		m, err := p.readResponse()
		if err != nil {
			return Phase{}, err
		}
		if got, err := strconv.ParseInt(string(m.ID), 10, 64); err != nil || got != id {
			return Phase{}, fmt.Errorf("answer has id %s, want %d", m.ID, id)
		}
		if err := checkEcho(m, id, size); err != nil {
			return Phase{}, err
		}
		lat = append(lat, time.Since(t0))
	}
	return summarize(lat, 1, time.Since(start)), nil
}

// pipelined keeps inflight calls outstanding. A writer goroutine sends a call
// whenever a slot is free, flushing only when it has to wait, so requests go
// out in batches as from a busy host; this goroutine reads the answers.
func (p *peer) pipelined(n, inflight, size int) (Phase, error) {
	base := p.next
	p.next += int64(n)
	sent := make([]atomic.Int64, n) // send time of call i, in ns since start
	done := make([]bool, n)
	slots := make(chan struct{}, inflight)
	writeErr := make(chan error, 1)
	stop := make(chan struct{})
	start := time.Now()

	go func() {
		buf := make([]byte, 0, 256+size)
		for i := range n {
			select {
			case slots <- struct{}{}:
			default:
				if err := p.w.Flush(); err != nil {
					writeErr <- err
					return
				}
				select {
				case slots <- struct{}{}:
				case <-stop:
					writeErr <- nil
					return
				}
			}
			sent[i].Store(int64(time.Since(start)))
			buf = appendCall(buf[:0], base+int64(i), size)
			if _, err := p.w.Write(buf); err != nil {
				writeErr <- err
				return
			}
		}
		writeErr <- p.w.Flush()
	}()

	lat := make([]time.Duration, 0, n)
	var err error
	for range n {
		var m *message
		if m, err = p.readResponse(); err != nil {
			break
		}
		id, perr := strconv.ParseInt(string(m.ID), 10, 64)
		i := id - base
		if perr != nil || i < 0 || i >= int64(n) || done[i] {
			err = fmt.Errorf("answer with unknown or repeated id %s", m.ID)
			break
		}
		if err = checkEcho(m, id, size); err != nil {
			break
		}
		done[i] = true
		lat = append(lat, time.Since(start)-time.Duration(sent[i].Load()))
		<-slots
	}
	elapsed := time.Since(start)
	close(stop)
	if werr := <-writeErr; werr != nil && err == nil {
		err = fmt.Errorf("send: %w", werr)
	}
	if err != nil {
		return Phase{}, err
	}
	return summarize(lat, inflight, elapsed), nil
}

func summarize(lat []time.Duration, inflight int, elapsed time.Duration) Phase {
	slices.Sort(lat)
	us := func(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) }
	pct := func(q float64) time.Duration {
		i := int(float64(len(lat))*q+0.999999) - 1
		return lat[max(0, min(i, len(lat)-1))]
	}
	return Phase{
		Calls:       len(lat),
		InFlight:    inflight,
		Seconds:     elapsed.Seconds(),
		CallsPerSec: float64(len(lat)) / elapsed.Seconds(),
		P50Micros:   us(pct(0.50)),
		P99Micros:   us(pct(0.99)),
		MaxMicros:   us(lat[len(lat)-1]),
	}
}

// statusKiB reads a memory field (VmHWM: the peak resident set size, VmRSS:
// the current one) of process pid in KiB.
func statusKiB(pid int, field string) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, fmt.Errorf("read %s: %w", field, err)
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, field); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err != nil {
				return 0, fmt.Errorf("parse %s %q: %w", field, rest, err)
			}
			return kb, nil
		}
	}
	return 0, fmt.Errorf("no %s in /proc/%d/status", field, pid)
}

// usage is what the kernel counts for a process: CPU time in clock ticks and
// context switches summed over its threads.
type usage struct {
	ticks    int64
	switches int64
}

// clockTicks is USER_HZ, the unit of utime and stime in /proc/PID/stat; it is
// 100 on every Linux architecture Go supports.
const clockTicks = 100

// readUsage reads the usage of process pid. A counter it cannot read stays
// zero, so the numbers it feeds are an undercount, never a failure: they are
// a diagnostic next to the measurement.
func readUsage(pid int) usage {
	var u usage
	if b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid)); err == nil {
		// The fields after the command name, which is in parentheses and may
		// hold spaces; utime and stime are fields 14 and 15 of the line.
		if i := bytes.LastIndexByte(b, ')'); i >= 0 {
			f := strings.Fields(string(b[i+1:]))
			if len(f) > 12 {
				ut, _ := strconv.ParseInt(f[11], 10, 64)
				st, _ := strconv.ParseInt(f[12], 10, 64)
				u.ticks = ut + st
			}
		}
	}
	tasks, _ := os.ReadDir(fmt.Sprintf("/proc/%d/task", pid))
	for _, t := range tasks {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%s/status", pid, t.Name()))
		if err != nil {
			continue
		}
		for line := range strings.SplitSeq(string(b), "\n") {
			if rest, ok := strings.CutPrefix(line, "voluntary_ctxt_switches:"); ok {
				n, _ := strconv.ParseInt(strings.TrimSpace(rest), 10, 64)
				u.switches += n
			} else if rest, ok := strings.CutPrefix(line, "nonvoluntary_ctxt_switches:"); ok {
				n, _ := strconv.ParseInt(strings.TrimSpace(rest), 10, 64)
				u.switches += n
			}
		}
	}
	return u
}

func (u usage) sub(v usage) usage { return usage{u.ticks - v.ticks, u.switches - v.switches} }

func (u usage) perCall(ph *Phase) {
	if ph.Calls == 0 {
		return
	}
	ph.CPUMicrosPerCall = float64(u.ticks) * (1e6 / clockTicks) / float64(ph.Calls)
	ph.SwitchesPerCall = float64(u.switches) / float64(ph.Calls)
}
