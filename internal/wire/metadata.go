package wire

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// Stripe's metadata limits. Lengths count characters (runes).
const (
	MaxMetadataKeys  = 50
	MaxMetadataKey   = 40
	MaxMetadataValue = 500

	// MaxMetadataUpdate is the most entries one report's metadata may name:
	// 50 keys to set and 50 to remove, the most a merge that ends within
	// MaxMetadataKeys can use. Decoders stop at it, so that a hostile
	// update costs no more than a valid one.
	MaxMetadataUpdate = 2 * MaxMetadataKeys
)

// MetadataUpdateTooLarge reports a metadata update of more than
// MaxMetadataUpdate entries.
func MetadataUpdateTooLarge(p Path) error {
	return p.Errorf("", nil, "Invalid metadata: a report may name at most %d keys (%d to set and %d to remove)",
		MaxMetadataUpdate, MaxMetadataKeys, MaxMetadataKeys)
}

// CheckMetadataEntry applies Stripe's rules to one metadata entry: the key is
// 1–40 characters without '[' or ']', the value at most 500 characters. p is
// the metadata parameter; the error names metadata[key].
func CheckMetadataEntry(key, value string, p Path) error {
	// A key that cannot be written in bracket form is reported against the
	// metadata parameter itself.
	q := p.Key(key)
	switch {
	case key == "":
		return p.Errorf("", nil, "Invalid metadata: keys must not be empty")
	case strings.ContainsAny(key, "[]"):
		return p.Errorf("", nil, "Invalid metadata: key %q must not contain '[' or ']'", key)
	case !utf8.ValidString(key):
		return NotUTF8Key(p)
	case !utf8.ValidString(value):
		return notUTF8(q)
	case utf8.RuneCountInString(key) > MaxMetadataKey:
		return q.Errorf("", nil, "Invalid metadata: key %q is %d characters long; keys must be at most %d",
			key, utf8.RuneCountInString(key), MaxMetadataKey)
	case utf8.RuneCountInString(value) > MaxMetadataValue:
		return tooLong(q, utf8.RuneCountInString(value), MaxMetadataValue)
	}
	return nil
}

// CheckMetadata checks the metadata update md against the metadata it would
// be merged into (nil for none, or when the update clears it first): every
// entry follows CheckMetadataEntry, and the merged result has at most
// MaxMetadataKeys keys. An entry whose value is "" removes its key. When
// several entries are wrong, the first in key order is reported.
func CheckMetadata(md, into map[string]string, p Path) error {
	if len(md) == 0 {
		return nil
	}
	if len(md) > MaxMetadataUpdate {
		return MetadataUpdateTooLarge(p)
	}
	n := len(into)
	bad := false
	for k, v := range md {
		if CheckMetadataEntry(k, v, p) != nil {
			bad = true
		}
		_, had := into[k]
		switch {
		case v == "" && had:
			n--
		case v != "" && !had:
			n++
		}
	}
	if bad {
		keys := make([]string, 0, len(md))
		for k := range md {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			if err := CheckMetadataEntry(k, md[k], p); err != nil {
				return err
			}
		}
	}
	if n > MaxMetadataKeys {
		return p.Errorf("", nil, "Invalid metadata: it would have %d keys; a record may have at most %d", n, MaxMetadataKeys)
	}
	return nil
}

// MergeMetadata applies the update md to *into, after removing every key
// first when clearFirst is set; it allocates the map only when an entry is added.
func MergeMetadata(into *map[string]string, md map[string]string, clearFirst bool) {
	if clearFirst {
		clear(*into)
	}
	for k, v := range md {
		if v == "" {
			delete(*into, k)
			continue
		}
		if *into == nil {
			*into = make(map[string]string, len(md))
		}
		(*into)[k] = v
	}
}
