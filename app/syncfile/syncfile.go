// Package syncfile reads and writes sync definitions as YAML files that
// admins keep, back up and share. Unknown keys are errors, and every problem
// names the file's line.
package syncfile

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
	"github.com/goccy/go-yaml/token"
)

// File is the YAML shape. Keys are the public contract; add optional keys only.
type File struct {
	Name      string   `yaml:"name"`
	A         Side     `yaml:"a"`
	B         Side     `yaml:"b"`
	Direction string   `yaml:"direction"`
	Match     []Match  `yaml:"match,omitempty"`
	Unmatched string   `yaml:"unmatched,omitempty"`
	Conflict  string   `yaml:"conflict,omitempty"`
	Fields    []Field  `yaml:"fields"`
	Filters   *Filters `yaml:"filters,omitempty"`
	Schedule  string   `yaml:"schedule,omitempty"`
	Safety    *Safety  `yaml:"safety,omitempty"`
	TestLimit int      `yaml:"test_limit,omitempty"`
}

type Side struct {
	Connection string `yaml:"connection"`
	Object     string `yaml:"object"`
}

type Match struct {
	A         string `yaml:"a"`
	B         string `yaml:"b"`
	Normalize string `yaml:"normalize,omitempty"`
	// Also names field rows that must also agree (engine.MatchRule.Also).
	Also []string `yaml:"also,omitempty"`
}

type Field struct {
	A                string            `yaml:"a"`
	B                string            `yaml:"b"`
	Direction        string            `yaml:"direction,omitempty"`
	Rule             string            `yaml:"rule,omitempty"`
	Transform        string            `yaml:"transform,omitempty"`
	ReverseTransform string            `yaml:"reverse_transform,omitempty"`
	ValueMap         map[string]string `yaml:"value_map,omitempty"`
	ReverseValueMap  map[string]string `yaml:"reverse_value_map,omitempty"`
	Default          string            `yaml:"default,omitempty"`
	Together         string            `yaml:"together,omitempty"`
}

type Filters struct {
	A []Filter `yaml:"a,omitempty"`
	B []Filter `yaml:"b,omitempty"`
}

type Filter struct {
	Field string `yaml:"field"`
	Op    string `yaml:"op"`
	Value string `yaml:"value,omitempty"`
}

type Safety struct {
	MaxChangePercent int  `yaml:"max_change_percent,omitempty"`
	MaxChanges       int  `yaml:"max_changes,omitempty"`
	PropagateDeletes bool `yaml:"propagate_deletes,omitempty"`
}

// Problem is one thing wrong with a file, at a line when known.
type Problem struct {
	Line    int
	Path    string // YAML path, e.g. $.fields[2]
	Message string
}

func (p Problem) String() string {
	if p.Line > 0 {
		return fmt.Sprintf("line %d: %s", p.Line, p.Message)
	}
	return p.Message
}

// Problems is a list of problems; it is an error.
type Problems []Problem

func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// Doc is a parsed file plus what is needed to point at its lines.
type Doc struct {
	File File
	ast  *ast.File
}

// Parse decodes a YAML sync file strictly: unknown or misspelt keys are
// problems with their line, never silently ignored.
func Parse(data []byte) (*Doc, error) {
	// A file saved by Windows Notepad starts with a UTF-8 byte order mark,
	// which would read as part of the first key.
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, Problems{{Message: "the file is empty; see `crmsync sync export` for an example"}}
	}
	f, err := parser.ParseBytes(data, 0)
	if err != nil {
		return nil, Problems{yamlProblem(err)}
	}
	if p, ok := severalDocuments(f); ok {
		return nil, Problems{p}
	}
	var out File
	if body := firstBody(f); body != nil {
		keepText(body)
		if err := yaml.NodeToValue(body, &out, yaml.Strict(), yaml.DisallowUnknownField()); err != nil {
			return nil, Problems{yamlProblem(err)}
		}
	}
	d := &Doc{File: out, ast: f}
	if ps := d.basic(); len(ps) > 0 {
		return nil, ps
	}
	return d, nil
}

