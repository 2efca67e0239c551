package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/payrec/payrec"
	"github.com/payrec/payrec/internal/wire"
	"github.com/payrec/payrec/record"
	"github.com/payrec/payrec/store"
)

// The server speaks Stripe's wire protocol over a store: it only
// translates. A request's parameters become a params type of package record
// (through the decoder that package owns), the store applies or reads, and
// the record, or the error as Stripe's envelope, goes back. Every rule is the
// record's; every persistence concern is the store's.

// maxBody is the largest request body accepted; larger ones get 413.
const maxBody = 1 << 20

// server is the http.Handler of payrec serve.
type server struct {
	st    *store.Store
	keys  *keyring
	clock func() time.Time
	log   *slog.Logger
	mux   *http.ServeMux
	// reportPayment is the handler of POST
	// /v1/payment_records/report_payment, which route serves without the
	// mux.
	reportPayment http.HandlerFunc
}

// newServer returns the handler serving st. clock gives records their
// created time; log gets one line per request.
func newServer(st *store.Store, keys *keyring, clock func() time.Time, log *slog.Logger) *server {
	s := &server{st: st, keys: keys, clock: clock, log: log, mux: http.NewServeMux()}
	for _, op := range []string{
		record.OpReportPaymentAttempt,
		record.OpReportPaymentAttemptFailed,
		record.OpReportPaymentAttemptGuaranteed,
		record.OpReportPaymentAttemptCanceled,
		record.OpReportPaymentAttemptInformational,
		record.OpReportRefund,
	} {
		s.mux.HandleFunc("POST /v1/payment_records/{id}/"+op, s.report(op))
	}
	s.reportPayment = s.report(record.OpReportPayment)
	s.mux.HandleFunc("POST /v1/payment_records/"+record.OpReportPayment, s.reportPayment)
	s.mux.HandleFunc("GET /v1/payment_records/{id}", s.retrieveRecord)
	s.mux.HandleFunc("GET /v1/payment_records", s.listRecords)
	s.mux.HandleFunc("GET /v1/payment_attempt_records/{id}", s.retrieveAttempt)
	s.mux.HandleFunc("GET /v1/payment_attempt_records", s.listAttempts)
	return s
}

// livemode reports the mode of the request w answers (live or test), which
// ServeHTTP learnt from its key.
func livemode(w http.ResponseWriter) bool {
	rw, ok := w.(*response)
	return ok && rw.live
}

// response is the ResponseWriter of one request: it keeps the mode of the
// request's key, the status for the log line and whether the answer was a
// stored one.
type response struct {
	http.ResponseWriter
	live     bool
	status   int
	replayed bool
	gone     error // how the work ended when the client went away first
	// values backs the header values the server sets (Request-Id,
	// Content-Type, …), one string each, so that setting one does not
	// allocate its slice.
	values [6]string
	used   int
}

func (w *response) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *response) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// setHeader sets the header key (in canonical form) of w's answer to v, as
// w.Header().Set does.
func setHeader(w http.ResponseWriter, key, v string) {
	rw, ok := w.(*response)
	if !ok || rw.used == len(rw.values) {
		w.Header().Set(key, v)
		return
	}
	i := rw.used
	rw.used++
	rw.values[i] = v
	w.Header()[key] = rw.values[i : i+1 : i+1]
}

// ServeHTTP authenticates the request, routes it, and logs one line naming
// its Request-Id.
func (s *server) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	start := time.Now()
	reqID := wire.NewID("req_")
	w := &response{ResponseWriter: rw}
	setHeader(w, "Request-Id", reqID)
	defer func() {
		if p := recover(); p != nil {
			if p == http.ErrAbortHandler {
				panic(p)
			}
			s.log.Error("panic serving request", "request_id", reqID, "panic", fmt.Sprint(p))
			if w.status == 0 {
				writeError(w, http.StatusInternalServerError, internalError())
			}
		}
		s.logRequest(w, r, reqID, start)
	}()

	mode, err := s.keys.authenticate(r)
	if err != nil {
		setHeader(w, "Www-Authenticate", `Bearer realm="Stripe"`)
		writeError(w, http.StatusUnauthorized, err)
		return
	}
	w.live = mode
	if s.route(w, r) {
		return
	}
	if _, pattern := s.mux.Handler(r); pattern == "" {
		s.unrouted(w, r)
		return
	}
	s.mux.ServeHTTP(w, r)
}

