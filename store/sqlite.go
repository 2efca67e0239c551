package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"maps"
	"math"
	"math/bits"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"modernc.org/sqlite" // the "sqlite" database/sql driver, pure Go
	sqlite3 "modernc.org/sqlite/lib"
)

// sqliteMigrations are the SQLite schema, one step per version: step i
// takes the database from version i to i+1. Append; never edit a step.
var sqliteMigrations = []string{
	`CREATE TABLE reports (
		record_id TEXT NOT NULL,
		version   INTEGER NOT NULL,
		line      BLOB NOT NULL,
		PRIMARY KEY (record_id, version)
	) WITHOUT ROWID;
	CREATE TABLE records (
		id       TEXT PRIMARY KEY,
		created  INTEGER NOT NULL,
		livemode INTEGER NOT NULL
	) WITHOUT ROWID;
	CREATE INDEX records_by_created ON records (livemode, created, id);
	CREATE TABLE attempts (
		attempt_id TEXT PRIMARY KEY,
		record_id  TEXT NOT NULL
	) WITHOUT ROWID;
	CREATE TABLE idempotency_keys (
		key         TEXT PRIMARY KEY,
		fingerprint BLOB NOT NULL,
		created_ms  INTEGER NOT NULL,
		record_id   TEXT NOT NULL,
		version     INTEGER NOT NULL,
		err_type    TEXT NOT NULL,
		err_code    TEXT NOT NULL,
		err_param   TEXT NOT NULL,
		err_message TEXT NOT NULL,
		err_causes  TEXT NOT NULL
	) WITHOUT ROWID;
	CREATE INDEX idempotency_keys_by_created ON idempotency_keys (created_ms);`,
}

// sqliteStore is an SQLite file. One goroutine writes, taking the Applies
// waiting for it as one batch in one BEGIN IMMEDIATE transaction: one
// fsync for many reports (group commit). Reads go through a pool of their
// own, which WAL mode lets run beside the writer.
type sqliteStore struct {
	sqlReader
	w, r   *sql.DB
	rstmts *stmtCache // the readers' statements
	cache  *cache
	in     *batcher
	done   chan struct{}
	pruned time.Time
	once   sync.Once

	// Owned by the writer goroutine: its connection and statements (nil
	// until needed), the connection's last PRAGMA data_version, and the
	// epoch it began (see commit).
	conn        *sql.Conn
	stmts       *stmtCache
	dataVersion int64
	epoch       uint64

	commits, batched atomic.Uint64
}

func sqliteDSN(path string, extra ...string) string {
	v := url.Values{}
	v.Add("_pragma", "busy_timeout(10000)")
	v.Add("_pragma", "journal_mode(WAL)")
	// In WAL mode, FULL syncs the log on every commit, so a commit that
	// returned is on disk; NORMAL would sync only at checkpoints.
	v.Add("_pragma", "synchronous(FULL)")
	v.Add("_pragma", "foreign_keys(0)")
	for i := 0; i+1 < len(extra); i += 2 {
		v.Add(extra[i], extra[i+1])
	}
	return "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + v.Encode()
}

func openSQLite(ctx context.Context, path string, cfg *config) (backend, error) {
	if path == "" {
		return nil, errors.New("store: sqlite: the data source needs a path: \"sqlite:PATH\"")
	}
	if sqliteInMemory(path) {
		return nil, inMemorySQLite(path)
	}
	// SQLite's URI form names the same file; payrec sets the options.
	if rest, ok := strings.CutPrefix(path, "file:"); ok {
		name, query, _ := strings.Cut(rest, "?")
		unescaped, err := url.PathUnescape(name)
		if query != "" || err != nil || unescaped == "" {
			return nil, fmt.Errorf("store: sqlite: %q: give the database file's path, as sqlite:PATH; payrec sets SQLite's options itself", "sqlite:"+path)
		}
		path = unescaped
	}
	// SQLite's own error for a file it cannot create is "out of memory".
	if dir := filepath.Dir(path); dir != "" {
		if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
			return nil, fmt.Errorf("store: sqlite: cannot create %q: its directory %q does not exist", path, dir)
		}
	}
	w, err := sql.Open("sqlite", sqliteDSN(path, "_txlock", "immediate"))
	if err != nil {
		return nil, fmt.Errorf("store: sqlite: %w", err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	// Whatever the name, a main database with no file is a private one.
	var file string
	if err := w.QueryRowContext(ctx, `SELECT file FROM pragma_database_list WHERE name = 'main'`).Scan(&file); err != nil {
		w.Close()
		return nil, fmt.Errorf("store: sqlite: %w", err)
	}
	if file == "" {
		w.Close()
		return nil, inMemorySQLite(path)
	}
	if err := migrateSQLite(ctx, w); err != nil {
		w.Close()
		return nil, err
	}
	r, err := sql.Open("sqlite", sqliteDSN(path, "_pragma", "query_only(1)"))
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("store: sqlite: %w", err)
	}
	r.SetMaxOpenConns(8)
	r.SetMaxIdleConns(8)
	s := &sqliteStore{w: w, r: r, cache: newCache(cfg.cacheSize), in: newBatcher(), done: make(chan struct{}), dataVersion: -1}
	s.rstmts = newStmtCache(r)
	s.sqlReader = newSQLReader(sqliteQueries{stmts: s.rstmts}, s.cache, func(int) string { return "?" })
	go s.run()
	return s, nil
}

