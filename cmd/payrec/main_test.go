package main

import (
	"bytes"
	"flag"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// run takes the command line and the three standard streams, so tests drive
// the command in process instead of executing a binary.
var _ func(args []string, stdin io.Reader, stdout, stderr io.Writer) int = run

// result is what one run of the command left.
type result struct {
	code           int
	stdout, stderr string
}

// runCmd runs the command with args and stdin.
func runCmd(t testing.TB, stdin string, args ...string) result {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(args, strings.NewReader(stdin), &out, &errOut)
	return result{code: code, stdout: out.String(), stderr: errOut.String()}
}

func TestHelp(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantStdout string // substring; "" means stdout must be empty
		wantStderr string // substring; "" means stderr must be empty
	}{
		{"no arguments is a usage error", nil, 2, "", "Usage:"},
		{"-h", []string{"-h"}, 0, "Usage:", ""},
		{"--help", []string{"--help"}, 0, "Usage:", ""},
		{"help", []string{"help"}, 0, "Usage:", ""},
		{"help replay", []string{"help", "replay"}, 0, "usage: payrec replay [-allow-rejects] [FILE|-]", ""},
		{"help attempts", []string{"help", "attempts"}, 0, "usage: payrec attempts [-pretty] ID [FILE|-]", ""},
		{"help demo", []string{"help", "demo"}, 0, "usage: payrec demo [-log]", ""},
		{"help of an unknown command", []string{"help", "frobnicate"}, 2, "", `unknown command "frobnicate"`},
		{"help help", []string{"help", "help"}, 0, "usage: payrec help [COMMAND]", ""},
		{"help -h", []string{"help", "-h"}, 0, "usage: payrec help [COMMAND]", ""},
		{"flags after FILE", []string{"replay", replayLog, "-allow-rejects"}, 0, `"object":"payment_record"`, ""},
		{"flags after ID and FILE", []string{"attempts", "pr_A", replayLog, "-pretty"}, 0, "\n  \"object\": \"payment_attempt_record\"", "payrec attempts: note"},
		{"a flag after --", []string{"replay", "--", "-allow-rejects"}, 2, "", "open -allow-rejects: no such file"},
		{"attempts of a FILE without ID", []string{"attempts", replayLog}, 2, "", `missing record ID before FILE "testdata/replay.jsonl"`},
		{"attempts of a FILE without ID, flag last", []string{"attempts", replayLog, "-pretty"}, 2, "", "missing record ID before FILE"},
		{"replay -h", []string{"replay", "-h"}, 0, "-allow-rejects", ""},
		{"attempts -help", []string{"attempts", "-help"}, 0, "-pretty", ""},
		{"demo -h", []string{"demo", "-h"}, 0, "-log", ""},
		{"unknown command", []string{"frobnicate"}, 2, "", `payrec: unknown command "frobnicate"`},
		{"unknown flag", []string{"replay", "-frobnicate"}, 2, "", "flag provided but not defined: -frobnicate"},
		{"replay with two files", []string{"replay", "a", "b"}, 2, "", "want at most one FILE, got 2 arguments"},
		{"replay with two files and a flag between", []string{"replay", "a", "-allow-rejects", "b"}, 2, "", "want at most one FILE, got 2 arguments"},
		{"attempts without ID", []string{"attempts"}, 2, "", "missing record ID"},
		{"attempts with two files", []string{"attempts", "pr_1", "a", "b"}, 2, "", "want ID and at most one FILE, got 3 arguments"},
		{"demo with an argument", []string{"demo", "x"}, 2, "", "demo takes no arguments"},
		{"replay of a missing file", []string{"replay", "testdata/no-such-file.jsonl"}, 2, "", "payrec replay: open testdata/no-such-file.jsonl: no such file"},
		{"attempts on a missing file", []string{"attempts", "pr_1", "testdata/no-such-file.jsonl"}, 2, "", "payrec attempts: open testdata/no-such-file.jsonl"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := runCmd(t, "", tt.args...)
			assert.Equal(t, tt.wantCode, got.code, "exit status")
			if tt.wantStdout == "" {
				assert.Empty(t, got.stdout, "stdout")
			} else {
				assert.Contains(t, got.stdout, tt.wantStdout, "stdout")
			}
			if tt.wantStderr == "" {
				assert.Empty(t, got.stderr, "stderr")
			} else {
				assert.Contains(t, got.stderr, tt.wantStderr, "stderr")
			}
		})
	}
}

// TestUsageSample replays the two sample lines of the usage text: what a
// newcomer copies first must work.
func TestUsageSample(t *testing.T) {
	var sample []string
	for line := range strings.Lines(usage) {
		if l := strings.TrimSpace(line); strings.HasPrefix(l, `{"op":`) {
			sample = append(sample, l)
		}
	}
	require.Len(t, sample, 2, "the usage shows a two-line sample log")
	got := runCmd(t, strings.Join(sample, "\n"), "replay")
	assert.Equal(t, 0, got.code, "stderr: %s", got.stderr)
	lines := strings.Split(strings.TrimSuffix(got.stdout, "\n"), "\n")
	require.Len(t, lines, 2)
	assert.Contains(t, lines[1], `"amount_failed":{"currency":"usd","value":1000}`, "the sample ends with the attempt failed")
}

// TestDocsNameEverything keeps the usage text and the command documentation
// in step with the code: every command, flag, op and exit status appears
// in both.
func TestDocsNameEverything(t *testing.T) {
	doc, err := os.ReadFile("doc.go")
	require.NoError(t, err)
	words := []string{"replay", "attempts", "demo", "-allow-rejects", "-pretty", "-log",
		"report_payment", "report_payment_attempt", "report_payment_attempt_failed",
		"report_payment_attempt_guaranteed", "report_payment_attempt_canceled",
		"report_payment_attempt_informational", "report_refund", "resource_missing"}
	for _, cmd := range []string{"replay", "attempts", "demo"} {
		fs := newFlagSet(cmd)
		require.NotNil(t, fs, cmd)
		fs.VisitAll(func(f *flag.Flag) {
			assert.Contains(t, words, "-"+f.Name, "flag -%s of %s is missing from this test's list", f.Name, cmd)
		})
	}
	for _, w := range words {
		assert.Contains(t, string(doc), w, "doc.go")
		if w != "resource_missing" {
			assert.Contains(t, usage, w, "usage")
		}
	}
	for _, status := range []string{"0 ", "1 ", "2 "} {
		assert.Contains(t, usage, "\n  "+status, "usage: exit status %s", status)
	}
}
