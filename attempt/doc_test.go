package attempt_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/payrec/payrec/attempt"
)

// TestDocComments keeps the house rule that every exported name is
// documented, starting with its name (a grouped declaration may share the
// group's comment). It cannot see missing comments on struct fields.
func TestDocComments(t *testing.T) {
	fset := token.NewFileSet()
	pkgs, err := parser.ParseDir(fset, ".", func(fi os.FileInfo) bool {
		return !strings.HasSuffix(fi.Name(), "_test.go")
	}, parser.ParseComments)
	require.NoError(t, err)
	pkg, ok := pkgs["attempt"]
	require.True(t, ok, "package attempt parses")

	startsWith := func(doc *ast.CommentGroup, name string) bool {
		text := doc.Text()
		return strings.HasPrefix(text, name+" ") || strings.HasPrefix(text, name+":") ||
			strings.HasPrefix(text, "A "+name+" ") || strings.HasPrefix(text, "An "+name+" ")
	}
	n := 0
	for file, f := range pkg.Files {
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				if !d.Name.IsExported() {
					continue
				}
				n++
				if assert.NotNil(t, d.Doc, "%s: func %s has no doc comment", file, d.Name.Name) {
					assert.True(t, startsWith(d.Doc, d.Name.Name), "%s: doc of %s starts with its name: %q", file, d.Name.Name, d.Doc.Text())
				}
			case *ast.GenDecl:
				for _, s := range d.Specs {
					var names []*ast.Ident
					var doc *ast.CommentGroup
					switch s := s.(type) {
					case *ast.TypeSpec:
						names, doc = []*ast.Ident{s.Name}, s.Doc
					case *ast.ValueSpec:
						names, doc = s.Names, s.Doc
					}
					for _, name := range names {
						if !name.IsExported() {
							continue
						}
						n++
						switch {
						case doc != nil:
							assert.True(t, startsWith(doc, name.Name), "%s: doc of %s starts with its name: %q", file, name.Name, doc.Text())
						case d.Lparen.IsValid() && d.Doc != nil:
							// Documented by its group, perhaps with a line
							// comment of its own, as time.Month's constants.
						case d.Doc != nil:
							assert.True(t, startsWith(d.Doc, name.Name), "%s: doc of %s starts with its name: %q", file, name.Name, d.Doc.Text())
						default:
							t.Errorf("%s: %s has no doc comment", file, name.Name)
						}
					}
				}
			}
		}
	}
	assert.Greater(t, n, 50, "exported names checked")

	doc, err := os.ReadFile("doc.go")
	require.NoError(t, err)
	for _, heading := range []string{"# Lifecycle and timestamps", "# Amounts", "# Details", "# JSON", "# IDs"} {
		assert.Contains(t, string(doc), "// "+heading+"\n", "doc.go has the heading %q", heading)
	}
}

// TestAttemptExportsOnlyReaders: an importer's Attempt has accessors, its
// JSON and IsValid, and nothing that changes or copies it for a record (the
// record's plumbing lives in internal/attemptops). A new exported method
// must be added here on purpose.
func TestAttemptExportsOnlyReaders(t *testing.T) {
	want := []string{"AppendJSON", "Authorized", "Canceled", "CanceledAt", "Created", "CustomerDetails",
		"CustomerPresence", "Description", "Failed", "FailedAt", "Guaranteed", "GuaranteedAt", "ID",
		"InitiatedAt", "IsValid", "Livemode", "MarshalJSON", "Metadata", "OutcomeAt", "PaymentMethodDetails",
		"PaymentRecord", "Pending", "ProcessorDetails", "Refunded", "Requested", "ShippingDetails", "State",
		"UnmarshalJSON"}
	typ := reflect.TypeOf(&attempt.Attempt{})
	var got []string
	for i := range typ.NumMethod() {
		got = append(got, typ.Method(i).Name)
	}
	assert.Equal(t, want, got)
}
