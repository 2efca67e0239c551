package money_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"

	"github.com/payrec/payrec/money"
)

func ExampleParseCurrency() {
	usd, err := money.ParseCurrency("USD")
	fmt.Println(usd, usd.Code(), err)

	_, err = money.ParseCurrency("usx")
	fmt.Println(err)
	fmt.Println(errors.Is(err, money.ErrUnknownCurrency))
	// Output:
	// usd USD <nil>
	// money: unknown currency "usx"
	// true
}

func ExampleCurrency_Digits() {
	// ISK follows Stripe (two-decimal) rather than ISO 4217 (zero-decimal).
	for _, code := range []string{"usd", "jpy", "kwd", "isk", "clf"} {
		c := money.MustParseCurrency(code)
		fmt.Println(c.Code(), c.Digits())
	}
	// Output:
	// USD 2
	// JPY 0
	// KWD 3
	// ISK 2
	// CLF 4
}

func ExampleCurrency_String() {
	eur := money.MustParseCurrency("EUR")
	fmt.Printf("%s %s %q\n", eur, eur.Code(), money.Currency{})
	// Output:
	// eur EUR ""
}

func ExampleCurrencies() {
	all := money.Currencies()
	fmt.Println(len(all), all[0], all[len(all)-1])
	// Output:
	// 168 aed zwg
}

func ExampleCurrency_MarshalText() {
	// A Currency encodes as its lowercase code, also as a map key.
	usd := money.MustParseCurrency("usd")
	eur := money.MustParseCurrency("eur")
	b, err := json.Marshal(map[money.Currency]int{usd: 3, eur: 1})
	fmt.Println(string(b), err)
	// Output:
	// {"eur":1,"usd":3} <nil>
}

func ExampleCurrency_UnmarshalText() {
	var cs []money.Currency
	err := json.Unmarshal([]byte(`["USD","jpy"]`), &cs)
	fmt.Println(cs, err)
	// Output:
	// [usd jpy] <nil>
}

func ExampleNew() {
	usd := money.MustParseCurrency("usd")
	a := money.New(1000, usd)
	fmt.Println(a, a.Value(), a.Currency(), a.IsValid())

	// Without a currency there is no amount.
	fmt.Println(money.New(1000, money.Currency{}).IsValid())
	// Output:
	// 10.00 USD 1000 usd true
	// false
}

func ExampleParse() {
	usd := money.MustParseCurrency("usd")
	for _, s := range []string{"10.00", "10", "10.5", "10.500", "-0.05"} {
		a, err := money.Parse(s, usd)
		fmt.Println(a.Value(), err)
	}

	// Yen have no minor unit, so half a yen is not an amount.
	_, err := money.Parse("1.5", money.MustParseCurrency("jpy"))
	fmt.Println(err)
	fmt.Println(errors.Is(err, money.ErrSyntax))
	// Output:
	// 1000 <nil>
	// 1000 <nil>
	// 1050 <nil>
	// 1050 <nil>
	// -5 <nil>
	// money: parsing "1.5" as jpy: invalid syntax: more than 0 decimal places
	// true
}

func ExampleAmount_String() {
	usd := money.MustParseCurrency("usd")
	fmt.Println(money.New(1000, usd))
	fmt.Println(money.New(500, money.MustParseCurrency("jpy")))
	fmt.Println(money.New(1250, money.MustParseCurrency("kwd")))
	fmt.Println(money.New(-5, usd))
	fmt.Println(money.New(math.MinInt64, usd))
	fmt.Println(money.Amount{})
	// Output:
	// 10.00 USD
	// 500 JPY
	// 1.250 KWD
	// -0.05 USD
	// -92233720368547758.08 USD
	// invalid amount
}

func ExampleAmount_Add() {
	usd := money.MustParseCurrency("usd")
	a := money.MustParse("10.00", usd)
	sum, err := a.Add(money.MustParse("2.50", usd))
	fmt.Println(sum, err)

	_, err = a.Add(money.MustParse("1", money.MustParseCurrency("eur")))
	fmt.Println(err)
	// Output:
	// 12.50 USD <nil>
	// money: currency mismatch: usd vs eur
}

func ExampleAmount_Add_overflow() {
	usd := money.MustParseCurrency("usd")
	_, err := money.New(math.MaxInt64, usd).Add(money.New(1, usd))
	fmt.Println(errors.Is(err, money.ErrOverflow))
	fmt.Println(err)

	var ae *money.ArithError
	if errors.As(err, &ae) {
		fmt.Println(ae.Op, ae.X.Value(), ae.Y.Value())
	}
	// Output:
	// true
	// money: overflow: 9223372036854775807 usd + 1 usd
	// Add 9223372036854775807 1
}

func ExampleAmount_Sub() {
	usd := money.MustParseCurrency("usd")
	diff, err := money.MustParse("10.00", usd).Sub(money.MustParse("12.50", usd))
	fmt.Println(diff, diff.Sign(), err)

	_, err = money.New(math.MinInt64, usd).Sub(money.New(1, usd))
	fmt.Println(err)
	// Output:
	// -2.50 USD -1 <nil>
	// money: overflow: -9223372036854775808 usd - 1 usd
}

func ExampleAmount_Cmp() {
	usd := money.MustParseCurrency("usd")
	ten := money.MustParse("10", usd)
	two := money.MustParse("2.50", usd)
	fmt.Println(ten.Cmp(two))
	fmt.Println(two.Cmp(ten))
	fmt.Println(ten.Cmp(ten))

	_, err := ten.Cmp(money.MustParse("10", money.MustParseCurrency("eur")))
	fmt.Println(errors.Is(err, money.ErrCurrencyMismatch))
	// Output:
	// 1 <nil>
	// -1 <nil>
	// 0 <nil>
	// true
}

