package record

import (
	"github.com/payrec/payrec/attempt"
	"github.com/payrec/payrec/internal/wire"
)

// MarshalJSON encodes the record as Stripe's payment_record object with
// every field of the current API version: id and object first, then the
// rest in Stripe's alphabetical order, nulls where Stripe has nulls, and
// metadata as {} when empty. It never fails.
func (r *Record) MarshalJSON() ([]byte, error) { return r.AppendJSON(make([]byte, 0, 1024)), nil }

// AppendJSON appends the record's payment_record object to b; it is what
// MarshalJSON returns, without the allocation of a new buffer.
func (r *Record) AppendJSON(b []byte) []byte {
	a := r.latest()
	if a == nil {
		a = new(attempt.Attempt) // the zero Record: null amounts and details
	}
	b = append(b, `{"id":`...)
	b = wire.AppendString(b, r.id)
	b = append(b, `,"object":"payment_record"`...)
	b = a.AppendAmounts(b)
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
