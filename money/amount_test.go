package money_test

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/payrec/payrec/money"
)

var (
	usd = money.MustParseCurrency("usd")
	eur = money.MustParseCurrency("eur")
	jpy = money.MustParseCurrency("jpy")
	kwd = money.MustParseCurrency("kwd")
	clf = money.MustParseCurrency("clf")
)

func TestNew(t *testing.T) {
	a := money.New(1000, usd)
	assert.Equal(t, int64(1000), a.Value())
	assert.Equal(t, usd, a.Currency())
	assert.True(t, a.IsValid())
	assert.Equal(t, money.New(1000, usd), a, "comparable with ==")
	assert.NotEqual(t, money.New(1000, eur), a)

	none := money.New(1000, money.Currency{})
	assert.Equal(t, money.Amount{}, none, "no currency means the zero Amount")
	assert.False(t, none.IsValid())
	assert.Equal(t, int64(0), none.Value())
}

func TestSign(t *testing.T) {
	tests := []struct {
		name           string
		a              money.Amount
		sign           int
		neg, zero, pos bool
	}{
		{"min", money.New(math.MinInt64, usd), -1, true, false, false},
		{"minus one", money.New(-1, usd), -1, true, false, false},
		{"zero", money.New(0, usd), 0, false, true, false},
		{"zero Amount", money.Amount{}, 0, false, true, false},
		{"one", money.New(1, jpy), 1, false, false, true},
		{"max", money.New(math.MaxInt64, usd), 1, false, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.sign, tt.a.Sign())
			assert.Equal(t, tt.neg, tt.a.IsNegative())
			assert.Equal(t, tt.zero, tt.a.Sign() == 0)
			assert.Equal(t, tt.pos, tt.a.IsPositive())
		})
	}
}

func TestAddSub(t *testing.T) {
	const (
		maxI = math.MaxInt64
		minI = math.MinInt64
	)
	tests := []struct {
		name string
		x, y int64
		op   string // "Add" or "Sub"
		want int64
		err  error
	}{
		{"add", 1000, 250, "Add", 1250, nil},
		{"add negative", -5, -7, "Add", -12, nil},
		{"add to max", maxI - 1, 1, "Add", maxI, nil},
		{"add past max", maxI, 1, "Add", 0, money.ErrOverflow},
		{"max plus max", maxI, maxI, "Add", 0, money.ErrOverflow},
		{"add to min", minI + 1, -1, "Add", minI, nil},
		{"add past min", minI, -1, "Add", 0, money.ErrOverflow},
		{"min plus min", minI, minI, "Add", 0, money.ErrOverflow},
		{"min plus max", minI, maxI, "Add", -1, nil},
		{"max plus min", maxI, minI, "Add", -1, nil},
		{"sub", 1000, 250, "Sub", 750, nil},
		{"sub below zero", 250, 1000, "Sub", -750, nil},
		{"sub to min", minI + 1, 1, "Sub", minI, nil},
		{"sub past min", minI, 1, "Sub", 0, money.ErrOverflow},
		{"zero minus min", 0, minI, "Sub", 0, money.ErrOverflow},
		{"minus one minus min", -1, minI, "Sub", maxI, nil},
		{"sub to max", maxI - 1, -1, "Sub", maxI, nil},
		{"sub past max", maxI, -1, "Sub", 0, money.ErrOverflow},
		{"max minus min", maxI, minI, "Sub", 0, money.ErrOverflow},
		{"min minus max", minI, maxI, "Sub", 0, money.ErrOverflow},
		{"min minus min", minI, minI, "Sub", 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x, y := money.New(tt.x, usd), money.New(tt.y, usd)
			op := x.Add
			if tt.op == "Sub" {
				op = x.Sub
			}
			got, err := op(y)
			if tt.err != nil {
				require.ErrorIs(t, err, tt.err)
				assert.Equal(t, money.Amount{}, got)
				var ae *money.ArithError
				require.ErrorAs(t, err, &ae)
				assert.Equal(t, tt.op, ae.Op)
				assert.Equal(t, x, ae.X)
				assert.Equal(t, y, ae.Y)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, money.New(tt.want, usd), got)
		})
	}
}

