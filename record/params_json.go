package record

import (
	"strconv"

	"github.com/payrec/payrec/internal/jsonscan"
	"github.com/payrec/payrec/internal/wire"
)

// The params types decode from JSON whose keys are Stripe's parameter names,
// nested as Stripe nests them, and encode back to the same shape (what the
// report log holds). Decoding is strict: an unknown key at any level is a
// parameter_unknown error naming it in bracket form, a value of the wrong
// JSON type is an error naming it, and required parameters must be present.
// Timestamps are Unix seconds, as JSON integers or as strings of decimal
// digits (form parameters arrive as strings). Stripe's expand parameter (at
// most 20 strings of text) is accepted and ignored: it changes only what
// Stripe's response embeds.
// null for an optional parameter means it was not given. Values are checked
// against the rules of the report when it is applied, not when decoded.

// UnmarshalJSON decodes report_payment's parameters (plus id, attempt_id,
// created and livemode).
func (p *ReportPaymentParams) UnmarshalJSON(data []byte) error { return p.decode(data, root) }

func (p *ReportPaymentParams) decode(data []byte, at wire.Path) error {
	var v ReportPaymentParams
	return wire.Keep(v.decodeMembers(data, at, false), &v, p)
}

// UnmarshalJSON decodes report_payment_attempt's parameters (plus
// attempt_id and created).
func (p *ReportPaymentAttemptParams) UnmarshalJSON(data []byte) error { return p.decode(data, root) }

func (p *ReportPaymentAttemptParams) decode(data []byte, at wire.Path) error {
	var v ReportPaymentParams
	err := v.decodeMembers(data, at, true)
	if err == nil {
		*p = v.attemptParams()
	}
	return err
}

// decodeMembers decodes report_payment's parameters into v, or, when
// attemptOnly, report_payment_attempt's: the same parameters but for those
// paymentOnly names, which are then unknown, and fewer of them required.
func (v *ReportPaymentParams) decodeMembers(data []byte, at wire.Path, attemptOnly bool) error {
	var seen fieldSet
	err := wire.Object(data, at, func(key string, val []byte, q wire.Path) error {
		seen.add(key)
		if attemptOnly && paymentOnly(key) {
			return q.Unknown()
		}
		switch key {
		case "id":
			return decodeString(val, q, &v.ID)
		case "attempt_id":
			return decodeString(val, q, &v.AttemptID)
		case "created":
			return decodeTime(val, q, &v.Created)
		case "livemode":
			if wire.IsNull(val) {
				return nil
			}
			b, err := wire.Bool(val, q)
			v.Livemode = b
			return err
		case "amount_requested":
			a, err := wire.Amount(val, q)
			v.AmountRequested = a
			return err
		case "initiated_at":
			return decodeTime(val, q, &v.InitiatedAt)
		case "payment_method_details":
			d, err := ops.DecodePaymentMethod(val, q)
			v.PaymentMethodDetails = d
			return err
		case "processor_details":
			d, err := ops.DecodeProcessor(val, q)
			v.ProcessorDetails = d
			return err
		case "customer_details":
			d, err := ops.DecodeCustomer(val, q)
			v.CustomerDetails = d
			return err
		case "customer_presence":
			return decodePresence(val, q, v)
		case "shipping_details":
			d, err := ops.DecodeShipping(val, q)
			v.ShippingDetails = d
			return err
		case "outcome":
			return decodeOutcome(val, q, &v.Outcome)
		case "guaranteed":
			return decodeGuaranteed(val, q, &v.Guaranteed)
		case "failed":
			return decodeFailed(val, q, &v.Failed)
		case "description":
			return decodeString(val, q, &v.Description)
		case "metadata":
			return decodeMetadata(val, q, &v.Metadata, &v.ClearMetadata)
		case "expand":
			return decodeExpand(val, q)
		}
		return q.Unknown()
	})
	if err != nil {
		return err
	}
	if attemptOnly {
		return seen.requireAt(at, "attempt_id", "created", "initiated_at")
	}
	return seen.requireAt(at, "id", "attempt_id", "created", "amount_requested", "initiated_at",
		"payment_method_details")
}

