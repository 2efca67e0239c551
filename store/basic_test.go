package store_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/payrec/payrec"
	"github.com/payrec/payrec/attempt"
	"github.com/payrec/payrec/money"
	"github.com/payrec/payrec/record"
	"github.com/payrec/payrec/store"
)

var usd = money.MustParseCurrency("usd")

func create(id string, created int64) record.ReportPaymentParams {
	return record.ReportPaymentParams{
		ID: id, AttemptID: "par_" + id, Created: created,
		AmountRequested: money.New(1000, usd), InitiatedAt: created,
		PaymentMethodDetails: attempt.PaymentMethodDetails{Custom: attempt.CustomDetails{DisplayName: "newpay"}},
		Outcome:              record.OutcomeGuaranteed, Guaranteed: record.GuaranteedParams{GuaranteedAt: created},
	}
}

func refund(ref string, cents int64) record.ReportRefundParams {
	return record.ReportRefundParams{Amount: money.New(cents, usd),
		ProcessorDetails: record.RefundProcessorDetails{RefundReference: ref}}
}

// backends lists the stores the basic tests run on, each opened afresh.
// backends opens a Store on a new database of each of allBackends, closed
// when t ends.
func backends(t *testing.T) map[string]func(t *testing.T, opts ...store.Option) *store.Store {
	m := make(map[string]func(t *testing.T, opts ...store.Option) *store.Store, len(allBackends))
	for _, b := range allBackends {
		m[b.name] = func(t *testing.T, opts ...store.Option) *store.Store {
			s, err := store.Open(context.Background(), b.newDSN(t), opts...)
			require.NoError(t, err)
			t.Cleanup(func() { assert.NoError(t, s.Close()) })
			return s
		}
	}
	return m
}

func TestApplyGetAttemptLog(t *testing.T) {
	ctx := context.Background()
	for name, open := range backends(t) {
		t.Run(name, func(t *testing.T) {
			s := open(t)
			_, err := s.Get(ctx, "pr_a")
			require.ErrorIs(t, err, store.ErrNotFound)
			var pe *payrec.Error
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, payrec.CodeResourceMissing, pe.Code)

			_, err = s.Apply(ctx, "pr_other", create("pr_a", 100))
			require.ErrorIs(t, err, payrec.ErrInvalidParameter, "id differs from the report's")
			_, err = s.Apply(ctx, "pr_a", refund("re_1", 100))
			require.ErrorIs(t, err, store.ErrNotFound)

			r, err := s.Apply(ctx, "", create("pr_a", 100))
			require.NoError(t, err)
			require.Equal(t, uint64(1), r.Version())
			_, err = s.Apply(ctx, "", create("pr_a", 100))
			require.ErrorIs(t, err, record.ErrRecordExists)
			require.ErrorIs(t, err, record.ErrDuplicate)

			r, err = s.Apply(ctx, "pr_a", refund("re_1", 300))
			require.NoError(t, err)
			assert.Equal(t, uint64(2), r.Version())
			_, err = s.Apply(ctx, "pr_a", refund("re_2", 800))
			require.ErrorIs(t, err, record.ErrRefundExceeds)

			got, err := s.Get(ctx, "pr_a")
			require.NoError(t, err)
			assert.Equal(t, uint64(2), got.Version())
			assert.Equal(t, money.New(300, usd), got.AmountRefunded())

			byAttempt, err := s.Attempt(ctx, "par_pr_a")
			require.NoError(t, err)
			assert.Equal(t, "pr_a", byAttempt.ID())
			_, err = s.Attempt(ctx, "par_none")
			require.ErrorIs(t, err, store.ErrNotFound)

			// Attempt IDs are unique across the store.
			dup := create("pr_b", 100)
			dup.AttemptID = "par_pr_a"
			_, err = s.Apply(ctx, "", dup)
			require.ErrorIs(t, err, record.ErrDuplicateAttemptID)
			_, err = s.Get(ctx, "pr_b")
			require.ErrorIs(t, err, store.ErrNotFound)

			var log bytes.Buffer
			require.NoError(t, s.Log(ctx, "pr_a", &log))
			replayed, err := record.ReplayLog(&log)
			require.NoError(t, err)
			assert.Equal(t, mustJSON(t, got), mustJSON(t, replayed))
			require.ErrorIs(t, s.Log(ctx, "pr_none", &log), store.ErrNotFound)
		})
	}
}