func TestArithMismatch(t *testing.T) {
	tests := []struct {
		name string
		x, y money.Amount
		msg  string
	}{
		{"two currencies", money.New(1, usd), money.New(1, eur), "money: currency mismatch: usd vs eur"},
		{"zero Amount right", money.New(1, usd), money.Amount{}, "money: currency mismatch: usd vs <none>"},
		{"zero Amount left", money.Amount{}, money.New(1, usd), "money: currency mismatch: <none> vs usd"},
		{"both zero Amounts", money.Amount{}, money.Amount{}, "money: currency mismatch: <none> vs <none>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for name, op := range map[string]func(money.Amount) (money.Amount, error){
				"Add": tt.x.Add,
				"Sub": tt.x.Sub,
			} {
				got, err := op(tt.y)
				require.ErrorIs(t, err, money.ErrCurrencyMismatch, name)
				assert.NotErrorIs(t, err, money.ErrOverflow, name)
				assert.EqualError(t, err, tt.msg, name)
				assert.Equal(t, money.Amount{}, got, name)
			}
			c, err := tt.x.Cmp(tt.y)
			require.ErrorIs(t, err, money.ErrCurrencyMismatch)
			assert.EqualError(t, err, tt.msg)
			assert.Equal(t, 0, c)
			var ae *money.ArithError
			require.ErrorAs(t, err, &ae)
			assert.Equal(t, "Cmp", ae.Op)
		})
	}
}

func TestOverflowMessage(t *testing.T) {
	_, err := money.New(math.MaxInt64, usd).Add(money.New(1, usd))
	assert.EqualError(t, err, "money: overflow: 9223372036854775807 usd + 1 usd")
	_, err = money.New(-2, jpy).Sub(money.New(math.MaxInt64, jpy))
	assert.EqualError(t, err, "money: overflow: -2 jpy - 9223372036854775807 jpy")
}

func TestCmp(t *testing.T) {
	tests := []struct {
		name string
		x, y int64
		want int
	}{
		{"less", 1, 2, -1},
		{"equal", 7, 7, 0},
		{"greater", 2, 1, 1},
		{"extremes", math.MinInt64, math.MaxInt64, -1},
		{"extremes reversed", math.MaxInt64, math.MinInt64, 1},
		{"negative", -3, -4, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := money.New(tt.x, kwd).Cmp(money.New(tt.y, kwd))
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestString(t *testing.T) {
	tests := []struct {
		name string
		a    money.Amount
		want string
	}{
		{"two decimals", money.New(1000, usd), "10.00 USD"},
		{"cents only", money.New(5, usd), "0.05 USD"},
		{"negative cents", money.New(-5, usd), "-0.05 USD"},
		{"zero", money.New(0, usd), "0.00 USD"},
		{"negative", money.New(-123456, eur), "-1234.56 EUR"},
		{"zero decimals", money.New(500, jpy), "500 JPY"},
		{"zero decimals negative", money.New(-500, jpy), "-500 JPY"},
		{"zero decimals zero", money.New(0, jpy), "0 JPY"},
		{"three decimals", money.New(1250, kwd), "1.250 KWD"},
		{"three decimals small", money.New(-1, kwd), "-0.001 KWD"},
		{"four decimals", money.New(12345, clf), "1.2345 CLF"},
		{"four decimals small", money.New(7, clf), "0.0007 CLF"},
		{"max", money.New(math.MaxInt64, usd), "92233720368547758.07 USD"},
		{"min", money.New(math.MinInt64, usd), "-92233720368547758.08 USD"},
		{"min zero decimals", money.New(math.MinInt64, jpy), "-9223372036854775808 JPY"},
		{"min four decimals", money.New(math.MinInt64, clf), "-922337203685477.5808 CLF"},
		{"ISK is two-decimal", money.New(100, money.MustParseCurrency("isk")), "1.00 ISK"},
		{"zero Amount", money.Amount{}, "invalid amount"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.a.String())
		})
	}
}
