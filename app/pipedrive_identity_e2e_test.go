package app_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/app/auth"
	"github.com/crmsync/crmsync/app/secret"
	"github.com/crmsync/crmsync/store"
	"github.com/crmsync/crmsync/sync/connector/registry"
)

func pdConnRow(t *testing.T, a *app.App, name string) store.Connection {
	t.Helper()
	c, err := a.DB().Connection(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestPipedriveReconnectAfterDomainRename: a Pipedrive connection is
// its company (users/me's company_id), not its domain, which an admin can
// rename. Reconnecting the same name after a rename is accepted and keeps
// the links, and the next run writes nothing; a sign-in to another company
// is still refused.
func TestPipedriveReconnectAfterDomainRename(t *testing.T) {
	ctx := context.Background()
	srv := startSandbox(t, 41, 12)
	a, err := app.Open(ctx, app.Options{Home: t.TempDir(), Secrets: secret.NewMemory(), Vendors: registry.Vendors(), OpenBrowser: browser, RedirectPort: auth.AnyPort})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	pd := srv.Pipedrive()
	pd.SetCompanyDomain("acme")
	for _, v := range [][2]string{{"hubspot", "hs"}, {"pipedrive", "pd"}} {
		if _, err := a.ConnectSandbox(ctx, srv, v[0], v[1]); err != nil {
			t.Fatalf("connect %s: %v", v[0], err)
		}
	}
	company := strconv.FormatInt(pd.CompanyID(), 10)
	if c := pdConnRow(t, a, "pd"); c.AccountID != company || !strings.Contains(c.AccountName, "acme") {
		t.Fatalf("connected as %q (%q), want the company id %s and the domain acme named", c.AccountID, c.AccountName, company)
	}
	saveSyncs(t, a, app.DemoPipedriveSync("people", "hs", "pd", ""))
	if res, err := a.Run(ctx, "people", app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
		t.Fatalf("first run: %v %+v", err, res.Summary)
	}
	links := len(syncLinks(t, a, "people"))
	if links == 0 {
		t.Fatal("first run made no links")
	}

	pd.SetCompanyDomain("acme-renamed")
	if _, err := a.ConnectSandbox(ctx, srv, "pipedrive", "pd"); err != nil {
		t.Fatalf("reconnect after the domain was renamed: %v", err)
	}
	c := pdConnRow(t, a, "pd")
	if c.AccountID != company || !strings.Contains(c.AccountName, "acme-renamed") || !strings.HasSuffix(c.APIBase, "/domains/acme-renamed") {
		t.Fatalf("after the reconnect: account %q (%q), base %q; want company %s named acme-renamed at .../domains/acme-renamed", c.AccountID, c.AccountName, c.APIBase, company)
	}
	if n := len(syncLinks(t, a, "people")); n != links {
		t.Fatalf("links %d after the reconnect, want %d kept", n, links)
	}
	if res, err := a.Run(ctx, "people", app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" || res.Summary.Created+res.Summary.Updated+res.Summary.Deleted != 0 {
		t.Fatalf("run after the reconnect: %v %+v, want nothing written", err, res.Summary)
	}

	other := startSandbox(t, 42, 3)
	other.Pipedrive().SetCompanyDomain("acme-renamed") // a domain is no identity
	_, err = a.ConnectSandbox(ctx, other, "pipedrive", "pd")
	if err == nil || !strings.Contains(err.Error(), "connection pd is") {
		t.Fatalf("sign-in to another company: %v, want it refused", err)
	}
	if c := pdConnRow(t, a, "pd"); c.AccountID != company {
		t.Fatalf("after the refused sign-in the connection is %q, want %s", c.AccountID, company)
	}
}

// TestPipedriveFormerHostIdentity: a connection stored before the
// company id was learnt names its domain's host; reconnecting it is
// accepted and records the company id, and another company is refused.
func TestPipedriveFormerHostIdentity(t *testing.T) {
	ctx := context.Background()
	srv := startSandbox(t, 41, 8)
	a, err := app.Open(ctx, app.Options{Home: t.TempDir(), Secrets: secret.NewMemory(), Vendors: registry.Vendors(), OpenBrowser: browser, RedirectPort: auth.AnyPort})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	for _, v := range [][2]string{{"hubspot", "hs"}, {"pipedrive", "pd"}} {
		if _, err := a.ConnectSandbox(ctx, srv, v[0], v[1]); err != nil {
			t.Fatalf("connect %s: %v", v[0], err)
		}
	}
	saveSyncs(t, a, app.DemoPipedriveSync("people", "hs", "pd", ""))
	if res, err := a.Run(ctx, "people", app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
		t.Fatalf("first run: %v %+v", err, res.Summary)
	}
	c := pdConnRow(t, a, "pd")
	host := strings.TrimPrefix(srv.URL(), "http://")
	c.AccountID, c.AccountName = host, "Pipedrive "+host
	if _, err := a.DB().SaveConnection(ctx, c); err != nil {
		t.Fatal(err)
	}
	if _, err := a.ConnectSandbox(ctx, startSandbox(t, 42, 3), "pipedrive", "pd"); err == nil || !strings.Contains(err.Error(), "connection pd is") {
		t.Fatalf("another company over a former identity: %v, want it refused", err)
	}
	if _, err := a.ConnectSandbox(ctx, srv, "pipedrive", "pd"); err != nil {
		t.Fatalf("reconnect over a former identity: %v", err)
	}
	if c := pdConnRow(t, a, "pd"); c.AccountID != strconv.FormatInt(srv.Pipedrive().CompanyID(), 10) {
		t.Fatalf("reconnected as %q, want the company id recorded", c.AccountID)
	}
	if res, err := a.Run(ctx, "people", app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" || res.Summary.Created+res.Summary.Updated != 0 {
		t.Fatalf("run after: %v %+v", err, res.Summary)
	}
}
