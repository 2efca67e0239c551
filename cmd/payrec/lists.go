package main

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"

	"github.com/payrec/payrec"
	"github.com/payrec/payrec/attempt"
	"github.com/payrec/payrec/internal/wire"
	"github.com/payrec/payrec/store"
)

// query is the parameters of a GET request, as the spec names them.
type query struct {
	limit                       int
	startingAfter, endingBefore string
	createdAfter, createdBefore int64
	paymentRecord               string
}

// Which query parameters each GET endpoint takes, besides expand.
var (
	retrieveQuery    = map[string]bool{}
	listRecordsQuery = map[string]bool{
		"limit": true, "starting_after": true, "ending_before": true, "created_after": true, "created_before": true,
	}
	listAttemptsQuery = map[string]bool{"limit": true, "starting_after": true, "payment_record": true}
)

// parseQuery decodes r's query string: the same form rewriting as a POST
// body, the same strictness (an unknown or repeated parameter is an error
// naming it).
func parseQuery(r *http.Request, allowed map[string]bool) (query, error) {
	q := query{limit: 10}
	if r.URL.RawQuery == "" {
		return q, nil // what the walk below gives for {}
	}
	params, err := formJSON(r.URL.RawQuery)
	if err != nil {
		return q, err
	}
	err = wire.Object(params, wire.Root("payrec"), func(key string, val []byte, p wire.Path) error {
		if key == "expand" {
			// Accepted and ignored: payrec's objects embed nothing to expand.
			var list []string
			if json.Unmarshal(val, &list) != nil {
				return p.Errorf("", nil, "Invalid array: expand must be an array of strings, such as expand[]=data")
			}
			return nil
		}
		if !allowed[key] {
			return p.Unknown()
		}
		var err error
		switch key {
		case "limit":
			q.limit, err = parseLimit(val, p)
		case "created_after":
			q.createdAfter, err = wire.Timestamp(val, p)
		case "created_before":
			q.createdBefore, err = wire.Timestamp(val, p)
		case "starting_after":
			q.startingAfter, err = wire.String(val, p, wire.MaxString)
		case "ending_before":
			q.endingBefore, err = wire.String(val, p, wire.MaxString)
		case "payment_record":
			q.paymentRecord, err = wire.String(val, p, wire.MaxString)
		}
		return err
	})
	if err == nil && q.startingAfter != "" && q.endingBefore != "" {
		err = &payrec.Error{Type: payrec.ErrorType, Code: payrec.CodeParametersExclusive, Param: "ending_before",
			Err: payrec.ErrInvalidParameter, Message: "Give at most one of starting_after and ending_before."}
	}
	return q, err
}

// parseLimit reads limit, an integer from 1 to 100.
func parseLimit(val []byte, p wire.Path) (int, error) {
	n, err := strconv.ParseInt(string(val), 10, 64)
	if err != nil {
		return 0, p.Errorf(payrec.CodeParameterInvalidInteger, nil, "Invalid integer for limit: %s.", val)
	}
	if n < 1 || n > 100 {
		return 0, p.Errorf(payrec.CodeParameterInvalidInteger, nil, "Invalid integer: limit must be from 1 to 100, got %d.", n)
	}
	return int(n), nil
}

// retrieveRecord handles GET /v1/payment_records/{id}.
func (s *server) retrieveRecord(w http.ResponseWriter, r *http.Request) {
	s.getRecord(w, r, r.PathValue("id"))
}

// getRecord answers GET /v1/payment_records/id.
func (s *server) getRecord(w http.ResponseWriter, r *http.Request, id string) {
	if _, err := parseQuery(r, retrieveQuery); err != nil {
		s.fail(w, r, err)
		return
	}
	rec, err := s.st.Get(r.Context(), id)
	if err == nil && rec.Livemode() != livemode(w) {
		err = noSuchRecord(id, "id")
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, rec.AppendJSON)
}

// listRecords handles GET /v1/payment_records: newest first, in the mode of
// the key.
func (s *server) listRecords(w http.ResponseWriter, r *http.Request) {
	q, err := parseQuery(r, listRecordsQuery)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	page, err := s.st.List(r.Context(), store.ListQuery{
		Limit:         q.limit,
		StartingAfter: q.startingAfter,
		EndingBefore:  q.endingBefore,
		CreatedAfter:  q.createdAfter,
		CreatedBefore: q.createdBefore,
		Livemode:      livemode(w),
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, func(b []byte) []byte {
		b = append(b, `{"object":"list","data":[`...)
		for i, rec := range page.Records {
			if i > 0 {
				b = append(b, ',')
			}
			b = rec.AppendJSON(b)
		}
		b = append(b, `],"has_more":`...)
		b = strconv.AppendBool(b, page.HasMore)
		return append(b, `,"url":"/v1/payment_records"}`...)
	})
}

// retrieveAttempt handles GET /v1/payment_attempt_records/{id}.
func (s *server) retrieveAttempt(w http.ResponseWriter, r *http.Request) {
	if _, err := parseQuery(r, retrieveQuery); err != nil {
		s.fail(w, r, err)
		return
	}
	id := r.PathValue("id")
	rec, err := s.st.Attempt(r.Context(), id)
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			err = noSuchAttempt(id, "id")
		}
		s.fail(w, r, err)
		return
	}
	if rec.Livemode() == livemode(w) {
		for _, a := range rec.Attempts() {
			if a.ID() == id {
				writeJSON(w, a.AppendJSON)
				return
			}
		}
	}
	s.fail(w, r, noSuchAttempt(id, "id"))
}

// listAttempts handles GET /v1/payment_attempt_records?payment_record=…:
// the record's attempts, newest first. Attempts hang off one record, so the
// page is cut from the record the store returns.
func (s *server) listAttempts(w http.ResponseWriter, r *http.Request) {
	q, err := parseQuery(r, listAttemptsQuery)
	if err == nil && q.paymentRecord == "" {
		err = wire.Root("payrec").Key("payment_record").Missing()
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rec, err := s.st.Get(r.Context(), q.paymentRecord)
	if err == nil && rec.Livemode() != livemode(w) {
		err = store.ErrNotFound
	}
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			err = noSuchRecord(q.paymentRecord, "payment_record")
		}
		s.fail(w, r, err)
		return
	}
	all := rec.Attempts()
	newest := make([]attempt.Attempt, 0, len(all))
	for i := len(all) - 1; i >= 0; i-- {
		newest = append(newest, all[i])
	}
	if q.startingAfter != "" {
		at := -1
		for i := range newest {
			if newest[i].ID() == q.startingAfter {
				at = i
			}
		}
		if at < 0 {
			s.fail(w, r, noSuchAttempt(q.startingAfter, "starting_after"))
			return
		}
		newest = newest[at+1:]
	}
	more := len(newest) > q.limit
	if more {
		newest = newest[:q.limit]
	}
	writeJSON(w, func(b []byte) []byte {
		b = append(b, `{"object":"list","data":[`...)
		for i := range newest {
			if i > 0 {
				b = append(b, ',')
			}
			b = newest[i].AppendJSON(b)
		}
		b = append(b, `],"has_more":`...)
		b = strconv.AppendBool(b, more)
		return append(b, `,"url":"/v1/payment_attempt_records"}`...)
	})
}
