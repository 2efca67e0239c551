package store_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/payrec/payrec/money"
	"github.com/payrec/payrec/record"
	"github.com/payrec/payrec/store"
)

// benchAppliers runs b.N refunds of one cent through n goroutines, each on a
// record of its own (distinct) or all on one record (hot), and reports
// reports/s.
func benchAppliers(b *testing.B, dsn string, n int, hot bool) {
	ctx := context.Background()
	s, err := store.Open(ctx, dsn)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("pr_bench_%d", i)
		if hot && i > 0 {
			ids[i] = ids[0]
			continue
		}
		p := create(ids[i], 100)
		p.AmountRequested = money.New(1<<40, usd)
		if _, err := s.Apply(ctx, "", p); err != nil {
			b.Fatal(err)
		}
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	b.ResetTimer()
	start := time.Now()
	for g := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1)
				if i > int64(b.N) {
					return
				}
				_, err := s.Apply(ctx, ids[g], record.ReportRefundParams{Amount: money.New(1, usd),
					ProcessorDetails: record.RefundProcessorDetails{RefundReference: fmt.Sprintf("re_%d", i)}})
				if err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "reports/s")
}

func BenchmarkSQLiteAppliers(b *testing.B) {
	for _, n := range []int{1, 16} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			benchAppliers(b, "sqlite:"+filepath.Join(b.TempDir(), "bench.db"), n, false)
		})
	}
}
