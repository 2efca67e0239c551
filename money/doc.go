// Package money holds payrec's currencies and amounts: exact integer
// quantities of minor units, arithmetic that reports overflow instead of
// wrapping, and the JSON shape of Stripe's API. It imports the standard
// library and one package of this module's internal/ tree, and never uses
// floating point.
//
// A [Currency] is an ISO 4217 currency known to payrec, parsed from its
// code in any case by [ParseCurrency]; its [Currency.Digits] follow Stripe
// (JPY has none, KWD three, ISK two), and the zero Currency is invalid.
//
// An [Amount] is a signed int64 number of minor units in one currency:
// New(1000, usd) is $10.00. [Amount.Add] and [Amount.Sub] fail with
// [ErrCurrencyMismatch] or [ErrOverflow] rather than give a wrong answer.
// [Parse] reads decimal text such as "10.00" exactly, refusing anything that
// would need rounding, and [Amount.String] writes "10.00 USD". An Amount
// encodes as Stripe's {"currency":"usd","value":1000}, and decoding is
// strict ([Amount.UnmarshalJSON]). The zero Amount has no currency and
// encodes as null.
//
// Every error matches one of the sentinels ([ErrSyntax], [ErrOverflow],
// [ErrUnknownCurrency], [ErrCurrencyMismatch], [ErrInvalidJSON],
// [ErrMissingField], [ErrUnknownField], [ErrNotInteger]) under [errors.Is],
// and carries its details in a [*ParseError], [*ArithError] or [*FieldError]
// whose message starts with "money: " and quotes the input:
//
//	money: currency mismatch: usd vs eur
//	money: amount field "value": not an integer: 10.5
//
// Nothing panics on caller data; only [MustParse] and [MustParseCurrency],
// meant for literals, panic by design.
package money
