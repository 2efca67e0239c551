package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/payrec/payrec/attempt"
	"github.com/payrec/payrec/store"
)

// Timeouts of the HTTP server. A slow client cannot hold a connection open
// by trickling headers, and an idle keep-alive connection is dropped.
const (
	readHeaderTimeout = 10 * time.Second
	readTimeout       = 60 * time.Second
	writeTimeout      = 60 * time.Second
	idleTimeout       = 120 * time.Second
	// shutdownTimeout bounds how long SIGTERM waits for requests in flight.
	shutdownTimeout = 10 * time.Second
)

var newAttemptID = attempt.NewID

// serveConfig is payrec serve's command line and environment.
type serveConfig struct {
	addr string
	dsn  string
	keys []string
	// grace bounds how long a stop waits for requests in flight; 0 means
	// shutdownTimeout.
	grace time.Duration
}

// runServe is payrec serve: it listens until SIGTERM or SIGINT, then
// finishes the requests in flight (for at most shutdownTimeout, then cuts
// off the rest, saying how many), closes the store and exits 0.
func runServe(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("serve")
	if code, done := parseFlags(fs, args, stdout, stderr); done {
		return code
	}
	if fs.NArg() > 0 {
		return usageError(fs, stderr, "unexpected argument %q", fs.Arg(0))
	}
	cfg := serveConfig{
		addr: fs.Lookup("addr").Value.String(),
		dsn:  fs.Lookup("store").Value.String(),
		keys: fs.Lookup("api-key").Value.(*keyList).keys,
	}
	if env := os.Getenv("PAYREC_API_KEYS"); env != "" {
		for _, k := range strings.Split(env, ",") {
			if k = strings.TrimSpace(k); k != "" {
				cfg.keys = append(cfg.keys, k)
			}
		}
	}
	if pct, ok := serveGCPercent(os.LookupEnv); ok {
		debug.SetGCPercent(pct)
	}
	// Every return from here on closes logw, so that its last lines (the
	// error of serve, or "stopped") are written before the process exits.
	logw := newLogWriter(stderr)
	defer logw.Close()
	logger := slog.New(slog.NewTextHandler(logw, nil))
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	if err := serve(ctx, cfg, logger); err != nil {
		logger.Error("payrec serve: " + err.Error())
		return exitFailure
	}
	return exitOK
}

// serveGCPercent is the garbage collector's target for payrec serve, unless
// GOGC is set (lookup is os.LookupEnv). The server's live heap is mostly
// the store's record cache (10,000 records, about 17 MiB), which each
// collection marks again while every request allocates: at Go's default
// of 100 the collector ran every 150 ms under load. At 200 a POST costs
// 6-7% less CPU (SQLite and PostgreSQL, wrk -t2 -c32), for a heap that
// may reach three times the live one instead of two.
func serveGCPercent(lookup func(string) (string, bool)) (int, bool) {
	if _, set := lookup("GOGC"); set {
		return 0, false
	}
	return 200, true
}

// keyList is the repeatable -api-key flag.
type keyList struct{ keys []string }

func (k *keyList) String() string { return strings.Repeat("sk_…,", len(k.keys)) }
func (k *keyList) Set(v string) error {
	k.keys = append(k.keys, v)
	return nil
}

// serve runs the server described by cfg until ctx is done.
func serve(ctx context.Context, cfg serveConfig, logger *slog.Logger) error {
	keys, err := newKeyring(cfg.keys)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return err
	}
	if keys.open && !isLoopback(ln.Addr()) {
		ln.Close()
		return fmt.Errorf("no API keys configured: refusing to listen on %s, which is not a loopback address; "+
			"set PAYREC_API_KEYS or -api-key", ln.Addr())
	}
	st, err := store.Open(ctx, cfg.dsn)
	if err != nil {
		ln.Close()
		return openStoreError(cfg.dsn, err)
	}
	var active activeConns
	srv := &http.Server{
		Handler:           newServer(st, keys, time.Now, logger),
		ConnState:         active.track,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	if keys.open {
		logger.Warn("no API keys configured: accepting any sk_test_ key, because the address is loopback")
	}
	logger.Info("listening", "addr", ln.Addr().String(), "store", redactDSN(cfg.dsn), "keys", len(cfg.keys))
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err = <-done: // the listener failed
	case <-ctx.Done():
		grace := cfg.grace
		if grace <= 0 {
			grace = shutdownTimeout
		}
		logger.Info("shutting down", "timeout", grace)
		sctx, cancel := context.WithTimeout(context.Background(), grace)
		if srv.Shutdown(sctx) != nil {
			// The bound passed: a slow or stalled client must not keep
			// the process (and its store) from stopping. Closing the
			// connections cancels those requests; none of them has an
			// answer, and the store decides each report whole or not at all.
			logger.Warn("requests still in flight when the shutdown timeout passed were cut off",
				"requests", active.count(), "timeout", grace)
			srv.Close()
		}
		cancel()
		err = <-done
	}
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	if cerr := st.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		logger.Info("stopped")
	}
	return err
}

