package recordtest

import (
	"slices"
	"strconv"
	"strings"

	"pgregory.net/rapid"

	"github.com/payrec/payrec"
	"github.com/payrec/payrec/attempt"
	"github.com/payrec/payrec/internal/attemptops"
	"github.com/payrec/payrec/money"
	"github.com/payrec/payrec/record"
)

// Defect names the one thing wrong with a report drawn by an Invalid…
// generator. The defects up to DescriptionTooLong are parameter defects:
// the report is rejected with record.ErrInvalidParameter whatever the
// record's state, since parameters are checked first. The others conflict
// with the record the report is drawn for.
type Defect uint8

// The defects, with the error a record rejects them with.
const (
	// MissingParam leaves out a required parameter (id, attempt_id,
	// created, amount_requested, initiated_at, payment_method_details, the
	// outcome timestamp, refund_reference).
	MissingParam Defect = iota + 1
	// MalformedID gives an ID with white space or a control character,
	// longer than 255 characters, or not valid UTF-8.
	MalformedID
	// NonPositiveAmount gives an amount of zero or less.
	NonPositiveAmount
	// WrongCurrency refunds in another currency than the record's; the
	// error also matches money.ErrCurrencyMismatch.
	WrongCurrency
	// UnknownEnum gives an outcome, customer presence, payment method type
	// or processor type that does not exist.
	UnknownEnum
	// OutcomeMismatch gives an outcome without its timestamp hash, a
	// timestamp hash without an outcome, or one of the other outcome.
	OutcomeMismatch
	// NonPositiveTime gives a negative timestamp (zero is the Go value for
	// "not given"), optional or required.
	NonPositiveTime
	// TimeBeforeStart gives an outcome time before the attempt's
	// initiated_at, or a refunded_at before its guaranteed_at.
	TimeBeforeStart
	// MetadataTooManyKeys leaves the record with 51 metadata keys.
	MetadataTooManyKeys
	// MetadataBadKey gives a metadata key that is empty, holds '[' or ']',
	// is longer than 40 characters, or is not valid UTF-8.
	MetadataBadKey
	// MetadataValueTooLong gives a metadata value of 501 characters.
	MetadataValueTooLong
	// ClearAndSet clears and sets metadata (or, in an informational
	// report, the description or the shipping details) at once.
	ClearAndSet
	// DescriptionTooLong gives a description of 5001 characters.
	DescriptionTooLong

	// DuplicateAttemptID reuses the ID of one of the record's attempts
	// without repeating the report that created it:
	// record.ErrDuplicateAttemptID.
	DuplicateAttemptID
	// DuplicateRefundReference reuses the reference of one of the record's
	// refunds: record.ErrDuplicateRefundReference. Whether the error also
	// matches record.ErrDuplicate depends on whether the whole report
	// repeats the earlier one, which the record does not show.
	DuplicateRefundReference
	// OverRefund refunds more than the latest attempt's guaranteed funds
	// left: record.ErrRefundExceeds; with nothing left at all, the error
	// also matches record.ErrNoGuaranteedFunds and
	// payrec.ErrInvalidTransition.
	OverRefund
	// WrongState is a well-formed report that the latest attempt's state
	// does not allow: a new attempt while it is pending
	// (record.ErrAttemptPending) or guaranteed (record.ErrFundsGuaranteed),
	// an outcome once it has one (a *payrec.TransitionError), a refund
	// while it is not guaranteed (record.ErrNoGuaranteedFunds). Each
	// matches payrec.ErrInvalidTransition.
	WrongState
	// Repeat exactly repeats the report that settled the latest attempt
	// (same outcome, same time): payrec.ErrInvalidTransition and
	// record.ErrDuplicate. A repeat of a report_payment_attempt would need
	// every parameter of the report that created the attempt, which the
	// record does not show; the generators do not draw one.
	Repeat
)

