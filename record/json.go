package record

import (
	"errors"
	"fmt"

	"github.com/payrec/payrec/internal/wire"
)

// MarshalJSON encodes the record as Stripe's payment_record object with
// every field of the current API version: id and object first, then the
// rest in Stripe's alphabetical order, nulls where Stripe has nulls, and
// metadata as {} when empty. The zero Record is no payment record: encoding
// it is an error (ErrZeroRecord), never an object with null amounts.
func (r *Record) MarshalJSON() ([]byte, error) {
	if r.latest() == nil {
		return nil, ErrZeroRecord
	}
	return r.AppendJSON(make([]byte, 0, 1024)), nil
}

// ErrZeroRecord is the error of encoding a Record that no report made (the
// zero Record has no Stripe form) and the cause of every error of decoding
// one, which could only make such a Record.
var ErrZeroRecord = errors.New("record: the zero Record has no JSON form; records are made by ReportPayment and Replay")

// UnmarshalJSON returns an error: a payment_record object does not hold what
// a Record is (its earlier attempts, its refunds, the reports it accepted),
// so decoding one could only give a record that is not the one encoded.
// Rebuild a record from its reports with Replay or ReplayLog instead. The
// error matches ErrZeroRecord.
func (r *Record) UnmarshalJSON([]byte) error { return errDecodeRecord }

var errDecodeRecord = fmt.Errorf("record: a Record cannot be decoded from its Stripe JSON; "+
	"rebuild it from its reports with Replay or ReplayLog (%w)", ErrZeroRecord)

// AppendJSON appends the record's payment_record object to b; it is what
// MarshalJSON returns, without the allocation of a new buffer. For the zero
// Record it appends null.
func (r *Record) AppendJSON(b []byte) []byte {
	a := r.latest()
	if a == nil {
		return append(b, "null"...)
	}
	b = append(b, `{"id":`...)
	b = wire.AppendString(b, r.id)
	b = append(b, `,"object":"payment_record"`...)
	b = ops.AppendAmounts(b, a)
	b = append(b, `,"application":null,"created":`...)
	b = wire.AppendInt(b, r.created)
	pm, ship, cust, proc := a.PaymentMethodDetails(), a.ShippingDetails(), a.CustomerDetails(), a.ProcessorDetails()
	b = wire.AppendKey(b, "customer_details")
	b = cust.AppendJSON(b)
	b = wire.AppendKey(b, "customer_presence")
	b = wire.AppendNullable(b, a.CustomerPresence().String())
	b = wire.AppendKey(b, "description")
	b = wire.AppendNullable(b, r.description)
	b = wire.AppendKey(b, "latest_payment_attempt_record")
	b = wire.AppendNullable(b, a.ID())
	b = wire.AppendKey(b, "livemode")
	b = wire.AppendBool(b, r.livemode)
	b = wire.AppendKey(b, "metadata")
	b = wire.AppendMetadata(b, r.metadata)
	b = wire.AppendKey(b, "payment_method_details")
	b = pm.AppendJSON(b)
	b = wire.AppendKey(b, "processor_details")
	b = proc.AppendJSON(b)
	b = append(b, `,"reported_by":"self","shipping_details":`...)
	b = ship.AppendJSON(b)
	return append(b, '}')
}
