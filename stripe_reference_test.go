package payrec_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestStripeReferenceCopy keeps testdata/stripe, the copy of Stripe's
// reference material that the tests read, equal to the team's reference
// folder ../shared/stripe when it is present beside the repository.
func TestStripeReferenceCopy(t *testing.T) {
	shared := filepath.Join("..", "shared", "stripe")
	if _, err := os.Stat(shared); err != nil {
		t.Skipf("no reference folder at %s: nothing to compare the copy with", shared)
	}
	for _, name := range []string{
		"payment_records.openapi.json",
		filepath.Join("examples", "report_payment_attempt_failed.request.json"),
		filepath.Join("examples", "report_payment_attempt_failed.response.json"),
	} {
		want, err := os.ReadFile(filepath.Join(shared, name))
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(filepath.Join("testdata", "stripe", name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("testdata/stripe/%s differs from %s: copy it again", name, filepath.Join(shared, name))
		}
	}
}
