package ui

import (
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/mapping"
)

func enumField(name string, values ...string) connector.Field {
	f := connector.Field{Name: name, Type: connector.TypeEnum}
	for _, v := range values {
		f.Options = append(f.Options, connector.Option{Value: v, Label: v})
	}
	return f
}

// The value-map table lists A's values with B's allowed values, guesses
// equal ones, and saving it sets the map transform on the row.
func TestValueMapDialogFillsMapAndValidates(t *testing.T) {
	u := newTestUI(t, Deps{})
	sa := connector.Schema{Fields: []connector.Field{{Name: "email", Type: connector.TypeEmail}, enumField("stage", "lead", "customer", "evangelist")}}
	sb := connector.Schema{Fields: []connector.Field{{Name: "Email", Type: connector.TypeEmail}, enumField("Stage", "Lead", "Customer", "Other")}}
	e := &editor{u: u, def: engine.Definition{Name: "t", A: engine.SideDef{Connection: "a", Object: "x"}, B: engine.SideDef{Connection: "b", Object: "y"},
		Direction: mapping.AtoB, Unmatched: engine.UnmatchedSkip, Conflict: engine.ConflictNewer,
		Match:  []engine.MatchRule{{A: "email", B: "Email", Normalize: "email"}},
		Fields: []mapping.Field{{A: "stage", B: "Stage"}}}}
	u.openPane(e.build())
	e.schema[0], e.schema[1] = &sa, &sb
	e.rebuildRows()
	if !screenContains(u.Window(), "not allowed in Stage") {
		t.Fatalf("the row should name the picklist problem; texts %q", textsOnScreen(u.Window()))
	}
	if !e.save.Disabled() {
		t.Fatal("Save enabled with an invalid picklist row")
	}
	e.showValueMap(0)
	for _, want := range []string{"evangelist", "b y allows: Lead, Customer, Other", "Customer"} {
		if !screenContains(u.Window(), want) {
			t.Fatalf("%q not in the value map; texts %q", want, textsOnScreen(u.Window()))
		}
	}
	// Map the value with no equal option by hand, then use the map.
	for _, se := range allOf[*widget.SelectEntry](u.Window()) {
		if se.Text == "(no mapping)" {
			se.SetText("Other")
		}
	}
	test.Tap(buttonOnScreen(u.Window(), "Use this map"))
	f := e.def.Fields[0]
	if f.Transform != "map" || f.ValueMap["lead"] != "Lead" || f.ValueMap["customer"] != "Customer" || f.ValueMap["evangelist"] != "Other" {
		t.Fatalf("row after the value map: %+v", f)
	}
	if e.save.Disabled() {
		t.Fatalf("Save still disabled after fixing the row: %s", e.saveNote.Text)
	}
}

func TestSuggestByNameLabelAndMeaning(t *testing.T) {
	a := &connector.Schema{Fields: []connector.Field{{Name: "email", Type: connector.TypeEmail}, {Name: "jobtitle", Type: connector.TypeString},
		{Name: "hs_object_id", Type: connector.TypeID}, {Name: "crmsync_key", Type: connector.TypeString}, {Name: "age", Type: connector.TypeNumber}}}
	b := &connector.Schema{Fields: []connector.Field{{Name: "Email", Type: connector.TypeEmail}, {Name: "Title", Type: connector.TypeString},
		{Name: "Id", Type: connector.TypeID}, {Name: "Crmsync_Key__c", Type: connector.TypeString}, {Name: "Age", Type: connector.TypeBool}}}
	got := suggest(a, b, nil, "UTC")
	if len(got) != 2 || got[0].f.A != "email" || got[0].f.Transform != "lower" || got[1].f.A != "jobtitle" || got[1].f.B != "Title" {
		t.Fatalf("suggestions = %+v", got)
	}
	if again := suggest(a, b, []mapping.Field{{A: "email", B: "Email"}}, "UTC"); len(again) != 1 {
		t.Fatalf("an existing mapping was suggested again: %+v", again)
	}
}

