package record

import (
	"maps"
	"slices"

	"github.com/payrec/payrec/attempt"
	"github.com/payrec/payrec/internal/wire"
	"github.com/payrec/payrec/money"
)

const pkg = "record"

// Record is one logical payment: what Stripe calls a payment_record. It owns
// its attempts (the latest last) and its refunds, and changes only through
// the seven report operations, each of which either applies in full or
// returns an error and leaves the record exactly as it was.
//
// A Record is not safe for concurrent mutation: guard it with a lock, or
// give each goroutine its own Clone. Methods that only read may run
// concurrently with one another, and the accessors that return attempts,
// metadata or refunds return copies.
//
// Its amounts, payment method, shipping, customer and processor details are
// those of its latest attempt: after a failed attempt and a guaranteed
// retry the record shows amount_failed 0, while the first attempt still
// shows its failure. Its description and metadata are its own, merged from
// every report. Amount equals the requested amount, and the authorized
// amount is always zero, because no public parameter reports an
// authorization (payrec's rules, consistent with every Stripe example).
//
// The zero Record has no attempt, rejects every report and has no JSON form
// (MarshalJSON returns ErrZeroRecord); records are made with ReportPayment or
// Replay. A Record must not be copied by value (go vet
// reports copies): the copy would share the original's first attempt. Use
// Clone.
type Record struct {
	_ noCopy

	id          string
	created     int64
	livemode    bool
	description string
	metadata    map[string]string

	// attempts starts as first[:1] so that a record with one attempt costs
	// a single allocation.
	attempts []attempt.Attempt
	first    [1]attempt.Attempt

	// byAttemptID maps attempt IDs to their index in attempts once there
	// are more than a few, so that telling a new attempt ID from a used one
	// costs the same however long the record's history is.
	byAttemptID map[string]int

	refunds  []Refund
	byRefRef map[string]int // refund reference → index in refunds

	// firstSettled and latestSettled say whether the report that created
	// the first (latest) attempt gave its outcome; replaced keeps the
	// details those reports gave once an informational report replaces
	// them. With them, a repeat of either report is told from a different
	// report (see sameReport).
	firstSettled, latestSettled bool
	replaced                    *replacedDetails

	version uint64
}

// replacedDetails holds the shipping and customer details that the reports
// creating the first and the latest attempt gave, from the moment an
// informational report replaces them.
type replacedDetails struct {
	first, latest createdDetails
}

type createdDetails struct {
	saved    bool
	shipping attempt.ShippingDetails
	customer attempt.CustomerDetails
}

// indexAttemptsAfter is how many attempts a record scans for a used attempt
// ID before it indexes them in a map.
const indexAttemptsAfter = 4

// noCopy makes go vet's copylocks check report copies of a Record.
type noCopy struct{}

func (*noCopy) Lock()   {}
func (*noCopy) Unlock() {}

// Refund is one reported refund of a record.
type Refund struct {
	Attempt     string       // the ID of the attempt refunded
	Amount      money.Amount // the amount refunded
	Reference   string       // the processor's refund reference
	InitiatedAt int64        // Unix seconds, 0 when not reported
	RefundedAt  int64        // Unix seconds, 0 when not reported

	// amountGiven tells a webhook retry (same reference, amount omitted
	// again) from a conflicting report.
	amountGiven bool
}

// NewID returns a new record ID: "pr_" and 24 base-62 characters, 8 for the
// time in milliseconds and 16 from crypto/rand, so that IDs made in
// different milliseconds sort, as bytes, in the order they were made.
func NewID() string { return wire.NewID("pr_") }

// ID returns the record's ID.
func (r *Record) ID() string { return r.id }

// Created returns when the record was created, in Unix seconds.
func (r *Record) Created() int64 { return r.created }

// Livemode reports whether the record moved real money.
func (r *Record) Livemode() bool { return r.livemode }

// Version counts the reports the record has accepted: 1 after ReportPayment,
// one more for each accepted report after it. A rejected report leaves it
// unchanged.
func (r *Record) Version() uint64 { return r.version }

// Description returns the record's description, "" when it has none.
func (r *Record) Description() string { return r.description }

// Metadata returns a copy of the record's metadata (never nil).
func (r *Record) Metadata() map[string]string {
	m := make(map[string]string, len(r.metadata))
	maps.Copy(m, r.metadata)
	return m
}

// NumAttempts returns how many attempts the record has.
func (r *Record) NumAttempts() int { return len(r.attempts) }