// logRequest writes the request's line: its Request-Id, what was asked,
// how it was answered.
func (s *server) logRequest(w *response, r *http.Request, reqID string, start time.Time) {
	status := w.status
	if r.Context().Err() != nil && status == 0 {
		status = 499 // the client went away first
	}
	attrs := [8]slog.Attr{slog.String("request_id", reqID), slog.String("method", r.Method),
		slog.String("path", r.URL.Path), slog.Int("status", status),
		slog.Duration("duration", time.Since(start).Round(time.Microsecond)), slog.Bool("livemode", w.live)}
	n := 6
	if w.replayed {
		attrs[n] = slog.Bool("idempotent_replayed", true)
		n++
	}
	if status == 499 && w.gone != nil {
		attrs[n] = slog.Any("err", w.gone)
		n++
	}
	s.log.LogAttrs(context.Background(), slog.LevelInfo, "request", attrs[:n]...)
}

// recordsPath is the path of the payment records; one record's is below it.
const recordsPath = "/v1/payment_records/"

// route serves the two busiest endpoints, report_payment and retrieving a
// record, without the mux, when the mux would route r to them: POST to
// that path exactly, or GET of recordsPath+ID where the ID is one clean
// path segment without escapes (the mux's wildcard value is then the
// segment as written). It reports whether it served r; the mux has the
// rest, with its cleaning, redirects and 404/405.
func (s *server) route(w http.ResponseWriter, r *http.Request) bool {
	path := r.URL.EscapedPath()
	if !strings.HasPrefix(path, recordsPath) {
		return false
	}
	rest := path[len(recordsPath):]
	switch r.Method {
	case http.MethodPost:
		if rest == record.OpReportPayment {
			s.reportPayment(w, r)
			return true
		}
	case http.MethodGet:
		if rest != "" && rest != "." && rest != ".." && !strings.ContainsAny(rest, "/%") {
			s.getRecord(w, r, rest)
			return true
		}
	}
	return false
}

// unrouted answers a request no pattern matches: 404 for an unknown URL, 405
// for a known URL with another method, each with Stripe's envelope (the
// mux's own answers are plain text, which Stripe's clients would retry).
func (s *server) unrouted(w http.ResponseWriter, r *http.Request) {
	var probe statusProbe
	probe.h = make(http.Header)
	s.mux.ServeHTTP(&probe, r)
	if probe.code == http.StatusMethodNotAllowed {
		setHeader(w, "Allow", probe.h.Get("Allow"))
		writeError(w, http.StatusMethodNotAllowed, &payrec.Error{Type: payrec.ErrorType,
			Message: fmt.Sprintf("The method %s is not allowed for %s; use %s.", r.Method, r.URL.Path, probe.h.Get("Allow"))})
		return
	}
	writeError(w, http.StatusNotFound, &payrec.Error{Type: payrec.ErrorType,
		Message: fmt.Sprintf("Unrecognized request URL (%s: %s).", r.Method, r.URL.Path)})
}

// statusProbe records what the mux would answer, without sending it.
type statusProbe struct {
	h    http.Header
	code int
}

func (p *statusProbe) Header() http.Header         { return p.h }
func (p *statusProbe) Write(b []byte) (int, error) { return len(b), nil }
func (p *statusProbe) WriteHeader(code int)        { p.code = code }

