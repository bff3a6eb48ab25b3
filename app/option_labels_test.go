package app_test

import (
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/engine"
)

// auditOptionShown is how the schema labels value of an option of
// Dynamics opportunities' field: "Won (1)", the code kept beside it.
func auditOptionShown(t *testing.T, a *app.App, field, value string) string {
	t.Helper()
	s, err := a.Schema(context.Background(), "dv", "opportunities")
	if err != nil {
		t.Fatal(err)
	}
	f, ok := s.Field(field)
	if !ok {
		t.Fatalf("opportunities have no field %s", field)
	}
	for _, o := range f.Options {
		if o.Value == value && o.Label != "" && o.Label != value {
			return o.Label + " (" + value + ")"
		}
	}
	t.Fatalf("the schema labels no option %q of %s: %+v", value, field, f.Options)
	return ""
}

// TestOverruledDecisionNoteShowsLabels: the warning for a phase
// decision a shared Won state overrules said "… (\"2\") would change
// statecode, which both sides hold as \"1\"": codes a person never sees
// in Dynamics, which shows Won and the phase's name.
func TestOverruledDecisionNoteShowsLabels(t *testing.T) {
	ctx := context.Background()
	a, srv := dynamicsDealsSandbox(t, 71)
	def := app.DemoDynamicsDealsSync("deals", "hs", "dv", "accounts")
	def.Conflict = engine.ConflictReview
	saveSyncs(t, a, def)
	pair, phase := wonBothSidesAtOtherPhases(t, a, srv)
	runOK(t, a, "deals")
	items, err := a.Reviews(ctx, "deals", "conflict", "open")
	if err != nil {
		t.Fatal(err)
	}
	var item app.ReviewView
	for _, it := range items {
		if it.RecordID == pair[0] && strings.Contains(it.Field, "salesstage") {
			item = it
		}
	}
	if item.ID == 0 {
		t.Fatalf("no open phase conflict for deal %s: %+v", pair[0], items)
	}
	if err := a.Decide(ctx, item.ID, engine.Decision{Action: "take-b"}); err != nil {
		t.Fatal(err)
	}
	res := runOK(t, a, "deals")
	var note string
	for _, w := range res.Plan.Warnings {
		if strings.Contains(w, pair[0]) && strings.Contains(w, "review item") {
			note = w
		}
	}
	if note == "" {
		t.Fatalf("no warning names deal %s: %q", pair[0], res.Plan.Warnings)
	}
	won := auditOptionShown(t, a, "statecode", "1")
	if !strings.Contains(note, "hold as "+won) {
		t.Errorf("the note does not say the sides hold %s: %q", won, note)
	}
	if stage := auditOptionShown(t, a, "salesstage", phase); !strings.Contains(note, ", "+stage+",") {
		t.Errorf("the note does not name the phase decided, %s: %q", stage, note)
	}
}

// auditRawPair finds the first sync's "(A \"1\", B \"0\")".
var auditRawPair = regexp.MustCompile(`\(A "[^"]*", B "[^"]*"\)`)

// TestFirstSyncReasonShowsLabels: the Review reason of a first sync
// that cannot tell a deal's state said "(A \"0\", B \"1\")": side
// letters and Dynamics' state codes. It names the CRMs and the states.
func TestFirstSyncReasonShowsLabels(t *testing.T) {
	ctx := context.Background()
	a, srv := dynamicsDealsSandbox(t, 73)
	hs, dv := srv.HubSpot(), srv.Dynamics()
	const name = "Audit state labels"
	opp, err := dv.Create("opportunities", map[string]any{"name": name, "salesstage": 2})
	if err != nil {
		t.Fatal(err)
	}
	if err := dv.CloseOpportunity(opp.ID, true, -1); err != nil {
		t.Fatal(err)
	}
	time.Sleep(1100 * time.Millisecond) // HubSpot's edit is the later one
	deal, err := hs.Create("deals", map[string]string{"dealname": name, "dealstage": "contractsent", "pipeline": "default"})
	if err != nil {
		t.Fatal(err)
	}
	runOK(t, a, "accounts")
	runOK(t, a, "deals")
	items, err := a.Reviews(ctx, "deals", "conflict", "open")
	if err != nil {
		t.Fatal(err)
	}
	var item app.ReviewView
	for _, it := range items {
		if it.RecordID == deal.ID && strings.Contains(it.Field, "statecode") {
			item = it
		}
	}
	if item.ID == 0 {
		t.Fatalf("no open state conflict for deal %s: %+v", deal.ID, items)
	}
	var detail struct{ Reason string }
	if err := json.Unmarshal([]byte(item.Detail), &detail); err != nil {
		t.Fatal(err)
	}
	reason := item.Sides.InText(detail.Reason)
	if m := auditRawPair.FindString(reason); m != "" {
		t.Errorf("the reason says %s, letters and codes: %s", m, reason)
	}
	for _, want := range []string{auditOptionShown(t, a, "statecode", "1") + " in dv opportunities", "in hs deals"} {
		if !strings.Contains(reason, want) {
			t.Errorf("the reason does not say %q: %s", want, reason)
		}
	}
}
