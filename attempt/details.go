package attempt

import (
	"slices"
	"strings"

	"github.com/payrec/payrec/internal/wire"
)

// The detail types below are plain values: the zero value of each means
// "not reported" and encodes as Stripe's null (or, for ProcessorDetails,
// as Stripe's default). Nullable strings are Go strings whose "" stands for
// null. Each decodes Stripe's parameter shape strictly with UnmarshalJSON
// (unknown keys are rejected) and encodes Stripe's object shape.

// Address is a postal address; every field is nullable.
type Address struct {
	City       string
	Country    string
	Line1      string
	Line2      string
	PostalCode string
	State      string
}

// IsZero reports whether a has no field set.
func (a Address) IsZero() bool { return a == Address{} }

// members lists a's members in Stripe's order.
func (a *Address) members() [6]member {
	return [6]member{{"city", &a.City}, {"country", &a.Country}, {"line1", &a.Line1},
		{"line2", &a.Line2}, {"postal_code", &a.PostalCode}, {"state", &a.State}}
}

func (a Address) textOK() bool {
	ms := a.members()
	return membersOK(ms[:])
}

func (a Address) check(p wire.Path) error {
	ms := a.members()
	return checkMembers(p, ms[:])
}

// AppendJSON appends a as Stripe's address hash (every key present).
//
// Strings are copied as they are: text that is not UTF-8, which no report
// accepts, makes output that is not UTF-8 either. MarshalJSON refuses it.
func (a Address) AppendJSON(b []byte) []byte {
	ms := a.members()
	return appendHash(b, nil, ms[:])
}

// MarshalJSON encodes a as Stripe's address hash.
func (a Address) MarshalJSON() ([]byte, error) { return encoded(a.AppendJSON(nil), "address") }

// UnmarshalJSON decodes Stripe's address hash strictly.
func (a *Address) UnmarshalJSON(data []byte) error { return a.decode(data, wire.Root(pkg)) }

func (a *Address) decode(data []byte, p wire.Path) error {
	var v Address
	ms := v.members()
	return wire.Keep(decodeHash(data, p, nil, ms[:]), &v, a)
}

// BillingDetails is who pays and where they are billed. The zero value means
// none were reported and encodes as null.
type BillingDetails struct {
	Address Address
	Email   string
	Name    string
	Phone   string
}

// IsZero reports whether no billing detail is set.
func (d BillingDetails) IsZero() bool { return d == BillingDetails{} }

// members lists d's string members in Stripe's order (after address).
func (d *BillingDetails) members() [3]member {
	return [3]member{{"email", &d.Email}, {"name", &d.Name}, {"phone", &d.Phone}}
}

func (d BillingDetails) textOK() bool {
	ms := d.members()
	return membersOK(ms[:]) && d.Address.textOK()
}

func (d BillingDetails) check(p wire.Path) error {
	ms := d.members()
	return checkAddressed(p, &d.Address, ms[:])
}

// AppendJSON appends d as Stripe's billing_details hash, or null when zero.
//
// Strings are copied as they are: text that is not UTF-8, which no report
// accepts, makes output that is not UTF-8 either. MarshalJSON refuses it.
func (d BillingDetails) AppendJSON(b []byte) []byte {
	if d.IsZero() {
		return append(b, "null"...)
	}
	ms := d.members()
	return appendHash(b, &d.Address, ms[:])
}

// MarshalJSON encodes d as Stripe's billing_details hash, or null when zero.
func (d BillingDetails) MarshalJSON() ([]byte, error) {
	return encoded(d.AppendJSON(nil), "billing_details")
}

// UnmarshalJSON decodes Stripe's billing_details hash strictly.
func (d *BillingDetails) UnmarshalJSON(data []byte) error { return d.decode(data, wire.Root(pkg)) }

func (d *BillingDetails) decode(data []byte, p wire.Path) error {
	var v BillingDetails
	ms := v.members()
	return wire.Keep(decodeHash(data, p, &v.Address, ms[:]), &v, d)
}

// CustomDetails describes a custom payment method: the name shown to the
// customer and, optionally, the custom payment method type (cpmt_…). The zero
// value means no custom details; DisplayName is required otherwise.
type CustomDetails struct {
	DisplayName string
	Type        string
}

// IsZero reports whether no custom detail is set.
func (d CustomDetails) IsZero() bool { return d == CustomDetails{} }

// members lists d's members in Stripe's order.
func (d *CustomDetails) members() [2]member {
	return [2]member{{"display_name", &d.DisplayName}, {"type", &d.Type}}
}

func (d CustomDetails) textOK() bool {
	ms := d.members()
	return membersOK(ms[:])
}

