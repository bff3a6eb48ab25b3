package app_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/store"
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/mapping"
	"github.com/crmsync/crmsync/sync/sandbox"
)

// auditPhoneCompanies is the Salesforce → HubSpot companies sync matched
// by phone (HubSpot companies have no upsert key, so a lost create is
// looked up by phone through HubSpot's search), run once.
func auditPhoneCompanies(t *testing.T, a *app.App) engine.Definition {
	t.Helper()
	def := app.DemoCompaniesSync("co-by-phone", "hs", "sf")
	def.Direction = mapping.BtoA
	def.Match = []engine.MatchRule{{A: "phone", B: "Phone", Normalize: "e164"}}
	def.Safety.MaxChangePercent = 100
	saveSyncs(t, a, def)
	runAndErrors(t, a, def.Name)
	return def
}

// hsCompaniesWithPhone lists the live HubSpot companies holding phone
// (compared in E.164).
func hsCompaniesWithPhone(srv *sandbox.Server, phone string) []string {
	want, _ := mapping.Normalize("e164", phone)
	var ids []string
	for _, r := range srv.HubSpot().Records("companies") {
		if k, _ := mapping.Normalize("e164", r.Properties["phone"]); !r.Archived && k == want {
			ids = append(ids, r.ID)
		}
	}
	return ids
}

// auditDecideHeldLookup checks the Review item holding Salesforce Account
// src names every id of want, links it with one of them and checks the
// run after the decision creates nothing in HubSpot.
func auditDecideHeldLookup(t *testing.T, a *app.App, srv *sandbox.Server, clock *stepClock, name, src string, want []string) {
	t.Helper()
	ctx := context.Background()
	items, err := a.Reviews(ctx, name, "", "open")
	if err != nil {
		t.Fatal(err)
	}
	var held []app.ReviewView
	for _, it := range items {
		if it.RecordID == src {
			held = append(held, it)
		}
	}
	if len(held) != 1 {
		t.Fatalf("%d open review items hold Salesforce Account %s; want one: %+v", len(held), src, items)
	}
	it := held[0]
	t.Logf("item %d %s: %s", it.ID, it.Kind, it.Detail)
	for _, id := range want {
		if !strings.Contains(it.Detail, `"id":"`+id+`"`) {
			t.Errorf("the item does not name HubSpot company %s among its candidates: %s", id, it.Detail)
		}
	}
	if !strings.Contains(it.Detail, "cut short") {
		t.Errorf("the item does not say the create was cut short: %s", it.Detail)
	}
	before := srv.HubSpot().Count("companies")
	if err := a.Decide(ctx, it.ID, engine.Decision{Action: "link", OtherID: want[0]}); err != nil {
		t.Fatal(err)
	}
	clock.step(time.Minute)
	runAndErrors(t, a, name)
	if n := srv.HubSpot().Count("companies"); n != before {
		t.Errorf("HubSpot went from %d to %d companies after the link was decided; want none made", before, n)
	}
	linked := false
	for _, l := range syncLinks(t, a, name) {
		linked = linked || l.BID == src && l.AID == want[0]
	}
	if !linked {
		t.Errorf("Salesforce Account %s is not linked with HubSpot company %s after the decision", src, want[0])
	}
	if open, _ := a.Reviews(ctx, name, "", "open"); slices.ContainsFunc(open, func(r app.ReviewView) bool { return r.RecordID == src }) {
		t.Errorf("an item about %s is still open after the link", src)
	}
}

