package store

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/payrec/payrec"
	"github.com/payrec/payrec/attempt"
	"github.com/payrec/payrec/money"
	"github.com/payrec/payrec/record"
)

// MaxKeyLength is the longest idempotency key Apply accepts, in bytes.
const MaxKeyLength = 255

// DefaultIdempotencyTTL is how long an idempotency key is kept by default.
const DefaultIdempotencyTTL = 24 * time.Hour

// Store keeps payment records as their report logs. It is safe for
// concurrent use by many goroutines, and several Stores (in one process or
// many) may share one SQLite file or PostgreSQL database.
type Store struct {
	b     backend
	clock func() time.Time
	ttl   time.Duration

	mu       sync.Mutex
	inflight map[string]struct{} // idempotency keys of running Applies
	closed   bool
}

// An Option configures Open.
type Option func(*config)

type config struct {
	clock     func() time.Time
	ttl       time.Duration
	schema    string
	cacheSize int
}

// WithClock sets the clock that dates idempotency keys, for their expiry;
// the default is time.Now. Records never read it: their times come with the
// reports.
func WithClock(now func() time.Time) Option {
	return func(c *config) {
		if now != nil {
			c.clock = now
		}
	}
}

// WithIdempotencyTTL sets how long an idempotency key is kept (default and
// minimum used by the server: 24 hours). After it, the key is forgotten:
// a request using it again runs as a new one. A ttl ≤ 0 keeps the default.
func WithIdempotencyTTL(ttl time.Duration) Option {
	return func(c *config) {
		if ttl > 0 {
			c.ttl = ttl
		}
	}
}

// WithSchema makes a PostgreSQL store keep its tables in the named schema,
// creating it when missing, instead of the connection's search_path. Tests
// use it to run in schemas of their own. Other backends ignore it.
func WithSchema(name string) Option { return func(c *config) { c.schema = name } }

// WithCacheSize bounds how many records an SQL store keeps decoded in
// memory (default 10,000). The cache only saves work: every read checks it
// against the database by version.
func WithCacheSize(n int) Option {
	return func(c *config) {
		if n > 0 {
			c.cacheSize = n
		}
	}
}

// Open opens the store dsn names:
//
//   - "memory": records in this process's memory, gone when it exits;
//   - "sqlite:PATH": an SQLite database file, created when missing (its
//     directory must exist); PATH may also be written as SQLite's
//     "file:" URI, without options: payrec sets them.
//     SQLite's in-memory databases (":memory:", "file::memory:",
//     "mode=memory") are refused with ErrSQLiteMemory: use "memory";
//   - "postgres://…" or "postgresql://…": a PostgreSQL database (a pgx
//     connection string; search_path in it selects the schema).
//
// SQL stores create or migrate their tables on Open, and refuse a database
// whose schema is newer than this code knows.
func Open(ctx context.Context, dsn string, opts ...Option) (*Store, error) {
	cfg := config{clock: time.Now, ttl: DefaultIdempotencyTTL, cacheSize: 10000}
	for _, o := range opts {
		o(&cfg)
	}
	var (
		b   backend
		err error
	)
	switch {
	case dsn == "memory":
		b = newMemory()
	case strings.HasPrefix(dsn, "sqlite:"):
		b, err = openSQLite(ctx, strings.TrimPrefix(dsn, "sqlite:"), &cfg)
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		b, err = openPostgres(ctx, dsn, &cfg)
	default:
		return nil, fmt.Errorf("store: unknown data source %q: want \"memory\", \"sqlite:PATH\" or \"postgres://…\"", dsn)
	}
	if err != nil {
		return nil, err
	}
	return &Store{b: b, clock: cfg.clock, ttl: cfg.ttl, inflight: map[string]struct{}{}}, nil
}

// Close releases the store's resources. Applies running then finish first;
// later calls fail.
func (s *Store) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	s.mu.Unlock()
	return s.b.close()
}

// ErrClosed is the error of every call on a Store after Close.
var ErrClosed = errors.New("store: the store is closed")

func (s *Store) usable() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrClosed
	}
	return nil
}

// Stats counts what a Store did since Open.
type Stats struct {
	// Retries counts transactions undone after losing a race to another
	// writer (a unique violation on a record's version, an attempt ID or an
	// idempotency key, or a deadlock) and decided again. Only PostgreSQL
	// stores race: the memory store and the SQLite writer hold a lock.
	Retries uint64
	// Commits counts the transactions that stored reports or keys, and
	// Batched the Applies they carried: Batched/Commits is the mean batch.
	Commits, Batched uint64
}

// Stats returns the store's counters.
func (s *Store) Stats() Stats { return s.b.stats() }

// An ApplyOption qualifies one Apply.
type ApplyOption func(*applyConfig)

