package record_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/payrec/payrec"
	"github.com/payrec/payrec/attempt"
	"github.com/payrec/payrec/money"
	"github.com/payrec/payrec/record"
	"github.com/payrec/payrec/record/recordtest"
)

// TestProperty is the model-based test of a record's life. Each sequence
// starts from a report_payment and applies reports of all seven kinds,
// valid and with one defect each (drawn by recordtest), in any order. A
// small model — per attempt its state, times and refunded amount; for the
// record its version, refunds, metadata and description — predicts
// whether each report is accepted and, if not, which sentinels the error
// matches. After every step the record must hold recordtest's invariants,
// agree with the model, and equal both the replay of its accepted reports
// and the replay of a report log holding them.
func TestProperty(t *testing.T) {
	var sequences, steps int
	stats := make(map[string]int) // "<op> accepted|rejected", and "max attempts"
	start := time.Now()
	rapid.Check(t, func(t *rapid.T) {
		sequences++
		pm := newPropMachine(t, &steps)
		pm.stats = stats
		t.Repeat(map[string]func(*rapid.T){
			record.OpReportPayment:                     pm.reportPayment,
			record.OpReportPaymentAttempt:              pm.reportPaymentAttempt,
			record.OpReportPaymentAttemptFailed:        pm.reportFailed,
			record.OpReportPaymentAttemptGuaranteed:    pm.reportGuaranteed,
			record.OpReportPaymentAttemptCanceled:      pm.reportCanceled,
			record.OpReportPaymentAttemptInformational: pm.reportInformational,
			record.OpReportRefund:                      pm.reportRefund,
			"":                                         pm.check,
		})
	})
	t.Logf("TestProperty: %d sequences, %d steps in %v", sequences, steps, time.Since(start).Round(time.Millisecond))
	t.Logf("TestProperty: reports accepted/rejected by operation: %v; most attempts in a record: %d",
		propOutcomes(stats), stats["max attempts"])
}

// propOutcomes lists accepted/rejected counts per operation, in endpoint
// order, for the log.
func propOutcomes(stats map[string]int) string {
	var b strings.Builder
	for i, op := range []string{record.OpReportPayment, record.OpReportPaymentAttempt, record.OpReportPaymentAttemptFailed,
		record.OpReportPaymentAttemptGuaranteed, record.OpReportPaymentAttemptCanceled,
		record.OpReportPaymentAttemptInformational, record.OpReportRefund} {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s %d/%d", op, stats[op+" accepted"], stats[op+" rejected"])
	}
	return b.String()
}

// propAttempt is the model of one attempt.
type propAttempt struct {
	id           string
	state        payrec.State
	initiatedAt  int64
	outcomeAt    int64 // when it reached its state; 0 while pending
	guaranteedAt int64
	refunded     int64 // minor units
	// createdBy is the report that created the attempt: a retry must
	// repeat it, metadata aside, to be a duplicate.
	createdBy record.Report
}

// propRefund is the model of one refund: its amount, and the report that
// made it (a retry must repeat it, metadata aside, to be a duplicate).
type propRefund struct {
	amount int64
	report record.ReportRefundParams
}

// propSame reports whether two reports are the same report in the sense of
// record.ErrDuplicate: equal report-log encodings once metadata is set
// aside and an omitted processor type is written as the custom it means.
func propSame(a, b record.Report) bool {
	return bytes.Equal(propCanonical(a), propCanonical(b))
}

func propCanonical(rep record.Report) []byte {
	switch p := rep.(type) {
	case record.ReportPaymentParams:
		p.Metadata, p.ClearMetadata = nil, false
		if p.ProcessorDetails.Type == "" {
			p.ProcessorDetails.Type = attempt.ProcessorTypeCustom
		}
		rep = p
	case record.ReportPaymentAttemptParams:
		p.Metadata, p.ClearMetadata = nil, false
		rep = p
	case record.ReportRefundParams:
		p.Metadata, p.ClearMetadata = nil, false
		rep = p
	}
	b, err := json.Marshal(rep)
	if err != nil {
		panic(err) // the model only compares reports the record accepted
	}
	return b
}

// propModel is what the test believes the record holds.
type propModel struct {
	created     record.ReportPaymentParams // the report that created the record
	cur         money.Currency
	requested   int64
	version     uint64
	attempts    []propAttempt
	refunds     map[string]propRefund
	metadata    map[string]string
	description string
}

