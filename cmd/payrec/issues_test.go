package main

import (
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/payrec/payrec"
	"github.com/payrec/payrec/record"
)

// The tests in this file pin what the payrec command relies on from
// package record's log reading and replay.

// TestLogReaderStopsAfterReadError: after an error of the underlying
// reader, LogReader.Next returns that error again on every call, without
// counting lines, so a caller that carries on after a malformed line
// cannot loop forever; and the read error is not an invalid parameter.
func TestLogReaderStopsAfterReadError(t *testing.T) {
	fire := errors.New("disk on fire")
	lr := record.NewLogReader(io.MultiReader(strings.NewReader("\n"), iotest.ErrReader(fire)))
	_, err := lr.Next()
	require.ErrorIs(t, err, fire)
	assert.NotErrorIs(t, err, payrec.ErrInvalidParameter, "an I/O error is not an invalid parameter")
	line := lr.Line()
	_, again := lr.Next()
	assert.Equal(t, err, again, "the reader is done after a read error")
	assert.Equal(t, line, lr.Line(), "no line was read")
}

// TestLogReaderStopsAfterLongLine: a line longer than MaxLogLine is
// reported and skipped whole; the next line is read as line 2.
func TestLogReaderStopsAfterLongLine(t *testing.T) {
	long := `{"op":"report_payment_attempt_failed","id":"` + strings.Repeat("x", record.MaxLogLine) + `","params":{}}` + "\n"
	lr := record.NewLogReader(strings.NewReader(long + "{}\n"))
	_, err := lr.Next()
	require.ErrorIs(t, err, record.ErrLineTooLong)
	_, err = lr.Next()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "report log line 2: Missing required param: op.")
	_, err = lr.Next()
	assert.Equal(t, io.EOF, err)
}

// TestRecreateReportsParameterErrorsFirst: parameter errors come before
// every other rejection, so Apply of an invalid report_payment to an
// existing record gives the parameter error ReportPayment gives for the
// same params, not resource_already_exists.
func TestRecreateReportsParameterErrorsFirst(t *testing.T) {
	var p record.ReportPaymentParams
	require.NoError(t, p.UnmarshalJSON([]byte(`{"id":"pr_1","attempt_id":"par_1","created":1730000000,"amount_requested":{"currency":"usd","value":1000},"initiated_at":1730000000,"payment_method_details":{"custom":{"display_name":"newpay"}}}`)))
	rec, err := record.ReportPayment(p)
	require.NoError(t, err)
	var bad record.ReportPaymentParams
	require.NoError(t, bad.UnmarshalJSON([]byte(`{"id":"pr_1","attempt_id":"par_1","created":1730000000,"amount_requested":{"currency":"usd","value":-5},"initiated_at":1730000000,"payment_method_details":{"custom":{"display_name":"newpay"}}}`)))
	_, want := record.ReportPayment(bad)
	require.ErrorIs(t, want, payrec.ErrInvalidParameter)
	got := rec.Apply(bad)
	assert.ErrorIs(t, got, payrec.ErrInvalidParameter, "got %v, want %v", got, want)
}
