package record_test

import (
	"bytes"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/payrec/payrec"
	"github.com/payrec/payrec/attempt"
	"github.com/payrec/payrec/record"
)

// largestPayment returns the report_payment that encodes to the longest log
// line a record accepts: every string at its length limit in a character
// that JSON writes as six bytes, and 50 metadata keys set and 50 removed.
func largestPayment() record.ReportPaymentParams {
	s := func(n int) string { return strings.Repeat("<", n) }
	const long = 5000
	addr := attempt.Address{City: s(long), Country: s(long), Line1: s(long), Line2: s(long), PostalCode: s(long), State: s(long)}
	md := make(map[string]string, 100)
	for i := range 100 { // 40 characters of six bytes each, all different
		key := []byte(s(40))
		for j, n := 0, i; n > 0; j, n = j+1, n/3 {
			key[j] = "<>&"[n%3]
		}
		v := ""
		if i < 50 {
			v = s(500)
		}
		md[string(key)] = v
	}
	// "<" is written as \u003c: six bytes each, as the limit counts them.
	p := fixturePayment()
	p.ID, p.AttemptID = "pr_"+s(252), "par_"+s(251)
	p.Livemode = true
	p.PaymentMethodDetails = attempt.PaymentMethodDetails{
		Type:          attempt.TypeCustom,
		PaymentMethod: s(long),
		BillingDetails: attempt.BillingDetails{
			Address: addr, Email: s(long), Name: s(long), Phone: s(long),
		},
		Custom: attempt.CustomDetails{DisplayName: s(long), Type: s(long)},
	}
	p.ProcessorDetails = attempt.ProcessorDetails{Type: attempt.ProcessorTypeCustom, PaymentReference: s(long)}
	p.CustomerDetails = attempt.CustomerDetails{Customer: s(long), Email: s(long), Name: s(long), Phone: s(long)}
	p.CustomerPresence = attempt.OnSession
	p.ShippingDetails = attempt.ShippingDetails{Address: addr, Name: s(long), Phone: s(long)}
	p.Outcome, p.Guaranteed = record.OutcomeGuaranteed, record.GuaranteedParams{GuaranteedAt: fixtureT0}
	p.Description = s(long)
	p.Metadata = md
	return p
}

// TestLargestReportFitsALogLine: what a record accepts, a report log can
// hold: the largest report_payment is accepted, written in one line no
// longer than MaxLogLine, and replays to the same record. Each of its
// bounds is also a limit: one character or byte more is refused.
func TestLargestReportFitsALogLine(t *testing.T) {
	p := largestPayment()
	r, err := record.ReportPayment(p)
	require.NoError(t, err, "the largest report is a valid one")

	var log bytes.Buffer
	require.NoError(t, record.NewLogWriter(&log).Write("", p))
	t.Logf("the largest report_payment encodes in %d bytes; MaxLogLine is %d", log.Len()-1, record.MaxLogLine)
	assert.LessOrEqual(t, log.Len()-1, record.MaxLogLine)
	replayed, err := record.ReplayLog(&log)
	require.NoError(t, err)
	assertSameRecord(t, r, replayed)

	over := []struct {
		name string
		edit func(*record.ReportPaymentParams)
	}{
		{"a longer description", func(p *record.ReportPaymentParams) { p.Description += "<" }},
		{"a longer ID", func(p *record.ReportPaymentParams) { p.ID += "<" }},
		{"a 51st metadata key", func(p *record.ReportPaymentParams) { p.Metadata["another"] = "v" }},
		{"a 101st metadata entry", func(p *record.ReportPaymentParams) { p.Metadata["another"] = "" }},
	}
	for _, tt := range over {
		t.Run(tt.name, func(t *testing.T) {
			q := largestPayment()
			tt.edit(&q)
			_, err := record.ReportPayment(q)
			assert.ErrorIs(t, err, record.ErrInvalidParameter)
		})
	}
}

// assertSameRecord checks that two records have the same JSON, version,
// attempts and refunds, reporting where the JSON differs rather than
// printing a megabyte of it.
func assertSameRecord(t *testing.T, want, got *record.Record) {
	t.Helper()
	w, g := snapshotOf(t, want), snapshotOf(t, got)
	if w.JSON != g.JSON {
		i := 0
		for i < len(w.JSON) && i < len(g.JSON) && w.JSON[i] == g.JSON[i] {
			i++
		}
		lo := max(0, i-80)
		t.Errorf("the JSON differs at byte %d:\nwant …%.160s\ngot  …%.160s", i, w.JSON[lo:], g.JSON[lo:])
	}
	assert.Equal(t, w.Version, g.Version, "Version")
	assert.True(t, assert.ObjectsAreEqual(w.Attempts, g.Attempts), "the attempts differ")
	assert.True(t, assert.ObjectsAreEqual(w.Refunds, g.Refunds), "the refunds differ")
}