type applyConfig struct {
	key         string
	keySet      bool
	fingerprint []byte
	replayed    *bool
}

// IdempotencyKey makes Apply idempotent under key (1 to MaxKeyLength
// bytes), with Stripe's semantics: the first request with the key stores
// its answer — the record's new version, or the record's rejection — in
// the same transaction as the report; the same request with the same key
// gets that answer again without applying anything; a different request
// with the key is ErrIdempotencyMismatch; a request while another with the
// key is still running in this Store is ErrIdempotencyInUse. Parameter
// errors are answered without storing anything, as at Stripe. Keys are
// forgotten after the store's idempotency TTL.
func IdempotencyKey(key string) ApplyOption {
	return func(c *applyConfig) { c.key, c.keySet = key, true }
}

// Fingerprint says what "the same request" means for the idempotency key:
// requests with equal fingerprints are the same. The default is the
// request's canonical encoding: its operation, record ID and parameters as a
// report log line. A server that scopes keys may give the raw request.
func Fingerprint(b []byte) ApplyOption {
	return func(c *applyConfig) { c.fingerprint = append([]byte(nil), b...) }
}

// Replayed sets *p to whether Apply's answer is the stored answer of an
// earlier request with the same idempotency key.
func Replayed(p *bool) ApplyOption { return func(c *applyConfig) { c.replayed = p } }

// request is one Apply on its way to a backend.
type request struct {
	id     string
	rep    record.Report
	create *record.ReportPaymentParams // rep, when it creates the record
	// built is the record create makes, or why it cannot, worked out on
	// the caller's goroutine: every request waits on the writer's, and a
	// new record depends on its parameters alone. Every decision of the
	// request gets this one record (a SQL batch may be decided again), so
	// nothing changes it in place until the request is answered: a batch
	// copies a record it created before applying another report to it
	// (decideOnce), and the memory store, which changes its records in
	// place, decides a request once.
	built     *record.Record
	buildErr  error
	attemptID string // the attempt rep adds, "" for none
	line      []byte // rep as a report log line: what is stored
	malformed error  // why rep cannot be stored; see newRequest
	key       string
	fp        [sha256.Size]byte
	now       time.Time
	expiry    time.Time // keys stored before it are forgotten
}

// answer is a backend's reply to a request.
type answer struct {
	rec      *record.Record // a copy private to the caller, once the backend returns it
	err      error
	replayed bool
}

// Apply applies rep to the record with ID id and stores it. A
// ReportPaymentParams creates the record (id must be "" or equal its ID);
// every other report needs the record to exist (ErrNotFound otherwise).
// Apply returns a copy of the record after the report, which the caller may
// keep and change, or the record's own rejection (a *payrec.Error matching
// the record package's sentinels), which changes nothing stored.
//
// When Apply returns a record, the report is stored durably (on disk for
// the SQL stores). Concurrent Applies to one record are serialized: each
// sees every report accepted before it, so that the record's rules hold
// across goroutines, processes and machines sharing a database.
func (s *Store) Apply(ctx context.Context, id string, rep record.Report, opts ...ApplyOption) (*record.Record, error) {
	var ac applyConfig
	for _, o := range opts {
		o(&ac)
	}
	a := s.apply(ctx, id, rep, &ac)
	if ac.replayed != nil {
		*ac.replayed = a.replayed
	}
	return a.rec, a.err
}

func (s *Store) apply(ctx context.Context, id string, rep record.Report, ac *applyConfig) answer {
	req, err := s.newRequest(id, rep, ac)
	if err != nil {
		return answer{err: err}
	}
	if err := ctx.Err(); err != nil {
		return answer{err: err}
	}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return answer{err: ErrClosed}
	}
	if req.key != "" {
		if _, busy := s.inflight[req.key]; busy {
			s.mu.Unlock()
			return answer{err: inUse(req.key)}
		}
		s.inflight[req.key] = struct{}{}
		defer func() {
			s.mu.Lock()
			delete(s.inflight, req.key)
			s.mu.Unlock()
		}()
	}
	s.mu.Unlock()
	return s.b.apply(ctx, req)
}

