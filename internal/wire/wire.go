// Package wire decodes Stripe's request parameters strictly: every member of
// every object is known, every value has the expected JSON type, and every
// rejection is a *payrec.Error naming the parameter in Stripe's bracket form.
//
// The decoders never go through float64 and never panic on caller data.
package wire

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/payrec/payrec"
	"github.com/payrec/payrec/internal/jsonscan"
	"github.com/payrec/payrec/money"
)

// MaxString is Stripe's limit on the length of a string parameter, in
// characters.
const MaxString = 5000

// Path is the name of a parameter being decoded, with the package that
// decodes it for the messages of its errors. It holds the names of its
// levels, and the bracket form is built only when it is asked for (an error
// is being reported), so that walking a well-formed document allocates no
// names; a Path below an Object also knows that its value was already found
// to be valid JSON.
type Path struct {
	pkg     string
	keys    [maxDepth]string // the names from the top; keys[0] may hold a bracket form
	n       int              // how many of keys are used; 0 for the top-level object
	trusted bool             // the value is part of a document Object has validated
	what    string           // what the top-level object is, for messages
}

// maxDepth is how many levels a Path holds by name: the deepest parameter,
// params[payment_method_details][billing_details][address][city] of a log
// line, has five. A deeper one folds its top levels into one name.
const maxDepth = 6

// Root returns the path of the top-level params object decoded by pkg.
func Root(pkg string) Path { return Path{pkg: pkg} }

// Document returns the path of a top-level object that is not a params
// object, such as a report log line; what names it in messages.
func Document(pkg, what string) Path { return Path{pkg: pkg, what: what} }

// At returns the path of the parameter param (in bracket form) decoded by pkg.
func At(pkg, param string) Path {
	p := Path{pkg: pkg}
	if param != "" {
		p.keys[0], p.n = param, 1
	}
	return p
}

// Valid returns p for a document its caller has already found to be valid
// JSON (json.Valid), so that Object does not validate it again. Object's
// answers for such a document are the same either way.
func (p Path) Valid() Path {
	p.trusted = true
	return p
}

// Key returns the path of member k of p: "k" at the root, "p[k]" below it.
// It does not allocate.
func (p Path) Key(k string) Path {
	if p.n == maxDepth { // rare: fold the top levels into one name
		top := p.String()
		p = Path{pkg: p.pkg, trusted: p.trusted, what: p.what}
		p.keys[0], p.n = top, 1
	}
	p.keys[p.n] = k
	p.n++
	p.what = ""
	return p
}

// String returns p in Stripe's bracket form.
func (p Path) String() string {
	switch p.n {
	case 0:
		return ""
	case 1:
		return p.keys[0]
	}
	n := len(p.keys[0])
	for _, k := range p.keys[1:p.n] {
		n += len(k) + 2
	}
	b := make([]byte, 0, n)
	b = append(b, p.keys[0]...)
	for _, k := range p.keys[1:p.n] {
		b = append(append(append(b, '['), k...), ']')
	}
	return string(b)
}

// Errorf returns a parameter error for p whose cause is
// payrec.ErrInvalidParameter, wrapping extra causes when given. The format
// makes the API user's message (see Sentence); the decoding package is the
// error's Go context.
func (p Path) Errorf(code string, cause error, format string, args ...any) error {
	err := payrec.ErrInvalidParameter
	if cause != nil {
		err = fmt.Errorf("%w: %w", payrec.ErrInvalidParameter, cause)
	}
	return &payrec.Error{Type: payrec.ErrorType, Code: code, Param: p.String(),
		Message: Sentence(format, args...), Context: p.pkg, Err: err}
}

// Conflict returns a rejection that pkg reports because of the state of
// what it keeps rather than a malformed parameter: a lifecycle conflict, a
// used ID, too large a refund. param may name the parameter concerned.
func Conflict(pkg, code, param string, cause error, format string, args ...any) error {
	return &payrec.Error{Type: payrec.ErrorType, Code: code, Param: param,
		Message: Sentence(format, args...), Context: pkg, Err: cause}
}

// Sentence formats an error message for API users: a sentence that ends
// with a full stop.
func Sentence(format string, args ...any) string {
	s := fmt.Sprintf(format, args...)
	if s != "" && !strings.HasSuffix(s, ".") {
		s += "."
	}
	return s
}

// Missing reports that the required parameter p is absent.
func (p Path) Missing() error {
	return p.Errorf(payrec.CodeParameterMissing, nil, "Missing required param: %s", p)
}

