package app_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/app/auth"
	"github.com/crmsync/crmsync/app/secret"
	"github.com/crmsync/crmsync/sync/connector/registry"
)

// expireStoredSignIn makes the stored access token of conn past its
// expiry, as an hour's wait does, so the next call refreshes first.
func expireStoredSignIn(t *testing.T, keys *secret.Memory, conn string) {
	t.Helper()
	ctx := context.Background()
	key := "connection/" + conn + "/token"
	raw, err := keys.Get(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	var tok map[string]any
	if err := json.Unmarshal([]byte(raw), &tok); err != nil {
		t.Fatal(err)
	}
	tok["expiry"] = time.Now().Add(-time.Minute).Format(time.RFC3339)
	b, _ := json.Marshal(tok)
	if err := keys.Set(ctx, key, string(b)); err != nil {
		t.Fatal(err)
	}
}

func connectionBase(t *testing.T, a *app.App, name string) string {
	t.Helper()
	cs, err := a.Connections(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		if c.Name == name {
			return c.APIBase
		}
	}
	t.Fatalf("no connection %s", name)
	return ""
}

// TestPipedriveFollowsRenamedDomain: Pipedrive's token answer and
// every refresh carry api_domain, the company's current domain, which
// changes when an admin renames it. Renamed between runs, the next run
// (after its refresh) must read and write through the new domain: the edits
// on both sides arrive, nothing is created twice, and the connection shows
// the new domain.
func TestPipedriveFollowsRenamedDomain(t *testing.T) {
	ctx := context.Background()
	srv := startSandbox(t, 41, 12)
	keys := secret.NewMemory()
	a, err := app.Open(ctx, app.Options{Home: t.TempDir(), Secrets: keys, Vendors: registry.Vendors(), OpenBrowser: browser, RedirectPort: auth.AnyPort})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	hs, pd := srv.HubSpot(), srv.Pipedrive()
	pd.SetCompanyDomain("acme")
	for _, v := range [][2]string{{"hubspot", "hs"}, {"pipedrive", "pd"}} {
		if _, err := a.ConnectSandbox(ctx, srv, v[0], v[1]); err != nil {
			t.Fatalf("connect %s: %v", v[0], err)
		}
	}
	if base := connectionBase(t, a, "pd"); !strings.HasSuffix(base, "/domains/acme") {
		t.Fatalf("connected base %q, want the api_domain .../domains/acme", base)
	}
	saveSyncs(t, a, app.DemoPipedriveSync("people", "hs", "pd", ""))
	if res, err := a.Run(ctx, "people", app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
		t.Fatalf("first run: %v %+v", err, res.Summary)
	}
	links := len(syncLinks(t, a, "people"))
	contacts, persons := hs.Count("contacts"), pd.CountPersons()

	// The admin renames the domain; an hour later the access token has expired.
	pd.SetCompanyDomain("acme-renamed")
	pd.Auth().ExpireAllAccess()
	expireStoredSignIn(t, keys, "pd")
	if _, err := pd.CreatePerson(map[string]any{"name": "Grace Renamed", "emails": []any{map[string]any{"value": "grace.renamed@example.com", "primary": true}}}); err != nil {
		t.Fatal(err)
	}
	l := syncLinks(t, a, "people")[0]
	if _, err := hs.Update("contacts", l.AID, map[string]string{"firstname": "Renamedomain"}); err != nil {
		t.Fatal(err)
	}
	res, err := a.Run(ctx, "people", app.RunOptions{Confirm: true})
	if err != nil || res.Summary.Status != "success" {
		t.Fatalf("run after the domain was renamed: %v %+v", err, res.Summary)
	}
	if res.Summary.Created != 1 || res.Summary.Updated != 1 {
		t.Fatalf("run after the rename: %+v, want the new person created in HubSpot and the edit written to Pipedrive", res.Summary)
	}
	if hs.Count("contacts") != contacts+1 || pd.CountPersons() != persons+1 || len(syncLinks(t, a, "people")) != links+1 {
		t.Fatalf("contacts %d→%d, persons %d→%d, links %d→%d; want one new of each", contacts, hs.Count("contacts"), persons, pd.CountPersons(), links, len(syncLinks(t, a, "people")))
	}
	if base := connectionBase(t, a, "pd"); !strings.HasSuffix(base, "/domains/acme-renamed") {
		t.Fatalf("connection base %q after the rename, want .../domains/acme-renamed", base)
	}
	if again, err := a.Run(ctx, "people", app.RunOptions{Confirm: true}); err != nil || again.Summary.Status != "success" || again.Summary.Created+again.Summary.Updated != 0 {
		t.Fatalf("run after: %v %+v", err, again.Summary)
	}
}
