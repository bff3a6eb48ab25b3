package ui

import (
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/mapping"
)

// shownRow is one mapping row as on screen: its pickers' API names and
// the problem shown under it ("" when none).
type shownRow struct {
	a, b, problem string
}

// mappingRowsShown are the editor's mapping rows as laid out on screen,
// in order: each a box of the row's widgets, its sample and its problem.
func mappingRowsShown(w fyne.Window) []shownRow {
	var out []shownRow
	for _, o := range test.LaidOutObjects(w.Canvas().Content()) {
		box, ok := o.(*fyne.Container)
		if !ok || len(box.Objects) != 3 {
			continue
		}
		row, ok := box.Objects[0].(*fyne.Container)
		if !ok || len(row.Objects) != 7 {
			continue
		}
		a, okA := row.Objects[0].(*fieldPicker)
		b, okB := row.Objects[3].(*fieldPicker)
		prob, okP := box.Objects[2].(*widget.Label)
		if !okA || !okB || !okP {
			continue
		}
		r := shownRow{a: a.Selected, b: b.Selected}
		if prob.Visible() {
			r.problem = prob.Text
		}
		out = append(out, r)
	}
	return out
}

// saveWhileRemoving opens the demo contacts sync, hides Salesforce's
// Contact field hidden from the connected user (as an admin changing
// field-level security since the editor loaded), presses Save and, while
// the save checks both CRMs' live fields, removes mapping row remove. It
// returns the rows then on screen and the sync-level problems shown.
func saveWhileRemoving(t *testing.T, hidden string, remove int) (rows []shownRow, syncLevel string) {
	t.Helper()
	g := &gate{held: make(chan struct{}, 1)}
	l := newLiveGated(t, g)
	connectDemoContacts(t, l)
	l.ui(func() { l.u.openEditor("contacts") })
	l.wait()
	var removes []*widget.Button
	l.ui(func() { removes = rowRemoveButtons(l.u.Window()) })
	if err := l.srv.Salesforce().HideField("Contact", hidden); err != nil {
		t.Fatal(err)
	}

	g.close()
	l.u.uiMu.Lock()
	test.Tap(buttonOnScreen(l.u.Window(), "Save"))
	l.u.uiMu.Unlock()
	<-g.held
	l.u.uiMu.Lock()
	test.Tap(removes[remove])
	l.u.uiMu.Unlock()
	g.open()
	l.wait()

	l.ui(func() {
		rows = mappingRowsShown(l.u.Window())
		syncLevel = strings.Join(textsOnScreen(l.u.Window()), "\n")
	})
	return rows, syncLevel
}

// TestSaveProblemStaysWithItsRow: Save checks the sync against
// both CRMs' live fields in the background. Meanwhile the admin removes the
// first mapping. Salesforce's Title was taken from the connected user
// since the editor loaded, so the save refuses the jobtitle → Title
// mapping: its message must land under that row, not under the row that
// moved into its old position (city → MailingCity).
func TestSaveProblemStaysWithItsRow(t *testing.T) {
	rows, _ := saveWhileRemoving(t, "Title", 0) // email → Email goes while the save checks
	var found bool
	for _, r := range rows {
		switch {
		case r.b == "Title" || r.a == "jobtitle":
			found = true
			if !strings.Contains(r.problem, "Title") {
				t.Errorf("the jobtitle → Title row shows %q; want the save's problem with Title", r.problem)
			}
		case strings.Contains(r.problem, "Title"):
			t.Errorf("the %s → %s row shows the Title mapping's problem %q", r.a, r.b, r.problem)
		}
	}
	if !found {
		t.Fatalf("no jobtitle → Title row on screen: %+v", rows)
	}
}

