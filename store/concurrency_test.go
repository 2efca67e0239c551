package store_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/payrec/payrec/record"
	"github.com/payrec/payrec/record/recordtest"
	"github.com/payrec/payrec/store"
)

// refundOutcome is one refund a racer tried: accepted at version, or
// refused because it exceeded what was left.
type refundOutcome struct {
	ref      string
	amount   int64
	version  uint64 // 0 when refused
	refunded int64  // the record's amount_refunded the accepted Apply returned
}

// checkRefundRace checks the record id after racing refunds against it: no
// lost update (each accepted refund has its own version, and the versions
// after the setup's are contiguous and end at the record's), no
// over-refund, no refusal while enough was left, each returned record saw
// exactly the refunds before it, the stored versions are contiguous, and
// the record equals the replay of its stored log.
func checkRefundRace(t *testing.T, s *store.Store, dsn, id string, guaranteed int64, setupVersion uint64, outcomes []refundOutcome) {
	t.Helper()
	got := requireConsistent(t, s, id)
	var accepted []refundOutcome
	var sum int64
	for _, o := range outcomes {
		if o.version != 0 {
			accepted = append(accepted, o)
			sum += o.amount
		}
	}
	slices.SortFunc(accepted, func(a, b refundOutcome) int { return int(a.version) - int(b.version) })
	require.Equal(t, setupVersion+uint64(len(accepted)), got.Version(), "every accepted refund is one version")
	var before int64
	for i, o := range accepted {
		require.Equal(t, setupVersion+uint64(i)+1, o.version, "accepted versions are distinct and contiguous")
		before += o.amount
		assert.Equal(t, before, o.refunded, "the record returned at version %d holds exactly the refunds up to it", o.version)
	}
	assert.Equal(t, sum, got.AmountRefunded().Value(), "no lost update")
	assert.LessOrEqual(t, sum, guaranteed, "no over-refund")
	left := guaranteed - sum
	assert.Equal(t, left, got.AmountGuaranteed().Value())
	for _, o := range outcomes {
		if o.version == 0 {
			assert.Less(t, left, o.amount, "refund %s of %d was refused although %d is still left", o.ref, o.amount, left)
		}
	}
	require.Len(t, got.Refunds(), len(accepted))
	for i, r := range got.Refunds() {
		assert.Equal(t, accepted[i].ref, r.Reference, "refund %d of the record is the one accepted at version %d", i, accepted[i].version)
		assert.Equal(t, accepted[i].amount, r.Amount.Value(), "refund %s", r.Reference)
	}
	if dsn != "memory" {
		vs := rawVersions(t, dsn, id)
		want := make([]int64, got.Version())
		for i := range want {
			want[i] = int64(i) + 1
		}
		assert.Equal(t, want, vs, "stored versions are 1..N")
	}
	t.Logf("%d refunds accepted (%d of %d refunded), %d refused", len(accepted), sum, guaranteed, len(outcomes)-len(accepted))
}

// TestConcurrentRefunds: 16 goroutines over two Store handles on one
// database (one handle for memory) race refunds on one record until it
// runs out of funds, while a reader per handle reads it (Get, Attempt,
// List) and checks every record it sees.
func TestConcurrentRefunds(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		dsn := b.newDSN(t)
		handles := []*store.Store{open(t, dsn)}
		if b.persistent {
			handles = append(handles, open(t, dsn))
		}
		const id, guaranteed = "pr_race", 4000
		perG := 20
		if testing.Short() {
			perG = 8
		}
		apply(t, handles[0], id, guaranteedPayment(id, guaranteed))
		var mu sync.Mutex
		var outcomes []refundOutcome
		var wg sync.WaitGroup
		for g := range 16 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				s := handles[g%len(handles)]
				rng := rand.New(rand.NewPCG(uint64(g), 1))
				for i := range perG {
					o := refundOutcome{ref: fmt.Sprintf("re_%d_%d", g, i), amount: 1 + rng.Int64N(30)}
					r, err := s.Apply(context.Background(), id, refundCents(o.ref, o.amount))
					switch {
					case err == nil:
						o.version, o.refunded = r.Version(), r.AmountRefunded().Value()
					case errors.Is(err, record.ErrRefundExceeds):
					default:
						t.Errorf("refund %s: %v", o.ref, err)
						return
					}
					mu.Lock()
					outcomes = append(outcomes, o)
					mu.Unlock()
				}
			}()
		}
		// readers on every handle while the refunds race: each record they
		// see holds payrec's invariants and only ever moves forward
		done := make(chan struct{})
		var readers sync.WaitGroup
		for h, s := range handles {
			readers.Add(1)
			go func() {
				defer readers.Done()
				ctx := context.Background()
				var last uint64
				for reads := 0; ; reads++ {
					select {
					case <-done:
						return
					default:
					}
					var r *record.Record
					var err error
					switch reads % 3 {
					case 0:
						r, err = s.Get(ctx, id)
					case 1:
						r, err = s.Attempt(ctx, id+"_a1")
					default:
						var page store.Page
						page, err = s.List(ctx, store.ListQuery{Limit: 1})
						if err == nil && len(page.Records) == 1 {
							r = page.Records[0]
						}
					}
					if err != nil || r == nil {
						t.Errorf("reader %d: %v", h, err)
						return
					}
					if verr := recordtest.Verify(r); verr != nil {
						t.Errorf("reader %d saw a broken record at version %d: %v", h, r.Version(), verr)
						return
					}
					if r.Version() < last {
						t.Errorf("reader %d saw version %d after %d", h, r.Version(), last)
						return
					}
					last = r.Version()
				}
			}()
		}
		wg.Wait()
		close(done)
		readers.Wait()
		checkRefundRace(t, handles[0], dsn, id, guaranteed, 1, outcomes)
		var retries, commits, batched uint64
		for _, s := range handles {
			st := s.Stats()
			retries, commits, batched = retries+st.Retries, commits+st.Commits, batched+st.Batched
		}
		t.Logf("%s: %d conflict retries, %d commits carrying %d Applies", b.name, retries, commits, batched)
		for _, s := range handles[1:] {
			recordtest.Equal(t, get(t, s, id), get(t, handles[0], id))
		}
	})
}

