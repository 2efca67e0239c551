package store_test

// Tests of grouped reads: the SQL stores serve concurrent Gets, Attempts
// and Lists with shared queries, and a read must still see every Apply
// that returned before it began, in its own Store or another on the same
// database.

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/payrec/payrec/record"
	"github.com/payrec/payrec/record/recordtest"
	"github.com/payrec/payrec/store"
)

// readWhileApplying races 32 readers of writeTo's records through readFrom
// (Get, Attempt and List in turn) against one applier per record through
// writeTo. Each applier publishes the version each Apply returned; a read
// must give at least the version published before it began (read after
// write), and the versions a reader sees of a record never go backwards.
// A reader stops when the appliers are done, or after maxReads reads (on
// the memory store, reads never wait, and would crowd out the appliers).
func readWhileApplying(t *testing.T, writeTo, readFrom *store.Store) {
	const records, readers, maxReads = 4, 32, 100
	applies := 60
	if testing.Short() {
		applies = 20
	}
	ctx := context.Background()
	ids := make([]string, records)
	floors := make([]atomic.Uint64, records) // the last version an Apply returned
	for k := range ids {
		ids[k] = fmt.Sprintf("pr_linear_%d", k)
		floors[k].Store(apply(t, writeTo, ids[k], guaranteedPayment(ids[k], 1_000_000)).Version())
	}
	index := func(id string) int {
		for k := range ids {
			if ids[k] == id {
				return k
			}
		}
		return -1
	}
	var writers sync.WaitGroup
	for k := range ids {
		writers.Add(1)
		go func() {
			defer writers.Done()
			for i := range applies {
				rep := informational(i)
				if i%3 == 0 {
					rep = refundCents(fmt.Sprintf("re_%d", i), 1) // the record grows too
				}
				r, err := writeTo.Apply(ctx, ids[k], rep)
				if err != nil {
					t.Errorf("apply %d to %s: %v", i, ids[k], err)
					return
				}
				floors[k].Store(r.Version())
			}
		}()
	}
	done := make(chan struct{})
	var readersWG sync.WaitGroup
	var reads atomic.Int64
	for g := range readers {
		readersWG.Add(1)
		go func() {
			defer readersWG.Done()
			var last [records]uint64
			check := func(r *record.Record, floor []uint64, how string) bool {
				k := index(r.ID())
				if k < 0 {
					t.Errorf("reader %d: %s gave record %s", g, how, r.ID())
					return false
				}
				if r.Version() < floor[k] {
					t.Errorf("reader %d: %s gave %s at version %d, but an Apply returned version %d before the read began",
						g, how, r.ID(), r.Version(), floor[k])
					return false
				}
				if r.Version() < last[k] {
					t.Errorf("reader %d: %s gave %s at version %d after version %d", g, how, r.ID(), r.Version(), last[k])
					return false
				}
				last[k] = r.Version()
				if err := recordtest.Verify(r); err != nil {
					t.Errorf("reader %d: %s gave a broken record at version %d: %v", g, how, r.Version(), err)
					return false
				}
				return true
			}
			for i := range maxReads {
				select {
				case <-done:
					return
				default:
				}
				floor := make([]uint64, records)
				for k := range floor {
					floor[k] = floors[k].Load()
				}
				k := (g + i) % records
				reads.Add(1)
				switch i % 4 {
				case 0, 1:
					r, err := readFrom.Get(ctx, ids[k])
					if err != nil {
						t.Errorf("reader %d: get %s: %v", g, ids[k], err)
						return
					}
					if !check(r, floor, "Get") {
						return
					}
				case 2:
					r, err := readFrom.Attempt(ctx, ids[k]+"_a1")
					if err != nil {
						t.Errorf("reader %d: attempt of %s: %v", g, ids[k], err)
						return
					}
					if !check(r, floor, "Attempt") {
						return
					}
				default:
					page, err := readFrom.List(ctx, store.ListQuery{Limit: 10})
					if err != nil {
						t.Errorf("reader %d: list: %v", g, err)
						return
					}
					if len(page.Records) != records {
						t.Errorf("reader %d: list gave %d records, want %d", g, len(page.Records), records)
						return
					}
					for _, r := range page.Records {
						if !check(r, floor, "List") {
							return
						}
					}
				}
			}
		}()
	}
	writers.Wait()
	close(done)
	readersWG.Wait()
	for k, id := range ids {
		assert.Equal(t, floors[k].Load(), get(t, readFrom, id).Version(), "%s read after the last Apply", id)
	}
	t.Logf("%d reads while %d Applies ran", reads.Load(), records*applies)
}

