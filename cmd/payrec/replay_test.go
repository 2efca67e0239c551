package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"os"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite testdata/replay.golden.jsonl from the current output (then check it by hand)")

const (
	replayLog    = "testdata/replay.jsonl"
	replayGolden = "testdata/replay.golden.jsonl"
)

// TestReplayGolden replays testdata/replay.jsonl — every op, rejected
// reports, a malformed line, an unknown op and parameter, an unknown
// record, blank and white-space lines — and compares the output with the
// golden file, line by line. Every golden line was checked by hand against
// the record package's rules and Stripe's object shapes; TestReplaySteps
// states the key facts of each line independently of the file.
func TestReplayGolden(t *testing.T) {
	got := runCmd(t, "", "replay", replayLog)
	assert.Equal(t, 1, got.code, "the log holds rejected lines")
	assert.Equal(t, "payrec replay: 12 of 23 lines got an error envelope, the first on line 4\n", got.stderr)
	if *update {
		require.NoError(t, os.WriteFile(replayGolden, []byte(got.stdout), 0o644))
	}
	want, err := os.ReadFile(replayGolden)
	require.NoError(t, err)
	gotLines := strings.Split(got.stdout, "\n")
	wantLines := strings.Split(string(want), "\n")
	require.Equal(t, len(wantLines), len(gotLines), "output lines")
	for i := range wantLines {
		assert.Equal(t, wantLines[i], gotLines[i], "output line %d", i+1)
	}
}

