package record_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/payrec/payrec"
	"github.com/payrec/payrec/attempt"
	"github.com/payrec/payrec/money"
	"github.com/payrec/payrec/record"
)

func ExampleReportPayment() {
	usd := money.MustParseCurrency("usd")
	r, err := record.ReportPayment(record.ReportPaymentParams{
		ID:              "pr_123", // or record.NewID()
		AttemptID:       "par_123",
		Created:         1730211363,
		AmountRequested: money.MustParse("25.00", usd),
		InitiatedAt:     1730211363,
		PaymentMethodDetails: attempt.PaymentMethodDetails{
			Custom: attempt.CustomDetails{DisplayName: "newpay"},
		},
		ProcessorDetails: attempt.ProcessorDetails{PaymentReference: "npp2358872734k"},
		Metadata:         map[string]string{"order": "A-1001"},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	a, _ := r.LatestAttempt()
	fmt.Println(r.ID(), r.Version(), r.NumAttempts())
	fmt.Println(a.ID(), a.State(), a.Pending())
	fmt.Println(r.AmountRequested(), r.AmountGuaranteed(), r.Metadata())
	// Output:
	// pr_123 1 1
	// par_123 pending 25.00 USD
	// 25.00 USD 0.00 USD map[order:A-1001]
}

func ExampleNewID() {
	id := record.NewID() // pr_, 8 base-62 digits of time, 16 random ones
	fmt.Println(strings.HasPrefix(id, "pr_"), len(id))
	// Output:
	// true 27
}

// This example builds Stripe's canonical example with Go values — a $10.00
// record whose only attempt is then reported failed — and prints the
// payment_record that Stripe's API returns for it.
func ExampleRecord_ReportPaymentAttemptFailed() {
	r, err := record.ReportPayment(record.ReportPaymentParams{
		ID:               "pr_5RV730PrHyAEi",
		AttemptID:        "par_1ArV730PrHyQuG",
		Created:          1730211363,
		Livemode:         true,
		AmountRequested:  money.New(1000, money.MustParseCurrency("usd")),
		InitiatedAt:      1730211363,
		CustomerPresence: attempt.OnSession,
		Description:      "computer software",
		PaymentMethodDetails: attempt.PaymentMethodDetails{
			Type:          attempt.TypeCustom,
			PaymentMethod: "pm_5j23kjksibjlks",
			Custom:        attempt.CustomDetails{DisplayName: "newpay", Type: "cpmt_125kjj3hn3sdf"},
		},
		ProcessorDetails: attempt.ProcessorDetails{
			Type:             attempt.ProcessorTypeCustom,
			PaymentReference: "npp2358872734k",
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}

	// POST /v1/payment_records/pr_5RV730PrHyAEi/report_payment_attempt_failed
	// with failed_at=1730253453.
	err = r.ReportPaymentAttemptFailed(record.ReportPaymentAttemptFailedParams{FailedAt: 1730253453})
	if err != nil {
		fmt.Println(err)
		return
	}
	out, _ := json.MarshalIndent(r, "", "  ")
	fmt.Println(string(out))
	// Output:
	// {
	//   "id": "pr_5RV730PrHyAEi",
	//   "object": "payment_record",
	//   "amount": {
	//     "currency": "usd",
	//     "value": 1000
	//   },
	//   "amount_authorized": {
	//     "currency": "usd",
	//     "value": 0
	//   },
	//   "amount_canceled": {
	//     "currency": "usd",
	//     "value": 0
	//   },
	//   "amount_failed": {
	//     "currency": "usd",
	//     "value": 1000
	//   },
	//   "amount_guaranteed": {
	//     "currency": "usd",
	//     "value": 0
	//   },
	//   "amount_refunded": {
	//     "currency": "usd",
	//     "value": 0
	//   },
	//   "amount_requested": {
	//     "currency": "usd",
	//     "value": 1000
	//   },
	//   "application": null,
	//   "created": 1730211363,
	//   "customer_details": null,
	//   "customer_presence": "on_session",
	//   "description": "computer software",
	//   "latest_payment_attempt_record": "par_1ArV730PrHyQuG",
	//   "livemode": true,
	//   "metadata": {},
	//   "payment_method_details": {
	//     "billing_details": null,
	//     "custom": {
	//       "display_name": "newpay",
	//       "type": "cpmt_125kjj3hn3sdf"
	//     },
	//     "payment_method": "pm_5j23kjksibjlks",
	//     "type": "custom"
	//   },
	//   "processor_details": {
	//     "type": "custom",
	//     "custom": {
	//       "payment_reference": "npp2358872734k"
	//     }
	//   },
	//   "reported_by": "self",
	//   "shipping_details": null
	// }
}

// A webhook delivered twice: the repeat is rejected and changes nothing, and
// ErrDuplicate tells it from a real conflict.
func ExampleRecord_ReportPaymentAttemptFailed_duplicate() {
	r, err := record.ReportPayment(record.ReportPaymentParams{
		ID:              "pr_dup",
		AttemptID:       "par_dup",
		Created:         1730211363,
		AmountRequested: money.New(1000, money.MustParseCurrency("usd")),
		InitiatedAt:     1730211363,
		PaymentMethodDetails: attempt.PaymentMethodDetails{
			Custom: attempt.CustomDetails{DisplayName: "newpay"},
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}

	failed := record.ReportPaymentAttemptFailedParams{FailedAt: 1730253453}
	for _, delivery := range []string{"first", "retry"} {
		err := r.ReportPaymentAttemptFailed(failed)
		switch {
		case err == nil:
			fmt.Println(delivery, "applied")
		case errors.Is(err, record.ErrDuplicate):
			fmt.Println(delivery, "already applied:", err)
		default:
			fmt.Println(delivery, "rejected:", err)
		}
	}
	fmt.Println("version", r.Version())

	// Another failure time is no repeat: the attempt cannot fail twice.
	err = r.ReportPaymentAttemptFailed(record.ReportPaymentAttemptFailedParams{FailedAt: 1730253999})
	fmt.Println(errors.Is(err, record.ErrDuplicate), errors.Is(err, payrec.ErrInvalidTransition))
	// Output:
	// first applied
	// retry already applied: record: Duplicate report: the latest attempt par_dup of pr_dup was already failed at 1730253453.
	// version 2
	// false true
}

// A declined attempt is followed by a retry with another payment method,
// which succeeds.
func ExampleRecord_ReportPaymentAttempt() {
	r, err := record.ReportPayment(record.ReportPaymentParams{
		ID:              "pr_retry",
		AttemptID:       "par_first",
		Created:         1730211363,
		AmountRequested: money.New(1000, money.MustParseCurrency("usd")),
		InitiatedAt:     1730211363,
		PaymentMethodDetails: attempt.PaymentMethodDetails{
			Custom: attempt.CustomDetails{DisplayName: "newpay"},
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := r.ReportPaymentAttemptFailed(record.ReportPaymentAttemptFailedParams{FailedAt: 1730211400}); err != nil {
		fmt.Println(err)
	}

	// The retry is a new attempt for the same amount; it becomes the latest.
	err = r.ReportPaymentAttempt(record.ReportPaymentAttemptParams{
		AttemptID:   "par_second",
		Created:     1730211500,
		InitiatedAt: 1730211500,
		PaymentMethodDetails: attempt.PaymentMethodDetails{
			Custom: attempt.CustomDetails{DisplayName: "otherpay"},
		},
	})
	if err != nil {
		fmt.Println(err)
	}
	if err := r.ReportPaymentAttemptGuaranteed(record.ReportPaymentAttemptGuaranteedParams{GuaranteedAt: 1730211560}); err != nil {
		fmt.Println(err)
	}

	for _, a := range r.Attempts() {
		fmt.Println(a.ID(), a.State(), a.Requested())
	}
	// The record's amounts are its latest attempt's.
	fmt.Println("failed", r.AmountFailed(), "guaranteed", r.AmountGuaranteed())

	// Once funds are guaranteed, no further attempt is accepted.
	err = r.ReportPaymentAttempt(record.ReportPaymentAttemptParams{
		AttemptID: "par_third", Created: 1730211600, InitiatedAt: 1730211600,
	})
	fmt.Println(errors.Is(err, record.ErrFundsGuaranteed), errors.Is(err, payrec.ErrInvalidTransition))
	// Output:
	// par_first failed 10.00 USD
	// par_second guaranteed 10.00 USD
	// failed 0.00 USD guaranteed 10.00 USD
	// true true
}

func ExampleRecord_ReportRefund() {
	usd := money.MustParseCurrency("usd")
	r, err := record.ReportPayment(record.ReportPaymentParams{
		ID:              "pr_refund",
		AttemptID:       "par_refund",
		Created:         1730211363,
		AmountRequested: money.New(1000, usd),
		InitiatedAt:     1730211363,
		PaymentMethodDetails: attempt.PaymentMethodDetails{
			Custom: attempt.CustomDetails{DisplayName: "newpay"},
		},
		Outcome:    record.OutcomeGuaranteed,
		Guaranteed: record.GuaranteedParams{GuaranteedAt: 1730211400},
	})
	if err != nil {
		fmt.Println(err)
		return
	}

	// A partial refund moves money from guaranteed to refunded.
	err = r.ReportRefund(record.ReportRefundParams{
		Amount:           money.New(400, usd),
		ProcessorDetails: record.RefundProcessorDetails{RefundReference: "rf_1"},
	})
	if err != nil {
		fmt.Println(err)
	}
	fmt.Println(r.AmountGuaranteed(), r.AmountRefunded())

	// Without an amount, a refund takes all that is left.
	err = r.ReportRefund(record.ReportRefundParams{
		ProcessorDetails: record.RefundProcessorDetails{RefundReference: "rf_2"},
	})
	if err != nil {
		fmt.Println(err)
	}
	fmt.Println(r.AmountGuaranteed(), r.AmountRefunded())

	// Nothing is left: any further refund exceeds it.
	err = r.ReportRefund(record.ReportRefundParams{
		Amount:           money.New(100, usd),
		ProcessorDetails: record.RefundProcessorDetails{RefundReference: "rf_3"},
	})
	fmt.Println(errors.Is(err, record.ErrRefundExceeds))
	fmt.Println(err)

	for _, f := range r.Refunds() {
		fmt.Println(f.Reference, f.Amount)
	}
	// Output:
	// 6.00 USD 4.00 USD
	// 0.00 USD 10.00 USD
	// true
	// record: Cannot refund 1.00 USD on pr_refund: nothing is left to refund (attempt par_refund: 10.00 USD guaranteed, all of it refunded).
	// rf_1 4.00 USD
	// rf_2 6.00 USD
}

// Every rejection is a *payrec.Error carrying Stripe's error fields, and
// errors.Is and errors.As reach its cause.
func Example_errors() {
	r, err := record.ReportPayment(record.ReportPaymentParams{
		ID:              "pr_err",
		AttemptID:       "par_err",
		Created:         1730211363,
		AmountRequested: money.New(1000, money.MustParseCurrency("usd")),
		InitiatedAt:     1730211363,
		PaymentMethodDetails: attempt.PaymentMethodDetails{
			Custom: attempt.CustomDetails{DisplayName: "newpay"},
		},
		Outcome: record.OutcomeFailed,
		Failed:  record.FailedParams{FailedAt: 1730253453},
	})
	if err != nil {
		fmt.Println(err)
		return
	}

	// A failed attempt is final: it cannot be guaranteed afterwards.
	err = r.ReportPaymentAttemptGuaranteed(record.ReportPaymentAttemptGuaranteedParams{GuaranteedAt: 1730260000})
	fmt.Println(errors.Is(err, payrec.ErrInvalidTransition))
	var te *payrec.TransitionError
	if errors.As(err, &te) {
		fmt.Println(te.From, te.Event)
	}
	var pe *payrec.Error
	if errors.As(err, &pe) {
		fmt.Printf("type=%s code=%q param=%q\n", pe.Type, pe.Code, pe.Param)
		fmt.Println(pe.Message)
	}

	// Parameters are checked before the state: without failed_at, the
	// report is a parameter error even though the attempt cannot fail.
	err = r.ReportPaymentAttemptFailed(record.ReportPaymentAttemptFailedParams{})
	fmt.Println(errors.Is(err, record.ErrInvalidParameter), errors.Is(err, payrec.ErrInvalidTransition))
	fmt.Println(string(payrec.Envelope(err)))

	// Neither rejection changed the record.
	fmt.Println("version", r.Version())
	// Output:
	// true
	// failed guarantee
	// type=invalid_request_error code="" param=""
	// Cannot guarantee the latest attempt par_err of pr_err: it was failed at 1730253453 (10.00 USD failed).
	// true false
	// {"error":{"type":"invalid_request_error","code":"parameter_missing","param":"failed_at","message":"Missing required param: failed_at.","doc_url":"https://docs.stripe.com/error-codes/parameter-missing"}}
	// version 1
}

// The params types decode from Stripe's parameters; a timestamp may arrive
// as a form string.
func ExampleReportPaymentAttemptFailedParams_UnmarshalJSON() {
	var p record.ReportPaymentAttemptFailedParams
	err := json.Unmarshal([]byte(`{"failed_at": "1730253453"}`), &p)
	fmt.Println(p.FailedAt, err)

	err = json.Unmarshal([]byte(`{"failed_at": 1730253453, "reason": "declined"}`), &p)
	var pe *payrec.Error
	if errors.As(err, &pe) {
		fmt.Println(pe.Code, pe.Param)
	}
	// Output:
	// 1730253453 <nil>
	// parameter_unknown reason
}

func ExampleRecord_Clone() {
	r, err := record.ReportPayment(record.ReportPaymentParams{
		ID:              "pr_clone",
		AttemptID:       "par_clone",
		Created:         1730211363,
		AmountRequested: money.New(1000, money.MustParseCurrency("usd")),
		InitiatedAt:     1730211363,
		PaymentMethodDetails: attempt.PaymentMethodDetails{
			Custom: attempt.CustomDetails{DisplayName: "newpay"},
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}

	// A clone shares nothing with the record: reports on one leave the
	// other as it was.
	snapshot := r.Clone()
	if err := r.ReportPaymentAttemptGuaranteed(record.ReportPaymentAttemptGuaranteedParams{GuaranteedAt: 1730211400}); err != nil {
		fmt.Println(err)
	}
	fmt.Printf("record:   version %d, %s guaranteed\n", r.Version(), r.AmountGuaranteed())
	fmt.Printf("snapshot: version %d, %s guaranteed\n", snapshot.Version(), snapshot.AmountGuaranteed())
	// Output:
	// record:   version 2, 10.00 USD guaranteed
	// snapshot: version 1, 0.00 USD guaranteed
}

func ExampleReplay() {
	usd := money.MustParseCurrency("usd")
	reports := []record.Report{
		record.ReportPaymentParams{
			ID:              "pr_replay",
			AttemptID:       "par_replay",
			Created:         1730211363,
			AmountRequested: money.New(1000, usd),
			InitiatedAt:     1730211363,
			PaymentMethodDetails: attempt.PaymentMethodDetails{
				Custom: attempt.CustomDetails{DisplayName: "newpay"},
			},
		},
		record.ReportPaymentAttemptGuaranteedParams{GuaranteedAt: 1730211400},
		record.ReportRefundParams{
			Amount:           money.New(300, usd),
			ProcessorDetails: record.RefundProcessorDetails{RefundReference: "rf_1"},
		},
	}
	r, err := record.Replay(reports...)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(r.Version(), r.AmountGuaranteed(), r.AmountRefunded())

	// Applying the same reports one by one gives the same record.
	live, err := record.ReportPayment(reports[0].(record.ReportPaymentParams))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, rep := range reports[1:] {
		if err := live.Apply(rep); err != nil {
			fmt.Println(err)
		}
	}
	a, _ := json.Marshal(live)
	b, _ := json.Marshal(r)
	fmt.Println(bytes.Equal(a, b))

	// A rejected report ends the replay; the error says which one it was.
	_, err = record.Replay(append(reports, record.ReportPaymentAttemptFailedParams{FailedAt: 1730211500})...)
	fmt.Println(err)
	// Output:
	// 3 7.00 USD 3.00 USD
	// true
	// record: replay report 4 (report_payment_attempt_failed): Cannot fail the latest attempt par_replay of pr_replay: it was guaranteed at 1730211400 (7.00 USD guaranteed, 3.00 USD refunded).
}

func ExampleLogWriter() {
	w := record.NewLogWriter(os.Stdout)
	create := record.ReportPaymentParams{
		ID:              "pr_log",
		AttemptID:       "par_log",
		Created:         1730211363,
		AmountRequested: money.New(1000, money.MustParseCurrency("usd")),
		InitiatedAt:     1730211363,
		PaymentMethodDetails: attempt.PaymentMethodDetails{
			Custom: attempt.CustomDetails{DisplayName: "newpay"},
		},
	}
	// A report_payment names its record in its params; the others are
	// written with the ID of the record they are for.
	if err := w.Write("", create); err != nil {
		fmt.Println(err)
	}
	if err := w.Write("pr_log", record.ReportPaymentAttemptFailedParams{FailedAt: 1730253453}); err != nil {
		fmt.Println(err)
	}
	// Output:
	// {"op":"report_payment","params":{"id":"pr_log","attempt_id":"par_log","created":1730211363,"amount_requested":{"currency":"usd","value":1000},"initiated_at":1730211363,"payment_method_details":{"billing_details":null,"custom":{"display_name":"newpay","type":null},"payment_method":null,"type":"custom"}}}
	// {"op":"report_payment_attempt_failed","id":"pr_log","params":{"failed_at":1730253453}}
}

func ExampleReplayLog() {
	const log = `{"op":"report_payment","params":{"id":"pr_log","attempt_id":"par_log","created":1730211363,"amount_requested":{"currency":"usd","value":1000},"initiated_at":1730211363,"payment_method_details":{"custom":{"display_name":"newpay"}}}}
{"op":"report_payment_attempt_failed","id":"pr_log","params":{"failed_at":"1730253453"}}
`
	r, err := record.ReplayLog(strings.NewReader(log))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(r.ID(), r.Version(), r.AmountFailed())

	// A log holds the reports of one record only.
	other := log + `{"op":"report_payment_attempt_canceled","id":"pr_other","params":{"canceled_at":1730253460}}` + "\n"
	_, err = record.ReplayLog(strings.NewReader(other))
	fmt.Println(errors.Is(err, record.ErrRecordMismatch))
	fmt.Println(err)
	// Output:
	// pr_log 2 10.00 USD
	// true
	// record: report log line 3: The line names record "pr_other", not "pr_log".
}