// TestGroupReadsSeeReturnedApplies: 32 readers race appliers on the same
// records of one Store; each read sees every Apply that returned before it
// began, and no reader sees a record go back.
func TestGroupReadsSeeReturnedApplies(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		s := open(t, b.newDSN(t))
		readWhileApplying(t, s, s)
	})
}

// TestGroupReadsAcrossStores: as TestGroupReadsSeeReturnedApplies, with the
// Applies through one Store and the reads through another on the same
// database, as replicas share one: Store B's cache never answers alone.
func TestGroupReadsAcrossStores(t *testing.T) {
	forPersistentBackends(t, func(t *testing.T, b backend) {
		dsn := b.newDSN(t)
		readWhileApplying(t, open(t, dsn), open(t, dsn))
	})
}

// guard bounds how long a test waits for what must happen; it only turns
// a hang into a failure, it times nothing.
const guard = time.Minute

// heldQuery is one grouped query of a store, held once it ran until the
// test answers it (nil lets it answer its reads, an error fails it) or its
// context ends, as a query's would.
type heldQuery struct {
	ctx    context.Context
	ids    []string
	answer chan error
}

// holdGroupReads makes each grouped query of s wait for the test: the
// channel returned gives each one as it ran.
func holdGroupReads(s *store.Store) <-chan heldQuery {
	ran := make(chan heldQuery)
	store.HookGroupReads(s, func(ctx context.Context, ids []string) error {
		q := heldQuery{ctx: ctx, ids: ids, answer: make(chan error, 1)}
		ran <- q
		select {
		case err := <-q.answer:
			return err
		case <-ctx.Done():
			return ctx.Err()
		}
	})
	return ran
}

// nextQuery returns the next query of s that ran.
func nextQuery(t *testing.T, ran <-chan heldQuery) heldQuery {
	t.Helper()
	select {
	case q := <-ran:
		return q
	case <-time.After(guard):
		t.Fatal("no grouped query ran")
		return heldQuery{}
	}
}

// waitPending waits until n reads of s wait for its next grouped query.
func waitPending(t *testing.T, s *store.Store, n int) {
	t.Helper()
	for end := time.Now().Add(guard); store.PendingGroupReads(s) != n; time.Sleep(50 * time.Microsecond) {
		if time.Now().After(end) {
			t.Fatalf("%d reads wait for the next query, want %d", store.PendingGroupReads(s), n)
		}
	}
}

// read is the outcome of one Get.
type read struct {
	rec *record.Record
	err error
}

// goGet starts s.Get(ctx, id); its outcome comes on the channel.
func goGet(ctx context.Context, s *store.Store, id string) <-chan read {
	c := make(chan read, 1)
	go func() {
		r, err := s.Get(ctx, id)
		c <- read{r, err}
	}()
	return c
}

// outcome waits for a goGet.
func outcome(t *testing.T, c <-chan read) read {
	t.Helper()
	select {
	case r := <-c:
		return r
	case <-time.After(guard):
		t.Fatal("a Get never returned")
		return read{}
	}
}

// TestGroupReadWaitsForNextQuery: a Get that begins while a query is
// running — a query that has already read the record as it was — is
// answered by the next query, so that it sees an Apply through another
// Store that returned before it began.
func TestGroupReadWaitsForNextQuery(t *testing.T) {
	forPersistentBackends(t, func(t *testing.T, b backend) {
		dsn := b.newDSN(t)
		a, s := open(t, dsn), open(t, dsn)
		const id = "pr_next"
		apply(t, a, id, guaranteedPayment(id, 1000))
		ran := holdGroupReads(s)
		ctx := context.Background()

		first := goGet(ctx, s, id)
		q1 := nextQuery(t, ran) // has read version 1
		assert.Equal(t, []string{id}, q1.ids)
		written := apply(t, a, id, refundCents("re_1", 100))
		second := goGet(ctx, s, id) // begins after the Apply returned
		waitPending(t, s, 1)
		q1.answer <- nil
		r := outcome(t, first)
		require.NoError(t, r.err)
		assert.Equal(t, uint64(1), r.rec.Version(), "the first Get, read before the Apply")
		q2 := nextQuery(t, ran)
		q2.answer <- nil
		r = outcome(t, second)
		require.NoError(t, r.err)
		assert.Equal(t, written.Version(), r.rec.Version(), "a Get that began after the Apply returned")
		recordtest.Equal(t, written, r.rec)
	})
}

