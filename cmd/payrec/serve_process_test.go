package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	stripe "github.com/stripe/stripe-go/v86"

	"github.com/payrec/payrec/internal/pgenv"
	"github.com/payrec/payrec/store"
)

// The tests here run payrec serve as real processes: the test binary
// executes itself with PAYREC_TEST_MAIN set, and TestMain runs the command
// instead of the tests. A process is stopped with SIGTERM, as a service
// manager stops it.

const mainArgsEnv = "PAYREC_TEST_MAIN"

func TestMain(m *testing.M) {
	if args := os.Getenv(mainArgsEnv); args != "" {
		var argv []string
		if err := json.Unmarshal([]byte(args), &argv); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(exitFailure)
		}
		os.Exit(run(argv, os.Stdin, os.Stdout, os.Stderr))
	}
	pgenv.NoteSkipped("cmd/payrec")
	os.Exit(m.Run())
}

// process is a payrec serve process.
type process struct {
	cmd  *exec.Cmd
	url  string
	logs *syncBuffer
	done chan struct{}
}

var listeningRE = regexp.MustCompile(`msg=listening addr=(\S+)`)

// startProcess runs payrec serve with args on a random loopback port,
// accepting testKey and liveKey, and waits until it listens.
func startProcess(t *testing.T, args ...string) *process {
	t.Helper()
	exe, err := os.Executable()
	require.NoError(t, err)
	argv, _ := json.Marshal(append([]string{"serve", "-addr", "127.0.0.1:0"}, args...))
	cmd := exec.Command(exe)
	cmd.Env = append(os.Environ(), mainArgsEnv+"="+string(argv), "PAYREC_API_KEYS="+testKey+","+liveKey)
	stderr, err := cmd.StderrPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	p := &process{cmd: cmd, logs: &syncBuffer{}, done: make(chan struct{})}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			line := sc.Text()
			p.logs.Write([]byte(line + "\n"))
			if m := listeningRE.FindStringSubmatch(line); m != nil {
				addr <- m[1]
			}
		}
		close(p.done)
	}()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
	})
	select {
	case a := <-addr:
		p.url = "http://" + a
	case <-p.done:
		t.Fatalf("payrec serve exited before listening:\n%s", p.logs)
	case <-time.After(60 * time.Second):
		t.Fatalf("payrec serve did not listen within a minute:\n%s", p.logs)
	}
	return p
}

