package recordtest

import (
	"slices"
	"strconv"
	"strings"
	"unicode"

	"pgregory.net/rapid"

	"github.com/payrec/payrec/money"
)

// MaxValue bounds every amount the generators draw, in minor units: 2^40,
// about eleven billion dollars. It leaves int64 room for millions of such
// amounts, so that sums of drawn amounts never overflow.
const MaxValue int64 = 1 << 40

// Stripe's limits, restated here so that the generators can draw values at
// and just past them.
const (
	maxMetadataKeys  = 50
	maxMetadataKey   = 40
	maxMetadataValue = 500
	maxString        = 5000
	maxID            = 255
)

// Currency draws a currency payrec knows, favouring the four whose minor
// units differ (USD 2 digits, JPY 0, KWD 3, CLF 4) so that formatting and
// parsing of every width are exercised often.
func Currency() *rapid.Generator[money.Currency] {
	all := money.Currencies()
	var edges []money.Currency
	for _, code := range []string{"usd", "jpy", "kwd", "clf"} {
		if c, err := money.ParseCurrency(code); err == nil {
			edges = append(edges, c)
		}
	}
	return rapid.Custom(func(t *rapid.T) money.Currency {
		if len(edges) > 0 && rapid.Bool().Draw(t, "edge_currency") {
			return rapid.SampledFrom(edges).Draw(t, "currency")
		}
		return rapid.SampledFrom(all).Draw(t, "currency")
	})
}

// Amount draws a positive amount of cur of at most MaxValue minor units,
// favouring 1, small values and MaxValue itself.
func Amount(cur money.Currency) *rapid.Generator[money.Amount] {
	return rapid.Custom(func(t *rapid.T) money.Amount {
		return money.New(value(1, MaxValue).Draw(t, "value"), cur)
	})
}

// value draws minor units in [lo, hi], leaning on both ends.
func value(lo, hi int64) *rapid.Generator[int64] {
	small := min(hi, lo+10_000)
	return rapid.OneOf(
		rapid.Int64Range(lo, small),
		rapid.Int64Range(lo, hi),
		rapid.SampledFrom([]int64{lo, hi}),
	)
}

// Timestamp draws a positive Unix time: mostly in this century's range,
// sometimes tiny (1 is a valid timestamp too).
func Timestamp() *rapid.Generator[int64] {
	return rapid.OneOf(
		rapid.Int64Range(1_500_000_000, 2_000_000_000),
		rapid.Int64Range(1, 1_000),
	)
}

// After draws a Unix time not before t0: t0 itself (the boundary every
// "not before" rule has) or up to about two weeks later.
func After(t0 int64) *rapid.Generator[int64] {
	return rapid.Custom(func(t *rapid.T) int64 {
		return t0 + rapid.OneOf(rapid.Just[int64](0), rapid.Int64Range(1, 1_200_000)).Draw(t, "after")
	})
}

// runes are the characters drawn into strings: ASCII, the characters JSON
// and HTML escaping care about, and a few multi-byte ones so that length
// limits are counted in runes, not bytes.
var runes = []rune("abcdefghijklmnopqrstuvwxyzABCXYZ0123456789 _-.:/\"\\<>&'\n\té€😀")

func char() *rapid.Generator[rune] { return rapid.RuneFrom(runes, unicode.Greek) }

// Text draws a valid UTF-8 string of 1 to n characters.
func Text(n int) *rapid.Generator[string] {
	return rapid.StringOfN(char(), 1, n, -1)
}

// ID draws an ID: prefix and base-62 characters, sometimes exactly 255
// characters long or holding non-ASCII letters (payrec requires no prefix
// and accepts any ID without white space or control characters).
func ID(prefix string) *rapid.Generator[string] {
	return rapid.Custom(func(t *rapid.T) string {
		switch rapid.IntRange(0, 24).Draw(t, "id_kind") {
		case 0: // the longest ID accepted
			return prefix + strings.Repeat("x", maxID-len(prefix))
		case 1, 2, 3: // letters from another script, as an external system may use
			return prefix + rapid.StringMatching(`[a-zé€]{1,8}`).Draw(t, "id")
		}
		return prefix + rapid.StringMatching(`[0-9A-Za-z]{1,14}`).Draw(t, "id")
	})
}

