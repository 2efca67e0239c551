package payrec_test

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestReadmeQuickStart keeps README.md's quick start equal to the package
// example, which go test runs and checks: the code block after "## Quick
// start" must be the body of Example, and the block after "It prints" its
// expected output.
func TestReadmeQuickStart(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	require.NoError(t, err)
	src, err := os.ReadFile("example_test.go")
	require.NoError(t, err)

	_, quick, ok := strings.Cut(string(readme), "## Quick start")
	require.True(t, ok, "README.md has a Quick start section")
	code := fenced(t, quick, "```go\n")
	_, prints, ok := strings.Cut(quick, "It prints:")
	require.True(t, ok, "the quick start says what it prints")
	output := fenced(t, prints, "```\n")

	_, body, ok := strings.Cut(string(src), "func Example() {\n")
	require.True(t, ok, "example_test.go has the package example")
	body, out, ok := strings.Cut(body, "\t// Output:\n")
	require.True(t, ok, "the package example has an Output comment")
	out, _, _ = strings.Cut(out, "\n}\n")

	var wantCode, wantOut []string
	for _, line := range strings.Split(strings.TrimRight(body, "\n"), "\n") {
		wantCode = append(wantCode, strings.TrimPrefix(line, "\t"))
	}
	for _, line := range strings.Split(strings.TrimRight(out, "\n"), "\n") {
		wantOut = append(wantOut, strings.TrimPrefix(line, "\t// "))
	}
	assert.Equal(t, strings.Join(wantCode, "\n"), code, "README.md's quick start differs from Example in example_test.go")
	assert.Equal(t, strings.Join(wantOut, "\n"), output, "README.md's quick start output differs from Example's")
}

// fenced returns the contents of the first fenced block of text that opens
// with open, without its last newline.
func fenced(t *testing.T, text, open string) string {
	t.Helper()
	_, rest, ok := strings.Cut(text, open)
	require.True(t, ok, "no %q block", strings.TrimSpace(open))
	block, _, ok := strings.Cut(rest, "```")
	require.True(t, ok, "unterminated %q block", strings.TrimSpace(open))
	return strings.TrimSuffix(block, "\n")
}

// TestReadmeRecordtestEqual keeps the README's recordtest.Equal call in the
// order of the function's parameters, which name got before want.
func TestReadmeRecordtestEqual(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	require.NoError(t, err)
	src, err := os.ReadFile("record/recordtest/check.go")
	require.NoError(t, err)
	_, sig, ok := strings.Cut(string(src), "\nfunc Equal(t TB, ")
	require.True(t, ok, "recordtest has func Equal(t TB, …)")
	params, _, _ := strings.Cut(sig, " *record.Record)")
	_, call, ok := strings.Cut(string(readme), "recordtest.Equal(t, ")
	require.True(t, ok, "README.md shows recordtest.Equal")
	args, _, _ := strings.Cut(call, ")")
	assert.Equal(t, params, args, "README.md calls recordtest.Equal(t, %s) but its parameters are (t, %s)", args, params)
}