func mustJSON(t *testing.T, r *record.Record) string {
	t.Helper()
	b, err := r.MarshalJSON()
	require.NoError(t, err)
	return string(b)
}

func TestIdempotency(t *testing.T) {
	ctx := context.Background()
	for name, open := range backends(t) {
		t.Run(name, func(t *testing.T) {
			now := time.Unix(1_800_000_000, 0)
			s := open(t, store.WithClock(func() time.Time { return now }))
			_, err := s.Apply(ctx, "", create("pr_i", 100))
			require.NoError(t, err)

			var replayed bool
			key := store.IdempotencyKey("k1")
			first, err := s.Apply(ctx, "pr_i", refund("re_1", 100), key, store.Replayed(&replayed))
			require.NoError(t, err)
			assert.False(t, replayed)
			_, err = s.Apply(ctx, "pr_i", refund("re_2", 100)) // moves the record on
			require.NoError(t, err)
			again, err := s.Apply(ctx, "pr_i", refund("re_1", 100), key, store.Replayed(&replayed))
			require.NoError(t, err)
			assert.True(t, replayed)
			assert.Equal(t, mustJSON(t, first), mustJSON(t, again), "the replay answers with the record as the first request left it")

			_, err = s.Apply(ctx, "pr_i", refund("re_1", 200), key, store.Replayed(&replayed))
			require.ErrorIs(t, err, store.ErrIdempotencyMismatch)
			var pe *payrec.Error
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, "idempotency_error", pe.Type)

			// A rejection is remembered with its Stripe fields and causes.
			rejKey := store.IdempotencyKey("k2")
			_, err1 := s.Apply(ctx, "pr_i", refund("re_9", 5000), rejKey, store.Replayed(&replayed))
			require.ErrorIs(t, err1, record.ErrRefundExceeds)
			assert.False(t, replayed)
			_, err2 := s.Apply(ctx, "pr_i", refund("re_9", 5000), rejKey, store.Replayed(&replayed))
			assert.True(t, replayed)
			require.ErrorIs(t, err2, record.ErrRefundExceeds)
			var p1, p2 *payrec.Error
			require.ErrorAs(t, err1, &p1)
			require.ErrorAs(t, err2, &p2)
			assert.Equal(t, [4]string{p1.Type, p1.Code, p1.Param, p1.Message}, [4]string{p2.Type, p2.Code, p2.Param, p2.Message})

			// Parameter errors are not stored: the key stays free.
			paramKey := store.IdempotencyKey("k3")
			_, err = s.Apply(ctx, "pr_i", record.ReportRefundParams{Amount: money.New(-1, usd),
				ProcessorDetails: record.RefundProcessorDetails{RefundReference: "re_3"}}, paramKey)
			require.ErrorIs(t, err, payrec.ErrInvalidParameter)
			_, err = s.Apply(ctx, "pr_i", refund("re_3", 100), paramKey, store.Replayed(&replayed))
			require.NoError(t, err)
			assert.False(t, replayed)

			// After the TTL the key is forgotten.
			now = now.Add(store.DefaultIdempotencyTTL + time.Second)
			_, err = s.Apply(ctx, "pr_i", refund("re_1", 100), key, store.Replayed(&replayed))
			require.ErrorIs(t, err, record.ErrDuplicateRefundReference, "runs again as a new request")
			assert.False(t, replayed)

			for _, bad := range []string{"", string(make([]byte, store.MaxKeyLength+1))} {
				_, err = s.Apply(ctx, "pr_i", refund("re_4", 100), store.IdempotencyKey(bad))
				require.ErrorIs(t, err, payrec.ErrInvalidParameter)
			}
		})
	}
}

