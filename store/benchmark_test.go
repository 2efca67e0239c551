package store_test

// Benchmarks of package store. The figures in README.md come from:
//
//	go test -p 1 -run '^$' -bench . -benchmem -count 3 ./store
//
// with PAYREC_TEST_POSTGRES set for the PostgreSQL ones. Throughput is
// reported as reports/s; ns/op of a benchmark with concurrent appliers is
// wall time divided by reports, so it is 1/throughput, not a latency.

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/payrec/payrec/attempt"
	"github.com/payrec/payrec/record"
	"github.com/payrec/payrec/store"
)

// informational returns the i-th of an endless sequence of accepted
// reports that do not grow a record (the description alternates), so that
// what a benchmark measures does not drift with b.N.
var descriptions = [2]record.ReportPaymentAttemptInformationalParams{{Description: "even"}, {Description: "odd"}}

func informational(i int) record.Report { return descriptions[i%2] }

// BenchmarkApplyMemory: Apply on the memory backend, beside what it must
// at least do, apply the report in memory and copy the record for the
// caller.
func BenchmarkApplyMemory(b *testing.B) {
	ctx := context.Background()
	b.Run("store", func(b *testing.B) {
		s := open(b, "memory")
		apply(b, s, "pr_bench", payment("pr_bench", 1000))
		b.ReportAllocs()
		b.ResetTimer()
		for i := range b.N {
			if _, err := s.Apply(ctx, "pr_bench", informational(i)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("baseline-apply-clone", func(b *testing.B) {
		r, err := record.ReportPayment(payment("pr_bench", 1000))
		require.NoError(b, err)
		b.ReportAllocs()
		b.ResetTimer()
		for i := range b.N {
			if err := r.Apply(informational(i)); err != nil {
				b.Fatal(err)
			}
			_ = r.Clone()
		}
	})
}

// benchDSN returns a new database of backend name for b: SQLite in a
// temporary file, PostgreSQL in a schema of its own.
func benchDSN(b *testing.B, name string) string {
	switch name {
	case "sqlite":
		return sqliteBackend.newDSN(b)
	case "postgres":
		return newPostgresSchema(b)
	}
	return "memory"
}

// runAppliers applies b.N reports with n goroutines; goroutine g reports on
// ids[g%len(ids)]. It reports the throughput in reports/s.
func runAppliers(b *testing.B, handles []*store.Store, n int, ids []string) {
	ctx := context.Background()
	runConcurrently(b, n, "reports/s", func(g, i int) error {
		_, err := handles[g%len(handles)].Apply(ctx, ids[g%len(ids)], informational(i))
		return err
	})
}

// runConcurrently calls op b.N times from n goroutines, op(g, i) being the
// i-th call, made by goroutine g, and reports the calls per second as unit.
func runConcurrently(b *testing.B, n int, unit string, op func(g, i int) error) {
	var next atomic.Int64
	var wg sync.WaitGroup
	b.ResetTimer()
	start := time.Now()
	for g := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1)) - 1; i < b.N; i = int(next.Add(1)) - 1 {
				if err := op(g, i); err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	b.StopTimer()
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), unit)
}

// newRecords creates n records in s for a benchmark and returns their IDs.
func newRecords(b *testing.B, s *store.Store, n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = "pr_bench_" + strconv.Itoa(i)
		apply(b, s, ids[i], payment(ids[i], 1000))
	}
	return ids
}

// BenchmarkApplySQLite: durable Applies on SQLite by 1 and by 16 concurrent
// appliers, each on a record of its own.
func BenchmarkApplySQLite(b *testing.B) {
	for _, n := range []int{1, 16} {
		b.Run(fmt.Sprintf("appliers=%d", n), func(b *testing.B) {
			s := open(b, benchDSN(b, "sqlite"))
			runAppliers(b, []*store.Store{s}, n, newRecords(b, s, n))
		})
	}
}

