package hubspot

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/sync/connector"
	hssim "github.com/crmsync/crmsync/sync/sandbox/hubspot"
)

const (
	contactsSearch = "POST /crm/objects/2026-03/contacts/search"
	contactsRead   = "POST /crm/objects/2026-03/contacts/batch/read"
)

// TestLookupByEmailReadsAtOnce: contacts created a moment ago are not
// in HubSpot's search index yet ("a few moments"), so a lookup by email
// through search misses them and the engine waits 5 s before asking.
// batch/read with idProperty=email reads the records themselves: the
// lookup finds them at once, whatever the case of the address, calls no
// search and one batch/read per 100 emails, and the connector declares no
// lag for it, so the engine does not wait.
func TestLookupByEmailReadsAtOnce(t *testing.T) {
	e := newEnv(t, hssim.Options{Seed: 3})
	c := oauthConnector(t, e)
	ctx := t.Context()
	e.sim.SetSearchIndexDelay(time.Hour) // search sees none of the contacts below
	var recs []map[string]string
	for i := range 150 {
		recs = append(recs, map[string]string{"email": fmt.Sprintf("lag%03d@audit.example", i), "firstname": "Lag", "lastname": fmt.Sprint(i)})
	}
	ids := e.seed(t, "contacts", recs)
	want := map[string]string{} // lower-case email -> id
	var emails []string
	for i, r := range recs {
		want[r["email"]] = ids[i]
		email := r["email"]
		if i%2 == 1 {
			email = strings.ToUpper(email) // as another CRM may spell it
		}
		emails = append(emails, email)
	}
	emails = append(emails, "nobody@audit.example")
	before := e.sim.Stats()
	found, err := c.Lookup(ctx, "contacts", "email", emails)
	if err != nil {
		t.Fatalf("Lookup: %v", err)
	}
	after := e.sim.Stats()
	got := map[string]string{}
	for _, r := range found {
		got[strings.ToLower(r.Fields["email"])] = r.ID
	}
	for email, id := range want {
		if got[email] != id {
			t.Errorf("%s: found %q, want contact %s", email, got[email], id)
		}
	}
	if len(found) != len(want) {
		t.Errorf("found %d contacts, want %d", len(found), len(want))
	}
	if n := after[contactsSearch] - before[contactsSearch]; n != 0 {
		t.Errorf("the lookup by email made %d search calls; the search index lags, a read does not", n)
	}
	if n := after[contactsRead] - before[contactsRead]; n > 2 {
		t.Errorf("%d batch/read calls for %d emails; want one per 100", n, len(emails))
	}
	if d := c.LookupLag("contacts", "email"); d != 0 {
		t.Errorf("LookupLag(contacts, email) = %v; a lookup by batch/read does not lag", d)
	}
}

// TestLookupByRecordIDReadsAtOnce: a lookup by hs_object_id reads the
// records by id (no idProperty: HubSpot calls hs_object_id non-unique as
// one), so it sees a company made a moment ago; a lookup by a property that
// is not unique (a company's domain) still goes through search and lags.
func TestLookupByRecordIDReadsAtOnce(t *testing.T) {
	e := newEnv(t, hssim.Options{Seed: 3})
	c := oauthConnector(t, e)
	ctx := t.Context()
	e.sim.SetSearchIndexDelay(time.Hour)
	ids := e.seed(t, "companies", []map[string]string{{"name": "Fresh Audit Ltd", "domain": "fresh-audit.example"}})
	before := e.sim.Stats()
	found, err := c.Lookup(ctx, "companies", "hs_object_id", []string{ids[0], "999999999"})
	if err != nil {
		t.Fatalf("Lookup: %v", err)
	}
	if len(found) != 1 || found[0].ID != ids[0] || found[0].Fields["name"] != "Fresh Audit Ltd" {
		t.Errorf("lookup by hs_object_id found %+v; want company %s", found, ids[0])
	}
	if n := e.sim.Stats()["POST /crm/objects/2026-03/companies/search"] - before["POST /crm/objects/2026-03/companies/search"]; n != 0 {
		t.Errorf("the lookup by record id made %d search calls", n)
	}
	if d := c.LookupLag("companies", "hs_object_id"); d != 0 {
		t.Errorf("LookupLag(companies, hs_object_id) = %v; want none", d)
	}
	// A domain is no unique property: only search finds it, and it lags.
	if found, err := c.Lookup(ctx, "companies", "domain", []string{"fresh-audit.example"}); err != nil || len(found) != 0 {
		t.Errorf("lookup by domain: %v %+v; want none yet (the index lags)", err, found)
	}
	if d := c.LookupLag("companies", "domain"); d <= 0 {
		t.Errorf("LookupLag(companies, domain) = %v; a search lookup lags", d)
	}
}

// TestLookupByUniquePropertyReadsAtOnce: a custom object's unique
// property (hasUniqueValue) is read by batch/read too.
func TestLookupByUniquePropertyReadsAtOnce(t *testing.T) {
	e := newEnv(t, hssim.Options{Seed: 25})
	c := oauthConnector(t, e)
	ctx := t.Context()
	res, err := c.Write(ctx, projects, []connector.Op{
		{Kind: connector.OpCreate, Fields: map[string]string{"project_name": "Vostok", "status": "planned", "crmsync_key": "k-vostok"}},
	})
	if err != nil || res[0].Err != nil {
		t.Fatalf("create: %v %+v", err, res)
	}
	e.sim.SetSearchIndexDelay(time.Hour)
	found, err := c.Lookup(ctx, projects, "crmsync_key", []string{"k-vostok"})
	if err != nil || len(found) != 1 || found[0].ID != res[0].ID {
		t.Fatalf("lookup by crmsync_key: %v %+v; want project %s at once", err, found, res[0].ID)
	}
	if d := c.LookupLag(projects, "crmsync_key"); d != 0 {
		t.Errorf("LookupLag(%s, crmsync_key) = %v; want none", projects, d)
	}
}

// TestLookupReadWithoutResultsIsAnError: a 200 batch/read answer
// without its "results" list (a gateway's JSON) is no answer of none,
// which would have the engine create the contacts again.
func TestLookupReadWithoutResultsIsAnError(t *testing.T) {
	_, c := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/batch/read") {
			writeBody(w, 200, "application/json;charset=utf-8", `{"status":"ok","message":"maintenance"}`)
			return
		}
		writeBody(w, 200, "application/json;charset=utf-8", propsJSON)
	})
	_, err := c.Lookup(t.Context(), "contacts", "email", []string{"ada@example.com"})
	if err == nil || !strings.Contains(err.Error(), "/batch/read") || !strings.Contains(err.Error(), `no "results"`) {
		t.Errorf("Lookup: %v; want an error naming batch/read and the missing results", err)
	}
}
