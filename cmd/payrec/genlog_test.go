package main

import (
	"bufio"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"
)

// This file generates large, realistic report logs for the throughput and
// memory measurements: many records reported on in an interleaved order,
// with creations (pending, or directly guaranteed or failed), failures and
// retries, guarantees, cancellations, partial and full refunds,
// informational updates, and a few percent of lines that the record package
// must reject — webhook redeliveries, refunds beyond what is left, reports
// on settled attempts, unknown records and malformed lines.
//
// To write a log to a file (used by scripts/replay_bench.sh):
//
//	PAYREC_GENLOG=/tmp/big.jsonl PAYREC_GENLOG_LINES=1000000 PAYREC_GENLOG_RECORDS=50000 \
//	    go test -run TestGenLogFile -count=1 ./cmd/payrec

// genConfig sizes a generated log.
type genConfig struct {
	Lines   int    // lines in the log, exactly
	Records int    // records the log creates (at most Lines)
	Seed    uint64 // same seed, same log
}

// genLog writes the log that cfg describes to w, calling expect (when not
// nil) for each line with whether the generator means it to be rejected.
func genLog(w *bufio.Writer, cfg genConfig, expect func(reject bool)) error {
	g := &generator{
		rnd:  rand.New(rand.NewPCG(cfg.Seed, 0x9e3779b97f4a7c15)),
		base: cfg.Lines / cfg.Records,
		rem:  cfg.Lines % cfg.Records,
		cfg:  cfg,
	}
	const window = 1000 // records reported on concurrently
	var active []*genRecord
	for written := 0; written < cfg.Lines; written++ {
		for len(active) < window && g.created < cfg.Records {
			active = append(active, g.newRecord())
		}
		i := g.rnd.IntN(len(active))
		r := active[i]
		line, reject := g.next(r)
		if _, err := w.Write(line); err != nil {
			return err
		}
		if expect != nil {
			expect(reject)
		}
		if r.budget == 0 {
			active[i] = active[len(active)-1]
			active = active[:len(active)-1]
		}
	}
	return w.Flush()
}

type generator struct {
	rnd       *rand.Rand
	cfg       genConfig
	base, rem int // lines per record: base, plus one for the first rem records
	created   int
	buf       []byte
}

// genRecord is what the generator knows of one record: enough to write
// reports that are accepted, or rejected on purpose.
type genRecord struct {
	id       string
	cur      string
	amount   int64
	budget   int // lines still to write
	t        int64
	attempts int
	state    string // "", "pending", "guaranteed", "failed", "canceled"
	outcome  int64  // time of the latest outcome
	left     int64  // guaranteed, not refunded
	refunds  int
	refunder bool // whether the payment gets refunded at all
	lastRef  string
	lastAmt  int64
	lastOp   string // the op of the outcome report, for redeliveries
}

func (g *generator) newRecord() *genRecord {
	n := g.created
	g.created++
	budget := g.base
	if n < g.rem {
		budget++
	}
	r := &genRecord{id: "pr_" + strconv.Itoa(1_000_000+n), budget: budget, t: 1_730_000_000 + int64(n)*7,
		refunder: g.rnd.IntN(10) < 3}
	switch x := g.rnd.IntN(10); {
	case x < 7:
		r.cur, r.amount = "usd", 500+g.rnd.Int64N(49_500)
	case x < 9:
		r.cur, r.amount = "eur", 500+g.rnd.Int64N(49_500)
	default:
		r.cur, r.amount = "jpy", 100+g.rnd.Int64N(50_000)
	}
	return r
}

func (g *generator) tick(r *genRecord) int64 {
	r.t += 1 + g.rnd.Int64N(600)
	return r.t
}

