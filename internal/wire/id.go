package wire

import (
	"crypto/rand"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/payrec/payrec"
)

const base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// NewID returns prefix followed by 14 base-62 characters from crypto/rand,
// the shape of Stripe's object IDs (pr_…, par_…). Bytes that would bias the
// alphabet are drawn again.
func NewID(prefix string) string {
	const n = 14
	out := make([]byte, len(prefix), len(prefix)+n)
	copy(out, prefix)
	var buf [32]byte
	for len(out) < cap(out) {
		_, _ = rand.Read(buf[:]) // crypto/rand.Read never fails (Go 1.24+)
		for _, c := range buf {
			if c < 248 && len(out) < cap(out) { // 248 = 4*62: no modulo bias
				out = append(out, base62[c%62])
			}
		}
	}
	return string(out)
}

// MaxID is the longest ID payrec accepts, in characters.
const MaxID = 255

// CheckID rejects an ID that is empty, longer than MaxID characters, not
// valid UTF-8, or holds white space or a control character. No prefix is
// required: IDs from other systems are welcome.
func CheckID(id string, p Path) error {
	if id == "" {
		return p.Missing()
	}
	if !utf8.ValidString(id) {
		return notUTF8(p)
	}
	if n := utf8.RuneCountInString(id); n > MaxID {
		return tooLong(p, n, MaxID)
	}
	blank := func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }
	if i := strings.IndexFunc(id, blank); i >= 0 {
		return p.Errorf(payrec.CodeInvalidCharacters, nil,
			"Invalid string: %s %q holds white space or a control character", p, id)
	}
	return nil
}
