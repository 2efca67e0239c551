// Package record keeps payment records: one logical payment (Stripe's
// payment_record), the attempts made to collect it and the refunds against
// it. A [Record] changes only through the seven reports of Stripe's Payment
// Records API, one function or method per endpoint under /v1/payment_records:
//
//   - report_payment: [ReportPayment]
//   - {id}/report_payment_attempt: [Record.ReportPaymentAttempt]
//   - {id}/report_payment_attempt_failed: [Record.ReportPaymentAttemptFailed]
//   - {id}/report_payment_attempt_guaranteed: [Record.ReportPaymentAttemptGuaranteed]
//   - {id}/report_payment_attempt_canceled: [Record.ReportPaymentAttemptCanceled]
//   - {id}/report_payment_attempt_informational: [Record.ReportPaymentAttemptInformational]
//   - {id}/report_refund: [Record.ReportRefund]
//
// Each report applies in full or is rejected and leaves the record exactly
// as it was. Its params type speaks Stripe's wire vocabulary (AmountRequested
// is amount_requested, Failed.FailedAt is failed[failed_at]) and carries what
// Stripe's server would assign (IDs, created, livemode), so that a report is
// self-contained: the operations never read the clock or a source of
// randomness, and a record rebuilt from its reports is the same record.
//
// # Rules
//
// Only the latest attempt is reported on, and its lifecycle is package
// payrec's: pending, then guaranteed, failed or canceled, each final. Each
// method states the rules it applies, and says so where Stripe is silent
// and the rule is payrec's own. A report is checked before the record's
// state is consulted, so a malformed report is a parameter error whatever
// the state, and the first offending parameter is the one reported.
// Unknown parameters are rejected at every level.
//
// Each attempt splits its requested amount into five buckets (pending,
// guaranteed, failed, canceled, refunded) that always sum to it; the
// record's amounts are its latest attempt's.
//
// # Errors
//
// Every rejection is a *[payrec.Error] with Stripe's error fields (Type,
// Code, Param in bracket form, Message: a sentence for API users, without
// Go context, which Error() adds); [payrec.Envelope] renders it as
// Stripe's {"error":{…}} body, with doc_url for a standard code. Its cause matches one sentinel under
// [errors.Is]. This is the one table of them:
//
//	Sentinel                     Cause                                     Also matches
//	ErrInvalidParameter          a parameter is missing, unknown,          (is payrec's)
//	                             malformed, out of range or inconsistent
//	payrec.ErrInvalidTransition  guarantee, fail or cancel of an attempt   *payrec.TransitionError
//	                             that is not pending
//	ErrAttemptPending            a new attempt while the latest is pending ErrInvalidTransition
//	ErrFundsGuaranteed           a new attempt once funds are guaranteed   ErrInvalidTransition
//	ErrNoGuaranteedFunds         a refund when the latest attempt is not   ErrInvalidTransition
//	                             guaranteed, or all of it is refunded
//	ErrRefundExceeds             a refund larger than what is left         -
//	ErrNothingLeft               a refund once everything is refunded      ErrRefundExceeds,
//	                                                                       ErrNoGuaranteedFunds
//	ErrDuplicateRefundReference  a refund reference already used           ErrDuplicate if a repeat
//	ErrDuplicateAttemptID        an attempt_id already used                ErrDuplicate if a repeat
//	ErrRecordExists              Apply of a ReportPaymentParams            ErrDuplicate if a repeat
//	ErrRecordMismatch            a log line for another record             -
//	ErrDuplicate                 an exact repeat (see below)               the conflict it repeats
//
// So errors.Is(err, payrec.ErrInvalidTransition) is the one test for "the
// report is well formed, but the record is in the wrong state for it". The
// package's errors example shows each field.
//
// # Duplicates
//
// Webhooks and queues deliver at least once. A report that exactly repeats
// an earlier one (metadata aside) is rejected and changes nothing, but its
// error also matches [ErrDuplicate], so a caller can acknowledge it as
// applied before; a report that collides with an earlier one but differs
// from it is a conflict that does not. [ErrDuplicate] says what an exact
// repeat is, and [Record.ReportPaymentAttemptFailed] has an example.
//
// # Replay and the report log
//
// Every params type is a [Report]; [Record.Apply] applies one, and [Replay]
// rebuilds a record from the reports it accepted. A report log is JSON lines,
// one [Entry] each, written by [LogWriter], read by [LogReader] and replayed
// by [ReplayLog]:
//
//	{"op":"report_payment_attempt_failed","id":"pr_123","params":{"failed_at":1730253453}}
//
// A Record encodes as Stripe's payment_record ([Record.MarshalJSON]) and its
// attempts as payment_attempt_record. A Record is not safe for concurrent
// mutation; see [Record] and [Record.Clone].
package record
