package record_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestClearFieldsDocumented checks that every Clear… field of a params type
// carries its own comment, so that go doc shows what it does beside the
// field: a comment floating above the types is not shown.
func TestClearFieldsDocumented(t *testing.T) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "params.go", nil, parser.ParseComments)
	require.NoError(t, err)
	seen := 0
	ast.Inspect(f, func(n ast.Node) bool {
		ts, ok := n.(*ast.TypeSpec)
		if !ok || !strings.HasSuffix(ts.Name.Name, "Params") {
			return true
		}
		st, ok := ts.Type.(*ast.StructType)
		if !ok {
			return true
		}
		for _, field := range st.Fields.List {
			for _, name := range field.Names {
				if !strings.HasPrefix(name.Name, "Clear") {
					continue
				}
				seen++
				text := field.Doc.Text() + field.Comment.Text()
				assert.NotEmpty(t, strings.TrimSpace(text), "%s.%s has no comment of its own", ts.Name.Name, name.Name)
			}
		}
		return true
	})
	assert.GreaterOrEqual(t, seen, 9, "seven ClearMetadata fields, ClearShippingDetails and ClearDescription")
}
