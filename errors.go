package payrec

import (
	"encoding/json"
	"errors"
	"strings"
)

// ErrorType is the value of the type field of a Stripe-shaped [Error].
const ErrorType = "invalid_request_error"

// Stripe's standard error codes that payrec reports. A rejection whose cause
// has no standard code (a lifecycle conflict, for example) leaves Code empty,
// as Stripe does for the same conflicts.
const (
	CodeParameterMissing        = "parameter_missing"
	CodeParameterUnknown        = "parameter_unknown"
	CodeParameterInvalidInteger = "parameter_invalid_integer"
	CodeParameterInvalidEmpty   = "parameter_invalid_empty"
	CodeResourceMissing         = "resource_missing"
	CodeResourceAlreadyExists   = "resource_already_exists"
	CodeAmountTooLarge          = "amount_too_large"
	CodeAmountTooSmall          = "amount_too_small"
	CodeParametersExclusive     = "parameters_exclusive"
	CodeInvalidCharacters       = "invalid_characters"
	CodeIdempotencyKeyInUse     = "idempotency_key_in_use"
)

// standardCodes are the codes of Stripe's list (docs.stripe.com/error-codes)
// that payrec and the packages built on it report: each has a page there.
var standardCodes = map[string]bool{
	CodeParameterMissing: true, CodeParameterUnknown: true, CodeParameterInvalidInteger: true,
	CodeParameterInvalidEmpty: true, CodeResourceMissing: true, CodeResourceAlreadyExists: true,
	CodeAmountTooLarge: true, CodeAmountTooSmall: true, CodeParametersExclusive: true,
	CodeInvalidCharacters: true, CodeIdempotencyKeyInUse: true,
}

// ErrInvalidParameter is the cause of every rejection of a parameter: a
// missing, unknown, malformed or out-of-range value. The *Error that carries
// it names the parameter in Param and Stripe's code in Code.
var ErrInvalidParameter = errors.New("payrec: invalid parameter")

// Error is a rejected report in the shape of Stripe's error object. Every
// rejection payrec returns from a report, a params decoder or a log reader is
// an *Error; its Err is the cause, so errors.Is and errors.As see through it
// to the sentinels (record.ErrRefundExceeds, ErrInvalidTransition, …) and to
// typed causes such as *TransitionError.
type Error struct {
	// Type is always ErrorType ("invalid_request_error").
	Type string
	// Code is one of Stripe's standard codes (the Code… constants), or ""
	// when none fits.
	Code string
	// Param names the offending parameter in Stripe's bracket form, such as
	// "failed_at", "amount_requested[currency]" or "metadata[order]"; it is
	// empty when the rejection concerns the record's state, not a parameter.
	Param string
	// Message is what an API user reads: a plain sentence in Stripe's
	// vocabulary (parameter names in bracket form, endpoint names) saying
	// what was wrong and, for state conflicts, what the record holds. It
	// names no Go package or type and nests no Go error text, and it is the
	// same whichever way the parameters arrived (Go values or JSON).
	Message string
	// Context is what a Go reader needs besides Message: the package that
	// rejected the report and, for a replay, which report or log line it
	// was, such as "record: report log line 3". Error puts it before
	// Message; Envelope never shows it.
	Context string
	// Err is the cause; Unwrap returns it.
	Err error
}

// Error returns e.Message, after e.Context and ": " when there is one:
// "record: Missing required param: failed_at."
func (e *Error) Error() string {
	if e == nil {
		return "payrec: <nil *Error>"
	}
	if e.Context == "" {
		return e.Message
	}
	return e.Context + ": " + e.Message
}

// DocURL returns the page of Stripe's documentation that explains e.Code,
// as Stripe's doc_url does, or "" when e has no standard code.
func (e *Error) DocURL() string {
	if e == nil || !standardCodes[e.Code] {
		return ""
	}
	return "https://docs.stripe.com/error-codes/" + strings.ReplaceAll(e.Code, "_", "-")
}

// Unwrap returns e.Err.
func (e *Error) Unwrap() error {
	if e == nil {
		return nil
	}
	return e.Err
}

type wireError struct {
	Type    string `json:"type"`
	Code    string `json:"code,omitempty"`
	Param   string `json:"param,omitempty"`
	Message string `json:"message"`
	DocURL  string `json:"doc_url,omitempty"`
}

// apiErrorType is the type of Stripe's error object for a failure that is
// not a rejection of the request: see Envelope.
const apiErrorType = "api_error"

// internalMessage is what an API user reads of an error that is not a
// rejection payrec knows.
const internalMessage = "An internal error occurred."

// wire returns e's Stripe fields; an empty Type is Stripe's
// invalid_request_error. A nil e is an api_error with a plain message.
func (e *Error) wire() wireError {
	if e == nil {
		return wireError{Type: apiErrorType, Message: internalMessage}
	}
	w := wireError{Type: e.Type, Code: e.Code, Param: e.Param, Message: e.Message, DocURL: e.DocURL()}
	if w.Type == "" {
		w.Type = ErrorType
	}
	return w
}

// MarshalJSON encodes e as Stripe's error object: type, code and param
// (omitted when empty), message, and doc_url for a standard code.
func (e *Error) MarshalJSON() ([]byte, error) { return json.Marshal(e.wire()) }

// Envelope renders err as Stripe's error envelope {"error":{…}}. An error
// that is or wraps an *Error is rendered from it. Any other non-nil error
// (and a nil *Error) is no rejection payrec knows — a failed read, a
// database that is down — so it is rendered as Stripe's api_error with the
// plain message "An internal error occurred.": its Go text may hold
// anything and is for Error() and logs only. Envelope(nil) returns nil.
func Envelope(err error) []byte {
	if err == nil {
		return nil
	}
	var e *Error
	errors.As(err, &e) // e stays nil for any other error
	out, merr := json.Marshal(struct {
		Error wireError `json:"error"`
	}{e.wire()})
	if merr != nil {
		// Marshalling four strings cannot fail; keep the envelope well formed anyway.
		return []byte(`{"error":{"type":"api_error","message":"An internal error occurred."}}`)
	}
	return out
}