// severalDocuments names a file of more than one YAML document (two
// exports joined with ---): a file is one sync, and decoding would keep
// the first and drop the others without a word.
func severalDocuments(f *ast.File) (Problem, bool) {
	n, line := 0, 0
	for _, doc := range f.Docs {
		if doc == nil || doc.Body == nil {
			continue // a --- at the end, or between comments
		}
		if n++; n == 2 {
			if tok := doc.Body.GetToken(); tok != nil {
				line = tok.Position.Line
			}
		}
	}
	if n < 2 {
		return Problem{}, false
	}
	return Problem{Line: line, Message: fmt.Sprintf("the file holds %d syncs (YAML documents separated by ---); a sync file is one sync: put each in a file of its own and apply each", n)}, true
}

func firstBody(f *ast.File) ast.Node {
	for _, doc := range f.Docs {
		if doc != nil && doc.Body != nil {
			return doc.Body
		}
	}
	return nil
}

// numberKeys are the file's keys whose values are numbers or booleans.
var numberKeys = map[string]bool{"max_change_percent": true, "max_changes": true, "propagate_deletes": true, "test_limit": true}

// keepText makes every unquoted number or boolean a string as written,
// except under numberKeys: every other value is text (a ZIP code 02134
// would otherwise read as the octal 1116, a picklist value 1.50 as 1.5).
func keepText(n ast.Node) {
	asText := func(v ast.Node) ast.Node {
		switch v.(type) {
		case *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode, *ast.InfinityNode, *ast.NanNode:
			tk := *v.GetToken()
			tk.Type = token.StringType
			return ast.String(&tk)
		}
		keepText(v)
		return v
	}
	switch n := n.(type) {
	case *ast.MappingNode:
		for _, mv := range n.Values {
			keepText(mv)
		}
	case *ast.MappingValueNode:
		if k, ok := asText(n.Key).(ast.MapKeyNode); ok {
			n.Key = k
		}
		if !numberKeys[n.Key.GetToken().Value] {
			n.Value = asText(n.Value)
		}
	case *ast.SequenceNode:
		for i, v := range n.Values {
			n.Values[i] = asText(v)
		}
	case *ast.AnchorNode:
		n.Value = asText(n.Value)
	case *ast.TagNode:
		keepText(n.Value)
	}
}

// yamlProblem turns a go-yaml error ("[3:5] unknown field ...") into one line.
func yamlProblem(err error) Problem {
	var ye yaml.Error
	if errors.As(err, &ye) {
		tok := ye.GetToken()
		msg := ye.GetMessage()
		if tok != nil {
			return Problem{Line: tok.Position.Line, Message: msg}
		}
		return Problem{Message: msg}
	}
	return Problem{Message: err.Error()}
}

// basic checks what needs no schema: required keys present.
func (d *Doc) basic() Problems {
	var ps Problems
	f := d.File
	need := func(path, v, what string) {
		if strings.TrimSpace(v) == "" {
			ps = append(ps, d.At(path, what+" is missing"))
		}
	}
	need("$.name", f.Name, "name")
	need("$.a", f.A.Connection, "a.connection")
	need("$.a", f.A.Object, "a.object")
	need("$.b", f.B.Connection, "b.connection")
	need("$.b", f.B.Object, "b.object")
	if len(f.Fields) == 0 {
		ps = append(ps, d.At("$", "fields: map at least one field"))
	}
	return ps
}

// At builds a problem at a YAML path, falling back to the nearest parent
// that exists in the file.
func (d *Doc) At(path, msg string) Problem {
	return Problem{Line: d.Line(path), Path: path, Message: msg}
}

// Line returns the line of path (or of its nearest existing parent), 0 when unknown.
func (d *Doc) Line(path string) int {
	if d == nil || d.ast == nil {
		return 0
	}
	for p := path; p != ""; p = parent(p) {
		yp, err := yaml.PathString(p)
		if err != nil {
			continue
		}
		n, err := yp.FilterFile(d.ast)
		if err == nil && n != nil && n.GetToken() != nil {
			return n.GetToken().Position.Line
		}
		if p == "$" {
			break
		}
	}
	return 0
}

func parent(p string) string {
	if i := strings.LastIndexAny(p, ".["); i > 0 {
		return p[:i]
	}
	if p != "$" {
		return "$"
	}
	return ""
}

// Marshal writes a file back as YAML (for `crmsync sync export`).
func Marshal(f File) ([]byte, error) {
	// Value maps print in a stable order so exports diff cleanly.
	for i := range f.Fields {
		if len(f.Fields[i].ValueMap) == 0 {
			f.Fields[i].ValueMap = nil
		}
	}
	return yaml.MarshalWithOptions(f, yaml.UseSingleQuote(false))
}
