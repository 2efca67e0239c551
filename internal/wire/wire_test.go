package wire

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/payrec/payrec"
	"github.com/payrec/payrec/internal/jsonscan"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// FuzzAppendString: AppendString writes exactly what json.Marshal writes for
// the same string when it is UTF-8 text. Bytes that are not UTF-8 are
// copied, not turned into U+FFFD as json.Marshal does, so that the output is
// not UTF-8 and the string's decoder refuses it (Encoded relies on that);
// read leniently, it is still the string json.Marshal wrote.
func FuzzAppendString(f *testing.F) {
	f.Add("computer software")   // plain ASCII: the fast path
	f.Add("Zürich 日本 💳")         // valid multi-byte UTF-8: also the fast path
	f.Add("<b>&amp;</b>")        // HTML-significant characters are escaped
	f.Add("a\u2028b\u2029c")     // line separators are escaped
	f.Add("tab\tnl\nnul\x00")    // control characters
	f.Add("bad\xffbyte\xc3")     // invalid UTF-8 is copied
	f.Add("<\xff>\n\xe2\x80")    // invalid UTF-8 between characters to escape
	f.Add(`quote " backslash \`) // the two characters JSON always escapes
	f.Fuzz(func(t *testing.T, s string) {
		want, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		got := AppendString(nil, s)
		if utf8.ValidString(s) {
			if string(got) != string(want) {
				t.Fatalf("AppendString(%q) = %s, want %s", s, got, want)
			}
			return
		}
		if utf8.Valid(got) || !json.Valid(got) {
			t.Fatalf("AppendString(%q) = %q: want valid JSON that is not UTF-8", s, got)
		}
		if _, err := jsonscan.Unquote(got); !errors.Is(err, jsonscan.ErrInvalidUTF8) {
			t.Fatalf("AppendString(%q) = %q: Unquote says %v, want ErrInvalidUTF8", s, got, err)
		}
		var lenient, std string
		require.NoError(t, json.Unmarshal(got, &lenient))
		require.NoError(t, json.Unmarshal(want, &std))
		if lenient != std {
			t.Fatalf("AppendString(%q) = %q reads as %q, json.Marshal's as %q", s, got, lenient, std)
		}
	})
}

// TestEncoded: a document that is UTF-8 is returned as it is; one that is
// not is refused with its decoder's invalid_characters error, or one naming
// the path when the decoder has none.
func TestEncoded(t *testing.T) {
	p := At("pkg", "custom")
	b, err := Encoded([]byte(`{"a":"x"}`), p, nil)
	require.NoError(t, err)
	assert.Equal(t, `{"a":"x"}`, string(b))

	bad := AppendString([]byte(`{"display_name":`), "x\xff")
	_, err = Encoded(bad, p, nil)
	var pe *payrec.Error
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, [3]string{payrec.CodeInvalidCharacters, "custom", "Invalid string: text in custom is not UTF-8."},
		[3]string{pe.Code, pe.Param, pe.Message})
	assert.ErrorIs(t, err, payrec.ErrInvalidParameter)

	decode := func(b []byte, p Path) error {
		return Object(b, p, func(_ string, v []byte, q Path) error { _, err := String(v, q, MaxString); return err })
	}
	_, err = Encoded(append(bad, '}'), p, decode)
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, [3]string{payrec.CodeInvalidCharacters, "custom[display_name]",
		"Invalid string: custom[display_name] holds bytes that are not UTF-8 text."}, [3]string{pe.Code, pe.Param, pe.Message})
}

// FuzzObject: Object never panics, accepts only valid JSON objects, and
// hands out each member once, in order, as valid JSON; a valid document
// gets the same answer through Path.Valid.
func FuzzObject(f *testing.F) {
	f.Add([]byte(`{"failed_at":1730253453,"metadata":{"a":"b"}}`)) // a params object
	f.Add([]byte(`{"a":1,"a":2}`))                                 // a repeated key
	f.Add([]byte(`{"\u0061":[1,{"x":"}"}]}`))                      // an escaped key; brackets in strings
	f.Add([]byte(` { } `))                                         // empty, with white space
	f.Add([]byte(`[1]`))                                           // not an object
	f.Add([]byte(`{"a":`))                                         // truncated
	f.Fuzz(func(t *testing.T, data []byte) {
		var keys []string
		err := Object(data, Root("wire"), func(key string, val []byte, q Path) error {
			if !json.Valid(val) {
				t.Fatalf("member %q = %q, not valid JSON", key, val)
			}
			if q.String() != key {
				t.Fatalf("member %q has path %q", key, q)
			}
			keys = append(keys, key)
			return nil
		})
		if json.Valid(data) {
			// A document its caller knows to be valid gets the same answer
			// without being validated again.
			var again []string
			verr := Object(data, Root("wire").Valid(), func(key string, _ []byte, _ Path) error {
				again = append(again, key)
				return nil
			})
			if fmt.Sprint(verr) != fmt.Sprint(err) || fmt.Sprint(again) != fmt.Sprint(keys) {
				t.Fatalf("Object(%q) = %q, %v; through Valid: %q, %v", data, keys, err, again, verr)
			}
		}
		if err != nil {
			return
		}
		var m map[string]json.RawMessage
		if jerr := json.Unmarshal(data, &m); jerr != nil {
			t.Fatalf("Object accepted %q, which encoding/json rejects: %v", data, jerr)
		}
		if len(m) != len(keys) {
			t.Fatalf("Object gave keys %q for %q, encoding/json %d", keys, data, len(m))
		}
	})
}

// TestObjectManyKeys: finding a repeated key stays linear in the number of
// keys (a large metadata hash must not take quadratic time), and a repeat
// far down is still found.
func TestObjectManyKeys(t *testing.T) {
	var b strings.Builder
	b.WriteString("{")
	const n = 100_000
	for i := range n {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(`"k` + strings.Repeat("x", i%7) + strconv.Itoa(i) + `":"v"`)
	}
	doc := b.String()
	count := 0
	err := Object([]byte(doc+"}"), Root("wire"), func(string, []byte, Path) error { count++; return nil })
	if err != nil || count != n {
		t.Fatalf("Object over %d keys: count %d, err %v", n, count, err)
	}
	err = Object([]byte(doc+`,"k0":"again"}`), Root("wire"), func(string, []byte, Path) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "given twice") {
		t.Fatalf("repeated key after %d keys: err = %v, want given twice", n, err)
	}
}

// TestObjectMalformedSaysWhere checks that a document that is not JSON is
// rejected with the cause and its byte, and that the error wraps the
// *json.SyntaxError for callers that want the offset.
func TestObjectMalformedSaysWhere(t *testing.T) {
	tests := []struct{ in, want string }{
		{`{"a":1,}`, `Malformed JSON for the parameters: invalid character '}' looking for beginning of object key string at byte 8.`},
		{`{"a" 1}`, `Malformed JSON for the parameters: invalid character '1' after object key at byte 6.`},
		{`{"a":`, `Malformed JSON for the parameters: unexpected end of JSON input after byte 5.`},
		{` `, `Malformed JSON for the parameters: it is empty.`},
	}
	for _, tt := range tests {
		err := Object([]byte(tt.in), Root("record"), func(string, []byte, Path) error { return nil })
		var pe *payrec.Error
		require.ErrorAs(t, err, &pe, "%q", tt.in)
		assert.Equal(t, tt.want, pe.Message, "%q", tt.in)
		assert.Equal(t, "record: "+tt.want, pe.Error(), "%q", tt.in)
		assert.ErrorIs(t, err, payrec.ErrInvalidParameter)
		var se *json.SyntaxError
		assert.ErrorAs(t, err, &se, "%q wraps the SyntaxError", tt.in)
	}
}
