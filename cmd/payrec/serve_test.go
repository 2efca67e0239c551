package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	stripe "github.com/stripe/stripe-go/v86"

	"github.com/payrec/payrec/internal/pgenv"
	"github.com/payrec/payrec/internal/wire"
	"github.com/payrec/payrec/store"
)

// The tests of payrec serve start the server in process on a random loopback
// port and drive it with Stripe's own Go client, as a user would, against
// each store: memory, SQLite, and PostgreSQL when PAYREC_TEST_POSTGRES names
// a server.

const (
	testKey = "sk_test_payrecserve"
	liveKey = "sk_live_payrecserve"
)

// testClock is the server's clock, set by the test.
type testClock struct{ unix atomic.Int64 }

func (c *testClock) now() time.Time { return time.Unix(c.unix.Load(), 0) }
func (c *testClock) set(unix int64) { c.unix.Store(unix) }

// syncBuffer is a log sink the server and the test share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// testServer is a running server.
type testServer struct {
	url   string
	clock *testClock
	logs  *syncBuffer
	st    *store.Store
}

// storeDSNs are the stores each end-to-end test runs against.
func storeDSNs(t *testing.T) map[string]func(t *testing.T) *store.Store {
	t.Helper()
	m := map[string]func(t *testing.T) *store.Store{
		"memory": func(t *testing.T) *store.Store { return openStore(t, "memory") },
		"sqlite": func(t *testing.T) *store.Store {
			return openStore(t, "sqlite:"+filepath.Join(t.TempDir(), "payrec.db"))
		},
	}
	if pg := pgenv.URL(); pg != "" {
		m["postgres"] = func(t *testing.T) *store.Store { return openStore(t, pg, store.WithSchema(testSchema(t))) }
	}
	return m
}

// eachStore runs fn as a subtest against each store.
func eachStore(t *testing.T, fn func(t *testing.T, ts *testServer)) {
	for name, open := range storeDSNs(t) {
		t.Run(name, func(t *testing.T) {
			fn(t, startServer(t, open(t)))
		})
	}
}

// testSchema names a PostgreSQL schema of the test's own, which the store
// creates and the test drops when it ends (after the stores and processes
// using it, which close in cleanups registered later, so run earlier).
func testSchema(t *testing.T) string {
	t.Helper()
	schema := strings.ToLower("serve_" + wire.NewID("")[14:])
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, pgenv.URL())
		if err != nil {
			t.Errorf("dropping schema %s: %v", schema, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP SCHEMA IF EXISTS "+pgx.Identifier{schema}.Sanitize()+" CASCADE"); err != nil {
			t.Errorf("dropping schema %s: %v", schema, err)
		}
	})
	return schema
}

func openStore(t *testing.T, dsn string, opts ...store.Option) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), dsn, opts...)
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	return st
}

// startServer serves st on a random loopback port, accepting testKey and
// liveKey, until the test ends.
func startServer(t *testing.T, st *store.Store) *testServer {
	t.Helper()
	keys, err := newKeyring([]string{testKey, liveKey})
	require.NoError(t, err)
	ts := &testServer{clock: &testClock{}, logs: &syncBuffer{}, st: st}
	ts.clock.set(1730211363)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	srv := &http.Server{
		Handler:           newServer(st, keys, ts.clock.now, slog.New(slog.NewTextHandler(ts.logs, nil))),
		ReadHeaderTimeout: readHeaderTimeout,
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	ts.url = "http://" + ln.Addr().String()
	return ts
}

// client returns a stripe-go client of the server with key, which does not
// retry: every answer the test sees is the server's first.
func (ts *testServer) client(key string) *stripe.Client {
	return stripe.NewClient(key, stripe.WithBackends(stripe.NewBackendsWithConfig(&stripe.BackendConfig{
		URL:               stripe.String(ts.url),
		MaxNetworkRetries: stripe.Int64(0),
		LeveledLogger:     &stripe.LeveledLogger{Level: stripe.LevelNull},
	})))
}

// canonicalPayment is report_payment of Stripe's canonical example
// (testdata/stripe/examples): $10.00 from newpay.
func canonicalPayment() *stripe.PaymentRecordReportPaymentParams {
	return &stripe.PaymentRecordReportPaymentParams{
		AmountRequested: &stripe.PaymentRecordReportPaymentAmountRequestedParams{
			Currency: stripe.String("usd"), Value: stripe.Int64(1000)},
		InitiatedAt:      stripe.Int64(1730211363),
		CustomerPresence: stripe.String("on_session"),
		Description:      stripe.String("computer software"),
		PaymentMethodDetails: &stripe.PaymentRecordReportPaymentPaymentMethodDetailsParams{
			Custom: &stripe.PaymentRecordReportPaymentPaymentMethodDetailsCustomParams{
				DisplayName: stripe.String("newpay"), Type: stripe.String("cpmt_125kjj3hn3sdf")},
			PaymentMethod: stripe.String("pm_5j23kjksibjlks"),
			Type:          stripe.String("custom"),
		},
		ProcessorDetails: &stripe.PaymentRecordReportPaymentProcessorDetailsParams{
			Type:   stripe.String("custom"),
			Custom: &stripe.PaymentRecordReportPaymentProcessorDetailsCustomParams{PaymentReference: stripe.String("npp2358872734k")},
		},
	}
}

// guaranteedPayment reports a $10.00 payment guaranteed at once.
func guaranteedPayment() *stripe.PaymentRecordReportPaymentParams {
	p := canonicalPayment()
	p.Outcome = stripe.String("guaranteed")
	p.Guaranteed = &stripe.PaymentRecordReportPaymentGuaranteedParams{GuaranteedAt: stripe.Int64(1730211400)}
	return p
}

func refund(value int64, ref string) *stripe.PaymentRecordReportRefundParams {
	p := &stripe.PaymentRecordReportRefundParams{
		Outcome: stripe.String("refunded"),
		ProcessorDetails: &stripe.PaymentRecordReportRefundProcessorDetailsParams{
			Type:   stripe.String("custom"),
			Custom: &stripe.PaymentRecordReportRefundProcessorDetailsCustomParams{RefundReference: stripe.String(ref)},
		},
		Refunded: &stripe.PaymentRecordReportRefundRefundedParams{RefundedAt: stripe.Int64(1730300000)},
	}
	if value > 0 {
		p.Amount = &stripe.PaymentRecordReportRefundAmountParams{Currency: stripe.String("usd"), Value: stripe.Int64(value)}
	}
	return p
}

// rawJSON is the body of the response that gave r.
func rawJSON(t *testing.T, r *stripe.APIResponse) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(r.RawJSON, &m))
	return m
}

