package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/payrec/payrec/store"
)

func TestSQLiteCorruptAndNewerSchema(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "payrec.db")
	s, err := store.Open(ctx, "sqlite:"+path)
	require.NoError(t, err)
	_, err = s.Apply(ctx, "", create("pr_c", 100))
	require.NoError(t, err)
	_, err = s.Apply(ctx, "pr_c", refund("re_1", 100))
	require.NoError(t, err)
	require.NoError(t, s.Close())

	db, err := sql.Open("sqlite", "file:"+path)
	require.NoError(t, err)
	defer db.Close()
	_, err = db.Exec(`UPDATE reports SET line = '{"op":"report_refund","id":"pr_c","params":{' WHERE record_id = 'pr_c' AND version = 2`)
	require.NoError(t, err)

	s, err = store.Open(ctx, "sqlite:"+path)
	require.NoError(t, err)
	_, err = s.Get(ctx, "pr_c")
	require.ErrorIs(t, err, store.ErrCorrupt)
	assert.Contains(t, err.Error(), `record "pr_c" version 2`)
	_, err = s.Apply(ctx, "pr_c", refund("re_2", 100))
	require.ErrorIs(t, err, store.ErrCorrupt)
	require.NoError(t, s.Close())

	_, err = db.Exec(`UPDATE payrec_schema SET version = 99`)
	require.NoError(t, err)
	_, err = store.Open(ctx, "sqlite:"+path)
	require.ErrorIs(t, err, store.ErrSchemaTooNew)
	assert.Contains(t, err.Error(), "99")
}

// TestSQLitePrunesExpiredKeys checks that expired idempotency keys leave
// the table, not only that they are ignored.
func TestSQLitePrunesExpiredKeys(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "payrec.db")
	now := time.Unix(1_800_000_000, 0)
	s, err := store.Open(ctx, "sqlite:"+path, store.WithClock(func() time.Time { return now }))
	require.NoError(t, err)
	defer s.Close()
	_, err = s.Apply(ctx, "", create("pr_p", 100))
	require.NoError(t, err)
	for i := range 3 {
		_, err = s.Apply(ctx, "pr_p", refund(fmt.Sprint("re_", i), 1), store.IdempotencyKey(fmt.Sprint("old_", i)))
		require.NoError(t, err)
	}
	db, err := sql.Open("sqlite", "file:"+path)
	require.NoError(t, err)
	defer db.Close()
	count := func() (n int) {
		require.NoError(t, db.QueryRow(`SELECT count(*) FROM idempotency_keys`).Scan(&n))
		return n
	}
	require.Equal(t, 3, count())

	now = now.Add(store.DefaultIdempotencyTTL + time.Minute)
	_, err = s.Apply(ctx, "pr_p", refund("re_new", 1), store.IdempotencyKey("new"))
	require.NoError(t, err)
	assert.Equal(t, 1, count(), "only the new key is left")
}
