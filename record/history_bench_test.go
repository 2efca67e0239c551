package record_test

import (
	"strconv"
	"testing"

	"github.com/payrec/payrec/attempt"
	"github.com/payrec/payrec/record"
)

// BenchmarkHistory times one accepted report on a record that already holds
// a short or a long history: a new (failed) attempt after 1 or 10,000
// attempts, and a refund after 1 or 10,000 refunds. The cost of a report
// must not depend on the history, so each pair's ratio should be near 1.
// Every batch of reports starts again from the template, reset with the
// timer stopped, so that the history stays within a batch of the size
// named.
func BenchmarkHistory(b *testing.B) {
	const batch = 1024
	for _, n := range []int{1, 10_000} {
		b.Run("attempts="+strconv.Itoa(n), func(b *testing.B) {
			tmpl := failedWithAttempts(b, n)
			params := make([]record.ReportPaymentAttemptParams, batch)
			for i := range params {
				params[i] = failedAttempt("par_new_"+strconv.Itoa(i), 1_800_000_000)
			}
			benchBatches(b, tmpl, batch, func(r *record.Record, i int) error {
				return r.ReportPaymentAttempt(params[i])
			})
		})
	}
	for _, n := range []int{1, 10_000} {
		b.Run("refunds="+strconv.Itoa(n), func(b *testing.B) {
			tmpl := guaranteedWithRefunds(b, n)
			params := centRefunds(batch)
			benchBatches(b, tmpl, batch, func(r *record.Record, i int) error {
				return r.ReportRefund(params[i])
			})
		})
	}
}

// benchBatches times report(r, i) for i in 0..batch-1 on a record that
// starts as tmpl, batch after batch. Between batches the record is reset to
// tmpl with the timer stopped: ResetTo undoes only what the batch did, where
// a clone of a 10,000-report history cost a hundred times the batch it
// served and made the benchmark take minutes of wall time.
func benchBatches(b *testing.B, tmpl *record.Record, batch int, report func(r *record.Record, i int) error) {
	r := tmpl.Clone()
	b.ReportAllocs()
	j := 0
	for b.Loop() {
		if j == batch {
			b.StopTimer()
			r.ResetTo(tmpl)
			j = 0
			b.StartTimer()
		}
		if err := report(r, j); err != nil {
			b.Fatal(err)
		}
		j++
	}
}

// failedAttempt returns a report_payment_attempt for an attempt that failed
// when it was reported, so that another may follow it at once.
func failedAttempt(id string, at int64) record.ReportPaymentAttemptParams {
	return record.ReportPaymentAttemptParams{
		AttemptID:            id,
		Created:              at,
		InitiatedAt:          at,
		PaymentMethodDetails: attempt.PaymentMethodDetails{Custom: attempt.CustomDetails{DisplayName: "newpay"}},
		Outcome:              record.OutcomeFailed,
		Failed:               record.FailedParams{FailedAt: at},
	}
}

// failedWithAttempts returns the canonical record with n attempts, all
// failed.
func failedWithAttempts(tb testing.TB, n int) *record.Record {
	tb.Helper()
	p := canonicalParams(tb)
	p.Outcome = record.OutcomeFailed
	p.Failed = record.FailedParams{FailedAt: p.InitiatedAt}
	r, err := record.ReportPayment(p)
	if err != nil {
		tb.Fatal(err)
	}
	for i := 1; i < n; i++ {
		if err := r.ReportPaymentAttempt(failedAttempt("par_old_"+strconv.Itoa(i), p.InitiatedAt+int64(i))); err != nil {
			tb.Fatal(err)
		}
	}
	return r
}