func (d CustomDetails) check(p wire.Path) error {
	ms := d.members()
	return checkMembers(p, ms[:])
}

// AppendJSON appends d as Stripe's custom payment method hash.
//
// Strings are copied as they are: text that is not UTF-8, which no report
// accepts, makes output that is not UTF-8 either. MarshalJSON refuses it.
func (d CustomDetails) AppendJSON(b []byte) []byte {
	b = append(b, '{')
	b = wire.AppendKey(b, "display_name")
	b = wire.AppendString(b, d.DisplayName)
	b = wire.AppendKey(b, "type")
	b = wire.AppendNullable(b, d.Type)
	return append(b, '}')
}

// MarshalJSON encodes d as Stripe's custom payment method hash.
func (d CustomDetails) MarshalJSON() ([]byte, error) { return encoded(d.AppendJSON(nil), "custom") }

// UnmarshalJSON decodes Stripe's custom payment method hash strictly.
func (d *CustomDetails) UnmarshalJSON(data []byte) error { return d.decode(data, wire.Root(pkg)) }

func (d *CustomDetails) decode(data []byte, p wire.Path) error {
	if wire.IsNull(data) {
		*d = CustomDetails{}
		return nil
	}
	var v CustomDetails
	ms := v.members()
	if err := decodeHash(data, p, nil, ms[:]); err != nil {
		return err
	}
	if v.DisplayName == "" {
		return p.Key("display_name").Missing()
	}
	*d = v
	return nil
}

// TypeCustom is the payment method type of payments made outside Stripe, and
// the default of PaymentMethodDetails.Type.
const TypeCustom = "custom"

// paymentMethodTypes are the payment method type names of Stripe's
// payment_method_details: the values Type may take.
var paymentMethodTypes = []string{
	"ach_credit_transfer", "ach_debit", "acss_debit", "affirm", "afterpay_clearpay",
	"alipay", "alma", "amazon_pay", "au_becs_debit", "bacs_debit", "bancontact",
	"billie", "bizum", "blik", "boleto", "card", "card_present", "cashapp", "crypto",
	"custom", "customer_balance", "eps", "fpx", "giropay", "grabpay", "ideal",
	"interac_present", "kakao_pay", "klarna", "konbini", "kr_card", "link", "mb_way",
	"mobilepay", "multibanco", "naver_pay", "nz_bank_account", "oxxo", "p24",
	"pay_by_bank", "payco", "paynow", "paypal", "payto", "pix", "promptpay",
	"revolut_pay", "samsung_pay", "satispay", "scalapay", "sepa_debit", "sofort",
	"stripe_account", "sunbit", "swish", "twint", "upi", "us_bank_account", "wechat",
	"wechat_pay", "zip",
}

// IsPaymentMethodType reports whether name is one of Stripe's payment method
// types (custom, card, sepa_debit, …).
func IsPaymentMethodType(name string) bool {
	_, ok := slices.BinarySearch(paymentMethodTypes, name)
	return ok
}

// PaymentMethodDetails is how an attempt was paid: the payment_method_details
// parameter of report_payment and report_payment_attempt. Type defaults to
// "custom" when any other field is set. The zero value means none were
// reported and encodes as null.
//
// Stripe's parameter takes these four members only. The per-type hashes of
// Stripe's payment_method_details object (card, sepa_debit, …) are not
// parameters, and are rejected as unknown: what Stripe builds them from (a
// PaymentMethod's details) a report does not carry.
type PaymentMethodDetails struct {
	// Type is the payment method type: "custom" or one of Stripe's types.
	Type string
	// PaymentMethod is the ID of a Stripe PaymentMethod, if any.
	PaymentMethod  string
	BillingDetails BillingDetails
	Custom         CustomDetails
}

// IsZero reports whether no payment method detail is set.
func (d PaymentMethodDetails) IsZero() bool { return d == PaymentMethodDetails{} }

// normalize defaults Type to custom when anything is reported.
func (d PaymentMethodDetails) normalize() PaymentMethodDetails {
	if d.Type == "" && !d.IsZero() {
		d.Type = TypeCustom
	}
	return d
}

