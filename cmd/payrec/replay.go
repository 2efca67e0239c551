package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"

	"github.com/payrec/payrec"
	"github.com/payrec/payrec/record"
)

// replayer applies report log entries to the records it keeps, by ID. It
// holds records, never lines, so its memory follows the number of records.
type replayer struct {
	records map[string]*record.Record
}

func newReplayer() *replayer { return &replayer{records: make(map[string]*record.Record)} }

// errNoSuchRecord is the cause of a report on a record the log has not
// created (yet).
var errNoSuchRecord = errors.New("payrec: no such payment_record")

// apply applies e and returns the record it concerns, or the rejection.
// A report_payment of an existing ID goes to that record's Apply, so that
// the record package tells a redelivered report_payment (ErrDuplicate) from
// a conflicting one; any other report on an unknown ID is Stripe's
// resource_missing.
func (rp *replayer) apply(e record.Entry) (*record.Record, error) {
	id := e.RecordID()
	rec, ok := rp.records[id]
	if p, create := e.Report.(record.ReportPaymentParams); create && !ok {
		rec, err := record.ReportPayment(p)
		if err != nil {
			return nil, err
		}
		rp.records[id] = rec
		return rec, nil
	}
	if !ok {
		return nil, &payrec.Error{Type: payrec.ErrorType, Code: payrec.CodeResourceMissing, Param: "id",
			Err: errNoSuchRecord, Context: "payrec", Message: fmt.Sprintf("No such payment_record: %q.", id)}
	}
	if err := rec.Apply(e.Report); err != nil {
		return nil, err
	}
	return rec, nil
}

// replayStats counts what a replay did, for the summary on stderr.
type replayStats struct {
	lines         int // non-blank lines read
	rejected      int // of which malformed or rejected
	firstRejected int // line number of the first, 0 for none
}

func (s *replayStats) reject(line int) {
	s.rejected++
	if s.firstRejected == 0 {
		s.firstRejected = line
	}
}

func runReplay(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := newFlagSet("replay")
	if code, done := parseFlags(fs, args, stdout, stderr); done {
		return code
	}
	allowRejects := boolFlag(fs, "allow-rejects")
	if fs.NArg() > 1 {
		return usageError(fs, stderr, "want at most one FILE, got %d arguments", fs.NArg())
	}
	src, closeSrc, err := openInput(fs.Arg(0), stdin)
	if err != nil {
		fmt.Fprintf(stderr, "payrec replay: %v\n", err)
		return exitFailure
	}
	defer closeSrc()

	stats, err := replay(src, stdout)
	if err != nil {
		fmt.Fprintf(stderr, "payrec replay: %v\n", err)
		return exitFailure
	}
	if stats.rejected > 0 && !allowRejects {
		fmt.Fprintf(stderr, "payrec replay: %d of %d lines got an error envelope, the first on line %d\n",
			stats.rejected, stats.lines, stats.firstRejected)
		return exitRejected
	}
	return exitOK
}

// replay streams the report log src to out, one line per non-blank input
// line. The error is about the tool, not the log: an unreadable input or an
// unwritable output.
func replay(src io.Reader, out io.Writer) (replayStats, error) {
	return newReplayer().replay(src, out)
}

// replay applies the report log src to rp's records, streaming the answers
// to out.
func (rp *replayer) replay(src io.Reader, out io.Writer) (replayStats, error) {
	var stats replayStats
	w := bufio.NewWriterSize(out, 64<<10)
	in, flushErr := flushBeforeWaiting(src, w)
	lr := record.NewLogReader(in)
	var buf []byte // reused: one output line at a time
	for {
		e, err := lr.Next()
		if err == io.EOF {
			break
		}
		if err := flushErr(); err != nil {
			return stats, err
		}
		if err != nil && !isLineError(err) {
			if ferr := w.Flush(); ferr != nil {
				return stats, ferr
			}
			return stats, readError(lr, err)
		}
		stats.lines++
		var rec *record.Record
		if err == nil {
			rec, err = rp.apply(e)
		}
		if err != nil {
			stats.reject(lr.Line())
			buf = append(buf[:0], payrec.Envelope(err)...)
		} else {
			buf = rec.AppendJSON(buf[:0])
		}
		buf = append(buf, '\n')
		if _, err := w.Write(buf); err != nil {
			return stats, err
		}
	}
	return stats, w.Flush()
}
