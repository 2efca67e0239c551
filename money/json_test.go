package money_test

import (
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/payrec/payrec/money"
)

func TestMarshalJSON(t *testing.T) {
	tests := []struct {
		name string
		a    money.Amount
		want string
	}{
		{"dollars", money.New(1000, usd), `{"currency":"usd","value":1000}`},
		{"zero", money.New(0, usd), `{"currency":"usd","value":0}`},
		{"negative", money.New(-5, jpy), `{"currency":"jpy","value":-5}`},
		{"max", money.New(math.MaxInt64, kwd), `{"currency":"kwd","value":9223372036854775807}`},
		{"min", money.New(math.MinInt64, clf), `{"currency":"clf","value":-9223372036854775808}`},
		{"zero Amount", money.Amount{}, `null`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := tt.a.MarshalJSON()
			require.NoError(t, err)
			assert.Equal(t, tt.want, string(b))

			b, err = json.Marshal(tt.a)
			require.NoError(t, err)
			assert.Equal(t, tt.want, string(b), "through encoding/json")
		})
	}
}

func TestUnmarshalJSON(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want money.Amount
	}{
		{"canonical", `{"currency":"usd","value":1000}`, money.New(1000, usd)},
		{"upper case code", `{"currency":"USD","value":1000}`, money.New(1000, usd)},
		{"mixed case code", `{"currency":"Jpy","value":1000}`, money.New(1000, jpy)},
		{"keys reversed", `{"value":1250,"currency":"kwd"}`, money.New(1250, kwd)},
		{"white space", " \t\r\n{ \"value\" :\n-5 , \"currency\" : \"eur\" }\n", money.New(-5, eur)},
		{"zero", `{"currency":"usd","value":0}`, money.New(0, usd)},
		{"negative zero", `{"currency":"usd","value":-0}`, money.New(0, usd)},
		{"max", `{"currency":"usd","value":9223372036854775807}`, money.New(math.MaxInt64, usd)},
		{"min", `{"currency":"usd","value":-9223372036854775808}`, money.New(math.MinInt64, usd)},
		{"escaped key", `{"\u0063urrency":"usd","v\u0061lue":7}`, money.New(7, usd)},
		{"escaped code", `{"currency":"\u0055SD","value":7}`, money.New(7, usd)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var a money.Amount
			require.NoError(t, a.UnmarshalJSON([]byte(tt.in)))
			assert.Equal(t, tt.want, a)

			var b money.Amount
			require.NoError(t, json.Unmarshal([]byte(tt.in), &b), "through encoding/json")
			assert.Equal(t, tt.want, b)
		})
	}
}

func TestUnmarshalJSONNull(t *testing.T) {
	for _, in := range []string{`null`, " null\n"} {
		a := money.New(1000, usd)
		require.NoError(t, a.UnmarshalJSON([]byte(in)))
		assert.Equal(t, money.New(1000, usd), a, "null leaves the Amount unchanged")
	}

	type params struct {
		Amount money.Amount `json:"amount"`
	}
	p := params{Amount: money.New(1000, usd)}
	require.NoError(t, json.Unmarshal([]byte(`{"amount":null}`), &p))
	assert.Equal(t, money.New(1000, usd), p.Amount)
}

