package record_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/payrec/payrec"
	"github.com/payrec/payrec/record"
)

// TestInvalidUTF8SameEverywhere: text that is not UTF-8 is rejected on the
// JSON path as the Go API rejects it — the same code, param and message —
// rather than turned into U+FFFD, which made "pr_\xff" and "pr_\xfe" the
// same record ID. An escaped lone surrogate (\ud800) is no text either.
func TestInvalidUTF8SameEverywhere(t *testing.T) {
	tests := invalidUTF8Cases()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			goErr := applyUTF8Case(t, tt.record, tt.goRep)
			var want *payrec.Error
			require.ErrorAs(t, goErr, &want)
			assert.Equal(t, payrec.CodeInvalidCharacters, want.Code)
			assert.Equal(t, tt.param, want.Param)
			for _, body := range tt.json {
				rep, err := tt.pt.decode([]byte(body))
				if err == nil { // some rules apply with the record
					err = applyUTF8Case(t, tt.record, rep)
				}
				var got *payrec.Error
				require.ErrorAs(t, err, &got, "%q", body)
				assert.Equal(t, want.Code, got.Code, "%q: code", body)
				assert.Equal(t, want.Param, got.Param, "%q: param", body)
				assert.Equal(t, want.Message, got.Message, "%q: message", body)
				assert.ErrorIs(t, err, record.ErrInvalidParameter)
			}
		})
	}
}

// TestLogLineWithInvalidUTF8: a log line whose id is not UTF-8 is rejected,
// not applied to the record whose ID it would read as after U+FFFD; lines
// for "pr_\xff" and "pr_\xfe" no longer name one record.
func TestLogLineWithInvalidUTF8(t *testing.T) {
	for _, id := range []string{"pr_\xff", "pr_\xfe", `pr_\ud800`} {
		line := `{"op":"report_payment_attempt_failed","id":"` + id + `","params":{"failed_at":1730211400}}`
		_, err := record.NewLogReader(strings.NewReader(line)).Next()
		var pe *payrec.Error
		require.ErrorAs(t, err, &pe, "%q", line)
		assert.Equal(t, payrec.CodeInvalidCharacters, pe.Code)
		assert.Equal(t, "id", pe.Param)
		assert.Equal(t, "Invalid string: id holds bytes that are not UTF-8 text.", pe.Message)
	}
	// U+FFFD itself, spelled out, is text.
	e, err := record.NewLogReader(strings.NewReader(`{"op":"report_payment_attempt_failed","id":"pr_\ufffd","params":{"failed_at":1}}`)).Next()
	require.NoError(t, err)
	assert.Equal(t, "pr_\ufffd", e.ID)
}

type invalidUTF8Case struct {
	name   string
	goRep  record.Report // nil: not expressible as a Go value
	json   []string      // params of the same report, each way of spelling the bad text
	pt     paramsType
	record func(testing.TB) *record.Record // nil for report_payment
	param  string
}

// invalidUTF8Cases are reports holding text that is not UTF-8, each as a
// Go value and as JSON.
func invalidUTF8Cases() []invalidUTF8Case {
	pending := inState(payrec.Pending)
	return []invalidUTF8Case{
		{
			name:  "record ID",
			goRep: func() record.Report { p := fixturePayment(); p.ID = "pr_\xff"; return p }(),
			json: []string{
				strings.Replace(reportPaymentType.minimal(), `"id":"pr_1"`, "\"id\":\"pr_\xff\"", 1),
				strings.Replace(reportPaymentType.minimal(), `"id":"pr_1"`, `"id":"pr_\ud800"`, 1),
				strings.Replace(reportPaymentType.minimal(), `"id":"pr_1"`, `"id":"pr_\udc00x"`, 1),
			},
			pt: reportPaymentType, param: "id",
		},
		{
			name:  "description",
			goRep: record.ReportPaymentAttemptInformationalParams{Description: "caf\xe9"},
			json:  []string{"{\"description\":\"caf\xe9\"}", `{"description":"caf\ud83d"}`},
			pt:    informationalType, record: pending, param: "description",
		},
		{
			name:  "metadata value",
			goRep: record.ReportPaymentAttemptInformationalParams{Metadata: map[string]string{"k": "\xc3"}},
			json:  []string{"{\"metadata\":{\"k\":\"\xc3\"}}"},
			pt:    informationalType, record: pending, param: "metadata[k]",
		},
		{
			name:  "metadata key",
			goRep: record.ReportPaymentAttemptInformationalParams{Metadata: map[string]string{"k\xff": "v"}},
			json:  []string{"{\"metadata\":{\"k\xff\":\"v\"}}", `{"metadata":{"k\udfff":"v"}}`},
			pt:    informationalType, record: pending, param: "metadata",
		},
		{
			name: "nested string",
			goRep: func() record.Report {
				p := fixturePayment()
				p.PaymentMethodDetails.BillingDetails.Address.City = "K\xf6ln"
				return p
			}(),
			json: []string{
				strings.Replace(reportPaymentType.minimal(), pmdJS,
					"{\"custom\":{\"display_name\":\"newpay\"},\"billing_details\":{\"address\":{\"city\":\"K\xf6ln\"}}}", 1),
				strings.Replace(reportPaymentType.minimal(), pmdJS,
					`{"custom":{"display_name":"newpay"},"billing_details":{"address":{"city":"K\udbffln"}}}`, 1),
			},
			pt: reportPaymentType, param: "payment_method_details[billing_details][address][city]",
		},
	}
}

