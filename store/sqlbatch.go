package store

import (
	"context"
	"sync"
	"time"

	"github.com/payrec/payrec/record"
)

// versionLine is one stored report: its version and its log line.
type versionLine struct {
	version uint64
	line    []byte
}

// queries reads an SQL store, inside a transaction or not. Each method
// answers for many records or keys at once, so that a backend can fetch
// what a batch needs in few round trips.
type queries interface {
	// reportsAfter returns, for each record ID in after, its reports with
	// versions above after[id], oldest first.
	reportsAfter(ctx context.Context, after map[string]uint64) (map[string][]versionLine, error)
	// reportsUpTo returns the record's reports up to version, oldest first.
	reportsUpTo(ctx context.Context, id string, version uint64) ([]versionLine, error)
	// attemptOwners returns the record ID of each attempt ID that has one.
	attemptOwners(ctx context.Context, attemptIDs []string) (map[string]string, error)
	// keys returns the stored rows of the idempotency keys that have one.
	keys(ctx context.Context, keys []string) (map[string]*storedKey, error)
	// ids runs a query of record IDs (listSQL's).
	ids(ctx context.Context, query string, args []any) ([]string, error)
}

// cache keeps records decoded between requests, by ID. A cached record is
// never changed: a newer version replaces it.
//
// A cached record may be stale: another Store, in this process or another,
// may have appended reports since. That is safe because a record's log is
// append-only, so a cached version N is always a prefix of the truth:
// reads ask the database for the reports after version N (catching up
// costs only the newer reports), and a writer that decided on a stale
// record tries to append a (record_id, version) that exists; the primary
// key rejects it, and the writer reloads and decides again.
//
// Each record carries the epoch in which its writer last knew it to be
// current (0: not known), which lets the SQLite writer skip reading what
// it knows (see sqliteStore.epoch).
type cache struct {
	mu  sync.Mutex
	m   map[string]cached
	max int
}

type cached struct {
	rec   *record.Record
	epoch uint64
}

func newCache(max int) *cache { return &cache{m: map[string]cached{}, max: max} }

func (c *cache) get(id string) *record.Record { return c.entry(id).rec }

func (c *cache) entry(id string) cached {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.m[id]
}

// put keeps r, known current in epoch, unless the cache holds a newer
// version of it.
func (c *cache) put(r *record.Record, epoch uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	old, ok := c.m[r.ID()]
	if ok && (old.rec.Version() > r.Version() || old.rec.Version() == r.Version() && old.epoch >= epoch) {
		return
	}
	if !ok && len(c.m) >= c.max {
		for k := range c.m { // evict an arbitrary record: any one costs a reload at most
			delete(c.m, k)
			break
		}
	}
	c.m[r.ID()] = cached{r, epoch}
}

// loader reads records through a cache.
type loader struct {
	q queries
	c *cache
	// trust says whether the cached record id of an epoch may be used
	// without asking the database; nil trusts none.
	trust func(id string, epoch uint64) bool
	// epoch is what the records read are marked with.
	epoch uint64
	// private leaves the records it reads out of the cache, for the
	// caller to change in place and cache once committed.
	private bool
	// optimistic makes decideBatch read less: a record that a report
	// creates and the cache does not hold is taken to be new, and attempt
	// IDs and idempotency keys to be unused, where the database's unique
	// keys will refuse the write if they are not (see decideBatch).
	optimistic bool
}

// load returns the current records with the given IDs (nil for one that
// does not exist), for each record that cannot be read back the error
// saying why, and which records were taken from the cache on trust.
//
// With l.private, the records it read (caught up on a copy of the cached
// one) are the caller's own and are not cached: fresh lists them.
func (l loader) load(ctx context.Context, ids []string) (recs map[string]*record.Record, errs map[string]error, trusted, fresh map[string]bool, err error) {
	after := make(map[string]uint64, len(ids))
	bases := make(map[string]*record.Record, len(ids))
	recs = make(map[string]*record.Record, len(ids))
	for _, id := range ids {
		e := l.c.entry(id)
		if e.rec != nil && l.trust != nil && l.trust(id, e.epoch) {
			recs[id] = e.rec
			if trusted == nil {
				trusted = map[string]bool{}
			}
			trusted[id] = true
			continue
		}
		bases[id] = e.rec
		after[id] = 0
		if e.rec != nil {
			after[id] = e.rec.Version()
		}
	}
	if len(after) == 0 {
		return recs, nil, trusted, nil, nil
	}
	lines, err := l.q.reportsAfter(ctx, after)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	for id, base := range bases {
		vls := lines[id]
		if len(vls) == 0 {
			recs[id] = base
			if base != nil {
				l.c.put(base, l.epoch) // now known current
			}
			continue
		}
		r := base
		if r != nil {
			r = r.Clone()
		}
		var cerr error
		for _, vl := range vls {
			if r, cerr = catchUp(id, r, vl.version, vl.line); cerr != nil {
				break
			}
		}
		if cerr != nil {
			if errs == nil {
				errs = map[string]error{}
			}
			errs[id] = cerr
			continue
		}
		recs[id] = r
		if l.private {
			if fresh == nil {
				fresh = map[string]bool{}
			}
			fresh[id] = true
			continue
		}
		l.c.put(r, l.epoch)
	}
	return recs, errs, trusted, fresh, nil
}

