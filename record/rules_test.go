package record_test

// Rule-by-rule tests of the seven report operations: every boundary of
// the package documentation and the methods' doc comments, tested on both
// sides.
// Expected amounts are worked out by hand from the fixture payment ($10.00,
// see helpers_test.go); expected params and codes from Stripe's parameter
// names and error codes.

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/payrec/payrec"
	"github.com/payrec/payrec/attempt"
	"github.com/payrec/payrec/money"
	"github.com/payrec/payrec/record"
)

// stateConflict expects a lifecycle rejection matching sentinel (and
// therefore payrec.ErrInvalidTransition), with no parameter.
func stateConflict(sentinel error, contains ...string) rejection {
	return rejection{
		Is:       []error{sentinel, payrec.ErrInvalidTransition},
		Not:      []error{record.ErrInvalidParameter, record.ErrDuplicate},
		Contains: contains,
	}
}

func TestReportPayment(t *testing.T) {
	longID := strings.Repeat("a", 255)
	type reportPaymentCase struct {
		name   string
		edit   func(p *record.ReportPaymentParams)
		want   *rejection
		state  payrec.State
		amount amounts // checked when accepted
	}
	tests := []reportPaymentCase{
		{
			name:   "no outcome is pending",
			edit:   func(*record.ReportPaymentParams) {},
			state:  payrec.Pending,
			amount: amounts{Requested: 1000},
		},
		{
			name: "outcome out of range",
			edit: func(p *record.ReportPaymentParams) { p.Outcome = record.Outcome(3) },
			want: ptr(paramRejection("outcome", "")),
		},
		{
			name: "id missing",
			edit: func(p *record.ReportPaymentParams) { p.ID = "" },
			want: ptr(paramRejection("id", payrec.CodeParameterMissing)),
		},
		{
			name: "attempt_id missing",
			edit: func(p *record.ReportPaymentParams) { p.AttemptID = "" },
			want: ptr(paramRejection("attempt_id", payrec.CodeParameterMissing)),
		},
		{
			name:   "id and attempt_id of 255 characters",
			edit:   func(p *record.ReportPaymentParams) { p.ID, p.AttemptID = longID, longID },
			state:  payrec.Pending,
			amount: amounts{Requested: 1000},
		},
		{
			name: "created missing",
			edit: func(p *record.ReportPaymentParams) { p.Created = 0 },
			// A zero field of a params value means the parameter was not given.
			want: ptr(paramRejection("created", payrec.CodeParameterMissing)),
		},
		{
			name: "created negative",
			edit: func(p *record.ReportPaymentParams) { p.Created = -1 },
			want: ptr(paramRejection("created", payrec.CodeParameterInvalidInteger)),
		},
		{
			name: "initiated_at missing",
			edit: func(p *record.ReportPaymentParams) { p.InitiatedAt = 0 },
			want: ptr(paramRejection("initiated_at", payrec.CodeParameterMissing)),
		},
		{
			name: "initiated_at negative",
			edit: func(p *record.ReportPaymentParams) { p.InitiatedAt = -1 },
			want: ptr(paramRejection("initiated_at", payrec.CodeParameterInvalidInteger)),
		},
		{
			name: "amount_requested missing",
			edit: func(p *record.ReportPaymentParams) { p.AmountRequested = money.Amount{} },
			want: ptr(paramRejection("amount_requested", payrec.CodeParameterMissing)),
		},
		{
			name: "amount_requested zero",
			edit: func(p *record.ReportPaymentParams) { p.AmountRequested = usdCents(0) },
			want: ptr(paramRejection("amount_requested[value]", payrec.CodeAmountTooSmall)),
		},
		{
			name: "amount_requested negative",
			edit: func(p *record.ReportPaymentParams) { p.AmountRequested = usdCents(-1) },
			want: ptr(paramRejection("amount_requested[value]", payrec.CodeAmountTooSmall)),
		},
		{
			name:   "amount_requested one cent",
			edit:   func(p *record.ReportPaymentParams) { p.AmountRequested = usdCents(1) },
			state:  payrec.Pending,
			amount: amounts{Requested: 1},
		},
		{
			name: "payment_method_details missing",
			edit: func(p *record.ReportPaymentParams) {
				p.PaymentMethodDetails = attempt.PaymentMethodDetails{}
			},
			want: ptr(paramRejection("payment_method_details", payrec.CodeParameterMissing)),
		},
		{
			name: "payment_method_details type unknown",
			edit: func(p *record.ReportPaymentParams) { p.PaymentMethodDetails.Type = "bogus" },
			want: ptr(paramRejection("payment_method_details[type]", "")),
		},
		{
			name: "payment_method_details custom without display_name",
			edit: func(p *record.ReportPaymentParams) {
				p.PaymentMethodDetails.Custom = attempt.CustomDetails{Type: "cpmt_1"}
			},
			want: ptr(paramRejection("payment_method_details[custom][display_name]", payrec.CodeParameterMissing)),
		},
		{
			name: "processor_details type unknown",
			edit: func(p *record.ReportPaymentParams) {
				p.ProcessorDetails = attempt.ProcessorDetails{Type: "adyen", PaymentReference: "x"}
			},
			want: ptr(paramRejection("processor_details[type]", "")),
		},
		{
			name: "customer_presence out of range",
			edit: func(p *record.ReportPaymentParams) { p.CustomerPresence = attempt.CustomerPresence(9) },
			want: ptr(paramRejection("customer_presence", "")),
		},
		{
			name:   "description of 5000 characters",
			edit:   func(p *record.ReportPaymentParams) { p.Description = strings.Repeat("é", 5000) },
			state:  payrec.Pending,
			amount: amounts{Requested: 1000},
		},
		{
			name: "description of 5001 characters",
			edit: func(p *record.ReportPaymentParams) { p.Description = strings.Repeat("é", 5001) },
			want: ptr(paramRejection("description", "")),
		},
		{
			name:   "metadata of 50 keys",
			edit:   func(p *record.ReportPaymentParams) { p.Metadata = metadataN("k", 50) },
			state:  payrec.Pending,
			amount: amounts{Requested: 1000},
		},
		{
			name: "metadata of 51 keys",
			edit: func(p *record.ReportPaymentParams) { p.Metadata = metadataN("k", 51) },
			want: ptr(paramRejection("metadata", "")),
		},
		{
			name: "metadata key of 41 characters",
			edit: func(p *record.ReportPaymentParams) {
				p.Metadata = map[string]string{strings.Repeat("k", 41): "v"}
			},
			want: ptr(paramRejection("metadata["+strings.Repeat("k", 41)+"]", "")),
		},
		{
			name: "metadata value of 501 characters",
			edit: func(p *record.ReportPaymentParams) {
				p.Metadata = map[string]string{"k": strings.Repeat("v", 501)}
			},
			want: ptr(paramRejection("metadata[k]", "")),
		},
		{
			name: "metadata empty key",
			edit: func(p *record.ReportPaymentParams) { p.Metadata = map[string]string{"": "v"} },
			want: ptr(paramRejection("metadata", "")),
		},
		{
			name: "metadata set and cleared",
			edit: func(p *record.ReportPaymentParams) {
				p.Metadata, p.ClearMetadata = map[string]string{"a": "b"}, true
			},
			want: ptr(paramRejection("metadata", payrec.CodeParametersExclusive)),
		},
	}
	// The two outcomes follow the same rules, each with its own hash.
	type outcome struct {
		name    string // also the hash's name; its member is name + "_at"
		outcome record.Outcome
		at      func(p *record.ReportPaymentParams) *int64
		state   payrec.State
		amount  amounts
	}
	guaranteed := outcome{"guaranteed", record.OutcomeGuaranteed,
		func(p *record.ReportPaymentParams) *int64 { return &p.Guaranteed.GuaranteedAt },
		payrec.Guaranteed, amounts{Requested: 1000, Guaranteed: 1000}}
	failed := outcome{"failed", record.OutcomeFailed,
		func(p *record.ReportPaymentParams) *int64 { return &p.Failed.FailedAt },
		payrec.Failed, amounts{Requested: 1000, Failed: 1000}}
	// report sets the outcome to o and the hash of h to at (0: no hash).
	report := func(o record.Outcome, h outcome, at int64) func(*record.ReportPaymentParams) {
		return func(p *record.ReportPaymentParams) { p.Outcome, *h.at(p) = o, at }
	}
	for _, pair := range [][2]outcome{{guaranteed, failed}, {failed, guaranteed}} {
		o, other := pair[0], pair[1]
		member := o.name + "[" + o.name + "_at]"
		tests = append(tests,
			reportPaymentCase{name: "outcome " + o.name + " with " + o.name + "_at",
				edit: report(o.outcome, o, fixtureSettledAt), state: o.state, amount: o.amount},
			reportPaymentCase{name: o.name + "_at equal to initiated_at",
				edit: report(o.outcome, o, fixtureT0), state: o.state, amount: o.amount},
			reportPaymentCase{name: o.name + "_at one second before initiated_at",
				edit: report(o.outcome, o, fixtureT0-1), want: ptr(paramRejection(member, ""))},
			reportPaymentCase{name: "outcome " + o.name + " without its hash",
				edit: report(o.outcome, o, 0), want: ptr(paramRejection(member, payrec.CodeParameterMissing))},
			reportPaymentCase{name: o.name + " hash without outcome",
				edit: report(0, o, fixtureSettledAt), want: ptr(paramRejection(o.name, ""))},
			reportPaymentCase{name: "outcome " + o.name + " with the " + other.name + " hash",
				edit: report(o.outcome, other, fixtureSettledAt), want: ptr(paramRejection(other.name, ""))},
		)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := fixturePayment()
			tt.edit(&p)
			r, err := record.ReportPayment(p)
			if tt.want != nil {
				assertRejected(t, err, *tt.want)
				assert.Nil(t, r, "a rejected report_payment creates no record")
				return
			}
			require.NoError(t, err)
			require.NotNil(t, r)
			assert.Equal(t, uint64(1), r.Version(), "ReportPayment gives Version 1")
			assert.Equal(t, p.ID, r.ID())
			assert.Equal(t, 1, r.NumAttempts())
			a, ok := r.LatestAttempt()
			require.True(t, ok)
			assert.Equal(t, p.AttemptID, a.ID())
			assert.Equal(t, tt.state, a.State())
			assertAmounts(t, r, tt.amount)
		})
	}
}