// Two email opt-out checkboxes are suggested as an opt-out row, so an
// opt-out travels and an opt-in never does.
func TestSuggestOptOutAsOptOutRow(t *testing.T) {
	a := &connector.Schema{Fields: []connector.Field{{Name: "hs_email_optout", Label: "Unsubscribed from all email", Type: connector.TypeBool}}}
	b := &connector.Schema{Fields: []connector.Field{{Name: "HasOptedOutOfEmail", Label: "Email Opt Out", Type: connector.TypeBool}}}
	got := suggest(a, b, nil, "UTC")
	if len(got) != 1 || got[0].f.B != "HasOptedOutOfEmail" || got[0].f.Rule != mapping.OptOut || !strings.Contains(got[0].why, "opt-out") {
		t.Fatalf("suggestions = %+v; want hs_email_optout → HasOptedOutOfEmail with rule opt-out", got)
	}
	// Brevo's blacklist is an opt-out checkbox too.
	brevo := &connector.Schema{Fields: []connector.Field{{Name: "emailBlacklisted", Label: "Email blacklisted", Type: connector.TypeBool}}}
	if got := suggest(a, brevo, nil, "UTC"); len(got) != 1 || got[0].f.B != "emailBlacklisted" || got[0].f.Rule != mapping.OptOut {
		t.Fatalf("suggestions for Brevo = %+v; want hs_email_optout → emailBlacklisted with rule opt-out", got)
	}
	// A consent picklist (Klaviyo's) takes the checkbox's true as its
	// unsubscribed option, and nothing else.
	klaviyo := &connector.Schema{Fields: []connector.Field{enumField("subscriptions.email.marketing.consent", "SUBSCRIBED", "UNSUBSCRIBED", "NEVER_SUBSCRIBED"),
		enumField("locale", "en", "fr")}}
	got = suggest(a, klaviyo, nil, "UTC")
	if len(got) != 1 || got[0].f.Rule != mapping.OptOut || got[0].f.Transform != "map" || len(got[0].f.ValueMap) != 1 || got[0].f.ValueMap["true"] != "UNSUBSCRIBED" {
		t.Fatalf("suggestions for Klaviyo = %+v; want hs_email_optout → consent, map true → UNSUBSCRIBED, rule opt-out", got)
	}
}

// Two owner fields (users with their emails) are suggested as an owner
// row, users matched by email, whatever their names; a plain picklist
// with the same label is not taken for one.
func TestSuggestOwnerRow(t *testing.T) {
	users := func(vals ...string) []connector.Option {
		var out []connector.Option
		for _, v := range vals {
			out = append(out, connector.Option{Value: v, Label: "User " + v, Email: v + "@acme.example"})
		}
		return out
	}
	a := &connector.Schema{Fields: []connector.Field{{Name: "hubspot_owner_id", Label: "Contact owner", Type: connector.TypeEnum, Options: users("101", "102")},
		enumField("lifecyclestage", "lead", "customer")}}
	b := &connector.Schema{Fields: []connector.Field{enumField("LeadSource", "Web"), {Name: "OwnerId", Label: "Owner ID", Type: connector.TypeEnum, Options: users("005A")}}}
	got := suggest(a, b, nil, "UTC")
	if len(got) != 1 || got[0].f.A != "hubspot_owner_id" || got[0].f.B != "OwnerId" || got[0].f.Transform != "owner" || got[0].f.Rule != mapping.UnlessBlank ||
		!strings.Contains(got[0].why, "owners") {
		t.Fatalf("suggestions = %+v; want hubspot_owner_id → OwnerId, transform owner, unless blank", got)
	}
}

