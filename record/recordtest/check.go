package recordtest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"

	"github.com/payrec/payrec"
	"github.com/payrec/payrec/attempt"
	"github.com/payrec/payrec/internal/jsonscan"
	"github.com/payrec/payrec/money"
	"github.com/payrec/payrec/record"
)

// TB is the part of *testing.T, *testing.B, *testing.F and *rapid.T that
// Check and Equal use.
type TB interface {
	Helper()
	Fatalf(format string, args ...any)
}

// Check fails t with Verify's message when r breaks an invariant.
func Check(t TB, r *record.Record) {
	t.Helper()
	if err := Verify(r); err != nil {
		t.Fatalf("%v", err)
	}
}

// Equal fails t with Diff's message when got and want differ.
func Equal(t TB, got, want *record.Record) {
	t.Helper()
	if d := Diff(got, want); d != "" {
		t.Fatalf("%s", d)
	}
}

// The members of Stripe's objects in the current API version, no more and
// no fewer.
var (
	recordKeys = []string{
		"id", "object", "amount", "amount_authorized", "amount_canceled", "amount_failed",
		"amount_guaranteed", "amount_refunded", "amount_requested", "application", "created",
		"customer_details", "customer_presence", "description", "latest_payment_attempt_record",
		"livemode", "metadata", "payment_method_details", "processor_details", "reported_by",
		"shipping_details",
	}
	attemptKeys = []string{
		"id", "object", "amount", "amount_authorized", "amount_canceled", "amount_failed",
		"amount_guaranteed", "amount_refunded", "amount_requested", "application", "created",
		"customer_details", "customer_presence", "description", "livemode", "metadata",
		"payment_method_details", "payment_record", "processor_details", "reported_by",
		"shipping_details",
	}
	// detailKeys are the members a record shows from its latest attempt.
	detailKeys = []string{"customer_details", "customer_presence", "payment_method_details",
		"processor_details", "shipping_details"}
)

// Verify returns nil when r holds every invariant payrec promises, and
// otherwise an error listing each one broken:
//
//   - r has at least one attempt, with distinct IDs, each belonging to r
//     and asking for r's requested amount, a positive amount;
//   - conservation, per attempt: the sum of pending, guaranteed, failed,
//     canceled and refunded, added with money.Amount.Add, is the requested
//     amount, and the money sits in the bucket of the attempt's state
//     (refunds only beside guaranteed funds);
//   - every attempt but the latest is failed or canceled (a new attempt
//     follows only those), and each attempt has the timestamp of its
//     state and no other, no earlier than its initiated_at;
//   - at most one attempt is guaranteed or holds guaranteed or refunded
//     funds, and it is the latest;
//   - r's amounts are its latest attempt's;
//   - r's refunds are positive, in r's currency, against a guaranteed
//     attempt and not refunded before it was guaranteed, with distinct
//     non-empty references, and sum to each attempt's refunded amount;
//   - r's JSON is valid and is Stripe's payment_record: exactly its keys,
//     object "payment_record", amount equal to amount_requested,
//     amount_authorized zero, every amount decoding (money.Amount's
//     UnmarshalJSON) to the accessor's value, id, created, livemode,
//     description, metadata ({} when empty, never null) and
//     latest_payment_attempt_record as the accessors say, and the details
//     of the latest attempt;
//   - every attempt's JSON likewise, as a payment_attempt_record of r.
func Verify(r *record.Record) error {
	var p problems
	p.verify(r)
	if len(p) == 0 {
		return nil
	}
	id := "<nil>"
	if r != nil {
		id = fmt.Sprintf("%q", r.ID())
	}
	return fmt.Errorf("recordtest: record %s breaks %d invariant(s):\n  - %s", id, len(p), strings.Join(p, "\n  - "))
}

type problems []string

func (p *problems) add(format string, args ...any) { *p = append(*p, fmt.Sprintf(format, args...)) }

