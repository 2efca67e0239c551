package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/payrec/payrec"
	"github.com/payrec/payrec/record"
)

// record.LogReader reads the log: it decodes batches of lines on every CPU
// while the command applies the previous batch. What is left here is what
// only a command needs.

// isLineError reports whether err, from record.LogReader.Next, is about one
// line (malformed, not an entry, too long), after which reading goes on;
// any other error is the input's, and ends the replay.
func isLineError(err error) bool {
	var pe *payrec.Error
	return errors.As(err, &pe)
}

// readError words an input error for the command's message: the line that
// could not be read and the cause.
func readError(lr *record.LogReader, err error) error {
	if cause := errors.Unwrap(err); cause != nil {
		err = cause
	}
	return fmt.Errorf("reading line %d: %w", lr.Line()+1, err)
}

// flushBeforeWaiting returns src, read so that the answers written to w so
// far are flushed before each read that could wait for input: from a pipe
// or a terminal, whoever feeds the log may wait for an answer before
// sending the next line. record.LogReader reads such an input only once
// every entry before has been handed out, and so answered. A regular file
// or bytes in memory never wait, and are read as they are. flushErr returns
// the error of a failed flush.
func flushBeforeWaiting(src io.Reader, w *bufio.Writer) (in io.Reader, flushErr func() error) {
	none := func() error { return nil }
	f, ok := src.(*os.File)
	if !ok {
		return src, none
	}
	if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
		return src, none
	}
	wi := &waitingInput{r: src, w: w}
	return wi, func() error { return wi.err }
}

// waitingInput is an input that may wait, as the log reader reads it.
type waitingInput struct {
	r   io.Reader
	w   *bufio.Writer // the answers
	err error         // the first error flushing them
}

func (in *waitingInput) Read(p []byte) (int, error) {
	if in.err == nil && in.w.Buffered() > 0 {
		if err := in.w.Flush(); err != nil {
			in.err = err
			return 0, err
		}
	}
	return in.r.Read(p)
}
