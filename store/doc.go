// Package store keeps payment records beyond one process: in memory, in an
// SQLite file or in a PostgreSQL database that many replicas share.
//
// # Records as report logs
//
// A store keeps each record as its log of accepted reports — the report
// log lines of package record — and a record is the replay of its log.
// Apply loads the record, applies the report in memory, where the record's
// own rules decide, and appends the report as the record's next version.
// The pair (record ID, version) is unique: it is the optimistic lock. A
// writer that lost a race to another process gets a unique violation,
// reloads the record and decides again, so callers see the record's answer,
// never a conflict. What one Apply writes — the report, the attempt index,
// the record's listing row and the idempotency key — commits together or
// not at all.
//
//	s, err := store.Open(ctx, "sqlite:payrec.db")
//	r, err := s.Apply(ctx, "", record.ReportPaymentParams{ID: "pr_1", …})
//	r, err = s.Apply(ctx, "pr_1", record.ReportPaymentAttemptFailedParams{FailedAt: t})
//	r, err = s.Get(ctx, "pr_1")
//
// # Backends
//
// Open takes a data source name:
//
//   - "memory": in this process only, for tests and demos;
//   - "sqlite:PATH": an SQLite file (pure Go, no cgo) in WAL mode, written
//     by one goroutine per Store, which commits the concurrent Applies of
//     its Store together (group commit) with synchronous=FULL;
//   - "postgres://…" or "postgresql://…": PostgreSQL through pgx. Many
//     processes may share the database; each batches its concurrent
//     Applies into shared transactions. The writer prepares its statements
//     by name on each connection, unless the DSN asks for another of pgx's
//     modes (default_query_exec_mode=exec, say, behind a pooler that
//     shares server connections between clients).
//
// # Durability and atomicity
//
// When Apply returns a record, its report is committed: on disk for
// SQLite (fsync before the answer) and PostgreSQL (its default commit).
// Concurrent Applies share commits, but each is decided on its own against
// the reports accepted before it: a rejected report changes nothing, and a
// record's versions are contiguous.
//
// # Batching and caching
//
// SQL stores write through writer goroutines: one per SQLite Store, four
// per PostgreSQL Store, each owning the records whose ID hashes to it. A
// writer takes every Apply waiting for it as one batch, decides them in
// order and stores them in one transaction (group commit): one fsync for
// the batch. When its appliers are busy, a writer waits up to 300µs for the
// ones its last commit answered, so that batches stay whole.
//
// Decoded records are cached (WithCacheSize) and checked by version, never
// trusted alone: a read asks the database for the reports after the cached
// version only, so the cost of an Apply does not grow with the record's
// history. Concurrent reads share that query: the reads that arrive while
// one runs are answered together by the next, which begins after they
// did, so that a read still sees every Apply that returned before it
// began, through any Store. The SQLite writer skips even that while
// PRAGMA data_version shows that no other connection has written; the
// PostgreSQL writer decides on the cached record and lets the (record_id,
// version) key reject a stale decision, which is then made again on fresh
// data (Stats counts those retries); a record that lost such a race is
// read before use for the next ten seconds, since another process is
// writing it too. Both writers take a record a report creates, an attempt
// ID and an idempotency key that the cache does not know to be new, and
// let the unique keys refuse a batch in which one was not. There are no
// snapshots: a record that is not cached is
// rebuilt from its whole log once.
//
// # Schema
//
// SQL stores keep the tables reports (record_id, version, line: the
// report log line), records (id, created, livemode: for listing), attempts
// (attempt_id, record_id) and idempotency_keys, with payrec_schema holding
// the schema version. Open applies the migrations a database lacks and
// refuses one whose schema is newer than the code (ErrSchemaTooNew).
//
// # Idempotency
//
// Apply takes an IdempotencyKey with Stripe's semantics: see IdempotencyKey.
// Rejections are remembered too, except parameter errors, and a replayed
// rejection has the same type, code, param and message as the first answer
// and matches the same sentinels under errors.Is.
//
// # Errors
//
// Apply returns the record's own rejections (*payrec.Error, matching the
// sentinels of package record) and, for IDs the store does not hold, an
// error matching ErrNotFound. Stored data that cannot be read back is an
// error matching ErrCorrupt that names the record and version; the store
// never panics on it. Other errors are the database's.
package store
