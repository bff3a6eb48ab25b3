package syncfile

import (
	"fmt"
	"strings"

	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/mapping"
)

// Definition converts the file to the engine's definition.
func (f File) Definition() engine.Definition {
	d := engine.Definition{
		Name: f.Name, Direction: mapping.Direction(f.Direction),
		A:         engine.SideDef{Connection: f.A.Connection, Object: f.A.Object},
		B:         engine.SideDef{Connection: f.B.Connection, Object: f.B.Object},
		Unmatched: f.Unmatched, Conflict: f.Conflict, Schedule: f.Schedule, TestLimit: f.TestLimit,
	}
	if d.Unmatched == "" {
		d.Unmatched = engine.UnmatchedReview // never create without being told
	}
	if d.Conflict == "" {
		d.Conflict = engine.ConflictReview
	}
	for _, m := range f.Match {
		d.Match = append(d.Match, engine.MatchRule{A: m.A, B: m.B, Normalize: m.Normalize, Also: m.Also})
	}
	for _, x := range f.Fields {
		d.Fields = append(d.Fields, mapping.Field{A: x.A, B: x.B, Direction: mapping.Direction(x.Direction), Rule: mapping.Rule(x.Rule),
			Transform: x.Transform, ReverseTransform: x.ReverseTransform, ValueMap: x.ValueMap, ReverseValueMap: x.ReverseValueMap, Default: x.Default,
			Together: x.Together})
	}
	if f.Filters != nil {
		for _, x := range f.Filters.A {
			d.Filters.A = append(d.Filters.A, engine.Filter{Field: x.Field, Op: x.Op, Value: x.Value})
		}
		for _, x := range f.Filters.B {
			d.Filters.B = append(d.Filters.B, engine.Filter{Field: x.Field, Op: x.Op, Value: x.Value})
		}
	}
	if f.Safety != nil {
		d.Safety = engine.Safety{MaxChangePercent: f.Safety.MaxChangePercent, MaxChanges: f.Safety.MaxChanges, PropagateDeletes: f.Safety.PropagateDeletes}
	}
	return d
}

// FromDefinition converts a stored definition back to the file shape.
func FromDefinition(d engine.Definition) File {
	f := File{
		Name: d.Name, Direction: string(d.Direction),
		A: Side{Connection: d.A.Connection, Object: d.A.Object}, B: Side{Connection: d.B.Connection, Object: d.B.Object},
		Unmatched: d.Unmatched, Conflict: d.Conflict, Schedule: d.Schedule, TestLimit: d.TestLimit,
	}
	for _, m := range d.Match {
		f.Match = append(f.Match, Match{A: m.A, B: m.B, Normalize: m.Normalize, Also: m.Also})
	}
	for _, x := range d.Fields {
		f.Fields = append(f.Fields, Field{A: x.A, B: x.B, Direction: string(x.Direction), Rule: string(x.Rule),
			Transform: x.Transform, ReverseTransform: x.ReverseTransform, ValueMap: x.ValueMap, ReverseValueMap: x.ReverseValueMap, Default: x.Default,
			Together: x.Together})
	}
	if len(d.Filters.A)+len(d.Filters.B) > 0 {
		f.Filters = &Filters{}
		for _, x := range d.Filters.A {
			f.Filters.A = append(f.Filters.A, Filter{Field: x.Field, Op: x.Op, Value: x.Value})
		}
		for _, x := range d.Filters.B {
			f.Filters.B = append(f.Filters.B, Filter{Field: x.Field, Op: x.Op, Value: x.Value})
		}
	}
	if d.Safety != (engine.Safety{}) {
		f.Safety = &Safety{MaxChangePercent: d.Safety.MaxChangePercent, MaxChanges: d.Safety.MaxChanges, PropagateDeletes: d.Safety.PropagateDeletes}
	}
	return f
}

// Locate turns the engine's problems into problems at the file's lines.
func (d *Doc) Locate(probs []mapping.Problem) Problems {
	out := make(Problems, 0, len(probs))
	for _, p := range probs {
		path := "$"
		if p.Row >= 0 {
			path = fmt.Sprintf("$.fields[%d]", p.Row)
		} else if p.Field != "" {
			path = "$." + yamlPath(p.Field)
		}
		out = append(out, d.At(path, p.Error()))
	}
	return out
}

// yamlPath maps an engine field name ("match[1].a", "safety.max_changes",
// "A.connection") to the file's key path.
func yamlPath(field string) string {
	field = strings.ReplaceAll(field, " ", "")
	lower := strings.ToLower(field[:1]) + field[1:]
	return lower
}