func (m *propModel) latest() *propAttempt { return &m.attempts[len(m.attempts)-1] }

// propNewAttempt models an attempt reported with its outcome, if any.
func propNewAttempt(rep record.Report, id string, initiatedAt int64, o record.Outcome, g record.GuaranteedParams, f record.FailedParams) propAttempt {
	a := propAttempt{id: id, state: payrec.Pending, initiatedAt: initiatedAt, createdBy: rep}
	switch o {
	case record.OutcomeGuaranteed:
		a.state, a.outcomeAt, a.guaranteedAt = payrec.Guaranteed, g.GuaranteedAt, g.GuaranteedAt
	case record.OutcomeFailed:
		a.state, a.outcomeAt = payrec.Failed, f.FailedAt
	}
	return a
}

// merge applies a metadata update as Stripe does: clear first if asked,
// then "" removes a key and anything else sets it.
func (m *propModel) merge(md map[string]string, clear bool) {
	if clear {
		m.metadata = make(map[string]string)
	}
	for k, v := range md {
		if v == "" {
			delete(m.metadata, k)
		} else {
			m.metadata[k] = v
		}
	}
}

// propExpect is the model's prediction for one report.
type propExpect struct {
	accept     bool
	is         []error // the rejection matches each of these
	isNot      []error // and none of these
	transition bool    // and errors.As finds a *payrec.TransitionError
	param      bool    // a parameter error: Param names the parameter
}

func propReject(is ...error) propExpect { return propExpect{is: is} }

var propParamError = propExpect{
	is:    []error{record.ErrInvalidParameter},
	isNot: []error{payrec.ErrInvalidTransition, record.ErrDuplicate},
	param: true,
}

// predictSettle predicts guarantee, fail or cancel at time at.
func (m *propModel) predictSettle(e payrec.Event, at int64) propExpect {
	a := m.latest()
	switch {
	case at < a.initiatedAt:
		return propParamError
	case a.state == payrec.Pending:
		return propExpect{accept: true}
	case a.state == e.Target() && at == a.outcomeAt:
		// A webhook retry of the report that settled the attempt.
		return propExpect{is: []error{record.ErrDuplicate, payrec.ErrInvalidTransition}, transition: true}
	}
	return propExpect{is: []error{payrec.ErrInvalidTransition}, isNot: []error{record.ErrDuplicate}, transition: true}
}

// predictAttempt predicts report_payment_attempt.
func (m *propModel) predictAttempt(p record.ReportPaymentAttemptParams) propExpect {
	for i, a := range m.attempts {
		if a.id != p.AttemptID {
			continue
		}
		// The attempt ID is checked before the state, so that a retry is
		// recognised whatever happened to the attempt since.
		if i == len(m.attempts)-1 && i > 0 && propSame(a.createdBy, p) {
			return propReject(record.ErrDuplicate, record.ErrDuplicateAttemptID)
		}
		e := propReject(record.ErrDuplicateAttemptID)
		e.isNot = []error{record.ErrDuplicate}
		return e
	}
	switch m.latest().state {
	case payrec.Pending:
		e := propReject(record.ErrAttemptPending, payrec.ErrInvalidTransition)
		e.isNot = []error{record.ErrDuplicate}
		return e
	case payrec.Guaranteed:
		e := propReject(record.ErrFundsGuaranteed, payrec.ErrInvalidTransition)
		e.isNot = []error{record.ErrDuplicate}
		return e
	}
	return propExpect{accept: true}
}

// predictRefund predicts report_refund.
func (m *propModel) predictRefund(p record.ReportRefundParams) propExpect {
	given := p.Amount != money.Amount{}
	if prev, ok := m.refunds[p.ProcessorDetails.RefundReference]; ok {
		if propSame(prev.report, p) {
			return propReject(record.ErrDuplicate, record.ErrDuplicateRefundReference)
		}
		e := propReject(record.ErrDuplicateRefundReference)
		e.isNot = []error{record.ErrDuplicate}
		return e
	}
	a := m.latest()
	if a.state != payrec.Guaranteed {
		return propReject(record.ErrNoGuaranteedFunds, payrec.ErrInvalidTransition)
	}
	if p.Refunded.RefundedAt != 0 && p.Refunded.RefundedAt < a.guaranteedAt {
		return propParamError
	}
	left := m.requested - a.refunded
	amt := left
	if given {
		amt = p.Amount.Value()
	}
	switch {
	case left == 0:
		// A refund without guaranteed funds left is "refund exceeds", and
		// it is a conflict with the record's state (ErrNothingLeft: it
		// matches ErrNoGuaranteedFunds too).
		return propReject(record.ErrRefundExceeds, record.ErrNoGuaranteedFunds, payrec.ErrInvalidTransition)
	case amt > left:
		return propReject(record.ErrRefundExceeds)
	}
	return propExpect{accept: true}
}

