package record_test

// Rendering of rejections as Stripe's error envelope
// {"error":{"type","code","param","message"}}, with payrec.Envelope.

import (
	"encoding/json"
	"errors"
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

// parseEnvelope checks that b is {"error":{…}} and nothing else, and
// returns the error object's members.
func parseEnvelope(t *testing.T, b []byte) map[string]any {
	t.Helper()
	require.True(t, json.Valid(b), "envelope is not JSON: %s", b)
	var top map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(b, &top))
	require.Len(t, top, 1, "the envelope has one member: %s", b)
	raw, ok := top["error"]
	require.True(t, ok, `the envelope's member is "error": %s`, b)
	var obj map[string]any
	require.NoError(t, json.Unmarshal(raw, &obj))
	return obj
}

func TestEnvelopeOfRejections(t *testing.T) {
	guaranteed := inState(payrec.Guaranteed)
	tests := []struct {
		name string
		err  func(t *testing.T) error
		// want holds type, code and param as the envelope must show them
		// (absent when empty); the message is checked separately.
		want     map[string]any
		contains []string
	}{
		{
			name: "failed on guaranteed",
			err: func(t *testing.T) error {
				return guaranteed(t).ReportPaymentAttemptFailed(record.ReportPaymentAttemptFailedParams{FailedAt: fixtureSettledAt + 1})
			},
			want:     map[string]any{"type": "invalid_request_error"},
			contains: []string{"Cannot fail", "guaranteed", "10.00 USD"},
		},
		{
			name: "refund exceeds",
			err: func(t *testing.T) error {
				return guaranteed(t).ReportRefund(refund("re_1", usdCents(1001)))
			},
			want: map[string]any{"type": "invalid_request_error", "code": "amount_too_large", "param": "amount",
				"doc_url": "https://docs.stripe.com/error-codes/amount-too-large"},
			contains: []string{"Cannot refund 10.01 USD", "only 10.00 USD guaranteed remains"},
		},
		{
			name: "refund currency mismatch",
			err: func(t *testing.T) error {
				return guaranteed(t).ReportRefund(refund("re_1", money.New(100, fixtureEUR)))
			},
			want:     map[string]any{"type": "invalid_request_error", "param": "amount[currency]"},
			contains: []string{"EUR"},
		},
		{
			name: "metadata set and cleared",
			err: func(t *testing.T) error {
				return guaranteed(t).ReportPaymentAttemptInformational(record.ReportPaymentAttemptInformationalParams{
					Metadata: map[string]string{"a": "1"}, ClearMetadata: true,
				})
			},
			want: map[string]any{"type": "invalid_request_error", "code": "parameters_exclusive", "param": "metadata",
				"doc_url": "https://docs.stripe.com/error-codes/parameters-exclusive"},
			contains: []string{"metadata"},
		},
		{
			name: "duplicate attempt_id",
			err: func(t *testing.T) error {
				r := fixtureInState(t, payrec.Failed)
				p := secondAttempt()
				p.AttemptID = fixtureAttemptID
				return r.ReportPaymentAttempt(p)
			},
			want: map[string]any{"type": "invalid_request_error", "code": "resource_already_exists", "param": "attempt_id",
				"doc_url": "https://docs.stripe.com/error-codes/resource-already-exists"},
			contains: []string{fixtureAttemptID},
		},
		{
			name: "unknown nested parameter",
			err: func(t *testing.T) error {
				var p record.ReportPaymentParams
				return p.UnmarshalJSON([]byte(reportPaymentType.with(`"outcome":"failed","failed":{"failed_atx":1730211363}`)))
			},
			want: map[string]any{"type": "invalid_request_error", "code": "parameter_unknown", "param": "failed[failed_atx]",
				"doc_url": "https://docs.stripe.com/error-codes/parameter-unknown"},
			contains: []string{"failed[failed_atx]"},
		},
		{
			name: "missing parameter",
			err: func(t *testing.T) error {
				var p record.ReportPaymentAttemptFailedParams
				return p.UnmarshalJSON([]byte(`{}`))
			},
			want: map[string]any{"type": "invalid_request_error", "code": "parameter_missing", "param": "failed_at",
				"doc_url": "https://docs.stripe.com/error-codes/parameter-missing"},
			contains: []string{"failed_at"},
		},
		{
			name: "invalid timestamp",
			err: func(t *testing.T) error {
				var p record.ReportPaymentAttemptFailedParams
				return p.UnmarshalJSON([]byte(`{"failed_at":1.5}`))
			},
			want: map[string]any{"type": "invalid_request_error", "code": "parameter_invalid_integer", "param": "failed_at",
				"doc_url": "https://docs.stripe.com/error-codes/parameter-invalid-integer"},
			contains: []string{"1.5"},
		},
		{
			name: "wrapped by Replay",
			err: func(t *testing.T) error {
				_, err := record.Replay(fixturePayment(), record.ReportRefundParams{
					ProcessorDetails: record.RefundProcessorDetails{RefundReference: "re_1"},
				})
				return err
			},
			want:     map[string]any{"type": "invalid_request_error"},
			contains: []string{"pending"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.err(t)
			require.Error(t, err)
			var pe *payrec.Error
			require.ErrorAs(t, err, &pe)

			got := parseEnvelope(t, payrec.Envelope(err))
			msg, ok := got["message"].(string)
			require.True(t, ok, "message is a string: %v", got)
			delete(got, "message")
			assert.Equal(t, tt.want, got)
			assert.Equal(t, pe.Message, msg, "the envelope carries the payrec.Error's message")
			for _, s := range tt.contains {
				assert.Contains(t, msg, s)
			}
			assert.NotContains(t, msg, "record:", "the message an API user reads names no Go package")
			assert.True(t, strings.HasPrefix(err.Error(), "record: "), "Error() keeps the Go context: %s", err)

			// The error object alone is what *payrec.Error marshals to.
			b, merr := json.Marshal(pe)
			require.NoError(t, merr)
			var alone map[string]any
			require.NoError(t, json.Unmarshal(b, &alone))
			got["message"] = msg
			assert.Equal(t, got, alone)
		})
	}
}

