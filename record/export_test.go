package record

import "maps"

// ResetTo makes r equal to src again, reusing r's memory, for benchmarks
// whose report consumes the state it runs on: r must be a clone of src that
// has since taken reports that add no attempt (settling the latest attempt,
// refunds, informational updates). Unlike Clone it costs nothing in
// proportion to the refunds src already holds, and it allocates only to
// restore metadata. TestResetTo checks the result against src.Clone.
func (r *Record) ResetTo(src *Record) {
	if len(r.attempts) != len(src.attempts) || len(r.refunds) < len(src.refunds) {
		panic("record: ResetTo: r is not src after reports that add no attempt")
	}
	r.description = src.description
	if len(r.metadata) > 0 || len(src.metadata) > 0 {
		clear(r.metadata)
		if r.metadata == nil {
			r.metadata = make(map[string]string, len(src.metadata))
		}
		maps.Copy(r.metadata, src.metadata)
	}
	for i := range r.attempts {
		r.attempts[i] = src.attempts[i].Clone()
	}
	for _, f := range r.refunds[len(src.refunds):] {
		delete(r.byRefRef, f.Reference)
	}
	r.refunds = r.refunds[:len(src.refunds)]
	r.version = src.version
}