func TestList(t *testing.T) {
	ctx := context.Background()
	for name, open := range backends(t) {
		t.Run(name, func(t *testing.T) {
			s := open(t)
			// Five records, two created in the same second: pr_0 (100) … pr_3, pr_4 (103).
			for i := range 5 {
				_, err := s.Apply(ctx, "", create(fmt.Sprintf("pr_%d", i), int64(100+min(i, 3))))
				require.NoError(t, err)
			}
			live := create("pr_live", 200)
			live.Livemode = true
			_, err := s.Apply(ctx, "", live)
			require.NoError(t, err)

			ids := func(p store.Page) (out []string) {
				for _, r := range p.Records {
					out = append(out, r.ID())
				}
				return out
			}
			steps := []struct {
				q    store.ListQuery
				want []string
				more bool
			}{
				{store.ListQuery{}, []string{"pr_4", "pr_3", "pr_2", "pr_1", "pr_0"}, false},
				{store.ListQuery{Limit: 2}, []string{"pr_4", "pr_3"}, true},
				{store.ListQuery{Limit: 2, StartingAfter: "pr_3"}, []string{"pr_2", "pr_1"}, true},
				{store.ListQuery{Limit: 2, StartingAfter: "pr_1"}, []string{"pr_0"}, false},
				{store.ListQuery{Limit: 2, EndingBefore: "pr_1"}, []string{"pr_3", "pr_2"}, true},
				{store.ListQuery{Limit: 2, EndingBefore: "pr_3"}, []string{"pr_4"}, false},
				{store.ListQuery{CreatedAfter: 100, CreatedBefore: 103}, []string{"pr_2", "pr_1"}, false},
				{store.ListQuery{Livemode: true}, []string{"pr_live"}, false},
			}
			for i, st := range steps {
				p, err := s.List(ctx, st.q)
				require.NoError(t, err, "step %d", i)
				assert.Equal(t, st.want, ids(p), "step %d: records", i)
				assert.Equal(t, st.more, p.HasMore, "step %d: has_more", i)
			}
			_, err = s.List(ctx, store.ListQuery{StartingAfter: "pr_live"})
			require.ErrorIs(t, err, store.ErrNotFound, "a cursor of the other mode")
			_, err = s.List(ctx, store.ListQuery{Limit: 101})
			require.ErrorIs(t, err, payrec.ErrInvalidParameter)
			_, err = s.List(ctx, store.ListQuery{StartingAfter: "pr_1", EndingBefore: "pr_2"})
			require.ErrorIs(t, err, payrec.ErrInvalidParameter)
		})
	}
}

func TestOpenUnknownDSN(t *testing.T) {
	_, err := store.Open(context.Background(), "mysql://x")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "mysql://x")
	assert.False(t, errors.Is(err, store.ErrNotFound))
}

func TestIdempotencyKeyInUse(t *testing.T) {
	ctx := context.Background()
	for name, open := range backends(t) {
		t.Run(name, func(t *testing.T) {
			s := open(t)
			_, err := s.Apply(ctx, "", create("pr_u", 100))
			require.NoError(t, err)
			release := store.HoldKey(s, "busy")
			_, err = s.Apply(ctx, "pr_u", refund("re_1", 100), store.IdempotencyKey("busy"))
			require.ErrorIs(t, err, store.ErrIdempotencyInUse)
			got, err := s.Get(ctx, "pr_u")
			require.NoError(t, err)
			assert.Equal(t, uint64(1), got.Version(), "nothing applied")
			release()
			_, err = s.Apply(ctx, "pr_u", refund("re_1", 100), store.IdempotencyKey("busy"))
			require.NoError(t, err)
		})
	}
}

