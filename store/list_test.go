package store_test

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/payrec/payrec"
	"github.com/payrec/payrec/record/recordtest"
	"github.com/payrec/payrec/store"
)

// listed is what the list model knows of a stored record.
type listed struct {
	id       string
	created  int64
	livemode bool
}

// listFixture stores 25 test-mode records, created three per second (so
// that creation times tie and the ID decides), and 3 live-mode ones. It
// returns them newest first, as List orders them.
func listFixture(t *testing.T, s *store.Store) []listed {
	t.Helper()
	var all []listed
	for i := range 28 {
		// IDs not in creation order, so that ordering by ID alone is wrong
		id := fmt.Sprintf("pr_l%02d", (i*11)%28)
		p := payment(id, 100+int64(i))
		p.Created = t0 + int64(i/3)
		p.InitiatedAt = p.Created
		p.Livemode = i%9 == 8
		apply(t, s, "", p)
		all = append(all, listed{id, p.Created, p.Livemode})
	}
	slices.SortFunc(all, func(a, b listed) int {
		return cmp.Or(cmp.Compare(b.created, a.created), cmp.Compare(b.id, a.id))
	})
	return all
}

// listModel answers q over all (newest first) as Stripe's cursor
// pagination does. A cursor stands for its record's place in the order,
// whether or not the record itself passes q's filters.
func listModel(all []listed, q store.ListQuery) ([]string, bool) {
	limit := q.Limit
	if limit == 0 {
		limit = 10
	}
	pos := func(id string) int {
		return slices.IndexFunc(all, func(l listed) bool { return l.id == id })
	}
	ids := []string{}
	for i, l := range all {
		if l.livemode != q.Livemode ||
			(q.CreatedAfter != 0 && l.created <= q.CreatedAfter) ||
			(q.CreatedBefore != 0 && l.created >= q.CreatedBefore) ||
			(q.StartingAfter != "" && i <= pos(q.StartingAfter)) ||
			(q.EndingBefore != "" && i >= pos(q.EndingBefore)) {
			continue
		}
		ids = append(ids, l.id)
	}
	if len(ids) <= limit {
		return ids, false
	}
	if q.EndingBefore != "" {
		return ids[len(ids)-limit:], true
	}
	return ids[:limit], true
}

func pageIDs(p store.Page) []string {
	ids := make([]string, len(p.Records))
	for i, r := range p.Records {
		ids[i] = r.ID()
	}
	return ids
}

// TestListEdges walks the list with every kind of query at its edges.
func TestListEdges(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		s := open(t, b.newDSN(t))
		ctx := context.Background()
		all := listFixture(t, s)
		var test []listed
		for _, l := range all {
			if !l.livemode {
				test = append(test, l)
			}
		}
		require.Len(t, test, 25)
		first, last := test[0].id, test[len(test)-1].id
		mid := test[12]

		for _, c := range []struct {
			name string
			q    store.ListQuery
			n    int
			more bool
		}{
			{"default limit", store.ListQuery{}, 10, true},
			{"limit 1", store.ListQuery{Limit: 1}, 1, true},
			{"limit 24", store.ListQuery{Limit: 24}, 24, true},
			{"limit 25: all, no more", store.ListQuery{Limit: 25}, 25, false},
			{"limit 100", store.ListQuery{Limit: 100}, 25, false},
			{"after the oldest: empty", store.ListQuery{StartingAfter: last}, 0, false},
			{"before the newest: empty", store.ListQuery{EndingBefore: first}, 0, false},
			{"after the newest", store.ListQuery{StartingAfter: first, Limit: 100}, 24, false},
			{"after the newest, limit 24", store.ListQuery{StartingAfter: first, Limit: 24}, 24, false},
			{"after the newest, limit 23", store.ListQuery{StartingAfter: first, Limit: 23}, 23, true},
			{"before the oldest", store.ListQuery{EndingBefore: last, Limit: 5}, 5, true},
			{"before the oldest, all", store.ListQuery{EndingBefore: last, Limit: 24}, 24, false},
			{"created after, strict", store.ListQuery{CreatedAfter: mid.created, Limit: 100}, -1, false},
			{"created before, strict", store.ListQuery{CreatedBefore: mid.created, Limit: 100}, -1, false},
			{"created in one second", store.ListQuery{CreatedAfter: mid.created - 1, CreatedBefore: mid.created + 1}, 3, false},
			{"created nowhere", store.ListQuery{CreatedAfter: t0 + 100}, 0, false},
			{"live mode", store.ListQuery{Livemode: true}, 3, false},
			{"live mode, limit 2", store.ListQuery{Livemode: true, Limit: 2}, 2, true},
			{"cursor and bounds", store.ListQuery{StartingAfter: mid.id, CreatedAfter: t0 + 1, Limit: 3}, 3, true},
		} {
			t.Run(c.name, func(t *testing.T) {
				wantIDs, wantMore := listModel(all, c.q)
				if c.n >= 0 {
					require.Len(t, wantIDs, c.n, "the model disagrees with the case")
					require.Equal(t, c.more, wantMore, "the model disagrees with the case")
				}
				page, err := s.List(ctx, c.q)
				require.NoError(t, err)
				assert.Equal(t, wantIDs, pageIDs(page))
				assert.Equal(t, wantMore, page.HasMore, "has_more")
			})
		}

		// every listed record is the stored one
		page, err := s.List(ctx, store.ListQuery{Limit: 100, Livemode: true})
		require.NoError(t, err)
		for _, r := range page.Records {
			recordtest.Equal(t, r, get(t, s, r.ID()))
		}
	})
}

