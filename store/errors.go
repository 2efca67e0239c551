package store

import (
	"errors"
	"fmt"
	"strings"

	"github.com/payrec/payrec"
	"github.com/payrec/payrec/record"
)

// Stripe's error type and code for idempotency conflicts.
const (
	idempotencyErrorType = "idempotency_error"
	codeKeyInUse         = "idempotency_key_in_use"
)

var (
	// ErrNotFound is the cause of every "no such record or attempt" answer:
	// Get, Attempt or Apply of an ID the store does not hold, and a list
	// cursor naming one. The errors the store returns wrap it in a
	// *payrec.Error with code resource_missing that names the missing ID;
	// ErrNotFound is itself such an error, for callers who need one.
	ErrNotFound error = &payrec.Error{Type: payrec.ErrorType, Code: payrec.CodeResourceMissing,
		Message: "No such payment record."}

	// ErrIdempotencyMismatch is the cause of an Apply whose idempotency key
	// was first used with another request (another operation, record or
	// parameters). Stripe answers it with HTTP 400 and the type
	// idempotency_error, which the *payrec.Error wrapping it carries.
	ErrIdempotencyMismatch error = &payrec.Error{Type: idempotencyErrorType,
		Message: "Keys for idempotent requests can only be used with the same parameters they were first used with."}

	// ErrIdempotencyInUse is the cause of an Apply whose idempotency key is
	// used by another request of this store that has not finished yet.
	// Stripe answers it with HTTP 409; trying again later gets the first
	// request's answer.
	ErrIdempotencyInUse error = &payrec.Error{Type: payrec.ErrorType, Code: codeKeyInUse,
		Message: "There is currently another in-progress request using this idempotency key."}

	// ErrCorrupt is the cause of an error about stored data the store cannot
	// read back: a report that does not decode, a gap in a record's versions,
	// or a report its record rejects on replay. The error names the record
	// and the version; nothing is changed.
	ErrCorrupt = errors.New("store: corrupt stored data")
)

func notFound(what, id, param string) error {
	return &payrec.Error{Type: payrec.ErrorType, Code: payrec.CodeResourceMissing, Param: param,
		Message: fmt.Sprintf("No such %s: '%s'", what, id), Err: ErrNotFound}
}

func recordNotFound(id string) error { return notFound("payment_record", id, "id") }

func mismatch(key string) error {
	return &payrec.Error{Type: idempotencyErrorType,
		Message: fmt.Sprintf("Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '%s' if you meant to execute a different request.", key),
		Err:     ErrIdempotencyMismatch}
}

func inUse(key string) error {
	return &payrec.Error{Type: payrec.ErrorType, Code: codeKeyInUse,
		Message: fmt.Sprintf("There is currently another in-progress request using the idempotency key '%s'. Please try again later.", key),
		Err:     ErrIdempotencyInUse}
}

func paramError(code, param, format string, args ...any) error {
	return &payrec.Error{Type: payrec.ErrorType, Code: code, Param: param,
		Message: fmt.Sprintf(format, args...), Err: payrec.ErrInvalidParameter}
}

// corrupt reports stored data that cannot be read back, naming the record
// and version it belongs to.
func corrupt(id string, version uint64, format string, args ...any) error {
	return fmt.Errorf("%w: record %q version %d: %s", ErrCorrupt, id, version, fmt.Sprintf(format, args...))
}

// The sentinels a stored rejection remembers, so that a replayed rejection
// matches the same ones under errors.Is as the first answer did. Names are
// stored; never renumber or rename one.
var sentinels = []struct {
	name string
	err  error
}{
	{"invalid_parameter", payrec.ErrInvalidParameter},
	{"invalid_transition", payrec.ErrInvalidTransition},
	{"attempt_pending", record.ErrAttemptPending},
	{"funds_guaranteed", record.ErrFundsGuaranteed},
	{"no_guaranteed_funds", record.ErrNoGuaranteedFunds},
	{"refund_exceeds", record.ErrRefundExceeds},
	{"nothing_left", record.ErrNothingLeft},
	{"duplicate_refund_reference", record.ErrDuplicateRefundReference},
	{"duplicate_attempt_id", record.ErrDuplicateAttemptID},
	{"record_exists", record.ErrRecordExists},
	{"record_mismatch", record.ErrRecordMismatch},
	{"duplicate", record.ErrDuplicate},
	{"not_found", ErrNotFound},
}

// outcome is what an idempotency key remembers of its first request: the
// record and version it produced, or the rejection.
type outcome struct {
	recordID string
	version  uint64 // > 0 when the report was accepted
	errType  string
	code     string
	param    string
	message  string
	causes   string // sentinel names, comma-separated
}

// rejection returns the outcome remembering err.
func rejection(id string, err error) outcome {
	o := outcome{recordID: id, errType: payrec.ErrorType, message: err.Error()}
	var pe *payrec.Error
	if errors.As(err, &pe) {
		o.errType, o.code, o.param, o.message = pe.Type, pe.Code, pe.Param, pe.Message
	}
	var names []string
	for _, s := range sentinels {
		if errors.Is(err, s.err) {
			names = append(names, s.name)
		}
	}
	o.causes = strings.Join(names, ",")
	return o
}

// err rebuilds the rejection o remembers: the same Stripe fields, and a
// cause that matches the same sentinels.
func (o outcome) err() error {
	var causes []error
	for _, name := range strings.Split(o.causes, ",") {
		for _, s := range sentinels {
			if s.name == name {
				causes = append(causes, s.err)
			}
		}
	}
	var cause error
	switch len(causes) {
	case 0:
	case 1:
		cause = causes[0]
	default:
		cause = errors.Join(causes...)
	}
	return &payrec.Error{Type: o.errType, Code: o.code, Param: o.param, Message: o.message, Err: cause}
}

// ErrSchemaTooNew is the cause of Open's refusal of a database whose schema
// is newer than this code knows.
var ErrSchemaTooNew = errors.New("store: the database schema is newer than this payrec knows")

func newerSchema(have, know int) error {
	return fmt.Errorf("%w: the database is at schema version %d, this payrec knows versions up to %d; use a newer payrec", ErrSchemaTooNew, have, know)
}

// ErrSQLiteMemory is the cause of Open's refusal of SQLite's in-memory
// databases ("sqlite::memory:", "sqlite:file::memory:", "?mode=memory"):
// every connection of the store would open one of its own, empty. The
// data source "memory" is the store kept in process memory.
var ErrSQLiteMemory = errors.New("store: sqlite: in-memory SQLite databases cannot be shared by the store's connections")
