package money_test

import (
	"encoding/json"
	"math"
	"math/big"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/payrec/payrec/money"
)

var (
	minBig = big.NewInt(math.MinInt64)
	maxBig = big.NewInt(math.MaxInt64)
)

// genCurrency draws any known currency.
func genCurrency() *rapid.Generator[money.Currency] {
	return rapid.SampledFrom(money.Currencies())
}

// genValue draws minor units, leaning on the edges where overflow lives.
func genValue() *rapid.Generator[int64] {
	return rapid.OneOf(
		rapid.Int64(),
		rapid.Int64Range(-1000, 1000),
		rapid.Int64Min(math.MaxInt64-1000),
		rapid.Int64Max(math.MinInt64+1000),
		rapid.SampledFrom([]int64{math.MinInt64, math.MinInt64 + 1, -1, 0, 1, math.MaxInt64 - 1, math.MaxInt64}),
	)
}

// genAmount draws an amount of cur.
func genAmount(cur money.Currency, label string) *rapid.Generator[money.Amount] {
	return rapid.Custom(func(t *rapid.T) money.Amount {
		return money.New(genValue().Draw(t, label), cur)
	})
}

func inRange(x *big.Int) bool { return x.Cmp(minBig) >= 0 && x.Cmp(maxBig) <= 0 }

func TestPropAddCommutative(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		cur := genCurrency().Draw(t, "cur")
		a := genAmount(cur, "a").Draw(t, "a")
		b := genAmount(cur, "b").Draw(t, "b")
		ab, errAB := a.Add(b)
		ba, errBA := b.Add(a)
		assert.Equal(t, ab, ba)
		assert.Equal(t, errAB == nil, errBA == nil)
	})
}

func TestPropAddThenSub(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		cur := genCurrency().Draw(t, "cur")
		a := genAmount(cur, "a").Draw(t, "a")
		b := genAmount(cur, "b").Draw(t, "b")
		s, err := a.Add(b)
		if err != nil {
			return
		}
		back, err := s.Sub(b)
		require.NoError(t, err, "(a+b)-b cannot overflow when a+b did not")
		assert.Equal(t, a, back)
	})
}

// TestPropOverflowExact checks Add and Sub against math/big: an error
// exactly when the true result leaves int64, the true result otherwise.
func TestPropOverflowExact(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		cur := genCurrency().Draw(t, "cur")
		x := genValue().Draw(t, "x")
		y := genValue().Draw(t, "y")
		a, b := money.New(x, cur), money.New(y, cur)
		for _, op := range []struct {
			name string
			fn   func(money.Amount) (money.Amount, error)
			want *big.Int
		}{
			{"Add", a.Add, new(big.Int).Add(big.NewInt(x), big.NewInt(y))},
			{"Sub", a.Sub, new(big.Int).Sub(big.NewInt(x), big.NewInt(y))},
		} {
			got, err := op.fn(b)
			if !inRange(op.want) {
				require.ErrorIs(t, err, money.ErrOverflow, "%s: %d, %d: true result %s", op.name, x, y, op.want)
				continue
			}
			require.NoError(t, err, "%s: %d, %d", op.name, x, y)
			assert.Equal(t, op.want.Int64(), got.Value(), op.name)
			assert.Equal(t, cur, got.Currency(), op.name)
		}
	})
}

func TestPropMismatch(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		c1 := genCurrency().Draw(t, "c1")
		c2 := genCurrency().Filter(func(c money.Currency) bool { return c != c1 }).Draw(t, "c2")
		a := genAmount(c1, "a").Draw(t, "a")
		b := genAmount(c2, "b").Draw(t, "b")
		_, err := a.Add(b)
		assert.ErrorIs(t, err, money.ErrCurrencyMismatch)
		_, err = a.Sub(b)
		assert.ErrorIs(t, err, money.ErrCurrencyMismatch)
		_, err = a.Cmp(b)
		assert.ErrorIs(t, err, money.ErrCurrencyMismatch)
	})
}

func TestPropCmp(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		cur := genCurrency().Draw(t, "cur")
		a := genAmount(cur, "a").Draw(t, "a")
		b := genAmount(cur, "b").Draw(t, "b")
		c := genAmount(cur, "c").Draw(t, "c")
		ab, err := a.Cmp(b)
		require.NoError(t, err)
		ba, err := b.Cmp(a)
		require.NoError(t, err)
		bc, err := b.Cmp(c)
		require.NoError(t, err)
		ac, err := a.Cmp(c)
		require.NoError(t, err)

		assert.Equal(t, -ab, ba, "antisymmetric")
		assert.Equal(t, ab == 0, a == b, "zero exactly for equal amounts")
		if ab <= 0 && bc <= 0 {
			assert.LessOrEqual(t, ac, 0, "transitive")
		}
		if ab >= 0 && bc >= 0 {
			assert.GreaterOrEqual(t, ac, 0, "transitive")
		}
	})
}

