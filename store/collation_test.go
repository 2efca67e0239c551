package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/payrec/payrec/store"
)

// TestPostgresListOrderUnderLocaleCollation: on a database whose default
// collation is a locale, schema version 1 gave records.id that collation,
// and records of one second listed in its order ("pr_a" before "pr_B")
// rather than bytewise as memory and SQLite list them. Open upgrades such
// a database; a fresh one gets the bytewise collation from the start.
func TestPostgresListOrderUnderLocaleCollation(t *testing.T) {
	ctx := context.Background()
	dsn := newPostgresDSN(t)
	conn, err := pgx.Connect(ctx, dsn)
	require.NoError(t, err)
	defer conn.Close(ctx)
	var locale string
	err = conn.QueryRow(ctx, `SELECT collname FROM pg_collation
		WHERE collname IN ('en-US-x-icu', 'en_US.utf8', 'en_US.UTF-8', 'en_US')
		ORDER BY collname = 'en-US-x-icu' DESC LIMIT 1`).Scan(&locale)
	if errors.Is(err, pgx.ErrNoRows) {
		t.Skip("this PostgreSQL server has no en_US collation to test with")
	}
	require.NoError(t, err)
	collationOfID := func() (c string) {
		require.NoError(t, conn.QueryRow(ctx, `SELECT coalesce(collation_name, '')
			FROM information_schema.columns
			WHERE table_schema = current_schema() AND table_name = 'records' AND column_name = 'id'`).Scan(&c))
		return c
	}

	ids := []string{"pr_a", "pr_B", "pr_c", "pr_A", "pr_b"}
	bytewise := []string{"pr_c", "pr_b", "pr_a", "pr_B", "pr_A"} // created desc, then id desc
	listed := func(s *store.Store, q store.ListQuery) []string {
		t.Helper()
		page, err := s.List(ctx, q)
		require.NoError(t, err)
		var got []string
		for _, r := range page.Records {
			got = append(got, r.ID())
		}
		return got
	}

	s, err := store.Open(ctx, dsn)
	require.NoError(t, err)
	assert.Equal(t, "C", collationOfID(), "a fresh database orders IDs bytewise")
	for _, id := range ids[:3] {
		_, err = s.Apply(ctx, "", create(id, 100))
		require.NoError(t, err)
	}
	require.NoError(t, s.Close())

	// The tables as schema version 1 left them on a database whose default
	// collation is a locale.
	_, err = conn.Exec(ctx, `ALTER TABLE records ALTER COLUMN id TYPE text COLLATE "`+locale+`"`)
	require.NoError(t, err)
	_, err = conn.Exec(ctx, `UPDATE payrec_schema SET version = 1`)
	require.NoError(t, err)
	var inLocale []string
	rows, err := conn.Query(ctx, `SELECT id FROM records ORDER BY created DESC, id DESC`)
	require.NoError(t, err)
	inLocale, err = pgx.CollectRows(rows, pgx.RowTo[string])
	require.NoError(t, err)
	require.Equal(t, []string{"pr_c", "pr_B", "pr_a"}, inLocale, "the locale orders otherwise, or this test shows nothing")

	s, err = store.Open(ctx, dsn)
	require.NoError(t, err)
	defer s.Close()
	assert.Equal(t, "C", collationOfID(), "Open upgrades the collation")
	var version int
	require.NoError(t, conn.QueryRow(ctx, `SELECT version FROM payrec_schema`).Scan(&version))
	assert.Greater(t, version, 1)
	for _, id := range ids[3:] {
		_, err = s.Apply(ctx, "", create(id, 100))
		require.NoError(t, err)
	}

	mem, err := store.Open(ctx, "memory")
	require.NoError(t, err)
	defer mem.Close()
	for _, id := range ids {
		_, err = mem.Apply(ctx, "", create(id, 100))
		require.NoError(t, err)
	}
	for _, q := range []store.ListQuery{
		{},
		{Limit: 2},
		{StartingAfter: "pr_a"},
		{StartingAfter: "pr_B", Limit: 1},
		{EndingBefore: "pr_B"},
		{EndingBefore: "pr_A", Limit: 2},
	} {
		want := listed(mem, q)
		assert.Equal(t, want, listed(s, q), "List(%+v)", q)
		if q == (store.ListQuery{}) {
			assert.Equal(t, bytewise, want)
		}
	}
}