// ptr returns a pointer to a copy of v, for optional expectations in tables.
func ptr[T any](v T) *T { return &v }

// settleOp is one of the three lifecycle reports, applied uniformly.
type settleOp struct {
	name   string
	event  payrec.Event
	param  string       // the timestamp parameter
	target payrec.State // where it takes a pending attempt
	apply  func(r *record.Record, at int64, md map[string]string, clear bool) error
}

var settleOps = []settleOp{
	{
		name: "failed", event: payrec.Fail, param: "failed_at", target: payrec.Failed,
		apply: func(r *record.Record, at int64, md map[string]string, clear bool) error {
			return r.ReportPaymentAttemptFailed(record.ReportPaymentAttemptFailedParams{FailedAt: at, Metadata: md, ClearMetadata: clear})
		},
	},
	{
		name: "guaranteed", event: payrec.Guarantee, param: "guaranteed_at", target: payrec.Guaranteed,
		apply: func(r *record.Record, at int64, md map[string]string, clear bool) error {
			return r.ReportPaymentAttemptGuaranteed(record.ReportPaymentAttemptGuaranteedParams{GuaranteedAt: at, Metadata: md, ClearMetadata: clear})
		},
	},
	{
		name: "canceled", event: payrec.Cancel, param: "canceled_at", target: payrec.Canceled,
		apply: func(r *record.Record, at int64, md map[string]string, clear bool) error {
			return r.ReportPaymentAttemptCanceled(record.ReportPaymentAttemptCanceledParams{CanceledAt: at, Metadata: md, ClearMetadata: clear})
		},
	},
}

// settledAmounts are the fixture's amounts once its attempt is in state s.
func settledAmounts(s payrec.State) amounts {
	a := amounts{Requested: 1000}
	switch s {
	case payrec.Guaranteed:
		a.Guaranteed = 1000
	case payrec.Failed:
		a.Failed = 1000
	case payrec.Canceled:
		a.Canceled = 1000
	}
	return a
}

// fullyRefunded returns the fixture guaranteed and then refunded in full.
func fullyRefunded(t testing.TB) *record.Record {
	t.Helper()
	r := fixtureInState(t, payrec.Guaranteed)
	require.NoError(t, r.ReportRefund(record.ReportRefundParams{
		ProcessorDetails: record.RefundProcessorDetails{RefundReference: "re_all"},
	}))
	return r
}

// TestReportPaymentAttemptSettle covers report_payment_attempt_failed,
// _guaranteed and _canceled: the lifecycle table of package payrec, the
// timestamp rules, duplicates, and metadata.
func TestReportPaymentAttemptSettle(t *testing.T) {
	type settleCase struct {
		name  string
		setup func(t testing.TB) *record.Record
		at    int64
		md    map[string]string
		clear bool
		want  *rejection
		// when accepted:
		amount   amounts
		metadata map[string]string
	}
	for _, op := range settleOps {
		tests := []settleCase{
			{
				name: "on pending", setup: inState(payrec.Pending), at: fixtureSettledAt,
				amount: settledAmounts(op.target), metadata: map[string]string{},
			},
			{
				name: "at initiated_at", setup: inState(payrec.Pending), at: fixtureT0,
				amount: settledAmounts(op.target), metadata: map[string]string{},
			},
			{
				name: "one second before initiated_at", setup: inState(payrec.Pending), at: fixtureT0 - 1,
				want: ptr(paramRejection(op.param, "", "before")),
			},
			{
				name: "timestamp missing", setup: inState(payrec.Pending), at: 0,
				want: ptr(paramRejection(op.param, payrec.CodeParameterMissing)),
			},
			{
				name: "timestamp negative", setup: inState(payrec.Pending), at: -1,
				want: ptr(paramRejection(op.param, payrec.CodeParameterInvalidInteger)),
			},
			{
				name: "with metadata", setup: inState(payrec.Pending), at: fixtureSettledAt,
				md:     map[string]string{"order": "42", "absent": ""},
				amount: settledAmounts(op.target), metadata: map[string]string{"order": "42"},
			},
			{
				name: "metadata set and cleared", setup: inState(payrec.Pending), at: fixtureSettledAt,
				md: map[string]string{"order": "42"}, clear: true,
				want: ptr(paramRejection("metadata", payrec.CodeParametersExclusive)),
			},
			{
				name: "metadata cleared",
				setup: func(t testing.TB) *record.Record {
					p := fixturePayment()
					p.Metadata = map[string]string{"a": "1", "b": "2"}
					return newFixtureRecord(t, p)
				},
				at: fixtureSettledAt, clear: true,
				amount: settledAmounts(op.target), metadata: map[string]string{},
			},
			{
				name: "metadata of 51 keys after merge",
				setup: func(t testing.TB) *record.Record {
					p := fixturePayment()
					p.Metadata = metadataN("k", 50)
					return newFixtureRecord(t, p)
				},
				at: fixtureSettledAt, md: map[string]string{"one_more": "x"},
				want: ptr(paramRejection("metadata", "")),
			},
			{
				name: "bad timestamp is reported before the state conflict", setup: inState(payrec.Guaranteed),
				at: fixtureT0 - 1, want: ptr(paramRejection(op.param, "")),
			},
			{
				name: "bad metadata is reported before the state conflict", setup: inState(payrec.Guaranteed),
				at: fixtureSettledAt + 1, md: map[string]string{"a[b]": "x"},
				want: ptr(paramRejection("metadata", "")),
			},
			{
				name: "after a full refund", setup: fullyRefunded, at: fixtureSettledAt + 1,
				want: &rejection{
					Is: []error{payrec.ErrInvalidTransition}, Not: []error{record.ErrDuplicate, record.ErrInvalidParameter},
					Transition: &payrec.TransitionError{From: payrec.Guaranteed, Event: op.event},
					Contains:   []string{"guaranteed", "0.00 USD guaranteed", "10.00 USD refunded"},
				},
			},
		}
		for _, from := range []payrec.State{payrec.Guaranteed, payrec.Failed, payrec.Canceled} {
			held := "10.00 USD"
			conflict := func(dup bool) *rejection {
				w := &rejection{
					Is:         []error{payrec.ErrInvalidTransition},
					Not:        []error{record.ErrInvalidParameter},
					Transition: &payrec.TransitionError{From: from, Event: op.event},
					Contains:   []string{from.String()},
				}
				if dup {
					w.Is = append(w.Is, record.ErrDuplicate)
				} else {
					w.Not = append(w.Not, record.ErrDuplicate)
					w.Contains = append(w.Contains, held)
				}
				return w
			}
			if from == op.target {
				tests = append(tests,
					settleCase{
						name: "exact repeat on " + from.String(), setup: inState(from), at: fixtureSettledAt,
						want: conflict(true),
					},
					settleCase{
						name: "repeat with another timestamp on " + from.String(), setup: inState(from), at: fixtureSettledAt + 1,
						want: conflict(false),
					},
				)
				continue
			}
			tests = append(tests, settleCase{
				// The same timestamp as the report that settled it, but
				// another event: a conflict, not a duplicate.
				name: "on " + from.String(), setup: inState(from), at: fixtureSettledAt,
				want: conflict(false),
			})
		}
		for _, tt := range tests {
			t.Run(op.name+"/"+tt.name, func(t *testing.T) {
				r := tt.setup(t)
				before := snapshotOf(t, r)
				err := op.apply(r, tt.at, tt.md, tt.clear)
				if tt.want != nil {
					assertRejected(t, err, *tt.want)
					assertUnchanged(t, r, before)
					return
				}
				require.NoError(t, err)
				assert.Equal(t, before.Version+1, r.Version(), "Version")
				a, ok := r.LatestAttempt()
				require.True(t, ok)
				assert.Equal(t, op.target, a.State())
				assert.Equal(t, tt.at, a.OutcomeAt())
				assertAmounts(t, r, tt.amount)
				assert.Equal(t, tt.metadata, r.Metadata())
			})
		}
	}
}

