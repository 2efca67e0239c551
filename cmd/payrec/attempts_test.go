package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}

// TestAttempts lists the attempts of the records of testdata/replay.jsonl.
func TestAttempts(t *testing.T) {
	type att struct {
		id                                     string
		canceled, failed, guaranteed, refunded int64
	}
	tests := []struct {
		name       string
		id         string
		want       []att
		wantStderr []string
	}{
		{"failed, then retried, guaranteed and fully refunded", "pr_A", []att{
			{id: "par_A1", failed: 1000},
			{id: "par_A2", refunded: 1000},
		}, []string{
			`5 of the 12 lines about "pr_A" were rejected, the first on line 4`,
			"skipped 3 malformed lines, the first on line 16",
		}},
		{"canceled, then retried guaranteed", "pr_B", []att{
			{id: "par_B1", canceled: 2500},
			{id: "par_B2", guaranteed: 2500},
		}, []string{`2 of the 5 lines about "pr_B" were rejected, the first on line 14`}},
		{"created failed", "pr_C", []att{{id: "par_C1", failed: 5000}}, []string{`1 of the 2 lines about "pr_C" were rejected, the first on line 24`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := runCmd(t, "", "attempts", tt.id, replayLog)
			require.Equal(t, 0, got.code, got.stderr)
			for _, s := range tt.wantStderr {
				assert.Contains(t, got.stderr, s)
			}
			lines := splitLines(got.stdout)
			require.Len(t, lines, len(tt.want))
			for i, w := range tt.want {
				var raw map[string]json.RawMessage
				require.NoError(t, json.Unmarshal([]byte(lines[i]), &raw), "attempt %d", i)
				str := func(key string) string {
					var v string
					require.NoError(t, json.Unmarshal(raw[key], &v), "attempt %d: %s", i, key)
					return v
				}
				value := func(key string) int64 {
					var v struct{ Value int64 }
					require.NoError(t, json.Unmarshal(raw[key], &v), "attempt %d: %s", i, key)
					return v.Value
				}
				assert.Equal(t, w.id, str("id"), "attempt %d: id", i)
				assert.Equal(t, "payment_attempt_record", str("object"), "attempt %d: object", i)
				assert.Equal(t, tt.id, str("payment_record"), "attempt %d: payment_record", i)
				assert.Equal(t, w.canceled, value("amount_canceled"), "attempt %d: amount_canceled", i)
				assert.Equal(t, w.failed, value("amount_failed"), "attempt %d: amount_failed", i)
				assert.Equal(t, w.guaranteed, value("amount_guaranteed"), "attempt %d: amount_guaranteed", i)
				assert.Equal(t, w.refunded, value("amount_refunded"), "attempt %d: amount_refunded", i)
				assert.Equal(t, value("amount_requested"), value("amount"), "attempt %d: amount = amount_requested", i)
			}
		})
	}
}

func TestAttemptsPretty(t *testing.T) {
	compact := runCmd(t, "", "attempts", "pr_A", replayLog)
	pretty := runCmd(t, "", "attempts", "-pretty", "pr_A", replayLog)
	require.Equal(t, 0, pretty.code, pretty.stderr)
	assert.Equal(t, compact.stderr, pretty.stderr)
	assert.True(t, strings.HasPrefix(pretty.stdout, "{\n  \"id\": \"par_A1\",\n"), "indented by two spaces")
	dec := json.NewDecoder(strings.NewReader(pretty.stdout))
	for i, line := range splitLines(compact.stdout) {
		var v json.RawMessage
		require.NoError(t, dec.Decode(&v), "pretty attempt %d", i)
		assert.JSONEq(t, line, string(v), "attempt %d", i)
	}
	assert.False(t, dec.More(), "as many pretty attempts as lines")
}

func TestAttemptsUnknownRecord(t *testing.T) {
	tests := []struct {
		name, id, log string
	}{
		{"never reported", "pr_zzz", ""},
		{"only reports about it, no report_payment", "pr_nope", ""},
		{"its report_payment was rejected", "pr_bad", `{"op":"report_payment","params":{"id":"pr_bad","attempt_id":"par_1","created":1730000000,"amount_requested":{"currency":"usd","value":0},"initiated_at":1730000000,"payment_method_details":{"custom":{"display_name":"newpay"}}}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := []string{"attempts", tt.id, replayLog}
			if tt.log != "" {
				args = []string{"attempts", tt.id}
			}
			got := runCmd(t, tt.log, args...)
			assert.Equal(t, 1, got.code)
			assert.Empty(t, got.stdout, "nothing but attempts on stdout")
			assert.Contains(t, got.stderr, `payrec attempts: no such payment_record: "`+tt.id+`"`)
		})
	}
}

// TestAttemptsNoteCounts checks the notes count in words that agree with
// the number: one malformed line is "1 malformed line".
func TestAttemptsNoteCounts(t *testing.T) {
	create := `{"op":"report_payment","params":{"id":"pr_1","attempt_id":"par_1","created":1730000000,"amount_requested":{"currency":"usd","value":100},"initiated_at":1730000000,"payment_method_details":{"custom":{"display_name":"newpay"}}}}`
	got := runCmd(t, create+"\n{not json\n", "attempts", "pr_1")
	require.Equal(t, 0, got.code, got.stderr)
	assert.Contains(t, got.stderr, "skipped 1 malformed line, the first on line 2")

	got = runCmd(t, create+"\n{not json\n[]\n", "attempts", "pr_1")
	require.Equal(t, 0, got.code, got.stderr)
	assert.Contains(t, got.stderr, "skipped 2 malformed lines, the first on line 2")
}
