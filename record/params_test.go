package record_test

// Decoding and encoding of the params types and of report log lines: the
// wire vocabulary is Stripe's parameter names, nested as Stripe nests them,
// decoded strictly, as the params types and the package documentation
// state.

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/payrec/payrec"
	"github.com/payrec/payrec/attempt"
	"github.com/payrec/payrec/money"
	"github.com/payrec/payrec/record"
)

// obj joins JSON object members ("key":value) into an object.
func obj(members ...string) string { return "{" + strings.Join(members, ",") + "}" }

// unmarshalParams decodes data with T's UnmarshalJSON, called directly so
// that malformed input reaches the decoder rather than encoding/json.
func unmarshalParams[T record.Report, PT interface {
	*T
	UnmarshalJSON([]byte) error
}](data []byte) (record.Report, error) {
	var v T
	err := PT(&v).UnmarshalJSON(data)
	return v, err
}

// paramsType describes one params type for table tests: how to decode it,
// and the members of a minimal valid object (required parameters first, in
// the order the endpoint lists them).
type paramsType struct {
	op       string
	decode   func([]byte) (record.Report, error)
	required []string // "key" of each required member, in order
	members  []string // the minimal valid members, one per required key
}

// settleType is the paramsType of an outcome report, whose one required
// member is its timestamp, key.
func settleType(op string, decode func([]byte) (record.Report, error), key string) paramsType {
	return paramsType{op: op, decode: decode, required: []string{key}, members: []string{`"` + key + `":` + tsInt}}
}

func (pt paramsType) minimal() string { return obj(pt.members...) }

// with returns the minimal object plus extra members.
func (pt paramsType) with(extra ...string) string {
	return obj(append(append([]string(nil), pt.members...), extra...)...)
}

// without returns the minimal object without the member for key.
func (pt paramsType) without(key string) string {
	var ms []string
	for _, m := range pt.members {
		if !strings.HasPrefix(m, `"`+key+`":`) {
			ms = append(ms, m)
		}
	}
	return obj(ms...)
}

const (
	tsInt = "1730211363"   // fixtureT0 as a JSON integer
	tsStr = `"1730211363"` // fixtureT0 as a form string
	pmdJS = `{"custom":{"display_name":"newpay"}}`
)

var (
	reportPaymentType = paramsType{
		op:       record.OpReportPayment,
		decode:   unmarshalParams[record.ReportPaymentParams],
		required: []string{"id", "attempt_id", "created", "amount_requested", "initiated_at", "payment_method_details"},
		members: []string{
			`"id":"pr_1"`, `"attempt_id":"par_1"`, `"created":` + tsInt,
			`"amount_requested":{"currency":"usd","value":1000}`, `"initiated_at":` + tsInt,
			`"payment_method_details":` + pmdJS,
		},
	}
	reportPaymentAttemptType = paramsType{
		op:       record.OpReportPaymentAttempt,
		decode:   unmarshalParams[record.ReportPaymentAttemptParams],
		required: []string{"attempt_id", "created", "initiated_at"},
		members:  []string{`"attempt_id":"par_2"`, `"created":` + tsInt, `"initiated_at":` + tsInt},
	}
	failedType = settleType(record.OpReportPaymentAttemptFailed,
		unmarshalParams[record.ReportPaymentAttemptFailedParams], "failed_at")
	guaranteedType = settleType(record.OpReportPaymentAttemptGuaranteed,
		unmarshalParams[record.ReportPaymentAttemptGuaranteedParams], "guaranteed_at")
	canceledType = settleType(record.OpReportPaymentAttemptCanceled,
		unmarshalParams[record.ReportPaymentAttemptCanceledParams], "canceled_at")
	informationalType = paramsType{
		op:     record.OpReportPaymentAttemptInformational,
		decode: unmarshalParams[record.ReportPaymentAttemptInformationalParams],
	}
	refundType = paramsType{
		op:       record.OpReportRefund,
		decode:   unmarshalParams[record.ReportRefundParams],
		required: []string{"outcome", "processor_details"},
		members:  []string{`"outcome":"refunded"`, `"processor_details":{"type":"custom","custom":{"refund_reference":"re_1"}}`},
	}
	allParamsTypes = []paramsType{
		reportPaymentType, reportPaymentAttemptType, failedType, guaranteedType, canceledType,
		informationalType, refundType,
	}
)