// stop sends SIGTERM and wants exit status 0 within the shutdown bound.
func (p *process) stop(t *testing.T) {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil && !errors.Is(err, os.ErrProcessDone) {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { <-p.done; exited <- p.cmd.Wait() }()
	select {
	case err := <-exited:
		require.NoError(t, err, "payrec serve after SIGTERM:\n%s", p.logs)
	case <-time.After(shutdownTimeout + 20*time.Second):
		t.Fatalf("payrec serve did not exit after SIGTERM:\n%s", p.logs)
	}
	assert.Contains(t, p.logs.String(), "msg=stopped")
}

func (p *process) client(key string) *stripe.Client {
	return (&testServer{url: p.url}).client(key)
}

// TestServeRestart writes records through one process, stops it with
// SIGTERM and starts another on the same SQLite file: every record is
// identical, and an idempotency key still replays its first answer.
func TestServeRestart(t *testing.T) {
	ctx := context.Background()
	dsn := "sqlite:" + filepath.Join(t.TempDir(), "payrec.db")
	p := startProcess(t, "-store", dsn)
	sc := p.client(testKey)

	keyed := guaranteedPayment()
	keyed.SetIdempotencyKey("restart-1")
	first, err := sc.V1PaymentRecords.ReportPayment(ctx, keyed)
	require.NoError(t, err)
	_, err = sc.V1PaymentRecords.ReportRefund(ctx, first.ID, refund(250, "re_1"))
	require.NoError(t, err)
	failed, err := sc.V1PaymentRecords.ReportPayment(ctx, canonicalPayment())
	require.NoError(t, err)
	_, err = sc.V1PaymentRecords.ReportPaymentAttemptFailed(ctx, failed.ID,
		&stripe.PaymentRecordReportPaymentAttemptFailedParams{FailedAt: stripe.Int64(time.Now().Unix())})
	require.NoError(t, err)
	live, err := p.client(liveKey).V1PaymentRecords.ReportPayment(ctx, canonicalPayment())
	require.NoError(t, err)

	snapshot := func(p *process) map[string]string {
		out := map[string]string{}
		for _, c := range []struct {
			key string
			ids []string
		}{{testKey, []string{first.ID, failed.ID}}, {liveKey, []string{live.ID}}} {
			for _, id := range c.ids {
				r, err := p.client(c.key).V1PaymentRecords.Retrieve(ctx, id, nil)
				require.NoError(t, err)
				out[id] = string(r.LastResponse.RawJSON)
			}
		}
		return out
	}
	before := snapshot(p)
	p.stop(t)

	p = startProcess(t, "-store", dsn)
	assert.Equal(t, before, snapshot(p))
	keyed = guaranteedPayment()
	keyed.SetIdempotencyKey("restart-1")
	again, err := p.client(testKey).V1PaymentRecords.ReportPayment(ctx, keyed)
	require.NoError(t, err)
	assert.Equal(t, "true", again.LastResponse.Header.Get("Idempotent-Replayed"))
	assert.Equal(t, string(first.LastResponse.RawJSON), string(again.LastResponse.RawJSON))
	var ids []string
	for r, err := range p.client(testKey).V1PaymentRecords.List(ctx, nil).All(ctx) {
		require.NoError(t, err)
		ids = append(ids, r.ID)
	}
	assert.ElementsMatch(t, []string{first.ID, failed.ID}, ids)
	p.stop(t)
}

// TestServeTwoProcessesOnePostgres runs two servers on one PostgreSQL
// database, and 16 clients, half through each, racing on one record:
// refunds never exceed the guaranteed amount, and metadata updates are all
// kept (no lost update).
func TestServeTwoProcessesOnePostgres(t *testing.T) {
	pg := pgenv.URL()
	if pg == "" {
		t.Skip(pgenv.Skipped("cmd/payrec"))
	}
	dsn := withSearchPath(t, pg, testSchema(t))
	ctx := context.Background()
	a := startProcess(t, "-store", dsn)
	b := startProcess(t, "-store", dsn)
	pr, err := a.client(testKey).V1PaymentRecords.ReportPayment(ctx, guaranteedPayment())
	require.NoError(t, err)

	const clients = 16
	raceRefunds(t, clients, pr.ID, func(i int) *stripe.Client {
		if i%2 == 1 {
			return b.client(testKey)
		}
		return a.client(testKey)
	}, func(i int, sc *stripe.Client) {
		_, err := sc.V1PaymentRecords.ReportPaymentAttemptInformational(ctx, pr.ID,
			&stripe.PaymentRecordReportPaymentAttemptInformationalParams{Metadata: map[string]string{fmt.Sprintf("k%d", i): "v"}})
		if err != nil {
			t.Errorf("client %d: metadata: %v", i, err)
		}
	})
	for _, p := range []*process{a, b} {
		got, err := p.client(testKey).V1PaymentRecords.Retrieve(ctx, pr.ID, nil)
		require.NoError(t, err)
		assert.Equal(t, int64(1000), got.AmountRefunded.Value)
		assert.Len(t, got.Metadata, clients, "every client's metadata key is kept")
	}
	a.stop(t)
	b.stop(t)
}

// withSearchPath returns the PostgreSQL URL dsn selecting schema.
func withSearchPath(t *testing.T, dsn, schema string) string {
	t.Helper()
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}
	return dsn + sep + "search_path=" + schema
}