var defectNames = [...]string{
	MissingParam:             "missing parameter",
	MalformedID:              "malformed ID",
	NonPositiveAmount:        "non-positive amount",
	WrongCurrency:            "wrong currency",
	UnknownEnum:              "unknown enum value",
	OutcomeMismatch:          "outcome and timestamp hash disagree",
	NonPositiveTime:          "negative timestamp",
	TimeBeforeStart:          "time before start",
	MetadataTooManyKeys:      "too many metadata keys",
	MetadataBadKey:           "bad metadata key",
	MetadataValueTooLong:     "metadata value too long",
	ClearAndSet:              "cleared and set",
	DescriptionTooLong:       "description too long",
	DuplicateAttemptID:       "duplicate attempt ID",
	DuplicateRefundReference: "duplicate refund reference",
	OverRefund:               "over-refund",
	WrongState:               "wrong state",
	Repeat:                   "repeated report",
}

// String returns the defect's name, such as "over-refund", and
// "Defect(N)" for an undefined value.
func (d Defect) String() string {
	if int(d) < len(defectNames) && defectNames[d] != "" {
		return defectNames[d]
	}
	return "Defect(" + strconv.Itoa(int(d)) + ")"
}

// IsParam reports whether d is a parameter defect: one that a record
// rejects with record.ErrInvalidParameter whatever its state.
func (d Defect) IsParam() bool { return d >= MissingParam && d <= DescriptionTooLong }

// Invalid is a report with exactly one defect, and what a record must
// reject it with.
type Invalid[P record.Report] struct {
	Params P
	Defect Defect
	// Want lists errors that the rejection matches, every one, under
	// errors.Is.
	Want []error
}

var wantParam = []error{record.ErrInvalidParameter}

// pick draws one of the defects that apply to the report being drawn,
// restricted to only when it is not empty.
func pick(t *rapid.T, op string, applicable, only []Defect) Defect {
	if len(only) > 0 {
		applicable = slices.DeleteFunc(applicable, func(d Defect) bool { return !slices.Contains(only, d) })
	}
	if len(applicable) == 0 {
		t.Fatalf("recordtest: none of the defects %v applies to %s for this record", only, op)
	}
	return rapid.SampledFrom(applicable).Draw(t, "defect")
}

// badMetadata draws a metadata update with the metadata defect d, for a
// record that has existing.
func badMetadata(t *rapid.T, d Defect, existing map[string]string) map[string]string {
	md := make(map[string]string)
	switch d {
	case MetadataTooManyKeys:
		n := len(existing)
		for i := 0; n <= maxMetadataKeys; i++ {
			k := "more" + strconv.Itoa(i)
			if _, ok := existing[k]; !ok {
				md[k] = "x"
				n++
			}
		}
		return md
	case MetadataBadKey:
		k := rapid.SampledFrom([]string{
			"", "a[b", "x]", "[]",
			strings.Repeat("k", maxMetadataKey+1),
			strings.Repeat("é", maxMetadataKey+1),
			"bad\xff",
		}).Draw(t, "bad_key")
		md[k] = "x"
	case MetadataValueTooLong:
		md[MetadataKey().Draw(t, "key")] = strings.Repeat("v", maxMetadataValue+1)
	case ClearAndSet:
		md[MetadataKey().Draw(t, "key")] = "x"
	}
	return md
}

// badID draws an ID that payrec rejects.
func badID(t *rapid.T) string {
	return rapid.SampledFrom([]string{
		"pr 1", "pr_\t1", "pr_\n", "pr_\x00", " ", "pr_\u00a0x", "pr_\xff",
		"pr_" + strings.Repeat("x", maxID),
	}).Draw(t, "bad_id")
}

