package store

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/payrec/payrec"
	"github.com/payrec/payrec/attempt"
	"github.com/payrec/payrec/money"
	"github.com/payrec/payrec/record"
)

func TestOutcomeKeepsFieldsAndSentinels(t *testing.T) {
	first := &payrec.Error{Type: payrec.ErrorType, Code: "", Param: "amount", Message: "nothing left",
		Err: fmt.Errorf("%w; %w", record.ErrNothingLeft, payrec.ErrInvalidTransition)}
	again := rejection("pr_1", first).err()
	var pe *payrec.Error
	require.ErrorAs(t, again, &pe)
	assert.Equal(t, *first, payrec.Error{Type: pe.Type, Code: pe.Code, Param: pe.Param, Message: pe.Message, Err: first.Err})
	for _, s := range sentinels {
		assert.Equal(t, errors.Is(first, s.err), errors.Is(again, s.err), "sentinel %s", s.name)
	}
	assert.ErrorIs(t, again, record.ErrRefundExceeds)
	assert.NotErrorIs(t, again, record.ErrDuplicate)
}

func testRecord(t *testing.T, id string, refunds int) *record.Record {
	t.Helper()
	usd := money.MustParseCurrency("usd")
	r, err := record.ReportPayment(record.ReportPaymentParams{ID: id, AttemptID: "par_" + id, Created: 1,
		AmountRequested: money.New(1000, usd), InitiatedAt: 1,
		PaymentMethodDetails: attempt.PaymentMethodDetails{Custom: attempt.CustomDetails{DisplayName: "x"}},
		Outcome:              record.OutcomeGuaranteed, Guaranteed: record.GuaranteedParams{GuaranteedAt: 1}})
	require.NoError(t, err)
	for i := range refunds {
		require.NoError(t, r.ReportRefund(record.ReportRefundParams{Amount: money.New(1, usd),
			ProcessorDetails: record.RefundProcessorDetails{RefundReference: fmt.Sprint("re_", i)}}))
	}
	return r
}

func TestCacheKeepsNewestAndBound(t *testing.T) {
	c := newCache(2)
	newer, older := testRecord(t, "pr_a", 2), testRecord(t, "pr_a", 1)
	c.put(newer, 0)
	c.put(older, 5)
	assert.Same(t, newer, c.get("pr_a"), "a stale version never replaces a newer one")
	c.put(newer, 3)
	assert.Equal(t, uint64(3), c.entry("pr_a").epoch, "the same version, known current later")
	c.put(newer, 1)
	assert.Equal(t, uint64(3), c.entry("pr_a").epoch, "an older epoch never replaces a newer one")
	c.put(testRecord(t, "pr_b", 0), 0)
	c.put(testRecord(t, "pr_c", 0), 0)
	assert.Len(t, c.m, 2)
	assert.NotNil(t, c.get("pr_c"))
}

func TestListSQL(t *testing.T) {
	ph := func(n int) string { return fmt.Sprintf("$%d", n) }
	steps := []struct {
		q    ListQuery
		cur  *cursor
		sql  string
		args []any
	}{
		{ListQuery{Limit: 10}, nil,
			"SELECT id FROM records WHERE livemode = $1 ORDER BY created DESC, id DESC LIMIT $2", []any{false, 11}},
		{ListQuery{Limit: 2, CreatedAfter: 5, CreatedBefore: 9, Livemode: true}, &cursor{created: 7, id: "pr_x"},
			"SELECT id FROM records WHERE livemode = $1 AND created > $2 AND created < $3 AND (created, id) < ($4, $5) ORDER BY created DESC, id DESC LIMIT $6",
			[]any{true, int64(5), int64(9), int64(7), "pr_x", 3}},
		{ListQuery{Limit: 2}, &cursor{created: 7, id: "pr_x", before: true},
			"SELECT id FROM records WHERE livemode = $1 AND (created, id) > ($2, $3) ORDER BY created ASC, id ASC LIMIT $4",
			[]any{false, int64(7), "pr_x", 3}},
	}
	for i, st := range steps {
		sql, args := listSQL(st.q, st.cur, ph)
		assert.Equal(t, st.sql, sql, "step %d: query", i)
		assert.Equal(t, st.args, args, "step %d: args", i)
	}
}

