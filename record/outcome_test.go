package record_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/payrec/payrec/record"
)

func TestOutcomeText(t *testing.T) {
	for _, tc := range []struct {
		o    record.Outcome
		text string
	}{
		{record.OutcomeGuaranteed, "guaranteed"},
		{record.OutcomeFailed, "failed"},
	} {
		b, err := tc.o.MarshalText()
		require.NoError(t, err)
		assert.Equal(t, tc.text, string(b))
		var back record.Outcome
		require.NoError(t, back.UnmarshalText(b))
		assert.Equal(t, tc.o, back)
	}
	for _, bad := range []record.Outcome{0, record.Outcome(3), record.Outcome(255)} {
		_, err := bad.MarshalText()
		assert.Error(t, err, "MarshalText(%s)", bad)
	}
	assert.Equal(t, "Outcome(7)", record.Outcome(7).String(), "out-of-range values print their number")
	o := record.OutcomeFailed
	for _, bad := range []string{"", "Failed", "refunded", "pending"} {
		assert.Error(t, o.UnmarshalText([]byte(bad)), "UnmarshalText(%q)", bad)
		assert.Equal(t, record.OutcomeFailed, o, "a rejected UnmarshalText leaves the value")
	}
}
