package money_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/payrec/payrec/money"
)

// currencyAt picks a currency from a fuzzed index.
func currencyAt(i uint8) money.Currency {
	all := money.Currencies()
	return all[int(i)%len(all)]
}

func FuzzParse(f *testing.F) {
	// Indexes into money.Currencies(): 0 AED (2), 71 JPY (0), 78 KWD (3),
	// 31 CLF (4).
	f.Add("10.00", uint8(0))                     // the canonical amount
	f.Add("10.500", uint8(0))                    // trailing zeros beyond the digits
	f.Add("1.5", uint8(71))                      // excess precision on a zero-decimal currency
	f.Add("-0.05", uint8(0))                     // negative below one major unit
	f.Add("-922337203685477.5808", uint8(31))    // math.MinInt64 with four digits
	f.Add("92233720368547758.08", uint8(0))      // one past math.MaxInt64
	f.Add("1.250", uint8(78))                    // three digits
	f.Add("", uint8(0))                          // empty
	f.Add("-", uint8(0))                         // sign alone
	f.Add("--1", uint8(0))                       // repeated sign
	f.Add("+1", uint8(0))                        // explicit plus
	f.Add(".5", uint8(0))                        // no integer digits
	f.Add("5.", uint8(0))                        // no fraction digits
	f.Add("1e3", uint8(71))                      // exponent
	f.Add("1,000", uint8(0))                     // thousands separator
	f.Add("000000000000000000000001", uint8(71)) // leading zeros past int64's width
	f.Fuzz(func(t *testing.T, s string, i uint8) {
		cur := currencyAt(i)
		a, err := money.Parse(s, cur)
		if err != nil {
			var pe *money.ParseError
			if !errors.As(err, &pe) || !(errors.Is(err, money.ErrSyntax) || errors.Is(err, money.ErrOverflow)) {
				t.Fatalf("Parse(%q, %s): unexpected error %#v", s, cur, err)
			}
			if a != (money.Amount{}) {
				t.Fatalf("Parse(%q, %s) = %v with an error", s, cur, a)
			}
			return
		}
		if a.Currency() != cur {
			t.Fatalf("Parse(%q, %s) has currency %s", s, cur, a.Currency())
		}
		num, code, _ := strings.Cut(a.String(), " ")
		if code != cur.Code() {
			t.Fatalf("String() = %q: wrong code", a.String())
		}
		b, err := money.Parse(num, cur)
		if err != nil || b != a {
			t.Fatalf("Parse(%q) = %v, then Parse(%q) = %v, %v", s, a, num, b, err)
		}
	})
}

func FuzzParseCurrency(f *testing.F) {
	f.Add("usd")      // lowercase, as Stripe writes it
	f.Add("USD")      // ISO's uppercase
	f.Add("uSd")      // mixed case
	f.Add("usx")      // unknown
	f.Add("XAU")      // deliberately excluded
	f.Add("")         // empty
	f.Add("us")       // too short
	f.Add("usdd")     // too long
	f.Add("\u212Awd") // Kelvin sign, which Unicode case folding maps to k
	f.Add("u\x00d")   // a NUL inside
	f.Fuzz(func(t *testing.T, s string) {
		c, err := money.ParseCurrency(s)
		// Oracle: three ASCII letters naming a code in Currencies().
		var want money.Currency
		for _, k := range money.Currencies() {
			if len(s) == 3 && strings.ToUpper(s) == k.Code() {
				want = k
			}
		}
		if c != want {
			t.Fatalf("ParseCurrency(%q) = %v, want %v", s, c, want)
		}
		if err != nil {
			if !errors.Is(err, money.ErrUnknownCurrency) {
				t.Fatalf("ParseCurrency(%q): %v", s, err)
			}
			return
		}
		for _, text := range []string{c.String(), c.Code()} {
			if back, err := money.ParseCurrency(text); err != nil || back != c {
				t.Fatalf("ParseCurrency(%q) = %v, %v; want %v", text, back, err, c)
			}
		}
	})
}