// A row loaded with rule opt-out shows "Opt-outs only"; choosing it on
// another row makes that row an opt-out row, and a row that cannot be one
// (text onto text) says why beside it.
func TestRuleOptOut(t *testing.T) {
	u := newTestUI(t, Deps{})
	sa := connector.Schema{Fields: []connector.Field{{Name: "email", Type: connector.TypeEmail}, {Name: "hs_email_optout", Type: connector.TypeBool},
		{Name: "city", Type: connector.TypeString}, {Name: "gdpr_optout", Type: connector.TypeBool}}}
	sb := connector.Schema{Fields: []connector.Field{{Name: "Email", Type: connector.TypeEmail}, {Name: "HasOptedOutOfEmail", Type: connector.TypeBool},
		{Name: "MailingCity", Type: connector.TypeString}, enumField("status", "subscribed", "unsubscribed", "cleaned")}}
	e := &editor{u: u, def: engine.Definition{Name: "t", A: engine.SideDef{Connection: "a", Object: "x"}, B: engine.SideDef{Connection: "b", Object: "y"},
		Direction: mapping.TwoWay, Unmatched: engine.UnmatchedSkip, Conflict: engine.ConflictNewer,
		Match:  []engine.MatchRule{{A: "email", B: "Email", Normalize: "email"}},
		Fields: []mapping.Field{{A: "hs_email_optout", B: "HasOptedOutOfEmail", Rule: mapping.OptOut}, {A: "city", B: "MailingCity"}, {A: "gdpr_optout", B: "status"}}}}
	u.openPane(e.build())
	e.schema[0], e.schema[1] = &sa, &sb
	e.rebuildRows()
	var rules []*widget.Select
	for _, s := range allOf[*widget.Select](u.Window()) {
		if slices.Contains(s.Options, ruleOptOut) {
			rules = append(rules, s)
		}
	}
	if len(rules) != 3 || rules[0].Selected != ruleOptOut || rules[1].Selected != ruleAlways {
		t.Fatalf("rule selects %d, want 3, the first two showing %q and %q; texts %q", len(rules), ruleOptOut, ruleAlways, textsOnScreen(u.Window()))
	}
	// A checkbox onto a status picklist: choosing Opt-outs only maps the
	// checkbox's true to the picklist's unsubscribed.
	rules[2].SetSelected(ruleOptOut)
	if f := e.def.Fields[2]; f.Rule != mapping.OptOut || f.Transform != "map" || len(f.ValueMap) != 1 || f.ValueMap["true"] != "unsubscribed" {
		t.Fatalf("checkbox → status row after choosing %q: %+v; want map true → unsubscribed", ruleOptOut, f)
	}
	rules[1].SetSelected(ruleOptOut)
	if e.def.Fields[1].Rule != mapping.OptOut {
		t.Fatalf("row 2 rule %q after choosing %q", e.def.Fields[1].Rule, ruleOptOut)
	}
	e.rebuildRows()
	if !screenContains(u.Window(), "opt-out: map the value that means opted out") {
		t.Fatalf("a text row made an opt-out row does not say why it cannot be one; texts %q", textsOnScreen(u.Window()))
	}
}

