package record

import (
	"github.com/payrec/payrec/attempt"
	"github.com/payrec/payrec/internal/wire"
)

// The MarshalJSON methods below write params in the shape their
// UnmarshalJSON reads: Stripe's parameter names, only the parameters that
// were given, timestamps as JSON integers. Decoding what they write gives
// back an equivalent value: the same report, with an empty processor type
// spelled out as "custom" and a defaulted payment method type as "custom".
// What the wire form cannot say — a parameter both cleared and set, an
// enum value out of range — is an error rather than a different report.

// encodable reports what of a report the wire form cannot carry.
func encodable(o Outcome, presence attempt.CustomerPresence, md map[string]string, clearMD bool) error {
	switch {
	case !o.IsValid():
		return root.Key("outcome").Errorf("", nil, "Cannot encode outcome %s", o)
	case !presence.IsValid():
		return root.Key("customer_presence").Errorf("", nil, "Cannot encode customer_presence %s", presence)
	}
	return checkExclusive(len(md) > 0, clearMD, "metadata")
}

// MarshalJSON encodes p as report_payment's parameters.
func (p ReportPaymentParams) MarshalJSON() ([]byte, error) {
	return p.encode(new(ReportPaymentParams).decode)
}

// encode encodes p as report_payment's parameters; decode is the decoder
// that names a string of p that is not UTF-8 (see wire.Encoded).
func (p ReportPaymentParams) encode(decode func([]byte, wire.Path) error) ([]byte, error) {
	if err := encodable(p.Outcome, p.CustomerPresence, p.Metadata, p.ClearMetadata); err != nil {
		return nil, err
	}
	// Sized for a report with a few details and metadata, so that it is
	// written without growing.
	b := append(make([]byte, 0, 512), '{')
	b = appendStringParam(b, "id", p.ID)
	b = appendStringParam(b, "attempt_id", p.AttemptID)
	b = appendIntParam(b, "created", p.Created)
	if p.Livemode {
		b = append(wire.AppendKey(b, "livemode"), "true"...)
	}
	if p.AmountRequested.IsValid() {
		b = wire.AppendAmount(wire.AppendKey(b, "amount_requested"), p.AmountRequested)
	}
	b = appendIntParam(b, "initiated_at", p.InitiatedAt)
	if !p.PaymentMethodDetails.IsZero() {
		b = p.PaymentMethodDetails.AppendJSON(wire.AppendKey(b, "payment_method_details"))
	}
	if p.ProcessorDetails != (attempt.ProcessorDetails{}) {
		b = p.ProcessorDetails.AppendJSON(wire.AppendKey(b, "processor_details"))
	}
	if !p.CustomerDetails.IsZero() {
		b = p.CustomerDetails.AppendJSON(wire.AppendKey(b, "customer_details"))
	}
	b = appendStringParam(b, "customer_presence", p.CustomerPresence.String())
	if !p.ShippingDetails.IsZero() {
		b = p.ShippingDetails.AppendJSON(wire.AppendKey(b, "shipping_details"))
	}
	b = appendOutcome(b, p.Outcome, p.Guaranteed, p.Failed)
	b = appendStringParam(b, "description", p.Description)
	b = appendMetadataParam(b, p.Metadata, p.ClearMetadata)
	return wire.Encoded(append(b, '}'), root, decode)
}

// MarshalJSON encodes p as report_payment_attempt's parameters: report_payment's
// encoding of the members the two share.
func (p ReportPaymentAttemptParams) MarshalJSON() ([]byte, error) {
	return p.asPayment().encode(new(ReportPaymentAttemptParams).decode)
}

// MarshalJSON encodes p as report_payment_attempt_failed's parameters.
func (p ReportPaymentAttemptFailedParams) MarshalJSON() ([]byte, error) {
	return appendSettle("failed_at", p.FailedAt, p.Metadata, p.ClearMetadata, new(ReportPaymentAttemptFailedParams).decode)
}

// MarshalJSON encodes p as report_payment_attempt_guaranteed's parameters.
func (p ReportPaymentAttemptGuaranteedParams) MarshalJSON() ([]byte, error) {
	return appendSettle("guaranteed_at", p.GuaranteedAt, p.Metadata, p.ClearMetadata, new(ReportPaymentAttemptGuaranteedParams).decode)
}

// MarshalJSON encodes p as report_payment_attempt_canceled's parameters.
func (p ReportPaymentAttemptCanceledParams) MarshalJSON() ([]byte, error) {
	return appendSettle("canceled_at", p.CanceledAt, p.Metadata, p.ClearMetadata, new(ReportPaymentAttemptCanceledParams).decode)
}

