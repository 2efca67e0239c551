package payrec

import (
	"context"
	"testing"

	"github.com/looplab/fsm"
)

var (
	sinkState State
	sinkErr   error
)

// pendingEvents are the three events that Pending accepts, so that both
// benchmarks measure successful transitions only.
var pendingEvents = [...]Event{Guarantee, Fail, Cancel}

// BenchmarkTransition measures a transition as payrec runs it: a lookup in
// the compiled table.
func BenchmarkTransition(b *testing.B) {
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		sinkState, sinkErr = Pending.Transition(pendingEvents[i%len(pendingEvents)])
		i++
	}
	if sinkErr != nil {
		b.Fatal(sinkErr)
	}
}

// BenchmarkLooplabBaseline measures the design that compiling avoids: a
// looplab/fsm machine built from the same declaration and fired per
// transition.
func BenchmarkLooplabBaseline(b *testing.B) {
	b.ReportAllocs()
	ctx := context.Background()
	var names [len(pendingEvents)]string
	for i, e := range pendingEvents {
		names[i] = e.String()
	}
	i := 0
	for b.Loop() {
		f := fsm.NewFSM(Pending.String(), lifecycle, nil)
		sinkErr = f.Event(ctx, names[i%len(names)])
		i++
	}
	if sinkErr != nil {
		b.Fatal(sinkErr)
	}
}

// BenchmarkTransitionRejected measures the error path, which allocates the
// *TransitionError.
func BenchmarkTransitionRejected(b *testing.B) {
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		sinkState, sinkErr = Guaranteed.Transition(pendingEvents[i%len(pendingEvents)])
		i++
	}
	if sinkErr == nil {
		b.Fatal("transition from guaranteed accepted")
	}
}