func (p *problems) verify(r *record.Record) {
	if r == nil {
		p.add("the record is nil")
		return
	}
	atts := r.Attempts()
	if len(atts) == 0 {
		p.add("the record has no attempt")
		return
	}
	if r.NumAttempts() != len(atts) {
		p.add("NumAttempts() = %d, but Attempts() has %d", r.NumAttempts(), len(atts))
	}
	latest := &atts[len(atts)-1]
	if l, ok := r.LatestAttempt(); !ok || l.ID() != latest.ID() {
		p.add("LatestAttempt() = %q, %v; want the last of Attempts(), %q", l.ID(), ok, latest.ID())
	}
	req := r.AmountRequested()
	if !req.IsValid() || !req.IsPositive() {
		p.add("amount requested %s is not positive", req)
	}
	seen := make(map[string]int)
	var withFunds []int
	for i := range atts {
		a := &atts[i]
		name := attemptName(i, a)
		if j, dup := seen[a.ID()]; dup {
			p.add("%s has the ID of attempt %d", name, j+1)
		}
		seen[a.ID()] = i
		if a.PaymentRecord() != r.ID() {
			p.add("%s belongs to record %q", name, a.PaymentRecord())
		}
		if a.Requested() != req {
			p.add("%s requests %s, the record %s", name, a.Requested(), req)
		}
		p.conservation(name, a)
		p.times(name, a)
		if i < len(atts)-1 && a.State() != payrec.Failed && a.State() != payrec.Canceled {
			// A new attempt is accepted only after a failed or canceled one.
			p.add("%s is %s but a later attempt exists; only failed or canceled attempts are followed by another",
				name, a.State())
		}
		if a.State() == payrec.Guaranteed || a.Guaranteed().IsPositive() || a.Refunded().IsPositive() {
			withFunds = append(withFunds, i)
		}
	}
	if len(withFunds) > 1 {
		var names []string
		for _, i := range withFunds {
			names = append(names, attemptName(i, &atts[i]))
		}
		p.add("%d attempts have guaranteed funds, at most one may: %s", len(withFunds), strings.Join(names, ", "))
	}
	if len(withFunds) > 0 && withFunds[len(withFunds)-1] != len(atts)-1 {
		i := withFunds[len(withFunds)-1]
		p.add("%s has guaranteed funds but is not the latest attempt (%d attempts)", attemptName(i, &atts[i]), len(atts))
	}
	p.latest(r, latest)
	p.refunds(r, atts)
	p.recordJSON(r, latest)
	for i := range atts {
		p.attemptJSON(r, attemptName(i, &atts[i]), &atts[i])
	}
}

func attemptName(i int, a *attempt.Attempt) string {
	return fmt.Sprintf("attempt %d (%s, %s)", i+1, a.ID(), a.State())
}

// conservation checks that a's buckets sum to its requested amount, each
// non-negative, and that they hold the money where a's state says.
func (p *problems) conservation(name string, a *attempt.Attempt) {
	buckets := []struct {
		name string
		amt  money.Amount
	}{
		{"pending", a.Pending()},
		{"guaranteed", a.Guaranteed()},
		{"failed", a.Failed()},
		{"canceled", a.Canceled()},
		{"refunded", a.Refunded()},
	}
	sum := money.New(0, a.Requested().Currency())
	terms := make([]string, 0, len(buckets))
	for _, b := range buckets {
		terms = append(terms, b.name+" "+b.amt.String())
		if b.amt.IsNegative() {
			p.add("%s: %s is negative: %s", name, b.name, b.amt)
		}
		s, err := sum.Add(b.amt)
		if err != nil {
			p.add("%s: cannot sum its buckets: %s: %v", name, b.name, err)
			return
		}
		sum = s
	}
	if sum != a.Requested() {
		p.add("%s breaks conservation: %s = %s, want the requested %s", name, strings.Join(terms, " + "), sum, a.Requested())
	}
	// Which bucket holds the money follows from the state alone (and the
	// refunds, for a guaranteed attempt).
	full := map[payrec.State]string{payrec.Pending: "pending", payrec.Failed: "failed", payrec.Canceled: "canceled"}
	for _, b := range buckets {
		var want bool // whether b may hold money
		switch {
		case a.State() == payrec.Guaranteed:
			want = b.name == "guaranteed" || b.name == "refunded"
		default:
			want = full[a.State()] == b.name
		}
		if !want && b.amt.Sign() != 0 {
			p.add("%s holds %s in %s", name, b.amt, b.name)
		}
	}
	if n := full[a.State()]; n != "" {
		for _, b := range buckets {
			if b.name == n && b.amt != a.Requested() {
				p.add("%s: %s is %s, want all of the requested %s", name, n, b.amt, a.Requested())
			}
		}
	}
}

