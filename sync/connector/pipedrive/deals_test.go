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
