package record_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/payrec/payrec/attempt"
	"github.com/payrec/payrec/money"
	"github.com/payrec/payrec/record"
	"github.com/payrec/payrec/record/recordtest"
)

// Every accepted report must leave a record whose JSON, and every attempt's,
// is valid for Stripe's OpenAPI schema (testdata/stripe holds the copy): the
// types, enums and lengths it declares, its required members, and no member
// it does not declare.

// openAPI is the components/schemas part of Stripe's OpenAPI document.
type openAPI map[string]map[string]any

var loadSchemas = sync.OnceValues(func() (openAPI, error) {
	data, err := os.ReadFile(filepath.Join("..", "testdata", "stripe", "payment_records.openapi.json"))
	if err != nil {
		return nil, err
	}
	var doc struct {
		Components struct {
			Schemas openAPI `json:"schemas"`
		} `json:"components"`
	}
	err = json.Unmarshal(data, &doc)
	return doc.Components.Schemas, err
})

func schemas(t testing.TB) openAPI {
	t.Helper()
	s, err := loadSchemas()
	require.NoError(t, err)
	require.Contains(t, s, "payment_record")
	return s
}

// validate checks the JSON document data against the named schema and
// returns what is wrong, one line per problem.
func (api openAPI) validate(name string, data []byte) []string {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return []string{"not JSON: " + err.Error()}
	}
	var problems []string
	api.check(api[name], v, name, &problems)
	return problems
}

// check validates v against schema s, the subset of OpenAPI 3.0 that
// Stripe's document uses: $ref, anyOf, oneOf, nullable, type, enum,
// maxLength, properties (closed: a member not declared is an error unless
// additionalProperties allows it), additionalProperties, required, items.
func (api openAPI) check(s map[string]any, v any, at string, problems *[]string) {
	bad := func(format string, args ...any) { *problems = append(*problems, at+": "+fmt.Sprintf(format, args...)) }
	if ref, ok := s["$ref"].(string); ok {
		name := strings.TrimPrefix(ref, "#/components/schemas/")
		target, ok := api[name]
		if !ok {
			bad("unknown $ref %s", ref)
			return
		}
		api.check(target, v, at, problems)
		return
	}
	if v == nil {
		if s["nullable"] != true {
			bad("null, but the schema is not nullable")
		}
		return
	}
	for _, key := range []string{"anyOf", "oneOf"} {
		alts, ok := s[key].([]any)
		if !ok {
			continue
		}
		matched := 0
		var first []string
		for _, alt := range alts {
			var p []string
			api.check(alt.(map[string]any), v, at, &p)
			if len(p) == 0 {
				matched++
			} else if first == nil {
				first = p
			}
		}
		if matched == 0 || key == "oneOf" && matched > 1 {
			bad("%s: %d of %d alternatives match (first failure: %v)", key, matched, len(alts), first)
		}
		return
	}
	if enum, ok := s["enum"].([]any); ok && !slices.Contains(enum, v) {
		bad("%v is not one of %v", v, enum)
	}
	switch typ, _ := s["type"].(string); typ {
	case "string":
		str, ok := v.(string)
		if !ok {
			bad("%v is not a string", v)
			return
		}
		if max, ok := s["maxLength"].(float64); ok && float64(utf8.RuneCountInString(str)) > max {
			bad("string of %d characters, at most %v allowed", utf8.RuneCountInString(str), max)
		}
	case "integer":
		n, ok := v.(json.Number)
		if _, err := n.Int64(); !ok || err != nil {
			bad("%v is not an integer", v)
		}
	case "number":
		if _, ok := v.(json.Number); !ok {
			bad("%v is not a number", v)
		}
	case "boolean":
		if _, ok := v.(bool); !ok {
			bad("%v is not a boolean", v)
		}
	case "array":
		items, ok := v.([]any)
		if !ok {
			bad("%v is not an array", v)
			return
		}
		if is, ok := s["items"].(map[string]any); ok {
			for i, item := range items {
				api.check(is, item, fmt.Sprintf("%s[%d]", at, i), problems)
			}
		}
	case "object":
		obj, ok := v.(map[string]any)
		if !ok {
			bad("%v is not an object", v)
			return
		}
		props, _ := s["properties"].(map[string]any)
		required, _ := s["required"].([]any)
		for _, req := range required {
			if _, ok := obj[req.(string)]; !ok {
				bad("required member %s is missing", req)
			}
		}
		for k, mv := range obj {
			if ps, ok := props[k].(map[string]any); ok {
				api.check(ps, mv, at+"."+k, problems)
				continue
			}
			switch ap := s["additionalProperties"].(type) {
			case map[string]any:
				api.check(ap, mv, at+"."+k, problems)
			case bool:
				if !ap {
					bad("undeclared member %s", k)
				}
			default:
				bad("undeclared member %s", k)
			}
		}
	}
}

