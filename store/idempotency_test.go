package store_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/payrec/payrec"
	"github.com/payrec/payrec/record"
	"github.com/payrec/payrec/record/recordtest"
	"github.com/payrec/payrec/store"
)

// applyKey applies rep with idempotency key key and says whether the
// answer was a stored one.
func applyKey(s *store.Store, id string, rep record.Report, key string, opts ...store.ApplyOption) (*record.Record, bool, error) {
	var replayed bool
	opts = append([]store.ApplyOption{store.IdempotencyKey(key), store.Replayed(&replayed)}, opts...)
	r, err := s.Apply(context.Background(), id, rep, opts...)
	return r, replayed, err
}

// TestIdempotentReplay: the same key with the same request answers what the
// first request got — the record as it was then — says it is a replay, and
// applies nothing, even after the record moved on; from another handle too.
func TestIdempotentReplay(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		dsn := b.newDSN(t)
		s := open(t, dsn)
		const id = "pr_idem"
		created, replayed, err := applyKey(s, id, guaranteedPayment(id, 1000), "create-1")
		require.NoError(t, err)
		assert.False(t, replayed, "a first request is not a replay")

		first, replayed, err := applyKey(s, id, refundCents("re_1", 100), "refund-1")
		require.NoError(t, err)
		assert.False(t, replayed)
		require.Equal(t, uint64(2), first.Version())

		again, replayed, err := applyKey(s, id, refundCents("re_1", 100), "refund-1")
		require.NoError(t, err)
		assert.True(t, replayed, "the same key and request is a replay")
		recordtest.Equal(t, again, first)
		assert.Equal(t, uint64(2), get(t, s, id).Version(), "a replay applies nothing")

		apply(t, s, id, refundCents("re_2", 200))
		later, replayed, err := applyKey(s, id, refundCents("re_1", 100), "refund-1")
		require.NoError(t, err)
		assert.True(t, replayed)
		recordtest.Equal(t, later, first)

		c2, replayed, err := applyKey(s, "", guaranteedPayment(id, 1000), "create-1")
		require.NoError(t, err, "replaying the creation is not ErrRecordExists")
		assert.True(t, replayed)
		recordtest.Equal(t, c2, created)
		assert.Equal(t, uint64(3), get(t, s, id).Version())

		if b.persistent {
			s2 := open(t, dsn)
			r, replayed, err := applyKey(s2, id, refundCents("re_1", 100), "refund-1")
			require.NoError(t, err)
			assert.True(t, replayed, "keys are stored with the records")
			recordtest.Equal(t, r, first)
		}
	})
}

// TestIdempotentRejectionReplay: the first request's rejection is stored
// under its key and answered again — equal type, code, param and message —
// even when the record would now accept the request.
func TestIdempotentRejectionReplay(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		s := open(t, b.newDSN(t))
		const id = "pr_idem_rej"
		apply(t, s, id, payment(id, 1000))
		_, replayed, err1 := applyKey(s, id, refundCents("re_1", 100), "early-refund")
		require.ErrorIs(t, err1, record.ErrNoGuaranteedFunds)
		assert.False(t, replayed)

		apply(t, s, id, record.ReportPaymentAttemptGuaranteedParams{GuaranteedAt: t0 + 5})
		r, replayed, err2 := applyKey(s, id, refundCents("re_1", 100), "early-refund")
		require.Error(t, err2, "the stored rejection, although the refund would pass now")
		assert.Nil(t, r)
		assert.True(t, replayed)
		var pe1, pe2 *payrec.Error
		require.ErrorAs(t, err1, &pe1)
		require.ErrorAs(t, err2, &pe2)
		assert.Equal(t, pe1.Type, pe2.Type)
		assert.Equal(t, pe1.Code, pe2.Code)
		assert.Equal(t, pe1.Param, pe2.Param)
		assert.Equal(t, pe1.Message, pe2.Message)
		got := get(t, s, id)
		assert.Equal(t, uint64(2), got.Version(), "a replayed rejection applies nothing")
		assert.Empty(t, got.Refunds())
	})
}

// TestIdempotencyParameterErrorNotStored: a parameter error stores nothing
// under its key (as at Stripe), so the corrected request may use it.
func TestIdempotencyParameterErrorNotStored(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		s := open(t, b.newDSN(t))
		const id = "pr_idem_param"
		apply(t, s, id, guaranteedPayment(id, 1000))
		bad := record.ReportRefundParams{Amount: refundCents("", 100).Amount} // no refund_reference
		_, replayed, err := applyKey(s, id, bad, "k")
		require.ErrorIs(t, err, record.ErrInvalidParameter)
		assert.False(t, replayed)
		_, replayed, err = applyKey(s, id, bad, "k")
		require.ErrorIs(t, err, record.ErrInvalidParameter)
		assert.False(t, replayed, "a parameter error is not stored")

		r, replayed, err := applyKey(s, id, refundCents("re_ok", 100), "k")
		require.NoError(t, err, "the corrected request may use the key")
		assert.False(t, replayed)
		assert.Equal(t, uint64(2), r.Version())
	})
}

