package money

import (
	"math"
	"strconv"
	"unicode/utf8"
)

// Parse reads decimal text in major units as an exact Amount of cur:
// Parse("10.00", usd) and Parse("10", usd) are 1000 cents, Parse("-0.05",
// usd) is -5 cents and Parse("500", jpy) is ¥500.
//
// The text is an optional '-', one or more digits, and optionally a '.'
// followed by one or more digits. Fewer decimals than the currency has are
// padded ("10.5" USD is 1050), and decimals beyond them are accepted only if
// they are zeros ("10.500" USD is 1050, "1.5" JPY is an error), so that no
// value is ever rounded. There is no '+', exponent, space, thousands
// separator or currency code, and ".5" and "5." are rejected. Leading zeros
// are allowed.
//
// Errors are [*ParseError] values wrapping [ErrSyntax] for text of the wrong
// form, [ErrOverflow] for a value outside the int64 range of minor units
// (math.MinInt64 itself is fine), and [ErrUnknownCurrency] if cur is the zero
// Currency. No floating point is involved.
func Parse(s string, cur Currency) (Amount, error) {
	if !cur.IsValid() {
		return Amount{}, &ParseError{Input: s, Err: ErrUnknownCurrency}
	}
	digits := cur.Digits()

	// First the form, entirely, so that junk is reported as junk even when
	// the digits before it would already overflow.
	i := 0
	neg := len(s) > 0 && s[0] == '-'
	if neg {
		i++
	}
	intStart := i
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	intEnd := i
	fracStart, fracEnd := i, i
	if i < len(s) && s[i] == '.' {
		i++
		fracStart = i
		for i < len(s) && isDigit(s[i]) {
			i++
		}
		fracEnd = i
	}
	switch {
	case len(s) == 0:
		return Amount{}, syntaxError(s, cur, "empty")
	case i < len(s):
		r, _ := utf8.DecodeRuneInString(s[i:])
		return Amount{}, syntaxError(s, cur, "unexpected "+strconv.QuoteRune(r)+" at offset "+strconv.Itoa(i))
	case intStart == intEnd && fracStart == intEnd:
		return Amount{}, syntaxError(s, cur, "no digits")
	case intStart == intEnd:
		return Amount{}, syntaxError(s, cur, "no digits before the decimal point")
	case fracStart > intEnd && fracStart == fracEnd:
		return Amount{}, syntaxError(s, cur, "no digits after the decimal point")
	}
	for j := fracStart + digits; j < fracEnd; j++ {
		if s[j] != '0' {
			return Amount{}, syntaxError(s, cur, "more than "+strconv.Itoa(digits)+" decimal places")
		}
	}

	// Then the value, as a magnitude that may reach 1<<63 for a negative
	// amount.
	limit := uint64(math.MaxInt64)
	if neg {
		limit++
	}
	var mag uint64
	for j := intStart; j < intEnd+digits; j++ {
		var d uint64
		switch {
		case j < intEnd:
			d = uint64(s[j] - '0')
		case fracStart+j-intEnd < fracEnd:
			d = uint64(s[fracStart+j-intEnd] - '0')
		}
		if mag > (limit-d)/10 {
			return Amount{}, &ParseError{Input: s, Currency: cur, Err: ErrOverflow,
				detail: "outside the int64 range of minor units"}
		}
		mag = mag*10 + d
	}
	v := int64(mag)
	if neg {
		v = -v // also right for 1<<63, which int64 holds only negated
	}
	return Amount{value: v, cur: cur}, nil
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func syntaxError(s string, cur Currency, detail string) error {
	return &ParseError{Input: s, Currency: cur, Err: ErrSyntax, detail: detail}
}

// MustParse is like [Parse] but panics on error. It is meant for literals in
// tests and examples, not for input.
func MustParse(s string, cur Currency) Amount {
	a, err := Parse(s, cur)
	if err != nil {
		panic(err)
	}
	return a
}
