package store

import (
	"context"
	"fmt"
	"math"
	"strings"
	"sync"
	"time"

	"github.com/payrec/payrec/record"
)

// sqlReader answers an SQL store's reads: through its queries, outside the
// writer, with the cache checked by version. Its reads of records go
// through a readGroup, which serves concurrent ones with shared queries.
type sqlReader struct {
	q     queries
	cache *cache
	ph    func(n int) string // the n-th placeholder of the SQL dialect
	// reads coalesces the loads of records; nil loads each on its own
	// (tests measure the difference).
	reads *readGroup
}

func newSQLReader(q queries, c *cache, ph func(n int) string) sqlReader {
	r := sqlReader{q: q, cache: c, ph: ph}
	r.reads = &readGroup{l: r.loader()}
	return r
}

func (r sqlReader) loader() loader { return loader{q: r.q, c: r.cache} }

// load is loader.load for readers: the current records with the given IDs
// and the errors of those that cannot be read back.
func (r sqlReader) load(ctx context.Context, ids []string) (map[string]*record.Record, map[string]error, error) {
	if r.reads == nil {
		recs, errs, _, _, err := r.loader().load(ctx, ids)
		return recs, errs, err
	}
	return r.reads.load(ctx, ids)
}

func (r sqlReader) get(ctx context.Context, id string) (*record.Record, error) {
	recs, errs, err := r.load(ctx, []string{id})
	if err != nil {
		return nil, err
	}
	if err := errs[id]; err != nil {
		return nil, err
	}
	if recs[id] == nil {
		return nil, recordNotFound(id)
	}
	return recs[id].Clone(), nil // the cached record is shared
}

func (r sqlReader) attemptOwner(ctx context.Context, attemptID string) (string, error) {
	owners, err := r.q.attemptOwners(ctx, []string{attemptID})
	return owners[attemptID], err
}

func (r sqlReader) list(ctx context.Context, q ListQuery, cur *cursor) ([]*record.Record, bool, error) {
	query, args := listSQL(q, cur, r.ph)
	ids, err := r.q.ids(ctx, query, args)
	if err != nil {
		return nil, false, err
	}
	return listed(ctx, r, ids, q.Limit, cur)
}

func (r sqlReader) log(ctx context.Context, id string, fn func(version uint64, line []byte) error) error {
	vls, err := r.q.reportsUpTo(ctx, id, math.MaxInt64)
	if err != nil {
		return err
	}
	for _, vl := range vls {
		if err := fn(vl.version, vl.line); err != nil {
			return err
		}
	}
	return nil
}

// readGroup serves concurrent loads of records with shared queries: while
// one query is running, the loads that arrive wait, and the next query
// answers all of them at once (group read), so that n readers cost one
// query, not n.
//
// A load is answered only by a query that started after it arrived: such
// a query sees every report committed before the load began, including
// those of other Stores and processes, so that a read sees every Apply
// that returned before it (the cache holds only committed versions, which
// the query's snapshot includes). Answering a load with a query already
// running would be cheaper, but could miss a write that committed after
// that query began and before the load.
//
// A query serving several loads runs on a goroutine of the group's, not
// on a caller's, so that each caller can stop waiting when its context
// ends without holding up the others; such a query is canceled only when
// every load it serves has gone. A lone load runs its own query (see
// load).
type readGroup struct {
	l loader

	mu      sync.Mutex
	pending []*readCall // arrived since the running query began
	running bool        // a query is running, or the group's goroutine (see load)
}

// readCall is one load waiting in a readGroup.
type readCall struct {
	ids  []string
	done chan struct{} // closed once res is set
	res  *readResult

	// Guarded by readGroup.mu: the query serving the call (nil while it
	// waits for one), and whether its caller went away.
	batch *readBatch
	gone  bool
}

// readBatch is one query of a readGroup and the loads it serves.
type readBatch struct {
	live   int // loads whose callers are still waiting
	cancel context.CancelFunc
}

