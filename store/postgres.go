package store

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"regexp"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// postgresMigrations are the PostgreSQL schema, one step per version: step
// i takes the database from version i to i+1. Append; never edit a step.
var postgresMigrations = []string{
	`CREATE TABLE reports (
		record_id text   NOT NULL,
		version   bigint NOT NULL,
		line      bytea  NOT NULL,
		PRIMARY KEY (record_id, version)
	);
	CREATE TABLE records (
		id       text    PRIMARY KEY,
		created  bigint  NOT NULL,
		livemode boolean NOT NULL
	);
	CREATE INDEX records_by_created ON records (livemode, created, id);
	CREATE TABLE attempts (
		attempt_id text PRIMARY KEY,
		record_id  text NOT NULL
	);
	CREATE TABLE idempotency_keys (
		key         text   PRIMARY KEY,
		fingerprint bytea  NOT NULL,
		created_ms  bigint NOT NULL,
		record_id   text   NOT NULL,
		version     bigint NOT NULL,
		err_type    text   NOT NULL,
		err_code    text   NOT NULL,
		err_param   text   NOT NULL,
		err_message text   NOT NULL,
		err_causes  text   NOT NULL
	);
	CREATE INDEX idempotency_keys_by_created ON idempotency_keys (created_ms);`,
	// Lists order and page by (created, id). Under the database's default
	// collation, often a locale such as en_US, "pr_a" sorted before
	// "pr_B"; the C collation compares bytes, as Go, SQLite and the memory
	// store do. Changing it rebuilds the table's indexes (its primary key,
	// records_by_created).
	`ALTER TABLE records ALTER COLUMN id TYPE text COLLATE "C";`,
}

// migrationLock is the advisory lock that serializes migrating Opens.
const migrationLock = 0x7061797265630001 // "payrec" 1

// postgresStore is a PostgreSQL database. One writer goroutine takes the
// Applies waiting for it as one batch in one transaction (group commit:
// while a batch commits, the next one gathers). A commit costs the
// database about as much CPU as thirty creates, so the batches are kept
// large: one writer committing 30 reports at a time used a third of the
// database's CPU per report that four writers committing 6 each did, and
// reached a higher throughput (BenchmarkCreate).
//
// A batch that loses a race to another process — a unique violation on a
// (record_id, version), an attempt ID or an idempotency key — is undone,
// reloaded and decided again, so callers never see the conflict.
type postgresStore struct {
	sqlReader
	pool      *pgxpool.Pool
	cache     *cache
	in        *batcher
	done      chan struct{} // closed when the writer has finished
	once      sync.Once
	conflicts atomic.Uint64

	// Records whose writes lost a race lately, when: another process
	// writes them too, so their cached copies are read before use rather
	// than trusted.
	mu          sync.Mutex
	contendedAt map[string]time.Time
	commits     atomic.Uint64
	batched     atomic.Uint64
	pruned      atomic.Int64 // Unix ms of the last pruning

	// The writer goroutine's own: the writes of a batch in order, and
	// their parameters, kept from one batch to the next.
	sorted []*write
	params pgParams
}

