package main

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"sync"
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

// formTree is a form being read: each name of the form, and what was given
// under it (values given to the name itself, a=1, and named children,
// a[b]=1, each in the order they first appear). Its nodes and values live in
// two slices, linked by index, so that reading a form allocates no node of
// its own; trees are pooled.
type formTree struct {
	nodes []formNode // nodes[0] is the root, which is nobody's child
	vals  []formValue
	// index finds the children of a node that has more than formScan of
	// them (metadata, or a hostile form), so that reading stays linear;
	// fewer are found by scanning.
	index map[formEdge]int32
	path  []byte // the bracket form of the node being written
}

// formNode is one name of the form. Indexes into the tree's slices are 0
// for none: nodes[0] is the root, and values are counted from 1.
type formNode struct {
	key          string
	first, last  int32 // children
	next         int32 // the next sibling
	kids         int32 // how many children
	val, lastVal int32 // values given to the name itself, from 1
	valueFirst   bool  // a value was given before any child
}

type formValue struct {
	s    string
	next int32 // from 1
}

type formEdge struct {
	parent int32
	key    string
}

// formScan is how many children of a node are found by scanning.
const formScan = 8

var formTrees = sync.Pool{New: func() any { return &formTree{} }}

// child returns the child k of node p, adding it if it is new.
func (t *formTree) child(p int32, k string) int32 {
	if t.nodes[p].kids > formScan {
		if c, ok := t.index[formEdge{p, k}]; ok {
			return c
		}
	} else {
		for c := t.nodes[p].first; c != 0; c = t.nodes[c].next {
			if t.nodes[c].key == k {
				return c
			}
		}
	}
	c := int32(len(t.nodes))
	t.nodes = append(t.nodes, formNode{key: k})
	n := &t.nodes[p]
	if n.kids == 0 {
		n.valueFirst = n.val != 0
		n.first = c
	} else {
		t.nodes[n.last].next = c
	}
	n.last = c
	n.kids++
	switch {
	case n.kids == formScan+1:
		if t.index == nil {
			t.index = make(map[formEdge]int32)
		}
		for d := n.first; d != 0; d = t.nodes[d].next {
			t.index[formEdge{p, t.nodes[d].key}] = d
		}
	case n.kids > formScan+1:
		t.index[formEdge{p, k}] = c
	}
	return c
}

// addValue gives node n the value v.
func (t *formTree) addValue(n int32, v string) {
	t.vals = append(t.vals, formValue{s: v})
	i := int32(len(t.vals))
	if nd := &t.nodes[n]; nd.val == 0 {
		nd.val = i
	} else {
		t.vals[nd.lastVal-1].next = i
	}
	t.nodes[n].lastVal = i
}

// release empties t, drops what it refers to, and pools it; a tree grown
// by a large form is left to the collector.
func (t *formTree) release() {
	if cap(t.nodes) > 1024 || cap(t.vals) > 1024 || cap(t.path) > 1024 {
		return
	}
	clear(t.nodes)
	clear(t.vals)
	t.nodes, t.vals, t.path = t.nodes[:0], t.vals[:0], t.path[:0]
	t.index = nil
	formTrees.Put(t)
}

// formJSON rewrites a form-encoded body or query string into a JSON object.
// An empty value stays an empty string ("metadata[k]=" becomes
// {"metadata":{"k":""}}, which removes k; "metadata=" clears every key). A
// name given twice appears twice in the JSON, so that the decoder reports it
// as it reports a repeated JSON key. Text that is not UTF-8 goes into the
// JSON byte for byte, so that the decoder refuses it as it refuses it in a
// JSON body. Its only errors are about the form's own syntax: bad
// percent-encoding, a malformed key.
func formJSON(body string) ([]byte, error) { return appendFormJSON(nil, body) }

// appendFormJSON is formJSON appending the object to dst.
func appendFormJSON(dst []byte, body string) ([]byte, error) {
	t := formTrees.Get().(*formTree)
	defer t.release()
	t.nodes = append(t.nodes, formNode{}) // the root
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
		n, ok := t.walkKey(key)
		if !ok {
			return nil, formError(key, "The parameter name %q is malformed: write nested names as a[b][c].", clipText(key))
		}
		t.addValue(n, val)
	}
	return t.appendObject(slices.Grow(dst, size+size/2+16), 0), nil
}