// badOutcome draws an outcome and timestamp hashes that disagree.
func badOutcome(t *rapid.T, initiatedAt int64) (record.Outcome, record.GuaranteedParams, record.FailedParams) {
	g := record.GuaranteedParams{GuaranteedAt: After(initiatedAt).Draw(t, "guaranteed_at")}
	f := record.FailedParams{FailedAt: After(initiatedAt).Draw(t, "failed_at")}
	switch rapid.IntRange(0, 5).Draw(t, "mismatch") {
	case 0:
		return record.OutcomeGuaranteed, record.GuaranteedParams{}, record.FailedParams{}
	case 1:
		return record.OutcomeGuaranteed, record.GuaranteedParams{}, f
	case 2:
		return record.OutcomeFailed, record.GuaranteedParams{}, record.FailedParams{}
	case 3:
		return record.OutcomeFailed, g, record.FailedParams{}
	case 4:
		return 0, g, record.FailedParams{}
	}
	return 0, record.GuaranteedParams{}, f
}

// earlyOutcome gives an outcome whose time precedes initiatedAt (≥ 2).
func earlyOutcome(t *rapid.T, initiatedAt int64) (record.Outcome, record.GuaranteedParams, record.FailedParams) {
	at := rapid.Int64Range(1, initiatedAt-1).Draw(t, "early")
	if rapid.Bool().Draw(t, "early_guaranteed") {
		return record.OutcomeGuaranteed, record.GuaranteedParams{GuaranteedAt: at}, record.FailedParams{}
	}
	return record.OutcomeFailed, record.GuaranteedParams{}, record.FailedParams{FailedAt: at}
}

// negative draws a timestamp below zero.
func negative(t *rapid.T) int64 {
	return rapid.OneOf(rapid.Just[int64](-1), rapid.Int64Range(-2_000_000_000, -1)).Draw(t, "negative")
}

// InvalidReportPayment draws report_payment parameters with one parameter
// defect, drawn from only when given: MissingParam, MalformedID,
// NonPositiveAmount, UnknownEnum, OutcomeMismatch, NonPositiveTime,
// TimeBeforeStart, the metadata defects, DescriptionTooLong.
// record.ReportPayment rejects every value drawn.
func InvalidReportPayment(only ...Defect) *rapid.Generator[Invalid[record.ReportPaymentParams]] {
	applicable := []Defect{MissingParam, MalformedID, NonPositiveAmount, UnknownEnum, OutcomeMismatch,
		NonPositiveTime, TimeBeforeStart, MetadataTooManyKeys, MetadataBadKey, MetadataValueTooLong, ClearAndSet,
		DescriptionTooLong}
	return rapid.Custom(func(t *rapid.T) Invalid[record.ReportPaymentParams] {
		d := pick(t, record.OpReportPayment, slices.Clone(applicable), only)
		p := ReportPayment().Draw(t, "valid")
		switch d {
		case MissingParam:
			switch rapid.IntRange(0, 5).Draw(t, "missing") {
			case 0:
				p.ID = ""
			case 1:
				p.AttemptID = ""
			case 2:
				p.Created = 0
			case 3:
				p.AmountRequested = money.Amount{}
			case 4:
				p.InitiatedAt = 0
				p.Outcome, p.Guaranteed, p.Failed = 0, record.GuaranteedParams{}, record.FailedParams{}
			default:
				p.PaymentMethodDetails = attempt.PaymentMethodDetails{}
			}
		case MalformedID:
			if rapid.Bool().Draw(t, "which_id") {
				p.ID = badID(t)
			} else {
				p.AttemptID = badID(t)
			}
		case NonPositiveAmount:
			v := rapid.OneOf(rapid.Just[int64](0), rapid.Int64Range(-MaxValue, -1)).Draw(t, "amount")
			p.AmountRequested = money.New(v, p.AmountRequested.Currency())
		case UnknownEnum:
			switch rapid.IntRange(0, 3).Draw(t, "enum") {
			case 0:
				p.Outcome = record.Outcome(rapid.IntRange(3, 255).Draw(t, "outcome"))
			case 1:
				p.CustomerPresence = attempt.CustomerPresence(rapid.IntRange(3, 255).Draw(t, "presence"))
			case 2:
				p.ProcessorDetails.Type = rapid.SampledFrom([]string{"acme", "Custom", "stripe"}).Draw(t, "processor_type")
			default:
				p.PaymentMethodDetails.Type = rapid.SampledFrom([]string{"bogus", "Card", "custom "}).Draw(t, "method_type")
			}
		case OutcomeMismatch:
			p.Outcome, p.Guaranteed, p.Failed = badOutcome(t, p.InitiatedAt)
		case NonPositiveTime:
			switch rapid.IntRange(0, 2).Draw(t, "time") {
			case 0:
				p.Created = negative(t)
			case 1:
				p.InitiatedAt = negative(t)
				p.Outcome, p.Guaranteed, p.Failed = 0, record.GuaranteedParams{}, record.FailedParams{}
			default:
				if rapid.Bool().Draw(t, "guaranteed") {
					p.Outcome, p.Failed = record.OutcomeGuaranteed, record.FailedParams{}
					p.Guaranteed = record.GuaranteedParams{GuaranteedAt: negative(t)}
				} else {
					p.Outcome, p.Guaranteed = record.OutcomeFailed, record.GuaranteedParams{}
					p.Failed = record.FailedParams{FailedAt: negative(t)}
				}
			}
		case TimeBeforeStart:
			p.InitiatedAt = max(p.InitiatedAt, 2)
			p.Outcome, p.Guaranteed, p.Failed = earlyOutcome(t, p.InitiatedAt)
		case DescriptionTooLong:
			p.Description = strings.Repeat("é", maxString+1)
		default: // metadata
			p.Metadata, p.ClearMetadata = badMetadata(t, d, nil), d == ClearAndSet
		}
		return Invalid[record.ReportPaymentParams]{Params: p, Defect: d, Want: wantParam}
	})
}

