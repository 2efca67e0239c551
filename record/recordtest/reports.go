package recordtest

import (
	"pgregory.net/rapid"

	"github.com/payrec/payrec"
	"github.com/payrec/payrec/record"
)

// MaxReports is the most reports Reports draws in one sequence.
const MaxReports = 24

// Next draws a report that r accepts in its current state. With a pending
// latest attempt: its outcome (guaranteed, failed, canceled) or an
// informational report; with a failed or canceled one: a new attempt or
// an informational report; with a guaranteed one: a refund while funds
// are left, or an informational report.
func Next(r *record.Record) *rapid.Generator[record.Report] {
	return rapid.Custom(func(t *rapid.T) record.Report {
		v := inspect(t, r)
		a := &v.latest
		ops := []string{record.OpReportPaymentAttemptInformational}
		switch a.State() {
		case payrec.Pending:
			ops = append(ops, record.OpReportPaymentAttemptGuaranteed, record.OpReportPaymentAttemptFailed,
				record.OpReportPaymentAttemptCanceled)
		case payrec.Failed, payrec.Canceled:
			ops = append(ops, record.OpReportPaymentAttempt)
		case payrec.Guaranteed:
			if a.Guaranteed().IsPositive() {
				ops = append(ops, record.OpReportRefund)
			}
		}
		switch rapid.SampledFrom(ops).Draw(t, "op") {
		case record.OpReportPaymentAttemptGuaranteed:
			return ReportPaymentAttemptGuaranteed(r).Draw(t, "report")
		case record.OpReportPaymentAttemptFailed:
			return ReportPaymentAttemptFailed(r).Draw(t, "report")
		case record.OpReportPaymentAttemptCanceled:
			return ReportPaymentAttemptCanceled(r).Draw(t, "report")
		case record.OpReportPaymentAttempt:
			return ReportPaymentAttempt(r).Draw(t, "report")
		case record.OpReportRefund:
			return refund(t, v) // funds are left, so its amount is at most what is left
		}
		return ReportPaymentAttemptInformational(r).Draw(t, "report")
	})
}

// Reports draws the reports of one record's life, each accepted by the
// record the ones before it built: a report_payment, then up to
// MaxReports-1 reports drawn with Next. record.Replay accepts every
// sequence drawn, and so does a report log holding it (one line per
// report, written with record.LogWriter, read with record.ReplayLog).
//
// Reports builds the record as it draws, so a report the record rejects
// means payrec and these generators disagree: Draw fails the test with
// the report and the error.
func Reports() *rapid.Generator[[]record.Report] {
	return rapid.Custom(func(t *rapid.T) []record.Report {
		p := ReportPayment().Draw(t, "report_payment")
		r, err := record.ReportPayment(p)
		if err != nil {
			t.Fatalf("recordtest: record.ReportPayment rejected a generated report: %v\n%+v", err, p)
		}
		out := []record.Report{p}
		n := rapid.IntRange(0, MaxReports-1).Draw(t, "reports")
		for i := range n {
			rep := Next(r).Draw(t, "next")
			if err := r.Apply(rep); err != nil {
				t.Fatalf("recordtest: report %d (%s) was rejected: %v\n%+v", i+2, rep.Op(), err, rep)
			}
			out = append(out, rep)
		}
		return out
	})
}