func appendSettle(key string, at int64, md map[string]string, clear bool, decode func([]byte, wire.Path) error) ([]byte, error) {
	if err := encodable(0, 0, md, clear); err != nil {
		return nil, err
	}
	b := append(make([]byte, 0, 128), '{')
	b = appendIntParam(b, key, at)
	b = appendMetadataParam(b, md, clear)
	return wire.Encoded(append(b, '}'), root, decode)
}

// MarshalJSON encodes p as report_payment_attempt_informational's
// parameters; a cleared description or shipping_details is written as "".
func (p ReportPaymentAttemptInformationalParams) MarshalJSON() ([]byte, error) {
	if err := encodable(0, 0, p.Metadata, p.ClearMetadata); err != nil {
		return nil, err
	}
	if err := checkExclusive(!p.ShippingDetails.IsZero(), p.ClearShippingDetails, "shipping_details"); err != nil {
		return nil, err
	}
	if err := checkExclusive(p.Description != "", p.ClearDescription, "description"); err != nil {
		return nil, err
	}
	b := append(make([]byte, 0, 256), '{')
	if !p.CustomerDetails.IsZero() {
		b = p.CustomerDetails.AppendJSON(wire.AppendKey(b, "customer_details"))
	}
	switch {
	case p.ClearShippingDetails:
		b = append(wire.AppendKey(b, "shipping_details"), `""`...)
	case !p.ShippingDetails.IsZero():
		b = p.ShippingDetails.AppendJSON(wire.AppendKey(b, "shipping_details"))
	}
	if p.ClearDescription {
		b = append(wire.AppendKey(b, "description"), `""`...)
	} else {
		b = appendStringParam(b, "description", p.Description)
	}
	b = appendMetadataParam(b, p.Metadata, p.ClearMetadata)
	return wire.Encoded(append(b, '}'), root, new(ReportPaymentAttemptInformationalParams).decode)
}

// MarshalJSON encodes p as report_refund's parameters, with
// "outcome": "refunded".
func (p ReportRefundParams) MarshalJSON() ([]byte, error) {
	if err := encodable(0, 0, p.Metadata, p.ClearMetadata); err != nil {
		return nil, err
	}
	b := append(make([]byte, 0, 256), `{"outcome":"refunded"`...)
	if p.Amount.IsValid() {
		b = wire.AppendAmount(wire.AppendKey(b, "amount"), p.Amount)
	}
	b = appendIntParam(b, "initiated_at", p.InitiatedAt)
	typ := p.ProcessorDetails.Type
	if typ == "" {
		typ = "custom"
	}
	b = append(wire.AppendKey(b, "processor_details"), `{"type":`...)
	b = wire.AppendString(b, typ)
	b = append(b, `,"custom":{"refund_reference":`...)
	b = wire.AppendString(b, p.ProcessorDetails.RefundReference)
	b = append(b, '}', '}')
	if p.Refunded.RefundedAt != 0 {
		b = append(wire.AppendKey(b, "refunded"), `{"refunded_at":`...)
		b = append(wire.AppendInt(b, p.Refunded.RefundedAt), '}')
	}
	b = appendMetadataParam(b, p.Metadata, p.ClearMetadata)
	return wire.Encoded(append(b, '}'), root, new(ReportRefundParams).decode)
}

func appendStringParam(b []byte, key, v string) []byte {
	if v == "" {
		return b
	}
	return wire.AppendString(wire.AppendKey(b, key), v)
}

func appendIntParam(b []byte, key string, v int64) []byte {
	if v == 0 {
		return b
	}
	return wire.AppendInt(wire.AppendKey(b, key), v)
}

func appendOutcome(b []byte, o Outcome, g GuaranteedParams, f FailedParams) []byte {
	if o.String() != "" {
		b = wire.AppendString(wire.AppendKey(b, "outcome"), o.String())
	}
	if g.GuaranteedAt != 0 {
		b = append(wire.AppendKey(b, "guaranteed"), `{"guaranteed_at":`...)
		b = append(wire.AppendInt(b, g.GuaranteedAt), '}')
	}
	if f.FailedAt != 0 {
		b = append(wire.AppendKey(b, "failed"), `{"failed_at":`...)
		b = append(wire.AppendInt(b, f.FailedAt), '}')
	}
	return b
}

// appendMetadataParam writes metadata entries (a "" value removes its key),
// or "" when the report clears all metadata.
func appendMetadataParam(b []byte, md map[string]string, clear bool) []byte {
	switch {
	case clear:
		return append(wire.AppendKey(b, "metadata"), `""`...)
	case len(md) > 0:
		return wire.AppendMetadata(wire.AppendKey(b, "metadata"), md)
	}
	return b
}