// InvalidReportPaymentAttempt draws report_payment_attempt parameters with
// one defect for r, drawn from only when given: MissingParam, MalformedID,
// UnknownEnum, OutcomeMismatch, NonPositiveTime, TimeBeforeStart, the
// metadata defects, DescriptionTooLong, DuplicateAttemptID, and
// WrongState when r's latest attempt is pending or guaranteed.
func InvalidReportPaymentAttempt(
	r *record.Record, only ...Defect,
) *rapid.Generator[Invalid[record.ReportPaymentAttemptParams]] {
	return rapid.Custom(func(t *rapid.T) Invalid[record.ReportPaymentAttemptParams] {
		v := inspect(t, r)
		applicable := []Defect{MissingParam, MalformedID, UnknownEnum, OutcomeMismatch, NonPositiveTime,
			TimeBeforeStart, MetadataTooManyKeys, MetadataBadKey, MetadataValueTooLong, ClearAndSet,
			DescriptionTooLong, DuplicateAttemptID}
		st := v.latest.State()
		if st == payrec.Pending || st == payrec.Guaranteed {
			applicable = append(applicable, WrongState)
		}
		d := pick(t, record.OpReportPaymentAttempt, applicable, only)
		p := newAttempt(t, v)
		want := wantParam
		switch d {
		case MissingParam:
			switch rapid.IntRange(0, 2).Draw(t, "missing") {
			case 0:
				p.AttemptID = ""
			case 1:
				p.Created = 0
			default:
				p.InitiatedAt = 0
				p.Outcome, p.Guaranteed, p.Failed = 0, record.GuaranteedParams{}, record.FailedParams{}
			}
		case MalformedID:
			p.AttemptID = badID(t)
		case UnknownEnum:
			if rapid.Bool().Draw(t, "outcome_enum") {
				p.Outcome = record.Outcome(rapid.IntRange(3, 255).Draw(t, "outcome"))
			} else {
				p.PaymentMethodDetails = PaymentMethodDetails().Draw(t, "payment_method_details")
				p.PaymentMethodDetails.Type = rapid.SampledFrom([]string{"bogus", "Card"}).Draw(t, "method_type")
			}
		case OutcomeMismatch:
			p.Outcome, p.Guaranteed, p.Failed = badOutcome(t, p.InitiatedAt)
		case NonPositiveTime:
			switch rapid.IntRange(0, 2).Draw(t, "time") {
			case 0:
				p.Created = negative(t)
			case 1:
				p.InitiatedAt = negative(t)
				p.Outcome, p.Guaranteed, p.Failed = 0, record.GuaranteedParams{}, record.FailedParams{}
			default:
				p.Outcome, p.Guaranteed = record.OutcomeFailed, record.GuaranteedParams{}
				p.Failed = record.FailedParams{FailedAt: negative(t)}
			}
		case TimeBeforeStart:
			p.InitiatedAt = max(p.InitiatedAt, 2)
			p.Outcome, p.Guaranteed, p.Failed = earlyOutcome(t, p.InitiatedAt)
		case DescriptionTooLong:
			p.Description = strings.Repeat("é", maxString+1)
		case DuplicateAttemptID:
			ids := sortedKeys(v.attempts)
			p.AttemptID = rapid.SampledFrom(ids).Draw(t, "taken_id")
			if p.AttemptID == v.latest.ID() && p.InitiatedAt == v.latest.InitiatedAt() {
				p.InitiatedAt++ // a different report, not a repeat
				p.Outcome, p.Guaranteed, p.Failed = outcome(t, p.InitiatedAt)
			}
			want = []error{record.ErrDuplicateAttemptID}
		case WrongState:
			if st == payrec.Pending {
				want = []error{record.ErrAttemptPending, payrec.ErrInvalidTransition}
			} else {
				want = []error{record.ErrFundsGuaranteed, payrec.ErrInvalidTransition}
			}
		default:
			p.Metadata, p.ClearMetadata = badMetadata(t, d, v.metadata), d == ClearAndSet
		}
		return Invalid[record.ReportPaymentAttemptParams]{Params: p, Defect: d, Want: want}
	})
}

