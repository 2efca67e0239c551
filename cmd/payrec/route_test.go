package main

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/payrec/payrec/record"
)

// TestRouteAnswersAsTheMux: whatever request route serves without the mux,
// the mux would have answered the same (status, headers, body); and route
// does serve the two endpoints it is for.
func TestRouteAnswersAsTheMux(t *testing.T) {
	st := openStore(t, "memory")
	keys, err := newKeyring([]string{testKey})
	require.NoError(t, err)
	s := newServer(st, keys, func() time.Time { return time.Unix(1730211363, 0) }, slog.New(slog.NewTextHandler(io.Discard, nil)))
	create := httptest.NewRequest(http.MethodPost, recordsPath+record.OpReportPayment, strings.NewReader(benchForm))
	create.Header.Set("Authorization", "Bearer "+testKey)
	create.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	created := httptest.NewRecorder()
	s.ServeHTTP(created, create)
	require.Equal(t, http.StatusOK, created.Code, created.Body.String())
	var rec struct{ ID string }
	require.NoError(t, json.Unmarshal(created.Body.Bytes(), &rec))

	// answer serves r by route (fast) or by the mux, as ServeHTTP would
	// without route; it reports whether it answered at all.
	answer := func(fast bool, r *http.Request) (*httptest.ResponseRecorder, bool) {
		rec := httptest.NewRecorder()
		w := &response{ResponseWriter: rec}
		switch {
		case fast:
			return rec, s.route(w, r)
		case func() bool { _, p := s.mux.Handler(r); return p == "" }():
			s.unrouted(w, r)
		default:
			s.mux.ServeHTTP(w, r)
		}
		return rec, true
	}
	request := func(method, target string) *http.Request {
		r, err := http.NewRequest(method, "http://payrec.test"+target, strings.NewReader(""))
		if err != nil {
			return nil
		}
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		return r
	}
	same := func(t require.TestingT, method, target string) bool {
		r := request(method, target)
		if r == nil {
			return false // not a URL a client could send
		}
		fast, served := answer(true, r)
		if !served {
			return false
		}
		slow, _ := answer(false, request(method, target))
		assert.Equal(t, slow.Code, fast.Code, "%s %s", method, target)
		assert.Equal(t, slow.Header(), fast.Header(), "%s %s", method, target)
		assert.Equal(t, slow.Body.String(), fast.Body.String(), "%s %s", method, target)
		return true
	}

	for _, c := range []struct{ method, target string }{
		{http.MethodPost, "/v1/payment_records/report_payment"},
		{http.MethodGet, recordsPath + rec.ID},
		{http.MethodGet, "/v1/payment_records/pr_missing"},
		{http.MethodGet, "/v1/payment_records/report_payment"},
		{http.MethodGet, recordsPath + rec.ID + "?expand[]=x"},
		{http.MethodGet, recordsPath + rec.ID + "?bogus=1"},
	} {
		assert.True(t, same(t, c.method, c.target), "route serves %s %s", c.method, c.target)
	}

	parts := []string{"/", "v1", "payment_records", "report_payment", rec.ID, "pr_missing", ".", "..", "",
		"%70" + rec.ID[1:], "a%2Fb", "a b", "%zz", "report_payment_attempt", "?", "?expand[]=x", "#x"}
	rapid.Check(t, func(t *rapid.T) {
		method := rapid.SampledFrom([]string{http.MethodGet, http.MethodGet, http.MethodPost, http.MethodPost,
			http.MethodHead, http.MethodPut}).Draw(t, "method")
		target := rapid.SampledFrom([]string{recordsPath, recordsPath, recordsPath, "/"}).Draw(t, "prefix")
		for _, p := range rapid.SliceOfN(rapid.SampledFrom(parts), 0, 3).Draw(t, "parts") {
			target += p + rapid.SampledFrom([]string{"", "", "", "/"}).Draw(t, "separator")
		}
		same(t, method, target)
	})
}