func TestReportPaymentParamsDecode(t *testing.T) {
	in := `{
		"id": "pr_5RV730PrHyAEi",
		"attempt_id": "par_1ArV730PrHyQuG",
		"created": 1730211363,
		"livemode": true,
		"amount_requested": {"currency": "USD", "value": 1000},
		"initiated_at": "1730211363",
		"payment_method_details": {
			"type": "custom",
			"payment_method": "pm_5j23kjksibjlks",
			"custom": {"display_name": "newpay", "type": "cpmt_125kjj3hn3sdf"},
			"billing_details": {"name": "Jenny Rosen", "email": "jenny@example.com", "phone": null,
				"address": {"city": "Paris", "country": "FR", "line1": "1 rue de Rivoli", "line2": null, "postal_code": "75001", "state": null}}
		},
		"processor_details": {"type": "custom", "custom": {"payment_reference": "npp2358872734k"}},
		"customer_details": {"customer": "cus_1", "email": "jenny@example.com", "name": "Jenny Rosen", "phone": "+33100000000"},
		"customer_presence": "on_session",
		"shipping_details": {"name": "Jenny Rosen", "phone": null, "address": {"country": "FR", "city": "Paris"}},
		"outcome": "guaranteed",
		"guaranteed": {"guaranteed_at": 1730211400},
		"description": "computer software",
		"metadata": {"order": "42", "gone": ""},
		"expand": ["latest_payment_attempt_record"]
	}`
	want := record.ReportPaymentParams{
		ID:              "pr_5RV730PrHyAEi",
		AttemptID:       "par_1ArV730PrHyQuG",
		Created:         1730211363,
		Livemode:        true,
		AmountRequested: money.New(1000, fixtureUSD),
		InitiatedAt:     1730211363,
		PaymentMethodDetails: attempt.PaymentMethodDetails{
			Type:          "custom",
			PaymentMethod: "pm_5j23kjksibjlks",
			Custom:        attempt.CustomDetails{DisplayName: "newpay", Type: "cpmt_125kjj3hn3sdf"},
			BillingDetails: attempt.BillingDetails{
				Name: "Jenny Rosen", Email: "jenny@example.com",
				Address: attempt.Address{City: "Paris", Country: "FR", Line1: "1 rue de Rivoli", PostalCode: "75001"},
			},
		},
		ProcessorDetails: attempt.ProcessorDetails{Type: "custom", PaymentReference: "npp2358872734k"},
		CustomerDetails:  attempt.CustomerDetails{Customer: "cus_1", Email: "jenny@example.com", Name: "Jenny Rosen", Phone: "+33100000000"},
		CustomerPresence: attempt.OnSession,
		ShippingDetails:  attempt.ShippingDetails{Name: "Jenny Rosen", Address: attempt.Address{Country: "FR", City: "Paris"}},
		Outcome:          record.OutcomeGuaranteed,
		Guaranteed:       record.GuaranteedParams{GuaranteedAt: 1730211400},
		Description:      "computer software",
		Metadata:         map[string]string{"order": "42", "gone": ""},
	}
	var got record.ReportPaymentParams
	require.NoError(t, json.Unmarshal([]byte(in), &got))
	assert.Equal(t, want, got)
}