// TestLostCreateTwoHitsNotResent: a create batch of Salesforce
// Accounts loses HubSpot's answer; meanwhile a colleague entered two of
// them in HubSpot too, so the lookup by phone finds two companies holding
// what was sent for each. Which one the call made cannot be told: neither
// may be sent again (a third copy); each is held in Review naming both.
func TestLostCreateTwoHitsNotResent(t *testing.T) {
	a, srv, tr, clock := lossyClockedApp(t, 31, 6)
	def := auditPhoneCompanies(t, a)
	clock.step(time.Minute)
	accounts := map[string]string{"Solo Audit Co": "+14155550161", "Twin Audit Co": "+14155550162", "Other Twin Co": "+14155550163"}
	src := map[string]string{}
	for name, phone := range accounts {
		rec, err := srv.Salesforce().Create("Account", map[string]string{"Name": name, "Phone": phone})
		if err != nil {
			t.Fatal(err)
		}
		src[name] = rec.ID
	}
	clock.step(time.Minute)
	var mu sync.Mutex
	colleague := map[string]string{} // name -> the colleague's HubSpot company
	tr.setHook(func(r *http.Request) {
		if r.Method != http.MethodPost || !strings.HasSuffix(r.URL.Path, "/companies/search") || len(tr.lostCalls()) == 0 {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		for _, name := range []string{"Twin Audit Co", "Other Twin Co"} {
			if colleague[name] != "" {
				continue
			}
			rec, err := srv.HubSpot().Create("companies", map[string]string{"name": name, "phone": accounts[name]})
			if err != nil {
				t.Errorf("colleague's company: %v", err)
			}
			colleague[name] = rec.ID
		}
	})
	tr.arm(1, postTo("/companies/batch/create"))
	runAndErrors(t, a, def.Name)
	if len(tr.lostCalls()) != 1 || len(colleague) != 2 {
		t.Fatalf("the create answer was not lost with a colleague's twins made: lost %v twins %v", tr.lostCalls(), colleague)
	}
	held := map[string][]string{}
	for name, phone := range accounts {
		held[name] = hsCompaniesWithPhone(srv, phone)
		want := 2 // the call's and the colleague's
		if colleague[name] == "" {
			want = 1
		}
		if len(held[name]) != want {
			t.Errorf("HubSpot holds %d companies with %s's phone after the lost create (%v); want %d", len(held[name]), name, held[name], want)
		}
	}
	for range 2 {
		clock.step(2 * store.RetryBackoff)
		runAndErrors(t, a, def.Name)
		for name, phone := range accounts {
			if ids := hsCompaniesWithPhone(srv, phone); !slices.Equal(ids, held[name]) {
				t.Fatalf("the next run changed HubSpot's companies with %s's phone from %v to %v", name, held[name], ids)
			}
		}
	}
	name := "Twin Audit Co"
	ours := slices.DeleteFunc(slices.Clone(held[name]), func(id string) bool { return id == colleague[name] })
	if len(ours) != 1 {
		t.Fatalf("cannot tell the call's company among %v (colleague's %s)", held[name], colleague[name])
	}
	auditDecideHeldLookup(t, a, srv, clock, def.Name, src[name], append(ours, colleague[name]))
}

// TestKilledCreateTwoHitsHeld: the run dies once HubSpot made the
// company and before crmsync heard back; before the next run a colleague
// enters the same company in HubSpot. The next plan's lookup of the
// journal finds two companies holding what was sent: neither is taken
// for the create's nor is it made again, and Review holds the Account
// with one item naming the create that was cut short and both companies.
func TestKilledCreateTwoHitsHeld(t *testing.T) {
	a, srv, tr, clock := lossyClockedApp(t, 32, 6)
	def := auditPhoneCompanies(t, a)
	clock.step(time.Minute)
	const phone = "+14155550164"
	acc, err := srv.Salesforce().Create("Account", map[string]string{"Name": "Killed Twin Co", "Phone": phone})
	if err != nil {
		t.Fatal(err)
	}
	clock.step(time.Minute)
	killedRun(t, a, tr, def.Name, postTo("/companies/batch/create"))
	made := hsCompaniesWithPhone(srv, phone)
	if len(made) != 1 {
		t.Fatalf("the killed run left %d companies with the phone (%v); want the one it made", len(made), made)
	}
	colleague, err := srv.HubSpot().Create("companies", map[string]string{"name": "Killed Twin Co", "phone": phone})
	if err != nil {
		t.Fatal(err)
	}
	held := append(made, colleague.ID)
	for range 2 {
		clock.step(2 * store.RetryBackoff)
		runAndErrors(t, a, def.Name)
		if ids := hsCompaniesWithPhone(srv, phone); !slices.Equal(ids, held) {
			t.Fatalf("the next run changed HubSpot's companies with the phone from %v to %v", held, ids)
		}
	}
	auditDecideHeldLookup(t, a, srv, clock, def.Name, acc.ID, held)
}
