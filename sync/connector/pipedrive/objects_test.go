package pipedrive

import (
	"errors"
	"slices"
	"strconv"
	"testing"

	"github.com/crmsync/crmsync/sync/connector"
	pdsim "github.com/crmsync/crmsync/sync/sandbox/pipedrive"
)

// Deals: the schema offers the company's stages as stage_id's options and
// pipeline_id read-only; a deal is written and read back with its value,
// stage, status, close date and organization; a deal without a title, or
// with a status or currency Pipedrive has no use for, fails by itself,
// naming the field, and the others are written.
func TestDeals(t *testing.T) {
	e := newEnv(t, pdsim.Options{Seed: 3})
	c, err := newConnector(e.oauthClient(t), e.base, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	sc, err := c.Schema(ctx, "deals")
	if err != nil {
		t.Fatal(err)
	}
	fields := map[string]connector.Field{}
	for _, f := range sc.Fields {
		fields[f.Name] = f
	}
	var stageIDs []string
	for _, st := range e.sim.Stages() {
		stageIDs = append(stageIDs, strconv.FormatInt(st.ID, 10))
	}
	var offered []string
	for _, o := range fields["stage_id"].Options {
		offered = append(offered, o.Value)
	}
	if len(stageIDs) == 0 || !slices.Equal(offered, stageIDs) || !fields["pipeline_id"].ReadOnly || !fields["title"].Required {
		t.Fatalf("deals schema: stage options %v (stages %v), pipeline_id %+v, title %+v", offered, stageIDs, fields["pipeline_id"], fields["title"])
	}
	orgs, err := e.sim.SeedOrganizations([]pdsim.OrganizationSeed{{Name: "Acme"}})
	if err != nil {
		t.Fatal(err)
	}
	org := strconv.FormatInt(orgs[0], 10)
	res, err := c.Write(ctx, "deals", []connector.Op{
		{Kind: connector.OpCreate, Fields: map[string]string{"title": "Acme renewal", "value": "1500.5", "currency": "eur", "stage_id": stageIDs[2],
			"status": "won", "expected_close_date": "2026-12-31", "org_id": org}},
		{Kind: connector.OpCreate, Fields: map[string]string{"value": "10"}},
		{Kind: connector.OpCreate, Fields: map[string]string{"title": "Odd", "status": "pending"}},
		{Kind: connector.OpCreate, Fields: map[string]string{"title": "Odd", "currency": "euro"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []string{"", "title", "status", "currency"} {
		var re *connector.RecordError
		switch {
		case want == "" && res[i].Err != nil:
			t.Fatalf("deal %d: %v", i, res[i].Err)
		case want != "" && (!errors.As(res[i].Err, &re) || re.Field != want):
			t.Fatalf("deal %d: %v, want a failure naming %s", i, res[i].Err, want)
		}
	}
	if e.sim.CountDeals() != 1 {
		t.Fatalf("%d deals in Pipedrive, want only the valid one", e.sim.CountDeals())
	}
	var got connector.Record
	for p, err := range c.Read(ctx, "deals", "") {
		if err != nil {
			t.Fatal(err)
		}
		got = p.Records[0]
	}
	f := got.Fields
	if got.ID != res[0].ID || f["title"] != "Acme renewal" || f["value"] != "1500.5" || f["currency"] != "EUR" || f["stage_id"] != stageIDs[2] ||
		f["status"] != "won" || f["expected_close_date"] != "2026-12-31" || f["org_id"] != org || f["pipeline_id"] == "" {
		t.Fatalf("deal read back: %s %v", got.ID, f)
	}
}

// Activities: the schema offers the company's activity types as type's
// options; an activity is written with its person as the primary
// participant and read back with its date, time, duration, done flag and
// person; moving it to another person keeps its other participants; a
// time that is not HH:MM fails by itself, naming the field.
func TestActivities(t *testing.T) {
	e := newEnv(t, pdsim.Options{Seed: 4})
	c, err := newConnector(e.oauthClient(t), e.base, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	sc, err := c.Schema(ctx, "activities")
	if err != nil {
		t.Fatal(err)
	}
	var types []string
	for _, f := range sc.Fields {
		if f.Name == "type" {
			for _, o := range f.Options {
				types = append(types, o.Value)
			}
		}
	}
	if !slices.Contains(types, "call") || !slices.Contains(types, "task") {
		t.Fatalf("activity type options %v", types)
	}
	ids, err := e.sim.SeedPersons([]pdsim.PersonSeed{{Name: "Ann"}, {Name: "Bo"}, {Name: "Cy"}})
	if err != nil {
		t.Fatal(err)
	}
	ann, bo, cy := strconv.FormatInt(ids[0], 10), strconv.FormatInt(ids[1], 10), strconv.FormatInt(ids[2], 10)
	res, err := c.Write(ctx, "activities", []connector.Op{
		{Kind: connector.OpCreate, Fields: map[string]string{"subject": "Send the quote", "type": "task", "due_date": "2026-12-10", "due_time": "09:30",
			"duration": "00:45", "done": "true", "note": "by mail", "person_id": ann}},
		{Kind: connector.OpCreate, Fields: map[string]string{"subject": "Late", "due_time": "9.30"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	var re *connector.RecordError
	if res[0].Err != nil || !errors.As(res[1].Err, &re) || re.Field != "due_time" {
		t.Fatalf("results: %+v", res)
	}
	n, _ := strconv.ParseInt(res[0].ID, 10, 64)
	if _, err := e.sim.UpdateActivity(n, map[string]any{"participants": []any{map[string]any{"person_id": ids[0], "primary": true}, map[string]any{"person_id": ids[2], "primary": false}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Write(ctx, "activities", []connector.Op{{Kind: connector.OpUpdate, ID: res[0].ID, Fields: map[string]string{"person_id": bo}}}); err != nil {
		t.Fatal(err)
	}
	var got connector.Record
	for p, err := range c.Read(ctx, "activities", "") {
		if err != nil {
			t.Fatal(err)
		}
		got = p.Records[len(p.Records)-1]
	}
	f := got.Fields
	if got.ID != res[0].ID || f["subject"] != "Send the quote" || f["type"] != "task" || f["due_date"] != "2026-12-10" || f["due_time"] != "09:30" ||
		f["duration"] != "00:45" || f["done"] != "true" || f["note"] != "by mail" || f["person_id"] != bo {
		t.Fatalf("activity read back: %s %v", got.ID, f)
	}
	a, _ := e.sim.GetActivity(n)
	var others []string
	for _, p := range a.Participants {
		if !p.Primary {
			others = append(others, strconv.FormatInt(p.PersonID, 10))
		}
	}
	if !slices.Equal(others, []string{cy}) {
		t.Fatalf("participants after the move: %+v, want %s kept beside %s", a.Participants, cy, bo)
	}
}