func TestOtherParamsDecode(t *testing.T) {
	tests := []struct {
		name string
		pt   paramsType
		in   string
		want record.Report
	}{
		{
			name: "report_payment_attempt", pt: reportPaymentAttemptType,
			in: `{"attempt_id":"par_2","created":"1730211563","initiated_at":1730211563,
				"payment_method_details":{"type":"card"},
				"shipping_details":{"name":"Jenny"},
				"outcome":"failed","failed":{"failed_at":"1730211600"},
				"description":"retry","metadata":{"try":"2"},"expand":[]}`,
			want: record.ReportPaymentAttemptParams{
				AttemptID: "par_2", Created: 1730211563, InitiatedAt: 1730211563,
				PaymentMethodDetails: attempt.PaymentMethodDetails{Type: "card"},
				ShippingDetails:      attempt.ShippingDetails{Name: "Jenny"},
				Outcome:              record.OutcomeFailed, Failed: record.FailedParams{FailedAt: 1730211600},
				Description: "retry", Metadata: map[string]string{"try": "2"},
			},
		},
		{
			name: "report_payment_attempt_failed", pt: failedType,
			in:   `{"failed_at":"1730253453","metadata":{"reason":"declined"}}`,
			want: record.ReportPaymentAttemptFailedParams{FailedAt: 1730253453, Metadata: map[string]string{"reason": "declined"}},
		},
		{
			name: "report_payment_attempt_guaranteed", pt: guaranteedType,
			in:   `{"guaranteed_at":1730253453,"expand":["payment_method_details"]}`,
			want: record.ReportPaymentAttemptGuaranteedParams{GuaranteedAt: 1730253453},
		},
		{
			name: "report_payment_attempt_canceled", pt: canceledType,
			in:   `{"canceled_at":1730253453,"metadata":""}`,
			want: record.ReportPaymentAttemptCanceledParams{CanceledAt: 1730253453, ClearMetadata: true},
		},
		{
			name: "report_payment_attempt_informational", pt: informationalType,
			in: `{"customer_details":{"email":"jenny@example.com"},"shipping_details":{"phone":"+1"},
				"description":"gift","metadata":{"a":"1"}}`,
			want: record.ReportPaymentAttemptInformationalParams{
				CustomerDetails: attempt.CustomerDetails{Email: "jenny@example.com"},
				ShippingDetails: attempt.ShippingDetails{Phone: "+1"},
				Description:     "gift", Metadata: map[string]string{"a": "1"},
			},
		},
		{
			name: "report_payment_attempt_informational clears", pt: informationalType,
			in:   `{"shipping_details":"","description":"","metadata":""}`,
			want: record.ReportPaymentAttemptInformationalParams{ClearShippingDetails: true, ClearDescription: true, ClearMetadata: true},
		},
		{
			name: "report_refund", pt: refundType,
			in: `{"outcome":"refunded","amount":{"currency":"usd","value":500},"initiated_at":"1730253000",
				"processor_details":{"type":"custom","custom":{"refund_reference":"re_123"}},
				"refunded":{"refunded_at":1730253453},"metadata":{"ticket":"7"},"expand":["x"]}`,
			want: record.ReportRefundParams{
				Amount: usdCents(500), InitiatedAt: 1730253000,
				ProcessorDetails: record.RefundProcessorDetails{Type: "custom", RefundReference: "re_123"},
				Refunded:         record.RefundedParams{RefundedAt: 1730253453},
				Metadata:         map[string]string{"ticket": "7"},
			},
		},
		{
			name: "report_refund without amount", pt: refundType,
			in:   refundType.minimal(),
			want: record.ReportRefundParams{ProcessorDetails: record.RefundProcessorDetails{Type: "custom", RefundReference: "re_1"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.pt.decode([]byte(tt.in))
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
			assert.Equal(t, tt.pt.op, got.Op())
		})
	}
}

// timestampSite is one place a timestamp parameter appears: a params type,
// the members that surround it (%s is the timestamp) and its bracket name.
type timestampSite struct {
	pt     paramsType
	member string // a member with %s for the timestamp
	param  string
	// base replaces the minimal members when the site is one of them.
	replaces string
}

var timestampSites = []timestampSite{
	{pt: reportPaymentType, replaces: "created", member: `"created":%s`, param: "created"},
	{pt: reportPaymentType, replaces: "initiated_at", member: `"initiated_at":%s`, param: "initiated_at"},
	{pt: reportPaymentType, member: `"outcome":"guaranteed","guaranteed":{"guaranteed_at":%s}`, param: "guaranteed[guaranteed_at]"},
	{pt: reportPaymentType, member: `"outcome":"failed","failed":{"failed_at":%s}`, param: "failed[failed_at]"},
	{pt: reportPaymentAttemptType, replaces: "created", member: `"created":%s`, param: "created"},
	{pt: reportPaymentAttemptType, replaces: "initiated_at", member: `"initiated_at":%s`, param: "initiated_at"},
	{pt: reportPaymentAttemptType, member: `"outcome":"failed","failed":{"failed_at":%s}`, param: "failed[failed_at]"},
	{pt: failedType, replaces: "failed_at", member: `"failed_at":%s`, param: "failed_at"},
	{pt: guaranteedType, replaces: "guaranteed_at", member: `"guaranteed_at":%s`, param: "guaranteed_at"},
	{pt: canceledType, replaces: "canceled_at", member: `"canceled_at":%s`, param: "canceled_at"},
	{pt: refundType, member: `"initiated_at":%s`, param: "initiated_at"},
	{pt: refundType, member: `"refunded":{"refunded_at":%s}`, param: "refunded[refunded_at]"},
}

func (s timestampSite) json(ts string) string {
	base := s.pt
	if s.replaces != "" {
		base.members = nil
		for _, m := range s.pt.members {
			if !strings.HasPrefix(m, `"`+s.replaces+`":`) {
				base.members = append(base.members, m)
			}
		}
	}
	return base.with(fmt.Sprintf(s.member, ts))
}

// TestTimestampForms: a timestamp decodes from a JSON integer and from a
// string of decimal digits alike; anything else, and any value that is not
// a positive integer, is parameter_invalid_integer.
func TestTimestampForms(t *testing.T) {
	invalid := []struct {
		name string
		ts   string
	}{
		{"fraction", "1730211363.5"},
		{"fraction 1.5", "1.5"},
		{"integral fraction", "1730211363.0"},
		{"exponent", "1e9"},
		{"letters in a string", `"abc"`},
		{"fraction in a string", `"1.5"`},
		{"exponent in a string", `"1e9"`},
		{"empty string", `""`},
		{"space in a string", `" 1730211363"`},
		{"plus sign in a string", `"+1730211363"`},
		{"hexadecimal string", `"0x10"`},
		{"negative", "-1"},
		{"negative string", `"-1"`},
		{"zero", "0"},
		{"zero string", `"0"`},
		{"overflow", "9223372036854775808"},
		{"boolean", "true"},
		{"object", "{}"},
		{"array", "[1730211363]"},
	}
	for _, site := range timestampSites {
		name := site.pt.op + "/" + site.param
		t.Run(name+"/integer equals string", func(t *testing.T) {
			a, err := site.pt.decode([]byte(site.json(tsInt)))
			require.NoError(t, err)
			b, err := site.pt.decode([]byte(site.json(tsStr)))
			require.NoError(t, err)
			assert.Equal(t, a, b)
		})
		t.Run(name+"/one", func(t *testing.T) {
			_, err := site.pt.decode([]byte(site.json("1")))
			assert.NoError(t, err, "1 is a positive Unix timestamp")
		})
		for _, tt := range invalid {
			t.Run(name+"/"+tt.name, func(t *testing.T) {
				_, err := site.pt.decode([]byte(site.json(tt.ts)))
				assertRejected(t, err, paramRejection(site.param, payrec.CodeParameterInvalidInteger))
			})
		}
	}
}

// TestTimestampEscapedString: a JSON string is its decoded value; a
// timestamp string whose digits are written as escapes is still a decimal
// string.
func TestTimestampEscapedString(t *testing.T) {
	want, err := failedType.decode([]byte(`{"failed_at":1730211363}`))
	require.NoError(t, err)
	got, err := failedType.decode([]byte(`{"failed_at":"\u0031730211363"}`))
	require.NoError(t, err)
	assert.Equal(t, want, got)
}

// TestParamsUnknownKeys: an unknown key is rejected at every level with
// parameter_unknown, named in bracket form.
func TestParamsUnknownKeys(t *testing.T) {
	tests := []struct {
		name  string
		pt    paramsType
		extra string
		param string
	}{
		{"top level", reportPaymentType, `"amount":{"currency":"usd","value":1}`, "amount"},
		{"failed hash", reportPaymentType, `"outcome":"failed","failed":{"failed_atx":1730211363}`, "failed[failed_atx]"},
		{"guaranteed hash", reportPaymentType, `"guaranteed":{"guaranteed_at":1730211363,"by":"x"}`, "guaranteed[by]"},
		{"processor_details", reportPaymentType, `"processor_details":{"type":"custom","reference":"x"}`, "processor_details[reference]"},
		{"processor_details custom", reportPaymentType, `"processor_details":{"type":"custom","custom":{"payment_reference":"x","refund_reference":"y"}}`, "processor_details[custom][refund_reference]"},
		{"customer_details", reportPaymentType, `"customer_details":{"email":"a@b.c","address":{}}`, "customer_details[address]"},
		{"shipping_details address", reportPaymentType, `"shipping_details":{"address":{"zip":"75001"}}`, "shipping_details[address][zip]"},
		{"report_payment_attempt amount_requested", reportPaymentAttemptType, `"amount_requested":{"currency":"usd","value":1000}`, "amount_requested"},
		{"report_payment_attempt customer_details", reportPaymentAttemptType, `"customer_details":{"email":"a@b.c"}`, "customer_details"},
		{"report_payment_attempt processor_details", reportPaymentAttemptType, `"processor_details":{"type":"custom"}`, "processor_details"},
		{"report_payment_attempt customer_presence", reportPaymentAttemptType, `"customer_presence":"on_session"`, "customer_presence"},
		{"report_payment_attempt id", reportPaymentAttemptType, `"id":"pr_1"`, "id"},
		{"report_payment_attempt failed hash", reportPaymentAttemptType, `"failed":{"at":1}`, "failed[at]"},
		{"failed: another event's timestamp", failedType, `"canceled_at":1730211363`, "canceled_at"},
		{"guaranteed: top level", guaranteedType, `"failed_at":1730211363`, "failed_at"},
		{"canceled: top level", canceledType, `"reason":"x"`, "reason"},
		{"informational top level", informationalType, `"failed_at":1730211363`, "failed_at"},
		{"informational customer_details", informationalType, `"customer_details":{"nickname":"J"}`, "customer_details[nickname]"},
		{"informational shipping_details", informationalType, `"shipping_details":{"address":{"country":"FR","planet":"earth"}}`, "shipping_details[address][planet]"},
		{"refund top level", refundType, `"reason":"requested_by_customer"`, "reason"},
		{"refund refunded hash", refundType, `"refunded":{"refunded_atx":1730211363}`, "refunded[refunded_atx]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.pt.decode([]byte(tt.pt.with(tt.extra)))
			assertRejected(t, err, paramRejection(tt.param, payrec.CodeParameterUnknown))
		})
	}
	// Members that replace a minimal one.
	replaced := []struct {
		name   string
		pt     paramsType
		key    string
		member string
		param  string
	}{
		{"amount_requested", reportPaymentType, "amount_requested", `"amount_requested":{"currency":"usd","value":1000,"cents":5}`, "amount_requested[cents]"},
		{"payment_method_details", reportPaymentType, "payment_method_details", `"payment_method_details":{"custom":{"display_name":"x"},"wallet":{}}`, "payment_method_details[wallet]"},
		{"payment_method_details custom", reportPaymentType, "payment_method_details", `"payment_method_details":{"custom":{"display_name":"x","logo":"y"}}`, "payment_method_details[custom][logo]"},
		{"payment_method_details billing address", reportPaymentType, "payment_method_details", `"payment_method_details":{"billing_details":{"address":{"zip":"1"}}}`, "payment_method_details[billing_details][address][zip]"},
		{"refund processor_details", refundType, "processor_details", `"processor_details":{"type":"custom","id":"x","custom":{"refund_reference":"re_1"}}`, "processor_details[id]"},
		{"refund processor_details custom", refundType, "processor_details", `"processor_details":{"type":"custom","custom":{"refund_reference":"re_1","payment_reference":"x"}}`, "processor_details[custom][payment_reference]"},
	}
	for _, tt := range replaced {
		t.Run(tt.name, func(t *testing.T) {
			pt := tt.pt
			in := obj(append([]string{tt.member}, strings.TrimSuffix(strings.TrimPrefix(pt.without(tt.key), "{"), "}"))...)
			_, err := pt.decode([]byte(in))
			assertRejected(t, err, paramRejection(tt.param, payrec.CodeParameterUnknown))
		})
	}
	t.Run("refund amount", func(t *testing.T) {
		_, err := refundType.decode([]byte(refundType.with(`"amount":{"currency":"usd","value":1,"fee":0}`)))
		assertRejected(t, err, paramRejection("amount[fee]", payrec.CodeParameterUnknown))
	})
}

