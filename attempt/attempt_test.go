package attempt_test

import (
	"encoding/json"
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/payrec/payrec"
	"github.com/payrec/payrec/attempt"
	"github.com/payrec/payrec/internal/attemptops"
	"github.com/payrec/payrec/money"
)

var (
	usd = money.MustParseCurrency("usd")
	eur = money.MustParseCurrency("eur")
	jpy = money.MustParseCurrency("jpy")
	kwd = money.MustParseCurrency("kwd")

	allStates = []payrec.State{payrec.Pending, payrec.Guaranteed, payrec.Failed, payrec.Canceled}
	allEvents = []payrec.Event{payrec.Guarantee, payrec.Fail, payrec.Cancel}
)

// The canonical example's times: the record (and its attempt) was created,
// and the attempt initiated, at t0; it failed at tFailed.
const (
	t0      = int64(1730211363)
	tFailed = int64(1730253453)
)

// designTable is the lifecycle table of package payrec's documentation,
// written out by name so that the expectation does not come from payrec's
// own declaration.
// An empty destination means the pair is rejected.
var designTable = map[string]map[string]string{
	"pending":    {"guarantee": "guaranteed", "fail": "failed", "cancel": "canceled"},
	"guaranteed": {"guarantee": "", "fail": "", "cancel": ""},
	"failed":     {"guarantee": "", "fail": "", "cancel": ""},
	"canceled":   {"guarantee": "", "fail": "", "cancel": ""},
}

// reachedBy is the event that takes a pending attempt to each state, per
// the table's first row.
var reachedBy = map[payrec.State]payrec.Event{
	payrec.Guaranteed: payrec.Guarantee,
	payrec.Failed:     payrec.Fail,
	payrec.Canceled:   payrec.Cancel,
}

func validInit() attempt.Init {
	return attempt.Init{
		ID:            "par_1ArV730PrHyQuG",
		PaymentRecord: "pr_5RV730PrHyAEi",
		Created:       t0,
		InitiatedAt:   t0,
		Livemode:      true,
		Requested:     money.New(1000, usd),
	}
}

func newAttempt(t require.TestingT, in attempt.Init) attempt.Attempt {
	a, err := attempt.New(in)
	require.NoError(t, err, "precondition: New(%+v)", in)
	return a
}

// inState returns a valid attempt in state s, reached at t0+100 when s is
// not pending.
func inState(t require.TestingT, s payrec.State) attempt.Attempt {
	a := newAttempt(t, validInit())
	if s != payrec.Pending {
		require.NoError(t, attempt.Transition(&a, reachedBy[s], t0+100), "precondition: reach %s", s)
		require.Equal(t, s, a.State(), "precondition: state")
	}
	return a
}

// times returns what the JSON does not show: the outcome timestamps.
func times(a *attempt.Attempt) [4]int64 {
	return [4]int64{a.GuaranteedAt(), a.FailedAt(), a.CanceledAt(), a.OutcomeAt()}
}

func mustJSON(t require.TestingT, a attempt.Attempt) string {
	b, err := json.Marshal(a)
	require.NoError(t, err)
	return string(b)
}

// requireError checks that err is a Stripe-shaped *payrec.Error with the
// given param and code: Error() names the attempt package, and the message
// an API user reads is a sentence without it.
func requireError(t require.TestingT, err error, param, code string) *payrec.Error {
	require.Error(t, err)
	var pe *payrec.Error
	require.True(t, errors.As(err, &pe), "error %v (%T) is a *payrec.Error", err, err)
	assert.Equal(t, payrec.ErrorType, pe.Type, "type")
	assert.Equal(t, param, pe.Param, "param")
	assert.Equal(t, code, pe.Code, "code")
	assert.True(t, strings.HasPrefix(pe.Error(), "attempt: "), "Error() %q starts with the package name", pe.Error())
	assert.NotContains(t, pe.Message, "attempt:", "the message names no Go package")
	assert.Regexp(t, `^\p{Lu}.*\.$`, pe.Message, "the message is a sentence")
	return pe
}

