package record

import (
	"fmt"
	"strconv"

	"github.com/payrec/payrec/attempt"
	"github.com/payrec/payrec/money"
)

// Outcome is the result a report_payment or report_payment_attempt already
// knows. The zero value means none: the attempt starts pending.
type Outcome uint8

// The outcomes Stripe accepts when reporting an attempt.
const (
	OutcomeGuaranteed Outcome = iota + 1 // the funds are guaranteed
	OutcomeFailed                        // the attempt failed
)

// String returns "guaranteed", "failed", "" for the zero value, and
// "Outcome(N)" for any other value.
func (o Outcome) String() string {
	switch o {
	case 0:
		return ""
	case OutcomeGuaranteed:
		return "guaranteed"
	case OutcomeFailed:
		return "failed"
	}
	return "Outcome(" + strconv.Itoa(int(o)) + ")"
}

// IsValid reports whether o is the zero value or a defined outcome.
func (o Outcome) IsValid() bool { return o <= OutcomeFailed }

// MarshalText encodes o as "guaranteed" or "failed"; the zero value and
// undefined values are errors.
func (o Outcome) MarshalText() ([]byte, error) {
	if o == 0 || !o.IsValid() {
		return nil, fmt.Errorf("record: cannot encode outcome %s", o)
	}
	return []byte(o.String()), nil
}

// UnmarshalText decodes "guaranteed" or "failed".
func (o *Outcome) UnmarshalText(b []byte) error {
	switch string(b) {
	case "guaranteed":
		*o = OutcomeGuaranteed
	case "failed":
		*o = OutcomeFailed
	default:
		return root.Key("outcome").Errorf("", nil, "Invalid outcome: must be one of guaranteed or failed, got %q", b)
	}
	return nil
}

// GuaranteedParams says when an attempt's funds were guaranteed (Stripe's
// guaranteed hash). The zero value means the hash was not given.
type GuaranteedParams struct {
	GuaranteedAt int64 // Unix seconds
}

// FailedParams says when an attempt failed (Stripe's failed hash). The zero
// value means the hash was not given.
type FailedParams struct {
	FailedAt int64 // Unix seconds
}

// RefundedParams says when a refund completed (Stripe's refunded hash). The
// zero value means the hash was not given.
type RefundedParams struct {
	RefundedAt int64 // Unix seconds
}

// RefundProcessorDetails identifies a refund at the processor (Stripe's
// processor_details of report_refund). RefundReference is required and
// unique among the record's refunds.
type RefundProcessorDetails struct {
	Type            string // "custom"; "" is read as custom
	RefundReference string
}

// Every params type below follows Stripe's parameters of the endpoint it is
// named after, plus the facts Stripe's server would assign (IDs, created,
// livemode) so that a report is self-contained and replays identically. The
// zero value of an optional field means it was not given.

// ReportPaymentParams creates a record and its first attempt
// (POST /v1/payment_records/report_payment).
type ReportPaymentParams struct {
	ID        string // the new record's ID (see NewID); required
	AttemptID string // the first attempt's ID (see attempt.NewID); required
	Created   int64  // Unix seconds; required
	Livemode  bool

	AmountRequested      money.Amount                 // required, positive
	InitiatedAt          int64                        // Unix seconds; required
	PaymentMethodDetails attempt.PaymentMethodDetails // required
	ProcessorDetails     attempt.ProcessorDetails
	CustomerDetails      attempt.CustomerDetails
	CustomerPresence     attempt.CustomerPresence
	ShippingDetails      attempt.ShippingDetails

	// Outcome, with the matching Guaranteed or Failed hash, reports the
	// attempt already settled.
	Outcome    Outcome
	Guaranteed GuaranteedParams
	Failed     FailedParams

	Description string
	// Metadata is merged into the record's metadata: a key set to "" is
	// removed, and the result holds at most 50 keys (so a report names at
	// most 100: 50 to set, 50 to remove).
	Metadata map[string]string
	// ClearMetadata removes every metadata key, as "metadata": "" does on
	// the wire. It cannot be combined with Metadata entries.
	ClearMetadata bool
}

// ReportPaymentAttemptParams adds a new attempt to a record whose latest
// attempt failed or was canceled
// (POST /v1/payment_records/{id}/report_payment_attempt). The new attempt
// asks for the record's requested amount.
type ReportPaymentAttemptParams struct {
	AttemptID string // the new attempt's ID; required, unique in the record
	Created   int64  // Unix seconds; required

	InitiatedAt          int64 // Unix seconds; required
	PaymentMethodDetails attempt.PaymentMethodDetails
	ShippingDetails      attempt.ShippingDetails

	Outcome    Outcome
	Guaranteed GuaranteedParams
	Failed     FailedParams

	Description string
	// Metadata is merged into the record's metadata: a key set to "" is
	// removed, and the result holds at most 50 keys (so a report names at
	// most 100: 50 to set, 50 to remove).
	Metadata map[string]string
	// ClearMetadata removes every metadata key, as "metadata": "" does on
	// the wire. It cannot be combined with Metadata entries.
	ClearMetadata bool
}

