package record_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/payrec/payrec/attempt"
	"github.com/payrec/payrec/record"
)

var (
	sinkErr    error
	sinkRecord *record.Record
	sinkBytes  []byte
)

// canonicalParams returns the canonical example's report_payment, decoded
// from the checked-in log so that the benchmark starts from decoded params.
func canonicalParams(tb testing.TB) record.ReportPaymentParams {
	tb.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "canonical.jsonl"))
	if err != nil {
		tb.Fatal(err)
	}
	e, err := record.NewLogReader(bytes.NewReader(data)).Next()
	if err != nil {
		tb.Fatal(err)
	}
	return e.Report.(record.ReportPaymentParams)
}

// BenchmarkReportPaymentAttemptFailed times the failure report alone on a
// single-attempt pending record. The report consumes the state it runs on,
// so it runs over a pool of prepared records that are reset to the pending
// template, a batch at a time, while the timer is stopped (allocations are
// counted only while it runs). A pool is small enough to stay in cache, as
// a record being worked on would be, and large enough that stopping the
// timer once per pool costs little. Resetting costs about what the report
// does, where cloning cost fifty times more and made the benchmark take
// minutes of wall time for a second of timed work.
func BenchmarkReportPaymentAttemptFailed(b *testing.B) {
	const pool = 256
	tmpl, err := record.ReportPayment(canonicalParams(b))
	if err != nil {
		b.Fatal(err)
	}
	p := record.ReportPaymentAttemptFailedParams{FailedAt: 1730253453}
	recs := make([]*record.Record, pool)
	for k := range recs {
		recs[k] = tmpl.Clone()
	}
	b.ReportAllocs()
	j := 0
	for b.Loop() {
		if j == pool {
			b.StopTimer()
			for _, r := range recs {
				r.ResetTo(tmpl)
			}
			j = 0
			b.StartTimer()
		}
		sinkErr = recs[j].ReportPaymentAttemptFailed(p)
		j++
	}
	if sinkErr != nil {
		b.Fatal(sinkErr)
	}
}

// guaranteedWithRefunds returns a guaranteed record of 10^12 minor units
// that already has n refunds of one unit each.
func guaranteedWithRefunds(tb testing.TB, n int) *record.Record {
	tb.Helper()
	p := canonicalParams(tb)
	p.AmountRequested = usdCents(1_000_000_000_000)
	p.Outcome = record.OutcomeGuaranteed
	p.Guaranteed = record.GuaranteedParams{GuaranteedAt: 1730253453}
	r, err := record.ReportPayment(p)
	if err != nil {
		tb.Fatal(err)
	}
	one := usdCents(1)
	for i := range n {
		err := r.ReportRefund(record.ReportRefundParams{
			Amount:           one,
			ProcessorDetails: record.RefundProcessorDetails{RefundReference: "old_" + strconv.Itoa(i)},
		})
		if err != nil {
			tb.Fatal(err)
		}
	}
	return r
}

// BenchmarkReportRefund times partial refunds on a record that already has
// 1 or 1000 refunds; the ratio of the two shows whether a refund scans the
// history. Each record of a small pool (small enough to stay in cache, as a
// record being worked on would be) takes perRecord refunds, and is then
// reset to the template with the timer stopped. Each pool record is a
// clone of the template made before the timing starts, with room for the
// refunds it takes, so the figure does not include growing the refund
// index; resetting undoes only the refunds taken, where cloning a record
// of 1000 refunds took 60 times longer than the refunds it made room for.
// centRefunds returns n refunds of one cent, with references new_0,
// new_1, ….
func centRefunds(n int) []record.ReportRefundParams {
	one := usdCents(1)
	params := make([]record.ReportRefundParams, n)
	for i := range params {
		params[i] = record.ReportRefundParams{
			Amount:           one,
			ProcessorDetails: record.RefundProcessorDetails{RefundReference: "new_" + strconv.Itoa(i)},
		}
	}
	return params
}

