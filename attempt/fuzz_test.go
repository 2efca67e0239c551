package attempt_test

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/payrec/payrec"
	"github.com/payrec/payrec/attempt"
)

// fuzzDecoder is the shared body of the decoder fuzz targets: decoding never
// panics; a rejection is a parameter error that names param or a member of
// it; what is accepted encodes to valid JSON that decodes again, to a value
// that encodes to the same bytes. When deepEqual is set the value itself
// must survive the round trip (not for payment_method_details, whose Other
// hashes keep the caller's white space until they are encoded).
func fuzzDecoder[T any, P interface {
	*T
	detail
}](t *testing.T, data []byte, param string, deepEqual bool) {
	var v T
	d := P(&v)
	err := attempt.UnmarshalParam(d, data, param)
	if err != nil {
		var pe *payrec.Error
		if !errors.As(err, &pe) || !errors.Is(err, payrec.ErrInvalidParameter) {
			t.Fatalf("UnmarshalParam(%q) error = %#v, want a *payrec.Error wrapping ErrInvalidParameter", data, err)
		}
		if pe.Param != param && !strings.HasPrefix(pe.Param, param+"[") {
			t.Fatalf("UnmarshalParam(%q) param = %q, want %s or a member of it", data, pe.Param, param)
		}
		if !reflect.ValueOf(v).IsZero() {
			t.Fatalf("UnmarshalParam(%q) failed but changed the value to %#v", data, v)
		}
		return
	}
	enc, err := d.MarshalJSON()
	if err != nil {
		t.Fatalf("MarshalJSON of %#v: %v", v, err)
	}
	if !json.Valid(enc) {
		t.Fatalf("MarshalJSON of %#v = %q, not valid JSON", v, enc)
	}
	var back T
	if err := attempt.UnmarshalParam(P(&back), enc, param); err != nil {
		t.Fatalf("decoding the encoding %s of %q: %v", enc, data, err)
	}
	enc2, err := P(&back).MarshalJSON()
	if err != nil {
		t.Fatalf("MarshalJSON of %#v: %v", back, err)
	}
	if string(enc) != string(enc2) {
		t.Fatalf("re-encoding differs:\n%s\n%s", enc, enc2)
	}
	if deepEqual && !reflect.DeepEqual(v, back) {
		t.Fatalf("round trip of %q: %#v, want %#v", data, back, v)
	}
}

func FuzzPaymentMethodDetails(f *testing.F) {
	// The canonical example.
	f.Add([]byte(`{"custom":{"display_name":"newpay","type":"cpmt_125kjj3hn3sdf"},"payment_method":"pm_5j23kjksibjlks","type":"custom"}`))
	// A verbatim card hash.
	f.Add([]byte(`{"type":"card","card":{"brand":"visa","checks":{"cvc_check":"pass"},"exp_month":12}}`))
	// Unknown key two levels down.
	f.Add([]byte(`{"billing_details":{"address":{"city":"Berlin","zip":"1"},"email":"a@b"}}`))
	// Nulls as not given.
	f.Add([]byte(`{"type":null,"custom":null,"billing_details":null,"sepa_debit":null}`))
	// custom without display_name.
	f.Add([]byte(`{"custom":{"type":"cpmt_1"}}`))
	// Several hashes with white space and escapes.
	f.Add([]byte(`{"zip": { "a" : [1, {"b": "\u003c"}] }, "card": {}}`))
	// Unknown type.
	f.Add([]byte(`{"type":"bitcoin"}`))
	// Repeated key in a verbatim hash.
	f.Add([]byte(`{"card":{"a":1,"a":2}}`))
	// Invalid UTF-8.
	f.Add([]byte("{\"payment_method\":\"\xff\"}"))
	// Not given.
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzDecoder[attempt.PaymentMethodDetails](t, data, "payment_method_details", false)
		// The value survives a second round trip exactly.
		var a, b attempt.PaymentMethodDetails
		if attempt.UnmarshalParam(&a, data, "payment_method_details") != nil {
			return
		}
		enc, _ := a.MarshalJSON()
		if err := attempt.UnmarshalParam(&a, enc, "payment_method_details"); err != nil {
			t.Fatal(err)
		}
		enc, _ = a.MarshalJSON()
		if err := attempt.UnmarshalParam(&b, enc, "payment_method_details"); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("compacted value does not round-trip: %#v, %#v", a, b)
		}
	})
}

