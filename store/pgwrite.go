package store

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// pgStatement is a statement a PostgreSQL batch writes with, prepared once
// on each connection (pgx.Conn.Prepare keeps it by name).
type pgStatement struct {
	name, sql string
	params    int
}

var (
	// pgInsert stores the rows of the four tables in one statement:
	// PostgreSQL's cost per statement (binding, starting and ending an
	// executor) was most of what a batch of creates cost it. An empty
	// array inserts nothing.
	pgInsert = pgStatement{"payrec_insert", `WITH r AS (
			INSERT INTO reports (record_id, version, line)
			SELECT * FROM unnest($1::text[], $2::bigint[], $3::bytea[])
		), c AS (
			INSERT INTO records (id, created, livemode)
			SELECT * FROM unnest($4::text[], $5::bigint[], $6::boolean[]) ORDER BY 1
		), a AS (
			INSERT INTO attempts (attempt_id, record_id)
			SELECT * FROM unnest($7::text[], $8::text[]) ORDER BY 1
		)
		INSERT INTO idempotency_keys (key, fingerprint, created_ms, record_id, version, err_type, err_code, err_param, err_message, err_causes)
		SELECT * FROM unnest($9::text[], $10::bytea[], $11::bigint[], $12::text[], $13::bigint[], $14::text[], $15::text[], $16::text[], $17::text[], $18::text[]) ORDER BY 1`, 18}
	// pgReplaceKeys deletes expired idempotency keys about to be stored
	// again. Only an expired row goes: a fresh one, stored since it was
	// read, makes the insert fail and the batch be decided again.
	pgReplaceKeys = pgStatement{"payrec_replace_keys", `DELETE FROM idempotency_keys k USING unnest($1::text[], $2::bigint[]) AS d(key, before)
		WHERE k.key = d.key AND k.created_ms < d.before`, 2}
	// pgPrune deletes the idempotency keys created before $1 (Unix ms).
	pgPrune = pgStatement{"payrec_prune", `DELETE FROM idempotency_keys WHERE created_ms < $1`, 1}
)

// write stores ws in one transaction and one round trip: the rows of the
// four tables in one statement, each table's in the order of their keys,
// so that two Stores' writers meeting on the same keys mostly wait for
// each other; a deadlock between them (the order of the tables within the
// statement is PostgreSQL's) is retryable, as a lost race is. A non-zero
// prune also deletes the idempotency keys created before it (Unix ms).
//
// The parameters are encoded by pgParams into a buffer the writer keeps
// from batch to batch: letting pgx encode them cost a quarter of the
// server's allocations. (pgconn.Batch, which has no reset, still copies
// them into a buffer of its own for each batch.)
func (s *postgresStore) write(ctx context.Context, ws []*write, prune int64) error {
	sorted := s.sorted[:0]
	for _, w := range ws {
		if w.rec != nil || w.keyOut != nil {
			sorted = append(sorted, w)
		}
	}
	slices.SortStableFunc(sorted, func(a, b *write) int { return strings.Compare(recordOf(a), recordOf(b)) })
	defer func() { s.sorted = clear0(sorted) }()

	e := &s.params
	e.reset()
	var b pgconn.Batch
	stmts := make([]pgStatement, 0, 3)
	replaced := func(w *write) bool { return w.keyOut != nil && w.replaceKy }
	if slices.ContainsFunc(sorted, replaced) {
		e.column(sorted, replaced, oidText, func(w *write) { e.text(w.key) })
		e.column(sorted, replaced, oidInt8, func(w *write) { e.int8(w.expiry.UnixMilli()) })
		stmts = append(stmts, pgReplaceKeys)
	}
	if len(sorted) > 0 {
		e.insert(sorted)
		stmts = append(stmts, pgInsert)
	}
	if prune != 0 {
		e.scalarInt8(prune)
		stmts = append(stmts, pgPrune)
	}
	if len(stmts) == 0 {
		return nil
	}
	c, err := s.pool.Acquire(ctx)
	if err != nil {
		return pgErr(err) // no connection: nothing sent, nothing stored
	}
	defer c.Release()
	// pgx prepares statements on a connection only in its default mode;
	// a DSN that asks for another (default_query_exec_mode=exec, say,
	// behind a pooler that shares server connections between clients)
	// gets unnamed statements, parsed in the same round trip.
	prepare := c.Conn().Config().DefaultQueryExecMode == pgx.QueryExecModeCacheStatement
	if prepare {
		for _, st := range stmts {
			if _, err := c.Conn().Prepare(ctx, st.name, st.sql); err != nil {
				return pgErr(err) // nothing of the batch sent
			}
		}
	}
	values, oids := e.values(), e.oids
	for _, st := range stmts {
		n := st.params
		if prepare {
			b.ExecPrepared(st.name, values[:n], pgBinary, nil)
		} else {
			b.ExecParams(st.sql, values[:n], oids[:n], pgBinary, nil)
		}
		values, oids = values[n:], oids[n:]
	}
	// Without BEGIN, the statements of one batch run as one implicit
	// transaction that commits when the batch ends.
	mr := c.Conn().PgConn().ExecBatch(ctx, &b)
	for mr.NextResult() {
		mr.ResultReader().Close()
	}
	if err := mr.Close(); err != nil {
		var pe *pgconn.PgError
		switch {
		case retryable(err):
			return err
		case errors.As(err, &pe) || pgconn.SafeToRetry(err):
			return pgErr(err) // refused or never sent: rolled back
		}
		// Sent, then the connection failed: the commit may have happened.
		// Deciding again could apply a report twice, so the caller is
		// told; one with an idempotency key can send it again safely.
		return fmt.Errorf("%w (send the report again with the same idempotency key): %w", errOutcomeUnknown, err)
	}
	return nil
}

