package ui

import (
	"fmt"
	"runtime"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/mapping"
)

// allocsOnce counts the allocations of running fn once (a tap that
// cannot be repeated as testing.AllocsPerRun does).
func allocsOnce(fn func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	fn()
	runtime.ReadMemStats(&after)
	return after.Mallocs - before.Mallocs
}

// acceptSchema is a portal with suggestions fields another acceptSchema
// shares (each suggested) and 100 fields of its own (prefix tells them
// apart), which the rows already there map.
func acceptSchema(prefix string, suggestions int) *connector.Schema {
	s := twinSchema(suggestions)
	s.Fields = append(s.Fields, distinctSchema(prefix, 100).Fields...)
	return s
}

// acceptAll shows the suggestions for rows mapped of two portals
// (acceptSchema) and counts the allocations of Accept all; it reports
// whether the rows drawn before were kept.
func acceptAll(t *testing.T, rows, suggestions int) (allocs uint64, kept bool) {
	t.Helper()
	fs := make([]mapping.Field, rows)
	for i := range fs {
		fs[i] = mapping.Field{A: fmt.Sprintf("hs_Field_%03d", i), B: fmt.Sprintf("sf_Field_%03d", i)}
	}
	u, e := editorWithSchemas(t, acceptSchema("hs", suggestions), acceptSchema("sf", suggestions), fs)
	e.showSuggestions()
	before := append([]fyne.CanvasObject(nil), e.rowsBox.Objects[1:]...)
	accept := buttonOnScreen(u.Window(), "Accept all") // found outside the count: a walk of the screen
	allocs = allocsOnce(func() { test.Tap(accept) })
	if len(e.def.Fields) != rows+suggestions || len(e.rowsBox.Objects) != rows+suggestions+1 {
		t.Fatalf("after Accept all: %d rows defined, %d drawn (with the heading); want %d", len(e.def.Fields), len(e.rowsBox.Objects), rows+suggestions)
	}
	if got := e.def.Fields[rows+suggestions-1].B; got != fmt.Sprintf("shared_field_%03d", suggestions-1) {
		t.Fatalf("the last accepted row writes %q", got)
	}
	kept = true
	for i, o := range before {
		kept = kept && e.rowsBox.Objects[i+1] == o
	}
	return allocs, kept
}

// TestAcceptAllKeepsRows: Accept all adds the accepted rows under
// those already drawn, which stay as they are (and what a person typed
// into them), and costs about what the rows it adds do: with 100 rows
// already there, not 100 rows more; 100 suggestions twice what 50 do,
// not four times (each added row re-checking all the others).
func TestAcceptAllKeepsRows(t *testing.T) {
	few, kept := acceptAll(t, 10, 100)
	many, keptMany := acceptAll(t, 100, 100)
	half, _ := acceptAll(t, 100, 50)
	perRow := (float64(many) - float64(few)) / 90
	t.Logf("Accept all of 100 suggestions: %d allocs with 10 rows, %d with 100 (%.0f per row already there); 50 suggestions with 100 rows: %d", few, many, perRow, half)
	if !kept || !keptMany {
		t.Error("Accept all redrew the rows already drawn")
	}
	// Redrawing a row costs about 10,000 allocations; laying it out again
	// and Fyne's test driver walking the window for the canvas, a few
	// hundred.
	if perRow > 1000 {
		t.Errorf("each row already there adds %.0f allocations to Accept all: every row is redrawn", perRow)
	}
	if float64(many) > float64(half)*2.4 {
		t.Errorf("accepting 100 suggestions allocates %d times, %.1f× what 50 do: each accepted row re-checks the others", many, float64(many)/float64(half))
	}
}

// picklistSchema is a 600-field portal whose first field, stage, is a
// picklist with values (options).
func picklistSchema(options ...string) *connector.Schema {
	f := connector.Field{Name: "stage", Label: "Stage", Type: connector.TypeEnum}
	for _, o := range options {
		f.Options = append(f.Options, connector.Option{Value: o, Label: o})
	}
	return portalSchema(600, f)
}

// valueMapSave opens the value map of the stage row, first of rows
// mapping rows, and counts the allocations of "Use this map"; it reports
// whether the other rows were kept as drawn.
func valueMapSave(t *testing.T, rows int) (allocs uint64, kept bool) {
	t.Helper()
	fs := append([]mapping.Field{{A: "stage", B: "stage"}}, numberedRows(rows-1)...)
	u, e := editorWithSchemas(t, picklistSchema("lead", "won"), picklistSchema("Lead", "Won"), fs)
	before := append([]fyne.CanvasObject(nil), e.rowsBox.Objects[2:]...)
	row := e.rowsBox.Objects[1].(*fyne.Container).Objects[0].(*fyne.Container)
	test.Tap(row.Objects[5].(*widget.Button)) // Values…
	use := buttonOnScreen(u.Window(), "Use this map")
	if use == nil {
		t.Fatal("no value map dialog after Values…")
	}
	allocs = allocsOnce(func() { test.Tap(use) })
	if f := e.def.Fields[0]; f.Transform != "map" || f.ValueMap["lead"] != "Lead" || f.ValueMap["won"] != "Won" {
		t.Fatalf("after Use this map the stage row is %+v", f)
	}
	if got := e.rowsBox.Objects[1].(*fyne.Container).Objects[0].(*fyne.Container).Objects[4].(*widget.SelectEntry).Text; got != "map" {
		t.Fatalf("the stage row's transform shows %q after Use this map, want map", got)
	}
	kept = true
	for i, o := range before {
		kept = kept && e.rowsBox.Objects[i+2] == o
	}
	return allocs, kept
}

// TestValueMapSaveRedrawsItsRow: saving a row's value map redraws
// that row only: with 100 rows it costs little more than with 10, and the
// other rows stay as drawn.
func TestValueMapSaveRedrawsItsRow(t *testing.T) {
	few, keptFew := valueMapSave(t, 10)
	many, keptMany := valueMapSave(t, 100)
	perRow := (float64(many) - float64(few)) / 90
	t.Logf("Use this map: %d allocs with 10 rows, %d with 100, %.0f per row", few, many, perRow)
	if !keptFew || !keptMany {
		t.Error("saving one row's value map redrew the other rows")
	}
	if perRow > 300 {
		t.Errorf("each other row adds %.0f allocations to saving a value map: every row is redrawn", perRow)
	}
}