// TestEnvelopeOfOtherErrors: an error that is no *payrec.Error is not a
// rejection payrec knows (a failed read, a database down): the envelope is
// Stripe's api_error with a plain sentence, never the Go text, which may
// hold anything (a path, a DSN) and which only Error() and logs carry. A nil
// *payrec.Error is rendered the same way.
func TestEnvelopeOfOtherErrors(t *testing.T) {
	internal := map[string]any{"type": "api_error", "message": "An internal error occurred."}
	tests := []struct {
		name string
		err  error
		want map[string]any
	}{
		{name: "plain error", err: errors.New("secret db password=x"), want: internal},
		{name: "wrapped sentinel", err: fmt.Errorf("ledger: %w", money.ErrCurrencyMismatch), want: internal},
		{name: "characters JSON escapes", err: errors.New("bad \"quote\" <tag> & \\ \n é"), want: internal},
		{name: "nil *payrec.Error", err: (*payrec.Error)(nil), want: internal},
		{name: "nil *payrec.Error wrapped", err: fmt.Errorf("x: %w", (*payrec.Error)(nil)), want: internal},
		{
			name: "payrec.Error without a type",
			err:  &payrec.Error{Code: payrec.CodeParameterMissing, Param: "failed_at", Message: "record: missing failed_at"},
			want: map[string]any{"type": "invalid_request_error", "code": "parameter_missing", "param": "failed_at",
				"message": "record: missing failed_at", "doc_url": "https://docs.stripe.com/error-codes/parameter-missing"},
		},
		{
			name: "payrec.Error wrapped twice",
			err: fmt.Errorf("outer: %w", fmt.Errorf("inner: %w",
				&payrec.Error{Type: payrec.ErrorType, Param: "amount", Message: "record: too much"})),
			want: map[string]any{"type": "invalid_request_error", "param": "amount", "message": "record: too much"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, parseEnvelope(t, payrec.Envelope(tt.err)))
		})
	}
}

