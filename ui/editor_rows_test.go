package ui

import (
	"fmt"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/mapping"
)

// twinSchema is an n-field schema whose fields another twinSchema has
// too, so Suggest proposes one mapping per field.
func twinSchema(n int) *connector.Schema {
	s := &connector.Schema{}
	for i := range n {
		s.Fields = append(s.Fields, connector.Field{Name: fmt.Sprintf("shared_field_%03d", i), Label: fmt.Sprintf("Shared field %d", i), Type: connector.TypeString})
	}
	return s
}

// suggestAllocs counts the allocations of showing n suggestions.
func suggestAllocs(t *testing.T, n int) float64 {
	_, e := editorWithSchemas(t, twinSchema(n), twinSchema(n), nil)
	allocs := testing.AllocsPerRun(1, e.showSuggestions)
	if !strings.Contains(textsIn(e.suggestBox), fmt.Sprintf("Suggested mappings (%d)", n)) {
		t.Fatalf("showing %d suggestions: texts %q", n, textsIn(e.suggestBox))
	}
	return allocs
}

// TestSuggestListScalesWithSuggestions: showing twice the
// suggestions costs about twice as much; the list is not laid out again
// as each suggestion is added (600 took minutes).
func TestSuggestListScalesWithSuggestions(t *testing.T) {
	small, big := suggestAllocs(t, 100), suggestAllocs(t, 200)
	t.Logf("showing suggestions: %.0f allocs for 100, %.0f for 200", small, big)
	if big > small*1.3 {
		t.Fatalf("200 suggestions allocate %.0f times, %.1f× what 100 do: the list is draws every suggestion, not those in view", big, big/small)
	}
}

// TestAcceptSuggestionKeepsRows: accepting one suggestion adds
// its row under the others, which stay as drawn, and takes it off the list.
func TestAcceptSuggestionKeepsRows(t *testing.T) {
	fs := make([]mapping.Field, 50)
	for i := range fs {
		fs[i] = mapping.Field{A: fmt.Sprintf("shared_field_%03d", i), B: fmt.Sprintf("shared_field_%03d", i)}
	}
	u, e := editorWithSchemas(t, twinSchema(60), twinSchema(60), fs)
	e.showSuggestions()
	first := e.rowsBox.Objects[1]
	test.Tap(buttonOnScreen(u.Window(), "Accept"))
	if len(e.def.Fields) != 51 || len(e.rowsBox.Objects) != 52 {
		t.Fatalf("after Accept: %d rows defined, %d drawn (with the heading)", len(e.def.Fields), len(e.rowsBox.Objects))
	}
	if got := e.def.Fields[50]; got.A != "shared_field_050" || got.B != "shared_field_050" {
		t.Fatalf("accepted row = %+v, want shared_field_050 both sides", got)
	}
	if e.rowsBox.Objects[1] != first {
		t.Fatal("accepting one suggestion redrew all 50 rows")
	}
	if !strings.Contains(textsIn(e.suggestBox), "shared_field_051") || strings.Contains(textsIn(e.suggestBox), "shared_field_050 →") {
		t.Fatalf("suggestions after accepting shared_field_050: %q", textsIn(e.suggestBox))
	}
}

// rowParts are mapping row i's direction and remove buttons.
func rowParts(t *testing.T, e *editor, i int) (dir, remove *widget.Button) {
	t.Helper()
	row := e.rowsBox.Objects[i+1].(*fyne.Container).Objects[0].(*fyne.Container)
	return row.Objects[1].(*widget.Button), row.Objects[6].(*widget.Button)
}

func numberedRows(n int) []mapping.Field {
	fs := make([]mapping.Field, n)
	for i := range fs {
		fs[i] = mapping.Field{A: fmt.Sprintf("custom_prop_%03d", 10+i), B: fmt.Sprintf("custom_prop_%03d", 10+i)}
	}
	return fs
}

// removeAllocs counts the allocations of removing the first mapping row
// of rows.
func removeAllocs(t *testing.T, rows int) float64 {
	_, e := editorWithSchemas(t, hubspotLikeSchema(600), salesforceLikeSchema(600), numberedRows(rows))
	return testing.AllocsPerRun(1, func() {
		_, remove := rowParts(t, e, 0)
		test.Tap(remove)
	})
}

// TestRemoveMappingCostsOneRow: removing a mapping from 100 costs
// little more than removing one from 20: the other rows are moved up, not
// redrawn (redrawing a row costs thousands of allocations; moving one
// costs Fyne's size checks, about a hundred).
func TestRemoveMappingCostsOneRow(t *testing.T) {
	few, many := removeAllocs(t, 20), removeAllocs(t, 100)
	perRow := (many - few) / 80
	t.Logf("removing a mapping: %.0f allocs with 20 rows, %.0f with 100, %.0f per row", few, many, perRow)
	if perRow > 300 {
		t.Fatalf("each mapping row adds %.0f allocations to removing another: every row is redrawn", perRow)
	}
}

