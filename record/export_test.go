package record

import "maps"

// ResetTo makes r equal to src again, reusing r's memory, for benchmarks
// whose report consumes the state it runs on: r must be a clone of src that
// has since taken reports (which append attempts and refunds and change
// only the latest attempt). Unlike Clone it costs nothing in proportion to
// the history src already holds. TestResetTo checks the result against src.
func (r *Record) ResetTo(src *Record) {
	n := len(src.attempts)
	if n == 0 || len(r.attempts) < n || len(r.refunds) < len(src.refunds) ||
		r.attempts[n-1].ID() != src.attempts[n-1].ID() {
		panic("record: ResetTo: r is not a clone of src that took reports")
	}
	r.description = src.description
	if len(r.metadata) > 0 || len(src.metadata) > 0 {
		clear(r.metadata)
		if r.metadata == nil {
			r.metadata = make(map[string]string, len(src.metadata))
		}
		maps.Copy(r.metadata, src.metadata)
	}

	if src.byAttemptID == nil {
		r.byAttemptID = nil
	} else {
		for i := n; i < len(r.attempts); i++ {
			delete(r.byAttemptID, r.attempts[i].ID())
		}
	}
	if n == 1 {
		r.first[0] = ops.Clone(&src.attempts[0])
		r.attempts = r.first[:]
	} else {
		// Only the latest attempt changes; the earlier ones are as cloned.
		r.attempts = r.attempts[:n]
		r.attempts[n-1] = ops.Clone(&src.attempts[n-1])
	}

	for _, f := range r.refunds[len(src.refunds):] {
		delete(r.byRefRef, f.Reference)
	}
	r.refunds = r.refunds[:len(src.refunds)]

	r.firstSettled, r.latestSettled = src.firstSettled, src.latestSettled
	switch {
	case src.replaced == nil:
		r.replaced = nil
	case r.replaced == nil:
		d := *src.replaced
		r.replaced = &d
	default:
		*r.replaced = *src.replaced
	}
	r.version = src.version
}
