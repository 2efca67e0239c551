package main

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"

	"github.com/payrec/payrec"
)

// Secret keys, as Stripe spells them. The mode of a request is the mode of
// its key: live only for sk_live_ keys.
const (
	testKeyPrefix = "sk_test_"
	liveKeyPrefix = "sk_live_"
)

// keyring decides which API keys the server accepts.
type keyring struct {
	// digests are the SHA-256 of the configured keys: comparing digests in
	// constant time compares equal lengths, so a guess learns nothing from
	// timing, not even a key's length.
	digests [][sha256.Size]byte
	live    []bool
	// open: no key is configured, and any sk_test_ key is accepted (only
	// allowed while the server listens on a loopback address).
	open bool
}

// newKeyring returns the keyring of keys; no keys means open. Every key must
// be a Stripe secret key (sk_test_… or sk_live_…), so that its mode is
// known.
func newKeyring(keys []string) (*keyring, error) {
	k := &keyring{open: len(keys) == 0}
	for _, key := range keys {
		live := strings.HasPrefix(key, liveKeyPrefix)
		if !live && !strings.HasPrefix(key, testKeyPrefix) || len(key) == len(testKeyPrefix) {
			return nil, fmt.Errorf("API key %s is not a secret key: it must start with %s or %s",
				maskKey(key), testKeyPrefix, liveKeyPrefix)
		}
		k.digests = append(k.digests, sha256.Sum256([]byte(key)))
		k.live = append(k.live, live)
	}
	return k, nil
}

// authenticate returns the mode of r's key (true for live), or the 401 error.
// The key comes as "Authorization: Bearer KEY" or as HTTP Basic with KEY as
// the user name (the password is ignored, as curl -u KEY: sends none).
func (k *keyring) authenticate(r *http.Request) (bool, error) {
	key, ok := requestKey(r)
	if !ok || key == "" {
		return false, &payrec.Error{Type: payrec.ErrorType, Message: "You did not provide an API key. " +
			"Provide it in the Authorization header, using Bearer auth (Authorization: Bearer YOUR_SECRET_KEY) " +
			"or HTTP Basic auth with the key as the user name."}
	}
	if k.open {
		if strings.HasPrefix(key, testKeyPrefix) && len(key) > len(testKeyPrefix) {
			return false, nil
		}
		return false, &payrec.Error{Type: payrec.ErrorType, Message: fmt.Sprintf(
			"Invalid API Key provided: %s. With no keys configured, this server accepts only test keys (sk_test_…).",
			maskKey(key))}
	}
	d := sha256.Sum256([]byte(key))
	match := -1
	for i := range k.digests {
		if subtle.ConstantTimeCompare(d[:], k.digests[i][:]) == 1 {
			match = i
		}
	}
	if match < 0 {
		return false, &payrec.Error{Type: payrec.ErrorType, Message: "Invalid API Key provided: " + maskKey(key)}
	}
	return k.live[match], nil
}

// requestKey reads the key from r's Authorization header.
func requestKey(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	scheme, cred, ok := strings.Cut(h, " ")
	if !ok {
		return "", false
	}
	cred = strings.TrimSpace(cred)
	switch {
	case strings.EqualFold(scheme, "Bearer"):
		return cred, true
	case strings.EqualFold(scheme, "Basic"):
		raw, err := base64.StdEncoding.DecodeString(cred)
		if err != nil {
			return "", false
		}
		user, _, _ := strings.Cut(string(raw), ":")
		return user, true
	}
	return "", false
}

// maskKey shows a key as Stripe's messages do: its prefix and last four
// characters.
func maskKey(key string) string {
	prefix := ""
	for _, p := range []string{testKeyPrefix, liveKeyPrefix} {
		if strings.HasPrefix(key, p) {
			prefix = p
		}
	}
	rest := key[len(prefix):]
	if len(rest) <= 4 {
		return prefix + strings.Repeat("*", len(rest))
	}
	return prefix + strings.Repeat("*", min(len(rest)-4, 24)) + rest[len(rest)-4:]
}