// TestIdempotencyMismatch: the same key with another request — other
// parameters, another operation, another record — is ErrIdempotencyMismatch
// (Stripe's idempotency_error) and changes nothing.
func TestIdempotencyMismatch(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		s := open(t, b.newDSN(t))
		apply(t, s, "pr_m1", guaranteedPayment("pr_m1", 1000))
		apply(t, s, "pr_m2", guaranteedPayment("pr_m2", 1000))
		_, _, err := applyKey(s, "pr_m1", refundCents("re_1", 100), "key")
		require.NoError(t, err)
		before1, before2 := get(t, s, "pr_m1"), get(t, s, "pr_m2")

		for _, c := range []struct {
			name string
			id   string
			rep  record.Report
		}{
			{"other amount", "pr_m1", refundCents("re_1", 101)},
			{"other reference", "pr_m1", refundCents("re_9", 100)},
			{"other operation", "pr_m1", record.ReportPaymentAttemptInformationalParams{Description: "x"}},
			{"other record", "pr_m2", refundCents("re_1", 100)},
			{"a creation", "", payment("pr_m3", 100)},
		} {
			t.Run(c.name, func(t *testing.T) {
				r, replayed, err := applyKey(s, c.id, c.rep, "key")
				require.ErrorIs(t, err, store.ErrIdempotencyMismatch)
				assert.Nil(t, r)
				assert.False(t, replayed)
				var pe *payrec.Error
				require.ErrorAs(t, err, &pe)
				assert.Equal(t, "idempotency_error", pe.Type)
				assert.NotEmpty(t, pe.Message)
			})
		}
		recordtest.Equal(t, get(t, s, "pr_m1"), before1)
		recordtest.Equal(t, get(t, s, "pr_m2"), before2)
		_, err = s.Get(context.Background(), "pr_m3")
		require.ErrorIs(t, err, store.ErrNotFound)
	})
}

// TestIdempotencyFingerprint: with Fingerprint, the caller says what "the
// same request" means.
func TestIdempotencyFingerprint(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		s := open(t, b.newDSN(t))
		const id = "pr_fp"
		apply(t, s, id, guaranteedPayment(id, 1000))
		first, _, err := applyKey(s, id, refundCents("re_1", 100), "k", store.Fingerprint([]byte("POST /refund amount=100")))
		require.NoError(t, err)
		r, replayed, err := applyKey(s, id, refundCents("re_1", 100), "k", store.Fingerprint([]byte("POST /refund amount=100")))
		require.NoError(t, err)
		assert.True(t, replayed)
		recordtest.Equal(t, r, first)
		_, _, err = applyKey(s, id, refundCents("re_1", 100), "k", store.Fingerprint([]byte("POST /refund amount=999")))
		require.ErrorIs(t, err, store.ErrIdempotencyMismatch, "same params, other fingerprint")
		assert.Equal(t, uint64(2), get(t, s, id).Version())
	})
}

// TestIdempotencyKeyLength: keys are 1 to 255 characters.
func TestIdempotencyKeyLength(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		s := open(t, b.newDSN(t))
		const id = "pr_klen"
		apply(t, s, id, guaranteedPayment(id, 1000))
		_, _, err := applyKey(s, id, refundCents("re_1", 1), strings.Repeat("k", 255))
		require.NoError(t, err)
		for _, key := range []string{"", strings.Repeat("k", 256)} {
			_, _, err := applyKey(s, id, refundCents("re_2", 1), key)
			require.ErrorIs(t, err, payrec.ErrInvalidParameter, "key of %d characters", len(key))
			var pe *payrec.Error
			require.ErrorAs(t, err, &pe)
		}
		assert.Equal(t, uint64(2), get(t, s, id).Version())
	})
}

// clock is a settable clock for WithClock.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// TestIdempotencyExpiry: a key is kept for its TTL (24 hours by default)
// and forgotten after it: then the same key starts a new request.
func TestIdempotencyExpiry(t *testing.T) {
	for _, c := range []struct {
		name string
		ttl  time.Duration
		opts func(*clock) []store.Option
	}{
		{"default 24h", 24 * time.Hour, func(c *clock) []store.Option { return []store.Option{store.WithClock(c.Now)} }},
		{"1h", time.Hour, func(c *clock) []store.Option {
			return []store.Option{store.WithClock(c.Now), store.WithIdempotencyTTL(time.Hour)}
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			forEachBackend(t, func(t *testing.T, b backend) {
				clk := &clock{now: time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)}
				s := open(t, b.newDSN(t), c.opts(clk)...)
				const id = "pr_exp"
				apply(t, s, id, guaranteedPayment(id, 1000))
				first, _, err := applyKey(s, id, refundCents("re_1", 100), "k")
				require.NoError(t, err)

				clk.Advance(c.ttl - time.Second)
				r, replayed, err := applyKey(s, id, refundCents("re_1", 100), "k")
				require.NoError(t, err)
				assert.True(t, replayed, "still kept a second before the TTL")
				recordtest.Equal(t, r, first)
				_, _, err = applyKey(s, id, refundCents("re_2", 100), "k")
				require.ErrorIs(t, err, store.ErrIdempotencyMismatch, "still kept a second before the TTL")

				clk.Advance(2 * time.Second)
				r, replayed, err = applyKey(s, id, refundCents("re_2", 100), "k")
				require.NoError(t, err, "an expired key starts afresh")
				assert.False(t, replayed)
				assert.Equal(t, uint64(3), r.Version())
				r, replayed, err = applyKey(s, id, refundCents("re_2", 100), "k")
				require.NoError(t, err)
				assert.True(t, replayed, "the new request is kept under the key")
				assert.Equal(t, uint64(3), r.Version())
			})
		})
	}
}

