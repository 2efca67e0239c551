package record_test

// ErrDuplicate means "the same report again, safe to acknowledge": a report
// that collides with an earlier one (the same attempt_id, refund reference
// or record ID) matches it only when every parameter but metadata is the
// same. Anything else that collides is a conflict a caller must not drop.

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/payrec/payrec"
	"github.com/payrec/payrec/attempt"
	"github.com/payrec/payrec/money"
	"github.com/payrec/payrec/record"
)

func TestDuplicateOnlyForTheSameReport(t *testing.T) {
	// withRetry returns a record whose latest attempt was created by p, a
	// retry after the fixture's failed first attempt.
	withRetry := func(t testing.TB, p record.ReportPaymentAttemptParams) *record.Record {
		r := fixtureInState(t, payrec.Failed)
		require.NoError(t, r.ReportPaymentAttempt(p))
		return r
	}
	failedRetry := secondAttempt()
	failedRetry.Outcome = record.OutcomeFailed
	failedRetry.Failed = record.FailedParams{FailedAt: failedRetry.InitiatedAt + 5}
	failedRetry.Metadata = map[string]string{"trace": "t1"}
	shipped := secondAttempt()
	shipped.ShippingDetails = attempt.ShippingDetails{Name: "Ada"}
	refunded := func(t testing.TB) *record.Record {
		r := fixtureInState(t, payrec.Guaranteed)
		p := refund("re_1", usdCents(300))
		p.Refunded.RefundedAt = fixtureSettledAt + 10
		require.NoError(t, r.ReportRefund(p))
		return r
	}
	dup := func(cause error) rejection {
		return rejection{Param: "", Is: []error{record.ErrDuplicate, cause}}
	}
	conflict := func(cause error) rejection {
		return rejection{Is: []error{cause}, Not: []error{record.ErrDuplicate}}
	}
	attemptDup := func(is bool) rejection {
		w := rejection{Param: "attempt_id", Code: payrec.CodeResourceAlreadyExists}
		if is {
			w.Is = []error{record.ErrDuplicate, record.ErrDuplicateAttemptID}
		} else {
			w.Is, w.Not = []error{record.ErrDuplicateAttemptID}, []error{record.ErrDuplicate}
		}
		return w
	}
	recordDup := func(is bool) rejection {
		w := attemptDup(is)
		w.Param = "id"
		w.Is[len(w.Is)-1] = record.ErrRecordExists
		return w
	}
	refundDup := func(is bool) rejection {
		w := rejection{Param: "processor_details[custom][refund_reference]", Code: payrec.CodeResourceAlreadyExists}
		if is {
			w.Is = []error{record.ErrDuplicate, record.ErrDuplicateRefundReference}
		} else {
			w.Is, w.Not = []error{record.ErrDuplicateRefundReference}, []error{record.ErrDuplicate}
		}
		return w
	}

	tests := []struct {
		name   string
		record func(t testing.TB) *record.Record
		report record.Report
		want   rejection
	}{
		{
			name:   "report_payment_attempt repeated, other metadata",
			record: func(t testing.TB) *record.Record { return withRetry(t, failedRetry) },
			report: func() record.Report {
				p := failedRetry
				p.Metadata = map[string]string{"trace": "t2"}
				return p
			}(),
			want: attemptDup(true),
		},
		{
			name:   "report_payment_attempt with the same attempt_id and initiated_at but another outcome",
			record: func(t testing.TB) *record.Record { return withRetry(t, failedRetry) },
			report: func() record.Report {
				p := failedRetry
				p.Outcome, p.Failed = record.OutcomeGuaranteed, record.FailedParams{}
				p.Guaranteed = record.GuaranteedParams{GuaranteedAt: p.InitiatedAt + 5}
				return p
			}(),
			want: attemptDup(false),
		},
		{
			name:   "report_payment_attempt without the outcome the first one gave",
			record: func(t testing.TB) *record.Record { return withRetry(t, failedRetry) },
			report: func() record.Report {
				p := failedRetry
				p.Outcome, p.Failed = 0, record.FailedParams{}
				return p
			}(),
			want: attemptDup(false),
		},
		{
			name:   "report_payment_attempt with another payment method",
			record: func(t testing.TB) *record.Record { return withRetry(t, secondAttempt()) },
			report: func() record.Report {
				p := secondAttempt()
				p.PaymentMethodDetails.Custom.DisplayName = "thirdpay"
				return p
			}(),
			want: attemptDup(false),
		},
		{
			name: "report_payment_attempt repeated after an informational report replaced its shipping",
			record: func(t testing.TB) *record.Record {
				r := withRetry(t, shipped)
				require.NoError(t, r.ReportPaymentAttemptInformational(record.ReportPaymentAttemptInformationalParams{
					ShippingDetails: attempt.ShippingDetails{Name: "Grace"},
				}))
				return r
			},
			report: shipped,
			want:   attemptDup(true),
		},
		{
			name: "report_payment_attempt repeated after the attempt failed",
			record: func(t testing.TB) *record.Record {
				r := withRetry(t, secondAttempt())
				require.NoError(t, r.ReportPaymentAttemptFailed(record.ReportPaymentAttemptFailedParams{FailedAt: fixtureT0 + 300}))
				return r
			},
			report: secondAttempt(),
			want:   attemptDup(true),
		},
		{
			name:   "report_payment_attempt reusing the first attempt's ID",
			record: inState(payrec.Failed),
			report: func() record.Report {
				p := secondAttempt()
				p.AttemptID, p.Created, p.InitiatedAt = fixtureAttemptID, fixtureT0, fixtureT0
				return p
			}(),
			want: attemptDup(false),
		},
		{
			name:   "report_payment repeated, other metadata",
			record: inState(payrec.Guaranteed),
			report: func() record.Report {
				p := fixturePayment()
				p.Metadata = map[string]string{"trace": "t2"}
				p.ProcessorDetails.Type = attempt.ProcessorTypeCustom // what "" means
				return p
			}(),
			want: recordDup(true),
		},
		{
			name: "report_payment repeated after informational reports replaced its details",
			record: func(t testing.TB) *record.Record {
				r := newFixtureRecord(t, shippedPayment())
				for _, name := range []string{"Grace", "Edsger"} {
					require.NoError(t, r.ReportPaymentAttemptInformational(record.ReportPaymentAttemptInformationalParams{
						CustomerDetails: attempt.CustomerDetails{Name: name},
						ShippingDetails: attempt.ShippingDetails{Name: name},
					}))
				}
				return r
			},
			report: shippedPayment(),
			want:   recordDup(true),
		},
		{
			name:   "report_payment without the details it was created with",
			record: func(t testing.TB) *record.Record { return newFixtureRecord(t, shippedPayment()) },
			report: fixturePayment(),
			want:   recordDup(false),
		},
		{
			name:   "report_payment with the same IDs and created but another amount and currency",
			record: inState(payrec.Pending),
			report: func() record.Report {
				p := fixturePayment()
				p.AmountRequested = money.New(2000, fixtureEUR)
				return p
			}(),
			want: recordDup(false),
		},
		{
			name:   "report_refund repeated, other metadata",
			record: refunded,
			report: func() record.Report {
				p := refund("re_1", usdCents(300))
				p.Refunded.RefundedAt = fixtureSettledAt + 10
				p.Metadata = map[string]string{"trace": "t2"}
				return p
			}(),
			want: refundDup(true),
		},
		{
			name:   "report_refund with the same reference and amount but another refunded_at",
			record: refunded,
			report: func() record.Report {
				p := refund("re_1", usdCents(300))
				p.Refunded.RefundedAt = fixtureSettledAt + 11
				return p
			}(),
			want: refundDup(false),
		},
		{
			name:   "report_payment_attempt_failed repeated, other metadata",
			record: inState(payrec.Failed),
			report: record.ReportPaymentAttemptFailedParams{FailedAt: fixtureSettledAt, Metadata: map[string]string{"k": "v"}},
			want: func() rejection {
				w := dup(payrec.ErrInvalidTransition)
				w.Transition = &payrec.TransitionError{From: payrec.Failed, Event: payrec.Fail}
				return w
			}(),
		},
		{
			name:   "report_payment_attempt_failed at another time",
			record: inState(payrec.Failed),
			report: record.ReportPaymentAttemptFailedParams{FailedAt: fixtureSettledAt + 1},
			want: func() rejection {
				w := conflict(payrec.ErrInvalidTransition)
				w.Transition = &payrec.TransitionError{From: payrec.Failed, Event: payrec.Fail}
				return w
			}(),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := tt.record(t)
			before := snapshotOf(t, r)
			assertRejected(t, r.Apply(tt.report), tt.want)
			assertUnchanged(t, r, before)
		})
	}
}

// shippedPayment is the fixture payment with customer and shipping details.
func shippedPayment() record.ReportPaymentParams {
	p := fixturePayment()
	p.CustomerDetails = attempt.CustomerDetails{Name: "Ada"}
	p.ShippingDetails = attempt.ShippingDetails{Name: "Ada"}
	return p
}