// paymentOnly reports whether key is a parameter of report_payment that
// report_payment_attempt does not take.
func paymentOnly(key string) bool {
	switch key {
	case "id", "livemode", "amount_requested", "processor_details", "customer_details", "customer_presence":
		return true
	}
	return false
}

// UnmarshalJSON decodes report_payment_attempt_failed's parameters.
func (p *ReportPaymentAttemptFailedParams) UnmarshalJSON(data []byte) error {
	return p.decode(data, root)
}

func (p *ReportPaymentAttemptFailedParams) decode(data []byte, at wire.Path) error {
	var v ReportPaymentAttemptFailedParams
	err := decodeSettle(data, at, "failed_at", &v.FailedAt, &v.Metadata, &v.ClearMetadata)
	return wire.Keep(err, &v, p)
}

// UnmarshalJSON decodes report_payment_attempt_guaranteed's parameters.
func (p *ReportPaymentAttemptGuaranteedParams) UnmarshalJSON(data []byte) error {
	return p.decode(data, root)
}

func (p *ReportPaymentAttemptGuaranteedParams) decode(data []byte, at wire.Path) error {
	var v ReportPaymentAttemptGuaranteedParams
	err := decodeSettle(data, at, "guaranteed_at", &v.GuaranteedAt, &v.Metadata, &v.ClearMetadata)
	return wire.Keep(err, &v, p)
}

// UnmarshalJSON decodes report_payment_attempt_canceled's parameters.
func (p *ReportPaymentAttemptCanceledParams) UnmarshalJSON(data []byte) error {
	return p.decode(data, root)
}

func (p *ReportPaymentAttemptCanceledParams) decode(data []byte, at wire.Path) error {
	var v ReportPaymentAttemptCanceledParams
	err := decodeSettle(data, at, "canceled_at", &v.CanceledAt, &v.Metadata, &v.ClearMetadata)
	return wire.Keep(err, &v, p)
}

// decodeSettle decodes the shared shape of the failed, guaranteed and
// canceled reports: one required timestamp and metadata.
func decodeSettle(data []byte, p wire.Path, timeKey string, ts *int64, md *map[string]string, clear *bool) error {
	var seen fieldSet
	err := wire.Object(data, p, func(key string, val []byte, q wire.Path) error {
		seen.add(key)
		switch key {
		case timeKey:
			return decodeTime(val, q, ts)
		case "metadata":
			return decodeMetadata(val, q, md, clear)
		case "expand":
			return decodeExpand(val, q)
		}
		return q.Unknown()
	})
	if err != nil {
		return err
	}
	return seen.requireAt(p, timeKey)
}

// UnmarshalJSON decodes report_payment_attempt_informational's parameters;
// "description": "" and "shipping_details": "" clear those fields.
func (p *ReportPaymentAttemptInformationalParams) UnmarshalJSON(data []byte) error {
	return p.decode(data, root)
}

func (p *ReportPaymentAttemptInformationalParams) decode(data []byte, at wire.Path) error {
	var v ReportPaymentAttemptInformationalParams
	err := wire.Object(data, at, func(key string, val []byte, q wire.Path) error {
		switch key {
		case "customer_details":
			d, err := ops.DecodeCustomer(val, q)
			v.CustomerDetails = d
			return err
		case "shipping_details":
			if isEmptyString(val) {
				v.ClearShippingDetails = true
				return nil
			}
			d, err := ops.DecodeShipping(val, q)
			v.ShippingDetails = d
			return err
		case "description":
			if err := decodeString(val, q, &v.Description); err != nil {
				return err
			}
			v.ClearDescription = isEmptyString(val)
			return nil
		case "metadata":
			return decodeMetadata(val, q, &v.Metadata, &v.ClearMetadata)
		case "expand":
			return decodeExpand(val, q)
		}
		return q.Unknown()
	})
	return wire.Keep(err, &v, p)
}

