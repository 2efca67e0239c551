package payrec_test

import (
	"encoding/json"
	"errors"
	"go/doc/comment"
	"go/parser"
	"go/token"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/payrec/payrec"
)

var (
	allStates = []payrec.State{payrec.Pending, payrec.Guaranteed, payrec.Failed, payrec.Canceled}
	allEvents = []payrec.Event{payrec.Guarantee, payrec.Fail, payrec.Cancel}
)

// designTable is the lifecycle of the package documentation (Stripe's rule
// for guaranteed, payrec's for failed and canceled), written out by name so
// that it does not depend on the package's own declaration. An empty
// destination means the pair is rejected.
var designTable = map[string]map[string]string{
	"pending":    {"guarantee": "guaranteed", "fail": "failed", "cancel": "canceled"},
	"guaranteed": {"guarantee": "", "fail": "", "cancel": ""},
	"failed":     {"guarantee": "", "fail": "", "cancel": ""},
	"canceled":   {"guarantee": "", "fail": "", "cancel": ""},
}

func TestTransitionTable(t *testing.T) {
	require.Len(t, designTable, len(allStates), "the test table covers every state")
	for _, from := range allStates {
		row, ok := designTable[from.String()]
		require.True(t, ok, "the table has a row for %s", from)
		require.Len(t, row, len(allEvents), "the row for %s covers every event", from)
		for _, ev := range allEvents {
			want, ok := row[ev.String()]
			require.True(t, ok, "the table has a column for %s", ev)
			t.Run(from.String()+"/"+ev.String(), func(t *testing.T) {
				got, err := from.Transition(ev)
				if want == "" {
					require.ErrorIs(t, err, payrec.ErrInvalidTransition)
					assert.Equal(t, from, got, "a rejected event leaves the state as it was")
					return
				}
				require.NoError(t, err)
				assert.Equal(t, want, got.String())
			})
		}
	}
}

func TestTransitionOutOfRange(t *testing.T) {
	tests := []struct {
		name  string
		from  payrec.State
		event payrec.Event
		msg   string
	}{
		{"invalid state", payrec.State(7), payrec.Guarantee, "payrec: cannot guarantee an attempt in invalid State(7)"},
		{"first invalid state", payrec.State(4), payrec.Cancel, "payrec: cannot cancel an attempt in invalid State(4)"},
		{"max state", payrec.State(255), payrec.Fail, "payrec: cannot fail an attempt in invalid State(255)"},
		{"invalid event", payrec.Pending, payrec.Event(9), "payrec: cannot apply invalid Event(9) to a pending attempt"},
		{"first invalid event", payrec.Pending, payrec.Event(4), "payrec: cannot apply invalid Event(4) to a pending attempt"},
		{"zero event", payrec.Pending, payrec.Event(0), "payrec: cannot apply invalid Event(0) to a pending attempt"},
		{"invalid event on final", payrec.Guaranteed, payrec.Event(200), "payrec: cannot apply invalid Event(200) to a guaranteed attempt"},
		{"both invalid", payrec.State(7), payrec.Event(9), "payrec: cannot apply invalid Event(9) to an attempt in invalid State(7)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var (
				got payrec.State
				err error
			)
			require.NotPanics(t, func() { got, err = tt.from.Transition(tt.event) })
			require.ErrorIs(t, err, payrec.ErrInvalidTransition)
			assert.Equal(t, tt.from, got)
			assert.EqualError(t, err, tt.msg)
		})
	}
}

func TestTransitionErrorMatching(t *testing.T) {
	_, err := payrec.Failed.Transition(payrec.Guarantee)
	require.Error(t, err)

	assert.ErrorIs(t, err, payrec.ErrInvalidTransition)
	var te *payrec.TransitionError
	require.ErrorAs(t, err, &te)
	assert.Equal(t, payrec.Failed, te.From)
	assert.Equal(t, payrec.Guarantee, te.Event)

	// Wrapping by a caller keeps both.
	wrapped := errors.Join(errors.New("report_payment_attempt_guaranteed"), err)
	assert.ErrorIs(t, wrapped, payrec.ErrInvalidTransition)
	te = nil
	require.ErrorAs(t, wrapped, &te)
	assert.Equal(t, payrec.Failed, te.From)

	assert.NotErrorIs(t, errors.New("payrec: invalid transition"), payrec.ErrInvalidTransition,
		"matching is by identity, not by text")
}

