package ui

import (
	"fmt"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"

	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/mapping"
)

// portalSchema is a schema the size of a real portal's: a few well-known
// fields (two of them sharing a label, as HubSpot's and Salesforce's
// custom fields do) and n numbered custom fields.
func portalSchema(n int, known ...connector.Field) *connector.Schema {
	s := &connector.Schema{Fields: known}
	types := []connector.FieldType{connector.TypeString, connector.TypeNumber, connector.TypeDate, connector.TypeBool, connector.TypeText}
	for i := len(known); i < n; i++ {
		s.Fields = append(s.Fields, connector.Field{Name: fmt.Sprintf("custom_prop_%03d", i), Label: fmt.Sprintf("Custom property %d", i), Type: types[i%len(types)]})
	}
	return s
}

func hubspotLikeSchema(n int) *connector.Schema {
	return portalSchema(n,
		connector.Field{Name: "email", Label: "Email", Type: connector.TypeEmail, Unique: true},
		connector.Field{Name: "firstname", Label: "First Name", Type: connector.TypeString},
		connector.Field{Name: "phone", Label: "Phone Number", Type: connector.TypePhone},
		connector.Field{Name: "mobilephone", Label: "Mobile Phone Number", Type: connector.TypePhone},
		connector.Field{Name: "hs_whatsapp_phone_number", Label: "WhatsApp Phone Number", Type: connector.TypePhone},
		connector.Field{Name: "hs_lead_status", Label: "Lead Status", Type: connector.TypeString},
		connector.Field{Name: "lead_status", Label: "Lead Status", Type: connector.TypeString},
	)
}

func salesforceLikeSchema(n int) *connector.Schema {
	return portalSchema(n,
		connector.Field{Name: "Email", Label: "Email", Type: connector.TypeEmail},
		connector.Field{Name: "LastName", Label: "Last Name", Type: connector.TypeString, Required: true},
		connector.Field{Name: "Phone", Label: "Business Phone", Type: connector.TypePhone},
		connector.Field{Name: "MobilePhone", Label: "Mobile Phone", Type: connector.TypePhone},
		connector.Field{Name: "Region__c", Label: "Region", Type: connector.TypeString},
		connector.Field{Name: "Region_EMEA__c", Label: "Region", Type: connector.TypeString},
	)
}

// editorWithSchemas opens an editor on two given schemas with the given
// mapping rows.
func editorWithSchemas(t *testing.T, sa, sb *connector.Schema, rows []mapping.Field) (*UI, *editor) {
	t.Helper()
	u := newTestUI(t, Deps{})
	u.Window().Resize(fyne.NewSize(1400, 900))
	e := &editor{u: u, def: engine.Definition{Name: "t", A: engine.SideDef{Connection: "a", Object: "contacts"}, B: engine.SideDef{Connection: "b", Object: "Contact"},
		Direction: mapping.TwoWay, Unmatched: engine.UnmatchedSkip, Conflict: engine.ConflictNewer,
		Match:  []engine.MatchRule{{A: "email", B: "Email", Normalize: "email"}},
		Fields: rows}}
	u.openPane(e.build())
	e.schema[0], e.schema[1] = sa, sb
	e.rebuildRows()
	e.rebuildMatch()
	e.rebuildFilters()
	return u, e
}

// textsIn are the visible texts under o, joined.
func textsIn(o fyne.CanvasObject) string {
	var out []string
	visibleObjects(o, func(x fyne.CanvasObject) {
		if t, ok := x.(*canvas.Text); ok && strings.TrimSpace(t.Text) != "" {
			out = append(out, t.Text)
		}
	})
	return strings.Join(out, " ")
}

