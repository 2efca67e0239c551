package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestReadmeCommands runs every payrec command line of README.md, from the
// repository's root as the README says, in process: each must exit 0, and
// the files it names must exist. A pipeline feeds each command's output to
// the next.
func TestReadmeCommands(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	require.NoError(t, err)
	t.Chdir(filepath.Join("..", ".."))

	const prefix = "go run ./cmd/payrec"
	n := 0
	for _, line := range strings.Split(string(readme), "\n") {
		if !strings.HasPrefix(line, prefix) {
			continue
		}
		n++
		line, _, _ = strings.Cut(line, "#") // a comment
		t.Run(strings.TrimSpace(line), func(t *testing.T) {
			var in []byte
			for _, cmd := range strings.Split(line, "|") {
				cmd = strings.TrimSpace(cmd)
				require.True(t, strings.HasPrefix(cmd, prefix), "every command of a pipeline is payrec: %q", cmd)
				args := strings.Fields(strings.TrimPrefix(cmd, prefix))
				for _, a := range args {
					if strings.Contains(a, "/") {
						assert.FileExists(t, a, "README.md names a file that is not in the repository")
					}
				}
				var out, errOut bytes.Buffer
				code := run(args, bytes.NewReader(in), &out, &errOut)
				require.Equal(t, 0, code, "%s: stderr: %s", cmd, errOut.String())
				require.NotEmpty(t, out.String(), "%s prints something", cmd)
				in = out.Bytes()
			}
		})
	}
	require.GreaterOrEqual(t, n, 5, "README.md shows payrec's commands")
}