// TestSaveProblemOfRemovedRow: the row the save refused (jobtitle
// → Title, Title hidden since) is removed while the save checks. Its
// problem is not put under the row that moved into its place; "Not saved"
// is explained with the sync's problems, naming the mapping.
func TestSaveProblemOfRemovedRow(t *testing.T) {
	rows, screen := saveWhileRemoving(t, "Title", 4) // the demo's fifth mapping is jobtitle → Title
	for _, r := range rows {
		if r.b == "Title" {
			t.Fatalf("the jobtitle → Title row is still on screen: %+v", rows)
		}
		if strings.Contains(r.problem, "Title") {
			t.Errorf("the %s → %s row shows the removed Title mapping's problem %q", r.a, r.b, r.problem)
		}
	}
	if !strings.Contains(screen, "removed mapping jobtitle → Title: field Title does not exist") {
		var said []string
		for _, line := range strings.Split(screen, "\n") {
			if strings.Contains(line, "Title") || strings.Contains(line, "saved") {
				said = append(said, line)
			}
		}
		t.Errorf("the removed mapping's problem is not explained; the screen says %q", said)
	}
}

// TestDeletedFieldShownByName: a mapping saved with Salesforce's
// Region__c, deleted from the org since, must still show Region__c in its
// picker (marked as gone), not "(choose)" as if it had never been set:
// among 100 rows the admin must see which mapping lost its field.
func TestDeletedFieldShownByName(t *testing.T) {
	sb := salesforceLikeSchema(600)
	sb.Fields = slices.DeleteFunc(sb.Fields, func(f connector.Field) bool { return f.Name == "Region__c" })
	rows := append(numberedRows(3), mapping.Field{A: "hs_lead_status", B: "Region__c"})
	_, e := editorWithSchemas(t, hubspotLikeSchema(600), sb, rows)
	row := e.rowsBox.Objects[4].(*fyne.Container)
	shown := textsIn(row.Objects[0])
	if !strings.Contains(shown, "Region__c") {
		t.Fatalf("the row mapping the deleted Region__c shows %q; want its old name", shown)
	}
	if strings.Contains(shown, "(choose)") {
		t.Fatalf("the row mapping the deleted Region__c shows %q, as an unset field", shown)
	}
	if p := problemOf(e, 3); !strings.Contains(p, "Region__c does not exist") {
		t.Fatalf("the row's problem is %q", p)
	}
	if e.def.Fields[3].B != "Region__c" || !e.save.Disabled() {
		t.Fatalf("the mapping became %+v, Save enabled %v", e.def.Fields[3], !e.save.Disabled())
	}
}

// TestRowsLoadingNotMissing: while a side's fields load, rows show
// their saved fields by name, not marked missing.
func TestRowsLoadingNotMissing(t *testing.T) {
	_, e := editorWithSchemas(t, hubspotLikeSchema(60), nil, []mapping.Field{{A: "email", B: "Email"}})
	shown := textsIn(e.rowsBox.Objects[1].(*fyne.Container).Objects[0])
	if !strings.Contains(shown, "Email") || strings.Contains(shown, "missing") {
		t.Fatalf("a row whose side B is loading shows %q; want Email, not marked missing", shown)
	}
}

// TestFieldPickerArrowKeys: in a 600-field portal "phone" matches
// several fields; a keyboard user moves through the matches with the
// arrow keys and Enter takes the one reached, not always the first.
func TestFieldPickerArrowKeys(t *testing.T) {
	u, e := editorWithSchemas(t, hubspotLikeSchema(600), salesforceLikeSchema(600), []mapping.Field{{}})
	c := u.Window().Canvas()
	picker := tappableShowing(u.Window(), "(choose)", false).(fyne.Focusable)
	c.Focus(picker)
	test.Type(picker, " ")
	search := c.Focused()
	test.Type(search, "phone")
	for _, k := range []fyne.KeyName{fyne.KeyDown, fyne.KeyDown, fyne.KeyUp} {
		search.TypedKey(&fyne.KeyEvent{Name: k})
	}
	var bold []string
	for _, o := range c.Overlays().List() {
		for _, x := range test.LaidOutObjects(o) {
			if l, ok := x.(*widget.Label); ok && l.Visible() && l.TextStyle.Bold {
				bold = append(bold, l.Text)
			}
		}
	}
	if len(bold) != 1 || !strings.Contains(bold[0], "mobilephone") {
		t.Errorf("after Down, Down, Up the list highlights %q; want the second match, mobilephone", bold)
	}
	search.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if got := e.def.Fields[0].A; got != "mobilephone" {
		t.Fatalf("Down, Down, Up, Enter over the matches of \"phone\" (phone, mobilephone, hs_whatsapp_phone_number) mapped %q; want mobilephone", got)
	}
}
