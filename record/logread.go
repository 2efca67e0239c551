package record

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"runtime"
	"strings"
	"sync"

	"github.com/payrec/payrec"
	"github.com/payrec/payrec/internal/jsonscan"
	"github.com/payrec/payrec/internal/wire"
)

// MaxLogLine is the longest report log line a LogReader accepts, in bytes.
// Every report a record accepts fits in one: the largest, a report_payment
// with every string at its limit in characters that JSON writes in six
// bytes and 50 metadata keys set and 50 removed, takes about 960 KB
// (TestLargestReportFitsALogLine).
const MaxLogLine = 1 << 20

// ErrLineTooLong is the cause of a report log line longer than MaxLogLine.
var ErrLineTooLong = errors.New("record: report log line too long")

// LogReader reads a report log: JSON lines, one Entry each. It keeps going
// after a bad line — malformed, not an entry, or longer than MaxLogLine —
// so that a caller can report it and carry on.
//
// Decoding a line costs more than applying its report, and lines decode
// independently, so a LogReader reads the log in batches of up to 1024
// non-blank lines and decodes each batch on every CPU; from a regular file
// or from memory it reads and decodes the next batch while the caller
// applies the current one. Its memory follows the batch, not the log. From
// a pipe or a terminal a batch ends when no whole line is waiting, so that
// every line is answered without waiting for more input: a LogReader reads
// from its source only when the caller has taken every entry before.
type LogReader struct {
	r          *bufio.Reader
	line       int   // lines read so far, blank ones included
	err        error // io.EOF or the error that ended reading; sticky
	last       int   // what Line returns
	workers    int
	neverWaits bool     // see neverWaits
	cur, ahead *batch   // the batch being handed out, and the next one
	pos        int      // the next item of cur
	free       []*batch // released batches, for reuse
}

// NewLogReader returns a LogReader reading from r.
func NewLogReader(r io.Reader) *LogReader {
	return &LogReader{
		r:          bufio.NewReaderSize(r, 64<<10),
		workers:    runtime.GOMAXPROCS(0),
		neverWaits: neverWaits(r),
	}
}

// Line returns the number of the line Next read last, counting from 1;
// after the end of the log or a read error, the number of lines read.
func (lr *LogReader) Line() int { return lr.last }

// Next returns the entry of the next non-blank line. It returns io.EOF at
// the end of the log; a *payrec.Error whose message names the line number
// for a line that is not a valid entry (the next call reads on); and an
// error of the underlying reader, which it returns again on every later
// call.
func (lr *LogReader) Next() (Entry, error) {
	for {
		if b := lr.cur; b != nil && lr.pos < len(b.items) {
			it := &b.items[lr.pos]
			lr.pos++
			lr.last = it.line
			return it.entry, it.err
		}
		if lr.cur != nil {
			lr.release(lr.cur)
			lr.cur = nil
		}
		b := lr.ahead
		lr.ahead = nil
		if b == nil {
			b = lr.read()
		}
		if b == nil {
			lr.last = lr.line
			return Entry{}, lr.err
		}
		<-b.done
		lr.cur, lr.pos = b, 0
		if lr.neverWaits {
			lr.ahead = lr.read() // decoded while the caller applies b
		}
	}
}

// batchLines is the most non-blank lines a batch holds: enough to spread
// over the CPUs, few enough that memory does not depend on the log's size.
const batchLines = 1024

// batch is a run of non-blank log lines and, once done is closed, their
// decoded entries.
type batch struct {
	items []item
	arena []byte // the lines' bytes: the reader's buffer is reused
	done  chan struct{}
}

// item is one non-blank line.
type item struct {
	line       int // its number in the log, from 1
	start, end int // its bytes in the batch's arena
	entry      Entry
	err        error // a decoding error naming the line, or the read error
}

// neverWaits reports whether reading r can only be as slow as the disk or
// memory: a regular file (anything whose Stat says so), or bytes already in
// memory. Batches from such a reader are always full, which keeps decoding
// and applying overlapped.
func neverWaits(r io.Reader) bool {
	switch r := r.(type) {
	case *bytes.Reader, *strings.Reader, *bytes.Buffer:
		return true
	case interface{ Stat() (fs.FileInfo, error) }:
		fi, err := r.Stat()
		return err == nil && fi.Mode().IsRegular()
	}
	return false
}

const bom = "\ufeff" // a byte order mark some editors write before the first line

