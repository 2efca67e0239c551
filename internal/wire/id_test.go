package wire

import (
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNewIDSpellsTheTime(t *testing.T) {
	shape := regexp.MustCompile(`^pr_[0-9A-Za-z]{24}$`)
	// The time digits, worked out by hand: 1730211363000 ms in base 62
	// with the digits 0-9, A-Z, a-z.
	tests := []struct {
		ms   int64
		want string
	}{
		{0, "00000000"},
		{61, "0000000z"},
		{62, "00000010"},
		{1730211363000, "0USbOYJ6"},
		{1730211363001, "0USbOYJ7"},
		{-5, "00000000"}, // before 1970: the earliest time
	}
	for _, tt := range tests {
		id := newID("pr_", time.UnixMilli(tt.ms))
		require.Regexp(t, shape, id)
		assert.Equal(t, tt.want, id[3:11], "time digits of %d ms", tt.ms)
	}
}

func TestNewIDOrdersByTime(t *testing.T) {
	t0 := time.UnixMilli(1730211363000)
	prev := newID("par_", t0)
	for ms := range int64(5000) {
		id := newID("par_", t0.Add(time.Duration(ms+1)*time.Millisecond))
		require.Less(t, prev, id, "an ID made 1 ms later sorts after")
		prev = id
	}
}

func TestNewIDIsUnpredictable(t *testing.T) {
	// Within one millisecond only the random digits differ: they must.
	now := time.UnixMilli(1730211363000)
	seen := make(map[string]bool, 10000)
	counts := map[byte]int{}
	for range 10000 {
		id := newID("", now)
		require.False(t, seen[id], "repeated %s", id)
		seen[id] = true
		for i := idTimeDigits; i < len(id); i++ {
			counts[id[i]]++
		}
	}
	// 160,000 random digits: each of the 62 expected 2,580 times; a biased
	// or stuck draw lands far outside 2,200..3,000.
	require.Len(t, counts, 62)
	for c, n := range counts {
		assert.InDelta(t, 2580, n, 400, "digit %q", c)
	}
}