// BenchmarkPostgres: 16 concurrent appliers on distinct records, beside
// the baseline of what the database can commit: a bare one-row INSERT per
// transaction by 16 concurrent connections, in the same run.
func BenchmarkPostgres(b *testing.B) {
	if os.Getenv(envPostgres) == "" {
		b.Skipf("set %s to run", envPostgres)
	}
	b.Run("baseline-insert-16", func(b *testing.B) {
		dsn := benchDSN(b, "postgres")
		ctx := context.Background()
		cfg, err := pgxpool.ParseConfig(dsn)
		require.NoError(b, err)
		cfg.MaxConns = 16
		pool, err := pgxpool.NewWithConfig(ctx, cfg)
		require.NoError(b, err)
		defer pool.Close()
		_, err = pool.Exec(ctx, "CREATE TABLE bench_rows (id bigserial PRIMARY KEY, payload text NOT NULL)")
		require.NoError(b, err)
		var next atomic.Int64
		var wg sync.WaitGroup
		b.ResetTimer()
		start := time.Now()
		for range 16 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for next.Add(1) <= int64(b.N) {
					// one statement outside BEGIN is one transaction
					if _, err := pool.Exec(ctx, "INSERT INTO bench_rows (payload) VALUES ($1)", `{"description":"even"}`); err != nil {
						b.Error(err)
						return
					}
				}
			}()
		}
		wg.Wait()
		b.StopTimer()
		b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "reports/s")
	})
	b.Run("apply-16", func(b *testing.B) {
		s := open(b, benchDSN(b, "postgres"))
		runAppliers(b, []*store.Store{s}, 16, newRecords(b, s, 16))
	})
}

// BenchmarkHotRecord: 16 appliers on one record, over two handles on one
// database (the memory store has one), with the optimistic-lock conflicts
// they retried per report.
func BenchmarkHotRecord(b *testing.B) {
	for _, name := range []string{"memory", "sqlite", "postgres"} {
		b.Run(name, func(b *testing.B) {
			dsn := benchDSN(b, name)
			handles := []*store.Store{open(b, dsn)}
			if name != "memory" {
				handles = append(handles, open(b, dsn))
			}
			ids := newRecords(b, handles[0], 1)
			retries := func() uint64 {
				var n uint64
				for _, s := range handles {
					n += s.Stats().Retries
				}
				return n
			}
			before := retries()
			runAppliers(b, handles, 16, ids)
			b.ReportMetric(float64(retries()-before)/float64(b.N), "retries/op")
		})
	}
}

// BenchmarkApplyHistory: Apply on records with 1 and with 1,000 reports
// before it (16 records in turn, so that the history grows by b.N/16). Two handles take turns (on SQL databases), so that each Apply
// finds the record changed by the other, as replicas do, and cannot rely
// on its cache alone. With "informational" reports the log grows but the
// record does not; with "refund" reports the record grows too (1,000
// refunds), which costs the record's own Clone.
func BenchmarkApplyHistory(b *testing.B) {
	for _, name := range []string{"memory", "sqlite", "postgres"} {
		for _, kind := range []string{"informational", "refund"} {
			for _, prior := range []int{1, 1000} {
				b.Run(fmt.Sprintf("%s/%s/prior=%d", name, kind, prior), func(b *testing.B) {
					benchHistory(b, name, kind, prior)
				})
			}
		}
	}
}

// historyRecords is how many records benchHistory takes turns on, so that
// b.N Applies add only b.N/historyRecords reports to each record's history.
const historyRecords = 16

