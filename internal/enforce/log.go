package enforce

import (
	"fmt"
	"io"
	"strconv"
	"sync"
	"time"

	"github.com/ward-mcp/ward/internal/audit"
	"github.com/ward-mcp/ward/internal/jsonrpc"
	"github.com/ward-mcp/ward/internal/relay"
)

// LogFormat is the format of the decision log.
type LogFormat uint8

// The formats.
const (
	LogText LogFormat = iota // logfmt: key=value pairs
	LogJSON                  // one JSON object a line
)

// ParseLogFormat parses "text" or "json".
func ParseLogFormat(s string) (LogFormat, error) {
	switch s {
	case "text":
		return LogText, nil
	case "json":
		return LogJSON, nil
	}
	return 0, fmt.Errorf("unknown log format %q (want text or json)", s)
}

// flushInterval bounds how long a logged decision may sit in the buffer.
const flushInterval = 100 * time.Millisecond

// Log writes one line per decision. Lines are buffered and written at most
// flushInterval later, and at once for denials, so that logging does not cost
// a system call per message. It is safe for concurrent use.
type Log struct {
	format LogFormat

	mu sync.Mutex
	w  io.Writer
	// buf holds the lines not yet written: Record appends a line to it in
	// place, and writes it out once it holds logBuffer bytes.
	buf []byte
	// stamp is the time of the last line, to the second, and stampText
	// that second as the log writes it ("2006-01-02T15:04:05"): the lines
	// of one second share it.
	stamp     int64
	stampText []byte

	stop chan struct{}
	done chan struct{}
	once sync.Once
}

// NewLog starts a decision log writing to w. Close stops it.
func NewLog(w io.Writer, format LogFormat) *Log {
	l := &Log{format: format, w: w, buf: make([]byte, 0, logBuffer+1024), stamp: -1 << 63, stop: make(chan struct{}), done: make(chan struct{})}
	go l.flusher()
	return l
}

// logBuffer is how many bytes of lines the log holds before it writes them.
const logBuffer = 32 << 10

func (l *Log) flusher() {
	defer close(l.done)
	t := time.NewTicker(flushInterval)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			l.Flush()
		case <-l.stop:
			l.Flush()
			return
		}
	}
}

// Flush writes buffered lines.
func (l *Log) Flush() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.flush()
}

// flush writes the buffered lines; l.mu must be held. A write that fails
// loses them, as a full disk would: the log must not stop the relay.
func (l *Log) flush() {
	if len(l.buf) > 0 {
		_, _ = l.w.Write(l.buf)
		l.buf = l.buf[:0]
	}
}

// Close flushes the log and stops its goroutine. It is idempotent.
func (l *Log) Close() error {
	l.once.Do(func() { close(l.stop) })
	<-l.done
	return nil
}

// Record implements relay.Sink.
func (l *Log) Record(e *relay.Event) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.format == LogJSON {
		l.buf = l.appendEventJSON(l.buf, e)
	} else {
		l.buf = AppendEventText(l.buf, e)
	}
	l.buf = append(l.buf, '\n')
	if len(l.buf) >= logBuffer || e.Decision == "deny" || e.Decision == "timeout" || e.Decision == "error" {
		l.flush()
	}
}

// appendEventJSON is AppendEventJSON with the time's second taken from
// l.stampText when it is the second of the line before.
func (l *Log) appendEventJSON(b []byte, e *relay.Event) []byte {
	t := e.Time.UTC()
	sec := t.Unix()
	if sec != l.stamp {
		y := t.Year()
		if y < 0 || y > 9999 {
			return AppendEventJSON(b, e)
		}
		l.stampText = audit.AppendTime(l.stampText[:0], t.Truncate(time.Second))
		l.stampText = l.stampText[:len(l.stampText)-1] // without its Z
		l.stamp = sec
	}
	b = append(b, `{"time":"`...)
	b = append(b, l.stampText...)
	b = audit.AppendFraction(b, t.Nanosecond())
	b = append(b, 'Z')
	return appendEventFields(b, e)
}

// AppendEventJSON appends e as a JSON object.
func AppendEventJSON(b []byte, e *relay.Event) []byte {
	b = append(b, `{"time":"`...)
	b = audit.AppendTime(b, e.Time.UTC())
	return appendEventFields(b, e)
}

// appendEventFields appends what follows the time in AppendEventJSON.
func appendEventFields(b []byte, e *relay.Event) []byte {
	b = append(b, `","session":`...)
	b = jsonrpc.AppendString(b, e.Session)
	switch e.Dir { // the common values, escaped once here
	case relay.ToServer:
		b = append(b, `,"direction":"host-\u003eserver"`...)
	case relay.ToHost:
		b = append(b, `,"direction":"server-\u003ehost"`...)
	default:
		b = append(b, `,"direction":`...)
		b = jsonrpc.AppendString(b, e.Dir.String())
	}
	b = appendJSONField(b, "method", e.Method)
	b = appendJSONField(b, "kind", e.Kind)
	b = appendJSONField(b, "name", e.Name)
	b = appendJSONField(b, "decision", e.Decision)
	b = appendJSONField(b, "rule", e.Rule)
	b = appendJSONField(b, "reason", e.Reason)
	b = appendJSONField(b, "mode", e.Mode.String())
	if e.Latency > 0 {
		b = append(b, `,"latency_ms":`...)
		b = strconv.AppendFloat(b, float64(e.Latency.Microseconds())/1000, 'f', -1, 64)
	}
	return append(b, '}')
}

func appendJSONField(b []byte, key, val string) []byte {
	if val == "" {
		return b
	}
	b = append(b, ',', '"')
	b = append(b, key...)
	b = append(b, '"', ':')
	return jsonrpc.AppendString(b, val)
}

// AppendEventText appends e in logfmt.
func AppendEventText(b []byte, e *relay.Event) []byte {
	b = append(b, "time="...)
	b = e.Time.UTC().AppendFormat(b, "2006-01-02T15:04:05.000Z07:00")
	b = appendTextField(b, "session", e.Session)
	b = appendTextField(b, "dir", e.Dir.String())
	b = appendTextField(b, "method", e.Method)
	b = appendTextField(b, "kind", e.Kind)
	b = appendTextField(b, "name", e.Name)
	b = appendTextField(b, "decision", e.Decision)
	b = appendTextField(b, "rule", e.Rule)
	b = appendTextField(b, "mode", e.Mode.String())
	if e.Latency > 0 {
		b = append(b, " latency="...)
		b = append(b, e.Latency.Round(time.Microsecond).String()...)
	}
	return appendTextField(b, "reason", e.Reason)
}

func appendTextField(b []byte, key, val string) []byte {
	if val == "" {
		return b
	}
	b = append(b, ' ')
	b = append(b, key...)
	b = append(b, '=')
	for i := 0; i < len(val); i++ {
		if c := val[i]; c <= ' ' || c == '"' || c == '=' || c == '\\' || c >= 0x7f {
			return jsonrpc.AppendString(b, val)
		}
	}
	return append(b, val...)
}
