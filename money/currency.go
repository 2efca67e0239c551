package money

import (
	"fmt"
	"slices"
	"strings"
)

// Currency is an ISO 4217 currency known to payrec, with the number of
// minor-unit digits that Stripe's API uses for it.
//
// A Currency is a small comparable value: use == to compare two. The zero
// Currency is not a currency; it reports IsValid false, String and Code "",
// and Digits 0. Values come from [ParseCurrency], [MustParseCurrency],
// [Currencies] and [Currency.UnmarshalText].
type Currency struct {
	idx uint16 // 1-based index into currencies; 0 is the zero Currency
}

// currencyInfo is what payrec knows of one currency.
type currencyInfo struct {
	upper  string // ISO 4217 code, "USD"
	lower  string // Stripe's spelling, "usd"
	digits int
}

var (
	// currencies[0] stands for the zero Currency and is all zero, so that
	// the accessors need no special case for it.
	currencies []currencyInfo
	// currencyKeys[i] is the code of currencies[i+1] packed by packCode,
	// in ascending order for binary search.
	currencyKeys []uint32
)

func init() {
	infos, keys, err := parseTable(currencyData)
	if err != nil {
		panic(err) // the table is a constant: TestTable keeps it parseable
	}
	currencies, currencyKeys = infos, keys
}

// maxDigits bounds a currency's minor-unit digits; the formatting buffers in
// amount.go rely on it.
const maxDigits = 4

// parseTable reads currencyData's format, checking every line and the
// order, so that a typo in the table cannot go unnoticed.
func parseTable(data string) ([]currencyInfo, []uint32, error) {
	infos := []currencyInfo{{}}
	var keys []uint32
	var lower strings.Builder
	for n, line := range strings.Split(data, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' {
			continue
		}
		f := strings.Fields(line)
		if len(f) < 2 || len(f[1]) != 1 || f[1][0] < '0' || f[1][0] > '0'+maxDigits {
			return nil, nil, fmt.Errorf("money: currency table line %d: want \"CODE DIGITS name\" with DIGITS 0 to %d: %q",
				n+1, maxDigits, line)
		}
		key, ok := packCode(f[0])
		if !ok || f[0] != strings.ToUpper(f[0]) {
			return nil, nil, fmt.Errorf("money: currency table line %d: bad code %q", n+1, f[0])
		}
		if len(keys) > 0 && key <= keys[len(keys)-1] {
			return nil, nil, fmt.Errorf("money: currency table line %d: %s out of order or repeated", n+1, f[0])
		}
		keys = append(keys, key)
		lower.WriteString(strings.ToLower(f[0]))
		infos = append(infos, currencyInfo{upper: f[0], digits: int(f[1][0] - '0')})
	}
	// One string for all lowercase codes, sliced, rather than one each.
	all := lower.String()
	for i := 1; i < len(infos); i++ {
		infos[i].lower = all[3*(i-1) : 3*i]
	}
	return infos, keys, nil
}

// packCode folds a three-letter code of either case into one comparable
// key, reporting false for anything else.
func packCode[T string | []byte](s T) (uint32, bool) {
	if len(s) != 3 {
		return 0, false
	}
	var key uint32
	for i := 0; i < 3; i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		} else if c < 'A' || c > 'Z' {
			return 0, false
		}
		key = key<<8 | uint32(c)
	}
	return key, true
}

// lookup finds a code of either case without allocating; the zero Currency
// means not found.
func lookup[T string | []byte](s T) Currency {
	key, ok := packCode(s)
	if !ok {
		return Currency{}
	}
	i, found := slices.BinarySearch(currencyKeys, key)
	if !found {
		return Currency{}
	}
	return Currency{idx: uint16(i + 1)}
}

// ParseCurrency returns the currency with the three-letter ISO 4217 code s,
// in any case: "USD", "usd" and "Usd" are the same currency. Anything else,
// including surrounding space, returns a [*ParseError] wrapping
// [ErrUnknownCurrency].
func ParseCurrency(s string) (Currency, error) {
	c := lookup(s)
	if !c.IsValid() {
		return Currency{}, &ParseError{Input: s, Err: ErrUnknownCurrency, code: true}
	}
	return c, nil
}

// MustParseCurrency is like [ParseCurrency] but panics if s is not a known
// code. It is meant for literals in tests and examples, not for input.
func MustParseCurrency(s string) Currency {
	c, err := ParseCurrency(s)
	if err != nil {
		panic(err)
	}
	return c
}

// Currencies returns every currency payrec knows, sorted by code. The slice
// is new on each call and the caller may keep or change it.
//
// They are every ISO 4217 code that has a minor unit, funds codes (BOV CHE
// CHW CLF COU MXV USN UYI UYW) included, plus ANG, withdrawn in 2025 in
// favour of XCG, so that older records still decode. Codes without a minor
// unit are left out: precious metals (XAU XAG XPD XPT), XDR, the
// bond-market units XBA to XBD, XSU, XUA, and XTS and XXX.
func Currencies() []Currency {
	out := make([]Currency, len(currencies)-1)
	for i := range out {
		out[i] = Currency{idx: uint16(i + 1)}
	}
	return out
}

func (c Currency) info() *currencyInfo {
	if int(c.idx) < len(currencies) {
		return &currencies[c.idx]
	}
	return &currencies[0]
}

// IsValid reports whether c is a currency, that is, not the zero Currency.
func (c Currency) IsValid() bool { return c.idx != 0 && int(c.idx) < len(currencies) }

// String returns the code in lowercase, as Stripe's API spells it ("usd").
// It returns "" for the zero Currency.
func (c Currency) String() string { return c.info().lower }

// Code returns the ISO 4217 code in uppercase ("USD"), or "" for the zero
// Currency.
func (c Currency) Code() string { return c.info().upper }

// Digits returns the number of minor-unit digits in Stripe's API: 2 for USD
// (1000 is $10.00), 0 for JPY, 3 for KWD. It returns 0 for the zero
// Currency. Digits follow Stripe where Stripe names the currency, and ISO
// 4217 elsewhere:
//
//   - Zero-decimal, as Stripe lists them: BIF CLP DJF GNF JPY KMF KRW MGA
//     PYG RWF UGX VND VUV XAF XOF XPF. ISO 4217 gives MGA two digits.
//   - Three-decimal, as Stripe lists them: BHD JOD KWD OMR TND; and, from
//     ISO 4217, IQD and LYD.
//   - ISK, HUF and TWD are two-decimal, as Stripe's API expects them. ISO
//     4217 gives ISK no minor unit.
//   - From ISO 4217: CLF and UYW have four digits, UYI none; every other
//     currency has two.
func (c Currency) Digits() int { return c.info().digits }

// errNoCode is what encoding the zero Currency fails with.
var errNoCode = fmt.Errorf("%w: the zero Currency has no code", ErrUnknownCurrency)

// MarshalText returns the lowercase code, as Stripe's API spells it. It
// fails, wrapping [ErrUnknownCurrency], for the zero Currency.
func (c Currency) MarshalText() ([]byte, error) {
	if !c.IsValid() {
		return nil, errNoCode
	}
	return []byte(c.String()), nil
}

// UnmarshalText sets c to the currency with the code in text, in any case.
// On error, which is a [*ParseError] wrapping [ErrUnknownCurrency], c is
// left unchanged.
func (c *Currency) UnmarshalText(text []byte) error {
	if v := lookup(text); v.IsValid() {
		*c = v
		return nil
	}
	_, err := ParseCurrency(string(text))
	return err
}
