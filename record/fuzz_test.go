package record_test

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/payrec/payrec"
	"github.com/payrec/payrec/attempt"
	"github.com/payrec/payrec/record"
	"github.com/payrec/payrec/record/recordtest"
)

// The fuzz targets decode each params type from arbitrary JSON and apply
// what decodes to records in three states that every report treats
// differently. Whatever the input: nothing panics, a decoding error or a
// rejection is a *payrec.Error, a rejected report leaves the record as it
// was, an accepted one leaves it holding recordtest's invariants one
// version later, and the report survives the report log: written with
// LogWriter and read back with LogReader, it has the same effect.

// The canonical example's log (testdata/canonical.jsonl), line by line.
const (
	fzCanonicalPayment = `{"op":"report_payment","params":{"id":"pr_5RV730PrHyAEi","attempt_id":"par_1ArV730PrHyQuG","created":1730211363,"livemode":true,"amount_requested":{"currency":"usd","value":1000},"initiated_at":1730211363,"customer_presence":"on_session","description":"computer software","payment_method_details":{"custom":{"display_name":"newpay","type":"cpmt_125kjj3hn3sdf"},"payment_method":"pm_5j23kjksibjlks","type":"custom"},"processor_details":{"type":"custom","custom":{"payment_reference":"npp2358872734k"}}}}`
	fzCanonicalFailed  = `{"op":"report_payment_attempt_failed","id":"pr_5RV730PrHyAEi","params":{"failed_at":"1730253453"}}`
	// The params objects of those lines.
	fzCanonicalPaymentParams = `{"id":"pr_5RV730PrHyAEi","attempt_id":"par_1ArV730PrHyQuG","created":1730211363,"livemode":true,"amount_requested":{"currency":"usd","value":1000},"initiated_at":1730211363,"customer_presence":"on_session","description":"computer software","payment_method_details":{"custom":{"display_name":"newpay","type":"cpmt_125kjj3hn3sdf"},"payment_method":"pm_5j23kjksibjlks","type":"custom"},"processor_details":{"type":"custom","custom":{"payment_reference":"npp2358872734k"}}}`
	fzCanonicalFailedParams  = `{"failed_at":"1730253453"}`
)

// fzFixture is a record in one of the states the targets apply reports to.
type fzFixture struct {
	name string
	r    *record.Record
}

// fzFixtures builds the canonical record ($10.00, initiated at 1730211363,
// one metadata key) in three states: pending; guaranteed at 1730211400 with
// $2.50 of it refunded (reference "re_1"); failed at 1730253453.
func fzFixtures(tb testing.TB) []fzFixture {
	pending, err := record.ReportPayment(record.ReportPaymentParams{
		ID: "pr_5RV730PrHyAEi", AttemptID: "par_1ArV730PrHyQuG", Created: 1730211363, Livemode: true,
		AmountRequested: usdCents(1000), InitiatedAt: 1730211363,
		PaymentMethodDetails: attempt.PaymentMethodDetails{Type: "custom", Custom: attempt.CustomDetails{DisplayName: "newpay"}},
		Description:          "computer software",
		Metadata:             map[string]string{"order_id": "6735"},
	})
	require.NoError(tb, err)
	guaranteed := pending.Clone()
	require.NoError(tb, guaranteed.ReportPaymentAttemptGuaranteed(record.ReportPaymentAttemptGuaranteedParams{GuaranteedAt: 1730211400}))
	require.NoError(tb, guaranteed.ReportRefund(record.ReportRefundParams{
		Amount:           usdCents(250),
		ProcessorDetails: record.RefundProcessorDetails{RefundReference: "re_1"},
	}))
	failed := pending.Clone()
	require.NoError(tb, failed.ReportPaymentAttemptFailed(record.ReportPaymentAttemptFailedParams{FailedAt: 1730253453}))
	return []fzFixture{{"pending", pending}, {"guaranteed, partly refunded", guaranteed}, {"failed", failed}}
}

