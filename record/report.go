package record

import (
	"errors"
	"fmt"

	"github.com/payrec/payrec"
	"github.com/payrec/payrec/attempt"
	"github.com/payrec/payrec/internal/attemptops"
	"github.com/payrec/payrec/internal/wire"
	"github.com/payrec/payrec/money"
)

// ops are package attempt's changes to the attempts a record owns.
var ops = attemptops.Get[attempt.Attempt, attempt.PaymentMethodDetails, attempt.ProcessorDetails,
	attempt.ShippingDetails, attempt.CustomerDetails, attempt.CustomerPresence]()

// attemptInit is what an attempt is made with.
type attemptInit = attemptops.Init[attempt.PaymentMethodDetails, attempt.ProcessorDetails,
	attempt.ShippingDetails, attempt.CustomerDetails, attempt.CustomerPresence]

// Parameter paths are built once: building "a[b]" allocates, and the
// report operations are benchmarked.
var (
	root             = wire.Root(pkg)
	pathRefundRef    = root.Key("processor_details").Key("custom").Key("refund_reference")
	pathRefundType   = root.Key("processor_details").Key("type")
	pathRefundedAt   = root.Key("refunded").Key("refunded_at")
	pathAmountCur    = root.Key("amount").Key("currency")
	pathAmountValue  = root.Key("amount").Key("value")
	pathGuaranteedAt = root.Key("guaranteed").Key("guaranteed_at")
	pathFailedAt     = root.Key("failed").Key("failed_at")
)

// ReportPayment creates a record and its first attempt from p. ID,
// AttemptID, Created, a positive AmountRequested, InitiatedAt and
// PaymentMethodDetails are required. IDs need no prefix: any 1 to 255
// characters without white space or control characters will do, so IDs from
// other systems can be kept ([NewID] makes Stripe-style ones).
//
// The attempt is pending, or already guaranteed or failed when p.Outcome
// says so with its timestamp hash (OutcomeGuaranteed with
// Guaranteed.GuaranteedAt, OutcomeFailed with Failed.FailedAt). An outcome
// without its hash, or a hash for another outcome, is a parameter error:
// Stripe is silent on the pairing. Parameter errors name the first
// offending parameter; nothing is created on error.
func ReportPayment(p ReportPaymentParams) (*Record, error) {
	r := new(Record)
	if err := r.create(&p); err != nil {
		return nil, err
	}
	return r, nil
}

func (r *Record) create(p *ReportPaymentParams) error {
	if err := wire.CheckID(p.ID, root.Key("id")); err != nil {
		return err
	}
	if err := wire.CheckID(p.AttemptID, root.Key("attempt_id")); err != nil {
		return err
	}
	if p.PaymentMethodDetails.IsZero() {
		return root.Key("payment_method_details").Missing()
	}
	if err := checkExclusive(len(p.Metadata) > 0, p.ClearMetadata, "metadata"); err != nil {
		return err
	}
	a, err := newAttempt(p.ID, p.Livemode, p.Created, attemptReport{
		id: p.AttemptID, initiatedAt: p.InitiatedAt, requested: p.AmountRequested,
		paymentMethod: p.PaymentMethodDetails, shipping: p.ShippingDetails, description: p.Description,
		metadata: p.Metadata, outcome: p.Outcome, guaranteed: p.Guaranteed, failed: p.Failed,
	}, attemptInit{
		CustomerDetails:  p.CustomerDetails,
		CustomerPresence: p.CustomerPresence,
		ProcessorDetails: p.ProcessorDetails,
	})
	if err != nil {
		return err
	}
	*r = Record{
		id:          p.ID,
		created:     p.Created,
		livemode:    p.Livemode,
		description: p.Description,
		version:     1,
	}
	r.first[0] = a
	r.attempts = r.first[:]
	r.firstSettled = p.Outcome != 0
	r.latestSettled = r.firstSettled
	wire.MergeMetadata(&r.metadata, p.Metadata, false)
	return nil
}

// attemptReport is what the two reports that create an attempt say about it.
type attemptReport struct {
	id            string
	initiatedAt   int64
	requested     money.Amount
	paymentMethod attempt.PaymentMethodDetails
	shipping      attempt.ShippingDetails
	description   string
	metadata      map[string]string
	outcome       Outcome
	guaranteed    GuaranteedParams
	failed        FailedParams
}

