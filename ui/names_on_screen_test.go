package ui

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/store"
	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/mapping"
)

// fieldLabelOf is the label the CRM's schema gives field of object
// over connection conn, failing the test where it gives none.
func fieldLabelOf(t *testing.T, l *live, conn, object, field string) string {
	t.Helper()
	sch, err := l.a.Schema(context.Background(), conn, object)
	if err != nil {
		t.Fatal(err)
	}
	f, ok := sch.Field(field)
	if !ok || strings.TrimSpace(f.Label) == "" {
		t.Fatalf("%s %s labels %s %q; want a label", conn, object, field, f.Label)
	}
	return f.Label
}

// setValueTarget is a field a "Set the value" dialog may be about: the
// mapping row's key, the B field's API name and its label.
type setValueTarget struct{ rowKey, api, label string }

// setDialogSays checks the "Set the value" dialog on show: it names
// the field of one of targets by its label and the CRM the value is
// written as, and shows neither a mapping row's key, an API name with a
// label, nor "B's form".
func setDialogSays(t *testing.T, l *live, crm string, targets ...setValueTarget) {
	t.Helper()
	var texts []string
	var overlays int
	l.ui(func() {
		list := l.u.Window().Canvas().Overlays().List()
		overlays = len(list)
		for _, o := range list {
			visibleObjects(o, func(o fyne.CanvasObject) {
				if x, ok := o.(*canvas.Text); ok && strings.TrimSpace(x.Text) != "" {
					texts = append(texts, x.Text)
				}
			})
		}
	})
	if overlays != 1 {
		t.Fatalf("%d dialogs on screen after E; want the one to set the value. Texts: %.600q", overlays, texts)
	}
	var shown *setValueTarget
	for i, tg := range targets {
		if slices.Contains(texts, "Set the value of "+tg.label+" in "+crm) {
			shown = &targets[i]
		}
	}
	if shown == nil {
		t.Fatalf("the dialog's title names none of %+v in %s; texts: %q", targets, crm, texts)
	}
	all := strings.Join(texts, " ")
	for _, tg := range targets {
		if strings.Contains(all, tg.rowKey) {
			t.Errorf("the dialog shows the row key %q; texts: %q", tg.rowKey, texts)
		}
	}
	if strings.Contains(all, "B's form") {
		t.Errorf("the dialog says \"B's form\"; texts: %q", texts)
	}
	// The form's item is the field's label, not its API name.
	if shown.api != shown.label && slices.Contains(texts, shown.api) || !slices.Contains(texts, shown.label) {
		t.Errorf("the form item is not the field's label %q (API name %q); texts: %q", shown.label, shown.api, texts)
	}
}

// TestReviewSetValueNamesMultiSelect: E on a buying role Salesforce
// refused opened "Set the value of hs_buying_role>Buying_Role__c" over a
// list headed "Buying_Role__c". It names Salesforce's label and the CRM.
func TestReviewSetValueNamesMultiSelect(t *testing.T) {
	l := newLive(t)
	connectHubSpotAndSalesforce(t, l)
	buyingRoleRejectedInReview(t, l)
	label := fieldLabelOf(t, l, demoSalesforce, "Contact", "Buying_Role__c")
	_, nameB := sideNamesOf(t, l, "roles")
	l.tap("Edit value (E)")
	setDialogSays(t, l, nameB, setValueTarget{"hs_buying_role>Buying_Role__c", "Buying_Role__c", label})
}

// TestReviewSetValueNamesTextField: E on a first-name conflict
// opened "Set the value of firstname>FirstName" with a box labelled
// "Value (B's form)". It names Salesforce's label and the CRM.
func TestReviewSetValueNamesTextField(t *testing.T) {
	l, def, _ := firstNameConflict(t)
	// The demo's data holds other conflicts too: the one selected first
	// may be any of them.
	items, err := l.a.Reviews(context.Background(), def.Name, "conflict", "open")
	if err != nil || len(items) == 0 {
		t.Fatalf("open conflicts: %d, %v; want the first name's", len(items), err)
	}
	var targets []setValueTarget
	for _, it := range items {
		_, b, _ := strings.Cut(it.Field, ">")
		targets = append(targets, setValueTarget{it.Field, b, fieldLabelOf(t, l, demoSalesforce, "Contact", b)})
	}
	_, nameB := sideNamesOf(t, l, "contacts")
	l.navigate(ScreenReview)
	l.choose("conflict")
	l.see("Augusta")
	l.tap("Edit value (E)")
	setDialogSays(t, l, nameB, targets...)
}

