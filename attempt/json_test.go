package attempt_test

import (
	"bytes"
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/payrec/payrec"
	"github.com/payrec/payrec/attempt"
	"github.com/payrec/payrec/money"
)

// Stripe's reference material: a copy of ../shared/stripe kept in the
// repository (testdata/stripe), checked against the original by the root
// package's TestStripeReferenceCopy.
var (
	specFile     = filepath.Join("..", "testdata", "stripe", "payment_records.openapi.json")
	responseFile = filepath.Join("..", "testdata", "stripe", "examples", "report_payment_attempt_failed.response.json")
)

const schemaPrefix = "payments_primitives_payment_records_resource_"

// specProperties returns the property names of the spec's schema name.
func specProperties(t *testing.T, name string) []string {
	t.Helper()
	raw, err := os.ReadFile(specFile)
	require.NoError(t, err, "the OpenAPI extract lives in testdata/stripe")
	var spec struct {
		Components struct {
			Schemas map[string]struct {
				Properties map[string]json.RawMessage `json:"properties"`
			} `json:"schemas"`
		} `json:"components"`
	}
	require.NoError(t, json.Unmarshal(raw, &spec))
	s, ok := spec.Components.Schemas[name]
	require.True(t, ok, "the spec has schema %s", name)
	require.NotEmpty(t, s.Properties, "schema %s has properties", name)
	return slices.Sorted(maps.Keys(s.Properties))
}

// objectKeys returns the keys of the JSON object data, in document order.
func objectKeys(t *testing.T, data []byte) []string {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(data))
	tok, err := dec.Token()
	require.NoError(t, err)
	require.Equal(t, json.Delim('{'), tok, "an object: %s", data)
	var keys []string
	for dec.More() {
		tok, err := dec.Token()
		require.NoError(t, err)
		keys = append(keys, tok.(string))
		var skip json.RawMessage
		require.NoError(t, dec.Decode(&skip))
	}
	return keys
}

// canonicalAttempt is the latest attempt of the canonical example: reported
// with the details of report_payment_attempt_failed.response.json, then
// failed at the request's failed_at.
func canonicalAttempt(t *testing.T) attempt.Attempt {
	a := newAttempt(t, attempt.Init{
		ID:            "par_1ArV730PrHyQuG",
		PaymentRecord: "pr_5RV730PrHyAEi",
		Created:       t0,
		InitiatedAt:   t0,
		Livemode:      true,
		Requested:     money.New(1000, usd),
		PaymentMethodDetails: attempt.PaymentMethodDetails{
			Type:          "custom",
			PaymentMethod: "pm_5j23kjksibjlks",
			Custom:        attempt.CustomDetails{DisplayName: "newpay", Type: "cpmt_125kjj3hn3sdf"},
		},
		CustomerPresence: attempt.OnSession,
		ProcessorDetails: attempt.ProcessorDetails{Type: "custom", PaymentReference: "npp2358872734k"},
		Description:      "computer software",
	})
	require.NoError(t, attempt.Transition(&a, payrec.Fail, tFailed))
	return a
}

// canonicalJSON is written by hand from the response file and the spec:
// id and object first, then the spec's properties in alphabetical order;
// amount equals amount_requested, amount_authorized is zero (Authorized),
// application is null, reported_by "self", metadata {} and the attempt
// points at its record.
const canonicalJSON = `{"id":"par_1ArV730PrHyQuG","object":"payment_attempt_record",` +
	`"amount":{"currency":"usd","value":1000},` +
	`"amount_authorized":{"currency":"usd","value":0},` +
	`"amount_canceled":{"currency":"usd","value":0},` +
	`"amount_failed":{"currency":"usd","value":1000},` +
	`"amount_guaranteed":{"currency":"usd","value":0},` +
	`"amount_refunded":{"currency":"usd","value":0},` +
	`"amount_requested":{"currency":"usd","value":1000},` +
	`"application":null,` +
	`"created":1730211363,` +
	`"customer_details":null,` +
	`"customer_presence":"on_session",` +
	`"description":"computer software",` +
	`"livemode":true,` +
	`"metadata":{},` +
	`"payment_method_details":{"billing_details":null,"custom":{"display_name":"newpay","type":"cpmt_125kjj3hn3sdf"},"payment_method":"pm_5j23kjksibjlks","type":"custom"},` +
	`"payment_record":"pr_5RV730PrHyAEi",` +
	`"processor_details":{"type":"custom","custom":{"payment_reference":"npp2358872734k"}},` +
	`"reported_by":"self",` +
	`"shipping_details":null}`

func TestCanonicalJSON(t *testing.T) {
	a := canonicalAttempt(t)
	got, err := a.MarshalJSON()
	require.NoError(t, err)
	assert.Equal(t, canonicalJSON, string(got))

	viaStd, err := json.Marshal(a)
	require.NoError(t, err)
	assert.Equal(t, string(got), string(viaStd), "json.Marshal gives the same bytes")

	ptr, err := json.Marshal(&a)
	require.NoError(t, err)
	assert.Equal(t, string(got), string(ptr), "a pointer encodes the same")

	app := a.AppendJSON([]byte("prefix"))
	assert.Equal(t, "prefix"+canonicalJSON, string(app), "AppendJSON appends")
}