// report handles POST /v1/payment_records/…/op.
func (s *server) report(op string) http.HandlerFunc {
	return func(rw http.ResponseWriter, r *http.Request) {
		w := rw.(*response)
		ctx := r.Context()
		live := w.live
		key := r.Header.Get("Idempotency-Key")
		if len(key) > 255 {
			s.fail(w, r, &payrec.Error{Type: payrec.ErrorType, Err: payrec.ErrInvalidParameter,
				Message: fmt.Sprintf("The Idempotency-Key header is %d characters long; at most 255 are allowed.", len(key))})
			return
		}
		buf := bodies.Get().(*[]byte) // params are copied where they are kept
		defer putBody(buf)
		params, err := requestParams(w, r, (*buf)[:0])
		if params != nil {
			*buf = params
		}
		if err != nil {
			s.fail(w, r, err)
			return
		}
		id := r.PathValue("id") // "" for report_payment: the server names the record
		if op != record.OpReportPayment {
			// A record of the other mode does not exist for this key. Its
			// mode never changes, so checking before applying is not a race.
			rec, err := s.st.Get(ctx, id)
			if err == nil && rec.Livemode() != live {
				err = noSuchRecord(id, "id")
			}
			if err != nil {
				s.fail(w, r, err)
				return
			}
		}
		rep, recID, err := decodeReport(op, id, params, s.clock().Unix(), live)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		var opts []store.ApplyOption
		if key != "" {
			setHeader(w, "Idempotency-Key", key)
			opts = append(opts,
				store.IdempotencyKey(modePrefix(live)+key),
				store.Fingerprint(fingerprint(op, id, params)),
				store.Replayed(&w.replayed))
		}
		rec, err := s.st.Apply(ctx, recID, rep, opts...)
		err = clientKey(err, key)
		if w.replayed {
			setHeader(w, "Idempotent-Replayed", "true")
		}
		if err != nil {
			s.fail(w, r, err)
			return
		}
		writeJSON(w, rec.AppendJSON)
	}
}

// modePrefix scopes idempotency keys by mode: a test key and a live key may
// use the same key for different requests.
func modePrefix(live bool) string {
	if live {
		return "live:"
	}
	return "test:"
}

// fingerprint is what "the same request" means for an idempotency key: the
// endpoint, the record and the client's parameters, never what the server
// assigns (IDs, created), so that a retry matches its first attempt.
func fingerprint(op, id string, params []byte) []byte {
	b := make([]byte, 0, len(op)+len(id)+len(params)+2)
	b = append(b, op...)
	b = append(b, 0)
	b = append(b, id...)
	b = append(b, 0)
	return append(b, params...)
}

// clientKey words the store's idempotency conflicts with the key as the
// client sent it, without the mode prefix the store saw.
func clientKey(err error, key string) error {
	switch {
	case errors.Is(err, store.ErrIdempotencyMismatch):
		return &payrec.Error{Type: "idempotency_error", Err: err, Message: fmt.Sprintf(
			"Keys for idempotent requests can only be used with the same parameters they were first used with. "+
				"Try using a key other than '%s' if you meant to execute a different request.", key)}
	case errors.Is(err, store.ErrIdempotencyInUse):
		return &payrec.Error{Type: payrec.ErrorType, Code: "idempotency_key_in_use", Err: err, Message: fmt.Sprintf(
			"There is currently another in-progress request using the idempotency key '%s'. Try again later.", key)}
	}
	return err
}

// serverAssigned are the members of a report's params that the server
// assigns; a client that sends one gets parameter_unknown, as at Stripe.
var serverAssigned = map[string]bool{"id": true, "attempt_id": true, "created": true, "livemode": true}

