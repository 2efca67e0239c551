// Package payrec keeps payment records in the shape of Stripe's Payment
// Records API: one logical payment, the attempts made to collect it and the
// refunds against it, for payments processed anywhere. It follows Stripe's
// rules where Stripe documents them, states its own where Stripe is silent,
// and adds guarantees: a checked lifecycle, conservation of money and
// lossless replay. It never reads the clock or a source of randomness;
// times and identifiers are passed in.
//
// This package holds the lifecycle of an attempt and the error type that
// the others share. Beside it:
//
//   - [github.com/payrec/payrec/money]: currencies and amounts in integer
//     minor units, with Stripe's JSON;
//   - [github.com/payrec/payrec/attempt]: one payment attempt and its JSON;
//   - [github.com/payrec/payrec/record]: the payment record, the seven
//     report operations and the report log; start here;
//   - [github.com/payrec/payrec/record/recordtest]: generators and invariant
//     checks for property tests of code that uses records;
//   - [github.com/payrec/payrec/cmd/payrec]: a command that replays a report
//     log and prints the records as Stripe JSON.
//
// # Lifecycle
//
// Every attempt is in one [State]. A new attempt is [Pending], the zero
// State; an [Event] reporting its outcome ([Guarantee], [Fail], [Cancel])
// moves it to [Guaranteed], [Failed] or [Canceled], which are final. This is
// the whole lifecycle, rendered by looplab/fsm from the declaration the
// package runs on (see [Diagram]):
//
//	stateDiagram-v2
//	    [*] --> pending
//	    pending --> canceled: cancel
//	    pending --> failed: fail
//	    pending --> guaranteed: guarantee
//
// Every other pair of state and event is rejected. That a guaranteed attempt
// takes no event is Stripe's documented rule; that failed and canceled are
// final is payrec's, where Stripe is silent: trying again is a new attempt.
// Refunds are not lifecycle events: a guaranteed attempt takes refunds and
// stays guaranteed. [State.Transition] is a lookup in a table compiled once
// from looplab/fsm's answers, so it costs nanoseconds and no allocation.
//
// # Errors
//
// Every rejection from payrec's packages is an *[Error] with Stripe's error
// fields; [Envelope] renders it as Stripe's {"error":{…}} body. Parameter
// errors match [ErrInvalidParameter] under [errors.Is], and every conflict
// with the state of a record matches [ErrInvalidTransition]; a refused
// event is also a *[TransitionError]. Package record's documentation has
// the table of every cause.
//
// An Error has two faces. Its Message is what an API user reads: a plain
// sentence in Stripe's vocabulary, the same whether the parameters arrived
// as Go values or as JSON ("Missing required param: failed_at."). Error()
// puts the Go context first, the rejecting package and, in a replay, the
// report or log line ("record: report log line 3: Missing required param:
// failed_at."). Code is one of Stripe's standard codes where one fits, and
// the envelope then carries Stripe's doc_url for it. Stripe's list has no
// code for an unknown enum value or currency, and Stripe's own responses
// to those carry none, so neither does payrec.
package payrec
