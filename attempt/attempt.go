package attempt

import (
	"maps"

	"github.com/payrec/payrec"
	"github.com/payrec/payrec/internal/attemptops"
	"github.com/payrec/payrec/internal/wire"
	"github.com/payrec/payrec/money"
)

const pkg = "attempt"

// Attempt is one try at collecting a payment record's requested amount: what
// Stripe calls a payment_attempt_record. Its requested amount is split into
// five buckets — pending, guaranteed, failed, canceled and refunded — that
// always sum to the requested amount; which bucket holds the money follows
// from the attempt's lifecycle state (see package payrec) and its refunds.
//
// An Attempt belongs to a record.Record, which hands out copies and changes
// its own attempts only through its reports, after checking their rules.
// The zero Attempt is not valid and has no JSON form (MarshalJSON returns
// ErrZeroAttempt); attempts are made by the reports of their record.
type Attempt struct {
	id, record  string
	created     int64
	initiatedAt int64
	livemode    bool

	state     payrec.State
	requested money.Amount
	refunded  int64 // minor units, 0 ≤ refunded ≤ requested; only while guaranteed

	guaranteedAt, failedAt, canceledAt int64 // 0 until the event

	paymentMethod PaymentMethodDetails
	shipping      ShippingDetails
	customer      CustomerDetails
	presence      CustomerPresence
	processor     ProcessorDetails
	description   string
	metadata      map[string]string
}

// spec holds what an attempt is created with. ID, PaymentRecord, Created,
// InitiatedAt and a positive Requested amount are required.
type spec = attemptops.Init[PaymentMethodDetails, ProcessorDetails, ShippingDetails, CustomerDetails, CustomerPresence]

// newAttempt returns a pending attempt made from in, or a *payrec.Error naming the
// first field that is missing or invalid; the error wraps
// payrec.ErrInvalidParameter.
//
// It requires an ID and the record's ID (1–255 characters, without white
// space or control characters; no prefix is required), positive Created and
// InitiatedAt times and a positive requested amount, and it checks the
// payment method and processor details, the customer presence and a
// description of at most 5000 characters. Metadata follows Stripe's rules:
// at most 50 keys, each key 1–40 characters without '[' or ']', each value
// at most 500 characters, counted in characters, not bytes. A key mapped to
// "" is dropped.
func newAttempt(in spec) (Attempt, error) {
	if err := checkSpec(&in); err != nil {
		return Attempt{}, err
	}
	a := Attempt{
		id:            in.ID,
		record:        in.PaymentRecord,
		created:       in.Created,
		initiatedAt:   in.InitiatedAt,
		livemode:      in.Livemode,
		state:         payrec.Pending,
		requested:     in.Requested,
		paymentMethod: in.PaymentMethodDetails.normalize(),
		shipping:      in.ShippingDetails,
		customer:      in.CustomerDetails,
		presence:      in.CustomerPresence,
		processor:     in.ProcessorDetails,
		description:   in.Description,
	}
	wire.MergeMetadata(&a.metadata, in.Metadata, false)
	return a, nil
}

func checkSpec(in *spec) error {
	root := wire.Root(pkg)
	if err := wire.CheckID(in.ID, root.Key("id")); err != nil {
		return err
	}
	if err := wire.CheckID(in.PaymentRecord, root.Key("payment_record")); err != nil {
		return err
	}
	if err := wire.CheckTimestamp(in.Created, root.Key("created"), true); err != nil {
		return err
	}
	if err := wire.CheckTimestamp(in.InitiatedAt, root.Key("initiated_at"), true); err != nil {
		return err
	}
	if !in.Requested.IsValid() {
		return root.Key("amount_requested").Missing()
	}
	if !in.Requested.IsPositive() {
		return root.Key("amount_requested").Key("value").Errorf(payrec.CodeAmountTooSmall, nil,
			"Invalid amount: amount_requested must be positive, got %s", in.Requested)
	}
	if err := in.PaymentMethodDetails.check(root.Key("payment_method_details")); err != nil {
		return err
	}
	if err := in.ProcessorDetails.check(root.Key("processor_details")); err != nil {
		return err
	}
	if err := in.ShippingDetails.check(root.Key("shipping_details")); err != nil {
		return err
	}
	if err := in.CustomerDetails.check(root.Key("customer_details")); err != nil {
		return err
	}
	if !in.CustomerPresence.IsValid() {
		return root.Key("customer_presence").Errorf("", nil,
			"Invalid customer_presence: must be one of on_session or off_session, got %s", in.CustomerPresence)
	}
	if !wire.TextOK(in.Description) {
		return wire.CheckText(in.Description, root.Key("description"))
	}
	return wire.CheckMetadata(in.Metadata, nil, root.Key("metadata"))
}