func TestEnvelopeOfNil(t *testing.T) {
	assert.Nil(t, payrec.Envelope(nil))
	var e *payrec.Error
	assert.Equal(t, "", e.DocURL())
	b, err := e.MarshalJSON()
	require.NoError(t, err)
	assert.JSONEq(t, `{"type":"api_error","message":"An internal error occurred."}`, string(b))
}

// TestEnvelopeOfLogLine: a rejected log line renders with the nested param
// name; its line number is Go context, in Error() but not in the message.
func TestEnvelopeOfLogLine(t *testing.T) {
	log := `{"op":"report_payment","params":` + reportPaymentType.minimal() + "}\n" +
		`{"op":"report_payment_attempt_failed","id":"pr_1","params":{"failed_at":"later"}}` + "\n"
	_, err := record.ReplayLog(strings.NewReader(log))
	require.Error(t, err)
	got := parseEnvelope(t, payrec.Envelope(err))
	assert.Equal(t, "invalid_request_error", got["type"])
	assert.Equal(t, "parameter_invalid_integer", got["code"])
	assert.Equal(t, "params[failed_at]", got["param"])
	assert.Equal(t, "Invalid integer: params[failed_at] must be a Unix timestamp in whole seconds, got \"later\".", got["message"])
	assert.Contains(t, err.Error(), "record: report log line 2: Invalid integer")
}

// TestEnumTextErrorsAreParameterErrors: the enum parsers and UnmarshalText
// methods reject an unknown name with a *payrec.Error matching
// payrec.ErrInvalidParameter, also when encoding/json calls them for an
// importer's own struct, with a message in the API's words.
func TestEnumTextErrorsAreParameterErrors(t *testing.T) {
	var importer struct {
		Presence attempt.CustomerPresence `json:"presence"`
		Outcome  record.Outcome           `json:"outcome"`
		State    payrec.State             `json:"state"`
		Event    payrec.Event             `json:"event"`
	}
	tests := []struct {
		name    string
		err     error
		param   string
		message string
	}{
		{"ParseCustomerPresence", func() error { _, err := attempt.ParseCustomerPresence("sometimes"); return err }(),
			"customer_presence", `Invalid customer_presence: must be one of on_session or off_session, got "sometimes".`},
		{"CustomerPresence in JSON", json.Unmarshal([]byte(`{"presence":"On_Session"}`), &importer),
			"customer_presence", `Invalid customer_presence: must be one of on_session or off_session, got "On_Session".`},
		{"Outcome in JSON", json.Unmarshal([]byte(`{"outcome":"refunded"}`), &importer),
			"outcome", `Invalid outcome: must be one of guaranteed or failed, got "refunded".`},
		{"ParseState", func() error { _, err := payrec.ParseState("Pending"); return err }(),
			"", `Invalid state: must be one of pending, guaranteed, failed or canceled, got "Pending".`},
		{"State in JSON", json.Unmarshal([]byte(`{"state":"done"}`), &importer),
			"", `Invalid state: must be one of pending, guaranteed, failed or canceled, got "done".`},
		{"ParseEvent", func() error { _, err := payrec.ParseEvent("refund"); return err }(),
			"", `Invalid event: must be one of guarantee, fail or cancel, got "refund".`},
		{"Event in JSON", json.Unmarshal([]byte(`{"event":""}`), &importer),
			"", `Invalid event: must be one of guarantee, fail or cancel, got "".`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var pe *payrec.Error
			require.ErrorAs(t, tt.err, &pe)
			assert.ErrorIs(t, tt.err, payrec.ErrInvalidParameter)
			assert.Equal(t, [3]string{payrec.ErrorType, tt.param, tt.message}, [3]string{pe.Type, pe.Param, pe.Message})
		})
	}
}
