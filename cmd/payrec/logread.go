package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"sync"

	"github.com/payrec/payrec/internal/jsonscan"
	"github.com/payrec/payrec/record"
)

// Decoding a line takes more than half of a replay's time, and lines decode
// independently, while reports must be applied one after another in log
// order. So the log is read in batches: a batch is decoded on every CPU
// while the previous one is applied. What record.LogReader does line by line
// — split lines, skip blank ones, decode with record.Entry.UnmarshalJSON,
// name the line in a decoding error — is done here per batch, with the same
// results (TestLogBatchesMatchLogReader holds the two together).

// batchLines is the most non-blank lines a batch holds: enough to spread
// over the CPUs, few enough that memory does not depend on the log's size.
const batchLines = 1024

// logBatches reads a report log in decoded batches.
type logBatches struct {
	r          *bufio.Reader
	line       int   // lines read so far, blank ones included
	err        error // io.EOF or the error that ended reading; sticky
	workers    int
	neverWaits bool     // see neverWaits
	free       []*batch // released batches, for reuse
}

func newLogBatches(r io.Reader) *logBatches {
	return &logBatches{
		r:          bufio.NewReaderSize(r, record.MaxLogLine+len("\r\n")),
		workers:    runtime.GOMAXPROCS(0),
		neverWaits: neverWaits(r),
	}
}

// neverWaits reports whether reading r can only be as slow as the disk or
// memory: a regular file, or bytes already in memory. Batches from such a
// reader are always full, which keeps decoding and applying overlapped;
// from a pipe or a terminal, a batch ends when no whole line is buffered.
func neverWaits(r io.Reader) bool {
	switch r := r.(type) {
	case *bytes.Reader, *strings.Reader:
		return true
	case *os.File:
		fi, err := r.Stat()
		return err == nil && fi.Mode().IsRegular()
	}
	return false
}

// batch is a run of non-blank log lines and, once done is closed, their
// decoded entries.
type batch struct {
	items []item
	arena []byte // the lines' bytes: the reader's buffer is reused
	// drained: the batch ended because the next line was not buffered whole
	// and reading it could wait; the caller flushes its output, so that a
	// log fed slowly through a pipe gets its answers without waiting for
	// more lines.
	drained bool
	err     error // an error that ended reading after the items
	done    chan struct{}
}

// item is one non-blank line.
type item struct {
	line       int // its number in the log, from 1
	start, end int // its bytes in the batch's arena
	entry      record.Entry
	err        error // a decoding error naming the line
}

// next reads the next batch and starts decoding it. It returns nil when the
// log is exhausted. A batch whose err is set is the last.
func (lb *logBatches) next() *batch {
	if lb.err != nil {
		return nil
	}
	b := lb.newBatch()
	for len(b.items) < batchLines {
		raw, err := lb.r.ReadSlice('\n')
		tooLong := errors.Is(err, bufio.ErrBufferFull)
		for errors.Is(err, bufio.ErrBufferFull) { // drop the rest of a long line
			raw, err = lb.r.ReadSlice('\n')
		}
		if err != nil && err != io.EOF {
			lb.err = fmt.Errorf("reading line %d: %w", lb.line+1, err)
			b.err = lb.err
			break
		}
		if len(raw) > 0 || tooLong {
			lb.line++
			content := bytes.TrimSuffix(bytes.TrimSuffix(raw, []byte{'\n'}), []byte{'\r'})
			if lb.line == 1 {
				content = bytes.TrimPrefix(content, []byte("\ufeff")) // as record.LogReader does
			}
			switch line := jsonscan.TrimSpace(content); {
			case tooLong || len(content) > record.MaxLogLine:
				b.items = append(b.items, item{line: lb.line, err: record.TooLongLineError(lb.line)})
			case len(line) > 0:
				start := len(b.arena)
				b.arena = append(b.arena, line...)
				b.items = append(b.items, item{line: lb.line, start: start, end: len(b.arena)})
			}
		}
		if err == io.EOF {
			lb.err = io.EOF
			break
		}
		if !lb.neverWaits && !lb.lineBuffered() {
			b.drained = true
			break
		}
	}
	if len(b.items) == 0 && b.err == nil && lb.err == io.EOF {
		return nil
	}
	b.decode(lb.workers)
	return b
}

// newBatch returns an empty batch, reusing a released one when it can:
// batches are large, and a replay needs only two at a time.
func (lb *logBatches) newBatch() *batch {
	var b *batch
	if n := len(lb.free); n > 0 {
		b, lb.free = lb.free[n-1], lb.free[:n-1]
		clear(b.items) // drop the entries' references
		*b = batch{items: b.items[:0], arena: b.arena[:0]}
	} else {
		b = &batch{items: make([]item, 0, batchLines), arena: make([]byte, 0, 256<<10)}
	}
	b.done = make(chan struct{})
	return b
}

// release hands b back for reuse once its entries are no longer needed.
// Entries do not point into the arena: record.Entry.UnmarshalJSON copies
// what it keeps, as json.Unmarshaler implementations must.
func (lb *logBatches) release(b *batch) { lb.free = append(lb.free, b) }

// lineBuffered reports whether the next line is already buffered whole, so
// that reading it cannot wait for input. The scan stops at that line's end.
func (lb *logBatches) lineBuffered() bool {
	buffered, _ := lb.r.Peek(lb.r.Buffered())
	return bytes.IndexByte(buffered, '\n') >= 0
}

// decode decodes the batch's lines on up to workers goroutines and closes
// done when all are decoded.
func (b *batch) decode(workers int) {
	n := len(b.items)
	const minChunk = 64 // below this a goroutine costs more than it saves
	workers = max(1, workers)
	chunk := max(minChunk, (n+workers-1)/workers)
	var wg sync.WaitGroup
	for i := 0; i < n; i += chunk {
		items := b.items[i:min(i+chunk, n)]
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range items {
				it := &items[j]
				if it.err == nil { // an error from reading leaves nothing to decode
					it.entry, it.err = record.ParseLogLine(b.arena[it.start:it.end], it.line)
				}
			}
		}()
	}
	go func() {
		wg.Wait()
		close(b.done)
	}()
}