// propPredictInvalid predicts a report with defect d: a parameter defect is
// rejected as such whatever the state; any other defect is a conflict
// with the record that the model predicts from its own state.
func propPredictInvalid(d recordtest.Defect, conflict func() propExpect) propExpect {
	if d.IsParam() {
		return propParamError
	}
	return conflict()
}

// apply updates the model with an accepted report.
func (m *propModel) apply(rep record.Report) {
	a := m.latest()
	switch p := rep.(type) {
	case record.ReportPaymentAttemptParams:
		m.attempts = append(m.attempts, propNewAttempt(p, p.AttemptID, p.InitiatedAt, p.Outcome, p.Guaranteed, p.Failed))
		if p.Description != "" {
			m.description = p.Description
		}
		m.merge(p.Metadata, p.ClearMetadata)
	case record.ReportPaymentAttemptFailedParams:
		a.state, a.outcomeAt = payrec.Failed, p.FailedAt
		m.merge(p.Metadata, p.ClearMetadata)
	case record.ReportPaymentAttemptGuaranteedParams:
		a.state, a.outcomeAt, a.guaranteedAt = payrec.Guaranteed, p.GuaranteedAt, p.GuaranteedAt
		m.merge(p.Metadata, p.ClearMetadata)
	case record.ReportPaymentAttemptCanceledParams:
		a.state, a.outcomeAt = payrec.Canceled, p.CanceledAt
		m.merge(p.Metadata, p.ClearMetadata)
	case record.ReportPaymentAttemptInformationalParams:
		switch {
		case p.ClearDescription:
			m.description = ""
		case p.Description != "":
			m.description = p.Description
		}
		m.merge(p.Metadata, p.ClearMetadata)
	case record.ReportRefundParams:
		given := p.Amount != money.Amount{}
		amt := m.requested - a.refunded
		if given {
			amt = p.Amount.Value()
		}
		a.refunded += amt
		m.refunds[p.ProcessorDetails.RefundReference] = propRefund{amount: amt, report: p}
		m.merge(p.Metadata, p.ClearMetadata)
	}
	m.version++
}

// propMachine drives one sequence: the record under test, its model, and
// the reports it accepted, in order.
type propMachine struct {
	r        *record.Record
	m        propModel
	accepted []record.Report
	steps    *int
	stats    map[string]int
	// changed is set when a report was accepted since the last replay
	// check. A rejected report is checked to leave the record equal to
	// its state before, which the previous check replayed already.
	changed bool
}

func newPropMachine(t *rapid.T, steps *int) *propMachine {
	p := recordtest.ReportPayment().Draw(t, "report_payment")
	r, err := record.ReportPayment(p)
	require.NoError(t, err)
	pm := &propMachine{
		r:        r,
		accepted: []record.Report{p},
		steps:    steps,
		changed:  true,
		m: propModel{
			created:     p,
			cur:         p.AmountRequested.Currency(),
			requested:   p.AmountRequested.Value(),
			version:     1,
			attempts:    []propAttempt{propNewAttempt(p, p.AttemptID, p.InitiatedAt, p.Outcome, p.Guaranteed, p.Failed)},
			refunds:     make(map[string]propRefund),
			metadata:    make(map[string]string),
			description: p.Description,
		},
	}
	pm.m.merge(p.Metadata, p.ClearMetadata)
	return pm
}

// propValid draws whether an action reports valid parameters (three times in
// four) or parameters with one defect.
func propValid(t *rapid.T) bool { return rapid.IntRange(0, 3).Draw(t, "valid") != 0 }