// TestGroupReadSharesQueries: the Gets that arrive while a query runs —
// 32 of one record, 32 of as many others — are all answered by one query,
// each with a record of its own.
func TestGroupReadSharesQueries(t *testing.T) {
	forPersistentBackends(t, func(t *testing.T, b backend) {
		s := open(t, b.newDSN(t))
		const hot = "pr_hot"
		apply(t, s, hot, guaranteedPayment(hot, 1000))
		apply(t, s, hot, refundCents("re_1", 100))
		others := make([]string, 32)
		for i := range others {
			others[i] = fmt.Sprintf("pr_other_%02d", i)
			apply(t, s, others[i], payment(others[i], int64(100+i)))
		}
		ran := holdGroupReads(s)
		ctx := context.Background()
		first := goGet(ctx, s, hot)
		q1 := nextQuery(t, ran)
		var hots, rest []<-chan read
		for i := range 32 {
			hots = append(hots, goGet(ctx, s, hot))
			rest = append(rest, goGet(ctx, s, others[i]))
		}
		waitPending(t, s, 64)
		q1.answer <- nil
		q2 := nextQuery(t, ran)
		assert.Equal(t, append([]string{hot}, others...), q2.ids, "one query for every Get that waited")
		q2.answer <- nil

		seen := map[*record.Record]bool{}
		for _, c := range append([]<-chan read{first}, hots...) {
			r := outcome(t, c)
			require.NoError(t, r.err)
			assert.Equal(t, hot, r.rec.ID())
			assert.Equal(t, uint64(2), r.rec.Version())
			assert.False(t, seen[r.rec], "two Gets share one record")
			seen[r.rec] = true
		}
		for i, c := range rest {
			r := outcome(t, c)
			require.NoError(t, r.err)
			assert.Equal(t, others[i], r.rec.ID())
			assert.Equal(t, int64(100+i), r.rec.AmountRequested().Value())
		}
		select {
		case q := <-ran:
			t.Fatalf("a query ran for %v after every read was answered", q.ids)
		default:
		}
	})
}

