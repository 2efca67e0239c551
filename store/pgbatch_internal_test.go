package store

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestPostgresBatchIsOneTransaction checks what the PostgreSQL writers rely
// on: the statements of one pgx batch sent outside BEGIN commit together or
// not at all, so that a batch whose last insert hits a taken key leaves
// none of its rows.
func TestPostgresBatchIsOneTransaction(t *testing.T) {
	dsn := os.Getenv("PAYREC_TEST_POSTGRES")
	if dsn == "" {
		t.Skip("PostgreSQL tests skipped; set PAYREC_TEST_POSTGRES=postgres://postgres@127.0.0.1:5432/test?sslmode=disable to run them")
	}
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, dsn)
	require.NoError(t, err)
	defer pool.Close()
	schema := fmt.Sprintf("payrec_batchtx_%d", os.Getpid())
	_, err = pool.Exec(ctx, "CREATE SCHEMA "+schema+"; CREATE TABLE "+schema+".t (id int PRIMARY KEY)")
	require.NoError(t, err)
	defer pool.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE")

	b := &pgx.Batch{}
	b.Queue("INSERT INTO " + schema + ".t VALUES (1)")
	b.Queue("INSERT INTO " + schema + ".t VALUES (2)")
	b.Queue("INSERT INTO " + schema + ".t VALUES (1)")
	err = pool.SendBatch(ctx, b).Close()
	require.Error(t, err)
	assert.True(t, retryable(err), "a unique violation is a lost race: %v", err)
	var n int
	require.NoError(t, pool.QueryRow(ctx, "SELECT count(*) FROM "+schema+".t").Scan(&n))
	assert.Zero(t, n, "rows of a failed batch")
}