// requireParamError is requireError for a rejected parameter.
func requireParamError(t require.TestingT, err error, param, code string) *payrec.Error {
	pe := requireError(t, err, param, code)
	assert.ErrorIs(t, err, payrec.ErrInvalidParameter)
	assert.NotErrorIs(t, err, payrec.ErrInvalidTransition, "a parameter error is not a state conflict")
	return pe
}

// requireBuckets checks the five buckets of a, and that they add up to the
// requested amount.
func requireBuckets(t require.TestingT, a *attempt.Attempt, pending, guaranteed, failed, canceled, refunded int64) {
	cur := a.Requested().Currency()
	assert.Equal(t, money.New(pending, cur), a.Pending(), "pending")
	assert.Equal(t, money.New(guaranteed, cur), a.Guaranteed(), "guaranteed")
	assert.Equal(t, money.New(failed, cur), a.Failed(), "failed")
	assert.Equal(t, money.New(canceled, cur), a.Canceled(), "canceled")
	assert.Equal(t, money.New(refunded, cur), a.Refunded(), "refunded")
	assert.Equal(t, money.New(0, cur), a.Authorized(), "authorized")
	assert.Equal(t, a.Requested().Value(), pending+guaranteed+failed+canceled+refunded, "conservation")
}

func TestTransitionTable(t *testing.T) {
	const at = t0 + 200
	require.Len(t, designTable, len(allStates), "the table covers every state")
	for _, from := range allStates {
		row, ok := designTable[from.String()]
		require.True(t, ok, "the table has a row for %s", from)
		require.Len(t, row, len(allEvents), "the row for %s covers every event", from)
		for _, ev := range allEvents {
			want, ok := row[ev.String()]
			require.True(t, ok, "the table has a column for %s", ev)
			t.Run(from.String()+"/"+ev.String(), func(t *testing.T) {
				a := inState(t, from)
				before := mustJSON(t, a)
				beforeTimes := times(&a)
				err := attempt.Transition(&a, ev, at)
				if want == "" {
					pe := requireError(t, err, "", "")
					assert.ErrorIs(t, err, payrec.ErrInvalidTransition)
					assert.NotErrorIs(t, err, payrec.ErrInvalidParameter)
					var te *payrec.TransitionError
					require.ErrorAs(t, err, &te)
					assert.Equal(t, from, te.From, "TransitionError.From")
					assert.Equal(t, ev, te.Event, "TransitionError.Event")
					assert.Contains(t, pe.Message, a.ID(), "the message names the attempt")
					assert.Equal(t, from, a.State(), "state after a rejected event")
					assert.Equal(t, beforeTimes, times(&a), "timestamps after a rejected event")
					assert.Equal(t, before, mustJSON(t, a), "a rejected event changes nothing")
					return
				}
				require.NoError(t, err)
				assert.Equal(t, want, a.State().String())
				assert.Equal(t, at, a.OutcomeAt())
				wantAt := map[string]int64{want: at}
				assert.Equal(t, wantAt["guaranteed"], a.GuaranteedAt(), "guaranteed_at")
				assert.Equal(t, wantAt["failed"], a.FailedAt(), "failed_at")
				assert.Equal(t, wantAt["canceled"], a.CanceledAt(), "canceled_at")
				assert.Equal(t, t0, a.InitiatedAt(), "initiated_at does not move")
			})
		}
	}
}

func TestTransitionInvalidEvent(t *testing.T) {
	for _, from := range allStates {
		t.Run(from.String(), func(t *testing.T) {
			a := inState(t, from)
			before := mustJSON(t, a)
			ev := payrec.Event(9)
			err := attempt.Transition(&a, ev, t0+200)
			requireError(t, err, "", "")
			assert.ErrorIs(t, err, payrec.ErrInvalidTransition)
			var te *payrec.TransitionError
			require.ErrorAs(t, err, &te)
			assert.Equal(t, ev, te.Event)
			assert.Equal(t, before, mustJSON(t, a))
		})
	}
}