// TestRaceTwoHandles races refunds on one record through two Stores on one
// database: the writers of the two lose races to each other and retry.
func TestRaceTwoHandles(t *testing.T) {
	ctx := context.Background()
	for name, dsnOf := range sharedDSNs {
		t.Run(name, func(t *testing.T) {
			handles := openTwo(t, dsnOf(t))
			p := create("pr_hot", 100)
			p.AmountRequested = money.New(40, usd)
			_, err := handles[0].Apply(ctx, "", p)
			require.NoError(t, err)
			var ok, refused atomic.Int64
			done := make(chan struct{})
			for g := range 16 {
				go func() {
					defer func() { done <- struct{}{} }()
					for i := range 5 {
						_, err := handles[g%2].Apply(ctx, "pr_hot", refund(fmt.Sprintf("re_%d_%d", g, i), 1))
						switch {
						case err == nil:
							ok.Add(1)
						case errors.Is(err, record.ErrRefundExceeds):
							refused.Add(1)
						default:
							t.Errorf("goroutine %d refund %d: %v", g, i, err)
						}
					}
				}()
			}
			for range 16 {
				<-done
			}
			assert.Equal(t, int64(40), ok.Load(), "accepted refunds")
			assert.Equal(t, int64(40), refused.Load(), "refused refunds")
			for _, s := range handles {
				got, err := s.Get(ctx, "pr_hot")
				require.NoError(t, err)
				assert.Equal(t, uint64(41), got.Version())
				var log bytes.Buffer
				require.NoError(t, s.Log(ctx, "pr_hot", &log))
				replayed, err := record.ReplayLog(&log)
				require.NoError(t, err)
				assert.Equal(t, mustJSON(t, got), mustJSON(t, replayed))
			}
			t.Logf("retries: %d and %d", handles[0].Stats().Retries, handles[1].Stats().Retries)
		})
	}
}

// TestHandlesTakeTurns applies through two Stores on one database in turn:
// each must see the other's reports, though it cached the record before.
func TestHandlesTakeTurns(t *testing.T) {
	ctx := context.Background()
	for name, dsnOf := range sharedDSNs {
		t.Run(name, func(t *testing.T) {
			handles := openTwo(t, dsnOf(t))
			p := create("pr_turns", 100)
			p.AmountRequested = money.New(10, usd)
			_, err := handles[0].Apply(ctx, "", p)
			require.NoError(t, err)
			for i := range 10 {
				r, err := handles[i%2].Apply(ctx, "pr_turns", refund(fmt.Sprint("re_", i), 1))
				require.NoError(t, err, "step %d", i)
				assert.Equal(t, uint64(i+2), r.Version(), "step %d: version", i)
				assert.Equal(t, money.New(int64(i+1), usd), r.AmountRefunded(), "step %d: refunded", i)
			}
			// Nothing is left; each handle must know it, though its cache
			// last saw money left.
			for i, s := range handles {
				_, err := s.Apply(ctx, "pr_turns", refund(fmt.Sprint("re_last_", i), 1))
				require.ErrorIs(t, err, record.ErrRefundExceeds, "handle %d", i)
			}
		})
	}
}

// TestUnencodableReport: a report the log cannot hold (an undefined
// outcome) is answered with the record's own parameter error.
func TestUnencodableReport(t *testing.T) {
	ctx := context.Background()
	for name, open := range backends(t) {
		t.Run(name, func(t *testing.T) {
			s := open(t)
			bad := create("pr_enc", 100)
			bad.Outcome = record.Outcome(16)
			_, want := record.ReportPayment(bad)
			_, got := s.Apply(ctx, "", bad)
			assertSameError(t, want, got)

			_, err := s.Apply(ctx, "", create("pr_enc", 100))
			require.NoError(t, err)
			rec, err := s.Get(ctx, "pr_enc")
			require.NoError(t, err)
			retry := record.ReportPaymentAttemptParams{AttemptID: "par_2", Created: 200, InitiatedAt: 200, Outcome: record.Outcome(16)}
			want = rec.Apply(retry)
			_, got = s.Apply(ctx, "pr_enc", retry)
			assertSameError(t, want, got)

			// Which parameter is blamed depends on the record: here its
			// currency, which a record in dollars would blame instead.
			tmt := money.MustParseCurrency("tmt")
			p := create("pr_tmt", 100)
			p.AttemptID = "par_tmt"
			p.AmountRequested = money.New(500, tmt)
			_, err = s.Apply(ctx, "", p)
			require.NoError(t, err)
			rec, err = s.Get(ctx, "pr_tmt")
			require.NoError(t, err)
			both := record.ReportRefundParams{Amount: money.New(7, tmt), Metadata: map[string]string{"k": "v"}, ClearMetadata: true,
				ProcessorDetails: record.RefundProcessorDetails{RefundReference: "re_1"}}
			want = rec.Clone().Apply(both)
			_, got = s.Apply(ctx, "pr_tmt", both, store.IdempotencyKey("k_tmt"))
			assertSameError(t, want, got)
			_, err = s.Apply(ctx, "pr_tmt", refund("re_1", 0), store.IdempotencyKey("k_tmt"))
			require.NotErrorIs(t, err, store.ErrIdempotencyMismatch, "nothing was stored under the key")
		})
	}
}

