package store

import (
	"cmp"
	"context"
	"slices"
	"sync"
	"time"

	"github.com/payrec/payrec/record"
)

// memory keeps records in this process: each record's current state,
// to which reports apply in place under the lock (a rejected report leaves
// a record as it was), and its log of accepted report lines.
type memory struct {
	mu       sync.RWMutex
	records  map[string]*memRecord
	attempts map[string]string // attempt ID → record ID
	keys     map[string]*storedKey
	pruned   time.Time
	commits  uint64
}

type memRecord struct {
	rec   *record.Record
	lines [][]byte
}

func newMemory() *memory {
	return &memory{records: map[string]*memRecord{}, attempts: map[string]string{}, keys: map[string]*storedKey{}}
}

func (m *memory) apply(ctx context.Context, req *request) answer {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.prune(req)
	a, w, err := decide(memView{m}, req)
	if err != nil {
		return answer{err: err}
	}
	if a.rec != nil {
		// The stored record changes in place under the lock: the caller
		// gets a copy made while it is held.
		a.rec = a.rec.Clone()
	}
	if w == nil {
		return a
	}
	m.commits++
	if w.rec != nil {
		mr := m.records[req.id]
		if mr == nil {
			mr = &memRecord{}
			m.records[req.id] = mr
		}
		mr.rec = w.rec
		mr.lines = append(mr.lines, w.line)
		if w.attemptID != "" {
			m.attempts[w.attemptID] = req.id
		}
	}
	if w.keyOut != nil {
		m.keys[w.key] = &storedKey{fp: w.fp, created: w.created, outcome: *w.keyOut}
	}
	return a
}

// prune forgets expired idempotency keys, at most once a minute.
func (m *memory) prune(req *request) {
	if req.now.Sub(m.pruned) < time.Minute && !req.now.Before(m.pruned) {
		return
	}
	m.pruned = req.now
	for k, v := range m.keys {
		if v.created.Before(req.expiry) {
			delete(m.keys, k)
		}
	}
}

// memView reads the memory store for decide, under its lock.
type memView struct{ m *memory }

func (v memView) current(id string) (*record.Record, error) {
	if mr := v.m.records[id]; mr != nil {
		return mr.rec, nil
	}
	return nil, nil
}

func (v memView) recordAt(id string, version uint64) (*record.Record, error) {
	mr := v.m.records[id]
	if mr == nil || version > uint64(len(mr.lines)) {
		return nil, corrupt(id, version, "an idempotency key refers to a version the record does not have")
	}
	if version == mr.rec.Version() {
		return mr.rec, nil
	}
	return replayLines(id, mr.lines[:version])
}

func (v memView) attemptOwner(attemptID string) (string, error) { return v.m.attempts[attemptID], nil }

func (v memView) key(key string) (*storedKey, error) { return v.m.keys[key], nil }

// owns is true: reports change the memory store's records in place, under
// its write lock, and callers get copies made under the lock.
func (v memView) owns(string) bool { return true }

func (m *memory) get(_ context.Context, id string) (*record.Record, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if mr := m.records[id]; mr != nil {
		// Reports change the record in place under the write lock: copy
		// it while the read lock keeps them out.
		return mr.rec.Clone(), nil
	}
	return nil, recordNotFound(id)
}

func (m *memory) attemptOwner(_ context.Context, attemptID string) (string, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.attempts[attemptID], nil
}

func (m *memory) list(_ context.Context, q ListQuery, cur *cursor) ([]*record.Record, bool, error) {
	type entry struct {
		created int64
		id      string
		mr      *memRecord
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	var all []entry
	for id, mr := range m.records {
		r := mr.rec
		if r.Livemode() != q.Livemode ||
			(q.CreatedAfter != 0 && r.Created() <= q.CreatedAfter) ||
			(q.CreatedBefore != 0 && r.Created() >= q.CreatedBefore) {
			continue
		}
		all = append(all, entry{r.Created(), id, mr})
	}
	// Newest first: created descending, then ID descending.
	slices.SortFunc(all, func(a, b entry) int {
		if c := cmp.Compare(b.created, a.created); c != 0 {
			return c
		}
		return cmp.Compare(b.id, a.id)
	})
	keys := make([]listKey, len(all))
	for i, e := range all {
		keys[i] = listKey{e.created, e.id}
	}
	lo, hi, more := pageOf(keys, q.Limit, cur)
	page := make([]*record.Record, 0, hi-lo)
	for _, e := range all[lo:hi] {
		page = append(page, e.mr.rec.Clone()) // under the read lock: see get
	}
	return page, more, nil
}

// listKey is a record's place in a list.
type listKey struct {
	created int64
	id      string
}

// pageOf returns the bounds [lo, hi) of the page in sorted, the keys of
// the matching records newest first, and whether more follow in the
// direction of the page.
func pageOf(sorted []listKey, limit int, cur *cursor) (lo, hi int, more bool) {
	if cur == nil {
		return 0, min(limit, len(sorted)), len(sorted) > limit
	}
	// i is the position of the first record after the cursor.
	i, _ := slices.BinarySearchFunc(sorted, cur, func(k listKey, c *cursor) int {
		if x := cmp.Compare(c.created, k.created); x != 0 {
			return x
		}
		return cmp.Compare(c.id, k.id)
	})
	if !cur.before {
		if i < len(sorted) && sorted[i].id == cur.id && sorted[i].created == cur.created {
			i++
		}
		return i, min(i+limit, len(sorted)), len(sorted)-i > limit
	}
	start := max(0, i-limit)
	return start, i, start > 0
}

func (m *memory) log(_ context.Context, id string, fn func(version uint64, line []byte) error) error {
	m.mu.RLock()
	mr := m.records[id]
	var lines [][]byte
	if mr != nil {
		lines = mr.lines[:len(mr.lines):len(mr.lines)]
	}
	m.mu.RUnlock()
	for i, l := range lines {
		if err := fn(uint64(i+1), l); err != nil {
			return err
		}
	}
	return nil
}

func (m *memory) stats() Stats {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return Stats{Commits: m.commits, Batched: m.commits}
}

func (m *memory) close() error { return nil }