// TestReportPaymentOutcomeRepeat: report_payment with outcome guaranteed at
// T settles attempt 1, so report_payment_attempt_guaranteed at T repeats it.
func TestReportPaymentOutcomeRepeat(t *testing.T) {
	p := fixturePayment()
	p.Outcome, p.Guaranteed.GuaranteedAt = record.OutcomeGuaranteed, fixtureSettledAt
	r := newFixtureRecord(t, p)
	before := snapshotOf(t, r)
	err := r.ReportPaymentAttemptGuaranteed(record.ReportPaymentAttemptGuaranteedParams{GuaranteedAt: fixtureSettledAt})
	assertRejected(t, err, rejection{
		Is:         []error{record.ErrDuplicate, payrec.ErrInvalidTransition},
		Transition: &payrec.TransitionError{From: payrec.Guaranteed, Event: payrec.Guarantee},
	})
	assertUnchanged(t, r, before)
}

// secondAttempt returns report_payment_attempt params for the fixture's
// second attempt, initiated 200 seconds after the first.
func secondAttempt() record.ReportPaymentAttemptParams {
	return record.ReportPaymentAttemptParams{
		AttemptID:   "par_fixture_2",
		Created:     fixtureT0 + 200,
		InitiatedAt: fixtureT0 + 200,
		PaymentMethodDetails: attempt.PaymentMethodDetails{
			Type:   attempt.TypeCustom,
			Custom: attempt.CustomDetails{DisplayName: "otherpay"},
		},
	}
}

// withSecondAttempt returns the fixture failed, with a pending second attempt.
func withSecondAttempt(t testing.TB) *record.Record {
	t.Helper()
	r := fixtureInState(t, payrec.Failed)
	require.NoError(t, r.ReportPaymentAttempt(secondAttempt()))
	return r
}

func TestReportPaymentAttempt(t *testing.T) {
	const t2 = fixtureT0 + 200 // the second attempt's initiated_at
	tests := []struct {
		name  string
		setup func(testing.TB) *record.Record
		edit  func(p *record.ReportPaymentAttemptParams)
		want  *rejection
		// when accepted:
		state  payrec.State
		amount amounts
	}{
		{
			name: "after failed", setup: inState(payrec.Failed),
			state: payrec.Pending, amount: amounts{Requested: 1000},
		},
		{
			name: "after canceled", setup: inState(payrec.Canceled),
			state: payrec.Pending, amount: amounts{Requested: 1000},
		},
		{
			name: "after failed, outcome guaranteed", setup: inState(payrec.Failed),
			edit: func(p *record.ReportPaymentAttemptParams) {
				p.Outcome, p.Guaranteed.GuaranteedAt = record.OutcomeGuaranteed, t2+10
			},
			state: payrec.Guaranteed, amount: amounts{Requested: 1000, Guaranteed: 1000},
		},
		{
			name: "after canceled, outcome failed at initiated_at", setup: inState(payrec.Canceled),
			edit: func(p *record.ReportPaymentAttemptParams) {
				p.Outcome, p.Failed.FailedAt = record.OutcomeFailed, t2
			},
			state: payrec.Failed, amount: amounts{Requested: 1000, Failed: 1000},
		},
		{
			name: "outcome failed one second before initiated_at", setup: inState(payrec.Failed),
			edit: func(p *record.ReportPaymentAttemptParams) {
				p.Outcome, p.Failed.FailedAt = record.OutcomeFailed, t2-1
			},
			want: ptr(paramRejection("failed[failed_at]", "")),
		},
		{
			name: "outcome guaranteed without its hash", setup: inState(payrec.Failed),
			edit: func(p *record.ReportPaymentAttemptParams) { p.Outcome = record.OutcomeGuaranteed },
			want: ptr(paramRejection("guaranteed[guaranteed_at]", payrec.CodeParameterMissing)),
		},
		{
			name: "failed hash without outcome", setup: inState(payrec.Failed),
			edit: func(p *record.ReportPaymentAttemptParams) { p.Failed.FailedAt = t2 },
			want: ptr(paramRejection("failed", "")),
		},
		{
			name: "while pending", setup: inState(payrec.Pending),
			want: ptr(stateConflict(record.ErrAttemptPending, "pending", fixtureAttemptID)),
		},
		{
			name: "after guaranteed", setup: inState(payrec.Guaranteed),
			want: ptr(stateConflict(record.ErrFundsGuaranteed, "guaranteed", "10.00 USD")),
		},
		{
			name: "after a full refund", setup: fullyRefunded,
			want: ptr(stateConflict(record.ErrFundsGuaranteed, "guaranteed")),
		},
		{
			name: "bad parameter is reported before the state conflict", setup: inState(payrec.Pending),
			edit: func(p *record.ReportPaymentAttemptParams) { p.AttemptID = "par 2" },
			want: ptr(paramRejection("attempt_id", payrec.CodeInvalidCharacters)),
		},
		{
			name: "repeat of the latest attempt", setup: withSecondAttempt,
			want: &rejection{
				Param: "attempt_id", Code: payrec.CodeResourceAlreadyExists,
				Is:  []error{record.ErrDuplicate, record.ErrDuplicateAttemptID},
				Not: []error{record.ErrInvalidParameter},
			},
		},
		{
			name: "latest attempt's ID with another initiated_at", setup: withSecondAttempt,
			edit: func(p *record.ReportPaymentAttemptParams) { p.InitiatedAt = t2 + 1 },
			want: &rejection{
				Param: "attempt_id", Code: payrec.CodeResourceAlreadyExists,
				Is:  []error{record.ErrDuplicateAttemptID},
				Not: []error{record.ErrDuplicate, record.ErrInvalidParameter},
			},
		},
		{
			name: "an earlier attempt's ID", setup: inState(payrec.Failed),
			edit: func(p *record.ReportPaymentAttemptParams) { p.AttemptID = fixtureAttemptID },
			want: &rejection{
				Param: "attempt_id", Code: payrec.CodeResourceAlreadyExists,
				Is:  []error{record.ErrDuplicateAttemptID},
				Not: []error{record.ErrDuplicate, record.ErrInvalidParameter},
			},
		},
		{
			name: "attempt_id missing", setup: inState(payrec.Failed),
			edit: func(p *record.ReportPaymentAttemptParams) { p.AttemptID = "" },
			want: ptr(paramRejection("attempt_id", payrec.CodeParameterMissing)),
		},
		{
			name: "attempt_id of 256 characters", setup: inState(payrec.Failed),
			edit: func(p *record.ReportPaymentAttemptParams) { p.AttemptID = strings.Repeat("b", 256) },
			want: ptr(paramRejection("attempt_id", "")),
		},
		{
			name: "attempt_id of 255 characters", setup: inState(payrec.Failed),
			edit:  func(p *record.ReportPaymentAttemptParams) { p.AttemptID = strings.Repeat("b", 255) },
			state: payrec.Pending, amount: amounts{Requested: 1000},
		},
		{
			name: "initiated_at missing", setup: inState(payrec.Failed),
			edit: func(p *record.ReportPaymentAttemptParams) { p.InitiatedAt = 0 },
			want: ptr(paramRejection("initiated_at", payrec.CodeParameterMissing)),
		},
		{
			name: "created missing", setup: inState(payrec.Failed),
			edit: func(p *record.ReportPaymentAttemptParams) { p.Created = 0 },
			want: ptr(paramRejection("created", payrec.CodeParameterMissing)),
		},
		{
			name: "description of 5000 characters", setup: inState(payrec.Failed),
			edit:  func(p *record.ReportPaymentAttemptParams) { p.Description = strings.Repeat("ü", 5000) },
			state: payrec.Pending, amount: amounts{Requested: 1000},
		},
		{
			name: "description of 5001 characters", setup: inState(payrec.Failed),
			edit: func(p *record.ReportPaymentAttemptParams) { p.Description = strings.Repeat("ü", 5001) },
			want: ptr(paramRejection("description", "")),
		},
		{
			name: "payment_method_details type unknown", setup: inState(payrec.Failed),
			edit: func(p *record.ReportPaymentAttemptParams) { p.PaymentMethodDetails.Type = "bogus" },
			want: ptr(paramRejection("payment_method_details[type]", "")),
		},
		{
			name: "metadata set and cleared", setup: inState(payrec.Failed),
			edit: func(p *record.ReportPaymentAttemptParams) {
				p.Metadata, p.ClearMetadata = map[string]string{"a": "1"}, true
			},
			want: ptr(paramRejection("metadata", payrec.CodeParametersExclusive)),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := tt.setup(t)
			p := secondAttempt()
			if tt.edit != nil {
				tt.edit(&p)
			}
			before := snapshotOf(t, r)
			err := r.ReportPaymentAttempt(p)
			if tt.want != nil {
				assertRejected(t, err, *tt.want)
				assertUnchanged(t, r, before)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, before.Version+1, r.Version(), "Version")
			assert.Equal(t, len(before.Attempts)+1, r.NumAttempts(), "NumAttempts")
			a, ok := r.LatestAttempt()
			require.True(t, ok)
			assert.Equal(t, p.AttemptID, a.ID())
			assert.Equal(t, tt.state, a.State())
			assertAmounts(t, r, tt.amount)
		})
	}
}