// fzRejection checks that err is a Stripe-shaped rejection.
func fzRejection(t *testing.T, err error, what string) *payrec.Error {
	t.Helper()
	var pe *payrec.Error
	if !errors.As(err, &pe) {
		t.Fatalf("%s: error %T %v is not a *payrec.Error", what, err, err)
	}
	if pe.Type != payrec.ErrorType {
		t.Fatalf("%s: error type %q, want %q", what, pe.Type, payrec.ErrorType)
	}
	return pe
}

// fzDecodeError checks a params decoding error: a parameter error.
func fzDecodeError(t *testing.T, err error) {
	t.Helper()
	fzRejection(t, err, "decode")
	if !errors.Is(err, record.ErrInvalidParameter) {
		t.Fatalf("decode: %v does not match ErrInvalidParameter", err)
	}
}

// fzThroughLog writes rep as a log line for the record id and reads it back.
func fzThroughLog(t *testing.T, id string, rep record.Report) record.Report {
	t.Helper()
	var buf bytes.Buffer
	if err := record.NewLogWriter(&buf).Write(id, rep); err != nil {
		t.Fatalf("LogWriter.Write(%+v): %v", rep, err)
	}
	e, err := record.NewLogReader(&buf).Next()
	if err != nil {
		t.Fatalf("LogReader.Next of %s: %v", buf.String(), err)
	}
	return e.Report
}

// fzApply applies rep to a copy of every fixture and checks the outcome.
func fzApply(t *testing.T, fixtures []fzFixture, rep record.Report) {
	t.Helper()
	for _, fx := range fixtures {
		r := fx.r.Clone()
		err := r.Apply(rep)
		if err != nil {
			fzRejection(t, err, fx.name)
			recordtest.Equal(t, r, fx.r)
			continue
		}
		recordtest.Check(t, r)
		if r.Version() != fx.r.Version()+1 {
			t.Fatalf("%s: Version() = %d after an accepted report, want %d", fx.name, r.Version(), fx.r.Version()+1)
		}
		again := fx.r.Clone()
		if err := again.Apply(fzThroughLog(t, r.ID(), rep)); err != nil {
			t.Fatalf("%s: the report read back from the log was rejected: %v", fx.name, err)
		}
		recordtest.Equal(t, again, r)
	}
}

// fzTarget decodes data with decode and applies what decodes.
func fzTarget[P record.Report](f *testing.F, decode func(*P, []byte) error) {
	fixtures := fzFixtures(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		var p P
		if err := decode(&p, data); err != nil {
			fzDecodeError(t, err)
			return
		}
		fzApply(t, fixtures, p)
	})
}

func FuzzReportPaymentParams(f *testing.F) {
	f.Add([]byte(fzCanonicalPaymentParams)) // testdata/canonical.jsonl line 1
	// Settled at once, with metadata and every detail.
	f.Add([]byte(`{"id":"pr_1","attempt_id":"par_1","created":"1730211363","amount_requested":{"currency":"JPY","value":500},"initiated_at":1730211363,"payment_method_details":{"type":"card","card":{"brand":"visa"}},"outcome":"guaranteed","guaranteed":{"guaranteed_at":1730211363},"customer_details":{"email":"a@example.com"},"shipping_details":{"address":{"country":"JP"}},"metadata":{"k":"v"}}`))
	f.Add([]byte(`{"id":"pr_1","attempt_id":"par_1","created":1,"amount_requested":{"currency":"usd","value":1},"initiated_at":5,"payment_method_details":{},"outcome":"failed","failed":{"failed_at":4}}`))         // failed before it started
	f.Add([]byte(`{"id":"pr_1","attempt_id":"par_1","created":1,"amount_requested":{"currency":"usd","value":1},"initiated_at":5,"payment_method_details":{},"outcome":"failed","guaranteed":{"guaranteed_at":5}}`)) // outcome and hash disagree
	f.Add([]byte(`{"id":"pr 1","attempt_id":"par_1","created":1,"amount_requested":{"currency":"usd","value":-1},"initiated_at":1,"payment_method_details":{"type":"bogus"}}`))                                      // several bad parameters
	f.Add([]byte(`{"id":"pr_1","metadata":"","expand":["x"]}`))                                                                                                                                                      // missing required parameters
	f.Add([]byte(`{"amount_requested":{"currency":"usd","value":1e3}}`))                                                                                                                                             // an amount through float
	f.Add([]byte(`null`))                                                                                                                                                                                            // not an object
	fixtures := fzFixtures(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		var p record.ReportPaymentParams
		if err := p.UnmarshalJSON(data); err != nil {
			fzDecodeError(t, err)
			return
		}
		// Applied to an existing record, a report_payment is always refused:
		// for its parameters if they are wrong, else because it exists.
		_, paramErr := record.ReportPayment(p)
		for _, fx := range fixtures {
			r := fx.r.Clone()
			err := r.Apply(p)
			switch {
			case paramErr != nil && !errors.Is(err, record.ErrInvalidParameter):
				t.Fatalf("%s: Apply(report_payment) = %v, want the parameter error %v", fx.name, err, paramErr)
			case paramErr == nil && !errors.Is(err, record.ErrRecordExists):
				t.Fatalf("%s: Apply(report_payment) = %v, want ErrRecordExists", fx.name, err)
			}
			recordtest.Equal(t, r, fx.r)
		}
		r, err := record.ReportPayment(p)
		if err != nil {
			fzRejection(t, err, "ReportPayment")
			if r != nil {
				t.Fatalf("ReportPayment returned a record with the error %v", err)
			}
			return
		}
		recordtest.Check(t, r)
		if r.Version() != 1 {
			t.Fatalf("Version() = %d after ReportPayment, want 1", r.Version())
		}
		again, err := record.ReportPayment(fzThroughLog(t, "", p).(record.ReportPaymentParams))
		if err != nil {
			t.Fatalf("the report read back from the log was rejected: %v", err)
		}
		recordtest.Equal(t, again, r)
	})
}

