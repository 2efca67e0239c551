package record_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/payrec/payrec"
	"github.com/payrec/payrec/attempt"
	"github.com/payrec/payrec/record"
)

// TestZeroValuesHaveNoJSON: the zero Record and the zero Attempt are no
// payment record and no attempt, so encoding them is an error (AppendJSON,
// which cannot fail, writes null), never a Stripe object with null amounts
// and created 0.
func TestZeroValuesHaveNoJSON(t *testing.T) {
	_, err := json.Marshal(&record.Record{})
	assert.ErrorIs(t, err, record.ErrZeroRecord)
	assert.Equal(t, "null", string((&record.Record{}).AppendJSON(nil)))

	var a attempt.Attempt
	_, err = json.Marshal(a)
	assert.ErrorIs(t, err, attempt.ErrZeroAttempt)
	_, err = json.Marshal(&a)
	assert.ErrorIs(t, err, attempt.ErrZeroAttempt)
	assert.Equal(t, "null", string(a.AppendJSON(nil)))

	// A record's own attempts are not zero, and encode.
	r := fixtureInState(t, payrec.Failed)
	latest, ok := r.LatestAttempt()
	require.True(t, ok)
	b, err := json.Marshal(latest)
	require.NoError(t, err)
	assert.Contains(t, string(b), `"id":"`+fixtureAttemptID+`"`)
}

// TestDecodingRecordsIsAnError: a payment_record object does not hold a
// record (its earlier attempts, its refunds), so json.Unmarshal into a
// Record or an Attempt is an error rather than a silent no-op that leaves
// an unusable zero value. The error matches ErrZeroRecord / ErrZeroAttempt:
// what decoding would leave is the zero value, which has no JSON form.
func TestDecodingRecordsIsAnError(t *testing.T) {
	r := fixtureInState(t, payrec.Failed)
	b, err := json.Marshal(r)
	require.NoError(t, err)

	var got record.Record
	err = json.Unmarshal(b, &got)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "Replay")
	assert.ErrorIs(t, err, record.ErrZeroRecord)
	assert.Equal(t, 0, got.NumAttempts())

	latest, _ := r.LatestAttempt()
	b, err = json.Marshal(latest)
	require.NoError(t, err)
	var ga attempt.Attempt
	err = json.Unmarshal(b, &ga)
	require.Error(t, err)
	assert.ErrorIs(t, err, attempt.ErrZeroAttempt)
	assert.False(t, ga.IsValid())
}