// TestIdempotencyConcurrent: 16 requests with one key race, over two
// handles where the database allows: exactly one is applied; every other
// one is a replay of its answer or ErrIdempotencyInUse (HTTP 409), never a
// second application.
func TestIdempotencyConcurrent(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		dsn := b.newDSN(t)
		handles := []*store.Store{open(t, dsn)}
		if b.persistent {
			handles = append(handles, open(t, dsn))
		}
		for round := range 5 {
			id := "pr_idem_race_" + string(rune('a'+round))
			apply(t, handles[0], id, guaranteedPayment(id, 1000))
			var applied, replays, inUse atomic.Int64
			var wg sync.WaitGroup
			versions := make(chan uint64, 16)
			for g := range 16 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					r, replayed, err := applyKey(handles[g%len(handles)], id, refundCents("re_1", 100), "race-"+id)
					switch {
					case err == nil && replayed:
						replays.Add(1)
						versions <- r.Version()
					case err == nil:
						applied.Add(1)
						versions <- r.Version()
					case errors.Is(err, store.ErrIdempotencyInUse):
						inUse.Add(1)
						var pe *payrec.Error
						assert.ErrorAs(t, err, &pe)
					default:
						t.Errorf("goroutine %d: %v", g, err)
					}
				}()
			}
			wg.Wait()
			close(versions)
			for v := range versions {
				assert.Equal(t, uint64(2), v, "every answer is the one application")
			}
			assert.Equal(t, int64(1), applied.Load(), "round %d: applied once", round)
			assert.Equal(t, int64(15), replays.Load()+inUse.Load())
			got := requireConsistent(t, handles[len(handles)-1], id)
			assert.Equal(t, uint64(2), got.Version())
			assert.Len(t, got.Refunds(), 1)
			t.Logf("round %d: 1 applied, %d replays, %d in use", round, replays.Load(), inUse.Load())
		}
	})
}

// TestIdempotencyInUse: while a request with a key runs in this store,
// another one with the key is ErrIdempotencyInUse (Stripe's 409), with
// Stripe's code, and applies nothing; once it is done, the key is free.
func TestIdempotencyInUse(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		s := open(t, b.newDSN(t))
		const id = "pr_inuse"
		apply(t, s, id, guaranteedPayment(id, 1000))
		release := store.HoldKey(s, "busy")
		r, replayed, err := applyKey(s, id, refundCents("re_1", 100), "busy")
		require.ErrorIs(t, err, store.ErrIdempotencyInUse)
		assert.Nil(t, r)
		assert.False(t, replayed)
		var pe *payrec.Error
		require.ErrorAs(t, err, &pe)
		assert.Equal(t, "idempotency_key_in_use", pe.Code)
		assert.Equal(t, uint64(1), get(t, s, id).Version())
		release()
		r, replayed, err = applyKey(s, id, refundCents("re_1", 100), "busy")
		require.NoError(t, err)
		assert.False(t, replayed)
		assert.Equal(t, uint64(2), r.Version())
	})
}

// TestPrunesExpiredKeys checks that expired idempotency keys leave the
// table, not only that they are ignored.
func TestPrunesExpiredKeys(t *testing.T) {
	forPersistentBackends(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		dsn := b.newDSN(t)
		now := time.Unix(1_800_000_000, 0)
		s := open(t, dsn, store.WithClock(func() time.Time { return now }))
		_, err := s.Apply(ctx, "", create("pr_p", 100))
		require.NoError(t, err)
		for i := range 3 {
			_, err = s.Apply(ctx, "pr_p", refund(fmt.Sprint("re_", i), 1), store.IdempotencyKey(fmt.Sprint("old_", i)))
			require.NoError(t, err)
		}
		// An UPDATE that changes nothing counts the rows it touches.
		count := func() int64 { return rawExec(t, dsn, `UPDATE idempotency_keys SET key = key`) }
		require.EqualValues(t, 3, count())

		now = now.Add(store.DefaultIdempotencyTTL + time.Minute)
		_, err = s.Apply(ctx, "pr_p", refund("re_new", 1), store.IdempotencyKey("new"))
		require.NoError(t, err)
		assert.EqualValues(t, 1, count(), "only the new key is left")
	})
}