// newAttempt builds the attempt a report_payment or report_payment_attempt
// creates on record id, with the details in carried over, and applies the
// outcome the report already knows.
func newAttempt(id string, livemode bool, created int64, rep attemptReport, in attemptInit) (attempt.Attempt, error) {
	in.ID, in.PaymentRecord, in.Created, in.Livemode = rep.id, id, created, livemode
	in.InitiatedAt, in.Requested = rep.initiatedAt, rep.requested
	in.PaymentMethodDetails, in.ShippingDetails = rep.paymentMethod, rep.shipping
	in.Description, in.Metadata = rep.description, rep.metadata
	a, err := ops.New(in)
	if err != nil {
		return a, err
	}
	return a, settleNew(&a, rep.outcome, rep.guaranteed, rep.failed)
}

// settleNew applies the outcome of a report that creates an attempt. The
// outcome and its timestamp hash must agree: an outcome without its hash, or
// a hash for another outcome, is a parameter error.
func settleNew(a *attempt.Attempt, o Outcome, g GuaranteedParams, f FailedParams) error {
	var (
		ev payrec.Event
		at int64
		q  wire.Path
	)
	switch o {
	case 0:
		if g != (GuaranteedParams{}) {
			return root.Key("guaranteed").Errorf("", nil, "The guaranteed hash is given without outcome guaranteed")
		}
		if f != (FailedParams{}) {
			return root.Key("failed").Errorf("", nil, "The failed hash is given without outcome failed")
		}
		return nil
	case OutcomeGuaranteed:
		if f != (FailedParams{}) {
			return root.Key("failed").Errorf("", nil, "The failed hash is given with outcome guaranteed")
		}
		ev, at, q = payrec.Guarantee, g.GuaranteedAt, pathGuaranteedAt
	case OutcomeFailed:
		if g != (GuaranteedParams{}) {
			return root.Key("guaranteed").Errorf("", nil, "The guaranteed hash is given with outcome failed")
		}
		ev, at, q = payrec.Fail, f.FailedAt, pathFailedAt
	default:
		return root.Key("outcome").Errorf("", nil, "Invalid outcome: must be one of guaranteed or failed, got %s", o)
	}
	if err := wire.CheckTimestamp(at, q, true); err != nil { // the hash is given: its time is required
		return err
	}
	settled, err := ops.Settle(*a, ev, at, q)
	if err == nil {
		*a = settled
	}
	return err
}

// checkOutcomeTime checks a required outcome timestamp: given (the Go zero
// value is missing), then acceptable to the attempt.
func checkOutcomeTime(a *attempt.Attempt, at int64, p wire.Path) error {
	if err := wire.CheckTimestamp(at, p, true); err != nil {
		return err
	}
	return ops.CheckTime(a, at, p)
}

// checkExclusive rejects an update that both sets and clears param.
func checkExclusive(set, clear bool, param string) error {
	if set && clear {
		return root.Key(param).Errorf(payrec.CodeParametersExclusive, nil,
			"Cannot both clear and set %s in one report", param)
	}
	return nil
}

// checkMetadata checks a metadata update against the record's metadata.
func (r *Record) checkMetadata(md map[string]string, clear bool) error {
	if len(md) == 0 {
		return nil // clearing alone is always allowed
	}
	if err := checkExclusive(len(md) > 0, clear, "metadata"); err != nil {
		return err
	}
	into := r.metadata
	if clear {
		into = nil
	}
	return wire.CheckMetadata(md, into, root.Key("metadata"))
}

// errNoAttempt rejects reports on the zero Record.
func errNoAttempt() error {
	return stateError(payrec.ErrInvalidTransition, "The record has no attempt; records are created by report_payment")
}