// TestReportPaymentAttemptFields checks where the fields of a new attempt
// land: customer, presence and processor details are inherited from the
// attempt before; payment method and shipping details are the report's own;
// description and metadata merge into the record's and are the new
// attempt's own.
func TestReportPaymentAttemptFields(t *testing.T) {
	p := fixturePayment()
	p.CustomerDetails = attempt.CustomerDetails{Email: "jenny@example.com", Name: "Jenny Rosen"}
	p.CustomerPresence = attempt.OnSession
	p.ProcessorDetails = attempt.ProcessorDetails{Type: attempt.ProcessorTypeCustom, PaymentReference: "npp_1"}
	p.ShippingDetails = attempt.ShippingDetails{Name: "Jenny Rosen", Address: attempt.Address{Country: "US"}}
	p.Description = "first"
	p.Metadata = map[string]string{"keep": "1", "drop": "2"}
	r := newFixtureRecord(t, p)
	require.NoError(t, r.ReportPaymentAttemptFailed(record.ReportPaymentAttemptFailedParams{FailedAt: fixtureSettledAt}))

	q := secondAttempt()
	q.Description = "second"
	q.Metadata = map[string]string{"drop": "", "new": "3"}
	require.NoError(t, r.ReportPaymentAttempt(q))

	a, ok := r.LatestAttempt()
	require.True(t, ok)
	assert.Equal(t, p.CustomerDetails, a.CustomerDetails(), "customer_details inherited")
	assert.Equal(t, attempt.OnSession, a.CustomerPresence(), "customer_presence inherited")
	assert.Equal(t, p.ProcessorDetails, a.ProcessorDetails(), "processor_details inherited")
	assert.Equal(t, q.PaymentMethodDetails, a.PaymentMethodDetails(), "payment_method_details are the new attempt's")
	assert.True(t, a.ShippingDetails().IsZero(), "shipping_details are the new attempt's (none)")
	assert.Equal(t, usdCents(1000), a.Requested(), "the new attempt asks for the record's amount_requested")
	assert.Equal(t, "second", a.Description())
	assert.Equal(t, map[string]string{"new": "3"}, a.Metadata(), "the report's metadata, without deletions")
	assert.Equal(t, "second", r.Description())
	assert.Equal(t, map[string]string{"keep": "1", "new": "3"}, r.Metadata())
	var shown struct {
		Latest   string          `json:"latest_payment_attempt_record"`
		Shipping json.RawMessage `json:"shipping_details"`
	}
	b, err := json.Marshal(r)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, &shown))
	assert.Equal(t, "par_fixture_2", shown.Latest, "the record shows its latest attempt")
	assert.JSONEq(t, "null", string(shown.Shipping), "the record shows the latest attempt's shipping_details")

	// Only the latest attempt is reported on: canceling it leaves the first as it was.
	require.NoError(t, r.ReportPaymentAttemptCanceled(record.ReportPaymentAttemptCanceledParams{CanceledAt: fixtureT0 + 300}))
	all := r.Attempts()
	require.Len(t, all, 2)
	assert.Equal(t, payrec.Failed, all[0].State())
	assert.Equal(t, fixtureSettledAt, all[0].FailedAt())
	assert.Equal(t, payrec.Canceled, all[1].State())

	// Without a description the record keeps its own.
	third := secondAttempt()
	third.AttemptID, third.InitiatedAt = "par_fixture_3", fixtureT0+400
	require.NoError(t, r.ReportPaymentAttempt(third))
	assert.Equal(t, "second", r.Description())
	assert.Equal(t, 3, r.NumAttempts())
	assert.Equal(t, uint64(5), r.Version(), "report_payment, failed, attempt, canceled, attempt")
}