func FuzzReportPaymentAttemptParams(f *testing.F) {
	f.Add([]byte(`{"attempt_id":"par_2","created":1730253500,"initiated_at":1730253500}`))                                              // a retry after the failure
	f.Add([]byte(`{"attempt_id":"par_1ArV730PrHyQuG","created":1730253500,"initiated_at":1730211363}`))                                 // repeats the first attempt
	f.Add([]byte(`{"attempt_id":"par_2","created":1,"initiated_at":"9","outcome":"guaranteed","guaranteed":{"guaranteed_at":"9"}}`))    // settled at once, timestamps as strings
	f.Add([]byte(`{"attempt_id":"par_2","created":1,"initiated_at":9,"outcome":"failed","failed":{"failed_at":8}}`))                    // fails before it starts
	f.Add([]byte(`{"attempt_id":"par_2","created":1,"initiated_at":9,"metadata":{"order_id":""},"description":"retry"}`))               // removes a key
	f.Add([]byte(`{"attempt_id":"par_2","created":1,"initiated_at":9,"payment_method_details":{"type":"sepa_debit","sepa_debit":{}}}`)) // another method
	f.Add([]byte(`{"attempt_id":"","created":0}`))                                                                                      // empty ID, zero time
	fzTarget(f, (*record.ReportPaymentAttemptParams).UnmarshalJSON)
}

func FuzzReportPaymentAttemptFailedParams(f *testing.F) {
	f.Add([]byte(fzCanonicalFailedParams))                                       // testdata/canonical.jsonl line 2: the time as a form string
	f.Add([]byte(`{"failed_at":1730253453}`))                                    // the same as an integer
	f.Add([]byte(`{"failed_at":1730211362}`))                                    // a second before initiated_at
	f.Add([]byte(`{"failed_at":1730253453,"metadata":{"order_id":"","n":"1"}}`)) // with a metadata update
	f.Add([]byte(`{"failed_at":1730253453,"metadata":""}`))                      // clears metadata
	f.Add([]byte(`{"failed_at":-1}`))                                            // negative
	f.Add([]byte(`{"failed_at":"0x10"}`))                                        // not decimal
	f.Add([]byte(`{"failed_at":1e9}`))                                           // an exponent
	fzTarget(f, (*record.ReportPaymentAttemptFailedParams).UnmarshalJSON)
}

