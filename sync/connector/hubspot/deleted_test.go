package hubspot

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/sync/connector"
	hssim "github.com/crmsync/crmsync/sync/sandbox/hubspot"
)

// Contacts archived through the REST API are listed by ListDeleted, across
// the list endpoint's pages of 100, with their archive time; a since after
// those archives lists none of them, and live contacts are never listed.
func TestListDeletedPagesArchivedContacts(t *testing.T) {
	e := newEnv(t, hssim.Options{Seed: 5})
	recs := make([]map[string]string, 130)
	for i := range recs {
		recs[i] = map[string]string{"email": fmt.Sprintf("gone%03d@example.com", i), "firstname": "Gone"}
	}
	ids := e.seed(t, "contacts", recs)
	archived := map[string]bool{}
	for _, id := range ids[:120] {
		if st := e.direct(t, "DELETE", "/crm/objects/2026-03/contacts/"+id, nil, nil); st != 204 {
			t.Fatalf("archive %s: status %d", id, st)
		}
		archived[id] = true
	}
	c, err := newConnector(e.oauthClient(t), e.base, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	list := func(since time.Time) ([]connector.Record, int64) {
		before := e.sim.Stats()["GET /crm/objects/2026-03/contacts"]
		var out []connector.Record
		for recs, err := range c.ListDeleted(t.Context(), "contacts", since) {
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, recs...)
		}
		return out, e.sim.Stats()["GET /crm/objects/2026-03/contacts"] - before
	}
	all, calls := list(time.Time{})
	if len(all) != 120 || calls != 2 {
		t.Fatalf("listed %d archived contacts in %d calls, want 120 in 2", len(all), calls)
	}
	var newest time.Time
	for _, r := range all {
		if !archived[r.ID] || !r.Deleted || r.Modified.IsZero() {
			t.Fatalf("listed %+v: not one of the archived contacts, or without Deleted and its archive time", r)
		}
		if r.Modified.After(newest) {
			newest = r.Modified
		}
	}
	if later, _ := list(newest); len(later) != 0 {
		t.Fatalf("since the newest archive (%v) listed %d contacts, want none", newest, len(later))
	}
}

// A malformed archived list fails with a server-category error that names
// the endpoint and, for a bad archive time, the record and the field.
func TestListDeletedBadInput(t *testing.T) {
	for _, tc := range []struct{ name, body, want string }{
		{"unreadable archivedAt", `{"results":[{"id":"77","properties":{},"archived":true,"archivedAt":"yesterday"}]}`, `record 77: unreadable archivedAt "yesterday"`},
		{"truncated body", `{"results":[{"id":"77","archived":tr`, "malformed JSON"},
		{"repeating cursor", `{"results":[],"paging":{"next":{"after":"5"}}}`, "paging.next.after repeats 5"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, c := newFake(t, func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Query().Get("after") == "5" || r.URL.Query().Get("after") == "" {
					writeBody(w, 200, "application/json", tc.body)
					return
				}
				writeBody(w, 400, "application/json", `{"status":"error","message":"unexpected after"}`)
			})
			var err error
			for _, e := range c.ListDeleted(t.Context(), "contacts", time.Time{}) {
				if e != nil {
					err = e
					break
				}
			}
			var ce *connector.Error
			if err == nil || !errors.As(err, &ce) || ce.Category != connector.CatServer {
				t.Fatalf("error %v, want a server-category *connector.Error", err)
			}
			for _, s := range []string{"hubspot: archived contacts", "GET /crm/objects/2026-03/contacts", tc.want} {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q lacks %q", err, s)
				}
			}
			if n := f.calls.Load(); n > 2 {
				t.Errorf("%d calls for a malformed list; it must stop, not loop", n)
			}
		})
	}
}

// Two contacts merged in HubSpot: the merge makes a record with a new id.
// The next read returns it, and both merged contacts as deleted and merged
// into it; untouched contacts do not come back.
func TestReadReportsMergedContacts(t *testing.T) {
	e := newEnv(t, hssim.Options{Seed: 19})
	keep, _ := e.sim.Create("contacts", map[string]string{"email": "keep@example.com"})
	gone, _ := e.sim.Create("contacts", map[string]string{"email": "gone@example.com"})
	other, _ := e.sim.Create("contacts", map[string]string{"email": "other@example.com"})
	c, err := newConnector(e.oauthClient(t), e.base, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	var cur connector.Cursor
	for p, err := range c.Read(t.Context(), "contacts", "") {
		if err != nil {
			t.Fatal(err)
		}
		cur = p.Cursor
	}
	time.Sleep(5 * time.Millisecond) // past the cursor's millisecond
	merged, err := e.sim.Merge("contacts", keep.ID, gone.ID)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]connector.Record{}
	for p, err := range c.Read(t.Context(), "contacts", cur) {
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range p.Records {
			got[r.ID] = r
		}
	}
	for _, id := range []string{keep.ID, gone.ID} {
		if r, ok := got[id]; !ok || !r.Deleted || r.MergedInto != merged {
			t.Fatalf("merged contact %s read back as %+v (%v), want deleted and merged into %s", id, r, ok, merged)
		}
	}
	if r, ok := got[merged]; !ok || r.Deleted || r.Fields["email"] != "keep@example.com" || merged == keep.ID {
		t.Fatalf("the merged record %s read back as %+v (%v), want a new record with the primary's email", merged, r, ok)
	}
	if _, ok := got[other.ID]; ok {
		t.Fatalf("untouched contact %s came back", other.ID)
	}
}
