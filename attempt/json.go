package attempt

import (
	"errors"
	"fmt"

	"github.com/payrec/payrec/internal/wire"
)

// MarshalJSON encodes the attempt as Stripe's payment_attempt_record object
// with every field of the current API version: id and object first, then the
// rest in Stripe's alphabetical order, with null where Stripe has null.
// Encoding the zero Attempt, which is no payment attempt, is an error
// (ErrZeroAttempt).
func (a Attempt) MarshalJSON() ([]byte, error) {
	if !a.IsValid() {
		return nil, ErrZeroAttempt
	}
	return a.AppendJSON(make([]byte, 0, 1024)), nil
}

// ErrZeroAttempt is the error of encoding an Attempt that no record made
// (the zero Attempt has no Stripe form) and the cause of every error of
// decoding one, which could only make such an Attempt.
var ErrZeroAttempt = errors.New("attempt: the zero Attempt has no JSON form; attempts are made by their record's reports")

// UnmarshalJSON returns an error: attempts are made by a record's reports, and a payment_attempt_record object does not say how it came to
// be. Rebuild the record that holds it from its reports instead. The error
// matches ErrZeroAttempt.
func (a *Attempt) UnmarshalJSON([]byte) error { return errDecodeAttempt }

var errDecodeAttempt = fmt.Errorf("attempt: an Attempt cannot be decoded from its Stripe JSON; "+
	"rebuild its record from its reports (%w)", ErrZeroAttempt)

// AppendJSON appends the attempt's payment_attempt_record object to b, or
// null for the zero Attempt.
func (a *Attempt) AppendJSON(b []byte) []byte {
	if !a.IsValid() {
		return append(b, "null"...)
	}
	b = append(b, `{"id":`...)
	b = wire.AppendString(b, a.id)
	b = append(b, `,"object":"payment_attempt_record"`...)
	b = a.appendAmounts(b)
	b = append(b, `,"application":null,"created":`...)
	b = wire.AppendInt(b, a.created)
	b = wire.AppendKey(b, "customer_details")
	b = a.customer.AppendJSON(b)
	b = wire.AppendKey(b, "customer_presence")
	b = wire.AppendNullable(b, a.presence.String())
	b = wire.AppendKey(b, "description")
	b = wire.AppendNullable(b, a.description)
	b = wire.AppendKey(b, "livemode")
	b = wire.AppendBool(b, a.livemode)
	b = wire.AppendKey(b, "metadata")
	b = wire.AppendMetadata(b, a.metadata)
	b = wire.AppendKey(b, "payment_method_details")
	b = a.paymentMethod.AppendJSON(b)
	b = wire.AppendKey(b, "payment_record")
	b = wire.AppendNullable(b, a.record)
	b = wire.AppendKey(b, "processor_details")
	b = a.processor.AppendJSON(b)
	b = append(b, `,"reported_by":"self","shipping_details":`...)
	b = a.shipping.AppendJSON(b)
	return append(b, '}')
}

// appendAmounts appends the seven amount members of Stripe's objects
// (",amount":…, through ",amount_requested":…), each preceded by a comma.
// amount is the requested amount; amount_authorized is zero.
func (a *Attempt) appendAmounts(b []byte) []byte {
	b = append(b, `,"amount":`...)
	b = wire.AppendAmount(b, a.requested)
	b = append(b, `,"amount_authorized":`...)
	b = wire.AppendAmount(b, a.Authorized())
	b = append(b, `,"amount_canceled":`...)
	b = wire.AppendAmount(b, a.Canceled())
	b = append(b, `,"amount_failed":`...)
	b = wire.AppendAmount(b, a.Failed())
	b = append(b, `,"amount_guaranteed":`...)
	b = wire.AppendAmount(b, a.Guaranteed())
	b = append(b, `,"amount_refunded":`...)
	b = wire.AppendAmount(b, a.Refunded())
	b = append(b, `,"amount_requested":`...)
	return wire.AppendAmount(b, a.requested)
}

// encoded returns b, the JSON of the details hash param, or an
// invalid_characters error when a string in it is not UTF-8: JSON cannot
// carry it, and writing U+FFFD instead would be another value.
func encoded(b []byte, param string) ([]byte, error) {
	return wire.Encoded(b, wire.At(pkg, param), nil)
}