func recordOf(w *write) string {
	if w.rec == nil {
		return ""
	}
	return w.rec.ID()
}

// clear0 empties s, dropping what it points to, and keeps its array.
func clear0[T any](s []T) []T {
	clear(s)
	return s[:0]
}

// The type OIDs of the parameters' elements, and of arrays of them.
const (
	oidBool  = 16
	oidBytea = 17
	oidInt8  = 20
	oidText  = 25
)

var arrayOID = map[uint32]uint32{oidBool: 1000, oidBytea: 1001, oidInt8: 1016, oidText: 1009}

// pgBinary says that every parameter of a statement is in binary format:
// one format code applies to all.
var pgBinary = []int16{1}

// pgParams encodes statement parameters in PostgreSQL's binary format:
// one-dimensional arrays without NULLs (header, then each element as its
// length and bytes) and scalars, all into one buffer.
type pgParams struct {
	buf    []byte
	starts []int    // where each parameter starts in buf; it ends where the next starts
	oids   []uint32 // each parameter's type
	vals   [][]byte
}

func (e *pgParams) reset() {
	e.buf, e.starts, e.oids, e.vals = e.buf[:0], e.starts[:0], e.oids[:0], clear0(e.vals)
}

// begin starts an array of n elements of type oid.
func (e *pgParams) begin(oid uint32, n int) {
	e.starts = append(e.starts, len(e.buf))
	e.oids = append(e.oids, arrayOID[oid])
	if n == 0 {
		e.buf = binary.BigEndian.AppendUint32(e.buf, 0) // no dimensions
		e.buf = binary.BigEndian.AppendUint32(e.buf, 0) // no NULLs
		e.buf = binary.BigEndian.AppendUint32(e.buf, oid)
	} else {
		e.buf = binary.BigEndian.AppendUint32(e.buf, 1)
		e.buf = binary.BigEndian.AppendUint32(e.buf, 0)
		e.buf = binary.BigEndian.AppendUint32(e.buf, oid)
		e.buf = binary.BigEndian.AppendUint32(e.buf, uint32(n))
		e.buf = binary.BigEndian.AppendUint32(e.buf, 1) // lower bound
	}
}

