package jsonscan

import (
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"testing"
	"unicode/utf16"
	"unicode/utf8"
)

// FuzzValueEnd: on valid JSON, ValueEnd finds exactly the value that starts
// at the first non-space byte (the rest is white space); on any input, no
// function panics or returns an index past the end.
func FuzzValueEnd(f *testing.F) {
	f.Add([]byte(`{"a":[1,{"b":"}]"}],"c":null}`)) // brackets inside strings
	f.Add([]byte(` "esc\"aped\\" `))               // escapes at the end of a string
	f.Add([]byte(`-12.5e3 `))                      // a number runs to a delimiter
	f.Add([]byte(`{"unterminated`))                // invalid: must not run past the end
	f.Fuzz(func(t *testing.T, data []byte) {
		i := SkipSpace(data, 0)
		end := ValueEnd(data, i)
		if end > len(data) || StringEnd(data, i) > len(data) {
			t.Fatalf("index past the end of %q", data)
		}
		if !json.Valid(data) || i == len(data) {
			return
		}
		if SkipSpace(data, end) != len(data) {
			t.Fatalf("ValueEnd(%q) = %d, leaving %q", data, end, data[end:])
		}
		if !json.Valid(data[i:end]) {
			t.Fatalf("ValueEnd(%q) = %d: %q is not a value", data, end, data[i:end])
		}
	})
}

func TestTrimSpace(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{" \t\r\n", ""},
		{" {} \r\n", "{}"},
		{"\u00a0{}\u0085", "\u00a0{}\u0085"}, // not JSON white space: kept, so the line is malformed
		{"{ }", "{ }"},
	} {
		if got := string(TrimSpace([]byte(tc.in))); got != tc.want {
			t.Errorf("TrimSpace(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// FuzzUnquote checks Unquote against a decoder written out here: a string
// token holds text when its bytes are UTF-8 and every \u escape of a
// surrogate is half of a pair; Unquote then gives that text, and otherwise
// ErrInvalidUTF8. Chars counts the characters Unquote gives and says
// whether it gives text.
func FuzzUnquote(f *testing.F) {
	f.Add(`"plain"`)
	f.Add("\"caf\xe9\"")                // a byte that is not UTF-8
	f.Add(`"\ud83d\udcb3 \u00e9"`)      // a surrogate pair and a BMP escape
	f.Add(`"\ud800"`)                   // a lone high surrogate
	f.Add(`"\udc00\ud800"`)             // halves in the wrong order
	f.Add(`"\ufffd \uFFFD �"`)          // U+FFFD spelled out three ways
	f.Add(`"\\ud800 \\\"ud800"`)        // escaped backslashes before "ud800"
	f.Add(`"\ud800\u0041\ud83d\ud83d"`) // high surrogates before other escapes
	f.Fuzz(func(t *testing.T, tok string) {
		if !json.Valid([]byte(tok)) || len(tok) < 2 || tok[0] != '"' || tok[len(tok)-1] != '"' {
			t.Skip()
		}
		want, ok := referenceUnquote(tok[1 : len(tok)-1])
		got, err := Unquote([]byte(tok))
		if n, text := Chars([]byte(tok)); n != utf8.RuneCountInString(got) || text != (err == nil) {
			t.Fatalf("Chars(%q) = %d, %v; Unquote gives %d characters, %v", tok, n, text, utf8.RuneCountInString(got), err)
		}
		if !ok {
			if !errors.Is(err, ErrInvalidUTF8) {
				t.Fatalf("Unquote(%q) = %q, %v; want ErrInvalidUTF8", tok, got, err)
			}
		} else if err != nil || got != want {
			t.Fatalf("Unquote(%q) = %q, %v; want %q", tok, got, err, want)
		}
	})
}

// referenceUnquote decodes the contents of a valid JSON string token, and
// reports whether it is text.
func referenceUnquote(s string) (string, bool) {
	if !utf8.ValidString(s) {
		return "", false
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' {
			b.WriteByte(s[i])
			continue
		}
		i++
		switch s[i] {
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'u':
			r := hex4(s[i+1 : i+5])
			i += 4
			if utf16.IsSurrogate(r) {
				if i+6 >= len(s) || s[i+1] != '\\' || s[i+2] != 'u' {
					return "", false
				}
				r2 := hex4(s[i+3 : i+7])
				if r = utf16.DecodeRune(r, r2); r == utf8.RuneError {
					return "", false
				}
				i += 6
			}
			b.WriteRune(r)
		default: // " \ /
			b.WriteByte(s[i])
		}
	}
	return b.String(), true
}

func hex4(s string) rune {
	n, _ := strconv.ParseUint(s, 16, 32)
	return rune(n)
}

// FuzzElements: on a valid JSON array, Elements hands out exactly the
// elements encoding/json finds, in order; on any input it neither panics
// nor loops.
func FuzzElements(f *testing.F) {
	f.Add([]byte(`["a", 1 ,{"b":["]"]},[],null]`)) // brackets inside strings and values
	f.Add([]byte(` [ ] `))                         // empty, with white space
	f.Add([]byte(`["unterminated`))                // invalid: must stop
	f.Add([]byte(`[1,,2]`))                        // invalid: an empty element
	f.Fuzz(func(t *testing.T, data []byte) {
		var got []string
		i := SkipSpace(data, 0)
		if i == len(data) || data[i] != '[' {
			return
		}
		_ = Elements(data, func(v []byte) error {
			got = append(got, string(v))
			if len(got) > len(data) {
				t.Fatalf("Elements(%q) hands out more elements than bytes", data)
			}
			return nil
		})
		var want []json.RawMessage
		if !json.Valid(data) || json.Unmarshal(data, &want) != nil {
			return
		}
		if len(got) != len(want) {
			t.Fatalf("Elements(%q) = %q, want %d elements", data, got, len(want))
		}
		for k := range want {
			if got[k] != string(TrimSpace(want[k])) {
				t.Fatalf("Elements(%q)[%d] = %q, want %q", data, k, got[k], want[k])
			}
		}
	})
}

// TestElementsStops: an error of fn ends the walk and is returned.
func TestElementsStops(t *testing.T) {
	stop := errors.New("stop")
	n := 0
	err := Elements([]byte(`[1,2,3]`), func([]byte) error { n++; return stop })
	if !errors.Is(err, stop) || n != 1 {
		t.Fatalf("Elements = %v after %d calls, want stop after 1", err, n)
	}
}
