package record

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"unicode/utf8"

	"github.com/payrec/payrec"
	"github.com/payrec/payrec/internal/wire"
)

// Report is one of the seven params types: a report that a record can
// Apply and a report log can hold. The interface is sealed: only this
// package's params types implement it, and pointers to them, which every
// function taking a Report reads as the value they point to.
type Report interface {
	// Op returns the name of the endpoint the report belongs to, such as
	// "report_payment_attempt_failed"; it is the op of a report log line.
	Op() string
	report()
}

// The endpoint names, as Report.Op returns them and report logs spell them.
const (
	OpReportPayment                     = "report_payment"
	OpReportPaymentAttempt              = "report_payment_attempt"
	OpReportPaymentAttemptFailed        = "report_payment_attempt_failed"
	OpReportPaymentAttemptGuaranteed    = "report_payment_attempt_guaranteed"
	OpReportPaymentAttemptCanceled      = "report_payment_attempt_canceled"
	OpReportPaymentAttemptInformational = "report_payment_attempt_informational"
	OpReportRefund                      = "report_refund"
)

// Op returns "report_payment".
func (ReportPaymentParams) Op() string { return OpReportPayment }

// Op returns "report_payment_attempt".
func (ReportPaymentAttemptParams) Op() string { return OpReportPaymentAttempt }

// Op returns "report_payment_attempt_failed".
func (ReportPaymentAttemptFailedParams) Op() string { return OpReportPaymentAttemptFailed }

// Op returns "report_payment_attempt_guaranteed".
func (ReportPaymentAttemptGuaranteedParams) Op() string { return OpReportPaymentAttemptGuaranteed }

// Op returns "report_payment_attempt_canceled".
func (ReportPaymentAttemptCanceledParams) Op() string { return OpReportPaymentAttemptCanceled }

// Op returns "report_payment_attempt_informational".
func (ReportPaymentAttemptInformationalParams) Op() string {
	return OpReportPaymentAttemptInformational
}

// Op returns "report_refund".
func (ReportRefundParams) Op() string { return OpReportRefund }

func (ReportPaymentParams) report()                     {}
func (ReportPaymentAttemptParams) report()              {}
func (ReportPaymentAttemptFailedParams) report()        {}
func (ReportPaymentAttemptGuaranteedParams) report()    {}
func (ReportPaymentAttemptCanceledParams) report()      {}
func (ReportPaymentAttemptInformationalParams) report() {}
func (ReportRefundParams) report()                      {}

// Apply applies rep to r with the operation it names. A ReportPaymentParams
// creates records and cannot be applied to one: once its parameters pass,
// it is rejected with ErrRecordExists (also ErrDuplicate when it is the
// report that created r). A pointer to a params value is applied as the
// value; a nil Report or nil pointer is a parameter error.
func (r *Record) Apply(rep Report) error {
	rep = canonical(rep)
	if rep == nil {
		return root.Errorf("", nil, "No report was given")
	}
	return reportOps[rep.Op()].apply(r, rep)
}

// reportOp is what replay needs of one of the seven reports: how to decode
// its params and how to apply them.
type reportOp struct {
	decode func(data []byte, at wire.Path) (Report, error)
	apply  func(r *Record, rep Report) error
}

// reportOps is the one table of the seven reports, by endpoint name. Each
// decoder is written out: a decode through a type parameter would move
// every params value to the heap before it is boxed in the Report.
var reportOps = map[string]reportOp{
	OpReportPayment: {
		decode: func(data []byte, at wire.Path) (Report, error) {
			var p ReportPaymentParams
			err := p.decode(data, at)
			return p, err
		},
		apply: applyAs(func(r *Record, p ReportPaymentParams) error { return r.recreate(&p) }),
	},
	OpReportPaymentAttempt: {
		decode: func(data []byte, at wire.Path) (Report, error) {
			var p ReportPaymentAttemptParams
			err := p.decode(data, at)
			return p, err
		},
		apply: applyAs((*Record).ReportPaymentAttempt),
	},
	OpReportPaymentAttemptFailed: {
		decode: func(data []byte, at wire.Path) (Report, error) {
			var p ReportPaymentAttemptFailedParams
			err := p.decode(data, at)
			return p, err
		},
		apply: applyAs((*Record).ReportPaymentAttemptFailed),
	},
	OpReportPaymentAttemptGuaranteed: {
		decode: func(data []byte, at wire.Path) (Report, error) {
			var p ReportPaymentAttemptGuaranteedParams
			err := p.decode(data, at)
			return p, err
		},
		apply: applyAs((*Record).ReportPaymentAttemptGuaranteed),
	},
	OpReportPaymentAttemptCanceled: {
		decode: func(data []byte, at wire.Path) (Report, error) {
			var p ReportPaymentAttemptCanceledParams
			err := p.decode(data, at)
			return p, err
		},
		apply: applyAs((*Record).ReportPaymentAttemptCanceled),
	},
	OpReportPaymentAttemptInformational: {
		decode: func(data []byte, at wire.Path) (Report, error) {
			var p ReportPaymentAttemptInformationalParams
			err := p.decode(data, at)
			return p, err
		},
		apply: applyAs((*Record).ReportPaymentAttemptInformational),
	},
	OpReportRefund: {
		decode: func(data []byte, at wire.Path) (Report, error) {
			var p ReportRefundParams
			err := p.decode(data, at)
			return p, err
		},
		apply: applyAs((*Record).ReportRefund),
	},
}

