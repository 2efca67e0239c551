package store

import (
	"context"
	"maps"
	"slices"

	"github.com/jackc/pgx/v5"
)

// HoldKey marks key as used by a running Apply of s until release is called.
func HoldKey(s *Store, key string) (release func()) {
	s.mu.Lock()
	s.inflight[key] = struct{}{}
	s.mu.Unlock()
	return func() {
		s.mu.Lock()
		delete(s.inflight, key)
		s.mu.Unlock()
	}
}

// sqlReaderOf returns the reader of an SQL store, nil for the memory store.
func sqlReaderOf(s *Store) *sqlReader {
	switch b := s.b.(type) {
	case *sqliteStore:
		return &b.sqlReader
	case *postgresStore:
		return &b.sqlReader
	}
	return nil
}

// GroupReads sets whether the SQL store s serves concurrent reads with
// shared queries (the default), so that benchmarks can compare; call it
// before s is used.
func GroupReads(s *Store, on bool) {
	r := sqlReaderOf(s)
	if r == nil {
		return
	}
	if on {
		*r = newSQLReader(r.q, r.cache, r.ph)
		return
	}
	r.reads = nil
}

// HookGroupReads makes each query of the SQL store s's grouped reads call
// hook once it ran, with the query's context and the record IDs it read
// (sorted), before the reads it serves are answered: hook may hold them
// back, or fail the query with an error. Call it before s is used.
func HookGroupReads(s *Store, hook func(ctx context.Context, ids []string) error) {
	if r := sqlReaderOf(s); r != nil && r.reads != nil {
		r.reads.l.q = hookedQueries{r.reads.l.q, hook}
	}
}

type hookedQueries struct {
	queries
	hook func(ctx context.Context, ids []string) error
}

func (q hookedQueries) reportsAfter(ctx context.Context, after map[string]uint64) (map[string][]versionLine, error) {
	out, err := q.queries.reportsAfter(ctx, after)
	if herr := q.hook(ctx, slices.Sorted(maps.Keys(after))); herr != nil {
		return nil, herr
	}
	return out, err
}

// PendingGroupReads returns how many reads of the SQL store s wait for its
// next grouped query.
func PendingGroupReads(s *Store) int {
	r := sqlReaderOf(s)
	if r == nil || r.reads == nil {
		return 0
	}
	g := r.reads
	g.mu.Lock()
	defer g.mu.Unlock()
	n := 0
	for _, c := range g.pending {
		if !c.gone {
			n++
		}
	}
	return n
}

// NamedStatements counts the statements that the PostgreSQL store s has
// prepared under payrec's names, on the connections its pool holds idle.
func NamedStatements(s *Store) (int, error) {
	ctx := context.Background()
	n := 0
	for _, c := range s.b.(*postgresStore).pool.AcquireAllIdle(ctx) {
		var k int
		err := c.QueryRow(ctx, `SELECT count(*) FROM pg_prepared_statements WHERE name LIKE 'payrec\_%'`,
			pgx.QueryExecModeSimpleProtocol).Scan(&k) // which prepares nothing itself
		c.Release()
		if err != nil {
			return 0, err
		}
		n += k
	}
	return n, nil
}

// TestSchema is testSchema, for the black-box tests.
var TestSchema = testSchema