// TestTransitionSteps walks one attempt through a sequence of reports, the
// way a record sees its latest attempt.
func TestTransitionSteps(t *testing.T) {
	steps := []struct {
		event   payrec.Event
		at      int64
		want    payrec.State
		wantErr error
	}{
		{payrec.Fail, 0, payrec.Pending, payrec.ErrInvalidParameter},               // time is checked first
		{payrec.Fail, t0 - 1, payrec.Pending, payrec.ErrInvalidParameter},          // before initiated_at
		{payrec.Guarantee, t0 + 5, payrec.Guaranteed, nil},                         // pending → guaranteed
		{payrec.Guarantee, t0 + 5, payrec.Guaranteed, payrec.ErrInvalidTransition}, // Stripe: already guaranteed
		{payrec.Fail, t0 + 6, payrec.Guaranteed, payrec.ErrInvalidTransition},
		{payrec.Cancel, t0 + 7, payrec.Guaranteed, payrec.ErrInvalidTransition},
		{payrec.Cancel, -1, payrec.Guaranteed, payrec.ErrInvalidParameter}, // parameter errors before state errors
	}
	a := newAttempt(t, validInit())
	for i, step := range steps {
		err := attempt.Transition(&a, step.event, step.at)
		if step.wantErr == nil && err != nil || step.wantErr != nil && !errors.Is(err, step.wantErr) {
			t.Fatalf("step %d: Transition(%s, %d) error = %v, want %v", i, step.event, step.at, err, step.wantErr)
		}
		if a.State() != step.want {
			t.Fatalf("step %d: Transition(%s, %d): state = %v, want %v", i, step.event, step.at, a.State(), step.want)
		}
	}
	if got := a.GuaranteedAt(); got != t0+5 {
		t.Fatalf("GuaranteedAt = %d, want %d", got, t0+5)
	}
}

func TestTransitionTime(t *testing.T) {
	tests := []struct {
		name string
		at   int64
		code string // "" with ok false: rejected without a standard code
		ok   bool
	}{
		{"zero", 0, payrec.CodeParameterInvalidInteger, false},
		{"negative", -1730253453, payrec.CodeParameterInvalidInteger, false},
		{"one second before initiated_at", t0 - 1, "", false},
		{"long before initiated_at", 1, "", false},
		{"at initiated_at", t0, "", true},
		{"after initiated_at", tFailed, "", true},
	}
	for _, ev := range allEvents {
		for _, tt := range tests {
			t.Run(ev.String()+"/"+tt.name, func(t *testing.T) {
				a := newAttempt(t, validInit())
				before := mustJSON(t, a)
				err := attempt.Transition(&a, ev, tt.at)
				if tt.ok {
					require.NoError(t, err)
					assert.Equal(t, tt.at, a.OutcomeAt())
					assert.Equal(t, designTable["pending"][ev.String()], a.State().String())
					return
				}
				requireParamError(t, err, attemptops.TimeParam(ev), tt.code)
				assert.Equal(t, payrec.Pending, a.State())
				assert.Equal(t, before, mustJSON(t, a), "a rejected time changes nothing")
				assert.Equal(t, [4]int64{}, times(&a), "no timestamp is set")
				assert.Equal(t, err, attempt.CheckTime(&a, ev, tt.at), "CheckTime gives the same answer")
			})
		}
	}
}

// TestTransitionTimeBeforeState: a bad time on a final attempt is reported
// as the parameter error, not as the lifecycle conflict.
func TestTransitionTimeBeforeState(t *testing.T) {
	for _, from := range allStates[1:] {
		for _, ev := range allEvents {
			a := inState(t, from)
			err := attempt.Transition(&a, ev, t0-1)
			requireParamError(t, err, attemptops.TimeParam(ev), "")
			var te *payrec.TransitionError
			assert.False(t, errors.As(err, &te), "%s/%s: no TransitionError for a bad time", from, ev)
		}
	}
}

func TestTimeParam(t *testing.T) {
	assert.Equal(t, "guaranteed_at", attemptops.TimeParam(payrec.Guarantee))
	assert.Equal(t, "failed_at", attemptops.TimeParam(payrec.Fail))
	assert.Equal(t, "canceled_at", attemptops.TimeParam(payrec.Cancel))
	assert.Equal(t, "Event(7)_at", attemptops.TimeParam(payrec.Event(7)))
}