// stripeErr asserts that err is Stripe's error with these fields.
func stripeErr(t *testing.T, err error, status int, typ stripe.ErrorType, code stripe.ErrorCode, param string) *stripe.Error {
	t.Helper()
	var se *stripe.Error
	require.ErrorAs(t, err, &se, "want a *stripe.Error, got %v", err)
	assert.Equal(t, status, se.HTTPStatusCode, "status of %v", se)
	assert.Equal(t, typ, se.Type, "type of %v", se)
	assert.Equal(t, code, se.Code, "code of %v", se)
	assert.Equal(t, param, se.Param, "param of %v", se)
	assert.NotEmpty(t, se.Msg)
	assert.True(t, strings.HasPrefix(se.RequestID, "req_"), "request id %q", se.RequestID)
	return se
}

func TestServeLifecycle(t *testing.T) {
	eachStore(t, func(t *testing.T, ts *testServer) {
		ctx := context.Background()
		sc := ts.client(liveKey) // the canonical example is a live-mode record
		pr, err := sc.V1PaymentRecords.ReportPayment(ctx, canonicalPayment())
		require.NoError(t, err)
		assert.True(t, strings.HasPrefix(pr.ID, "pr_"), pr.ID)
		assert.True(t, pr.Livemode)
		firstAttempt := pr.LatestPaymentAttemptRecord
		assert.True(t, strings.HasPrefix(firstAttempt, "par_"), firstAttempt)

		// The canonical example: the attempt fails. The answer holds every
		// key and value of Stripe's example response, but the server's IDs.
		ts.clock.set(1730253453)
		pr, err = sc.V1PaymentRecords.ReportPaymentAttemptFailed(ctx, pr.ID,
			&stripe.PaymentRecordReportPaymentAttemptFailedParams{FailedAt: stripe.Int64(1730253453)})
		require.NoError(t, err)
		raw, err := os.ReadFile(filepath.Join("..", "..", "testdata", "stripe", "examples", "report_payment_attempt_failed.response.json"))
		require.NoError(t, err)
		var want map[string]any
		require.NoError(t, json.Unmarshal(raw, &want))
		want["id"], want["latest_payment_attempt_record"] = pr.ID, firstAttempt
		got := rawJSON(t, pr.LastResponse)
		for k, v := range want {
			assert.Equal(t, v, got[k], "member %s", k)
		}
		assert.Equal(t, int64(1000), pr.AmountFailed.Value)

		// Retrieve gives the same object.
		again, err := sc.V1PaymentRecords.Retrieve(ctx, pr.ID, nil)
		require.NoError(t, err)
		assert.Equal(t, got, rawJSON(t, again.LastResponse))

		// A retry that is guaranteed, then two refunds.
		ts.clock.set(1730260000)
		pr, err = sc.V1PaymentRecords.ReportPaymentAttempt(ctx, pr.ID, &stripe.PaymentRecordReportPaymentAttemptParams{
			InitiatedAt: stripe.Int64(1730260000),
			PaymentMethodDetails: &stripe.PaymentRecordReportPaymentAttemptPaymentMethodDetailsParams{
				Custom: &stripe.PaymentRecordReportPaymentAttemptPaymentMethodDetailsCustomParams{DisplayName: stripe.String("newpay")}},
		})
		require.NoError(t, err)
		retry := pr.LatestPaymentAttemptRecord
		assert.NotEqual(t, firstAttempt, retry)
		assert.Equal(t, int64(0), pr.AmountFailed.Value, "the record shows its latest attempt")
		pr, err = sc.V1PaymentRecords.ReportPaymentAttemptGuaranteed(ctx, pr.ID,
			&stripe.PaymentRecordReportPaymentAttemptGuaranteedParams{GuaranteedAt: stripe.Int64(1730260100)})
		require.NoError(t, err)
		assert.Equal(t, int64(1000), pr.AmountGuaranteed.Value)
		pr, err = sc.V1PaymentRecords.ReportRefund(ctx, pr.ID, refund(300, "re_1"))
		require.NoError(t, err)
		assert.Equal(t, int64(300), pr.AmountRefunded.Value)
		assert.Equal(t, int64(700), pr.AmountGuaranteed.Value)
		pr, err = sc.V1PaymentRecords.ReportRefund(ctx, pr.ID, refund(0, "re_2")) // the rest
		require.NoError(t, err)
		assert.Equal(t, int64(1000), pr.AmountRefunded.Value)
		assert.Equal(t, int64(0), pr.AmountGuaranteed.Value)
		before := rawJSON(t, pr.LastResponse)

		// The late failure of the guaranteed attempt is refused and changes nothing.
		_, err = sc.V1PaymentRecords.ReportPaymentAttemptFailed(ctx, pr.ID,
			&stripe.PaymentRecordReportPaymentAttemptFailedParams{FailedAt: stripe.Int64(1730270000)})
		stripeErr(t, err, http.StatusBadRequest, stripe.ErrorTypeInvalidRequest, "", "")
		after, err := sc.V1PaymentRecords.Retrieve(ctx, pr.ID, nil)
		require.NoError(t, err)
		assert.Equal(t, before, rawJSON(t, after.LastResponse))

		// The attempts: newest first, each retrievable.
		var ids []string
		for a, err := range sc.V1PaymentAttemptRecords.List(ctx, &stripe.PaymentAttemptRecordListParams{PaymentRecord: stripe.String(pr.ID)}).All(ctx) {
			require.NoError(t, err)
			assert.Equal(t, pr.ID, a.PaymentRecord)
			ids = append(ids, a.ID)
		}
		assert.Equal(t, []string{retry, firstAttempt}, ids)
		a, err := sc.V1PaymentAttemptRecords.Retrieve(ctx, firstAttempt, nil)
		require.NoError(t, err)
		assert.Equal(t, int64(1000), a.AmountFailed.Value)
		assert.Equal(t, "payment_attempt_record", rawJSON(t, a.LastResponse)["object"])

		// The test-mode key sees none of it.
		_, err = ts.client(testKey).V1PaymentRecords.Retrieve(ctx, pr.ID, nil)
		stripeErr(t, err, http.StatusNotFound, stripe.ErrorTypeInvalidRequest, stripe.ErrorCodeResourceMissing, "id")
		_, err = ts.client(testKey).V1PaymentAttemptRecords.Retrieve(ctx, firstAttempt, nil)
		stripeErr(t, err, http.StatusNotFound, stripe.ErrorTypeInvalidRequest, stripe.ErrorCodeResourceMissing, "id")
		_, err = ts.client(testKey).V1PaymentRecords.ReportPaymentAttemptInformational(ctx, pr.ID,
			&stripe.PaymentRecordReportPaymentAttemptInformationalParams{Description: stripe.String("x")})
		stripeErr(t, err, http.StatusNotFound, stripe.ErrorTypeInvalidRequest, stripe.ErrorCodeResourceMissing, "id")
		for r, err := range ts.client(testKey).V1PaymentRecords.List(ctx, nil).All(ctx) {
			require.NoError(t, err)
			t.Errorf("a test key lists live record %s", r.ID)
		}
	})
}

