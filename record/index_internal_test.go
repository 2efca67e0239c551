package record

import (
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/payrec/payrec/attempt"
	"github.com/payrec/payrec/money"
)

// TestAttemptIDsIndexed: once a record has more than a few attempts, a used
// attempt ID is found through the index, not by scanning the history, and
// a clone keeps an index of its own.
func TestAttemptIDsIndexed(t *testing.T) {
	const n = 3 * indexAttemptsAfter
	usd := money.MustParseCurrency("usd")
	r, err := ReportPayment(ReportPaymentParams{
		ID: "pr_1", AttemptID: "par_0", Created: 1, InitiatedAt: 1, AmountRequested: money.New(100, usd),
		PaymentMethodDetails: attempt.PaymentMethodDetails{Type: attempt.TypeCustom},
		Outcome:              OutcomeFailed, Failed: FailedParams{FailedAt: 1},
	})
	require.NoError(t, err)
	next := func(r *Record, i int) error {
		return r.ReportPaymentAttempt(ReportPaymentAttemptParams{
			AttemptID: "par_" + strconv.Itoa(i), Created: int64(i + 1), InitiatedAt: int64(i + 1),
			Outcome: OutcomeFailed, Failed: FailedParams{FailedAt: int64(i + 1)},
		})
	}
	for i := 1; i < n; i++ {
		require.NoError(t, next(r, i))
		if i < indexAttemptsAfter {
			assert.Nil(t, r.byAttemptID, "step %d: a short history is scanned", i)
		}
	}
	require.Len(t, r.byAttemptID, n)
	for i := range r.attempts {
		assert.Equal(t, i, r.byAttemptID[r.attempts[i].ID()], "index of attempt %d", i)
	}

	c := r.Clone()
	require.NoError(t, next(c, n))
	assert.Len(t, r.byAttemptID, n, "a report on the clone changed the original's index")
	assert.Len(t, c.byAttemptID, n+1)
	assert.ErrorIs(t, next(c, n), ErrDuplicateAttemptID)
	assert.ErrorIs(t, next(c, 0), ErrDuplicateAttemptID)
	assert.NoError(t, next(r, n), "the original does not know the clone's attempt")
}