// UnmarshalJSON decodes report_refund's parameters; outcome must be
// "refunded" and processor_details with its refund_reference is required.
func (p *ReportRefundParams) UnmarshalJSON(data []byte) error { return p.decode(data, root) }

func (p *ReportRefundParams) decode(data []byte, at wire.Path) error {
	var v ReportRefundParams
	var seen fieldSet
	err := wire.Object(data, at, func(key string, val []byte, q wire.Path) error {
		seen.add(key)
		switch key {
		case "outcome":
			var s string
			if err := decodeString(val, q, &s); err != nil {
				return err
			}
			if s != "refunded" {
				return q.Errorf("", nil, "Invalid %s: must be refunded, got %q", q, s)
			}
			return nil
		case "amount":
			if wire.IsNull(val) {
				return nil
			}
			a, err := wire.Amount(val, q)
			v.Amount = a
			return err
		case "initiated_at":
			return decodeTime(val, q, &v.InitiatedAt)
		case "processor_details":
			return decodeRefundProcessor(val, q, &v.ProcessorDetails)
		case "refunded":
			if wire.IsNull(val) {
				return nil
			}
			return decodeTimeHash(val, q, "refunded_at", &v.Refunded.RefundedAt)
		case "metadata":
			return decodeMetadata(val, q, &v.Metadata, &v.ClearMetadata)
		case "expand":
			return decodeExpand(val, q)
		}
		return q.Unknown()
	})
	if err == nil {
		err = seen.requireAt(at, "outcome", "processor_details")
	}
	return wire.Keep(err, &v, p)
}

func decodeRefundProcessor(val []byte, p wire.Path, dst *RefundProcessorDetails) error {
	var v RefundProcessorDetails
	var seen fieldSet
	err := wire.Object(val, p, func(key string, val []byte, q wire.Path) error {
		seen.add(key)
		switch key {
		case "type":
			return decodeString(val, q, &v.Type)
		case "custom":
			var inner fieldSet
			err := wire.Object(val, q, func(k string, val []byte, kq wire.Path) error {
				inner.add(k)
				if k != "refund_reference" {
					return kq.Unknown()
				}
				return decodeString(val, kq, &v.RefundReference)
			})
			if err == nil {
				err = inner.requireAt(q, "refund_reference")
			}
			return err
		}
		return q.Unknown()
	})
	if err == nil {
		err = seen.requireAt(p, "type", "custom")
	}
	if err == nil && v.Type != "custom" {
		err = p.Key("type").Errorf("", nil, "Invalid %s: must be custom, got %q", p.Key("type"), v.Type)
	}
	if err == nil {
		*dst = v
	}
	return err
}

// fieldSet records which members of an object were present, to report the
// first missing required one in the order the endpoint lists them.
// Its keys are held inline: decoding a line allocates no list of them.
type fieldSet struct {
	keys [24]string
	n    int
}

// add records k; an object with more members than fieldSet holds has been
// rejected by then for an unknown or repeated key.
func (s *fieldSet) add(k string) {
	if s.n < len(s.keys) {
		s.keys[s.n] = k
		s.n++
	}
}

func (s *fieldSet) has(k string) bool {
	for _, have := range s.keys[:s.n] {
		if have == k {
			return true
		}
	}
	return false
}

func (s *fieldSet) requireAt(p wire.Path, keys ...string) error {
	for _, k := range keys {
		if !s.has(k) {
			return p.Key(k).Missing()
		}
	}
	return nil
}

// decodeString decodes a string parameter; null means not given.
func decodeString(val []byte, p wire.Path, dst *string) error {
	if wire.IsNull(val) {
		return nil
	}
	s, err := wire.String(val, p, wire.MaxString)
	if err == nil {
		*dst = s
	}
	return err
}

func isEmptyString(val []byte) bool { return string(val) == `""` }

// decodeTime decodes a timestamp parameter; null means not given (a
// required one is then reported missing when the report is applied).
func decodeTime(val []byte, p wire.Path, dst *int64) error {
	if wire.IsNull(val) {
		return nil
	}
	n, err := wire.Timestamp(val, p)
	if err == nil {
		*dst = n
	}
	return err
}