// DecodeReport decodes params, the JSON parameters of the endpoint op (one
// of the Op constants), into its params type, as a report log line's params
// are decoded: what an HTTP layer needs to turn a request into a Report. An
// unknown op is a parameter error naming op; a parameter error names the
// parameter as the request does ("failed_at", not "params[failed_at]").
func DecodeReport(op string, params []byte) (Report, error) {
	kind, ok := reportOps[op]
	if !ok {
		return nil, wire.At(pkg, "op").Errorf("", nil, "Unknown op %q", op)
	}
	return kind.decode(params, root)
}

// applyAs makes the apply function of a table entry from the operation of
// the params type T.
func applyAs[T Report](apply func(*Record, T) error) func(*Record, Report) error {
	return func(r *Record, rep Report) error { return apply(r, rep.(T)) }
}

// canonical returns the params value rep holds, dereferencing a pointer to
// one (the methods of Report have value receivers, so pointers satisfy it
// too); a nil pointer gives nil.
func canonical(rep Report) Report {
	switch p := rep.(type) {
	case *ReportPaymentParams:
		return deref(p)
	case *ReportPaymentAttemptParams:
		return deref(p)
	case *ReportPaymentAttemptFailedParams:
		return deref(p)
	case *ReportPaymentAttemptGuaranteedParams:
		return deref(p)
	case *ReportPaymentAttemptCanceledParams:
		return deref(p)
	case *ReportPaymentAttemptInformationalParams:
		return deref(p)
	case *ReportRefundParams:
		return deref(p)
	}
	return rep
}

func deref[T Report](p *T) Report {
	if p == nil {
		return nil
	}
	return *p
}

// recreate rejects a report_payment applied to an existing record, after
// its parameters, which are checked first as for every report. The zero
// Record exists as no record: it rejects the report as it rejects every
// other, for having no attempt.
func (r *Record) recreate(p *ReportPaymentParams) error {
	if len(r.attempts) == 0 {
		return errNoAttempt()
	}
	var scratch Record
	if err := scratch.create(p); err != nil {
		return err
	}
	var err error = ErrRecordExists
	if sameReport(r.createdBy(), *p) {
		err = duplicateOf(err)
	}
	return wire.Conflict(pkg, payrec.CodeResourceAlreadyExists, "id", err, "Payment record %q already exists", r.id)
}

// Replay rebuilds a record from its reports: the first must be the
// ReportPaymentParams that created it, the others are applied in order.
// Replaying the reports a record accepted gives a record equal to it (same
// JSON, same Version). The first rejected report ends the replay; its error
// says which report it was.
func Replay(reports ...Report) (*Record, error) {
	if len(reports) == 0 {
		return nil, root.Errorf("", nil, "Replay needs at least the report_payment that creates the record")
	}
	first, ok := canonical(reports[0]).(ReportPaymentParams)
	if !ok {
		return nil, root.Errorf("", nil, "Replay must start with report_payment, not %s", opOf(reports[0]))
	}
	r, err := ReportPayment(first)
	if err != nil {
		return nil, annotate(err, "replay report 1 (report_payment)")
	}
	for i, rep := range reports[1:] {
		if err := r.Apply(rep); err != nil {
			return nil, annotate(err, fmt.Sprintf("replay report %d (%s)", i+2, opOf(rep)))
		}
	}
	return r, nil
}

func opOf(rep Report) string {
	if rep = canonical(rep); rep == nil {
		return "nil"
	}
	return rep.Op()
}

// Entry is one line of a report log: the ID of the record a report is for
// (empty for report_payment, whose params carry the new record's ID) and
// the report itself.
type Entry struct {
	ID     string
	Report Report
}

// RecordID returns the ID of the record e is about: e.ID, or the new
// record's ID for a report_payment.
func (e Entry) RecordID() string {
	if p, ok := canonical(e.Report).(ReportPaymentParams); ok {
		return p.ID
	}
	return e.ID
}

// MarshalJSON encodes e as a report log line:
// {"op":"<endpoint>","id":"<record id>","params":{…}}, without id for
// report_payment.
func (e Entry) MarshalJSON() ([]byte, error) {
	rep := canonical(e.Report)
	if rep == nil {
		return nil, root.Errorf("", nil, "Cannot encode a log entry without a report")
	}
	params, err := rep.(json.Marshaler).MarshalJSON()
	if err != nil {
		return nil, err
	}
	if !utf8.ValidString(e.ID) {
		return nil, wire.CheckText(e.ID, wire.Document(pkg, "the log line").Key("id"))
	}
	b := append(make([]byte, 0, len(params)+64), `{"op":`...)
	b = wire.AppendString(b, rep.Op())
	if _, create := rep.(ReportPaymentParams); !create {
		b = wire.AppendString(append(b, `,"id":`...), e.ID)
	}
	b = append(append(b, `,"params":`...), params...)
	return append(b, '}'), nil
}

