package main

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"io"

	"github.com/payrec/payrec/record"
)

// canonicalLog is Stripe's canonical example as a report log: the $10.00
// record before the failure, then report_payment_attempt_failed with
// failed_at sent as a form string. It is a copy of
// record/testdata/canonical.jsonl (go:embed cannot reach outside this
// directory); a test keeps the two equal.
//
//go:embed canonical.jsonl
var canonicalLog []byte

// runDemo keeps stdout pure JSON, so that payrec demo | jq works, and says
// on stderr what it replayed.
func runDemo(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("demo")
	if code, done := parseFlags(fs, args, stdout, stderr); done {
		return code
	}
	if fs.NArg() > 0 {
		return usageError(fs, stderr, "demo takes no arguments, got %q", fs.Args())
	}
	if boolFlag(fs, "log") {
		if _, err := stdout.Write(canonicalLog); err != nil {
			fmt.Fprintf(stderr, "payrec demo: %v\n", err)
			return exitFailure
		}
		return exitOK
	}
	rec, err := record.ReplayLog(bytes.NewReader(canonicalLog))
	if err != nil {
		// The embedded log is fixed and tested; this is a bug in payrec.
		fmt.Fprintf(stderr, "payrec demo: replaying the built-in example: %v\n", err)
		return exitFailure
	}
	var out bytes.Buffer
	if err := json.Indent(&out, rec.AppendJSON(nil), "", "  "); err != nil {
		fmt.Fprintf(stderr, "payrec demo: %v\n", err)
		return exitFailure
	}
	out.WriteByte('\n')
	fmt.Fprintf(stderr, "payrec demo: replayed %d reports of Stripe's canonical example "+
		"(payrec demo -log prints them); the record:\n",
		rec.Version())
	if _, err := out.WriteTo(stdout); err != nil {
		fmt.Fprintf(stderr, "payrec demo: %v\n", err)
		return exitFailure
	}
	return exitOK
}
