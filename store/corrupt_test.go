package store_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/payrec/payrec/store"
)

// TestCorrupt writes broken report rows directly into the database, behind
// the store's back, and opens a new store on it: reading or reporting on
// the record is an error matching ErrCorrupt that names the record and the
// version, never a panic, and the other records are unaffected.
func TestCorrupt(t *testing.T) {
	for _, c := range []struct {
		name    string
		version int
		line    string // "" deletes the row
		// names lists the versions the error may name: the broken row's,
		// or for a missing row also the one found in its place
		names []string
	}{
		{"not JSON", 2, `{"op":"report_refund","id":"pr_bad","params":{`, []string{"version 2"}},
		{"unknown operation", 2, `{"op":"report_nonsense","id":"pr_bad","params":{}}`, []string{"version 2"}},
		{"a report the record refuses", 3, `{"op":"report_payment_attempt_failed","id":"pr_bad","params":{"failed_at":1730211500}}`, []string{"version 3"}},
		{"another record's report", 2, `{"op":"report_refund","id":"pr_good","params":{"amount":{"currency":"usd","value":100},"processor_details":{"custom":{"refund_reference":"re_x"},"type":"custom"}}}`, []string{"version 2"}},
		{"the creation missing", 1, "", []string{"version 1", "version 2"}},
		{"a version missing", 2, "", []string{"version 2", "version 3"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			forPersistentBackends(t, func(t *testing.T, b backend) {
				dsn := b.newDSN(t)
				s := open(t, dsn)
				ctx := context.Background()
				for _, id := range []string{"pr_bad", "pr_good"} {
					apply(t, s, id, guaranteedPayment(id, 1000))
					apply(t, s, id, refundCents("re_1", 100))
					apply(t, s, id, refundCents("re_2", 100))
				}
				require.NoError(t, s.Close())

				var n int64
				if c.line == "" {
					n = rawExec(t, dsn, "DELETE FROM "+tableReports+" WHERE "+colRecordID+" = $1 AND "+colVersion+" = $2", "pr_bad", c.version)
				} else {
					n = rawExec(t, dsn, "UPDATE "+tableReports+" SET "+colReport+" = $1 WHERE "+colRecordID+" = $2 AND "+colVersion+" = $3",
						[]byte(c.line), "pr_bad", c.version)
				}
				require.Equal(t, int64(1), n, "rows changed behind the store's back")

				s = open(t, dsn)
				check := func(what string, err error) {
					t.Helper()
					require.Error(t, err, what)
					assert.ErrorIs(t, err, store.ErrCorrupt, what)
					assert.Contains(t, err.Error(), "pr_bad", what+": the error names the record")
					assert.True(t, slices.ContainsFunc(c.names, func(v string) bool { return strings.Contains(err.Error(), v+":") }),
						"%s: the error names the version (%v): %v", what, c.names, err)
				}
				require.NotPanics(t, func() {
					_, err := s.Get(ctx, "pr_bad")
					check("get", err)
					_, err = s.Apply(ctx, "pr_bad", refundCents("re_3", 100))
					check("apply", err)
					_, err = s.Attempt(ctx, "pr_bad_a1")
					check("attempt", err)
					_, err = s.List(ctx, store.ListQuery{})
					if err != nil {
						check("list", err)
					}
					err = s.Log(ctx, "pr_bad", &strings.Builder{})
					if err != nil {
						check("log", err)
					}
				})
				// a corrupt record spoils nothing else
				r := requireConsistent(t, s, "pr_good")
				assert.Equal(t, uint64(3), r.Version())
				assert.Equal(t, uint64(4), apply(t, s, "pr_good", refundCents("re_3", 100)).Version())
			})
		})
	}
}
