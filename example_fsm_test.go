package payrec_test

import (
	"errors"
	"fmt"

	"github.com/payrec/payrec"
)

func ExampleState_Transition() {
	var s payrec.State // a new attempt: pending
	s, err := s.Transition(payrec.Guarantee)
	fmt.Println(s, err)

	// A guaranteed attempt cannot fail; the state stays as it was.
	s, err = s.Transition(payrec.Fail)
	fmt.Println(s)
	fmt.Println(err)
	fmt.Println(errors.Is(err, payrec.ErrInvalidTransition))

	var te *payrec.TransitionError
	if errors.As(err, &te) {
		fmt.Println(te.From, te.Event)
	}
	// Output:
	// guaranteed <nil>
	// guaranteed
	// payrec: cannot fail a guaranteed attempt
	// true
	// guaranteed fail
}

func ExampleState_String() {
	fmt.Println(payrec.Pending, payrec.Guaranteed, payrec.Failed, payrec.Canceled)
	fmt.Println(payrec.State(7))
	// Output:
	// pending guaranteed failed canceled
	// State(7)
}

func ExampleState_IsFinal() {
	for _, s := range []payrec.State{payrec.Pending, payrec.Guaranteed, payrec.Failed, payrec.Canceled} {
		fmt.Println(s, s.IsFinal())
	}
	// Output:
	// pending false
	// guaranteed true
	// failed true
	// canceled true
}

func ExampleParseState() {
	s, err := payrec.ParseState("canceled")
	fmt.Println(s, err)

	_, err = payrec.ParseState("Canceled")
	fmt.Println(err)
	// Output:
	// canceled <nil>
	// payrec: Invalid state: must be one of pending, guaranteed, failed or canceled, got "Canceled".
}

func ExampleEvent_Target() {
	for _, e := range []payrec.Event{payrec.Guarantee, payrec.Fail, payrec.Cancel} {
		fmt.Println(e, "->", e.Target())
	}
	// Output:
	// guarantee -> guaranteed
	// fail -> failed
	// cancel -> canceled
}

func ExampleDiagram() {
	fmt.Print(payrec.Diagram())
	// Output:
	// stateDiagram-v2
	//     [*] --> pending
	//     pending --> canceled: cancel
	//     pending --> failed: fail
	//     pending --> guaranteed: guarantee
}