// ReportPaymentAttempt adds a new attempt, the record's latest from now on:
// a retry after a failed or canceled attempt. It is rejected once the
// record has guaranteed funds (ErrFundsGuaranteed), as Stripe documents, and
// while the latest attempt is pending (ErrAttemptPending), payrec's rule
// where Stripe is silent. p.AttemptID must be new to the record
// (ErrDuplicateAttemptID).
//
// The new attempt asks for the record's amount_requested, and keeps the
// customer details, customer presence and processor details of the attempt
// before it, since the endpoint takes none of them (payrec's rules). Its
// payment_method_details and shipping_details are its own, none when
// omitted. Like report_payment, it may arrive already guaranteed or failed.
func (r *Record) ReportPaymentAttempt(p ReportPaymentAttemptParams) error {
	prev := r.latest()
	if prev == nil {
		return errNoAttempt()
	}
	if err := wire.CheckID(p.AttemptID, root.Key("attempt_id")); err != nil {
		return err
	}
	if err := r.checkMetadata(p.Metadata, p.ClearMetadata); err != nil {
		return err
	}
	a, err := newAttempt(r.id, r.livemode, p.Created, attemptReport{
		id: p.AttemptID, initiatedAt: p.InitiatedAt, requested: prev.Requested(),
		paymentMethod: p.PaymentMethodDetails, shipping: p.ShippingDetails, description: p.Description,
		metadata: p.Metadata, outcome: p.Outcome, guaranteed: p.Guaranteed, failed: p.Failed,
	}, attemptInit{
		CustomerDetails:  prev.CustomerDetails(),
		CustomerPresence: prev.CustomerPresence(),
		ProcessorDetails: prev.ProcessorDetails(),
	})
	if err != nil {
		return err
	}
	if i, ok := r.attemptIndex(p.AttemptID); ok {
		err := error(ErrDuplicateAttemptID)
		if i == len(r.attempts)-1 && i > 0 && sameReport(r.latestCreatedBy(), p) {
			err = duplicateOf(err)
		}
		return wire.Conflict(pkg, payrec.CodeResourceAlreadyExists, "attempt_id", err,
			"The attempt_id %q is already used by an attempt of %s", p.AttemptID, r.id)
	}
	switch prev.State() {
	case payrec.Pending:
		return stateError(ErrAttemptPending,
			"Cannot report a new attempt on %s: its latest attempt %s is still pending (%s requested)",
			r.id, prev.ID(), prev.Requested())
	case payrec.Guaranteed:
		return stateError(ErrFundsGuaranteed,
			"Cannot report a new attempt on %s: attempt %s was guaranteed at %d (%s guaranteed, %s refunded)",
			r.id, prev.ID(), prev.GuaranteedAt(), prev.Guaranteed(), prev.Refunded())
	}
	r.addAttempt(a, p.Outcome != 0)
	if p.Description != "" {
		r.description = p.Description
	}
	wire.MergeMetadata(&r.metadata, p.Metadata, p.ClearMetadata)
	r.version++
	return nil
}

// ReportPaymentAttemptFailed marks the latest attempt failed at p.FailedAt
// and merges p.Metadata into the record's: the attempt's requested amount
// moves from pending to failed. It is rejected when the latest attempt is
// already guaranteed, as Stripe documents, and when it has failed or was
// canceled, since payrec treats those states as final; the error is a
// *payrec.TransitionError. FailedAt must be positive and not precede the
// attempt's initiated_at (payrec's rule).
func (r *Record) ReportPaymentAttemptFailed(p ReportPaymentAttemptFailedParams) error {
	return r.settle(payrec.Fail, p.FailedAt, p.Metadata, p.ClearMetadata)
}

// ReportPaymentAttemptGuaranteed marks the latest attempt guaranteed at
// p.GuaranteedAt: its amount moves to amount_guaranteed, and from then on the
// record takes refunds but no new attempt. It follows the rules of
// [Record.ReportPaymentAttemptFailed]: only a pending attempt, a time not
// before initiated_at, metadata merged.
func (r *Record) ReportPaymentAttemptGuaranteed(p ReportPaymentAttemptGuaranteedParams) error {
	return r.settle(payrec.Guarantee, p.GuaranteedAt, p.Metadata, p.ClearMetadata)
}

// ReportPaymentAttemptCanceled marks the latest attempt canceled at
// p.CanceledAt: its amount moves to amount_canceled, and a new attempt may
// follow. It follows the rules of [Record.ReportPaymentAttemptFailed].
func (r *Record) ReportPaymentAttemptCanceled(p ReportPaymentAttemptCanceledParams) error {
	return r.settle(payrec.Cancel, p.CanceledAt, p.Metadata, p.ClearMetadata)
}

// settle applies a lifecycle event to the latest attempt: parameters first,
// then the lifecycle, then the change, which can no longer fail.
func (r *Record) settle(e payrec.Event, at int64, md map[string]string, clear bool) error {
	a := r.latest()
	if a == nil {
		return errNoAttempt()
	}
	if at <= 0 || at < a.InitiatedAt() { // the parameter path is built only for the error
		return checkOutcomeTime(a, at, root.Key(attemptops.TimeParam(e)))
	}
	if err := r.checkMetadata(md, clear); err != nil {
		return err
	}
	if err := ops.Transition(a, e, at); err != nil {
		return r.lifecycleError(a, e, at, err)
	}
	wire.MergeMetadata(&r.metadata, md, clear)
	r.version++
	return nil
}