// tappableShowing is the first tappable widget on screen (window, then
// pop-ups, outermost first) whose visible texts contain text, or nil.
func tappableShowing(w fyne.Window, text string, deepest bool) fyne.Tappable {
	var found fyne.Tappable
	c := w.Canvas()
	for _, root := range append([]fyne.CanvasObject{c.Content()}, c.Overlays().List()...) {
		visibleObjects(root, func(o fyne.CanvasObject) {
			if tp, ok := o.(fyne.Tappable); ok && (found == nil || deepest) && strings.Contains(textsIn(o), text) {
				found = tp
			}
		})
	}
	return found
}

// openPickerShowing taps the first field picker showing text and types
// query into the search box it must focus.
func openPickerShowing(t *testing.T, u *UI, text, query string) {
	t.Helper()
	picker := tappableShowing(u.Window(), text, false)
	if picker == nil {
		t.Fatalf("no picker showing %q; texts %q", text, textsOnScreen(u.Window()))
	}
	test.Tap(picker)
	// A text box of any kind: the focused object has a placeholder to set.
	search, ok := u.Window().Canvas().Focused().(interface {
		fyne.Focusable
		SetPlaceHolder(string)
	})
	if !ok {
		t.Fatalf("opening the field picker gives no search box to type in (focused: %T); a %d-field list must be scrolled by hand", u.Window().Canvas().Focused(), 600)
	}
	test.Type(search, query)
}

// overlayTexts are the texts of the pop-ups on screen.
func overlayTexts(u *UI) []string {
	var out []string
	for _, o := range u.Window().Canvas().Overlays().List() {
		visibleObjects(o, func(x fyne.CanvasObject) {
			if t, ok := x.(*canvas.Text); ok && strings.TrimSpace(t.Text) != "" {
				out = append(out, t.Text)
			}
		})
	}
	return out
}

// TestFieldPickerSearchesByTyping: with a 600-field portal, typing
// "phone" in a mapping's field picker offers only the phone fields, by
// label and API name, and picking one maps the field's API name.
func TestFieldPickerSearchesByTyping(t *testing.T) {
	u, e := editorWithSchemas(t, hubspotLikeSchema(600), salesforceLikeSchema(600), []mapping.Field{{}})
	openPickerShowing(t, u, "(choose)", "phone")
	shown := overlayTexts(u)
	for _, want := range []string{"Mobile Phone Number", "mobilephone", "WhatsApp Phone Number", "phone"} {
		if !strings.Contains(strings.Join(shown, "\n"), want) {
			t.Fatalf("%q not offered for \"phone\"; offered %q", want, shown)
		}
	}
	for _, s := range shown {
		if strings.Contains(s, "custom_prop_") || strings.Contains(s, "firstname") {
			t.Fatalf("a field not matching \"phone\" is offered: %q (all %q)", s, shown)
		}
	}
	item := tappableShowing(u.Window(), "mobilephone", true)
	if item == nil {
		t.Fatalf("no offered item to tap for mobilephone; offered %q", shown)
	}
	test.Tap(item)
	if got := e.def.Fields[0].A; got != "mobilephone" {
		t.Fatalf("row 1 side A = %q after picking Mobile Phone Number, want the API name mobilephone", got)
	}
	if len(u.Window().Canvas().Overlays().List()) != 0 {
		t.Fatal("the picker stays open after a pick")
	}
	if !screenContains(u.Window(), "Mobile Phone Number") {
		t.Fatalf("the row does not show the picked field; texts %q", textsOnScreen(u.Window()))
	}
	// The filter pickers search the same way.
	test.Tap(buttonOnScreen(u.Window(), "Add filter on "+e.def.B.Name()))
	openPickerShowing(t, u, "(choose)", "region")
	if got := strings.Join(overlayTexts(u), "\n"); !strings.Contains(got, "Region_EMEA__c") || strings.Contains(got, "MobilePhone") {
		t.Fatalf("the filter picker offers for \"region\": %q", got)
	}
}