// propReport draws a report from valid, or (one time in four) one with a
// defect from invalid, and steps with what predict says of it: for a report
// with a defect, predict speaks only when the defect is a conflict.
func propReport[P record.Report](
	pm *propMachine, t *rapid.T, valid *rapid.Generator[P], invalid *rapid.Generator[recordtest.Invalid[P]],
	predict func(P) propExpect,
) {
	if propValid(t) {
		p := valid.Draw(t, "params")
		pm.step(t, p, predict(p), nil)
		return
	}
	inv := invalid.Draw(t, "invalid")
	pm.step(t, inv.Params, propPredictInvalid(inv.Defect, func() propExpect { return predict(inv.Params) }), inv.Want)
}

func (pm *propMachine) reportPayment(t *rapid.T) {
	exists := func(p record.ReportPaymentParams) propExpect {
		if propSame(pm.m.created, p) {
			return propReject(record.ErrRecordExists, record.ErrDuplicate)
		}
		e := propReject(record.ErrRecordExists)
		e.isNot = []error{record.ErrDuplicate}
		return e
	}
	switch rapid.IntRange(0, 2).Draw(t, "report_payment_kind") {
	case 0: // a new record: fine on its own, refused by this one
		p := recordtest.ReportPayment().Draw(t, "params")
		fresh, err := record.ReportPayment(p)
		require.NoError(t, err)
		assert.Equal(t, uint64(1), fresh.Version())
		recordtest.Check(t, fresh)
		pm.step(t, p, exists(p), nil)
	case 1: // a retry of the report that created this record
		pm.step(t, pm.m.created, exists(pm.m.created), nil)
	default:
		inv := recordtest.InvalidReportPayment().Draw(t, "invalid")
		fresh, err := record.ReportPayment(inv.Params)
		assert.Nil(t, fresh)
		propCheckRejection(t, err, propParamError, inv.Want, inv.Params)
		// Parameters are checked before the record's existence.
		pm.step(t, inv.Params, propParamError, inv.Want)
	}
}

func (pm *propMachine) reportPaymentAttempt(t *rapid.T) {
	if a := pm.m.latest(); rapid.IntRange(0, 7).Draw(t, "retry") == 0 {
		// A webhook retry of the report that created the latest attempt,
		// its metadata dropped: a duplicate when that report was a
		// report_payment_attempt, a conflict otherwise.
		if p, ok := a.createdBy.(record.ReportPaymentAttemptParams); ok {
			p.Metadata, p.ClearMetadata = nil, false
			pm.step(t, p, pm.m.predictAttempt(p), nil)
			return
		}
	}
	propReport(pm, t, recordtest.ReportPaymentAttempt(pm.r), recordtest.InvalidReportPaymentAttempt(pm.r),
		pm.m.predictAttempt)
}

func (pm *propMachine) reportFailed(t *rapid.T) {
	propReport(pm, t, recordtest.ReportPaymentAttemptFailed(pm.r), recordtest.InvalidReportPaymentAttemptFailed(pm.r),
		func(p record.ReportPaymentAttemptFailedParams) propExpect {
			return pm.m.predictSettle(payrec.Fail, p.FailedAt)
		})
}

func (pm *propMachine) reportGuaranteed(t *rapid.T) {
	propReport(pm, t, recordtest.ReportPaymentAttemptGuaranteed(pm.r),
		recordtest.InvalidReportPaymentAttemptGuaranteed(pm.r),
		func(p record.ReportPaymentAttemptGuaranteedParams) propExpect {
			return pm.m.predictSettle(payrec.Guarantee, p.GuaranteedAt)
		})
}

func (pm *propMachine) reportCanceled(t *rapid.T) {
	propReport(pm, t, recordtest.ReportPaymentAttemptCanceled(pm.r), recordtest.InvalidReportPaymentAttemptCanceled(pm.r),
		func(p record.ReportPaymentAttemptCanceledParams) propExpect {
			return pm.m.predictSettle(payrec.Cancel, p.CanceledAt)
		})
}

func (pm *propMachine) reportInformational(t *rapid.T) {
	// Informational reports fit every state.
	propReport(pm, t, recordtest.ReportPaymentAttemptInformational(pm.r),
		recordtest.InvalidReportPaymentAttemptInformational(pm.r),
		func(record.ReportPaymentAttemptInformationalParams) propExpect { return propExpect{accept: true} })
}

