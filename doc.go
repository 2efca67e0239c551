// Package payrec keeps payment records in the shape of Stripe's Payment
// Records API: one logical payment, the attempts made to collect it and the
// refunds against it, for payments processed anywhere. It follows Stripe's
// rules where Stripe documents them, states its own where Stripe is silent,
// and adds guarantees of its own: a checked lifecycle, conservation of money
// and lossless replay. It never reads the clock or a source of randomness;
// times and identifiers are passed in.
//
// This package holds what the others share: the lifecycle of an attempt and
// the error types. The rest is layered on top of it:
//
//   - package money: currencies and amounts in integer minor units;
//   - package attempt: one payment attempt and its JSON;
//   - package record: the payment record and the report operations, one per
//     Stripe endpoint, with replay of a report log;
//   - package record/recordtest: generators and invariant checks for property
//     tests of code that uses records;
//   - command payrec: replays a report log and prints records as Stripe JSON.
//
// # Lifecycle
//
// Every payment attempt is in one [State]. A new attempt is [Pending], which
// is the zero State. Reporting its outcome is an [Event] — [Guarantee],
// [Fail] or [Cancel] — that moves it to [Guaranteed], [Failed] or [Canceled]
// respectively. Those three are final: no event moves an attempt out of
// them.
//
// This is the whole lifecycle, in Mermaid syntax, rendered by looplab/fsm
// from the declaration that the package runs on (see [Diagram]):
//
//	stateDiagram-v2
//	    [*] --> pending
//	    pending --> canceled: cancel
//	    pending --> failed: fail
//	    pending --> guaranteed: guarantee
//
// Every pair of state and event that the diagram does not show is rejected:
//
//   - A guaranteed attempt rejects guarantee, fail and cancel. This is
//     Stripe's documented rule: its funds are already guaranteed.
//   - A failed or a canceled attempt rejects every event too. Stripe does not
//     say what happens; payrec treats both states as final. Trying again
//     means a new attempt, which starts pending.
//   - Refunds are not lifecycle events. A guaranteed attempt takes refunds
//     and stays guaranteed; only its amounts change.
//
// [State.Transition] applies an event. The table is declared once, with
// looplab/fsm, and compiled at package initialisation, by asking looplab/fsm
// where each event leads from each state, into an array indexed by state and
// event. A transition is then a lookup that does not allocate, instead of a
// state machine built and run per call, which costs microseconds and several
// allocations. The diagram above is what [Diagram] returns, and a test keeps
// the two equal.
//
// States and events encode as their lowercase names ("pending", "guarantee")
// in JSON and any other text encoding; decoding accepts exactly those names.
// An out-of-range State or Event prints as "State(7)" or "Event(9)", is
// rejected by every transition and refuses to encode.
//
// # Transition errors
//
// A rejected event is reported as a *[TransitionError], which names the state
// and the event: "payrec: cannot fail a guaranteed attempt". It matches
// [ErrInvalidTransition] under [errors.Is], and [errors.As] extracts it, also
// when a report operation wraps it in the error it returns:
//
//	var te *payrec.TransitionError
//	if errors.As(err, &te) {
//		// te.From is the state the attempt is in; te.Event was refused.
//	}
//
// Only guarantee, fail and cancel produce a TransitionError. The other
// conflicts between a report and the state of a record — a new attempt while
// the latest one is pending or has guaranteed funds, a refund with nothing
// left to refund — have sentinel errors of their own, in package record, that
// also match ErrInvalidTransition. errors.Is(err, ErrInvalidTransition) is
// therefore the one test for "the report is well formed, but the record is
// in the wrong state for it".
//
// # Errors in Stripe's shape
//
// Every rejection from payrec's packages — a parameter, a lifecycle
// conflict, a malformed log line — is an *[Error] with Stripe's error fields:
// Type ("invalid_request_error"), Code where one of Stripe's standard codes
// fits ([CodeParameterMissing], [CodeParameterUnknown], …), Param in
// Stripe's bracket form ("failed_at", "amount_requested[currency]") and a
// Message that says what was wrong. Its Err is the cause: parameter errors
// match [ErrInvalidParameter], conflicts with the lifecycle match
// [ErrInvalidTransition], and package record adds a sentinel for each of its
// own causes. [Envelope] renders any error as Stripe's {"error":{…}} body,
// ready to send back to whoever made the report.
//
// # Money
//
// Package money holds amounts as int64 minor units of a money.Currency
// whose digits follow Stripe (JPY has none, KWD three, ISK two), never as
// floats. Adding or subtracting in different currencies is an error, and so
// is a result that leaves int64: nothing wraps or rounds silently. Amounts
// encode as Stripe's {"currency":"usd","value":1000}.
//
// # Example
//
// The package example follows one payment from its first report to a
// partial refund, and shows a late failure report refused with a
// TransitionError; README.md shows the same code.
package payrec