// TestParamsMissing: every required parameter, at every level, is
// parameter_missing when absent.
func TestParamsMissing(t *testing.T) {
	for _, pt := range allParamsTypes {
		for _, key := range pt.required {
			t.Run(pt.op+"/"+key, func(t *testing.T) {
				_, err := pt.decode([]byte(pt.without(key)))
				assertRejected(t, err, paramRejection(key, payrec.CodeParameterMissing))
			})
		}
	}
	nested := []struct {
		name  string
		pt    paramsType
		key   string // the minimal member replaced, "" for none
		repl  string
		param string
	}{
		{"failed hash empty", reportPaymentType, "", `"outcome":"failed","failed":{}`, "failed[failed_at]"},
		{"guaranteed hash empty", reportPaymentAttemptType, "", `"outcome":"guaranteed","guaranteed":{}`, "guaranteed[guaranteed_at]"},
		{"amount_requested currency", reportPaymentType, "amount_requested", `"amount_requested":{"value":1000}`, "amount_requested[currency]"},
		{"amount_requested value", reportPaymentType, "amount_requested", `"amount_requested":{"currency":"usd"}`, "amount_requested[value]"},
		{"amount_requested null", reportPaymentType, "amount_requested", `"amount_requested":null`, "amount_requested"},
		{"custom display_name", reportPaymentType, "payment_method_details", `"payment_method_details":{"custom":{"type":"cpmt_1"}}`, "payment_method_details[custom][display_name]"},
		{"processor_details type", reportPaymentType, "", `"processor_details":{"custom":{"payment_reference":"x"}}`, "processor_details[type]"},
		{"processor_details payment_reference", reportPaymentType, "", `"processor_details":{"type":"custom","custom":{}}`, "processor_details[custom][payment_reference]"},
		{"refund processor type", refundType, "processor_details", `"processor_details":{"custom":{"refund_reference":"re_1"}}`, "processor_details[type]"},
		{"refund processor custom", refundType, "processor_details", `"processor_details":{"type":"custom"}`, "processor_details[custom]"},
		{"refund reference", refundType, "processor_details", `"processor_details":{"type":"custom","custom":{}}`, "processor_details[custom][refund_reference]"},
		{"refunded hash empty", refundType, "", `"refunded":{}`, "refunded[refunded_at]"},
		{"refund amount currency", refundType, "", `"amount":{"value":100}`, "amount[currency]"},
	}
	for _, tt := range nested {
		t.Run(tt.name, func(t *testing.T) {
			base := tt.pt.minimal()
			if tt.key != "" {
				base = tt.pt.without(tt.key)
			}
			in := strings.TrimSuffix(base, "}")
			if in != "{" {
				in += ","
			}
			in += tt.repl + "}"
			_, err := tt.pt.decode([]byte(in))
			assertRejected(t, err, paramRejection(tt.param, payrec.CodeParameterMissing))
		})
	}
}

