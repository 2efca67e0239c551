package main

import (
	"fmt"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/payrec/payrec"
	"github.com/payrec/payrec/internal/wire"
)

// Stripe's clients send application/x-www-form-urlencoded bodies with
// bracketed keys (amount_requested[value]=1000, metadata[order]=42,
// expand[0]=x, expand[]=x). The params decoders of package record read JSON.
// Rather than a second decoder with rules of its own, formJSON rewrites a form
// into the JSON object a JSON client would have sent, and the one decoder
// reads both: a form request and its JSON twin give the same report and the
// same errors, down to the param of each.
//
// Only the shape of the parameters is decided here, from Stripe's spec of the
// endpoints (testdata/stripe/payment_records.openapi.json, checked by a
// test): which parameters are arrays and which are integers. Everything else
// (unknown names, repeats, types, ranges) is left to the decoder.

// formArrays are the parameters the spec declares as arrays. Their children
// keyed "" or by an index become the items.
var formArrays = map[string]bool{"expand": true}

// formIntegers are the parameters the spec declares as integers. A form value
// for one of them that is a JSON number goes into the JSON as that number;
// anything else goes in as a string, which the decoder rejects (or, for Unix
// timestamps, reads as a string of digits, as it reads it from JSON).
var formIntegers = map[string]bool{
	"amount_requested[value]":   true,
	"amount[value]":             true,
	"initiated_at":              true,
	"canceled_at":               true,
	"failed_at":                 true,
	"guaranteed_at":             true,
	"failed[failed_at]":         true,
	"guaranteed[guaranteed_at]": true,
	"refunded[refunded_at]":     true,
	"limit":                     true,
	"created_after":             true,
	"created_before":            true,
}

// maxFormDepth bounds the brackets of one key; no parameter of the API nests
// deeper than four levels.
const maxFormDepth = 16

// formNode is one name of the form and what was given under it: values
// given to the name itself (a=1), and named children (a[b]=1), each in the
// order they first appear.
type formNode struct {
	values     []string
	keys       []string
	kids       map[string]*formNode
	valueFirst bool // a value was given before any child
}

func (n *formNode) child(k string) *formNode {
	if c, ok := n.kids[k]; ok {
		return c
	}
	if n.kids == nil {
		n.kids = make(map[string]*formNode)
		n.valueFirst = len(n.values) > 0
	}
	c := &formNode{}
	n.kids[k] = c
	n.keys = append(n.keys, k)
	return c
}

// formJSON rewrites a form-encoded body or query string into a JSON object.
// An empty value stays an empty string ("metadata[k]=" becomes
// {"metadata":{"k":""}}, which removes k; "metadata=" clears every key). A
// name given twice appears twice in the JSON, so that the decoder reports it
// as it reports a repeated JSON key. Text that is not UTF-8 goes into the
// JSON byte for byte, so that the decoder refuses it as it refuses it in a
// JSON body. Its only errors are about the form's own syntax: bad
// percent-encoding, a malformed key.
func formJSON(body string) ([]byte, error) {
	root := &formNode{}
	size := len(body)
	for body != "" {
		var pair string
		pair, body, _ = strings.Cut(body, "&")
		if pair == "" {
			continue
		}
		rawKey, rawVal, _ := strings.Cut(pair, "=")
		key, err := url.QueryUnescape(rawKey)
		if err != nil {
			return nil, formError(rawKey, "The parameter name %q is not valid percent-encoding.", clipText(rawKey))
		}
		val, err := url.QueryUnescape(rawVal)
		if err != nil {
			return nil, formError(key, "The value of %s is not valid percent-encoding.", clipText(key))
		}
		segs, ok := splitFormKey(key)
		if !ok {
			return nil, formError(key, "The parameter name %q is malformed: write nested names as a[b][c].", clipText(key))
		}
		n := root
		for _, s := range segs {
			n = n.child(s)
		}
		n.values = append(n.values, val)
	}
	b := make([]byte, 0, size+size/2+16)
	return appendFormObject(b, root, ""), nil
}

// splitFormKey splits "a[b][c]" into a, b, c; "a[]" gives a and "".
func splitFormKey(key string) ([]string, bool) {
	name, rest, nested := strings.Cut(key, "[")
	if name == "" || strings.Contains(name, "]") {
		return nil, false
	}
	segs := []string{name}
	if !nested {
		return segs, true
	}
	rest = "[" + rest
	for rest != "" {
		if rest[0] != '[' || len(segs) > maxFormDepth {
			return nil, false
		}
		end := strings.IndexByte(rest, ']')
		if end < 0 || strings.IndexByte(rest[1:end], '[') >= 0 {
			return nil, false
		}
		segs = append(segs, rest[1:end])
		rest = rest[end+1:]
	}
	return segs, true
}