func FuzzReportPaymentAttemptGuaranteedParams(f *testing.F) {
	f.Add([]byte(`{"guaranteed_at":1730211400}`))                            // the time the guaranteed fixture was guaranteed
	f.Add([]byte(`{"guaranteed_at":"1730211363"}`))                          // exactly at initiated_at, as a string
	f.Add([]byte(`{"guaranteed_at":1730211400,"metadata":{"a[b]":"x"}}`))    // a bracket in a key
	f.Add([]byte(`{"guaranteed_at":1730211400,"metadata":{"k":"v"},"x":1}`)) // an unknown key
	f.Add([]byte(`{"guaranteed_at":9223372036854775807}`))                   // the largest int64
	f.Add([]byte(`{"guaranteed_at":9223372036854775808}`))                   // one past it
	fzTarget(f, (*record.ReportPaymentAttemptGuaranteedParams).UnmarshalJSON)
}

func FuzzReportPaymentAttemptCanceledParams(f *testing.F) {
	f.Add([]byte(`{"canceled_at":1730253453}`))                             // cancels a pending attempt
	f.Add([]byte(`{"canceled_at":1730253453,"expand":["payment_method"]}`)) // expand is ignored
	f.Add([]byte(`{"canceled_at":null}`))                                   // null where a time is required
	f.Add([]byte(`{"canceled_at":1,"canceled_at":2}`))                      // a repeated key
	f.Add([]byte(`{}`))                                                     // nothing
	fzTarget(f, (*record.ReportPaymentAttemptCanceledParams).UnmarshalJSON)
}

func FuzzReportPaymentAttemptInformationalParams(f *testing.F) {
	f.Add([]byte(`{}`))                                                                                         // changes nothing, still a version
	f.Add([]byte(`{"description":"","shipping_details":"","metadata":""}`))                                     // clears everything
	f.Add([]byte(`{"customer_details":{"email":"a@example.com","name":"Ann"},"description":"updated"}`))        // new details
	f.Add([]byte(`{"shipping_details":{"address":{"city":"Berlin","country":"DE"},"name":"B","phone":"+49"}}`)) // shipping
	f.Add([]byte(`{"metadata":{"k1":"v","k2":"","k3":"\u00e9"}}`))                                              // set, remove, escape
	f.Add([]byte(`{"shipping_details":{"address":{"town":"x"}}}`))                                              // unknown nested key
	fzTarget(f, (*record.ReportPaymentAttemptInformationalParams).UnmarshalJSON)
}

func FuzzReportRefundParams(f *testing.F) {
	f.Add([]byte(`{"outcome":"refunded","processor_details":{"type":"custom","custom":{"refund_reference":"re_2"}}}`))                                                        // all that is left
	f.Add([]byte(`{"outcome":"refunded","amount":{"currency":"usd","value":250},"processor_details":{"type":"custom","custom":{"refund_reference":"re_1"}}}`))                // repeats the fixture's refund
	f.Add([]byte(`{"outcome":"refunded","amount":{"currency":"usd","value":751},"processor_details":{"type":"custom","custom":{"refund_reference":"re_2"}}}`))                // a cent more than is left
	f.Add([]byte(`{"outcome":"refunded","amount":{"currency":"eur","value":1},"processor_details":{"type":"custom","custom":{"refund_reference":"re_2"}}}`))                  // another currency
	f.Add([]byte(`{"outcome":"refunded","processor_details":{"type":"custom","custom":{"refund_reference":"re_2"}},"refunded":{"refunded_at":1730211399},"initiated_at":1}`)) // refunded before guaranteed
	f.Add([]byte(`{"outcome":"refunded","amount":null,"refunded":null,"processor_details":{"type":"custom","custom":{"refund_reference":"re_2"}},"metadata":{"r":"1"}}`))     // nulls for optional hashes
	f.Add([]byte(`{"outcome":"canceled","processor_details":{"type":"acme","custom":{}}}`))                                                                                   // bad outcome and type
	fzTarget(f, (*record.ReportRefundParams).UnmarshalJSON)
}

