package money

import (
	"bytes"
	"encoding/json"
	"strconv"

	"github.com/payrec/payrec/internal/jsonscan"
)

// MarshalJSON encodes a as Stripe encodes an amount,
// {"currency":"usd","value":1000}: the code in lowercase and the value in
// minor units as a JSON integer. The zero Amount, which has no currency,
// encodes as null. It never fails.
func (a Amount) MarshalJSON() ([]byte, error) {
	return a.AppendJSON(make([]byte, 0, len(`{"currency":"usd","value":-9223372036854775808}`))), nil
}

// AppendJSON appends what MarshalJSON returns to b, for encoders that build
// a larger document in one buffer.
func (a Amount) AppendJSON(b []byte) []byte {
	if !a.IsValid() {
		return append(b, "null"...)
	}
	b = append(b, `{"currency":"`...)
	b = append(b, a.cur.String()...)
	b = append(b, `","value":`...)
	b = strconv.AppendInt(b, a.value, 10)
	return append(b, '}')
}

// UnmarshalJSON decodes Stripe's {"currency":"usd","value":1000}, strictly:
//
//   - "currency" is a known code in any case ("usd", "USD"); anything else,
//     including a non-string or null, is [ErrUnknownCurrency].
//   - "value" is a JSON integer literal within the int64 range. A fraction
//     (10.5, even 10.0), an exponent (1e3), a string ("1000"), a boolean,
//     null, an object or an array is [ErrNotInteger]; an integer outside the
//     range is [ErrOverflow]. The number is read from its text, never
//     through float64.
//   - Both keys are required ([ErrMissingField]), no other key is allowed
//     ([ErrUnknownField]), and keys match exactly, without case folding.
//   - A repeated key, malformed JSON, or JSON that is not an object is
//     [ErrInvalidJSON].
//   - JSON null leaves a unchanged, as encoding/json does for other types.
//
// Every error is a [*FieldError] naming the field. Problems are reported in
// the order the object's keys appear, then a missing "currency" before a
// missing "value". On error a is left unchanged.
func (a *Amount) UnmarshalJSON(data []byte) error {
	// Checking the whole input first lets the scan below trust the grammar.
	// json.Valid does not allocate.
	if !json.Valid(data) {
		return &FieldError{Err: ErrInvalidJSON, Input: string(data), detail: "malformed"}
	}
	i := jsonscan.SkipSpace(data, 0)
	switch data[i] {
	case 'n': // the only valid JSON starting with 'n'
		return nil
	case '{':
	default:
		return &FieldError{Err: ErrInvalidJSON, Input: string(bytes.TrimSpace(data)), detail: "not an object"}
	}
	var (
		cur              Currency
		value            int64
		haveCur, haveVal bool
	)
	err := jsonscan.Members(data[i:], func(key, val []byte) error {
		// Compare the key's bytes in place; only an escaped key, or one that
		// ends up in an error, becomes a string.
		k := key[1 : len(key)-1]
		if bytes.IndexByte(k, '\\') >= 0 {
			k = []byte(unquote(key))
		}
		switch {
		case string(k) == "currency":
			if haveCur {
				return &FieldError{Field: "currency", Err: ErrInvalidJSON, detail: "repeated key"}
			}
			haveCur = true
			c, err := decodeCurrency(val)
			cur = c
			return err
		case string(k) == "value":
			if haveVal {
				return &FieldError{Field: "value", Err: ErrInvalidJSON, detail: "repeated key"}
			}
			haveVal = true
			v, err := decodeValue(val)
			value = v
			return err
		}
		return &FieldError{Field: unquote(key), Err: ErrUnknownField}
	})
	if err != nil {
		return err
	}
	switch {
	case !haveCur:
		return &FieldError{Field: "currency", Err: ErrMissingField}
	case !haveVal:
		return &FieldError{Field: "value", Err: ErrMissingField}
	}
	*a = Amount{value: value, cur: cur}
	return nil
}

// decodeCurrency reads the JSON value of "currency".
func decodeCurrency(val []byte) (Currency, error) {
	if val[0] != '"' {
		return Currency{}, &FieldError{Field: "currency", Err: ErrUnknownCurrency, Input: string(val), detail: "not a string"}
	}
	var c Currency
	if bytes.IndexByte(val, '\\') < 0 {
		c = lookup(val[1 : len(val)-1])
	} else {
		c = lookup(unquote(val))
	}
	if !c.IsValid() {
		return Currency{}, &FieldError{Field: "currency", Err: ErrUnknownCurrency, Input: string(val)}
	}
	return c, nil
}

// decodeValue reads the JSON value of "value" from its text.
func decodeValue(val []byte) (int64, error) {
	if val[0] != '-' && !isDigit(val[0]) || bytes.ContainsAny(val, ".eE") {
		return 0, &FieldError{Field: "value", Err: ErrNotInteger, Input: string(val)}
	}
	// The grammar is already checked: an optional '-' and digits, which
	// strconv reads exactly; the only error left is the range.
	v, err := strconv.ParseInt(string(val), 10, 64)
	if err != nil {
		return 0, &FieldError{Field: "value", Err: ErrOverflow, Input: string(val)}
	}
	return v, nil
}

// unquote returns the contents of a JSON string token (quotes included in
// tok) as encoding/json would decode it; the input was validated.
func unquote(tok []byte) string {
	s, _ := jsonscan.Unquote(tok)
	return s
}
