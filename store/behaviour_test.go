package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/payrec/payrec"
	"github.com/payrec/payrec/money"
	"github.com/payrec/payrec/record"
	"github.com/payrec/payrec/record/recordtest"
	"github.com/payrec/payrec/store"
)

// lifecycle is the life of one payment, step by step: created, declined,
// retried, guaranteed, refunded in two parts, and annotated.
func lifecycle(id string) []record.Report {
	return []record.Report{
		payment(id, 2500),
		record.ReportPaymentAttemptFailedParams{FailedAt: t0 + 37},
		record.ReportPaymentAttemptParams{AttemptID: id + "_a2", Created: t0 + 100, InitiatedAt: t0 + 100},
		record.ReportPaymentAttemptGuaranteedParams{GuaranteedAt: t0 + 120},
		refundCents("re_1", 500),
		record.ReportPaymentAttemptInformationalParams{Description: "order 42", Metadata: map[string]string{"order": "42"}},
		record.ReportRefundParams{ProcessorDetails: record.RefundProcessorDetails{RefundReference: "re_2"}}, // all that is left
	}
}

// TestLifecycle applies a whole life through the store: after every step
// the record returned, the record read back and the replay of the stored
// log all equal the same life applied in memory.
func TestLifecycle(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		s := open(t, b.newDSN(t))
		const id = "pr_life"
		var want *record.Record
		for i, rep := range lifecycle(id) {
			if i == 0 {
				var err error
				want, err = record.ReportPayment(rep.(record.ReportPaymentParams))
				require.NoError(t, err)
			} else {
				require.NoError(t, want.Apply(rep), "step %d in memory", i+1)
			}
			got := apply(t, s, id, rep)
			recordtest.Equal(t, got, want)
			assert.Equal(t, uint64(i+1), got.Version(), "step %d: version", i+1)
			recordtest.Equal(t, requireConsistent(t, s, id), want)
		}
		assert.Equal(t, "0.00 USD", want.AmountGuaranteed().String())
		assert.Equal(t, "25.00 USD", want.AmountRefunded().String())
	})
}

// TestApplyReturnsPrivateCopy: changing the record Apply or Get returned
// changes nothing stored.
func TestApplyReturnsPrivateCopy(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		s := open(t, b.newDSN(t))
		r := apply(t, s, "pr_copy", guaranteedPayment("pr_copy", 1000))
		require.NoError(t, r.ReportRefund(refundCents("re_local", 100)))
		g := get(t, s, "pr_copy")
		require.NoError(t, g.ReportRefund(refundCents("re_local2", 100)))
		got := get(t, s, "pr_copy")
		assert.Equal(t, uint64(1), got.Version())
		assert.Equal(t, "10.00 USD", got.AmountGuaranteed().String())
	})
}

// TestApplyCreateID: report_payment creates the record named by its params;
// the id argument may be empty or equal, and anything else is refused
// without creating anything.
func TestApplyCreateID(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		s := open(t, b.newDSN(t))
		ctx := context.Background()
		r := apply(t, s, "", payment("pr_empty_id", 100))
		assert.Equal(t, "pr_empty_id", r.ID())
		get(t, s, "pr_empty_id")

		_, err := s.Apply(ctx, "pr_other", payment("pr_named", 100))
		require.Error(t, err)
		var pe *payrec.Error
		require.ErrorAs(t, err, &pe, "a mismatched id is a *payrec.Error")
		for _, id := range []string{"pr_other", "pr_named"} {
			_, err = s.Get(ctx, id)
			require.ErrorIs(t, err, store.ErrNotFound, "get %s after a refused create", id)
		}
	})
}

// TestNotFound: reading or reporting on a record that does not exist is
// ErrNotFound, a *payrec.Error with Stripe's resource_missing code.
func TestNotFound(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		s := open(t, b.newDSN(t))
		ctx := context.Background()
		apply(t, s, "pr_exists", payment("pr_exists", 100))
		check := func(what string, err error) {
			t.Helper()
			require.ErrorIs(t, err, store.ErrNotFound, what)
			var pe *payrec.Error
			require.ErrorAs(t, err, &pe, what)
			assert.Equal(t, payrec.CodeResourceMissing, pe.Code, what)
			assert.NotContains(t, pe.Message, "store.", what+": message is for API users")
		}
		_, err := s.Get(ctx, "pr_missing")
		check("get", err)
		_, err = s.Apply(ctx, "pr_missing", record.ReportPaymentAttemptFailedParams{FailedAt: t0 + 1})
		check("apply", err)
		_, err = s.Attempt(ctx, "par_missing")
		check("attempt", err)
		check("log", s.Log(ctx, "pr_missing", &strings.Builder{}))
		// a record ID is not an attempt ID, nor the other way round
		_, err = s.Attempt(ctx, "pr_exists")
		check("attempt by record id", err)
		_, err = s.Get(ctx, "pr_exists_a1")
		check("get by attempt id", err)
	})
}