// latest checks that r's amounts are its latest attempt's.
func (p *problems) latest(r *record.Record, a *attempt.Attempt) {
	for _, c := range []struct {
		name      string
		rec, last money.Amount
	}{
		{"requested", r.AmountRequested(), a.Requested()},
		{"guaranteed", r.AmountGuaranteed(), a.Guaranteed()},
		{"failed", r.AmountFailed(), a.Failed()},
		{"canceled", r.AmountCanceled(), a.Canceled()},
		{"refunded", r.AmountRefunded(), a.Refunded()},
	} {
		if c.rec != c.last {
			p.add("the record's amount %s is %s, its latest attempt's %s", c.name, c.rec, c.last)
		}
	}
}

// refunds checks r's refunds against its attempts.
func (p *problems) refunds(r *record.Record, atts []attempt.Attempt) {
	index := make(map[string]*attempt.Attempt, len(atts))
	sums := make(map[string]int64, len(atts))
	for i := range atts {
		index[atts[i].ID()] = &atts[i]
	}
	refs := make(map[string]int)
	for i, rf := range r.Refunds() {
		name := fmt.Sprintf("refund %d (%q)", i+1, rf.Reference)
		if rf.Reference == "" {
			p.add("%s has no reference", name)
		}
		if j, dup := refs[rf.Reference]; dup {
			p.add("%s reuses the reference of refund %d", name, j+1)
		}
		refs[rf.Reference] = i
		if !rf.Amount.IsPositive() || rf.Amount.Currency() != r.AmountRequested().Currency() {
			p.add("%s is of %s, want a positive amount in %s", name, rf.Amount, r.AmountRequested().Currency())
		}
		a, ok := index[rf.Attempt]
		if !ok {
			p.add("%s is against %q, which is not an attempt of the record", name, rf.Attempt)
			continue
		}
		if a.State() != payrec.Guaranteed {
			p.add("%s is against attempt %s, which is %s", name, rf.Attempt, a.State())
		}
		if rf.RefundedAt != 0 && rf.RefundedAt < a.GuaranteedAt() {
			p.add("%s was refunded at %d, before attempt %s was guaranteed at %d",
				name, rf.RefundedAt, rf.Attempt, a.GuaranteedAt())
		}
		sums[rf.Attempt] += rf.Amount.Value()
	}
	for i := range atts {
		a := &atts[i]
		if got := sums[a.ID()]; got != a.Refunded().Value() {
			p.add("%s: its refunds sum to %s, its refunded amount is %s", attemptName(i, a),
				money.New(got, a.Requested().Currency()), a.Refunded())
		}
	}
}

// object is the decoded top level of a JSON object: its members in order.
type object struct {
	keys    []string
	members map[string]json.RawMessage
}

// members splits the top level of the JSON object b into its members,
// keeping a repeated key visible (encoding/json would keep the last one
// silently). It walks the bytes itself, as a decoder's token API is slow
// enough to dominate a property test that checks every step.
func members(b []byte) (object, error) {
	o := object{members: make(map[string]json.RawMessage)}
	if !json.Valid(b) {
		return o, fmt.Errorf("invalid JSON: %s", clip(b))
	}
	i := jsonscan.SkipSpace(b, 0)
	if b[i] != '{' {
		return o, fmt.Errorf("not an object: %s", clip(b))
	}
	err := jsonscan.Members(b[i:], func(key, value []byte) error {
		k, err := jsonscan.Unquote(key)
		if err != nil {
			return err
		}
		if _, dup := o.members[k]; dup {
			return fmt.Errorf("key %q appears twice", k)
		}
		o.keys = append(o.keys, k)
		o.members[k] = json.RawMessage(value)
		return nil
	})
	return o, err
}

