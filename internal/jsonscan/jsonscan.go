// Package jsonscan finds the tokens of a JSON document that is already
// known to be valid (json.Valid accepted it): where white space ends, where
// a string ends, where a value ends. The money and wire decoders walk
// objects with it instead of building a token stream.
//
// On invalid input the functions neither panic nor loop: they return an
// index at most len(data).
package jsonscan

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"unicode/utf8"
)

// SkipSpace returns the index of the first byte at or after i that is not
// JSON white space.
func SkipSpace(data []byte, i int) int {
	for i < len(data) {
		switch data[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// StringEnd returns the index just past the string token starting at i.
func StringEnd(data []byte, i int) int {
	for i++; i < len(data); i++ {
		switch data[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return len(data)
}

// ValueEnd returns the index just past the value starting at i.
func ValueEnd(data []byte, i int) int {
	if i >= len(data) {
		return len(data)
	}
	switch data[i] {
	case '"':
		return StringEnd(data, i)
	case '{', '[':
		depth := 0
		for ; i < len(data); i++ {
			switch data[i] {
			case '"':
				i = StringEnd(data, i) - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
		}
		return len(data)
	}
	// A number or a literal runs to the next delimiter.
	for i < len(data) {
		switch data[i] {
		case ',', '}', ']', ' ', '\t', '\n', '\r':
			return i
		}
		i++
	}
	return i
}

// TrimSpace returns data without the JSON white space (space, tab, line
// feed, carriage return) at either end. Unlike bytes.TrimSpace it leaves
// other Unicode spaces, which JSON does not allow around a value.
func TrimSpace(data []byte) []byte {
	start := SkipSpace(data, 0)
	end := len(data)
	for end > start {
		switch data[end-1] {
		case ' ', '\t', '\n', '\r':
			end--
			continue
		}
		break
	}
	return data[start:end]
}

// Members calls fn with the key token (quotes included) and the value of
// each member of the object data holds, in order, and stops at the first
// error fn returns. data must be valid JSON whose first token is '{'.
func Members(data []byte, fn func(key, value []byte) error) error {
	i := SkipSpace(data, SkipSpace(data, 0)+1)
	for i < len(data) && data[i] != '}' {
		end := StringEnd(data, i)
		key := data[i:end]
		i = SkipSpace(data, SkipSpace(data, end)+1) // past the colon
		end = ValueEnd(data, i)
		if err := fn(key, data[i:end]); err != nil {
			return err
		}
		i = SkipSpace(data, end)
		if i < len(data) && data[i] == ',' {
			i = SkipSpace(data, i+1)
		}
	}
	return nil
}

// Elements calls fn with each element of the array data holds, in order,
// and stops at the first error fn returns. data must be valid JSON whose
// first token is '['.
func Elements(data []byte, fn func(value []byte) error) error {
	i := SkipSpace(data, SkipSpace(data, 0)+1)
	for i < len(data) && data[i] != ']' {
		end := ValueEnd(data, i)
		if end <= i { // not valid JSON after all: stop rather than loop
			return nil
		}
		if err := fn(data[i:end]); err != nil {
			return err
		}
		i = SkipSpace(data, end)
		if i < len(data) && data[i] == ',' {
			i = SkipSpace(data, i+1)
		}
	}
	return nil
}

// ErrInvalidUTF8 is the error of Unquote for a string that does not hold
// UTF-8 text: raw bytes that are not UTF-8, or an escaped lone surrogate
// (\ud800). encoding/json would silently turn either into U+FFFD, so that
// two different inputs read the same.
var ErrInvalidUTF8 = errors.New("jsonscan: string is not UTF-8 text")

// Unquote returns the contents of the string token tok (quotes included)
// as encoding/json decodes it, and ErrInvalidUTF8 with that decoding when
// tok does not hold UTF-8 text. Tokens without escapes and in valid UTF-8,
// the common case, are copied as they are.
func Unquote(tok []byte) (string, error) {
	valid := utf8.Valid(tok)
	if len(tok) >= 2 && valid && bytes.IndexByte(tok, '\\') < 0 {
		return string(tok[1 : len(tok)-1]), nil
	}
	var s string
	if err := json.Unmarshal(tok, &s); err != nil {
		return s, err
	}
	if !valid || strings.Count(s, "\uFFFD") > replacementChars(tok) {
		return s, ErrInvalidUTF8
	}
	return s, nil
}

// Chars counts the characters of the string token tok (quotes included),
// which must be valid JSON, as Unquote decodes them, without decoding: an
// escape is one character, an escaped surrogate pair one, a byte that is not
// UTF-8 one. text is false when Unquote would return ErrInvalidUTF8. It does
// not allocate, so a decoder can refuse a string far over its limit before
// paying for its copy.
func Chars(tok []byte) (n int, text bool) {
	text = true
	end := len(tok) - 1 // the closing quote
	for i := 1; i < end; n++ {
		c := tok[i]
		switch {
		case c < utf8.RuneSelf && c != '\\':
			i++
		case c != '\\':
			r, size := utf8.DecodeRune(tok[i:end])
			if r == utf8.RuneError && size == 1 {
				text = false
			}
			i += size
		case i+6 <= end && tok[i+1] == 'u':
			r := parseHex4(tok[i+2 : i+6])
			switch {
			case r >= 0xD800 && r < 0xDC00 && i+12 <= end && tok[i+6] == '\\' && tok[i+7] == 'u' &&
				parseHex4(tok[i+8:i+12]) >= 0xDC00 && parseHex4(tok[i+8:i+12]) < 0xE000:
				i += 12 // a surrogate pair: one character
			case r >= 0xD800 && r < 0xE000:
				text = false // a lone surrogate
				i += 6
			default:
				i += 6
			}
		default:
			i += 2
		}
	}
	return n, text
}

// parseHex4 decodes four hexadecimal digits, or returns -1.
func parseHex4(b []byte) rune {
	var r rune
	for _, c := range b {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return -1
		}
		r = r<<4 | rune(c)
	}
	return r
}

// replacementChars counts the U+FFFD characters that tok, a valid string
// token, spells out: as UTF-8 or as the escape \ufffd. Any other U+FFFD in
// its decoding stands for something that was not UTF-8 text.
func replacementChars(tok []byte) int {
	n := bytes.Count(tok, []byte("\uFFFD"))
	for i := 0; i < len(tok); i++ {
		if tok[i] != '\\' || i+1 >= len(tok) {
			continue
		}
		if tok[i+1] == 'u' && i+6 <= len(tok) && strings.EqualFold(string(tok[i+2:i+6]), "fffd") {
			n++
		}
		i++ // skip the escaped character, a backslash among them
	}
	return n
}

// Clip shortens s to at most max bytes without splitting a UTF-8 sequence,
// and reports whether it did: error messages quote callers' input, and a
// megabyte of junk must not become a megabyte of message.
func Clip(s string, max int) (string, bool) {
	if len(s) <= max {
		return s, false
	}
	n := max
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n], true
}