// FuzzLogReader reads arbitrary bytes as a report log and applies every
// entry to the records it creates, kept by ID: nothing panics, every error
// is a *payrec.Error, a rejected entry leaves its record unchanged, and an
// accepted one leaves it holding recordtest's invariants.
func FuzzLogReader(f *testing.F) {
	f.Add([]byte(fzCanonicalPayment + "\n" + fzCanonicalFailed + "\n"))                                                                                                     // testdata/canonical.jsonl
	f.Add([]byte(fzCanonicalPayment))                                                                                                                                       // its first line, without a newline
	f.Add([]byte(fzCanonicalFailed + "\n" + fzCanonicalPayment + "\n"))                                                                                                     // an entry before its record exists
	f.Add([]byte(fzCanonicalPayment + "\n" + fzCanonicalPayment + "\n"))                                                                                                    // the record created twice
	f.Add([]byte(fzCanonicalPayment + "\r\n\n   \n" + strings.Replace(fzCanonicalFailed, "pr_5RV730PrHyAEi", "pr_other", 1) + "\n"))                                        // CRLF, blank lines, another record's entry
	f.Add([]byte(`{"op":"report_refund","id":"pr_5RV730PrHyAEi","params":{"outcome":"refunded","processor_details":{"type":"custom","custom":{"refund_reference":"r"}}}}`)) // a refund of a record not in the log
	f.Add([]byte("{\"op\":\"report_payment\",\"id\":\"pr_1\",\"params\":{}}\n{]\n\x00\xff\n"))                                                                              // malformed lines
	f.Add([]byte(""))                                                                                                                                                       // empty
	f.Fuzz(func(t *testing.T, data []byte) {
		records := make(map[string]*record.Record)
		lr := record.NewLogReader(bytes.NewReader(data))
		// Each call reads at least one line; a reader that never ends is a
		// bug too.
		limit := bytes.Count(data, []byte("\n")) + 2
		for range limit {
			e, err := lr.Next()
			if err == io.EOF {
				return
			}
			if err != nil {
				fzRejection(t, err, "Next")
				continue
			}
			if p, ok := e.Report.(record.ReportPaymentParams); ok {
				if r, ok := records[p.ID]; ok {
					before := r.Clone()
					_, paramErr := record.ReportPayment(p)
					err := r.Apply(p)
					if paramErr == nil && !errors.Is(err, record.ErrRecordExists) ||
						paramErr != nil && !errors.Is(err, record.ErrInvalidParameter) {
						t.Fatalf("line %d: Apply(report_payment) to an existing record = %v (parameters: %v)", lr.Line(), err, paramErr)
					}
					recordtest.Equal(t, r, before)
					continue
				}
				r, err := record.ReportPayment(p)
				if err != nil {
					fzRejection(t, err, "ReportPayment")
					continue
				}
				recordtest.Check(t, r)
				records[p.ID] = r
				continue
			}
			r, ok := records[e.ID]
			if !ok {
				continue
			}
			before := r.Clone()
			if err := r.Apply(e.Report); err != nil {
				fzRejection(t, err, "Apply")
				recordtest.Equal(t, r, before)
				continue
			}
			recordtest.Check(t, r)
		}
		t.Fatalf("LogReader.Next did not return io.EOF after %d calls on %d lines", limit, limit-2)
	})
}

// TestLogReaderLineTooLong pins what Next does with a line longer than
// MaxLogLine: it reports that line (ErrLineTooLong, not a parameter error),
// then reads on from the next line, never handing out pieces of the long
// line as lines of their own.
func TestLogReaderLineTooLong(t *testing.T) {
	log := strings.Repeat("x", record.MaxLogLine+10) + "\n" + fzCanonicalPayment + "\n"
	lr := record.NewLogReader(strings.NewReader(log))
	_, err := lr.Next()
	require.Error(t, err)
	assert.ErrorIs(t, err, record.ErrLineTooLong)
	assert.NotErrorIs(t, err, record.ErrInvalidParameter)
	assert.Contains(t, err.Error(), "line 1")
	// The reader skips the long line and reads on.
	e, err := lr.Next()
	require.NoError(t, err)
	assert.Equal(t, record.OpReportPayment, e.Report.Op())
	assert.Equal(t, 2, lr.Line())
	for i := range 3 {
		_, err := lr.Next()
		assert.Equal(t, io.EOF, err, "call %d after the end", i+3)
	}
}

