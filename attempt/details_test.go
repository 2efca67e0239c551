package attempt_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/payrec/payrec"
	"github.com/payrec/payrec/attempt"
)

// detail is what every detail type offers: strict decoding of Stripe's
// parameter shape and encoding of Stripe's object shape.
type detail interface {
	UnmarshalJSON(data []byte) error
	MarshalJSON() ([]byte, error)
}

// decoders makes a fresh value of each detail type, keyed by the parameter
// name a report gives it.
var decoders = map[string]func() detail{
	"address":                func() detail { return new(attempt.Address) },
	"billing_details":        func() detail { return new(attempt.BillingDetails) },
	"custom":                 func() detail { return new(attempt.CustomDetails) },
	"payment_method_details": func() detail { return new(attempt.PaymentMethodDetails) },
	"shipping_details":       func() detail { return new(attempt.ShippingDetails) },
	"customer_details":       func() detail { return new(attempt.CustomerDetails) },
	"processor_details":      func() detail { return new(attempt.ProcessorDetails) },
}

// deref returns the value a detail pointer points at.
func deref(d detail) any { return reflect.ValueOf(d).Elem().Interface() }

const nullAddress = `{"city":null,"country":null,"line1":null,"line2":null,"postal_code":null,"state":null}`

func TestDetailRoundTrip(t *testing.T) {
	addr := attempt.Address{City: "Berlin", Country: "DE", Line1: "Str. 1", Line2: "Hof", PostalCode: "10115", State: "BE"}
	const addrJSON = `{"city":"Berlin","country":"DE","line1":"Str. 1","line2":"Hof","postal_code":"10115","state":"BE"}`
	tests := []struct {
		name   string
		param  string // the decoder
		in     string
		want   any
		encode string // written from Stripe's object shape
	}{
		{"address", "address", addrJSON, addr, addrJSON},
		{"address partial", "address", `{"country":"US"}`, attempt.Address{Country: "US"},
			`{"city":null,"country":"US","line1":null,"line2":null,"postal_code":null,"state":null}`},
		{"address empty", "address", `{}`, attempt.Address{}, nullAddress},
		{"billing full", "billing_details", `{"address":` + addrJSON + `,"email":"a@b.c","name":"A","phone":"+49"}`,
			attempt.BillingDetails{Address: addr, Email: "a@b.c", Name: "A", Phone: "+49"},
			`{"address":` + addrJSON + `,"email":"a@b.c","name":"A","phone":"+49"}`},
		{"billing without address", "billing_details", `{"name":"A"}`, attempt.BillingDetails{Name: "A"},
			`{"address":` + nullAddress + `,"email":null,"name":"A","phone":null}`},
		{"billing empty is not reported", "billing_details", `{}`, attempt.BillingDetails{}, `null`},
		{"custom", "custom", `{"display_name":"newpay","type":"cpmt_125kjj3hn3sdf"}`,
			attempt.CustomDetails{DisplayName: "newpay", Type: "cpmt_125kjj3hn3sdf"},
			`{"display_name":"newpay","type":"cpmt_125kjj3hn3sdf"}`},
		{"custom without type", "custom", `{"display_name":"newpay"}`, attempt.CustomDetails{DisplayName: "newpay"},
			`{"display_name":"newpay","type":null}`},
		{"canonical payment method", "payment_method_details",
			`{"custom":{"display_name":"newpay","type":"cpmt_125kjj3hn3sdf"},"payment_method":"pm_5j23kjksibjlks","type":"custom"}`,
			attempt.PaymentMethodDetails{Type: "custom", PaymentMethod: "pm_5j23kjksibjlks",
				Custom: attempt.CustomDetails{DisplayName: "newpay", Type: "cpmt_125kjj3hn3sdf"}},
			`{"billing_details":null,"custom":{"display_name":"newpay","type":"cpmt_125kjj3hn3sdf"},"payment_method":"pm_5j23kjksibjlks","type":"custom"}`},
		{"type defaults to custom", "payment_method_details", `{"custom":{"display_name":"newpay"}}`,
			attempt.PaymentMethodDetails{Type: "custom", Custom: attempt.CustomDetails{DisplayName: "newpay"}},
			`{"billing_details":null,"custom":{"display_name":"newpay","type":null},"payment_method":null,"type":"custom"}`},
		{"empty payment method", "payment_method_details", `{}`, attempt.PaymentMethodDetails{Type: "custom"},
			`{"billing_details":null,"payment_method":null,"type":"custom"}`},
		{"another type", "payment_method_details", `{"type":"card"}`, attempt.PaymentMethodDetails{Type: "card"},
			`{"billing_details":null,"payment_method":null,"type":"card"}`},
		{"another type with billing details", "payment_method_details",
			"{\n \"type\": \"sepa_debit\", \"billing_details\": {\"email\": \"x@y.z\"}}",
			attempt.PaymentMethodDetails{Type: "sepa_debit", BillingDetails: attempt.BillingDetails{Email: "x@y.z"}},
			`{"billing_details":{"address":` + nullAddress + `,"email":"x@y.z","name":null,"phone":null},` +
				`"payment_method":null,"type":"sepa_debit"}`},
		{"shipping", "shipping_details", `{"address":{"country":"US"},"name":"Jenny Rosen","phone":"+1"}`,
			attempt.ShippingDetails{Address: attempt.Address{Country: "US"}, Name: "Jenny Rosen", Phone: "+1"},
			`{"address":{"city":null,"country":"US","line1":null,"line2":null,"postal_code":null,"state":null},"name":"Jenny Rosen","phone":"+1"}`},
		{"shipping empty is not reported", "shipping_details", `{}`, attempt.ShippingDetails{}, `null`},
		{"customer", "customer_details", `{"customer":"cus_1","email":"e@x.y","name":"N","phone":"P"}`,
			attempt.CustomerDetails{Customer: "cus_1", Email: "e@x.y", Name: "N", Phone: "P"},
			`{"customer":"cus_1","email":"e@x.y","name":"N","phone":"P"}`},
		{"customer empty is not reported", "customer_details", `{}`, attempt.CustomerDetails{}, `null`},
		{"processor", "processor_details", `{"type":"custom","custom":{"payment_reference":"npp2358872734k"}}`,
			attempt.ProcessorDetails{Type: "custom", PaymentReference: "npp2358872734k"},
			`{"type":"custom","custom":{"payment_reference":"npp2358872734k"}}`},
		{"processor without custom", "processor_details", `{"type":"custom"}`,
			attempt.ProcessorDetails{Type: "custom"}, `{"type":"custom","custom":{"payment_reference":null}}`},
		{"processor with null reference", "processor_details", `{"type":"custom","custom":{"payment_reference":null}}`,
			attempt.ProcessorDetails{Type: "custom"}, `{"type":"custom","custom":{"payment_reference":null}}`},
		{"escaped key", "customer_details", `{"\u0065mail":"e"}`, attempt.CustomerDetails{Email: "e"},
			`{"customer":null,"email":"e","name":null,"phone":null}`},
		{"escaped value", "customer_details", `{"name":"Zo\u00eb \"Z\""}`, attempt.CustomerDetails{Name: `Zoë "Z"`},
			`{"customer":null,"email":null,"name":"Zoë \"Z\"","phone":null}`},
		{"white space", "customer_details", " {\n\t\"name\" : \"N\" \r\n} ", attempt.CustomerDetails{Name: "N"},
			`{"customer":null,"email":null,"name":"N","phone":null}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := decoders[tt.param]()
			require.NoError(t, attempt.UnmarshalParam(d, []byte(tt.in), tt.param))
			assert.Equal(t, tt.want, deref(d))

			enc, err := d.MarshalJSON()
			require.NoError(t, err)
			assert.Equal(t, tt.encode, string(enc))
			std, err := json.Marshal(d)
			require.NoError(t, err)
			assert.Equal(t, string(enc), string(std), "json.Marshal agrees")

			if tt.encode == "null" {
				return
			}
			back := decoders[tt.param]()
			require.NoError(t, back.UnmarshalJSON(enc), "the object shape decodes as params")
			enc2, err := back.MarshalJSON()
			require.NoError(t, err)
			assert.Equal(t, string(enc), string(enc2), "encode(decode(encode(x))) = encode(x)")
			if !strings.Contains(tt.in, " ") {
				assert.Equal(t, tt.want, deref(back), "decode(encode(x)) = x")
			}
		})
	}
}

// TestDetailRejects covers unknown keys at every level, wrong JSON types,
// missing required members and unknown enum values. Each rejection names
// the parameter in bracket form below the param the decoder was given.
func TestDetailRejects(t *testing.T) {
	tests := []struct {
		name      string
		param     string
		in        string
		wantParam string
		code      string
	}{
		// Unknown keys, at every level.
		{"pmd unknown", "payment_method_details", `{"type":"custom","foo":1}`, "payment_method_details[foo]", payrec.CodeParameterUnknown},
		{"pmd unknown type hash", "payment_method_details", `{"bitcoin":{}}`, "payment_method_details[bitcoin]", payrec.CodeParameterUnknown},
		{"pmd billing unknown", "payment_method_details", `{"billing_details":{"mail":"x"}}`,
			"payment_method_details[billing_details][mail]", payrec.CodeParameterUnknown},
		{"pmd billing address unknown", "payment_method_details", `{"billing_details":{"address":{"zip":"10115"}}}`,
			"payment_method_details[billing_details][address][zip]", payrec.CodeParameterUnknown},
		{"pmd custom unknown", "payment_method_details", `{"custom":{"display_name":"x","logo":"y"}}`,
			"payment_method_details[custom][logo]", payrec.CodeParameterUnknown},
		{"billing unknown", "billing_details", `{"address":{"zip":1}}`, "billing_details[address][zip]", payrec.CodeParameterUnknown},
		{"address unknown", "address", `{"street":"x"}`, "address[street]", payrec.CodeParameterUnknown},
		{"custom unknown", "custom", `{"display_name":"x","extra":null}`, "custom[extra]", payrec.CodeParameterUnknown},
		{"shipping unknown", "shipping_details", `{"carrier":"UPS"}`, "shipping_details[carrier]", payrec.CodeParameterUnknown},
		{"shipping address unknown", "shipping_details", `{"address":{"zip":"1"}}`, "shipping_details[address][zip]", payrec.CodeParameterUnknown},
		{"customer unknown", "customer_details", `{"id":"cus_1"}`, "customer_details[id]", payrec.CodeParameterUnknown},
		{"processor unknown", "processor_details", `{"type":"custom","name":"x"}`, "processor_details[name]", payrec.CodeParameterUnknown},
		{"processor custom unknown", "processor_details", `{"type":"custom","custom":{"payment_reference":"x","refund_reference":"y"}}`,
			"processor_details[custom][refund_reference]", payrec.CodeParameterUnknown},
		{"nested param name", "payment_method_details[custom]", `{"display_name":"x","a":1}`,
			"payment_method_details[custom][a]", payrec.CodeParameterUnknown},

		// Wrong JSON types.
		{"pmd string", "payment_method_details", `"custom"`, "payment_method_details", ""},
		{"pmd array", "payment_method_details", `[]`, "payment_method_details", ""},
		{"pmd number", "payment_method_details", `1`, "payment_method_details", ""},
		{"pmd bool", "payment_method_details", `true`, "payment_method_details", ""},
		{"pmd type number", "payment_method_details", `{"type":1}`, "payment_method_details[type]", ""},
		{"pmd payment_method object", "payment_method_details", `{"payment_method":{}}`, "payment_method_details[payment_method]", ""},
		{"pmd billing string", "payment_method_details", `{"billing_details":""}`, "payment_method_details[billing_details]", ""},
		{"pmd billing address array", "payment_method_details", `{"billing_details":{"address":[]}}`,
			"payment_method_details[billing_details][address]", ""},
		{"pmd address city number", "payment_method_details", `{"billing_details":{"address":{"city":1}}}`,
			"payment_method_details[billing_details][address][city]", ""},
		{"pmd card string", "payment_method_details", `{"type":"card","card":"visa"}`, "payment_method_details[card]", payrec.CodeParameterUnknown},
		{"pmd card array", "payment_method_details", `{"type":"card","card":[]}`, "payment_method_details[card]", payrec.CodeParameterUnknown},

		// The per-type hashes are not parameters of Stripe's endpoints: any
		// content, valid for Stripe's object or not, is refused.
		{"card hash", "payment_method_details", `{"type":"card","card":{"brand":"visa","last4":"4242"}}`,
			"payment_method_details[card]", payrec.CodeParameterUnknown},
		{"card brand not in the enum", "payment_method_details", `{"type":"card","card":{"brand":"notabrand"}}`,
			"payment_method_details[card]", payrec.CodeParameterUnknown},
		{"card exp_month a string", "payment_method_details", `{"type":"card","card":{"exp_month":"12"}}`,
			"payment_method_details[card]", payrec.CodeParameterUnknown},
		{"card undeclared key", "payment_method_details", `{"type":"card","card":{"foo":1}}`,
			"payment_method_details[card]", payrec.CodeParameterUnknown},
		{"card last4 too long", "payment_method_details", `{"type":"card","card":{"last4":"` + strings.Repeat("4", 6000) + `"}}`,
			"payment_method_details[card]", payrec.CodeParameterUnknown},
		{"sepa_debit hash", "payment_method_details", `{"type":"sepa_debit","sepa_debit":{}}`,
			"payment_method_details[sepa_debit]", payrec.CodeParameterUnknown},
		{"null hash", "payment_method_details", `{"card":null}`, "payment_method_details[card]", payrec.CodeParameterUnknown},
		{"pmd custom string", "payment_method_details", `{"custom":"newpay"}`, "payment_method_details[custom]", ""},
		{"shipping name bool", "shipping_details", `{"name":true}`, "shipping_details[name]", ""},
		{"shipping address string", "shipping_details", `{"address":"Main St"}`, "shipping_details[address]", ""},
		{"customer email object", "customer_details", `{"email":{}}`, "customer_details[email]", ""},
		{"customer array", "customer_details", `[{}]`, "customer_details", ""},
		{"processor type number", "processor_details", `{"type":7}`, "processor_details[type]", ""},
		{"processor custom string", "processor_details", `{"type":"custom","custom":"x"}`, "processor_details[custom]", ""},
		{"processor reference number", "processor_details", `{"type":"custom","custom":{"payment_reference":5}}`,
			"processor_details[custom][payment_reference]", ""},
		{"billing number", "billing_details", `42`, "billing_details", ""},
		{"address null member object", "address", `{"line1":{"a":1}}`, "address[line1]", ""},

		// Malformed documents and repeated keys.
		{"malformed", "shipping_details", `{"name":"x"`, "shipping_details", ""},
		{"trailing garbage", "customer_details", `{} {}`, "customer_details", ""},
		{"empty input", "payment_method_details", ``, "payment_method_details", ""},
		{"repeated key", "shipping_details", `{"name":"a","name":"b"}`, "shipping_details[name]", ""},
		{"repeated key in pmd", "payment_method_details", `{"type":"custom","type":"custom"}`, "payment_method_details[type]", ""},

		// Required members and enums.
		{"custom without display_name", "payment_method_details", `{"custom":{"type":"cpmt_1"}}`,
			"payment_method_details[custom][display_name]", payrec.CodeParameterMissing},
		{"custom empty", "payment_method_details", `{"custom":{}}`,
			"payment_method_details[custom][display_name]", payrec.CodeParameterMissing},
		{"custom display_name null", "payment_method_details", `{"custom":{"display_name":null}}`,
			"payment_method_details[custom][display_name]", payrec.CodeParameterMissing},
		{"custom display_name empty", "payment_method_details", `{"custom":{"display_name":""}}`,
			"payment_method_details[custom][display_name]", payrec.CodeParameterMissing},
		{"custom alone without display_name", "custom", `{"type":"cpmt_1"}`, "custom[display_name]", payrec.CodeParameterMissing},
		{"unknown payment method type", "payment_method_details", `{"type":"bitcoin"}`, "payment_method_details[type]", ""},
		{"payment method type in upper case", "payment_method_details", `{"type":"CARD"}`, "payment_method_details[type]", ""},
		{"processor without type", "processor_details", `{"custom":{"payment_reference":"x"}}`,
			"processor_details[type]", payrec.CodeParameterMissing},
		{"processor empty", "processor_details", `{}`, "processor_details[type]", payrec.CodeParameterMissing},
		{"processor type null", "processor_details", `{"type":null}`, "processor_details[type]", payrec.CodeParameterMissing},
		{"processor type not custom", "processor_details", `{"type":"stripe"}`, "processor_details[type]", ""},
		{"processor custom without reference", "processor_details", `{"type":"custom","custom":{}}`,
			"processor_details[custom][payment_reference]", payrec.CodeParameterMissing},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := strings.SplitN(tt.param, "[", 2)[0]
			if tt.param == "payment_method_details[custom]" {
				root = "custom"
			}
			d := decoders[root]()
			before := deref(d)
			err := attempt.UnmarshalParam(d, []byte(tt.in), tt.param)
			requireParamError(t, err, tt.wantParam, tt.code)
			assert.Equal(t, before, deref(d), "a rejected document leaves the value as it was")
		})
	}
}

// TestDetailRejectLeavesValue: decoding into a value that holds something
// and failing keeps what it held.
func TestDetailRejectLeavesValue(t *testing.T) {
	s := attempt.ShippingDetails{Name: "kept"}
	require.Error(t, attempt.UnmarshalParam(&s, []byte(`{"name":"new","zip":1}`), "shipping_details"))
	assert.Equal(t, attempt.ShippingDetails{Name: "kept"}, s)

	p := attempt.PaymentMethodDetails{Type: "card"}
	require.Error(t, attempt.UnmarshalParam(&p, []byte(`{"type":"bitcoin"}`), "payment_method_details"))
	assert.Equal(t, "card", p.Type)

	pd := attempt.ProcessorDetails{Type: "custom", PaymentReference: "kept"}
	require.Error(t, attempt.UnmarshalParam(&pd, []byte(`{"type":"custom","custom":{}}`), "processor_details"))
	assert.Equal(t, "kept", pd.PaymentReference)
}

// TestDetailRootParam: without a parameter name (UnmarshalJSON) errors name
// the member itself.
func TestDetailRootParam(t *testing.T) {
	var s attempt.ShippingDetails
	requireParamError(t, s.UnmarshalJSON([]byte(`{"address":{"zip":"1"}}`)), "address[zip]", payrec.CodeParameterUnknown)
	var p attempt.PaymentMethodDetails
	requireParamError(t, p.UnmarshalJSON([]byte(`{"custom":{}}`)), "custom[display_name]", payrec.CodeParameterMissing)
	var pd attempt.ProcessorDetails
	requireParamError(t, pd.UnmarshalJSON([]byte(`{}`)), "type", payrec.CodeParameterMissing)
}

// TestDetailStringLimit: every string member takes 5000 characters and
// rejects 5001 (Stripe's maxLength), counting characters, not bytes.
func TestDetailStringLimit(t *testing.T) {
	tests := []struct {
		param string
		tmpl  string // %s is the string, quoted
		want  string
	}{
		{"payment_method_details", `{"payment_method":%s}`, "payment_method_details[payment_method]"},
		{"payment_method_details", `{"custom":{"display_name":%s}}`, "payment_method_details[custom][display_name]"},
		{"payment_method_details", `{"custom":{"display_name":"x","type":%s}}`, "payment_method_details[custom][type]"},
		{"payment_method_details", `{"billing_details":{"email":%s}}`, "payment_method_details[billing_details][email]"},
		{"payment_method_details", `{"billing_details":{"name":%s}}`, "payment_method_details[billing_details][name]"},
		{"payment_method_details", `{"billing_details":{"phone":%s}}`, "payment_method_details[billing_details][phone]"},
		{"payment_method_details", `{"billing_details":{"address":{"line2":%s}}}`, "payment_method_details[billing_details][address][line2]"},
		{"shipping_details", `{"name":%s}`, "shipping_details[name]"},
		{"shipping_details", `{"phone":%s}`, "shipping_details[phone]"},
		{"shipping_details", `{"address":{"city":%s}}`, "shipping_details[address][city]"},
		{"shipping_details", `{"address":{"country":%s}}`, "shipping_details[address][country]"},
		{"shipping_details", `{"address":{"line1":%s}}`, "shipping_details[address][line1]"},
		{"shipping_details", `{"address":{"postal_code":%s}}`, "shipping_details[address][postal_code]"},
		{"shipping_details", `{"address":{"state":%s}}`, "shipping_details[address][state]"},
		{"customer_details", `{"customer":%s}`, "customer_details[customer]"},
		{"customer_details", `{"email":%s}`, "customer_details[email]"},
		{"customer_details", `{"name":%s}`, "customer_details[name]"},
		{"customer_details", `{"phone":%s}`, "customer_details[phone]"},
		{"processor_details", `{"type":"custom","custom":{"payment_reference":%s}}`, "processor_details[custom][payment_reference]"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			ok := fmt.Sprintf(tt.tmpl, `"`+strings.Repeat("ß", 5000)+`"`)
			require.NoError(t, attempt.UnmarshalParam(decoders[tt.param](), []byte(ok), tt.param), "5000 characters")
			escaped := fmt.Sprintf(tt.tmpl, `"`+strings.Repeat(`\u00df`, 4999)+`x"`)
			require.NoError(t, attempt.UnmarshalParam(decoders[tt.param](), []byte(escaped), tt.param), "5000 characters, escaped")
			long := fmt.Sprintf(tt.tmpl, `"`+strings.Repeat("a", 5001)+`"`)
			err := attempt.UnmarshalParam(decoders[tt.param](), []byte(long), tt.param)
			requireParamError(t, err, tt.want, "")
		})
	}
}

// TestDetailNulls: null means "not given", at the top and for every member.
func TestDetailNulls(t *testing.T) {
	for _, param := range slices.Sorted(maps.Keys(decoders)) {
		t.Run("top level/"+param, func(t *testing.T) {
			d := decoders[param]()
			require.NoError(t, attempt.UnmarshalParam(d, []byte(` null `), param))
			assert.True(t, reflect.ValueOf(deref(d)).IsZero(), "null decodes to the zero value")
		})
	}
	tests := []struct {
		name  string
		param string
		in    string
		want  any
	}{
		{"pmd members", "payment_method_details",
			`{"type":null,"payment_method":null,"billing_details":null,"custom":null}`,
			attempt.PaymentMethodDetails{Type: "custom"}},
		{"billing members", "billing_details", `{"address":null,"email":null,"name":"N","phone":null}`,
			attempt.BillingDetails{Name: "N"}},
		{"billing address members", "billing_details",
			`{"address":{"city":null,"country":"US","line1":null,"line2":null,"postal_code":null,"state":null}}`,
			attempt.BillingDetails{Address: attempt.Address{Country: "US"}}},
		{"shipping members", "shipping_details", `{"address":null,"name":"N","phone":null}`,
			attempt.ShippingDetails{Name: "N"}},
		{"customer members", "customer_details", `{"customer":null,"email":null,"name":null,"phone":"P"}`,
			attempt.CustomerDetails{Phone: "P"}},
		{"custom type", "custom", `{"display_name":"D","type":null}`, attempt.CustomDetails{DisplayName: "D"}},
		{"processor custom", "processor_details", `{"type":"custom","custom":null}`, attempt.ProcessorDetails{Type: "custom"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := decoders[tt.param]()
			require.NoError(t, attempt.UnmarshalParam(d, []byte(tt.in), tt.param))
			assert.Equal(t, tt.want, deref(d))
		})
	}
}

// TestDetailStringsEscapeLikeEncodingJSON: strings in every detail type are
// written exactly as encoding/json writes them.
func TestDetailStringsEscapeLikeEncodingJSON(t *testing.T) {
	for _, tc := range escapeCases {
		t.Run(tc.name, func(t *testing.T) {
			q, err := json.Marshal(tc.s)
			require.NoError(t, err)
			valid := utf8.ValidString(tc.s)
			values := []json.Marshaler{
				attempt.Address{Line1: tc.s},
				attempt.BillingDetails{Phone: tc.s},
				attempt.CustomDetails{DisplayName: tc.s},
				attempt.ShippingDetails{Phone: tc.s},
				attempt.CustomerDetails{Customer: tc.s},
				attempt.ProcessorDetails{PaymentReference: tc.s},
				attempt.PaymentMethodDetails{PaymentMethod: tc.s},
			}
			for _, v := range values {
				got, err := v.MarshalJSON()
				if !valid { // JSON cannot carry it: refused, not written as U+FFFD
					var pe *payrec.Error
					require.ErrorAs(t, err, &pe, "%T", v)
					assert.Equal(t, payrec.CodeInvalidCharacters, pe.Code, "%T", v)
					assert.ErrorIs(t, err, payrec.ErrInvalidParameter, "%T", v)
					_, err = json.Marshal(v)
					assert.ErrorIs(t, err, payrec.ErrInvalidParameter, "%T: json.Marshal", v)
					continue
				}
				require.NoError(t, err)
				assert.Contains(t, string(got), ":"+string(q), "%T", v)
				std, err := json.Marshal(v)
				require.NoError(t, err)
				assert.Equal(t, string(std), string(got), "%T: json.Marshal agrees", v)
			}
		})
	}
}

// TestDetailDecodeUnicode: escapes and raw non-ASCII decode to the same Go
// string, and invalid UTF-8 becomes U+FFFD as with encoding/json.
func TestDetailDecodeUnicode(t *testing.T) {
	for _, in := range []string{`{"name":"Zoë 💳 <&>"}`, `{"name":"Zo\u00eb \ud83d\udcb3 \u003c\u0026\u003e"}`} {
		var c attempt.CustomerDetails
		require.NoError(t, attempt.UnmarshalParam(&c, []byte(in), "customer_details"))
		assert.Equal(t, "Zoë 💳 <&>", c.Name, in)
	}
	// Bytes that are not UTF-8, and escaped lone surrogates, which
	// encoding/json would turn into U+FFFD, are rejected as Go strings that
	// are not UTF-8 are.
	for _, in := range []string{"{\"name\":\"a\xffb\"}", `{"name":"a\ud800b"}`, `{"name":"a\udc00\ud800b"}`} {
		var c attempt.CustomerDetails
		err := attempt.UnmarshalParam(&c, []byte(in), "customer_details")
		requireParamError(t, err, "customer_details[name]", payrec.CodeInvalidCharacters)
	}
	var c attempt.CustomerDetails
	require.NoError(t, attempt.UnmarshalParam(&c, []byte(`{"name":"a\ufffd\uFFFD\\ud800�b"}`), "customer_details"),
		"U+FFFD spelled out, and a backslash before ud800, are text")
	assert.Equal(t, "a\ufffd\ufffd\\ud800\ufffdb", c.Name)
}

func TestDetailIsZero(t *testing.T) {
	assert.True(t, attempt.Address{}.IsZero())
	assert.False(t, attempt.Address{State: "x"}.IsZero())
	assert.True(t, attempt.BillingDetails{}.IsZero())
	assert.False(t, attempt.BillingDetails{Address: attempt.Address{City: "x"}}.IsZero())
	assert.True(t, attempt.CustomDetails{}.IsZero())
	assert.False(t, attempt.CustomDetails{Type: "x"}.IsZero())
	assert.True(t, attempt.ShippingDetails{}.IsZero())
	assert.False(t, attempt.ShippingDetails{Phone: "x"}.IsZero())
	assert.True(t, attempt.CustomerDetails{}.IsZero())
	assert.False(t, attempt.CustomerDetails{Customer: "x"}.IsZero())
	assert.True(t, attempt.PaymentMethodDetails{}.IsZero())
	assert.False(t, attempt.PaymentMethodDetails{Type: "custom"}.IsZero())

	// The zero values encode as Stripe's null, or Stripe's default for the
	// processor.
	for _, v := range []json.Marshaler{attempt.BillingDetails{}, attempt.ShippingDetails{}, attempt.CustomerDetails{}, attempt.PaymentMethodDetails{}} {
		b, err := v.MarshalJSON()
		require.NoError(t, err)
		assert.Equal(t, "null", string(b), "%T", v)
	}
	b, err := attempt.ProcessorDetails{}.MarshalJSON()
	require.NoError(t, err)
	assert.Equal(t, `{"type":"custom","custom":{"payment_reference":null}}`, string(b))
}

// TestPaymentMethodDetailsDefaultType: Go callers who leave Type empty get
// custom in the JSON, as PaymentMethodDetails documents.
func TestPaymentMethodDetailsDefaultType(t *testing.T) {
	d := attempt.PaymentMethodDetails{PaymentMethod: "pm_1"}
	b, err := d.MarshalJSON()
	require.NoError(t, err)
	assert.Equal(t, `{"billing_details":null,"payment_method":"pm_1","type":"custom"}`, string(b))
}

func TestPaymentMethodDetailsCheck(t *testing.T) {
	tests := []struct {
		name  string
		d     attempt.PaymentMethodDetails
		param string // "" when valid
		code  string
	}{
		{"zero", attempt.PaymentMethodDetails{}, "", ""},
		{"card", attempt.PaymentMethodDetails{Type: "card"}, "", ""},
		{"unknown type", attempt.PaymentMethodDetails{Type: "cash"}, "pmd[type]", ""},
		{"custom without name", attempt.PaymentMethodDetails{Custom: attempt.CustomDetails{Type: "cpmt"}}, "pmd[custom][display_name]", payrec.CodeParameterMissing},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := attempt.Check(tt.d, "pmd")
			if tt.param == "" {
				assert.NoError(t, err)
				return
			}
			requireParamError(t, err, tt.param, tt.code)
		})
	}
}

func TestProcessorDetailsCheck(t *testing.T) {
	assert.NoError(t, attempt.Check(attempt.ProcessorDetails{}, "processor_details"))
	assert.NoError(t, attempt.Check(attempt.ProcessorDetails{Type: attempt.ProcessorTypeCustom}, "processor_details"))
	requireParamError(t, attempt.Check(attempt.ProcessorDetails{Type: "Custom"}, "processor_details"), "processor_details[type]", "")
}