// batchView is what one batch's transaction sees: the records, attempts
// and keys prefetched for its requests, with the writes of the requests
// decided before.
type batchView struct {
	ctx      context.Context
	q        queries
	recs     map[string]*record.Record
	errs     map[string]error
	attempts map[string]string
	keyRows  map[string]*storedKey
	// owned holds the records read for this batch alone, until a report
	// accepted in place hands one out in its answer.
	owned map[string]bool
}

func (v *batchView) owns(id string) bool { return v.owned[id] }

// cacheAll caches the records the batch ends with, once committed: they
// are never changed again.
func (v *batchView) cacheAll(c *cache, epoch uint64) {
	for _, r := range v.recs {
		if r != nil {
			c.put(r, epoch)
		}
	}
}

func (v *batchView) current(id string) (*record.Record, error) {
	if err := v.errs[id]; err != nil {
		return nil, err
	}
	return v.recs[id], nil
}

func (v *batchView) recordAt(id string, version uint64) (*record.Record, error) {
	if r := v.recs[id]; r != nil && r.Version() == version {
		delete(v.owned, id) // handed out in the answer: never changed again
		return r, nil
	}
	vls, err := v.q.reportsUpTo(v.ctx, id, version)
	if err != nil {
		return nil, err
	}
	if uint64(len(vls)) != version {
		return nil, corrupt(id, version, "an idempotency key refers to a version the record does not have")
	}
	var r *record.Record
	for _, vl := range vls {
		if r, err = catchUp(id, r, vl.version, vl.line); err != nil {
			return nil, err
		}
	}
	return r, nil
}

func (v *batchView) attemptOwner(attemptID string) (string, error) { return v.attempts[attemptID], nil }

func (v *batchView) key(key string) (*storedKey, error) { return v.keyRows[key], nil }

// decideBatch decides reqs in order within one transaction read through
// l, each against the state the ones before it left, and returns their
// answers and what to write. An error is the database's: the batch must be
// undone.
//
// A record the loader trusted without reading may be stale, and what an
// optimistic loader assumed absent may exist. Accepting a report on such
// a state is safe: the write then hits a unique key (the record's next
// version, the attempt ID, the idempotency key) and fails, and the batch
// is decided again, read. A rejection is not: the true state might accept
// the report, or answer it from an idempotency key. So a batch that
// rejected a report on a trusted record, or any report on assumptions, is
// decided again with everything read.
func decideBatch(ctx context.Context, l loader, reqs []*request) ([]answer, []*write, *batchView, error) {
	answers, writes, v, trusted, err := decideOnce(ctx, l, reqs)
	if err != nil || len(trusted) == 0 && !l.optimistic {
		return answers, writes, v, err
	}
	for i, a := range answers {
		if a.err != nil && !a.replayed && (l.optimistic || trusted[reqs[i].id]) {
			l.trust, l.optimistic = nil, false
			answers, writes, v, _, err = decideOnce(ctx, l, reqs)
			return answers, writes, v, err
		}
	}
	return answers, writes, v, nil
}

func decideOnce(ctx context.Context, l loader, reqs []*request) ([]answer, []*write, *batchView, map[string]bool, error) {
	q := l.q
	ids := make([]string, 0, len(reqs))
	var attemptIDs, keys []string
	seen := map[string]bool{}
	for _, r := range reqs {
		if !seen[r.id] {
			seen[r.id] = true
			// An optimistic loader takes a record that a report creates
			// and the cache does not hold to be new.
			if !l.optimistic || r.create == nil || l.c.get(r.id) != nil {
				ids = append(ids, r.id)
			}
		}
		// An optimistic loader takes attempt IDs and idempotency keys to
		// be unused: it reads none.
		if r.attemptID != "" && !l.optimistic {
			attemptIDs = append(attemptIDs, r.attemptID)
		}
		if r.key != "" && !l.optimistic {
			keys = append(keys, r.key)
		}
	}
	l.private = true
	recs, errs, trusted, fresh, err := l.load(ctx, ids)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	v := &batchView{ctx: ctx, q: q, recs: recs, errs: errs, attempts: map[string]string{}, keyRows: map[string]*storedKey{},
		owned: fresh}
	if len(attemptIDs) > 0 {
		if v.attempts, err = q.attemptOwners(ctx, attemptIDs); err != nil {
			return nil, nil, nil, nil, err
		}
	}
	if len(keys) > 0 {
		if v.keyRows, err = q.keys(ctx, keys); err != nil {
			return nil, nil, nil, nil, err
		}
	}
	answers := make([]answer, len(reqs))
	var writes []*write
	for i, req := range reqs {
		a, w, err := decide(v, req)
		if err != nil {
			answers[i] = answer{err: err}
			continue
		}
		answers[i] = a
		if w == nil {
			continue
		}
		writes = append(writes, w)
		if w.rec != nil {
			v.recs[req.id] = w.rec
			delete(v.owned, req.id) // handed out in the answer: never changed again
			if w.attemptID != "" {
				v.attempts[w.attemptID] = req.id
			}
		}
		if w.keyOut != nil {
			v.keyRows[w.key] = &storedKey{fp: w.fp, created: w.created, outcome: *w.keyOut}
		}
	}
	return answers, writes, v, trusted, nil
}