// TestEditorFilterRowsNameCRM: a filter's row began "A where" or
// "B where", the one place of the Filters card that still made the person
// work out which CRM is A. Each side's rows are headed by its CRM, and
// only a side with filters has a heading.
func TestEditorFilterRowsNameCRM(t *testing.T) {
	l := newLiveWith(t, 5, smallLaptop, nil)
	l.connectSandbox()
	l.closeDialogs()
	if err := l.a.SaveSync(t.Context(), app.DemoSync("contacts", demoHubSpot, demoSalesforce)); err != nil {
		t.Fatal(err)
	}
	a, b := sideNamesOf(t, l, "contacts")
	l.navigate(ScreenSyncs)
	l.ui(func() { l.u.openEditor("contacts") })
	l.see("fields loaded")
	check := func(step string, want, absent []string) {
		t.Helper()
		var texts []string
		l.ui(func() { texts = textsOnScreen(l.u.Window()) })
		all := strings.Join(texts, " ") // a wrapped line is several texts
		for _, bad := range []string{"A where", "B where"} {
			if slices.Contains(texts, bad) {
				t.Errorf("%s: a filter row says %q; texts: %.800q", step, bad, texts)
			}
		}
		for _, w := range want {
			if !strings.Contains(all, w) {
				t.Errorf("%s: %q not on screen; texts: %.800q", step, w, texts)
			}
		}
		for _, w := range absent {
			if strings.Contains(all, w) {
				t.Errorf("%s: %q on screen, for a side with no filter; texts: %.800q", step, w, texts)
			}
		}
	}
	l.tap("Add filter on " + b)
	check("a filter on "+b, []string{"Only " + b + " where"}, []string{"Only " + a + " where"})
	l.tap("Add filter on " + a)
	check("a filter on each side", []string{"Only " + a + " where", "Only " + b + " where"}, nil)
}

// TestReviewFieldLineNamesLabels: a conflict's Field line read
// "Field city>MailingCity — …", the mapping row's key. It names the field
// by the labels the two CRMs give it.
func TestReviewFieldLineNamesLabels(t *testing.T) {
	l, def, lk := firstNameConflict(t)
	items, err := l.a.Reviews(context.Background(), def.Name, "conflict", "open")
	if err != nil || len(items) == 0 {
		t.Fatalf("open conflicts: %d, %v; want the first name's", len(items), err)
	}
	// Each conflict's row key and the words its line must hold instead.
	words := map[string][2]string{}
	for _, it := range items {
		a, b, _ := strings.Cut(it.Field, ">")
		words[it.Field] = [2]string{fieldLabelOf(t, l, demoHubSpot, "contacts", a), fieldLabelOf(t, l, demoSalesforce, "Contact", b)}
	}
	calls := func() (n int64) {
		for _, m := range []map[string]int64{l.srv.HubSpot().Stats(), l.srv.Salesforce().Stats()} {
			for _, v := range m {
				n += v
			}
		}
		return n
	}
	before := calls()
	l.navigate(ScreenReview)
	l.choose("conflict")
	l.see("Augusta")
	// The labels come from the metadata cache the runs filled.
	if after := calls(); after != before {
		t.Errorf("showing the item spent %d calls to the CRMs; want none", after-before)
	}
	var texts []string
	l.ui(func() { texts = textsOnScreen(l.u.Window()) })
	var line string
	for _, s := range texts {
		if strings.HasPrefix(s, "Field ") {
			line = s
		}
	}
	if line == "" {
		t.Fatalf("no Field line on screen; texts: %.800q", texts)
	}
	var named bool
	for key, w := range words {
		if strings.Contains(line, key) {
			t.Errorf("the Field line shows the row key %q: %q", key, line)
		}
		named = named || strings.Contains(line, w[0]) && strings.Contains(line, w[1])
	}
	if !named {
		t.Errorf("the Field line names no conflict's field by its labels %v: %q", words, line)
	}
	// The list names each item's field the same way.
	for key := range words {
		for _, s := range texts {
			if strings.Contains(s, " "+key) {
				t.Errorf("Review's list shows the row key %q: %q", key, s)
			}
		}
	}
	if want := lk.AID + " " + words["firstname>FirstName"][0]; !slices.Contains(texts, want) {
		t.Errorf("Review's list has no line %q for the first name's conflict; texts: %.800q", want, texts)
	}
}

