package main

import (
	"encoding/json"
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/payrec/payrec"
	"github.com/payrec/payrec/internal/jsonscan"
	"github.com/payrec/payrec/record"
)

func TestFormJSON(t *testing.T) {
	tests := []struct {
		name, form, want string
	}{
		{"empty body", "", `{}`},
		{"flat", "failed_at=1730253453", `{"failed_at":1730253453}`},
		{"amount value is an integer", "amount_requested[value]=1000&amount_requested[currency]=usd",
			`{"amount_requested":{"value":1000,"currency":"usd"}}`},
		{"an integer that is not written as one stays a string", "amount[value]=10.0x",
			`{"amount":{"value":"10.0x"}}`},
		{"a metadata value that looks like a number stays a string", "metadata[order]=42",
			`{"metadata":{"order":"42"}}`},
		{"metadata key named like an integer param", "metadata[initiated_at]=5",
			`{"metadata":{"initiated_at":"5"}}`},
		{"empty value removes a key", "metadata[k]=", `{"metadata":{"k":""}}`},
		{"empty metadata clears all", "metadata=", `{"metadata":""}`},
		{"nested three deep", "payment_method_details[custom][display_name]=new%20pay",
			`{"payment_method_details":{"custom":{"display_name":"new pay"}}}`},
		{"plus is a space", "description=a+b", `{"description":"a b"}`},
		{"indexed array", "expand[0]=a&expand[1]=b", `{"expand":["a","b"]}`},
		{"bracket array", "expand[]=a&expand[]=b", `{"expand":["a","b"]}`},
		{"array by name only is not an array", "expand=a", `{"expand":"a"}`},
		{"hash with a named key under an array name", "expand[x]=a", `{"expand":{"x":"a"}}`},
		{"a name given twice appears twice", "failed_at=1&failed_at=2", `{"failed_at":1,"failed_at":2}`},
		{"a value and a hash under one name", "metadata=&metadata[a]=b", `{"metadata":"","metadata":{"a":"b"}}`},
		{"a hash before a value keeps that order", "metadata[a]=b&metadata=", `{"metadata":{"a":"b"},"metadata":""}`},
		{"children merge in first-seen order", "a[x]=1&b=2&a[y]=3", `{"a":{"x":"1","y":"3"},"b":"2"}`},
		{"empty pairs are skipped", "&&a=1&", `{"a":"1"}`},
		{"no equals sign is an empty value", "description", `{"description":""}`},
		{"quotes and control characters are escaped", "description=%22%5C%0A", `{"description":"\"\\\n"}`},
		{"bytes that are not UTF-8 pass through for the decoder to refuse", "description=a%ff%22%e2%82&metadata[%fe]=%c3%a9",
			"{\"description\":\"a\xff\\\"\xe2\x82\",\"metadata\":{\"\xfe\":\"\u00e9\"}}"},
		{"negative and exponent integers pass as written", "limit=-1&created_after=1e3",
			`{"limit":-1,"created_after":1e3}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := formJSON(tc.form)
			require.NoError(t, err)
			assert.Equal(t, tc.want, string(got))
			assert.True(t, json.Valid(got), "output is valid JSON")
		})
	}
}

func TestFormJSONErrors(t *testing.T) {
	tests := []struct {
		name, form, param string
	}{
		{"bad percent-encoding in a value", "description=%zz", "description"},
		{"bad percent-encoding in a name", "a%zz=1", "a%zz"},
		{"unclosed bracket", "metadata[a=1", "metadata[a"},
		{"text after a bracket", "metadata[a]b=1", "metadata[a]b"},
		{"nested open bracket", "metadata[a[b]]=1", "metadata[a[b]]"},
		{"empty name", "[a]=1", "[a]"},
		{"closing bracket in the name", "a]=1", "a]"},
		{"too deep", "a" + strings.Repeat("[b]", maxFormDepth+1) + "=1", "a" + strings.Repeat("[b]", maxFormDepth+1)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := formJSON(tc.form)
			var pe *payrec.Error
			require.ErrorAs(t, err, &pe)
			assert.ErrorIs(t, err, payrec.ErrInvalidParameter)
			assert.Equal(t, tc.param, pe.Param)
			assert.NotEmpty(t, pe.Message)
		})
	}
}

// TestFormAndJSONDecodeAlike sends each case once as a form and once as the
// JSON a JSON client would send, through the same decoding the server does,
// and wants the same report or the same error (type, code, param, message).
func TestFormAndJSONDecodeAlike(t *testing.T) {
	tests := []struct {
		name, op, form, json string
	}{
		{"canonical report_payment", record.OpReportPayment,
			"amount_requested[currency]=usd&amount_requested[value]=1000&initiated_at=1730211363&payment_method_details[custom][display_name]=newpay&payment_method_details[type]=custom&processor_details[type]=custom&processor_details[custom][payment_reference]=ref_1&metadata[order]=42&expand[0]=latest_payment_attempt_record",
			`{"amount_requested":{"currency":"usd","value":1000},"initiated_at":1730211363,"payment_method_details":{"custom":{"display_name":"newpay"},"type":"custom"},"processor_details":{"type":"custom","custom":{"payment_reference":"ref_1"}},"metadata":{"order":"42"},"expand":["latest_payment_attempt_record"]}`},
		{"failed with a metadata removal", record.OpReportPaymentAttemptFailed,
			"failed_at=1730253453&metadata[order]=", `{"failed_at":1730253453,"metadata":{"order":""}}`},
		{"metadata cleared", record.OpReportPaymentAttemptGuaranteed,
			"guaranteed_at=1730253453&metadata=", `{"guaranteed_at":1730253453,"metadata":""}`},
		{"informational clears description and shipping", record.OpReportPaymentAttemptInformational,
			"description=&shipping_details=", `{"description":"","shipping_details":""}`},
		{"refund", record.OpReportRefund,
			"outcome=refunded&amount[currency]=usd&amount[value]=250&processor_details[type]=custom&processor_details[custom][refund_reference]=re_1&refunded[refunded_at]=1730260000",
			`{"outcome":"refunded","amount":{"currency":"usd","value":250},"processor_details":{"type":"custom","custom":{"refund_reference":"re_1"}},"refunded":{"refunded_at":1730260000}}`},
		{"retry attempt", record.OpReportPaymentAttempt,
			"initiated_at=1730260000&outcome=guaranteed&guaranteed[guaranteed_at]=1730260001",
			`{"initiated_at":1730260000,"outcome":"guaranteed","guaranteed":{"guaranteed_at":1730260001}}`},

		{"unknown top-level param", record.OpReportPaymentAttemptCanceled,
			"canceled_at=1730253453&bogus=1", `{"canceled_at":1730253453,"bogus":"1"}`},
		{"unknown nested param", record.OpReportPayment,
			"amount_requested[currency]=usd&amount_requested[value]=1000&amount_requested[cents]=1",
			`{"amount_requested":{"currency":"usd","value":1000,"cents":"1"}}`},
		{"amount value not an integer", record.OpReportRefund,
			"outcome=refunded&amount[currency]=usd&amount[value]=1.5",
			`{"outcome":"refunded","amount":{"currency":"usd","value":1.5}}`},
		{"amount value a word", record.OpReportRefund,
			"outcome=refunded&amount[currency]=usd&amount[value]=ten",
			`{"outcome":"refunded","amount":{"currency":"usd","value":"ten"}}`},
		{"timestamp not an integer", record.OpReportPaymentAttemptFailed, "failed_at=soon", `{"failed_at":"soon"}`},
		{"timestamp with a fraction", record.OpReportPaymentAttemptFailed, "failed_at=1.5", `{"failed_at":1.5}`},
		{"missing required", record.OpReportPaymentAttemptFailed, "metadata[a]=b", `{"metadata":{"a":"b"}}`},
		{"a param given twice", record.OpReportPaymentAttemptFailed, "failed_at=1&failed_at=2", `{"failed_at":1,"failed_at":2}`},
		{"server-assigned id", record.OpReportPayment, "id=pr_mine", `{"id":"pr_mine"}`},
		{"server-assigned created", record.OpReportPaymentAttempt, "created=5&initiated_at=5", `{"created":5,"initiated_at":5}`},
		{"bad outcome", record.OpReportRefund, "outcome=refund", `{"outcome":"refund"}`},
		{"expand not an array", record.OpReportPaymentAttemptFailed, "failed_at=1&expand=x", `{"failed_at":1,"expand":"x"}`},

		// Text that is not UTF-8: the decoder's rule (invalid_characters,
		// with the param) whichever way it came.
		{"value not UTF-8", record.OpReportPaymentAttemptInformational, "description=%ff", "{\"description\":\"\xff\"}"},
		{"value partly UTF-8", record.OpReportPaymentAttemptInformational, "description=caf%c3%a9%c3", "{\"description\":\"caf\u00e9\xc3\"}"},
		{"nested value not UTF-8", record.OpReportPayment,
			"amount_requested[currency]=usd&amount_requested[value]=1000&initiated_at=1730211363&payment_method_details[custom][display_name]=new%fepay",
			"{\"amount_requested\":{\"currency\":\"usd\",\"value\":1000},\"initiated_at\":1730211363,\"payment_method_details\":{\"custom\":{\"display_name\":\"new\xfepay\"}}}"},
		{"metadata key not UTF-8", record.OpReportPaymentAttemptInformational, "metadata[%ff]=1", "{\"metadata\":{\"\xff\":\"1\"}}"},
		{"metadata value not UTF-8", record.OpReportPaymentAttemptInformational, "metadata[k]=%ff", "{\"metadata\":{\"k\":\"\xff\"}}"},
		{"parameter name not UTF-8", record.OpReportPaymentAttemptInformational, "%ff=1", "{\"\xff\":\"1\"}"},
		{"refund reference not UTF-8", record.OpReportRefund,
			"outcome=refunded&processor_details[type]=custom&processor_details[custom][refund_reference]=re%ff&refunded[refunded_at]=1730260000",
			"{\"outcome\":\"refunded\",\"processor_details\":{\"type\":\"custom\",\"custom\":{\"refund_reference\":\"re\xff\"}},\"refunded\":{\"refunded_at\":1730260000}}"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// The server answers a form's own syntax error or the decoder's.
			var fromForm record.Report
			form, formErr := formJSON(tc.form)
			if formErr == nil {
				fromForm, _, formErr = decodeReport(tc.op, "pr_1", form, 1730211363, false)
			}
			fromJSON, _, jsonErr := decodeReport(tc.op, "pr_1", []byte(tc.json), 1730211363, false)
			if !utf8.ValidString(tc.json) {
				var pe *payrec.Error
				require.ErrorAs(t, jsonErr, &pe)
				assert.Equal(t, payrec.CodeInvalidCharacters, pe.Code, "%v", jsonErr)
			}
			if jsonErr != nil {
				require.Error(t, formErr, "the form was accepted, the JSON was not: %v", jsonErr)
				assert.Equal(t, envelopeOf(t, jsonErr), envelopeOf(t, formErr))
				return
			}
			require.NoError(t, formErr)
			// IDs are drawn anew on each decode; everything else must agree.
			assert.Equal(t, withoutIDs(fromJSON), withoutIDs(fromForm))
		})
	}
}

func envelopeOf(t *testing.T, err error) string {
	t.Helper()
	var pe *payrec.Error
	require.ErrorAs(t, err, &pe, "every rejection is a *payrec.Error")
	return string(payrec.Envelope(err))
}

// withoutIDs clears the IDs decodeReport draws.
func withoutIDs(rep record.Report) record.Report {
	switch p := rep.(type) {
	case record.ReportPaymentParams:
		p.ID, p.AttemptID = "", ""
		return p
	case record.ReportPaymentAttemptParams:
		p.AttemptID = ""
		return p
	}
	return rep
}

// TestFormShapesFollowTheSpec checks formArrays and formIntegers against the
// request parameters of Stripe's spec: every array and integer parameter of
// the eleven endpoints is known, and nothing else is.
func TestFormShapesFollowTheSpec(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "testdata", "stripe", "payment_records.openapi.json"))
	require.NoError(t, err)
	var spec struct {
		Paths      map[string]map[string]json.RawMessage `json:"paths"`
		Components struct {
			Schemas map[string]json.RawMessage `json:"schemas"`
		} `json:"components"`
	}
	require.NoError(t, json.Unmarshal(raw, &spec))
	arrays, integers := map[string]bool{}, map[string]bool{}
	var walk func(schema json.RawMessage, path string)
	walk = func(schema json.RawMessage, path string) {
		var s struct {
			Ref        string                     `json:"$ref"`
			Type       string                     `json:"type"`
			AnyOf      []json.RawMessage          `json:"anyOf"`
			Properties map[string]json.RawMessage `json:"properties"`
		}
		require.NoError(t, json.Unmarshal(schema, &s))
		if s.Ref != "" {
			walk(spec.Components.Schemas[s.Ref[strings.LastIndexByte(s.Ref, '/')+1:]], path)
			return
		}
		for _, alt := range s.AnyOf {
			walk(alt, path)
		}
		switch s.Type {
		case "array":
			arrays[path] = true
		case "integer":
			integers[path] = true
		case "object":
			for k, v := range s.Properties {
				walk(v, childPath(path, k))
			}
		}
	}
	for path, ops := range spec.Paths {
		for method, opRaw := range ops {
			var op struct {
				Parameters []struct {
					Name, In string
					Schema   json.RawMessage
				}
				RequestBody struct {
					Content map[string]struct{ Schema json.RawMessage }
				} `json:"requestBody"`
			}
			require.NoError(t, json.Unmarshal(opRaw, &op), "%s %s", method, path)
			for _, p := range op.Parameters {
				if p.In == "query" {
					walk(p.Schema, p.Name)
				}
			}
			if body, ok := op.RequestBody.Content["application/x-www-form-urlencoded"]; ok {
				walk(body.Schema, "")
			}
		}
	}
	require.NotEmpty(t, integers, "the spec was read")
	assert.Equal(t, keys(arrays), keys(formArrays), "array parameters")
	assert.Equal(t, keys(integers), keys(formIntegers), "integer parameters")
}

func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// flattenForm writes the JSON object formJSON made back as a form: the
// inverse of formJSON on its own output. Strings are read byte for byte, so
// that text which is not UTF-8 goes back as it came.
func flattenForm(t *testing.T, data []byte) string {
	t.Helper()
	var parts []string
	var walk func(prefix string, v []byte)
	walk = func(prefix string, v []byte) {
		v = jsonscan.TrimSpace(v)
		switch v[0] {
		case '{':
			require.NoError(t, jsonscan.Members(v, func(k, val []byte) error {
				walk(childPath(prefix, rawUnquote(t, k)), val)
				return nil
			}))
		case '[':
			for i := jsonscan.SkipSpace(v, 1); i < len(v) && v[i] != ']'; {
				end := jsonscan.ValueEnd(v, i)
				walk(prefix+"[]", v[i:end])
				if i = jsonscan.SkipSpace(v, end); i < len(v) && v[i] == ',' {
					i = jsonscan.SkipSpace(v, i+1)
				}
			}
		case '"':
			parts = append(parts, escapeFormKey(prefix)+"="+url.QueryEscape(rawUnquote(t, v)))
		default:
			require.True(t, isJSONNumber(string(v)), "formJSON made %s at %s", v, prefix)
			parts = append(parts, escapeFormKey(prefix)+"="+string(v))
		}
	}
	walk("", data)
	return strings.Join(parts, "&")
}

// rawUnquote decodes the JSON string token tok, keeping bytes that are not
// UTF-8 as they are (encoding/json would make them U+FFFD).
func rawUnquote(t *testing.T, tok []byte) string {
	t.Helper()
	var b []byte
	for i := 1; i < len(tok)-1; i++ {
		if tok[i] != '\\' {
			b = append(b, tok[i])
			continue
		}
		i++
		switch c := tok[i]; c {
		case 'u':
			r, err := strconv.ParseUint(string(tok[i+1:i+5]), 16, 32)
			require.NoError(t, err)
			i += 4
			if utf16.IsSurrogate(rune(r)) && i+6 < len(tok) && tok[i+1] == '\\' && tok[i+2] == 'u' {
				if r2, err := strconv.ParseUint(string(tok[i+3:i+7]), 16, 32); err == nil {
					if d := utf16.DecodeRune(rune(r), rune(r2)); d != utf8.RuneError {
						r, i = uint64(d), i+6
					}
				}
			}
			b = utf8.AppendRune(b, rune(r))
		default:
			b = append(b, map[byte]byte{'"': '"', '\\': '\\', '/': '/', 'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t'}[c])
		}
	}
	return string(b)
}

// escapeFormKey escapes a bracket-form name, keeping its brackets.
func escapeFormKey(k string) string {
	return strings.NewReplacer("%5B", "[", "%5D", "]").Replace(url.QueryEscape(k))
}

// FuzzFormJSON feeds formJSON arbitrary bodies. Each either is refused with
// a *payrec.Error or becomes a valid JSON object, which flattened back into a
// form gives the same JSON again; and whatever it becomes, the decoders of
// every endpoint answer it with a report or a *payrec.Error, never a panic.
func FuzzFormJSON(f *testing.F) {
	f.Add("amount_requested[currency]=usd&amount_requested[value]=1000&initiated_at=1730211363&payment_method_details[custom][display_name]=newpay") // the canonical report_payment
	f.Add("failed_at=1730253453&metadata[order]=&expand[]=x")                                                                                        // a failure removing a key
	f.Add("metadata=&metadata[a]=b&metadata=")                                                                                                       // value and hash under one name
	f.Add("outcome=refunded&amount[value]=-0&amount[value]=1e999&processor_details[custom][refund_reference]=r")                                     // odd integers, a repeat
	f.Add("expand[0]=a&expand[7]=b&expand[][x]=c")                                                                                                   // an array with a hash item
	f.Add("a[b][c][d][e]=%E2%82%AC&%5B=1")                                                                                                           // deep, escaped
	f.Add("description=%ff")                                                                                                                         // invalid UTF-8
	f.Add("x[=1&y]=2&z[a]b=3")                                                                                                                       // malformed names
	ops := []string{record.OpReportPayment, record.OpReportPaymentAttempt, record.OpReportPaymentAttemptFailed,
		record.OpReportPaymentAttemptGuaranteed, record.OpReportPaymentAttemptCanceled,
		record.OpReportPaymentAttemptInformational, record.OpReportRefund}
	f.Fuzz(func(t *testing.T, body string) {
		out, err := formJSON(body)
		if err != nil {
			var pe *payrec.Error
			if !errors.As(err, &pe) || !errors.Is(err, payrec.ErrInvalidParameter) {
				t.Fatalf("formJSON(%q) = %v, want a parameter *payrec.Error", body, err)
			}
			return
		}
		if !json.Valid(out) || out[0] != '{' {
			t.Fatalf("formJSON(%q) = %s, not a JSON object", body, out)
		}
		again, err := formJSON(flattenForm(t, out))
		if err != nil || string(again) != string(out) {
			t.Fatalf("formJSON(%q) = %s; flattened and read again: %s, %v", body, out, again, err)
		}
		for _, op := range ops {
			rep, _, err := decodeReport(op, "pr_1", out, 1730211363, false)
			var pe *payrec.Error
			switch {
			case err != nil && !errors.As(err, &pe):
				t.Fatalf("%s: decoding %s: %v is not a *payrec.Error", op, out, err)
			case err == nil && (rep == nil || reflect.ValueOf(rep).Kind() == reflect.Pointer && reflect.ValueOf(rep).IsNil()):
				t.Fatalf("%s: decoding %s gave no report and no error", op, out)
			}
		}
	})
}

// childPath is the bracket form of member k of parent ("" for the top).
func childPath(parent, k string) string {
	if parent == "" {
		return k
	}
	return parent + "[" + k + "]"
}
