package store_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

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