// walkKey returns the node of key, "a[b][c]" being c below b below a and
// "a[]" the child "" of a, adding the nodes that are new. A malformed key is
// not ok (and may leave nodes added: the form is refused).
func (t *formTree) walkKey(key string) (int32, bool) {
	i := strings.IndexByte(key, '[')
	if i < 0 {
		i = len(key)
	}
	name := key[:i]
	if name == "" || strings.IndexByte(name, ']') >= 0 {
		return 0, false
	}
	n := t.child(0, name)
	for depth := 1; i < len(key); depth++ {
		if key[i] != '[' || depth > maxFormDepth {
			return 0, false
		}
		end := strings.IndexByte(key[i:], ']')
		if end < 0 {
			return 0, false
		}
		seg := key[i+1 : i+end]
		if strings.IndexByte(seg, '[') >= 0 {
			return 0, false
		}
		n = t.child(n, seg)
		i += end + 1
	}
	return n, true
}

// appendObject appends n's children as the members of a JSON object; t.path
// is n's name in bracket form ("" for the root).
func (t *formTree) appendObject(b []byte, n int32) []byte {
	b = append(b, '{')
	for c := t.nodes[n].first; c != 0; c = t.nodes[c].next {
		if c != t.nodes[n].first {
			b = append(b, ',')
		}
		mark := len(t.path)
		if mark == 0 {
			t.path = append(t.path, t.nodes[c].key...)
		} else {
			t.path = append(append(append(t.path, '['), t.nodes[c].key...), ']')
		}
		b = t.appendMember(b, c)
		t.path = t.path[:mark]
	}
	return append(b, '}')
}

// appendMember appends "k":… for each way n (named k) was given: each direct
// value, and its children as one object or array.
func (t *formTree) appendMember(b []byte, n int32) []byte {
	nd := &t.nodes[n]
	first := true
	if nd.valueFirst || nd.kids == 0 {
		b = t.appendValues(b, nd, &first)
	}
	if nd.kids > 0 {
		b = t.appendKey(b, nd.key, &first)
		if formArrays[string(t.path)] && t.indexKeys(n) {
			b = t.appendArray(b, n)
		} else {
			b = t.appendObject(b, n)
		}
		if !nd.valueFirst {
			b = t.appendValues(b, nd, &first)
		}
	}
	return b
}

// appendKey appends "k": after a comma unless it is the first.
func (t *formTree) appendKey(b []byte, k string, first *bool) []byte {
	if !*first {
		b = append(b, ',')
	}
	*first = false
	return append(appendFormString(b, k), ':')
}

// appendValues appends "k":v for each value v given to nd itself.
func (t *formTree) appendValues(b []byte, nd *formNode, first *bool) []byte {
	for v := nd.val; v != 0; v = t.vals[v-1].next {
		b = t.appendKey(b, nd.key, first)
		b = t.appendValue(b, t.vals[v-1].s)
	}
	return b
}

// appendArray appends the items of an array parameter: each child's values
// (and nested children, as objects the decoder will refuse). t.path stays
// the array's name.
func (t *formTree) appendArray(b []byte, n int32) []byte {
	b = append(b, '[')
	first := true
	for c := t.nodes[n].first; c != 0; c = t.nodes[c].next {
		for v := t.nodes[c].val; v != 0; v = t.vals[v-1].next {
			if !first {
				b = append(b, ',')
			}
			first = false
			b = t.appendValue(b, t.vals[v-1].s)
		}
		if t.nodes[c].kids > 0 {
			if !first {
				b = append(b, ',')
			}
			first = false
			b = t.appendObject(b, c)
		}
	}
	return append(b, ']')
}

// indexKeys reports whether every child of n is named "" or a decimal index.
func (t *formTree) indexKeys(n int32) bool {
	for c := t.nodes[n].first; c != 0; c = t.nodes[c].next {
		k := t.nodes[c].key
		for i := 0; i < len(k); i++ {
			if k[i] < '0' || k[i] > '9' {
				return false
			}
		}
	}
	return true
}

// appendValue appends v as a JSON number when the spec makes t.path an
// integer and v is written as one, else as a JSON string.
func (t *formTree) appendValue(b []byte, v string) []byte {
	if formIntegers[string(t.path)] && isJSONNumber(v) {
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
