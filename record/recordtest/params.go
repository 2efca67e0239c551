package recordtest

import (
	"pgregory.net/rapid"

	"github.com/payrec/payrec"
	"github.com/payrec/payrec/attempt"
	"github.com/payrec/payrec/money"
	"github.com/payrec/payrec/record"
)

// view is what the generators need to know about a record, read through
// its public API when a value is drawn.
type view struct {
	latest   attempt.Attempt
	attempts map[string]bool
	refunds  []record.Refund
	refRefs  map[string]bool
	metadata map[string]string
	// clock is the latest time the record mentions; new events are drawn
	// after it so that generated histories read forward.
	clock int64
}

func inspect(t *rapid.T, r *record.Record) *view {
	if r == nil {
		t.Fatalf("recordtest: nil record")
	}
	latest, ok := r.LatestAttempt()
	if !ok {
		t.Fatalf("recordtest: the record has no attempt; make records with record.ReportPayment or record.Replay")
	}
	v := &view{
		latest:   latest,
		attempts: make(map[string]bool),
		refunds:  r.Refunds(),
		refRefs:  make(map[string]bool),
		metadata: r.Metadata(),
		clock:    r.Created(),
	}
	for _, a := range r.Attempts() {
		v.attempts[a.ID()] = true
		v.clock = max(v.clock, a.Created(), a.InitiatedAt(), a.OutcomeAt())
	}
	for _, rf := range v.refunds {
		v.refRefs[rf.Reference] = true
		v.clock = max(v.clock, rf.InitiatedAt, rf.RefundedAt)
	}
	return v
}

// outcome draws no outcome, or guaranteed or failed with the matching
// timestamp hash, not before initiatedAt.
func outcome(t *rapid.T, initiatedAt int64) (record.Outcome, record.GuaranteedParams, record.FailedParams) {
	switch rapid.IntRange(0, 3).Draw(t, "outcome") {
	case 1:
		g := record.GuaranteedParams{GuaranteedAt: After(initiatedAt).Draw(t, "guaranteed_at")}
		return record.OutcomeGuaranteed, g, record.FailedParams{}
	case 2:
		f := record.FailedParams{FailedAt: After(initiatedAt).Draw(t, "failed_at")}
		return record.OutcomeFailed, record.GuaranteedParams{}, f
	}
	return 0, record.GuaranteedParams{}, record.FailedParams{}
}

// ReportPayment draws the parameters of a report_payment that creates a
// record: a positive amount in any currency, payment method details, and
// each optional parameter given or left out — processor, customer and
// shipping details, customer presence, an outcome with its timestamp,
// description and metadata (sometimes exactly at Stripe's limits).
// record.ReportPayment accepts every value drawn.
func ReportPayment() *rapid.Generator[record.ReportPaymentParams] {
	return rapid.Custom(func(t *rapid.T) record.ReportPaymentParams {
		cur := Currency().Draw(t, "currency")
		initiated := Timestamp().Draw(t, "initiated_at")
		p := record.ReportPaymentParams{
			ID:                   ID("pr_").Draw(t, "id"),
			AttemptID:            ID("par_").Draw(t, "attempt_id"),
			Created:              After(initiated).Draw(t, "created"),
			Livemode:             rapid.Bool().Draw(t, "livemode"),
			AmountRequested:      Amount(cur).Draw(t, "amount_requested"),
			InitiatedAt:          initiated,
			PaymentMethodDetails: PaymentMethodDetails().Draw(t, "payment_method_details"),
			ProcessorDetails:     optional(ProcessorDetails()).Draw(t, "processor_details"),
			CustomerDetails:      optional(CustomerDetails()).Draw(t, "customer_details"),
			CustomerPresence:     optional(CustomerPresence()).Draw(t, "customer_presence"),
			ShippingDetails:      optional(ShippingDetails()).Draw(t, "shipping_details"),
			Description:          optional(Description()).Draw(t, "description"),
		}
		p.Outcome, p.Guaranteed, p.Failed = outcome(t, initiated)
		p.Metadata, p.ClearMetadata = metadataUpdate(t, nil)
		return p
	})
}

