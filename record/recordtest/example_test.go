package recordtest_test

import (
	"bytes"
	"fmt"
	"sync"

	"github.com/payrec/payrec/attempt"
	"github.com/payrec/payrec/money"
	"github.com/payrec/payrec/record"
	"github.com/payrec/payrec/record/recordtest"
)

// store is an importer's storage: it keeps every record as its report log
// and rebuilds a record by replaying it. It is what a test of the
// importer's code checks with recordtest.
type store struct {
	mu   sync.Mutex
	logs map[string]*bytes.Buffer
}

func newStore() *store { return &store{logs: make(map[string]*bytes.Buffer)} }

// Save appends an accepted report to the log of the record with ID id.
func (s *store) Save(id string, rep record.Report) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	buf, ok := s.logs[id]
	if !ok {
		buf = new(bytes.Buffer)
		s.logs[id] = buf
	}
	return record.NewLogWriter(buf).Write(id, rep)
}

// Load rebuilds the record with ID id from its log.
func (s *store) Load(id string) (*record.Record, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	buf, ok := s.logs[id]
	if !ok {
		return nil, fmt.Errorf("store: no record %q", id)
	}
	return record.ReplayLog(bytes.NewReader(buf.Bytes()))
}

// The example saves a payment's reports — reported, guaranteed, partly
// refunded — as they are accepted, loads the record back, and checks that
// it holds payrec's invariants and equals the record the reports built.
func Example() {
	usd := money.MustParseCurrency("usd")
	reports := []record.Report{
		record.ReportPaymentParams{
			ID: "pr_example", AttemptID: "par_example", Created: 1730211363,
			AmountRequested: money.New(1000, usd), InitiatedAt: 1730211363,
			PaymentMethodDetails: attempt.PaymentMethodDetails{Custom: attempt.CustomDetails{DisplayName: "newpay"}},
			Metadata:             map[string]string{"order_id": "6735"},
		},
		record.ReportPaymentAttemptGuaranteedParams{GuaranteedAt: 1730211400},
		record.ReportRefundParams{
			Amount:           money.New(250, usd),
			ProcessorDetails: record.RefundProcessorDetails{RefundReference: "re_1"},
		},
	}

	s := newStore()
	r, err := record.ReportPayment(reports[0].(record.ReportPaymentParams))
	if err != nil {
		fmt.Println(err)
		return
	}
	for i, rep := range reports {
		if i > 0 {
			if err := r.Apply(rep); err != nil {
				fmt.Println(err)
				return
			}
		}
		if err := s.Save(r.ID(), rep); err != nil {
			fmt.Println(err)
			return
		}
	}

	loaded, err := s.Load("pr_example")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("invariants hold:", recordtest.Verify(loaded) == nil)
	fmt.Println("round trip unchanged:", recordtest.Diff(loaded, r) == "")
	fmt.Printf("version %d: %s guaranteed, %s refunded\n",
		loaded.Version(), loaded.AmountGuaranteed(), loaded.AmountRefunded())
	// Output:
	// invariants hold: true
	// round trip unchanged: true
	// version 3: 7.50 USD guaranteed, 2.50 USD refunded
}