// lifecycleError explains why the latest attempt a cannot take event e at
// time at, and marks an exact repeat of the report that settled it.
func (r *Record) lifecycleError(a *attempt.Attempt, e payrec.Event, at int64, err error) error {
	var te *payrec.TransitionError
	if !errors.As(err, &te) {
		return err
	}
	if a.State() == e.Target() && a.OutcomeAt() == at {
		return stateError(duplicateOf(te), "Duplicate report: the latest attempt %s of %s was already %s at %d",
			a.ID(), r.id, a.State(), at)
	}
	return stateError(te, "Cannot %s the latest attempt %s of %s: it was %s at %d%s",
		e, a.ID(), r.id, a.State(), a.OutcomeAt(), holding(a))
}

// holding describes the money a settled attempt holds, for messages.
func holding(a *attempt.Attempt) string {
	switch a.State() {
	case payrec.Guaranteed:
		return fmt.Sprintf(" (%s guaranteed, %s refunded)", a.Guaranteed(), a.Refunded())
	case payrec.Failed:
		return fmt.Sprintf(" (%s failed)", a.Failed())
	case payrec.Canceled:
		return fmt.Sprintf(" (%s canceled)", a.Canceled())
	}
	return ""
}

// ReportPaymentAttemptInformational updates what the record says about the
// payment without changing its state or amounts: it replaces the latest
// attempt's customer or shipping details when given, sets the record's
// description when given, and merges its metadata into the record's. Zero
// fields mean "not given"; ClearDescription and ClearShippingDetails clear
// those fields and cannot be combined with a new value. Customer details
// can be replaced but not cleared.
func (r *Record) ReportPaymentAttemptInformational(p ReportPaymentAttemptInformationalParams) error {
	a := r.latest()
	if a == nil {
		return errNoAttempt()
	}
	if err := checkExclusive(!p.ShippingDetails.IsZero(), p.ClearShippingDetails, "shipping_details"); err != nil {
		return err
	}
	if err := checkExclusive(p.Description != "", p.ClearDescription, "description"); err != nil {
		return err
	}
	if err := checkDescription(p.Description); err != nil {
		return err
	}
	if err := ops.CheckCustomer(p.CustomerDetails, root.Key("customer_details")); err != nil {
		return err
	}
	if err := ops.CheckShipping(p.ShippingDetails, root.Key("shipping_details")); err != nil {
		return err
	}
	if err := r.checkMetadata(p.Metadata, p.ClearMetadata); err != nil {
		return err
	}
	if !p.CustomerDetails.IsZero() || p.ClearShippingDetails || !p.ShippingDetails.IsZero() {
		r.saveCreatedDetails()
	}
	if !p.CustomerDetails.IsZero() {
		ops.SetCustomer(a, p.CustomerDetails)
	}
	if p.ClearShippingDetails || !p.ShippingDetails.IsZero() {
		ops.SetShipping(a, p.ShippingDetails)
	}
	if p.ClearDescription || p.Description != "" {
		r.description = p.Description
	}
	wire.MergeMetadata(&r.metadata, p.Metadata, p.ClearMetadata)
	r.version++
	return nil
}

func checkDescription(s string) error {
	if !wire.TextOK(s) {
		return wire.CheckText(s, root.Key("description"))
	}
	return nil
}