// TestReplaySteps states, for each non-blank line of testdata/replay.jsonl,
// what the rules say the output must show: the buckets and latest attempt
// of the record, or the error's code and param.
func TestReplaySteps(t *testing.T) {
	type step struct {
		line int // input line
		// For an accepted line: the record and its latest attempt, and
		// canceled/failed/guaranteed/refunded values of the latest attempt.
		id, latest                             string
		canceled, failed, guaranteed, refunded int64
		// For a rejected line: Stripe's code and param, and a part of the message.
		code, param, msg string
	}
	steps := []step{
		{line: 2, id: "pr_A", latest: "par_A1"},                   // created pending: every bucket 0
		{line: 3, id: "pr_A", latest: "par_A1", failed: 1000},     // failed: all of it failed
		{line: 4, msg: "Duplicate report"},                        // the same failure again (webhook retry)
		{line: 5, id: "pr_A", latest: "par_A2"},                   // retry: the new attempt is pending
		{line: 7, id: "pr_A", latest: "par_A2", guaranteed: 1000}, // guaranteed (form-string timestamp)
		{line: 8, id: "pr_A", latest: "par_A2", guaranteed: 700, refunded: 300},
		{line: 9, code: "amount_too_large", param: "amount", msg: "Cannot refund 8.00 USD: only 7.00 USD guaranteed remains"},
		{line: 10, id: "pr_A", latest: "par_A2", guaranteed: 700, refunded: 300}, // informational: no money moves
		{line: 11, id: "pr_A", latest: "par_A2", refunded: 1000},                 // refund without amount: all that is left
		{line: 12, id: "pr_B", latest: "par_B1"},
		{line: 13, id: "pr_B", latest: "par_B1", canceled: 2500},
		{line: 14, msg: "Cannot guarantee the latest attempt par_B1 of pr_B: it was canceled"},
		{line: 15, code: "resource_missing", param: "id", msg: `"pr_nope"`},
		{line: 16, msg: "Malformed JSON for the log line"},
		{line: 17, param: "op", msg: "Unknown op"},
		{line: 19, code: "resource_already_exists", param: "id", msg: `"pr_A" already exists`},
		{line: 20, id: "pr_B", latest: "par_B2", guaranteed: 2500}, // new attempt reported guaranteed
		{line: 21, param: "amount[currency]", msg: "Cannot refund 5.00 USD from a record in eur"},
		{line: 22, msg: "Cannot fail the latest attempt par_A2 of pr_A: it was guaranteed"},
		{line: 23, id: "pr_C", latest: "par_C1", failed: 5000}, // created failed
		{line: 24, code: "resource_already_exists", param: "attempt_id"},
		{line: 25, code: "resource_already_exists", param: "processor_details[custom][refund_reference]", msg: "Duplicate report"},
		{line: 26, code: "parameter_unknown", param: "params[reason]", msg: "Received unknown parameter: params[reason]"},
	}

	in, err := os.ReadFile(replayLog)
	require.NoError(t, err)
	var nonBlank []int
	for i, l := range strings.Split(string(in), "\n") {
		if strings.TrimSpace(l) != "" {
			nonBlank = append(nonBlank, i+1)
		}
	}
	got := runCmd(t, string(in), "replay", "-allow-rejects")
	require.Equal(t, 0, got.code, "-allow-rejects: exit 0")
	assert.Empty(t, got.stderr)
	out := strings.Split(strings.TrimSuffix(got.stdout, "\n"), "\n")
	require.Len(t, out, len(nonBlank), "one output line per non-blank input line")
	require.Len(t, steps, len(nonBlank), "a step per non-blank input line")

	amount := func(v map[string]any, key string) int64 {
		a, _ := v[key].(map[string]any)
		f, _ := a["value"].(float64)
		return int64(f)
	}
	for i, s := range steps {
		require.Equal(t, s.line, nonBlank[i], "step %d: input line", i)
		var v map[string]any
		require.NoError(t, json.Unmarshal([]byte(out[i]), &v), "step %d: line %d is JSON", i, s.line)
		if s.id == "" {
			e, ok := v["error"].(map[string]any)
			if !assert.True(t, ok, "step %d: line %d = %s, want an error envelope", i, s.line, out[i]) {
				continue
			}
			assert.Equal(t, "invalid_request_error", e["type"], "step %d: line %d: type", i, s.line)
			code, _ := e["code"].(string)
			param, _ := e["param"].(string)
			assert.Equal(t, s.code, code, "step %d: line %d: code", i, s.line)
			assert.Equal(t, s.param, param, "step %d: line %d: param", i, s.line)
			assert.Contains(t, e["message"], s.msg, "step %d: line %d: message", i, s.line)
			continue
		}
		assert.Equal(t, s.id, v["id"], "step %d: line %d: id", i, s.line)
		assert.Equal(t, "payment_record", v["object"], "step %d: line %d: object", i, s.line)
		assert.Equal(t, s.latest, v["latest_payment_attempt_record"], "step %d: line %d: latest attempt", i, s.line)
		requested := amount(v, "amount_requested")
		assert.Equal(t, requested, amount(v, "amount"), "step %d: line %d: amount = amount_requested", i, s.line)
		assert.Equal(t, int64(0), amount(v, "amount_authorized"), "step %d: line %d: amount_authorized", i, s.line)
		assert.Equal(t, s.canceled, amount(v, "amount_canceled"), "step %d: line %d: amount_canceled", i, s.line)
		assert.Equal(t, s.failed, amount(v, "amount_failed"), "step %d: line %d: amount_failed", i, s.line)
		assert.Equal(t, s.guaranteed, amount(v, "amount_guaranteed"), "step %d: line %d: amount_guaranteed", i, s.line)
		assert.Equal(t, s.refunded, amount(v, "amount_refunded"), "step %d: line %d: amount_refunded", i, s.line)
	}
}

func TestReplayExitStatus(t *testing.T) {
	const (
		create = `{"op":"report_payment","params":{"id":"pr_1","attempt_id":"par_1","created":1730000000,"amount_requested":{"currency":"usd","value":1000},"initiated_at":1730000000,"payment_method_details":{"custom":{"display_name":"newpay"}}}}`
		fail   = `{"op":"report_payment_attempt_failed","id":"pr_1","params":{"failed_at":1730000100}}`
		orphan = `{"op":"report_payment_attempt_failed","id":"pr_2","params":{"failed_at":1730000100}}`
	)
	tests := []struct {
		name       string
		args       []string
		log        string
		wantCode   int
		wantLines  int
		wantStderr string // "" means empty
	}{
		{"clean log", []string{"replay"}, create + "\n" + fail + "\n", 0, 2, ""},
		{"clean log, no final newline", []string{"replay", "-"}, create + "\n" + fail, 0, 2, ""},
		{"empty log", []string{"replay"}, "", 0, 0, ""},
		{"blank lines only", []string{"replay"}, "\n  \n\t\r\n", 0, 0, ""},
		{"blank lines between", []string{"replay"}, "\n" + create + "\n\n \n" + fail + "\n\n", 0, 2, ""},
		{"rejected line", []string{"replay"}, create + "\n" + fail + "\n" + fail + "\n", 1, 3,
			"payrec replay: 1 of 3 lines got an error envelope, the first on line 3\n"},
		{"rejected line allowed", []string{"replay", "-allow-rejects"}, create + "\n" + fail + "\n" + fail + "\n", 0, 3, ""},
		{"unknown record", []string{"replay"}, orphan + "\n" + create + "\n", 1, 2,
			"payrec replay: 1 of 2 lines got an error envelope, the first on line 1\n"},
		{"malformed line", []string{"replay"}, "\n{not json\n" + create + "\n", 1, 2,
			"payrec replay: 1 of 2 lines got an error envelope, the first on line 2\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := runCmd(t, tt.log, tt.args...)
			assert.Equal(t, tt.wantCode, got.code, "exit status")
			assert.Equal(t, tt.wantLines, strings.Count(got.stdout, "\n"), "output lines")
			assert.Equal(t, tt.wantStderr, got.stderr, "stderr")
		})
	}
}

