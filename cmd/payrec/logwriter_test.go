package main

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// callWriter keeps what it is given and counts its calls; delay, when set,
// makes each call as slow as a costly write(2).
type callWriter struct {
	delay time.Duration
	mu    sync.Mutex
	b     bytes.Buffer
	calls int
}

func (c *callWriter) Write(p []byte) (int, error) {
	time.Sleep(c.delay)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls++
	return c.b.Write(p)
}

func (c *callWriter) String() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.b.String()
}

func (c *callWriter) Calls() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.calls
}

// writeLines has each of writers goroutines write n numbered lines to w,
// padded so that a line cut or mixed with another cannot pass for whole.
func writeLines(t *testing.T, w *logWriter, writers, n int) {
	t.Helper()
	pad := strings.Repeat("x", 100)
	var wg sync.WaitGroup
	for g := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range n {
				_, err := fmt.Fprintf(w, "g=%d i=%d %s end\n", g, i, pad)
				assert.NoError(t, err)
			}
		}()
	}
	wg.Wait()
}

// checkLines wants in out every line of writeLines exactly once, whole, and
// each goroutine's lines in the order it wrote them.
func checkLines(t *testing.T, out string, writers, n int) {
	t.Helper()
	pad := strings.Repeat("x", 100)
	next := make([]int, writers)
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	require.Equal(t, writers*n, len(lines), "lines")
	for _, line := range lines {
		var g, i int
		_, err := fmt.Sscanf(line, "g=%d i=%d", &g, &i)
		require.NoError(t, err, "line %q", line)
		require.True(t, g >= 0 && g < writers, "line %q", line)
		require.Equal(t, fmt.Sprintf("g=%d i=%d %s end", g, i, pad), line)
		require.Equal(t, next[g], i, "goroutine %d's lines out of order", g)
		next[g]++
	}
}

// TestLogWriterConcurrentLines: lines written at once from many goroutines
// all reach the underlying writer after Close, each once and whole, each
// goroutine's in order.
func TestLogWriterConcurrentLines(t *testing.T) {
	cw := &callWriter{}
	w := newLogWriter(cw)
	writeLines(t, w, 16, 2000)
	require.NoError(t, w.Close())
	checkLines(t, cw.String(), 16, 2000)
}

// blockWriter blocks each Write until release is closed, telling entered
// that a write has begun.
type blockWriter struct {
	entered chan struct{}
	release chan struct{}
	callWriter
}

func (b *blockWriter) Write(p []byte) (int, error) {
	select {
	case b.entered <- struct{}{}:
	default:
	}
	<-b.release
	return b.callWriter.Write(p)
}

// TestLogWriterBounded: while the underlying writer is stalled, Write
// buffers up to the limit and then waits; when the writer drains, the
// waiting Write returns, and nothing is lost or reordered.
func TestLogWriterBounded(t *testing.T) {
	bw := &blockWriter{entered: make(chan struct{}, 1), release: make(chan struct{})}
	release := sync.OnceFunc(func() { close(bw.release) })
	t.Cleanup(release) // a Write stuck by a failure returns
	w := newLogWriter(bw)
	var want bytes.Buffer
	write := func(i int) {
		line := fmt.Sprintf("%d %s\n", i, strings.Repeat("y", 64<<10))
		want.WriteString(line)
		n, err := w.Write([]byte(line))
		assert.NoError(t, err)
		assert.Equal(t, len(line), n)
	}
	// Line 0 stalls the flusher; then Write buffers lines while the buffer
	// is within the limit, and waits on the next one.
	filled, returned := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(returned)
		write(0)
		<-bw.entered
		taken := want.Len()
		i := 1
		for ; want.Len()-taken <= logWriterLimit; i++ {
			write(i)
		}
		close(filled)
		write(i)
	}()
	select {
	case <-filled:
	case <-time.After(10 * time.Second):
		t.Fatal("Write waited with the buffer within the limit")
	}
	select {
	case <-returned:
		t.Fatal("Write returned with the buffer over the limit and the writer stalled")
	case <-time.After(200 * time.Millisecond):
	}
	release()
	select {
	case <-returned:
	case <-time.After(10 * time.Second):
		t.Fatal("Write still waiting after the writer drained")
	}
	require.NoError(t, w.Close())
	assert.True(t, bw.String() == want.String(), "the underlying writer got %d bytes, want %d in order", len(bw.String()), want.Len())
}

// TestLogWriterClose: what was written before Close is all out when Close
// returns, even from a writer slower than the lines; a line written after
// Close goes straight out; Close again does nothing.
func TestLogWriterClose(t *testing.T) {
	cw := &callWriter{delay: time.Millisecond}
	w := newLogWriter(cw)
	writeLines(t, w, 4, 500)
	require.NoError(t, w.Close())
	checkLines(t, cw.String(), 4, 500)
	_, err := fmt.Fprintf(w, "after close\n")
	require.NoError(t, err)
	assert.True(t, strings.HasSuffix(cw.String(), "end\nafter close\n"))
	require.NoError(t, w.Close())
}

// TestLogWriterCoalesces: under a steady load from several goroutines,
// with each underlying write as slow as a costly syscall, many lines go out
// per write.
func TestLogWriterCoalesces(t *testing.T) {
	cw := &callWriter{delay: 100 * time.Microsecond}
	w := newLogWriter(cw)
	const writers, n = 8, 500
	writeLines(t, w, writers, n)
	require.NoError(t, w.Close())
	checkLines(t, cw.String(), writers, n)
	t.Logf("%d lines in %d writes", writers*n, cw.Calls())
	assert.Less(t, cw.Calls(), writers*n/2)
}

// TestLogWriterIdle: a line written to an idle logWriter goes out without
// waiting for another line or for Close.
func TestLogWriterIdle(t *testing.T) {
	cw := &callWriter{}
	w := newLogWriter(cw)
	defer w.Close()
	fmt.Fprintf(w, "alone\n")
	assert.Eventually(t, func() bool { return cw.String() == "alone\n" }, 10*time.Second, time.Millisecond)
}
