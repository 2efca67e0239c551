package payrec

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/looplab/fsm"
)

// State is the lifecycle state of one payment attempt.
//
// The zero value is [Pending]: a new attempt, not yet resolved. The other
// states are final for the lifecycle; see [State.IsFinal]. A State encodes as
// its lowercase name ("pending", "guaranteed", "failed", "canceled").
type State uint8

// The attempt states, in the order Stripe lists them.
const (
	// Pending is an attempt whose outcome is not known yet.
	Pending State = iota
	// Guaranteed is an attempt whose funds are guaranteed.
	Guaranteed
	// Failed is an attempt that did not collect the funds.
	Failed
	// Canceled is an attempt that was abandoned before it resolved.
	Canceled

	numStates = iota
)

var stateNames = [numStates]string{
	Pending:    "pending",
	Guaranteed: "guaranteed",
	Failed:     "failed",
	Canceled:   "canceled",
}

// String returns the lowercase name of s, as Stripe spells it. For a value
// outside the declared states it returns "State(n)" rather than panicking.
func (s State) String() string {
	if s.IsValid() {
		return stateNames[s]
	}
	return "State(" + strconv.Itoa(int(s)) + ")"
}

// IsValid reports whether s is one of the declared states.
func (s State) IsValid() bool { return s < numStates }

// IsFinal reports whether no lifecycle event can move an attempt out of s:
// true for [Guaranteed], [Failed] and [Canceled], false for [Pending] and for
// invalid states.
//
// Final does not mean frozen. A guaranteed attempt still takes refunds, which
// move money between its amounts but are not lifecycle events, so they never
// change its State. A retry after a failed or canceled attempt is a new
// attempt that starts [Pending].
func (s State) IsFinal() bool { return s.IsValid() && final[s] }

// MarshalText implements [encoding.TextMarshaler]. It fails for an invalid
// state, so that a corrupt value is never written out.
func (s State) MarshalText() ([]byte, error) {
	if !s.IsValid() {
		return nil, fmt.Errorf("payrec: cannot marshal invalid state %s", s)
	}
	return []byte(stateNames[s]), nil
}