// TestReplayReadsFileAndStdin checks that FILE, "-" and no argument read
// the same log the same way.
func TestReplayReadsFileAndStdin(t *testing.T) {
	in, err := os.ReadFile(replayLog)
	require.NoError(t, err)
	fromFile := runCmd(t, "", "replay", replayLog)
	fromDash := runCmd(t, string(in), "replay", "-")
	fromStdin := runCmd(t, string(in), "replay")
	assert.NotEmpty(t, fromFile.stdout)
	assert.Equal(t, fromFile, fromDash)
	assert.Equal(t, fromFile, fromStdin)
}

// TestReplayUnreadable: when the input fails, replay keeps what it wrote,
// says on stderr what happened and exits 2.
func TestReplayUnreadable(t *testing.T) {
	good := `{"op":"report_payment","params":{"id":"pr_1","attempt_id":"par_1","created":1730000000,"amount_requested":{"currency":"usd","value":1000},"initiated_at":1730000000,"payment_method_details":{"custom":{"display_name":"newpay"}}}}` + "\n"
	t.Run("read error", func(t *testing.T) {
		src := io.MultiReader(strings.NewReader(good), iotest.ErrReader(errors.New("disk on fire")))
		var out, errOut bytes.Buffer
		code := run([]string{"replay"}, src, &out, &errOut)
		assert.Equal(t, 2, code)
		assert.Equal(t, 1, strings.Count(out.String(), "\n"), "the line before the failure is printed")
		assert.Equal(t, "payrec replay: reading line 2: disk on fire\n", errOut.String())
	})
	t.Run("line too long", func(t *testing.T) {
		long := `{"op":"report_payment_attempt_failed","id":"` + strings.Repeat("x", 1<<20) + `","params":{}}` + "\n"
		got := runCmd(t, good+long+good, "replay")
		assert.Equal(t, 1, got.code, "a long line is a rejected line, not the end of the log")
		lines := strings.Split(strings.TrimSuffix(got.stdout, "\n"), "\n")
		require.Len(t, lines, 3, "one output line per input line")
		assert.Equal(t, `{"error":{"type":"invalid_request_error","message":"The line is longer than 1048576 bytes."}}`, lines[1])
	})
}

// failingWriter accepts n bytes, then fails.
type failingWriter struct{ n int }

func (w *failingWriter) Write(p []byte) (int, error) {
	if len(p) > w.n {
		k := w.n
		w.n = 0
		return k, errors.New("pipe closed")
	}
	w.n -= len(p)
	return len(p), nil
}

func TestReplayUnwritable(t *testing.T) {
	in, err := os.Open(replayLog)
	require.NoError(t, err)
	defer in.Close()
	var errOut bytes.Buffer
	code := run([]string{"replay"}, in, &failingWriter{n: 10}, &errOut)
	assert.Equal(t, 2, code)
	assert.Equal(t, "payrec replay: pipe closed\n", errOut.String())
}