// TestSameLabelsToldApart: two fields labelled "Lead Status"
// (HubSpot's own and a custom one) are both offered with their API names,
// and picking the second maps lead_status, not hs_lead_status.
func TestSameLabelsToldApart(t *testing.T) {
	u, e := editorWithSchemas(t, hubspotLikeSchema(600), salesforceLikeSchema(600), []mapping.Field{{}})
	openPickerShowing(t, u, "(choose)", "lead status")
	var items []string
	for _, s := range overlayTexts(u) {
		if strings.Contains(s, "Lead Status") {
			items = append(items, s)
		}
	}
	if len(items) != 2 || items[0] == items[1] || !strings.Contains(strings.Join(items, " "), "hs_lead_status") {
		t.Fatalf("two fields labelled Lead Status offered as %q: they cannot be told apart", items)
	}
	var custom string
	for _, s := range items {
		if !strings.Contains(s, "hs_lead_status") {
			custom = s
		}
	}
	test.Tap(tappableShowing(u.Window(), custom, true))
	if got := e.def.Fields[0].A; got != "lead_status" {
		t.Fatalf("picked %q, mapped %q; want lead_status", custom, got)
	}
}

// TestFieldPickerByKeyboard: a keyboard user focuses a picker, opens
// it with space, types and takes the first match with Enter; Escape closes
// a search without changing the pick. Coverage of the keyboard path (the
// defect itself is TestFieldPickerSearchesByTyping's).
func TestFieldPickerByKeyboard(t *testing.T) {
	u, e := editorWithSchemas(t, hubspotLikeSchema(600), salesforceLikeSchema(600), []mapping.Field{{}})
	c := u.Window().Canvas()
	picker, ok := tappableShowing(u.Window(), "(choose)", false).(fyne.Focusable)
	if !ok {
		t.Fatal("the field picker cannot take the keyboard")
	}
	c.Focus(picker)
	test.Type(picker, " ")
	search := c.Focused()
	if search == nil || search == picker {
		t.Fatalf("space on the picker opens no search (focused %T)", c.Focused())
	}
	test.Type(search, "mobile phone")
	search.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if got := e.def.Fields[0].A; got != "mobilephone" || c.Focused() != picker {
		t.Fatalf("Enter after \"mobile phone\" mapped %q (focus %T); want mobilephone, the picker focused again", got, c.Focused())
	}
	picker.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDown})
	test.Type(c.Focused(), "first")
	c.Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if got := e.def.Fields[0].A; got != "mobilephone" || len(c.Overlays().List()) != 0 {
		t.Fatalf("Escape left %q mapped and %d pop-ups open; want mobilephone and none", got, len(c.Overlays().List()))
	}
}

// rowsAllocs counts the allocations of drawing rows mapping rows over two
// portal-sized schemas.
func rowsAllocs(t *testing.T, rows, fields int) float64 {
	fs := make([]mapping.Field, rows)
	for i := range fs {
		fs[i] = mapping.Field{A: fmt.Sprintf("custom_prop_%03d", 10+i), B: fmt.Sprintf("custom_prop_%03d", 10+i)}
	}
	_, e := editorWithSchemas(t, hubspotLikeSchema(fields), salesforceLikeSchema(fields), fs)
	return testing.AllocsPerRun(1, e.rebuildRows)
}

// TestEditorCostScalesWithRows: drawing mapping rows costs what they
// show: over a 600-field schema about what it does over a 60-field one
// (no row copies its pickers' options), and twice the rows about twice
// the cost (rows are not laid out again as each one is added).
func TestEditorCostScalesWithRows(t *testing.T) {
	narrow, half, full := rowsAllocs(t, 50, 60), rowsAllocs(t, 25, 600), rowsAllocs(t, 50, 600)
	t.Logf("50 rows: %.0f allocs over 60 fields, %.0f over 600; 25 rows over 600: %.0f", narrow, full, half)
	if full > narrow*1.2 {
		t.Errorf("50 rows over 600 fields allocate %.0f times, %.1f× what they do over 60 fields: each row copies its pickers' options", full, full/narrow)
	}
	if full > half*2.4 {
		t.Errorf("50 rows allocate %.0f times, %.1f× what 25 rows do: the cost grows faster than the rows", full, full/half)
	}
}