func TestTransitionErrorMessage(t *testing.T) {
	tests := []struct {
		from  payrec.State
		event payrec.Event
		want  string
	}{
		{payrec.Guaranteed, payrec.Fail, "payrec: cannot fail a guaranteed attempt"},
		{payrec.Guaranteed, payrec.Guarantee, "payrec: cannot guarantee a guaranteed attempt"},
		{payrec.Guaranteed, payrec.Cancel, "payrec: cannot cancel a guaranteed attempt"},
		{payrec.Canceled, payrec.Guarantee, "payrec: cannot guarantee a canceled attempt"},
		{payrec.Canceled, payrec.Cancel, "payrec: cannot cancel a canceled attempt"},
		{payrec.Failed, payrec.Fail, "payrec: cannot fail a failed attempt"},
		{payrec.Failed, payrec.Cancel, "payrec: cannot cancel a failed attempt"},
	}
	for _, tt := range tests {
		t.Run(tt.from.String()+"/"+tt.event.String(), func(t *testing.T) {
			_, err := tt.from.Transition(tt.event)
			require.Error(t, err)
			assert.EqualError(t, err, tt.want)
			assert.Equal(t, tt.want, (&payrec.TransitionError{From: tt.from, Event: tt.event}).Error(),
				"the message depends only on the fields")
		})
	}
}

func TestIsFinal(t *testing.T) {
	tests := []struct {
		state payrec.State
		want  bool
	}{
		{payrec.Pending, false},
		{payrec.Guaranteed, true},
		{payrec.Failed, true},
		{payrec.Canceled, true},
		{payrec.State(4), false},
		{payrec.State(255), false},
	}
	for _, tt := range tests {
		t.Run(tt.state.String(), func(t *testing.T) {
			assert.Equal(t, tt.want, tt.state.IsFinal())
		})
	}
}

func TestZeroValues(t *testing.T) {
	var s payrec.State
	assert.Equal(t, payrec.Pending, s, "a new attempt is pending")
	var e payrec.Event
	assert.False(t, e.IsValid(), "the zero Event is not an event")
	assert.Equal(t, "Event(0)", e.String())
	_, err := e.MarshalText()
	assert.Error(t, err, "the zero Event does not encode")
	for _, st := range allStates {
		got, err := st.Transition(e)
		assert.Equal(t, st, got, "%s rejects the zero Event and stays", st)
		assert.ErrorIs(t, err, payrec.ErrInvalidTransition)
	}
	assert.Equal(t, payrec.Pending, e.Target(), "the zero Event leads nowhere")
	parsed, err := payrec.ParseEvent("")
	require.Error(t, err)
	assert.Equal(t, e, parsed, "ParseEvent returns the zero Event on error")
}

func TestTarget(t *testing.T) {
	tests := []struct {
		event payrec.Event
		want  payrec.State
	}{
		{payrec.Guarantee, payrec.Guaranteed},
		{payrec.Fail, payrec.Failed},
		{payrec.Cancel, payrec.Canceled},
		{payrec.Event(0), payrec.Pending},
		{payrec.Event(4), payrec.Pending},
		{payrec.Event(255), payrec.Pending},
	}
	for _, tt := range tests {
		t.Run(tt.event.String(), func(t *testing.T) {
			assert.Equal(t, tt.want, tt.event.Target())
		})
	}
}

func TestStateText(t *testing.T) {
	tests := []struct {
		state payrec.State
		name  string
	}{
		{payrec.Pending, "pending"},
		{payrec.Guaranteed, "guaranteed"},
		{payrec.Failed, "failed"},
		{payrec.Canceled, "canceled"},
	}
	require.Len(t, tests, len(allStates))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.True(t, tt.state.IsValid())
			assert.Equal(t, tt.name, tt.state.String())

			text, err := tt.state.MarshalText()
			require.NoError(t, err)
			assert.Equal(t, tt.name, string(text))

			got, err := payrec.ParseState(tt.name)
			require.NoError(t, err)
			assert.Equal(t, tt.state, got)

			var u payrec.State = 255
			require.NoError(t, u.UnmarshalText(text))
			assert.Equal(t, tt.state, u)
		})
	}
}

