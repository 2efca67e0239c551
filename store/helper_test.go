package store_test

// Child processes: the test binary re-executed with PAYREC_STORE_HELPER
// set runs one of the helpers below from TestMain instead of the tests, and
// reports on stdout, one line per Apply that returned.

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/payrec/payrec/record"
	"github.com/payrec/payrec/store"
)

const envHelper = "PAYREC_STORE_HELPER"

// helperMain runs the helper named by PAYREC_STORE_HELPER, if any, and
// reports whether it did.
func helperMain() bool {
	mode := os.Getenv(envHelper)
	if mode == "" {
		return false
	}
	var err error
	switch mode {
	case "refunds":
		err = helperRefunds()
	case "load":
		err = helperLoad()
	default:
		err = fmt.Errorf("unknown helper %q", mode)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "helper:", err)
		os.Exit(1)
	}
	os.Exit(0)
	return true
}

func envInt(name string) int {
	n, err := strconv.Atoi(os.Getenv(name))
	if err != nil {
		panic(fmt.Sprintf("helper: %s: %v", name, err))
	}
	return n
}

// lineWriter writes whole lines to stdout, one write each, so that lines
// of concurrent goroutines never mix and each is out as soon as it is
// written (os.Stdout does not buffer).
type lineWriter struct{ mu sync.Mutex }

func (w *lineWriter) printf(format string, args ...any) {
	w.mu.Lock()
	defer w.mu.Unlock()
	_, _ = os.Stdout.WriteString(fmt.Sprintf(format, args...) + "\n")
}

// helperRefunds applies HELPER_N refunds of random amounts with references
// HELPER_PREFIX-<i> to record HELPER_ID with HELPER_G goroutines, and
// prints "ok <ref> <amount> <version>" or "exceeds <ref> <amount>" for
// each.
func helperRefunds() error {
	ctx := context.Background()
	s, err := store.Open(ctx, os.Getenv("HELPER_DSN"))
	if err != nil {
		return err
	}
	defer s.Close()
	id, prefix := os.Getenv("HELPER_ID"), os.Getenv("HELPER_PREFIX")
	n, g := envInt("HELPER_N"), envInt("HELPER_G")
	var out lineWriter
	errs := make(chan error, g)
	var wg sync.WaitGroup
	for w := range g {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(w), uint64(os.Getpid())))
			for i := w; i < n; i += g {
				ref := fmt.Sprintf("%s-%d", prefix, i)
				amount := 1 + rng.Int64N(60)
				r, err := s.Apply(ctx, id, refundCents(ref, amount))
				switch {
				case err == nil:
					out.printf("ok %s %d %d", ref, amount, r.Version())
				case errors.Is(err, record.ErrRefundExceeds):
					out.printf("exceeds %s %d", ref, amount)
				default:
					errs <- fmt.Errorf("%s: %w", ref, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	return <-errs
}

// crashPlan is the deterministic load a crash test's child applies: record
// k is created guaranteed, then refunded crashRefunds times, each report
// under the idempotency key crashKey(k, j).
const crashRefunds = 4

func crashID(k int) string     { return fmt.Sprintf("pr_crash_%05d", k) }
func crashKey(k, j int) string { return fmt.Sprintf("crash-%d-%d", k, j) }
func crashReport(k, j int) record.Report {
	if j == 0 {
		return guaranteedPayment(crashID(k), 100000)
	}
	return refundCents(fmt.Sprintf("re_%d", j), int64(100*j+k%7))
}

// helperLoad applies the crash plan with HELPER_G goroutines (goroutine w
// takes the records k with k%G == w) until it is killed or has applied
// HELPER_N records, printing "ack <k> <j> <version>" once each Apply has
// returned.
func helperLoad() error {
	ctx := context.Background()
	s, err := store.Open(ctx, os.Getenv("HELPER_DSN"))
	if err != nil {
		return err
	}
	n, g := envInt("HELPER_N"), envInt("HELPER_G")
	var out lineWriter
	out.printf("ready")
	errs := make(chan error, g)
	var wg sync.WaitGroup
	for w := range g {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := w; k < n; k += g {
				for j := range crashRefunds + 1 {
					r, err := s.Apply(ctx, crashID(k), crashReport(k, j), store.IdempotencyKey(crashKey(k, j)))
					if err != nil {
						errs <- fmt.Errorf("record %d report %d: %w", k, j, err)
						return
					}
					out.printf("ack %d %d %d", k, j, r.Version())
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return err
	}
	return s.Close()
}

// helper starts the test binary as helper mode with env, and returns the
// command and its stdout.
func helper(t *testing.T, mode string, env ...string) (*exec.Cmd, io.ReadCloser) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), append([]string{envHelper + "=" + mode}, env...)...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
		if t.Failed() && stderr.Len() > 0 {
			t.Logf("%s helper's stderr:\n%s", mode, stderr.String())
		}
	})
	return cmd, stdout
}

// readLines returns the lines of r until EOF.
func readLines(r io.Reader) []string {
	var lines []string
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	return lines
}
