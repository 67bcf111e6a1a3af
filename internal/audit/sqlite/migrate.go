package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/ward-mcp/ward/internal/audit"
)

// Schema 1 stored a row per event in the table events. migrate moves them,
// sealed as they are (their hashes and checkpoints stay valid), into blocks
// of migrateBlock events and drops the old table, inside the caller's
// transaction: a database is upgraded whole or not at all. A row that cannot
// be read stops the upgrade with its id, rather than dropping evidence.
const migrateBlock = 1024

const selectV1 = `SELECT id, seq, schema, time_ns, session, server, host, client_name, client_version,
	direction, method, kind, name, decision, mode, rule_ids, reasons, latency_ns, ward_version, arguments, prev_hash, hash
	FROM events ORDER BY id`

func migrate(tx *sql.Tx) error {
	rows, err := tx.Query(selectV1)
	if err != nil {
		return err
	}
	var all []audit.Event
	for rows.Next() {
		e, id, err := scanV1(rows)
		if err != nil {
			rows.Close()
			return fmt.Errorf("event row %d: %w", id, err)
		}
		all = append(all, e)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	insert, err := tx.Prepare(insertBlock)
	if err != nil {
		return err
	}
	defer insert.Close()
	for len(all) > 0 {
		n := min(len(all), migrateBlock)
		if _, err := insertEvents(context.Background(), insert, all[:n], nil, maxBlockBytes); err != nil {
			return err
		}
		all = all[n:]
	}
	_, err = tx.Exec(`DROP TABLE events`)
	return err
}

func scanV1(rows *sql.Rows) (audit.Event, int64, error) {
	var (
		e                               audit.Event
		id, timeNS, latency             int64
		direction, kind, decision, mode string
		ruleIDs, reasons, arguments     string
	)
	if err := rows.Scan(&id, &e.Seq, &e.Schema, &timeNS, &e.Session, &e.Server, &e.Host, &e.Client.Name,
		&e.Client.Version, &direction, &e.Method, &kind, &e.Name, &decision, &mode, &ruleIDs, &reasons,
		&latency, &e.WardVersion, &arguments, &e.PrevHash, &e.Hash); err != nil {
		return e, id, err
	}
	e.Time = time.Unix(0, timeNS).UTC()
	e.Direction, e.Kind, e.Decision, e.Mode = audit.Direction(direction), audit.Kind(kind), audit.Decision(decision), audit.Mode(mode)
	e.Latency = time.Duration(latency)
	if ruleIDs != "" {
		if err := json.Unmarshal([]byte(ruleIDs), &e.RuleIDs); err != nil {
			return e, id, fmt.Errorf("rule_ids: %w", err)
		}
	}
	if reasons != "" {
		if err := json.Unmarshal([]byte(reasons), &e.Reasons); err != nil {
			return e, id, fmt.Errorf("reasons: %w", err)
		}
	}
	if arguments != "" {
		e.Arguments = json.RawMessage(arguments)
	}
	return e, id, nil
}