// TestParamsInvalid covers values of the wrong type or outside an enum.
func TestParamsInvalid(t *testing.T) {
	replace := func(pt paramsType, key, member string) string {
		in := strings.TrimSuffix(pt.without(key), "}")
		if in != "{" {
			in += ","
		}
		return in + member + "}"
	}
	tests := []struct {
		name  string
		pt    paramsType
		in    string
		param string
		code  string
	}{
		{"malformed JSON", failedType, `{"failed_at":`, "", ""},
		{"not an object", failedType, `["failed_at"]`, "", ""},
		{"null params", failedType, `null`, "", ""},
		{"key given twice", failedType, `{"failed_at":1730211363,"failed_at":1730211364}`, "failed_at", ""},
		{"id not a string", reportPaymentType, replace(reportPaymentType, "id", `"id":42`), "id", ""},
		{"livemode not a boolean", reportPaymentType, reportPaymentType.with(`"livemode":"yes"`), "livemode", ""},
		{"amount_requested fraction", reportPaymentType, replace(reportPaymentType, "amount_requested", `"amount_requested":{"currency":"usd","value":10.5}`), "amount_requested[value]", payrec.CodeParameterInvalidInteger},
		{"amount_requested string value", reportPaymentType, replace(reportPaymentType, "amount_requested", `"amount_requested":{"currency":"usd","value":"1000"}`), "amount_requested[value]", payrec.CodeParameterInvalidInteger},
		{"amount_requested overflow", reportPaymentType, replace(reportPaymentType, "amount_requested", `"amount_requested":{"currency":"usd","value":9223372036854775808}`), "amount_requested[value]", payrec.CodeParameterInvalidInteger},
		{"amount_requested unknown currency", reportPaymentType, replace(reportPaymentType, "amount_requested", `"amount_requested":{"currency":"zzz","value":1000}`), "amount_requested[currency]", ""},
		{"outcome refunded on report_payment", reportPaymentType, reportPaymentType.with(`"outcome":"refunded"`), "outcome", ""},
		{"outcome canceled on report_payment_attempt", reportPaymentAttemptType, reportPaymentAttemptType.with(`"outcome":"canceled"`), "outcome", ""},
		{"outcome in capitals", reportPaymentType, reportPaymentType.with(`"outcome":"GUARANTEED"`), "outcome", ""},
		{"customer_presence unknown", reportPaymentType, reportPaymentType.with(`"customer_presence":"sometimes"`), "customer_presence", ""},
		{"payment_method_details type unknown", reportPaymentType, replace(reportPaymentType, "payment_method_details", `"payment_method_details":{"type":"bogus"}`), "payment_method_details[type]", ""},
		{"processor_details type unknown", reportPaymentType, reportPaymentType.with(`"processor_details":{"type":"adyen","custom":{"payment_reference":"x"}}`), "processor_details[type]", ""},
		{"description of 5001 characters", reportPaymentType, reportPaymentType.with(`"description":"` + strings.Repeat("é", 5001) + `"`), "description", ""},
		{"metadata value not a string", failedType, failedType.with(`"metadata":{"n":1}`), "metadata[n]", ""},
		{"metadata an array", failedType, failedType.with(`"metadata":["a"]`), "metadata", ""},
		{"metadata a non-empty string", failedType, failedType.with(`"metadata":"x"`), "metadata", ""},
		{"expand not an array", failedType, failedType.with(`"expand":"x"`), "expand", ""},
		{"expand of numbers", failedType, failedType.with(`"expand":[1]`), "expand", ""},
		{"expand with bytes that are not UTF-8", failedType, failedType.with("\"expand\":[\"a\",\"b\xff\"]"), "expand[1]", payrec.CodeInvalidCharacters},
		{"expand with a lone surrogate", failedType, failedType.with(`"expand":["\ud800"]`), "expand[0]", payrec.CodeInvalidCharacters},
		{"expand entry of 5001 characters", failedType, failedType.with(`"expand":["` + strings.Repeat("é", 5001) + `"]`), "expand[0]", ""},
		{"expand of 21 entries", failedType, failedType.with(`"expand":[` + strings.TrimSuffix(strings.Repeat(`"x",`, 21), ",") + `]`), "expand", ""},
		{"expand of 100000 entries", failedType, failedType.with(`"expand":[` + strings.TrimSuffix(strings.Repeat(`"x",`, 100000), ",") + `]`), "expand", ""},
		{"expand with null", failedType, failedType.with(`"expand":["x",null]`), "expand", ""},
		{"refund outcome failed", refundType, replace(refundType, "outcome", `"outcome":"failed"`), "outcome", ""},
		{"refund outcome empty", refundType, replace(refundType, "outcome", `"outcome":""`), "outcome", ""},
		{"refund processor type unknown", refundType, replace(refundType, "processor_details", `"processor_details":{"type":"adyen","custom":{"refund_reference":"re_1"}}`), "processor_details[type]", ""},
		{"refund amount fraction", refundType, refundType.with(`"amount":{"currency":"usd","value":1.5}`), "amount[value]", payrec.CodeParameterInvalidInteger},
		{"informational customer_details empty string", informationalType, `{"customer_details":""}`, "customer_details", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.pt.decode([]byte(tt.in))
			assertRejected(t, err, paramRejection(tt.param, tt.code))
		})
	}
}