// TestBatcherGathers checks that a writer waits for the requests that were in
// play at its last commit, so that their batches do not split in halves.
func TestBatcherGathers(t *testing.T) {
	b := newBatcher()
	b.inPlay = 3
	ctx := context.Background()
	for i := range 3 {
		go func() {
			time.Sleep(time.Duration(i) * 50 * time.Microsecond)
			b.submit(ctx, &request{id: fmt.Sprint(i)})
		}()
	}
	batch, ok := b.next()
	require.True(t, ok)
	got := len(batch)
	for len(batch) < 3 { // a slow machine may miss the wait: collect the rest
		more, _ := b.next()
		batch = append(batch, more...)
	}
	for _, p := range batch {
		p.done <- answer{}
	}
	t.Logf("first batch took %d of 3", got)
	b.close()
	_, ok = b.next()
	assert.False(t, ok)
	assert.ErrorIs(t, b.submit(ctx, &request{}).err, ErrClosed)
}

// FuzzCatchUp feeds stored report lines the database might hold after
// corruption: reading them back never panics, and every failure is
// ErrCorrupt naming the record and version.
func FuzzCatchUp(f *testing.F) {
	// Seeds: a valid creation, a valid refund, truncated JSON, a line for
	// another record, a report the record rejects, and not JSON at all.
	f.Add([]byte(`{"op":"report_payment","params":{"id":"pr_f","attempt_id":"par_f","created":1,"amount_requested":{"currency":"usd","value":1000},"initiated_at":1,"payment_method_details":{"custom":{"display_name":"x"}},"outcome":"guaranteed","guaranteed":{"guaranteed_at":1}}}`))
	f.Add([]byte(`{"op":"report_refund","id":"pr_f","params":{"outcome":"refunded","amount":{"currency":"usd","value":1},"processor_details":{"type":"custom","custom":{"refund_reference":"re_1"}}}}`))
	f.Add([]byte(`{"op":"report_refund","id":"pr_f","params":{`))
	f.Add([]byte(`{"op":"report_payment_attempt_failed","id":"pr_other","params":{"failed_at":5}}`))
	f.Add([]byte(`{"op":"report_payment_attempt_failed","id":"pr_f","params":{"failed_at":5}}`))
	f.Add([]byte("\x00\xff"))
	base := testRecord(&testing.T{}, "pr_f", 0)
	f.Fuzz(func(t *testing.T, line []byte) {
		for _, start := range []*record.Record{nil, base.Clone()} {
			version := uint64(1)
			if start != nil {
				version = start.Version() + 1
			}
			r, err := catchUp("pr_f", start, version, line)
			if err != nil {
				if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), fmt.Sprintf(`record "pr_f" version %d`, version)) {
					t.Fatalf("error %v: want ErrCorrupt naming the record and version %d", err, version)
				}
				continue
			}
			if r.Version() != version {
				t.Fatalf("version %d after catching up to %d", r.Version(), version)
			}
		}
	})
}

