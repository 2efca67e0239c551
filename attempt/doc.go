// Package attempt models one payment attempt: a single try at collecting the
// amount a payment record asks for, from one customer with one payment
// method. It is the Go form of Stripe's payment_attempt_record object. A
// record (package record) owns its attempts and reports on the latest one;
// this package knows nothing about records beyond the record's ID.
//
// An [Attempt] changes only through the reports on the record that owns it:
// they move it through the lifecycle of package payrec and refund its
// guaranteed funds, after checking their rules. This package gives what an
// importer reads — the attempt, its state, its amounts, its details — and
// Stripe's JSON for them. [New] makes a pending attempt from an [Init]. It
// never reads the clock and never draws random numbers on its own: every
// time and every ID is passed in.
//
// # Lifecycle and timestamps
//
// A new attempt is pending. Its record applies one of the events
// [payrec.Guarantee], [payrec.Fail] or [payrec.Cancel] and moves it to
// guaranteed, failed or canceled. Those three states are final: any further
// event is rejected with a *[payrec.Error] whose cause is a
// *[payrec.TransitionError], so that both errors.Is(err,
// payrec.ErrInvalidTransition) and errors.As to either type work. A retry
// after a failed or canceled attempt is a new attempt.
//
// An event takes the time it happened, in Unix seconds, as the
// report gives it, not the time the report arrives. The time must be
// positive and must not precede the attempt's InitiatedAt; a time equal to
// InitiatedAt is fine. A bad time is a parameter error naming guaranteed_at,
// failed_at or canceled_at, and it
// is reported before any lifecycle conflict. Either way a rejected event
// leaves the attempt exactly as it was.
//
// The time of the event is kept: [Attempt.GuaranteedAt], [Attempt.FailedAt]
// and [Attempt.CanceledAt] return it, or 0 before the event, and
// [Attempt.OutcomeAt] returns the one that matches the current state.
//
// # Amounts
//
// The requested amount is split into five buckets that always add up to it:
//
//   - [Attempt.Pending]: all of it while the attempt is pending;
//   - [Attempt.Guaranteed]: all of it once guaranteed, less what has been
//     refunded;
//   - [Attempt.Failed] and [Attempt.Canceled]: all of it in those states;
//   - [Attempt.Refunded]: the sum of the refunds.
//
// Every bucket is in the requested currency and none is ever negative. The
// buckets are not stored but derived from the state and the refunded total,
// so they cannot drift apart. [Attempt.Authorized] is always zero, because
// no report carries an authorization on its own.
//
// A refund (record.Record.ReportRefund checks it) moves money from the
// guaranteed bucket to the refunded one; the state stays guaranteed, since a
// refund is not a lifecycle event.
//
// # Details
//
// What an attempt reports about the payment is held in plain value types:
// [PaymentMethodDetails] (with [BillingDetails], [Address] and
// [CustomDetails]), [ShippingDetails], [CustomerDetails], [ProcessorDetails]
// and [CustomerPresence]. The zero value of each means "not reported" and
// encodes as Stripe's null; [ProcessorDetails] alone encodes its zero value
// as Stripe's default, a custom processor without a reference. Stripe's
// nullable strings are Go strings whose "" stands for null.
//
// Each detail type decodes Stripe's parameter shape with UnmarshalJSON,
// strictly: an unknown key at any depth is rejected with the code
// parameter_unknown, a value of the wrong JSON type or a string longer than
// 5000 characters is rejected, and a key given twice is rejected. Errors are
// *[payrec.Error] values whose Param names the offending member in Stripe's
// bracket form (a record's decoder names the members below the parameter,
// such as payment_method_details[billing_details][address][zip]). A JSON
// null stands for a value that was not given. A failed decode leaves the
// value as it was.
//
// [PaymentMethodDetails.Type] is "custom" or one of Stripe's payment method
// types (see [IsPaymentMethodType]) and defaults to "custom" when anything
// else is reported. A custom payment method needs a display name. The
// per-type hashes Stripe defines besides custom — card, sepa_debit, klarna
// and the rest — are not modeled field by field; they are kept verbatim in
// [PaymentMethodDetails.Other], keyed by type, so that nothing a caller
// reports is lost. Each must be a JSON object under the name of a known
// type. They are re-encoded without insignificant white space, and the
// members of payment_method_details come out in sorted key order.
// [ProcessorDetails.Type] accepts only "custom", the one processor type
// Stripe defines.
//
// # Validation in New
//
// [New] requires an ID and the record's ID (1–255 characters, without white
// space or control characters; no prefix is required), positive Created and
// InitiatedAt times and a positive requested amount, and it checks the
// payment method and processor details, the customer presence and a
// description of at most 5000 characters. Metadata follows Stripe's rules:
// at most 50 keys, each key 1–40 characters without '[' or ']', each value
// at most 500 characters, counted in characters, not bytes. A key mapped to
// "" is dropped. Every rejection is a *[payrec.Error] that wraps
// payrec.ErrInvalidParameter and names the first offending field in Param.
//
// # JSON
//
// An Attempt encodes, with [Attempt.MarshalJSON] or [Attempt.AppendJSON], as
// Stripe's payment_attempt_record with every property of the API version
// payrec follows: id and object first, then the rest in alphabetical order.
// amount equals amount_requested, amounts are {"currency":"usd","value":1000}
// objects and zero buckets are shown, not omitted; application is null,
// reported_by is "self", metadata is {} rather than null, payment_record is
// the record's ID, and details that were not reported are null. Strings are
// escaped as encoding/json escapes them.
//
// # IDs
//
// [NewID] returns a Stripe-style attempt ID, "par_" and 14 base-62
// characters from crypto/rand, for callers that do not have IDs of their
// own. It is the only source of randomness in the package, and nothing in
// the package calls it: [New] takes the ID it is given.
//
// # Copies and concurrency
//
// An Attempt is not safe for concurrent mutation. [Attempt.Clone] returns a
// copy that shares no memory with the original, and the accessors that
// return maps or details holding maps return copies too.
package attempt