// sqliteInMemory reports whether path is one of SQLite's names for an
// in-memory database: ":memory:", also as a URI ("file::memory:"), or a
// URI with mode=memory.
func sqliteInMemory(path string) bool {
	name, query, _ := strings.Cut(strings.TrimPrefix(path, "file:"), "?")
	if name == ":memory:" {
		return true
	}
	q, _ := url.ParseQuery(query) // what parses is enough to tell
	return slices.ContainsFunc(q["mode"], func(m string) bool { return strings.EqualFold(m, "memory") })
}

func inMemorySQLite(path string) error {
	return fmt.Errorf("%w: %q would give each connection a database of its own, empty; use the data source \"memory\" for a store in process memory",
		ErrSQLiteMemory, "sqlite:"+path)
}

func migrateSQLite(ctx context.Context, db *sql.DB) error {
	tx, err := db.BeginTx(ctx, nil) // BEGIN IMMEDIATE: one migrating Open at a time
	if err != nil {
		return fmt.Errorf("store: sqlite: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS payrec_schema (version INTEGER NOT NULL)`); err != nil {
		return fmt.Errorf("store: sqlite: %w", err)
	}
	var have int
	switch err := tx.QueryRowContext(ctx, `SELECT version FROM payrec_schema`).Scan(&have); {
	case errors.Is(err, sql.ErrNoRows):
		if _, err := tx.ExecContext(ctx, `INSERT INTO payrec_schema (version) VALUES (0)`); err != nil {
			return fmt.Errorf("store: sqlite: %w", err)
		}
	case err != nil:
		return fmt.Errorf("store: sqlite: %w", err)
	}
	if have > len(sqliteMigrations) {
		return newerSchema(have, len(sqliteMigrations))
	}
	for v := have; v < len(sqliteMigrations); v++ {
		if _, err := tx.ExecContext(ctx, sqliteMigrations[v]); err != nil {
			return fmt.Errorf("store: sqlite: migrating to schema version %d: %w", v+1, err)
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE payrec_schema SET version = ?`, len(sqliteMigrations)); err != nil {
		return fmt.Errorf("store: sqlite: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: sqlite: %w", err)
	}
	return nil
}

func (s *sqliteStore) apply(ctx context.Context, req *request) answer {
	return s.in.submit(ctx, req)
}

// run is the writer goroutine.
func (s *sqliteStore) run() {
	defer close(s.done)
	for {
		batch, ok := s.in.next()
		if !ok {
			return
		}
		batch = live(batch)
		if len(batch) == 0 {
			continue
		}
		err := s.commit(batch, false)
		if errors.Is(err, errAssumed) {
			// Something the batch took to be new was not: decide it again,
			// reading everything.
			err = s.commit(batch, true)
		}
		if err != nil {
			// Something failed for the batch as a whole: decide each
			// request alone, so that one request's failure is only its own.
			for _, p := range batch {
				if err := s.commit([]*pending{p}, true); err != nil {
					p.done <- answer{err: err}
				}
			}
		}
		s.in.committed()
	}
}

// errAssumed marks a batch whose write hit a unique key: something it was
// decided on the assumption of being new (see loader.optimistic) exists.
var errAssumed = errors.New("store: sqlite: a unique key refused the batch")

// commit decides and stores batch in one transaction and answers each
// request, or returns an error and answers none. Unless verify is set, it
// decides as an optimistic loader does: the writer holds the lock, but
// reading takes a third of its time, and a server's creates, attempt IDs
// and keys are new; when one is not, the batch fails with errAssumed,
// having stored nothing.
func (s *sqliteStore) commit(batch []*pending, verify bool) (err error) {
	ctx := context.Background() // the requests were live when taken; finish them
	reqs := make([]*request, len(batch))
	for i, p := range batch {
		reqs[i] = p.req
	}
	q, err := s.writer(ctx)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil && !errors.Is(err, errAssumed) {
			// Whatever failed, the transaction is not wanted, and the
			// connection's state is not known: close it (which rolls back),
			// and trust nothing read through it.
			s.dropWriter()
			s.dataVersion = -1
		}
	}()
	if err := q.exec(ctx, `BEGIN IMMEDIATE`); err != nil {
		return fmt.Errorf("store: sqlite: %w", err)
	}
	// PRAGMA data_version changes on this connection when another
	// connection — another Store or process — commits to the file, and
	// only then. While it stays put, the records this writer read or wrote
	// in the current epoch are current, and need not be read again.
	dv, err := sqliteScan(ctx, q, `PRAGMA data_version`, nil, scanInt)
	if err != nil {
		return err
	}
	if dv != s.dataVersion {
		s.dataVersion = dv
		s.epoch++
	}
	epoch := s.epoch
	l := loader{q: q, c: s.cache, epoch: epoch, trust: func(_ string, e uint64) bool { return e == epoch }, optimistic: !verify}
	answers, writes, v, err := decideBatch(ctx, l, reqs)
	if err != nil {
		return err
	}
	if err := q.write(ctx, writes); err != nil {
		var se *sqlite.Error
		if errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_CONSTRAINT {
			// OR ROLLBACK has undone the transaction; the connection is
			// as good as before it.
			return fmt.Errorf("%w: %w", errAssumed, err)
		}
		return err
	}
	now := reqs[0].now
	prune := now.Sub(s.pruned) >= pruneEvery || now.Before(s.pruned)
	if prune {
		if err := q.exec(ctx, `DELETE FROM idempotency_keys WHERE created_ms < ?`, reqs[0].expiry.UnixMilli()); err != nil {
			return fmt.Errorf("store: sqlite: pruning idempotency keys: %w", err)
		}
	}
	if err := q.exec(ctx, `COMMIT`); err != nil {
		return fmt.Errorf("store: sqlite: commit: %w", err)
	}
	if prune {
		s.pruned = now
	}
	s.commits.Add(1)
	s.batched.Add(uint64(len(batch)))
	v.cacheAll(s.cache, epoch)
	for i, p := range batch {
		p.done <- answers[i]
	}
	return nil
}

// writer returns the queries of the writer's connection, which the writer
// goroutine holds, with the statements prepared on it; it runs BEGIN and
// COMMIT itself, so that the statements stay prepared from one
// transaction to the next (database/sql prepares a transaction's own
// statements again for each one).
func (s *sqliteStore) writer(ctx context.Context) (sqliteQueries, error) {
	if s.conn == nil {
		c, err := s.w.Conn(ctx)
		if err != nil {
			return sqliteQueries{}, fmt.Errorf("store: sqlite: %w", err)
		}
		s.conn, s.stmts = c, newStmtCache(c)
	}
	return sqliteQueries{stmts: s.stmts}, nil
}

// dropWriter closes the writer's connection: the next batch opens another.
func (s *sqliteStore) dropWriter() {
	if s.conn == nil {
		return
	}
	_ = s.stmts.close()
	// ErrBadConn makes database/sql close the connection rather than keep
	// it for reuse; SQLite then rolls back what it had begun.
	_ = s.conn.Raw(func(any) error { return driver.ErrBadConn })
	_ = s.conn.Close()
	s.conn, s.stmts = nil, nil
}

// scanInt reads a query's single integer.
func scanInt(rs rows) (int64, error) {
	var n int64
	if !rs.Next() {
		if err := rs.Err(); err != nil {
			return 0, err
		}
		return 0, sql.ErrNoRows
	}
	err := errors.Join(rs.Scan(&n), rs.Err()) // before n is read: see the spec on order of evaluation
	return n, err
}

// sqliteQueries runs the store's queries on an SQLite connection or pool,
// with statements prepared once per connection.
type sqliteQueries struct{ stmts *stmtCache }

// stmtCache keeps the statements of one pool prepared, by text. SQLite
// compiles a statement into a program before it runs it; compiling each
// batch's statements anew took a fifth of the writer's time. A statement
// that takes many rows is built for a power of two of them (see chunks),
// so that a pool needs at most a few variants of each.
type stmtCache struct {
	db interface { // a *sql.DB or a *sql.Conn
		PrepareContext(ctx context.Context, query string) (*sql.Stmt, error)
	}
	mu sync.Mutex
	m  map[string]*sql.Stmt
}

func newStmtCache(db interface {
	PrepareContext(ctx context.Context, query string) (*sql.Stmt, error)
}) *stmtCache {
	return &stmtCache{db: db, m: map[string]*sql.Stmt{}}
}

// stmt returns the statement for text, prepared.
func (q sqliteQueries) stmt(ctx context.Context, text string) (*sql.Stmt, error) {
	c := q.stmts
	c.mu.Lock()
	st, ok := c.m[text]
	c.mu.Unlock()
	if !ok {
		var err error
		if st, err = c.db.PrepareContext(ctx, text); err != nil {
			return nil, err
		}
		c.mu.Lock()
		if old, raced := c.m[text]; raced {
			st.Close()
			st = old
		} else {
			c.m[text] = st
		}
		c.mu.Unlock()
	}
	return st, nil
}

func (c *stmtCache) close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	var errs []error
	for _, st := range c.m {
		errs = append(errs, st.Close())
	}
	clear(c.m)
	return errors.Join(errs...)
}

func (q sqliteQueries) exec(ctx context.Context, text string, args ...any) error {
	st, err := q.stmt(ctx, text)
	if err == nil {
		_, err = st.ExecContext(ctx, args...)
	}
	return err
}

// sqliteScan runs query and reads its rows with scan.
func sqliteScan[T any](ctx context.Context, q sqliteQueries, query string, args []any, scan func(rows) (T, error)) (T, error) {
	var zero T
	st, err := q.stmt(ctx, query)
	if err != nil {
		return zero, fmt.Errorf("store: sqlite: %w", err)
	}
	rs, err := st.QueryContext(ctx, args...)
	if err != nil {
		return zero, fmt.Errorf("store: sqlite: %w", err)
	}
	defer rs.Close()
	out, err := scan(rs)
	if err != nil {
		return zero, fmt.Errorf("store: sqlite: %w", err)
	}
	return out, nil
}

// chunks splits n rows into runs whose lengths are powers of two, longest
// first, and calls fn with each run's bounds [lo, hi).
func chunks(n int, fn func(lo, hi int) error) error {
	for lo := 0; lo < n; {
		hi := lo + 1<<(bits.Len(uint(n-lo))-1)
		if err := fn(lo, hi); err != nil {
			return err
		}
		lo = hi
	}
	return nil
}

// rowsOf returns n copies of row (such as "(?, ?)") separated by commas.
func rowsOf(row string, n int) string {
	return strings.TrimSuffix(strings.Repeat(row+", ", n), ", ")
}

// scanChunks runs query (whose "%s" takes the rows) on args in chunks of
// cols values per row and merges what scan reads.
func scanChunks[V any](ctx context.Context, q sqliteQueries, query, row string, cols int, args []any,
	scan func(rows) (map[string]V, error)) (map[string]V, error) {
	out := map[string]V{}
	err := chunks(len(args)/cols, func(lo, hi int) error {
		m, err := sqliteScan(ctx, q, fmt.Sprintf(query, rowsOf(row, hi-lo)), args[lo*cols:hi*cols], scan)
		maps.Copy(out, m)
		return err
	})
	return out, err
}

func (q sqliteQueries) reportsAfter(ctx context.Context, after map[string]uint64) (map[string][]versionLine, error) {
	args := make([]any, 0, 2*len(after))
	for id, v := range after {
		args = append(args, id, int64(v))
	}
	return scanChunks(ctx, q, `WITH a(id, after) AS (VALUES %s) SELECT r.record_id, r.version, r.line FROM a JOIN reports r
		ON r.record_id = a.id AND r.version > a.after ORDER BY r.record_id, r.version`, "(?, ?)", 2, args, scanReports)
}

func anys(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

func (q sqliteQueries) reportsUpTo(ctx context.Context, id string, version uint64) ([]versionLine, error) {
	m, err := sqliteScan(ctx, q, `SELECT record_id, version, line FROM reports WHERE record_id = ? AND version <= ? ORDER BY version`,
		[]any{id, int64(min(version, math.MaxInt64))}, scanReports)
	return m[id], err
}

func (q sqliteQueries) attemptOwners(ctx context.Context, attemptIDs []string) (map[string]string, error) {
	return scanChunks(ctx, q, `SELECT attempt_id, record_id FROM attempts WHERE attempt_id IN (%s)`, "?", 1, anys(attemptIDs), scanPairs)
}

func (q sqliteQueries) keys(ctx context.Context, keys []string) (map[string]*storedKey, error) {
	return scanChunks(ctx, q, `SELECT `+keyColumns+` FROM idempotency_keys WHERE key IN (%s)`, "?", 1, anys(keys), scanKeys)
}

// write stores ws with multi-row INSERTs, a few per table.
func (q sqliteQueries) write(ctx context.Context, ws []*write) error {
	var reports, records, attempts, keys, delKeys []any
	for _, w := range ws {
		if r := w.rec; r != nil {
			reports = append(reports, r.ID(), int64(r.Version()), w.line)
			if r.Version() == 1 {
				records = append(records, r.ID(), r.Created(), r.Livemode())
			}
			if w.attemptID != "" {
				attempts = append(attempts, w.attemptID, r.ID())
			}
		}
		if o := w.keyOut; o != nil {
			if w.replaceKy {
				delKeys = append(delKeys, w.key, w.expiry.UnixMilli())
			}
			keys = append(keys, w.key, w.fp, w.created.UnixMilli(), o.recordID, int64(o.version),
				o.errType, o.code, o.param, o.message, o.causes)
		}
	}
	// OR ROLLBACK: a multi-row INSERT that may abort midway makes SQLite
	// keep a statement journal, a copy of every page it touches, so that
	// it can undo the statement alone; that copying cost as much as the
	// commit. The writer never wants a statement undone alone (it holds
	// the lock and read what it decided on, so a conflict means the batch
	// is wrong): a failure undoes the transaction, and run decides the
	// batch's requests again one by one.
	stmts := []struct {
		what, sql string
		cols      int
		args      []any
	}{
		{"appending reports", `INSERT OR ROLLBACK INTO reports (record_id, version, line) VALUES `, 3, reports},
		{"listing records", `INSERT OR ROLLBACK INTO records (id, created, livemode) VALUES `, 3, records},
		{"indexing attempts", `INSERT OR ROLLBACK INTO attempts (attempt_id, record_id) VALUES `, 2, attempts},
		{"storing idempotency keys", `INSERT OR ROLLBACK INTO idempotency_keys (key, fingerprint, created_ms, record_id, version, err_type, err_code, err_param, err_message, err_causes) VALUES `, 10, keys},
	}
	for i := 0; i < len(delKeys); i += 2 {
		// Only an expired row goes (the writer holds the lock: it is the one read).
		if err := q.exec(ctx, `DELETE FROM idempotency_keys WHERE key = ? AND created_ms < ?`, delKeys[i], delKeys[i+1]); err != nil {
			return fmt.Errorf("store: sqlite: replacing an expired idempotency key: %w", err)
		}
	}
	for _, st := range stmts {
		row := "(" + rowsOf("?", st.cols) + ")"
		err := chunks(len(st.args)/st.cols, func(lo, hi int) error {
			return q.exec(ctx, st.sql+rowsOf(row, hi-lo), st.args[lo*st.cols:hi*st.cols]...)
		})
		if err != nil {
			return fmt.Errorf("store: sqlite: %s: %w", st.what, err)
		}
	}
	return nil
}

func (s *sqliteStore) stats() Stats {
	return Stats{Commits: s.commits.Load(), Batched: s.batched.Load()}
}

func (s *sqliteStore) close() error {
	var err error
	s.once.Do(func() {
		s.in.close()
		<-s.done
		s.dropWriter() // the writer goroutine is done with it
		err = errors.Join(s.rstmts.close(), s.w.Close(), s.r.Close())
	})
	return err
}

func (q sqliteQueries) ids(ctx context.Context, query string, args []any) ([]string, error) {
	return sqliteScan(ctx, q, query, args, scanIDs)
}