// next writes r's next line into g.buf and returns it, with whether it is
// meant to be rejected.
func (g *generator) next(r *genRecord) ([]byte, bool) {
	r.budget--
	g.buf = g.buf[:0]
	if r.state == "" {
		g.create(r)
		return g.buf, false
	}
	// About 1 line in 400 is noise that no record accepts.
	switch g.rnd.IntN(800) {
	case 0:
		g.str(`{"op":"report_payment_attempt_failed","id":"pr_unknown_`).num(int64(g.rnd.IntN(1000))).
			str(`","params":{"failed_at":`).num(g.tick(r)).str("}}\n")
		return g.buf, true
	case 1:
		g.str(`{"op":"report_payment_attempt_guaranteed","id":"`).str(r.id).str(`","params":{"guaranteed_at":}` + "\n")
		return g.buf, true
	}
	p := g.rnd.IntN(100)
	switch r.state {
	case "pending":
		switch {
		case p < 70:
			g.settle(r, "report_payment_attempt_guaranteed", "guaranteed_at", "guaranteed")
		case p < 90:
			g.settle(r, "report_payment_attempt_failed", "failed_at", "failed")
		case p < 95:
			g.settle(r, "report_payment_attempt_canceled", "canceled_at", "canceled")
		default:
			g.informational(r)
		}
		return g.buf, false
	case "failed", "canceled":
		switch {
		case p < 75:
			g.retry(r)
		case p < 96:
			g.informational(r)
		default:
			g.redeliver(r)
			return g.buf, true
		}
		return g.buf, false
	}
	// guaranteed
	switch {
	case r.refunder && r.left > 0 && p < 40:
		g.refund(r, false)
		return g.buf, false
	case p < 95:
		g.informational(r)
		return g.buf, false
	case p < 97:
		g.redeliver(r)
	case p < 98 && r.refunds > 0:
		g.refund(r, true) // redelivered refund: same reference and amount
	default:
		g.overRefund(r)
	}
	return g.buf, true
}

func (g *generator) create(r *genRecord) {
	r.attempts = 1
	start := g.tick(r)
	g.str(`{"op":"report_payment","params":{"id":"`).str(r.id).
		str(`","attempt_id":"par_`).str(r.id[3:]).str(`_1","created":`).num(start).
		str(`,"livemode":true,"amount_requested":{"currency":"`).str(r.cur).str(`","value":`).num(r.amount).
		str(`},"initiated_at":`).num(start).
		str(`,"customer_presence":"on_session","description":"order `).str(r.id[3:]).
		str(`","payment_method_details":{"type":"custom","custom":{"display_name":"newpay","type":"cpmt_125kjj3hn3sdf"},"payment_method":"pm_5j23kjksibjlks"}`).
		str(`,"processor_details":{"type":"custom","custom":{"payment_reference":"npp`).str(r.id[3:]).str(`"}}`).
		str(`,"metadata":{"order":"`).str(r.id[3:]).str(`","channel":"web"}`)
	switch x := g.rnd.IntN(20); {
	case x < 2:
		r.state, r.outcome, r.left, r.lastOp = "guaranteed", g.tick(r), r.amount, "report_payment_attempt_guaranteed"
		g.str(`,"outcome":"guaranteed","guaranteed":{"guaranteed_at":`).num(r.outcome).str("}")
	case x < 3:
		r.state, r.outcome, r.lastOp = "failed", g.tick(r), "report_payment_attempt_failed"
		g.str(`,"outcome":"failed","failed":{"failed_at":`).num(r.outcome).str("}")
	default:
		r.state = "pending"
	}
	g.str("}}\n")
}

// settle reports the pending attempt's outcome; a third of them as a form
// string, the way Stripe's own example sends failed_at.
func (g *generator) settle(r *genRecord, op, key, state string) {
	r.state, r.outcome, r.lastOp = state, g.tick(r), op
	if state == "guaranteed" {
		r.left = r.amount
	}
	g.str(`{"op":"`).str(op).str(`","id":"`).str(r.id).str(`","params":{"`).str(key).str(`":`)
	if g.rnd.IntN(3) == 0 {
		g.str(`"`).num(r.outcome).str(`"`)
	} else {
		g.num(r.outcome)
	}
	g.str("}}\n")
}

// redeliver repeats the report of the latest outcome: a webhook retry.
func (g *generator) redeliver(r *genRecord) {
	key := map[string]string{"guaranteed": "guaranteed_at", "failed": "failed_at", "canceled": "canceled_at"}[r.state]
	g.str(`{"op":"`).str(r.lastOp).str(`","id":"`).str(r.id).str(`","params":{"`).str(key).str(`":`).num(r.outcome).str("}}\n")
}