func TestReportPaymentAttemptInformational(t *testing.T) {
	ship := attempt.ShippingDetails{Name: "Jenny Rosen", Phone: "+15555550100", Address: attempt.Address{City: "Paris", Country: "FR"}}
	cust := attempt.CustomerDetails{Customer: "cus_1", Email: "jenny@example.com"}
	rich := func(t testing.TB) *record.Record {
		p := fixturePayment()
		p.Description = "computer software"
		p.ShippingDetails = ship
		p.CustomerDetails = cust
		p.Metadata = map[string]string{"a": "1", "b": "2"}
		return newFixtureRecord(t, p)
	}
	full := func(t testing.TB) *record.Record {
		p := fixturePayment()
		p.Metadata = metadataN("k", 50)
		return newFixtureRecord(t, p)
	}
	type result struct {
		description string
		shipping    attempt.ShippingDetails
		customer    attempt.CustomerDetails
		metadata    map[string]string
	}
	unchanged := result{"computer software", ship, cust, map[string]string{"a": "1", "b": "2"}}
	with := func(f func(*result)) result {
		r := unchanged
		r.metadata = map[string]string{"a": "1", "b": "2"}
		f(&r)
		return r
	}
	newShip := attempt.ShippingDetails{Name: "Max Mustermann"}
	newCust := attempt.CustomerDetails{Name: "Max Mustermann"}
	tests := []struct {
		name  string
		setup func(testing.TB) *record.Record
		p     record.ReportPaymentAttemptInformationalParams
		want  *rejection
		res   *result // when accepted, for setups other than full
	}{
		{name: "nothing", setup: rich, res: &unchanged},
		{
			name: "set description", setup: rich,
			p:   record.ReportPaymentAttemptInformationalParams{Description: "hardware"},
			res: ptr(with(func(r *result) { r.description = "hardware" })),
		},
		{
			name: "clear description", setup: rich,
			p:   record.ReportPaymentAttemptInformationalParams{ClearDescription: true},
			res: ptr(with(func(r *result) { r.description = "" })),
		},
		{
			name: "set and clear description", setup: rich,
			p:    record.ReportPaymentAttemptInformationalParams{Description: "x", ClearDescription: true},
			want: ptr(paramRejection("description", payrec.CodeParametersExclusive)),
		},
		{
			name: "description of 5000 characters", setup: rich,
			p:   record.ReportPaymentAttemptInformationalParams{Description: strings.Repeat("語", 5000)},
			res: ptr(with(func(r *result) { r.description = strings.Repeat("語", 5000) })),
		},
		{
			name: "description of 5001 characters", setup: rich,
			p:    record.ReportPaymentAttemptInformationalParams{Description: strings.Repeat("語", 5001)},
			want: ptr(paramRejection("description", "")),
		},
		{
			name: "set shipping_details", setup: rich,
			p:   record.ReportPaymentAttemptInformationalParams{ShippingDetails: newShip},
			res: ptr(with(func(r *result) { r.shipping = newShip })),
		},
		{
			name: "clear shipping_details", setup: rich,
			p:   record.ReportPaymentAttemptInformationalParams{ClearShippingDetails: true},
			res: ptr(with(func(r *result) { r.shipping = attempt.ShippingDetails{} })),
		},
		{
			name: "set and clear shipping_details", setup: rich,
			p:    record.ReportPaymentAttemptInformationalParams{ShippingDetails: newShip, ClearShippingDetails: true},
			want: ptr(paramRejection("shipping_details", payrec.CodeParametersExclusive)),
		},
		{
			name: "set customer_details", setup: rich,
			p:   record.ReportPaymentAttemptInformationalParams{CustomerDetails: newCust},
			res: ptr(with(func(r *result) { r.customer = newCust })),
		},
		{
			name: "set metadata", setup: rich,
			p:   record.ReportPaymentAttemptInformationalParams{Metadata: map[string]string{"b": "22", "c": "3"}},
			res: ptr(with(func(r *result) { r.metadata = map[string]string{"a": "1", "b": "22", "c": "3"} })),
		},
		{
			name: "delete a metadata key", setup: rich,
			p:   record.ReportPaymentAttemptInformationalParams{Metadata: map[string]string{"a": ""}},
			res: ptr(with(func(r *result) { r.metadata = map[string]string{"b": "2"} })),
		},
		{
			name: "clear metadata", setup: rich,
			p:   record.ReportPaymentAttemptInformationalParams{ClearMetadata: true},
			res: ptr(with(func(r *result) { r.metadata = map[string]string{} })),
		},
		{
			name: "set and clear metadata", setup: rich,
			p:    record.ReportPaymentAttemptInformationalParams{Metadata: map[string]string{"c": "3"}, ClearMetadata: true},
			want: ptr(paramRejection("metadata", payrec.CodeParametersExclusive)),
		},
		{
			name: "50 keys after merge: overwrite one", setup: full,
			p: record.ReportPaymentAttemptInformationalParams{Metadata: map[string]string{"k00": "w"}},
		},
		{
			name: "50 keys after merge: delete one, add one", setup: full,
			p: record.ReportPaymentAttemptInformationalParams{Metadata: map[string]string{"k00": "", "new": "x"}},
		},
		{
			name: "51 keys after merge", setup: full,
			p:    record.ReportPaymentAttemptInformationalParams{Metadata: map[string]string{"new": "x"}},
			want: ptr(paramRejection("metadata", "")),
		},
		{
			name: "51 keys after merge: deleting an absent key makes no room", setup: full,
			p:    record.ReportPaymentAttemptInformationalParams{Metadata: map[string]string{"absent": "", "new": "x"}},
			want: ptr(paramRejection("metadata", "")),
		},
		{
			name: "bad field is reported before any change", setup: rich,
			p: record.ReportPaymentAttemptInformationalParams{
				Description: "changed", CustomerDetails: newCust, Metadata: map[string]string{"]": "x"},
			},
			want: ptr(paramRejection("metadata", "")),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := tt.setup(t)
			before := snapshotOf(t, r)
			err := r.ReportPaymentAttemptInformational(tt.p)
			if tt.want != nil {
				assertRejected(t, err, *tt.want)
				assertUnchanged(t, r, before)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, before.Version+1, r.Version(), "Version")
			assertAmounts(t, r, amounts{Requested: 1000})
			a, ok := r.LatestAttempt()
			require.True(t, ok)
			assert.Equal(t, payrec.Pending, a.State(), "informational changes no state")
			if tt.res == nil {
				assert.Len(t, r.Metadata(), 50)
				return
			}
			assert.Equal(t, tt.res.description, r.Description(), "description")
			assert.Equal(t, tt.res.shipping, a.ShippingDetails(), "shipping_details")
			assert.Equal(t, tt.res.customer, a.CustomerDetails(), "customer_details")
			assert.Equal(t, tt.res.metadata, r.Metadata(), "metadata")
		})
	}
}

// TestReportPaymentAttemptInformationalAnyState: informational reports are
// accepted whatever the latest attempt's state, and move no money.
func TestReportPaymentAttemptInformationalAnyState(t *testing.T) {
	for _, s := range []payrec.State{payrec.Pending, payrec.Guaranteed, payrec.Failed, payrec.Canceled} {
		t.Run(s.String(), func(t *testing.T) {
			r := fixtureInState(t, s)
			v := r.Version()
			require.NoError(t, r.ReportPaymentAttemptInformational(record.ReportPaymentAttemptInformationalParams{Description: "d"}))
			assert.Equal(t, v+1, r.Version())
			assertAmounts(t, r, settledAmounts(s))
			assert.Equal(t, "d", r.Description())
		})
	}
}

// refund returns report_refund params with reference ref and amount
// (the zero Amount for "not given").
func refund(ref string, amount money.Amount) record.ReportRefundParams {
	return record.ReportRefundParams{Amount: amount, ProcessorDetails: record.RefundProcessorDetails{RefundReference: ref}}
}