var identifier = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,62}$`)

func openPostgres(ctx context.Context, dsn string, cfg *config) (backend, error) {
	pc, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("store: postgres: %w", err)
	}
	// create is the schema to create if missing, as SQL: a name from the
	// DSN's search_path as PostgreSQL reads it there (unquoted, so folded
	// to lower case), a WithSchema name quoted, exactly as given.
	create := ""
	if cfg.schema == "" {
		if sp := pc.ConnConfig.RuntimeParams["search_path"]; identifier.MatchString(sp) {
			create = sp // one plain name; a list or an expression is the user's to create
		}
	} else {
		if !identifier.MatchString(cfg.schema) {
			return nil, fmt.Errorf("store: postgres: schema name %q: want letters, digits and _", cfg.schema)
		}
		create = pgx.Identifier{cfg.schema}.Sanitize()
		pc.ConnConfig.RuntimeParams["search_path"] = create
	}
	if pc.MaxConns < 4 {
		pc.MaxConns = 4 // the writer's, and readers'
	}
	pool, err := pgxpool.NewWithConfig(ctx, pc)
	if err != nil {
		return nil, fmt.Errorf("store: postgres: %w", err)
	}
	if err := migratePostgres(ctx, pool, create); err != nil {
		pool.Close()
		return nil, err
	}
	s := &postgresStore{pool: pool, cache: newCache(cfg.cacheSize), in: newBatcher(), done: make(chan struct{}),
		contendedAt: map[string]time.Time{}}
	s.sqlReader = newSQLReader(pgQueries{pool}, s.cache, func(n int) string { return fmt.Sprintf("$%d", n) })
	go s.run()
	return s, nil
}

// migratePostgres brings the schema up to date, first creating schema (SQL:
// a plain or quoted name) when it is not "".
func migratePostgres(ctx context.Context, pool *pgxpool.Pool, schema string) error {
	fail := func(err error) error { return fmt.Errorf("store: postgres: preparing the schema: %w", err) }
	tx, err := pool.Begin(ctx)
	if err != nil {
		return fail(err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(migrationLock)); err != nil {
		return fail(err)
	}
	if schema != "" {
		if _, err := tx.Exec(ctx, `CREATE SCHEMA IF NOT EXISTS `+schema); err != nil {
			return fail(err)
		}
	}
	if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS payrec_schema (version integer NOT NULL)`); err != nil {
		return fail(err)
	}
	var have int
	switch err := tx.QueryRow(ctx, `SELECT version FROM payrec_schema`).Scan(&have); {
	case errors.Is(err, pgx.ErrNoRows):
		if _, err := tx.Exec(ctx, `INSERT INTO payrec_schema (version) VALUES (0)`); err != nil {
			return fail(err)
		}
	case err != nil:
		return fail(err)
	}
	if have > len(postgresMigrations) {
		return newerSchema(have, len(postgresMigrations))
	}
	for v := have; v < len(postgresMigrations); v++ {
		if _, err := tx.Exec(ctx, postgresMigrations[v]); err != nil {
			return fmt.Errorf("store: postgres: migrating to schema version %d: %w", v+1, err)
		}
	}
	if _, err := tx.Exec(ctx, `UPDATE payrec_schema SET version = $1`, len(postgresMigrations)); err != nil {
		return fail(err)
	}
	if err := tx.Commit(ctx); err != nil {
		return fail(err)
	}
	return nil
}

func (s *postgresStore) apply(ctx context.Context, req *request) answer {
	return s.in.submit(ctx, req)
}

// run is the writer goroutine.
func (s *postgresStore) run() {
	defer close(s.done)
	for {
		batch, ok := s.in.next()
		if !ok {
			return
		}
		s.commitRetrying(batch)
		s.in.committed()
	}
}

// retryable reports whether err is a lost race with another transaction:
// deciding again on fresh data will do.
func retryable(err error) bool {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return false
	}
	switch pe.Code {
	case "23505", // unique_violation: another writer appended first
		"40001", // serialization_failure
		"40P01": // deadlock_detected
		return true
	}
	return false
}

// errOutcomeUnknown marks a write whose commit may or may not have
// happened: the connection failed after the batch was sent.
var errOutcomeUnknown = errors.New("store: postgres: the connection failed while committing; the outcome is unknown")

// contendedFor is how long a record that lost a race is read before use.
const contendedFor = 10 * time.Second

func (s *postgresStore) contend(batch []*pending) {
	now := time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.contendedAt) > 10000 {
		clear(s.contendedAt) // forgetting only costs a lost race
	}
	for _, p := range batch {
		s.contendedAt[p.req.id] = now
	}
}

func (s *postgresStore) contended(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	at, ok := s.contendedAt[id]
	return ok && time.Since(at) < contendedFor
}

// undone reports whether a failed batch certainly stored nothing.
func undone(err error) bool { return !errors.Is(err, errOutcomeUnknown) }

// commitRetrying commits batch, deciding it again after each lost race,
// and answers every request. After a few losses, requests go one at a
// time, so that one hot record cannot hold the others back.
func (s *postgresStore) commitRetrying(batch []*pending) {
	for try := 0; ; try++ {
		batch = live(batch)
		if len(batch) == 0 {
			return
		}
		err := s.commit(batch, try > 0)
		if err == nil {
			return
		}
		if !retryable(err) {
			if !undone(err) {
				// The commit may have happened: deciding again could apply
				// a report twice. Say so; a request with an idempotency key
				// can be sent again safely.
				for _, p := range batch {
					p.done <- answer{err: err}
				}
				return
			}
			if len(batch) > 1 {
				for _, p := range batch {
					s.commitRetrying([]*pending{p})
				}
				return
			}
			batch[0].done <- answer{err: err}
			return
		}
		s.conflicts.Add(1)
		s.contend(batch)
		if try >= 3 && len(batch) > 1 {
			for _, p := range batch {
				s.commitRetrying([]*pending{p})
			}
			return
		}
		if try > 0 {
			time.Sleep(time.Duration(rand.IntN(1000*(1<<min(try, 6)))) * time.Microsecond)
		}
	}
}