// requireValid checks r's JSON and every attempt's against the schema.
func requireValid(t require.TestingT, api openAPI, r *record.Record) {
	b, err := json.Marshal(r)
	require.NoError(t, err)
	require.Empty(t, api.validate("payment_record", b), "payment_record %s", b)
	for _, a := range r.Attempts() {
		b, err := json.Marshal(a)
		require.NoError(t, err)
		require.Empty(t, api.validate("payment_attempt_record", b), "payment_attempt_record %s", b)
	}
}

// TestSchemaValidatorRejects: the validator can fail, on the kinds of
// output the schema forbids.
func TestSchemaValidatorRejects(t *testing.T) {
	api := schemas(t)
	r, err := record.ReportPayment(canonicalParamsT(t))
	require.NoError(t, err)
	good, err := json.Marshal(r)
	require.NoError(t, err)
	require.Empty(t, api.validate("payment_record", good), "the canonical record is valid")

	for name, edit := range map[string]func(m map[string]any){
		"undeclared key":      func(m map[string]any) { m["foo"] = 1 },
		"enum":                func(m map[string]any) { m["customer_presence"] = "sometimes" },
		"type":                func(m map[string]any) { m["created"] = "1730211363" },
		"null not nullable":   func(m map[string]any) { m["livemode"] = nil },
		"required":            func(m map[string]any) { delete(m, "reported_by") },
		"length":              func(m map[string]any) { m["description"] = strings.Repeat("d", 5001) },
		"card brand":          func(m map[string]any) { pmd(m)["card"] = map[string]any{"brand": "notabrand"} },
		"card exp_month text": func(m map[string]any) { pmd(m)["card"] = map[string]any{"exp_month": "12"} },
		"card undeclared key": func(m map[string]any) { pmd(m)["card"] = map[string]any{"foo": 1} },
		"card last4 too long": func(m map[string]any) { pmd(m)["card"] = map[string]any{"last4": strings.Repeat("4", 6000)} },
	} {
		t.Run(name, func(t *testing.T) {
			var m map[string]any
			require.NoError(t, json.Unmarshal(good, &m))
			edit(m)
			b, err := json.Marshal(m)
			require.NoError(t, err)
			assert.NotEmpty(t, api.validate("payment_record", b))
		})
	}
}

func pmd(m map[string]any) map[string]any { return m["payment_method_details"].(map[string]any) }

func canonicalParamsT(t *testing.T) record.ReportPaymentParams {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "canonical.jsonl"))
	require.NoError(t, err)
	var e record.Entry
	require.NoError(t, e.UnmarshalJSON(data[:bytes.IndexByte(data, '\n')]))
	return e.Report.(record.ReportPaymentParams)
}

// nextReports draw each kind of report on a record.
var nextReports = []func(t *rapid.T, r *record.Record) record.Report{
	func(t *rapid.T, r *record.Record) record.Report {
		return recordtest.ReportPaymentAttempt(r).Draw(t, "attempt")
	},
	func(t *rapid.T, r *record.Record) record.Report {
		return recordtest.ReportPaymentAttemptFailed(r).Draw(t, "failed")
	},
	func(t *rapid.T, r *record.Record) record.Report {
		return recordtest.ReportPaymentAttemptGuaranteed(r).Draw(t, "guaranteed")
	},
	func(t *rapid.T, r *record.Record) record.Report {
		return recordtest.ReportPaymentAttemptCanceled(r).Draw(t, "canceled")
	},
	func(t *rapid.T, r *record.Record) record.Report {
		return recordtest.ReportPaymentAttemptInformational(r).Draw(t, "informational")
	},
	func(t *rapid.T, r *record.Record) record.Report { return recordtest.ReportRefund(r).Draw(t, "refund") },
}