func assertSameError(t *testing.T, want, got error) {
	t.Helper()
	var w, g *payrec.Error
	require.ErrorAs(t, want, &w)
	require.ErrorAs(t, got, &g)
	assert.Equal(t, [4]string{w.Type, w.Code, w.Param, w.Message}, [4]string{g.Type, g.Code, g.Param, g.Message})
	assert.ErrorIs(t, got, payrec.ErrInvalidParameter)
}

// TestPostgresSchemaNames opens stores in schemas named with upper case,
// through WithSchema (quoted: case kept) and the DSN (folded, as
// PostgreSQL reads search_path).
func TestPostgresSchemaNames(t *testing.T) {
	newPostgresDSN(t) // skips without PostgreSQL; its schema goes unused
	base := os.Getenv(envPostgres)
	ctx := context.Background()
	suffix := fmt.Sprintf("%d_%d", os.Getpid(), pgSchemaSeq.Add(1))
	cases := []struct {
		name   string
		dsn    string
		opts   []store.Option
		schema string // as PostgreSQL names it
	}{
		{"WithSchema", base, []store.Option{store.WithSchema("Payrec_Mixed_" + suffix)}, "Payrec_Mixed_" + suffix},
		{"search_path", base + "&search_path=Payrec_Dsn_" + suffix, nil, strings.ToLower("Payrec_Dsn_" + suffix)},
	}
	conn, err := pgx.Connect(ctx, base)
	require.NoError(t, err)
	defer conn.Close(ctx)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			defer conn.Exec(ctx, "DROP SCHEMA IF EXISTS "+pgx.Identifier{c.schema}.Sanitize()+" CASCADE")
			s, err := store.Open(ctx, c.dsn, c.opts...)
			require.NoError(t, err)
			_, err = s.Apply(ctx, "", create("pr_schema", 100))
			require.NoError(t, err)
			require.NoError(t, s.Close())
			var n int
			require.NoError(t, conn.QueryRow(ctx, "SELECT count(*) FROM "+pgx.Identifier{c.schema, "reports"}.Sanitize()).Scan(&n))
			assert.Equal(t, 1, n, "the report is in schema %s", c.schema)
		})
	}
}

// TestReadsDuringApplies reads a record while reports change it; under the
// race detector it fails if a read shares memory with a write.
func TestReadsDuringApplies(t *testing.T) {
	ctx := context.Background()
	for name, open := range backends(t) {
		t.Run(name, func(t *testing.T) {
			s := open(t)
			p := create("pr_rw", 100)
			_, err := s.Apply(ctx, "", p)
			require.NoError(t, err)
			done := make(chan struct{})
			go func() {
				defer close(done)
				for i := range 50 {
					if _, err := s.Apply(ctx, "pr_rw", refund(fmt.Sprint("re_", i), 1)); err != nil {
						t.Error(err)
						return
					}
				}
			}()
			for reading := true; reading; {
				select {
				case <-done:
					reading = false
				default:
				}
				r, err := s.Get(ctx, "pr_rw")
				require.NoError(t, err)
				_ = mustJSON(t, r)
				page, err := s.List(ctx, store.ListQuery{})
				require.NoError(t, err)
				require.Len(t, page.Records, 1)
				_ = mustJSON(t, page.Records[0])
				a, err := s.Attempt(ctx, "par_pr_rw")
				require.NoError(t, err)
				_ = mustJSON(t, a)
			}
		})
	}
}