// invalidSettle draws an outcome report (event e) with one defect for the
// record v shows: its time and metadata, the defect, and the errors it is
// rejected with.
func invalidSettle(
	t *rapid.T, v *view, e payrec.Event, op string, only []Defect,
) (int64, map[string]string, bool, Defect, []error) {
	a := &v.latest
	applicable := []Defect{MissingParam, NonPositiveTime, MetadataTooManyKeys, MetadataBadKey,
		MetadataValueTooLong, ClearAndSet}
	if a.InitiatedAt() >= 2 {
		applicable = append(applicable, TimeBeforeStart)
	}
	if a.State().IsFinal() {
		applicable = append(applicable, WrongState)
	}
	if a.State() == e.Target() {
		applicable = append(applicable, Repeat)
	}
	d := pick(t, op, applicable, only)
	at := settleTime(t, v, attemptops.TimeParam(e))
	md, clear := metadataUpdate(t, v.metadata)
	want := wantParam
	switch d {
	case MissingParam:
		at = 0
	case NonPositiveTime:
		at = negative(t)
	case TimeBeforeStart:
		at = rapid.Int64Range(1, a.InitiatedAt()-1).Draw(t, "early")
	case WrongState:
		if a.State() == e.Target() && at == a.OutcomeAt() {
			at++ // another time: a conflict, not a repeat
		}
		want = []error{payrec.ErrInvalidTransition}
	case Repeat:
		at, md, clear = a.OutcomeAt(), nil, false
		want = []error{record.ErrDuplicate, payrec.ErrInvalidTransition}
	default:
		md, clear = badMetadata(t, d, v.metadata), d == ClearAndSet
	}
	return at, md, clear, d, want
}

