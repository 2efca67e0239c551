package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"

	"github.com/payrec/payrec/record"
)

func runAttempts(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := newFlagSet("attempts")
	if code, done := parseFlags(fs, args, stdout, stderr); done {
		return code
	}
	pretty := boolFlag(fs, "pretty")
	switch {
	case fs.NArg() == 0:
		return usageError(fs, stderr, "missing record ID")
	case fs.NArg() > 2:
		return usageError(fs, stderr, "want ID and at most one FILE, got %d arguments", fs.NArg())
	case fs.NArg() == 1 && isFile(fs.Arg(0)):
		// Without this, the file name would be taken for the record ID and
		// the command would wait for a log on standard input.
		return usageError(fs, stderr, "missing record ID before FILE %q (to read standard input "+
			"for a record whose ID is also a file name, add -)", fs.Arg(0))
	}
	id := fs.Arg(0)
	src, closeSrc, err := openInput(fs.Arg(1), stdin)
	if err != nil {
		fmt.Fprintf(stderr, "payrec attempts: %v\n", err)
		return exitFailure
	}
	defer closeSrc()

	rec, stats, err := replayOne(src, id)
	if err != nil {
		fmt.Fprintf(stderr, "payrec attempts: %v\n", err)
		return exitFailure
	}
	if stats.rejected > 0 {
		fmt.Fprintf(stderr, "payrec attempts: note: %d of the %d lines about %q were rejected, "+
			"the first on line %d (payrec replay says why)\n",
			stats.rejected, stats.lines, id, stats.firstRejected)
	}
	if stats.malformed > 0 {
		fmt.Fprintf(stderr, "payrec attempts: note: skipped %s, the first on line %d (payrec replay says why)\n",
			count(stats.malformed, "malformed line"), stats.firstMalformed)
	}
	if rec == nil {
		fmt.Fprintf(stderr, "payrec attempts: no such payment_record: %q (no accepted report_payment creates it)\n", id)
		return exitRejected
	}

	w := bufio.NewWriter(stdout)
	var line []byte
	var indented bytes.Buffer
	for _, a := range rec.Attempts() {
		line = a.AppendJSON(line[:0])
		if pretty {
			indented.Reset()
			if err := json.Indent(&indented, line, "", "  "); err != nil {
				fmt.Fprintf(stderr, "payrec attempts: %v\n", err) // AppendJSON writes valid JSON; never expected
				return exitFailure
			}
			line = append(line[:0], indented.Bytes()...)
		}
		line = append(line, '\n')
		if _, err := w.Write(line); err != nil {
			break // Flush reports it
		}
	}
	if err := w.Flush(); err != nil {
		fmt.Fprintf(stderr, "payrec attempts: %v\n", err)
		return exitFailure
	}
	return exitOK
}

// isFile reports whether name is an existing file that is not a directory.
func isFile(name string) bool {
	st, err := os.Stat(name)
	return err == nil && !st.IsDir()
}

// count says n things, in the singular for one: "1 malformed line", "2
// malformed lines".
func count(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return strconv.Itoa(n) + " " + thing + "s"
}

// attemptsStats counts the lines about one record, and the malformed lines,
// which may have been about it.
type attemptsStats struct {
	lines, rejected, firstRejected int
	malformed, firstMalformed      int
}

// replayOne replays the lines of the log src that are about record id, with
// replay's rules, and returns the record (nil when the log never creates it).
// Lines about other records are decoded but not applied: their records are
// not kept.
func replayOne(src io.Reader, id string) (*record.Record, attemptsStats, error) {
	var stats attemptsStats
	rp := newReplayer()
	lr := record.NewLogReader(src)
	for {
		e, err := lr.Next()
		if err == io.EOF {
			break
		}
		if err != nil && !isLineError(err) {
			return nil, stats, readError(lr, err)
		}
		if err != nil {
			stats.malformed++
			if stats.firstMalformed == 0 {
				stats.firstMalformed = lr.Line()
			}
			continue
		}
		if e.RecordID() != id {
			continue
		}
		stats.lines++
		if _, err := rp.apply(e); err != nil {
			stats.rejected++
			if stats.firstRejected == 0 {
				stats.firstRejected = lr.Line()
			}
		}
	}
	return rp.records[id], stats, nil
}