// check reports the first problem with d as a parameter error for p: an
// unknown type, custom details without a display name, or a string that is
// not valid UTF-8 or is longer than Stripe's 5000 characters.
func (d PaymentMethodDetails) check(p wire.Path) error {
	if d.Type != "" && !IsPaymentMethodType(d.Type) {
		return p.Key("type").Errorf("", nil, "Invalid %s: %q is not one of Stripe's payment method types",
			p.Key("type"), d.Type)
	}
	if !d.Custom.IsZero() && d.Custom.DisplayName == "" {
		return p.Key("custom").Key("display_name").Missing()
	}
	if !wire.TextOK(d.PaymentMethod) {
		return wire.CheckText(d.PaymentMethod, p.Key("payment_method"))
	}
	if !d.BillingDetails.textOK() {
		return d.BillingDetails.check(p.Key("billing_details"))
	}
	if !d.Custom.textOK() {
		return d.Custom.check(p.Key("custom"))
	}
	return nil
}

// AppendJSON appends d as Stripe's payment_method_details hash with its keys
// in sorted order, or null when zero.
//
// Strings are copied as they are: text that is not UTF-8, which no report
// accepts, makes output that is not UTF-8 either. MarshalJSON refuses it.
func (d PaymentMethodDetails) AppendJSON(b []byte) []byte {
	if d.IsZero() {
		return append(b, "null"...)
	}
	d = d.normalize()
	b = append(b, '{')
	b = wire.AppendKey(b, "billing_details")
	b = d.BillingDetails.AppendJSON(b)
	if !d.Custom.IsZero() {
		b = wire.AppendKey(b, "custom")
		b = d.Custom.AppendJSON(b)
	}
	b = wire.AppendKey(b, "payment_method")
	b = wire.AppendNullable(b, d.PaymentMethod)
	b = wire.AppendKey(b, "type")
	b = wire.AppendString(b, d.Type)
	return append(b, '}')
}

// MarshalJSON encodes d as Stripe's payment_method_details hash.
func (d PaymentMethodDetails) MarshalJSON() ([]byte, error) {
	return encoded(d.AppendJSON(nil), "payment_method_details")
}

// UnmarshalJSON decodes Stripe's payment_method_details hash strictly.
func (d *PaymentMethodDetails) UnmarshalJSON(data []byte) error {
	return d.decode(data, wire.Root(pkg))
}

// decode decodes data as the parameter at p. Known keys are type,
// payment_method, billing_details and custom; any other key, a per-type
// hash such as card among them, is rejected. An omitted type defaults to
// custom. null leaves d zero.
func (d *PaymentMethodDetails) decode(data []byte, p wire.Path) error {
	if wire.IsNull(data) {
		*d = PaymentMethodDetails{}
		return nil
	}
	var v PaymentMethodDetails
	err := wire.Object(data, p, func(key string, val []byte, q wire.Path) error {
		switch key {
		case "type":
			return nullableString(val, q, &v.Type)
		case "payment_method":
			return nullableString(val, q, &v.PaymentMethod)
		case "billing_details":
			return v.BillingDetails.decode(val, q)
		case "custom":
			return v.Custom.decode(val, q)
		}
		return q.Unknown()
	})
	if err != nil {
		return err
	}
	if v.Type == "" {
		v.Type = TypeCustom // {} reports a custom payment method without details
	}
	if err := v.check(p); err != nil {
		return err
	}
	*d = v
	return nil
}

// ShippingDetails is where the goods go. The zero value means none were
// reported and encodes as null.
type ShippingDetails struct {
	Address Address
	Name    string
	Phone   string
}

// IsZero reports whether no shipping detail is set.
func (d ShippingDetails) IsZero() bool { return d == ShippingDetails{} }

// check reports a string of d that is not valid UTF-8 or is longer than
// Stripe's 5000 characters, as a parameter error for p.
func (d ShippingDetails) check(p wire.Path) error {
	ms := d.members()
	if membersOK(ms[:]) && d.Address.textOK() {
		return nil
	}
	return checkAddressed(p, &d.Address, ms[:])
}

// members lists d's string members in Stripe's order (after address).
func (d *ShippingDetails) members() [2]member {
	return [2]member{{"name", &d.Name}, {"phone", &d.Phone}}
}

// AppendJSON appends d as Stripe's shipping_details hash, or null when zero.
//
// Strings are copied as they are: text that is not UTF-8, which no report
// accepts, makes output that is not UTF-8 either. MarshalJSON refuses it.
func (d ShippingDetails) AppendJSON(b []byte) []byte {
	if d.IsZero() {
		return append(b, "null"...)
	}
	ms := d.members()
	return appendHash(b, &d.Address, ms[:])
}

// MarshalJSON encodes d as Stripe's shipping_details hash, or null when zero.
func (d ShippingDetails) MarshalJSON() ([]byte, error) {
	return encoded(d.AppendJSON(nil), "shipping_details")
}

// UnmarshalJSON decodes Stripe's shipping_details hash strictly.
func (d *ShippingDetails) UnmarshalJSON(data []byte) error { return d.decode(data, wire.Root(pkg)) }