func FuzzUnmarshalJSON(f *testing.F) {
	f.Add([]byte(`{"currency":"usd","value":1000}`))                 // canonical
	f.Add([]byte(`{"value":-9223372036854775808,"currency":"JPY"}`)) // keys reversed, math.MinInt64, upper case
	f.Add([]byte(` { "currency" : "kwd" , "value" : 0 } `))          // white space everywhere
	f.Add([]byte(`null`))                                            // leave unchanged
	f.Add([]byte(`{"currency":"usd","value":10.5}`))                 // fraction
	f.Add([]byte(`{"currency":"usd","value":1e3}`))                  // exponent
	f.Add([]byte(`{"currency":"usd","value":"1000"}`))               // string value
	f.Add([]byte(`{"currency":"usd","value":9223372036854775808}`))  // one past math.MaxInt64
	f.Add([]byte(`{"currency":"usd"}`))                              // missing value
	f.Add([]byte(`{"currency":"usd","value":1,"x":{"y":["}"]}}`))    // unknown key with nesting
	f.Add([]byte(`{"currency":"usd","currency":"eur","value":1}`))   // repeated key
	f.Add([]byte(`{"\u0063urrency":"\u0055SD","value":1}`))          // escapes in key and code
	f.Add([]byte(`{"currency":840,"value":1}`))                      // numeric currency
	f.Add([]byte(`[{"currency":"usd","value":1}]`))                  // not an object
	f.Add([]byte(`{"currency":"usd","value":1`))                     // truncated
	f.Add([]byte("{\"\xff\":1}"))                                    // invalid UTF-8 in a key
	f.Fuzz(func(t *testing.T, data []byte) {
		sentinel := money.New(42, money.MustParseCurrency("eur"))
		a := sentinel
		err := a.UnmarshalJSON(data)
		want, wantNull, wantOK := referenceDecode(data)
		if (err == nil) != wantOK {
			t.Fatalf("UnmarshalJSON(%q): error %v, reference accepts: %v", data, err, wantOK)
		}
		if err != nil {
			var fe *money.FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("UnmarshalJSON(%q): %T is not a *FieldError", data, err)
			}
			known := false
			for _, s := range []error{money.ErrInvalidJSON, money.ErrMissingField, money.ErrUnknownField,
				money.ErrUnknownCurrency, money.ErrNotInteger, money.ErrOverflow} {
				known = known || fe.Err == s
			}
			if !known {
				t.Fatalf("UnmarshalJSON(%q): unexpected sentinel %v", data, fe.Err)
			}
			if a != sentinel {
				t.Fatalf("UnmarshalJSON(%q) changed the Amount on error", data)
			}
			_ = err.Error()
			return
		}
		if wantNull {
			want = sentinel
		}
		if a != want {
			t.Fatalf("UnmarshalJSON(%q) = %v, reference %v", data, a, want)
		}
		b, err := json.Marshal(a)
		if err != nil {
			t.Fatal(err)
		}
		var back money.Amount
		if err := json.Unmarshal(b, &back); err != nil || back != a {
			t.Fatalf("%q: round trip through %s gave %v, %v", data, b, back, err)
		}
	})
}

// referenceDecode decodes an amount the slow, obvious way, with
// encoding/json's tokenizer, as an oracle for UnmarshalJSON.
func referenceDecode(data []byte) (a money.Amount, null, ok bool) {
	if !json.Valid(data) {
		return money.Amount{}, false, false
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	tok, _ := dec.Token()
	if tok == nil {
		return money.Amount{}, true, true
	}
	if tok != json.Delim('{') {
		return money.Amount{}, false, false
	}
	var (
		cur   money.Currency
		value int64
		seen  = map[string]bool{}
	)
	for dec.More() {
		k, _ := dec.Token()
		key := k.(string)
		if seen[key] {
			return money.Amount{}, false, false
		}
		seen[key] = true
		var v any
		if err := dec.Decode(&v); err != nil {
			return money.Amount{}, false, false
		}
		switch key {
		case "currency":
			s, isString := v.(string)
			if !isString {
				return money.Amount{}, false, false
			}
			c, err := money.ParseCurrency(s)
			if err != nil {
				return money.Amount{}, false, false
			}
			cur = c
		case "value":
			n, isNumber := v.(json.Number)
			if !isNumber {
				return money.Amount{}, false, false
			}
			i, err := strconv.ParseInt(string(n), 10, 64)
			if err != nil {
				return money.Amount{}, false, false
			}
			value = i
		default:
			return money.Amount{}, false, false
		}
	}
	if !seen["currency"] || !seen["value"] {
		return money.Amount{}, false, false
	}
	return money.New(value, cur), false, true
}