// TestParamsDecodeLeavesTargetOnError: a failed decode does not touch the
// value it decodes into.
func TestParamsDecodeLeavesTargetOnError(t *testing.T) {
	p := record.ReportPaymentAttemptFailedParams{FailedAt: 7, Metadata: map[string]string{"a": "1"}}
	err := json.Unmarshal([]byte(`{"failed_at":1730211363,"metadata":{"b":"2"},"bogus":1}`), &p)
	require.Error(t, err)
	assert.Equal(t, record.ReportPaymentAttemptFailedParams{FailedAt: 7, Metadata: map[string]string{"a": "1"}}, p)

	q := fixturePayment()
	err = json.Unmarshal([]byte(reportPaymentType.with(`"outcome":"maybe"`)), &q)
	require.Error(t, err)
	assert.Equal(t, fixturePayment(), q)
}

// TestParamsClears: "" clears metadata (every type), and description and
// shipping_details (informational); a metadata entry set to "" deletes its key.
func TestParamsClears(t *testing.T) {
	for _, pt := range allParamsTypes {
		t.Run(pt.op+"/metadata empty string", func(t *testing.T) {
			got, err := pt.decode([]byte(pt.with(`"metadata":""`)))
			require.NoError(t, err)
			clear, md := metadataOf(t, got)
			assert.True(t, clear, "ClearMetadata")
			assert.Empty(t, md, "Metadata")
		})
		t.Run(pt.op+"/metadata entry empty string", func(t *testing.T) {
			got, err := pt.decode([]byte(pt.with(`"metadata":{"gone":"","kept":"1"}`)))
			require.NoError(t, err)
			clear, md := metadataOf(t, got)
			assert.False(t, clear, "ClearMetadata")
			assert.Equal(t, map[string]string{"gone": "", "kept": "1"}, md)
		})
	}
	tests := []struct {
		in   string
		want record.ReportPaymentAttemptInformationalParams
	}{
		{`{"description":""}`, record.ReportPaymentAttemptInformationalParams{ClearDescription: true}},
		{`{"shipping_details":""}`, record.ReportPaymentAttemptInformationalParams{ClearShippingDetails: true}},
		{`{"description":"x"}`, record.ReportPaymentAttemptInformationalParams{Description: "x"}},
		{`{}`, record.ReportPaymentAttemptInformationalParams{}},
	}
	for _, tt := range tests {
		t.Run("informational "+tt.in, func(t *testing.T) {
			got, err := informationalType.decode([]byte(tt.in))
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

// metadataOf returns the ClearMetadata and Metadata fields of a params value.
func metadataOf(t *testing.T, rep record.Report) (bool, map[string]string) {
	t.Helper()
	switch p := rep.(type) {
	case record.ReportPaymentParams:
		return p.ClearMetadata, p.Metadata
	case record.ReportPaymentAttemptParams:
		return p.ClearMetadata, p.Metadata
	case record.ReportPaymentAttemptFailedParams:
		return p.ClearMetadata, p.Metadata
	case record.ReportPaymentAttemptGuaranteedParams:
		return p.ClearMetadata, p.Metadata
	case record.ReportPaymentAttemptCanceledParams:
		return p.ClearMetadata, p.Metadata
	case record.ReportPaymentAttemptInformationalParams:
		return p.ClearMetadata, p.Metadata
	case record.ReportRefundParams:
		return p.ClearMetadata, p.Metadata
	}
	t.Fatalf("unknown report type %T", rep)
	return false, nil
}

// TestParamsExpand: Stripe's expand parameter is accepted and ignored by
// every params type.
func TestParamsExpand(t *testing.T) {
	for _, pt := range allParamsTypes {
		t.Run(pt.op, func(t *testing.T) {
			want, err := pt.decode([]byte(pt.minimal()))
			require.NoError(t, err)
			got, err := pt.decode([]byte(pt.with(`"expand":["latest_payment_attempt_record","payment_method_details"]`)))
			require.NoError(t, err)
			assert.Equal(t, want, got)
		})
	}
}

// TestParamsNullOptional: null for an optional parameter means it was not
// given, as the params decoders document (and as encoding/json treats
// null): the result equals the decode without the member.
func TestParamsNullOptional(t *testing.T) {
	optional := map[string][]string{
		record.OpReportPayment: {"livemode", "processor_details", "customer_details", "customer_presence",
			"shipping_details", "outcome", "guaranteed", "failed", "description", "metadata", "expand"},
		record.OpReportPaymentAttempt: {"payment_method_details", "shipping_details", "outcome", "guaranteed",
			"failed", "description", "metadata", "expand"},
		record.OpReportPaymentAttemptFailed:        {"metadata", "expand"},
		record.OpReportPaymentAttemptGuaranteed:    {"metadata", "expand"},
		record.OpReportPaymentAttemptCanceled:      {"metadata", "expand"},
		record.OpReportPaymentAttemptInformational: {"customer_details", "shipping_details", "description", "metadata", "expand"},
		record.OpReportRefund:                      {"amount", "initiated_at", "refunded", "metadata", "expand"},
	}
	for _, pt := range allParamsTypes {
		for _, key := range optional[pt.op] {
			t.Run(pt.op+"/"+key, func(t *testing.T) {
				want, err := pt.decode([]byte(pt.minimal()))
				require.NoError(t, err)
				got, err := pt.decode([]byte(pt.with(`"` + key + `":null`)))
				require.NoError(t, err)
				assert.Equal(t, want, got)
			})
		}
	}
}

// TestParamsRoundTrip: MarshalJSON writes what UnmarshalJSON reads back to
// an equal value, for a rich value of every params type.
func TestParamsRoundTrip(t *testing.T) {
	addr := attempt.Address{City: "Paris", Country: "FR", Line1: "1 rue de Rivoli", Line2: "3e étage", PostalCode: "75001", State: "IDF"}
	tests := []struct {
		name string
		p    record.Report
	}{
		{"report_payment", record.ReportPaymentParams{
			ID: "pr_1", AttemptID: "par_1", Created: fixtureT0, Livemode: true,
			AmountRequested: money.New(125000, money.MustParseCurrency("jpy")), InitiatedAt: fixtureT0,
			PaymentMethodDetails: attempt.PaymentMethodDetails{
				Type: "custom", PaymentMethod: "pm_1",
				BillingDetails: attempt.BillingDetails{Address: addr, Email: "j@example.com", Name: "Jenny", Phone: "+1"},
				Custom:         attempt.CustomDetails{DisplayName: "newpay", Type: "cpmt_1"},
			},
			ProcessorDetails: attempt.ProcessorDetails{Type: "custom", PaymentReference: "npp_1"},
			CustomerDetails:  attempt.CustomerDetails{Customer: "cus_1", Email: "j@example.com", Name: "Jenny", Phone: "+1"},
			CustomerPresence: attempt.OffSession,
			ShippingDetails:  attempt.ShippingDetails{Address: addr, Name: "Jenny", Phone: "+1"},
			Outcome:          record.OutcomeFailed, Failed: record.FailedParams{FailedAt: fixtureT0 + 5},
			Description: `a "quoted" <description> & more`,
			Metadata:    map[string]string{"order": "42", "gone": "", "ключ": "значение"},
		}},
		{"report_payment guaranteed, card", record.ReportPaymentParams{
			ID: "pr_1", AttemptID: "par_1", Created: fixtureT0, AmountRequested: usdCents(1), InitiatedAt: fixtureT0,
			PaymentMethodDetails: attempt.PaymentMethodDetails{Type: "card", PaymentMethod: "pm_card_visa"},
			Outcome:              record.OutcomeGuaranteed, Guaranteed: record.GuaranteedParams{GuaranteedAt: fixtureT0},
			ClearMetadata: true,
		}},
		{"report_payment_attempt", record.ReportPaymentAttemptParams{
			AttemptID: "par_2", Created: fixtureT0 + 1, InitiatedAt: fixtureT0 + 2,
			PaymentMethodDetails: attempt.PaymentMethodDetails{Type: "custom", Custom: attempt.CustomDetails{DisplayName: "other"}},
			ShippingDetails:      attempt.ShippingDetails{Name: "Jenny"},
			Outcome:              record.OutcomeGuaranteed, Guaranteed: record.GuaranteedParams{GuaranteedAt: fixtureT0 + 3},
			Description: "retry", Metadata: map[string]string{"try": "2"},
		}},
		{"report_payment_attempt_failed", record.ReportPaymentAttemptFailedParams{FailedAt: fixtureT0, Metadata: map[string]string{"reason": "declined", "old": ""}}},
		{"report_payment_attempt_guaranteed", record.ReportPaymentAttemptGuaranteedParams{GuaranteedAt: fixtureT0, ClearMetadata: true}},
		{"report_payment_attempt_canceled", record.ReportPaymentAttemptCanceledParams{CanceledAt: fixtureT0, Metadata: map[string]string{"by": "user"}}},
		{"report_payment_attempt_informational", record.ReportPaymentAttemptInformationalParams{
			CustomerDetails: attempt.CustomerDetails{Email: "j@example.com"},
			ShippingDetails: attempt.ShippingDetails{Address: addr},
			Description:     "gift", Metadata: map[string]string{"a": "1"},
		}},
		{"report_payment_attempt_informational clears", record.ReportPaymentAttemptInformationalParams{
			ClearShippingDetails: true, ClearDescription: true, ClearMetadata: true,
		}},
		{"report_refund", record.ReportRefundParams{
			Amount: usdCents(250), InitiatedAt: fixtureT0 + 10,
			ProcessorDetails: record.RefundProcessorDetails{Type: "custom", RefundReference: "re_1"},
			Refunded:         record.RefundedParams{RefundedAt: fixtureT0 + 20},
			Metadata:         map[string]string{"ticket": "7"},
		}},
		{"report_refund minimal", record.ReportRefundParams{
			ProcessorDetails: record.RefundProcessorDetails{Type: "custom", RefundReference: "re_2"},
		}},
	}
	byOp := make(map[string]paramsType)
	for _, pt := range allParamsTypes {
		byOp[pt.op] = pt
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := json.Marshal(tt.p)
			require.NoError(t, err)
			require.True(t, json.Valid(b), "%s", b)
			got, err := byOp[tt.p.Op()].decode(b)
			require.NoError(t, err, "%s", b)
			assert.Equal(t, tt.p, got, "%s", b)
		})
	}
}

// TestEntryDecode covers report log lines: {"op","id","params"}.
func TestEntryDecode(t *testing.T) {
	failedLine := func(params string) string {
		return `{"op":"report_payment_attempt_failed","id":"pr_1","params":` + params + `}`
	}
	errs := []struct {
		name  string
		in    string
		param string
		code  string
	}{
		{"op unknown", `{"op":"report_chargeback","id":"pr_1","params":{}}`, "op", ""},
		{"op missing", `{"id":"pr_1","params":{"failed_at":1730211363}}`, "op", payrec.CodeParameterMissing},
		{"op not a string", `{"op":7,"id":"pr_1","params":{}}`, "op", ""},
		{"params missing", `{"op":"report_payment_attempt_failed","id":"pr_1"}`, "params", payrec.CodeParameterMissing},
		{"id missing", `{"op":"report_payment_attempt_failed","params":{"failed_at":1730211363}}`, "id", payrec.CodeParameterMissing},
		{"id forbidden on report_payment", `{"op":"report_payment","id":"pr_1","params":` + reportPaymentType.minimal() + `}`, "id", ""},
		{"unknown key", `{"op":"report_payment_attempt_failed","id":"pr_1","params":{"failed_at":1},"at":1}`, "at", payrec.CodeParameterUnknown},
		{"params not an object", failedLine(`5`), "params", ""},
		{"params missing a parameter", failedLine(`{}`), "params[failed_at]", payrec.CodeParameterMissing},
		{"params unknown key", failedLine(`{"failed_at":1730211363,"reason":"x"}`), "params[reason]", payrec.CodeParameterUnknown},
		{"params bad timestamp", failedLine(`{"failed_at":"soon"}`), "params[failed_at]", payrec.CodeParameterInvalidInteger},
		{"params nested unknown key", `{"op":"report_payment","params":` + reportPaymentType.with(`"outcome":"failed","failed":{"failed_atx":1}`) + `}`, "params[failed][failed_atx]", payrec.CodeParameterUnknown},
		{"params amount unknown key", `{"op":"report_payment","params":` + strings.Replace(reportPaymentType.minimal(), `"value":1000}`, `"value":1000,"cents":1}`, 1) + `}`, "params[amount_requested][cents]", payrec.CodeParameterUnknown},
		{"params deep unknown key", `{"op":"report_refund","id":"pr_1","params":{"outcome":"refunded","processor_details":{"type":"custom","custom":{"refund_reference":"r","x":1}}}}`, "params[processor_details][custom][x]", payrec.CodeParameterUnknown},
		{"malformed", `{"op":`, "", ""},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			var e record.Entry
			err := json.Unmarshal([]byte(tt.in), &e)
			if tt.name == "malformed" {
				// encoding/json rejects malformed input before the decoder
				// sees it; call the decoder itself.
				err = e.UnmarshalJSON([]byte(tt.in))
			}
			assertRejected(t, err, paramRejection(tt.param, tt.code))
			assert.Equal(t, record.Entry{}, e, "a rejected line leaves the entry zero")
		})
	}

	ok := []struct {
		name string
		in   string
		want record.Entry
	}{
		{
			name: "report_payment_attempt_failed", in: failedLine(`{"failed_at":"1730253453"}`),
			want: record.Entry{ID: "pr_1", Report: record.ReportPaymentAttemptFailedParams{FailedAt: 1730253453}},
		},
		{
			name: "report_refund", in: `{"id":"pr_1","params":` + refundType.minimal() + `,"op":"report_refund"}`,
			want: record.Entry{ID: "pr_1", Report: record.ReportRefundParams{
				ProcessorDetails: record.RefundProcessorDetails{Type: "custom", RefundReference: "re_1"},
			}},
		},
	}
	for _, tt := range ok {
		t.Run(tt.name, func(t *testing.T) {
			var e record.Entry
			require.NoError(t, json.Unmarshal([]byte(tt.in), &e))
			assert.Equal(t, tt.want, e)
			assert.Equal(t, "pr_1", e.RecordID())
		})
	}
}

