package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/payrec/payrec/record"
)

// TestPostgresOutcomeUnknown cuts the connection after PostgreSQL has
// committed a batch and before its answer reaches the writer. The store
// cannot know whether the report was stored, so Apply must say so rather
// than decide the report again (which would apply it twice), and the
// report sent again with its idempotency key must get the stored answer.
func TestPostgresOutcomeUnknown(t *testing.T) {
	base, schema := testSchema(t, "outcome")
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, base)
	require.NoError(t, err)
	defer conn.Close(ctx)

	u, err := url.Parse(base)
	require.NoError(t, err)
	p := newCutProxy(t, u.Host)
	u.Host = p.addr()
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	s, err := Open(ctx, u.String())
	require.NoError(t, err)
	defer s.Close()

	create := testCreate("pr_cut")
	_, err = s.Apply(ctx, "", create, IdempotencyKey("k1"))
	require.NoError(t, err)

	// Two requests in one batch, handed to the writer's commit as its
	// goroutine would: with one request, an error that did not undo the
	// batch would be answered just the same.
	fail := record.ReportPaymentAttemptFailedParams{FailedAt: 2}
	keyed := func(id string, rep record.Report, key string) *pending {
		req, err := s.newRequest(id, rep, &applyConfig{key: key, keySet: true})
		require.NoError(t, err)
		return &pending{ctx: ctx, req: req, done: make(chan answer, 1)}
	}
	batch := []*pending{keyed("pr_cut", fail, "k2"), keyed("", testCreate("pr_cut2"), "k3")}
	p.armed.Store(true)
	s.b.(*postgresStore).commitRetrying(batch)
	require.True(t, p.cut.Load(), "the proxy cut a connection after the commit")
	for _, pd := range batch {
		a := <-pd.done
		require.ErrorIs(t, a.err, errOutcomeUnknown, "%s", pd.req.id)
		assert.Contains(t, a.err.Error(), "send the report again with the same idempotency key")
	}
	for id, want := range map[string]int{"pr_cut": 2, "pr_cut2": 1} {
		var n int
		require.NoError(t, conn.QueryRow(ctx, "SELECT count(*) FROM "+schema+".reports WHERE record_id = $1", id).Scan(&n))
		assert.Equal(t, want, n, "%s: stored once, and not decided again", id)
	}

	var replayed bool
	r, err := s.Apply(ctx, "pr_cut", fail, IdempotencyKey("k2"), Replayed(&replayed))
	require.NoError(t, err, "the same report sent again")
	assert.True(t, replayed)
	assert.Equal(t, uint64(2), r.Version())
	r, err = s.Apply(ctx, "", testCreate("pr_cut2"), IdempotencyKey("k3"), Replayed(&replayed))
	require.NoError(t, err, "the same report sent again")
	assert.True(t, replayed)
	assert.Equal(t, uint64(1), r.Version())
}

// cutProxy relays PostgreSQL's protocol between the store and the
// database. Once armed, it passes on the next Bind of the writer's batch
// statement, lets the database answer it to the end (ReadyForQuery: the
// implicit transaction is over, committed), and closes the connection
// instead of relaying that answer.
type cutProxy struct {
	ln     net.Listener
	target string
	armed  atomic.Bool
	cut    atomic.Bool
	wg     sync.WaitGroup
}

func newCutProxy(t *testing.T, target string) *cutProxy {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	p := &cutProxy{ln: ln, target: target}
	p.wg.Add(1)
	go p.serve()
	t.Cleanup(func() {
		ln.Close()
		p.wg.Wait()
	})
	return p
}

func (p *cutProxy) addr() string { return p.ln.Addr().String() }

func (p *cutProxy) serve() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		d, err := net.Dial("tcp", p.target)
		if err != nil {
			c.Close()
			continue
		}
		var cutting atomic.Bool
		p.wg.Add(2)
		go func() { // client to database
			defer p.wg.Done()
			defer d.Close()
			first := true
			for {
				msg, err := readMessage(c, first)
				if err != nil {
					return
				}
				if !first && msg[0] == 'B' && p.armed.Load() && bindsBatch(msg) {
					p.armed.Store(false)
					cutting.Store(true) // before the database can answer
				}
				first = false
				if _, err := d.Write(msg); err != nil {
					return
				}
			}
		}()
		go func() { // database to client
			defer p.wg.Done()
			defer c.Close()
			for {
				msg, err := readMessage(d, false)
				if err != nil {
					return
				}
				if cutting.Load() {
					if msg[0] == 'Z' {
						p.cut.Store(true)
						d.Close()
						return
					}
					continue
				}
				if _, err := c.Write(msg); err != nil {
					return
				}
			}
		}()
	}
}

// readMessage reads one protocol message: a type byte and a length, or,
// first from a client, a startup message that has no type byte.
func readMessage(r io.Reader, startup bool) ([]byte, error) {
	head := 5
	if startup {
		head = 4
	}
	msg := make([]byte, head)
	if _, err := io.ReadFull(r, msg); err != nil {
		return nil, err
	}
	n := int(binary.BigEndian.Uint32(msg[head-4:]))
	if n < 4 || n > 1<<30 {
		return nil, fmt.Errorf("message length %d", n)
	}
	msg = append(msg, make([]byte, n-4)...)
	_, err := io.ReadFull(r, msg[head:])
	return msg, err
}

// bindsBatch reports whether a Bind message binds the writer's batch
// insert: an unnamed portal, then the statement's name.
func bindsBatch(msg []byte) bool {
	return bytes.HasPrefix(msg[5:], []byte("\x00"+pgInsert.name+"\x00"))
}