// TestRefundSteps: a refund moves money from guaranteed to refunded and
// changes nothing else. The refund rules (currency, a positive amount, a
// guaranteed attempt with enough left) belong to the record that owns the
// attempt: record's TestReportRefund holds their rejections.
func TestRefundSteps(t *testing.T) {
	type buckets struct{ guaranteed, refunded int64 }
	steps := []struct {
		name string
		amt  money.Amount
		want buckets
	}{
		{"partial", money.New(300, usd), buckets{700, 300}},
		{"second partial", money.New(200, usd), buckets{500, 500}},
		{"exact remainder", money.New(500, usd), buckets{0, 1000}},
	}
	a := inState(t, payrec.Guaranteed)
	for i, step := range steps {
		attempt.Refund(&a, step.amt)
		if a.Guaranteed().Value() != step.want.guaranteed || a.Refunded().Value() != step.want.refunded {
			t.Fatalf("step %d (%s): guaranteed, refunded = %d, %d, want %d, %d",
				i, step.name, a.Guaranteed().Value(), a.Refunded().Value(), step.want.guaranteed, step.want.refunded)
		}
		requireBuckets(t, &a, 0, step.want.guaranteed, 0, 0, step.want.refunded)
		assert.Equal(t, payrec.Guaranteed, a.State(), "step %d: refunds are not lifecycle events", i)
	}
}

func TestRefundFullAtOnce(t *testing.T) {
	a := inState(t, payrec.Guaranteed)
	attempt.Refund(&a, money.New(1000, usd))
	requireBuckets(t, &a, 0, 0, 0, 0, 1000)
	// Stripe's report_refund example after a full refund.
	assert.Contains(t, mustJSON(t, a),
		`"amount_guaranteed":{"currency":"usd","value":0},"amount_refunded":{"currency":"usd","value":1000}`)
}

func TestBucketsPerState(t *testing.T) {
	tests := []struct {
		state                                 payrec.State
		pending, guaranteed, failed, canceled int64
	}{
		{payrec.Pending, 1000, 0, 0, 0},
		{payrec.Guaranteed, 0, 1000, 0, 0},
		{payrec.Failed, 0, 0, 1000, 0},
		{payrec.Canceled, 0, 0, 0, 1000},
	}
	for _, tt := range tests {
		t.Run(tt.state.String(), func(t *testing.T) {
			a := inState(t, tt.state)
			requireBuckets(t, &a, tt.pending, tt.guaranteed, tt.failed, tt.canceled, 0)
		})
	}
}

func TestNewAccessors(t *testing.T) {
	in := validInit()
	in.Livemode = false
	in.Requested = money.New(1250, kwd)
	in.PaymentMethodDetails = attempt.PaymentMethodDetails{
		PaymentMethod: "pm_1",
		Custom:        attempt.CustomDetails{DisplayName: "newpay"},
	}
	in.ShippingDetails = attempt.ShippingDetails{Name: "Jenny", Address: attempt.Address{Country: "US"}}
	in.CustomerDetails = attempt.CustomerDetails{Customer: "cus_1", Email: "j@example.com"}
	in.CustomerPresence = attempt.OffSession
	in.ProcessorDetails = attempt.ProcessorDetails{Type: "custom", PaymentReference: "ref"}
	in.Description = "d"
	in.Metadata = map[string]string{"order": "42", "gone": ""}

	a := newAttempt(t, in)
	assert.Equal(t, in.ID, a.ID())
	assert.Equal(t, in.PaymentRecord, a.PaymentRecord())
	assert.Equal(t, t0, a.Created())
	assert.Equal(t, t0, a.InitiatedAt())
	assert.False(t, a.Livemode())
	assert.Equal(t, payrec.Pending, a.State())
	assert.Equal(t, money.New(1250, kwd), a.Requested())
	assert.Zero(t, a.OutcomeAt())
	assert.Zero(t, a.GuaranteedAt())
	assert.Zero(t, a.FailedAt())
	assert.Zero(t, a.CanceledAt())

	wantPMD := in.PaymentMethodDetails
	wantPMD.Type = attempt.TypeCustom // PaymentMethodDetails: type defaults to custom
	assert.Equal(t, wantPMD, a.PaymentMethodDetails())
	assert.Equal(t, in.ShippingDetails, a.ShippingDetails())
	assert.Equal(t, in.CustomerDetails, a.CustomerDetails())
	assert.Equal(t, attempt.OffSession, a.CustomerPresence())
	assert.Equal(t, in.ProcessorDetails, a.ProcessorDetails())
	assert.Equal(t, "d", a.Description())
	assert.Equal(t, map[string]string{"order": "42"}, a.Metadata(), `a "" value is dropped`)
	requireBuckets(t, &a, 1250, 0, 0, 0, 0)
}

