package record_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/payrec/payrec"
	"github.com/payrec/payrec/attempt"
	"github.com/payrec/payrec/money"
	"github.com/payrec/payrec/record"
)

// TestErrorTable is payrec's error table as an API user meets it: every kind
// of rejection with Stripe's code, the param in bracket form, the exact
// message, the doc_url the envelope carries for a standard code, and the
// sentinel a Go caller matches. Where the parameters can arrive both as Go
// values and as JSON, both ways must give the same code, param and message;
// only Error(), which keeps the Go context, may differ.
func TestErrorTable(t *testing.T) {
	pending := inState(payrec.Pending)
	guaranteed := inState(payrec.Guaranteed)
	failed := inState(payrec.Failed)
	// viaJSON decodes body as pt's params and applies them to the record
	// setup makes (report_payment creates one instead).
	viaJSON := func(setup func(testing.TB) *record.Record, pt paramsType, body string) func(*testing.T) error {
		return func(t *testing.T) error {
			rep, err := pt.decode([]byte(body))
			if err != nil {
				return err
			}
			if p, ok := rep.(record.ReportPaymentParams); ok && setup == nil {
				_, err := record.ReportPayment(p)
				return err
			}
			return setup(t).Apply(rep)
		}
	}
	viaGo := func(setup func(testing.TB) *record.Record, rep record.Report) func(*testing.T) error {
		return func(t *testing.T) error {
			if p, ok := rep.(record.ReportPaymentParams); ok && setup == nil {
				_, err := record.ReportPayment(p)
				return err
			}
			return setup(t).Apply(rep)
		}
	}
	payment := func(edit func(*record.ReportPaymentParams)) record.ReportPaymentParams {
		p := fixturePayment()
		edit(&p)
		return p
	}
	usd1000 := `"amount_requested":{"currency":"usd","value":1000}`
	paymentJSON := func(replace, with string) string {
		return strings.Replace(reportPaymentType.minimal(), replace, with, 1)
	}

	tests := []struct {
		name           string
		goWay, jsonWay func(*testing.T) error // either may be nil: not reachable that way
		code, param    string
		message        string
		is             error
	}{
		// Parameters: missing, unknown, malformed.
		{
			name:    "missing parameter",
			goWay:   viaGo(nil, payment(func(p *record.ReportPaymentParams) { p.InitiatedAt = 0 })),
			jsonWay: viaJSON(nil, reportPaymentType, reportPaymentType.without("initiated_at")),
			code:    payrec.CodeParameterMissing, param: "initiated_at",
			message: "Missing required param: initiated_at.", is: record.ErrInvalidParameter,
		},
		{
			name:    "missing nested parameter",
			goWay:   viaGo(guaranteed, refund("", usdCents(100))),
			jsonWay: viaJSON(guaranteed, refundType, `{"outcome":"refunded","processor_details":{"type":"custom","custom":{}}}`),
			code:    payrec.CodeParameterMissing, param: "processor_details[custom][refund_reference]",
			message: "Missing required param: processor_details[custom][refund_reference].", is: record.ErrInvalidParameter,
		},
		{
			name:    "unknown parameter",
			jsonWay: viaJSON(pending, failedType, failedType.with(`"reason":"x"`)),
			code:    payrec.CodeParameterUnknown, param: "reason",
			message: "Received unknown parameter: reason.", is: record.ErrInvalidParameter,
		},
		{
			name:    "parameter given twice",
			jsonWay: viaJSON(pending, failedType, failedType.with(`"failed_at":1730211400`)),
			param:   "failed_at", message: "Parameter failed_at is given twice.", is: record.ErrInvalidParameter,
		},
		{
			name:    "malformed JSON",
			jsonWay: viaJSON(pending, failedType, `{"failed_at":`),
			message: "Malformed JSON for the parameters: unexpected end of JSON input after byte 13.",
			is:      record.ErrInvalidParameter,
		},
		{
			name:    "not a hash",
			jsonWay: viaJSON(pending, failedType, `["failed_at"]`),
			message: "Invalid hash: the parameters must be a hash (a JSON object), got an array.",
			is:      record.ErrInvalidParameter,
		},
		{
			name:    "not a string",
			jsonWay: viaJSON(pending, informationalType, `{"description":5}`),
			param:   "description", message: "Invalid string: description must be a string, got a number.",
			is: record.ErrInvalidParameter,
		},
		{
			name:    "not a boolean",
			jsonWay: viaJSON(nil, reportPaymentType, reportPaymentType.with(`"livemode":"yes"`)),
			param:   "livemode", message: "Invalid boolean: livemode must be true or false, got a string.",
			is: record.ErrInvalidParameter,
		},
		{
			name:    "expand not an array of strings",
			jsonWay: viaJSON(pending, failedType, failedType.with(`"expand":"x"`)),
			param:   "expand", message: "Invalid array: expand must be an array of strings.",
			is: record.ErrInvalidParameter,
		},
		// Integers and timestamps.
		{
			name:    "timestamp not an integer",
			jsonWay: viaJSON(pending, failedType, `{"failed_at":1.5}`),
			code:    payrec.CodeParameterInvalidInteger, param: "failed_at",
			message: "Invalid integer: failed_at must be a Unix timestamp in whole seconds, got 1.5.",
			is:      record.ErrInvalidParameter,
		},
		{
			name:    "negative timestamp",
			goWay:   viaGo(pending, record.ReportPaymentAttemptFailedParams{FailedAt: -5}),
			jsonWay: viaJSON(pending, failedType, `{"failed_at":-5}`),
			code:    payrec.CodeParameterInvalidInteger, param: "failed_at",
			message: "Invalid integer: failed_at must be a positive Unix timestamp, got -5.",
			is:      record.ErrInvalidParameter,
		},
		{
			name:    "timestamp before the attempt started",
			goWay:   viaGo(pending, record.ReportPaymentAttemptFailedParams{FailedAt: fixtureT0 - 1}),
			jsonWay: viaJSON(pending, failedType, `{"failed_at":1730211362}`),
			param:   "failed_at",
			message: "Invalid timestamp: failed_at 1730211362 is before the attempt's initiated_at 1730211363.",
			is:      record.ErrInvalidParameter,
		},
		// Amounts.
		{
			name:    "amount value out of range",
			jsonWay: viaJSON(nil, reportPaymentType, paymentJSON(usd1000, `"amount_requested":{"currency":"usd","value":99999999999999999999}`)),
			code:    payrec.CodeParameterInvalidInteger, param: "amount_requested[value]",
			message: "Invalid integer: amount_requested[value] is out of range, got 99999999999999999999.",
			is:      money.ErrOverflow,
		},
		{
			name:    "amount value not an integer",
			jsonWay: viaJSON(nil, reportPaymentType, paymentJSON(usd1000, `"amount_requested":{"currency":"usd","value":10.5}`)),
			code:    payrec.CodeParameterInvalidInteger, param: "amount_requested[value]",
			message: "Invalid integer: amount_requested[value] must be a whole number of the currency's minor units, got 10.5.",
			is:      money.ErrNotInteger,
		},
		{
			name:    "unknown currency",
			jsonWay: viaJSON(nil, reportPaymentType, paymentJSON(usd1000, `"amount_requested":{"currency":"usx","value":1000}`)),
			param:   "amount_requested[currency]",
			message: `Invalid currency: "usx" is not a currency code payrec knows.`, is: money.ErrUnknownCurrency,
		},
		{
			name:    "amount without currency",
			jsonWay: viaJSON(nil, reportPaymentType, paymentJSON(usd1000, `"amount_requested":{"value":1000}`)),
			code:    payrec.CodeParameterMissing, param: "amount_requested[currency]",
			message: "Missing required param: amount_requested[currency].", is: money.ErrMissingField,
		},
		{
			name: "amount not positive",
			goWay: viaGo(nil, payment(func(p *record.ReportPaymentParams) {
				p.AmountRequested = usdCents(0)
			})),
			jsonWay: viaJSON(nil, reportPaymentType, paymentJSON(usd1000, `"amount_requested":{"currency":"usd","value":0}`)),
			code:    payrec.CodeAmountTooSmall, param: "amount_requested[value]",
			message: "Invalid amount: amount_requested must be positive, got 0.00 USD.", is: record.ErrInvalidParameter,
		},
		{
			name:    "refund amount not positive",
			goWay:   viaGo(guaranteed, refund("re_1", usdCents(-100))),
			jsonWay: viaJSON(guaranteed, refundType, refundType.with(`"amount":{"currency":"usd","value":-100}`)),
			code:    payrec.CodeAmountTooSmall, param: "amount[value]",
			message: "The refund amount must be positive, got -1.00 USD.", is: record.ErrInvalidParameter,
		},
		{
			name:    "refund in another currency",
			goWay:   viaGo(guaranteed, refund("re_1", money.New(100, fixtureEUR))),
			jsonWay: viaJSON(guaranteed, refundType, refundType.with(`"amount":{"currency":"eur","value":100}`)),
			param:   "amount[currency]", message: "Cannot refund 1.00 EUR from a record in usd.",
			is: money.ErrCurrencyMismatch,
		},
		{
			name:    "refund larger than what is left",
			goWay:   viaGo(guaranteed, refund("re_1", usdCents(1001))),
			jsonWay: viaJSON(guaranteed, refundType, refundType.with(`"amount":{"currency":"usd","value":1001}`)),
			code:    payrec.CodeAmountTooLarge, param: "amount",
			message: "Cannot refund 10.01 USD: only 10.00 USD guaranteed remains on pr_fixture (0.00 USD already refunded).",
			is:      record.ErrRefundExceeds,
		},
		{
			name: "refund when nothing is left",
			goWay: viaGo(func(t testing.TB) *record.Record {
				r := guaranteed(t)
				require.NoError(t, r.ReportRefund(refund("re_1", money.Amount{})))
				return r
			}, refund("re_2", money.Amount{})),
			param:   "amount",
			message: "Cannot refund the rest of pr_fixture: nothing is left to refund (attempt par_fixture_1: 10.00 USD guaranteed, all of it refunded).",
			is:      record.ErrNothingLeft,
		},
		// Enums.
		{
			name:    "unknown outcome",
			jsonWay: viaJSON(nil, reportPaymentType, reportPaymentType.with(`"outcome":"refunded"`)),
			param:   "outcome", message: `Invalid outcome: must be one of guaranteed or failed, got "refunded".`,
			is: record.ErrInvalidParameter,
		},
		{
			name:    "unknown customer_presence",
			jsonWay: viaJSON(nil, reportPaymentType, reportPaymentType.with(`"customer_presence":"present"`)),
			param:   "customer_presence",
			message: `Invalid customer_presence: must be one of on_session or off_session, got "present".`,
			is:      record.ErrInvalidParameter,
		},
		{
			name: "unknown payment method type",
			goWay: viaGo(nil, payment(func(p *record.ReportPaymentParams) {
				p.PaymentMethodDetails = attempt.PaymentMethodDetails{Type: "cash"}
			})),
			jsonWay: viaJSON(nil, reportPaymentType, paymentJSON(pmdJS, `{"type":"cash"}`)),
			param:   "payment_method_details[type]",
			message: `Invalid payment_method_details[type]: "cash" is not one of Stripe's payment method types.`,
			is:      record.ErrInvalidParameter,
		},
		{
			name: "unknown processor type",
			goWay: viaGo(guaranteed, record.ReportRefundParams{
				ProcessorDetails: record.RefundProcessorDetails{Type: "adyen", RefundReference: "re_1"},
			}),
			jsonWay: viaJSON(guaranteed, refundType,
				`{"outcome":"refunded","processor_details":{"type":"adyen","custom":{"refund_reference":"re_1"}}}`),
			param: "processor_details[type]", message: `Invalid processor_details[type]: must be custom, got "adyen".`,
			is: record.ErrInvalidParameter,
		},
		{
			name:    "refund outcome other than refunded",
			jsonWay: viaJSON(guaranteed, refundType, strings.Replace(refundType.minimal(), `"refunded"`, `"failed"`, 1)),
			param:   "outcome", message: `Invalid outcome: must be refunded, got "failed".`,
			is: record.ErrInvalidParameter,
		},
		{
			name: "outcome without its timestamp hash",
			goWay: viaGo(nil, payment(func(p *record.ReportPaymentParams) {
				p.Guaranteed = record.GuaranteedParams{GuaranteedAt: fixtureT0}
			})),
			jsonWay: viaJSON(nil, reportPaymentType, reportPaymentType.with(`"guaranteed":{"guaranteed_at":1730211363}`)),
			param:   "guaranteed", message: "The guaranteed hash is given without outcome guaranteed.",
			is: record.ErrInvalidParameter,
		},
		// Strings, IDs and metadata.
		{
			name: "string too long",
			goWay: viaGo(pending, record.ReportPaymentAttemptInformationalParams{
				Description: strings.Repeat("é", 5001),
			}),
			jsonWay: viaJSON(pending, informationalType, `{"description":"`+strings.Repeat("é", 5001)+`"}`),
			param:   "description", message: "Invalid string: description is 5001 characters long; it must be at most 5000.",
			is: record.ErrInvalidParameter,
		},
		{
			name:    "string not UTF-8",
			goWay:   viaGo(pending, record.ReportPaymentAttemptInformationalParams{Description: "caf\xe9"}),
			jsonWay: viaJSON(pending, informationalType, "{\"description\":\"caf\xe9\"}"),
			code:    payrec.CodeInvalidCharacters, param: "description",
			message: "Invalid string: description holds bytes that are not UTF-8 text.", is: record.ErrInvalidParameter,
		},
		{
			name:    "ID with white space",
			goWay:   viaGo(nil, payment(func(p *record.ReportPaymentParams) { p.ID = "pr 1" })),
			jsonWay: viaJSON(nil, reportPaymentType, paymentJSON(`"id":"pr_1"`, `"id":"pr 1"`)),
			code:    payrec.CodeInvalidCharacters, param: "id",
			message: `Invalid string: id "pr 1" holds white space or a control character.`, is: record.ErrInvalidParameter,
		},
		{
			name: "too many metadata keys",
			goWay: viaGo(pending, record.ReportPaymentAttemptInformationalParams{
				Metadata: metadataN("k", 51),
			}),
			param: "metadata", message: "Invalid metadata: it would have 51 keys; a record may have at most 50.",
			is: record.ErrInvalidParameter,
		},
		{
			name: "metadata key with a bracket",
			goWay: viaGo(pending, record.ReportPaymentAttemptInformationalParams{
				Metadata: map[string]string{"a[b": "x"},
			}),
			jsonWay: viaJSON(pending, informationalType, `{"metadata":{"a[b":"x"}}`),
			param:   "metadata", message: `Invalid metadata: key "a[b" must not contain '[' or ']'.`,
			is: record.ErrInvalidParameter,
		},
		{
			name: "metadata value too long",
			goWay: viaGo(pending, record.ReportPaymentAttemptInformationalParams{
				Metadata: map[string]string{"k": strings.Repeat("v", 501)},
			}),
			jsonWay: viaJSON(pending, informationalType, `{"metadata":{"k":"`+strings.Repeat("v", 501)+`"}}`),
			param:   "metadata[k]", message: `Invalid string: metadata[k] is 501 characters long; it must be at most 500.`,
			is: record.ErrInvalidParameter,
		},
		{
			name: "metadata update naming too many keys",
			goWay: viaGo(pending, record.ReportPaymentAttemptInformationalParams{
				Metadata: metadataN("k", 101),
			}),
			jsonWay: viaJSON(pending, informationalType, func() string {
				b, err := json.Marshal(map[string]any{"metadata": metadataN("k", 101)})
				require.NoError(t, err)
				return string(b)
			}()),
			param: "metadata", message: "Invalid metadata: a report may name at most 100 keys (50 to set and 50 to remove).",
			is: record.ErrInvalidParameter,
		},
		{
			name: "metadata set and cleared",
			goWay: viaGo(pending, record.ReportPaymentAttemptInformationalParams{
				Metadata: map[string]string{"k": "v"}, ClearMetadata: true,
			}),
			code: payrec.CodeParametersExclusive, param: "metadata",
			message: "Cannot both clear and set metadata in one report.", is: record.ErrInvalidParameter,
		},
		// The record's state.
		{
			name:    "lifecycle conflict",
			goWay:   viaGo(guaranteed, record.ReportPaymentAttemptFailedParams{FailedAt: fixtureSettledAt + 1}),
			jsonWay: viaJSON(guaranteed, failedType, `{"failed_at":1730211464}`),
			message: "Cannot fail the latest attempt par_fixture_1 of pr_fixture: it was guaranteed at 1730211463 " +
				"(10.00 USD guaranteed, 0.00 USD refunded).",
			is: payrec.ErrInvalidTransition,
		},
		{
			name:    "duplicate report",
			goWay:   viaGo(failed, record.ReportPaymentAttemptFailedParams{FailedAt: fixtureSettledAt}),
			jsonWay: viaJSON(failed, failedType, `{"failed_at":1730211463}`),
			message: "Duplicate report: the latest attempt par_fixture_1 of pr_fixture was already failed at 1730211463.",
			is:      record.ErrDuplicate,
		},
		{
			name:    "new attempt while one is pending",
			goWay:   viaGo(pending, secondAttempt()),
			message: "Cannot report a new attempt on pr_fixture: its latest attempt par_fixture_1 is still pending (10.00 USD requested).",
			is:      record.ErrAttemptPending,
		},
		{
			name:  "new attempt once funds are guaranteed",
			goWay: viaGo(guaranteed, secondAttempt()),
			message: "Cannot report a new attempt on pr_fixture: attempt par_fixture_1 was guaranteed at 1730211463 " +
				"(10.00 USD guaranteed, 0.00 USD refunded).",
			is: record.ErrFundsGuaranteed,
		},
		{
			name:  "refund without guaranteed funds",
			goWay: viaGo(failed, refund("re_1", money.Amount{})),
			message: "Cannot refund pr_fixture: its latest attempt par_fixture_1 is failed; " +
				"only guaranteed funds can be refunded.",
			is: record.ErrNoGuaranteedFunds,
		},
		{
			name: "attempt_id already used",
			goWay: viaGo(failed, func() record.Report {
				p := secondAttempt()
				p.AttemptID = fixtureAttemptID
				return p
			}()),
			code: payrec.CodeResourceAlreadyExists, param: "attempt_id",
			message: `The attempt_id "par_fixture_1" is already used by an attempt of pr_fixture.`,
			is:      record.ErrDuplicateAttemptID,
		},
		{
			name: "refund reference already used",
			goWay: viaGo(func(t testing.TB) *record.Record {
				r := guaranteed(t)
				require.NoError(t, r.ReportRefund(refund("re_1", usdCents(300))))
				return r
			}, refund("re_1", usdCents(200))),
			code: payrec.CodeResourceAlreadyExists, param: "processor_details[custom][refund_reference]",
			message: `Refund reference "re_1" is already used on pr_fixture by a refund of 3.00 USD.`,
			is:      record.ErrDuplicateRefundReference,
		},
		{
			name:  "record already exists",
			goWay: viaGo(pending, payment(func(p *record.ReportPaymentParams) { p.AttemptID = "par_other" })),
			code:  payrec.CodeResourceAlreadyExists, param: "id",
			message: `Payment record "pr_fixture" already exists.`, is: record.ErrRecordExists,
		},
		{
			name: "log line for another record",
			goWay: func(t *testing.T) error {
				log := `{"op":"report_payment","params":` + reportPaymentType.minimal() + "}\n" +
					`{"op":"report_payment_attempt_failed","id":"pr_2","params":{"failed_at":1730211400}}` + "\n"
				_, err := record.ReplayLog(strings.NewReader(log))
				return err
			},
			code: payrec.CodeResourceMissing, param: "id",
			message: `The line names record "pr_2", not "pr_1".`, is: record.ErrRecordMismatch,
		},
		{
			name: "log line of an unknown op",
			goWay: func(t *testing.T) error {
				_, err := record.NewLogReader(strings.NewReader(`{"op":"report_dispute","id":"pr_1","params":{}}`)).Next()
				return err
			},
			param: "op", message: `Unknown op "report_dispute".`, is: record.ErrInvalidParameter,
		},
		{
			name: "log line too long",
			goWay: func(t *testing.T) error {
				line := `{"op":"report_payment_attempt_failed","id":"` + strings.Repeat("x", record.MaxLogLine) + `","params":{}}`
				_, err := record.NewLogReader(strings.NewReader(line)).Next()
				return err
			},
			message: "The line is longer than 1048576 bytes.", is: record.ErrLineTooLong,
		},
		{
			name: "report on the zero Record",
			goWay: func(t *testing.T) error {
				return new(record.Record).Apply(record.ReportPaymentAttemptFailedParams{FailedAt: 1})
			},
			message: "The record has no attempt; records are created by report_payment.", is: payrec.ErrInvalidTransition,
		},
		{
			name:    "no report",
			goWay:   viaGo(pending, nil),
			message: "No report was given.", is: record.ErrInvalidParameter,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.True(t, tt.goWay != nil || tt.jsonWay != nil, "a row needs a way to the rejection")
			for way, run := range map[string]func(*testing.T) error{"Go": tt.goWay, "JSON": tt.jsonWay} {
				if run == nil {
					continue
				}
				err := run(t)
				require.Error(t, err, "via %s", way)
				var pe *payrec.Error
				require.ErrorAs(t, err, &pe, "via %s", way)
				assert.Equal(t, payrec.ErrorType, pe.Type, "via %s: type", way)
				assert.Equal(t, tt.code, pe.Code, "via %s: code", way)
				assert.Equal(t, tt.param, pe.Param, "via %s: param", way)
				assert.Equal(t, tt.message, pe.Message, "via %s: message", way)
				assert.ErrorIs(t, err, tt.is, "via %s", way)
				assertMessage(t, pe)

				var env struct {
					Error map[string]string `json:"error"`
				}
				require.NoError(t, json.Unmarshal(payrec.Envelope(err), &env))
				wantURL := ""
				if tt.code != "" {
					wantURL = "https://docs.stripe.com/error-codes/" + strings.ReplaceAll(tt.code, "_", "-")
				}
				assert.Equal(t, wantURL, env.Error["doc_url"], "via %s: doc_url", way)
				assert.Equal(t, tt.message, env.Error["message"], "via %s: envelope message", way)
			}
		})
	}
}