func TestStateInvalid(t *testing.T) {
	for _, s := range []payrec.State{4, 7, 255} {
		t.Run(s.String(), func(t *testing.T) {
			assert.False(t, s.IsValid())
			_, err := s.MarshalText()
			require.Error(t, err)
			assert.Contains(t, err.Error(), s.String())
		})
	}
	assert.Equal(t, "State(7)", payrec.State(7).String())

	for _, in := range []string{"", "Pending", "PENDING", " pending", "pending ", "succeeded", "State(0)", "0"} {
		t.Run("parse "+in, func(t *testing.T) {
			_, err := payrec.ParseState(in)
			require.Error(t, err)
			assert.EqualError(t, err, `payrec: Invalid state: must be one of pending, guaranteed, failed or canceled, got "`+in+`".`)

			u := payrec.Failed
			require.Error(t, u.UnmarshalText([]byte(in)))
			assert.Equal(t, payrec.Failed, u, "a failed UnmarshalText leaves the value as it was")
		})
	}
}

func TestEventText(t *testing.T) {
	tests := []struct {
		event payrec.Event
		name  string
	}{
		{payrec.Guarantee, "guarantee"},
		{payrec.Fail, "fail"},
		{payrec.Cancel, "cancel"},
	}
	require.Len(t, tests, len(allEvents))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.True(t, tt.event.IsValid())
			assert.Equal(t, tt.name, tt.event.String())

			text, err := tt.event.MarshalText()
			require.NoError(t, err)
			assert.Equal(t, tt.name, string(text))

			got, err := payrec.ParseEvent(tt.name)
			require.NoError(t, err)
			assert.Equal(t, tt.event, got)

			var u payrec.Event = 255
			require.NoError(t, u.UnmarshalText(text))
			assert.Equal(t, tt.event, u)
		})
	}
}

func TestEventInvalid(t *testing.T) {
	for _, e := range []payrec.Event{0, 4, 9, 255} {
		t.Run(e.String(), func(t *testing.T) {
			assert.False(t, e.IsValid())
			_, err := e.MarshalText()
			require.Error(t, err)
			assert.Contains(t, err.Error(), e.String())
		})
	}
	assert.Equal(t, "Event(9)", payrec.Event(9).String())

	for _, in := range []string{"", "Guarantee", "guaranteed", "fail ", "refund", "Event(0)"} {
		t.Run("parse "+in, func(t *testing.T) {
			_, err := payrec.ParseEvent(in)
			require.Error(t, err)
			assert.EqualError(t, err, `payrec: Invalid event: must be one of guarantee, fail or cancel, got "`+in+`".`)

			u := payrec.Cancel
			require.Error(t, u.UnmarshalText([]byte(in)))
			assert.Equal(t, payrec.Cancel, u)
		})
	}
}

func TestJSON(t *testing.T) {
	type attempt struct {
		Status payrec.State `json:"status"`
		Last   payrec.Event `json:"last"`
	}
	b, err := json.Marshal(attempt{Status: payrec.Canceled, Last: payrec.Cancel})
	require.NoError(t, err)
	assert.JSONEq(t, `{"status":"canceled","last":"cancel"}`, string(b))

	var got attempt
	require.NoError(t, json.Unmarshal([]byte(`{"status":"guaranteed","last":"guarantee"}`), &got))
	assert.Equal(t, attempt{Status: payrec.Guaranteed, Last: payrec.Guarantee}, got)

	err = json.Unmarshal([]byte(`{"status":"succeeded"}`), &got)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `"succeeded"`)

	_, err = json.Marshal(attempt{Status: payrec.State(9)})
	require.Error(t, err, "an invalid state is never written out")
}