// appendFormObject appends n's children as the members of a JSON object;
// path is n's name in bracket form ("" for the root).
func appendFormObject(b []byte, n *formNode, path string) []byte {
	b = append(b, '{')
	for i, k := range n.keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendMember(b, k, n.kids[k], childPath(path, k))
	}
	return append(b, '}')
}

// appendMember appends "k":… for each way k was given: each direct value,
// and its children as one object or array.
func appendMember(b []byte, k string, n *formNode, path string) []byte {
	first := true
	sep := func() {
		if !first {
			b = append(b, ',')
		}
		first = false
		b = appendFormString(b, k)
		b = append(b, ':')
	}
	values := func() {
		for _, v := range n.values {
			sep()
			b = appendFormValue(b, v, path)
		}
	}
	if n.valueFirst || len(n.keys) == 0 {
		values()
	}
	if len(n.keys) > 0 {
		sep()
		if formArrays[path] && indexKeys(n.keys) {
			b = appendFormArray(b, n, path)
		} else {
			b = appendFormObject(b, n, path)
		}
		if !n.valueFirst {
			values()
		}
	}
	return b
}

// appendFormArray appends the items of an array parameter: each child's
// values (and nested children, as objects the decoder will refuse).
func appendFormArray(b []byte, n *formNode, path string) []byte {
	b = append(b, '[')
	first := true
	for _, k := range n.keys {
		c := n.kids[k]
		for _, v := range c.values {
			if !first {
				b = append(b, ',')
			}
			first = false
			b = appendFormValue(b, v, path)
		}
		if len(c.keys) > 0 {
			if !first {
				b = append(b, ',')
			}
			first = false
			b = appendFormObject(b, c, path)
		}
	}
	return append(b, ']')
}

// indexKeys reports whether every key is "" or a decimal index.
func indexKeys(keys []string) bool {
	for _, k := range keys {
		for i := 0; i < len(k); i++ {
			if k[i] < '0' || k[i] > '9' {
				return false
			}
		}
	}
	return true
}

func childPath(parent, k string) string {
	if parent == "" {
		return k
	}
	return parent + "[" + k + "]"
}

// appendFormValue appends v as a JSON number when the spec makes path an
// integer and v is written as one, else as a JSON string.
func appendFormValue(b []byte, v, path string) []byte {
	if formIntegers[path] && isJSONNumber(v) {
		return append(b, v...)
	}
	return appendFormString(b, v)
}

// appendFormString appends s as a JSON string. Bytes that are not UTF-8
// stay as they are, not turned into U+FFFD as an encoder would: the record's
// decoders own the rule for text that is not UTF-8 (invalid_characters, with
// the param), and must see what the client sent to apply it.
func appendFormString(b []byte, s string) []byte {
	if utf8.ValidString(s) {
		return wire.AppendString(b, s)
	}
	b = append(b, '"')
	for s != "" {
		n := 0 // the length of the UTF-8 text s starts with
		for n < len(s) {
			r, size := utf8.DecodeRuneInString(s[n:])
			if r == utf8.RuneError && size == 1 {
				break
			}
			n += size
		}
		if n > 0 {
			q := wire.AppendString(nil, s[:n])
			b = append(b, q[1:len(q)-1]...)
		}
		if n < len(s) {
			b = append(b, s[n]) // one byte that is not UTF-8
			n++
		}
		s = s[n:]
	}
	return append(b, '"')
}

// isJSONNumber reports whether s is a JSON number literal: -?int frac? exp?.
func isJSONNumber(s string) bool {
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	digits := func() int {
		start := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		return i - start
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case digits() == 0:
		return false
	}
	if i < len(s) && s[i] == '.' {
		i++
		if digits() == 0 {
			return false
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if digits() == 0 {
			return false
		}
	}
	return i == len(s)
}

// formError is a rejection of the form's own syntax, as a parameter error.
func formError(param, format string, args ...any) error {
	return &payrec.Error{Type: payrec.ErrorType, Param: param, Message: fmt.Sprintf(format, args...),
		Err: payrec.ErrInvalidParameter}
}

// clipText shortens s for a message.
func clipText(s string) string {
	if len(s) <= 60 {
		return s
	}
	n := 60
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