func BenchmarkReportRefund(b *testing.B) {
	const perRecord, pool = 64, 8
	for _, earlier := range []int{1, 1000} {
		b.Run("after="+strconv.Itoa(earlier), func(b *testing.B) {
			tmpl := guaranteedWithRefunds(b, earlier)
			params := centRefunds(perRecord)
			recs := make([]*record.Record, pool)
			for k := range recs {
				recs[k] = tmpl.Clone()
				for _, p := range params { // grow the index once, outside the timing
					if err := recs[k].ReportRefund(p); err != nil {
						b.Fatal(err)
					}
				}
				recs[k].ResetTo(tmpl)
			}
			b.ReportAllocs()
			j := 0
			for b.Loop() {
				if j == perRecord*pool {
					b.StopTimer()
					for _, r := range recs {
						r.ResetTo(tmpl)
					}
					j = 0
					b.StartTimer()
				}
				sinkErr = recs[j/perRecord].ReportRefund(params[j%perRecord])
				j++
			}
			if sinkErr != nil {
				b.Fatal(sinkErr)
			}
		})
	}
}

// thousandReportLog writes a report log of exactly 1000 reports on one
// record: creation, 301 failed attempts (the first and 300 retries), a
// guaranteed retry, then partial refunds.
func thousandReportLog(b *testing.B) []byte {
	b.Helper()
	p := canonicalParams(b)
	var buf bytes.Buffer
	w := record.NewLogWriter(&buf)
	id := p.ID
	n := 0
	write := func(rep record.Report) {
		if err := w.Write(id, rep); err != nil {
			b.Fatal(err)
		}
		n++
	}
	write(p)
	at := p.InitiatedAt
	write(record.ReportPaymentAttemptFailedParams{FailedAt: at})
	for i := range 301 {
		at++
		write(record.ReportPaymentAttemptParams{
			AttemptID:            "par_retry_" + strconv.Itoa(i),
			Created:              at,
			InitiatedAt:          at,
			PaymentMethodDetails: attempt.PaymentMethodDetails{Custom: attempt.CustomDetails{DisplayName: "newpay"}},
		})
		if i < 300 {
			write(record.ReportPaymentAttemptFailedParams{FailedAt: at})
		}
	}
	write(record.ReportPaymentAttemptGuaranteedParams{GuaranteedAt: at})
	one := usdCents(1)
	for i := 0; n < 1000; i++ {
		write(record.ReportRefundParams{
			Amount:           one,
			ProcessorDetails: record.RefundProcessorDetails{RefundReference: "re_" + strconv.Itoa(i)},
		})
	}
	return buf.Bytes()
}

// BenchmarkReplayLog1000 replays a 1000-report log (decoding every line
// and applying it) and reports the throughput in reports per second.
func BenchmarkReplayLog1000(b *testing.B) {
	log := thousandReportLog(b)
	b.ReportAllocs()
	b.SetBytes(int64(len(log)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r, err := record.ReplayLog(bufio.NewReader(bytes.NewReader(log)))
		if err != nil {
			b.Fatal(err)
		}
		sinkRecord = r
	}
	b.ReportMetric(float64(b.N)*1000/b.Elapsed().Seconds(), "reports/s")
}

// BenchmarkMarshalCanonical times json.Marshal of the canonical record
// after its failure report.
func BenchmarkMarshalCanonical(b *testing.B) {
	r, err := record.ReportPayment(canonicalParams(b))
	if err != nil {
		b.Fatal(err)
	}
	if err := r.ReportPaymentAttemptFailed(record.ReportPaymentAttemptFailedParams{FailedAt: 1730253453}); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		sinkBytes, sinkErr = json.Marshal(r)
	}
}

// BenchmarkAppendJSONCanonical times AppendJSON into a reused buffer, the
// path the payrec command takes.
func BenchmarkAppendJSONCanonical(b *testing.B) {
	r, err := record.ReportPayment(canonicalParams(b))
	if err != nil {
		b.Fatal(err)
	}
	buf := make([]byte, 0, 4096)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		buf = r.AppendJSON(buf[:0])
	}
	sinkBytes = buf
}

// BenchmarkReportPayment times creating the canonical record from params
// already decoded, without metadata and with eight entries (which the
// record and its first attempt each keep).
func BenchmarkReportPayment(b *testing.B) {
	for _, keys := range []int{0, 8} {
		b.Run("metadata="+strconv.Itoa(keys), func(b *testing.B) {
			p := canonicalParams(b)
			if keys > 0 {
				p.Metadata = make(map[string]string, keys)
				for i := range keys {
					p.Metadata["key_"+strconv.Itoa(i)] = "value"
				}
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				sinkRecord, sinkErr = record.ReportPayment(p)
			}
			if sinkErr != nil {
				b.Fatal(sinkErr)
			}
		})
	}
}