// want describes what an object's JSON must say.
type want struct {
	object      string
	keys        []string
	id          string
	created     int64
	livemode    bool
	description string
	metadata    map[string]string
	amounts     map[string]money.Amount
	strings     map[string]string // other string members and their values
}

func amounts(requested, guaranteed, failed, canceled, refunded money.Amount) map[string]money.Amount {
	return map[string]money.Amount{
		"amount":            requested,
		"amount_requested":  requested,
		"amount_authorized": money.New(0, requested.Currency()),
		"amount_guaranteed": guaranteed,
		"amount_failed":     failed,
		"amount_canceled":   canceled,
		"amount_refunded":   refunded,
	}
}

func (p *problems) recordJSON(r *record.Record, latest *attempt.Attempt) {
	// json.Marshal(r) is r.MarshalJSON() checked for validity, which
	// p.json does.
	b, err := r.MarshalJSON()
	if err != nil {
		p.add("the record's MarshalJSON: %v", err)
		return
	}
	o := p.json("the record's JSON", b, want{
		object:      "payment_record",
		keys:        recordKeys,
		id:          r.ID(),
		created:     r.Created(),
		livemode:    r.Livemode(),
		description: r.Description(),
		metadata:    r.Metadata(),
		amounts: amounts(r.AmountRequested(), r.AmountGuaranteed(), r.AmountFailed(), r.AmountCanceled(),
			r.AmountRefunded()),
		strings: map[string]string{"latest_payment_attempt_record": latest.ID(), "reported_by": "self"},
	})
	if o.members == nil {
		return
	}
	ab, err := latest.MarshalJSON()
	if err != nil {
		return // reported with the attempt
	}
	lo, err := members(ab)
	if err != nil {
		return
	}
	for _, k := range detailKeys {
		if !bytes.Equal(o.members[k], lo.members[k]) {
			p.add("the record's JSON: %s is %s, its latest attempt's %s", k, clip(o.members[k]), clip(lo.members[k]))
		}
	}
}

func (p *problems) attemptJSON(r *record.Record, name string, a *attempt.Attempt) {
	b, err := a.MarshalJSON()
	if err != nil {
		p.add("%s: MarshalJSON: %v", name, err)
		return
	}
	p.json(name+"'s JSON", b, want{
		object:      "payment_attempt_record",
		keys:        attemptKeys,
		id:          a.ID(),
		created:     a.Created(),
		livemode:    r.Livemode(),
		description: a.Description(),
		metadata:    a.Metadata(),
		amounts:     amounts(a.Requested(), a.Guaranteed(), a.Failed(), a.Canceled(), a.Refunded()),
		strings:     map[string]string{"payment_record": r.ID(), "reported_by": "self"},
	})
}

