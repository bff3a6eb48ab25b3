package cli_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/app/auth"
	"github.com/crmsync/crmsync/sync/connector/registry"
	"github.com/crmsync/crmsync/sync/schedule"
)

// TestRunAllBesideRunningSync: `crmsync sync run --all` while the
// window's scheduled run of contacts is under way. The window's Sync all
// counts contacts as "already running, not started again", not as failed;
// the command line must agree: exit 0 when everything else ran, and a line
// that says contacts is already running rather than "not every sync ran".
func TestRunAllBesideRunningSync(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t)
	window := windowBeside(t, h)
	if err := window.SaveSync(ctx, app.DemoCompaniesSync("companies", "hs", "sf")); err != nil {
		t.Fatal(err)
	}
	if err := window.SaveSync(ctx, app.DemoSyncWithCompanies("contacts", "hs", "sf", "companies")); err != nil {
		t.Fatal(err)
	}
	if _, err := window.RunAll(ctx, app.RunOptions{Confirm: true}, nil); err != nil {
		t.Fatal(err)
	}
	row, err := window.DB().Sync(ctx, "contacts")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := window.DB().OpenRun(ctx, row.ID, schedule.TriggerSchedule, 0); err != nil { // the window's background run
		t.Fatal(err)
	}

	out, errs, code := h.runHere(ctx, http.DefaultTransport, "sync", "run", "--all")
	if code != 0 {
		t.Errorf("sync run --all beside a running contacts sync: exit %d; want 0 (companies ran, contacts is being synced)\nstdout: %s\nstderr: %s", code, out, errs)
	}
	var contactsLine string
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "contacts: ") {
			contactsLine = l
		}
	}
	if !strings.Contains(contactsLine, "already running") {
		t.Errorf("contacts' line %q does not say it is already running\nstdout: %s", contactsLine, out)
	}
	if strings.Contains(out+errs, "not every sync ran") {
		t.Errorf("a sync already running is reported as one that did not run:\n%s%s", out, errs)
	}

	out, errs, code = h.runHere(ctx, http.DefaultTransport, "sync", "run", "--all", "--json")
	var parts []struct {
		Sync           string `json:"sync"`
		AlreadyRunning bool   `json:"already_running"`
		Error          string `json:"error"`
	}
	if err := json.Unmarshal([]byte(out), &parts); err != nil || code != 0 {
		t.Fatalf("sync run --all --json: exit %d, %v\nstdout: %s\nstderr: %s", code, err, out, errs)
	}
	for _, p := range parts {
		if p.Sync == "contacts" && (!p.AlreadyRunning || p.Error != "") {
			t.Errorf("--json for the running contacts sync: %+v; want already_running and no error", p)
		}
	}
}

// windowBeside opens the window's app on h's data folder, with the
// sandbox's HubSpot and Salesforce connected as hs and sf, for a test of
// the command line run beside it.
func windowBeside(t *testing.T, h *harness) *app.App {
	t.Helper()
	ctx := context.Background()
	srv, _ := h.startSandboxHere()
	secrets, err := testSecretsFor(h.secrets)
	if err != nil {
		t.Fatal(err)
	}
	window, err := app.Open(ctx, app.Options{Home: h.home, Secrets: secrets, Vendors: registry.Vendors(), RedirectPort: auth.AnyPort})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { window.Close() })
	for _, v := range [][2]string{{"hubspot", "hs"}, {"salesforce", "sf"}} {
		if _, err := window.ConnectSandbox(ctx, srv, v[0], v[1]); err != nil {
			t.Fatalf("connect %s: %v", v[0], err)
		}
	}
	return window
}