// Unknown reports that p is not a parameter Stripe accepts there.
func (p Path) Unknown() error {
	return p.Errorf(payrec.CodeParameterUnknown, nil, "Received unknown parameter: %s", p)
}

// Repeated reports that p appears twice in its hash.
func (p Path) Repeated() error {
	return p.Errorf("", nil, "Parameter %s is given twice", p)
}

// IsNull reports whether the JSON value v is the literal null.
func IsNull(v []byte) bool { return string(bytes.TrimSpace(v)) == "null" }

// Object calls fn with each member of the JSON object data, in the order they
// appear, and the member's path. A value that is not an object, a malformed
// document and a key that appears twice are errors; so is any error fn
// returns, which ends the walk. The document is validated once, at the
// outermost Object: the paths it hands to fn carry that knowledge down.
func Object(data []byte, p Path, fn func(key string, value []byte, q Path) error) error {
	if !p.trusted && !json.Valid(data) || len(bytes.TrimSpace(data)) == 0 {
		return malformed(data, p)
	}
	i := jsonscan.SkipSpace(data, 0)
	if data[i] != '{' {
		return p.Errorf("", nil, "Invalid hash: %s must be a hash (a JSON object), got %s", describe(p), kind(data[i:]))
	}
	var seen keySet
	return jsonscan.Members(data[i:], func(rawKey, value []byte) error {
		key, err := internKey(rawKey)
		if errors.Is(err, jsonscan.ErrInvalidUTF8) {
			return NotUTF8Key(p)
		}
		if err != nil {
			return p.Errorf("", nil, "Malformed JSON for %s: a key is not a well-formed string", describe(p))
		}
		if seen.has(key) {
			return p.Key(key).Repeated()
		}
		seen.add(key)
		q := p.Key(key)
		q.trusted = true
		return fn(key, value, q)
	})
}

// malformed reports that data, which json.Valid rejects, is not JSON, with
// the cause and where it is, counted in bytes from 1 as an editor counts
// columns: "malformed JSON for the log line: invalid character '}' looking
// for beginning of object key string at byte 14". The error wraps the
// *json.SyntaxError. It runs only on this path, so valid input pays nothing.
func malformed(data []byte, p Path) error {
	var se *json.SyntaxError
	if err := json.Unmarshal(data, new(json.RawMessage)); !errors.As(err, &se) {
		return p.Errorf("", nil, "Malformed JSON for %s", describe(p)) // never expected: json.Valid said no
	}
	switch {
	case len(bytes.TrimSpace(data)) == 0:
		return p.Errorf("", se, "Malformed JSON for %s: it is empty", describe(p))
	case strings.HasPrefix(se.Error(), "unexpected end"):
		return p.Errorf("", se, "Malformed JSON for %s: %v after byte %d", describe(p), se, se.Offset)
	}
	return p.Errorf("", se, "Malformed JSON for %s: %v at byte %d", describe(p), se, se.Offset)
}

// String decodes a JSON string of at most max characters.
func String(v []byte, p Path, max int) (string, error) {
	v = bytes.TrimSpace(v)
	if len(v) == 0 || v[0] != '"' {
		return "", p.Errorf("", nil, "Invalid string: %s must be a string, got %s", p, kind(v))
	}
	// A character takes at most 12 bytes of JSON (an escaped surrogate
	// pair): a longer token is refused before it is unquoted and copied.
	if len(v) > 12*max+2 {
		n, text := jsonscan.Chars(v)
		switch {
		case !text:
			return "", notUTF8(p)
		case n > max:
			return "", tooLong(p, n, max)
		}
	}
	s, err := jsonscan.Unquote(v)
	if errors.Is(err, jsonscan.ErrInvalidUTF8) {
		return "", notUTF8(p)
	}
	if err != nil {
		return "", p.Errorf("", nil, "Invalid string: %s is not a well-formed JSON string", p)
	}
	if n := utf8.RuneCountInString(s); n > max {
		return "", tooLong(p, n, max)
	}
	return s, nil
}

// Bool decodes a JSON boolean, or the strings "true" and "false" that form
// parameters carry.
func Bool(v []byte, p Path) (bool, error) {
	switch string(bytes.TrimSpace(v)) {
	case "true", `"true"`:
		return true, nil
	case "false", `"false"`:
		return false, nil
	}
	return false, p.Errorf("", nil, "Invalid boolean: %s must be true or false, got %s", p, kind(v))
}

