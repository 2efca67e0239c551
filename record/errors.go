package record

import (
	"errors"
	"fmt"

	"github.com/payrec/payrec"
	"github.com/payrec/payrec/internal/wire"
)

// Sentinels, one per cause of rejection. Every rejection is a *payrec.Error
// (errors.As) carrying Stripe's error fields; errors.Is matches it against
// these sentinels, against payrec.ErrInvalidParameter for parameter errors,
// and against payrec.ErrInvalidTransition for every conflict with the
// lifecycle. A lifecycle event the latest attempt cannot take (guarantee,
// fail or cancel) also matches *payrec.TransitionError under errors.As.
var (
	// ErrInvalidParameter matches every parameter error: missing, unknown,
	// malformed, out of range, or inconsistent with another parameter.
	ErrInvalidParameter = payrec.ErrInvalidParameter

	// ErrAttemptPending: a new attempt was reported while the latest one is
	// still pending. Stripe is silent here; payrec refuses it.
	ErrAttemptPending = fmt.Errorf("record: the latest attempt is still pending: %w", payrec.ErrInvalidTransition)
	// ErrFundsGuaranteed: a new attempt was reported although the record
	// already has a guaranteed attempt, as Stripe documents.
	ErrFundsGuaranteed = fmt.Errorf("record: the record already has guaranteed funds: %w", payrec.ErrInvalidTransition)
	// ErrNoGuaranteedFunds: a refund was reported but the latest attempt is
	// not guaranteed, or all of its guaranteed funds are refunded already
	// (that error also matches ErrRefundExceeds).
	ErrNoGuaranteedFunds = fmt.Errorf("record: no guaranteed funds: %w", payrec.ErrInvalidTransition)
	// ErrRefundExceeds: a refund is larger than the guaranteed amount that
	// has not been refunded yet, as Stripe documents. When nothing is left,
	// the error also matches ErrNoGuaranteedFunds and so
	// ErrInvalidTransition.
	ErrRefundExceeds = errors.New("record: refund exceeds the unrefunded amount")
	// ErrNothingLeft: a refund once all the guaranteed funds are refunded.
	// It matches ErrRefundExceeds and ErrNoGuaranteedFunds, and so
	// payrec.ErrInvalidTransition.
	ErrNothingLeft = fmt.Errorf("%w: %w", ErrRefundExceeds, ErrNoGuaranteedFunds)
	// ErrDuplicateRefundReference: the refund reference was already used by
	// another refund of the record, which Stripe requires to be unique.
	ErrDuplicateRefundReference = errors.New("record: duplicate refund reference")
	// ErrDuplicateAttemptID: the attempt ID is already used in the record.
	ErrDuplicateAttemptID = errors.New("record: duplicate attempt ID")
	// ErrRecordExists: a report_payment was applied to an existing record.
	ErrRecordExists = errors.New("record: the record already exists")
	// ErrRecordMismatch: a report names another record than the one it is
	// applied to.
	ErrRecordMismatch = errors.New("record: the report names another record")

	// ErrDuplicate marks a report that exactly repeats an earlier one. The
	// report is still rejected and changes nothing; a caller receiving
	// webhook retries may treat errors.Is(err, ErrDuplicate) as success.
	//
	// An exact repeat is the same report: its canonical encoding (the
	// report log's, with defaults such as processor type custom spelled
	// out) equals that of the earlier report, metadata aside. Metadata is
	// not compared: it annotates a report without changing what happened,
	// and a sender may refresh it (a trace ID, a delivery count) when it
	// retries. Every other parameter counts, so acknowledging a duplicate
	// never drops a different fact. The repeats are:
	//   - guarantee, fail or cancel when the latest attempt is already in
	//     that state at the same time; the error is also the lifecycle
	//     rejection, with its *payrec.TransitionError;
	//   - report_payment_attempt repeating the report that created the
	//     latest attempt (also ErrDuplicateAttemptID), whatever happened to
	//     the attempt since;
	//   - report_refund repeating an earlier refund with the same reference:
	//     the same amount, or the amount omitted both times, and the same
	//     initiated_at and refunded_at (also ErrDuplicateRefundReference);
	//   - report_payment repeating the report that created the record (also
	//     ErrRecordExists).
	// Anything else that collides with an earlier report is a conflict that
	// does not match ErrDuplicate: a different failure time; an attempt_id
	// reused with another outcome, payment method or time, or the
	// attempt_id of an earlier attempt; a refund reference reused with
	// another amount; a record ID reused with another amount.
	ErrDuplicate = errors.New("record: duplicate report")
)

// stateError builds a rejection caused by the record's state.
func stateError(cause error, format string, args ...any) error {
	return wire.Conflict(pkg, "", "", cause, format, args...)
}

// duplicateOf marks cause as a duplicate: errors.Is matches both ErrDuplicate
// and everything cause matches.
func duplicateOf(cause error) error { return fmt.Errorf("%w: %w", ErrDuplicate, cause) }
