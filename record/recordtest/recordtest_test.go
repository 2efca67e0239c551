package recordtest_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/payrec/payrec"
	"github.com/payrec/payrec/attempt"
	"github.com/payrec/payrec/money"
	"github.com/payrec/payrec/record"
	"github.com/payrec/payrec/record/recordtest"
)

// drawRecord draws a record somewhere in its life.
func drawRecord(t *rapid.T) *record.Record {
	r, err := record.Replay(recordtest.Reports().Draw(t, "reports")...)
	require.NoError(t, err)
	return r
}

func TestAmountBounded(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		cur := recordtest.Currency().Draw(t, "currency")
		a := recordtest.Amount(cur).Draw(t, "amount")
		assert.True(t, a.IsPositive(), "amount %s", a)
		assert.LessOrEqual(t, a.Value(), recordtest.MaxValue)
		assert.Equal(t, cur, a.Currency())
	})
}

func TestReportPaymentAccepted(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		p := recordtest.ReportPayment().Draw(t, "params")
		r, err := record.ReportPayment(p)
		require.NoError(t, err)
		assert.Equal(t, uint64(1), r.Version())
		recordtest.Check(t, r)
	})
}

func TestReportsReplay(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		reports := recordtest.Reports().Draw(t, "reports")
		require.NotEmpty(t, reports)
		require.LessOrEqual(t, len(reports), recordtest.MaxReports)
		r, err := record.Replay(reports...)
		require.NoError(t, err)
		assert.Equal(t, uint64(len(reports)), r.Version(), "one version per accepted report")
		recordtest.Check(t, r)
	})
}

// TestValidParams checks the promise of the params generators: what they
// draw for a record passes every parameter check against it, so that a
// rejection can only come from the record's state.
func TestValidParams(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		r := drawRecord(t)
		gens := map[string]*rapid.Generator[record.Report]{
			record.OpReportPaymentAttempt:              asReport(recordtest.ReportPaymentAttempt(r)),
			record.OpReportPaymentAttemptFailed:        asReport(recordtest.ReportPaymentAttemptFailed(r)),
			record.OpReportPaymentAttemptGuaranteed:    asReport(recordtest.ReportPaymentAttemptGuaranteed(r)),
			record.OpReportPaymentAttemptCanceled:      asReport(recordtest.ReportPaymentAttemptCanceled(r)),
			record.OpReportPaymentAttemptInformational: asReport(recordtest.ReportPaymentAttemptInformational(r)),
			record.OpReportRefund:                      asReport(recordtest.ReportRefund(r)),
			"next":                                     recordtest.Next(r),
		}
		for _, op := range []string{record.OpReportPaymentAttempt, record.OpReportPaymentAttemptFailed,
			record.OpReportPaymentAttemptGuaranteed, record.OpReportPaymentAttemptCanceled,
			record.OpReportPaymentAttemptInformational, record.OpReportRefund, "next"} {
			rep := gens[op].Draw(t, op)
			c := r.Clone()
			err := c.Apply(rep)
			assert.NotErrorIs(t, err, record.ErrInvalidParameter, "%s: %+v", op, rep)
			if op == "next" || op == record.OpReportPaymentAttemptInformational {
				assert.NoError(t, err, "%s: %+v", op, rep)
			}
			if err == nil {
				recordtest.Check(t, c)
			} else {
				recordtest.Equal(t, c, r)
			}
		}
	})
}

func asReport[P record.Report](g *rapid.Generator[P]) *rapid.Generator[record.Report] {
	return rapid.Map(g, func(p P) record.Report { return p })
}

func asInvalid[P record.Report](g *rapid.Generator[recordtest.Invalid[P]]) *rapid.Generator[recordtest.Invalid[record.Report]] {
	return rapid.Map(g, func(v recordtest.Invalid[P]) recordtest.Invalid[record.Report] {
		return recordtest.Invalid[record.Report]{Params: v.Params, Defect: v.Defect, Want: v.Want}
	})
}

// TestInvalidRejected checks the promise of the Invalid… generators: the
// record rejects the report with every error in Want, and stays as it was.
func TestInvalidRejected(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		r := drawRecord(t)
		gens := []*rapid.Generator[recordtest.Invalid[record.Report]]{
			asInvalid(recordtest.InvalidReportPaymentAttempt(r)),
			asInvalid(recordtest.InvalidReportPaymentAttemptFailed(r)),
			asInvalid(recordtest.InvalidReportPaymentAttemptGuaranteed(r)),
			asInvalid(recordtest.InvalidReportPaymentAttemptCanceled(r)),
			asInvalid(recordtest.InvalidReportPaymentAttemptInformational(r)),
			asInvalid(recordtest.InvalidReportRefund(r)),
		}
		for i, g := range gens {
			inv := g.Draw(t, fmt.Sprint("invalid", i))
			c := r.Clone()
			err := c.Apply(inv.Params)
			require.Error(t, err, "%s with %s: %+v", inv.Params.Op(), inv.Defect, inv.Params)
			var pe *payrec.Error
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, payrec.ErrorType, pe.Type)
			for _, w := range inv.Want {
				assert.ErrorIs(t, err, w, "%s with %s", inv.Params.Op(), inv.Defect)
			}
			if inv.Defect.IsParam() {
				assert.NotErrorIs(t, err, payrec.ErrInvalidTransition, "%s with %s", inv.Params.Op(), inv.Defect)
			}
			recordtest.Equal(t, c, r)
		}
	})
}