// NewID returns a new attempt ID: "par_" and 24 base-62 characters, 8 for the
// time in milliseconds and 16 from crypto/rand, so that IDs made in
// different milliseconds sort, as bytes, in the order they were made.
func NewID() string { return wire.NewID("par_") }

// IsValid reports whether a was made by its record (the zero Attempt is not).
func (a *Attempt) IsValid() bool { return a.id != "" }

// ID returns the attempt's ID.
func (a *Attempt) ID() string { return a.id }

// PaymentRecord returns the ID of the record the attempt belongs to.
func (a *Attempt) PaymentRecord() string { return a.record }

// Created returns when the attempt was recorded, in Unix seconds.
func (a *Attempt) Created() int64 { return a.created }

// InitiatedAt returns when the attempt started, in Unix seconds.
func (a *Attempt) InitiatedAt() int64 { return a.initiatedAt }

// Livemode reports whether the attempt moved real money.
func (a *Attempt) Livemode() bool { return a.livemode }

// State returns the attempt's lifecycle state.
func (a *Attempt) State() payrec.State { return a.state }

// Requested returns the amount the attempt asked for.
func (a *Attempt) Requested() money.Amount { return a.requested }

// bucket returns the requested amount when the attempt is in state s, else zero.
func (a *Attempt) bucket(s payrec.State) money.Amount {
	if a.state == s {
		return a.requested
	}
	return money.New(0, a.requested.Currency())
}

// Pending returns the amount still awaiting an outcome: all of it while the
// attempt is pending, zero after.
func (a *Attempt) Pending() money.Amount { return a.bucket(payrec.Pending) }

// Guaranteed returns the guaranteed amount that has not been refunded.
func (a *Attempt) Guaranteed() money.Amount {
	g := a.bucket(payrec.Guaranteed)
	return money.New(g.Value()-a.refunded, g.Currency())
}

// Failed returns the amount that could not be collected.
func (a *Attempt) Failed() money.Amount { return a.bucket(payrec.Failed) }

// Canceled returns the amount that was canceled.
func (a *Attempt) Canceled() money.Amount { return a.bucket(payrec.Canceled) }

// Refunded returns the amount refunded so far.
func (a *Attempt) Refunded() money.Amount { return money.New(a.refunded, a.requested.Currency()) }

// Authorized returns zero: no report carries an authorization on its own.
func (a *Attempt) Authorized() money.Amount { return money.New(0, a.requested.Currency()) }

// GuaranteedAt returns when the attempt was guaranteed, or 0.
func (a *Attempt) GuaranteedAt() int64 { return a.guaranteedAt }

// FailedAt returns when the attempt failed, or 0.
func (a *Attempt) FailedAt() int64 { return a.failedAt }

// CanceledAt returns when the attempt was canceled, or 0.
func (a *Attempt) CanceledAt() int64 { return a.canceledAt }

// OutcomeAt returns the time of the event that took the attempt to its
// current state, or 0 while it is pending.
func (a *Attempt) OutcomeAt() int64 {
	switch a.state {
	case payrec.Guaranteed:
		return a.guaranteedAt
	case payrec.Failed:
		return a.failedAt
	case payrec.Canceled:
		return a.canceledAt
	}
	return 0
}

// PaymentMethodDetails returns how the attempt was paid (a copy).
func (a *Attempt) PaymentMethodDetails() PaymentMethodDetails { return a.paymentMethod }

