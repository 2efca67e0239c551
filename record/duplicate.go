package record

import (
	"bytes"
	"encoding/json"

	"github.com/payrec/payrec/attempt"
)

// sameReport reports whether a and b are the same report, so that a
// rejection of b may match ErrDuplicate: their canonical encodings (the
// report log's) are equal once metadata is set aside. Metadata annotates a
// report without changing what it says happened, and a sender may refresh it
// (a trace ID, a delivery count) when it retries; every other parameter
// counts, so that acknowledging a duplicate never drops a different fact.
func sameReport(a, b Report) bool {
	ea, errA := canonicalEncoding(a)
	eb, errB := canonicalEncoding(b)
	return errA == nil && errB == nil && bytes.Equal(ea, eb)
}

// canonicalEncoding encodes rep as a report log holds it, without metadata
// and with defaults spelled out, so that two ways of writing one report
// encode alike.
func canonicalEncoding(rep Report) ([]byte, error) {
	switch p := canonical(rep).(type) {
	case ReportPaymentParams:
		p.Metadata, p.ClearMetadata = nil, false
		if p.ProcessorDetails.Type == "" {
			p.ProcessorDetails.Type = attempt.ProcessorTypeCustom
		}
		return p.MarshalJSON()
	case ReportPaymentAttemptParams:
		p.Metadata, p.ClearMetadata = nil, false
		return p.MarshalJSON()
	case ReportRefundParams:
		p.Metadata, p.ClearMetadata = nil, false
		return p.MarshalJSON()
	case nil:
		return nil, root.Errorf("", nil, "Cannot encode a nil report")
	default:
		return rep.(json.Marshaler).MarshalJSON()
	}
}

// saveCreatedDetails keeps the shipping and customer details of the latest
// attempt (and of the first, when it is the latest) as the reports that
// created them gave them, before an informational report replaces them.
func (r *Record) saveCreatedDetails() {
	if r.replaced == nil {
		r.replaced = new(replacedDetails)
	}
	a := r.latest()
	now := createdDetails{saved: true, shipping: a.ShippingDetails(), customer: a.CustomerDetails()}
	if !r.replaced.latest.saved {
		r.replaced.latest = now
	}
	if len(r.attempts) == 1 && !r.replaced.first.saved {
		r.replaced.first = now
	}
}

// createdDetailsOf returns the shipping and customer details that the
// report creating attempt a (the first, or the latest) gave: what r kept of
// them, or else what a shows, which no report has replaced.
func createdDetailsOf(a *attempt.Attempt, kept *replacedDetails, latest bool) createdDetails {
	if kept != nil {
		d := kept.first
		if latest {
			d = kept.latest
		}
		if d.saved {
			return d
		}
	}
	return createdDetails{shipping: a.ShippingDetails(), customer: a.CustomerDetails()}
}

// createdBy returns the report_payment that created r, metadata aside.
func (r *Record) createdBy() ReportPaymentParams {
	return r.reportOf(&r.attempts[0], r.firstSettled, false)
}

// latestCreatedBy returns the report_payment_attempt that created r's
// latest attempt, metadata aside; r has more than one attempt.
func (r *Record) latestCreatedBy() ReportPaymentAttemptParams {
	p := r.reportOf(r.latest(), r.latestSettled, true)
	return p.attemptParams()
}

// reportOf returns the report_payment that would have created attempt a of
// r (the first, or the latest), metadata aside, with its outcome when it
// was reported settled. An attempt is created when its report is, so its
// Created is the report's.
func (r *Record) reportOf(a *attempt.Attempt, settled, latest bool) ReportPaymentParams {
	o := createdDetailsOf(a, r.replaced, latest)
	p := ReportPaymentParams{
		ID:                   r.id,
		AttemptID:            a.ID(),
		Created:              a.Created(),
		Livemode:             r.livemode,
		AmountRequested:      a.Requested(),
		InitiatedAt:          a.InitiatedAt(),
		PaymentMethodDetails: a.PaymentMethodDetails(),
		ProcessorDetails:     a.ProcessorDetails(),
		CustomerDetails:      o.customer,
		CustomerPresence:     a.CustomerPresence(),
		ShippingDetails:      o.shipping,
		Description:          a.Description(),
	}
	if settled {
		p.Outcome, p.Guaranteed, p.Failed = outcomeOf(a)
	}
	return p
}

// outcomeOf returns the outcome parameters that settle an attempt as a is
// settled. Only guaranteed and failed can be reported with a new attempt,
// and both are final, so a still shows them.
func outcomeOf(a *attempt.Attempt) (Outcome, GuaranteedParams, FailedParams) {
	if a.GuaranteedAt() != 0 {
		return OutcomeGuaranteed, GuaranteedParams{GuaranteedAt: a.GuaranteedAt()}, FailedParams{}
	}
	return OutcomeFailed, GuaranteedParams{}, FailedParams{FailedAt: a.FailedAt()}
}

// reportedAs returns the report_refund that made f, metadata aside.
func (f *Refund) reportedAs() ReportRefundParams {
	p := ReportRefundParams{
		InitiatedAt:      f.InitiatedAt,
		ProcessorDetails: RefundProcessorDetails{RefundReference: f.Reference},
		Refunded:         RefundedParams{RefundedAt: f.RefundedAt},
	}
	if f.amountGiven {
		p.Amount = f.Amount
	}
	return p
}
