package store_test

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/payrec/payrec/attempt"
	"github.com/payrec/payrec/money"
	"github.com/payrec/payrec/record"
	"github.com/payrec/payrec/store"
)

// This example stores Stripe's canonical payment — $10.00 whose attempt
// fails — retries it, refunds part of it, and shows the store refusing an
// over-refund, answering a retried request from its idempotency key, and
// exporting the record's report log.
func Example() {
	ctx := context.Background()
	s, err := store.Open(ctx, "memory") // or "sqlite:payrec.db", "postgres://…"
	if err != nil {
		fmt.Println(err)
		return
	}
	defer s.Close()

	usd := money.MustParseCurrency("usd")
	r, err := s.Apply(ctx, "", record.ReportPaymentParams{
		ID:              "pr_5RV730PrHyAEi",
		AttemptID:       "par_1ArV730PrHyQuG",
		Created:         1730211363,
		AmountRequested: money.New(1000, usd),
		InitiatedAt:     1730211363,
		PaymentMethodDetails: attempt.PaymentMethodDetails{
			Custom: attempt.CustomDetails{DisplayName: "newpay"},
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(r.ID(), r.Version())

	id := r.ID()
	steps := []record.Report{
		record.ReportPaymentAttemptFailedParams{FailedAt: 1730253453},
		record.ReportPaymentAttemptParams{AttemptID: "par_2", Created: 1730253500, InitiatedAt: 1730253500,
			Outcome: record.OutcomeGuaranteed, Guaranteed: record.GuaranteedParams{GuaranteedAt: 1730253510}},
	}
	for _, rep := range steps {
		if r, err = s.Apply(ctx, id, rep); err != nil {
			fmt.Println(err)
			return
		}
	}
	fmt.Println(r.Version(), r.AmountGuaranteed())

	refund := record.ReportRefundParams{Amount: money.New(400, usd),
		ProcessorDetails: record.RefundProcessorDetails{RefundReference: "re_1"}}
	var replayed bool
	for range 2 { // a client retrying with the same key
		r, err = s.Apply(ctx, id, refund, store.IdempotencyKey("refund-1"), store.Replayed(&replayed))
		fmt.Println(r.Version(), r.AmountRefunded(), replayed, err)
	}

	_, err = s.Apply(ctx, id, record.ReportRefundParams{Amount: money.New(700, usd),
		ProcessorDetails: record.RefundProcessorDetails{RefundReference: "re_2"}})
	fmt.Println(errors.Is(err, record.ErrRefundExceeds))

	_, err = s.Get(ctx, "pr_missing")
	fmt.Println(errors.Is(err, store.ErrNotFound))

	if err := s.Log(ctx, id, os.Stdout); err != nil {
		fmt.Println(err)
	}
	// Output:
	// pr_5RV730PrHyAEi 1
	// 3 10.00 USD
	// 4 4.00 USD false <nil>
	// 4 4.00 USD true <nil>
	// true
	// true
	// {"op":"report_payment","params":{"id":"pr_5RV730PrHyAEi","attempt_id":"par_1ArV730PrHyQuG","created":1730211363,"amount_requested":{"currency":"usd","value":1000},"initiated_at":1730211363,"payment_method_details":{"billing_details":null,"custom":{"display_name":"newpay","type":null},"payment_method":null,"type":"custom"}}}
	// {"op":"report_payment_attempt_failed","id":"pr_5RV730PrHyAEi","params":{"failed_at":1730253453}}
	// {"op":"report_payment_attempt","id":"pr_5RV730PrHyAEi","params":{"attempt_id":"par_2","created":1730253500,"initiated_at":1730253500,"outcome":"guaranteed","guaranteed":{"guaranteed_at":1730253510}}}
	// {"op":"report_refund","id":"pr_5RV730PrHyAEi","params":{"outcome":"refunded","amount":{"currency":"usd","value":400},"processor_details":{"type":"custom","custom":{"refund_reference":"re_1"}}}}
}