// UnmarshalJSON decodes a report log line strictly: op and params are
// required, id is required except for report_payment (where it must be
// absent), and no other key is allowed. A parameter error names the
// parameter inside params: "params[failed_at]".
func (e *Entry) UnmarshalJSON(data []byte) error {
	var op, id string
	var params []byte
	var paramsAt wire.Path
	var seen fieldSet
	line := wire.Document(pkg, "the log line")
	err := wire.Object(data, line, func(key string, val []byte, q wire.Path) error {
		seen.add(key)
		switch key {
		case "op":
			return decodeString(val, q, &op)
		case "id":
			return decodeString(val, q, &id)
		case "params":
			params, paramsAt = val, q
			return nil
		}
		return q.Unknown()
	})
	if err == nil {
		err = seen.requireAt(line, "op", "params")
	}
	if err != nil {
		return err
	}
	kind, ok := reportOps[op]
	if !ok {
		return line.Key("op").Errorf("", nil, "Unknown op %q", op)
	}
	create := op == OpReportPayment
	switch {
	case create && seen.has("id"):
		return line.Key("id").Errorf("", nil, "A report_payment line carries its record ID in params[id], not id")
	case !create && id == "":
		return line.Key("id").Missing()
	}
	rep, err := kind.decode(params, paramsAt)
	if err != nil {
		return err
	}
	*e = Entry{ID: id, Report: rep}
	return nil
}

func lineContext(line int) string { return "report log line " + strconv.Itoa(line) }

// annotate returns err with "record: <context>" as its Go context, so that
// Error() says which report or log line was rejected, keeping the Stripe
// fields (Message among them) and the causes of the *payrec.Error it
// carries.
func annotate(err error, context string) error {
	var pe *payrec.Error
	if !errors.As(err, &pe) {
		return fmt.Errorf("record: %s: %w", context, err)
	}
	c := *pe
	c.Context = "record: " + context
	return &c
}

// LogWriter writes a report log, one JSON line per entry.
type LogWriter struct {
	w   io.Writer
	buf []byte
}

// NewLogWriter returns a LogWriter writing to w. It does not buffer beyond
// one line: wrap w in a bufio.Writer for throughput.
func NewLogWriter(w io.Writer) *LogWriter { return &LogWriter{w: w} }

// Write writes one log line for rep, a report on the record with ID id (id
// is ignored for a ReportPaymentParams, which names its record). It writes
// nothing and returns the reader's error for a line that LogReader would
// refuse: an id that is no record ID ("" among them), a line longer than
// MaxLogLine, params the decoder rejects. Every report a record accepted
// fits a line: its parameters are bounded so that it does.
func (lw *LogWriter) Write(id string, rep Report) error {
	if _, create := canonical(rep).(ReportPaymentParams); !create && rep != nil {
		if err := wire.CheckID(id, wire.Document(pkg, "the log line").Key("id")); err != nil {
			return annotate(err, "cannot write a log line the reader would refuse")
		}
	}
	line, err := Entry{ID: id, Report: rep}.MarshalJSON()
	if err != nil {
		return err
	}
	if len(line) > MaxLogLine {
		return &payrec.Error{Type: payrec.ErrorType, Err: ErrLineTooLong, Context: "record: cannot write a log line",
			Message: wire.Sentence("The line would be %d bytes long; a report log line holds at most %d", len(line), MaxLogLine)}
	}
	var back Entry
	if err := back.UnmarshalJSON(line); err != nil {
		return annotate(err, "cannot write a log line the reader would refuse")
	}
	lw.buf = append(append(lw.buf[:0], line...), '\n')
	_, err = lw.w.Write(lw.buf)
	return err
}

// ReplayLog rebuilds one record from a report log that holds only its
// reports, the first being its report_payment. A line whose id names
// another record is an error (ErrRecordMismatch), as is any malformed or
// rejected line; the error names the line.
func ReplayLog(r io.Reader) (*Record, error) {
	lr := NewLogReader(r)
	var rec *Record
	for {
		e, err := lr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		if rec == nil {
			p, ok := canonical(e.Report).(ReportPaymentParams)
			if !ok {
				return nil, annotate(root.Errorf("", nil, "The log must start with report_payment, not %s",
					e.Report.Op()), lineContext(lr.Line()))
			}
			if rec, err = ReportPayment(p); err != nil {
				return nil, annotate(err, lineContext(lr.Line()))
			}
			continue
		}
		if e.RecordID() != rec.id {
			return nil, annotate(wire.Conflict(pkg, payrec.CodeResourceMissing, "id", ErrRecordMismatch,
				"The line names record %q, not %q", e.RecordID(), rec.id), lineContext(lr.Line()))
		}
		if err := rec.Apply(e.Report); err != nil {
			return nil, annotate(err, lineContext(lr.Line()))
		}
	}
	if rec == nil {
		return nil, root.Errorf("", nil, "The report log is empty")
	}
	return rec, nil
}
