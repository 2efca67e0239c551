// Package recordtest helps property-test code that stores, transports or
// otherwise handles payment records (package record): rapid generators of
// reports that a record accepts or rejects for a known reason, and checks
// of the invariants every record holds.
//
// It is a test helper: import it from _test.go files. It depends on
// pgregory.net/rapid, which the core packages do not.
//
// # Generating reports
//
// A report is only meaningful relative to the record it is applied to:
// an outcome must not precede the latest attempt's initiated_at, a refund
// reference must be new to the record, metadata must stay within Stripe's
// 50 keys once merged, and the latest attempt's state decides which
// reports are allowed at all. So every generator except ReportPayment
// takes the record and reads what it needs from it when a value is drawn:
//
//	p := recordtest.ReportPaymentAttemptFailed(r).Draw(t, "failed")
//
// draws parameters that pass every parameter check against r. Whether r
// accepts them is then a matter of its state alone (here: its latest
// attempt must be pending). Next draws a report r accepts in whatever
// state it is in, and Reports draws a whole life of a record — a
// report_payment and the reports after it, every one accepted in turn —
// which is what a test of a store or a transport usually wants.
//
// Amounts are positive and at most MaxValue minor units, so that sums of
// them never overflow; currencies favour those with 0, 2, 3 and 4 digits.
// Strings mix ASCII, characters that JSON escapes and multi-byte runes,
// and limits are hit exactly now and then: a 255-character ID, a
// 40-character metadata key, a 500-character value, 50 metadata keys, a
// 5000-character description.
//
// # Invalid reports
//
// The Invalid… generators draw a report with exactly one Defect — a
// missing or malformed parameter, a timestamp before the attempt started,
// metadata over Stripe's limits, a refund in the wrong currency or of more
// than is left, a reused refund reference or attempt ID, a report the
// latest attempt's state does not allow, a repeat of the report that
// settled it — together with the errors the rejection must match under
// errors.Is. Pass defects to restrict the draw to them:
//
//	inv := recordtest.InvalidReportRefund(r, recordtest.OverRefund).Draw(t, "refund")
//	err := r.ReportRefund(inv.Params) // matches every error in inv.Want
//
// A parameter defect is rejected with record.ErrInvalidParameter whatever
// the record's state, because payrec checks parameters first.
//
// # Checking records
//
// Verify (and Check, which fails a test with its message) checks what
// payrec promises of every record: conservation of money in every attempt,
// at most one attempt with guaranteed funds, the record's amounts being
// its latest attempt's, refunds that add up, and JSON that is exactly
// Stripe's payment_record and payment_attempt_record, whose amounts decode
// to what the accessors return. Diff (and Equal) compare two records
// member by member — Version, JSON, attempts, refunds — and name every
// difference, which is what a round trip through storage must not have.
//
// Check and Equal take a TB, the part of *testing.T and *rapid.T they
// need, so they work in plain tests and inside rapid.Check alike.
//
// # Example: a store that keeps report logs
//
// A store that persists each record as its report log (record.LogWriter)
// and loads it by replaying the log (record.ReplayLog) must give back the
// record it was handed. The package example builds such a store and checks
// it on one sequence of reports; a property test does the same over every
// sequence Reports draws:
//
//	rapid.Check(t, func(t *rapid.T) {
//		reports := recordtest.Reports().Draw(t, "reports")
//		want, err := record.Replay(reports...)
//		if err != nil {
//			t.Fatal(err)
//		}
//		s := newStore()
//		for _, rep := range reports {
//			if err := s.Save(want.ID(), rep); err != nil {
//				t.Fatal(err)
//			}
//		}
//		got, err := s.Load(want.ID())
//		if err != nil {
//			t.Fatal(err)
//		}
//		recordtest.Check(t, got)
//		recordtest.Equal(t, got, want)
//	})
package recordtest