// TestTwoProcesses: two OS processes, each with 8 goroutines, race refunds
// on one record of one database.
func TestTwoProcesses(t *testing.T) {
	forPersistentBackends(t, func(t *testing.T, b backend) {
		dsn := b.newDSN(t)
		s := open(t, dsn)
		const id, guaranteed = "pr_procs", 3000
		apply(t, s, id, guaranteedPayment(id, guaranteed))
		n := 80
		if testing.Short() {
			n = 40
		}
		type child struct {
			lines []string
			err   error
		}
		children := make([]child, 2)
		var wg sync.WaitGroup
		for c := range children {
			cmd, stdout := helper(t, "refunds", "HELPER_DSN="+dsn, "HELPER_ID="+id,
				"HELPER_PREFIX=p"+strconv.Itoa(c), "HELPER_N="+strconv.Itoa(n), "HELPER_G=8")
			wg.Add(1)
			go func() {
				defer wg.Done()
				children[c].lines = readLines(stdout)
				children[c].err = cmd.Wait()
			}()
		}
		wg.Wait()
		var outcomes []refundOutcome
		for c, ch := range children {
			require.NoError(t, ch.err, "child %d", c)
			require.Len(t, ch.lines, n, "child %d answers every refund", c)
			for _, line := range ch.lines {
				f := strings.Fields(line)
				require.GreaterOrEqual(t, len(f), 3, "line %q", line)
				o := refundOutcome{ref: f[1]}
				o.amount, _ = strconv.ParseInt(f[2], 10, 64)
				if f[0] == "ok" {
					require.Len(t, f, 4, "line %q", line)
					o.version, _ = strconv.ParseUint(f[3], 10, 64)
					o.refunded = -1 // the child does not report it
				} else {
					require.Equal(t, "exceeds", f[0], "line %q", line)
				}
				outcomes = append(outcomes, o)
			}
		}
		// the children do not report what each returned record held, so
		// recompute that part of the check from the stored refunds
		got := get(t, s, id)
		refs := make(map[string]int64)
		for _, r := range got.Refunds() {
			refs[r.Reference] = r.Amount.Value()
		}
		var accepted int
		for i, o := range outcomes {
			if o.version != 0 {
				accepted++
				assert.Equal(t, o.amount, refs[o.ref], "accepted refund %s is stored", o.ref)
				outcomes[i].refunded = 0
			} else {
				assert.NotContains(t, refs, o.ref, "refused refund %s is not stored", o.ref)
			}
		}
		assert.Equal(t, accepted, len(refs))
		checkRefundRaceNoRunningSum(t, s, dsn, id, guaranteed, 1, outcomes)
	})
}

// checkRefundRaceNoRunningSum is checkRefundRace without the check of what
// each returned record held, for outcomes reported by child processes.
func checkRefundRaceNoRunningSum(t *testing.T, s *store.Store, dsn, id string, guaranteed int64, setupVersion uint64, outcomes []refundOutcome) {
	t.Helper()
	slices.SortFunc(outcomes, func(a, b refundOutcome) int { return int(a.version) - int(b.version) })
	var before int64
	for i := range outcomes {
		if outcomes[i].version != 0 {
			before += outcomes[i].amount
			outcomes[i].refunded = before
		}
	}
	checkRefundRace(t, s, dsn, id, guaranteed, setupVersion, outcomes)
}