// TestPropStringParse reads String's numeric part back with Parse, for
// every currency, also with trailing zeros appended to the fraction.
func TestPropStringParse(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		cur := genCurrency().Draw(t, "cur")
		a := genAmount(cur, "a").Draw(t, "a")
		num, code, ok := strings.Cut(a.String(), " ")
		require.True(t, ok, a.String())
		assert.Equal(t, cur.Code(), code)
		assert.Equal(t, cur.Digits(), decimals(num), "as many decimals as the currency has: %s", num)

		got, err := money.Parse(num, cur)
		require.NoError(t, err)
		assert.Equal(t, a, got)

		if cur.Digits() == 0 {
			num += "."
		}
		got, err = money.Parse(num+strings.Repeat("0", rapid.IntRange(1, 30).Draw(t, "zeros")), cur)
		require.NoError(t, err)
		assert.Equal(t, a, got, "trailing zeros change nothing")
	})
}

func decimals(num string) int {
	_, frac, ok := strings.Cut(num, ".")
	if !ok {
		return 0
	}
	return len(frac)
}

// TestPropParseOracle checks Parse on arbitrary decimal text against exact
// rational arithmetic: it succeeds exactly when the text is a whole number
// of minor units within int64, and then with that number.
func TestPropParseOracle(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		cur := genCurrency().Draw(t, "cur")
		s := rapid.StringMatching(`-?[0-9]{1,22}(\.[0-9]{1,7})?`).Draw(t, "s")
		r, ok := new(big.Rat).SetString(s)
		require.True(t, ok)
		r.Mul(r, new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(cur.Digits())), nil)))

		got, err := money.Parse(s, cur)
		switch {
		case !r.IsInt():
			require.ErrorIs(t, err, money.ErrSyntax, "%s %s", s, cur)
		case !inRange(r.Num()):
			require.ErrorIs(t, err, money.ErrOverflow, "%s %s", s, cur)
		default:
			require.NoError(t, err, "%s %s", s, cur)
			assert.Equal(t, r.Num().Int64(), got.Value())
			assert.Equal(t, cur, got.Currency())
		}
	})
}

func TestPropJSONRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		a := genAmount(genCurrency().Draw(t, "cur"), "a").Draw(t, "a")
		b, err := json.Marshal(a)
		require.NoError(t, err)
		var got money.Amount
		require.NoError(t, json.Unmarshal(b, &got), string(b))
		assert.Equal(t, a, got)

		// The code in upper case decodes to the same amount.
		var upper money.Amount
		require.NoError(t, json.Unmarshal([]byte(strings.Replace(string(b), a.Currency().String(), a.Currency().Code(), 1)), &upper))
		assert.Equal(t, a, upper)
	})
}

// TestPropLedger is model-based: a running balance is kept both as an
// Amount and as a math/big integer, and every step must agree with the
// model, failing exactly when the model leaves int64 and then changing
// nothing.
func TestPropLedger(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		cur := genCurrency().Draw(t, "cur")
		other := genCurrency().Filter(func(c money.Currency) bool { return c != cur }).Draw(t, "other")
		start := genValue().Draw(t, "start")
		balance := money.New(start, cur)
		model := big.NewInt(start)

		step := func(t *rapid.T, name string, op func(money.Amount) (money.Amount, error), apply func(z, x, y *big.Int) *big.Int) {
			x := genValue().Draw(t, "x")
			want := apply(new(big.Int), model, big.NewInt(x))
			got, err := op(money.New(x, cur))
			if !inRange(want) {
				require.ErrorIs(t, err, money.ErrOverflow, "%s %d to %s", name, x, model)
				return
			}
			require.NoError(t, err, "%s %d to %s", name, x, model)
			balance, model = got, want
		}
		t.Repeat(map[string]func(*rapid.T){
			"add": func(t *rapid.T) { step(t, "add", balance.Add, (*big.Int).Add) },
			"sub": func(t *rapid.T) { step(t, "sub", balance.Sub, (*big.Int).Sub) },
			"add other currency": func(t *rapid.T) {
				_, err := balance.Add(money.New(genValue().Draw(t, "x"), other))
				require.ErrorIs(t, err, money.ErrCurrencyMismatch)
			},
			"": func(t *rapid.T) {
				require.Equal(t, model.Int64(), balance.Value())
				require.Equal(t, cur, balance.Currency())
				require.Equal(t, model.Sign(), balance.Sign())
			},
		})
	})
}