func (e *pgParams) elem(n int) {
	e.buf = binary.BigEndian.AppendUint32(e.buf, uint32(n))
}

func (e *pgParams) text(s string) {
	e.elem(len(s))
	e.buf = append(e.buf, s...)
}

func (e *pgParams) bytea(b []byte) {
	e.elem(len(b))
	e.buf = append(e.buf, b...)
}

func (e *pgParams) int8(v int64) {
	e.elem(8)
	e.buf = binary.BigEndian.AppendUint64(e.buf, uint64(v))
}

func (e *pgParams) bool(v bool) {
	e.elem(1)
	if v {
		e.buf = append(e.buf, 1)
	} else {
		e.buf = append(e.buf, 0)
	}
}

// scalarInt8 adds a bigint parameter.
func (e *pgParams) scalarInt8(v int64) {
	e.starts = append(e.starts, len(e.buf))
	e.oids = append(e.oids, oidInt8)
	e.buf = binary.BigEndian.AppendUint64(e.buf, uint64(v))
}

// values returns the parameters added since reset, as slices of buf.
func (e *pgParams) values() [][]byte {
	for i, start := range e.starts {
		end := len(e.buf)
		if i+1 < len(e.starts) {
			end = e.starts[i+1]
		}
		e.vals = append(e.vals, e.buf[start:end])
	}
	return e.vals
}

// column adds an array of type oid: for each write that keep keeps, the
// element add adds.
func (e *pgParams) column(ws []*write, keep func(*write) bool, oid uint32, add func(*write)) {
	n := 0
	for _, w := range ws {
		if keep(w) {
			n++
		}
	}
	e.begin(oid, n)
	for _, w := range ws {
		if keep(w) {
			add(w)
		}
	}
}

// insert adds pgInsert's parameters.
func (e *pgParams) insert(ws []*write) {
	report := func(w *write) bool { return w.rec != nil }
	e.column(ws, report, oidText, func(w *write) { e.text(w.rec.ID()) })
	e.column(ws, report, oidInt8, func(w *write) { e.int8(int64(w.rec.Version())) })
	e.column(ws, report, oidBytea, func(w *write) { e.bytea(w.line) })

	created := func(w *write) bool { return w.rec != nil && w.rec.Version() == 1 }
	e.column(ws, created, oidText, func(w *write) { e.text(w.rec.ID()) })
	e.column(ws, created, oidInt8, func(w *write) { e.int8(w.rec.Created()) })
	e.column(ws, created, oidBool, func(w *write) { e.bool(w.rec.Livemode()) })

	attempt := func(w *write) bool { return w.rec != nil && w.attemptID != "" }
	e.column(ws, attempt, oidText, func(w *write) { e.text(w.attemptID) })
	e.column(ws, attempt, oidText, func(w *write) { e.text(w.rec.ID()) })

	key := func(w *write) bool { return w.keyOut != nil }
	e.column(ws, key, oidText, func(w *write) { e.text(w.key) })
	e.column(ws, key, oidBytea, func(w *write) { e.bytea(w.fp) })
	e.column(ws, key, oidInt8, func(w *write) { e.int8(w.created.UnixMilli()) })
	e.column(ws, key, oidText, func(w *write) { e.text(w.keyOut.recordID) })
	e.column(ws, key, oidInt8, func(w *write) { e.int8(int64(w.keyOut.version)) })
	e.column(ws, key, oidText, func(w *write) { e.text(w.keyOut.errType) })
	e.column(ws, key, oidText, func(w *write) { e.text(w.keyOut.code) })
	e.column(ws, key, oidText, func(w *write) { e.text(w.keyOut.param) })
	e.column(ws, key, oidText, func(w *write) { e.text(w.keyOut.message) })
	e.column(ws, key, oidText, func(w *write) { e.text(w.keyOut.causes) })
}