// ReportPaymentAttempt draws the parameters of a new attempt for r that
// pass every parameter check against r: an attempt ID r does not have,
// an initiated_at near r's latest event (sometimes before it), and an
// optional outcome not before it, payment method and shipping details,
// description and metadata that fits beside r's. r accepts them when its
// latest attempt failed or was canceled; otherwise its state rejects them.
func ReportPaymentAttempt(r *record.Record) *rapid.Generator[record.ReportPaymentAttemptParams] {
	return rapid.Custom(func(t *rapid.T) record.ReportPaymentAttemptParams {
		v := inspect(t, r)
		return newAttempt(t, v)
	})
}

func newAttempt(t *rapid.T, v *view) record.ReportPaymentAttemptParams {
	initiated := rapid.OneOf(
		After(v.clock),
		rapid.Int64Range(max(1, v.clock-1_000), v.clock), // retries need not start after what went before
	).Draw(t, "initiated_at")
	p := record.ReportPaymentAttemptParams{
		AttemptID:            fresh(ID("par_").Draw(t, "attempt_id"), func(id string) bool { return v.attempts[id] }),
		Created:              After(initiated).Draw(t, "created"),
		InitiatedAt:          initiated,
		PaymentMethodDetails: optional(PaymentMethodDetails()).Draw(t, "payment_method_details"),
		ShippingDetails:      optional(ShippingDetails()).Draw(t, "shipping_details"),
		Description:          optional(Description()).Draw(t, "description"),
	}
	p.Outcome, p.Guaranteed, p.Failed = outcome(t, initiated)
	p.Metadata, p.ClearMetadata = metadataUpdate(t, v.metadata)
	return p
}

// settleTime draws the time of an outcome of r's latest attempt: not
// before its initiated_at.
func settleTime(t *rapid.T, v *view, label string) int64 {
	return After(v.latest.InitiatedAt()).Draw(t, label)
}

// ReportPaymentAttemptFailed draws parameters that pass every parameter
// check against r: failed_at not before the latest attempt's initiated_at,
// and metadata that fits beside r's. r accepts them when its latest
// attempt is pending.
func ReportPaymentAttemptFailed(r *record.Record) *rapid.Generator[record.ReportPaymentAttemptFailedParams] {
	return settleParams(r, "failed_at", failedParams)
}

// ReportPaymentAttemptGuaranteed is ReportPaymentAttemptFailed for
// guaranteed_at.
func ReportPaymentAttemptGuaranteed(r *record.Record) *rapid.Generator[record.ReportPaymentAttemptGuaranteedParams] {
	return settleParams(r, "guaranteed_at", guaranteedParams)
}

// ReportPaymentAttemptCanceled is ReportPaymentAttemptFailed for
// canceled_at.
func ReportPaymentAttemptCanceled(r *record.Record) *rapid.Generator[record.ReportPaymentAttemptCanceledParams] {
	return settleParams(r, "canceled_at", canceledParams)
}

// settleParams draws the parameters of an outcome report whose timestamp is
// named key, made by build.
func settleParams[P any](r *record.Record, key string, build settleBuilder[P]) *rapid.Generator[P] {
	return rapid.Custom(func(t *rapid.T) P {
		v := inspect(t, r)
		at := settleTime(t, v, key)
		md, clear := metadataUpdate(t, v.metadata)
		return build(at, md, clear)
	})
}

// settleBuilder makes the parameters of an outcome report from its time and
// metadata: the three outcome reports differ only in their time's name.
type settleBuilder[P any] func(at int64, md map[string]string, clear bool) P

func failedParams(at int64, md map[string]string, clear bool) record.ReportPaymentAttemptFailedParams {
	return record.ReportPaymentAttemptFailedParams{FailedAt: at, Metadata: md, ClearMetadata: clear}
}

