package engine_test

import (
	"strings"
	"testing"

	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/mapping"
)

// optOutDefinition maps A's opt-out checkbox onto B's subscription status
// as an opt-out row, with B's members created as transactional, the way
// the demo maps HubSpot onto Mailchimp.
func optOutDefinition() engine.Definition {
	def := baseDefinition()
	def.Conflict = engine.ConflictPreferB // would hand every conflict to B, were it asked
	// The on-create row comes last, so its value must lose to an opt-out
	// whatever the rows' order.
	def.Fields = append(def.Fields,
		mapping.Field{A: "optout", B: "Status", Transform: "map", ValueMap: map[string]string{"true": "unsubscribed"}, Rule: mapping.OptOut},
		mapping.Field{B: "Status", Direction: mapping.AtoB, Transform: "const:transactional", Rule: mapping.OnCreate})
	return def
}

// TestOptOutTravelsBothWaysAndNeverBack: an opt-out on either side opts the
// other out, against a conflict policy that prefers the other side; an
// opt-in (a person subscribing again) is never carried, and a side that
// opted back in is not opted out again by the other's old opt-out.
func TestOptOutTravelsBothWaysAndNeverBack(t *testing.T) {
	f := newFixture(t, optOutDefinition(), fixtureOpts{})
	in := f.a.Put(objA, person("in@example.com", "In", "Person"))
	out := f.a.Put(objA, map[string]string{"email": "out@example.com", "firstname": "Out", "lastname": "Person", "optout": "true"})
	f.a.Put(objA, map[string]string{"email": "no@example.com", "firstname": "No", "lastname": "Person", "optout": "false"})
	// A new link whose B side is subscribed and whose A side opted out.
	linked := f.a.Put(objA, map[string]string{"email": "both@example.com", "firstname": "Both", "lastname": "Person", "optout": "true"})
	bLinked := f.b.Put(objB, map[string]string{"Email": "both@example.com", "FirstName": "Both", "LastName": "Person", "Status": "subscribed"})
	if p, _ := f.run(); p.Counts.OptOut != 2 || !strings.Contains(p.Summary(), "2 email opt-outs carried") {
		t.Errorf("first plan counts %d opt-outs; want 2 (one created, one linked), said in its summary:\n%s", p.Counts.OptOut, p.Summary())
	}

	status := func(aID string) string { return f.b.Get(objB, f.linkedB(aID))["Status"] }
	if got := status(in); got != "transactional" {
		t.Errorf("created member of a contact who did not opt out: Status %q, want transactional", got)
	}
	if got := status(out); got != "unsubscribed" {
		t.Errorf("created member of an opted-out contact: Status %q, want unsubscribed (the opt-out wins over the on-create status)", got)
	}
	if got := f.b.Get(objB, bLinked)["Status"]; got != "unsubscribed" || f.linkedB(linked) != bLinked {
		t.Errorf("new link, A opted out and B subscribed: B Status %q, want unsubscribed whatever the conflict policy", got)
	}
	if p, _ := f.run(); len(writesOf(p)) != 0 {
		t.Fatalf("echo run writes %d records; want none (%s)", len(writesOf(p)), p.Summary())
	}

	// B unsubscribes: A's checkbox follows, with the opt-out rule in the audit.
	f.b.Edit(objB, f.linkedB(in), map[string]string{"Status": "unsubscribed"})
	p, _ := f.run()
	if got := f.a.Get(objA, in)["optout"]; got != "true" {
		t.Fatalf("B unsubscribed: A optout %q, want true (%s)", got, p.Summary())
	}
	if !planWrites(p, "a", in, "optout", engine.RuleOptOut) {
		t.Errorf("plan does not write A's optout by rule %s: %+v", engine.RuleOptOut, writesOf(p))
	}

	// The person subscribes again through B: nothing goes back to A, and
	// A's standing opt-out is not written over their consent.
	f.b.Edit(objB, f.linkedB(out), map[string]string{"Status": "subscribed"})
	p, _ = f.run()
	if got := f.b.Get(objB, f.linkedB(out))["Status"]; got != "subscribed" {
		t.Errorf("B opted back in: B Status %q, want subscribed kept (%s)", got, p.Summary())
	}
	if got := f.a.Get(objA, out)["optout"]; got != "true" {
		t.Errorf("B opted back in: A optout %q, want true kept: sync never opts anyone in", got)
	}
	if len(writesOf(p)) != 0 {
		t.Errorf("B opted back in: the run writes %+v; want nothing", writesOf(p))
	}
	// A's unchecking is never carried either.
	f.a.Edit(objA, in, map[string]string{"optout": "false"})
	if p, _ = f.run(); f.b.Get(objB, f.linkedB(in))["Status"] != "unsubscribed" || len(writesOf(p)) != 0 {
		t.Errorf("A opted back in: B Status %q, writes %+v; want unsubscribed and nothing written", f.b.Get(objB, f.linkedB(in))["Status"], writesOf(p))
	}
	// Later, B's member opts out again: A follows once more.
	f.b.Edit(objB, f.linkedB(in), map[string]string{"Status": "subscribed"})
	f.run()
	f.b.Edit(objB, f.linkedB(in), map[string]string{"Status": "unsubscribed"})
	f.run()
	if got := f.a.Get(objA, in)["optout"]; got != "true" {
		t.Errorf("B opted out a second time: A optout %q, want true", got)
	}
}