// read reads the next batch and starts decoding it. It returns nil when
// the log is exhausted. A read error ends the batch as its last item.
func (lr *LogReader) read() *batch {
	if lr.err != nil {
		return nil
	}
	b := lr.newBatch()
	for len(b.items) < batchLines {
		start := len(b.arena)
		raw, tooLong, err := lr.readLine(b)
		if len(raw) > 0 || tooLong {
			lr.line++
			content := bytes.TrimSuffix(bytes.TrimSuffix(raw, []byte{'\n'}), []byte{'\r'})
			if lr.line == 1 {
				content = bytes.TrimPrefix(content, []byte(bom))
			}
			switch line := jsonscan.TrimSpace(content); { // JSON white space only
			case tooLong || len(content) > MaxLogLine:
				b.items = append(b.items, item{line: lr.line, err: tooLongLineError(lr.line)})
				b.arena = b.arena[:start]
			case len(line) > 0:
				b.arena = append(b.arena[:start], line...) // line is within raw: memmove
				b.items = append(b.items, item{line: lr.line, start: start, end: len(b.arena)})
			default:
				b.arena = b.arena[:start]
			}
		}
		if err != nil {
			lr.err = err
			if err != io.EOF {
				lr.err = fmt.Errorf("record: reading the report log after line %d: %w", lr.line, err)
				b.items = append(b.items, item{line: lr.line, err: lr.err})
			}
			break
		}
		if !lr.neverWaits && len(b.items) > 0 && !lr.lineBuffered() {
			break // hand out what is here before waiting for more
		}
	}
	if len(b.items) == 0 {
		lr.release(b)
		return nil
	}
	b.decode(lr.workers)
	return b
}

// readLine appends the next line, with its ending, to b's arena and
// returns it. A line longer than MaxLogLine is read to its end and dropped
// (tooLong). err is io.EOF when the log ends, possibly after a last line
// without a newline.
func (lr *LogReader) readLine(b *batch) (raw []byte, tooLong bool, err error) {
	room := MaxLogLine + len("\r\n") // all a line may hold, ending included
	if lr.line == 0 {
		room += len(bom)
	}
	start := len(b.arena)
	for {
		frag, err := lr.r.ReadSlice('\n')
		if !tooLong {
			if len(b.arena)-start+len(frag) > room {
				tooLong, b.arena = true, b.arena[:start]
			} else {
				b.arena = append(b.arena, frag...)
			}
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		return b.arena[start:], tooLong, err
	}
}

// lineBuffered reports whether the next line is already buffered whole, so
// that reading it cannot wait for input.
func (lr *LogReader) lineBuffered() bool {
	buffered, _ := lr.r.Peek(lr.r.Buffered())
	return bytes.IndexByte(buffered, '\n') >= 0
}

// newBatch returns an empty batch, reusing a released one when it can.
func (lr *LogReader) newBatch() *batch {
	var b *batch
	if n := len(lr.free); n > 0 {
		b, lr.free = lr.free[n-1], lr.free[:n-1]
		clear(b.items) // drop the entries' references
		*b = batch{items: b.items[:0], arena: b.arena[:0]}
	} else {
		b = new(batch)
	}
	b.done = make(chan struct{})
	return b
}

// release hands b back for reuse once its entries are handed out. Entries
// do not point into the arena: Entry.UnmarshalJSON copies what it keeps.
func (lr *LogReader) release(b *batch) { lr.free = append(lr.free, b) }

// decode decodes the batch's lines, on up to workers goroutines when there
// are enough of them to be worth it, and closes done when all are decoded.
func (b *batch) decode(workers int) {
	n := len(b.items)
	const minChunk = 64 // below this a goroutine costs more than it saves
	if n <= minChunk || workers <= 1 {
		b.decodeItems(b.items)
		close(b.done)
		return
	}
	chunk := max(minChunk, (n+workers-1)/workers)
	var wg sync.WaitGroup
	for i := 0; i < n; i += chunk {
		items := b.items[i:min(i+chunk, n)]
		wg.Add(1)
		go func() {
			defer wg.Done()
			b.decodeItems(items)
		}()
	}
	go func() {
		wg.Wait()
		close(b.done)
	}()
}

func (b *batch) decodeItems(items []item) {
	for j := range items {
		it := &items[j]
		if it.err == nil { // a line too long or a read error leaves nothing to decode
			it.entry, it.err = parseLogLine(b.arena[it.start:it.end], it.line)
		}
	}
}

// tooLongLineError is the error for line n of a log when it is longer than
// MaxLogLine; it matches ErrLineTooLong.
func tooLongLineError(n int) error {
	return &payrec.Error{Type: payrec.ErrorType, Err: ErrLineTooLong, Context: "record: " + lineContext(n),
		Message: wire.Sentence("The line is longer than %d bytes", MaxLogLine)}
}

// parseLogLine decodes line, the n-th line of a report log: the message of
// an error names the line.
func parseLogLine(line []byte, n int) (Entry, error) {
	var e Entry
	if err := e.UnmarshalJSON(line); err != nil {
		return Entry{}, annotate(err, lineContext(n))
	}
	return e, nil
}