// rejection is a report a record in a known state refuses, and what the
// error must match.
type rejection struct {
	name string
	rep  record.Report
	want []error
}

// rejectionsOfGuaranteed are reports a guaranteed $10.00 record with one
// $3.00 refund "re_1" refuses, one per cause.
func rejectionsOfGuaranteed(id string) []rejection {
	return []rejection{
		{"create again", payment(id, 1000), []error{record.ErrRecordExists}},
		{"fail", record.ReportPaymentAttemptFailedParams{FailedAt: t0 + 50}, []error{payrec.ErrInvalidTransition}},
		{"guarantee again", record.ReportPaymentAttemptGuaranteedParams{GuaranteedAt: t0 + 10}, []error{payrec.ErrInvalidTransition, record.ErrDuplicate}},
		{"cancel", record.ReportPaymentAttemptCanceledParams{CanceledAt: t0 + 50}, []error{payrec.ErrInvalidTransition}},
		{"new attempt", record.ReportPaymentAttemptParams{AttemptID: "par_new", Created: t0 + 60, InitiatedAt: t0 + 60}, []error{record.ErrFundsGuaranteed}},
		{"over-refund", refundCents("re_big", 701), []error{record.ErrRefundExceeds}},
		{"refund reference reused", refundCents("re_1", 200), []error{record.ErrDuplicateRefundReference}},
		{"refund repeated", refundCents("re_1", 300), []error{record.ErrDuplicate}},
		{"refund in euros", record.ReportRefundParams{Amount: money.New(100, money.MustParseCurrency("eur")),
			ProcessorDetails: record.RefundProcessorDetails{RefundReference: "re_eur"}}, []error{record.ErrInvalidParameter}},
		{"refund without reference", record.ReportRefundParams{Amount: money.New(100, dollars)}, []error{record.ErrInvalidParameter}},
		{"metadata key too long", record.ReportPaymentAttemptInformationalParams{Metadata: map[string]string{strings.Repeat("k", 41): "v"}},
			[]error{record.ErrInvalidParameter}},
		{"negative time", record.ReportPaymentAttemptFailedParams{FailedAt: -1}, []error{record.ErrInvalidParameter}},
	}
}

// TestRejectionChangesNothing: every rejected report is the record's own
// error (a *payrec.Error matching the cause), and the stored record and its
// version stay exactly as they were, in this handle and in a new one.
func TestRejectionChangesNothing(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		dsn := b.newDSN(t)
		s := open(t, dsn)
		const id = "pr_reject"
		apply(t, s, id, guaranteedPayment(id, 1000))
		apply(t, s, id, refundCents("re_1", 300))
		before := get(t, s, id)
		require.Equal(t, uint64(2), before.Version())

		for _, c := range rejectionsOfGuaranteed(id) {
			t.Run(c.name, func(t *testing.T) {
				// what the record itself says
				mem := before.Clone()
				memErr := mem.Apply(c.rep)
				require.Error(t, memErr, "the record in memory must refuse it")

				r, err := s.Apply(context.Background(), id, c.rep)
				require.Error(t, err)
				assert.Nil(t, r, "no record with a rejection")
				for _, w := range c.want {
					assert.ErrorIs(t, err, w)
				}
				var pe, memPE *payrec.Error
				require.ErrorAs(t, err, &pe)
				require.ErrorAs(t, memErr, &memPE)
				assert.Equal(t, *memPE, *pe, "the store gives the record's own rejection")
				recordtest.Equal(t, get(t, s, id), before)
			})
		}
		recordtest.Equal(t, requireConsistent(t, s, id), before)
		if b.persistent {
			s2 := open(t, dsn)
			recordtest.Equal(t, get(t, s2, id), before)
		}
	})
}

// TestRejectedCreateStoresNothing: a refused report_payment leaves no
// record, no attempt and no list entry behind.
func TestRejectedCreateStoresNothing(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		s := open(t, b.newDSN(t))
		ctx := context.Background()
		p := payment("pr_bad", 0) // amount must be positive
		_, err := s.Apply(ctx, "", p)
		require.ErrorIs(t, err, record.ErrInvalidParameter)
		_, err = s.Get(ctx, "pr_bad")
		require.ErrorIs(t, err, store.ErrNotFound)
		_, err = s.Attempt(ctx, "pr_bad_a1")
		require.ErrorIs(t, err, store.ErrNotFound)
		page, err := s.List(ctx, store.ListQuery{})
		require.NoError(t, err)
		assert.Empty(t, page.Records)
		assert.False(t, page.HasMore)
	})
}