func TestUnmarshalJSONErrors(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		field string
		err   error
		msg   string // if not "", the whole message
	}{
		// The object itself.
		{"empty input", ``, "", money.ErrInvalidJSON, `money: amount: invalid JSON: malformed`},
		{"truncated", `{"currency":"usd"`, "", money.ErrInvalidJSON, `money: amount: invalid JSON: malformed: {"currency":"usd"`},
		{"trailing data", `{"currency":"usd","value":1}x`, "", money.ErrInvalidJSON, ""},
		{"two values", `{"currency":"usd","value":1} {}`, "", money.ErrInvalidJSON, ""},
		{"single quotes", `{'currency':'usd','value':1}`, "", money.ErrInvalidJSON, ""},
		{"trailing comma", `{"currency":"usd","value":1,}`, "", money.ErrInvalidJSON, ""},
		{"array", `[1000]`, "", money.ErrInvalidJSON, `money: amount: invalid JSON: not an object: [1000]`},
		{"string", `"10.00 USD"`, "", money.ErrInvalidJSON, ""},
		{"number", ` 1000 `, "", money.ErrInvalidJSON, `money: amount: invalid JSON: not an object: 1000`},
		{"bool", `true`, "", money.ErrInvalidJSON, ""},
		{"newline in message", "[\n1]", "", money.ErrInvalidJSON, `money: amount: invalid JSON: not an object: "[\n1]"`},

		// Keys.
		{"empty object", `{}`, "currency", money.ErrMissingField, `money: amount field "currency": missing field`},
		{"no currency", `{"value":1}`, "currency", money.ErrMissingField, ""},
		{"no value", `{"currency":"usd"}`, "value", money.ErrMissingField, `money: amount field "value": missing field`},
		{"unknown key", `{"currency":"usd","value":1,"extra":true}`, "extra", money.ErrUnknownField, `money: amount field "extra": unknown field`},
		{"unknown key first", `{"extra":{"a":[1,"}"]},"currency":"usx"}`, "extra", money.ErrUnknownField, ""},
		{"key case matters", `{"Currency":"usd","value":1}`, "Currency", money.ErrUnknownField, ""},
		{"escaped unknown key", `{"currency":"usd","value":1,"\u00e9":1}`, "é", money.ErrUnknownField, ""},
		{"empty key", `{"":1}`, "", money.ErrUnknownField, `money: amount: unknown field`},
		{"repeated currency", `{"currency":"usd","currency":"usd","value":1}`, "currency", money.ErrInvalidJSON, `money: amount field "currency": invalid JSON: repeated key`},
		{"repeated value", `{"value":1,"currency":"usd","value":1}`, "value", money.ErrInvalidJSON, `money: amount field "value": invalid JSON: repeated key`},
		{"repeated escaped", `{"value":1,"currency":"usd","\u0076alue":2}`, "value", money.ErrInvalidJSON, ""},

		// "currency".
		{"unknown currency", `{"currency":"usx","value":1}`, "currency", money.ErrUnknownCurrency, `money: amount field "currency": unknown currency: "usx"`},
		{"empty currency", `{"currency":"","value":1}`, "currency", money.ErrUnknownCurrency, ""},
		{"padded currency", `{"currency":" usd","value":1}`, "currency", money.ErrUnknownCurrency, ""},
		{"escaped unknown currency", `{"currency":"\u0075sx","value":1}`, "currency", money.ErrUnknownCurrency, ""},
		{"numeric currency", `{"currency":840,"value":1}`, "currency", money.ErrUnknownCurrency, `money: amount field "currency": unknown currency: not a string: 840`},
		{"null currency", `{"currency":null,"value":1}`, "currency", money.ErrUnknownCurrency, ""},
		{"array currency", `{"currency":["usd"],"value":1}`, "currency", money.ErrUnknownCurrency, ""},
		{"currency before value", `{"currency":"usx","value":10.5}`, "currency", money.ErrUnknownCurrency, ""},

		// "value".
		{"fraction", `{"currency":"usd","value":10.5}`, "value", money.ErrNotInteger, `money: amount field "value": not an integer: 10.5`},
		{"whole fraction", `{"currency":"usd","value":10.0}`, "value", money.ErrNotInteger, ""},
		{"exponent", `{"currency":"usd","value":1e3}`, "value", money.ErrNotInteger, `money: amount field "value": not an integer: 1e3`},
		{"upper exponent", `{"currency":"usd","value":1E3}`, "value", money.ErrNotInteger, ""},
		{"negative exponent", `{"currency":"usd","value":-1e-3}`, "value", money.ErrNotInteger, ""},
		{"huge exponent", `{"currency":"usd","value":1e400}`, "value", money.ErrNotInteger, ""},
		{"string", `{"currency":"usd","value":"1000"}`, "value", money.ErrNotInteger, `money: amount field "value": not an integer: "1000"`},
		{"true", `{"currency":"usd","value":true}`, "value", money.ErrNotInteger, ""},
		{"false", `{"currency":"usd","value":false}`, "value", money.ErrNotInteger, ""},
		{"null value", `{"currency":"usd","value":null}`, "value", money.ErrNotInteger, `money: amount field "value": not an integer: null`},
		{"object", `{"currency":"usd","value":{"value":1}}`, "value", money.ErrNotInteger, `money: amount field "value": not an integer: {"value":1}`},
		{"array value", `{"currency":"usd","value":[1000]}`, "value", money.ErrNotInteger, ""},
		{"value before currency", `{"value":10.5,"currency":"usx"}`, "value", money.ErrNotInteger, ""},
		{"above max", `{"currency":"usd","value":9223372036854775808}`, "value", money.ErrOverflow, `money: amount field "value": overflow: 9223372036854775808`},
		{"below min", `{"currency":"usd","value":-9223372036854775809}`, "value", money.ErrOverflow, ""},
		{"far above max", `{"currency":"usd","value":100000000000000000000000000000}`, "value", money.ErrOverflow, ""},
		{"long value clipped", `{"currency":"usd","value":` + strings.Repeat("1", 100) + `}`, "value", money.ErrOverflow,
			`money: amount field "value": overflow: ` + strings.Repeat("1", 64) + `...`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := money.New(42, eur)
			err := a.UnmarshalJSON([]byte(tt.in))
			require.ErrorIs(t, err, tt.err)
			assert.Equal(t, money.New(42, eur), a, "unchanged on error")
			var fe *money.FieldError
			require.ErrorAs(t, err, &fe)
			assert.Equal(t, tt.field, fe.Field)
			if tt.msg != "" {
				assert.EqualError(t, err, tt.msg)
			}
		})
	}
}

func TestUnmarshalJSONErrorThroughEncodingJSON(t *testing.T) {
	type params struct {
		Amount money.Amount `json:"amount_requested"`
	}
	var p params
	err := json.Unmarshal([]byte(`{"amount_requested":{"currency":"usd","value":"1000"}}`), &p)
	require.ErrorIs(t, err, money.ErrNotInteger)
	var fe *money.FieldError
	require.ErrorAs(t, err, &fe)
	assert.Equal(t, "value", fe.Field)
	assert.Equal(t, `"1000"`, fe.Input)
}

func TestJSONRoundTripEveryCurrency(t *testing.T) {
	for _, c := range money.Currencies() {
		a := money.New(-123456789, c)
		b, err := json.Marshal(a)
		require.NoError(t, err)
		var got money.Amount
		require.NoError(t, json.Unmarshal(b, &got), string(b))
		assert.Equal(t, a, got)
	}
}
