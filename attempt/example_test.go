package attempt_test

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/payrec/payrec"
	"github.com/payrec/payrec/attempt"
	"github.com/payrec/payrec/money"
	"github.com/payrec/payrec/record"
)

// An attempt changes only through the reports on its record; the record
// hands out copies to read.
func ExampleAttempt_State() {
	r, _ := record.ReportPayment(record.ReportPaymentParams{
		ID: "pr_1", AttemptID: "par_1", Created: 1730211363, InitiatedAt: 1730211363,
		AmountRequested:      money.New(1000, money.MustParseCurrency("usd")),
		PaymentMethodDetails: attempt.PaymentMethodDetails{Type: attempt.TypeCustom},
	})

	// The time is when the event happened, not when it is recorded.
	err := r.ReportPaymentAttemptFailed(record.ReportPaymentAttemptFailedParams{FailedAt: 1730253453})
	a, _ := r.LatestAttempt()
	fmt.Println(a.State(), a.FailedAt(), err)
	fmt.Println(a.Failed(), a.Pending())

	// A failed attempt is final: a retry is a new attempt.
	err = r.ReportPaymentAttemptGuaranteed(record.ReportPaymentAttemptGuaranteedParams{GuaranteedAt: 1730253500})
	fmt.Println(errors.Is(err, payrec.ErrInvalidTransition))
	var te *payrec.TransitionError
	if errors.As(err, &te) {
		fmt.Println(te)
	}
	a, _ = r.LatestAttempt()
	fmt.Println(a.State())
	// Output:
	// failed 1730253453 <nil>
	// 10.00 USD 0.00 USD
	// true
	// payrec: cannot guarantee a failed attempt
	// failed
}

func ExampleAttempt_Refunded() {
	usd := money.MustParseCurrency("usd")
	r, _ := record.ReportPayment(record.ReportPaymentParams{
		ID: "pr_1", AttemptID: "par_1", Created: 1730211363, InitiatedAt: 1730211363,
		AmountRequested:      money.New(1000, usd),
		PaymentMethodDetails: attempt.PaymentMethodDetails{Type: attempt.TypeCustom},
		Outcome:              record.OutcomeGuaranteed,
		Guaranteed:           record.GuaranteedParams{GuaranteedAt: 1730211400},
	})
	refund := func(ref string, amt money.Amount) error {
		return r.ReportRefund(record.ReportRefundParams{Amount: amt,
			ProcessorDetails: record.RefundProcessorDetails{RefundReference: ref}})
	}

	fmt.Println(refund("rf_1", money.New(300, usd)))
	a, _ := r.LatestAttempt()
	fmt.Println(a.Guaranteed(), a.Refunded())

	err := refund("rf_2", money.New(800, usd))
	fmt.Println(errors.Is(err, record.ErrRefundExceeds))

	fmt.Println(refund("rf_3", money.Amount{})) // all that is left
	a, _ = r.LatestAttempt()
	fmt.Println(a.Guaranteed(), a.Refunded(), a.State())
	// Output:
	// <nil>
	// 7.00 USD 3.00 USD
	// true
	// <nil>
	// 0.00 USD 10.00 USD guaranteed
}

func ExampleAttempt_MarshalJSON() {
	r, _ := record.ReportPayment(record.ReportPaymentParams{
		AttemptID:       "par_1ArV730PrHyQuG",
		ID:              "pr_5RV730PrHyAEi",
		Created:         1730211363,
		InitiatedAt:     1730211363,
		Livemode:        true,
		AmountRequested: money.New(1000, money.MustParseCurrency("usd")),
		PaymentMethodDetails: attempt.PaymentMethodDetails{
			PaymentMethod: "pm_5j23kjksibjlks",
			Custom:        attempt.CustomDetails{DisplayName: "newpay", Type: "cpmt_125kjj3hn3sdf"},
		},
		CustomerPresence: attempt.OnSession,
		ProcessorDetails: attempt.ProcessorDetails{Type: attempt.ProcessorTypeCustom, PaymentReference: "npp2358872734k"},
		Description:      "computer software",
	})
	_ = r.ReportPaymentAttemptFailed(record.ReportPaymentAttemptFailedParams{FailedAt: 1730253453})
	a, _ := r.LatestAttempt()

	out, _ := json.MarshalIndent(a, "", "  ")
	fmt.Println(string(out))
	// Output:
	// {
	//   "id": "par_1ArV730PrHyQuG",
	//   "object": "payment_attempt_record",
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
	//   "payment_record": "pr_5RV730PrHyAEi",
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
