// Command payrec replays a log of payment reports and prints the payment
// records they build, as the JSON objects of Stripe's Payment Records API
// (payment_record, payment_attempt_record, and Stripe's error envelope).
//
// Usage:
//
//	payrec replay [-allow-rejects] [FILE|-]
//	payrec attempts [-pretty] ID [FILE|-]
//	payrec demo [-log]
//	payrec help [COMMAND]
//
// FILE is a report log; without it, or when it is "-", payrec reads
// standard input. Flags come before the other arguments.
//
// # The report log
//
// A report log holds one report a line, as JSON: the name of the Stripe
// endpoint in op, the ID of the record in id, and the endpoint's parameters
// in params, with the facts Stripe's server would assign (id, attempt_id,
// created, livemode) among them, as package record defines them:
//
//	{"op":"report_payment","params":{"id":"pr_1","attempt_id":"par_1","created":1730211363,"amount_requested":{"currency":"usd","value":1000},"initiated_at":1730211363,"payment_method_details":{"custom":{"display_name":"newpay"}}}}
//	{"op":"report_payment_attempt_failed","id":"pr_1","params":{"failed_at":1730253453}}
//
// The ops are report_payment (which has no id: its params name the new
// record), report_payment_attempt, report_payment_attempt_failed,
// report_payment_attempt_guaranteed, report_payment_attempt_canceled,
// report_payment_attempt_informational and report_refund. Lines that hold
// only white space are blank and are skipped; a line longer than 1 MiB is
// rejected (its answer is an error envelope) and replay goes on with the
// next. record.LogWriter writes such logs.
//
// # replay
//
// payrec replay applies each report to the records it keeps in memory, by
// ID, in log order, and prints exactly one JSON line for each non-blank
// input line, in the same order; blank lines print nothing, so output line
// k answers the k-th non-blank input line. The answer is the record's
// payment_record object as that line left it, or Stripe's error envelope
// {"error":{"type":"invalid_request_error",...}} when the line
//
//   - is not a valid report (malformed JSON, an unknown op or parameter):
//     the message names the line, "record: report log line 16: ...";
//   - reports on a record that no earlier line created: code
//     resource_missing, param id;
//   - is rejected by the record, as package record rejects it (the message,
//     code and param are the record package's, unchanged); a report_payment
//     for an existing record is resource_already_exists, param id.
//
// A rejected line changes nothing. replay streams: it holds the records, not
// the lines, so its memory grows with the number of records, and it prints
// answers as it reads (when its input pauses, it flushes what it has).
// Decoding lines, the larger part of the work, runs on every CPU; reports
// are applied one at a time, in order.
//
// When any line got an error envelope, replay says on standard error how
// many and which came first, and exits 1; -allow-rejects makes it exit 0
// and say nothing, so that a pipeline can keep the envelopes as data.
//
//	payrec replay payments.jsonl > records.jsonl
//	payrec replay -allow-rejects - < payments.jsonl | grep '^{"error"'
//
// # attempts
//
// payrec attempts replays the log's reports about record ID, with the rules
// of replay, and prints the record's attempts as payment_attempt_record
// objects, oldest first, one JSON line each, or indented with -pretty. It
// keeps only that record in memory. Rejected reports change nothing, so
// they do not show; how many of the lines about ID were rejected, and how
// many lines were malformed (and so might have been about ID), is noted on
// standard error — payrec replay says why. When the log never created
// record ID, attempts prints nothing on standard output, says so on
// standard error and exits 1: standard output holds attempts only.
//
//	payrec attempts -pretty pr_5RV730PrHyAEi payments.jsonl
//
// # demo
//
// payrec demo replays the canonical example built into payrec — Stripe's
// $10.00 payment record whose attempt is reported failed, with failed_at
// sent as a form string — and prints the final payment_record, indented
// by two spaces: every key and value of Stripe's response to
// report_payment_attempt_failed, plus the keys of the current API version
// that the example predates (amount, amount_authorized, application,
// reported_by). Standard output is pure JSON; a line on standard error says
// what was replayed. payrec demo -log prints the example's log instead:
//
//	payrec demo -log | payrec replay
//
// # Help
//
// payrec -h and payrec help print an overview; payrec help COMMAND and
// payrec COMMAND -h print the usage of one command. Help that is asked for
// goes to standard output with exit status 0; usage printed because of a
// mistake — payrec alone, with no command, is one — goes to standard error
// with exit status 2.
//
// # Exit status
//
//	0  replay: every line was applied; attempts, demo, help: done
//	1  replay: a line got an error envelope (0 with -allow-rejects);
//	   attempts: the log never created record ID
//	2  bad usage, an input that cannot be opened or read, or an output that
//	   cannot be written
//
// Results go to standard output; messages about payrec itself — a bad flag,
// a file that cannot be opened — go to standard error. On exit status 2,
// what was printed before the failure stands.
package main