// TestReopen: a new Store on the same database gives back identical
// records, and carries on from where the old one stopped.
func TestReopen(t *testing.T) {
	forPersistentBackends(t, func(t *testing.T, b backend) {
		dsn := b.newDSN(t)
		s := open(t, dsn)
		ids := []string{"pr_r1", "pr_r2", "pr_r3"}
		want := make(map[string]*record.Record)
		for i, id := range ids {
			for _, rep := range lifecycle(id)[:3+2*i] {
				want[id] = apply(t, s, id, rep)
			}
		}
		require.NoError(t, s.Close())

		s2 := open(t, dsn)
		for _, id := range ids {
			got := requireConsistent(t, s2, id)
			recordtest.Equal(t, got, want[id])
			j1, err := json.Marshal(got)
			require.NoError(t, err)
			j2, err := json.Marshal(want[id])
			require.NoError(t, err)
			assert.JSONEq(t, string(j2), string(j1))
		}
		// the reopened store goes on with the same rules
		_, err := s2.Apply(context.Background(), "pr_r3", refundCents("re_1", 1))
		require.ErrorIs(t, err, record.ErrDuplicateRefundReference)
		r := apply(t, s2, "pr_r1", record.ReportPaymentAttemptGuaranteedParams{GuaranteedAt: t0 + 200})
		assert.Equal(t, uint64(4), r.Version())
		require.NoError(t, s2.Close())

		s3 := open(t, dsn)
		recordtest.Equal(t, get(t, s3, "pr_r1"), r)
	})
}

// TestClosed: a closed store refuses work with an error, not a panic.
func TestClosed(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		s, err := store.Open(context.Background(), b.newDSN(t))
		require.NoError(t, err)
		apply(t, s, "pr_c", payment("pr_c", 100))
		require.NoError(t, s.Close())
		require.NotPanics(t, func() {
			_, err = s.Get(context.Background(), "pr_c")
			assert.Error(t, err)
			_, err = s.Apply(context.Background(), "pr_c", record.ReportPaymentAttemptFailedParams{FailedAt: t0 + 1})
			assert.Error(t, err)
		})
	})
}

// TestOpenBadDSN: an unknown scheme is refused with a message naming it.
func TestOpenBadDSN(t *testing.T) {
	for _, dsn := range []string{"", "mysql://x", "sqlite:", "memory:x"} {
		s, err := store.Open(context.Background(), dsn)
		if err == nil {
			_ = s.Close()
		}
		assert.Error(t, err, "Open(%q)", dsn)
	}
}

// TestOpenSQLitePaths: SQLite's URI form of a path opens the same file;
// options in it, and a file whose directory does not exist, are refused
// with errors that say so (SQLite's own says "out of memory").
func TestOpenSQLitePaths(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "a b.db")
	s := open(t, "sqlite:"+path)
	apply(t, s, "", payment("pr_uri", 100))
	require.NoError(t, s.Close())
	uri := open(t, "sqlite:file:"+strings.ReplaceAll(path, " ", "%20"))
	assert.Equal(t, "pr_uri", get(t, uri, "pr_uri").ID(), "the URI names the same file")

	_, err := store.Open(ctx, "sqlite:file:"+path+"?mode=ro")
	require.ErrorContains(t, err, "give the database file's path")
	_, err = store.Open(ctx, "sqlite:"+filepath.Join(dir, "missing", "x.db"))
	require.ErrorContains(t, err, "does not exist")
	assert.NotContains(t, err.Error(), "out of memory")
}

// TestAttempt: an attempt ID leads to the record holding it, for every
// attempt of the record; an attempt ID in a refused report leads nowhere.
func TestAttempt(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		s := open(t, b.newDSN(t))
		ctx := context.Background()
		const id = "pr_att"
		var last *record.Record
		for _, rep := range lifecycle(id)[:4] {
			last = apply(t, s, id, rep)
		}
		apply(t, s, "pr_other", payment("pr_other", 100))
		_, err := s.Apply(ctx, id, record.ReportPaymentAttemptParams{AttemptID: "par_refused", Created: t0 + 300, InitiatedAt: t0 + 300})
		require.ErrorIs(t, err, record.ErrFundsGuaranteed)

		for _, a := range last.Attempts() {
			got, err := s.Attempt(ctx, a.ID())
			require.NoError(t, err, "attempt %s", a.ID())
			recordtest.Equal(t, got, last)
		}
		got, err := s.Attempt(ctx, "pr_other_a1")
		require.NoError(t, err)
		assert.Equal(t, "pr_other", got.ID())
		_, err = s.Attempt(ctx, "par_refused")
		require.ErrorIs(t, err, store.ErrNotFound)
	})
}

