package money

import (
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/payrec/payrec/internal/jsonscan"
)

// Sentinel errors. Every error returned by this package matches exactly one
// of them under [errors.Is]; the typed errors [*ParseError], [*ArithError]
// and [*FieldError] carry the details.
var (
	// ErrCurrencyMismatch reports arithmetic or a comparison between amounts
	// of different currencies, or involving an Amount without a currency.
	ErrCurrencyMismatch = errors.New("money: currency mismatch")

	// ErrOverflow reports a result, parsed text or JSON value that does not
	// fit in an int64 count of minor units.
	ErrOverflow = errors.New("money: overflow")

	// ErrUnknownCurrency reports a currency code that is not in payrec's
	// table, a JSON "currency" that is not a string, or the use of the zero
	// Currency where a real one is needed.
	ErrUnknownCurrency = errors.New("money: unknown currency")

	// ErrSyntax reports decimal text that Parse rejects: anything but an
	// optional '-', digits, and an optional '.' followed by digits, or more
	// significant decimal places than the currency has.
	ErrSyntax = errors.New("money: invalid syntax")

	// ErrMissingField reports a JSON amount object without "currency" or
	// without "value".
	ErrMissingField = errors.New("money: missing field")

	// ErrUnknownField reports a key other than "currency" and "value" in a
	// JSON amount object.
	ErrUnknownField = errors.New("money: unknown field")

	// ErrNotInteger reports a JSON "value" that is not an integer literal:
	// a fraction, an exponent, a string, a boolean, null, an object or an
	// array.
	ErrNotInteger = errors.New("money: not an integer")

	// ErrInvalidJSON reports JSON that is malformed, is not an object, or
	// repeats a key.
	ErrInvalidJSON = errors.New("money: invalid JSON")
)

// maxQuoted bounds how much of a caller's input an error message repeats,
// so that a megabyte of junk does not become a megabyte of log line.
const maxQuoted = 64

// clip shortens s to at most maxQuoted bytes without splitting a UTF-8
// sequence, and reports whether it did.
func clip(s string) (string, bool) { return jsonscan.Clip(s, maxQuoted) }

// quote renders caller input for an error message: Go-quoted and clipped.
func quote(s string) string {
	c, clipped := clip(s)
	q := strconv.Quote(c)
	if clipped {
		q += "..."
	}
	return q
}

// raw renders JSON text for an error message as it appeared, clipped. Text
// that would not print cleanly on one line (control characters, newlines
// between tokens, invalid UTF-8) is Go-quoted instead.
func raw(s string) string {
	c, clipped := clip(s)
	if !utf8.ValidString(c) || strings.IndexFunc(c, notPrint) >= 0 {
		c = strconv.Quote(c)
	}
	if clipped {
		c += "..."
	}
	return c
}

func notPrint(r rune) bool { return !strconv.IsPrint(r) }

// reason is a sentinel's message without the package prefix, for embedding
// it in a longer message that already starts with "money: ".
func reason(err error) string {
	return strings.TrimPrefix(err.Error(), "money: ")
}

// label names a currency in an error message; the zero Currency has no code
// of its own.
func label(c Currency) string {
	if !c.IsValid() {
		return "<none>"
	}
	return c.String()
}

// ParseError reports text that [Parse] or [ParseCurrency] rejected.
type ParseError struct {
	// Input is the rejected text, in full.
	Input string
	// Currency is the currency Parse was asked to read Input in; it is the
	// zero Currency for ParseCurrency, and for Parse given the zero Currency.
	Currency Currency
	// Err is ErrSyntax, ErrOverflow or ErrUnknownCurrency.
	Err error

	detail string // what exactly was wrong, for the message; may be empty
	code   bool   // Input was a currency code, not an amount
}

// Error returns a message such as
//
//	money: unknown currency "usx"
//	money: parsing "1.5" as jpy: invalid syntax: more than 0 decimal places
func (e *ParseError) Error() string {
	if e.code {
		return "money: unknown currency " + quote(e.Input)
	}
	s := "money: parsing " + quote(e.Input) + " as " + label(e.Currency) + ": " + reason(e.Err)
	if e.detail != "" {
		s += ": " + e.detail
	}
	return s
}

// Unwrap returns e.Err, so that errors.Is matches the sentinel.
func (e *ParseError) Unwrap() error { return e.Err }

// ArithError reports an arithmetic operation or comparison that failed.
type ArithError struct {
	// Op is the method that failed: "Add", "Sub" or "Cmp".
	Op string
	// X is the receiver and Y the argument of the failed call.
	X, Y Amount
	// Err is ErrCurrencyMismatch or ErrOverflow.
	Err error
}

// Error returns a message such as
//
//	money: currency mismatch: usd vs eur
//	money: overflow: 9223372036854775807 usd + 1 usd
//
// Values are in minor units.
func (e *ArithError) Error() string {
	if e.Err == ErrOverflow {
		op := " + "
		if e.Op == "Sub" {
			op = " - "
		}
		return "money: overflow: " +
			strconv.FormatInt(e.X.value, 10) + " " + label(e.X.cur) + op +
			strconv.FormatInt(e.Y.value, 10) + " " + label(e.Y.cur)
	}
	return "money: currency mismatch: " + label(e.X.cur) + " vs " + label(e.Y.cur)
}

// Unwrap returns e.Err, so that errors.Is matches the sentinel.
func (e *ArithError) Unwrap() error { return e.Err }

// FieldError reports JSON that [Amount.UnmarshalJSON] rejected, naming the
// field at fault so that a caller can report it with its own parameter
// names (Stripe's amount_requested[value], for instance).
type FieldError struct {
	// Field is "currency" or "value" for a problem with that field, the key
	// itself for an unknown or repeated key, and "" for a problem with the
	// object as a whole (malformed JSON, not an object).
	Field string
	// Err is ErrInvalidJSON, ErrMissingField, ErrUnknownField,
	// ErrUnknownCurrency, ErrNotInteger or ErrOverflow.
	Err error
	// Input is the offending JSON text as it appeared: the field's value,
	// or the whole input for a problem with the object. It is empty for a
	// missing or unknown field.
	Input string

	detail string // what exactly was wrong, for the message; may be empty
}

// Error returns a message such as
//
//	money: amount field "value": not an integer: 10.5
//	money: amount field "currency": missing field
//	money: amount: invalid JSON: not an object: [1]
func (e *FieldError) Error() string {
	s := "money: amount"
	if e.Field != "" {
		s += " field " + quote(e.Field)
	}
	s += ": " + reason(e.Err)
	if e.detail != "" {
		s += ": " + e.detail
	}
	if e.Input != "" {
		s += ": " + raw(e.Input)
	}
	return s
}

// Unwrap returns e.Err, so that errors.Is matches the sentinel.
func (e *FieldError) Unwrap() error { return e.Err }
