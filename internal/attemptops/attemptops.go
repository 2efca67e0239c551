// Package attemptops is how package record changes the attempts it owns.
//
// An attempt changes only through the reports on its record, which check
// every rule first; so package attempt exports what an importer reads and
// keeps its changes, its parameter decoders and its checks unexported. It
// hands them to package record here, at initialisation, as an Ops value:
// record (which imports attempt, so attempt's initialisation has run)
// fetches it with Get.
package attemptops

import (
	"github.com/payrec/payrec"
	"github.com/payrec/payrec/internal/wire"
	"github.com/payrec/payrec/money"
)

// Init holds what an attempt is created with. The type parameters are
// attempt's detail types, as in Ops.
type Init[PM, Proc, Ship, Cust, Pres any] struct {
	ID            string // the attempt's ID, such as par_…
	PaymentRecord string // the ID of the record it belongs to
	Created       int64  // Unix seconds: when the attempt was recorded
	InitiatedAt   int64  // Unix seconds: when the payment attempt started
	Livemode      bool
	Requested     money.Amount

	PaymentMethodDetails PM
	ShippingDetails      Ship
	CustomerDetails      Cust
	CustomerPresence     Pres
	ProcessorDetails     Proc
	Description          string
	// Metadata is copied; a key mapped to "" is dropped.
	Metadata map[string]string
}

// Ops are package attempt's operations for the owner of an attempt. The type
// parameters are attempt's types: A the attempt, PM, Proc, Ship, Cust and
// Pres its payment method, processor, shipping and customer details and
// customer presence. Attempts and details go in and out by value: a pointer
// handed to a function value escapes, and these run for every report a log
// holds.
type Ops[A, PM, Proc, Ship, Cust, Pres any] struct {
	// New returns a pending attempt made from in, or a parameter error
	// naming the first field that is missing or invalid.
	New func(in Init[PM, Proc, Ship, Cust, Pres]) (A, error)
	// Clone returns a copy of a that shares no memory with it: what a
	// record hands out or keeps apart from its own attempts.
	Clone func(a *A) A
	// CheckTime reports whether at may be the time of the attempt's next
	// outcome: positive and not before its initiated_at; p names the
	// parameter in the error.
	CheckTime func(a *A, at int64, p wire.Path) error
	// Transition applies a lifecycle event at time at (see CheckTime).
	Transition func(a *A, e payrec.Event, at int64) error
	// Settle is CheckTime and Transition for a new attempt, which is passed
	// by value so that it stays on its creator's stack until it is kept.
	Settle func(a A, e payrec.Event, at int64, p wire.Path) (A, error)
	// Refund moves amt from the guaranteed bucket to the refunded one. The
	// record checks the refund first: it owns the refund rules.
	Refund func(a *A, amt money.Amount)
	// SetShipping and SetCustomer replace details (checked by the caller).
	SetShipping func(a *A, d Ship)
	SetCustomer func(a *A, d Cust)
	// AppendAmounts appends the seven amount members of Stripe's objects.
	AppendAmounts func(b []byte, a *A) []byte

	// The strict decoders of the details parameters at p: null is the zero
	// value.
	DecodePaymentMethod func(data []byte, p wire.Path) (PM, error)
	DecodeProcessor     func(data []byte, p wire.Path) (Proc, error)
	DecodeShipping      func(data []byte, p wire.Path) (Ship, error)
	DecodeCustomer      func(data []byte, p wire.Path) (Cust, error)
	// CheckShipping and CheckCustomer report the first invalid string of a
	// details value given through Go, as a parameter error below p.
	CheckShipping func(d Ship, p wire.Path) error
	CheckCustomer func(d Cust, p wire.Path) error
}

var registered any

// Register is called once, by package attempt.
func Register[A, PM, Proc, Ship, Cust, Pres any](o Ops[A, PM, Proc, Ship, Cust, Pres]) {
	registered = o
}

// Get returns what package attempt registered.
func Get[A, PM, Proc, Ship, Cust, Pres any]() Ops[A, PM, Proc, Ship, Cust, Pres] {
	return registered.(Ops[A, PM, Proc, Ship, Cust, Pres])
}

// TimeParam returns the name of the timestamp parameter that goes with e:
// guaranteed_at, failed_at or canceled_at.
func TimeParam(e payrec.Event) string {
	switch e {
	case payrec.Guarantee:
		return "guaranteed_at"
	case payrec.Fail:
		return "failed_at"
	case payrec.Cancel:
		return "canceled_at"
	}
	return e.String() + "_at"
}
