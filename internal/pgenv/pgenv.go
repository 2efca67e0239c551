// Package pgenv is how the module's tests find the PostgreSQL server they
// may use, and how they say so when there is none.
package pgenv

import (
	"fmt"
	"os"
)

// Var names the environment variable that holds the URL of a PostgreSQL
// database the tests may use. Without it, their PostgreSQL tests skip.
const Var = "PAYREC_TEST_POSTGRES"

// Example is a value of Var that works on the project's machines.
const Example = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

// URL returns the database URL the tests may use, or "" when their
// PostgreSQL tests are to be skipped.
func URL() string { return os.Getenv(Var) }

// Skipped is the sentence a skipped PostgreSQL test, and NoteSkipped, give.
func Skipped(pkg string) string {
	return fmt.Sprintf("%s: PostgreSQL tests skipped; to run them: %s='%s' go test ./...", pkg, Var, Example)
}

// NoteSkipped says, when Var is empty, that pkg's PostgreSQL tests will be
// skipped and how to run them. Call it from TestMain.
//
// go test prints a passing package's output only with -v, so a newcomer
// running "go test ./..." would never see a line on standard output. The
// note therefore also goes to the controlling terminal when there is one;
// without a terminal (CI, a pipe) it stays on standard output, which -v and
// failures show.
func NoteSkipped(pkg string) {
	if URL() != "" {
		return
	}
	line := Skipped(pkg) + "\n"
	fmt.Print(line)
	if tty, err := os.OpenFile("/dev/tty", os.O_WRONLY, 0); err == nil {
		fmt.Fprint(tty, line)
		tty.Close()
	}
}