// TestEditorRequiredNamesCRM: a sync that creates Salesforce
// contacts without mapping their last name said "Side B requires LastName
// on create". It names the CRM and the field's label.
func TestEditorRequiredNamesCRM(t *testing.T) {
	l := newLiveWith(t, 5, smallLaptop, nil)
	l.connectSandbox()
	l.closeDialogs()
	def := app.DemoSync("contacts", demoHubSpot, demoSalesforce)
	if err := l.a.SaveSync(t.Context(), def); err != nil {
		t.Fatal(err)
	}
	row := slices.IndexFunc(def.Fields, func(f mapping.Field) bool { return f.B == "LastName" })
	if row < 0 {
		t.Fatal("the demo contacts sync maps no LastName")
	}
	_, b := sideNamesOf(t, l, "contacts")
	label := fieldLabelOf(t, l, demoSalesforce, "Contact", "LastName")
	l.navigate(ScreenSyncs)
	l.ui(func() { l.u.openEditor("contacts") })
	l.see("fields loaded")
	// The person removes the last name's row; contacts are still created
	// in Salesforce.
	l.ui(func() {
		removes := rowRemoveButtons(l.u.Window()) // the mapping rows' first
		if row >= len(removes) {
			t.Fatalf("%d delete buttons for %d mappings", len(removes), len(def.Fields))
		}
		test.Tap(removes[row])
	})
	var texts []string
	l.ui(func() { texts = textsOnScreen(l.u.Window()) })
	all := strings.Join(texts, " ") // a wrapped line is several texts
	if strings.Contains(all, "Side B requires") {
		t.Errorf("the editor says \"Side B requires\"; texts: %.1200q", texts)
	}
	if want := b + " requires " + label; !strings.Contains(all, want) {
		t.Errorf("%q not on screen; texts: %.1200q", want, texts)
	}
}

// TestValueMapNamesCRMs: the value map of a picklist row headed its
// columns "A lifecyclestage value" and "B Customer_Stage__c value" and
// said "B allows: …", "written back to A as". It names the fields by their
// labels and the sides by their CRMs. (The schemas are written here, as
// in TestValueMapDialogFillsMapAndValidates: the dialog reads nothing but
// them; the custom field is [unverified] against a real org.)
func TestValueMapNamesCRMs(t *testing.T) {
	u := newTestUI(t, Deps{})
	la := enumField("lifecyclestage", "lead", "customer", "evangelist")
	la.Label = "Lifecycle Stage"
	lb := enumField("Customer_Stage__c", "Lead", "Customer", "Other")
	lb.Label = "Customer Stage"
	sa := connector.Schema{Fields: []connector.Field{{Name: "email", Type: connector.TypeEmail}, la}}
	sb := connector.Schema{Fields: []connector.Field{{Name: "Email", Type: connector.TypeEmail}, lb}}
	e := &editor{u: u, def: engine.Definition{Name: "t",
		A:         engine.SideDef{Connection: demoHubSpot, Object: "contacts"},
		B:         engine.SideDef{Connection: demoSalesforce, Object: "Contact"},
		Direction: mapping.TwoWay, Unmatched: engine.UnmatchedSkip, Conflict: engine.ConflictNewer,
		Match:  []engine.MatchRule{{A: "email", B: "Email", Normalize: "email"}},
		Fields: []mapping.Field{{A: "lifecyclestage", B: "Customer_Stage__c"}}}}
	u.openPane(e.build())
	e.schema[0], e.schema[1] = &sa, &sb
	e.rebuildRows()
	e.showValueMap(0)
	var texts []string
	for _, o := range u.Window().Canvas().Overlays().List() {
		visibleObjects(o, func(o fyne.CanvasObject) {
			if x, ok := o.(*canvas.Text); ok && strings.TrimSpace(x.Text) != "" {
				texts = append(texts, x.Text)
			}
		})
	}
	if len(texts) == 0 {
		t.Fatal("no value map dialog on screen")
	}
	all := strings.Join(texts, " ") // a wrapped line is several texts
	for _, bad := range []string{"A lifecyclestage", "B Customer_Stage__c", "B allows", "to A as", "B's", "Side A's", "A values", "a B value"} {
		if strings.Contains(all, bad) {
			t.Errorf("the value map says %q; texts: %q", bad, texts)
		}
	}
	for _, want := range []string{"Lifecycle Stage", "Customer Stage", demoHubSpot + " contacts", demoSalesforce + " Contact allows: Lead, Customer, Other"} {
		if !strings.Contains(all, want) {
			t.Errorf("the value map does not say %q; texts: %q", want, texts)
		}
	}
}