// The rule select offers "On create only", which makes the row's rule
// on-create; a row loaded with that rule shows it; the filter operators
// include starts-with, and picking it sets the filter.
func TestRuleOnCreateAndStartsWithFilter(t *testing.T) {
	u := newTestUI(t, Deps{})
	sa := connector.Schema{Fields: []connector.Field{{Name: "email", Type: connector.TypeEmail}, {Name: "note", Type: connector.TypeText}, {Name: "kind", Type: connector.TypeString}}}
	sb := connector.Schema{Fields: []connector.Field{{Name: "Email", Type: connector.TypeEmail}, {Name: "Title", Type: connector.TypeString}, {Name: "ParentId", Type: connector.TypeID}}}
	e := &editor{u: u, def: engine.Definition{Name: "t", A: engine.SideDef{Connection: "a", Object: "x"}, B: engine.SideDef{Connection: "b", Object: "y"},
		Direction: mapping.TwoWay, Unmatched: engine.UnmatchedSkip, Conflict: engine.ConflictNewer,
		Match:   []engine.MatchRule{{A: "email", B: "Email", Normalize: "email"}},
		Fields:  []mapping.Field{{A: "email", B: "Email"}, {A: "note", B: "Title", Direction: mapping.AtoB, Transform: "firstline:80", Rule: mapping.OnCreate}},
		Filters: engine.Filters{B: []engine.Filter{{Field: "ParentId", Op: "eq", Value: "003"}}}}}
	u.openPane(e.build())
	e.schema[0], e.schema[1] = &sa, &sb
	e.rebuildRows()
	e.rebuildFilters()
	var rules []*widget.Select
	for _, s := range allOf[*widget.Select](u.Window()) {
		if slices.Contains(s.Options, ruleOnCreate) {
			rules = append(rules, s)
		}
	}
	if len(rules) != 2 || rules[0].Selected != ruleAlways || rules[1].Selected != ruleOnCreate {
		t.Fatalf("rule selects %d, want 2 showing %q and %q", len(rules), ruleAlways, ruleOnCreate)
	}
	rules[0].SetSelected(ruleOnCreate)
	if e.def.Fields[0].Rule != mapping.OnCreate {
		t.Fatalf("row 1 rule %q after choosing %q", e.def.Fields[0].Rule, ruleOnCreate)
	}
	rules[1].SetSelected(ruleUnlessBlank)
	if e.def.Fields[1].Rule != mapping.UnlessBlank {
		t.Fatalf("row 2 rule %q after choosing %q", e.def.Fields[1].Rule, ruleUnlessBlank)
	}
	var op *widget.Select
	for _, s := range allOf[*widget.Select](u.Window()) {
		if s.Selected == "eq" && slices.Contains(s.Options, "starts-with") {
			op = s
		}
	}
	if op == nil {
		t.Fatalf("no filter operator select offering starts-with; texts %q", textsOnScreen(u.Window()))
	}
	op.SetSelected("starts-with")
	if got := e.def.Filters.B[0].Op; got != "starts-with" {
		t.Fatalf("filter op %q after choosing starts-with", got)
	}
}

// A two-way value map that is not one to one asks which A value each B
// value goes back as: the dialog proposes the A value that alone maps to a
// B value, and using the map sets reverse_transform map with the reverse
// map edited, which the sync compiles. A one-to-one map drops it.
func TestValueMapDialogEditsReverseMap(t *testing.T) {
	u := newTestUI(t, Deps{})
	sa := connector.Schema{Fields: []connector.Field{{Name: "email", Type: connector.TypeEmail}, enumField("stage", "lead", "trial", "customer")}}
	sb := connector.Schema{Fields: []connector.Field{{Name: "Email", Type: connector.TypeEmail}, enumField("Stage", "Open", "Won")}}
	e := &editor{u: u, def: engine.Definition{Name: "t", A: engine.SideDef{Connection: "a", Object: "x"}, B: engine.SideDef{Connection: "b", Object: "y"},
		Direction: mapping.TwoWay, Unmatched: engine.UnmatchedSkip, Conflict: engine.ConflictNewer,
		Match:  []engine.MatchRule{{A: "email", B: "Email", Normalize: "email"}},
		Fields: []mapping.Field{{A: "stage", B: "Stage", Transform: "map", ValueMap: map[string]string{"lead": "Open", "trial": "Open", "customer": "Won"}}}}}
	u.openPane(e.build())
	e.schema[0], e.schema[1] = &sa, &sb
	e.rebuildRows()
	if !e.save.Disabled() {
		t.Fatal("Save enabled for a two-way map that is not one to one and has no reverse map")
	}
	e.showValueMap(0)
	if !screenContains(u.Window(), "written back as stage") {
		t.Fatalf("no reverse table; texts %q", textsOnScreen(u.Window()))
	}
	// The last two selects are the reverse table's rows, Open then Won.
	sels := allOf[*widget.SelectEntry](u.Window())
	open, won := sels[len(sels)-2], sels[len(sels)-1]
	if open.Text != "(no mapping)" || won.Text != "customer" {
		t.Fatalf("reverse rows proposed %q and %q, want (no mapping) and customer", open.Text, won.Text)
	}
	open.SetText("lead")
	test.Tap(buttonOnScreen(u.Window(), "Use this map"))
	f := e.def.Fields[0]
	if f.ReverseTransform != "map" || f.ReverseValueMap["Open"] != "lead" || f.ReverseValueMap["Won"] != "customer" {
		t.Fatalf("row after the value map: %+v", f)
	}
	if e.save.Disabled() {
		t.Fatalf("Save still disabled with a reverse map: %s", e.saveNote.Text)
	}
	// Made one to one, the map needs no reverse map.
	e.showValueMap(0)
	for _, se := range allOf[*widget.SelectEntry](u.Window()) {
		if se.Text == "Open" {
			se.SetText("(no mapping)")
			break
		}
	}
	test.Tap(buttonOnScreen(u.Window(), "Use this map"))
	if f := e.def.Fields[0]; f.ReverseTransform != "" || f.ReverseValueMap != nil || len(f.ValueMap) != 2 {
		t.Fatalf("row after making the map one to one: %+v", f)
	}
}

