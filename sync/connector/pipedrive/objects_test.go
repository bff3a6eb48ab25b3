package pipedrive

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"testing"
	"time"

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
// persons, the primary first; a new person on an activity with several
// participants joins them as the primary, and no one is removed; a
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
		f["duration"] != "00:45" || f["done"] != "true" || f["note"] != "by mail" || f["person_id"] != bo+","+ann+","+cy {
		t.Fatalf("activity read back: %s %v", got.ID, f)
	}
	a, _ := e.sim.GetActivity(n)
	var others []string
	for _, p := range a.Participants {
		if !p.Primary {
			others = append(others, strconv.FormatInt(p.PersonID, 10))
		}
	}
	if !slices.Equal(others, []string{ann, cy}) {
		t.Fatalf("participants after the new person: %+v, want %s and %s kept beside %s", a.Participants, ann, cy, bo)
	}
}

// Notes (API v1): a note is written with its person and read back with
// its HTML content; more notes than a page are read in offset pages, in
// update order; an incremental read returns only the note changed since;
// a note with no person, organization or deal fails by itself with
// Pipedrive's message; ListIDs leaves a deleted note out.
func TestNotes(t *testing.T) {
	e := newEnv(t, pdsim.Options{Seed: 5})
	c, err := newConnector(e.oauthClient(t), e.base, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	sc, err := c.Schema(ctx, "notes")
	if err != nil {
		t.Fatal(err)
	}
	if len(sc.Fields) == 0 || sc.Fields[0].Name != "content" || !sc.Fields[0].Required {
		t.Fatalf("notes schema: %+v", sc.Fields)
	}
	ids, err := e.sim.SeedPersons([]pdsim.PersonSeed{{Name: "Ann"}, {Name: "Bo"}})
	if err != nil {
		t.Fatal(err)
	}
	ann, bo := strconv.FormatInt(ids[0], 10), strconv.FormatInt(ids[1], 10)
	seeds := make([]pdsim.NoteSeed, pageSize+20)
	for i := range seeds {
		at := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(len(seeds)-i) * time.Minute) // newest first by id
		seeds[i] = pdsim.NoteSeed{Content: fmt.Sprintf("<p>seed %d</p>", i), PersonID: ids[1], Added: at, Updated: at}
	}
	if _, err := e.sim.SeedNotes(seeds); err != nil {
		t.Fatal(err)
	}
	res, err := c.Write(ctx, "notes", []connector.Op{
		{Kind: connector.OpCreate, Fields: map[string]string{"content": "<p>Wants <b>20</b> seats</p>", "person_id": ann}},
		{Kind: connector.OpCreate, Fields: map[string]string{"content": "on nobody"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	var re *connector.RecordError
	if res[0].Err != nil || !res[0].Created || !errors.As(res[1].Err, &re) || re.Message == "" {
		t.Fatalf("results: %+v", res)
	}
	var recs []connector.Record
	var last connector.Cursor
	pages := 0
	for p, err := range c.Read(ctx, "notes", "") {
		if err != nil {
			t.Fatal(err)
		}
		pages++
		recs, last = append(recs, p.Records...), p.Cursor
	}
	if pages < 2 || len(recs) != len(seeds)+1 {
		t.Fatalf("read %d notes in %d pages, want %d in at least 2", len(recs), pages, len(seeds)+1)
	}
	for i := 1; i < len(recs); i++ {
		if recs[i].Modified.Before(recs[i-1].Modified) {
			t.Fatalf("note %s (%s) read after %s (%s): not in update order", recs[i].ID, recs[i].Modified, recs[i-1].ID, recs[i-1].Modified)
		}
	}
	written := recs[len(recs)-1]
	if written.ID != res[0].ID || written.Fields["content"] != "<p>Wants <b>20</b> seats</p>" || written.Fields["person_id"] != ann {
		t.Fatalf("the note written reads back as %+v", written)
	}
	if _, err := c.Write(ctx, "notes", []connector.Op{{Kind: connector.OpUpdate, ID: recs[0].ID, Fields: map[string]string{"content": "<p>edited</p>"}}}); err != nil {
		t.Fatal(err)
	}
	var changed []connector.Record
	for p, err := range c.Read(ctx, "notes", last) {
		if err != nil {
			t.Fatal(err)
		}
		changed = append(changed, p.Records...)
	}
	if len(changed) != 1 || changed[0].ID != recs[0].ID || changed[0].Fields["content"] != "<p>edited</p>" || changed[0].Fields["person_id"] != bo {
		t.Fatalf("incremental read: %+v, want only note %s edited", changed, recs[0].ID)
	}
	n, _ := strconv.ParseInt(recs[1].ID, 10, 64)
	if err := e.sim.DeleteNote(n); err != nil {
		t.Fatal(err)
	}
	listed := 0
	for page, err := range c.ListIDs(ctx, "notes") {
		if err != nil {
			t.Fatal(err)
		}
		if slices.Contains(page, recs[1].ID) {
			t.Fatalf("ListIDs lists deleted note %s", recs[1].ID)
		}
		listed += len(page)
	}
	if listed != len(recs)-1 {
		t.Fatalf("ListIDs listed %d notes, want %d", listed, len(recs)-1)
	}
}