// TestTransitionSteps walks one attempt through a sequence and checks each
// step, the way a record sees its latest attempt.
func TestTransitionSteps(t *testing.T) {
	steps := []struct {
		event   payrec.Event
		want    payrec.State
		wantErr bool
	}{
		{payrec.Guarantee, payrec.Guaranteed, false},
		{payrec.Guarantee, payrec.Guaranteed, true}, // Stripe: already guaranteed
		{payrec.Fail, payrec.Guaranteed, true},
		{payrec.Cancel, payrec.Guaranteed, true},
		{payrec.Event(4), payrec.Guaranteed, true},
		{payrec.Event(0), payrec.Guaranteed, true},
	}
	var s payrec.State
	for i, step := range steps {
		var err error
		s, err = s.Transition(step.event)
		if got := err != nil; got != step.wantErr {
			t.Fatalf("step %d: %s: error = %v, want error %v", i, step.event, err, step.wantErr)
		}
		if s != step.want {
			t.Fatalf("step %d: %s: state = %v, want %v", i, step.event, s, step.want)
		}
	}
}

// TestTransitionModel checks Transition against a model written in the test:
// from a random state, a random sequence of events, valid or not.
func TestTransitionModel(t *testing.T) {
	type pair struct {
		from  payrec.State
		event payrec.Event
	}
	allowed := map[pair]payrec.State{
		{payrec.Pending, payrec.Guarantee}: payrec.Guaranteed,
		{payrec.Pending, payrec.Fail}:      payrec.Failed,
		{payrec.Pending, payrec.Cancel}:    payrec.Canceled,
	}
	rapid.Check(t, func(t *rapid.T) {
		s := rapid.SampledFrom(allStates).Draw(t, "start")
		model := s
		var finalAt payrec.State // the state s was in when it first became final
		wasFinal := false

		fire := func(t *rapid.T, e payrec.Event) {
			before := s
			next, err := s.Transition(e)
			want, ok := allowed[pair{before, e}]
			if !ok {
				if !errors.Is(err, payrec.ErrInvalidTransition) {
					t.Fatalf("%s.Transition(%s) error = %v, want ErrInvalidTransition", before, e, err)
				}
				var te *payrec.TransitionError
				if !errors.As(err, &te) || te.From != before || te.Event != e {
					t.Fatalf("%s.Transition(%s) error = %#v, want TransitionError{%s, %s}", before, e, err, before, e)
				}
				if next != before {
					t.Fatalf("%s.Transition(%s) = %s after rejection, want %s unchanged", before, e, next, before)
				}
				return
			}
			if err != nil {
				t.Fatalf("%s.Transition(%s) error = %v, want nil", before, e, err)
			}
			s, model = next, want
		}

		t.Repeat(map[string]func(*rapid.T){
			"event": func(t *rapid.T) {
				fire(t, rapid.SampledFrom(allEvents).Draw(t, "event"))
			},
			"invalid event": func(t *rapid.T) {
				fire(t, payrec.Event(rapid.OneOf(rapid.Just(uint8(0)), rapid.Uint8Min(uint8(len(allEvents))+1)).Draw(t, "invalid event")))
			},
			"": func(t *rapid.T) {
				if s != model {
					t.Fatalf("state = %s, model = %s", s, model)
				}
				if wasFinal && s != finalAt {
					t.Fatalf("final state %s changed to %s", finalAt, s)
				}
				if s.IsFinal() && !wasFinal {
					wasFinal, finalAt = true, s
				}
			},
		})
	})
}

// FuzzParseState checks that whatever ParseState accepts round-trips.
func FuzzParseState(f *testing.F) {
	f.Add("pending")    // the zero state
	f.Add("guaranteed") // final, still takes refunds
	f.Add("Canceled")   // wrong case
	f.Add("failed\x00") // trailing NUL
	f.Add("")           // empty
	f.Fuzz(func(t *testing.T, in string) {
		s, err := payrec.ParseState(in)
		if err != nil {
			if !strings.Contains(err.Error(), "payrec: Invalid state: ") {
				t.Fatalf("ParseState(%q) error = %v, want it to name the problem", in, err)
			}
			return
		}
		if !s.IsValid() || s.String() != in {
			t.Fatalf("ParseState(%q) = %v, which does not round-trip", in, s)
		}
		text, err := s.MarshalText()
		if err != nil || string(text) != in {
			t.Fatalf("ParseState(%q).MarshalText() = %q, %v", in, text, err)
		}
	})
}