func TestNewDoesNotAlias(t *testing.T) {
	in := validInit()
	in.PaymentMethodDetails = attempt.PaymentMethodDetails{Type: "card"}
	in.Metadata = map[string]string{"k": "v"}
	a := newAttempt(t, in)
	before := mustJSON(t, a)

	// The caller's maps stay the caller's.
	in.Metadata["k"] = "changed"
	in.Metadata["new"] = "x"
	assert.Equal(t, before, mustJSON(t, a), "New copies what it keeps")

	// So are the copies the accessors hand out.
	md := a.Metadata()
	md["k"] = "changed"
	assert.Equal(t, before, mustJSON(t, a), "accessors return copies")
}

func TestMetadataNeverNil(t *testing.T) {
	a := newAttempt(t, validInit())
	md := a.Metadata()
	require.NotNil(t, md)
	assert.Empty(t, md)
}

func TestClone(t *testing.T) {
	in := validInit()
	in.PaymentMethodDetails = attempt.PaymentMethodDetails{Type: "card"}
	in.Metadata = map[string]string{"k": "v"}
	a := newAttempt(t, in)
	before := mustJSON(t, a)

	c := attempt.Clone(&a)
	assert.Equal(t, before, mustJSON(t, c), "a clone encodes the same")
	require.NoError(t, attempt.Transition(&c, payrec.Guarantee, t0+1))
	attempt.Refund(&c, money.New(10, usd))
	attempt.SetShippingDetails(&c, attempt.ShippingDetails{Name: "x"})
	attempt.SetCustomerDetails(&c, attempt.CustomerDetails{Name: "y"})
	assert.Equal(t, before, mustJSON(t, a), "changing the clone leaves the original alone")
	assert.Equal(t, payrec.Pending, a.State())

	// A clone of an attempt without metadata still encodes metadata as {}.
	b := newAttempt(t, validInit())
	cb := attempt.Clone(&b)
	assert.Contains(t, mustJSON(t, cb), `"metadata":{}`)
}

func TestSetDetails(t *testing.T) {
	a := newAttempt(t, validInit())
	s := attempt.ShippingDetails{Name: "Jenny", Phone: "+1"}
	c := attempt.CustomerDetails{Email: "j@example.com"}
	attempt.SetShippingDetails(&a, s)
	attempt.SetCustomerDetails(&a, c)
	assert.Equal(t, s, a.ShippingDetails())
	assert.Equal(t, c, a.CustomerDetails())
	js := mustJSON(t, a)
	assert.Contains(t, js, `"shipping_details":{"address":{"city":null,"country":null,"line1":null,"line2":null,"postal_code":null,"state":null},"name":"Jenny","phone":"+1"}`)
	assert.Contains(t, js, `"customer_details":{"customer":null,"email":"j@example.com","name":null,"phone":null}`)

	attempt.SetShippingDetails(&a, attempt.ShippingDetails{})
	attempt.SetCustomerDetails(&a, attempt.CustomerDetails{})
	js = mustJSON(t, a)
	assert.Contains(t, js, `"shipping_details":null`, "the zero value clears")
	assert.Contains(t, js, `"customer_details":null`, "the zero value clears")
}