// InvalidReportPaymentAttemptFailed draws report_payment_attempt_failed
// parameters with one defect for r, drawn from only when given:
// MissingParam, NonPositiveTime, TimeBeforeStart, the metadata defects,
// WrongState when r's latest attempt has an outcome, and Repeat when it
// failed.
func InvalidReportPaymentAttemptFailed(
	r *record.Record, only ...Defect,
) *rapid.Generator[Invalid[record.ReportPaymentAttemptFailedParams]] {
	return invalidSettleParams(r, payrec.Fail, record.OpReportPaymentAttemptFailed, only, failedParams)
}

// InvalidReportPaymentAttemptGuaranteed is InvalidReportPaymentAttemptFailed
// for report_payment_attempt_guaranteed.
func InvalidReportPaymentAttemptGuaranteed(
	r *record.Record, only ...Defect,
) *rapid.Generator[Invalid[record.ReportPaymentAttemptGuaranteedParams]] {
	return invalidSettleParams(r, payrec.Guarantee, record.OpReportPaymentAttemptGuaranteed, only, guaranteedParams)
}

// InvalidReportPaymentAttemptCanceled is InvalidReportPaymentAttemptFailed
// for report_payment_attempt_canceled.
func InvalidReportPaymentAttemptCanceled(
	r *record.Record, only ...Defect,
) *rapid.Generator[Invalid[record.ReportPaymentAttemptCanceledParams]] {
	return invalidSettleParams(r, payrec.Cancel, record.OpReportPaymentAttemptCanceled, only, canceledParams)
}

// invalidSettleParams draws the parameters of an outcome report (event e,
// operation op) with one defect, made by build.
func invalidSettleParams[P record.Report](
	r *record.Record, e payrec.Event, op string, only []Defect, build settleBuilder[P],
) *rapid.Generator[Invalid[P]] {
	return rapid.Custom(func(t *rapid.T) Invalid[P] {
		at, md, clear, d, want := invalidSettle(t, inspect(t, r), e, op, only)
		return Invalid[P]{Params: build(at, md, clear), Defect: d, Want: want}
	})
}

// InvalidReportPaymentAttemptInformational draws an informational report
// with one parameter defect for r, drawn from only when given: the
// metadata defects (ClearAndSet also for description and shipping
// details) and DescriptionTooLong.
func InvalidReportPaymentAttemptInformational(
	r *record.Record, only ...Defect,
) *rapid.Generator[Invalid[record.ReportPaymentAttemptInformationalParams]] {
	return rapid.Custom(func(t *rapid.T) Invalid[record.ReportPaymentAttemptInformationalParams] {
		v := inspect(t, r)
		applicable := []Defect{MetadataTooManyKeys, MetadataBadKey, MetadataValueTooLong, ClearAndSet, DescriptionTooLong}
		d := pick(t, record.OpReportPaymentAttemptInformational, applicable, only)
		p := ReportPaymentAttemptInformational(r).Draw(t, "valid")
		switch d {
		case DescriptionTooLong:
			p.Description, p.ClearDescription = strings.Repeat("é", maxString+1), false
		case ClearAndSet:
			switch rapid.IntRange(0, 2).Draw(t, "cleared") {
			case 0:
				p.Description, p.ClearDescription = Description().Draw(t, "description"), true
			case 1:
				p.ShippingDetails, p.ClearShippingDetails = ShippingDetails().Draw(t, "shipping_details"), true
			default:
				p.Metadata, p.ClearMetadata = badMetadata(t, d, v.metadata), true
			}
		default:
			p.Metadata, p.ClearMetadata = badMetadata(t, d, v.metadata), false
		}
		return Invalid[record.ReportPaymentAttemptInformationalParams]{Params: p, Defect: d, Want: wantParam}
	})
}

