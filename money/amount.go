package money

// Amount is a quantity of money: a signed whole number of minor units (cents
// for USD, yen for JPY, fils for KWD) in one currency. New(1000, usd) is
// $10.00.
//
// An Amount is a small comparable value; == reports whether two amounts have
// the same value and currency, and methods never change their receiver.
// The zero Amount has no currency: IsValid reports false, String returns
// "invalid amount", JSON encodes it as null, and Add, Sub and Cmp reject it.
// Every Amount without a currency is the zero Amount, because [New] drops
// the value when it is given the zero Currency.
type Amount struct {
	value int64
	cur   Currency
}

// New returns value minor units of cur: New(1000, usd) is $10.00 and
// New(500, jpy) is ¥500. If cur is the zero Currency, New returns the zero
// Amount.
func New(value int64, cur Currency) Amount {
	if !cur.IsValid() {
		return Amount{}
	}
	return Amount{value: value, cur: cur}
}

// Value returns the amount in minor units.
func (a Amount) Value() int64 { return a.value }

// Currency returns the amount's currency; it is the zero Currency for the
// zero Amount.
func (a Amount) Currency() Currency { return a.cur }

// IsValid reports whether a has a currency, that is, whether it is not the
// zero Amount.
func (a Amount) IsValid() bool { return a.cur.IsValid() }

// Sign returns -1, 0 or +1 as the value is negative, zero or positive.
func (a Amount) Sign() int {
	switch {
	case a.value < 0:
		return -1
	case a.value > 0:
		return +1
	}
	return 0
}

// IsPositive reports whether the value is greater than zero.
func (a Amount) IsPositive() bool { return a.value > 0 }

// IsNegative reports whether the value is less than zero.
func (a Amount) IsNegative() bool { return a.value < 0 }

// Add returns a+b. It fails with an [*ArithError] wrapping
// [ErrCurrencyMismatch] if the currencies differ or either amount is the
// zero Amount, and wrapping [ErrOverflow] exactly when the true sum is
// outside the int64 range; it never wraps around. On error the Amount is
// the zero Amount.
func (a Amount) Add(b Amount) (Amount, error) {
	// The error literals are written out here rather than built by a helper
	// so that Add stays within the inliner's budget; they allocate only on
	// failure.
	s := a.value + b.value
	if a.cur != b.cur || a.cur.idx == 0 {
		return Amount{}, &ArithError{Op: "Add", X: a, Y: b, Err: ErrCurrencyMismatch}
	}
	// Two's complement: the sum overflowed iff both operands' signs differ
	// from the result's.
	if (a.value^s)&(b.value^s) < 0 {
		return Amount{}, &ArithError{Op: "Add", X: a, Y: b, Err: ErrOverflow}
	}
	return Amount{value: s, cur: a.cur}, nil
}

// Sub returns a-b, failing as [Amount.Add] does.
func (a Amount) Sub(b Amount) (Amount, error) {
	d := a.value - b.value
	if a.cur != b.cur || a.cur.idx == 0 {
		return Amount{}, &ArithError{Op: "Sub", X: a, Y: b, Err: ErrCurrencyMismatch}
	}
	// The difference overflowed iff the operands' signs differ and the
	// result's sign differs from a's.
	if (a.value^b.value)&(a.value^d) < 0 {
		return Amount{}, &ArithError{Op: "Sub", X: a, Y: b, Err: ErrOverflow}
	}
	return Amount{value: d, cur: a.cur}, nil
}

// Cmp compares a and b, returning -1 if a < b, 0 if a == b and +1 if a > b.
// Amounts of different currencies do not compare: Cmp then returns 0 and an
// [*ArithError] wrapping [ErrCurrencyMismatch], as it does when either is
// the zero Amount.
func (a Amount) Cmp(b Amount) (int, error) {
	if a.cur != b.cur || a.cur.idx == 0 {
		return 0, &ArithError{Op: "Cmp", X: a, Y: b, Err: ErrCurrencyMismatch}
	}
	switch {
	case a.value < b.value:
		return -1, nil
	case a.value > b.value:
		return +1, nil
	}
	return 0, nil
}

// String returns the amount in major units followed by the ISO code, with
// exactly as many decimals as the currency has: "10.00 USD", "500 JPY",
// "1.250 KWD", "-0.05 USD". It returns "invalid amount" for the zero
// Amount. The numeric part is text that [Parse] reads back to the same
// Amount.
func (a Amount) String() string {
	if !a.IsValid() {
		return "invalid amount"
	}
	// Sign, 19 digits, a point, up to maxDigits leading zeros, a space and
	// the code fit comfortably.
	var buf [32]byte
	b := appendDecimal(buf[:0], a.value, a.cur.Digits())
	b = append(b, ' ')
	b = append(b, a.cur.Code()...)
	return string(b)
}

// appendDecimal appends v minor units as a decimal with digits places.
func appendDecimal(b []byte, v int64, digits int) []byte {
	mag := uint64(v)
	if v < 0 {
		// Negating in uint64 is exact for math.MinInt64 too.
		mag = -mag
		b = append(b, '-')
	}
	var tmp [24]byte
	i := len(tmp)
	// At least digits+1 digits, so that 5 cents is "0.05".
	for mag > 0 || i > len(tmp)-(digits+1) {
		i--
		tmp[i] = byte('0' + mag%10)
		mag /= 10
	}
	point := len(tmp) - digits
	b = append(b, tmp[i:point]...)
	if digits > 0 {
		b = append(b, '.')
		b = append(b, tmp[point:]...)
	}
	return b
}