// decode decodes data as the parameter at p, rejecting
// unknown keys. null leaves d zero.
func (d *ShippingDetails) decode(data []byte, p wire.Path) error {
	var v ShippingDetails
	ms := v.members()
	return wire.Keep(decodeHash(data, p, &v.Address, ms[:]), &v, d)
}

// CustomerDetails identifies the customer. Customer is the ID of a Stripe
// Customer, if any. The zero value means none were reported and encodes as
// null.
type CustomerDetails struct {
	Customer string
	Email    string
	Name     string
	Phone    string
}

// IsZero reports whether no customer detail is set.
func (d CustomerDetails) IsZero() bool { return d == CustomerDetails{} }

// check reports a string of d that is not valid UTF-8 or is longer than
// Stripe's 5000 characters, as a parameter error for p.
func (d CustomerDetails) check(p wire.Path) error {
	ms := d.members()
	if membersOK(ms[:]) {
		return nil
	}
	return checkMembers(p, ms[:])
}

// members lists d's members in Stripe's order.
func (d *CustomerDetails) members() [4]member {
	return [4]member{{"customer", &d.Customer}, {"email", &d.Email}, {"name", &d.Name}, {"phone", &d.Phone}}
}

// AppendJSON appends d as Stripe's customer_details hash, or null when zero.
//
// Strings are copied as they are: text that is not UTF-8, which no report
// accepts, makes output that is not UTF-8 either. MarshalJSON refuses it.
func (d CustomerDetails) AppendJSON(b []byte) []byte {
	if d.IsZero() {
		return append(b, "null"...)
	}
	ms := d.members()
	return appendHash(b, nil, ms[:])
}

// MarshalJSON encodes d as Stripe's customer_details hash, or null when zero.
func (d CustomerDetails) MarshalJSON() ([]byte, error) {
	return encoded(d.AppendJSON(nil), "customer_details")
}

// UnmarshalJSON decodes Stripe's customer_details hash strictly.
func (d *CustomerDetails) UnmarshalJSON(data []byte) error { return d.decode(data, wire.Root(pkg)) }

// decode decodes data as the parameter at p, rejecting
// unknown keys. null leaves d zero.
func (d *CustomerDetails) decode(data []byte, p wire.Path) error {
	var v CustomerDetails
	ms := v.members()
	return wire.Keep(decodeHash(data, p, nil, ms[:]), &v, d)
}

// ProcessorTypeCustom is the only processor type Stripe defines.
const ProcessorTypeCustom = "custom"

// ProcessorDetails says which processor handled the payment and how to find
// it there. The zero value means custom with no reference, and encodes as
// {"type":"custom","custom":{"payment_reference":null}}.
type ProcessorDetails struct {
	// Type is "custom" ("" is read as custom).
	Type string
	// PaymentReference is the processor's reference for reconciliation.
	PaymentReference string
}

// check reports an unknown processor type, or a payment reference that is
// not valid UTF-8 or is longer than 5000 characters, as a parameter error
// for p.
func (d ProcessorDetails) check(p wire.Path) error {
	if d.Type != "" && d.Type != ProcessorTypeCustom {
		q := p.Key("type")
		return q.Errorf("", nil, "Invalid %s: must be %s, got %q", q, ProcessorTypeCustom, d.Type)
	}
	if !wire.TextOK(d.PaymentReference) {
		return wire.CheckText(d.PaymentReference, p.Key("custom").Key("payment_reference"))
	}
	return nil
}

// AppendJSON appends d as Stripe's processor_details hash; an empty Type is
// written as "custom", any other as it is.
//
// Strings are copied as they are: text that is not UTF-8, which no report
// accepts, makes output that is not UTF-8 either. MarshalJSON refuses it.
func (d ProcessorDetails) AppendJSON(b []byte) []byte {
	typ := d.Type
	if typ == "" {
		typ = ProcessorTypeCustom
	}
	b = append(b, `{"type":`...)
	b = wire.AppendString(b, typ)
	b = append(b, `,"custom":{"payment_reference":`...)
	b = wire.AppendNullable(b, d.PaymentReference)
	return append(b, '}', '}')
}

// MarshalJSON encodes d as Stripe's processor_details hash.
func (d ProcessorDetails) MarshalJSON() ([]byte, error) {
	return encoded(d.AppendJSON(nil), "processor_details")
}

// UnmarshalJSON decodes Stripe's processor_details hash strictly.
func (d *ProcessorDetails) UnmarshalJSON(data []byte) error { return d.decode(data, wire.Root(pkg)) }