func TestServeErrors(t *testing.T) {
	eachStore(t, func(t *testing.T, ts *testServer) {
		ctx := context.Background()
		sc := ts.client(testKey)
		pr, err := sc.V1PaymentRecords.ReportPayment(ctx, canonicalPayment())
		require.NoError(t, err)

		noAmount := canonicalPayment()
		noAmount.AmountRequested = nil
		badCurrency := canonicalPayment()
		badCurrency.AmountRequested.Currency = stripe.String("xyz")
		tests := []struct {
			name   string
			call   func() error
			status int
			typ    stripe.ErrorType
			code   stripe.ErrorCode
			param  string
		}{
			{"unknown record", func() error {
				_, err := sc.V1PaymentRecords.Retrieve(ctx, "pr_nosuch", nil)
				return err
			}, 404, stripe.ErrorTypeInvalidRequest, stripe.ErrorCodeResourceMissing, "id"},
			{"report on an unknown record", func() error {
				_, err := sc.V1PaymentRecords.ReportPaymentAttemptCanceled(ctx, "pr_nosuch",
					&stripe.PaymentRecordReportPaymentAttemptCanceledParams{CanceledAt: stripe.Int64(1730211400)})
				return err
			}, 404, stripe.ErrorTypeInvalidRequest, stripe.ErrorCodeResourceMissing, "id"},
			{"unknown attempt", func() error {
				_, err := sc.V1PaymentAttemptRecords.Retrieve(ctx, "par_nosuch", nil)
				return err
			}, 404, stripe.ErrorTypeInvalidRequest, stripe.ErrorCodeResourceMissing, "id"},
			{"missing amount_requested", func() error {
				_, err := sc.V1PaymentRecords.ReportPayment(ctx, noAmount)
				return err
			}, 400, stripe.ErrorTypeInvalidRequest, stripe.ErrorCodeParameterMissing, "amount_requested"},
			{"unknown currency", func() error {
				_, err := sc.V1PaymentRecords.ReportPayment(ctx, badCurrency)
				return err
			}, 400, stripe.ErrorTypeInvalidRequest, "", "amount_requested[currency]"},
			{"unknown parameter", func() error {
				p := &stripe.PaymentRecordReportPaymentAttemptCanceledParams{CanceledAt: stripe.Int64(1730211400)}
				p.AddExtra("color", "blue")
				_, err := sc.V1PaymentRecords.ReportPaymentAttemptCanceled(ctx, pr.ID, p)
				return err
			}, 400, stripe.ErrorTypeInvalidRequest, stripe.ErrorCodeParameterUnknown, "color"},
			{"a server-assigned parameter", func() error {
				p := canonicalPayment()
				p.AddExtra("id", "pr_mine")
				_, err := sc.V1PaymentRecords.ReportPayment(ctx, p)
				return err
			}, 400, stripe.ErrorTypeInvalidRequest, stripe.ErrorCodeParameterUnknown, "id"},
			{"refund without guaranteed funds", func() error {
				_, err := sc.V1PaymentRecords.ReportRefund(ctx, pr.ID, refund(100, "re_x"))
				return err
			}, 400, stripe.ErrorTypeInvalidRequest, "", ""},
			{"failure before the attempt began", func() error {
				_, err := sc.V1PaymentRecords.ReportPaymentAttemptFailed(ctx, pr.ID,
					&stripe.PaymentRecordReportPaymentAttemptFailedParams{FailedAt: stripe.Int64(1730211000)})
				return err
			}, 400, stripe.ErrorTypeInvalidRequest, "", "failed_at"},
			{"limit above 100", func() error {
				return sc.V1PaymentRecords.List(ctx, &stripe.PaymentRecordListParams{
					ListParams: stripe.ListParams{Limit: stripe.Int64(101)}}).Err()
			}, 400, stripe.ErrorTypeInvalidRequest, stripe.ErrorCodeParameterInvalidInteger, "limit"},
			{"unknown cursor", func() error {
				return sc.V1PaymentRecords.List(ctx, &stripe.PaymentRecordListParams{
					ListParams: stripe.ListParams{StartingAfter: stripe.String("pr_nosuch")}}).Err()
			}, 400, stripe.ErrorTypeInvalidRequest, stripe.ErrorCodeResourceMissing, "starting_after"},
			{"attempt list without its record", func() error {
				return sc.V1PaymentAttemptRecords.List(ctx, &stripe.PaymentAttemptRecordListParams{}).Err()
			}, 400, stripe.ErrorTypeInvalidRequest, stripe.ErrorCodeParameterMissing, "payment_record"},
			{"wrong key", func() error {
				_, err := ts.client("sk_test_wrong").V1PaymentRecords.Retrieve(ctx, pr.ID, nil)
				return err
			}, 401, stripe.ErrorTypeInvalidRequest, "", ""},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				stripeErr(t, tc.call(), tc.status, tc.typ, tc.code, tc.param)
			})
		}
		// None of it changed the record.
		after, err := sc.V1PaymentRecords.Retrieve(ctx, pr.ID, nil)
		require.NoError(t, err)
		assert.Equal(t, rawJSON(t, pr.LastResponse), rawJSON(t, after.LastResponse))
	})
}

// httpCall sends a raw request and returns the status, headers and body.
func (ts *testServer) httpCall(t *testing.T, method, path, contentType, body string, header ...string) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequest(method, ts.url+path, strings.NewReader(body))
	require.NoError(t, err)
	req.SetBasicAuth(testKey, "")
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, resp.Header, string(b)
}