func ExampleAmount_Sign() {
	usd := money.MustParseCurrency("usd")
	for _, v := range []int64{-5, 0, 5} {
		a := money.New(v, usd)
		fmt.Println(a.Sign(), a.IsNegative(), a.Sign() == 0, a.IsPositive())
	}
	// Output:
	// -1 true false false
	// 0 false true false
	// 1 false false true
}

func ExampleAmount_omitzero() {
	// omitzero drops only the zero Amount, which has no currency; an amount
	// of zero in a currency stays, as Stripe shows it.
	type refund struct {
		Refunded money.Amount `json:"amount_refunded,omitzero"`
		Unknown  money.Amount `json:"amount_unknown,omitzero"`
	}
	zero := money.New(0, money.MustParseCurrency("usd"))
	b, _ := json.Marshal(refund{Refunded: zero, Unknown: money.Amount{}})
	fmt.Println(string(b))
	// Output:
	// {"amount_refunded":{"currency":"usd","value":0}}
}

func ExampleAmount_MarshalJSON() {
	type record struct {
		Amount   money.Amount `json:"amount"`
		Received money.Amount `json:"amount_received"`
	}
	r := record{Amount: money.New(1000, money.MustParseCurrency("USD"))}
	b, err := json.Marshal(r)
	fmt.Println(string(b), err)
	// Output:
	// {"amount":{"currency":"usd","value":1000},"amount_received":null} <nil>
}

func ExampleAmount_AppendJSON() {
	buf := []byte(`{"refund":`)
	buf = money.MustParse("2.50", money.MustParseCurrency("eur")).AppendJSON(buf)
	buf = append(buf, `,"fee":`...)
	buf = money.Amount{}.AppendJSON(buf)
	fmt.Println(string(append(buf, '}')))
	// Output:
	// {"refund":{"currency":"eur","value":250},"fee":null}
}

func ExampleAmount_UnmarshalJSON() {
	var a money.Amount
	err := json.Unmarshal([]byte(`{"currency":"USD","value":1000}`), &a)
	fmt.Println(a, err)

	// A rejected input leaves the Amount as it was.
	err = json.Unmarshal([]byte(`{"currency":"usd","value":10.5}`), &a)
	fmt.Println(err)
	fmt.Println(a)
	// Output:
	// 10.00 USD <nil>
	// money: amount field "value": not an integer: 10.5
	// 10.00 USD
}

func ExampleFieldError() {
	inputs := []string{
		`{"currency":"usd"}`,
		`{"currency":"usd","value":1000,"amount":1}`,
		`{"currency":"usd","value":9223372036854775808}`,
	}
	for _, in := range inputs {
		var a money.Amount
		err := json.Unmarshal([]byte(in), &a)
		var fe *money.FieldError
		if errors.As(err, &fe) {
			fmt.Printf("%s: %v\n", fe.Field, err)
		}
	}
	// Output:
	// value: money: amount field "value": missing field
	// amount: money: amount field "amount": unknown field
	// value: money: amount field "value": overflow: 9223372036854775808
}

func ExampleMustParse() {
	// Must functions are for literals like this one, never for input.
	price := money.MustParse("19.99", money.MustParseCurrency("usd"))
	fmt.Println(price.Value())
	// Output:
	// 1999
}

func ExampleMustParseCurrency() {
	fmt.Println(money.MustParseCurrency("KWD").Digits())
	// Output:
	// 3
}

func ExampleCurrency_Code() {
	fmt.Println(money.MustParseCurrency("usd").Code())
	// Output:
	// USD
}

func ExampleCurrency_IsValid() {
	var c money.Currency
	fmt.Println(c.IsValid())
	err := c.UnmarshalText([]byte("CHF"))
	fmt.Println(c.IsValid(), c, err)
	// Output:
	// false
	// true chf <nil>
}

func ExampleAmount_IsValid() {
	var a money.Amount
	fmt.Println(a.IsValid(), a)
	a = money.New(0, money.MustParseCurrency("jpy"))
	fmt.Println(a.IsValid(), a)
	// Output:
	// false invalid amount
	// true 0 JPY
}

func ExampleAmount_Value() {
	a := money.MustParse("1.25", money.MustParseCurrency("kwd"))
	fmt.Println(a.Value(), a.Currency(), a.Currency().Digits())
	// Output:
	// 1250 kwd 3
}

func ExampleParseError() {
	_, err := money.Parse("92233720368547758.08", money.MustParseCurrency("usd"))
	var pe *money.ParseError
	if errors.As(err, &pe) {
		fmt.Println(pe.Input, pe.Currency, errors.Is(err, money.ErrOverflow))
	}
	fmt.Println(err)
	// Output:
	// 92233720368547758.08 usd true
	// money: parsing "92233720368547758.08" as usd: overflow: outside the int64 range of minor units
}

func ExampleArithError() {
	usd := money.MustParseCurrency("usd")
	eur := money.MustParseCurrency("eur")
	_, err := money.New(1000, usd).Sub(money.New(1000, eur))
	var ae *money.ArithError
	if errors.As(err, &ae) {
		fmt.Println(ae.Op, ae.X, ae.Y)
	}
	fmt.Println(errors.Is(err, money.ErrCurrencyMismatch))
	// Output:
	// Sub 10.00 USD 10.00 EUR
	// true
}
