package payrec

import (
	"context"
	"testing"

	"github.com/looplab/fsm"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCompiledTableMatchesLooplab asks looplab/fsm about every (state, event)
// pair of the declaration, through Can rather than the error classification
// that compile relies on, and compares with the compiled table and with
// Transition.
func TestCompiledTableMatchesLooplab(t *testing.T) {
	ctx := context.Background()
	for s := range State(numStates) {
		for e := range Event(numEvents) {
			t.Run(s.String()+"/"+e.String(), func(t *testing.T) {
				f := fsm.NewFSM(s.String(), lifecycle, nil)
				got, err := s.Transition(e)
				if !f.Can(e.String()) {
					assert.False(t, table[s][e].ok, "looplab/fsm rejects the pair; the table must too")
					assert.ErrorIs(t, err, ErrInvalidTransition)
					assert.Equal(t, s, got)
					return
				}
				require.NoError(t, f.Event(ctx, e.String()), "looplab/fsm accepts the pair")
				assert.True(t, table[s][e].ok)
				require.NoError(t, err)
				assert.Equal(t, f.Current(), got.String())
			})
		}
	}
}

// TestDeclarationNames checks that the declaration speaks only of declared
// states and events; looplab/fsm would accept any string.
func TestDeclarationNames(t *testing.T) {
	require.NotEmpty(t, lifecycle)
	for _, d := range lifecycle {
		_, err := ParseEvent(d.Name)
		assert.NoError(t, err, "event name")
		_, err = ParseState(d.Dst)
		assert.NoError(t, err, "destination of %s", d.Name)
		require.NotEmpty(t, d.Src, "sources of %s", d.Name)
		for _, src := range d.Src {
			_, err := ParseState(src)
			assert.NoError(t, err, "source of %s", d.Name)
		}
	}
}

func TestFinalDerivedFromTable(t *testing.T) {
	for s := range State(numStates) {
		accepts := false
		for e := range Event(numEvents) {
			if _, err := s.Transition(e); err == nil {
				accepts = true
			}
		}
		assert.Equal(t, !accepts, s.IsFinal(), "%s", s)
	}
}

func TestDiagramMatchesLooplab(t *testing.T) {
	want, err := fsm.VisualizeForMermaidWithGraphType(fsm.NewFSM(Pending.String(), lifecycle, nil), fsm.StateDiagram)
	require.NoError(t, err)
	assert.Equal(t, want, Diagram())
	for i := range 10 {
		assert.Equal(t, want, render(lifecycle), "render %d is deterministic", i)
	}
}

// TestCompileDefensive covers the declarations that the real one does not
// contain but that compile must still read correctly.
func TestCompileDefensive(t *testing.T) {
	t.Run("self-transition", func(t *testing.T) {
		// looplab/fsm answers NoTransitionError, yet the event is declared.
		events := append(fsm.Events{
			{Name: Fail.String(), Src: []string{Failed.String()}, Dst: Failed.String()},
		}, lifecycle...)
		got := compile(events)
		assert.Equal(t, cell{to: Failed, ok: true}, got[Failed][Fail])
		assert.Equal(t, cell{to: Failed, ok: true}, got[Pending][Fail])
		assert.False(t, got[Failed][Guarantee].ok)
	})
	t.Run("undeclared event", func(t *testing.T) {
		// looplab/fsm answers UnknownEventError for an event it never heard of.
		got := compile(lifecycle[:2])
		for s := range State(numStates) {
			assert.False(t, got[s][Cancel].ok, "%s", s)
		}
		assert.True(t, got[Pending][Fail].ok)
	})
	t.Run("empty", func(t *testing.T) {
		assert.Equal(t, [numStates][numEvents]cell{}, compile(nil))
	})
	t.Run("unknown destination", func(t *testing.T) {
		events := fsm.Events{{Name: Guarantee.String(), Src: []string{Pending.String()}, Dst: "succeeded"}}
		assert.PanicsWithValue(t, `payrec: lifecycle: pending --guarantee--> "succeeded": payrec: Invalid state: must be one of pending, guaranteed, failed or canceled, got "succeeded".`,
			func() { compile(events) })
	})
}

func TestArticle(t *testing.T) {
	tests := []struct{ word, want string }{
		{"pending", "a"},
		{"guaranteed", "a"},
		{"attempt", "an"},
		{"open", "an"},
		{"", "a"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, article(tt.word), "article(%q)", tt.word)
	}
}