// decodeReport decodes the client's params object (JSON) into op's params
// type, with the facts the server assigns added: the new record's ID,
// attempt ID, created and mode for report_payment; the attempt ID and created
// for report_payment_attempt. It returns the report and the record ID to
// apply it to. params is valid JSON (json.Valid), as requestParams gives it,
// so that it is validated once, by the decoder.
func decodeReport(op, id string, params []byte, created int64, live bool) (record.Report, string, error) {
	err := wire.Object(params, wire.Root("payrec").Valid(), func(key string, _ []byte, q wire.Path) error {
		if serverAssigned[key] {
			return q.Unknown()
		}
		return nil
	})
	if err != nil {
		return nil, "", err
	}
	full := params
	if op == record.OpReportPayment || op == record.OpReportPaymentAttempt {
		inner := bytes.TrimSpace(params)
		inner = bytes.TrimSpace(inner[1 : len(inner)-1]) // wire.Object saw an object
		// The assigned members are IDs (at most 32 characters quoted) and
		// numbers: 160 bytes hold them. The decoder copies what it keeps.
		buf := bodies.Get().(*[]byte)
		defer putBody(buf)
		full = slices.Grow((*buf)[:0], 160+len(inner))
		full = append(full, '{')
		if op == record.OpReportPayment {
			id = record.NewID()
			full = strconv.AppendQuote(append(full, `"id":`...), id)
			full = append(full, ',')
		}
		full = strconv.AppendQuote(append(full, `"attempt_id":`...), newAttemptID())
		full = strconv.AppendInt(append(full, `,"created":`...), created, 10)
		if op == record.OpReportPayment {
			full = strconv.AppendBool(append(full, `,"livemode":`...), live)
		}
		if len(inner) > 0 {
			full = append(full, ',')
			full = append(full, inner...)
		}
		full = append(full, '}')
		*buf = full
	}
	rep, err := record.DecodeReport(op, full)
	if err != nil {
		return nil, "", err
	}
	return rep, id, nil
}

// requestParams reads the request's parameters as one JSON object, which it
// appends to dst: a form body (with any query parameters before it)
// rewritten by formJSON, or a JSON body as sent. Bodies over maxBody are
// refused.
func requestParams(w http.ResponseWriter, r *http.Request, dst []byte) ([]byte, error) {
	if r.Method == http.MethodGet {
		return appendFormJSON(dst, r.URL.RawQuery)
	}
	if r.ContentLength > maxBody {
		return nil, errTooLarge
	}
	buf := bodies.Get().(*[]byte)
	defer putBody(buf)
	body, err := readAll(http.MaxBytesReader(w, r.Body, maxBody), (*buf)[:0])
	*buf = body
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return nil, errTooLarge
		}
		// The client's fault or the client gone: malformed chunked
		// encoding, a body shorter than its Content-Length, a client that
		// stalled past the read timeout. Never a 500, which clients retry.
		return nil, &payrec.Error{Type: payrec.ErrorType, Err: err,
			Message: "The request body could not be read: it was malformed, cut short, or sent too slowly."}
	}
	ct := r.Header.Get("Content-Type")
	mt := ct // what mime.ParseMediaType gives for the two types as clients send them
	if ct != "application/x-www-form-urlencoded" && ct != "application/json" {
		mt, _, _ = mime.ParseMediaType(ct)
	}
	switch mt {
	case "application/json":
		if r.URL.RawQuery != "" {
			return nil, &payrec.Error{Type: payrec.ErrorType, Err: payrec.ErrInvalidParameter,
				Message: "Send the parameters either in the query string or in the JSON body, not both."}
		}
		if !json.Valid(body) {
			return nil, &payrec.Error{Type: payrec.ErrorType, Err: payrec.ErrInvalidParameter,
				Message: "The request body is not valid JSON."}
		}
		compact := bytes.NewBuffer(dst)
		_ = json.Compact(compact, body) // valid, so it cannot fail
		return compact.Bytes(), nil
	case "", "application/x-www-form-urlencoded":
		q := r.URL.RawQuery
		if q != "" && len(body) > 0 {
			q += "&"
		}
		return appendFormJSON(dst, q+string(body))
	}
	return nil, &payrec.Error{Type: payrec.ErrorType, Err: payrec.ErrInvalidParameter,
		Message: fmt.Sprintf("Invalid Content-Type %q: send application/x-www-form-urlencoded or application/json.", ct)}
}

// readAll is io.ReadAll appending to b: what r gives until EOF, and the
// error that ended it otherwise.
func readAll(r io.Reader, b []byte) ([]byte, error) {
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err != nil {
			if err == io.EOF {
				err = nil
			}
			return b, err
		}
	}
}