// TestLogReplays: the exported log is the record.LogWriter format, holds
// the accepted reports only, in order, and replays to the stored record.
func TestLogReplays(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		s := open(t, b.newDSN(t))
		const id = "pr_log"
		reports := lifecycle(id)
		var want strings.Builder
		lw := record.NewLogWriter(&want)
		for i, rep := range reports {
			apply(t, s, id, rep)
			require.NoError(t, lw.Write(id, rep))
			if i == 2 { // a rejection in between is not logged
				_, err := s.Apply(context.Background(), id, record.ReportPaymentAttemptParams{AttemptID: "par_x", Created: t0 + 101, InitiatedAt: t0 + 101})
				require.ErrorIs(t, err, record.ErrAttemptPending)
			}
		}
		var got strings.Builder
		require.NoError(t, s.Log(context.Background(), id, &got))
		assert.JSONEq(t, "["+strings.Join(strings.Split(strings.TrimSpace(want.String()), "\n"), ",")+"]",
			"["+strings.Join(strings.Split(strings.TrimSpace(got.String()), "\n"), ",")+"]")
		r, err := record.ReplayLog(strings.NewReader(got.String()))
		require.NoError(t, err)
		recordtest.Equal(t, r, get(t, s, id))
	})
}

// TestCanceledContext: with a canceled context, Apply either stops with an
// error matching context.Canceled and changes nothing, or completes.
func TestCanceledContext(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		s := open(t, b.newDSN(t))
		before := apply(t, s, "pr_ctx", guaranteedPayment("pr_ctx", 100))
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := s.Apply(ctx, "pr_ctx", refundCents("re_ctx", 10))
		if err == nil {
			// finished before looking at the context: then it is stored
			assert.Equal(t, uint64(2), get(t, s, "pr_ctx").Version())
			return
		}
		assert.True(t, errors.Is(err, context.Canceled), "error %v should match context.Canceled", err)
		recordtest.Equal(t, get(t, s, "pr_ctx"), before)
	})
}

// TestHostileIDs: IDs and keys no record can have (NUL, invalid UTF-8,
// white space, 256 characters) reach every method and come back as
// ErrNotFound or a parameter error, a *payrec.Error either way, never as
// a database's own error.
func TestHostileIDs(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		s := open(t, b.newDSN(t))
		ctx := context.Background()
		apply(t, s, "pr_ok", guaranteedPayment("pr_ok", 1000))
		check := func(what string, err error) {
			t.Helper()
			require.Error(t, err, what)
			var pe *payrec.Error
			require.ErrorAs(t, err, &pe, what)
			assert.True(t, errorsIsAny(err, store.ErrNotFound, payrec.ErrInvalidParameter), "%s: %v", what, err)
		}
		for _, id := range []string{"pr_\x00", "pr_\xff", "pr x", strings.Repeat("p", 256), "'; DROP TABLE reports; --"} {
			_, err := s.Get(ctx, id)
			check("get "+id, err)
			_, err = s.Attempt(ctx, id)
			check("attempt "+id, err)
			_, err = s.Apply(ctx, id, refundCents("re_1", 1))
			check("apply to "+id, err)
			_, err = s.Apply(ctx, "", payment(id, 100))
			check("create "+id, err)
			_, err = s.Apply(ctx, "pr_ok", record.ReportPaymentAttemptParams{AttemptID: id, Created: t0 + 1, InitiatedAt: t0 + 1})
			check("new attempt "+id, err)
			_, err = s.List(ctx, store.ListQuery{StartingAfter: id})
			check("list after "+id, err)
			check("log "+id, s.Log(ctx, id, &strings.Builder{}))
		}
		// any string of 1 to 255 characters may be a key; one that the
		// database cannot hold may be refused as a parameter error
		for i, key := range []string{"pr_\x00", "pr_\xff", "pr x", strings.Repeat("p", 256), "'; DROP TABLE reports; --"} {
			_, _, err := applyKey(s, "pr_ok", refundCents(fmt.Sprintf("re_%d", i), 1), key)
			if len(key) > 255 {
				check("key "+key, err)
			} else if err != nil {
				var pe *payrec.Error
				require.ErrorAs(t, err, &pe, "key %q", key)
				require.ErrorIs(t, err, payrec.ErrInvalidParameter, "key %q", key)
			}
		}
		r := requireConsistent(t, s, "pr_ok")
		assert.LessOrEqual(t, r.Version(), uint64(5))
	})
}

