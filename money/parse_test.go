package money_test

import (
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/payrec/payrec/money"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name string
		in   string
		cur  money.Currency
		want int64
	}{
		{"whole", "10", usd, 1000},
		{"two decimals", "10.00", usd, 1000},
		{"one decimal", "10.5", usd, 1050},
		{"trailing zeros", "10.500", usd, 1050},
		{"many trailing zeros", "10.5000000000000000000000000", usd, 1050},
		{"cents", "0.05", usd, 5},
		{"negative cents", "-0.05", usd, -5},
		{"negative zero", "-0", usd, 0},
		{"negative zero decimals", "-0.00", usd, 0},
		{"leading zeros", "007.10", usd, 710},
		{"many leading zeros", "0000000000000000000000000000001", jpy, 1},
		{"zero decimal", "500", jpy, 500},
		{"zero decimal with zeros", "500.000", jpy, 500},
		{"three decimals", "1.25", kwd, 1250},
		{"three decimals full", "1.250", kwd, 1250},
		{"four decimals", "1.2345", clf, 12345},
		{"max", "92233720368547758.07", usd, math.MaxInt64},
		{"min", "-92233720368547758.08", usd, math.MinInt64},
		{"max zero decimals", "9223372036854775807", jpy, math.MaxInt64},
		{"min zero decimals", "-9223372036854775808", jpy, math.MinInt64},
		{"min four decimals", "-922337203685477.5808", clf, math.MinInt64},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := money.Parse(tt.in, tt.cur)
			require.NoError(t, err)
			assert.Equal(t, money.New(tt.want, tt.cur), got)
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		in   string
		cur  money.Currency
		err  error
		msg  string // if not "", the whole message
	}{
		{"empty", "", usd, money.ErrSyntax, `money: parsing "" as usd: invalid syntax: empty`},
		{"minus only", "-", usd, money.ErrSyntax, `money: parsing "-" as usd: invalid syntax: no digits`},
		{"double minus", "--1", usd, money.ErrSyntax, `money: parsing "--1" as usd: invalid syntax: unexpected '-' at offset 1`},
		{"plus", "+1", usd, money.ErrSyntax, `money: parsing "+1" as usd: invalid syntax: unexpected '+' at offset 0`},
		{"leading space", " 1", usd, money.ErrSyntax, ""},
		{"trailing space", "1 ", usd, money.ErrSyntax, ""},
		{"thousands separator", "1,000", usd, money.ErrSyntax, `money: parsing "1,000" as usd: invalid syntax: unexpected ',' at offset 1`},
		{"no integer part", ".5", usd, money.ErrSyntax, `money: parsing ".5" as usd: invalid syntax: no digits before the decimal point`},
		{"point only", ".", usd, money.ErrSyntax, ""},
		{"no fraction digits", "5.", usd, money.ErrSyntax, `money: parsing "5." as usd: invalid syntax: no digits after the decimal point`},
		{"two points", "1.2.3", usd, money.ErrSyntax, ""},
		{"exponent", "1e3", usd, money.ErrSyntax, ""},
		{"exponent after fraction", "1.5E2", usd, money.ErrSyntax, ""},
		{"hex", "0x10", usd, money.ErrSyntax, ""},
		{"currency code", "10 USD", usd, money.ErrSyntax, ""},
		{"symbol", "$10", usd, money.ErrSyntax, ""},
		{"comma decimal", "10,50", usd, money.ErrSyntax, ""},
		{"underscore", "1_000", usd, money.ErrSyntax, ""},
		{"non-ASCII digit", "١٠", usd, money.ErrSyntax, `money: parsing "١٠" as usd: invalid syntax: unexpected '١' at offset 0`},
		{"invalid UTF-8", "1\xff", usd, money.ErrSyntax, ""},
		{"NaN", "NaN", usd, money.ErrSyntax, ""},
		{"Inf", "-Inf", usd, money.ErrSyntax, ""},
		{"excess precision yen", "1.5", jpy, money.ErrSyntax, `money: parsing "1.5" as jpy: invalid syntax: more than 0 decimal places`},
		{"excess precision cents", "10.001", usd, money.ErrSyntax, `money: parsing "10.001" as usd: invalid syntax: more than 2 decimal places`},
		{"excess precision far out", "10.0000000000000000001", usd, money.ErrSyntax, ""},
		{"excess precision fils", "1.2345", kwd, money.ErrSyntax, ""},
		{"junk beats overflow", "99999999999999999999x", jpy, money.ErrSyntax, ""},
		{"excess precision beats overflow", "99999999999999999999.5", jpy, money.ErrSyntax, ""},
		{"above max", "92233720368547758.08", usd, money.ErrOverflow, `money: parsing "92233720368547758.08" as usd: overflow: outside the int64 range of minor units`},
		{"below min", "-92233720368547758.09", usd, money.ErrOverflow, ""},
		{"above max zero decimals", "9223372036854775808", jpy, money.ErrOverflow, ""},
		{"below min zero decimals", "-9223372036854775809", jpy, money.ErrOverflow, ""},
		{"far above max", "100000000000000000000000", jpy, money.ErrOverflow, ""},
		{"overflow from padding", "92233720368547758.1", usd, money.ErrOverflow, ""},
		{"overflow from padding four", "922337203685478", clf, money.ErrOverflow, ""},
		{"zero Currency", "10", money.Currency{}, money.ErrUnknownCurrency, `money: parsing "10" as <none>: unknown currency`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := money.Parse(tt.in, tt.cur)
			require.ErrorIs(t, err, tt.err)
			assert.Equal(t, money.Amount{}, got)
			var pe *money.ParseError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, tt.in, pe.Input)
			assert.Equal(t, tt.cur, pe.Currency)
			if tt.msg != "" {
				assert.EqualError(t, err, tt.msg)
			}
		})
	}
}

func TestParseErrorClipsLongInput(t *testing.T) {
	long := strings.Repeat("9", 1000) + "x"
	_, err := money.Parse(long, usd)
	require.ErrorIs(t, err, money.ErrSyntax)
	assert.Equal(t, `money: parsing "`+strings.Repeat("9", 64)+`"... as usd: invalid syntax: unexpected 'x' at offset 1000`, err.Error())
}

func TestMustParse(t *testing.T) {
	assert.Equal(t, money.New(1050, usd), money.MustParse("10.5", usd))
	assert.Panics(t, func() { money.MustParse("1.5", jpy) })
}