func TestReportRefund(t *testing.T) {
	guaranteed := func(t testing.TB) *record.Record { return fixtureInState(t, payrec.Guaranteed) }
	// partly: $3.00 of the $10.00 refunded under re_1 with the amount given.
	partly := func(t testing.TB) *record.Record {
		r := guaranteed(t)
		require.NoError(t, r.ReportRefund(refund("re_1", usdCents(300))))
		return r
	}
	// defaulted: all of it refunded under re_1 with the amount omitted.
	defaulted := func(t testing.TB) *record.Record {
		r := guaranteed(t)
		require.NoError(t, r.ReportRefund(refund("re_1", money.Amount{})))
		return r
	}
	secondGuaranteed := func(t testing.TB) *record.Record {
		r := fixtureInState(t, payrec.Failed)
		q := secondAttempt()
		q.Outcome, q.Guaranteed.GuaranteedAt = record.OutcomeGuaranteed, q.InitiatedAt+5
		require.NoError(t, r.ReportPaymentAttempt(q))
		return r
	}
	exceeds := func(contains ...string) *rejection {
		return &rejection{
			Param: "amount", Code: payrec.CodeAmountTooLarge, Is: []error{record.ErrRefundExceeds},
			Not: []error{record.ErrInvalidParameter, record.ErrDuplicate, record.ErrDuplicateRefundReference,
				payrec.ErrInvalidTransition},
			Contains: contains,
		}
	}
	// With nothing left at all, the refund also conflicts with the state:
	// the attempt has no guaranteed funds left (ErrNothingLeft).
	nothingLeft := func(code string, contains ...string) *rejection {
		return &rejection{
			Param: "amount", Code: code, Is: []error{record.ErrRefundExceeds, record.ErrNoGuaranteedFunds, payrec.ErrInvalidTransition},
			Not:      []error{record.ErrInvalidParameter, record.ErrDuplicate, record.ErrDuplicateRefundReference},
			Contains: contains,
		}
	}
	const refPath = "processor_details[custom][refund_reference]"
	tests := []struct {
		name   string
		setup  func(testing.TB) *record.Record
		p      record.ReportRefundParams
		want   *rejection
		amount amounts // when accepted
	}{
		{
			name: "amount omitted refunds all that is left", setup: guaranteed,
			p:      refund("re_2", money.Amount{}),
			amount: amounts{Requested: 1000, Refunded: 1000},
		},
		{
			name: "partial", setup: guaranteed, p: refund("re_2", usdCents(300)),
			amount: amounts{Requested: 1000, Guaranteed: 700, Refunded: 300},
		},
		{
			name: "one cent", setup: guaranteed, p: refund("re_2", usdCents(1)),
			amount: amounts{Requested: 1000, Guaranteed: 999, Refunded: 1},
		},
		{
			name: "exactly all", setup: guaranteed, p: refund("re_2", usdCents(1000)),
			amount: amounts{Requested: 1000, Refunded: 1000},
		},
		{
			name: "exact remainder after a partial refund", setup: partly, p: refund("re_2", usdCents(700)),
			amount: amounts{Requested: 1000, Refunded: 1000},
		},
		{
			name: "amount omitted after a partial refund", setup: partly, p: refund("re_2", money.Amount{}),
			amount: amounts{Requested: 1000, Refunded: 1000},
		},
		{
			name: "exceeds by one cent", setup: guaranteed, p: refund("re_2", usdCents(1001)),
			want: exceeds("record: Cannot refund 10.01 USD", "only 10.00 USD guaranteed remains"),
		},
		{
			name: "exceeds the remainder by one cent", setup: partly, p: refund("re_2", usdCents(701)),
			want: exceeds("record: Cannot refund 7.01 USD", "only 7.00 USD guaranteed remains"),
		},
		{
			name: "nothing left, amount omitted", setup: defaulted, p: refund("re_2", money.Amount{}),
			want: nothingLeft("", "Cannot refund the rest of", "nothing is left to refund", "10.00 USD guaranteed, all of it refunded"),
		},
		{
			name: "nothing left, one cent", setup: defaulted, p: refund("re_2", usdCents(1)),
			want: nothingLeft(payrec.CodeAmountTooLarge, "Cannot refund 0.01 USD on", "nothing is left to refund"),
		},
		{
			name: "currency mismatch", setup: guaranteed, p: refund("re_2", money.New(100, fixtureEUR)),
			want: &rejection{
				Param: "amount[currency]",
				Is:    []error{record.ErrInvalidParameter, money.ErrCurrencyMismatch},
				Not:   []error{record.ErrRefundExceeds},
			},
		},
		{
			name: "zero amount", setup: guaranteed, p: refund("re_2", usdCents(0)),
			want: ptr(paramRejection("amount[value]", payrec.CodeAmountTooSmall)),
		},
		{
			name: "negative amount", setup: guaranteed, p: refund("re_2", usdCents(-100)),
			want: ptr(paramRejection("amount[value]", payrec.CodeAmountTooSmall)),
		},
		{
			name: "refund_reference missing", setup: guaranteed, p: refund("", usdCents(100)),
			want: ptr(paramRejection(refPath, payrec.CodeParameterMissing)),
		},
		{
			name: "refund_reference of 5000 characters", setup: guaranteed, p: refund(strings.Repeat("r", 5000), usdCents(100)),
			amount: amounts{Requested: 1000, Guaranteed: 900, Refunded: 100},
		},
		{
			name: "refund_reference of 5001 characters", setup: guaranteed, p: refund(strings.Repeat("r", 5001), usdCents(100)),
			want: ptr(paramRejection(refPath, "")),
		},
		{
			name: "processor_details type unknown", setup: guaranteed,
			p:    record.ReportRefundParams{ProcessorDetails: record.RefundProcessorDetails{Type: "adyen", RefundReference: "re_2"}},
			want: ptr(paramRejection("processor_details[type]", "")),
		},
		{
			name: "processor_details type custom", setup: guaranteed,
			p:      record.ReportRefundParams{ProcessorDetails: record.RefundProcessorDetails{Type: "custom", RefundReference: "re_2"}},
			amount: amounts{Requested: 1000, Refunded: 1000},
		},
		{
			name: "reused reference, same amount", setup: partly, p: refund("re_1", usdCents(300)),
			want: &rejection{
				Param: refPath, Code: payrec.CodeResourceAlreadyExists,
				Is:  []error{record.ErrDuplicate, record.ErrDuplicateRefundReference},
				Not: []error{record.ErrInvalidParameter, record.ErrRefundExceeds},
			},
		},
		{
			name: "reused reference, amount omitted both times", setup: defaulted, p: refund("re_1", money.Amount{}),
			want: &rejection{
				Param: refPath, Code: payrec.CodeResourceAlreadyExists,
				Is:  []error{record.ErrDuplicate, record.ErrDuplicateRefundReference},
				Not: []error{record.ErrInvalidParameter, record.ErrRefundExceeds},
			},
		},
		{
			name: "reused reference, another amount", setup: partly, p: refund("re_1", usdCents(301)),
			want: &rejection{
				Param: refPath, Code: payrec.CodeResourceAlreadyExists,
				Is:  []error{record.ErrDuplicateRefundReference},
				Not: []error{record.ErrDuplicate, record.ErrInvalidParameter},
			},
		},
		{
			name: "reused reference, amount given first and omitted now", setup: partly, p: refund("re_1", money.Amount{}),
			want: &rejection{
				Param: refPath, Code: payrec.CodeResourceAlreadyExists,
				Is:  []error{record.ErrDuplicateRefundReference},
				Not: []error{record.ErrDuplicate, record.ErrInvalidParameter},
			},
		},
		{
			name: "on pending", setup: inState(payrec.Pending), p: refund("re_2", money.Amount{}),
			want: ptr(stateConflict(record.ErrNoGuaranteedFunds, "pending")),
		},
		{
			name: "on failed", setup: inState(payrec.Failed), p: refund("re_2", usdCents(100)),
			want: ptr(stateConflict(record.ErrNoGuaranteedFunds, "failed")),
		},
		{
			name: "on canceled", setup: inState(payrec.Canceled), p: refund("re_2", usdCents(100)),
			want: ptr(stateConflict(record.ErrNoGuaranteedFunds, "canceled")),
		},
		{
			name: "bad parameter is reported before the state conflict", setup: inState(payrec.Pending),
			p:    refund("re_2", money.New(100, fixtureEUR)),
			want: &rejection{Param: "amount[currency]", Is: []error{record.ErrInvalidParameter, money.ErrCurrencyMismatch}, Not: []error{record.ErrNoGuaranteedFunds}},
		},
		{
			name: "on a later guaranteed attempt", setup: secondGuaranteed, p: refund("re_2", usdCents(250)),
			amount: amounts{Requested: 1000, Guaranteed: 750, Refunded: 250},
		},
		{
			name: "refunded_at equal to guaranteed_at", setup: guaranteed,
			p: func() record.ReportRefundParams {
				p := refund("re_2", usdCents(100))
				p.Refunded.RefundedAt = fixtureSettledAt
				return p
			}(),
			amount: amounts{Requested: 1000, Guaranteed: 900, Refunded: 100},
		},
		{
			name: "refunded_at one second before guaranteed_at", setup: guaranteed,
			p: func() record.ReportRefundParams {
				p := refund("re_2", usdCents(100))
				p.Refunded.RefundedAt = fixtureSettledAt - 1
				return p
			}(),
			want: ptr(paramRejection("refunded[refunded_at]", "")),
		},
		{
			name: "refunded_at negative", setup: guaranteed,
			p: func() record.ReportRefundParams {
				p := refund("re_2", usdCents(100))
				p.Refunded.RefundedAt = -1
				return p
			}(),
			want: ptr(paramRejection("refunded[refunded_at]", payrec.CodeParameterInvalidInteger)),
		},
		{
			name: "initiated_at negative", setup: guaranteed,
			p: func() record.ReportRefundParams {
				p := refund("re_2", usdCents(100))
				p.InitiatedAt = -1
				return p
			}(),
			want: ptr(paramRejection("initiated_at", payrec.CodeParameterInvalidInteger)),
		},
		{
			name: "metadata merged", setup: guaranteed,
			p: func() record.ReportRefundParams {
				p := refund("re_2", usdCents(100))
				p.Metadata = map[string]string{"reason": "damaged"}
				return p
			}(),
			amount: amounts{Requested: 1000, Guaranteed: 900, Refunded: 100},
		},
		{
			name: "metadata set and cleared", setup: guaranteed,
			p: func() record.ReportRefundParams {
				p := refund("re_2", usdCents(100))
				p.Metadata, p.ClearMetadata = map[string]string{"a": "1"}, true
				return p
			}(),
			want: ptr(paramRejection("metadata", payrec.CodeParametersExclusive)),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := tt.setup(t)
			before := snapshotOf(t, r)
			err := r.ReportRefund(tt.p)
			if tt.want != nil {
				assertRejected(t, err, *tt.want)
				assertUnchanged(t, r, before)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, before.Version+1, r.Version(), "Version")
			assertAmounts(t, r, tt.amount)
			refunds := r.Refunds()
			require.Len(t, refunds, len(before.Refunds)+1)
			last := refunds[len(refunds)-1]
			assert.Equal(t, tt.p.ProcessorDetails.RefundReference, last.Reference)
			a, _ := r.LatestAttempt()
			assert.Equal(t, a.ID(), last.Attempt)
			assert.Equal(t, usdCents(tt.amount.Refunded-before.refunded()), last.Amount, "the refund's amount")
			for k, v := range tt.p.Metadata {
				assert.Equal(t, v, r.Metadata()[k], "metadata[%s]", k)
			}
		})
	}
}