// TestSampleNamesEmptyCRM: a row whose sample has no record to read
// said "Sample: no record on side B to show". It names the CRM.
func TestSampleNamesEmptyCRM(t *testing.T) {
	u := newTestUI(t, Deps{})
	sa := connector.Schema{Fields: []connector.Field{{Name: "email", Type: connector.TypeEmail}, {Name: "city", Type: connector.TypeString}}}
	sb := connector.Schema{Fields: []connector.Field{{Name: "Email", Type: connector.TypeEmail}, {Name: "MailingCity", Type: connector.TypeString}}}
	def := engine.Definition{Name: "t",
		A:         engine.SideDef{Connection: demoHubSpot, Object: "contacts"},
		B:         engine.SideDef{Connection: demoSalesforce, Object: "Contact"},
		Direction: mapping.TwoWay, Unmatched: engine.UnmatchedSkip, Conflict: engine.ConflictNewer,
		Match:  []engine.MatchRule{{A: "email", B: "Email", Normalize: "email"}},
		Fields: []mapping.Field{{A: "city", B: "MailingCity", Direction: mapping.BtoA}, {A: "email", B: "Email", Direction: mapping.AtoB}}}
	e := &editor{u: u, def: def}
	u.openPane(e.build())
	e.schema[0], e.schema[1] = &sa, &sb // neither CRM sent a sample record
	e.rebuildRows()
	texts := textsOnScreen(u.Window())
	all := strings.Join(texts, " ")
	for _, bad := range []string{"side A", "side B"} {
		if strings.Contains(all, bad) {
			t.Errorf("the editor says %q; texts: %q", bad, texts)
		}
	}
	for _, want := range []string{"no record in " + def.A.Name() + " to show", "no record in " + def.B.Name() + " to show"} {
		if !strings.Contains(all, want) {
			t.Errorf("%q not on screen; texts: %q", want, texts)
		}
	}
}

// firstNameConflict is a linked demo contact whose first name both CRMs
// changed, run under the review policy: the conflict waits in Review.
func firstNameConflict(t *testing.T) (*live, engine.Definition, store.LinkRow) {
	t.Helper()
	l := newLive(t)
	connectHubSpotAndSalesforce(t, l)
	def := app.DemoSync("contacts", demoHubSpot, demoSalesforce)
	def.Conflict = engine.ConflictReview
	lk := savedAndLinked(t, l, def)
	time.Sleep(5 * time.Millisecond) // a modified time after the link's
	if _, err := l.srv.HubSpot().Update("contacts", lk.AID, map[string]string{"firstname": "Augusta"}); err != nil {
		t.Fatal(err)
	}
	if _, err := l.srv.Salesforce().Update("Contact", lk.BID, map[string]string{"FirstName": "Ada"}); err != nil {
		t.Fatal(err)
	}
	if _, err := l.a.Run(context.Background(), def.Name, app.RunOptions{Confirm: true}); err != nil {
		t.Fatal(err)
	}
	return l, def, lk
}
