package attempt

import (
	"github.com/payrec/payrec"
	"github.com/payrec/payrec/internal/attemptops"
	"github.com/payrec/payrec/internal/wire"
	"github.com/payrec/payrec/money"
)

// What a record does to its attempts, for the black-box tests: through the
// operations this package registers for package record. (The registration
// runs in init, after the package's variables are initialised.)

func ops() attemptops.Ops[Attempt, PaymentMethodDetails, ProcessorDetails, ShippingDetails, CustomerDetails, CustomerPresence] {
	return attemptops.Get[Attempt, PaymentMethodDetails, ProcessorDetails, ShippingDetails, CustomerDetails, CustomerPresence]()
}

// Init holds what a record makes an attempt with.
type Init = spec

// New makes a pending attempt as a record does.
func New(in Init) (Attempt, error) { return ops().New(in) }

func Transition(a *Attempt, e payrec.Event, at int64) error { return ops().Transition(a, e, at) }

func CheckTime(a *Attempt, e payrec.Event, at int64) error {
	return ops().CheckTime(a, at, wire.Root(pkg).Key(attemptops.TimeParam(e)))
}

func Refund(a *Attempt, amt money.Amount) { ops().Refund(a, amt) }

func Clone(a *Attempt) Attempt { return ops().Clone(a) }

func SetShippingDetails(a *Attempt, d ShippingDetails) { ops().SetShipping(a, d) }

func SetCustomerDetails(a *Attempt, d CustomerDetails) { ops().SetCustomer(a, d) }

// UnmarshalParam decodes data into d, a pointer to a detail type, as the
// parameter named param (bracket form).
func UnmarshalParam(d any, data []byte, param string) error {
	return decodeDetail(d, data, wire.At(pkg, param))
}

func decodeDetail(d any, data []byte, p wire.Path) error {
	switch d := d.(type) {
	case *Address:
		return d.decode(data, p)
	case *BillingDetails:
		return d.decode(data, p)
	case *CustomDetails:
		return d.decode(data, p)
	case *PaymentMethodDetails:
		return keep(d)(ops().DecodePaymentMethod(data, p))
	case *ShippingDetails:
		return keep(d)(ops().DecodeShipping(data, p))
	case *CustomerDetails:
		return keep(d)(ops().DecodeCustomer(data, p))
	case *ProcessorDetails:
		return keep(d)(ops().DecodeProcessor(data, p))
	}
	panic("UnmarshalParam: not a detail type")
}

// keep returns a function that stores a decoded value in *d unless
// decoding failed.
func keep[T any](d *T) func(T, error) error {
	return func(v T, err error) error {
		if err == nil {
			*d = v
		}
		return err
	}
}

// Check checks d, a detail value a report carries, as the parameter param.
func Check(d any, param string) error {
	p := wire.At(pkg, param)
	switch d := d.(type) {
	case PaymentMethodDetails:
		return d.check(p)
	case ProcessorDetails:
		return d.check(p)
	case ShippingDetails:
		return ops().CheckShipping(d, p)
	case CustomerDetails:
		return ops().CheckCustomer(d, p)
	}
	panic("Check: not a detail type")
}
