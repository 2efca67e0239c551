package record_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/payrec/payrec/record"
)

// The params decoder is written by hand for its semantics: a repeated key
// is an error, every error names Stripe's bracket path, and no number goes
// through float64. These benchmarks keep the choice measured: the same
// report_payment params decoded by payrec's decoder and by encoding/json
// into a plain struct of the same shape, which has none of those checks
// (it keeps the last of repeated keys, reports Go field paths and reads
// "created" only as a number).

// plainReportPayment mirrors report_payment's params for encoding/json.
type plainReportPayment struct {
	ID              string `json:"id"`
	AttemptID       string `json:"attempt_id"`
	Created         int64  `json:"created"`
	Livemode        bool   `json:"livemode"`
	AmountRequested struct {
		Currency string `json:"currency"`
		Value    int64  `json:"value"`
	} `json:"amount_requested"`
	InitiatedAt          int64  `json:"initiated_at"`
	CustomerPresence     string `json:"customer_presence"`
	Description          string `json:"description"`
	PaymentMethodDetails struct {
		Custom struct {
			DisplayName string `json:"display_name"`
			Type        string `json:"type"`
		} `json:"custom"`
		PaymentMethod string `json:"payment_method"`
		Type          string `json:"type"`
	} `json:"payment_method_details"`
	ProcessorDetails struct {
		Type   string `json:"type"`
		Custom struct {
			PaymentReference string `json:"payment_reference"`
		} `json:"custom"`
	} `json:"processor_details"`
	Metadata map[string]string `json:"metadata"`
}

// canonicalParamsJSON returns the params object of the canonical
// report_payment line.
func canonicalParamsJSON(b *testing.B) []byte {
	b.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "canonical.jsonl"))
	if err != nil {
		b.Fatal(err)
	}
	var line struct{ Params json.RawMessage }
	if err := json.Unmarshal(data[:bytes.IndexByte(data, '\n')], &line); err != nil {
		b.Fatal(err)
	}
	return line.Params
}

func BenchmarkDecodeReportPayment(b *testing.B) {
	data := canonicalParamsJSON(b)
	decoders := []struct {
		name   string
		decode func([]byte) error
	}{
		{"payrec", func(data []byte) error {
			var p record.ReportPaymentParams
			return p.UnmarshalJSON(data)
		}},
		{"encoding_json_plain", func(data []byte) error {
			var p plainReportPayment
			return json.Unmarshal(data, &p)
		}},
		{"encoding_json_strict", func(data []byte) error {
			var p plainReportPayment
			dec := json.NewDecoder(bytes.NewReader(data))
			dec.DisallowUnknownFields()
			dec.UseNumber()
			return dec.Decode(&p)
		}},
	}
	for _, d := range decoders {
		b.Run("decoder="+d.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if err := d.decode(data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