// ErrNotPositive is the cause of a timestamp parameter that is zero or negative.
var ErrNotPositive = errors.New("not a positive integer")

// Timestamp decodes Unix seconds from a JSON integer or from a string holding
// a decimal integer, as form parameters arrive. The value must be positive.
func Timestamp(v []byte, p Path) (int64, error) {
	v = bytes.TrimSpace(v)
	digits := v
	if len(v) >= 2 && v[0] == '"' {
		s, err := jsonscan.Unquote(v)
		if err != nil {
			return 0, p.Errorf(payrec.CodeParameterInvalidInteger, nil, "Invalid string: %s is not a well-formed JSON string", p)
		}
		digits = []byte(s)
	}
	n, ok := parseInt(digits)
	if !ok {
		return 0, p.Errorf(payrec.CodeParameterInvalidInteger, nil,
			"Invalid integer: %s must be a Unix timestamp in whole seconds, got %s", p, clip(v))
	}
	if n <= 0 {
		return 0, NotPositive(p, n)
	}
	return n, nil
}

// parseInt accepts only what strconv.ParseInt accepts in base 10 without a
// plus sign: no fraction, no exponent, no space.
func parseInt(b []byte) (int64, bool) {
	if len(b) == 0 || b[0] == '+' {
		return 0, false
	}
	n, err := strconv.ParseInt(string(b), 10, 64)
	return n, err == nil
}

// Amount decodes a Stripe amount hash {"currency","value"} and maps the money
// package's field errors onto Stripe's codes and the bracket form of p.
func Amount(v []byte, p Path) (money.Amount, error) {
	var a money.Amount
	if IsNull(v) {
		return a, p.Errorf(payrec.CodeParameterMissing, nil,
			"Missing required param: %s must be a hash of currency and value, got null", p)
	}
	err := a.UnmarshalJSON(v)
	if err == nil {
		return a, nil
	}
	// money's errors speak of Go and JSON; an API user reads the parameter.
	var fe *money.FieldError
	if !errors.As(err, &fe) {
		return a, p.Errorf("", err, "Invalid amount: %s is not a hash of currency and value", p)
	}
	if fe.Field == "" { // the value as a whole
		if json.Valid(v) {
			return a, p.Errorf("", err, "Invalid hash: %s must be a hash of currency and value, got %s", p, kind(v))
		}
		return a, malformed(v, p)
	}
	q := p.Key(fe.Field)
	in := clip([]byte(fe.Input))
	switch {
	case errors.Is(err, money.ErrMissingField):
		return a, q.Errorf(payrec.CodeParameterMissing, err, "Missing required param: %s", q)
	case errors.Is(err, money.ErrUnknownField):
		return a, q.Errorf(payrec.CodeParameterUnknown, err, "Received unknown parameter: %s", q)
	case errors.Is(err, money.ErrInvalidJSON): // a repeated key
		return a, q.Errorf("", err, "Parameter %s is given twice", q)
	case errors.Is(err, money.ErrUnknownCurrency) && (fe.Input == "" || fe.Input[0] != '"'):
		return a, q.Errorf("", err, "Invalid string: %s must be a currency code, got %s", q, kind([]byte(fe.Input)))
	case errors.Is(err, money.ErrUnknownCurrency):
		return a, q.Errorf("", err, "Invalid currency: %s is not a currency code payrec knows", in)
	case errors.Is(err, money.ErrOverflow):
		return a, q.Errorf(payrec.CodeParameterInvalidInteger, err, "Invalid integer: %s is out of range, got %s", q, in)
	}
	return a, q.Errorf(payrec.CodeParameterInvalidInteger, err,
		"Invalid integer: %s must be a whole number of the currency's minor units, got %s", q, in)
}

func describe(p Path) string {
	switch {
	case p.n > 0:
		return p.String()
	case p.what != "":
		return p.what
	}
	return "the parameters"
}

