package store_test

// The harness of the black-box tests of package store: the three allBackends
// every behaviour test runs against, fixtures, and the PostgreSQL
// bookkeeping (a schema per test, the skip message, the count of passed
// PostgreSQL tests that CI checks).

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/payrec/payrec/attempt"
	"github.com/payrec/payrec/internal/pgenv"
	"github.com/payrec/payrec/money"
	"github.com/payrec/payrec/record"
	"github.com/payrec/payrec/record/recordtest"
	"github.com/payrec/payrec/store"
)

// envPostgres names the variable holding the URL of the PostgreSQL
// database the tests may use; without it they are skipped.
const envPostgres = pgenv.Var

// envPostgresCount names a file TestMain writes the number of passed
// PostgreSQL tests to, so that CI can fail when none ran.
const envPostgresCount = "PAYREC_TEST_POSTGRES_COUNT"

// postgresPassed counts the (sub)tests on PostgreSQL that passed.
var postgresPassed atomic.Int64

func TestMain(m *testing.M) {
	if helperMain() {
		return
	}
	pgenv.NoteSkipped("store")
	code := m.Run()
	if os.Getenv(envPostgres) != "" {
		fmt.Printf("store: %d PostgreSQL tests passed\n", postgresPassed.Load())
		if f := os.Getenv(envPostgresCount); f != "" {
			if err := os.WriteFile(f, fmt.Appendf(nil, "%d\n", postgresPassed.Load()), 0o644); err != nil {
				fmt.Fprintln(os.Stderr, err)
				code = 1
			}
		}
	}
	os.Exit(code)
}

// backend is one kind of database a store runs on.
type backend struct {
	name string
	// persistent says whether a database outlives its Store, so that
	// reopening it gives back what was stored.
	persistent bool
	// newDSN returns the DSN of a new, empty database that t removes when
	// it ends. It skips t when the backend cannot run here.
	newDSN func(t testing.TB) string
}

var (
	memoryBackend = backend{name: "memory", newDSN: func(testing.TB) string { return "memory" }}
	sqliteBackend = backend{name: "sqlite", persistent: true, newDSN: func(t testing.TB) string {
		return "sqlite:" + filepath.Join(t.TempDir(), "payrec.db")
	}}
	postgresBackend = backend{name: "postgres", persistent: true, newDSN: newPostgresDSN}
	allBackends     = []backend{memoryBackend, sqliteBackend, postgresBackend}
)

// forEachBackend runs f as a subtest per backend, named after it.
func forEachBackend(t *testing.T, f func(t *testing.T, b backend)) {
	for _, b := range allBackends {
		t.Run(b.name, func(t *testing.T) { f(t, b) })
	}
}

// forPersistentBackends runs f as a subtest per backend whose databases
// outlive a Store.
func forPersistentBackends(t *testing.T, f func(t *testing.T, b backend)) {
	for _, b := range allBackends {
		if b.persistent {
			t.Run(b.name, func(t *testing.T) { f(t, b) })
		}
	}
}

var pgSchemaSeq atomic.Int64

// newPostgresDSN returns newPostgresSchema's DSN for t, and counts t as a
// passed PostgreSQL test if t passes. Without PAYREC_TEST_POSTGRES it skips
// t, saying how to run it.
func newPostgresDSN(t testing.TB) string {
	t.Helper()
	dsn := newPostgresSchema(t)
	t.Cleanup(func() {
		if !t.Failed() && !t.Skipped() {
			postgresPassed.Add(1)
		}
	})
	return dsn
}

// newPostgresSchema creates a schema of its own in the database named by
// PAYREC_TEST_POSTGRES, and returns a DSN whose connections use it (the
// search_path runtime parameter). The schema is dropped when t ends.
func newPostgresSchema(t testing.TB) string {
	t.Helper()
	base, schema := store.TestSchema(t, fmt.Sprintf("t%d", pgSchemaSeq.Add(1)))
	u, err := url.Parse(base)
	require.NoError(t, err)
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// tb is what the helpers below need of *testing.T, *testing.B and *rapid.T.
type tb interface {
	Helper()
	Errorf(format string, args ...any)
	Fatalf(format string, args ...any)
	FailNow()
}

// open opens a store on dsn and closes it when t ends.
func open(t testing.TB, dsn string, opts ...store.Option) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), dsn, opts...)
	require.NoError(t, err, "open %s", dsn)
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// rawExec runs one SQL statement directly against the database behind dsn,
// bypassing the store: $1-style placeholders on both SQL allBackends.
func rawExec(t tb, dsn, query string, args ...any) int64 {
	t.Helper()
	ctx := context.Background()
	switch {
	case strings.HasPrefix(dsn, "sqlite:"):
		db, err := sql.Open("sqlite", strings.TrimPrefix(dsn, "sqlite:"))
		require.NoError(t, err)
		defer db.Close()
		res, err := db.ExecContext(ctx, query, args...)
		require.NoError(t, err, "sqlite: %s", query)
		n, err := res.RowsAffected()
		require.NoError(t, err)
		return n
	case strings.HasPrefix(dsn, "postgres"):
		conn, err := pgx.Connect(ctx, dsn)
		require.NoError(t, err)
		defer conn.Close(ctx)
		tag, err := conn.Exec(ctx, query, args...)
		require.NoError(t, err, "postgres: %s", query)
		return tag.RowsAffected()
	}
	t.Fatalf("rawExec: no SQL database behind %q", dsn)
	return 0
}

