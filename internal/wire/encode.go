package wire

import (
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/payrec/payrec"
	"github.com/payrec/payrec/money"
)

// AppendString appends s as a JSON string, escaped exactly as encoding/json
// escapes it (including <, > and &, U+2028 and U+2029), so that objects
// built with the Append functions read the same as json.Marshal's output.
// Valid UTF-8 without characters to escape — the common case, in any
// script — is copied as it is. Bytes that are not UTF-8 are also copied as
// they are, where encoding/json would write U+FFFD: the result is then not
// UTF-8, which an encoder finds with one utf8.Valid over its output (see
// Encoded) instead of silently writing a different string.
func AppendString(b []byte, s string) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
				return appendEscaped(b, s)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || r == '\u2028' || r == '\u2029' {
			return appendEscaped(b, s)
		}
		i += size
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// appendEscaped leaves the rare strings that need escaping to encoding/json,
// so the two encoders cannot disagree, except for bytes that are not UTF-8,
// which it copies between the escaped runs of text.
func appendEscaped(b []byte, s string) []byte {
	b = append(b, '"')
	for len(s) > 0 {
		text := len(s)
		for i := 0; i < len(s); {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				text = i
				break
			}
			i += size
		}
		if text > 0 {
			q, err := json.Marshal(s[:text])
			if err != nil || len(q) < 2 {
				q = []byte(`""`) // json.Marshal never fails on a string; stay well formed regardless
			}
			b = append(b, q[1:len(q)-1]...)
		}
		if text < len(s) {
			b = append(b, s[text])
			text++
		}
		s = s[text:]
	}
	return append(b, '"')
}

// Encoded returns b, a JSON document that the Append functions wrote, when
// it is UTF-8 text. Otherwise a string in it was not, and it returns the
// error that decode, the decoder of the document, gives for it: the
// invalid_characters parameter error the Go API gives for the same string.
// If decode is nil or names no such error, Encoded returns one for p.
func Encoded(b []byte, p Path, decode func([]byte, Path) error) ([]byte, error) {
	if utf8.Valid(b) {
		return b, nil
	}
	var pe *payrec.Error
	if decode != nil {
		if err := decode(b, p); errors.As(err, &pe) && pe.Code == payrec.CodeInvalidCharacters {
			return nil, err
		}
	}
	return nil, p.Errorf(payrec.CodeInvalidCharacters, nil, "Invalid string: text in %s is not UTF-8", describe(p))
}

// AppendNullable appends s as a JSON string, or null when s is empty: payrec
// stores Stripe's nullable strings as Go strings whose "" means null.
func AppendNullable(b []byte, s string) []byte {
	if s == "" {
		return append(b, "null"...)
	}
	return AppendString(b, s)
}

// AppendKey appends "key": to b, after a comma unless b ends an opening
// brace. key is one of payrec's constant member names, which need no
// escaping; a key that comes from a caller goes through AppendMember.
func AppendKey(b []byte, key string) []byte {
	if n := len(b); n > 0 && b[n-1] != '{' {
		b = append(b, ',')
	}
	b = append(b, '"')
	b = append(b, key...)
	return append(b, '"', ':')
}

// AppendMember is AppendKey for a key that may need escaping.
func AppendMember(b []byte, key string) []byte {
	if n := len(b); n > 0 && b[n-1] != '{' {
		b = append(b, ',')
	}
	return append(AppendString(b, key), ':')
}

// AppendBool appends true or false.
func AppendBool(b []byte, v bool) []byte { return strconv.AppendBool(b, v) }

// AppendInt appends n in decimal.
func AppendInt(b []byte, n int64) []byte { return strconv.AppendInt(b, n, 10) }

// AppendAmount appends a as Stripe's amount hash, as money.Amount encodes
// it: {"currency":"usd","value":1000}, or null for the zero Amount.
func AppendAmount(b []byte, a money.Amount) []byte { return a.AppendJSON(b) }

// AppendMetadata appends m as a JSON object with sorted keys, {} when empty:
// Stripe never shows metadata as null.
func AppendMetadata(b []byte, m map[string]string) []byte {
	if len(m) == 0 {
		return append(b, '{', '}')
	}
	var buf [16]string // most metadata is small: sort its keys without allocating
	keys := buf[:0]
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	b = append(b, '{')
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = AppendString(b, k)
		b = append(b, ':')
		b = AppendString(b, m[k])
	}
	return append(b, '}')
}
