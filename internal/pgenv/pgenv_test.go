package pgenv_test

import (
	"io"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/payrec/payrec/internal/pgenv"
)

// stdout runs f and returns what it wrote to standard output.
func stdout(t *testing.T, f func()) string {
	r, w, err := os.Pipe()
	require.NoError(t, err)
	saved := os.Stdout
	os.Stdout = w
	f()
	os.Stdout = saved
	require.NoError(t, w.Close())
	b, err := io.ReadAll(r)
	require.NoError(t, err)
	return string(b)
}

func TestNoteSkipped(t *testing.T) {
	t.Setenv(pgenv.Var, "")
	got := stdout(t, func() { pgenv.NoteSkipped("store") })
	assert.Equal(t, pgenv.Skipped("store")+"\n", got)
	assert.Contains(t, got, "store: PostgreSQL tests skipped")
	assert.Contains(t, got, pgenv.Var+"='"+pgenv.Example+"'", "the note says how to run them")

	t.Setenv(pgenv.Var, pgenv.Example)
	assert.Empty(t, stdout(t, func() { pgenv.NoteSkipped("store") }), "nothing to note when the tests run")
	assert.Equal(t, pgenv.Example, pgenv.URL())
}
