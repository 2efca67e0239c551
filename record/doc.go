// Package record keeps payment records: one logical payment (Stripe's
// payment_record), the attempts made to collect it and the refunds against
// it. A [Record] changes only through the seven reports of Stripe's Payment
// Records API, one function or method per endpoint under
// /v1/payment_records:
//
//   - report_payment: [ReportPayment]
//   - {id}/report_payment_attempt: [Record.ReportPaymentAttempt]
//   - {id}/report_payment_attempt_failed: [Record.ReportPaymentAttemptFailed]
//   - {id}/report_payment_attempt_guaranteed: [Record.ReportPaymentAttemptGuaranteed]
//   - {id}/report_payment_attempt_canceled: [Record.ReportPaymentAttemptCanceled]
//   - {id}/report_payment_attempt_informational: [Record.ReportPaymentAttemptInformational]
//   - {id}/report_refund: [Record.ReportRefund]
//
// Each report either applies in full or is rejected and leaves the record as
// it was. The operations never read the clock or a source of randomness:
// times and IDs arrive with the reports, so that a record can be rebuilt
// from them exactly.
//
// # Creating a record
//
// [ReportPayment] creates a record and its first attempt from a
// [ReportPaymentParams]. The params types speak Stripe's wire vocabulary:
// each field is one of the endpoint's parameters (AmountRequested is
// amount_requested, Failed.FailedAt is failed[failed_at]), and each type
// decodes from JSON keyed by those names and encodes back to them. Beyond
// Stripe's parameters, a report carries what Stripe's server would assign,
// so that it is self-contained and replays identically: ReportPaymentParams
// has ID, AttemptID, Created and Livemode, and ReportPaymentAttemptParams
// has AttemptID and Created. Times are Unix seconds.
//
//	r, err := record.ReportPayment(record.ReportPaymentParams{
//		ID:              record.NewID(),  // "pr_" and 14 base-62 characters
//		AttemptID:       attempt.NewID(), // "par_…"
//		Created:         now,
//		AmountRequested: money.New(1000, usd),
//		InitiatedAt:     now,
//		PaymentMethodDetails: attempt.PaymentMethodDetails{
//			Custom: attempt.CustomDetails{DisplayName: "newpay"},
//		},
//	})
//
// ID, AttemptID, Created, a positive AmountRequested, InitiatedAt and
// PaymentMethodDetails are required. IDs need no prefix: any string of 1 to
// 255 characters without white space or control characters will do, so IDs
// from other systems can be kept. The attempt starts pending, or already
// settled when Outcome is given with its timestamp hash: OutcomeGuaranteed
// with Guaranteed.GuaranteedAt, or OutcomeFailed with Failed.FailedAt. An
// outcome without its hash, or a hash that does not go with the outcome, is
// a parameter error. [NewID] and [attempt.NewID] draw random Stripe-style
// IDs for callers who want them.
//
// # Reporting a failure
//
// [Record.ReportPaymentAttemptFailed] marks the latest attempt failed at
// FailedAt (failed_at): the attempt's whole requested amount moves from
// pending to failed, and the record shows amount_failed equal to
// amount_requested. Only the latest attempt is ever reported on.
//
// FailedAt is required, positive, and must not precede the attempt's
// initiated_at. The report is refused when the latest attempt is already
// guaranteed, as Stripe documents, and also when it has already failed or was
// canceled, because payrec treats those states as final. A refusal matches
// [payrec.ErrInvalidTransition] under [errors.Is] and is a
// *[payrec.TransitionError] under [errors.As], naming the state and the
// event. The report's metadata is merged into the record's.
//
// The example of Record.ReportPaymentAttemptFailed builds Stripe's
// canonical example: record pr_5RV730PrHyAEi, $10.00 requested, whose
// attempt par_1ArV730PrHyQuG fails at 1730253453.
//
// # Retrying
//
// A failed or canceled attempt stays so; trying again is a new attempt,
// reported with [Record.ReportPaymentAttempt]. It is accepted only when the
// latest attempt failed or was canceled: while that attempt is pending the
// report is rejected with [ErrAttemptPending], and once it is guaranteed with
// [ErrFundsGuaranteed]. The new attempt becomes the latest. It asks for the
// record's amount_requested and keeps the customer details, customer
// presence and processor details of the attempt before it (the endpoint
// takes none of them); its payment_method_details and shipping_details are
// its own, and none when omitted. Like report_payment, it may arrive already
// guaranteed or failed. Its AttemptID must be new to the record
// ([ErrDuplicateAttemptID]).
//
// # Guarantee and cancel
//
// [Record.ReportPaymentAttemptGuaranteed] reports that the latest attempt's
// funds are guaranteed at GuaranteedAt: its amount moves to
// amount_guaranteed. From then on the record takes refunds, but no new
// attempt. [Record.ReportPaymentAttemptCanceled] reports the latest attempt
// canceled at CanceledAt: its amount moves to amount_canceled, and a new
// attempt may follow. Both follow the rules of the failure report: a
// required time not before initiated_at, only a pending attempt accepted,
// metadata merged.
//
// # Refunds
//
// [Record.ReportRefund] refunds part or all of the latest attempt's
// guaranteed funds, moving money from amount_guaranteed to amount_refunded;
// the attempt stays guaranteed. The latest attempt must be guaranteed
// ([ErrNoGuaranteedFunds] otherwise). Amount is optional and defaults to all
// that is left; when given it must be positive, in the record's currency and
// at most what is left. A larger refund, or any refund once nothing is left,
// is rejected with [ErrRefundExceeds].
//
// ProcessorDetails.RefundReference (processor_details[custom][refund_reference])
// is required and unique among the record's refunds: a reused reference is
// rejected with [ErrDuplicateRefundReference], and the error also matches
// [ErrDuplicate] when the report repeats the earlier refund — the same
// amount, or the amount omitted both times. Refunded.RefundedAt and
// InitiatedAt are optional; RefundedAt must not precede the attempt's
// guaranteed_at. [Record.Refunds] lists the refunds, oldest first.
//
// # Informational reports
//
// [Record.ReportPaymentAttemptInformational] changes neither state nor
// amounts. It replaces the latest attempt's customer details or shipping
// details when given, sets the record's description when given, and merges
// its metadata into the record's. Zero fields mean "not given"; ClearDescription and
// ClearShippingDetails (on the wire, "description": "" and
// "shipping_details": "") clear those fields, and cannot be combined with a
// new value. Customer details can be replaced but not cleared.
//
// # Amounts
//
// Amounts are [money.Amount] values in the currency of amount_requested. Each
// attempt splits its requested amount into five buckets — pending,
// guaranteed, failed, canceled and refunded — and its state says where the
// money is: all of it pending, failed or canceled in those states; in a
// guaranteed attempt, refunds move it from guaranteed to refunded. The five
// always sum to the requested amount.
//
// The record's amounts (AmountGuaranteed, AmountFailed, AmountCanceled,
// AmountRefunded and the amount_* fields of its JSON) are its latest
// attempt's: after a failed attempt and a guaranteed retry the record shows
// amount_failed 0, while the first attempt still shows its failure. amount
// equals amount_requested, and amount_authorized is always zero, because no
// public parameter reports an authorization.
//
// # Errors
//
// Every rejection is a *[payrec.Error], the shape of Stripe's error object:
// Type is "invalid_request_error", Code one of Stripe's standard codes where
// one fits (parameter_missing, parameter_unknown, parameter_invalid_integer,
// parameters_exclusive, amount_too_small, resource_already_exists,
// resource_missing) and empty otherwise, Param the offending parameter in
// Stripe's bracket form (failed_at, amount_requested[currency],
// processor_details[custom][refund_reference]) and empty for a conflict with
// the record's state, and Message what was wrong and what the record holds.
// Messages start with the package that rejected the report: "record:", or
// "attempt:" for a field of the new attempt that package attempt checks. Its
// Err is the cause, which [errors.Is] and [errors.As] see through:
//
//	Sentinel                     Cause                                        Also matches
//	ErrInvalidParameter          a parameter is missing, unknown, malformed,  (it is payrec.ErrInvalidParameter)
//	                             out of range or inconsistent
//	payrec.ErrInvalidTransition  guarantee, fail or cancel of an attempt      *payrec.TransitionError
//	                             that is not pending
//	ErrAttemptPending            a new attempt while the latest is pending    ErrInvalidTransition
//	ErrFundsGuaranteed           a new attempt once funds are guaranteed      ErrInvalidTransition
//	ErrNoGuaranteedFunds         a refund when the latest attempt is not      ErrInvalidTransition
//	                             guaranteed, or all of it is refunded
//	ErrRefundExceeds             a refund larger than what is left            -
//	ErrNothingLeft               a refund once everything is refunded         ErrRefundExceeds,
//	                                                                          ErrNoGuaranteedFunds
//	ErrDuplicateRefundReference  a refund reference already used              ErrDuplicate, for a repeat
//	ErrDuplicateAttemptID        an attempt_id already used                   ErrDuplicate, for a repeat
//	ErrRecordExists              Apply of a ReportPaymentParams               ErrDuplicate, for a repeat
//	ErrRecordMismatch            a log line for another record (ReplayLog)    -
//	ErrDuplicate                 an exact repeat (see below)                  the conflict it repeats
//
// errors.Is(err, payrec.ErrInvalidTransition) is thus the one test for "the
// report is well formed, but the record is in the wrong state for it".
// ErrRefundExceeds alone is not among them: it concerns the amount; only a
// refund when nothing at all is left is also a conflict with the state.
//
// A report is checked before the record's state is consulted, so a
// malformed report is a parameter error in whatever state the record is, and
// the first offending parameter is the one reported. The few checks that
// need the state come after: a refund's RefundedAt against the attempt's
// guaranteed_at, and the amount left to refund.
//
// [payrec.Envelope] renders any of these errors as Stripe's error envelope,
// {"error":{…}}, ready for an HTTP response. [Replay] adds the number and op
// of the rejected report to the message of the error it returns; errors.As
// still finds the *payrec.Error inside, whose message Envelope renders.
//
// # Duplicates and at-least-once delivery
//
// Webhooks and queues deliver at least once, so the same report may arrive
// twice. A report that exactly repeats the one that produced the record's
// current state is rejected like any other conflicting report, and changes
// nothing, but its error also matches [ErrDuplicate], so that a caller can
// acknowledge it as already applied:
//
//	err := r.ReportPaymentAttemptFailed(p)
//	if errors.Is(err, record.ErrDuplicate) {
//		err = nil // delivered before, and applied then
//	}
//
// An exact repeat is the same report: its canonical encoding (the report
// log's, with defaults such as processor type custom spelled out) equals that
// of the earlier report, metadata aside. Metadata is not compared: it
// annotates a report without changing what happened, and a sender may
// refresh it (a trace ID, a delivery count) when it retries. Every other
// parameter counts, so acknowledging a duplicate never drops a different
// fact. The repeats are:
//
//   - guarantee, fail or cancel when the latest attempt is already in that
//     state at the same time; the error is also the lifecycle rejection,
//     with its *payrec.TransitionError;
//   - report_payment_attempt repeating the report that created the latest
//     attempt (also ErrDuplicateAttemptID), whatever happened to the
//     attempt since;
//   - report_refund repeating an earlier refund with the same reference:
//     the same amount, or the amount omitted both times, and the same
//     initiated_at and refunded_at (also ErrDuplicateRefundReference);
//   - report_payment repeating the report that created the record (also
//     ErrRecordExists).
//
// Anything else is a conflict and does not match ErrDuplicate: a different
// failure time; an attempt_id reused with another outcome, payment method
// or time, or the attempt_id of an earlier attempt; a refund reference
// reused with another amount (or with an amount given once and omitted
// once); a record ID reused with another amount.
//
// # Atomicity, versions, Clone and concurrency
//
// A rejected report leaves the record exactly as it was: the same JSON and
// the same [Record.Version]. Version counts accepted reports: 1 after
// ReportPayment, one more for every report accepted after it, informational
// ones included.
//
// A Record is not safe for concurrent mutation: guard it with a lock, or
// give each goroutine its own copy. Methods that only read may run
// concurrently with one another, but not with a report. [Record.Clone]
// returns a copy that shares no memory with the record, and the accessors
// that return attempts, metadata or refunds return copies too. The zero
// Record has no attempt and rejects every report; records are made by
// ReportPayment and Replay.
//
// # JSON
//
// [encoding/json.Marshal] of a *Record gives Stripe's payment_record object
// with every field of the current API version: id and object first, the
// rest in Stripe's alphabetical order, application null, reported_by
// "self", null where Stripe has null (customer_details, description,
// shipping_details, … when not reported), metadata {} rather than null, and
// processor_details {"type":"custom","custom":{"payment_reference":null}}
// when none were reported. Amounts and details are the latest attempt's,
// and latest_payment_attempt_record is its ID; description and metadata are
// the record's own, merged from every report. An attempt, from
// [Record.Attempts] or [Record.LatestAttempt], encodes as Stripe's
// payment_attempt_record. There is no decoding of a record from its JSON:
// a record is rebuilt from its reports.
//
// # Replay and the report log
//
// Every params type is a [Report], an interface closed to this package
// whose Op method names the endpoint. [Record.Apply] applies any report but
// a ReportPaymentParams, which creates records: once its parameters pass,
// it is rejected with [ErrRecordExists].
// [Replay] rebuilds a record from its reports, the first being the
// ReportPaymentParams that created it; replaying the reports a record
// accepted gives an equal record, with the same JSON and Version. The first
// rejected report ends the replay.
//
// A report log is JSON lines, one [Entry] per line:
//
//	{"op":"<endpoint name>","id":"<record ID>","params":{<parameters>}}
//
// The params are in the wire vocabulary, and a report_payment line has no
// id: its params carry it. Times may be JSON integers or, as form
// parameters arrive, strings of digits. The log of a payment that failed:
//
//	{"op":"report_payment","params":{"id":"pr_log","attempt_id":"par_log","created":1730211363,"amount_requested":{"currency":"usd","value":1000},"initiated_at":1730211363,"payment_method_details":{"custom":{"display_name":"newpay"}}}}
//	{"op":"report_payment_attempt_failed","id":"pr_log","params":{"failed_at":"1730253453"}}
//
// [LogWriter] writes one line per report, typically right after the record
// accepted it:
//
//	if err := r.Apply(rep); err == nil {
//		err = w.Write(r.ID(), rep)
//	}
//
// [LogReader] reads a log one entry at a time, strictly, skipping blank
// lines and holding one line (at most [MaxLogLine] bytes) at a time; a
// malformed or longer line is an error naming its number, after which
// reading goes on with the next line. Lines may end in \n or \r\n.
// [ParseLogLine] decodes one line exactly as LogReader does, for readers of
// their own. [ReplayLog] rebuilds one record from a log that holds
// only its reports: it must start with the report_payment, a line naming
// another record is [ErrRecordMismatch], and the first malformed or
// rejected line ends it.
//
// # Rules payrec adds where Stripe is silent
//
// payrec follows Stripe's rules where Stripe documents them, marked
// [Stripe] below, and states its own where Stripe is silent, marked
// [modeled]:
//
//   - Only the latest attempt is reported on. [Stripe]
//   - A guaranteed attempt cannot be guaranteed, failed or canceled again.
//     [Stripe]
//   - A failed or canceled attempt is final: it rejects guarantee, fail and
//     cancel; trying again is a new attempt. [modeled]
//   - report_payment creates the record and its first attempt: pending, or
//     guaranteed or failed with outcome and its timestamp hash. [Stripe]
//     An outcome without its hash, or a hash for another outcome, is a
//     parameter error. [modeled]
//   - A new attempt is rejected once the record has guaranteed funds.
//     [Stripe] It is rejected while the latest attempt is pending.
//     [modeled] It asks for the record's amount_requested. [modeled]
//   - Each attempt's five buckets sum to its requested amount; the record's
//     amounts are its latest attempt's; amount equals amount_requested and
//     amount_authorized is zero. [modeled; consistent with every Stripe
//     example]
//   - A refund cannot exceed the unrefunded amount [Stripe]; it moves money
//     from guaranteed to refunded, as Stripe's example after a full refund
//     shows; its refund_reference is required and unique among the
//     record's refunds. [Stripe]
//   - A refund needs a guaranteed latest attempt; its amount defaults to all
//     that is left, must be positive and in the record's currency; a refund
//     when nothing is left exceeds it. refunded_at is optional and must not
//     precede guaranteed_at. [modeled]
//   - The informational report changes no state. [Stripe]
//   - Metadata has at most 50 keys, keys of at most 40 characters without
//     '[' or ']', values of at most 500 characters, and a key set to ""
//     is removed; a description has at most 5000 characters; enums
//     reject unknown values. [Stripe]
//   - Metadata limits count characters (runes), an empty key is rejected,
//     and the 50-key limit applies to the result of the merge. [modeled]
//   - Timestamps are positive Unix seconds, as JSON integers or decimal
//     strings; an outcome time (guaranteed_at, failed_at, canceled_at)
//     before its attempt's initiated_at is a parameter error. [modeled]
//   - Only guarantee, fail and cancel produce a *payrec.TransitionError;
//     the record's other state conflicts have sentinels that also match
//     payrec.ErrInvalidTransition. [modeled]
//   - Parameter errors come before state errors; the first offending
//     parameter wins. [modeled]
//   - An exact repeat of the report that produced the current state is
//     rejected, changes nothing and matches ErrDuplicate; the same refund
//     reference with another amount is a conflict. [modeled]
//   - Unknown parameters are rejected at every level (parameter_unknown).
//     [modeled]
//   - payment_method_details and shipping_details of report_payment and
//     report_payment_attempt belong to the new attempt; description and
//     metadata of every report merge into the record's, and those of
//     report_payment and report_payment_attempt are also the new attempt's
//     own. [modeled]
//   - amount_requested must be positive; payment_method_details.type
//     defaults to custom; missing processor_details render as custom with a
//     null payment_reference. [modeled]
//   - attempt_id is unique within its record; IDs are 1–255 characters
//     without white space, with no prefix required. [modeled]
//   - Report is sealed; a report_payment cannot be applied to an existing
//     record; Replay starts with a report_payment; a log line naming another
//     record is an error. [modeled]
package record