// Attempts returns copies of the record's attempts, oldest first.
func (r *Record) Attempts() []attempt.Attempt {
	out := make([]attempt.Attempt, len(r.attempts))
	for i := range r.attempts {
		out[i] = ops.Clone(&r.attempts[i])
	}
	return out
}

// LatestAttempt returns a copy of the latest attempt, and false for the zero
// Record.
func (r *Record) LatestAttempt() (attempt.Attempt, bool) {
	if len(r.attempts) == 0 {
		return attempt.Attempt{}, false
	}
	return ops.Clone(&r.attempts[len(r.attempts)-1]), true
}

// Refunds returns the record's refunds, oldest first.
func (r *Record) Refunds() []Refund { return slices.Clone(r.refunds) }

// latest returns the latest attempt, or nil for the zero Record.
func (r *Record) latest() *attempt.Attempt {
	if len(r.attempts) == 0 {
		return nil
	}
	return &r.attempts[len(r.attempts)-1]
}

// attemptIndex returns the index of the attempt with ID id.
func (r *Record) attemptIndex(id string) (int, bool) {
	if r.byAttemptID != nil {
		i, ok := r.byAttemptID[id]
		return i, ok
	}
	for i := range r.attempts {
		if r.attempts[i].ID() == id {
			return i, true
		}
	}
	return 0, false
}

// addAttempt appends a as the latest attempt; settled says whether it was
// reported with its outcome.
func (r *Record) addAttempt(a attempt.Attempt, settled bool) {
	r.attempts = append(r.attempts, a)
	r.latestSettled = settled
	if r.replaced != nil {
		r.replaced.latest = createdDetails{}
	}
	switch n := len(r.attempts); {
	case r.byAttemptID != nil:
		r.byAttemptID[a.ID()] = n - 1
	case n > indexAttemptsAfter:
		r.byAttemptID = make(map[string]int, 2*n)
		for i := range r.attempts {
			r.byAttemptID[r.attempts[i].ID()] = i
		}
	}
}

// amount returns one of the latest attempt's buckets, or the zero Amount.
func (r *Record) amount(f func(*attempt.Attempt) money.Amount) money.Amount {
	if a := r.latest(); a != nil {
		return f(a)
	}
	return money.Amount{}
}

// AmountRequested returns the amount the payment asks for.
func (r *Record) AmountRequested() money.Amount { return r.amount((*attempt.Attempt).Requested) }

// AmountGuaranteed returns the latest attempt's guaranteed, unrefunded amount.
func (r *Record) AmountGuaranteed() money.Amount { return r.amount((*attempt.Attempt).Guaranteed) }

// AmountFailed returns the latest attempt's failed amount.
func (r *Record) AmountFailed() money.Amount { return r.amount((*attempt.Attempt).Failed) }

// AmountCanceled returns the latest attempt's canceled amount.
func (r *Record) AmountCanceled() money.Amount { return r.amount((*attempt.Attempt).Canceled) }

// AmountRefunded returns the latest attempt's refunded amount.
func (r *Record) AmountRefunded() money.Amount { return r.amount((*attempt.Attempt).Refunded) }

// Clone returns a copy of r that shares no memory with it. The copy keeps
// the original's spare room for attempts and refunds, so that the next
// report on it costs what it would have cost on the original.
func (r *Record) Clone() *Record {
	c := &Record{
		id:          r.id,
		created:     r.created,
		livemode:    r.livemode,
		description: r.description,
		metadata:    maps.Clone(r.metadata),
		version:     r.version,

		firstSettled:  r.firstSettled,
		latestSettled: r.latestSettled,
	}
	if r.replaced != nil {
		d := *r.replaced
		c.replaced = &d
	}
	if r.byAttemptID != nil {
		c.byAttemptID = maps.Clone(r.byAttemptID)
	}
	if r.refunds != nil {
		c.refunds = append(make([]Refund, 0, cap(r.refunds)), r.refunds...)
		c.byRefRef = make(map[string]int, cap(r.refunds))
		maps.Copy(c.byRefRef, r.byRefRef)
	}
	switch len(r.attempts) {
	case 0:
	case 1:
		c.first[0] = ops.Clone(&r.attempts[0])
		c.attempts = c.first[:]
	default:
		c.attempts = make([]attempt.Attempt, len(r.attempts), cap(r.attempts))
		for i := range r.attempts {
			c.attempts[i] = ops.Clone(&r.attempts[i])
		}
	}
	return c
}
