package record_test

// Shared fixtures for the black-box tests of package record.
//
// The fixture payment is the canonical example's shape: a $10.00 record
// (fixtureRecordID) whose first attempt (fixtureAttemptID) was created and
// initiated at fixtureT0 and paid with a custom payment method. Settled
// fixtures settle it at fixtureSettledAt. Tests that need other values copy
// fixturePayment() and change fields: params are plain values.
//
// Other test files of this package may use these helpers; add new ones
// rather than changing what existing ones mean.

import (
	"encoding/json"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/payrec/payrec"
	"github.com/payrec/payrec/attempt"
	"github.com/payrec/payrec/money"
	"github.com/payrec/payrec/record"
)

const (
	fixtureRecordID  = "pr_fixture"
	fixtureAttemptID = "par_fixture_1"
	// fixtureT0 is the fixture payment's created and initiated_at (the
	// canonical example's initiated_at).
	fixtureT0 int64 = 1730211363
	// fixtureSettledAt is when fixtureInState settles the first attempt:
	// 100 seconds after it was initiated.
	fixtureSettledAt = fixtureT0 + 100
)

var (
	fixtureUSD = money.MustParseCurrency("usd")
	fixtureEUR = money.MustParseCurrency("eur")
)

// usdCents returns v cents of US dollars.
func usdCents(v int64) money.Amount { return money.New(v, fixtureUSD) }

// fixturePayment returns report_payment params for a pending $10.00 payment.
func fixturePayment() record.ReportPaymentParams {
	return record.ReportPaymentParams{
		ID:              fixtureRecordID,
		AttemptID:       fixtureAttemptID,
		Created:         fixtureT0,
		AmountRequested: usdCents(1000),
		InitiatedAt:     fixtureT0,
		PaymentMethodDetails: attempt.PaymentMethodDetails{
			Type:   attempt.TypeCustom,
			Custom: attempt.CustomDetails{DisplayName: "newpay"},
		},
	}
}

// newFixtureRecord creates a record from p and stops the test if that fails.
func newFixtureRecord(t testing.TB, p record.ReportPaymentParams) *record.Record {
	t.Helper()
	r, err := record.ReportPayment(p)
	require.NoError(t, err, "fixture: report_payment")
	require.NotNil(t, r)
	return r
}

// fixtureInState returns the fixture payment with its only attempt in state
// s; a settled attempt was settled at fixtureSettledAt, so its Version is 2
// (1 while pending).
func fixtureInState(t testing.TB, s payrec.State) *record.Record {
	t.Helper()
	r := newFixtureRecord(t, fixturePayment())
	var err error
	switch s {
	case payrec.Pending:
		return r
	case payrec.Guaranteed:
		err = r.ReportPaymentAttemptGuaranteed(record.ReportPaymentAttemptGuaranteedParams{GuaranteedAt: fixtureSettledAt})
	case payrec.Failed:
		err = r.ReportPaymentAttemptFailed(record.ReportPaymentAttemptFailedParams{FailedAt: fixtureSettledAt})
	case payrec.Canceled:
		err = r.ReportPaymentAttemptCanceled(record.ReportPaymentAttemptCanceledParams{CanceledAt: fixtureSettledAt})
	default:
		t.Fatalf("fixture: no record in state %s", s)
	}
	require.NoError(t, err, "fixture: settle %s", s)
	return r
}

// inState returns a table case's setup: the fixture record in state s.
func inState(s payrec.State) func(testing.TB) *record.Record {
	return func(t testing.TB) *record.Record { return fixtureInState(t, s) }
}

// recordSnapshot is everything a rejected report must leave as it was: the
// record's Stripe JSON, its Version, and the attempts and refunds the JSON
// does not show.
type recordSnapshot struct {
	JSON     string
	Version  uint64
	Attempts []attempt.Attempt
	Refunds  []record.Refund
}

// snapshotOf takes a snapshot of r.
func snapshotOf(t testing.TB, r *record.Record) recordSnapshot {
	t.Helper()
	b := r.AppendJSON(nil) // null for the zero Record, which json.Marshal refuses
	require.True(t, json.Valid(b), "snapshot: the record's JSON is not valid: %s", b)
	return recordSnapshot{JSON: string(b), Version: r.Version(), Attempts: r.Attempts(), Refunds: r.Refunds()}
}

