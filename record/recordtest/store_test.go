package recordtest_test

import (
	"testing"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/payrec/payrec/record"
	"github.com/payrec/payrec/record/recordtest"
)

// TestStoreRoundTrip is the property test an importer writes for its
// storage (the store of the package example): whatever life a record has,
// saving its reports and loading it back gives the same record.
func TestStoreRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		reports := recordtest.Reports().Draw(t, "reports")
		want, err := record.Replay(reports...)
		require.NoError(t, err)

		s := newStore()
		for _, rep := range reports {
			require.NoError(t, s.Save(want.ID(), rep))
		}
		got, err := s.Load(want.ID())
		require.NoError(t, err)

		recordtest.Check(t, got)
		recordtest.Equal(t, got, want)
	})
}