// ShippingDetails returns where the goods go.
func (a *Attempt) ShippingDetails() ShippingDetails { return a.shipping }

// CustomerDetails returns who the customer is.
func (a *Attempt) CustomerDetails() CustomerDetails { return a.customer }

// CustomerPresence returns whether the customer was in the checkout flow.
func (a *Attempt) CustomerPresence() CustomerPresence { return a.presence }

// ProcessorDetails returns the processor and its payment reference.
func (a *Attempt) ProcessorDetails() ProcessorDetails { return a.processor }

// Description returns the attempt's description, "" when it has none.
func (a *Attempt) Description() string { return a.description }

// Metadata returns a copy of the attempt's metadata (never nil).
func (a *Attempt) Metadata() map[string]string {
	m := make(map[string]string, len(a.metadata))
	maps.Copy(m, a.metadata)
	return m
}

// clone returns a copy of a that shares no memory with it.
func (a *Attempt) clone() Attempt {
	c := *a
	if a.metadata != nil {
		c.metadata = maps.Clone(a.metadata)
	}
	return c
}

func init() {
	attemptops.Register(attemptops.Ops[Attempt, PaymentMethodDetails, ProcessorDetails, ShippingDetails,
		CustomerDetails, CustomerPresence]{
		New:                 newAttempt,
		Clone:               (*Attempt).clone,
		CheckTime:           (*Attempt).checkTime,
		Transition:          (*Attempt).transition,
		Settle:              settle,
		Refund:              (*Attempt).refund,
		SetShipping:         func(a *Attempt, d ShippingDetails) { a.shipping = d },
		SetCustomer:         func(a *Attempt, d CustomerDetails) { a.customer = d },
		AppendAmounts:       func(b []byte, a *Attempt) []byte { return a.appendAmounts(b) },
		DecodePaymentMethod: decodePaymentMethod,
		DecodeProcessor:     decodeProcessor,
		DecodeShipping:      decodeShipping,
		DecodeCustomer:      decodeCustomer,
		CheckShipping:       ShippingDetails.check,
		CheckCustomer:       CustomerDetails.check,
	})
}

// transition applies the lifecycle event e at time at (Unix seconds). It
// rejects a time that is not positive or precedes InitiatedAt with a
// parameter error, and an event the lifecycle does not allow with a
// *payrec.Error wrapping *payrec.TransitionError; either way the attempt is
// unchanged. Parameter errors come first.
func (a *Attempt) transition(e payrec.Event, at int64) error {
	if at <= 0 || at < a.initiatedAt { // the parameter path is built only for the error
		return a.checkTime(at, wire.Root(pkg).Key(attemptops.TimeParam(e)))
	}
	next, err := a.state.Transition(e)
	if err != nil {
		return wire.Conflict(pkg, "", "", err, "Cannot %s attempt %s: it is %s", e, a.id, a.state)
	}
	a.state = next
	switch next {
	case payrec.Guaranteed:
		a.guaranteedAt = at
	case payrec.Failed:
		a.failedAt = at
	case payrec.Canceled:
		a.canceledAt = at
	}
	return nil
}

func settle(a Attempt, e payrec.Event, at int64, p wire.Path) (Attempt, error) {
	if err := a.checkTime(at, p); err != nil {
		return a, err
	}
	err := a.transition(e, at)
	return a, err
}

// checkTime reports whether at may be the time of the attempt's outcome:
// positive and not before its initiated_at. p names the parameter.
func (a *Attempt) checkTime(at int64, p wire.Path) error {
	if at <= 0 {
		return wire.NotPositive(p, at)
	}
	if at < a.initiatedAt {
		return p.Errorf("", nil, "Invalid timestamp: %s %d is before the attempt's initiated_at %d", p, at, a.initiatedAt)
	}
	return nil
}

// refund moves amt from the guaranteed bucket to the refunded one. The
// record that owns the attempt has checked the refund: the attempt is
// guaranteed, and amt is positive, in its currency and at most Guaranteed().
func (a *Attempt) refund(amt money.Amount) { a.refunded += amt.Value() }