// UnmarshalText implements [encoding.TextUnmarshaler] with the rules of
// [ParseState]. On error *s is left unchanged.
func (s *State) UnmarshalText(text []byte) error {
	v, err := ParseState(string(text))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// ParseState returns the state named name. Only the exact lowercase names
// that [State.String] returns are accepted: "Pending" and " pending" are
// errors, since Stripe's enum values are case-sensitive. On error it returns
// the zero State and an error that quotes name.
func ParseState(name string) (State, error) {
	for s, n := range stateNames {
		if n == name {
			return State(s), nil
		}
	}
	return Pending, enumError("state", "pending, guaranteed, failed or canceled", name)
}

// Event is something reported about a pending attempt that resolves it.
// An Event encodes as its lowercase name ("guarantee", "fail", "cancel").
//
// The zero value is not a valid event: IsValid reports false, String gives
// "Event(0)", MarshalText fails and every state rejects it. The zero [State]
// is valid because every attempt starts pending; no event is the one an
// attempt starts with, so an Event left unset is a mistake to be caught, not
// a guarantee to be applied.
type Event uint8

// The lifecycle events. Each one resolves a pending attempt; see
// [Event.Target].
const (
	_ Event = iota // the zero Event is invalid

	// Guarantee reports that the attempt's funds are guaranteed.
	Guarantee
	// Fail reports that the attempt failed.
	Fail
	// Cancel reports that the attempt was canceled.
	Cancel

	numEvents = iota
)

var eventNames = [numEvents]string{
	Guarantee: "guarantee",
	Fail:      "fail",
	Cancel:    "cancel",
}

// String returns the lowercase name of e. For a value outside the declared
// events it returns "Event(n)" rather than panicking.
func (e Event) String() string {
	if e.IsValid() {
		return eventNames[e]
	}
	return "Event(" + strconv.Itoa(int(e)) + ")"
}

// IsValid reports whether e is one of the declared events; the zero Event
// is not.
func (e Event) IsValid() bool { return e != 0 && e < numEvents }

// MarshalText implements [encoding.TextMarshaler]. It fails for an invalid
// event.
func (e Event) MarshalText() ([]byte, error) {
	if !e.IsValid() {
		return nil, fmt.Errorf("payrec: cannot marshal invalid event %s", e)
	}
	return []byte(eventNames[e]), nil
}

// UnmarshalText implements [encoding.TextUnmarshaler] with the rules of
// [ParseEvent]. On error *e is left unchanged.
func (e *Event) UnmarshalText(text []byte) error {
	v, err := ParseEvent(string(text))
	if err != nil {
		return err
	}
	*e = v
	return nil
}

// ParseEvent returns the event named name. Only the exact lowercase names
// that [Event.String] returns are accepted. On error it returns the invalid
// zero Event and an error that quotes name.
func ParseEvent(name string) (Event, error) {
	for e, n := range eventNames {
		if e != 0 && n == name {
			return Event(e), nil
		}
	}
	return 0, enumError("event", "guarantee, fail or cancel", name)
}

// enumError rejects name as a value of the enum what, a parameter error in
// the API's words, so that it matches ErrInvalidParameter wherever it is
// decoded (an importer's own struct among them).
func enumError(what, names, name string) error {
	return &Error{Type: ErrorType, Context: "payrec", Err: ErrInvalidParameter,
		Message: fmt.Sprintf("Invalid %s: must be one of %s, got %q.", what, names, name)}
}

// Target returns the state that e leads to from [Pending]: [Guaranteed] for
// [Guarantee], [Failed] for [Fail], [Canceled] for [Cancel]. It is the state
// of an attempt that is reported with its outcome already known.
//
// For an invalid event Target returns [Pending]: Pending rejects the event,
// and a rejected event changes nothing. Check [Event.IsValid] first when the
// event comes from outside.
func (e Event) Target() State {
	to, _ := Pending.Transition(e)
	return to
}

// ErrInvalidTransition is matched, under [errors.Is], by every
// *[TransitionError], and by the other errors that reject a well-formed report
// because of the state its record is in.
var ErrInvalidTransition = errors.New("payrec: invalid transition")

// TransitionError reports that an attempt in state From cannot take Event.
// It unwraps to [ErrInvalidTransition].
type TransitionError struct {
	From  State
	Event Event
}

// Error says which event was refused in which state, for example
// "payrec: cannot fail a guaranteed attempt". Invalid values are named by
// their String form: "payrec: cannot apply invalid Event(9) to a pending
// attempt".
func (e *TransitionError) Error() string {
	verb := e.Event.String()
	if !e.Event.IsValid() {
		verb = "apply invalid " + verb + " to"
	}
	from := e.From.String()
	object := "an attempt in invalid " + from
	if e.From.IsValid() {
		object = article(from) + " " + from + " attempt"
	}
	return "payrec: cannot " + verb + " " + object
}

// Unwrap returns [ErrInvalidTransition].
func (e *TransitionError) Unwrap() error { return ErrInvalidTransition }

// article returns the indefinite article for word by its first letter, a rule
// that is right for every state name.
func article(word string) string {
	if word != "" {
		switch word[0] {
		case 'a', 'e', 'i', 'o', 'u':
			return "an"
		}
	}
	return "a"
}

// Transition returns the state that e leads to from s. When s does not
// accept e — every state but [Pending] accepts nothing, and invalid states
// and events are never accepted — it returns s unchanged and a
// *[TransitionError], so that
//
//	st, err = st.Transition(e)
//
// leaves st as it was on error. Transition is a lookup in a table compiled
// once from the declaration; it does not allocate unless it returns an error.
func (s State) Transition(e Event) (State, error) {
	if s < numStates && e < numEvents { // table[s][0] rejects the zero Event
		if c := table[s][e]; c.ok {
			return c.to, nil
		}
	}
	return s, &TransitionError{From: s, Event: e}
}

// Diagram returns the lifecycle as a Mermaid state diagram, rendered by
// looplab/fsm from the same declaration that the transition table is compiled
// from. The output is the same on every call; the package documentation
// shows it.
func Diagram() string { return diagram }

// lifecycle is the transition table of the package documentation, declared
// once. Any (state, event) pair it does not list is rejected. Names are those
// of State.String and Event.String, so that looplab/fsm's answers map back.
var lifecycle = fsm.Events{
	{Name: Guarantee.String(), Src: []string{Pending.String()}, Dst: Guaranteed.String()},
	{Name: Fail.String(), Src: []string{Pending.String()}, Dst: Failed.String()},
	{Name: Cancel.String(), Src: []string{Pending.String()}, Dst: Canceled.String()},
}

// cell is one entry of the compiled table: where the event leads, if ok.
type cell struct {
	to State
	ok bool
}

var (
	// table answers Transition. It is asked of looplab/fsm once, because a
	// machine per transition costs microseconds and allocations where a
	// lookup costs neither.
	table = compile(lifecycle)
	// final holds, per state, whether table accepts no event in it.
	final = finalStates(&table)
	// diagram is computed once; rendering sorts, so it is deterministic.
	diagram = render(lifecycle)
)

// compile asks looplab/fsm, for every (state, event) pair, where the event
// leads: a fresh machine per pair, since a successful event moves the
// machine and SetState would bypass the declaration.
//
// A declaration error (a destination that is not a State, an error that
// only callbacks can cause) panics: it is a bug in this file that every test
// run hits at initialisation, never a consequence of caller data.
func compile(events fsm.Events) [numStates][numEvents]cell {
	var t [numStates][numEvents]cell
	ctx := context.Background()
	for s := range State(numStates) {
		for e := Event(1); e < numEvents; e++ { // the zero Event stays rejected
			f := fsm.NewFSM(s.String(), events, nil)
			err := f.Event(ctx, e.String())
			var (
				invalid  fsm.InvalidEventError
				unknown  fsm.UnknownEventError
				noChange fsm.NoTransitionError
			)
			switch {
			case err == nil:
				to, perr := ParseState(f.Current())
				if perr != nil {
					panic(fmt.Sprintf("payrec: lifecycle: %s --%s--> %q: %v", s, e, f.Current(), perr))
				}
				t[s][e] = cell{to: to, ok: true}
			case errors.As(err, &noChange):
				// looplab/fsm reports a declared self-transition as an error,
				// yet the declaration accepts the event: stay in s.
				t[s][e] = cell{to: s, ok: true}
			case errors.As(err, &invalid), errors.As(err, &unknown):
				// Rejected: the zero cell.
			default:
				panic(fmt.Sprintf("payrec: lifecycle: %s --%s-->: %v", s, e, err))
			}
		}
	}
	return t
}

func finalStates(t *[numStates][numEvents]cell) [numStates]bool {
	var f [numStates]bool
	for s := range t {
		f[s] = true
		for _, c := range t[s] {
			if c.ok {
				f[s] = false
			}
		}
	}
	return f
}

// render draws events as looplab/fsm does, starting from Pending, where
// every attempt starts.
func render(events fsm.Events) string {
	d, err := fsm.VisualizeWithType(fsm.NewFSM(Pending.String(), events, nil), fsm.MERMAID)
	if err != nil {
		panic("payrec: lifecycle diagram: " + err.Error())
	}
	return d
}
