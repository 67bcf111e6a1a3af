package lockfile

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxValueWidth bounds how much of an old or new value the text report
// shows; the JSON report always carries the whole value.
const maxValueWidth = 160

// RenderText writes a readable report of changes: a summary line, then the
// changes grouped by item, each with its severity, kind, JSON pointer,
// message and (shortened) old and new values.
func RenderText(w io.Writer, changes []Change) error {
	bw := bufio.NewWriter(w)
	if len(changes) == 0 {
		fmt.Fprintln(bw, "no changes")
		return bw.Flush()
	}
	var crit, mod, info int
	for _, c := range changes {
		switch c.Severity {
		case SeverityCritical:
			crit++
		case SeverityModerate:
			mod++
		default:
			info++
		}
	}
	noun := "changes"
	if len(changes) == 1 {
		noun = "change"
	}
	fmt.Fprintf(bw, "%d %s: %d critical, %d moderate, %d info\n", len(changes), noun, crit, mod, info)
	var group string
	for _, c := range changes {
		g := groupTitle(c)
		if g != group {
			fmt.Fprintf(bw, "\n%s\n", g)
			group = g
		}
		path := c.Path
		if path == "" {
			path = "(whole " + itemWord(c.Item) + ")"
		}
		fmt.Fprintf(bw, "  %-8s  %-18s  %s\n", strings.ToUpper(c.Severity.String()), c.Kind, printable(path))
		fmt.Fprintf(bw, "            %s\n", printable(oneLine(c.Message)))
		if len(c.Old) > 0 {
			fmt.Fprintf(bw, "            - %s\n", shorten(string(c.Old)))
		}
		if len(c.New) > 0 {
			fmt.Fprintf(bw, "            + %s\n", shorten(string(c.New)))
		}
	}
	return bw.Flush()
}

// RenderJSON writes changes as an indented JSON array (an empty array when
// nothing changed), newline-terminated.
func RenderJSON(w io.Writer, changes []Change) error {
	if changes == nil {
		changes = []Change{}
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(changes)
}

func groupTitle(c Change) string {
	if c.Item == ItemServer {
		return "server"
	}
	return fmt.Sprintf("%s %q", itemWord(c.Item), c.Name)
}

// printable escapes control characters (a server-chosen property name could
// carry terminal escape sequences).
func printable(s string) string {
	if strings.IndexFunc(s, unicode.IsControl) < 0 {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if unicode.IsControl(r) {
			fmt.Fprintf(&b, "\\u%04x", r)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// shorten cuts a compact JSON value (which holds no raw newlines) to
// maxValueWidth runes.
func shorten(s string) string {
	s = printable(s)
	if utf8.RuneCountInString(s) <= maxValueWidth {
		return s
	}
	r := []rune(s)
	return string(r[:maxValueWidth]) + "…"
}