// fresh returns id, changed if needed so that it is not in taken.
func fresh(id string, taken func(string) bool) string {
	for i := 0; taken(id); i++ {
		id = strings.TrimRight(id[:min(len(id), maxID-8)], "_") + "_" + strconv.Itoa(i)
	}
	return id
}

// Description draws a description: short text, or now and then exactly
// the 5000 characters Stripe allows.
func Description() *rapid.Generator[string] {
	return rarely(Text(40), strings.Repeat("é", maxString))
}

// rarely draws from g, and edge about once in 25 draws: limits are worth
// hitting, but long strings make every step of a test slower.
func rarely[V any](g *rapid.Generator[V], edge V) *rapid.Generator[V] {
	return rapid.Custom(func(t *rapid.T) V {
		if rapid.IntRange(0, 24).Draw(t, "edge") == 0 {
			return edge
		}
		return g.Draw(t, "value")
	})
}

// metadataKeys are the keys metadata is drawn from: a small pool, so that
// updates of a record overwrite and delete keys it has, plus the edges of
// Stripe's rules.
var metadataKeys = []string{
	"order_id", "customer", "note", "a", "Z", "ключ", "clé",
	strings.Repeat("k", maxMetadataKey), // the longest key allowed
}

// MetadataKey draws a valid metadata key (1–40 characters, no brackets).
func MetadataKey() *rapid.Generator[string] {
	return rapid.OneOf(
		rapid.SampledFrom(metadataKeys),
		rapid.StringMatching(`k[0-9]{1,2}`),
	)
}

// MetadataValue draws a metadata value that sets a key: 1 to 500
// characters.
func MetadataValue() *rapid.Generator[string] {
	return rarely(Text(30), strings.Repeat("v", maxMetadataValue))
}

// Metadata draws a metadata update that is valid when merged into existing
// (nil for none): keys set, overwritten, or removed (value ""), with at
// most 50 keys after the merge. It sometimes fills the record up to the
// limit exactly. The result may be nil: no update.
func Metadata(existing map[string]string) *rapid.Generator[map[string]string] {
	return rapid.Custom(func(t *rapid.T) map[string]string {
		var md map[string]string
		switch rapid.IntRange(0, 24).Draw(t, "metadata_kind") {
		case 1, 2, 3, 4, 5, 6, 7, 8, 9, 10:
			return nil
		case 0: // fill up to exactly 50 keys
			md = make(map[string]string)
			n := len(existing)
			for i := 0; n < maxMetadataKeys; i++ {
				k := "fill" + strconv.Itoa(i)
				if _, ok := existing[k]; !ok {
					md[k] = "x"
					n++
				}
			}
			return md
		}
		val := rapid.OneOf(MetadataValue(), rapid.Just(""))
		md = rapid.MapOfN(MetadataKey(), val, 1, 6).Draw(t, "metadata")
		// Deletions and overwrites never grow the map; drop additions past
		// the limit, in key order so that the result does not depend on
		// map iteration.
		keys := sortedKeys(md)
		n := len(existing)
		for _, k := range keys {
			if _, had := existing[k]; had {
				if md[k] == "" {
					n--
				}
			}
		}
		for _, k := range keys {
			if _, had := existing[k]; had || md[k] == "" {
				continue
			}
			if n >= maxMetadataKeys {
				delete(md, k)
				continue
			}
			n++
		}
		return md
	})
}

// metadataUpdate draws the metadata part of a report: an update valid
// against existing, or, now and then, a request to clear every key.
func metadataUpdate(t *rapid.T, existing map[string]string) (map[string]string, bool) {
	if rapid.IntRange(0, 9).Draw(t, "clear_metadata") == 0 {
		return nil, true
	}
	return Metadata(existing).Draw(t, "metadata"), false
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// optional draws the zero value half of the time, else a value of g.
func optional[V any](g *rapid.Generator[V]) *rapid.Generator[V] {
	var zero V
	return rapid.OneOf(rapid.Just(zero), g)
}