// refunded sums the refunds of a snapshot, in cents.
func (s recordSnapshot) refunded() int64 {
	var n int64
	for _, rf := range s.Refunds {
		n += rf.Amount.Value()
	}
	return n
}

// TestRefundSteps refunds a $10.00 payment step by step and checks the
// buckets after each step.
func TestRefundSteps(t *testing.T) {
	r := fixtureInState(t, payrec.Guaranteed)
	steps := []struct {
		p          record.ReportRefundParams
		ok         bool
		guaranteed int64
		refunded   int64
	}{
		{refund("re_a", usdCents(250)), true, 750, 250},
		{refund("re_b", usdCents(500)), true, 250, 750},
		{refund("re_c", usdCents(251)), false, 250, 750},
		{refund("re_c", money.Amount{}), true, 0, 1000},
		{refund("re_d", usdCents(1)), false, 0, 1000},
	}
	for i, s := range steps {
		err := r.ReportRefund(s.p)
		assert.Equal(t, s.ok, err == nil, "step %d: accepted = %v, want %v (err %v)", i, err == nil, s.ok, err)
		assert.Equal(t, usdCents(s.guaranteed), r.AmountGuaranteed(), "step %d: AmountGuaranteed = %v, want %v", i, r.AmountGuaranteed(), usdCents(s.guaranteed))
		assert.Equal(t, usdCents(s.refunded), r.AmountRefunded(), "step %d: AmountRefunded = %v, want %v", i, r.AmountRefunded(), usdCents(s.refunded))
	}
	assert.Equal(t, uint64(2+3), r.Version(), "report_payment, guaranteed and three accepted refunds")
	assert.Len(t, r.Refunds(), 3)
}

// metadataOp applies a report that carries only a metadata update to a
// record whose latest attempt is pending (or guaranteed, for refunds).
type metadataOp struct {
	name  string
	setup func(testing.TB) *record.Record
	apply func(*record.Record, map[string]string) error
}

func metadataOps() []metadataOp {
	return []metadataOp{
		{
			name: "report_payment_attempt",
			setup: func(t testing.TB) *record.Record {
				return fixtureInState(t, payrec.Failed)
			},
			apply: func(r *record.Record, md map[string]string) error {
				p := secondAttempt()
				p.Metadata = md
				return r.ReportPaymentAttempt(p)
			},
		},
		{
			name:  "report_payment_attempt_failed",
			setup: func(t testing.TB) *record.Record { return fixtureInState(t, payrec.Pending) },
			apply: func(r *record.Record, md map[string]string) error {
				return r.ReportPaymentAttemptFailed(record.ReportPaymentAttemptFailedParams{FailedAt: fixtureSettledAt, Metadata: md})
			},
		},
		{
			name:  "report_payment_attempt_guaranteed",
			setup: func(t testing.TB) *record.Record { return fixtureInState(t, payrec.Pending) },
			apply: func(r *record.Record, md map[string]string) error {
				return r.ReportPaymentAttemptGuaranteed(record.ReportPaymentAttemptGuaranteedParams{GuaranteedAt: fixtureSettledAt, Metadata: md})
			},
		},
		{
			name:  "report_payment_attempt_canceled",
			setup: func(t testing.TB) *record.Record { return fixtureInState(t, payrec.Pending) },
			apply: func(r *record.Record, md map[string]string) error {
				return r.ReportPaymentAttemptCanceled(record.ReportPaymentAttemptCanceledParams{CanceledAt: fixtureSettledAt, Metadata: md})
			},
		},
		{
			name:  "report_payment_attempt_informational",
			setup: func(t testing.TB) *record.Record { return fixtureInState(t, payrec.Pending) },
			apply: func(r *record.Record, md map[string]string) error {
				return r.ReportPaymentAttemptInformational(record.ReportPaymentAttemptInformationalParams{Metadata: md})
			},
		},
		{
			name:  "report_refund",
			setup: func(t testing.TB) *record.Record { return fixtureInState(t, payrec.Guaranteed) },
			apply: func(r *record.Record, md map[string]string) error {
				p := refund("re_md", usdCents(100))
				p.Metadata = md
				return r.ReportRefund(p)
			},
		},
	}
}

// TestMetadataRules applies Stripe's metadata rules through every report
// that merges metadata into the record: entry limits, and the 50-key limit
// on the result of the merge.
func TestMetadataRules(t *testing.T) {
	k40, k41 := strings.Repeat("ключ", 10), strings.Repeat("ключ", 10)+"!"
	v500, v501 := strings.Repeat("€", 500), strings.Repeat("€", 501)
	tests := []struct {
		name string
		// base is merged into the record (by informational) before the report.
		base map[string]string
		md   map[string]string
		want *rejection
	}{
		{name: "key of 40 characters", md: map[string]string{k40: "x"}},
		{name: "key of 41 characters", md: map[string]string{k41: "x"}, want: ptr(paramRejection("metadata["+k41+"]", ""))},
		{name: "value of 500 characters", md: map[string]string{"k": v500}},
		{name: "value of 501 characters", md: map[string]string{"k": v501}, want: ptr(paramRejection("metadata[k]", ""))},
		// A key that cannot be written in bracket form is reported against metadata itself.
		{name: "key with [", md: map[string]string{"a[": "x"}, want: ptr(paramRejection("metadata", "", `"a["`))},
		{name: "key with ]", md: map[string]string{"a]": "x"}, want: ptr(paramRejection("metadata", "", `"a]"`))},
		{name: "empty key", md: map[string]string{"": "x"}, want: ptr(paramRejection("metadata", ""))},
		{name: "empty key deleting", md: map[string]string{"": ""}, want: ptr(paramRejection("metadata", ""))},
		{name: "two bad keys: the first in key order is reported", md: map[string]string{"b[": "x", "a]": "y", "c": "ok"}, want: ptr(paramRejection("metadata", "", `"a]"`))},
		{name: "empty value deletes nothing when absent", md: map[string]string{"absent": ""}},
		{name: "50 keys", md: metadataN("k", 50)},
		{name: "51 keys", md: metadataN("k", 51), want: ptr(paramRejection("metadata", ""))},
		{name: "49 merged with 1 new", base: metadataN("k", 49), md: map[string]string{"new": "x"}},
		{name: "50 merged with 1 new", base: metadataN("k", 50), md: map[string]string{"new": "x"}, want: ptr(paramRejection("metadata", ""))},
		{name: "50 merged with 1 overwritten", base: metadataN("k", 50), md: map[string]string{"k07": "y"}},
		{name: "50 merged with 1 deleted and 1 new", base: metadataN("k", 50), md: map[string]string{"k07": "", "new": "x"}},
	}
	for _, op := range metadataOps() {
		for _, tt := range tests {
			t.Run(op.name+"/"+tt.name, func(t *testing.T) {
				r := op.setup(t)
				if tt.base != nil {
					require.NoError(t, r.ReportPaymentAttemptInformational(record.ReportPaymentAttemptInformationalParams{Metadata: tt.base}))
				}
				before := snapshotOf(t, r)
				err := op.apply(r, tt.md)
				if tt.want != nil {
					assertRejected(t, err, *tt.want)
					assertUnchanged(t, r, before)
					return
				}
				require.NoError(t, err)
				assert.Equal(t, before.Version+1, r.Version(), "Version")
				want := make(map[string]string)
				for k, v := range tt.base {
					want[k] = v
				}
				for k, v := range tt.md {
					if v == "" {
						delete(want, k)
					} else {
						want[k] = v
					}
				}
				assert.Equal(t, want, r.Metadata())
			})
		}
	}
}

