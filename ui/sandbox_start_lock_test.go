package ui

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/app/auth"
	"github.com/crmsync/crmsync/app/secret"
	"github.com/crmsync/crmsync/sync/connector/registry"
	"github.com/crmsync/crmsync/sync/sandbox"
)

// TestWindowAnswersWhileSandboxStarts: the person starts the
// sandbox (as Try the sandbox does), which is slow to come up, presses
// Cancel on its dialog and then Reconnect on a connection's card. The tap
// runs on the UI goroutine; it must open the sign-in form while the
// sandbox is still starting, not wait for the start (the window would not
// even repaint meanwhile).
func TestWindowAnswersWhileSandboxStarts(t *testing.T) {
	ctx := context.Background()
	own, err := sandbox.Start(ctx, "127.0.0.1:0", sandbox.Options{Seed: 11, Contacts: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { own.Close() })
	a, err := app.Open(ctx, app.Options{Home: t.TempDir(), Secrets: secret.NewMemory(), Vendors: registry.Vendors(), RedirectPort: auth.AnyPort})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	if _, err := a.ConnectSandbox(ctx, own, "hubspot", "crm"); err != nil {
		t.Fatal(err)
	}

	started, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	l := &live{t: t, a: a}
	l.u = New(test.NewTempApp(t), Deps{App: a, StartSandbox: func(ctx context.Context) (*sandbox.Server, error) {
		once.Do(func() { close(started) })
		<-release // the sandbox is slow to come up
		srv, err := sandbox.Start(ctx, "127.0.0.1:0", sandbox.Options{Seed: 12, Contacts: 2})
		l.mu.Lock()
		l.srv = srv
		l.mu.Unlock()
		return srv, err
	}})
	t.Cleanup(func() {
		l.u.Close()
		l.mu.Lock()
		if l.srv != nil {
			l.srv.Close()
		}
		l.mu.Unlock()
	})
	l.ui(func() {
		l.u.ShowMain()
		l.u.Window().Resize(fyne.NewSize(1200, 800))
	})
	l.navigate(ScreenConnections)
	l.see("Reconnect")

	l.u.uiMu.Lock()
	l.u.trySandbox() // what Try the sandbox and Connect the sandbox CRMs call
	l.u.uiMu.Unlock()
	<-started
	l.u.uiMu.Lock()
	if b := buttonOnScreen(l.u.Window(), "Cancel"); b != nil {
		test.Tap(b)
	}
	l.u.uiMu.Unlock()

	var texts []string
	tapped := make(chan struct{})
	go func() {
		defer close(tapped)
		l.u.uiMu.Lock()
		defer l.u.uiMu.Unlock()
		if b := buttonOnScreen(l.u.Window(), "Reconnect"); b != nil {
			test.Tap(b)
		}
		texts = textsOnScreen(l.u.Window())
	}()
	// Only a bound on a deadlock: the tap takes no time unless it waits
	// for the sandbox's start, which waits for release below.
	select {
	case <-tapped:
		if !strings.Contains(strings.Join(texts, " "), "Client ID") {
			t.Errorf("Reconnect pressed while the sandbox starts did not open the sign-in form; texts %q", texts)
		}
	case <-time.After(30 * time.Second):
		t.Errorf("Reconnect pressed while the sandbox starts did not return: the UI goroutine waits for the start (the window freezes)")
	}
	close(release)
	<-tapped
	l.wait()
}
