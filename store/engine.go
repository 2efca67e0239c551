package store

import (
	"bytes"
	"errors"
	"fmt"
	"time"

	"github.com/payrec/payrec"
	"github.com/payrec/payrec/record"
)

// view is what deciding a request reads: the stored state as the
// transaction deciding it sees it, including the writes of the requests
// decided before it in the same transaction.
type view interface {
	// current returns the record with ID id, nil when there is none. The
	// caller must not change it.
	current(id string) (*record.Record, error)
	// recordAt returns the record with ID id as it was at version.
	recordAt(id string, version uint64) (*record.Record, error)
	// attemptOwner returns the ID of the record holding the attempt, "" for none.
	attemptOwner(attemptID string) (string, error)
	// key returns what is stored under an idempotency key, nil for nothing.
	key(key string) (*storedKey, error)
	// owns reports whether the record current returns for id is the
	// view's own, which a report may change in place (a rejected report
	// leaves a record as it was); otherwise a copy is changed.
	owns(id string) bool
}

// storedKey is an idempotency key's row.
type storedKey struct {
	fp      []byte
	created time.Time
	outcome
}

// write is what deciding a request stores.
type write struct {
	rec       *record.Record // the record after the report; nil when rejected
	line      []byte         // the report, as stored
	attemptID string         // the attempt the report adds, "" for none
	key       string         // the idempotency key, "" for none
	fp        []byte
	created   time.Time
	keyOut    *outcome  // what to store under key; nil for nothing
	replaceKy bool      // an expired row is stored under key and must go
	expiry    time.Time // rows created before it are expired
}

// decide answers req against the state v shows and says what to store. An
// error it returns is the store's own failure (reading v), not a rejection.
func decide(v view, req *request) (answer, *write, error) {
	if req.malformed != nil {
		// The record's rejection if it has one, else why the report
		// cannot be stored: a parameter error either way, stored nowhere.
		cur, err := v.current(req.id)
		if err != nil {
			return answer{}, nil, err
		}
		if _, rerr := applyTo(cur, req, false); rerr != nil {
			return answer{err: rerr}, nil, nil
		}
		return answer{err: req.malformed}, nil, nil
	}
	replaceKey := false
	if req.key != "" {
		k, err := v.key(req.key)
		if err != nil {
			return answer{}, nil, err
		}
		if k != nil && !k.created.Before(req.expiry) {
			if !bytes.Equal(k.fp, req.fp[:]) {
				return answer{err: mismatch(req.key)}, nil, nil
			}
			if k.version == 0 {
				return answer{err: k.outcome.err(), replayed: true}, nil, nil
			}
			r, err := v.recordAt(k.recordID, k.version)
			if err != nil {
				return answer{}, nil, err
			}
			return answer{rec: r, replayed: true}, nil, nil
		}
		replaceKey = k != nil
	}
	cur, err := v.current(req.id)
	if err != nil {
		return answer{}, nil, err
	}
	// An attempt ID another record holds makes an accepted report a
	// conflict; the record's own verdict comes first, so the report is then
	// tried on a copy.
	foreign := ""
	if req.attemptID != "" {
		owner, err := v.attemptOwner(req.attemptID)
		if err != nil {
			return answer{}, nil, err
		}
		if owner != req.id {
			foreign = owner
		}
	}
	next, rerr := applyTo(cur, req, cur != nil && v.owns(req.id) && foreign == "")
	if rerr == nil && foreign != "" {
		rerr = &payrec.Error{Type: payrec.ErrorType, Code: payrec.CodeResourceAlreadyExists, Param: "attempt_id",
			Message: fmt.Sprintf("The attempt ID %q is already used by payment record %q.", req.attemptID, foreign),
			Err:     record.ErrDuplicateAttemptID}
		next = nil
	}
	w := &write{key: req.key, fp: req.fp[:], created: req.now, replaceKy: replaceKey, expiry: req.expiry}
	if rerr != nil {
		if req.key == "" || errors.Is(rerr, payrec.ErrInvalidParameter) {
			return answer{err: rerr}, nil, nil
		}
		o := rejection(req.id, rerr)
		w.keyOut = &o
		return answer{err: rerr}, w, nil
	}
	w.rec, w.line, w.attemptID = next, req.line, req.attemptID
	if req.key != "" {
		w.keyOut = &outcome{recordID: req.id, version: next.Version()}
	}
	return answer{rec: next}, w, nil
}

// applyTo applies req's report to cur (nil when the record does not exist)
// and returns the record after it: cur itself when inPlace, else a copy,
// leaving cur as it was.
func applyTo(cur *record.Record, req *request, inPlace bool) (*record.Record, error) {
	if cur == nil {
		if req.create != nil {
			return req.built, req.buildErr // see request.built
		}
		// A report's parameters are checked against its record, so a report
		// for a missing record is not found, whatever its parameters.
		return nil, recordNotFound(req.id)
	}
	next := cur
	if !inPlace {
		next = cur.Clone()
	}
	if err := next.Apply(req.rep); err != nil {
		return nil, err
	}
	return next, nil
}

// replayLines rebuilds record id from its stored lines, the first being
// version 1. An undecodable or rejected line is ErrCorrupt naming it.
func replayLines(id string, lines [][]byte) (*record.Record, error) {
	var r *record.Record
	for i, line := range lines {
		var err error
		r, err = catchUp(id, r, uint64(i+1), line)
		if err != nil {
			return nil, err
		}
	}
	return r, nil
}

// catchUp applies the stored line of version to r (nil before version 1),
// in place, and returns the record.
func catchUp(id string, r *record.Record, version uint64, line []byte) (*record.Record, error) {
	var e record.Entry
	err := e.UnmarshalJSON(line)
	if err != nil {
		return nil, corrupt(id, version, "the stored report does not decode: %v", err)
	}
	if e.RecordID() != id {
		return nil, corrupt(id, version, "the stored report names record %q", e.RecordID())
	}
	if r == nil {
		p, ok := e.Report.(record.ReportPaymentParams)
		if !ok || version != 1 {
			return nil, corrupt(id, version, "the record does not start with its report_payment")
		}
		r, err = record.ReportPayment(p)
	} else {
		if r.Version()+1 != version {
			return nil, corrupt(id, version, "expected version %d", r.Version()+1)
		}
		err = r.Apply(e.Report)
	}
	if err != nil {
		return nil, corrupt(id, version, "the stored report is rejected on replay: %v", err)
	}
	return r, nil
}