// decode decodes data as the parameter at p: type is required
// and must be custom; custom.payment_reference is required when custom is
// given; unknown keys are rejected.
func (d *ProcessorDetails) decode(data []byte, p wire.Path) error {
	if wire.IsNull(data) {
		*d = ProcessorDetails{}
		return nil
	}
	var v ProcessorDetails
	err := wire.Object(data, p, func(key string, val []byte, q wire.Path) error {
		switch key {
		case "type":
			return nullableString(val, q, &v.Type)
		case "custom":
			if wire.IsNull(val) {
				return nil
			}
			hasRef := false
			err := wire.Object(val, q, func(k string, val []byte, kq wire.Path) error {
				if k != "payment_reference" {
					return kq.Unknown()
				}
				hasRef = true
				return nullableString(val, kq, &v.PaymentReference)
			})
			if err == nil && !hasRef {
				return q.Key("payment_reference").Missing()
			}
			return err
		}
		return q.Unknown()
	})
	if err != nil {
		return err
	}
	if v.Type == "" {
		return p.Key("type").Missing()
	}
	if err := v.check(p); err != nil {
		return err
	}
	*d = v
	return nil
}

// The decoders package record calls, returning values: a pointer through a
// generic or dynamic call would move the value to the heap.

func decodePaymentMethod(data []byte, p wire.Path) (PaymentMethodDetails, error) {
	var d PaymentMethodDetails
	err := d.decode(data, p)
	return d, err
}

func decodeProcessor(data []byte, p wire.Path) (ProcessorDetails, error) {
	var d ProcessorDetails
	err := d.decode(data, p)
	return d, err
}

func decodeShipping(data []byte, p wire.Path) (ShippingDetails, error) {
	var d ShippingDetails
	err := d.decode(data, p)
	return d, err
}

func decodeCustomer(data []byte, p wire.Path) (CustomerDetails, error) {
	var d CustomerDetails
	err := d.decode(data, p)
	return d, err
}

// member is one nullable string member of a details hash: its key and
// where its value is. Each hash lists its members once (its members method,
// in Stripe's order); encoding, decoding and checking all read that list.
// The lists live on the stack: nothing here allocates.
type member struct {
	key string
	val *string
}

// appendHash appends a hash of ms, after an address member when address is
// not nil ("address" sorts before every other member).
func appendHash(b []byte, address *Address, ms []member) []byte {
	b = append(b, '{')
	if address != nil {
		b = address.AppendJSON(wire.AppendKey(b, "address"))
	}
	for _, m := range ms {
		b = wire.AppendNullable(wire.AppendKey(b, m.key), *m.val)
	}
	return append(b, '}')
}

// membersOK reports whether every member is wire.TextOK. Callers test it on
// the common path first, so that no parameter path is built unless a member
// is wrong.
func membersOK(ms []member) bool {
	for _, m := range ms {
		if !wire.TextOK(*m.val) {
			return false
		}
	}
	return true
}

// checkMembers reports the first member that is not wire.TextOK, naming it
// as a member of p. The error names a copy of the key: were it to hold the
// list's own key, escape analysis (which does not tell a member's key from
// its pointer) would move every hash the list points into to the heap on
// every call, not only when a member is wrong.
func checkMembers(p wire.Path, ms []member) error {
	for _, m := range ms {
		if !wire.TextOK(*m.val) {
			return wire.CheckText(*m.val, p.Key(strings.Clone(m.key)))
		}
	}
	return nil
}

// checkAddressed is checkMembers for a hash whose address comes first.
func checkAddressed(p wire.Path, address *Address, ms []member) error {
	if err := address.check(p.Key("address")); err != nil {
		return err
	}
	return checkMembers(p, ms)
}

// decodeHash decodes a details hash whose members are ms and, when address
// is not nil, an address; any other key is unknown. null is the hash not
// given: nothing is decoded.
func decodeHash(data []byte, p wire.Path, address *Address, ms []member) error {
	if wire.IsNull(data) {
		return nil
	}
	return wire.Object(data, p, func(key string, val []byte, q wire.Path) error {
		if key == "address" && address != nil {
			return address.decode(val, q)
		}
		for _, m := range ms {
			if m.key == key {
				return nullableString(val, q, m.val)
			}
		}
		return q.Unknown()
	})
}

// nullableString decodes a JSON string (at most wire.MaxString characters) or
// null (as "") into dst.
func nullableString(val []byte, p wire.Path, dst *string) error {
	if wire.IsNull(val) {
		*dst = ""
		return nil
	}
	s, err := wire.String(val, p, wire.MaxString)
	if err == nil {
		*dst = s
	}
	return err
}