// readResult is what one query read: shared, read-only, by the loads it
// served.
type readResult struct {
	recs map[string]*record.Record
	errs map[string]error
	err  error
}

// maxGroupRead bounds how many IDs one query of a readGroup asks for
// (a load asking for more still gets a query of its own).
const maxGroupRead = 1000

// load returns, as loader.load, the current records with the given IDs,
// the errors of those that cannot be read back, or the error of the
// query; or ctx's error once ctx ends. The maps are shared: the caller
// must not change them, nor the records in them.
//
// A load that finds the group idle runs its query itself, under its own
// context, as it is the only one waiting for it; the loads arriving
// meanwhile are then served by the group's goroutine. Starting that
// goroutine for a lone load would double its latency (two goroutine
// wake-ups on a query of tens of microseconds).
func (g *readGroup) load(ctx context.Context, ids []string) (map[string]*record.Record, map[string]error, error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	g.mu.Lock()
	if !g.running {
		g.running = true
		g.mu.Unlock()
		recs, errs, _, _, err := g.l.load(ctx, ids)
		g.mu.Lock()
		if len(g.pending) > 0 {
			go g.run()
		} else {
			g.running = false
		}
		g.mu.Unlock()
		if err != nil && ctx.Err() != nil {
			err = ctx.Err()
		}
		return recs, errs, err
	}
	c := &readCall{ids: ids, done: make(chan struct{})}
	g.pending = append(g.pending, c)
	g.mu.Unlock()
	select {
	case <-c.done:
		return c.res.recs, c.res.errs, c.res.err
	case <-ctx.Done():
		select {
		case <-c.done: // answered as ctx ended: the answer is as good
			return c.res.recs, c.res.errs, c.res.err
		default:
		}
		g.leave(c)
		return nil, nil, ctx.Err()
	}
}

// leave withdraws a call whose caller stopped waiting: from the next
// query if it is still pending, or from its running query, which is
// canceled if no one else waits for it.
func (g *readGroup) leave(c *readCall) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if c.gone {
		return
	}
	c.gone = true
	if b := c.batch; b != nil {
		if b.live--; b.live == 0 {
			b.cancel()
		}
	}
}

// run runs queries until no load is pending, each for the loads pending
// when it starts.
func (g *readGroup) run() {
	for {
		calls, b, ctx := g.take()
		if calls == nil {
			return
		}
		var ids []string
		if len(calls) == 1 {
			ids = calls[0].ids
		} else {
			for _, c := range calls {
				ids = append(ids, c.ids...) // load reads a repeated ID once
			}
		}
		var res readResult
		res.recs, res.errs, _, _, res.err = g.l.load(ctx, ids)
		b.cancel()
		for _, c := range calls {
			c.res = &res
			close(c.done)
		}
	}
}

// take moves the pending loads whose callers still wait, up to
// maxGroupRead IDs, into a new batch, with the context its query runs
// under; nil calls when there are none, and the group stops running.
func (g *readGroup) take() ([]*readCall, *readBatch, context.Context) {
	g.mu.Lock()
	defer g.mu.Unlock()
	var calls []*readCall
	n, i := 0, 0
	for ; i < len(g.pending); i++ {
		c := g.pending[i]
		if c.gone {
			continue
		}
		if len(calls) > 0 && n+len(c.ids) > maxGroupRead {
			break
		}
		calls = append(calls, c)
		n += len(c.ids)
	}
	rest := copy(g.pending, g.pending[i:])
	clear(g.pending[rest:])
	g.pending = g.pending[:rest]
	if len(calls) == 0 {
		g.running = false
		return nil, nil, nil
	}
	// The query serves several callers: none of their contexts may end it
	// for the others. It ends when its last caller leaves.
	ctx, cancel := context.WithCancel(context.Background())
	b := &readBatch{live: len(calls), cancel: cancel}
	for _, c := range calls {
		c.batch = b
	}
	return calls, b, ctx
}