// envelope decodes Stripe's error envelope, failing when body is not one.
func envelope(t *testing.T, body string) map[string]string {
	t.Helper()
	var e struct {
		Error map[string]string `json:"error"`
	}
	require.NoError(t, json.Unmarshal([]byte(body), &e), "body %s", body)
	require.NotNil(t, e.Error, "no error envelope in %s", body)
	require.NotEmpty(t, e.Error["type"])
	require.NotEmpty(t, e.Error["message"])
	return e.Error
}

// TestServeHTTPErrors covers the answers stripe-go cannot provoke: each is
// Stripe's envelope with Stripe's status.
func TestServeHTTPErrors(t *testing.T) {
	ts := startServer(t, openStore(t, "memory"))
	form := "application/x-www-form-urlencoded"
	tests := []struct {
		name, method, path, ctype, body string
		header                          []string
		status                          int
		typ, code, param                string
	}{
		{"unknown URL", "GET", "/v1/charges", "", "", nil, 404, "invalid_request_error", "", ""},
		{"wrong method", "DELETE", "/v1/payment_records/pr_1", "", "", nil, 405, "invalid_request_error", "", ""},
		{"wrong method on a report", "GET", "/v1/payment_records/pr_1/report_refund", "", "", nil, 405, "invalid_request_error", "", ""},
		{"body over 1 MiB", "POST", "/v1/payment_records/report_payment", form, "description=" + strings.Repeat("x", maxBody), nil, 413, "invalid_request_error", "", ""},
		{"malformed JSON", "POST", "/v1/payment_records/report_payment", "application/json", `{"amount_requested":`, nil, 400, "invalid_request_error", "", ""},
		{"JSON that is not an object", "POST", "/v1/payment_records/report_payment", "application/json", `[1]`, nil, 400, "invalid_request_error", "", ""},
		{"malformed form key", "POST", "/v1/payment_records/report_payment", form, "metadata[a=1", nil, 400, "invalid_request_error", "", "metadata[a"},
		{"unsupported content type", "POST", "/v1/payment_records/report_payment", "text/plain", "x", nil, 400, "invalid_request_error", "", ""},
		{"unknown query parameter", "GET", "/v1/payment_records?color=blue", "", "", nil, 400, "invalid_request_error", "parameter_unknown", "color"},
		{"ending_before on attempts", "GET", "/v1/payment_attempt_records?payment_record=pr_1&ending_before=par_1", "", "", nil, 400, "invalid_request_error", "parameter_unknown", "ending_before"},
		{"both cursors", "GET", "/v1/payment_records?starting_after=a&ending_before=b", "", "", nil, 400, "invalid_request_error", "parameters_exclusive", "ending_before"},
		{"limit not an integer", "GET", "/v1/payment_records?limit=ten", "", "", nil, 400, "invalid_request_error", "parameter_invalid_integer", "limit"},
		{"limit zero", "GET", "/v1/payment_records?limit=0", "", "", nil, 400, "invalid_request_error", "parameter_invalid_integer", "limit"},
		{"idempotency key too long", "POST", "/v1/payment_records/pr_1/report_payment_attempt_failed", form, "failed_at=1", []string{"Idempotency-Key", strings.Repeat("k", 256)}, 400, "invalid_request_error", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, h, body := ts.httpCall(t, tc.method, tc.path, tc.ctype, tc.body, tc.header...)
			assert.Equal(t, tc.status, status, body)
			e := envelope(t, body)
			assert.Equal(t, tc.typ, e["type"])
			assert.Equal(t, tc.code, e["code"])
			assert.Equal(t, tc.param, e["param"])
			assert.Equal(t, "application/json", h.Get("Content-Type"))
			assert.True(t, strings.HasPrefix(h.Get("Request-Id"), "req_"))
		})
	}
	t.Run("no key", func(t *testing.T) {
		resp, err := http.Get(ts.url + "/v1/payment_records")
		require.NoError(t, err)
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		assert.Equal(t, 401, resp.StatusCode)
		envelope(t, string(b))
	})
}

// TestServeUnreadableBody: a body that cannot be read (malformed chunked
// encoding, or one cut short by the client) is the client's error: 400 with
// Stripe's envelope, never a 500 that Stripe's clients would retry.
func TestServeUnreadableBody(t *testing.T) {
	ts := startServer(t, openStore(t, "memory"))
	head := "POST /v1/payment_records/report_payment HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + testKey +
		"\r\nContent-Type: application/x-www-form-urlencoded\r\n"
	for name, req := range map[string]string{
		"malformed chunk length": head + "Transfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n",
		"body cut short":         head + "Content-Length: 100\r\n\r\ndescription=x",
	} {
		t.Run(name, func(t *testing.T) {
			conn, err := net.Dial("tcp", strings.TrimPrefix(ts.url, "http://"))
			require.NoError(t, err)
			defer conn.Close()
			_, err = io.WriteString(conn, req)
			require.NoError(t, err)
			require.NoError(t, conn.(*net.TCPConn).CloseWrite()) // the client sends nothing more
			resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
			require.NoError(t, err)
			defer resp.Body.Close()
			b, err := io.ReadAll(resp.Body)
			require.NoError(t, err)
			assert.Equal(t, 400, resp.StatusCode, string(b))
			e := envelope(t, string(b))
			assert.Equal(t, "invalid_request_error", e["type"])
			assert.NotContains(t, e["message"], "chunk", "no Go error text reaches the client")
			assert.Equal(t, "false", resp.Header.Get("Stripe-Should-Retry"))
		})
	}
	assert.NotContains(t, ts.logs.String(), "internal error")
}

