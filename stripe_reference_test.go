package payrec_test

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestStripeReferenceCopy keeps testdata/stripe, the copy of Stripe's
// reference material that the tests read, as it was copied: each file
// listed in testdata/stripe/SHA256SUMS must have its recorded sum, and the
// files the tests rely on must be listed. It reads only the repository, so
// it runs in every clone.
func TestStripeReferenceCopy(t *testing.T) {
	dir := filepath.Join("testdata", "stripe")
	f, err := os.Open(filepath.Join(dir, "SHA256SUMS"))
	require.NoError(t, err)
	defer f.Close()

	listed := map[string]bool{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		sum, name, ok := strings.Cut(sc.Text(), "  ")
		require.True(t, ok, "SHA256SUMS line %d is not \"SUM  NAME\": %q", n, sc.Text())
		listed[name] = true
		b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
		if !assert.NoError(t, err, "SHA256SUMS line %d", n) {
			continue
		}
		got := sha256.Sum256(b)
		assert.Equal(t, sum, hex.EncodeToString(got[:]),
			"testdata/stripe/%s is not the copy SHA256SUMS records; see testdata/stripe/README.md", name)
	}
	require.NoError(t, sc.Err())
	for _, name := range []string{
		"payment_records.openapi.json",
		"examples/report_payment_attempt_failed.request.json",
		"examples/report_payment_attempt_failed.response.json",
	} {
		assert.True(t, listed[name], "SHA256SUMS lists %s", name)
	}
}