// listSQL builds the query for the IDs of a page and one more (to tell
// has_more), in the order of the page's direction; ph gives the n-th
// placeholder.
func listSQL(q ListQuery, cur *cursor, ph func(n int) string) (string, []any) {
	var b strings.Builder
	args := []any{q.Livemode}
	b.WriteString("SELECT id FROM records WHERE livemode = " + ph(1))
	if q.CreatedAfter != 0 {
		args = append(args, q.CreatedAfter)
		b.WriteString(" AND created > " + ph(len(args)))
	}
	if q.CreatedBefore != 0 {
		args = append(args, q.CreatedBefore)
		b.WriteString(" AND created < " + ph(len(args)))
	}
	order := "DESC"
	if cur != nil {
		op := "<"
		if cur.before {
			op, order = ">", "ASC"
		}
		args = append(args, cur.created, cur.id)
		fmt.Fprintf(&b, " AND (created, id) %s (%s, %s)", op, ph(len(args)-1), ph(len(args)))
	}
	args = append(args, q.Limit+1)
	fmt.Fprintf(&b, " ORDER BY created %s, id %s LIMIT %s", order, order, ph(len(args)))
	return b.String(), args
}

// listed loads the records of a page from the IDs listSQL found.
func listed(ctx context.Context, r sqlReader, ids []string, limit int, cur *cursor) ([]*record.Record, bool, error) {
	more := len(ids) > limit
	if more {
		ids = ids[:limit]
	}
	if cur != nil && cur.before {
		for i, j := 0, len(ids)-1; i < j; i, j = i+1, j-1 {
			ids[i], ids[j] = ids[j], ids[i]
		}
	}
	recs, errs, err := r.load(ctx, ids)
	if err != nil {
		return nil, false, err
	}
	out := make([]*record.Record, 0, len(ids))
	for _, id := range ids {
		if err := errs[id]; err != nil {
			return nil, false, err
		}
		if recs[id] == nil {
			return nil, false, corrupt(id, 1, "the record is listed but has no reports")
		}
		out = append(out, recs[id].Clone()) // the cached record is shared
	}
	return out, more, nil
}

// rows is what database/sql's and pgx's query results share.
type rows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
}

// scanReports reads rows of (record_id, version, line), by record.
func scanReports(rs rows) (map[string][]versionLine, error) {
	out := map[string][]versionLine{}
	for rs.Next() {
		var (
			id   string
			v    int64
			line []byte
		)
		if err := rs.Scan(&id, &v, &line); err != nil {
			return nil, err
		}
		out[id] = append(out[id], versionLine{uint64(v), line})
	}
	return out, rs.Err()
}

// scanPairs reads rows of two strings into a map from the first.
func scanPairs(rs rows) (map[string]string, error) {
	out := map[string]string{}
	for rs.Next() {
		var k, v string
		if err := rs.Scan(&k, &v); err != nil {
			return nil, err
		}
		out[k] = v
	}
	return out, rs.Err()
}

// keyColumns are the columns scanKeys reads, in its order.
const keyColumns = `key, fingerprint, created_ms, record_id, version, err_type, err_code, err_param, err_message, err_causes`

// scanKeys reads idempotency key rows of keyColumns.
func scanKeys(rs rows) (map[string]*storedKey, error) {
	out := map[string]*storedKey{}
	for rs.Next() {
		var (
			k       string
			sk      storedKey
			ms, ver int64
		)
		if err := rs.Scan(&k, &sk.fp, &ms, &sk.recordID, &ver, &sk.errType, &sk.code, &sk.param, &sk.message, &sk.causes); err != nil {
			return nil, fmt.Errorf("idempotency key %q: %w", k, err)
		}
		sk.created, sk.version = time.UnixMilli(ms), uint64(ver)
		out[k] = &sk
	}
	return out, rs.Err()
}

// scanIDs reads rows of one string.
func scanIDs(rs rows) ([]string, error) {
	var out []string
	for rs.Next() {
		var id string
		if err := rs.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rs.Err()
}
