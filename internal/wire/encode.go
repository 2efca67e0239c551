package wire

import (
	"encoding/json"
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/payrec/payrec/money"
)

// AppendString appends s as a JSON string, escaped exactly as encoding/json
// escapes it (including <, > and &, U+2028 and U+2029, and invalid UTF-8),
// so that objects built with the Append functions read the same as
// json.Marshal's output. Valid UTF-8 without characters to escape — the
// common case, in any script — is copied as it is.
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
// so the two encoders cannot disagree.
func appendEscaped(b []byte, s string) []byte {
	q, err := json.Marshal(s)
	if err != nil {
		// json.Marshal never fails on a string; stay well formed regardless.
		return append(b, `""`...)
	}
	return append(b, q...)
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