// TestCanonicalMatchesResponse: every member of Stripe's record response that
// an attempt shares with its record has the same value in the attempt.
func TestCanonicalMatchesResponse(t *testing.T) {
	raw, err := os.ReadFile(responseFile)
	require.NoError(t, err, "the canonical response lives in testdata/stripe")
	var record map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(raw, &record))

	a := canonicalAttempt(t)
	var got map[string]json.RawMessage
	require.NoError(t, json.Unmarshal([]byte(mustJSON(t, a)), &got))

	attemptProps := specProperties(t, "payment_attempt_record")
	compared := 0
	for key, want := range record {
		switch key {
		case "id", "object", "latest_payment_attempt_record":
			continue // the record's own
		}
		require.Contains(t, attemptProps, key, "the attempt schema has the record's %s", key)
		assert.JSONEq(t, string(want), string(got[key]), "member %s", key)
		compared++
	}
	assert.Equal(t, 14, compared, "members compared: 17 in the response less id, object and latest_payment_attempt_record")
	assert.JSONEq(t, `"`+strings.Trim(string(record["id"]), `"`)+`"`, string(got["payment_record"]),
		"the attempt points at its record")
	assert.JSONEq(t, string(record["latest_payment_attempt_record"]), string(got["id"]),
		"the attempt is the record's latest")
}

// TestJSONKeysMatchSpec reads the payment_attempt_record property list from
// the spec, so that a key added to or removed from either side fails here.
func TestJSONKeysMatchSpec(t *testing.T) {
	want := specProperties(t, "payment_attempt_record")
	full := validInit()
	full.PaymentMethodDetails = attempt.PaymentMethodDetails{Type: "card", PaymentMethod: "pm_1"}
	full.ShippingDetails = attempt.ShippingDetails{Name: "n"}
	full.CustomerDetails = attempt.CustomerDetails{Name: "n"}
	full.CustomerPresence = attempt.OffSession
	full.Description = "d"
	full.Metadata = map[string]string{"k": "v"}

	for _, s := range allStates {
		for name, in := range map[string]attempt.Init{"minimal": validInit(), "full": full} {
			t.Run(s.String()+"/"+name, func(t *testing.T) {
				a := newAttempt(t, in)
				if s != payrec.Pending {
					require.NoError(t, attempt.Transition(&a, reachedBy[s], t0+1))
				}
				if s == payrec.Guaranteed {
					attempt.Refund(&a, money.New(1, usd))
				}
				keys := objectKeys(t, []byte(mustJSON(t, a)))
				assert.Equal(t, want, slices.Sorted(slices.Values(keys)), "key set")
				assert.Len(t, keys, len(want), "no key twice")
				assert.Equal(t, []string{"id", "object"}, keys[:2], "id and object come first")
				assert.True(t, slices.IsSorted(keys[2:]), "the rest in alphabetical order: %v", keys[2:])
			})
		}
	}
}

// TestJSONNulls: in the minimal attempt every nullable member not reported is
// null, metadata is {} and processor_details is Stripe's default.
func TestJSONNulls(t *testing.T) {
	a := newAttempt(t, validInit())
	var got map[string]json.RawMessage
	require.NoError(t, json.Unmarshal([]byte(mustJSON(t, a)), &got))
	for _, key := range []string{"application", "customer_details", "customer_presence", "description",
		"payment_method_details", "shipping_details"} {
		assert.Equal(t, "null", string(got[key]), key)
	}
	assert.Equal(t, "{}", string(got["metadata"]))
	assert.Equal(t, `{"type":"custom","custom":{"payment_reference":null}}`, string(got["processor_details"]))
	assert.Equal(t, `"self"`, string(got["reported_by"]))
	assert.Equal(t, `{"currency":"usd","value":1000}`, string(got["amount_requested"]))
	assert.Equal(t, `{"currency":"usd","value":1000}`, string(got["amount"]))
	assert.Equal(t, `{"currency":"usd","value":0}`, string(got["amount_authorized"]), "zero buckets are shown, not omitted")
}