// TestLogWriterRefusesWhatItCannotReadBack: LogWriter writes no line that
// LogReader would refuse — an empty or malformed record ID, a line longer
// than MaxLogLine, a report_payment without its ID — and says why.
func TestLogWriterRefusesWhatItCannotReadBack(t *testing.T) {
	failed := record.ReportPaymentAttemptFailedParams{FailedAt: fixtureSettledAt}
	huge := record.ReportPaymentAttemptInformationalParams{Metadata: make(map[string]string)}
	for i := range 5000 { // never accepted by a record: 50 keys at most
		huge.Metadata[fmt.Sprintf("key%05d", i)] = strings.Repeat("<", 500)
	}
	noID := fixturePayment()
	noID.ID = ""
	tests := []struct {
		name  string
		id    string
		rep   record.Report
		is    error
		param string
	}{
		{"empty id", "", failed, record.ErrInvalidParameter, "id"},
		{"id with a space", "pr 1", failed, record.ErrInvalidParameter, "id"},
		{"id not UTF-8", "pr_\xff", failed, record.ErrInvalidParameter, "id"},
		{"line too long", "pr_1", huge, record.ErrLineTooLong, ""},
		{"report_payment without its id", "", noID, record.ErrInvalidParameter, "params[id]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var log bytes.Buffer
			err := record.NewLogWriter(&log).Write(tt.id, tt.rep)
			assert.ErrorIs(t, err, tt.is)
			var pe *payrec.Error
			if assert.ErrorAs(t, err, &pe) {
				assert.Equal(t, tt.param, pe.Param)
				assertMessage(t, pe)
			}
			assert.Zero(t, log.Len(), "nothing is written")
		})
	}

	var log bytes.Buffer
	w := record.NewLogWriter(&log)
	require.NoError(t, w.Write("", fixturePayment()))
	require.NoError(t, w.Write(fixtureRecordID, failed))
	r, err := record.ReplayLog(&log)
	require.NoError(t, err)
	assert.Equal(t, uint64(2), r.Version())
}

// TestDecodingIsBounded: what a report may carry is bounded while it is
// decoded, before any of it is kept: a metadata update names at most 100
// keys (50 to set, 50 to remove), through JSON and Go values alike.
func TestDecodingIsBounded(t *testing.T) {
	t.Run("metadata", func(t *testing.T) {
		var b strings.Builder
		b.WriteString(`{"metadata":{`)
		for i := range 1_000_000 {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, `"k%d":"v"`, i)
		}
		b.WriteString(`}}`)
		var p record.ReportPaymentAttemptInformationalParams
		err := p.UnmarshalJSON([]byte(b.String()))
		var viaJSON *payrec.Error
		require.ErrorAs(t, err, &viaJSON)
		assert.Equal(t, "metadata", viaJSON.Param)
		assert.Equal(t, "Invalid metadata: a report may name at most 100 keys (50 to set and 50 to remove).", viaJSON.Message)

		r := fixtureInState(t, payrec.Pending)
		err = r.ReportPaymentAttemptInformational(record.ReportPaymentAttemptInformationalParams{Metadata: metadataN("k", 101)})
		var viaGo *payrec.Error
		require.ErrorAs(t, err, &viaGo)
		assert.Equal(t, viaJSON.Message, viaGo.Message)
		assert.Equal(t, viaJSON.Param, viaGo.Param)

		err = r.ReportPaymentAttemptInformational(record.ReportPaymentAttemptInformationalParams{Metadata: metadataN("k", 100)})
		assert.NotEqual(t, viaJSON.Message, err.(*payrec.Error).Message, "100 entries pass the bound (the merge rule still applies)")
	})
}

// TestLongStringRefusedBeforeUnquoting: a string parameter far over its
// limit is refused with the message the Go API gives (its length in
// characters, however JSON spells them) without being unquoted: decoding
// it allocates a small fraction of its size. Unquoting first made a 100 MB
// description cost 100 MB and a second before "at most 5000".
func TestLongStringRefusedBeforeUnquoting(t *testing.T) {
	tests := []struct {
		name  string
		chars int
		json  string // the description's characters as JSON spells them
	}{
		{"plain", 4 << 20, strings.Repeat("x", 4<<20)},
		{"two-byte UTF-8", 1 << 20, strings.Repeat("é", 1<<20)},
		{"escapes", 1 << 20, strings.Repeat(`\u00e9`, 1<<19) + strings.Repeat(`\n`, 1<<19)},
		{"surrogate pairs", 100000, strings.Repeat(`\ud83d\udcb3`, 100000)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := []byte(`{"description":"` + tt.json + `"}`)
			var p record.ReportPaymentAttemptInformationalParams
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			err := p.UnmarshalJSON(body)
			runtime.ReadMemStats(&after)
			goErr := fixtureInState(t, payrec.Pending).Apply(record.ReportPaymentAttemptInformationalParams{
				Description: strings.Repeat("x", tt.chars)})
			var want, got *payrec.Error
			require.ErrorAs(t, goErr, &want)
			require.ErrorAs(t, err, &got)
			assert.Equal(t, stripeFields(want), stripeFields(got))
			assert.Equal(t, fmt.Sprintf("Invalid string: description is %d characters long; it must be at most 5000.", tt.chars), got.Message)
			allocated := after.TotalAlloc - before.TotalAlloc
			assert.Less(t, allocated, uint64(len(body)/8), "bytes allocated to refuse %d bytes", len(body))
		})
	}
}