// ReportRefund refunds p.Amount (by default all that is left) of the latest
// attempt's guaranteed funds, moving it from amount_guaranteed to
// amount_refunded; the attempt stays guaranteed. The refund reference is
// required and unique in the record, as Stripe requires; the latest attempt
// must be guaranteed (ErrNoGuaranteedFunds) with at least p.Amount left
// (ErrRefundExceeds: Stripe's "cannot exceed the unrefunded amount"). A given
// amount must be positive and in the record's currency. RefundedAt and
// InitiatedAt are optional; RefundedAt must not precede the attempt's
// guaranteed_at (payrec's rule). A report that repeats an earlier refund
// (the same reference, amount and times; metadata aside) is a duplicate
// (ErrDuplicate); the same reference in any other report is a conflict
// (ErrDuplicateRefundReference only).
func (r *Record) ReportRefund(p ReportRefundParams) error {
	a := r.latest()
	if a == nil {
		return errNoAttempt()
	}
	amountGiven := p.Amount != (money.Amount{})
	if amountGiven { // a non-zero Amount always has a currency
		if cur := a.Requested().Currency(); p.Amount.Currency() != cur {
			return pathAmountCur.Errorf("", money.ErrCurrencyMismatch,
				"Cannot refund %s from a record in %s", p.Amount, cur)
		}
		if !p.Amount.IsPositive() {
			return pathAmountValue.Errorf(payrec.CodeAmountTooSmall, nil,
				"The refund amount must be positive, got %s", p.Amount)
		}
	}
	if err := wire.CheckTimestamp(p.InitiatedAt, root.Key("initiated_at"), false); err != nil {
		return err
	}
	if p.ProcessorDetails.Type != "" && p.ProcessorDetails.Type != attempt.ProcessorTypeCustom {
		return pathRefundType.Errorf("", nil, "Invalid %s: must be %s, got %q",
			pathRefundType, attempt.ProcessorTypeCustom, p.ProcessorDetails.Type)
	}
	ref := pathRefundRef
	if p.ProcessorDetails.RefundReference == "" {
		return ref.Missing()
	}
	if !wire.TextOK(p.ProcessorDetails.RefundReference) {
		return wire.CheckText(p.ProcessorDetails.RefundReference, ref)
	}
	refundedAt := pathRefundedAt
	if err := wire.CheckTimestamp(p.Refunded.RefundedAt, refundedAt, false); err != nil {
		return err
	}
	if err := r.checkMetadata(p.Metadata, p.ClearMetadata); err != nil {
		return err
	}
	if i, ok := r.byRefRef[p.ProcessorDetails.RefundReference]; ok {
		return r.refundConflict(&r.refunds[i], &p, ref)
	}
	if a.State() != payrec.Guaranteed {
		return stateError(ErrNoGuaranteedFunds,
			"Cannot refund %s: its latest attempt %s is %s; only guaranteed funds can be refunded",
			r.id, a.ID(), a.State())
	}
	if p.Refunded.RefundedAt != 0 && p.Refunded.RefundedAt < a.GuaranteedAt() {
		return refundedAt.Errorf("", nil, "Invalid timestamp: %s %d is before the attempt's guaranteed_at %d",
			refundedAt, p.Refunded.RefundedAt, a.GuaranteedAt())
	}
	left := a.Guaranteed()
	amt := p.Amount
	if !amountGiven {
		amt = left
	}
	if left.Sign() == 0 {
		what, code := "the rest of "+r.id, ""
		if amountGiven {
			what, code = amt.String()+" on "+r.id, payrec.CodeAmountTooLarge
		}
		return wire.Conflict(pkg, code, "amount", ErrNothingLeft,
			"Cannot refund %s: nothing is left to refund (attempt %s: %s guaranteed, all of it refunded)",
			what, a.ID(), a.Requested())
	}
	if amt.Value() > left.Value() {
		return wire.Conflict(pkg, payrec.CodeAmountTooLarge, "amount", ErrRefundExceeds,
			"Cannot refund %s: only %s guaranteed remains on %s (%s already refunded)",
			amt, left, r.id, a.Refunded())
	}
	ops.Refund(a, amt)
	if r.byRefRef == nil {
		r.byRefRef = make(map[string]int)
	}
	r.byRefRef[p.ProcessorDetails.RefundReference] = len(r.refunds)
	r.refunds = append(r.refunds, Refund{
		Attempt:     a.ID(),
		Amount:      amt,
		Reference:   p.ProcessorDetails.RefundReference,
		InitiatedAt: p.InitiatedAt,
		RefundedAt:  p.Refunded.RefundedAt,
		amountGiven: amountGiven,
	})
	wire.MergeMetadata(&r.metadata, p.Metadata, p.ClearMetadata)
	r.version++
	return nil
}

// refundConflict rejects a refund whose reference is taken, marking it a
// duplicate when it is the same report as the earlier refund's.
func (r *Record) refundConflict(prev *Refund, p *ReportRefundParams, ref wire.Path) error {
	if sameReport(prev.reportedAs(), *p) {
		return wire.Conflict(pkg, payrec.CodeResourceAlreadyExists, ref.String(), duplicateOf(ErrDuplicateRefundReference),
			"Duplicate report: refund %q of %s was already reported on %s", prev.Reference, prev.Amount, r.id)
	}
	return wire.Conflict(pkg, payrec.CodeResourceAlreadyExists, ref.String(), ErrDuplicateRefundReference,
		"Refund reference %q is already used on %s by a refund of %s", prev.Reference, r.id, prev.Amount)
}