// TestLogRoundTripInvalidUTF8 checks that a report accepted from Go with a
// string that is not valid UTF-8 — which JSON cannot carry — either is
// rejected or survives the report log unchanged, since package record
// promises that replaying a record's accepted reports gives an identical
// record.
func TestLogRoundTripInvalidUTF8(t *testing.T) {
	const bad = "bad\xffutf8"
	base := record.ReportPaymentParams{
		ID: "pr_1", AttemptID: "par_1", Created: 1730211363, InitiatedAt: 1730211363,
		AmountRequested:      usdCents(1000),
		PaymentMethodDetails: attempt.PaymentMethodDetails{Custom: attempt.CustomDetails{DisplayName: "newpay"}},
	}
	tests := []struct {
		name string
		edit func(*record.ReportPaymentParams)
	}{
		{"description", func(p *record.ReportPaymentParams) { p.Description = bad }},
		{"custom display name", func(p *record.ReportPaymentParams) { p.PaymentMethodDetails.Custom.DisplayName = bad }},
		{"customer email", func(p *record.ReportPaymentParams) { p.CustomerDetails.Email = bad }},
		{"payment reference", func(p *record.ReportPaymentParams) { p.ProcessorDetails.PaymentReference = bad }},
		{"shipping city", func(p *record.ReportPaymentParams) { p.ShippingDetails.Address.City = bad }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := base
			tt.edit(&p)
			r, err := record.ReportPayment(p)
			if err != nil {
				assert.ErrorIs(t, err, record.ErrInvalidParameter)
				return
			}
			var log bytes.Buffer
			require.NoError(t, record.NewLogWriter(&log).Write("", p))
			back, err := record.ReplayLog(&log)
			require.NoError(t, err)
			recordtest.Equal(t, back, r)
		})
	}
}

// TestFuzzSeedsMatchCanonical keeps the seeds copied from
// testdata/canonical.jsonl equal to its lines.
func TestFuzzSeedsMatchCanonical(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "canonical.jsonl"))
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	assert.Equal(t, []string{fzCanonicalPayment, fzCanonicalFailed}, lines)
	assert.Contains(t, fzCanonicalPayment, `"params":`+fzCanonicalPaymentParams+`}`)
	assert.Contains(t, fzCanonicalFailed, `"params":`+fzCanonicalFailedParams+`}`)
}

// TestLogReaderLineEndings: LF and CRLF endings, a last line without an
// ending and a byte order mark before the first line all read the same, and
// the length limit counts a line's content, not its ending.
func TestLogReaderLineEndings(t *testing.T) {
	failed := `{"op":"report_payment_attempt_failed","id":"pr_1","params":{"failed_at":1}}`
	for _, tc := range []struct{ name, log string }{
		{"LF", failed + "\n"},
		{"CRLF", failed + "\r\n"},
		{"no ending", failed},
		{"byte order mark", "\ufeff" + failed + "\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lr := record.NewLogReader(strings.NewReader(tc.log))
			e, err := lr.Next()
			require.NoError(t, err)
			assert.Equal(t, record.ReportPaymentAttemptFailedParams{FailedAt: 1}, e.Report)
			_, err = lr.Next()
			assert.Equal(t, io.EOF, err)
		})
	}
	// A line of exactly MaxLogLine bytes is accepted with either ending (it
	// is then malformed JSON, not too long); one byte more is too long,
	// with or without an ending.
	exact := strings.Repeat("x", record.MaxLogLine)
	for _, tc := range []struct {
		name    string
		log     string
		tooLong bool
	}{
		{"exact, LF", exact + "\n", false},
		{"exact, CRLF", exact + "\r\n", false},
		{"exact, no ending", exact, false},
		{"one more, LF", exact + "x\n", true},
		{"one more, no ending", exact + "x", true},
		// A byte order mark before the first line is not part of it.
		{"byte order mark, exact", "\ufeff" + exact + "\n", false},
		{"byte order mark, one more", "\ufeff" + exact + "x\n", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := record.NewLogReader(strings.NewReader(tc.log)).Next()
			require.Error(t, err)
			assert.Equal(t, tc.tooLong, errors.Is(err, record.ErrLineTooLong), "err = %v", err)
		})
	}
}