func FuzzShippingDetails(f *testing.F) {
	// Full.
	f.Add([]byte(`{"address":{"city":"San Francisco","country":"US","line1":"510 Townsend St","postal_code":"94103","state":"CA"},"name":"Jenny Rosen","phone":"+15555555555"}`))
	// Unknown nested key.
	f.Add([]byte(`{"address":{"zip":"94103"}}`))
	// Nulls.
	f.Add([]byte(`{"name":null,"phone":null}`))
	// Repeated key.
	f.Add([]byte(`{"name":"a","name":"b"}`))
	// Escapes.
	f.Add([]byte(`{"name":"Zo\u00eb <&> \ud83d\udcb3"}`))
	// Wrong type.
	f.Add([]byte(`{"name":1}`))
	// White space.
	f.Add([]byte(` { "phone" : "1" } `))
	// Empty: not reported.
	f.Add([]byte(`{}`))
	// A null address: not given.
	f.Add([]byte(`{"address":null,"name":"N"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzDecoder[attempt.ShippingDetails](t, data, "shipping_details", true)
	})
}

func FuzzCustomerDetails(f *testing.F) {
	// Full.
	f.Add([]byte(`{"customer":"cus_1","email":"jenny@example.com","name":"Jenny","phone":"+1"}`))
	// Unknown key.
	f.Add([]byte(`{"id":"cus_1"}`))
	// Null member.
	f.Add([]byte(`{"email":null}`))
	// Wrong type.
	f.Add([]byte(`{"email":["a"]}`))
	// Control and separator characters.
	f.Add([]byte(`{"name":"\u0000\u2028"}`))
	// Not an object.
	f.Add([]byte(`[]`))
	// Truncated.
	f.Add([]byte(`{"name":"x"`))
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzDecoder[attempt.CustomerDetails](t, data, "customer_details", true)
	})
}

func FuzzProcessorDetails(f *testing.F) {
	// The canonical example.
	f.Add([]byte(`{"type":"custom","custom":{"payment_reference":"npp2358872734k"}}`))
	// Without a reference.
	f.Add([]byte(`{"type":"custom"}`))
	// Custom without payment_reference.
	f.Add([]byte(`{"type":"custom","custom":{}}`))
	// Unknown processor type.
	f.Add([]byte(`{"type":"stripe"}`))
	// Type missing.
	f.Add([]byte(`{"custom":{"payment_reference":"x"}}`))
	// Unknown nested key.
	f.Add([]byte(`{"type":"custom","custom":{"payment_reference":"x","refund_reference":"y"}}`))
	// Null custom.
	f.Add([]byte(`{"type":"custom","custom":null}`))
	// Not given.
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, data []byte) {
		// Not deep-equal: the zero value (null, not given) encodes as
		// Stripe's default type, custom, and comes back spelled out.
		fuzzDecoder[attempt.ProcessorDetails](t, data, "processor_details", false)
	})
}

func FuzzBillingDetails(f *testing.F) {
	// Full.
	f.Add([]byte(`{"address":{"city":"Berlin","country":"DE","line1":"Str. 1","line2":null,"postal_code":"10115","state":"BE"},"email":"a@b.c","name":"A","phone":"+49"}`))
	// Unknown nested key.
	f.Add([]byte(`{"address":{"zip":"10115"}}`))
	// Empty address: not reported.
	f.Add([]byte(`{"address":{}}`))
	// Wrong type.
	f.Add([]byte(`{"email":true}`))
	// Over Stripe's 5000-character limit.
	f.Add([]byte(`{"name":"` + strings.Repeat("x", 5001) + `"}`))
	// A null address: not given.
	f.Add([]byte(`{"address":null,"email":"a@b.c"}`))
	// Not given.
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzDecoder[attempt.BillingDetails](t, data, "billing_details", true)
	})
}
