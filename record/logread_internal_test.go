package record

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/payrec/payrec"
)

// decodedLine is what a reader made of one non-blank line, in a form that
// compares: the entry as a log line, or the error envelope.
type decodedLine struct {
	line  int
	entry string
	err   string
}

func describeDecoded(t *testing.T, line int, e Entry, err error) decodedLine {
	if err != nil {
		return decodedLine{line: line, err: string(payrec.Envelope(err))}
	}
	b, merr := e.MarshalJSON()
	require.NoError(t, merr, "line %d", line)
	return decodedLine{line: line, entry: string(b)}
}

// lineByLine decodes log the plainest way: split at '\n', drop a final '\r'
// and a leading byte order mark, skip lines of JSON white space, refuse
// lines longer than MaxLogLine, decode the rest one by one.
func lineByLine(t *testing.T, log string) []decodedLine {
	var out []decodedLine
	lines := strings.Split(log, "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	for i, l := range lines {
		n := i + 1
		l = strings.TrimSuffix(l, "\r")
		if n == 1 {
			l = strings.TrimPrefix(l, bom)
		}
		switch {
		case len(l) > MaxLogLine:
			out = append(out, describeDecoded(t, n, Entry{}, tooLongLineError(n)))
		case strings.Trim(l, " \t\r\n") != "":
			e, err := parseLogLine([]byte(strings.Trim(l, " \t\r\n")), n)
			out = append(out, describeDecoded(t, n, e, err))
		}
	}
	return out
}

func viaLogReader(t *testing.T, r io.Reader, workers int) []decodedLine {
	t.Helper()
	var out []decodedLine
	lr := NewLogReader(r)
	lr.workers = workers
	for {
		e, err := lr.Next()
		if err == io.EOF {
			return out
		}
		out = append(out, describeDecoded(t, lr.Line(), e, err))
	}
}

// TestLogReaderBatches holds the batched, parallel LogReader to a line by
// line decode: the same lines, numbered the same, decoded to the same
// entries or the same errors, whatever the number of workers and however
// the input arrives.
func TestLogReaderBatches(t *testing.T) {
	canonical, err := os.ReadFile(filepath.Join("testdata", "canonical.jsonl"))
	require.NoError(t, err)
	const create = `{"op":"report_payment","params":{"id":"pr_1","attempt_id":"par_1","created":1730000000,"amount_requested":{"currency":"usd","value":1000},"initiated_at":1730000000,"payment_method_details":{"custom":{"display_name":"newpay"}}}}`
	var many strings.Builder // several batches, with bad and blank lines among good ones
	for i := range 5000 {
		switch i % 7 {
		case 3:
			many.WriteString("{nope}\n")
		case 5:
			many.WriteString("\n")
		default:
			many.WriteString(strings.Replace(create, "pr_1", "pr_"+strconv.Itoa(i), 1) + "\n")
		}
	}
	logs := map[string]string{
		"canonical":          string(canonical),
		"several batches":    many.String(),
		"CRLF line ends":     create + "\r\n\r\n" + `{"op":"report_payment_attempt_failed","id":"pr_1","params":{"failed_at":1730000100}}` + "\r\n",
		"no final newline":   "\n\n" + create,
		"indented lines":     "  " + create + "\t\n\t{nope}\n",
		"odd bytes":          "\x00\n{\"op\":\"\xff\"}\n\"just a string\"\n[1,2]\n{}\n",
		"only blank lines":   "\n \n\t\n\r\n",
		"byte order mark":    bom + create + "\n",
		"line too long":      create + "\n" + strings.Repeat("x", MaxLogLine+1) + "\n" + create + "\n",
		"exactly the limit":  strings.Repeat(" ", MaxLogLine-2) + "{}\r\n" + create,
		"mark and the limit": bom + strings.Repeat(" ", MaxLogLine-2) + "{}\n" + create,
		"empty":              "",
	}
	for name, log := range logs {
		t.Run(name, func(t *testing.T) {
			want := lineByLine(t, log)
			for _, workers := range []int{1, 2, 7} {
				assert.Equal(t, want, viaLogReader(t, strings.NewReader(log), workers), "workers=%d", workers)
			}
			// One byte a read: every batch ends after one line.
			assert.Equal(t, want, viaLogReader(t, iotest.OneByteReader(strings.NewReader(log)), 2), "one byte a read")
		})
	}
}

// TestLogReaderBounded checks that batches stay small, whatever the log's
// size, and that the reader reads ahead at most one batch.
func TestLogReaderBounded(t *testing.T) {
	var log bytes.Buffer
	for range 5000 {
		log.WriteString(`{"op":"report_payment_attempt_failed","id":"pr_1","params":{"failed_at":1}}` + "\n")
	}
	lr := NewLogReader(bytes.NewReader(log.Bytes()))
	n := 0
	for {
		_, err := lr.Next()
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
		n++
		assert.LessOrEqual(t, len(lr.cur.items), batchLines)
		if lr.ahead != nil {
			assert.LessOrEqual(t, len(lr.ahead.items), batchLines)
		}
		assert.LessOrEqual(t, len(lr.free), 2, "released batches are reused")
	}
	assert.Equal(t, 5000, n)
}

// TestLogReaderReadError: the lines before a read error are handed out,
// then the error, on every later call too.
func TestLogReaderReadError(t *testing.T) {
	const line = `{"op":"report_payment_attempt_failed","id":"pr_1","params":{"failed_at":1}}` + "\n"
	boom := io.ErrClosedPipe
	lr := NewLogReader(io.MultiReader(strings.NewReader(line+line), iotest.ErrReader(boom)))
	for i := range 2 {
		_, err := lr.Next()
		require.NoError(t, err, "line %d", i+1)
	}
	for range 2 {
		_, err := lr.Next()
		require.ErrorIs(t, err, boom)
		assert.Equal(t, 2, lr.Line())
	}
}