// TestServeFormAndJSONAlike sends the same requests as forms and as JSON
// bodies: the answers are equal, error params included.
func TestServeFormAndJSONAlike(t *testing.T) {
	ts := startServer(t, openStore(t, "memory"))
	tests := []struct{ name, form, json string }{
		{"accepted", "amount_requested[currency]=usd&amount_requested[value]=1000&initiated_at=1730211363&payment_method_details[custom][display_name]=newpay&metadata[order]=42",
			`{"amount_requested":{"currency":"usd","value":1000},"initiated_at":1730211363,"payment_method_details":{"custom":{"display_name":"newpay"}},"metadata":{"order":"42"}}`},
		{"unknown nested", "amount_requested[currency]=usd&amount_requested[value]=1000&amount_requested[x]=1",
			`{"amount_requested":{"currency":"usd","value":1000,"x":"1"}}`},
		{"bad value", "amount_requested[currency]=usd&amount_requested[value]=1.5",
			`{"amount_requested":{"currency":"usd","value":1.5}}`},
		{"negative value", "amount_requested[currency]=usd&amount_requested[value]=-5&initiated_at=1730211363&payment_method_details[custom][display_name]=newpay",
			`{"amount_requested":{"currency":"usd","value":-5},"initiated_at":1730211363,"payment_method_details":{"custom":{"display_name":"newpay"}}}`},
		{"missing", "initiated_at=1730211363", `{"initiated_at":1730211363}`},
		{"text not UTF-8", "amount_requested[currency]=usd&amount_requested[value]=1000&initiated_at=1730211363&payment_method_details[custom][display_name]=newpay&description=%ff",
			"{\"amount_requested\":{\"currency\":\"usd\",\"value\":1000},\"initiated_at\":1730211363,\"payment_method_details\":{\"custom\":{\"display_name\":\"newpay\"}},\"description\":\"\xff\"}"},
		{"metadata key not UTF-8", "amount_requested[currency]=usd&amount_requested[value]=1000&initiated_at=1730211363&payment_method_details[custom][display_name]=newpay&metadata[%fe]=1",
			"{\"amount_requested\":{\"currency\":\"usd\",\"value\":1000},\"initiated_at\":1730211363,\"payment_method_details\":{\"custom\":{\"display_name\":\"newpay\"}},\"metadata\":{\"\xfe\":\"1\"}}"},
	}
	// IDs differ between two created records; nothing else may.
	scrub := func(body string) string {
		var m map[string]any
		require.NoError(t, json.Unmarshal([]byte(body), &m))
		if _, ok := m["id"]; ok {
			m["id"], m["latest_payment_attempt_record"] = "pr_", "par_"
		}
		b, _ := json.Marshal(m)
		return string(b)
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s1, _, b1 := ts.httpCall(t, "POST", "/v1/payment_records/report_payment", "application/x-www-form-urlencoded", tc.form)
			s2, _, b2 := ts.httpCall(t, "POST", "/v1/payment_records/report_payment", "application/json", tc.json)
			assert.Equal(t, s1, s2)
			assert.Equal(t, scrub(b1), scrub(b2))
		})
	}
}

func TestServePagination(t *testing.T) {
	eachStore(t, func(t *testing.T, ts *testServer) {
		ctx := context.Background()
		sc := ts.client(testKey)
		var made []string // oldest first
		for i := range 5 {
			ts.clock.set(1730211363 + int64(i)*60)
			pr, err := sc.V1PaymentRecords.ReportPayment(ctx, canonicalPayment())
			require.NoError(t, err)
			made = append(made, pr.ID)
		}
		// A live record is not in the test key's list.
		_, err := ts.client(liveKey).V1PaymentRecords.ReportPayment(ctx, canonicalPayment())
		require.NoError(t, err)

		// Forward with limit=1: newest first, one request a record.
		list := sc.V1PaymentRecords.List(ctx, &stripe.PaymentRecordListParams{ListParams: stripe.ListParams{Limit: stripe.Int64(1)}})
		var forward []string
		for r, err := range list.All(ctx) {
			require.NoError(t, err)
			forward = append(forward, r.ID)
		}
		assert.Equal(t, []string{made[4], made[3], made[2], made[1], made[0]}, forward)

		// Backward from the oldest with limit=1: each newer one in turn.
		list = sc.V1PaymentRecords.List(ctx, &stripe.PaymentRecordListParams{ListParams: stripe.ListParams{
			Limit: stripe.Int64(1), EndingBefore: stripe.String(made[0])}})
		var backward []string
		for r, err := range list.All(ctx) {
			require.NoError(t, err)
			backward = append(backward, r.ID)
		}
		assert.Equal(t, []string{made[1], made[2], made[3], made[4]}, backward)

		// A page says whether there is more, and where it came from.
		status, _, body := ts.httpCall(t, "GET", "/v1/payment_records?limit=2", "", "")
		require.Equal(t, 200, status, body)
		var page struct {
			Object  string            `json:"object"`
			URL     string            `json:"url"`
			HasMore bool              `json:"has_more"`
			Data    []json.RawMessage `json:"data"`
		}
		require.NoError(t, json.Unmarshal([]byte(body), &page))
		assert.Equal(t, "list", page.Object)
		assert.Equal(t, "/v1/payment_records", page.URL)
		assert.True(t, page.HasMore)
		assert.Len(t, page.Data, 2)

		// Created bounds are exclusive.
		var bounded []string
		for r, err := range sc.V1PaymentRecords.List(ctx, &stripe.PaymentRecordListParams{
			CreatedAfter: stripe.Int64(1730211363 + 60), CreatedBefore: stripe.Int64(1730211363 + 240)}).All(ctx) {
			require.NoError(t, err)
			bounded = append(bounded, r.ID)
		}
		assert.Equal(t, []string{made[3], made[2]}, bounded)
	})
}

func TestServeIdempotency(t *testing.T) {
	eachStore(t, func(t *testing.T, ts *testServer) {
		ctx := context.Background()
		sc := ts.client(testKey)
		p := canonicalPayment()
		p.SetIdempotencyKey("order-42")
		first, err := sc.V1PaymentRecords.ReportPayment(ctx, p)
		require.NoError(t, err)
		assert.Empty(t, first.LastResponse.Header.Get("Idempotent-Replayed"))

		// The same request again, later: the first answer, byte for byte.
		ts.clock.set(1730211999)
		p = canonicalPayment()
		p.SetIdempotencyKey("order-42")
		second, err := sc.V1PaymentRecords.ReportPayment(ctx, p)
		require.NoError(t, err)
		assert.Equal(t, "true", second.LastResponse.Header.Get("Idempotent-Replayed"))
		assert.Equal(t, string(first.LastResponse.RawJSON), string(second.LastResponse.RawJSON))
		n := 0
		for _, err := range sc.V1PaymentRecords.List(ctx, nil).All(ctx) {
			require.NoError(t, err)
			n++
		}
		assert.Equal(t, 1, n, "a replay creates nothing")

		// The same key with other parameters.
		p = canonicalPayment()
		p.Description = stripe.String("something else")
		p.SetIdempotencyKey("order-42")
		_, err = sc.V1PaymentRecords.ReportPayment(ctx, p)
		se := stripeErr(t, err, 400, stripe.ErrorTypeIdempotency, "", "")
		assert.Contains(t, se.Msg, "'order-42'", "the message names the key as sent")

		// The key of a test request means nothing to a live key.
		p = canonicalPayment()
		p.SetIdempotencyKey("order-42")
		live, err := ts.client(liveKey).V1PaymentRecords.ReportPayment(ctx, p)
		require.NoError(t, err)
		assert.NotEqual(t, first.ID, live.ID)
		assert.Empty(t, live.LastResponse.Header.Get("Idempotent-Replayed"))

		// A rejected request replays as the same rejection.
		fail := &stripe.PaymentRecordReportPaymentAttemptFailedParams{FailedAt: stripe.Int64(1730211000)}
		fail.SetIdempotencyKey("too-early")
		_, err1 := sc.V1PaymentRecords.ReportPaymentAttemptGuaranteed(ctx, first.ID,
			&stripe.PaymentRecordReportPaymentAttemptGuaranteedParams{GuaranteedAt: stripe.Int64(1730211400)})
		require.NoError(t, err1)
		fail.FailedAt = stripe.Int64(1730211500)
		_, err1 = sc.V1PaymentRecords.ReportPaymentAttemptFailed(ctx, first.ID, fail)
		se1 := stripeErr(t, err1, 400, stripe.ErrorTypeInvalidRequest, "", "")
		fail2 := &stripe.PaymentRecordReportPaymentAttemptFailedParams{FailedAt: stripe.Int64(1730211500)}
		fail2.SetIdempotencyKey("too-early")
		_, err2 := sc.V1PaymentRecords.ReportPaymentAttemptFailed(ctx, first.ID, fail2)
		se2 := stripeErr(t, err2, 400, stripe.ErrorTypeInvalidRequest, "", "")
		assert.Equal(t, se1.Msg, se2.Msg)
		assert.Equal(t, "true", se2.LastResponse.Header.Get("Idempotent-Replayed"))
	})
}