// asPayment returns p as report_payment parameters that give nothing
// report_payment_attempt does not take. report_payment_attempt's parameters
// are report_payment's less some, in the same order, so that one decoder and
// one encoder serve both.
func (p *ReportPaymentAttemptParams) asPayment() ReportPaymentParams {
	return ReportPaymentParams{
		AttemptID: p.AttemptID, Created: p.Created, InitiatedAt: p.InitiatedAt,
		PaymentMethodDetails: p.PaymentMethodDetails, ShippingDetails: p.ShippingDetails,
		Outcome: p.Outcome, Guaranteed: p.Guaranteed, Failed: p.Failed,
		Description: p.Description, Metadata: p.Metadata, ClearMetadata: p.ClearMetadata,
	}
}

// attemptParams returns the report_payment_attempt parameters of p.
func (p *ReportPaymentParams) attemptParams() ReportPaymentAttemptParams {
	return ReportPaymentAttemptParams{
		AttemptID: p.AttemptID, Created: p.Created, InitiatedAt: p.InitiatedAt,
		PaymentMethodDetails: p.PaymentMethodDetails, ShippingDetails: p.ShippingDetails,
		Outcome: p.Outcome, Guaranteed: p.Guaranteed, Failed: p.Failed,
		Description: p.Description, Metadata: p.Metadata, ClearMetadata: p.ClearMetadata,
	}
}

// ReportPaymentAttemptFailedParams marks the latest attempt failed
// (POST /v1/payment_records/{id}/report_payment_attempt_failed).
type ReportPaymentAttemptFailedParams struct {
	FailedAt int64 // Unix seconds; required
	// Metadata is merged into the record's metadata: a key set to "" is
	// removed, and the result holds at most 50 keys (so a report names at
	// most 100: 50 to set, 50 to remove).
	Metadata map[string]string
	// ClearMetadata removes every metadata key, as "metadata": "" does on
	// the wire. It cannot be combined with Metadata entries.
	ClearMetadata bool
}

// ReportPaymentAttemptGuaranteedParams marks the latest attempt guaranteed
// (POST /v1/payment_records/{id}/report_payment_attempt_guaranteed).
type ReportPaymentAttemptGuaranteedParams struct {
	GuaranteedAt int64 // Unix seconds; required
	// Metadata is merged into the record's metadata: a key set to "" is
	// removed, and the result holds at most 50 keys (so a report names at
	// most 100: 50 to set, 50 to remove).
	Metadata map[string]string
	// ClearMetadata removes every metadata key, as "metadata": "" does on
	// the wire. It cannot be combined with Metadata entries.
	ClearMetadata bool
}

// ReportPaymentAttemptCanceledParams marks the latest attempt canceled
// (POST /v1/payment_records/{id}/report_payment_attempt_canceled).
type ReportPaymentAttemptCanceledParams struct {
	CanceledAt int64 // Unix seconds; required
	// Metadata is merged into the record's metadata: a key set to "" is
	// removed, and the result holds at most 50 keys (so a report names at
	// most 100: 50 to set, 50 to remove).
	Metadata map[string]string
	// ClearMetadata removes every metadata key, as "metadata": "" does on
	// the wire. It cannot be combined with Metadata entries.
	ClearMetadata bool
}

// ReportPaymentAttemptInformationalParams changes no state: it updates what
// the record says about the payment
// (POST /v1/payment_records/{id}/report_payment_attempt_informational).
// Customer and shipping details replace those of the latest attempt.
type ReportPaymentAttemptInformationalParams struct {
	CustomerDetails      attempt.CustomerDetails
	ShippingDetails      attempt.ShippingDetails
	ClearShippingDetails bool // on the wire, "shipping_details": ""
	Description          string
	ClearDescription     bool // on the wire, "description": ""
	// Metadata is merged into the record's metadata: a key set to "" is
	// removed, and the result holds at most 50 keys (so a report names at
	// most 100: 50 to set, 50 to remove).
	Metadata map[string]string
	// ClearMetadata removes every metadata key, as "metadata": "" does on
	// the wire. It cannot be combined with Metadata entries.
	ClearMetadata bool
}

// ReportRefundParams refunds part or all of the latest attempt's guaranteed
// funds (POST /v1/payment_records/{id}/report_refund). Stripe's required
// outcome parameter is always "refunded" and has no field here.
type ReportRefundParams struct {
	// Amount defaults to everything still unrefunded.
	Amount           money.Amount
	InitiatedAt      int64 // Unix seconds; optional
	ProcessorDetails RefundProcessorDetails
	Refunded         RefundedParams
	// Metadata is merged into the record's metadata: a key set to "" is
	// removed, and the result holds at most 50 keys (so a report names at
	// most 100: 50 to set, 50 to remove).
	Metadata map[string]string
	// ClearMetadata removes every metadata key, as "metadata": "" does on
	// the wire. It cannot be combined with Metadata entries.
	ClearMetadata bool
}