// A multi-select row whose options differ in spelling (HubSpot's internal
// values, Salesforce's labels) is flagged, and the value map guesses each
// target option from the source option's label; the map makes the row
// valid.
func TestValueMapDialogGuessesMultiSelectByLabel(t *testing.T) {
	u := newTestUI(t, Deps{})
	roles := connector.Field{Name: "hs_buying_role", Type: connector.TypeMulti, Options: []connector.Option{
		{Value: "DECISION_MAKER", Label: "Decision Maker"}, {Value: "CHAMPION", Label: "Champion"}, {Value: "LEGAL_AND_COMPLIANCE", Label: "Legal & Compliance"}}}
	sfRoles := connector.Field{Name: "Buying_Role__c", Type: connector.TypeMulti, Options: []connector.Option{
		{Value: "Decision Maker", Label: "Decision Maker"}, {Value: "Champion", Label: "Champion"}, {Value: "Other", Label: "Other"}}}
	sa := connector.Schema{Fields: []connector.Field{{Name: "email", Type: connector.TypeEmail}, roles}}
	sb := connector.Schema{Fields: []connector.Field{{Name: "Email", Type: connector.TypeEmail}, sfRoles}}
	e := &editor{u: u, def: engine.Definition{Name: "t", A: engine.SideDef{Connection: "a", Object: "x"}, B: engine.SideDef{Connection: "b", Object: "y"},
		Direction: mapping.AtoB, Unmatched: engine.UnmatchedSkip, Conflict: engine.ConflictNewer,
		Match:  []engine.MatchRule{{A: "email", B: "Email", Normalize: "email"}},
		Fields: []mapping.Field{{A: "hs_buying_role", B: "Buying_Role__c"}}}}
	u.openPane(e.build())
	e.schema[0], e.schema[1] = &sa, &sb
	e.rebuildRows()
	if !screenContains(u.Window(), "not allowed in Buying_Role__c") || !e.save.Disabled() {
		t.Fatalf("the row should name the options Salesforce lacks and block Save; texts %q", textsOnScreen(u.Window()))
	}
	e.showValueMap(0)
	for _, se := range allOf[*widget.SelectEntry](u.Window()) {
		if se.Text == "(no mapping)" {
			se.SetText("Other")
		}
	}
	test.Tap(buttonOnScreen(u.Window(), "Use this map"))
	f := e.def.Fields[0]
	if f.Transform != "map" || f.ValueMap["DECISION_MAKER"] != "Decision Maker" || f.ValueMap["CHAMPION"] != "Champion" || f.ValueMap["LEGAL_AND_COMPLIANCE"] != "Other" {
		t.Fatalf("row after the value map: %+v", f)
	}
	if e.save.Disabled() {
		t.Fatalf("Save still disabled after the value map: %s", e.saveNote.Text)
	}
}