// kind names the JSON type of v for messages.
func kind(v []byte) string {
	v = bytes.TrimSpace(v)
	if len(v) == 0 {
		return "nothing"
	}
	switch v[0] {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "a number"
}

// clip quotes at most 40 bytes of v for a message, cut at a character
// boundary; a short v is shown as it is.
func clip(v []byte) string {
	s, cut := jsonscan.Clip(string(v), 40)
	if !cut {
		return s
	}
	return strconv.Quote(s + "…")
}

// CheckTimestamp rejects a negative timestamp as parameter_invalid_integer
// and, when required, a zero one (the Go zero value: not given) as
// parameter_missing.
func CheckTimestamp(at int64, p Path, required bool) error {
	switch {
	case at == 0 && required:
		return p.Missing()
	case at < 0:
		return NotPositive(p, at)
	}
	return nil
}

// NotPositive reports a timestamp parameter that is zero or negative.
func NotPositive(p Path, at int64) error {
	return p.Errorf(payrec.CodeParameterInvalidInteger, ErrNotPositive,
		"Invalid integer: %s must be a positive Unix timestamp, got %d", p, at)
}

// tooLong reports a string parameter of n characters, more than max.
func tooLong(p Path, n, max int) error {
	return p.Errorf("", nil, "Invalid string: %s is %d characters long; it must be at most %d", p, n, max)
}

// notUTF8 reports a string parameter that is not UTF-8 text: bytes that are
// not UTF-8, or in JSON an escaped lone surrogate. Go values and JSON meet
// the same error.
func notUTF8(p Path) error {
	return p.Errorf(payrec.CodeInvalidCharacters, nil, "Invalid string: %s holds bytes that are not UTF-8 text", p)
}

// NotUTF8Key reports a key of the hash p that is not UTF-8 text.
func NotUTF8Key(p Path) error {
	return p.Errorf(payrec.CodeInvalidCharacters, nil, "Invalid string: a key of %s holds bytes that are not UTF-8 text", describe(p))
}

// TextOK reports whether s may be stored as a string parameter: valid UTF-8
// (JSON could not carry it otherwise, and a replay would differ) and at most
// MaxString characters. It does not allocate.
func TextOK(s string) bool {
	return utf8.ValidString(s) && (len(s) <= MaxString || utf8.RuneCountInString(s) <= MaxString)
}

// CheckText reports why s is not TextOK, as a parameter error for p.
func CheckText(s string, p Path) error {
	if !utf8.ValidString(s) {
		return notUTF8(p)
	}
	if n := utf8.RuneCountInString(s); n > MaxString {
		return tooLong(p, n, MaxString)
	}
	return nil
}

// knownKeys are the member names of the objects payrec decodes. Object hands
// out these strings rather than a fresh copy of each key it reads.
var knownKeys = func() map[string]string {
	m := make(map[string]string)
	for _, k := range []string{
		"op", "id", "params", "attempt_id", "created", "livemode", "amount_requested", "amount",
		"currency", "value", "initiated_at", "payment_method_details", "processor_details",
		"customer_details", "customer_presence", "shipping_details", "outcome", "guaranteed",
		"guaranteed_at", "failed", "failed_at", "canceled_at", "refunded", "refunded_at",
		"description", "metadata", "expand", "type", "custom", "payment_reference",
		"refund_reference", "payment_method", "billing_details", "display_name", "address",
		"city", "country", "line1", "line2", "postal_code", "state", "email", "name", "phone",
		"customer",
	} {
		m[k] = k
	}
	return m
}()

// internKey decodes a JSON object key, without allocating when it is one of
// knownKeys.
func internKey(raw []byte) (string, error) {
	if len(raw) >= 2 && bytes.IndexByte(raw, '\\') < 0 {
		if k, ok := knownKeys[string(raw[1:len(raw)-1])]; ok {
			return k, nil
		}
	}
	return jsonscan.Unquote(raw)
}

// keySet is the set of keys an object has shown so far. Params objects have
// a few keys, held inline without allocating; a large one (metadata, or a
// hostile document) moves to a map, so that finding repeats stays linear in
// the size of the object.
type keySet struct {
	small [16]string
	n     int
	large map[string]struct{}
}

func (s *keySet) has(k string) bool {
	if s.large != nil {
		_, ok := s.large[k]
		return ok
	}
	for _, have := range s.small[:s.n] {
		if have == k {
			return true
		}
	}
	return false
}

func (s *keySet) add(k string) {
	switch {
	case s.large != nil:
		s.large[k] = struct{}{}
	case s.n < len(s.small):
		s.small[s.n] = k
		s.n++
	default:
		s.large = make(map[string]struct{}, 2*len(s.small))
		for _, have := range s.small {
			s.large[have] = struct{}{}
		}
		s.large[k] = struct{}{}
	}
}

// Keep copies *v to *dst when err is nil, and returns err: a decoder that
// fails leaves its destination as it was.
func Keep[T any](err error, v, dst *T) error {
	if err == nil {
		*dst = *v
	}
	return err
}