// json checks the JSON object b against w and returns its members.
func (p *problems) json(name string, b []byte, w want) object {
	o, err := members(b)
	if err != nil {
		p.add("%s: %v", name, err)
		return object{}
	}
	var missing, extra []string
	for _, k := range w.keys {
		if _, ok := o.members[k]; !ok {
			missing = append(missing, k)
		}
	}
	for _, k := range o.keys {
		if !slices.Contains(w.keys, k) {
			extra = append(extra, k)
		}
	}
	if len(missing) > 0 {
		p.add("%s lacks the keys %q", name, missing)
	}
	if len(extra) > 0 {
		p.add("%s has keys outside the %s schema: %q", name, w.object, extra)
	}
	str := func(k, want string, nullable bool) {
		raw, ok := o.members[k]
		if !ok {
			return
		}
		if nullable && want == "" {
			if string(raw) != "null" {
				p.add("%s: %s is %s, want null", name, k, clip(raw))
			}
			return
		}
		var got string
		if err := json.Unmarshal(raw, &got); err != nil || got != want {
			p.add("%s: %s is %s, want %q", name, k, clip(raw), want)
		}
	}
	str("object", w.object, false)
	str("id", w.id, false)
	str("description", w.description, true)
	for _, k := range sortedKeys(w.strings) {
		str(k, w.strings[k], false)
	}
	if raw, ok := o.members["application"]; ok && string(raw) != "null" {
		p.add("%s: application is %s, want null", name, clip(raw))
	}
	if raw, ok := o.members["created"]; ok {
		var got int64
		if err := json.Unmarshal(raw, &got); err != nil || got != w.created {
			p.add("%s: created is %s, want %d", name, clip(raw), w.created)
		}
	}
	if raw, ok := o.members["livemode"]; ok {
		var got bool
		if err := json.Unmarshal(raw, &got); err != nil || got != w.livemode {
			p.add("%s: livemode is %s, want %v", name, clip(raw), w.livemode)
		}
	}
	if raw, ok := o.members["metadata"]; ok {
		var got map[string]string
		err := json.Unmarshal(raw, &got)
		switch {
		case string(raw) == "null":
			p.add("%s: metadata is null, want an object ({} when empty)", name)
		case err != nil:
			p.add("%s: metadata %s: %v", name, clip(raw), err)
		case !maps.Equal(got, w.metadata):
			p.add("%s: metadata is %s, want %v", name, clip(raw), w.metadata)
		}
	}
	for _, k := range sortedKeys(w.amounts) {
		raw, ok := o.members[k]
		if !ok {
			continue
		}
		var got money.Amount
		if err := got.UnmarshalJSON(raw); err != nil {
			p.add("%s: %s %s does not decode: %v", name, k, clip(raw), err)
			continue
		}
		if !got.IsValid() {
			p.add("%s: %s is %s, want %s", name, k, clip(raw), w.amounts[k])
			continue
		}
		if got != w.amounts[k] {
			p.add("%s: %s is %s (%s), want %s", name, k, clip(raw), got, w.amounts[k])
		}
	}
	return o
}

// clip shortens JSON for a message.
func clip(b []byte) string {
	s, cut := jsonscan.Clip(string(b), 200)
	if cut {
		s += fmt.Sprintf("…(%d bytes)", len(b))
	}
	return s
}

// times checks that a's outcome came no earlier than it started, and that
// only the timestamp of its state is set.
func (p *problems) times(name string, a *attempt.Attempt) {
	stamps := []struct {
		state payrec.State
		at    int64
	}{{payrec.Guaranteed, a.GuaranteedAt()}, {payrec.Failed, a.FailedAt()}, {payrec.Canceled, a.CanceledAt()}}
	for _, s := range stamps {
		switch {
		case s.at != 0 && a.State() != s.state:
			p.add("%s is %s but has a %s time %d", name, a.State(), s.state, s.at)
		case s.at == 0 && a.State() == s.state:
			p.add("%s is %s but has no %s time", name, a.State(), s.state)
		case s.at != 0 && s.at < a.InitiatedAt():
			p.add("%s was %s at %d, before it was initiated at %d", name, s.state, s.at, a.InitiatedAt())
		}
	}
}

