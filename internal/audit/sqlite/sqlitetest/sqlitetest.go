// Package sqlitetest edits a ward audit database the way someone with write
// access to the file would, for tests that check that ward notices.
package sqlitetest

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// Edit reads every stored event line of the database at path, in order,
// replaces the list with f's result and writes it back as one block per
// line, with block metadata taken from each line as far as it can be read.
func Edit(t testing.TB, path string, f func(lines [][]byte) [][]byte) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT events FROM blocks ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	var lines [][]byte
	for rows.Next() {
		var b []byte
		if err := rows.Scan(&b); err != nil {
			t.Fatal(err)
		}
		lines = append(lines, bytes.Split(b, []byte("\n"))...)
	}
	rows.Close()
	lines = f(lines)
	if _, err := db.Exec(`DELETE FROM blocks`); err != nil {
		t.Fatal(err)
	}
	for _, l := range lines {
		var meta struct {
			Seq  uint64    `json:"seq"`
			Time time.Time `json:"time"`
			Hash string    `json:"hash"`
		}
		_ = json.Unmarshal(l, &meta)
		ns := meta.Time.UnixNano()
		_, err := db.Exec(`INSERT INTO blocks (first_seq, last_seq, min_time_ns, max_time_ns, last_hash, events)
			VALUES (?, ?, ?, ?, ?, ?)`, meta.Seq, meta.Seq, ns, ns, meta.Hash, l)
		if err != nil {
			t.Fatal(err)
		}
	}
}

// Index returns the position in lines of the line of event seq.
func Index(t testing.TB, lines [][]byte, seq uint64) int {
	t.Helper()
	for i, l := range lines {
		if bytes.Contains(l, []byte(fmt.Sprintf(`"seq":%d,`, seq))) {
			return i
		}
	}
	t.Fatalf("no event %d in the database", seq)
	return -1
}