func (pm *propMachine) reportRefund(t *rapid.T) {
	if len(pm.m.refunds) > 0 && rapid.IntRange(0, 7).Draw(t, "retry") == 0 {
		// A webhook retry of an earlier refund, its metadata dropped.
		refs := slices.Sorted(maps.Keys(pm.m.refunds))
		p := pm.m.refunds[rapid.SampledFrom(refs).Draw(t, "retried")].report
		p.Metadata, p.ClearMetadata = nil, false
		pm.step(t, p, pm.m.predictRefund(p), nil)
		return
	}
	propReport(pm, t, recordtest.ReportRefund(pm.r), recordtest.InvalidReportRefund(pm.r), pm.m.predictRefund)
}

// step applies rep — through Apply or the operation's own method — and
// checks the outcome against the prediction want and, for a report drawn
// with a defect, against recordtest's Want as well.
func (pm *propMachine) step(t *rapid.T, rep record.Report, want propExpect, recordtestWant []error) {
	*pm.steps++
	before := pm.r.Clone()
	var err error
	if _, create := rep.(record.ReportPaymentParams); create || rapid.Bool().Draw(t, "via_apply") {
		err = pm.r.Apply(rep)
	} else {
		err = propDirect(pm.r, rep)
	}
	if err == nil {
		pm.stats[rep.Op()+" accepted"]++
	} else {
		pm.stats[rep.Op()+" rejected"]++
	}
	if want.accept {
		require.NoError(t, err, "%s was rejected; the model accepts it: %+v", rep.Op(), rep)
		assert.Equal(t, before.Version()+1, pm.r.Version(), "%s: every accepted report adds one version", rep.Op())
		pm.m.apply(rep)
		pm.accepted = append(pm.accepted, rep)
		pm.changed = true
		pm.stats["max attempts"] = max(pm.stats["max attempts"], len(pm.m.attempts))
		return
	}
	propCheckRejection(t, err, want, recordtestWant, rep)
	recordtest.Equal(t, pm.r, before) // a rejected report changes nothing, Version included
}

// propDirect applies rep with the method of its operation.
func propDirect(r *record.Record, rep record.Report) error {
	switch p := rep.(type) {
	case record.ReportPaymentAttemptParams:
		return r.ReportPaymentAttempt(p)
	case record.ReportPaymentAttemptFailedParams:
		return r.ReportPaymentAttemptFailed(p)
	case record.ReportPaymentAttemptGuaranteedParams:
		return r.ReportPaymentAttemptGuaranteed(p)
	case record.ReportPaymentAttemptCanceledParams:
		return r.ReportPaymentAttemptCanceled(p)
	case record.ReportPaymentAttemptInformationalParams:
		return r.ReportPaymentAttemptInformational(p)
	case record.ReportRefundParams:
		return r.ReportRefund(p)
	}
	return r.Apply(rep)
}

// propCheckRejection checks a rejection against the model's prediction.
func propCheckRejection(t *rapid.T, err error, want propExpect, recordtestWant []error, rep any) {
	require.Error(t, err, "accepted; the model rejects it: %+v", rep)
	var pe *payrec.Error
	require.ErrorAs(t, err, &pe, "every rejection is a *payrec.Error")
	assert.Equal(t, payrec.ErrorType, pe.Type)
	for _, e := range want.is {
		assert.ErrorIs(t, err, e, "model")
	}
	for _, e := range want.isNot {
		assert.NotErrorIs(t, err, e, "model")
	}
	for _, e := range recordtestWant {
		assert.ErrorIs(t, err, e, "recordtest's Want")
	}
	var te *payrec.TransitionError
	assert.Equal(t, want.transition, errors.As(err, &te), "errors.As(err, *payrec.TransitionError) for %v", err)
	if want.param {
		assert.NotEmpty(t, pe.Param, "a parameter error names its parameter: %v", err)
	}
}

