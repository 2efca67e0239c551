// Package attempt models one payment attempt: a single try at collecting the
// amount a payment record asks for, from one customer with one payment
// method. It is the Go form of Stripe's payment_attempt_record object.
//
// An [Attempt] belongs to a record ([github.com/payrec/payrec/record]),
// which hands out copies and changes its own attempts only through its
// reports, after checking their rules. This package gives what an importer
// reads (the attempt, its state, its amounts, its details) and Stripe's JSON
// for them. An Attempt has no exported way to change it, and its accessors
// return copies: the attempts a record hands out share no memory with its
// own.
//
// # Lifecycle and timestamps
//
// An attempt follows the lifecycle of package payrec: pending, then
// guaranteed, failed or canceled, each final. The time of its outcome, in
// Unix seconds as the report gave it, is kept ([Attempt.OutcomeAt]).
//
// # Amounts
//
// The requested amount is split into five buckets that always sum to it
// (see [Attempt]); which bucket holds the money follows from the state and
// the refunds, so they cannot drift apart.
//
// # Details
//
// What an attempt reports about the payment is held in plain value types:
// [PaymentMethodDetails] (with [BillingDetails], [Address] and
// [CustomDetails]), [ShippingDetails], [CustomerDetails], [ProcessorDetails]
// and [CustomerPresence]. The zero value of each means "not reported" and
// encodes as Stripe's null, except [ProcessorDetails], whose zero value
// encodes as Stripe's default. Stripe's nullable strings are Go strings
// whose "" stands for null. Each decodes Stripe's parameter shape strictly:
// an unknown key at any depth, a value of the wrong JSON type, a string
// longer than 5000 characters or a key given twice is a *[payrec.Error]
// whose Param names the member in Stripe's bracket form.
//
// # JSON
//
// An Attempt encodes as Stripe's payment_attempt_record
// ([Attempt.MarshalJSON]); the zero Attempt has no JSON form.
//
// # IDs
//
// The package never reads the clock or draws random numbers on its own:
// every time and ID is passed in. [NewID] makes a Stripe-style attempt ID
// for callers that have none.
package attempt
