package record_test

import (
	"encoding/json"
	"errors"
	"strconv"
	"testing"

	"github.com/payrec/payrec/attempt"
	"github.com/payrec/payrec/record"
	"github.com/payrec/payrec/record/recordtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestResetTo checks the benchmarks' reset (export_test.go): a clone that
// took reports is, after ResetTo, the same record as its template
// (recordtest.Diff), and answers every probe report exactly as a fresh
// clone does, duplicates included; the template never changes.
func TestResetTo(t *testing.T) {
	refund := func(ref string, v int64) record.ReportRefundParams {
		p := record.ReportRefundParams{ProcessorDetails: record.RefundProcessorDetails{RefundReference: ref}}
		if v > 0 {
			p.Amount = usdCents(v)
		}
		return p
	}
	newAttempts := func(n int) []record.Report {
		var reps []record.Report
		for i := range n {
			reps = append(reps, failedAttempt("par_new_"+strconv.Itoa(i), 1_800_000_000+int64(i)))
		}
		return reps
	}
	pending, err := record.ReportPayment(canonicalParams(t))
	require.NoError(t, err)
	shipping := attempt.ShippingDetails{Name: "Jenny Rosen"}
	// A retry reported pending and then failed: a repeat of its report
	// must not carry an outcome.
	retry := record.ReportPaymentAttemptParams{AttemptID: "par_2", Created: 1730300000, InitiatedAt: 1730300000}
	retried, err := record.Replay(canonicalParams(t),
		record.ReportPaymentAttemptFailedParams{FailedAt: 1730253453},
		retry,
		record.ReportPaymentAttemptFailedParams{FailedAt: 1730300001})
	require.NoError(t, err)
	tests := []struct {
		name    string
		tmpl    *record.Record
		reports []record.Report
		probes  []record.Report // applied to the reset record and to a fresh clone
	}{
		{"failed", pending, []record.Report{
			record.ReportPaymentAttemptFailedParams{FailedAt: 1730253453, Metadata: map[string]string{"k": "v"}},
		}, []record.Report{
			record.ReportPaymentAttemptFailedParams{FailedAt: 1730253453},
			record.ReportPaymentAttemptGuaranteedParams{GuaranteedAt: 1730253453},
		}},
		{"informational", pending, []record.Report{
			record.ReportPaymentAttemptInformationalParams{Description: "other", ShippingDetails: shipping, Metadata: map[string]string{"k": "v"}},
		}, []record.Report{
			canonicalParams(t), // a repeat of the creating report, told by the details it gave
			record.ReportPaymentAttemptInformationalParams{Description: "again"},
		}},
		{"refunds", guaranteedWithRefunds(t, 3), []record.Report{
			refund("new_1", 1), refund("new_2", 2), refund("all", 0),
		}, []record.Report{
			refund("new_1", 1), refund("old_1", 1), refund("old_1", 2),
		}},
		{"attempts after a retry reported pending", retried, newAttempts(2), []record.Report{
			retry,
		}},
		{"attempts past the index", failedWithAttempts(t, 2), newAttempts(10), []record.Report{
			failedAttempt("par_new_0", 1_800_000_000),
			failedAttempt("par_old_1", 1730211364),
		}},
		{"attempts in the index", failedWithAttempts(t, 20), newAttempts(10), []record.Report{
			failedAttempt("par_new_0", 1_800_000_000),
			failedAttempt("par_old_19", 1730211382),
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want, err := json.Marshal(tt.tmpl)
			require.NoError(t, err)
			r := tt.tmpl.Clone()
			for round := range 3 {
				for i, rep := range tt.reports {
					require.NoError(t, r.Apply(rep), "round %d report %d", round, i)
				}
				r.ResetTo(tt.tmpl)
				require.Empty(t, recordtest.Diff(r, tt.tmpl), "round %d", round)
			}
			for i, probe := range tt.probes {
				fresh := tt.tmpl.Clone()
				reset := tt.tmpl.Clone()
				for _, rep := range tt.reports {
					require.NoError(t, reset.Apply(rep))
				}
				reset.ResetTo(tt.tmpl)
				errFresh, errReset := fresh.Apply(probe), reset.Apply(probe)
				if errFresh == nil {
					assert.NoError(t, errReset, "probe %d", i)
				} else if assert.Error(t, errReset, "probe %d", i) {
					assert.Equal(t, errFresh.Error(), errReset.Error(), "probe %d", i)
					assert.Equal(t, errors.Is(errFresh, record.ErrDuplicate), errors.Is(errReset, record.ErrDuplicate), "probe %d", i)
				}
				assert.Empty(t, recordtest.Diff(reset, fresh), "probe %d", i)
			}
			after, err := json.Marshal(tt.tmpl)
			require.NoError(t, err)
			assert.JSONEq(t, string(want), string(after), "the template never changes")
		})
	}
}