// errTooLarge answers a body over maxBody (413).
var errTooLarge = &payrec.Error{Type: payrec.ErrorType,
	Message: "The request body is larger than the 1 MiB allowed."}

// noSuchRecord is the 404 for a record this key cannot see.
func noSuchRecord(id, param string) error {
	return &payrec.Error{Type: payrec.ErrorType, Code: payrec.CodeResourceMissing, Param: param,
		Message: fmt.Sprintf("No such payment_record: '%s'", id), Err: store.ErrNotFound}
}

func noSuchAttempt(id, param string) error {
	return &payrec.Error{Type: payrec.ErrorType, Code: payrec.CodeResourceMissing, Param: param,
		Message: fmt.Sprintf("No such payment_attempt_record: '%s'", id), Err: store.ErrNotFound}
}

func internalError() error {
	return &payrec.Error{Type: "api_error",
		Message: "An unexpected error occurred on the server; nothing was stored by this request " +
			"unless a retry with the same Idempotency-Key says otherwise."}
}

// fail answers err as Stripe's envelope with Stripe's status.
func (s *server) fail(w http.ResponseWriter, r *http.Request, err error) {
	if r.Context().Err() != nil && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)) {
		if rw, ok := w.(*response); ok {
			rw.gone = err // for the log line
		}
		return // the client is gone; nobody reads an answer
	}
	status, out := classify(err)
	if status == http.StatusInternalServerError {
		s.log.Error("internal error", "request_id", w.Header().Get("Request-Id"), "err", err)
	}
	writeError(w, status, out)
}

// classify maps an error to Stripe's HTTP status and the error to render.
func classify(err error) (int, error) {
	var pe *payrec.Error
	switch {
	case err == errTooLarge:
		return http.StatusRequestEntityTooLarge, err
	case errors.Is(err, store.ErrIdempotencyInUse):
		return http.StatusConflict, err
	case errors.Is(err, store.ErrIdempotencyMismatch):
		return http.StatusBadRequest, err
	case errors.As(err, &pe) && pe.Code == payrec.CodeResourceMissing &&
		errors.Is(err, store.ErrNotFound) && pe.Param == "id":
		return http.StatusNotFound, err
	case errors.As(err, &pe) && pe.Type != "api_error":
		return http.StatusBadRequest, err
	}
	return http.StatusInternalServerError, internalError()
}

// writeError sends err as Stripe's envelope. Stripe-Should-Retry tells
// Stripe's clients not to retry answers that would not change.
func writeError(w http.ResponseWriter, status int, err error) {
	setHeader(w, "Content-Type", "application/json")
	if status < 500 && status != http.StatusConflict {
		setHeader(w, "Stripe-Should-Retry", "false")
	}
	body := payrec.Envelope(err)
	setHeader(w, "Content-Length", strconv.Itoa(len(body)+1))
	w.WriteHeader(status)
	_, _ = w.Write(append(body, '\n'))
}

// bodies are the buffers request bodies are read into and 200 answers are
// written into. A body is copied (into a string, or compacted) before
// requestParams returns; Write copies an answer out (into the connection's
// buffer, or onto the connection) before it returns: so a buffer is free
// again once they have.
var bodies = sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}

// maxPooledBody is the largest buffer bodies keeps; a larger answer's
// buffer is left to the collector.
const maxPooledBody = 64 << 10

// writeJSON answers 200 with the JSON document that appendJSON appends.
func writeJSON(w http.ResponseWriter, appendJSON func([]byte) []byte) {
	bp := bodies.Get().(*[]byte)
	body := append(appendJSON((*bp)[:0]), '\n')
	setHeader(w, "Content-Type", "application/json")
	setHeader(w, "Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
	*bp = body
	putBody(bp)
}

// putBody returns a buffer of bodies to the pool, unless it grew too large
// to keep.
func putBody(b *[]byte) {
	if cap(*b) <= maxPooledBody {
		*b = (*b)[:0]
		bodies.Put(b)
	}
}