// TestServeShutdownFinishesInFlight sends SIGTERM while a request is half
// sent: the server stops accepting, still answers that request in full, and
// then exits 0.
func TestServeShutdownFinishesInFlight(t *testing.T) {
	p := startProcess(t, "-store", "memory")
	body := "amount_requested[currency]=usd&amount_requested[value]=1000&initiated_at=1730211363&payment_method_details[custom][display_name]=newpay"
	conn, err := net.Dial("tcp", strings.TrimPrefix(p.url, "http://"))
	require.NoError(t, err)
	defer conn.Close()
	_, err = fmt.Fprintf(conn, "POST /v1/payment_records/report_payment HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"+
		"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n%s", testKey, len(body), body[:20])
	require.NoError(t, err)
	time.Sleep(200 * time.Millisecond) // the handler is reading the body
	require.NoError(t, p.cmd.Process.Signal(syscall.SIGTERM))
	require.Eventually(t, func() bool { return strings.Contains(p.logs.String(), "shutting down") }, 10*time.Second, 10*time.Millisecond)
	assert.Eventually(t, func() bool { // the listener closes
		c, err := net.DialTimeout("tcp", strings.TrimPrefix(p.url, "http://"), time.Second)
		if err == nil {
			c.Close()
		}
		return err != nil
	}, 5*time.Second, 10*time.Millisecond, "new connections are refused after SIGTERM")
	_, err = io.WriteString(conn, body[20:])
	require.NoError(t, err)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	require.NoError(t, err)
	b, _ := io.ReadAll(resp.Body)
	assert.Equal(t, 200, resp.StatusCode, string(b))
	assert.Contains(t, string(b), `"object":"payment_record"`)
	p.stop(t) // wants exit 0 and "stopped"
}

// TestServeShutdownCutsOffStalledRequest: a client that stalls mid-body
// cannot keep the server from stopping. When the shutdown bound passes the
// server says how many requests it cut off, closes the store and stops
// without an error (exit status 0).
func TestServeShutdownCutsOffStalledRequest(t *testing.T) {
	logs := &syncBuffer{}
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	done := make(chan error, 1)
	dsn := "sqlite:" + filepath.Join(t.TempDir(), "payrec.db")
	go func() {
		done <- serve(ctx, serveConfig{addr: "127.0.0.1:0", dsn: dsn, keys: []string{testKey}, grace: 300 * time.Millisecond},
			slog.New(slog.NewTextHandler(logs, nil)))
	}()
	var addr string
	require.Eventually(t, func() bool {
		m := listeningRE.FindStringSubmatch(logs.String())
		if m != nil {
			addr = m[1]
		}
		return m != nil
	}, 30*time.Second, 10*time.Millisecond)

	conn, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	defer conn.Close()
	_, err = fmt.Fprintf(conn, "POST /v1/payment_records/report_payment HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"+
		"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\nExpect: 100-continue\r\n\r\n", testKey)
	require.NoError(t, err)
	// The server says 100 Continue when the handler starts reading the body.
	line, err := bufio.NewReader(conn).ReadString('\n')
	require.NoError(t, err)
	require.Equal(t, "HTTP/1.1 100 Continue\r\n", line)
	_, err = io.WriteString(conn, "descri") // and 94 bytes never come
	require.NoError(t, err)

	stop() // SIGTERM
	select {
	case err := <-done:
		require.NoError(t, err, "serve after the shutdown bound:\n%s", logs)
	case <-time.After(30 * time.Second):
		t.Fatalf("serve did not stop:\n%s", logs)
	}
	out := logs.String()
	assert.Contains(t, out, `were cut off" requests=1`)
	assert.Contains(t, out, "msg=stopped")
	assert.NotContains(t, out, "level=ERROR")
	// The store was closed: another Store can open the same file.
	st, err := store.Open(context.Background(), dsn)
	require.NoError(t, err)
	require.NoError(t, st.Close())
}
