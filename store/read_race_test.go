package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/payrec/payrec/store"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestReadsWhileApplying: Get and List copy a record while Apply changes
// the same record from another goroutine. Under the race detector (as CI
// and the README run the tests) a copy made outside the store's lock is
// reported as a data race.
func TestReadsWhileApplying(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		s := open(t, b.newDSN(t))
		const id = "pr_reads"
		apply(t, s, id, guaranteedPayment(id, 100_000))
		ctx := context.Background()
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				if _, err := s.Apply(ctx, id, refundCents(fmt.Sprintf("re_%d", i), 1)); err != nil {
					t.Errorf("refund %d: %v", i, err)
					return
				}
			}
		}()
		for range 200 {
			r, err := s.Get(ctx, id)
			require.NoError(t, err)
			assert.Equal(t, int64(100_000), r.AmountGuaranteed().Value()+r.AmountRefunded().Value())
			page, err := s.List(ctx, store.ListQuery{Limit: 1})
			require.NoError(t, err)
			require.Len(t, page.Records, 1)
		}
		wg.Wait()
	})
}