func TestServeUnsetMetadata(t *testing.T) {
	eachStore(t, func(t *testing.T, ts *testServer) {
		ctx := context.Background()
		sc := ts.client(testKey)
		p := canonicalPayment()
		p.Metadata = map[string]string{"order": "42", "cart": "7", "coupon": "FALL"}
		pr, err := sc.V1PaymentRecords.ReportPayment(ctx, p)
		require.NoError(t, err)
		assert.Equal(t, map[string]string{"order": "42", "cart": "7", "coupon": "FALL"}, pr.Metadata)

		// metadata[cart]= removes one key.
		pr, err = sc.V1PaymentRecords.ReportPaymentAttemptInformational(ctx, pr.ID,
			&stripe.PaymentRecordReportPaymentAttemptInformationalParams{Metadata: map[string]string{"cart": ""}})
		require.NoError(t, err)
		assert.Equal(t, map[string]string{"order": "42", "coupon": "FALL"}, pr.Metadata)

		// metadata= (stripe-go's AddUnsetField) clears every key; description= clears it.
		info := &stripe.PaymentRecordReportPaymentAttemptInformationalParams{}
		info.AddUnsetField(stripe.PaymentRecordReportPaymentAttemptInformationalParamsUnsetFieldMetadata)
		info.AddUnsetField(stripe.PaymentRecordReportPaymentAttemptInformationalParamsUnsetFieldDescription)
		pr, err = sc.V1PaymentRecords.ReportPaymentAttemptInformational(ctx, pr.ID, info)
		require.NoError(t, err)
		assert.Empty(t, pr.Metadata)
		m := rawJSON(t, pr.LastResponse)
		assert.Equal(t, map[string]any{}, m["metadata"], "metadata is {} when empty")
		assert.Nil(t, m["description"])
	})
}

// raceRefunds has clients goroutines each refund $1.00 of the $10.00
// record id through the client pick gives it, after calling also, when
// given, with that client: exactly ten refunds succeed and the others are
// refused with a 400.
func raceRefunds(t *testing.T, clients int, id string, pick func(i int) *stripe.Client, also func(i int, sc *stripe.Client)) {
	t.Helper()
	ctx := context.Background()
	var ok, refused atomic.Int32
	var wg sync.WaitGroup
	for i := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sc := pick(i)
			if also != nil {
				also(i, sc)
			}
			_, err := sc.V1PaymentRecords.ReportRefund(ctx, id, refund(100, fmt.Sprintf("re_%d", i)))
			var se *stripe.Error
			switch {
			case err == nil:
				ok.Add(1)
			case errors.As(err, &se) && se.HTTPStatusCode == 400:
				refused.Add(1)
			default:
				t.Errorf("client %d: refund: %v", i, err)
			}
		}()
	}
	wg.Wait()
	assert.Equal(t, int32(10), ok.Load(), "refunds accepted")
	assert.Equal(t, int32(clients-10), refused.Load(), "refunds refused")
}

// TestServeConcurrentRefunds races 16 clients, each refunding $1.00 of a
// $10.00 payment: exactly ten succeed, the others are refused, and the
// record shows $10.00 refunded, never more.
func TestServeConcurrentRefunds(t *testing.T) {
	eachStore(t, func(t *testing.T, ts *testServer) {
		ctx := context.Background()
		pr, err := ts.client(testKey).V1PaymentRecords.ReportPayment(ctx, guaranteedPayment())
		require.NoError(t, err)
		raceRefunds(t, 16, pr.ID, func(int) *stripe.Client {
			return ts.client(testKey) // a client, and a connection, each
		}, nil)
		got, err := ts.client(testKey).V1PaymentRecords.Retrieve(ctx, pr.ID, nil)
		require.NoError(t, err)
		assert.Equal(t, int64(1000), got.AmountRefunded.Value)
		assert.Equal(t, int64(0), got.AmountGuaranteed.Value)
	})
}

// TestServeAuth: Bearer and Basic carry the key; the key's mode is the
// record's livemode; each response's Request-Id is in the log line of that
// request.
func TestServeAuth(t *testing.T) {
	ts := startServer(t, openStore(t, "memory"))
	body := "amount_requested[currency]=usd&amount_requested[value]=1000&initiated_at=1730211363&payment_method_details[custom][display_name]=newpay"
	for _, tc := range []struct {
		name, auth string
		live       bool
	}{
		{"bearer test", "Bearer " + testKey, false},
		{"bearer live", "Bearer " + liveKey, true},
		{"basic test, no password", "Basic " + basic(testKey+":"), false},
		{"basic live", "Basic " + basic(liveKey+":"), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, h, out := ts.httpCall(t, "POST", "/v1/payment_records/report_payment", "application/x-www-form-urlencoded", body, "Authorization", tc.auth)
			require.Equal(t, 200, status, out)
			var rec struct{ Livemode bool }
			require.NoError(t, json.Unmarshal([]byte(out), &rec))
			assert.Equal(t, tc.live, rec.Livemode)
			id := h.Get("Request-Id")
			assert.Contains(t, ts.logs.String(), "request_id="+id+" method=POST")
		})
	}
	for _, auth := range []string{"Bearer sk_test_other", "Bearer " + liveKey + "x", "Basic " + basic("sk_test_other:"), "Basic !!", "Token " + testKey, "Bearer"} {
		status, _, out := ts.httpCall(t, "GET", "/v1/payment_records", "", "", "Authorization", auth)
		assert.Equal(t, 401, status, "%s: %s", auth, out)
		envelope(t, out)
	}
}

