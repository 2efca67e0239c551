package main

import (
	"bufio"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// benchLog generates a log of lines lines about records records, in memory.
func benchLog(tb testing.TB, lines, records int) []byte {
	tb.Helper()
	var log bytes.Buffer
	require.NoError(tb, genLog(bufio.NewWriterSize(&log, 1<<20), genConfig{Lines: lines, Records: records, Seed: 1}, nil))
	return log.Bytes()
}

// BenchmarkReplay replays a generated 100 000-line log about 25 000
// records (four reports a record on average: creation, outcome, retries,
// refunds, informational updates, ~4% rejected) from memory to io.Discard,
// and reports lines per second.
//
//	go test -run '^$' -bench BenchmarkReplay -benchmem ./cmd/payrec
func BenchmarkReplay(b *testing.B) {
	const lines = 100_000
	log := benchLog(b, lines, 25_000)
	b.SetBytes(int64(len(log)))
	for b.Loop() {
		if _, err := replay(bytes.NewReader(log), io.Discard); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(lines)*float64(b.N)/b.Elapsed().Seconds(), "lines/s")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(lines*b.N), "ns/line")
}

// TestReplayThroughput replays a generated 1 000 000-line log about 50 000
// records from a file, through run, to io.Discard, and checks the target
// of 200 000 lines a second. It takes a few seconds, so it runs only when
// asked:
//
//	PAYREC_THROUGHPUT=1 go test -run TestReplayThroughput -count=1 -v ./cmd/payrec
func TestReplayThroughput(t *testing.T) {
	if os.Getenv("PAYREC_THROUGHPUT") == "" || testing.Short() {
		t.Skip("set PAYREC_THROUGHPUT=1 (and drop -short) to measure replay of a 1 000 000-line log")
	}
	const lines, records, target = 1_000_000, 50_000, 200_000
	path := filepath.Join(t.TempDir(), "big.jsonl")
	require.NoError(t, os.WriteFile(path, benchLog(t, lines, records), 0o644))

	start := time.Now()
	code := run([]string{"replay", "-allow-rejects", path}, nil, io.Discard, io.Discard)
	elapsed := time.Since(start)
	require.Equal(t, 0, code)
	rate := float64(lines) / elapsed.Seconds()
	t.Logf("replayed %d lines (%d records) in %v: %.0f lines/s", lines, records, elapsed.Round(time.Millisecond), rate)
	if rate < target {
		t.Errorf("throughput %.0f lines/s, want at least %d", rate, target)
	}
}

// TestReplayMemory shows that replay's memory follows the records, not the
// lines: it replays generated logs in process and reports the heap that
// stays live once the replay is done, per record and per line, with what
// the records hold (attempts, refunds). It runs only when asked:
//
//	PAYREC_MEMORY=1 go test -run TestReplayMemory -count=1 -v ./cmd/payrec
func TestReplayMemory(t *testing.T) {
	if os.Getenv("PAYREC_MEMORY") == "" || testing.Short() {
		t.Skip("set PAYREC_MEMORY=1 (and drop -short) to measure replay's live heap")
	}
	for _, c := range []struct{ lines, records int }{
		{100_000, 50_000}, {1_000_000, 50_000}, {1_000_000, 500_000},
	} {
		live := func() uint64 {
			runtime.GC()
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			return ms.HeapAlloc
		}
		before := live()
		rp := newReplayer()
		func() { // the log is garbage once this returns
			_, err := rp.replay(bytes.NewReader(benchLog(t, c.lines, c.records)), io.Discard)
			require.NoError(t, err)
		}()
		held := live() - before
		attempts, refunds := 0, 0
		for _, rec := range rp.records {
			attempts += rec.NumAttempts()
			refunds += len(rec.Refunds())
		}
		t.Logf("%8d lines %7d records (%7d attempts, %6d refunds): live heap %6.1f MB = %5.0f B/record, %4.0f B/line",
			c.lines, len(rp.records), attempts, refunds, float64(held)/1e6,
			float64(held)/float64(len(rp.records)), float64(held)/float64(c.lines))
		runtime.KeepAlive(rp)
	}
}
