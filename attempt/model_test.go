package attempt_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/payrec/payrec"
	"github.com/payrec/payrec/attempt"
	"github.com/payrec/payrec/money"
)

// attemptModel is what an attempt should be, in the simplest terms: a state
// and how much of the requested amount has been refunded.
type attemptModel struct {
	state     payrec.State
	refunded  int64
	requested money.Amount
	initiated int64
	at        map[payrec.State]int64 // when each final state was reached
}

// next is package payrec's lifecycle table: only pending moves.
func (m *attemptModel) next(e payrec.Event) (payrec.State, bool) {
	if m.state != payrec.Pending {
		return m.state, false
	}
	switch e {
	case payrec.Guarantee:
		return payrec.Guaranteed, true
	case payrec.Fail:
		return payrec.Failed, true
	case payrec.Cancel:
		return payrec.Canceled, true
	}
	return m.state, false
}

// TestAttemptModel runs random Transition and Refund calls, with valid and
// invalid arguments, on one attempt and compares it with attemptModel.
func TestAttemptModel(t *testing.T) {
	currencies := []money.Currency{usd, eur, jpy, kwd}
	rapid.Check(t, func(t *rapid.T) {
		cur := rapid.SampledFrom(currencies).Draw(t, "currency")
		in := validInit()
		in.Requested = money.New(rapid.Int64Range(1, 1_000_000).Draw(t, "requested"), cur)
		in.InitiatedAt = rapid.Int64Range(1, 2_000_000_000).Draw(t, "initiated_at")
		a := newAttempt(t, in)
		m := attemptModel{state: payrec.Pending, requested: in.Requested, initiated: in.InitiatedAt,
			at: map[payrec.State]int64{}}
		var (
			finalState payrec.State
			wasFinal   bool
		)

		// rejected checks that a rejected call left the attempt as it was.
		rejected := func(t *rapid.T, err error, before string, want ...error) {
			require.Error(t, err)
			var pe *payrec.Error
			require.True(t, errors.As(err, &pe), "%v is a *payrec.Error", err)
			for _, w := range want {
				require.ErrorIs(t, err, w)
			}
			require.Equal(t, before, mustJSON(t, a), "a rejected call changes nothing")
		}

		// drawTime draws a valid or an invalid time for an event.
		drawTime := func(t *rapid.T) int64 {
			return rapid.OneOf(
				rapid.Int64Range(m.initiated, m.initiated+1_000_000),
				rapid.Just(m.initiated),
				rapid.Int64Range(-10, 0),
				rapid.Int64Range(0, m.initiated-1),
			).Draw(t, "at")
		}

		t.Repeat(map[string]func(*rapid.T){
			"transition": func(t *rapid.T) {
				e := rapid.SampledFrom(allEvents).Draw(t, "event")
				at := drawTime(t)
				before := mustJSON(t, a)
				err := attempt.Transition(&a, e, at)
				switch to, ok := m.next(e); {
				case at <= 0 || at < m.initiated:
					rejected(t, err, before, payrec.ErrInvalidParameter)
				case !ok:
					rejected(t, err, before, payrec.ErrInvalidTransition)
					var te *payrec.TransitionError
					require.ErrorAs(t, err, &te)
					require.Equal(t, m.state, te.From)
				default:
					require.NoError(t, err)
					m.state = to
					m.at[to] = at
				}
			},
			"invalid event": func(t *rapid.T) {
				e := payrec.Event(rapid.OneOf(rapid.Just(uint8(0)), rapid.Uint8Min(uint8(len(allEvents))+1)).Draw(t, "event"))
				before := mustJSON(t, a)
				err := attempt.Transition(&a, e, m.initiated)
				rejected(t, err, before, payrec.ErrInvalidTransition)
			},
			// The refund rules belong to the record (its model test draws
			// the rejections); the attempt moves what its record accepted.
			"refund": func(t *rapid.T) {
				left := m.requested.Value() - m.refunded
				if m.state != payrec.Guaranteed || left == 0 {
					t.Skip("nothing to refund")
				}
				v := rapid.OneOf(rapid.Int64Range(1, left), rapid.Just(left)).Draw(t, "value")
				attempt.Refund(&a, money.New(v, cur))
				m.refunded += v
			},
			"clone": func(t *rapid.T) {
				c := attempt.Clone(&a)
				require.Equal(t, mustJSON(t, a), mustJSON(t, c))
				_ = attempt.Transition(&c, payrec.Cancel, m.initiated)
				if c.State() == payrec.Guaranteed && c.Guaranteed().IsPositive() {
					attempt.Refund(&c, c.Guaranteed())
				}
			},
			"": func(t *rapid.T) {
				require.Equal(t, m.state, a.State(), "state")
				// Timestamps are not part of the JSON, so they are checked here.
				require.Equal(t, m.at[payrec.Guaranteed], a.GuaranteedAt(), "guaranteed_at")
				require.Equal(t, m.at[payrec.Failed], a.FailedAt(), "failed_at")
				require.Equal(t, m.at[payrec.Canceled], a.CanceledAt(), "canceled_at")
				require.Equal(t, m.at[m.state], a.OutcomeAt(), "outcome time")
				require.Equal(t, m.initiated, a.InitiatedAt(), "initiated_at")
				if wasFinal {
					require.Equal(t, finalState, a.State(), "a final state never changes")
				} else if a.State().IsFinal() {
					wasFinal, finalState = true, a.State()
				}

				sum := a.Pending()
				for _, b := range []money.Amount{a.Guaranteed(), a.Failed(), a.Canceled(), a.Refunded()} {
					var err error
					sum, err = sum.Add(b)
					require.NoError(t, err, "buckets share the requested currency")
				}
				require.Equal(t, a.Requested(), sum, "the five buckets sum to the requested amount")

				cmp, err := a.Refunded().Cmp(a.Requested())
				require.NoError(t, err)
				require.LessOrEqual(t, cmp, 0, "refunded ≤ requested")
				require.False(t, a.Refunded().IsNegative())
				require.False(t, a.Guaranteed().IsNegative())
				require.Equal(t, m.refunded, a.Refunded().Value(), "refunded total")
				if a.State() != payrec.Guaranteed {
					require.True(t, a.Refunded().Sign() == 0, "only a guaranteed attempt has refunds")
				}
				assert.True(t, a.Authorized().Sign() == 0)
			},
		})
	})
}
