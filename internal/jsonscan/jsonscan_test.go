package jsonscan

import (
	"encoding/json"
	"testing"
)

// FuzzValueEnd: on valid JSON, ValueEnd finds exactly the value that starts
// at the first non-space byte (the rest is white space); on any input, no
// function panics or returns an index past the end.
func FuzzValueEnd(f *testing.F) {
	f.Add([]byte(`{"a":[1,{"b":"}]"}],"c":null}`)) // brackets inside strings
	f.Add([]byte(` "esc\"aped\\" `))               // escapes at the end of a string
	f.Add([]byte(`-12.5e3 `))                      // a number runs to a delimiter
	f.Add([]byte(`{"unterminated`))                // invalid: must not run past the end
	f.Fuzz(func(t *testing.T, data []byte) {
		i := SkipSpace(data, 0)
		end := ValueEnd(data, i)
		if end > len(data) || StringEnd(data, i) > len(data) {
			t.Fatalf("index past the end of %q", data)
		}
		if !json.Valid(data) || i == len(data) {
			return
		}
		if SkipSpace(data, end) != len(data) {
			t.Fatalf("ValueEnd(%q) = %d, leaving %q", data, end, data[end:])
		}
		if !json.Valid(data[i:end]) {
			t.Fatalf("ValueEnd(%q) = %d: %q is not a value", data, end, data[i:end])
		}
	})
}

func TestTrimSpace(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{" \t\r\n", ""},
		{" {} \r\n", "{}"},
		{"\u00a0{}\u0085", "\u00a0{}\u0085"}, // not JSON white space: kept, so the line is malformed
		{"{ }", "{ }"},
	} {
		if got := string(TrimSpace([]byte(tc.in))); got != tc.want {
			t.Errorf("TrimSpace(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
