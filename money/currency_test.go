package money_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/currency"

	"github.com/payrec/payrec/money"
)

func TestParseCurrency(t *testing.T) {
	tests := []struct {
		name string
		in   string
		code string // "" for an error
	}{
		{"upper", "USD", "USD"},
		{"lower", "usd", "USD"},
		{"mixed case", "uSd", "USD"},
		{"first code", "AED", "AED"},
		{"last code", "zwg", "ZWG"},
		{"zero decimal", "jpy", "JPY"},
		{"funds code", "CLF", "CLF"},
		{"withdrawn but kept", "ang", "ANG"},
		{"empty", "", ""},
		{"too short", "US", ""},
		{"too long", "USDD", ""},
		{"unknown", "usx", ""},
		{"precious metal", "XAU", ""},
		{"special drawing right", "XDR", ""},
		{"testing code", "XTS", ""},
		{"no currency code", "XXX", ""},
		{"withdrawn", "HRK", ""},
		{"leading space", " usd", ""},
		{"trailing space", "usd ", ""},
		{"digit", "US1", ""},
		{"letter after Z", "US[", ""},
		{"letter before a", "us`", ""},
		{"non-ASCII", "usđ", ""},
		{"Kelvin sign folds to k in Unicode only", "\u212Awd", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := money.ParseCurrency(tt.in)
			if tt.code == "" {
				require.ErrorIs(t, err, money.ErrUnknownCurrency)
				assert.False(t, c.IsValid())
				var pe *money.ParseError
				require.ErrorAs(t, err, &pe)
				assert.Equal(t, tt.in, pe.Input)
				assert.Contains(t, err.Error(), `money: unknown currency "`)
				return
			}
			require.NoError(t, err)
			assert.True(t, c.IsValid())
			assert.Equal(t, tt.code, c.Code())
			assert.Equal(t, strings.ToLower(tt.code), c.String())
		})
	}
}

func TestParseCurrencyMessage(t *testing.T) {
	_, err := money.ParseCurrency("usx")
	assert.EqualError(t, err, `money: unknown currency "usx"`)
}

func TestMustParseCurrency(t *testing.T) {
	assert.Equal(t, "KWD", money.MustParseCurrency("kwd").Code())
	assert.PanicsWithError(t, `money: unknown currency "nope"`, func() { money.MustParseCurrency("nope") })
}

func TestZeroCurrency(t *testing.T) {
	var c money.Currency
	assert.False(t, c.IsValid())
	assert.Equal(t, "", c.String())
	assert.Equal(t, "", c.Code())
	assert.Equal(t, 0, c.Digits())
	_, err := c.MarshalText()
	require.ErrorIs(t, err, money.ErrUnknownCurrency)
	_, err = json.Marshal(c)
	require.ErrorIs(t, err, money.ErrUnknownCurrency)
}

func TestDigits(t *testing.T) {
	want := map[int][]string{
		// Stripe's zero-decimal currencies.
		0: {"BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF", "XPF", "UYI"},
		// Stripe's three-decimal currencies, and ISO 4217's where Stripe is silent.
		3: {"BHD", "JOD", "KWD", "OMR", "TND", "IQD", "LYD"},
		// Stripe's special cases stay two-decimal; the rest are common ones.
		2: {"ISK", "HUF", "TWD", "USD", "EUR", "GBP", "CAD", "AUD", "CHF", "INR", "MXN", "BRL", "ZAR"},
		4: {"CLF", "UYW"},
	}
	for digits, codes := range want {
		for _, code := range codes {
			t.Run(code, func(t *testing.T) {
				assert.Equal(t, digits, money.MustParseCurrency(code).Digits())
			})
		}
	}
}

func TestCurrencies(t *testing.T) {
	all := money.Currencies()
	require.Len(t, all, 168)
	codes := make([]string, len(all))
	for i, c := range all {
		require.True(t, c.IsValid())
		codes[i] = c.Code()
		got, err := money.ParseCurrency(c.String())
		require.NoError(t, err)
		assert.Equal(t, c, got, "round trip of %s", c.Code())
		assert.Equal(t, strings.ToLower(c.Code()), c.String())
		assert.Contains(t, []int{0, 2, 3, 4}, c.Digits(), c.Code())
	}
	assert.True(t, slices.IsSorted(codes), "sorted by code")
	assert.Len(t, slices.Compact(slices.Clone(codes)), len(codes), "no repeats")

	// A fresh slice each time.
	all[0] = money.Currency{}
	assert.True(t, money.Currencies()[0].IsValid())
}

func TestCurrencyText(t *testing.T) {
	b, err := usd.MarshalText()
	require.NoError(t, err)
	assert.Equal(t, "usd", string(b))

	tests := []struct {
		name string
		in   string
		want money.Currency // zero for an error
	}{
		{"lower", "eur", money.MustParseCurrency("EUR")},
		{"upper", "EUR", money.MustParseCurrency("EUR")},
		{"unknown", "eux", money.Currency{}},
		{"empty", "", money.Currency{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := usd
			err := c.UnmarshalText([]byte(tt.in))
			if !tt.want.IsValid() {
				require.ErrorIs(t, err, money.ErrUnknownCurrency)
				assert.Equal(t, usd, c, "unchanged on error")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, c)
		})
	}
}

