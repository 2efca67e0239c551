package money

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTable(t *testing.T) {
	infos, keys, err := parseTable(currencyData)
	require.NoError(t, err)
	require.Len(t, keys, len(infos)-1)
	assert.Equal(t, currencyInfo{}, infos[0], "index 0 is the zero Currency")
	for i, info := range infos[1:] {
		assert.Len(t, info.upper, 3)
		assert.Equal(t, info.lower, string(info.upper[0]|0x20)+string(info.upper[1]|0x20)+string(info.upper[2]|0x20))
		k, ok := packCode(info.upper)
		require.True(t, ok)
		assert.Equal(t, keys[i], k)
	}
}

func TestParseTableRejects(t *testing.T) {
	tests := []struct {
		name string
		data string
	}{
		{"no digits", "USD"},
		{"digits not a number", "USD x"},
		{"too many digits", "USD 5"},
		{"two-character digits", "USD 10"},
		{"short code", "US 2"},
		{"lowercase code", "usd 2"},
		{"code with digit", "U5D 2"},
		{"out of order", "USD 2\nEUR 2"},
		{"repeated", "USD 2\nUSD 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := parseTable(tt.data)
			assert.Error(t, err)
		})
	}
	infos, keys, err := parseTable("# comment\n\n  EUR 2 Euro  \nUSD 2\n")
	require.NoError(t, err)
	assert.Len(t, keys, 2)
	assert.Equal(t, "usd", infos[2].lower)
}

// TestCurrencyOutOfRange covers a Currency no exported function can make,
// to show that the accessors still do not panic.
func TestCurrencyOutOfRange(t *testing.T) {
	c := Currency{idx: 60000}
	assert.False(t, c.IsValid())
	assert.Equal(t, "", c.String())
	assert.Equal(t, "", c.Code())
	assert.Equal(t, 0, c.Digits())
	assert.Equal(t, "invalid amount", New(1, c).String())
}

func TestClip(t *testing.T) {
	s, clipped := clip("short")
	assert.Equal(t, "short", s)
	assert.False(t, clipped)

	// 63 ASCII bytes and a two-byte rune straddling the limit: the rune goes.
	long := string(make([]byte, 63)) + "é" + "tail"
	s, clipped = clip(long)
	assert.True(t, clipped)
	assert.Len(t, s, 63)
}