// Diff returns "" when got and want are the same record — the same
// Version, the same JSON, the same attempts (by their JSON and their times,
// which the JSON does not show) and the same refunds — and otherwise a
// message naming each difference, member by member. Use it to check that a
// record survives storage or transport unchanged.
func Diff(got, want *record.Record) string {
	var p problems
	switch {
	case got == nil && want == nil:
		return ""
	case got == nil:
		return fmt.Sprintf("recordtest: got no record, want record %q", want.ID())
	case want == nil:
		return fmt.Sprintf("recordtest: got record %q, want no record", got.ID())
	}
	if got.Version() != want.Version() {
		p.add("Version() = %d, want %d", got.Version(), want.Version())
	}
	// MarshalJSON, not json.Marshal: Verify checks that the JSON is
	// valid; here only the bytes matter, and re-compacting them is slow.
	gj, err1 := got.MarshalJSON()
	wj, err2 := want.MarshalJSON()
	if err := errors.Join(err1, err2); err != nil {
		p.add("MarshalJSON: %v", err)
	} else {
		p.jsonDiff("record", gj, wj)
	}
	ga, wa := got.Attempts(), want.Attempts()
	if len(ga) != len(wa) {
		p.add("%d attempts, want %d", len(ga), len(wa))
	}
	for i := range min(len(ga), len(wa)) {
		gj, err1 := ga[i].MarshalJSON()
		wj, err2 := wa[i].MarshalJSON()
		if err := errors.Join(err1, err2); err != nil {
			p.add("attempt %d: MarshalJSON: %v", i+1, err)
			continue
		}
		p.jsonDiff(fmt.Sprintf("attempt %d", i+1), gj, wj)
		// Times the JSON does not show still decide what later reports do
		// (duplicates, reports before initiated_at).
		g, w := &ga[i], &wa[i]
		for _, f := range []struct {
			name      string
			got, want int64
		}{
			{"Created", g.Created(), w.Created()}, {"InitiatedAt", g.InitiatedAt(), w.InitiatedAt()},
			{"GuaranteedAt", g.GuaranteedAt(), w.GuaranteedAt()}, {"FailedAt", g.FailedAt(), w.FailedAt()},
			{"CanceledAt", g.CanceledAt(), w.CanceledAt()},
		} {
			if f.got != f.want {
				p.add("attempt %d: %s() = %d, want %d", i+1, f.name, f.got, f.want)
			}
		}
	}
	gr, wr := got.Refunds(), want.Refunds()
	if len(gr) != len(wr) {
		p.add("%d refunds, want %d", len(gr), len(wr))
	}
	for i := range min(len(gr), len(wr)) {
		g, w := gr[i], wr[i]
		if g.Attempt != w.Attempt || g.Amount != w.Amount || g.Reference != w.Reference ||
			g.InitiatedAt != w.InitiatedAt || g.RefundedAt != w.RefundedAt {
			p.add("refund %d: got %+v, want %+v", i+1, g, w)
		} else if !reflect.DeepEqual(g, w) {
			// The record keeps how each refund was reported (amount given or
			// not), which decides whether a retry is a duplicate.
			p.add("refund %d (%q): same fields, but reported differently (amount given in one, left out in the other)",
				i+1, g.Reference)
		}
	}
	if len(p) == 0 {
		return ""
	}
	return fmt.Sprintf("recordtest: records %q and %q differ:\n  - %s", got.ID(), want.ID(), strings.Join(p, "\n  - "))
}

// jsonDiff names the members in which two JSON objects differ.
func (p *problems) jsonDiff(name string, got, want []byte) {
	if bytes.Equal(got, want) {
		return
	}
	g, err1 := members(got)
	w, err2 := members(want)
	if err := errors.Join(err1, err2); err != nil {
		p.add("%s JSON: got %s, want %s", name, clip(got), clip(want))
		return
	}
	n := len(*p)
	for _, k := range w.keys {
		gv, ok := g.members[k]
		switch {
		case !ok:
			p.add("%s JSON lacks %s (want %s)", name, k, clip(w.members[k]))
		case !bytes.Equal(gv, w.members[k]):
			p.add("%s JSON %s = %s, want %s", name, k, clip(gv), clip(w.members[k]))
		}
	}
	for _, k := range g.keys {
		if _, ok := w.members[k]; !ok {
			p.add("%s JSON has %s = %s, want no such key", name, k, clip(g.members[k]))
		}
	}
	if len(*p) == n {
		p.add("%s JSON has the same members in another order: got %s, want %s", name, clip(got), clip(want))
	}
}