// TestOneKeyTwoHandles sends one keyed request through two Stores on one
// database at once, many times: it is applied once, and every other answer
// is a replay or, within one Store, ErrIdempotencyInUse.
func TestOneKeyTwoHandles(t *testing.T) {
	ctx := context.Background()
	for name, dsnOf := range sharedDSNs {
		t.Run(name, func(t *testing.T) {
			handles := openTwo(t, dsnOf(t))
			_, err := handles[0].Apply(ctx, "", create("pr_key", 100))
			require.NoError(t, err)
			var applied, replayed, busy atomic.Int64
			done := make(chan struct{})
			for g := range 16 {
				go func() {
					defer func() { done <- struct{}{} }()
					var again bool
					_, err := handles[g%2].Apply(ctx, "pr_key", refund("re_once", 100),
						store.IdempotencyKey("once"), store.Replayed(&again))
					switch {
					case errors.Is(err, store.ErrIdempotencyInUse):
						busy.Add(1)
					case err != nil:
						t.Errorf("goroutine %d: %v", g, err)
					case again:
						replayed.Add(1)
					default:
						applied.Add(1)
					}
				}()
			}
			for range 16 {
				<-done
			}
			assert.Equal(t, int64(1), applied.Load(), "applied")
			assert.Equal(t, int64(15), replayed.Load()+busy.Load(), "replayed or in use")
			got, err := handles[1].Get(ctx, "pr_key")
			require.NoError(t, err)
			assert.Equal(t, uint64(2), got.Version())
		})
	}
}

// sharedDSNs are the backends two Stores can share, each giving a new
// database for a test.
var sharedDSNs = map[string]func(t testing.TB) string{
	sqliteBackend.name:   sqliteBackend.newDSN,
	postgresBackend.name: postgresBackend.newDSN,
}

// openTwo opens two Stores on dsn, closed when t ends.
func openTwo(t *testing.T, dsn string) [2]*store.Store {
	var handles [2]*store.Store
	for i := range handles {
		s, err := store.Open(context.Background(), dsn)
		require.NoError(t, err)
		t.Cleanup(func() { assert.NoError(t, s.Close()) })
		handles[i] = s
	}
	return handles
}

// TestPostgresQueryExecModes runs a store on each of pgx's query modes
// that a DSN may ask for (default_query_exec_mode): behind a pooler that
// shares server connections, only the modes that prepare no named
// statements work, and the writer must then not prepare its own.
func TestPostgresQueryExecModes(t *testing.T) {
	for _, mode := range []string{"cache_statement", "cache_describe", "describe_exec", "exec", "simple_protocol"} {
		t.Run(mode, func(t *testing.T) {
			ctx := context.Background()
			dsn := newPostgresDSN(t) + "&default_query_exec_mode=" + mode
			s := open(t, dsn)
			_, err := s.Apply(ctx, "", create("pr_mode", 100), store.IdempotencyKey("k1"))
			require.NoError(t, err)
			r, err := s.Apply(ctx, "", create("pr_mode", 100), store.IdempotencyKey("k1"))
			require.NoError(t, err, "replay")
			assert.Equal(t, uint64(1), r.Version())
			r, err = s.Apply(ctx, "pr_mode", refund("re_1", 30), store.IdempotencyKey("k2"))
			require.NoError(t, err)
			assert.Equal(t, uint64(2), r.Version())
			assert.Equal(t, []int64{1, 2}, rawVersions(t, dsn, "pr_mode"))
			assert.EqualValues(t, 2, rawExec(t, dsn, `UPDATE idempotency_keys SET key = key`), "keys stored")
			named, err := store.NamedStatements(s)
			require.NoError(t, err)
			if mode == "cache_statement" {
				assert.Positive(t, named, "the writer's statements, prepared")
			} else {
				assert.Zero(t, named, "statements prepared by name")
			}
		})
	}
}
