// Package money holds payrec's currencies and amounts: exact integer
// quantities of minor units, arithmetic that reports overflow instead of
// wrapping, and the JSON shape of Stripe's API.
//
// It depends on the standard library only.
//
// # Currency
//
// A [Currency] is an ISO 4217 currency known to payrec. [ParseCurrency]
// takes its three-letter code in any case; [Currency.String] gives the
// lowercase code Stripe's API uses ("usd") and [Currency.Code] the uppercase
// ISO code ("USD"). [Currencies] lists them all.
//
// [Currency.Digits] is the number of minor-unit digits, the scale of an
// Amount's integer value. It follows Stripe where Stripe names the
// currency, and ISO 4217 elsewhere:
//
//   - Zero-decimal, as Stripe lists them: BIF CLP DJF GNF JPY KMF KRW MGA
//     PYG RWF UGX VND VUV XAF XOF XPF. ISO 4217 gives MGA two digits; payrec
//     follows Stripe.
//   - Three-decimal, as Stripe lists them: BHD JOD KWD OMR TND; and, from
//     ISO 4217, IQD and LYD.
//   - ISK, HUF and TWD are two-decimal, as Stripe's API expects them. ISO
//     4217 gives ISK no minor unit; payrec follows Stripe.
//   - From ISO 4217: CLF and UYW have four digits, UYI none; every other
//     currency has two.
//
// The table holds every ISO 4217 code that has a minor unit, funds codes
// (BOV CHE CHW CLF COU MXV USN UYI UYW) included, plus ANG, withdrawn in 2025
// in favour of XCG, so that older records still decode. Codes without a
// minor unit are left out: precious metals (XAU XAG XPD XPT), XDR, the
// bond-market units XBA to XBD, XSU, XUA, and XTS and XXX.
//
// The zero Currency is not a currency: IsValid reports false, String and
// Code return "", and Digits returns 0.
//
// # Amount
//
// An [Amount] is a signed number of minor units in one currency, as Stripe
// counts money: New(1000, usd) is $10.00, New(500, jpy) is ¥500. The value
// is an int64 and never a floating-point number, so every amount is exact.
//
// [Amount.Add] and [Amount.Sub] return an error rather than a wrong answer:
// [ErrCurrencyMismatch] when the currencies differ, and [ErrOverflow]
// exactly when the true result lies outside the int64 range. They do not
// allocate unless they fail. [Amount.Cmp] compares amounts of one currency;
// [Amount.Sign], [Amount.IsZero], [Amount.IsPositive] and
// [Amount.IsNegative] test the value.
//
// The zero Amount has no currency. It is what [New] returns for the zero
// Currency, it is rejected by Add, Sub and Cmp (even against another zero
// Amount), and it encodes as JSON null.
//
// # Parsing and formatting
//
// [Parse] reads decimal text in major units, exactly: "10.00" and "10" USD
// are 1000 cents, "10.5" is 1050, and "10.500" is 1050 too, since trailing
// zeros lose nothing; "1.5" JPY, which would need rounding, is an error. It
// accepts an optional leading '-' and nothing else around the digits: no
// '+', spaces, exponent, thousands separators or currency code; ".5" and
// "5." are errors too.
//
// [Amount.String] writes the value with exactly the currency's digits and
// the uppercase code: "10.00 USD", "500 JPY", "1.250 KWD", "-0.05 USD". Its
// numeric part reads back with Parse to the same Amount.
//
// # JSON
//
// An Amount encodes as Stripe's amount object, {"currency":"usd","value":1000},
// with the code in lowercase; the zero Amount encodes as null. Decoding is
// strict, and reads the number from its text, never through float64: the
// code may be in any case, but a missing field, an unknown or repeated key,
// an unknown currency, and a value that is not an integer literal within
// int64 (10.5, 1e3, "1000", null) are all errors. JSON null leaves the
// Amount unchanged, as encoding/json does for other types.
//
// [Amount.IsZero] reports a zero value, so the omitzero struct tag option
// drops zero amounts, which Stripe's objects always show. Do not tag Amount
// fields omitzero.
//
// A Currency encodes as its lowercase code through
// [encoding.TextMarshaler], so it works as a JSON string or map key.
//
// # Errors
//
// Every error matches one of the sentinels with [errors.Is]: [ErrSyntax],
// [ErrOverflow] and [ErrUnknownCurrency] from parsing; [ErrCurrencyMismatch]
// and [ErrOverflow] from arithmetic; [ErrInvalidJSON], [ErrMissingField],
// [ErrUnknownField], [ErrUnknownCurrency], [ErrNotInteger] and [ErrOverflow]
// from JSON decoding. The details are in a typed error for [errors.As]:
// [*ParseError] (the input and the currency), [*ArithError] (the operation
// and both operands) or [*FieldError] (the JSON field and its text), whose
// messages start with "money: " and quote the input:
//
//	money: unknown currency "usx"
//	money: currency mismatch: usd vs eur
//	money: overflow: 9223372036854775807 usd + 1 usd
//	money: amount field "value": not an integer: 10.5
//
// Nothing in this package panics on caller data; only [MustParse] and
// [MustParseCurrency], meant for literals, panic by design.
package money