// FuzzParseEvent checks that whatever ParseEvent accepts round-trips.
func FuzzParseEvent(f *testing.F) {
	f.Add("guarantee") // the zero event
	f.Add("cancel")    // valid
	f.Add("FAIL")      // wrong case
	f.Add("refund")    // not a lifecycle event
	f.Add("")          // empty
	f.Fuzz(func(t *testing.T, in string) {
		e, err := payrec.ParseEvent(in)
		if err != nil {
			if !strings.Contains(err.Error(), "payrec: Invalid event: ") {
				t.Fatalf("ParseEvent(%q) error = %v, want it to name the problem", in, err)
			}
			return
		}
		if !e.IsValid() || e.String() != in {
			t.Fatalf("ParseEvent(%q) = %v, which does not round-trip", in, e)
		}
	})
}

func TestTransitionDoesNotAllocate(t *testing.T) {
	var sink payrec.State
	allocs := testing.AllocsPerRun(1000, func() {
		for _, e := range allEvents {
			s, err := payrec.Pending.Transition(e)
			if err != nil {
				panic(err)
			}
			sink = s
		}
	})
	_ = sink
	assert.Zero(t, allocs, "allocations per three accepted transitions")
}

// TestDocDiagram keeps the diagram in the package documentation equal to the
// one looplab/fsm renders.
func TestDocDiagram(t *testing.T) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "doc.go", nil, parser.ParseComments|parser.PackageClauseOnly)
	require.NoError(t, err)
	require.NotNil(t, f.Doc, "doc.go has a package comment")

	var blocks []string
	var p comment.Parser
	for _, b := range p.Parse(f.Doc.Text()).Content {
		if code, ok := b.(*comment.Code); ok && strings.HasPrefix(code.Text, "stateDiagram") {
			blocks = append(blocks, code.Text)
		}
	}
	require.Len(t, blocks, 1, "doc.go shows the diagram once, as a code block")
	assert.Equal(t, payrec.Diagram(), blocks[0],
		"the diagram in doc.go is out of date; paste payrec.Diagram() there as a code block")
}

// TestReadmeDiagram keeps the Mermaid block of README.md equal to the one
// looplab/fsm renders.
func TestReadmeDiagram(t *testing.T) {
	b, err := os.ReadFile("README.md")
	require.NoError(t, err)

	blocks, ok := mermaidBlocks(string(b))
	require.True(t, ok, "README.md has an unterminated mermaid block")
	n := 0
	for _, block := range blocks {
		if strings.HasPrefix(block, "stateDiagram") {
			n++
			assert.Equal(t, payrec.Diagram(), block,
				"the diagram in README.md is out of date; paste payrec.Diagram() there")
		}
	}
	require.NotZero(t, n, "README.md shows the lifecycle in a ```mermaid block")
}

// mermaidBlocks returns the contents of the ```mermaid fenced blocks of a
// Markdown text, or false if one is not closed.
func mermaidBlocks(markdown string) ([]string, bool) {
	const open, fence = "```mermaid\n", "```"
	text := strings.ReplaceAll(markdown, "\r\n", "\n")
	var blocks []string
	for {
		i := strings.Index(text, open)
		if i < 0 {
			return blocks, true
		}
		text = text[i+len(open):]
		j := strings.Index(text, fence)
		if j < 0 {
			return blocks, false
		}
		blocks = append(blocks, text[:j])
		text = text[j+len(fence):]
	}
}

func TestMermaidBlocks(t *testing.T) {
	tests := []struct {
		name     string
		markdown string
		want     []string
		ok       bool
	}{
		{"none", "# payrec\n\n```go\nx := 1\n```\n", nil, true},
		{"one", "# payrec\n\n```mermaid\nstateDiagram-v2\n    [*] --> pending\n```\n", []string{"stateDiagram-v2\n    [*] --> pending\n"}, true},
		{"crlf", "```mermaid\r\nstateDiagram-v2\r\n```\r\n", []string{"stateDiagram-v2\n"}, true},
		{"two", "```mermaid\na\n```\ntext\n```mermaid\nb\n```\n", []string{"a\n", "b\n"}, true},
		{"unterminated", "```mermaid\nstateDiagram-v2\n", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := mermaidBlocks(tt.markdown)
			assert.Equal(t, tt.ok, ok)
			assert.Equal(t, tt.want, got)
		})
	}
}
