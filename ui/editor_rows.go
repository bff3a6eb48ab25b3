package ui

import (
	"maps"
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/mapping"
)

// rowView is one drawn mapping row: its widgets, and its mapping as last
// checked against the schemas.
type rowView struct {
	obj     fyne.CanvasObject
	sample  *widget.Label
	problem *widget.Label
	check   rowCheck
}

// rowCheck is a mapping checked alone against the schemas (its own
// problems and its sample), kept until the mapping or what it was checked
// against changes: a keystroke re-checks the row typed in, not all of them.
type rowCheck struct {
	done   bool
	basis  checkBasis
	field  mapping.Field
	result mapping.RowCheck
	sample string
}

// checkBasis is what a row is checked against besides itself. A side's
// sample record arrives with its schema, so the schemas stand for both.
type checkBasis struct {
	a, b *connector.Schema
	dir  mapping.Direction
}

// rowIndex is rv's position among the rows now, -1 once removed.
func (e *editor) rowIndex(rv *rowView) int { return slices.Index(e.rows, rv) }

// fieldOfRow is rv's mapping, nil once the row is removed.
func (e *editor) fieldOfRow(rv *rowView) *mapping.Field {
	if i := e.rowIndex(rv); i >= 0 && i < len(e.def.Fields) {
		return &e.def.Fields[i]
	}
	return nil
}

// appendRow adds mapping f as a row under the others, which stay as drawn.
func (e *editor) appendRow(f mapping.Field) {
	e.def.Fields = append(e.def.Fields, f)
	if len(e.def.Fields) == 1 {
		e.rebuildRows() // the "No mappings yet" line goes
		return
	}
	e.rows = append(e.rows, nil)
	e.rowsBox.Add(e.mappingRow(len(e.def.Fields) - 1).obj)
	e.changed()
}

// removeRow removes rv's mapping and its row; the other rows stay as drawn.
func (e *editor) removeRow(rv *rowView) {
	i := e.rowIndex(rv)
	if i < 0 || i >= len(e.def.Fields) {
		return
	}
	e.def.Fields = slices.Delete(e.def.Fields, i, i+1)
	e.rows = slices.Delete(e.rows, i, i+1)
	if len(e.def.Fields) == 0 {
		e.rebuildRows() // the "No mappings yet" line comes back
		return
	}
	e.rowsBox.Remove(rv.obj)
	e.changed()
}

// ruleOf is the blank rule a rule select's label stands for.
func ruleOf(label string) mapping.Rule {
	for _, rl := range ruleLabels {
		if rl.label == label {
			return rl.rule
		}
	}
	return mapping.Always
}

// checked is mapping i (drawn as rv) checked alone, re-checked only
// when it or its basis changed since last time.
func (e *editor) checked(rv *rowView, i int) *rowCheck {
	basis := checkBasis{e.schema[0], e.schema[1], e.def.Direction}
	f := e.def.Fields[i]
	c := &rv.check
	if c.done && c.basis == basis && sameField(c.field, f) {
		return c
	}
	f.ValueMap, f.ReverseValueMap = maps.Clone(f.ValueMap), maps.Clone(f.ReverseValueMap) // kept apart from later edits
	*c = rowCheck{done: true, basis: basis, field: f,
		result: mapping.CheckRow(i, f, e.def.Direction, *basis.a, *basis.b, nil)}
	c.sample = e.sampleOf(f, c.result)
	return c
}

// sameField says whether two mappings are the same, value maps included.
func sameField(x, y mapping.Field) bool {
	return x.A == y.A && x.B == y.B && x.Direction == y.Direction && x.Rule == y.Rule &&
		x.Transform == y.Transform && x.ReverseTransform == y.ReverseTransform &&
		x.Default == y.Default && x.Together == y.Together &&
		maps.Equal(x.ValueMap, y.ValueMap) && maps.Equal(x.ReverseValueMap, y.ReverseValueMap)
}

// mappingChecks are the mappings compiled, as mapping.Compile gives them,
// from each row's last check and a pass for duplicates across rows (a
// row writing what another writes depends on that row, so this pass runs
// over all of them each time; it compiles nothing). ok is false when the
// rows cannot be checked one by one (schemas missing, rows not drawn).
func (e *editor) mappingChecks() (rows []mapping.Row, probs []mapping.Problem, ok bool) {
	if e.schema[0] == nil || e.schema[1] == nil || len(e.rows) != len(e.def.Fields) || !validDir(e.def.Direction) {
		return nil, nil, false
	}
	dups := mapping.NewDuplicates(len(e.rows))
	for i, rv := range e.rows {
		if rv == nil {
			return nil, nil, false
		}
		c := e.checked(rv, i).result
		for _, p := range c.Problems {
			p.Row = i // the row may have moved since it was checked
			probs = append(probs, p)
		}
		dp := dups.Check(i, c)
		probs = append(probs, dp...)
		if c.OK && len(c.Problems)+len(dp) == 0 && c.Row.Dir != mapping.None {
			rows = append(rows, c.Row)
		}
	}
	return rows, probs, true
}

func validDir(d mapping.Direction) bool {
	return d == mapping.AtoB || d == mapping.BtoA || d == mapping.TwoWay
}