// TestIDRules: IDs are 1–255 characters (runes) without white space or
// control characters, and need no prefix.
func TestIDRules(t *testing.T) {
	tests := []struct {
		name string
		id   string
		ok   bool
		code string // Stripe's code for a rejected ID
	}{
		{"one character", "x", true, ""},
		{"no prefix", "payment-42", true, ""},
		{"255 characters", strings.Repeat("a", 255), true, ""},
		{"256 characters", strings.Repeat("a", 256), false, ""},
		{"255 two-byte characters", strings.Repeat("é", 255), true, ""},
		{"256 two-byte characters", strings.Repeat("é", 256), false, ""},
		{"space inside", "pr 1", false, payrec.CodeInvalidCharacters},
		{"leading space", " pr1", false, payrec.CodeInvalidCharacters},
		{"trailing space", "pr1 ", false, payrec.CodeInvalidCharacters},
		{"tab", "pr\t1", false, payrec.CodeInvalidCharacters},
		{"newline", "pr1\n", false, payrec.CodeInvalidCharacters},
		{"no-break space", "pr\u00a01", false, payrec.CodeInvalidCharacters},
		{"NUL", "pr\x001", false, payrec.CodeInvalidCharacters},
		{"DEL", "pr\x7f1", false, payrec.CodeInvalidCharacters},
		{"invalid UTF-8", "pr\xff1", false, payrec.CodeInvalidCharacters},
	}
	type target struct {
		name  string
		param string
		apply func(t *testing.T, id string) (*record.Record, recordSnapshot, error)
	}
	targets := []target{
		{"report_payment id", "id", func(t *testing.T, id string) (*record.Record, recordSnapshot, error) {
			p := fixturePayment()
			p.ID = id
			r, err := record.ReportPayment(p)
			return r, recordSnapshot{}, err
		}},
		{"report_payment attempt_id", "attempt_id", func(t *testing.T, id string) (*record.Record, recordSnapshot, error) {
			p := fixturePayment()
			p.AttemptID = id
			r, err := record.ReportPayment(p)
			return r, recordSnapshot{}, err
		}},
		{"report_payment_attempt attempt_id", "attempt_id", func(t *testing.T, id string) (*record.Record, recordSnapshot, error) {
			r := fixtureInState(t, payrec.Failed)
			before := snapshotOf(t, r)
			p := secondAttempt()
			p.AttemptID = id
			return r, before, r.ReportPaymentAttempt(p)
		}},
	}
	for _, tg := range targets {
		for _, tt := range tests {
			t.Run(tg.name+"/"+tt.name, func(t *testing.T) {
				r, before, err := tg.apply(t, tt.id)
				if tt.ok {
					require.NoError(t, err)
					require.NotNil(t, r)
					assert.Equal(t, before.Version+1, r.Version(), "Version (0 before report_payment)")
					return
				}
				assertRejected(t, err, paramRejection(tg.param, tt.code))
				if before.Version != 0 {
					assertUnchanged(t, r, before)
				} else {
					assert.Nil(t, r)
				}
			})
		}
	}
}

// TestZeroRecord: the zero Record has no attempt; every report is rejected
// with a payrec.Error, nothing panics, and the record stays zero.
func TestZeroRecord(t *testing.T) {
	tests := []struct {
		name  string
		apply func(r *record.Record) error
	}{
		{"report_payment_attempt", func(r *record.Record) error { return r.ReportPaymentAttempt(secondAttempt()) }},
		{"report_payment_attempt with zero params", func(r *record.Record) error {
			return r.ReportPaymentAttempt(record.ReportPaymentAttemptParams{})
		}},
		{"report_payment_attempt_failed", func(r *record.Record) error {
			return r.ReportPaymentAttemptFailed(record.ReportPaymentAttemptFailedParams{FailedAt: fixtureSettledAt})
		}},
		{"report_payment_attempt_guaranteed", func(r *record.Record) error {
			return r.ReportPaymentAttemptGuaranteed(record.ReportPaymentAttemptGuaranteedParams{GuaranteedAt: fixtureSettledAt})
		}},
		{"report_payment_attempt_canceled", func(r *record.Record) error {
			return r.ReportPaymentAttemptCanceled(record.ReportPaymentAttemptCanceledParams{CanceledAt: fixtureSettledAt})
		}},
		{"report_payment_attempt_informational", func(r *record.Record) error {
			return r.ReportPaymentAttemptInformational(record.ReportPaymentAttemptInformationalParams{Description: "d"})
		}},
		{"report_payment_attempt_informational with zero params", func(r *record.Record) error {
			return r.ReportPaymentAttemptInformational(record.ReportPaymentAttemptInformationalParams{})
		}},
		{"report_refund", func(r *record.Record) error { return r.ReportRefund(refund("re_1", money.Amount{})) }},
		{"report_refund with amount", func(r *record.Record) error { return r.ReportRefund(refund("re_1", usdCents(1))) }},
		{"apply report_payment", func(r *record.Record) error { return r.Apply(fixturePayment()) }},
		{"apply nil", func(r *record.Record) error { return r.Apply(nil) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var r record.Record
			before := snapshotOf(t, &r)
			var err error
			require.NotPanics(t, func() { err = tt.apply(&r) })
			require.Error(t, err)
			var pe *payrec.Error
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, payrec.ErrorType, pe.Type)
			assert.NotErrorIs(t, err, record.ErrDuplicate)
			if tt.name != "apply nil" { // that one is a parameter error
				assert.Equal(t, "The record has no attempt; records are created by report_payment.", pe.Message)
				assert.Equal(t, [2]string{"", ""}, [2]string{pe.Code, pe.Param})
				assert.ErrorIs(t, err, payrec.ErrInvalidTransition)
			}
			assertUnchanged(t, &r, before)
			assert.Equal(t, uint64(0), r.Version())
			assert.Equal(t, 0, r.NumAttempts())
		})
	}
}

// TestApplyReportPayment: a report_payment cannot be applied to an existing
// record; re-applying the one that created it is a duplicate.
func TestApplyReportPayment(t *testing.T) {
	tests := []struct {
		name string
		edit func(p *record.ReportPaymentParams)
		dup  bool
	}{
		{"the creating report", func(*record.ReportPaymentParams) {}, true},
		{"another record", func(p *record.ReportPaymentParams) { p.ID = "pr_other" }, false},
		{"another first attempt", func(p *record.ReportPaymentParams) { p.AttemptID = "par_other" }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := fixtureInState(t, payrec.Pending)
			before := snapshotOf(t, r)
			p := fixturePayment()
			tt.edit(&p)
			want := rejection{
				Param: "id", Code: payrec.CodeResourceAlreadyExists,
				Is:  []error{record.ErrRecordExists},
				Not: []error{record.ErrInvalidParameter},
			}
			if tt.dup {
				want.Is = append(want.Is, record.ErrDuplicate)
			} else {
				want.Not = append(want.Not, record.ErrDuplicate)
			}
			assertRejected(t, r.Apply(p), want)
			assertUnchanged(t, r, before)
		})
	}
}

// TestRefundJSON: after a full refund the record shows what Stripe's
// report_refund example shows: amount_guaranteed 0 and amount_refunded 1000,
// with amount and amount_requested still 1000.
func TestRefundJSON(t *testing.T) {
	r := fullyRefunded(t)
	b, err := json.Marshal(r)
	require.NoError(t, err)
	var got map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(b, &got))
	want := map[string]string{
		"amount":            `{"currency":"usd","value":1000}`,
		"amount_authorized": `{"currency":"usd","value":0}`,
		"amount_canceled":   `{"currency":"usd","value":0}`,
		"amount_failed":     `{"currency":"usd","value":0}`,
		"amount_guaranteed": `{"currency":"usd","value":0}`,
		"amount_refunded":   `{"currency":"usd","value":1000}`,
		"amount_requested":  `{"currency":"usd","value":1000}`,
	}
	for k, v := range want {
		assert.JSONEq(t, v, string(got[k]), "%s", k)
	}
}
