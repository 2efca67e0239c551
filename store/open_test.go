package store_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/payrec/payrec/store"
)

// TestOpenRefusesSQLiteMemory: SQLite's own in-memory names are refused,
// pointing to "memory". The store opens a writer and a pool of readers,
// and each connection to ":memory:" is a database of its own, so Apply
// would succeed and every read fail; the "file:" and "?mode=memory" forms
// would make a file with that odd name in the working directory instead.
func TestOpenRefusesSQLiteMemory(t *testing.T) {
	t.Chdir(t.TempDir()) // what a wrongly accepted DSN creates lands here
	for _, dsn := range []string{
		"sqlite::memory:",
		"sqlite::memory:?cache=shared",
		"sqlite:file::memory:",
		"sqlite:file::memory:?cache=shared",
		"sqlite:file:payrec.db?mode=memory",
		"sqlite:payrec.db?cache=shared&mode=memory",
	} {
		t.Run(dsn, func(t *testing.T) {
			s, err := store.Open(context.Background(), dsn)
			if err == nil {
				_ = s.Close()
			}
			require.ErrorIs(t, err, store.ErrSQLiteMemory)
			assert.Contains(t, err.Error(), dsn)
			assert.Contains(t, err.Error(), `"memory"`, "the message names the DSN to use instead")
		})
	}
	entries, err := os.ReadDir(".")
	require.NoError(t, err)
	assert.Empty(t, entries, "a refused DSN creates no file")

	// A file whose name merely mentions memory is a file.
	path := filepath.Join(t.TempDir(), "memory.db")
	s, err := store.Open(context.Background(), "sqlite:"+path)
	require.NoError(t, err)
	_, err = s.Apply(context.Background(), "", create("pr_m", 100))
	require.NoError(t, err)
	_, err = s.Get(context.Background(), "pr_m")
	require.NoError(t, err)
	require.NoError(t, s.Close())
}