func basic(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

func TestServeCommandLine(t *testing.T) {
	t.Setenv("PAYREC_API_KEYS", "")
	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantStderr string
	}{
		{"no keys on a non-loopback address", []string{"serve", "-addr", "0.0.0.0:0", "-store", "memory"}, exitFailure, "refusing to listen"},
		{"a key that is not a secret key", []string{"serve", "-addr", "127.0.0.1:0", "-store", "memory", "-api-key", "pk_test_123"}, exitFailure, "is not a secret key"},
		{"an unknown store", []string{"serve", "-addr", "127.0.0.1:0", "-store", "mysql://x"}, exitFailure, "opening store"},
		{"an argument", []string{"serve", "extra"}, exitFailure, `unexpected argument "extra"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := runCmd(t, "", tc.args...)
			assert.Equal(t, tc.wantCode, r.code)
			assert.Contains(t, r.stderr, tc.wantStderr)
		})
	}
	r := runCmd(t, "", "help", "serve")
	assert.Equal(t, exitOK, r.code)
	assert.Contains(t, r.stdout, "127.0.0.1:12111")
	assert.Contains(t, r.stdout, "sqlite:payrec.db")
}

// TestServeInternalError: a store that fails gives Stripe's api_error with
// status 500, the envelope a client can parse, and a log line with the
// cause for the operator, under the response's Request-Id.
func TestServeInternalError(t *testing.T) {
	st := openStore(t, "memory")
	ts := startServer(t, st)
	require.NoError(t, st.Close())
	status, h, body := ts.httpCall(t, "POST", "/v1/payment_records/report_payment", "application/x-www-form-urlencoded",
		"amount_requested[currency]=usd&amount_requested[value]=1000&initiated_at=1730211363&payment_method_details[custom][display_name]=newpay")
	assert.Equal(t, 500, status, body)
	e := envelope(t, body)
	assert.Equal(t, "api_error", e["type"])
	assert.NotContains(t, e["message"], "store:", "no Go error text reaches the client")
	assert.Contains(t, ts.logs.String(), "msg=\"internal error\" request_id="+h.Get("Request-Id"))
}

// TestServeIdempotencyRace sends one request with one key from 8 clients at
// once: one record is made, and every answer is that record (first or
// replayed) or 409 for the key in use, never a second record.
func TestServeIdempotencyRace(t *testing.T) {
	eachStore(t, func(t *testing.T, ts *testServer) {
		body := "amount_requested[currency]=usd&amount_requested[value]=1000&initiated_at=1730211363&payment_method_details[custom][display_name]=newpay"
		const clients = 8
		type answer struct {
			status   int
			replayed bool
			body     string
		}
		answers := make([]answer, clients)
		var wg sync.WaitGroup
		for i := range clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				status, h, out := ts.httpCall(t, "POST", "/v1/payment_records/report_payment",
					"application/x-www-form-urlencoded", body, "Idempotency-Key", "raced")
				answers[i] = answer{status, h.Get("Idempotent-Replayed") == "true", out}
			}()
		}
		wg.Wait()
		first, records, inUse := "", 0, 0
		for i, a := range answers {
			switch a.status {
			case 200:
				if !a.replayed {
					records++
				}
				if first == "" {
					first = a.body
				}
				assert.Equal(t, first, a.body, "answer %d", i)
			case 409:
				e := envelope(t, a.body)
				assert.Equal(t, "idempotency_key_in_use", e["code"])
				inUse++
			default:
				t.Errorf("answer %d: %d %s", i, a.status, a.body)
			}
		}
		assert.Equal(t, 1, records, "exactly one request made the record")
		t.Logf("%d of %d answers were 409 (key in use)", inUse, clients)
		n := 0
		for _, err := range ts.client(testKey).V1PaymentRecords.List(context.Background(), nil).All(context.Background()) {
			require.NoError(t, err)
			n++
		}
		assert.Equal(t, 1, n)
	})
}

// TestServeRedactsDSN: the secrets of a PostgreSQL URL (the user's password
// and the password and sslpassword parameters pgx reads) never reach the
// log, neither in the "listening" line nor in a failure to open the store.
func TestServeRedactsDSN(t *testing.T) {
	for dsn, want := range map[string]string{
		"memory":                "memory",
		"sqlite:/tmp/pay%zz.db": "sqlite:/tmp/pay%zz.db",
		"postgres://u:hunter2@h/db?sslmode=disable":           "postgres://u:xxxxx@h/db?sslmode=disable",
		"postgres://u@h/db?sslmode=disable&password=hunter2":  "postgres://u@h/db?sslmode=disable&password=xxxxx",
		"postgresql://h/db?sslpassword=hunter2&search_path=s": "postgresql://h/db?sslpassword=xxxxx&search_path=s",
		"postgres://h/db?pass%77ord=hunter2":                  "postgres://h/db?pass%77ord=xxxxx",
		"postgres://u:hun%zzter2@h/db":                        "postgres://xxxxx (not a valid URL)",
	} {
		got := redactDSN(dsn)
		assert.Equal(t, want, got, dsn)
		assert.NotContains(t, got, "hunter2")
	}

	// The store cannot be opened: pgx quotes a DSN it cannot parse, and
	// nothing listens on port 1.
	for _, dsn := range []string{
		"postgres://u:hunter2@127.0.0.1:1/db?sslmode=disable&password=s3cret&sslpassword=t0psecret",
		"postgres://u:hunter2@127.0.0.1:1/db?sslmode=bogus&password=s3cret&sslpassword=t0psecret",
		"postgres://u:hunter2@127.0.0.1:1/db?connect_timeout=x&password=s3cret",
		"postgres://u:hun%zzter2@127.0.0.1:1/db?password=s3cret",
		"postgre://u:hunter2@127.0.0.1:1/db?password=s3cret",
	} {
		r := runCmd(t, "", "serve", "-addr", "127.0.0.1:0", "-store", dsn)
		assert.Equal(t, exitFailure, r.code)
		assert.Contains(t, r.stderr, "opening store")
		for _, secret := range []string{"hunter2", "hun%zzter2", "s3cret", "t0psecret"} {
			assert.NotContains(t, r.stderr, secret, dsn)
		}
	}

	// The "listening" line, on a PostgreSQL server that ignores the password.
	pg := pgenv.URL()
	if pg == "" {
		return
	}
	schema := testSchema(t)
	dsn := withSearchPath(t, pg, schema) + "&password=s3cret&sslpassword=t0psecret"
	logs := &syncBuffer{}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		done <- serve(ctx, serveConfig{addr: "127.0.0.1:0", dsn: dsn, keys: []string{testKey}},
			slog.New(slog.NewTextHandler(logs, nil)))
	}()
	require.Eventually(t, func() bool { return strings.Contains(logs.String(), "msg=listening") }, 30*time.Second, 10*time.Millisecond)
	cancel()
	require.NoError(t, <-done)
	assert.Contains(t, logs.String(), "password=xxxxx")
	assert.NotContains(t, logs.String(), "s3cret")
	assert.NotContains(t, logs.String(), "t0psecret")
}

// TestServeDropsTestSchemas: the PostgreSQL schema a test makes is gone
// when the test ends, so test runs do not fill the shared database.
func TestServeDropsTestSchemas(t *testing.T) {
	pg := pgenv.URL()
	if pg == "" {
		t.Skip(pgenv.Skipped("cmd/payrec"))
	}
	var schema string
	t.Run("a test using a schema", func(t *testing.T) {
		schema = testSchema(t)
		openStore(t, pg, store.WithSchema(schema))
	})
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, pg)
	require.NoError(t, err)
	defer conn.Close(ctx)
	var n int
	require.NoError(t, conn.QueryRow(ctx, "SELECT count(*) FROM pg_namespace WHERE nspname = $1", schema).Scan(&n))
	assert.Zero(t, n, "schema %s is left behind", schema)
}

// TestServeClientGoneCancelsStoreWork: each request's context reaches the
// store, so a client that goes away ends the work it asked for. A second
// PostgreSQL session locks the store's tables, so that the store's queries
// wait; the client then hangs up, and the store call ends with
// context.Canceled (logged as status 499) while the lock is still held.
func TestServeClientGoneCancelsStoreWork(t *testing.T) {
	pg := pgenv.URL()
	if pg == "" {
		t.Skip(pgenv.Skipped("cmd/payrec"))
	}
	ctx := context.Background()
	schema := testSchema(t)
	ts := startServer(t, openStore(t, pg, store.WithSchema(schema)))
	pr, err := ts.client(testKey).V1PaymentRecords.ReportPayment(ctx, guaranteedPayment())
	require.NoError(t, err)

	locker, err := pgx.Connect(ctx, pg)
	require.NoError(t, err)
	defer locker.Close(ctx)
	tables := []string{}
	for _, tbl := range []string{"records", "reports", "attempts"} {
		tables = append(tables, pgx.Identifier{schema, tbl}.Sanitize())
	}
	tx, err := locker.Begin(ctx)
	require.NoError(t, err)
	defer tx.Rollback(ctx)
	_, err = tx.Exec(ctx, "LOCK TABLE "+strings.Join(tables, ", ")+" IN ACCESS EXCLUSIVE MODE")
	require.NoError(t, err)
	waiting := func() int { // store sessions waiting for the lock
		var n int
		require.NoError(t, locker.QueryRow(ctx, "SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = ANY($1::regclass[])",
			tables).Scan(&n))
		return n
	}

	for _, tc := range []struct{ name, request string }{
		{"retrieve", "GET /v1/payment_records/" + pr.ID},
		{"list", "GET /v1/payment_records?limit=3"},
		{"retrieve attempt", "GET /v1/payment_attempt_records/" + pr.LatestPaymentAttemptRecord},
		{"list attempts", "GET /v1/payment_attempt_records?payment_record=" + pr.ID},
		{"report", "POST /v1/payment_records/" + pr.ID + "/report_refund"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := "outcome=refunded&processor_details[type]=custom&processor_details[custom][refund_reference]=re_gone&refunded[refunded_at]=1730300000"
			if strings.HasPrefix(tc.request, "GET") {
				body = ""
			}
			conn, err := net.Dial("tcp", strings.TrimPrefix(ts.url, "http://"))
			require.NoError(t, err)
			defer conn.Close()
			_, err = fmt.Fprintf(conn, "%s HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"+
				"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n%s", tc.request, testKey, len(body), body)
			require.NoError(t, err)
			require.Eventually(t, func() bool { return waiting() == 1 }, 10*time.Second, 10*time.Millisecond,
				"the store's query waits for the lock")
			before := strings.Count(ts.logs.String(), "msg=request ")
			require.NoError(t, conn.Close()) // the client goes away
			require.Eventually(t, func() bool { return strings.Count(ts.logs.String(), "msg=request ") > before },
				10*time.Second, 10*time.Millisecond, "the request ends while the lock is held")
			lines := strings.Split(strings.TrimSpace(ts.logs.String()), "\n")
			last := lines[len(lines)-1]
			assert.Contains(t, last, "status=499", last)
			assert.Contains(t, last, `err="`, last)
			assert.Contains(t, last, "context canceled", last)
			assert.Eventually(t, func() bool { return waiting() == 0 }, 10*time.Second, 10*time.Millisecond,
				"the store's query was canceled in PostgreSQL too")
		})
	}
	require.NoError(t, tx.Rollback(ctx))
	got, err := ts.client(testKey).V1PaymentRecords.Retrieve(ctx, pr.ID, nil)
	require.NoError(t, err)
	assert.Zero(t, got.AmountRefunded.Value, "the refund whose client went away was not stored")
}

// TestServeGCPercent checks that payrec serve sets its own GC target only
// when GOGC does not say one.
func TestServeGCPercent(t *testing.T) {
	env := func(m map[string]string) func(string) (string, bool) {
		return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
	}
	pct, ok := serveGCPercent(env(nil))
	assert.True(t, ok)
	assert.Equal(t, 200, pct)
	for _, v := range []string{"100", "off", ""} {
		_, ok := serveGCPercent(env(map[string]string{"GOGC": v}))
		assert.False(t, ok, "GOGC=%q is the user's", v)
	}
}
