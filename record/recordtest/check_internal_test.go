package recordtest

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/payrec/payrec/money"
)

func TestMembers(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		keys    []string
		values  []string
		wantErr string
	}{
		{
			name: "nested values and escapes",
			in:   ` { "a" : {"b":[1,{"c":"}"}]}, "q\"}":"x\\\",", "n":-1.5e3 ,"t":true,"z":null}`,
			keys: []string{"a", `q"}`, "n", "t", "z"}, values: []string{`{"b":[1,{"c":"}"}]}`, `"x\\\","`, "-1.5e3", "true", "null"},
		},
		{name: "empty", in: `{}`},
		{name: "duplicate key", in: `{"a":1,"a":2}`, wantErr: `key "a" appears twice`},
		{name: "not an object", in: `[1]`, wantErr: "not an object"},
		{name: "invalid", in: `{"a":}`, wantErr: "invalid JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, err := members([]byte(tt.in))
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.keys, o.keys)
			for i, k := range tt.keys {
				assert.Equal(t, tt.values[i], string(o.members[k]), "member %q", k)
			}
		})
	}
}

// TestJSONProblems feeds broken objects to the check behind Verify, which
// a correct record never produces, and checks each is named precisely.
func TestJSONProblems(t *testing.T) {
	usd := money.MustParseCurrency("usd")
	w := want{
		object: "payment_attempt_record", keys: []string{"id", "object", "amount", "metadata", "created", "livemode"},
		id: "par_1", created: 5, metadata: map[string]string{"k": "v"},
		amounts: map[string]money.Amount{"amount": money.New(1000, usd)},
	}
	good := `{"id":"par_1","object":"payment_attempt_record","amount":{"currency":"usd","value":1000},"metadata":{"k":"v"},"created":5,"livemode":false}`
	tests := []struct {
		name string
		edit func(string) string
		want string // "" when no problem
	}{
		{"correct", func(s string) string { return s }, ""},
		{"missing key", func(s string) string { return strings.Replace(s, `,"created":5`, "", 1) }, `lacks the keys ["created"]`},
		{"extra key", func(s string) string { return strings.Replace(s, `{"id"`, `{"x":1,"id"`, 1) }, `outside the payment_attempt_record schema: ["x"]`},
		{"duplicate key", func(s string) string { return strings.Replace(s, `{"id"`, `{"created":5,"id"`, 1) }, `key "created" appears twice`},
		{"wrong amount", func(s string) string { return strings.Replace(s, "1000", "999", 1) }, `amount is {"currency":"usd","value":999} (9.99 USD), want 10.00 USD`},
		{"amount as float", func(s string) string { return strings.Replace(s, "1000", "1000.0", 1) }, "amount {\"currency\":\"usd\",\"value\":1000.0} does not decode"},
		{"null amount", func(s string) string { return strings.Replace(s, `{"currency":"usd","value":1000}`, "null", 1) }, "amount is null, want 10.00 USD"},
		{"null metadata", func(s string) string { return strings.Replace(s, `{"k":"v"}`, "null", 1) }, "metadata is null"},
		{"other metadata", func(s string) string { return strings.Replace(s, `"v"`, `"w"`, 1) }, `metadata is {"k":"w"}`},
		{"wrong object", func(s string) string { return strings.Replace(s, `_attempt_record`, `_record`, 1) }, `object is "payment_record", want "payment_attempt_record"`},
		{"wrong created", func(s string) string { return strings.Replace(s, `"created":5`, `"created":"5"`, 1) }, `created is "5", want 5`},
		{"invalid", func(s string) string { return s[:len(s)-1] }, "invalid JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var p problems
			p.json("obj", []byte(tt.edit(good)), w)
			if tt.want == "" {
				assert.Empty(t, p)
				return
			}
			require.NotEmpty(t, p)
			assert.Contains(t, strings.Join(p, "\n"), tt.want)
		})
	}
}
