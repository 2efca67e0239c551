package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
)

// Exit statuses. They are part of the command's interface (see doc.go).
const (
	exitOK       = 0 // done, nothing rejected
	exitRejected = 1 // replay: a line was rejected; attempts: no such record
	exitFailure  = 2 // bad usage, unreadable input, unwritable output
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run is the whole command behind main, with its environment passed in so
// that tests drive it without building or executing a binary. It returns the
// exit status.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitFailure
	}
	switch cmd, rest := args[0], args[1:]; cmd {
	case "replay":
		return runReplay(rest, stdin, stdout, stderr)
	case "attempts":
		return runAttempts(rest, stdin, stdout, stderr)
	case "demo":
		return runDemo(rest, stdout, stderr)
	case "serve":
		return runServe(rest, stdout, stderr)
	case "help", "-h", "-help", "--help":
		return runHelp(rest, stdout, stderr)
	default:
		fmt.Fprintf(stderr, "payrec: unknown command %q\n\n%s", cmd, usage)
		return exitFailure
	}
}

// runHelp prints the overview, or one subcommand's usage, to stdout: help
// that was asked for is output, not a diagnostic.
func runHelp(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stdout, usage)
		return exitOK
	}
	if len(args) == 1 {
		name := args[0]
		switch name {
		case "-h", "-help", "--help":
			name = "help"
		}
		if fs := newFlagSet(name); fs != nil {
			printUsage(stdout, fs)
			return exitOK
		}
	}
	fmt.Fprintf(stderr, "payrec help: unknown command %q\n\n%s", strings.Join(args, " "), usage)
	return exitFailure
}

// usage is the overview that payrec -h and payrec help print (and payrec
// alone, on standard error).
const usage = `payrec replays a log of payment reports and prints the payment records
they build, as the JSON objects of Stripe's Payment Records API.

Usage:
  payrec replay [-allow-rejects] [FILE|-]
  payrec attempts [-pretty] ID [FILE|-]
  payrec demo [-log]
  payrec serve [-addr HOST:PORT] [-store DSN] [-api-key KEY]...
  payrec help [COMMAND]

Flags may come before or after the arguments.

Commands:
  replay    Apply each report of the log, in order, to records kept in
            memory, and print one JSON line for each non-blank input line:
            the payment_record as that line left it, or an error envelope
            {"error":{...}} when the line is malformed or rejected. Blank
            (white-space only) lines print nothing. Reads FILE, or standard
            input when FILE is - or absent.
              payrec replay payments.jsonl > records.jsonl
  attempts  Replay the log and print the payment_attempt_record objects of
            record ID, oldest first, one JSON line each.
              payrec attempts -pretty pr_5RV730PrHyAEi payments.jsonl
  demo      Replay Stripe's canonical example (a $10.00 payment whose
            attempt failed) and print the record, indented.
              payrec demo
              payrec demo -log | payrec replay
  serve     Serve Stripe's Payment Records API over HTTP, keeping records
            in a store, so that Stripe's own clients (stripe-go, curl, ...)
            drive it with real state.
              PAYREC_API_KEYS=sk_test_123 payrec serve -store sqlite:payrec.db
  help      Print this, or the usage of one command.

Report log (JSON lines; op is the Stripe endpoint, id the record, params
its parameters; report_payment has no id, its params name the new record):
  {"op":"report_payment","params":{"id":"pr_1","attempt_id":"par_1","created":1730211363,"amount_requested":{"currency":"usd","value":1000},"initiated_at":1730211363,"payment_method_details":{"custom":{"display_name":"newpay"}}}}
  {"op":"report_payment_attempt_failed","id":"pr_1","params":{"failed_at":1730253453}}
The ops: report_payment, report_payment_attempt, report_payment_attempt_failed,
report_payment_attempt_guaranteed, report_payment_attempt_canceled,
report_payment_attempt_informational, report_refund.

Exit status:
  0  replay: every line was applied; attempts, demo, help: done;
     serve: stopped by SIGTERM or SIGINT
  1  replay: a line was malformed or rejected (0 with -allow-rejects);
     attempts: the log never created record ID
  2  bad usage, unreadable input, or output that cannot be written;
     serve: cannot listen, cannot open the store, or no keys on a
     non-loopback address
`

// newFlagSet returns the flag set of subcommand name, or nil for an unknown
// command; boolFlag reads its flags once parsed. Its usage goes through
// printUsage.
func newFlagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet("payrec "+name, flag.ContinueOnError)
	switch name {
	case "replay":
		fs.Bool("allow-rejects", false, "exit 0 even when lines are malformed or rejected")
	case "attempts":
		fs.Bool("pretty", false, "print each attempt indented, over several lines")
	case "demo":
		fs.Bool("log", false, "print the example's report log instead of the record")
	case "serve":
		fs.String("addr", "127.0.0.1:12111", "listen on this `HOST:PORT` (stripe-mock's port by default)")
		fs.String("store", "sqlite:payrec.db", "keep records in this store: memory, sqlite:`PATH` or a postgres:// URL")
		fs.Var(&keyList{}, "api-key",
			"accept this secret `KEY` (sk_test_… or sk_live_…); repeat for more; adds to PAYREC_API_KEYS")
	case "help":
	default:
		return nil
	}
	return fs
}