func guaranteedParams(at int64, md map[string]string, clear bool) record.ReportPaymentAttemptGuaranteedParams {
	return record.ReportPaymentAttemptGuaranteedParams{GuaranteedAt: at, Metadata: md, ClearMetadata: clear}
}

func canceledParams(at int64, md map[string]string, clear bool) record.ReportPaymentAttemptCanceledParams {
	return record.ReportPaymentAttemptCanceledParams{CanceledAt: at, Metadata: md, ClearMetadata: clear}
}

// ReportPaymentAttemptInformational draws an informational report for r:
// customer details given or not; shipping details and description each
// set, cleared or left alone; metadata that fits beside r's. r accepts
// every value drawn, whatever its state.
func ReportPaymentAttemptInformational(
	r *record.Record,
) *rapid.Generator[record.ReportPaymentAttemptInformationalParams] {
	return rapid.Custom(func(t *rapid.T) record.ReportPaymentAttemptInformationalParams {
		v := inspect(t, r)
		p := record.ReportPaymentAttemptInformationalParams{
			CustomerDetails: optional(CustomerDetails()).Draw(t, "customer_details"),
		}
		switch rapid.IntRange(0, 2).Draw(t, "shipping_details_kind") {
		case 1:
			p.ShippingDetails = ShippingDetails().Draw(t, "shipping_details")
		case 2:
			p.ClearShippingDetails = true
		}
		switch rapid.IntRange(0, 2).Draw(t, "description_kind") {
		case 1:
			p.Description = Description().Draw(t, "description")
		case 2:
			p.ClearDescription = true
		}
		p.Metadata, p.ClearMetadata = metadataUpdate(t, v.metadata)
		return p
	})
}

// ReportRefund draws a refund of r's latest attempt that passes every
// parameter check against r: a refund reference r has not used; an amount
// left out (everything left), or in r's currency from 1 minor unit to all
// that is left (to the requested amount when nothing is left);
// refunded_at left out or not before guaranteed_at; initiated_at left out
// or not after refunded_at; metadata that fits beside r's. r accepts them
// when its latest attempt is guaranteed with funds left.
func ReportRefund(r *record.Record) *rapid.Generator[record.ReportRefundParams] {
	return rapid.Custom(func(t *rapid.T) record.ReportRefundParams {
		return refund(t, inspect(t, r))
	})
}

func refund(t *rapid.T, v *view) record.ReportRefundParams {
	a := &v.latest
	cur := a.Requested().Currency()
	p := record.ReportRefundParams{
		ProcessorDetails: record.RefundProcessorDetails{
			Type:            rapid.SampledFrom([]string{"", attempt.ProcessorTypeCustom}).Draw(t, "type"),
			RefundReference: fresh(ID("re_").Draw(t, "refund_reference"), func(s string) bool { return v.refRefs[s] }),
		},
	}
	top := a.Guaranteed().Value()
	if top <= 0 {
		top = a.Requested().Value()
	}
	if rapid.Bool().Draw(t, "amount_given") {
		p.Amount = money.New(value(1, top).Draw(t, "amount"), cur)
	}
	from := v.clock
	if a.State() == payrec.Guaranteed {
		from = a.GuaranteedAt()
	}
	if rapid.Bool().Draw(t, "refunded_given") {
		p.Refunded.RefundedAt = After(from).Draw(t, "refunded_at")
		if rapid.Bool().Draw(t, "initiated_given") {
			p.InitiatedAt = rapid.Int64Range(max(1, from-1_000), p.Refunded.RefundedAt).Draw(t, "initiated_at")
		}
	} else if rapid.Bool().Draw(t, "initiated_given") {
		p.InitiatedAt = After(from).Draw(t, "initiated_at")
	}
	p.Metadata, p.ClearMetadata = metadataUpdate(t, v.metadata)
	return p
}
