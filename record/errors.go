package record

import (
	"errors"
	"fmt"

	"github.com/payrec/payrec"
	"github.com/payrec/payrec/attempt"
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
	// still pending. [modeled]
	ErrAttemptPending = fmt.Errorf("record: the latest attempt is still pending: %w", payrec.ErrInvalidTransition)
	// ErrFundsGuaranteed: a new attempt was reported although the record
	// already has a guaranteed attempt. [Stripe]
	ErrFundsGuaranteed = fmt.Errorf("record: the record already has guaranteed funds: %w", payrec.ErrInvalidTransition)
	// ErrNoGuaranteedFunds: a refund was reported but the latest attempt is
	// not guaranteed, or all of its guaranteed funds are refunded already
	// (that error also matches ErrRefundExceeds).
	ErrNoGuaranteedFunds = attempt.ErrNoGuaranteedFunds
	// ErrRefundExceeds: a refund is larger than the guaranteed amount that
	// has not been refunded yet. [Stripe] When nothing at all is left, the
	// error also matches ErrNoGuaranteedFunds and so ErrInvalidTransition.
	ErrRefundExceeds = attempt.ErrRefundExceeds
	// ErrNothingLeft: a refund once all the guaranteed funds are refunded.
	// It matches ErrRefundExceeds and ErrNoGuaranteedFunds, and so
	// payrec.ErrInvalidTransition.
	ErrNothingLeft = attempt.ErrNothingLeft
	// ErrDuplicateRefundReference: the refund reference was already used by
	// another refund of the record. [Stripe]
	ErrDuplicateRefundReference = errors.New("record: duplicate refund reference")
	// ErrDuplicateAttemptID: the attempt ID is already used in the record.
	ErrDuplicateAttemptID = errors.New("record: duplicate attempt ID")
	// ErrRecordExists: a report_payment was applied to an existing record.
	ErrRecordExists = errors.New("record: the record already exists")
	// ErrRecordMismatch: a report names another record than the one it is
	// applied to.
	ErrRecordMismatch = errors.New("record: the report names another record")

	// ErrDuplicate marks a report that exactly repeats an earlier one —
	// the same parameters, metadata aside: the same outcome at the same
	// time, the same refund, the same new attempt, the same record. The
	// report is still rejected and changes nothing; a caller receiving
	// webhook retries may treat errors.Is(err, ErrDuplicate) as success.
	// A report that collides with an earlier one but differs from it is a
	// conflict that does not match ErrDuplicate.
	ErrDuplicate = errors.New("record: duplicate report")
)

// stateError builds a rejection caused by the record's state.
func stateError(cause error, format string, args ...any) error {
	return &payrec.Error{Type: payrec.ErrorType, Message: fmt.Sprintf(format, args...), Err: cause}
}

// duplicateOf marks cause as a duplicate: errors.Is matches both ErrDuplicate
// and everything cause matches.
func duplicateOf(cause error) error { return fmt.Errorf("%w: %w", ErrDuplicate, cause) }
