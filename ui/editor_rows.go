package ui

import (
	"maps"
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
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
func (e *editor) appendRow(f mapping.Field) { e.appendRows([]mapping.Field{f}) }

// appendRows adds mappings fs as rows under the others, which stay as
// drawn, and re-checks once: Accept all of a hundred suggestions draws a
// hundred rows, not the hundred already there again.
func (e *editor) appendRows(fs []mapping.Field) {
	if len(fs) == 0 {
		return
	}
	first := len(e.def.Fields)
	e.def.Fields = append(e.def.Fields, fs...)
	if first == 0 {
		e.rebuildRows() // the "No mappings yet" line goes
		return
	}
	e.rows = append(e.rows, make([]*rowView, len(fs))...)
	for i := first; i < len(e.def.Fields); i++ {
		e.rowsBox.Objects = append(e.rowsBox.Objects, e.mappingRow(i).obj)
	}
	e.relayoutRows()
	e.changed()
}

// redrawRow draws rv's mapping again in its place (its value map saved
// changes its transform); the other rows stay as drawn.
func (e *editor) redrawRow(rv *rowView) {
	i := e.rowIndex(rv)
	if i < 0 || i >= len(e.def.Fields) || i+1 >= len(e.rowsBox.Objects) || e.rowsBox.Objects[i+1] != rv.obj {
		e.rebuildRows() // not drawn where expected: draw them all
		return
	}
	e.rowsBox.Objects[i+1] = e.mappingRow(i).obj
	e.relayoutRows()
	e.changed()
}

// relayoutRows lays the rows out once and has the canvas draw them again,
// without refreshing every row's widgets as Container.Refresh does (each
// row's texts shaped again): rows added or redrawn are new, the others
// unchanged.
func (e *editor) relayoutRows() {
	if l := e.rowsBox.Layout; l != nil {
		l.Layout(e.rowsBox.Objects, e.rowsBox.Size())
	}
	canvas.Refresh(e.rowsBox)
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

// rowMapping is the row drawing the mapping of a to b, nil when none.
func (e *editor) rowMapping(a, b string) *rowView {
	for i, f := range e.def.Fields {
		if f.A == a && f.B == b && i < len(e.rows) {
			return e.rows[i]
		}
	}
	return nil
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