// pending is a request waiting for a batch.
type pending struct {
	ctx  context.Context
	req  *request
	done chan answer
}

// batcher feeds a writer goroutine with the requests of concurrent Applies,
// which it takes as batches of all that are waiting.
type batcher struct {
	mu     sync.RWMutex
	closed bool
	ch     chan *pending

	// Owned by the writer goroutine: the size of the last batch, and the
	// requests in play when it was answered.
	last, inPlay int
}

const maxBatch = 256

func newBatcher() *batcher { return &batcher{ch: make(chan *pending, maxBatch)} }

// submit hands req to the writer and waits for its answer. Once handed
// over, the request may be committed, so submit waits for the answer even
// when ctx ends: an Apply never returns an error for a report that was
// stored.
func (b *batcher) submit(ctx context.Context, req *request) answer {
	p := &pending{ctx: ctx, req: req, done: make(chan answer, 1)}
	b.mu.RLock()
	if b.closed {
		b.mu.RUnlock()
		return answer{err: ErrClosed}
	}
	select {
	case b.ch <- p:
	case <-ctx.Done():
		b.mu.RUnlock()
		return answer{err: ctx.Err()}
	}
	b.mu.RUnlock()
	a := <-p.done
	if a.rec != nil {
		// The writer's records are never changed once decided: copy here,
		// on the caller's goroutine, not on the writer's.
		a.rec = a.rec.Clone()
	}
	return a
}

// next waits for the next batch; false when the batcher is closed and
// drained.
//
// Group commit has a trap: the Applies answered by one commit come back
// while the next commit is running, so with n appliers the batches settle
// into two halves that alternate. next therefore waits, briefly, until as
// many requests are in hand as were in play at the end of the last commit
// (the ones it answered and the ones that waited for it). A lone applier
// is never kept waiting, and an applier that went away costs one wait.
func (b *batcher) next() ([]*pending, bool) {
	p, ok := <-b.ch
	if !ok {
		return nil, false
	}
	batch := []*pending{p}
	want := min(b.inPlay, maxBatch)
	var timer *time.Timer
	for len(batch) < maxBatch {
		select {
		case p, ok := <-b.ch:
			if !ok {
				return b.took(batch), true
			}
			batch = append(batch, p)
			continue
		default:
		}
		if len(batch) >= want {
			break
		}
		if timer == nil {
			timer = time.NewTimer(gatherWait)
			defer timer.Stop()
		}
		select {
		case p, ok := <-b.ch:
			if !ok {
				return b.took(batch), true
			}
			batch = append(batch, p)
			continue
		case <-timer.C:
		}
		break
	}
	return b.took(batch), true
}

// took notes the size of a batch taken, for the next one.
func (b *batcher) took(batch []*pending) []*pending {
	b.last = len(batch)
	return batch
}

// committed is called by the writer when a batch's answers are out: the
// requests then in play are those answered and those waiting.
func (b *batcher) committed() { b.inPlay = b.last + len(b.ch) }

// gatherWait bounds how long next waits for requests it expects; it is
// well under one commit (an fsync takes a millisecond or more).
const gatherWait = 300 * time.Microsecond

// close stops taking requests; the writer finishes those already taken.
func (b *batcher) close() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.closed {
		b.closed = true
		close(b.ch)
	}
}

// live drops the requests whose callers have gone, answering them: they
// were never decided, so nothing of theirs is stored.
func live(batch []*pending) []*pending {
	out := batch[:0]
	for _, p := range batch {
		if err := p.ctx.Err(); err != nil {
			p.done <- answer{err: err}
			continue
		}
		out = append(out, p)
	}
	return out
}

// pruneEvery is how often a writer deletes expired idempotency keys.
const pruneEvery = time.Minute
