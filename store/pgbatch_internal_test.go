package store

import (
	"context"
	"fmt"
	"math"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/payrec/payrec/internal/pgenv"
)

// TestPostgresBatchIsOneTransaction checks what the PostgreSQL writers rely
// on: the statements of one pgconn batch sent outside BEGIN commit together
// or not at all, so that a batch whose last insert hits a taken key leaves
// none of its rows.
func TestPostgresBatchIsOneTransaction(t *testing.T) {
	dsn, schema := testSchema(t, "batchtx")
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, dsn)
	require.NoError(t, err)
	defer pool.Close()
	_, err = pool.Exec(ctx, "CREATE TABLE "+schema+".t (id int PRIMARY KEY)")
	require.NoError(t, err)

	var b pgconn.Batch
	for _, v := range []string{"1", "2", "1"} {
		b.ExecParams("INSERT INTO "+schema+".t VALUES ($1)", [][]byte{[]byte(v)}, nil, nil, nil)
	}
	c, err := pool.Acquire(ctx)
	require.NoError(t, err)
	defer c.Release()
	err = c.Conn().PgConn().ExecBatch(ctx, &b).Close()
	require.Error(t, err)
	assert.True(t, retryable(err), "a unique violation is a lost race: %v", err)
	var n int
	require.NoError(t, pool.QueryRow(ctx, "SELECT count(*) FROM "+schema+".t").Scan(&n))
	assert.Zero(t, n, "rows of a failed batch")
}

// TestPgParamsRoundTrip sends arrays and a scalar encoded by pgParams to
// PostgreSQL and reads them back decoded by pgx: empty arrays, text
// beyond ASCII, bytes that are not text, negative and extreme integers.
func TestPgParamsRoundTrip(t *testing.T) {
	dsn := testPostgres(t)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	require.NoError(t, err)
	defer conn.Close(ctx)
	const sql = `SELECT $1::text[], $2::bigint[], $3::bytea[], $4::boolean[], $5::text[], $6::bigint`
	_, err = conn.Prepare(ctx, "round_trip", sql)
	require.NoError(t, err)

	texts := []string{"pr_0VcOqr2WDGVpNRSkbTmpao9z", "", "clé €", "x\ty"}
	ints := []int64{0, -1, 1 << 40, math.MinInt64, math.MaxInt64}
	bytes := [][]byte{{0, 0xff, 0x80}, {}, []byte(`{"op":"report_payment"}`)}
	bools := []bool{true, false, true}
	var e pgParams
	for round := range 2 { // the second reuses the first's buffers
		e.reset()
		e.begin(oidText, len(texts))
		for _, s := range texts {
			e.text(s)
		}
		e.begin(oidInt8, len(ints))
		for _, v := range ints {
			e.int8(v)
		}
		e.begin(oidBytea, len(bytes))
		for _, b := range bytes {
			e.bytea(b)
		}
		e.begin(oidBool, len(bools))
		for _, b := range bools {
			e.bool(b)
		}
		e.begin(oidText, 0)
		e.scalarInt8(-42)
		values := e.values()
		require.Len(t, values, 6)

		rr := conn.PgConn().ExecPrepared(ctx, "round_trip", values, pgBinary, pgBinary)
		res := rr.Read()
		require.NoError(t, res.Err, "round %d", round)
		require.Len(t, res.Rows, 1)
		m := conn.TypeMap()
		var (
			gotTexts, gotEmpty []string
			gotInts            []int64
			gotBytes           [][]byte
			gotBools           []bool
			gotScalar          int64
		)
		oids := []uint32{pgtype.TextArrayOID, pgtype.Int8ArrayOID, pgtype.ByteaArrayOID, pgtype.BoolArrayOID, pgtype.TextArrayOID, pgtype.Int8OID}
		into := []any{&gotTexts, &gotInts, &gotBytes, &gotBools, &gotEmpty, &gotScalar}
		for i, v := range res.Rows[0] {
			require.NoError(t, m.Scan(oids[i], 1, v, into[i]), "column %d", i+1)
		}
		assert.Equal(t, texts, gotTexts)
		assert.Equal(t, ints, gotInts)
		assert.Equal(t, bytes, gotBytes)
		assert.Equal(t, bools, gotBools)
		assert.Empty(t, gotEmpty)
		assert.Equal(t, int64(-42), gotScalar)
	}
}

// testPostgres returns the DSN of the database the PostgreSQL tests use,
// or skips t.
func testPostgres(t testing.TB) string {
	dsn := os.Getenv(pgenv.Var)
	if dsn == "" {
		t.Skip(pgenv.Skipped("store"))
	}
	return dsn
}

// testSchema creates a schema of its own, named after name and this
// process, in the database the PostgreSQL tests use; it is dropped when t
// ends. It returns that database's DSN and the schema's name, and skips t
// when there is no database.
func testSchema(t testing.TB, name string) (dsn, schema string) {
	t.Helper()
	dsn = testPostgres(t)
	ctx := context.Background()
	schema = fmt.Sprintf("payrec_%s_%d", name, os.Getpid())
	conn, err := pgx.Connect(ctx, dsn)
	require.NoError(t, err)
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, "CREATE SCHEMA "+schema)
	require.NoError(t, err)
	t.Cleanup(func() {
		conn, err := pgx.Connect(ctx, dsn)
		if err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	return dsn, schema
}