// newRequest checks what can be checked without the record and encodes rep.
func (s *Store) newRequest(id string, rep record.Report, ac *applyConfig) (*request, error) {
	req := &request{id: id, rep: rep, now: s.clock()}
	req.expiry = req.now.Add(-s.ttl)
	if ac.keySet && (ac.key == "" || len(ac.key) > MaxKeyLength) {
		return nil, paramError("", "", "Idempotency keys must be 1 to %d characters long; this one has %d.", MaxKeyLength, len(ac.key))
	}
	req.key = ac.key
	if rep == nil || reflect.ValueOf(rep).Kind() == reflect.Pointer && reflect.ValueOf(rep).IsNil() {
		var zero record.Record
		return nil, zero.Apply(rep) // the record's error for a missing report
	}
	switch p := rep.(type) {
	case record.ReportPaymentParams:
		req.create = &p
	case *record.ReportPaymentParams:
		if p != nil {
			c := *p
			req.create = &c
		}
	case record.ReportPaymentAttemptParams:
		req.attemptID = p.AttemptID
	case *record.ReportPaymentAttemptParams:
		if p != nil {
			req.attemptID = p.AttemptID
		}
	}
	if req.create != nil {
		req.attemptID = req.create.AttemptID
		if req.id == "" {
			req.id = req.create.ID
		}
		if req.id != req.create.ID {
			return nil, paramError("", "id", "The record ID %q does not match the report_payment's id %q.", req.id, req.create.ID)
		}
	}
	if req.create == nil && req.id == "" {
		return nil, paramError(payrec.CodeParameterMissing, "id", "A record ID is required for %s.", rep.Op())
	}
	line, err := record.Entry{ID: req.id, Report: rep}.MarshalJSON()
	if err != nil && !errors.Is(err, payrec.ErrInvalidParameter) {
		err = paramError("", "", "The report cannot be encoded: %v", err)
	}
	// Databases refuse strings that are not UTF-8 or hold NUL, and the
	// record refuses them as IDs. A report that cannot be encoded or names
	// such an attempt ID is malformed, but which parameter the record
	// blames can depend on the record (its currency, its times): such a
	// report is decided against the record, and stores nothing.
	switch {
	case req.create != nil && (err != nil || !storable(req.id) || !storable(req.attemptID)):
		if _, perr := record.ReportPayment(*req.create); perr != nil {
			return nil, perr // its parameters come before any record's existence
		}
		if err == nil {
			err = paramError("", "id", "IDs must be UTF-8 text without NUL characters.")
		}
		return nil, err
	case !storable(req.id):
		// No record holds such an ID; a throwaway one names a malformed
		// parameter as nearly as can be.
		if perr := paramCheck(req); perr != nil {
			return nil, perr
		}
		return nil, recordNotFound(req.id)
	case err != nil:
		req.malformed = err
	case !storable(req.attemptID):
		req.malformed = paramError("", "attempt_id", "IDs must be UTF-8 text without NUL characters.")
	}
	if req.malformed != nil {
		req.attemptID, req.key = "", "" // neither is looked up nor stored
		return req, nil
	}
	if !storable(req.key) {
		return nil, paramError("", "idempotency_key", "Idempotency keys must be UTF-8 text without NUL characters.")
	}
	req.line = line
	if req.create != nil {
		req.built, req.buildErr = record.ReportPayment(*req.create)
	}
	switch {
	case req.key == "": // nothing to compare with
	case ac.fingerprint != nil:
		req.fp = sha256.Sum256(ac.fingerprint)
	default:
		req.fp = sha256.Sum256(line)
	}
	return req, nil
}

// storable reports whether every database can hold s: UTF-8 without NUL.
func storable(s string) bool { return utf8.ValidString(s) && !strings.ContainsRune(s, 0) }

// paramCheck returns the record's parameter error for req's report, if it
// has one, by applying it to a throwaway record (parameters are checked
// before state, so the error is the one any record would give).
func paramCheck(req *request) error {
	var err error
	switch t := throwaway(); {
	case req.create != nil:
		_, err = record.ReportPayment(*req.create)
	case t != nil:
		err = t.Clone().Apply(req.rep)
	}
	if errors.Is(err, payrec.ErrInvalidParameter) {
		return err
	}
	return nil
}

// throwaway is a valid record whose times are the earliest possible, so
// that no time given in a report precedes them.
var throwaway = sync.OnceValue(func() *record.Record {
	r, err := record.ReportPayment(record.ReportPaymentParams{ID: "pr_check", AttemptID: "par_check", Created: 1,
		AmountRequested: money.New(1, money.MustParseCurrency("usd")), InitiatedAt: 1,
		PaymentMethodDetails: attempt.PaymentMethodDetails{Custom: attempt.CustomDetails{DisplayName: "check"}}})
	if err != nil {
		return nil // the record's rules moved on; TestUnencodableReport says so
	}
	return r
})

// Get returns a copy of the record with ID id, or an error matching
// ErrNotFound.
func (s *Store) Get(ctx context.Context, id string) (*record.Record, error) {
	if err := s.usable(); err != nil {
		return nil, err
	}
	if !storable(id) {
		return nil, recordNotFound(id)
	}
	return s.b.get(ctx, id)
}

