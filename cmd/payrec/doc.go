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
// standard input. Flags may come before or after the arguments. payrec help
// COMMAND, or payrec COMMAND -h, prints the usage of one command.
//
// A report log is JSON lines as package record writes them
// ([github.com/payrec/payrec/record.LogWriter]): op names the Stripe
// endpoint (report_payment, report_payment_attempt,
// report_payment_attempt_failed, report_payment_attempt_guaranteed,
// report_payment_attempt_canceled, report_payment_attempt_informational or
// report_refund), id the record (absent for report_payment, whose params
// name the new record), and params holds the endpoint's parameters:
//
//	{"op":"report_payment_attempt_failed","id":"pr_1","params":{"failed_at":1730253453}}
//
// replay applies each report, in order, to the records it keeps in memory,
// and prints one JSON line for each non-blank input line: the record's
// payment_record as that line left it, or Stripe's error envelope when the
// line is malformed (the message gives the line and byte), reports on a
// record no earlier line created (code resource_missing), or is rejected by
// the record. A rejected line changes nothing. replay streams, holding the
// records and never the lines, and decodes lines on every CPU while it
// applies them in order. With -allow-rejects it exits 0 even when lines
// were rejected.
//
// attempts replays the log's reports about record ID and prints that
// record's attempts as payment_attempt_record objects, oldest first; with
// -pretty, indented. Standard error notes how many lines about ID were
// rejected and how many were malformed.
//
// demo replays the canonical example built into payrec, Stripe's $10.00
// payment whose attempt is reported failed, and prints the final
// payment_record: Stripe's response plus the four keys the current API
// version added (amount, amount_authorized, application, reported_by).
// With -log it prints the example's report log instead:
//
//	payrec demo -log | payrec replay
//
// Exit status:
//
//	0  replay: every line was applied; attempts, demo, help: done
//	1  replay: a line got an error envelope (0 with -allow-rejects);
//	   attempts: the log never created record ID
//	2  bad usage, an input that cannot be opened or read, or an output that
//	   cannot be written
//
// Results go to standard output, messages about payrec itself to standard
// error; help that was asked for goes to standard output.
package main
