package payrec_test

import (
	"errors"
	"fmt"
	"log"

	"github.com/payrec/payrec"
	"github.com/payrec/payrec/attempt"
	"github.com/payrec/payrec/money"
	"github.com/payrec/payrec/record"
)

// The life of one payment: created, declined, retried, guaranteed, partly
// refunded — and a late failure report refused. README.md shows this code.
func Example() {
	usd := money.MustParseCurrency("usd")

	// A customer starts paying $25.00 through your processor.
	r, err := record.ReportPayment(record.ReportPaymentParams{
		ID:              "pr_123",
		AttemptID:       "par_1",
		Created:         1730211363,
		AmountRequested: money.New(2500, usd),
		InitiatedAt:     1730211363,
		PaymentMethodDetails: attempt.PaymentMethodDetails{
			Custom: attempt.CustomDetails{DisplayName: "newpay"},
		},
	})
	if err != nil {
		log.Fatal(err)
	}

	// The processor declines it; the customer retries and the retry goes
	// through; later, $5.00 is refunded.
	steps := []record.Report{
		record.ReportPaymentAttemptFailedParams{FailedAt: 1730211400},
		record.ReportPaymentAttemptParams{AttemptID: "par_2", Created: 1730211500, InitiatedAt: 1730211500},
		record.ReportPaymentAttemptGuaranteedParams{GuaranteedAt: 1730211520},
		record.ReportRefundParams{
			Amount:           money.New(500, usd),
			ProcessorDetails: record.RefundProcessorDetails{RefundReference: "re_1"},
		},
	}
	for _, step := range steps {
		if err := r.Apply(step); err != nil {
			log.Fatal(err)
		}
	}
	fmt.Println(r.AmountGuaranteed(), r.AmountRefunded(), r.Version())

	// A late failure report for the guaranteed attempt is refused and
	// changes nothing.
	err = r.ReportPaymentAttemptFailed(record.ReportPaymentAttemptFailedParams{FailedAt: 1730211600})
	var te *payrec.TransitionError
	fmt.Println(errors.Is(err, payrec.ErrInvalidTransition), errors.As(err, &te) && te.From == payrec.Guaranteed)
	fmt.Println(err)
	fmt.Printf("%s\n", payrec.Envelope(err))
	// Output:
	// 20.00 USD 5.00 USD 5
	// true true
	// record: Cannot fail the latest attempt par_2 of pr_123: it was guaranteed at 1730211520 (20.00 USD guaranteed, 5.00 USD refunded).
	// {"error":{"type":"invalid_request_error","message":"Cannot fail the latest attempt par_2 of pr_123: it was guaranteed at 1730211520 (20.00 USD guaranteed, 5.00 USD refunded)."}}
}