// decodeTimeHash decodes a hash such as {"failed_at": …} holding one
// required timestamp.
func decodeTimeHash(val []byte, p wire.Path, key string, dst *int64) error {
	var seen fieldSet
	err := wire.Object(val, p, func(k string, val []byte, q wire.Path) error {
		seen.add(k)
		if k != key {
			return q.Unknown()
		}
		return decodeTime(val, q, dst)
	})
	if err == nil {
		err = seen.requireAt(p, key)
	}
	return err
}

func decodeGuaranteed(val []byte, p wire.Path, dst *GuaranteedParams) error {
	if wire.IsNull(val) {
		return nil
	}
	return decodeTimeHash(val, p, "guaranteed_at", &dst.GuaranteedAt)
}

func decodeFailed(val []byte, p wire.Path, dst *FailedParams) error {
	if wire.IsNull(val) {
		return nil
	}
	return decodeTimeHash(val, p, "failed_at", &dst.FailedAt)
}

func decodeOutcome(val []byte, p wire.Path, dst *Outcome) error {
	if wire.IsNull(val) {
		return nil
	}
	var s string
	if err := decodeString(val, p, &s); err != nil {
		return err
	}
	if err := dst.UnmarshalText([]byte(s)); err != nil {
		return p.Errorf("", nil, "Invalid %s: must be one of guaranteed or failed, got %q", p, s)
	}
	return nil
}

func decodePresence(val []byte, p wire.Path, v *ReportPaymentParams) error {
	if wire.IsNull(val) {
		return nil
	}
	var s string
	if err := decodeString(val, p, &s); err != nil {
		return err
	}
	if err := v.CustomerPresence.UnmarshalText([]byte(s)); err != nil {
		return p.Errorf("", nil, "Invalid %s: must be one of on_session or off_session, got %q", p, s)
	}
	return nil
}

// decodeMetadata decodes a metadata hash of strings, or "" meaning clear
// every key. Entry rules are checked when the report is applied.
func decodeMetadata(val []byte, p wire.Path, dst *map[string]string, clear *bool) error {
	if wire.IsNull(val) {
		return nil
	}
	if isEmptyString(val) {
		*clear = true
		return nil
	}
	m := make(map[string]string)
	err := wire.Object(val, p, func(k string, val []byte, q wire.Path) error {
		if len(m) == wire.MaxMetadataUpdate {
			return wire.MetadataUpdateTooLarge(p)
		}
		s, err := wire.String(val, q, wire.MaxMetadataValue)
		m[k] = s
		return err
	})
	if err == nil {
		*dst = m
	}
	return err
}

// maxExpand is the most entries payrec accepts in expand: more than a
// payment record has fields to expand. The decoder stops at it, so that a
// hostile list costs no more than a valid one.
const maxExpand = 20

// expandIndex names the entries of expand in messages without allocating.
var expandIndex = func() (names [maxExpand]string) {
	for i := range names {
		names[i] = strconv.Itoa(i)
	}
	return names
}()

// decodeExpand accepts Stripe's expand parameter, an array of at most
// maxExpand strings of text (UTF-8, at most wire.MaxString characters), and
// ignores it. null means not given.
func decodeExpand(val []byte, p wire.Path) error {
	val = jsonscan.TrimSpace(val)
	notList := func() error { return p.Errorf("", nil, "Invalid array: %s must be an array of strings", p) }
	if wire.IsNull(val) {
		return nil
	}
	if len(val) == 0 || val[0] != '[' { // val is valid JSON: Object checked the document
		return notList()
	}
	n := 0
	return jsonscan.Elements(val, func(v []byte) error {
		if n == maxExpand {
			return p.Errorf("", nil, "Invalid array: %s may hold at most %d entries", p, maxExpand)
		}
		q := p.Key(expandIndex[n])
		n++
		if v[0] != '"' {
			return notList()
		}
		_, err := wire.String(v, q, wire.MaxString)
		return err
	})
}
