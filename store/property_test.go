package store_test

import (
	"context"
	"flag"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/payrec/payrec"
	"github.com/payrec/payrec/record"
	"github.com/payrec/payrec/record/recordtest"
	"github.com/payrec/payrec/store"
)

// storeMachine is the state of one sequence of TestProperty: the store
// under test and the model, the same record kept in memory.
type storeMachine struct {
	ctx    context.Context
	dsn    string
	b      backend
	s      *store.Store
	model  *record.Record
	create record.ReportPaymentParams
	steps  *atomic.Int64
}

// apply applies rep to a copy of the model and through the store: both
// accept it and give equal records, or both refuse it with the same
// *payrec.Error and nothing changes.
func (m *storeMachine) apply(t *rapid.T, rep record.Report) {
	m.steps.Add(1)
	next := m.model.Clone()
	memErr := next.Apply(rep)
	got, err := m.s.Apply(m.ctx, m.model.ID(), rep)
	if memErr == nil {
		require.NoError(t, err, "%s accepted in memory", rep.Op())
		recordtest.Equal(t, got, next)
		m.model = next
		return
	}
	require.Error(t, err, "%s refused in memory with %v", rep.Op(), memErr)
	var pe, memPE *payrec.Error
	require.ErrorAs(t, err, &pe)
	require.ErrorAs(t, memErr, &memPE)
	assert.Equal(t, *memPE, *pe, "the store refuses with the record's own error")
	recordtest.Equal(t, next, m.model) // the model itself stayed atomic
}

func (m *storeMachine) valid(t *rapid.T) {
	m.apply(t, recordtest.Next(m.model).Draw(t, "report"))
}

func (m *storeMachine) invalid(t *rapid.T) {
	var rep record.Report
	switch rapid.IntRange(0, 5).Draw(t, "op") {
	case 0:
		rep = recordtest.InvalidReportPaymentAttempt(m.model).Draw(t, "invalid").Params
	case 1:
		rep = recordtest.InvalidReportPaymentAttemptFailed(m.model).Draw(t, "invalid").Params
	case 2:
		rep = recordtest.InvalidReportPaymentAttemptGuaranteed(m.model).Draw(t, "invalid").Params
	case 3:
		rep = recordtest.InvalidReportPaymentAttemptCanceled(m.model).Draw(t, "invalid").Params
	case 4:
		rep = recordtest.InvalidReportPaymentAttemptInformational(m.model).Draw(t, "invalid").Params
	default:
		rep = recordtest.InvalidReportRefund(m.model).Draw(t, "invalid").Params
	}
	m.apply(t, rep)
}

func (m *storeMachine) createAgain(t *rapid.T) {
	m.apply(t, m.create)
}

func (m *storeMachine) reopen(t *rapid.T) {
	if !m.b.persistent {
		t.Skip("memory does not outlive its store")
	}
	// Opening costs tens of milliseconds on PostgreSQL: reopen in one of
	// three draws, so that sequences are mostly reports.
	if rapid.IntRange(0, 2).Draw(t, "reopen") != 0 {
		t.Skip("not this time")
	}
	require.NoError(t, m.s.Close())
	s, err := store.Open(m.ctx, m.dsn)
	require.NoError(t, err)
	m.s = s
}

func (m *storeMachine) check(t *rapid.T) {
	got, err := m.s.Get(m.ctx, m.model.ID())
	require.NoError(t, err)
	recordtest.Equal(t, got, m.model)
	recordtest.Equal(t, replayStored(t, m.s, m.model.ID()), m.model)
}

// TestProperty applies random sequences — recordtest's valid reports and
// reports with one defect each, creations of the existing record, and, on
// databases, reopening the store — through the store, and the same
// sequence to the record in memory: after every step they agree, and the
// stored log replays to the same record.
func TestProperty(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		if b.name == "postgres" {
			newPostgresDSN(t) // counts the test, skips it without PostgreSQL
		}
		var sequences int
		var steps atomic.Int64
		start := time.Now()
		fresh := freshDSN(t, b)
		if raceEnabled {
			// The race detector slows this test tenfold; CI runs it in
			// full without the detector.
			defer setRapidChecks(t, max(rapidChecks()/10, 5))()
		}
		rapid.Check(t, func(rt *rapid.T) {
			sequences++
			dsn := fresh(rt)
			s, err := store.Open(context.Background(), dsn)
			require.NoError(rt, err)
			m := &storeMachine{ctx: context.Background(), dsn: dsn, b: b, s: s, steps: &steps}
			defer func() { _ = m.s.Close() }()
			m.create = recordtest.ReportPayment().Draw(rt, "report_payment")
			m.model, err = record.ReportPayment(m.create)
			require.NoError(rt, err)
			got, err := s.Apply(m.ctx, "", m.create)
			require.NoError(rt, err)
			recordtest.Equal(rt, got, m.model)
			rt.Repeat(map[string]func(*rapid.T){
				"valid":   m.valid,
				"valid ":  m.valid, // twice as likely as the others
				"invalid": m.invalid,
				"create":  m.createAgain,
				"reopen":  m.reopen,
				"":        m.check,
			})
		})
		t.Logf("%s: %d sequences, %d reports in %v", b.name, sequences, steps.Load(), time.Since(start).Round(time.Millisecond))
	})
}

// freshDSN returns a function that gives each sequence of a property test
// on b an empty database: a new SQLite file, or for PostgreSQL one schema
// emptied between sequences (cheaper than a schema each).
func freshDSN(t *testing.T, b backend) func(tb) string {
	switch b.name {
	case "sqlite":
		return func(tb) string { return "sqlite:" + filepath.Join(t.TempDir(), "payrec.db") }
	case "postgres":
		dsn := newPostgresSchema(t)
		first := true
		return func(rt tb) string {
			if !first {
				rawExec(rt, dsn, "TRUNCATE "+tableReports+", records, attempts, idempotency_keys")
			}
			first = false
			return dsn
		}
	}
	return func(tb) string { return b.newDSN(t) }
}

// rapidChecks returns the number of checks -rapid.checks asks for.
func rapidChecks() int {
	n, _ := strconv.Atoi(flag.Lookup("rapid.checks").Value.String())
	return n
}

// setRapidChecks sets -rapid.checks to n and returns what restores it.
func setRapidChecks(t *testing.T, n int) func() {
	old := flag.Lookup("rapid.checks").Value.String()
	require.NoError(t, flag.Set("rapid.checks", strconv.Itoa(n)))
	return func() { _ = flag.Set("rapid.checks", old) }
}
