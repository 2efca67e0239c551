package store

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/payrec/payrec/record"
)

// sqlReader answers an SQL store's reads: through its queries, outside the
// writer, with the cache checked by version.
type sqlReader struct {
	q     queries
	cache *cache
	ph    func(n int) string // the n-th placeholder of the SQL dialect
}

func (r sqlReader) loader() loader { return loader{q: r.q, c: r.cache} }

func (r sqlReader) get(ctx context.Context, id string) (*record.Record, error) {
	rec, err := r.loader().get(ctx, id)
	if err != nil {
		return nil, err
	}
	return rec.Clone(), nil // the cached record is shared
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
	return listed(ctx, r.loader(), ids, q.Limit, cur)
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
func listed(ctx context.Context, l loader, ids []string, limit int, cur *cursor) ([]*record.Record, bool, error) {
	more := len(ids) > limit
	if more {
		ids = ids[:limit]
	}
	if cur != nil && cur.before {
		for i, j := 0, len(ids)-1; i < j; i, j = i+1, j-1 {
			ids[i], ids[j] = ids[j], ids[i]
		}
	}
	recs, errs, _, _, err := l.load(ctx, ids)
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
