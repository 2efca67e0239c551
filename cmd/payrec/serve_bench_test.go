package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/payrec/payrec/store"
)

// benchForm is the report_payment scripts/serve_bench.sh posts.
const benchForm = "amount_requested[currency]=usd&amount_requested[value]=1000&initiated_at=1730211363" +
	"&payment_method_details[custom][display_name]=newpay&customer_presence=on_session" +
	"&description=computer+software&metadata[order]=42"

// discardWriter is a ResponseWriter that keeps the status and drops the
// body, so that a benchmark measures the server's handler alone.
type discardWriter struct {
	h      http.Header
	status int
}

func (w *discardWriter) Header() http.Header  { return w.h }
func (w *discardWriter) WriteHeader(code int) { w.status = code }
func (w *discardWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return len(b), nil
}

// BenchmarkServeHandler: the server's handler on the calls of
// scripts/serve_bench.sh, with the memory store and without the network,
// beside a handler that only reads the body and writes a fixed answer
// (what net/http asks of any handler), in the same run.
//
//	go test -run '^$' -bench BenchmarkServeHandler -benchmem ./cmd/payrec
func BenchmarkServeHandler(b *testing.B) {
	ctx := context.Background()
	st, err := store.Open(ctx, "memory")
	require.NoError(b, err)
	defer st.Close()
	keys, err := newKeyring([]string{"sk_test_bench"})
	require.NoError(b, err)
	srv := newServer(st, keys, time.Now, slog.New(slog.NewTextHandler(io.Discard, nil)))
	request := func(method, target, body string, key int) *http.Request {
		r, err := http.NewRequestWithContext(ctx, method, target, strings.NewReader(body))
		require.NoError(b, err)
		r.Header.Set("Authorization", "Bearer sk_test_bench")
		if body != "" {
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			r.Header.Set("Idempotency-Key", "bench-"+strconv.Itoa(key))
		}
		return r
	}
	serve := func(b *testing.B, h http.Handler, r *http.Request) {
		w := &discardWriter{h: http.Header{}}
		h.ServeHTTP(w, r)
		if w.status != http.StatusOK {
			b.Fatalf("status %d", w.status)
		}
	}
	b.Run("post", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			i++
			serve(b, srv, request(http.MethodPost, "/v1/payment_records/report_payment", benchForm, i))
		}
	})
	serve(b, srv, request(http.MethodPost, "/v1/payment_records/report_payment", benchForm, 0)) // the record GET reads
	rec, err := st.List(ctx, store.ListQuery{Limit: 1})
	require.NoError(b, err)
	require.NotEmpty(b, rec.Records)
	b.Run("get", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			serve(b, srv, request(http.MethodGet, "/v1/payment_records/"+rec.Records[0].ID(), "", 0))
		}
	})
	b.Run("baseline-read-and-answer", func(b *testing.B) {
		h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.ReadAll(r.Body)
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"object":"payment_record"}`))
		})
		b.ReportAllocs()
		for b.Loop() {
			serve(b, h, request(http.MethodPost, "/v1/payment_records/report_payment", benchForm, 0))
		}
	})
}