func (g *generator) retry(r *genRecord) {
	r.attempts++
	start := g.tick(r)
	r.state = "pending"
	g.str(`{"op":"report_payment_attempt","id":"`).str(r.id).str(`","params":{"attempt_id":"par_`).str(r.id[3:]).
		str("_").num(int64(r.attempts)).str(`","created":`).num(start).str(`,"initiated_at":`).num(start).
		str(`,"payment_method_details":{"type":"custom","custom":{"display_name":"newpay","type":"cpmt_125kjj3hn3sdf"},"payment_method":"pm_`).
		num(int64(r.attempts)).str(`"},"metadata":{"attempt":"`).num(int64(r.attempts)).str("\"}}}\n")
}

// refund refunds part or all of what is left, or (again) redelivers the
// previous refund.
func (g *generator) refund(r *genRecord, again bool) {
	if !again {
		r.refunds++
		r.lastRef = "rf_" + r.id[3:] + "_" + strconv.Itoa(r.refunds)
		// At most two refunds a payment: a partial one, then the rest.
		r.lastAmt = r.left
		if r.refunds == 1 && r.left > 1 && g.rnd.IntN(3) > 0 {
			r.lastAmt = 1 + g.rnd.Int64N(r.left/2)
		}
		r.left -= r.lastAmt
	}
	g.str(`{"op":"report_refund","id":"`).str(r.id).str(`","params":{"outcome":"refunded","amount":{"currency":"`).str(r.cur).
		str(`","value":`).num(r.lastAmt).str(`},"processor_details":{"type":"custom","custom":{"refund_reference":"`).str(r.lastRef).
		str(`"}},"refunded":{"refunded_at":`).num(g.tick(r)).str("}}}\n")
}

// overRefund asks for more than is left, under a fresh reference.
func (g *generator) overRefund(r *genRecord) {
	g.str(`{"op":"report_refund","id":"`).str(r.id).str(`","params":{"outcome":"refunded","amount":{"currency":"`).str(r.cur).
		str(`","value":`).num(r.left + 1 + g.rnd.Int64N(100)).str(`},"processor_details":{"type":"custom","custom":{"refund_reference":"rx_`).
		str(r.id[3:]).str("_").num(g.tick(r)).str("\"}}}}\n")
}

// informational updates a bounded set of metadata keys, and now and then
// the customer or the description, so that state stays bounded however many
// lines a record gets.
func (g *generator) informational(r *genRecord) {
	g.str(`{"op":"report_payment_attempt_informational","id":"`).str(r.id).str(`","params":{`)
	switch g.rnd.IntN(4) {
	case 0:
		g.str(`"customer_details":{"name":"Customer `).str(r.id[3:]).str(`","email":"c`).str(r.id[3:]).str(`@example.com"},`)
	case 1:
		g.str(`"description":"order `).str(r.id[3:]).str(` (updated `).num(g.tick(r)).str(`)",`)
	}
	g.str(`"metadata":{"note`).num(int64(g.rnd.IntN(5))).str(`":"`).num(g.tick(r)).str("\"}}}\n")
}

func (g *generator) str(s string) *generator { g.buf = append(g.buf, s...); return g }
func (g *generator) num(n int64) *generator  { g.buf = strconv.AppendInt(g.buf, n, 10); return g }

// TestGenLogFile writes a generated log to $PAYREC_GENLOG, sized by
// $PAYREC_GENLOG_LINES and $PAYREC_GENLOG_RECORDS; it is a tool for
// scripts/replay_bench.sh, skipped otherwise.
func TestGenLogFile(t *testing.T) {
	path := os.Getenv("PAYREC_GENLOG")
	if path == "" {
		t.Skip("set PAYREC_GENLOG=FILE (and PAYREC_GENLOG_LINES, PAYREC_GENLOG_RECORDS) to write a generated log")
	}
	lines, err := strconv.Atoi(os.Getenv("PAYREC_GENLOG_LINES"))
	require.NoError(t, err, "PAYREC_GENLOG_LINES")
	records, err := strconv.Atoi(os.Getenv("PAYREC_GENLOG_RECORDS"))
	require.NoError(t, err, "PAYREC_GENLOG_RECORDS")
	require.True(t, records >= 1 && records <= lines, "want 1 ≤ records ≤ lines")
	f, err := os.Create(path)
	require.NoError(t, err)
	defer f.Close()
	require.NoError(t, genLog(bufio.NewWriterSize(f, 1<<20), genConfig{Lines: lines, Records: records, Seed: 1}, nil))
	require.NoError(t, f.Close())
}