func TestInvalidReportPaymentRejected(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		inv := recordtest.InvalidReportPayment().Draw(t, "invalid")
		r, err := record.ReportPayment(inv.Params)
		assert.Nil(t, r)
		require.Error(t, err, "%s: %+v", inv.Defect, inv.Params)
		assert.ErrorIs(t, err, record.ErrInvalidParameter, "%s", inv.Defect)
		assert.True(t, inv.Defect.IsParam())
	})
}

// TestInvalidOnly checks that restricting the defects restricts the draw.
func TestInvalidOnly(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		r := drawRecord(t)
		inv := recordtest.InvalidReportRefund(r, recordtest.WrongCurrency, recordtest.MissingParam).Draw(t, "invalid")
		assert.Contains(t, []recordtest.Defect{recordtest.WrongCurrency, recordtest.MissingParam}, inv.Defect)
	})
}

func TestDefectString(t *testing.T) {
	tests := []struct {
		name string
		d    recordtest.Defect
		want string
	}{
		{"parameter defect", recordtest.MissingParam, "missing parameter"},
		{"conflict", recordtest.OverRefund, "over-refund"},
		{"last", recordtest.Repeat, "repeated report"},
		{"zero", 0, "Defect(0)"},
		{"out of range", 200, "Defect(200)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.d.String())
		})
	}
}

// fakeT records what Check and Equal report.
type fakeT struct{ msg string }

func (*fakeT) Helper() {}
func (f *fakeT) Fatalf(format string, args ...any) {
	f.msg = fmt.Sprintf(format, args...)
}

func canonical(t *testing.T) *record.Record {
	usd := money.MustParseCurrency("usd")
	r, err := record.ReportPayment(record.ReportPaymentParams{
		ID: "pr_5RV730PrHyAEi", AttemptID: "par_1ArV730PrHyQuG", Created: 1730211363, Livemode: true,
		AmountRequested: money.New(1000, usd), InitiatedAt: 1730211363,
		PaymentMethodDetails: attempt.PaymentMethodDetails{Custom: attempt.CustomDetails{DisplayName: "newpay"}},
	})
	require.NoError(t, err)
	return r
}

func TestCheckPasses(t *testing.T) {
	r := canonical(t)
	require.NoError(t, r.ReportPaymentAttemptFailed(record.ReportPaymentAttemptFailedParams{FailedAt: 1730253453}))
	var f fakeT
	recordtest.Check(&f, r)
	assert.Empty(t, f.msg)
	assert.NoError(t, recordtest.Verify(r))
}

func TestVerifyZeroRecord(t *testing.T) {
	err := recordtest.Verify(new(record.Record))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "has no attempt")
	assert.Error(t, recordtest.Verify(nil))
}

// TestDiff checks that Diff names the members that differ.
func TestDiff(t *testing.T) {
	a := canonical(t)
	b := a.Clone()
	assert.Empty(t, recordtest.Diff(a, b))
	require.NoError(t, b.ReportPaymentAttemptGuaranteed(record.ReportPaymentAttemptGuaranteedParams{GuaranteedAt: 1730253453}))

	d := recordtest.Diff(b, a)
	for _, want := range []string{
		"Version() = 2, want 1",
		`record JSON amount_guaranteed = {"currency":"usd","value":1000}, want {"currency":"usd","value":0}`,
		`attempt 1 JSON amount_guaranteed`,
	} {
		assert.Contains(t, d, want)
	}
	assert.NotContains(t, d, "amount_failed", "only differing members are named")

	var f fakeT
	recordtest.Equal(&f, b, a)
	assert.Equal(t, d, f.msg)
	assert.True(t, strings.HasPrefix(recordtest.Diff(nil, a), "recordtest: got no record"))
	assert.Empty(t, recordtest.Diff(nil, nil))
}

// TestInvalidNoDefectApplies checks that asking for a defect that cannot
// apply fails the draw rather than drawing something else.
func TestInvalidNoDefectApplies(t *testing.T) {
	r := canonical(t) // pending, no refunds
	g := recordtest.InvalidReportRefund(r, recordtest.DuplicateRefundReference)
	assert.Panics(t, func() { g.Example(1) }, "Example panics when the draw fails")
}

// TestDiffSeesTimes: two records whose JSON is the same but whose attempts
// started and failed at other times behave differently on later reports
// (a retry of the failure is a duplicate on one only), so Diff tells them
// apart.
func TestDiffSeesTimes(t *testing.T) {
	build := func(initiated, failed int64) *record.Record {
		r, err := record.ReportPayment(record.ReportPaymentParams{
			ID: "pr_t", AttemptID: "par_t", Created: 1730000000, InitiatedAt: initiated,
			AmountRequested:      money.New(1000, money.MustParseCurrency("usd")),
			PaymentMethodDetails: attempt.PaymentMethodDetails{Custom: attempt.CustomDetails{DisplayName: "newpay"}},
		})
		require.NoError(t, err)
		require.NoError(t, r.ReportPaymentAttemptFailed(record.ReportPaymentAttemptFailedParams{FailedAt: failed}))
		return r
	}
	a, b := build(1730211363, 1730253453), build(1730000000, 1730299999)
	aj, err := a.MarshalJSON()
	require.NoError(t, err)
	bj, err := b.MarshalJSON()
	require.NoError(t, err)
	require.Equal(t, string(aj), string(bj), "the JSON does not show the times")
	d := recordtest.Diff(a, b)
	assert.Contains(t, d, "InitiatedAt() = 1730211363, want 1730000000")
	assert.Contains(t, d, "FailedAt() = 1730253453, want 1730299999")
	assert.Empty(t, recordtest.Diff(a, a.Clone()))
}