// applyUTF8Case applies rep as a new record (setup nil) or to the record
// setup makes, and checks that a rejection changed nothing.
func applyUTF8Case(t *testing.T, setup func(testing.TB) *record.Record, rep record.Report) error {
	if setup == nil {
		r, err := record.ReportPayment(rep.(record.ReportPaymentParams))
		assert.Nil(t, r)
		return err
	}
	r := setup(t)
	before := snapshotOf(t, r)
	err := r.Apply(rep)
	assertUnchanged(t, r, before)
	return err
}

// TestEncodeRefusesInvalidUTF8: a Go report holding text that is not UTF-8
// cannot be encoded — by json.Marshal, Entry.MarshalJSON or LogWriter —
// and the error is the one the Go API gives for it. The encoder used to
// write U+FFFD in place of the bytes, a different, valid report that a
// replay would then apply.
func TestEncodeRefusesInvalidUTF8(t *testing.T) {
	for _, tt := range invalidUTF8Cases() {
		t.Run(tt.name, func(t *testing.T) {
			var want *payrec.Error
			require.ErrorAs(t, applyUTF8Case(t, tt.record, tt.goRep), &want)
			same := func(what string, err error) {
				var got *payrec.Error
				require.ErrorAs(t, err, &got, what)
				assert.Equal(t, stripeFields(want), stripeFields(got), what)
				assert.ErrorIs(t, err, record.ErrInvalidParameter, what)
			}
			_, err := json.Marshal(tt.goRep)
			same("json.Marshal", err)
			_, err = record.Entry{ID: fixtureRecordID, Report: tt.goRep}.MarshalJSON()
			same("Entry.MarshalJSON", err)
			var b bytes.Buffer
			same("LogWriter.Write", record.NewLogWriter(&b).Write(fixtureRecordID, tt.goRep))
			assert.Zero(t, b.Len(), "nothing is written")
		})
	}
	t.Run("entry id", func(t *testing.T) {
		rep := record.ReportPaymentAttemptFailedParams{FailedAt: 1730211400}
		_, err := record.Entry{ID: "pr_\xff", Report: rep}.MarshalJSON()
		var pe *payrec.Error
		require.ErrorAs(t, err, &pe)
		assert.Equal(t, payrec.CodeInvalidCharacters, pe.Code)
		assert.Equal(t, "id", pe.Param)
		assert.ErrorIs(t, err, record.ErrInvalidParameter)
	})
}

// TestLogWriterKeepsIDsApart: two records whose IDs (or attempt IDs) differ
// only in a byte that is not UTF-8 are refused by LogWriter as ReportPayment
// refuses them, so a replay can never merge them into one record.
func TestLogWriterKeepsIDsApart(t *testing.T) {
	for _, tt := range []struct {
		param string
		set   func(p *record.ReportPaymentParams, bad string)
	}{
		{"id", func(p *record.ReportPaymentParams, bad string) { p.ID = "pr_" + bad }},
		{"attempt_id", func(p *record.ReportPaymentParams, bad string) { p.AttemptID = "par_" + bad }},
	} {
		var log bytes.Buffer
		w := record.NewLogWriter(&log)
		for _, bad := range []string{"\xff", "\xfe"} {
			p := fixturePayment()
			tt.set(&p, bad)
			_, goErr := record.ReportPayment(p)
			var want *payrec.Error
			require.ErrorAs(t, goErr, &want, tt.param)
			err := w.Write("", p)
			var got *payrec.Error
			require.ErrorAs(t, err, &got, "%s %q", tt.param, bad)
			assert.Equal(t, stripeFields(want), stripeFields(got))
			assert.Equal(t, payrec.CodeInvalidCharacters, got.Code)
			assert.Equal(t, tt.param, got.Param)
		}
		assert.Zero(t, log.Len(), "%s: no line is written", tt.param)
	}
}

// stripeFields are what an API user sees of a rejection.
func stripeFields(e *payrec.Error) [4]string { return [4]string{e.Type, e.Code, e.Param, e.Message} }