// keystrokeAllocs counts the allocations of typing one letter in the
// sync's name with rows mapping rows.
func keystrokeAllocs(t *testing.T, rows int) float64 {
	fs := make([]mapping.Field, rows)
	for i := range fs {
		fs[i] = mapping.Field{A: fmt.Sprintf("custom_prop_%03d", 10+i), B: fmt.Sprintf("custom_prop_%03d", 10+i)}
	}
	_, e := editorWithSchemas(t, hubspotLikeSchema(600), salesforceLikeSchema(600), fs)
	return testing.AllocsPerRun(3, func() { e.name.SetText(e.name.Text + "x") })
}

// TestKeystrokeCostWithManyRows: every keystroke re-validates the
// sync; with 100 rows it must not redraw the rows whose sample and problem
// did not change (re-shaping their text), so each row adds little to it.
func TestKeystrokeCostWithManyRows(t *testing.T) {
	few, many := keystrokeAllocs(t, 10), keystrokeAllocs(t, 100)
	perRow := (many - few) / 90
	t.Logf("a keystroke: %.0f allocs with 10 rows, %.0f with 100, %.0f per row", few, many, perRow)
	if perRow > 100 {
		t.Fatalf("each mapping row adds %.0f allocations to every keystroke: unchanged rows are redrawn", perRow)
	}
}

// TestAddMappingKeepsRows: adding a mapping to 100 adds one row; the
// rows already drawn (and what a person typed into them) stay as they are.
func TestAddMappingKeepsRows(t *testing.T) {
	fs := make([]mapping.Field, 100)
	for i := range fs {
		fs[i] = mapping.Field{A: fmt.Sprintf("custom_prop_%03d", 10+i), B: fmt.Sprintf("custom_prop_%03d", 10+i)}
	}
	u, e := editorWithSchemas(t, hubspotLikeSchema(600), salesforceLikeSchema(600), fs)
	first := e.rowsBox.Objects[1]
	test.Tap(buttonOnScreen(u.Window(), "Add mapping"))
	if len(e.def.Fields) != 101 || len(e.rowsBox.Objects) != 102 {
		t.Fatalf("after Add mapping: %d rows defined, %d drawn (with the heading)", len(e.def.Fields), len(e.rowsBox.Objects))
	}
	if e.rowsBox.Objects[1] != first {
		t.Fatal("Add mapping redrew all 100 rows to add one")
	}
}

// distinctSchema is an n-field portal whose fields share no name or label
// with another portal's (prefix tells them apart), as most of a real
// HubSpot portal's and Salesforce org's do.
func distinctSchema(prefix string, n int) *connector.Schema {
	s := &connector.Schema{}
	for i := range n {
		s.Fields = append(s.Fields, connector.Field{Name: fmt.Sprintf("%s_Field_%03d", prefix, i), Label: fmt.Sprintf("%s field %d", prefix, i), Type: connector.TypeString})
	}
	return s
}

// TestSuggestionsScaleWithFields: Suggest mappings (also run when
// both sides load) runs on the UI goroutine and compares every field of B
// with every field of A; over two 600-field portals it must cost about
// ten times what it does over two 60-field ones, not a hundred: a
// comparison must not allocate.
func TestSuggestionsScaleWithFields(t *testing.T) {
	allocs := func(n int) float64 {
		a, b := distinctSchema("hs", n), distinctSchema("sf", n)
		return testing.AllocsPerRun(1, func() { suggest(a, b, nil, "UTC") })
	}
	small, big := allocs(60), allocs(600)
	t.Logf("suggest: %.0f allocs over 60 fields a side, %.0f over 600", small, big)
	if big > small*15 {
		t.Fatalf("suggesting over 600 fields a side allocates %.0f times, %.0f× what 60 fields do: the cost grows with the square of the fields", big, big/small)
	}
}
