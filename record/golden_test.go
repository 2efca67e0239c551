package record_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/payrec/payrec/record"
)

// TestCanonicalExample replays the canonical example — the record before the
// failure, then report_payment_attempt_failed with failed_at=1730253453 sent
// as a form string — and checks that the output holds every key and value of
// Stripe's response, adding only keys of the current payment_record schema.
func TestCanonicalExample(t *testing.T) {
	f, err := os.Open(filepath.Join("testdata", "canonical.jsonl"))
	require.NoError(t, err)
	defer f.Close()
	r, err := record.ReplayLog(f)
	require.NoError(t, err)

	raw, err := os.ReadFile(filepath.Join("..", "testdata", "stripe", "examples", "report_payment_attempt_failed.response.json"))
	require.NoError(t, err, "the canonical response lives in testdata/stripe")
	var want map[string]any
	require.NoError(t, json.Unmarshal(raw, &want))

	out, err := json.Marshal(r)
	require.NoError(t, err)
	var got map[string]any
	require.NoError(t, json.Unmarshal(out, &got))

	for k, v := range want {
		assert.Equal(t, v, got[k], "key %q", k)
	}
	added := map[string]any{
		"amount":            map[string]any{"currency": "usd", "value": float64(1000)},
		"amount_authorized": map[string]any{"currency": "usd", "value": float64(0)},
		"application":       nil,
		"reported_by":       "self",
	}
	for k, v := range got {
		if _, ok := want[k]; ok {
			continue
		}
		wantV, ok := added[k]
		if assert.True(t, ok, "unexpected key %q", k) {
			assert.Equal(t, wantV, v, "key %q", k)
		}
	}
	assert.Equal(t, uint64(2), r.Version())
}
