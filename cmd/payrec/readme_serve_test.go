package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestReadmeServeExample sends the curl commands of README.md's "Running the
// server" section to a server and wants the answers the README shows, but
// the IDs the server draws.
func TestReadmeServeExample(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	require.NoError(t, err)
	_, section, ok := strings.Cut(string(readme), "## Running the server")
	require.True(t, ok, "README.md has a Running the server section")
	section, _, _ = strings.Cut(section, "\n## ")

	blocks := regexp.MustCompile("(?s)```(?:json)?\n(.*?)```").FindAllStringSubmatch(section, -1)
	var cmds []string
	var want []string // the answers shown after each curl command or below it
	for _, b := range blocks {
		for _, part := range strings.Split(b[1], "$ curl")[1:] {
			cmd, shown, _ := strings.Cut(strings.ReplaceAll(part, "\\\n", ""), "\n")
			cmds = append(cmds, cmd)
			want = append(want, strings.TrimSpace(shown))
		}
		if strings.HasPrefix(b[1], "{\n") && len(want) > 0 {
			want[len(want)-1] = b[1] // the indented answer of the command before
		}
	}
	require.Len(t, cmds, 3, "create, fail, guarantee")

	ts := startServer(t, openStore(t, "memory"))
	ts.clock.set(1795970303)
	arg := regexp.MustCompile(`-d ("[^"]*"|\S+)`)
	path := regexp.MustCompile(`http://127\.0\.0\.1:12111(\S+)`)
	var created map[string]any
	for i, cmd := range cmds {
		var form []string
		for _, m := range arg.FindAllStringSubmatch(cmd, -1) {
			form = append(form, strings.Trim(m[1], `"`))
		}
		p := path.FindStringSubmatch(cmd)[1]
		if created != nil {
			p = strings.ReplaceAll(p, "pr_0USbOYJ6Q0RflSFZ0Xr5qPkT", created["id"].(string))
		}
		status, _, body := ts.httpCall(t, "POST", p, "application/x-www-form-urlencoded", strings.Join(form, "&"))
		if i == 0 {
			require.Equal(t, 200, status, body)
			require.NoError(t, json.Unmarshal([]byte(body), &created))
			continue
		}
		shown := strings.NewReplacer("pr_0USbOYJ6Q0RflSFZ0Xr5qPkT", created["id"].(string),
			"par_0USbOYJ6DkmbU86G6FvLg6Zw", created["latest_payment_attempt_record"].(string)).Replace(want[i])
		var got, wantJSON any
		require.NoError(t, json.Unmarshal([]byte(body), &got), body)
		require.NoError(t, json.Unmarshal([]byte(shown), &wantJSON), "README's answer to command %d", i+1)
		assert.Equal(t, wantJSON, got, "command %d: %s", i+1, cmd)
	}
}