func TestNewValidation(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(*attempt.Init)
		param string
		code  string
	}{
		{"id missing", func(in *attempt.Init) { in.ID = "" }, "id", payrec.CodeParameterMissing},
		{"id with space", func(in *attempt.Init) { in.ID = "par 1" }, "id", payrec.CodeInvalidCharacters},
		{"id with control", func(in *attempt.Init) { in.ID = "par\x01" }, "id", payrec.CodeInvalidCharacters},
		{"id too long", func(in *attempt.Init) { in.ID = strings.Repeat("a", 256) }, "id", ""},
		{"id not UTF-8", func(in *attempt.Init) { in.ID = "par_\xff" }, "id", payrec.CodeInvalidCharacters},
		{"payment_record missing", func(in *attempt.Init) { in.PaymentRecord = "" }, "payment_record", payrec.CodeParameterMissing},
		{"payment_record with tab", func(in *attempt.Init) { in.PaymentRecord = "pr\t1" }, "payment_record", payrec.CodeInvalidCharacters},
		{"created zero", func(in *attempt.Init) { in.Created = 0 }, "created", payrec.CodeParameterMissing},
		{"created negative", func(in *attempt.Init) { in.Created = -1 }, "created", payrec.CodeParameterInvalidInteger},
		{"initiated_at zero", func(in *attempt.Init) { in.InitiatedAt = 0 }, "initiated_at", payrec.CodeParameterMissing},
		{"initiated_at negative", func(in *attempt.Init) { in.InitiatedAt = -5 }, "initiated_at", payrec.CodeParameterInvalidInteger},
		{"amount_requested missing", func(in *attempt.Init) { in.Requested = money.Amount{} }, "amount_requested", payrec.CodeParameterMissing},
		{"amount_requested zero", func(in *attempt.Init) { in.Requested = money.New(0, usd) }, "amount_requested[value]", payrec.CodeAmountTooSmall},
		{"amount_requested negative", func(in *attempt.Init) { in.Requested = money.New(-1, usd) }, "amount_requested[value]", payrec.CodeAmountTooSmall},
		{"payment method type unknown", func(in *attempt.Init) { in.PaymentMethodDetails.Type = "bitcoin" },
			"payment_method_details[type]", ""},
		{"custom without display_name", func(in *attempt.Init) { in.PaymentMethodDetails.Custom.Type = "cpmt_1" },
			"payment_method_details[custom][display_name]", payrec.CodeParameterMissing},
		{"processor type unknown", func(in *attempt.Init) { in.ProcessorDetails.Type = "adyen" }, "processor_details[type]", ""},
		{"customer_presence out of range", func(in *attempt.Init) { in.CustomerPresence = 3 }, "customer_presence", ""},
		{"description too long", func(in *attempt.Init) { in.Description = strings.Repeat("é", 5001) }, "description", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := validInit()
			tt.edit(&in)
			a, err := attempt.New(in)
			requireParamError(t, err, tt.param, tt.code)
			assert.Zero(t, a.ID(), "no attempt on error")
		})
	}
}

func TestNewAccepts(t *testing.T) {
	tests := []struct {
		name string
		edit func(*attempt.Init)
	}{
		{"minimal", func(*attempt.Init) {}},
		{"id of 255 characters", func(in *attempt.Init) { in.ID = strings.Repeat("é", 255) }},
		{"id without prefix", func(in *attempt.Init) { in.ID = "attempt-7" }},
		{"one minor unit", func(in *attempt.Init) { in.Requested = money.New(1, jpy) }},
		{"created before initiated_at", func(in *attempt.Init) { in.Created = 1 }},
		{"description of 5000 characters", func(in *attempt.Init) { in.Description = strings.Repeat("é", 5000) }},
		{"a Stripe payment method type", func(in *attempt.Init) { in.PaymentMethodDetails.Type = "sepa_debit" }},
		{"processor type custom", func(in *attempt.Init) { in.ProcessorDetails.Type = "custom" }},
		{"on_session", func(in *attempt.Init) { in.CustomerPresence = attempt.OnSession }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := validInit()
			tt.edit(&in)
			a, err := attempt.New(in)
			require.NoError(t, err)
			assert.Equal(t, payrec.Pending, a.State())
		})
	}
}

func metadataOf(n int) map[string]string {
	md := make(map[string]string, n)
	for i := range n {
		md[strings.Repeat("k", 1)+string(rune('A'+i/26))+string(rune('a'+i%26))] = "v"
	}
	return md
}

