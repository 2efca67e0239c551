package store_test

import (
	"bufio"
	"context"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/payrec/payrec/record"
	"github.com/payrec/payrec/record/recordtest"
	"github.com/payrec/payrec/store"
)

// crashAck is what a child acknowledged: report j of record k returned at
// version.
type crashAck struct{ k, j, version int }

// runLoad starts a child applying the crash plan with 8 goroutines. With
// killAfter > 0 it SIGKILLs the child once that many acknowledgements are
// in, and reads what the child had printed before it died; otherwise it
// waits for the child to finish. It returns the acknowledgements.
func runLoad(t *testing.T, dsn string, records, killAfter int) []crashAck {
	t.Helper()
	cmd, stdout := helper(t, "load", "HELPER_DSN="+dsn, "HELPER_N="+strconv.Itoa(records), "HELPER_G=8")
	var acks []crashAck
	killed := false
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		line := sc.Text()
		if line == "ready" {
			continue
		}
		f := strings.Fields(line)
		require.Len(t, f, 4, "child line %q", line)
		require.Equal(t, "ack", f[0], "child line %q", line)
		var a crashAck
		var err error
		for i, p := range []*int{&a.k, &a.j, &a.version} {
			*p, err = strconv.Atoi(f[i+1])
			require.NoError(t, err, "child line %q", line)
		}
		acks = append(acks, a)
		if killAfter > 0 && len(acks) == killAfter && !killed {
			require.NoError(t, cmd.Process.Signal(syscall.SIGKILL))
			killed = true
		}
	}
	err := cmd.Wait()
	if killAfter > 0 {
		require.True(t, killed, "the child finished before %d acknowledgements (%d)", killAfter, len(acks))
		require.Error(t, err, "the child was killed")
	} else {
		require.NoError(t, err, "the child finishes")
	}
	return acks
}

// checkCrashPlan checks every record the store holds against the crash
// plan: each is a prefix of its planned reports (nothing partial, nothing
// foreign), holds every acknowledged report, equals the replay of its
// stored log, has versions 1..N in the database, and finds its attempt. It
// returns the versions per record.
func checkCrashPlan(t *testing.T, s *store.Store, dsn string, acks []crashAck) map[int]int {
	t.Helper()
	ctx := context.Background()
	stored := make(map[int]int)
	q := store.ListQuery{Limit: 100}
	for {
		page, err := s.List(ctx, q)
		require.NoError(t, err)
		for _, r := range page.Records {
			k, err := strconv.Atoi(strings.TrimPrefix(r.ID(), "pr_crash_"))
			require.NoError(t, err, "a record the plan does not have: %s", r.ID())
			v := int(r.Version())
			require.True(t, v >= 1 && v <= crashRefunds+1, "record %s at version %d", r.ID(), v)
			stored[k] = v
			plan := make([]record.Report, v)
			for j := range v {
				plan[j] = crashReport(k, j)
			}
			want, err := record.Replay(plan...)
			require.NoError(t, err)
			recordtest.Equal(t, r, want)
			recordtest.Equal(t, requireConsistent(t, s, r.ID()), want)
			assert.Len(t, rawVersions(t, dsn, r.ID()), v, "stored rows of %s", r.ID())
			a, err := s.Attempt(ctx, r.ID()+"_a1")
			require.NoError(t, err, "attempt of %s", r.ID())
			assert.Equal(t, r.ID(), a.ID())
		}
		if !page.HasMore {
			break
		}
		q.StartingAfter = page.Records[len(page.Records)-1].ID()
	}
	for _, a := range acks {
		require.Contains(t, stored, a.k, "acknowledged record %d is stored", a.k)
		assert.GreaterOrEqual(t, stored[a.k], a.version, "acknowledged report %d of record %d is stored", a.j, a.k)
		assert.Equal(t, a.j+1, a.version, "report %d of record %d acknowledged at its version", a.j, a.k)
	}
	return stored
}

// TestCrash: a child applying reports with 8 goroutines is SIGKILLed
// mid-load. After reopening, every report whose Apply had returned is
// there, nothing partial is, and every record equals its replay. Then a
// second child runs the same plan to the end: what the first one had
// stored answers as replays of its idempotency keys, the rest is applied.
func TestCrash(t *testing.T) {
	forPersistentBackends(t, func(t *testing.T, b backend) {
		dsn := b.newDSN(t)
		killAfter, records := 300, 120
		if testing.Short() {
			killAfter, records = 100, 40
		}
		acks := runLoad(t, dsn, 100000, killAfter)
		require.GreaterOrEqual(t, len(acks), killAfter)

		s := open(t, dsn)
		stored := checkCrashPlan(t, s, dsn, acks)
		var partial int
		for _, v := range stored {
			if v < crashRefunds+1 {
				partial++
			}
		}
		t.Logf("killed after %d acknowledgements; %d records stored, %d of them mid-plan", len(acks), len(stored), partial)

		// the acknowledged keys answer as replays
		for i, a := range acks {
			if i%10 != 0 {
				continue
			}
			r, replayed, err := applyKey(s, crashID(a.k), crashReport(a.k, a.j), crashKey(a.k, a.j))
			require.NoError(t, err)
			assert.True(t, replayed, "key of record %d report %d", a.k, a.j)
			assert.Equal(t, uint64(a.version), r.Version())
		}
		require.NoError(t, s.Close())

		maxK := 0
		for k := range stored {
			maxK = max(maxK, k)
		}
		acks2 := runLoad(t, dsn, max(records, maxK+1), 0)
		s = open(t, dsn)
		final := checkCrashPlan(t, s, dsn, acks2)
		require.Len(t, final, max(records, maxK+1))
		for k, v := range final {
			assert.Equal(t, crashRefunds+1, v, "record %d completed", k)
		}
	})
}