func benchHistory(b *testing.B, name, kind string, prior int) {
	dsn := benchDSN(b, name)
	handles := []*store.Store{open(b, dsn)}
	if name != "memory" {
		handles = append(handles, open(b, dsn))
	}
	report := func(i int) record.Report {
		if kind == "refund" {
			return refundCents("re_"+strconv.Itoa(i), 1)
		}
		return informational(i)
	}
	ids := make([]string, historyRecords)
	var wg sync.WaitGroup
	for r := range ids {
		ids[r] = "pr_history_" + strconv.Itoa(r)
		wg.Add(1)
		go func() { // concurrently, so that SQL stores commit the setup in groups
			defer wg.Done()
			apply(b, handles[0], ids[r], guaranteedPayment(ids[r], 1<<40))
			for i := 1; i < prior; i++ {
				apply(b, handles[0], ids[r], report(i))
			}
		}()
	}
	wg.Wait()
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		if _, err := handles[i%len(handles)].Apply(ctx, ids[i%historyRecords], report(prior+i)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkGet: Gets by 32 goroutines of one record and of 32 records (one
// each), and by a lone reader, on the SQL stores, each read checked
// against the database. "grouped" is the store as it runs: the Gets that
// arrive while a query runs share the next one; "alone" is the baseline of
// one query per Get, in the same run.
func BenchmarkGet(b *testing.B) {
	for _, name := range []string{"sqlite", "postgres"} {
		for _, shape := range []struct {
			name             string
			readers, records int
		}{{"readers=32/records=1", 32, 1}, {"readers=32/records=32", 32, 32}, {"readers=1/records=1", 1, 1}} {
			for _, grouped := range []bool{true, false} {
				mode := "grouped"
				if !grouped {
					mode = "alone"
				}
				b.Run(fmt.Sprintf("%s/%s/%s", name, shape.name, mode), func(b *testing.B) {
					s := open(b, benchDSN(b, name))
					store.GroupReads(s, grouped)
					runReaders(b, s, shape.readers, newRecords(b, s, shape.records))
				})
			}
		}
	}
}

// runReaders gets b.N records with n goroutines; goroutine g reads
// ids[g%len(ids)]. It reports the throughput in reads/s.
func runReaders(b *testing.B, s *store.Store, n int, ids []string) {
	ctx := context.Background()
	for _, id := range ids {
		get(b, s, id) // cached, as a server's records are
	}
	b.ReportAllocs()
	runConcurrently(b, n, "reads/s", func(g, _ int) error {
		_, err := s.Get(ctx, ids[g%len(ids)])
		return err
	})
}

// BenchmarkCreate: what `payrec serve` asks of a store under load, 32
// concurrent appliers each creating new records with server-drawn IDs and
// an idempotency key per request, as Stripe's clients send. Every create
// writes a report, a record, an attempt and a key, at random places of
// their indexes.
func BenchmarkCreate(b *testing.B) {
	for _, name := range []string{"memory", "sqlite", "postgres"} {
		b.Run(name, func(b *testing.B) {
			if name == "postgres" && os.Getenv(envPostgres) == "" {
				b.Skipf("set %s to run", envPostgres)
			}
			s := open(b, benchDSN(b, name))
			ctx := context.Background()
			cpu0, db0 := cpuTime(), postgresCPU()
			runConcurrently(b, 32, "reports/s", func(int, int) error {
				p := payment(record.NewID(), 1000)
				p.AttemptID = attempt.NewID()
				p.Description = "computer software"
				p.Metadata = map[string]string{"order": "42"}
				_, err := s.Apply(ctx, "", p, store.IdempotencyKey("key-"+p.ID))
				return err
			})
			// CPU time per report is steadier than throughput on a shared
			// machine: other processes slow the run but do not add to it.
			b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/float64(b.N), "cpu-µs/report")
			if name == "postgres" && db0 >= 0 {
				b.ReportMetric(float64((postgresCPU()-db0).Microseconds())/float64(b.N), "db-cpu-µs/report")
			}
			if st := s.Stats(); st.Commits > 0 {
				b.ReportMetric(float64(st.Batched)/float64(st.Commits), "reports/commit")
			}
		})
	}
}

// cpuTime returns the CPU time this process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// postgresCPU returns the CPU time used by the processes named postgres on
// this machine, where the benchmarks' database runs, or -1 if it cannot
// tell (another system, or a database elsewhere: then the figure is not
// reported).
func postgresCPU() time.Duration {
	dirs, err := os.ReadDir("/proc")
	if err != nil {
		return -1
	}
	var ticks int64
	found := false
	for _, d := range dirs {
		if _, err := strconv.Atoi(d.Name()); err != nil {
			continue
		}
		stat, err := os.ReadFile("/proc/" + d.Name() + "/stat")
		if err != nil {
			continue
		}
		// pid (comm) state ppid … utime stime: fields 14 and 15.
		s := string(stat)
		open, shut := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
		if open < 0 || shut < open || s[open+1:shut] != "postgres" {
			continue
		}
		f := strings.Fields(s[shut+1:])
		if len(f) < 13 {
			continue
		}
		u, _ := strconv.ParseInt(f[11], 10, 64)
		k, _ := strconv.ParseInt(f[12], 10, 64)
		ticks += u + k
		found = true
	}
	if !found {
		return -1
	}
	return time.Duration(ticks) * time.Second / 100 // USER_HZ is 100 on Linux
}