// assertUnchanged checks that r is exactly as it was when before was taken.
func assertUnchanged(t testing.TB, r *record.Record, before recordSnapshot) {
	t.Helper()
	after := snapshotOf(t, r)
	assert.Equal(t, before.JSON, after.JSON, "a rejected report changed the record's JSON bytes")
	assert.Equal(t, before.Version, after.Version, "a rejected report changed Version()")
	assert.Equal(t, before.Attempts, after.Attempts, "a rejected report changed the attempts")
	assert.Equal(t, before.Refunds, after.Refunds, "a rejected report changed the refunds")
}

// rejection is what a test expects of a rejected report.
type rejection struct {
	Param string  // payrec.Error.Param, bracket form ("" for state conflicts)
	Code  string  // payrec.Error.Code ("" when no Stripe code fits)
	Is    []error // sentinels errors.Is must match
	Not   []error // sentinels errors.Is must not match
	// Transition, when set, is the *payrec.TransitionError errors.As must
	// find; when nil, errors.As must find none.
	Transition *payrec.TransitionError
	// Contains are substrings the message must hold.
	Contains []string
}

// assertRejected checks err against want: a *payrec.Error of Stripe's type
// invalid_request_error with the expected Param and Code, whose message
// starts with a package name, matching exactly the expected sentinels.
func assertRejected(t testing.TB, err error, want rejection) {
	t.Helper()
	require.Error(t, err)
	var pe *payrec.Error
	require.ErrorAs(t, err, &pe, "every rejection is a *payrec.Error")
	assert.Equal(t, payrec.ErrorType, pe.Type, "Type")
	assert.Equal(t, want.Param, pe.Param, "Param (message: %s)", pe.Message)
	assert.Equal(t, want.Code, pe.Code, "Code (message: %s)", pe.Message)
	assertMessage(t, pe)
	for _, s := range want.Is {
		assert.ErrorIs(t, err, s)
	}
	for _, s := range want.Not {
		assert.NotErrorIs(t, err, s)
	}
	var te *payrec.TransitionError
	if want.Transition != nil {
		if assert.ErrorAs(t, err, &te, "want a *payrec.TransitionError") {
			assert.Equal(t, want.Transition.From, te.From, "TransitionError.From")
			assert.Equal(t, want.Transition.Event, te.Event, "TransitionError.Event")
		}
	} else {
		assert.False(t, errors.As(err, &te), "unexpected *payrec.TransitionError %v", te)
	}
	for _, s := range want.Contains {
		assert.Contains(t, err.Error(), s, "message")
	}
}

// assertMessage checks the two faces of a rejection: Message is a plain
// sentence for API users, without Go package names or nested Go error
// text, and Error() keeps the Go context (the rejecting package first).
func assertMessage(t testing.TB, pe *payrec.Error) {
	t.Helper()
	assert.Regexp(t, `^(record|attempt|money|payrec): `, pe.Error(), "Error() starts with the package name")
	assert.NotRegexp(t, `\b(record|attempt|money|payrec|wire|json): `, pe.Message, "Message holds a Go prefix")
	assert.Regexp(t, `^\p{Lu}`, pe.Message, "Message is a sentence that starts with a capital letter")
	assert.Regexp(t, `\.$`, pe.Message, "Message is a sentence that ends with a full stop")
	assert.Equal(t, pe.Context+": "+pe.Message, pe.Error())
}

// paramRejection expects a parameter error for param with Stripe code code.
func paramRejection(param, code string, contains ...string) rejection {
	return rejection{Param: param, Code: code, Is: []error{record.ErrInvalidParameter},
		Not: []error{payrec.ErrInvalidTransition, record.ErrDuplicate}, Contains: contains}
}

// amounts are the five buckets of a record's latest attempt, in minor
// units of the record's currency.
type amounts struct {
	Requested, Guaranteed, Failed, Canceled, Refunded int64
}

// assertAmounts checks r's amounts (all in US dollars) against want.
func assertAmounts(t testing.TB, r *record.Record, want amounts) {
	t.Helper()
	assert.Equal(t, usdCents(want.Requested), r.AmountRequested(), "AmountRequested")
	assert.Equal(t, usdCents(want.Guaranteed), r.AmountGuaranteed(), "AmountGuaranteed")
	assert.Equal(t, usdCents(want.Failed), r.AmountFailed(), "AmountFailed")
	assert.Equal(t, usdCents(want.Canceled), r.AmountCanceled(), "AmountCanceled")
	assert.Equal(t, usdCents(want.Refunded), r.AmountRefunded(), "AmountRefunded")
}

// metadataN returns n metadata entries "<prefix>00": "v", "<prefix>01": "v", ….
func metadataN(prefix string, n int) map[string]string {
	m := make(map[string]string, n)
	for i := range n {
		m[fmt.Sprintf("%s%02d", prefix, i)] = "v"
	}
	return m
}