// TestGroupReadCanceled: a Get whose context ends returns its error at
// once, while its query is running or before it starts, and the Gets
// waiting beside it still get their records; a query whose every caller
// went away is canceled, one that others wait for is not.
func TestGroupReadCanceled(t *testing.T) {
	forPersistentBackends(t, func(t *testing.T, b backend) {
		s := open(t, b.newDSN(t))
		const id, other = "pr_cancel", "pr_cancel_other"
		apply(t, s, id, guaranteedPayment(id, 1000))
		apply(t, s, other, guaranteedPayment(other, 1000))
		ran := holdGroupReads(s)
		canceled := func(what string, c <-chan read) {
			t.Helper()
			r := outcome(t, c)
			assert.ErrorIs(t, r.err, context.Canceled, what)
			assert.Nil(t, r.rec, what)
		}

		// A alone in the running query; C and B0..B31 wait for the next.
		ctxA, cancelA := context.WithCancel(context.Background())
		defer cancelA()
		a := goGet(ctxA, s, id)
		q1 := nextQuery(t, ran)
		ctxC, cancelC := context.WithCancel(context.Background())
		defer cancelC()
		c := goGet(ctxC, s, other)
		waitPending(t, s, 1)
		ctxB0, cancelB0 := context.WithCancel(context.Background())
		defer cancelB0()
		bs := []<-chan read{goGet(ctxB0, s, id)}
		for range 31 {
			bs = append(bs, goGet(context.Background(), s, id))
		}
		waitPending(t, s, 33)
		cancelC()
		canceled("a Get waiting for the next query", c)
		waitPending(t, s, 32)
		cancelA() // q1 is held until its context ends
		canceled("a Get whose query is running", a)
		assert.ErrorIs(t, q1.ctx.Err(), context.Canceled, "a query no one waits for any more is canceled")

		q2 := nextQuery(t, ran)
		assert.Equal(t, []string{id}, q2.ids, "the query leaves out the Get that went away")
		cancelB0()
		canceled("a Get leaving a query others wait for", bs[0])
		assert.NoError(t, q2.ctx.Err(), "the query others wait for goes on")
		q2.answer <- nil
		for _, c := range bs[1:] {
			r := outcome(t, c)
			require.NoError(t, r.err)
			assert.Equal(t, id, r.rec.ID())
		}

		// a query served by the group for several Gets that all go away
		first := goGet(context.Background(), s, id)
		q3 := nextQuery(t, ran)
		ctxD1, cancelD1 := context.WithCancel(context.Background())
		defer cancelD1()
		ctxD2, cancelD2 := context.WithCancel(context.Background())
		defer cancelD2()
		d1, d2 := goGet(ctxD1, s, id), goGet(ctxD2, s, other)
		waitPending(t, s, 2)
		q3.answer <- nil
		require.NoError(t, outcome(t, first).err)
		q4 := nextQuery(t, ran)
		assert.Equal(t, []string{id, other}, q4.ids)
		cancelD1()
		canceled("the first Get leaving", d1)
		assert.NoError(t, q4.ctx.Err(), "the query another waits for goes on")
		cancelD2()
		canceled("the last Get leaving", d2)
		assert.ErrorIs(t, q4.ctx.Err(), context.Canceled, "a query no one waits for any more is canceled")
	})
}

// TestGroupReadErrors: a query's error goes to every Get it serves, a
// record that cannot be read back fails only the Gets of that record, and
// the next query serves again.
func TestGroupReadErrors(t *testing.T) {
	forPersistentBackends(t, func(t *testing.T, b backend) {
		dsn := b.newDSN(t)
		w := open(t, dsn)
		const good, bad = "pr_good", "pr_bad"
		for _, id := range []string{good, bad} {
			apply(t, w, id, guaranteedPayment(id, 1000))
			apply(t, w, id, refundCents("re_1", 100))
		}
		require.Equal(t, int64(1), rawExec(t, dsn, "UPDATE "+tableReports+" SET "+colReport+" = $1 WHERE "+colRecordID+" = $2 AND "+colVersion+" = $3",
			[]byte(`{"op":"report_refund","id":"pr_bad","params":{`), bad, 2))
		s := open(t, dsn) // has not cached pr_bad
		ran := holdGroupReads(s)
		ctx := context.Background()
		boom := errors.New("the database went away")

		// one query that fails, for Gets of both records
		first := goGet(ctx, s, good)
		q1 := nextQuery(t, ran)
		var failing []<-chan read
		for range 4 {
			failing = append(failing, goGet(ctx, s, good), goGet(ctx, s, bad))
		}
		waitPending(t, s, 8)
		q1.answer <- nil
		nextQuery(t, ran).answer <- boom
		r := outcome(t, first)
		require.NoError(t, r.err)
		for _, c := range failing {
			assert.ErrorIs(t, outcome(t, c).err, boom)
		}

		// one query that serves, with a record that is corrupt
		first = goGet(ctx, s, good)
		q1 = nextQuery(t, ran)
		var goods, bads []<-chan read
		for range 4 {
			goods, bads = append(goods, goGet(ctx, s, good)), append(bads, goGet(ctx, s, bad))
		}
		waitPending(t, s, 8)
		q1.answer <- nil
		nextQuery(t, ran).answer <- nil
		require.NoError(t, outcome(t, first).err)
		for _, c := range goods {
			r := outcome(t, c)
			require.NoError(t, r.err)
			assert.Equal(t, uint64(2), r.rec.Version())
		}
		for _, c := range bads {
			r := outcome(t, c)
			assert.ErrorIs(t, r.err, store.ErrCorrupt)
			assert.ErrorContains(t, r.err, bad)
		}
	})
}