func TestCurrencyJSON(t *testing.T) {
	type wrapper struct {
		C money.Currency `json:"c"`
	}
	var w wrapper
	require.NoError(t, json.Unmarshal([]byte(`{"c":"JPY"}`), &w))
	assert.Equal(t, money.MustParseCurrency("jpy"), w.C)
	b, err := json.Marshal(w)
	require.NoError(t, err)
	assert.JSONEq(t, `{"c":"jpy"}`, string(b))
	err = json.Unmarshal([]byte(`{"c":"yen"}`), &w)
	require.ErrorIs(t, err, money.ErrUnknownCurrency)
}

// isoDiffers lists every currency whose digits in payrec differ from those of
// golang.org/x/text/currency (CLDR 32 data, Standard rounding), with the
// reason. TestDigitsAgainstCLDR fails on a difference missing from this list
// and on an entry that no longer differs, so the list stays exact.
var isoDiffers = map[string]string{
	// Stripe's rule.
	"ISK": "Stripe: two-decimal in the API (ISO 4217 and CLDR: 0)",

	// ISO 4217 has a minor unit that CLDR rounds away because it is not used
	// in practice; payrec follows ISO where Stripe is silent.
	"AFN": "ISO 4217: 2; CLDR 32 rounds to 0",
	"ALL": "ISO 4217: 2; CLDR 32 rounds to 0",
	"AMD": "ISO 4217: 2; CLDR 32 rounds to 0",
	"COP": "ISO 4217: 2; CLDR 32 rounds to 0",
	"GYD": "ISO 4217: 2; CLDR 32 rounds to 0",
	"IDR": "ISO 4217: 2; CLDR 32 rounds to 0",
	"IQD": "ISO 4217: 3; CLDR 32 rounds to 0",
	"IRR": "ISO 4217: 2; CLDR 32 rounds to 0",
	"KPW": "ISO 4217: 2; CLDR 32 rounds to 0",
	"LAK": "ISO 4217: 2; CLDR 32 rounds to 0",
	"LBP": "ISO 4217: 2; CLDR 32 rounds to 0",
	"MMK": "ISO 4217: 2; CLDR 32 rounds to 0",
	"MNT": "ISO 4217: 2; CLDR 32 rounds to 0",
	"MUR": "ISO 4217: 2; CLDR 32 rounds to 0",
	"PKR": "ISO 4217: 2; CLDR 32 rounds to 0",
	"RSD": "ISO 4217: 2; CLDR 32 rounds to 0",
	"SLL": "ISO 4217: 2; CLDR 32 rounds to 0",
	"SOS": "ISO 4217: 2; CLDR 32 rounds to 0",
	"SYP": "ISO 4217: 2; CLDR 32 rounds to 0",
	"TZS": "ISO 4217: 2; CLDR 32 rounds to 0",
	"UZS": "ISO 4217: 2; CLDR 32 rounds to 0",
	"YER": "ISO 4217: 2; CLDR 32 rounds to 0",

	// MGA is absent: payrec follows Stripe (zero-decimal), and so does
	// CLDR, although ISO 4217 says 2.

	// Codes newer than CLDR 32, which x/text does not know.
	"MRU": "introduced 2018, unknown to CLDR 32",
	"SLE": "introduced 2022, unknown to CLDR 32",
	"UYW": "introduced 2018, unknown to CLDR 32",
	"VED": "introduced 2021, unknown to CLDR 32",
	"VES": "introduced 2018, unknown to CLDR 32",
	"XCG": "introduced 2025, unknown to CLDR 32",
	"ZWG": "introduced 2024, unknown to CLDR 32",
}

// TestDigitsAgainstCLDR checks every currency's digits against an
// independent source, golang.org/x/text/currency.
func TestDigitsAgainstCLDR(t *testing.T) {
	known := map[string]bool{}
	for _, c := range money.Currencies() {
		code := c.Code()
		known[code] = true
		t.Run(code, func(t *testing.T) {
			reason, excepted := isoDiffers[code]
			unit, err := currency.ParseISO(code)
			if err != nil {
				assert.True(t, excepted, "%s is unknown to x/text and not listed in isoDiffers", code)
				return
			}
			scale, _ := currency.Standard.Rounding(unit)
			if excepted {
				assert.NotEqual(t, scale, c.Digits(), "%s is listed in isoDiffers (%s) but x/text now agrees: remove it", code, reason)
				return
			}
			assert.Equal(t, scale, c.Digits(), "%s: payrec and x/text disagree; fix the table or list the reason in isoDiffers", code)
		})
	}
	for code := range isoDiffers {
		assert.True(t, known[code], "isoDiffers lists %s, which payrec does not know", code)
	}
}