// TestEntryRoundTrip: a log line written for each op reads back equal.
func TestEntryRoundTrip(t *testing.T) {
	entries := []record.Entry{
		{Report: fixturePayment()},
		{ID: fixtureRecordID, Report: secondAttempt()},
		{ID: fixtureRecordID, Report: record.ReportPaymentAttemptFailedParams{FailedAt: fixtureSettledAt}},
		{ID: fixtureRecordID, Report: record.ReportPaymentAttemptGuaranteedParams{GuaranteedAt: fixtureSettledAt, Metadata: map[string]string{"a": "1"}}},
		{ID: fixtureRecordID, Report: record.ReportPaymentAttemptCanceledParams{CanceledAt: fixtureSettledAt, ClearMetadata: true}},
		{ID: fixtureRecordID, Report: record.ReportPaymentAttemptInformationalParams{Description: "d", ClearShippingDetails: true}},
		{ID: fixtureRecordID, Report: record.ReportRefundParams{Amount: usdCents(5), ProcessorDetails: record.RefundProcessorDetails{Type: "custom", RefundReference: "re_1"}}},
	}
	for _, e := range entries {
		t.Run(e.Report.Op(), func(t *testing.T) {
			b, err := json.Marshal(e)
			require.NoError(t, err)
			var m map[string]json.RawMessage
			require.NoError(t, json.Unmarshal(b, &m))
			assert.JSONEq(t, `"`+e.Report.Op()+`"`, string(m["op"]))
			_, hasID := m["id"]
			assert.Equal(t, e.Report.Op() != record.OpReportPayment, hasID, "id is written except for report_payment")
			var got record.Entry
			require.NoError(t, json.Unmarshal(b, &got), "%s", b)
			assert.Equal(t, e, got)
			assert.Equal(t, fixtureRecordID, got.RecordID())
		})
	}
}

