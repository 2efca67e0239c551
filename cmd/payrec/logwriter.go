package main

import (
	"io"
	"sync"
)

// logWriterLimit is how much log a logWriter holds before Write waits for
// the underlying writer: a stalled stderr slows the server down rather than
// growing its memory or losing lines.
const logWriterLimit = 1 << 20

// logWriter is the log of payrec serve, which writes a line per request.
// A write(2) per line was half the writes of a POST (the other is the
// answer), so Write only appends the line to a buffer, and a goroutine
// writes out whatever has gathered in one call (under wrk's load, 7 to 10
// lines). There is no timer: an idle server's line goes out at once, and
// a busy server's lines wait only for the write before theirs. Lines not
// yet taken when the process dies without returning from runServe (a
// crash, os.Exit) are lost: those of its last microseconds.
type logWriter struct {
	w io.Writer
	// wake has capacity 1: one pending wake covers every line appended
	// before the flusher takes buf.
	wake chan struct{}
	stop chan struct{}
	done chan struct{} // the flusher has returned
	once sync.Once

	mu     sync.Mutex
	taken  sync.Cond // signalled when the flusher takes buf
	buf    []byte
	spare  []byte // the flusher's; buf's next backing array
	closed bool   // Close has written buf out: Write writes through
}

// newLogWriter returns a logWriter over w. Close must be called to write
// out what is still buffered.
func newLogWriter(w io.Writer) *logWriter {
	l := &logWriter{w: w, wake: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	l.taken.L = &l.mu
	go l.flush()
	return l
}

// Write appends p, one whole line from slog, to the buffer. It waits while
// the buffer is over logWriterLimit.
func (l *logWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	for len(l.buf) > logWriterLimit && !l.closed {
		l.taken.Wait()
	}
	if l.closed {
		// Under the lock, so that lines still keep their order.
		defer l.mu.Unlock()
		return l.w.Write(p)
	}
	l.buf = append(l.buf, p...)
	l.mu.Unlock()
	select {
	case l.wake <- struct{}{}:
	default: // a wake is pending, and the flusher has not yet taken buf
	}
	return len(p), nil
}

// flush is the goroutine writing the buffer out. The error of a write is
// dropped: the log has nowhere to report it, and the next lines are still
// worth trying.
func (l *logWriter) flush() {
	defer close(l.done)
	for {
		select {
		case <-l.wake:
		case <-l.stop:
			return // Close writes what is left
		}
		l.mu.Lock()
		out := l.buf
		l.buf = l.spare[:0]
		l.taken.Broadcast()
		l.mu.Unlock()
		if len(out) > 0 {
			l.w.Write(out)
		}
		l.spare = out
	}
}

// Close writes out what is buffered and stops the flusher. Lines written
// after Close go straight to the underlying writer.
func (l *logWriter) Close() error {
	l.once.Do(func() {
		close(l.stop)
		<-l.done
		l.mu.Lock()
		defer l.mu.Unlock()
		if len(l.buf) > 0 {
			l.w.Write(l.buf)
		}
		l.buf, l.spare = nil, nil
		l.closed = true
		l.taken.Broadcast()
	})
	return nil
}