// commit decides and stores batch and answers each request, or returns an
// error and answers none.
//
// The batch reads outside any transaction and writes in one implicit
// transaction: every write is one statement of a single pipelined round
// trip, which PostgreSQL commits at its end, all or nothing. Reading in
// the transaction would add round trips and guarantee nothing more: what
// a decision relies on is checked by the primary keys the writes hit —
// the record's next version, the attempt ID, the idempotency key — and a
// write that finds one taken fails the batch, which is then decided again.
func (s *postgresStore) commit(batch []*pending, verify bool) error {
	ctx := context.Background() // the requests were live when taken; finish them
	reqs := make([]*request, len(batch))
	for i, p := range batch {
		reqs[i] = p.req
	}
	q := pgQueries{s.pool}
	l := loader{q: q, c: s.cache}
	if !verify {
		// Trust the cache, and take what it lacks to be new: a stale
		// record, a record that exists, an attempt ID or idempotency key
		// in use make the write fail (a unique key refuses it), and the
		// batch is then decided again, read. A server's creates and keys
		// are new, so its batches commit in one round trip.
		l.trust = func(id string, _ uint64) bool { return !s.contended(id) }
		l.optimistic = true
	}
	answers, writes, v, err := decideBatch(ctx, l, reqs)
	if err != nil {
		return err
	}
	now := reqs[0].now
	var prune int64
	if last := s.pruned.Load(); now.UnixMilli()-last >= pruneEvery.Milliseconds() || now.UnixMilli() < last {
		prune = reqs[0].expiry.UnixMilli()
	}
	if err := s.write(ctx, writes, prune); err != nil {
		return err
	}
	if prune != 0 {
		s.pruned.Store(now.UnixMilli())
	}
	s.commits.Add(1)
	s.batched.Add(uint64(len(batch)))
	v.cacheAll(s.cache, 0)
	for i, p := range batch {
		p.done <- answers[i]
	}
	return nil
}

// pgQueries runs the store's queries on a pool or a transaction.
type pgQueries struct {
	db interface {
		Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	}
}

func pgErr(err error) error { return fmt.Errorf("store: postgres: %w", err) }

func (q pgQueries) reportsAfter(ctx context.Context, after map[string]uint64) (map[string][]versionLine, error) {
	ids := make([]string, 0, len(after))
	vs := make([]int64, 0, len(after))
	for id, v := range after {
		ids = append(ids, id)
		vs = append(vs, int64(v))
	}
	return pgScan(ctx, q, `SELECT r.record_id, r.version, r.line
		FROM reports r JOIN unnest($1::text[], $2::bigint[]) AS a(id, after)
		ON r.record_id = a.id AND r.version > a.after
		ORDER BY r.record_id, r.version`, []any{ids, vs}, scanReports)
}

func (q pgQueries) reportsUpTo(ctx context.Context, id string, version uint64) ([]versionLine, error) {
	m, err := pgScan(ctx, q, `SELECT record_id, version, line FROM reports WHERE record_id = $1 AND version <= $2 ORDER BY version`,
		[]any{id, int64(min(version, math.MaxInt64))}, scanReports)
	return m[id], err
}

// pgScan runs query and reads its rows with scan.
func pgScan[T any](ctx context.Context, q pgQueries, query string, args []any, scan func(rows) (T, error)) (T, error) {
	var zero T
	rs, err := q.db.Query(ctx, query, args...)
	if err != nil {
		return zero, pgErr(err)
	}
	defer rs.Close()
	out, err := scan(rs)
	if err != nil {
		return zero, pgErr(err)
	}
	return out, nil
}

func (q pgQueries) attemptOwners(ctx context.Context, attemptIDs []string) (map[string]string, error) {
	return pgScan(ctx, q, `SELECT attempt_id, record_id FROM attempts WHERE attempt_id = ANY($1)`, []any{attemptIDs}, scanPairs)
}

func (q pgQueries) keys(ctx context.Context, keys []string) (map[string]*storedKey, error) {
	return pgScan(ctx, q, `SELECT `+keyColumns+` FROM idempotency_keys WHERE key = ANY($1)`, []any{keys}, scanKeys)
}

func (s *postgresStore) stats() Stats {
	return Stats{Retries: s.conflicts.Load(), Commits: s.commits.Load(), Batched: s.batched.Load()}
}

func (s *postgresStore) close() error {
	s.once.Do(func() {
		s.in.close()
		<-s.done
		s.pool.Close()
	})
	return nil
}

func (q pgQueries) ids(ctx context.Context, query string, args []any) ([]string, error) {
	return pgScan(ctx, q, query, args, scanIDs)
}