// TestUndoKeepsAnOptOut: undoing a run that carried an opt-out does not
// opt the person back in, and says so; the run's other changes are undone.
func TestUndoKeepsAnOptOut(t *testing.T) {
	f := newFixture(t, optOutDefinition(), fixtureOpts{})
	a := f.a.Put(objA, person("ada@example.com", "Ada", "Lovelace"))
	f.run()
	b := f.linkedB(a)
	f.b.Edit(objB, b, map[string]string{"Status": "unsubscribed", "FirstName": "Augusta"})
	_, sum := f.run()
	if f.a.Get(objA, a)["optout"] != "true" || f.a.Get(objA, a)["firstname"] != "Augusta" {
		t.Fatalf("run did not carry B's edits: %v", f.a.Get(objA, a))
	}
	sa, sb := f.sides()
	p, err := f.eng.Undo(f.ctx, f.syncID, sum.RunID, f.def, sa, sb, engine.PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.Join(p.Warnings, "\n"), "never opts anyone back in") {
		t.Errorf("undo plan does not say the opt-out stays: warnings %q", p.Warnings)
	}
	if _, err := f.eng.Apply(f.ctx, p, engine.ApplyOptions{Confirm: true, Trigger: "undo"}); err != nil {
		t.Fatal(err)
	}
	if got := f.a.Get(objA, a); got["optout"] != "true" || got["firstname"] != "Ada" {
		t.Errorf("after undo A holds optout %q, firstname %q; want true kept and Ada back", got["optout"], got["firstname"])
	}
}

// planWrites says whether p writes field of record id on side by rule.
func planWrites(p *engine.Plan, side, id, field, rule string) bool {
	for _, w := range writesOf(p) {
		if w.Side != side || w.ID != id {
			continue
		}
		for _, c := range w.Changes {
			if c.Field == field && c.Rule == rule {
				return true
			}
		}
	}
	return false
}

// writesOf is every create and update p plans.
func writesOf(p *engine.Plan) []engine.Write {
	return append(append([]engine.Write{}, p.Creates...), p.Updates...)
}

// TestOneWayOptOutRow: an opt-out row with a direction carries opt-outs
// that way only.
func TestOneWayOptOutRow(t *testing.T) {
	def := optOutDefinition()
	def.Fields[len(def.Fields)-2].Direction = mapping.AtoB
	f := newFixture(t, def, fixtureOpts{})
	a := f.a.Put(objA, person("ada@example.com", "Ada", "Lovelace"))
	c := f.a.Put(objA, person("cy@example.com", "Cy", "Cyr"))
	f.run()
	f.b.Edit(objB, f.linkedB(a), map[string]string{"Status": "unsubscribed"})
	f.a.Edit(objA, c, map[string]string{"optout": "true"})
	p, _ := f.run()
	if got := f.a.Get(objA, a)["optout"]; got == "true" {
		t.Errorf("an a-to-b opt-out row carried B's opt-out to A (%s)", p.Summary())
	}
	if got := f.b.Get(objB, f.linkedB(c))["Status"]; got != "unsubscribed" {
		t.Errorf("an a-to-b opt-out row did not carry A's opt-out to B: Status %q (%s)", got, p.Summary())
	}
}