// TestSchemaGenerated: records built from drawn reports, after every
// report, encode as Stripe's schema requires.
func TestSchemaGenerated(t *testing.T) {
	api := schemas(t)
	rapid.Check(t, func(t *rapid.T) {
		r, err := record.ReportPayment(recordtest.ReportPayment().Draw(t, "report_payment"))
		require.NoError(t, err)
		requireValid(t, api, r)
		for range rapid.IntRange(0, 8).Draw(t, "reports") {
			draw := rapid.SampledFrom(nextReports).Draw(t, "op")
			rep := draw(t, r)
			_ = r.Apply(rep) // a rejected report changes nothing
			requireValid(t, api, r)
		}
	})
}

// TestSchemaEdges: reports at the edges of what is accepted — strings at
// Stripe's 5000-character limit, in any script, with characters JSON
// escapes; every payment method type; three-decimal and zero-decimal
// currencies — encode as Stripe's schema requires.
func TestSchemaEdges(t *testing.T) {
	api := schemas(t)
	long := strings.Repeat("ß", 5000)
	odd := "<a&b>\u2028\"\\\t日本"
	base := func() record.ReportPaymentParams {
		return record.ReportPaymentParams{
			ID: "pr_edge", AttemptID: "par_edge", Created: 1730211363, InitiatedAt: 1730211363,
			AmountRequested:      money.New(1, money.MustParseCurrency("usd")),
			PaymentMethodDetails: attempt.PaymentMethodDetails{Type: attempt.TypeCustom},
		}
	}
	cases := map[string]func(p *record.ReportPaymentParams){
		"long strings": func(p *record.ReportPaymentParams) {
			p.Description = long
			p.PaymentMethodDetails = attempt.PaymentMethodDetails{PaymentMethod: long,
				BillingDetails: attempt.BillingDetails{Name: long, Email: long, Phone: long,
					Address: attempt.Address{City: long, Country: long, Line1: long, Line2: long, PostalCode: long, State: long}},
				Custom: attempt.CustomDetails{DisplayName: long, Type: long}}
			p.ShippingDetails = attempt.ShippingDetails{Name: long, Phone: long, Address: attempt.Address{Line1: long}}
			p.CustomerDetails = attempt.CustomerDetails{Customer: long, Email: long, Name: long, Phone: long}
			p.ProcessorDetails = attempt.ProcessorDetails{Type: attempt.ProcessorTypeCustom, PaymentReference: long}
		},
		"escaped characters": func(p *record.ReportPaymentParams) {
			p.Description = odd
			p.Metadata = map[string]string{odd: odd}
			p.CustomerDetails = attempt.CustomerDetails{Name: odd}
		},
		"metadata at the limits": func(p *record.ReportPaymentParams) {
			p.Metadata = make(map[string]string)
			for i := range 50 {
				p.Metadata[fmt.Sprintf("%040d", i)] = strings.Repeat("v", 500)
			}
		},
		"kwd guaranteed": func(p *record.ReportPaymentParams) {
			p.AmountRequested = money.New(1_250, money.MustParseCurrency("kwd"))
			p.Outcome, p.Guaranteed = record.OutcomeGuaranteed, record.GuaranteedParams{GuaranteedAt: p.InitiatedAt}
		},
		"jpy failed, off session": func(p *record.ReportPaymentParams) {
			p.AmountRequested = money.New(1<<62, money.MustParseCurrency("jpy"))
			p.Outcome, p.Failed = record.OutcomeFailed, record.FailedParams{FailedAt: p.InitiatedAt + 1}
			p.CustomerPresence = attempt.OffSession
		},
	}
	for _, typ := range []string{"card", "sepa_debit", "us_bank_account", "wechat_pay", "zip"} {
		cases["type "+typ] = func(p *record.ReportPaymentParams) {
			p.PaymentMethodDetails = attempt.PaymentMethodDetails{Type: typ, PaymentMethod: "pm_1"}
		}
	}
	for name, edit := range cases {
		t.Run(name, func(t *testing.T) {
			p := base()
			edit(&p)
			r, err := record.ReportPayment(p)
			require.NoError(t, err)
			requireValid(t, api, r)
			if r.AmountGuaranteed().IsPositive() {
				require.NoError(t, r.ReportRefund(record.ReportRefundParams{
					ProcessorDetails: record.RefundProcessorDetails{RefundReference: long}}))
				requireValid(t, api, r)
			}
		})
	}
}
