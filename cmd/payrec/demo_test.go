package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// stripeReference is the repository's copy of Stripe's reference material
// (see testdata/stripe/SHA256SUMS at the root).
var stripeReference = filepath.Join("..", "..", "testdata", "stripe")

// TestDemoMatchesStripe checks payrec demo against Stripe's own response for
// the canonical example: every key and value of the response, plus only the
// keys of the current payment_record schema that the example predates.
func TestDemoMatchesStripe(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(stripeReference, "examples", "report_payment_attempt_failed.response.json"))
	require.NoError(t, err)
	var want map[string]any
	require.NoError(t, json.Unmarshal(raw, &want))

	got := runCmd(t, "", "demo")
	require.Equal(t, 0, got.code, got.stderr)
	assert.Contains(t, got.stderr, "payrec demo: replayed 2 reports", "stderr says what was replayed")
	var rec map[string]any
	require.NoError(t, json.Unmarshal([]byte(got.stdout), &rec), "stdout is pure JSON")
	assert.Contains(t, got.stdout, "{\n  \"id\": \"pr_5RV730PrHyAEi\",\n  \"object\": \"payment_record\",", "indented by two spaces, in Stripe's key order")

	for k, v := range want {
		assert.Equal(t, v, rec[k], "key %q", k)
	}
	added := map[string]any{ // the current spec's keys that the example lacks
		"amount":            map[string]any{"currency": "usd", "value": float64(1000)},
		"amount_authorized": map[string]any{"currency": "usd", "value": float64(0)},
		"application":       nil,
		"reported_by":       "self",
	}
	spec, err := os.ReadFile(filepath.Join(stripeReference, "payment_records.openapi.json"))
	require.NoError(t, err)
	var openapi struct {
		Components struct {
			Schemas map[string]struct {
				Properties map[string]json.RawMessage `json:"properties"`
			} `json:"schemas"`
		} `json:"components"`
	}
	require.NoError(t, json.Unmarshal(spec, &openapi))
	props := openapi.Components.Schemas["payment_record"].Properties
	require.NotEmpty(t, props, "the OpenAPI copy describes payment_record")
	for k := range added {
		assert.Contains(t, props, k, "payment_record in the current spec has %q", k)
	}
	for k := range rec {
		assert.Contains(t, props, k, "payment_record in the current spec has %q", k)
	}
	for k, v := range rec {
		if _, ok := want[k]; ok {
			continue
		}
		if wantV, ok := added[k]; assert.True(t, ok, "unexpected key %q", k) {
			assert.Equal(t, wantV, v, "key %q", k)
		}
	}
	assert.Len(t, rec, len(want)+len(added))
}

// TestDemoLog checks that payrec demo -log prints the embedded log, that it
// is the record package's canonical log, and that replaying it ends with the
// record payrec demo prints.
func TestDemoLog(t *testing.T) {
	got := runCmd(t, "", "demo", "-log")
	require.Equal(t, 0, got.code, got.stderr)
	assert.Empty(t, got.stderr)
	canonical, err := os.ReadFile(filepath.Join("..", "..", "record", "testdata", "canonical.jsonl"))
	require.NoError(t, err)
	assert.Equal(t, string(canonical), got.stdout, "cmd/payrec/canonical.jsonl is a copy of record/testdata/canonical.jsonl")

	replayed := runCmd(t, got.stdout, "replay")
	require.Equal(t, 0, replayed.code, replayed.stderr)
	lines := splitLines(replayed.stdout)
	require.Len(t, lines, 2)
	demo := runCmd(t, "", "demo")
	assert.JSONEq(t, demo.stdout, lines[1], "payrec demo prints the record the log ends with")
}