// TestColdStoreSeesWhatExists: a Store whose cache has never seen a
// record, attempt ID or idempotency key (a second server on the same
// database) answers as one that has. A PostgreSQL store decides such
// requests first on the assumption that they are new and relies on the
// database's unique keys to refuse the write when they are not: each
// answer below is then decided again on what is stored.
func TestColdStoreSeesWhatExists(t *testing.T) {
	forPersistentBackends(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		dsn := b.newDSN(t)
		warm := open(t, dsn)
		first := apply(t, warm, "", payment("pr_cold", 1000), store.IdempotencyKey("k-1"))

		t.Run("the same create is a duplicate", func(t *testing.T) {
			cold := open(t, dsn)
			_, err := cold.Apply(ctx, "", payment("pr_cold", 1000))
			require.ErrorIs(t, err, record.ErrDuplicate)
			requireConsistent(t, cold, "pr_cold")
		})
		t.Run("another create with the ID is a conflict", func(t *testing.T) {
			cold := open(t, dsn)
			_, err := cold.Apply(ctx, "", payment("pr_cold", 2000))
			require.ErrorIs(t, err, record.ErrRecordExists)
			require.NotErrorIs(t, err, record.ErrDuplicate)
			assert.Equal(t, money.New(1000, dollars), get(t, cold, "pr_cold").AmountRequested())
		})
		t.Run("a used key replays", func(t *testing.T) {
			cold := open(t, dsn)
			var replayed bool
			r, err := cold.Apply(ctx, "", payment("pr_cold", 1000), store.IdempotencyKey("k-1"), store.Replayed(&replayed))
			require.NoError(t, err)
			assert.True(t, replayed)
			assert.Equal(t, first.Version(), r.Version())
			_, err = cold.Apply(ctx, "", payment("pr_other", 1000), store.IdempotencyKey("k-1"))
			require.ErrorIs(t, err, store.ErrIdempotencyMismatch)
			_, err = cold.Get(ctx, "pr_other")
			require.ErrorIs(t, err, store.ErrNotFound)
			// The key is looked at before the parameters, which nothing
			// stores: so only reading it tells this from a bad request.
			bad := payment("pr_other", 1000)
			bad.InitiatedAt = -1
			_, err = cold.Apply(ctx, "", bad, store.IdempotencyKey("k-1"))
			require.ErrorIs(t, err, store.ErrIdempotencyMismatch)
		})
		t.Run("a used attempt ID is refused", func(t *testing.T) {
			cold := open(t, dsn)
			p := payment("pr_cold2", 1000)
			p.AttemptID = "pr_cold_a1" // pr_cold's first attempt
			_, err := cold.Apply(ctx, "", p, store.IdempotencyKey("k-2"))
			require.ErrorIs(t, err, record.ErrDuplicateAttemptID)
			_, err = cold.Get(ctx, "pr_cold2")
			require.ErrorIs(t, err, store.ErrNotFound)
			// The refusal is stored under the key, as any rejection is.
			var replayed bool
			_, err = cold.Apply(ctx, "", p, store.IdempotencyKey("k-2"), store.Replayed(&replayed))
			require.ErrorIs(t, err, record.ErrDuplicateAttemptID)
			assert.True(t, replayed)
		})
		t.Run("a batch mixing new and used", func(t *testing.T) {
			cold := open(t, dsn)
			var wg sync.WaitGroup
			errs := make([]error, 16)
			for i := range errs {
				wg.Add(1)
				go func() {
					defer wg.Done()
					id := fmt.Sprintf("pr_mix_%d", i)
					if i%4 == 0 {
						id = "pr_cold" // exists: a duplicate of the first create
					}
					_, errs[i] = cold.Apply(ctx, "", payment(id, 1000))
				}()
			}
			wg.Wait()
			for i, err := range errs {
				if i%4 == 0 {
					require.ErrorIs(t, err, record.ErrDuplicate, "request %d", i)
					continue
				}
				require.NoError(t, err, "request %d", i)
				requireConsistent(t, warm, fmt.Sprintf("pr_mix_%d", i))
			}
		})
	})
}