// TestBatchAnswersAreTheirOwn decides two refunds of one record in one
// SQLite batch, after another Store changed the record, so that the writer
// reads it afresh and applies the first refund in place: the first answer
// must still show the record after the first refund, not the second.
func TestBatchAnswersAreTheirOwn(t *testing.T) {
	ctx := context.Background()
	stores := twoSQLiteStores(t)
	refund := func(ref string) record.ReportRefundParams {
		return record.ReportRefundParams{Amount: money.New(1, testUSD), ProcessorDetails: record.RefundProcessorDetails{RefundReference: ref}}
	}
	guaranteed := testCreate("pr_batch")
	guaranteed.Outcome, guaranteed.Guaranteed = record.OutcomeGuaranteed, record.GuaranteedParams{GuaranteedAt: 1}
	_, err := stores[0].Apply(ctx, "", guaranteed)
	require.NoError(t, err)
	_, err = stores[1].Apply(ctx, "pr_batch", refund("re_other"))
	require.NoError(t, err)

	p1, p2 := testPending(t, stores[0], "pr_batch", refund("re_1")), testPending(t, stores[0], "pr_batch", refund("re_2"))
	require.NoError(t, stores[0].b.(*sqliteStore).commit([]*pending{p1, p2}, false))
	a1, a2 := <-p1.done, <-p2.done
	require.NoError(t, a1.err)
	require.NoError(t, a2.err)
	assert.Equal(t, uint64(3), a1.rec.Version())
	assert.Len(t, a1.rec.Refunds(), 2, "the first answer: the other Store's refund and re_1")
	assert.Equal(t, uint64(4), a2.rec.Version())
	assert.Len(t, a2.rec.Refunds(), 3)
}

// TestSQLiteAssumptionKeepsConnection: a batch that took an existing
// record to be new fails on the unique key with errAssumed, having stored
// nothing, and the writer keeps its connection and prepared statements
// (OR ROLLBACK undid the transaction); decided again, read, it answers the
// duplicate.
func TestSQLiteAssumptionKeepsConnection(t *testing.T) {
	ctx := context.Background()
	stores := twoSQLiteStores(t)
	_, err := stores[1].Apply(ctx, "", testCreate("pr_taken"))
	require.NoError(t, err)
	_, err = stores[0].Apply(ctx, "", testCreate("pr_warm")) // opens the writer's connection
	require.NoError(t, err)

	w := stores[0].b.(*sqliteStore)
	conn := w.conn
	fresh, taken := testPending(t, stores[0], "", testCreate("pr_fresh")), testPending(t, stores[0], "", testCreate("pr_taken"))
	err = w.commit([]*pending{fresh, taken}, false)
	require.ErrorIs(t, err, errAssumed)
	assert.Same(t, conn, w.conn, "the writer keeps its connection")
	assert.Empty(t, fresh.done, "no answer for a failed batch")
	_, err = stores[1].Get(ctx, "pr_fresh")
	require.ErrorIs(t, err, ErrNotFound, "the failed batch stored nothing")

	require.NoError(t, w.commit([]*pending{fresh, taken}, true))
	require.NoError(t, (<-fresh.done).err)
	require.ErrorIs(t, (<-taken.done).err, record.ErrDuplicate)
	assert.Same(t, conn, w.conn)
}

// twoSQLiteStores opens two Stores on one new SQLite file, closed when t ends.
func twoSQLiteStores(t *testing.T) [2]*Store {
	path := filepath.Join(t.TempDir(), "two.db")
	var stores [2]*Store
	for i := range stores {
		s, err := Open(context.Background(), "sqlite:"+path)
		require.NoError(t, err)
		t.Cleanup(func() { _ = s.Close() })
		stores[i] = s
	}
	return stores
}

var testUSD = money.MustParseCurrency("usd")

// testCreate returns the report_payment of a pending $10.00 record id.
func testCreate(id string) record.ReportPaymentParams {
	return record.ReportPaymentParams{ID: id, AttemptID: "par_" + id, Created: 1,
		AmountRequested: money.New(1000, testUSD), InitiatedAt: 1,
		PaymentMethodDetails: attempt.PaymentMethodDetails{Custom: attempt.CustomDetails{DisplayName: "x"}}}
}

// testPending returns rep for record id as s's writer takes it from its
// queue, to hand to a backend's commit.
func testPending(t *testing.T, s *Store, id string, rep record.Report) *pending {
	req, err := s.newRequest(id, rep, &applyConfig{})
	require.NoError(t, err)
	return &pending{ctx: context.Background(), req: req, done: make(chan answer, 1)}
}