// TestListWalk pages through all records forward with starting_after and
// backward with ending_before: each record appears once, in order.
func TestListWalk(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		s := open(t, b.newDSN(t))
		ctx := context.Background()
		all := listFixture(t, s)
		want, _ := listModel(all, store.ListQuery{Limit: 100})

		for _, limit := range []int{1, 7, 25} {
			var got []string
			q := store.ListQuery{Limit: limit}
			for pages := 0; ; pages++ {
				require.Less(t, pages, 30, "forward walk does not end")
				page, err := s.List(ctx, q)
				require.NoError(t, err)
				got = append(got, pageIDs(page)...)
				if !page.HasMore {
					break
				}
				q.StartingAfter = page.Records[len(page.Records)-1].ID()
			}
			assert.Equal(t, want, got, "forward, limit %d", limit)

			got = nil
			q = store.ListQuery{Limit: limit, EndingBefore: want[len(want)-1]}
			for pages := 0; ; pages++ {
				require.Less(t, pages, 30, "backward walk does not end")
				page, err := s.List(ctx, q)
				require.NoError(t, err)
				got = append(pageIDs(page), got...)
				if !page.HasMore {
					break
				}
				q.EndingBefore = page.Records[0].ID()
			}
			assert.Equal(t, want[:len(want)-1], got, "backward, limit %d", limit)
		}
	})
}

// TestListRefusals: queries Stripe refuses are *payrec.Error parameter
// errors, never a panic or an empty page.
func TestListRefusals(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		s := open(t, b.newDSN(t))
		ctx := context.Background()
		listFixture(t, s)
		for _, c := range []struct {
			name string
			q    store.ListQuery
		}{
			{"limit 101", store.ListQuery{Limit: 101}},
			{"negative limit", store.ListQuery{Limit: -1}},
			{"both cursors", store.ListQuery{StartingAfter: "pr_l01", EndingBefore: "pr_l05"}},
		} {
			_, err := s.List(ctx, c.q)
			require.ErrorIs(t, err, payrec.ErrInvalidParameter, c.name)
			var pe *payrec.Error
			require.ErrorAs(t, err, &pe, c.name)
			assert.NotEmpty(t, pe.Param, c.name)
		}
		for _, q := range []store.ListQuery{{StartingAfter: "pr_nope"}, {EndingBefore: "pr_nope"}} {
			_, err := s.List(ctx, q)
			require.Error(t, err, "unknown cursor %+v", q)
			var pe *payrec.Error
			require.ErrorAs(t, err, &pe)
			assert.True(t, errorsIsAny(err, payrec.ErrInvalidParameter, store.ErrNotFound), "unknown cursor: %v", err)
		}
	})
}

// TestListProperty draws queries at random over a fixed set of records and
// compares every page with the model.
func TestListProperty(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		s := open(t, b.newDSN(t))
		all := listFixture(t, s)
		var checks int
		rapid.Check(t, func(rt *rapid.T) {
			checks++
			q := store.ListQuery{
				Limit:    rapid.IntRange(0, 30).Draw(rt, "limit"),
				Livemode: rapid.IntRange(0, 4).Draw(rt, "live") == 0,
			}
			var inMode []string
			for _, l := range all {
				if l.livemode == q.Livemode {
					inMode = append(inMode, l.id)
				}
			}
			switch rapid.IntRange(0, 2).Draw(rt, "cursor") {
			case 1:
				q.StartingAfter = rapid.SampledFrom(inMode).Draw(rt, "starting_after")
			case 2:
				q.EndingBefore = rapid.SampledFrom(inMode).Draw(rt, "ending_before")
			}
			if rapid.Bool().Draw(rt, "created_after") {
				q.CreatedAfter = t0 - 1 + rapid.Int64Range(0, 10).Draw(rt, "after")
			}
			if rapid.Bool().Draw(rt, "created_before") {
				q.CreatedBefore = t0 + rapid.Int64Range(0, 10).Draw(rt, "before")
			}
			wantIDs, wantMore := listModel(all, q)
			page, err := s.List(context.Background(), q)
			require.NoError(rt, err, "%+v", q)
			assert.Equal(rt, wantIDs, pageIDs(page), "%+v", q)
			assert.Equal(rt, wantMore, page.HasMore, "has_more of %+v", q)
		})
		t.Logf("%d queries checked against the model", checks)
	})
}

func errorsIsAny(err error, targets ...error) bool {
	for _, t := range targets {
		if errors.Is(err, t) {
			return true
		}
	}
	return false
}