// activeConns counts the server's connections that are reading or serving
// a request (HTTP/1.1 serves one at a time per connection).
type activeConns struct {
	mu    sync.Mutex
	conns map[net.Conn]struct{}
}

func (a *activeConns) track(c net.Conn, state http.ConnState) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if state == http.StateActive {
		if a.conns == nil {
			a.conns = make(map[net.Conn]struct{})
		}
		a.conns[c] = struct{}{}
	} else {
		delete(a.conns, c)
	}
}

func (a *activeConns) count() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.conns)
}

// isLoopback reports whether addr is on a loopback interface only.
func isLoopback(addr net.Addr) bool {
	tcp, ok := addr.(*net.TCPAddr)
	return ok && tcp.IP.IsLoopback()
}

// redactDSN hides the secrets of a PostgreSQL URL from the log: the
// password of its user, and the password and sslpassword parameters of its
// query (pgx reads both). A URL that does not parse is hidden whole but for
// its scheme, since where its secrets are cannot be known.
func redactDSN(dsn string) string {
	if !strings.Contains(dsn, "://") {
		return dsn // "memory", "sqlite:PATH": nothing secret
	}
	u, err := url.Parse(dsn)
	if err != nil {
		scheme, _, _ := strings.Cut(dsn, "://")
		return scheme + "://" + redacted + " (not a valid URL)"
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), redacted)
	}
	pairs := strings.Split(u.RawQuery, "&")
	for i, pair := range pairs {
		k, _, _ := strings.Cut(pair, "=")
		if secretParam(k) {
			pairs[i] = k + "=" + redacted
		}
	}
	u.RawQuery = strings.Join(pairs, "&")
	return u.String()
}

// redacted stands in for a secret in the log.
const redacted = "xxxxx"

// secretParam reports whether the query key k (as written) names a secret.
func secretParam(k string) bool {
	if d, err := url.QueryUnescape(k); err == nil {
		k = d
	}
	return k == "password" || k == "sslpassword"
}

// dsnSecrets returns the secrets of dsn as they may appear in text: each
// as written in the DSN and as decoded.
func dsnSecrets(dsn string) []string {
	var out []string
	add := func(raw string, decode func(string) (string, error)) {
		out = append(out, raw)
		if d, err := decode(raw); err == nil && d != raw {
			out = append(out, d)
		}
	}
	_, rest, ok := strings.Cut(dsn, "://")
	if !ok {
		return nil
	}
	// The user's password runs from the first ':' to the last '@' before
	// the query, as pgx reads it even when it is not escaped.
	beforeQuery, _, _ := strings.Cut(rest, "?")
	if at := strings.LastIndexByte(beforeQuery, '@'); at >= 0 {
		if _, pw, ok := strings.Cut(beforeQuery[:at], ":"); ok && pw != "" {
			add(pw, url.PathUnescape)
		}
	}
	if _, q, ok := strings.Cut(dsn, "?"); ok {
		for _, pair := range strings.Split(q, "&") {
			if k, v, _ := strings.Cut(pair, "="); secretParam(k) && v != "" {
				add(v, url.QueryUnescape)
			}
		}
	}
	return out
}

// redactError is an error whose text has a DSN's secrets hidden (drivers
// may quote the DSN they could not use); it still wraps the original.
type redactError struct {
	msg string
	err error
}

func (e *redactError) Error() string { return e.msg }
func (e *redactError) Unwrap() error { return e.err }

// openStoreError words a failure to open the store without its secrets.
func openStoreError(dsn string, err error) error {
	msg := err.Error()
	for _, s := range dsnSecrets(dsn) {
		msg = strings.ReplaceAll(msg, s, redacted)
	}
	return &redactError{msg: fmt.Sprintf("opening store %s: %s", redactDSN(dsn), msg), err: err}
}