// TestDecodeReport: DecodeReport decodes each op's params as that params
// type's UnmarshalJSON does, through the one table of ops, and refuses an
// unknown op with a parameter error.
func TestDecodeReport(t *testing.T) {
	for _, pt := range allParamsTypes {
		t.Run(pt.op, func(t *testing.T) {
			want, err := pt.decode([]byte(pt.minimal()))
			require.NoError(t, err)
			got, err := record.DecodeReport(pt.op, []byte(pt.minimal()))
			require.NoError(t, err)
			assert.Equal(t, pt.op, got.Op())
			wb, err := json.Marshal(want)
			require.NoError(t, err)
			gb, err := json.Marshal(got)
			require.NoError(t, err)
			assert.JSONEq(t, string(wb), string(gb))

			_, want1 := pt.decode([]byte(pt.with(`"bogus":1`)))
			_, got1 := record.DecodeReport(pt.op, []byte(pt.with(`"bogus":1`)))
			var wpe, gpe *payrec.Error
			require.ErrorAs(t, want1, &wpe)
			require.ErrorAs(t, got1, &gpe)
			assert.Equal(t, stripeFields(wpe), stripeFields(gpe))
		})
	}
	_, err := record.DecodeReport("report_nothing", []byte(`{}`))
	var pe *payrec.Error
	require.ErrorAs(t, err, &pe)
	assert.ErrorIs(t, err, payrec.ErrInvalidParameter)
	assert.Equal(t, "op", pe.Param)
	assert.Equal(t, `Unknown op "report_nothing".`, pe.Message)
}