// InvalidReportRefund draws report_refund parameters with one defect for
// r, drawn from only when given: MissingParam, NonPositiveAmount,
// WrongCurrency, UnknownEnum, NonPositiveTime, the metadata defects;
// TimeBeforeStart and OverRefund when r's latest attempt is guaranteed,
// WrongState when it is not; DuplicateRefundReference when r has refunds.
func InvalidReportRefund(r *record.Record, only ...Defect) *rapid.Generator[Invalid[record.ReportRefundParams]] {
	return rapid.Custom(func(t *rapid.T) Invalid[record.ReportRefundParams] {
		v := inspect(t, r)
		a := &v.latest
		applicable := []Defect{MissingParam, NonPositiveAmount, WrongCurrency, UnknownEnum, NonPositiveTime,
			MetadataTooManyKeys, MetadataBadKey, MetadataValueTooLong, ClearAndSet}
		guaranteed := a.State() == payrec.Guaranteed
		if guaranteed {
			applicable = append(applicable, OverRefund)
			if a.GuaranteedAt() >= 2 {
				applicable = append(applicable, TimeBeforeStart)
			}
		} else {
			applicable = append(applicable, WrongState)
		}
		if len(v.refunds) > 0 {
			applicable = append(applicable, DuplicateRefundReference)
		}
		d := pick(t, record.OpReportRefund, applicable, only)
		p := refund(t, v)
		cur := a.Requested().Currency()
		want := wantParam
		switch d {
		case MissingParam:
			p.ProcessorDetails.RefundReference = ""
		case NonPositiveAmount:
			p.Amount = money.New(rapid.OneOf(rapid.Just[int64](0), rapid.Int64Range(-MaxValue, -1)).Draw(t, "amount"), cur)
		case WrongCurrency:
			other := Currency().Draw(t, "other_currency")
			if other == cur {
				all := money.Currencies()
				other = all[(slices.Index(all, cur)+1)%len(all)]
			}
			p.Amount = Amount(other).Draw(t, "amount")
			want = []error{record.ErrInvalidParameter, money.ErrCurrencyMismatch}
		case UnknownEnum:
			p.ProcessorDetails.Type = rapid.SampledFrom([]string{"acme", "Custom", "stripe"}).Draw(t, "processor_type")
		case NonPositiveTime:
			if rapid.Bool().Draw(t, "which_time") {
				p.InitiatedAt = negative(t)
			} else {
				p.Refunded.RefundedAt = negative(t)
			}
		case TimeBeforeStart:
			p.Refunded.RefundedAt = rapid.Int64Range(1, a.GuaranteedAt()-1).Draw(t, "early")
			p.InitiatedAt = 0
		case OverRefund:
			left := a.Guaranteed().Value()
			if left == 0 && rapid.Bool().Draw(t, "omit_amount") {
				p.Amount = money.Amount{}
			} else {
				p.Amount = money.New(value(left+1, left+MaxValue).Draw(t, "amount"), cur)
			}
			want = []error{record.ErrRefundExceeds}
			if left == 0 {
				want = append(want, record.ErrNoGuaranteedFunds, payrec.ErrInvalidTransition)
			}
		case WrongState:
			want = []error{record.ErrNoGuaranteedFunds, payrec.ErrInvalidTransition}
		case DuplicateRefundReference:
			prev := rapid.SampledFrom(v.refunds).Draw(t, "earlier_refund")
			p.ProcessorDetails.RefundReference = prev.Reference
			switch rapid.IntRange(0, 2).Draw(t, "duplicate_amount") {
			case 0:
				p.Amount = prev.Amount
			case 1:
				p.Amount = money.Amount{}
			default:
				p.Amount = money.New(value(1, a.Requested().Value()).Draw(t, "amount"), cur)
			}
			want = []error{record.ErrDuplicateRefundReference}
		default:
			p.Metadata, p.ClearMetadata = badMetadata(t, d, v.metadata), d == ClearAndSet
		}
		return Invalid[record.ReportRefundParams]{Params: p, Defect: d, Want: want}
	})
}