// TestReplayStreams checks that replay writes as it reads: the output of a
// line is complete before the input ends, once the writer's buffer fills.
// A line that waited for the end of the input would hold every line in
// memory.
func TestReplayStreams(t *testing.T) {
	var log bytes.Buffer
	lines := 0
	require.NoError(t, genLog(bufio.NewWriter(&log), genConfig{Lines: 2000, Records: 200, Seed: 7}, func(bool) { lines++ }))
	pr, pw := io.Pipe()
	out := &firstWrite{seen: make(chan int, 1)}
	done := make(chan int)
	go func() { done <- run([]string{"replay", "-allow-rejects"}, pr, out, io.Discard) }()
	// Feed the first half of the log and wait until output appears.
	half := log.Len() / 2
	_, err := pw.Write(log.Bytes()[:half])
	require.NoError(t, err)
	select {
	case <-out.seen:
	case <-time.After(10 * time.Second):
		pw.Close()
		t.Fatal("no output after half of the log: replay does not stream")
	}
	_, err = pw.Write(log.Bytes()[half:])
	require.NoError(t, err)
	require.NoError(t, pw.Close())
	assert.Equal(t, 0, <-done)
	assert.Equal(t, lines, out.lines)
}

// firstWrite counts output lines and signals its first write.
type firstWrite struct {
	seen    chan int
	written bool
	lines   int
}

func (w *firstWrite) Write(p []byte) (int, error) {
	if !w.written {
		w.written = true
		w.seen <- 1
	}
	w.lines += bytes.Count(p, []byte("\n"))
	return len(p), nil
}

// TestGeneratedLogRejections replays a generated log and checks that the
// lines rejected are exactly those the generator wrote to be rejected, so
// that the throughput figures measure the mix they claim.
func TestGeneratedLogRejections(t *testing.T) {
	var log bytes.Buffer
	var expect []bool
	require.NoError(t, genLog(bufio.NewWriter(&log), genConfig{Lines: 20_000, Records: 2_000, Seed: 3},
		func(reject bool) { expect = append(expect, reject) }))
	require.Len(t, expect, 20_000)
	got := runCmd(t, log.String(), "replay", "-allow-rejects")
	require.Equal(t, 0, got.code, got.stderr)
	out := strings.Split(strings.TrimSuffix(got.stdout, "\n"), "\n")
	require.Len(t, out, len(expect))
	var rejected int
	var ops = map[string]int{}
	for i, line := range strings.Split(strings.TrimSuffix(log.String(), "\n"), "\n") {
		isErr := strings.HasPrefix(out[i], `{"error":`)
		if !assert.Equal(t, expect[i], isErr, "line %d: %s\n→ %s", i+1, line, out[i]) {
			break
		}
		if isErr {
			rejected++
		}
		var e struct{ Op string }
		if json.Unmarshal([]byte(line), &e) == nil {
			ops[e.Op]++
		}
	}
	share := float64(rejected) / float64(len(expect))
	assert.True(t, share > 0.01 && share < 0.10, "rejected share %.3f, want a few percent", share)
	for _, op := range []string{"report_payment", "report_payment_attempt", "report_payment_attempt_failed",
		"report_payment_attempt_guaranteed", "report_payment_attempt_canceled",
		"report_payment_attempt_informational", "report_refund"} {
		assert.Positive(t, ops[op], "the generated log holds %s lines", op)
	}
	t.Logf("20000 lines, 2000 records: %d rejected (%.1f%%), ops %v", rejected, 100*share, ops)
}

// TestMalformedLineSaysWhere checks that the envelope of a line that is not
// JSON says what is wrong and at which byte of the line, as encoding/json's
// SyntaxError does, so that a broken log can be mended.
func TestMalformedLineSaysWhere(t *testing.T) {
	tests := []struct {
		name, line, want string
	}{
		{"trailing comma", `{"op":"report_payment","params":{"id":"pr_1",}}`,
			"Malformed JSON for the log line: invalid character '}' looking for beginning of object key string at byte 46"},
		{"missing colon", `{"op" "report_payment"}`,
			`Malformed JSON for the log line: invalid character '"' after object key at byte 7`},
		{"not JSON", `not json`,
			"Malformed JSON for the log line: invalid character 'o' in literal null (expecting 'u') at byte 2"},
		{"cut short", `{"op":`,
			"Malformed JSON for the log line: unexpected end of JSON input after byte 6"},
		{"trailing data", `{"op":"report_refund","id":"pr_1","params":{}} x`,
			"Malformed JSON for the log line: invalid character 'x' after top-level value at byte 48"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := runCmd(t, tt.line+"\n", "replay")
			assert.Equal(t, 1, got.code)
			var env struct {
				Error struct{ Message string } `json:"error"`
			}
			require.NoError(t, json.Unmarshal([]byte(got.stdout), &env), got.stdout)
			assert.Contains(t, env.Error.Message, tt.want)
		})
	}
}
