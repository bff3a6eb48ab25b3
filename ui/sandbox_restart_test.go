package ui

import (
	"context"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/app/auth"
	"github.com/crmsync/crmsync/app/secret"
	"github.com/crmsync/crmsync/sync/connector/registry"
	"github.com/crmsync/crmsync/sync/sandbox"
)

// startLiveProcess opens the app on home with secrets (the keyring, which
// outlives the process) and a window that starts its own sandbox on Try
// the sandbox, as crmsync without --demo does.
func startLiveProcess(t *testing.T, home string, secrets secret.Store) *live {
	t.Helper()
	ctx := context.Background()
	l := &live{t: t}
	a, err := app.Open(ctx, app.Options{Home: home, Secrets: secrets, Vendors: registry.Vendors(),
		OpenBrowser: l.browse, RedirectPort: auth.AnyPort})
	if err != nil {
		t.Fatal(err)
	}
	l.a = a
	fa := test.NewTempApp(t)
	l.u = New(fa, Deps{App: a, StartSandbox: func(ctx context.Context) (*sandbox.Server, error) {
		srv, err := sandbox.Start(ctx, "127.0.0.1:0", sandbox.Options{Seed: 3, Contacts: 30})
		l.srv = srv
		return srv, err
	}})
	l.ui(func() {
		l.u.ShowMain()
		l.u.Window().Resize(fyne.NewSize(1200, 800))
	})
	return l
}

// TestTrySandboxKeepsItRunning: crmsync started without --demo has
// no sandbox; Try the sandbox starts one. It must keep running after the
// sign-ins, so the ready-made syncs it offers can be previewed and
// applied, not stop with the sign-in step and leave eight connections to
// a closed port ("The CRM could not be reached (connection refused)").
func TestTrySandboxKeepsItRunning(t *testing.T) {
	l := startLiveProcess(t, t.TempDir(), secret.NewMemory())
	t.Cleanup(func() { l.u.Close(); l.a.Close() })
	l.createDemoSyncs()
	l.see("Estimated API calls")
	hsBefore := l.srv.HubSpot().Count("contacts")
	want, err := l.a.Run(context.Background(), demoSyncName, app.RunOptions{DryRun: true})
	if err != nil {
		t.Fatalf("the demo sync cannot be previewed after Try the sandbox: %v", err)
	}
	l.tap("Apply")
	if want.Plan.NeedsConfirmation {
		l.tap("Apply anyway")
	}
	l.see("Run finished")
	if got := l.srv.HubSpot().Count("contacts"); got != hsBefore+want.Plan.Counts.CreateA {
		t.Errorf("HubSpot sandbox has %d contacts after Apply, want %d", got, hsBefore+want.Plan.Counts.CreateA)
	}
}

// TestRestartAfterTrySandbox: crmsync without --demo, Try the
// sandbox, a run applied, then crmsync quits and starts again. The
// sandbox ran inside the old process and is gone with its records. The
// window must say so, not show eight "connected" CRMs whose preview says
// "check your network connection" and whose Reconnect asks for a real
// vendor's client ID and secret, which the user does not have.
func TestRestartAfterTrySandbox(t *testing.T) {
	home := t.TempDir()
	secrets := secret.NewMemory()
	l := startLiveProcess(t, home, secrets)
	l.createDemoSyncs()
	l.closeDialogs()
	l.u.Close()
	l.a.Close()

	l2 := startLiveProcess(t, home, secrets)
	t.Cleanup(func() { l2.u.Close(); l2.a.Close() })
	l2.ui(func() { l2.u.openPreview(demoSyncName) })
	l2.see("The preview could not be made")
	l2.see("sandbox stopped when crmsync quit")
	l2.navigate(ScreenConnections)
	l2.see("sandbox stopped when crmsync quit")
	l2.tap("Reconnect")
	l2.ui(func() {
		if screenContains(l2.u.Window(), "Client ID") {
			t.Errorf("Reconnect on a sandbox connection asks for a real vendor's client ID; texts %q", textsOnScreen(l2.u.Window()))
		}
	})
	l2.see("crmsync --demo")
}