// check is the invariant of every step.
func (pm *propMachine) check(t *rapid.T) {
	r, m := pm.r, &pm.m
	recordtest.Check(t, r)
	_, err := json.Marshal(r)
	require.NoError(t, err, "Marshal never fails")
	assert.Equal(t, m.version, r.Version())

	atts := r.Attempts()
	require.Len(t, atts, len(m.attempts))
	withFunds := 0
	for i, ma := range m.attempts {
		a := &atts[i]
		assert.Equal(t, ma.id, a.ID(), "attempt %d", i+1)
		assert.Equal(t, ma.state, a.State(), "attempt %d", i+1)
		assert.Equal(t, ma.outcomeAt, a.OutcomeAt(), "attempt %d", i+1)
		// The model's buckets: all the requested amount in the state's
		// bucket, less what was refunded for a guaranteed attempt.
		bucket := map[payrec.State]int64{ma.state: m.requested}
		bucket[payrec.Guaranteed] -= ma.refunded
		for _, c := range []struct {
			name string
			got  money.Amount
			want int64
		}{
			{"pending", a.Pending(), bucket[payrec.Pending]},
			{"guaranteed", a.Guaranteed(), bucket[payrec.Guaranteed]},
			{"failed", a.Failed(), bucket[payrec.Failed]},
			{"canceled", a.Canceled(), bucket[payrec.Canceled]},
			{"refunded", a.Refunded(), ma.refunded},
			{"requested", a.Requested(), m.requested},
		} {
			assert.Equal(t, money.New(c.want, m.cur), c.got, "attempt %d (%s) %s", i+1, ma.state, c.name)
		}
		if ma.state == payrec.Guaranteed {
			withFunds++
		}
	}
	assert.LessOrEqual(t, withFunds, 1, "at most one attempt with guaranteed funds")
	assert.Equal(t, m.metadata, r.Metadata())
	assert.Equal(t, m.description, r.Description())
	refunds := make(map[string]int64)
	for _, rf := range r.Refunds() {
		refunds[rf.Reference] = rf.Amount.Value()
	}
	modelRefunds := make(map[string]int64)
	for ref, rf := range maps.All(m.refunds) {
		modelRefunds[ref] = rf.amount
	}
	assert.Equal(t, modelRefunds, refunds)

	if !pm.changed {
		return
	}
	pm.changed = false
	replayed, err := record.Replay(pm.accepted...)
	require.NoError(t, err, "Replay of the accepted reports")
	recordtest.Equal(t, replayed, r)

	var log bytes.Buffer
	lw := record.NewLogWriter(&log)
	for _, rep := range pm.accepted {
		require.NoError(t, lw.Write(r.ID(), rep))
	}
	fromLog, err := record.ReplayLog(&log)
	require.NoError(t, err, "ReplayLog of the accepted reports:\n%s", log.String())
	recordtest.Equal(t, fromLog, r)
}

// TestRefundNothingLeftIsStateConflict pins the rule the model relies on:
// the package's error table lists "a refund once everything is refunded"
// (ErrNothingLeft) as matching ErrRefundExceeds and ErrNoGuaranteedFunds,
// and so payrec.ErrInvalidTransition.
// A refund with a positive amount larger than what is left is an amount
// problem and is only required to match ErrRefundExceeds.
func TestRefundNothingLeftIsStateConflict(t *testing.T) {
	r, err := record.ReportPayment(record.ReportPaymentParams{
		ID: "pr_1", AttemptID: "par_1", Created: 1730211363, InitiatedAt: 1730211363,
		AmountRequested: usdCents(1000), Outcome: record.OutcomeGuaranteed,
		Guaranteed:           record.GuaranteedParams{GuaranteedAt: 1730211400},
		PaymentMethodDetails: attempt.PaymentMethodDetails{Custom: attempt.CustomDetails{DisplayName: "newpay"}},
	})
	require.NoError(t, err)
	ref := func(s string) record.RefundProcessorDetails { return record.RefundProcessorDetails{RefundReference: s} }
	steps := []struct {
		p           record.ReportRefundParams
		ok          bool
		nothingLeft bool // so the error also matches payrec.ErrInvalidTransition
	}{
		{p: record.ReportRefundParams{Amount: usdCents(1001), ProcessorDetails: ref("re_0")}}, // more than is left
		{p: record.ReportRefundParams{ProcessorDetails: ref("re_1")}, ok: true},               // everything
		{p: record.ReportRefundParams{ProcessorDetails: ref("re_2")}, nothingLeft: true},      // nothing left, amount omitted
		{p: record.ReportRefundParams{Amount: usdCents(1), ProcessorDetails: ref("re_3")}, nothingLeft: true},
	}
	for i, s := range steps {
		err := r.ReportRefund(s.p)
		if s.ok {
			require.NoError(t, err, "step %d", i+1)
			continue
		}
		assert.ErrorIs(t, err, record.ErrRefundExceeds, "step %d", i+1)
		if s.nothingLeft {
			assert.ErrorIs(t, err, payrec.ErrInvalidTransition, "step %d: a refund with nothing left", i+1)
			assert.ErrorIs(t, err, record.ErrNoGuaranteedFunds, "step %d: a refund with nothing left", i+1)
		}
	}
}