// TestRemoveKeepsRowsAndTheirButtons: after a middle row is
// removed the rows below keep their widgets, and their buttons act on
// their own mapping (not the one that used to be at their position);
// removing every row shows the empty-state line again.
func TestRemoveKeepsRowsAndTheirButtons(t *testing.T) {
	_, e := editorWithSchemas(t, hubspotLikeSchema(60), salesforceLikeSchema(60), numberedRows(5))
	fourth := e.rowsBox.Objects[4]
	_, remove := rowParts(t, e, 2)
	test.Tap(remove)
	if len(e.def.Fields) != 4 || e.def.Fields[2].A != "custom_prop_013" || e.rowsBox.Objects[3] != fourth {
		t.Fatalf("after removing row 3: fields %+v; the fourth row redrawn: %v", e.def.Fields, e.rowsBox.Objects[3] != fourth)
	}
	dir, _ := rowParts(t, e, 2)
	test.Tap(dir)
	if e.def.Fields[2].Direction != mapping.AtoB || e.def.Fields[3].Direction != mapping.Inherit {
		t.Fatalf("the direction button of the row now third set %+v", e.def.Fields)
	}
	_, remove = rowParts(t, e, 3)
	test.Tap(remove)
	if len(e.def.Fields) != 3 || e.def.Fields[2].A != "custom_prop_013" {
		t.Fatalf("removing the last row left %+v", e.def.Fields)
	}
	for range 3 {
		_, remove = rowParts(t, e, 0)
		test.Tap(remove)
	}
	if len(e.def.Fields) != 0 || !strings.Contains(textsIn(e.rowsBox), "No mappings yet") {
		t.Fatalf("after removing every row: fields %+v, texts %q", e.def.Fields, textsIn(e.rowsBox))
	}
}

// rowKeystrokeAllocs counts the allocations of typing into row 1's
// transform with rows mapping rows.
func rowKeystrokeAllocs(t *testing.T, rows int) float64 {
	_, e := editorWithSchemas(t, hubspotLikeSchema(600), salesforceLikeSchema(600), numberedRows(rows))
	tr := e.rowsBox.Objects[1].(*fyne.Container).Objects[0].(*fyne.Container).Objects[4].(*widget.SelectEntry)
	words := []string{"trim", "upper"}
	n := 0
	return testing.AllocsPerRun(4, func() { n++; tr.SetText(words[n%2]) })
}

// TestRowKeystrokeChecksThatRow: typing in one row's transform
// re-checks that row against the schemas, not all 100 (each compiled
// twice, once for its problems and once for its sample).
func TestRowKeystrokeChecksThatRow(t *testing.T) {
	few, many := rowKeystrokeAllocs(t, 10), rowKeystrokeAllocs(t, 100)
	perRow := (many - few) / 90
	t.Logf("a keystroke in a row: %.0f allocs with 10 rows, %.0f with 100, %.1f per row", few, many, perRow)
	if perRow > 5 {
		t.Fatalf("each mapping row adds %.1f allocations to a keystroke in another row: every row is re-checked", perRow)
	}
}

// problemOf is the problem shown under mapping row i, "" when none.
func problemOf(e *editor, i int) string {
	box := e.rowsBox.Objects[i+1].(*fyne.Container)
	if p := box.Objects[2].(*widget.Label); p.Visible() {
		return p.Text
	}
	return ""
}

// pickerOf is mapping row i's field picker of side (0 A, 1 B).
func pickerOf(e *editor, i, side int) *fieldPicker {
	row := e.rowsBox.Objects[i+1].(*fyne.Container).Objects[0].(*fyne.Container)
	return row.Objects[[]int{0, 3}[side]].(*fieldPicker)
}

// TestDuplicateTargetFollowsOtherRows: a row writing the field
// another row writes says so; the problem goes when the other row is
// changed or removed, though the row itself was not edited.
func TestDuplicateTargetFollowsOtherRows(t *testing.T) {
	rows := []mapping.Field{{A: "email", B: "Email", Direction: mapping.AtoB}, {A: "firstname", B: "LastName", Direction: mapping.AtoB}, {A: "phone", B: "Phone", Direction: mapping.AtoB, Transform: "e164"}}
	_, e := editorWithSchemas(t, hubspotLikeSchema(60), salesforceLikeSchema(60), rows)
	if p := problemOf(e, 1); p != "" {
		t.Fatalf("row 2 shows %q before any edit", p)
	}
	pickerOf(e, 1, 1).SetSelected("Email")
	if p := problemOf(e, 1); !strings.Contains(p, "already written by mapping 1") {
		t.Fatalf("row 2 writing Email as row 1 does shows %q", p)
	}
	pickerOf(e, 0, 1).SetSelected("LastName")
	if p := problemOf(e, 1); p != "" {
		t.Fatalf("row 1 moved to LastName, row 2 still shows %q", p)
	}
	if p := problemOf(e, 0); p != "" {
		t.Fatalf("row 1 now alone on LastName shows %q", p)
	}
	pickerOf(e, 2, 1).SetSelected("LastName") // row 3 now duplicates row 1
	if p := problemOf(e, 2); !strings.Contains(p, "already written by mapping 1") {
		t.Fatalf("row 3 writing LastName as row 1 does shows %q", p)
	}
	_, remove := rowParts(t, e, 0)
	test.Tap(remove)
	if p := problemOf(e, 1); p != "" {
		t.Fatalf("row 1 removed, the row writing LastName after it still shows %q", p)
	}
	pickerOf(e, 0, 1).SetSelected("LastName") // now the first row duplicates the second
	if p, q := problemOf(e, 0), problemOf(e, 1); p != "" || !strings.Contains(q, "already written by mapping 1") {
		t.Fatalf("the first of two rows writing LastName shows %q, the second %q; want the second to name mapping 1", p, q)
	}
}