// Attempt returns a copy of the record holding the attempt with ID
// attemptID, or an error matching ErrNotFound. Attempt IDs are unique
// across a store: a report adding an attempt whose ID another record holds
// is rejected with record.ErrDuplicateAttemptID.
func (s *Store) Attempt(ctx context.Context, attemptID string) (*record.Record, error) {
	if err := s.usable(); err != nil {
		return nil, err
	}
	if !storable(attemptID) {
		return nil, notFound("payment_attempt_record", attemptID, "id")
	}
	id, err := s.b.attemptOwner(ctx, attemptID)
	if err != nil {
		return nil, err
	}
	if id == "" {
		return nil, notFound("payment_attempt_record", attemptID, "id")
	}
	return s.Get(ctx, id)
}

// ListQuery selects a page of records, as Stripe's list endpoints do.
type ListQuery struct {
	Limit         int    // 1..100; 0 means 10
	StartingAfter string // record ID cursor (exclusive): the page after it
	EndingBefore  string // record ID cursor (exclusive): the page before it; at most one of the two
	CreatedAfter  int64  // only records created after it (Unix seconds), when non-zero
	CreatedBefore int64  // only records created before it (Unix seconds), when non-zero
	Livemode      bool   // only records with this livemode
}

// Page is one page of a list, newest first: by creation time, then by ID,
// both descending; IDs compare as bytes ("pr_B" < "pr_a"), on every
// backend. HasMore says whether more records follow in the
// direction of the query: after the page, or before it for EndingBefore.
type Page struct {
	Records []*record.Record
	HasMore bool
}

// List returns a page of records matching q. A cursor that names no record
// of q's livemode is an error matching ErrNotFound.
func (s *Store) List(ctx context.Context, q ListQuery) (Page, error) {
	if err := s.usable(); err != nil {
		return Page{}, err
	}
	switch {
	case q.Limit == 0:
		q.Limit = 10
	case q.Limit < 0 || q.Limit > 100:
		return Page{}, paramError(payrec.CodeParameterInvalidInteger, "limit", "The limit must be between 1 and 100; it is %d.", q.Limit)
	}
	if q.StartingAfter != "" && q.EndingBefore != "" {
		return Page{}, paramError(payrec.CodeParametersExclusive, "ending_before", "Only one of starting_after and ending_before may be given.")
	}
	var cur *cursor
	if c, param := q.StartingAfter, "starting_after"; c != "" || q.EndingBefore != "" {
		if c == "" {
			c, param = q.EndingBefore, "ending_before"
		}
		if !storable(c) {
			return Page{}, notFound("payment_record", c, param)
		}
		r, err := s.b.get(ctx, c)
		if err != nil && !errors.Is(err, ErrNotFound) {
			return Page{}, err
		}
		if err != nil || r.Livemode() != q.Livemode {
			return Page{}, notFound("payment_record", c, param)
		}
		cur = &cursor{created: r.Created(), id: r.ID(), before: param == "ending_before"}
	}
	recs, more, err := s.b.list(ctx, q, cur)
	if err != nil {
		return Page{}, err
	}
	return Page{Records: recs, HasMore: more}, nil
}

// cursor is a list's position: the created time and ID of a record, and
// whether the page ends before it (true) or starts after it.
type cursor struct {
	created int64
	id      string
	before  bool
}

// Log writes the accepted reports of the record with ID id to w as a report
// log (JSON lines, the format of record.LogWriter), oldest first, so that
// record.ReplayLog or `payrec replay` rebuilds the record from it.
func (s *Store) Log(ctx context.Context, id string, w io.Writer) error {
	if err := s.usable(); err != nil {
		return err
	}
	if !storable(id) {
		return recordNotFound(id)
	}
	n := 0
	err := s.b.log(ctx, id, func(version uint64, line []byte) error {
		if version != uint64(n+1) {
			return corrupt(id, version, "expected version %d", n+1)
		}
		var e record.Entry
		if err := e.UnmarshalJSON(line); err != nil {
			return corrupt(id, version, "the stored report does not decode: %v", err)
		}
		n++
		_, err := w.Write(append(line[:len(line):len(line)], '\n'))
		return err
	})
	if err == nil && n == 0 {
		err = recordNotFound(id)
	}
	return err
}

// backend is where a Store keeps its records.
type backend interface {
	// apply decides req against the stored record and stores the outcome;
	// the record it answers is the caller's own copy.
	apply(ctx context.Context, req *request) answer
	// get returns a copy of the record with ID id, the caller's own.
	get(ctx context.Context, id string) (*record.Record, error)
	// attemptOwner returns the ID of the record holding the attempt, "" for none.
	attemptOwner(ctx context.Context, attemptID string) (string, error)
	// list returns copies of the records of a page, the caller's own.
	list(ctx context.Context, q ListQuery, cur *cursor) ([]*record.Record, bool, error)
	// log calls fn with each stored report line of the record, oldest first.
	log(ctx context.Context, id string, fn func(version uint64, line []byte) error) error
	stats() Stats
	close() error
}