// rawVersions returns the versions of a record's stored reports, in order,
// read directly from the database behind dsn.
func rawVersions(t tb, dsn, id string) []int64 {
	t.Helper()
	ctx := context.Background()
	var out []int64
	switch {
	case strings.HasPrefix(dsn, "sqlite:"):
		db, err := sql.Open("sqlite", strings.TrimPrefix(dsn, "sqlite:"))
		require.NoError(t, err)
		defer db.Close()
		rows, err := db.QueryContext(ctx, "SELECT "+colVersion+" FROM "+tableReports+" WHERE "+colRecordID+" = $1 ORDER BY "+colVersion, id)
		require.NoError(t, err)
		defer rows.Close()
		for rows.Next() {
			var v int64
			require.NoError(t, rows.Scan(&v))
			out = append(out, v)
		}
		require.NoError(t, rows.Err())
	case strings.HasPrefix(dsn, "postgres"):
		conn, err := pgx.Connect(ctx, dsn)
		require.NoError(t, err)
		defer conn.Close(ctx)
		rows, err := conn.Query(ctx, "SELECT "+colVersion+" FROM "+tableReports+" WHERE "+colRecordID+" = $1 ORDER BY "+colVersion, id)
		require.NoError(t, err)
		out, err = pgx.CollectRows(rows, pgx.RowTo[int64])
		require.NoError(t, err)
	default:
		t.Fatalf("rawVersions: no SQL database behind %q", dsn)
	}
	return out
}

// The reports table as the store's migrations create it.
const (
	tableReports = "reports"
	colRecordID  = "record_id"
	colVersion   = "version"
	colReport    = "line"
)

var dollars = money.MustParseCurrency("usd")

// t0 is when fixture payments are created and initiated.
const t0 int64 = 1730211363

// payment returns report_payment params for a pending payment of amount
// cents (USD) with record ID id and first attempt id+"_a1".
func payment(id string, cents int64) record.ReportPaymentParams {
	return record.ReportPaymentParams{
		ID:              id,
		AttemptID:       id + "_a1",
		Created:         t0,
		AmountRequested: money.New(cents, dollars),
		InitiatedAt:     t0,
		PaymentMethodDetails: attempt.PaymentMethodDetails{
			Type:   attempt.TypeCustom,
			Custom: attempt.CustomDetails{DisplayName: "newpay"},
		},
	}
}

// guaranteedPayment returns report_payment params for a payment of amount
// cents that is guaranteed at once.
func guaranteedPayment(id string, cents int64) record.ReportPaymentParams {
	p := payment(id, cents)
	p.Outcome = record.OutcomeGuaranteed
	p.Guaranteed = record.GuaranteedParams{GuaranteedAt: t0 + 10}
	return p
}

// refund returns refund params for cents with reference ref.
func refundCents(ref string, cents int64) record.ReportRefundParams {
	return record.ReportRefundParams{
		Amount:           money.New(cents, dollars),
		ProcessorDetails: record.RefundProcessorDetails{RefundReference: ref},
	}
}

// apply applies rep through s and requires it to be accepted.
func apply(t tb, s *store.Store, id string, rep record.Report, opts ...store.ApplyOption) *record.Record {
	t.Helper()
	r, err := s.Apply(context.Background(), id, rep, opts...)
	require.NoError(t, err, "apply %s to %s", rep.Op(), id)
	require.NotNil(t, r)
	return r
}

// get reads record id from s and requires it to exist.
func get(t tb, s *store.Store, id string) *record.Record {
	t.Helper()
	r, err := s.Get(context.Background(), id)
	require.NoError(t, err, "get %s", id)
	require.NotNil(t, r)
	return r
}

// replayStored exports record id's log from s and replays it.
func replayStored(t tb, s *store.Store, id string) *record.Record {
	t.Helper()
	var buf strings.Builder
	require.NoError(t, s.Log(context.Background(), id, &buf), "log %s", id)
	r, err := record.ReplayLog(strings.NewReader(buf.String()))
	require.NoError(t, err, "replay the log of %s:\n%s", id, buf.String())
	return r
}

// requireConsistent checks that record id as s gives it holds payrec's
// invariants and equals the replay of its stored log.
func requireConsistent(t tb, s *store.Store, id string) *record.Record {
	t.Helper()
	got := get(t, s, id)
	recordtest.Check(t, got)
	recordtest.Equal(t, got, replayStored(t, s, id))
	return got
}