func TestNewMetadata(t *testing.T) {
	tests := []struct {
		name  string
		md    map[string]string
		param string // "" when accepted
		keys  int    // when accepted
	}{
		{"50 keys", metadataOf(50), "", 50},
		{"51 keys", metadataOf(51), "metadata", 0},
		{"51 keys, one of them empty", func() map[string]string {
			md := metadataOf(50)
			md["dropped"] = ""
			return md
		}(), "", 50},
		{"key of 40 characters", map[string]string{strings.Repeat("ü", 40): "v"}, "", 1},
		{"key of 41 characters", map[string]string{strings.Repeat("ü", 41): "v"}, "metadata[" + strings.Repeat("ü", 41) + "]", 0},
		{"value of 500 characters", map[string]string{"k": strings.Repeat("ü", 500)}, "", 1},
		{"value of 501 characters", map[string]string{"k": strings.Repeat("ü", 501)}, "metadata[k]", 0},
		// A key that cannot be written in bracket form is reported against metadata itself.
		{"key with [", map[string]string{"a[b": "v"}, "metadata", 0},
		{"key with ]", map[string]string{"ab]": "v"}, "metadata", 0},
		{"empty key", map[string]string{"": "v"}, "metadata", 0},
		{"empty value dropped", map[string]string{"k": ""}, "", 0},
		{"nil", nil, "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := validInit()
			in.Metadata = tt.md
			a, err := attempt.New(in)
			if tt.param != "" {
				requireParamError(t, err, tt.param, "")
				return
			}
			require.NoError(t, err)
			got := a.Metadata()
			assert.Len(t, got, tt.keys)
			for k, v := range tt.md {
				if v == "" {
					assert.NotContains(t, got, k, `a key mapped to "" is dropped`)
				} else {
					assert.Equal(t, v, got[k])
				}
			}
		})
	}
}

func TestNewID(t *testing.T) {
	shape := regexp.MustCompile(`^par_[0-9A-Za-z]{24}$`)
	seen := make(map[string]bool, 10000)
	for range 10000 {
		id := attempt.NewID()
		require.Regexp(t, shape, id)
		require.False(t, seen[id], "NewID repeated %s", id)
		seen[id] = true
	}
	in := validInit()
	in.ID = attempt.NewID()
	_, err := attempt.New(in)
	assert.NoError(t, err, "New accepts what NewID makes")
}

func TestIsPaymentMethodType(t *testing.T) {
	tests := []struct {
		name string
		want bool
	}{
		{"custom", true},
		{"card", true},
		{"sepa_debit", true},
		{"zip", true},
		{"ach_credit_transfer", true},
		{"Card", false},
		{"", false},
		{"billing_details", false},
		{"type", false},
		{"bitcoin", false},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, attempt.IsPaymentMethodType(tt.name), "IsPaymentMethodType(%q)", tt.name)
	}
}

func TestCustomerPresence(t *testing.T) {
	tests := []struct {
		p     attempt.CustomerPresence
		str   string
		valid bool
		text  string // "" when MarshalText fails
	}{
		{0, "", true, ""},
		{attempt.OnSession, "on_session", true, "on_session"},
		{attempt.OffSession, "off_session", true, "off_session"},
		{3, "CustomerPresence(3)", false, ""},
		{255, "CustomerPresence(255)", false, ""},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.str, tt.p.String())
		assert.Equal(t, tt.valid, tt.p.IsValid(), "IsValid(%d)", tt.p)
		text, err := tt.p.MarshalText()
		if tt.text == "" {
			assert.Error(t, err, "MarshalText(%d)", tt.p)
			continue
		}
		require.NoError(t, err)
		assert.Equal(t, tt.text, string(text))
		var back attempt.CustomerPresence
		require.NoError(t, back.UnmarshalText(text))
		assert.Equal(t, tt.p, back)
	}

	for _, bad := range []string{"", "On_Session", "onsession", " on_session"} {
		p := attempt.OnSession
		err := p.UnmarshalText([]byte(bad))
		require.Error(t, err, "UnmarshalText(%q)", bad)
		assert.Contains(t, err.Error(), "attempt: ")
		assert.Equal(t, attempt.OnSession, p, "unchanged on error")
		_, err = attempt.ParseCustomerPresence(bad)
		assert.Error(t, err)
	}
}

func TestIsValid(t *testing.T) {
	var zero attempt.Attempt
	assert.False(t, zero.IsValid(), "the zero Attempt")
	a, err := attempt.New(validInit())
	require.NoError(t, err)
	assert.True(t, a.IsValid(), "an Attempt from New")
}
