package ui

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/crmsync/crmsync/sync/sandbox"
)

func TestDeniedConsentShowsNextStepAndStoresNothing(t *testing.T) {
	l := newLive(t)
	l.srv.HubSpot().Auth().SetDeny(true)
	l.navigate(ScreenConnections)
	l.tap("Try the sandbox")
	l.see("access_denied")
	l.see("approve the access")
	cs, _ := l.a.Connections(context.Background())
	if len(cs) != 0 {
		t.Fatalf("a denied consent stored connections: %+v", cs)
	}
}

func TestInvalidClientIDCanBeCancelled(t *testing.T) {
	l := newLive(t)
	var hs sandbox.VendorInfo
	for _, v := range l.srv.Vendors() {
		if v.Vendor == "hubspot" {
			hs = v
		}
	}
	opened := make(chan string, 1)
	l.onOpen = func(u string) { opened <- u }
	l.navigate(ScreenConnections)
	l.tap("Connect a CRM")
	l.see("Register exactly this redirect URI")
	l.see(l.a.RedirectURI("hubspot", 0))
	l.u.uiMu.Lock()
	form := allOf[*widget.Entry](l.u.Window())
	set := func(placeholder, text string) {
		for _, e := range form {
			if strings.HasPrefix(e.PlaceHolder, placeholder) && e.Text == "" {
				e.SetText(text)
				return
			}
		}
		t.Fatalf("no entry with placeholder %q", placeholder)
	}
	set("from the app you registered", "not-a-real-client")
	set("default: the vendor", hs.APIBase)
	set("default: the vendor", hs.AuthURL)
	set("default: the vendor", hs.TokenURL)
	test.Tap(buttonOnScreen(l.u.Window(), "Connect"))
	l.u.uiMu.Unlock()
	got := <-opened // the sandbox answered the browser with "unknown client_id"
	if !strings.Contains(got, "client_id=not-a-real-client") {
		t.Fatalf("consent URL %q", got)
	}
	l.u.uiMu.Lock()
	if !screenContains(l.u.Window(), "Waiting for you to approve") {
		t.Errorf("no waiting dialog; texts %q", textsOnScreen(l.u.Window()))
	}
	test.Tap(buttonOnScreen(l.u.Window(), "Cancel"))
	l.u.uiMu.Unlock()
	l.wait()
	l.ui(func() {
		if screenContains(l.u.Window(), "Something went wrong") {
			t.Errorf("a cancel is not an error; texts %q", textsOnScreen(l.u.Window()))
		}
	})
	if cs, _ := l.a.Connections(context.Background()); len(cs) != 0 {
		t.Fatalf("cancelled connect stored %+v", cs)
	}
}

func allOf[T fyne.CanvasObject](w fyne.Window) []T {
	var out []T
	c := w.Canvas()
	for _, root := range append([]fyne.CanvasObject{c.Content()}, c.Overlays().List()...) {
		for _, o := range test.LaidOutObjects(root) {
			if v, ok := o.(T); ok {
				out = append(out, v)
			}
		}
	}
	return out
}

func TestRemovedConnectionAndLostNetwork(t *testing.T) {
	l := newLive(t)
	ctx := context.Background()
	l.createDemoSyncs()

	// The network goes away: the preview says so and what to do.
	l.srv.Close()
	l.ui(func() { l.u.openPreview(demoSyncName) })
	l.see("The preview could not be made")
	l.see("check your network")
	if _, err := l.a.Sync(ctx, demoSyncName); err != nil {
		t.Fatalf("the sync was lost: %v", err)
	}

	// A connection removed under a sync: the card says how to fix it and
	// the editor names the missing connection; the sync is kept.
	if err := l.a.DB().DeleteConnection(ctx, demoHubSpot); err != nil {
		t.Fatal(err)
	}
	l.navigate(ScreenSyncs)
	l.see("was removed")
	l.ui(func() { l.u.openEditor(demoSyncName) })
	l.see("no longer exists")
	if _, err := l.a.Sync(ctx, demoSyncName); err != nil {
		t.Fatalf("the sync was lost: %v", err)
	}
}