// boolFlag returns the value of the parsed boolean flag name of fs.
func boolFlag(fs *flag.FlagSet, name string) bool {
	return fs.Lookup(name).Value.(flag.Getter).Get().(bool)
}

// synopsis is the first lines of each subcommand's usage.
var synopsis = map[string]string{
	"replay": `usage: payrec replay [-allow-rejects] [FILE|-]

Reads a report log from FILE (standard input when FILE is - or absent),
applies its reports in order to records kept in memory, and prints one JSON
line for each non-blank input line: the payment_record the line left, or
Stripe's error envelope {"error":{...}} for a line that is malformed, names
an unknown record, or is rejected. Blank lines print nothing. Exit status 1
when any line got an error envelope, unless -allow-rejects.
`,
	"attempts": `usage: payrec attempts [-pretty] ID [FILE|-]

Replays the report log in FILE (standard input when FILE is - or absent) and
prints the payment_attempt_record objects of record ID, oldest first, one
JSON line each. Rejected reports change nothing; the number of lines about
ID that were rejected, and of malformed lines, is noted on standard error.
Exit status 1, with a message on standard error, when the log never created
record ID.
`,
	"help": `usage: payrec help [COMMAND]

Prints the overview of payrec, or the usage of COMMAND: replay, attempts,
demo, serve or help.
`,
	"serve": `usage: payrec serve [-addr HOST:PORT] [-store DSN] [-api-key KEY]...

Serves the eleven endpoints of Stripe's Payment Records API over HTTP, on a
store (memory, sqlite:PATH, or postgres://...): form-encoded or JSON bodies,
Stripe's JSON objects and error envelopes, Idempotency-Key, lists. API keys
come from PAYREC_API_KEYS (comma-separated) and -api-key; sk_live_ keys see
live-mode data, sk_test_ keys test-mode data. With no key configured, any
sk_test_ key is accepted, and only on a loopback address. Logs one line per
request (with its Request-Id) to standard error. SIGTERM or SIGINT finishes
the requests in flight (at most 10 s), closes the store and exits 0. Unless
GOGC is set, the garbage collector's target is 200: the heap may grow to
three times the live one.
`,
	"demo": `usage: payrec demo [-log]

Replays the canonical example built into payrec — Stripe's $10.00 payment
whose attempt is reported failed — and prints the final payment_record,
indented. With -log, prints the example's report log instead, ready for
payrec replay.
`,
}

// printUsage prints the usage of fs's subcommand and its flags.
func printUsage(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprint(w, synopsis[strings.TrimPrefix(fs.Name(), "payrec ")])
	hasFlags := false
	fs.VisitAll(func(*flag.Flag) { hasFlags = true })
	if hasFlags {
		fmt.Fprintln(w, "\nFlags:")
		fs.SetOutput(w)
		fs.PrintDefaults()
	}
}

// parseFlags parses args with fs and sorts out help and usage errors. It
// returns done when the command must stop with status code.
//
// Flags may come before or after the arguments (payrec replay FILE
// -allow-rejects), as people type them; after "--" everything is an
// argument. Once it returns, fs.Args holds the arguments in order.
func parseFlags(fs *flag.FlagSet, args []string, stdout, stderr io.Writer) (code int, done bool) {
	fs.SetOutput(io.Discard) // the flag package's own messages go through printUsage
	var positional []string
	for {
		err := fs.Parse(args)
		switch {
		case err == nil:
		case errors.Is(err, flag.ErrHelp):
			printUsage(stdout, fs)
			return exitOK, true
		default:
			fmt.Fprintf(stderr, "%s: %v\n\n", fs.Name(), err)
			printUsage(stderr, fs)
			return exitFailure, true
		}
		rest := fs.Args()
		if consumed := len(args) - len(rest); consumed > 0 && args[consumed-1] == "--" {
			positional = append(positional, rest...) // parsing stopped at "--"
			break
		}
		if len(rest) == 0 {
			break
		}
		positional = append(positional, rest[0]) // parsing stopped at an argument
		args = rest[1:]
	}
	// Leave the arguments in fs.Args; "--" keeps one that starts with "-"
	// from being read as a flag again.
	if err := fs.Parse(append([]string{"--"}, positional...)); err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", fs.Name(), err) // never expected: nothing is parsed after "--"
		return exitFailure, true
	}
	return 0, false
}

// usageError reports a bad command line of fs's subcommand.
func usageError(fs *flag.FlagSet, stderr io.Writer, format string, args ...any) int {
	fmt.Fprintf(stderr, "%s: %s\n\n", fs.Name(), fmt.Sprintf(format, args...))
	printUsage(stderr, fs)
	return exitFailure
}

// openInput opens the log named by the optional FILE argument: standard
// input for none or "-". The returned close function is never nil.
func openInput(name string, stdin io.Reader) (io.Reader, func(), error) {
	if name == "" || name == "-" {
		return stdin, func() {}, nil
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, nil, err
	}
	return f, func() { f.Close() }, nil
}