// TestJSONSubObjectKeys checks the members of each nested object against the
// spec's schema for it.
func TestJSONSubObjectKeys(t *testing.T) {
	addr := attempt.Address{City: "c", Country: "US", Line1: "1", Line2: "2", PostalCode: "p", State: "s"}
	tests := []struct {
		schema string
		value  json.Marshaler
	}{
		{"address", addr},
		{"billing_details", attempt.BillingDetails{Address: addr, Email: "e", Name: "n", Phone: "p"}},
		{"customer_details", attempt.CustomerDetails{Customer: "cus_1", Email: "e", Name: "n", Phone: "p"}},
		{"shipping_details", attempt.ShippingDetails{Address: addr, Name: "n", Phone: "p"}},
		{"payment_method_custom_details", attempt.CustomDetails{DisplayName: "d", Type: "cpmt_1"}},
		{"processor_details", attempt.ProcessorDetails{Type: "custom", PaymentReference: "r"}},
		{"processor_details_resource_custom_details", nil},
	}
	for _, tt := range tests {
		t.Run(tt.schema, func(t *testing.T) {
			want := specProperties(t, schemaPrefix+tt.schema)
			var data []byte
			if tt.value == nil {
				// The custom member of processor_details.
				var pd map[string]json.RawMessage
				b, err := attempt.ProcessorDetails{PaymentReference: "r"}.MarshalJSON()
				require.NoError(t, err)
				require.NoError(t, json.Unmarshal(b, &pd))
				data = pd["custom"]
			} else {
				var err error
				data, err = tt.value.MarshalJSON()
				require.NoError(t, err)
			}
			assert.Equal(t, want, slices.Sorted(slices.Values(objectKeys(t, data))))
		})
	}

	t.Run("payment_method_details", func(t *testing.T) {
		want := specProperties(t, schemaPrefix+"payment_method_details")
		d := attempt.PaymentMethodDetails{
			Type: "card", PaymentMethod: "pm_1", BillingDetails: attempt.BillingDetails{Name: "n"},
			Custom: attempt.CustomDetails{DisplayName: "d"},
		}
		b, err := d.MarshalJSON()
		require.NoError(t, err)
		keys := objectKeys(t, b)
		assert.Subset(t, want, keys, "only keys of the spec")
		assert.True(t, slices.IsSorted(keys), "sorted: %v", keys)
		assert.Equal(t, []string{"billing_details", "custom", "payment_method", "type"}, keys)
	})
}

// TestIsPaymentMethodTypeMatchesSpec: every per-type hash of the spec's
// payment_method_details is a payment method type, and nothing else is.
func TestIsPaymentMethodTypeMatchesSpec(t *testing.T) {
	props := specProperties(t, schemaPrefix+"payment_method_details")
	n := 0
	for _, p := range props {
		switch p {
		case "type", "payment_method", "billing_details":
			assert.False(t, attempt.IsPaymentMethodType(p), p)
		default:
			assert.True(t, attempt.IsPaymentMethodType(p), p)
			n++
		}
	}
	assert.Equal(t, 61, n, "the spec names 61 payment method types")
}

// escapeCases are strings whose encoding differs between naive and
// encoding/json-compatible encoders.
var escapeCases = []struct{ name, s string }{
	{"html", `<script>alert("x&y")</script>`},
	{"latin", "Zoë Müller"},
	{"cjk", "日本語のテキスト"},
	{"emoji", "pay 💳"},
	{"line separators", "a\u2028b\u2029c"},
	{"controls", "tab\tnl\ncr\rnul\x00bell\x07"},
	{"quote and backslash", `"q" \ back`},
	{"invalid UTF-8", "bad\xffbyte\xc3"},
	{"DEL", "x\x7fy"},
}

// TestJSONEscaping: every string the attempt encodes reads exactly as
// encoding/json would write it.
func TestJSONEscaping(t *testing.T) {
	for _, tc := range escapeCases {
		t.Run(tc.name, func(t *testing.T) {
			q, err := json.Marshal(tc.s)
			require.NoError(t, err)
			in := validInit()
			in.Description = tc.s
			if utf8.ValidString(tc.s) {
				in.Metadata = map[string]string{"k": tc.s} // metadata must be UTF-8
			}
			in.PaymentMethodDetails = attempt.PaymentMethodDetails{
				PaymentMethod: tc.s,
				Custom:        attempt.CustomDetails{DisplayName: tc.s, Type: tc.s},
				BillingDetails: attempt.BillingDetails{
					Email: tc.s, Address: attempt.Address{City: tc.s},
				},
			}
			in.ShippingDetails = attempt.ShippingDetails{Name: tc.s}
			in.CustomerDetails = attempt.CustomerDetails{Phone: tc.s}
			in.ProcessorDetails = attempt.ProcessorDetails{PaymentReference: tc.s}
			a, err := attempt.New(in)
			if !utf8.ValidString(tc.s) {
				// JSON cannot carry invalid UTF-8 (it would come back as
				// U+FFFD and a replay would differ), so New refuses it.
				require.ErrorIs(t, err, payrec.ErrInvalidParameter)
				return
			}
			require.NoError(t, err)
			got, err := a.MarshalJSON()
			require.NoError(t, err)
			members := []string{`"description":`, `"payment_method":`, `"display_name":`, `"type":`, `"email":`,
				`"city":`, `"name":`, `"phone":`, `"payment_reference":`}
			if in.Metadata != nil {
				members = append(members, `"metadata":{"k":`)
			}
			for _, member := range members {
				assert.Contains(t, string(got), member+string(q), "member %s", member)
			}
			std, err := json.Marshal(a)
			require.NoError(t, err)
			assert.Equal(t, string(std), string(got), "MarshalJSON and json.Marshal agree byte for byte")
		})
	}
}
