package ui

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/crmsync/crmsync/sync/sandbox"
)

// Dynamics 365 has no one API address: the Add dialog asks for the
// organization's URL beside the client ID, says what is missing when it is
// blank, and connects through the organization's own scope once given.
func TestDynamicsAsksForItsOrganizationURL(t *testing.T) {
	l := newLive(t)
	var dv sandbox.VendorInfo
	for _, v := range l.srv.Vendors() {
		if v.Vendor == "dynamics" {
			dv = v
		}
	}
	l.navigate(ScreenConnections)
	l.tap("Connect a CRM")
	orgShown := func() bool {
		for _, e := range allOf[*widget.Entry](l.u.Window()) {
			if e.PlaceHolder == "https://contoso.crm.dynamics.com" {
				return e.Visible()
			}
		}
		return false
	}
	l.ui(func() {
		if orgShown() {
			t.Error("the organization URL is asked for HubSpot")
		}
		for _, s := range allOf[*widget.Select](l.u.Window()) {
			if strings.Contains(strings.Join(s.Options, ","), "Dynamics 365") {
				s.SetSelected("Dynamics 365")
			}
		}
	})
	l.see("Organization URL")
	set := func(placeholder, text string) {
		for _, e := range allOf[*widget.Entry](l.u.Window()) {
			if strings.HasPrefix(e.PlaceHolder, placeholder) && e.Text == "" {
				e.SetText(text)
				return
			}
		}
		t.Fatalf("no entry with placeholder %q", placeholder)
	}
	l.ui(func() {
		if !orgShown() {
			t.Error("the organization URL is not asked for Dynamics 365")
		}
		set("from the app you registered", dv.ClientID)
		test.Tap(buttonOnScreen(l.u.Window(), "Connect"))
	})
	l.see("One more thing")
	l.see("organization's URL")
	l.closeDialogs()
	if cs, _ := l.a.Connections(context.Background()); len(cs) != 0 {
		t.Fatalf("connected without an organization URL: %+v", cs)
	}

	l.ui(func() {
		set("https://contoso.crm.dynamics.com", dv.APIBase)
		// Advanced: the API base stays empty (the organization URL is
		// it); the sign-in goes to the sandbox's identity platform.
		var adv []*widget.Entry
		for _, e := range allOf[*widget.Entry](l.u.Window()) {
			if strings.HasPrefix(e.PlaceHolder, "default: the vendor") {
				adv = append(adv, e)
			}
		}
		if len(adv) != 3 {
			t.Fatalf("%d custom endpoint entries, want API base, auth and token URL", len(adv))
		}
		adv[1].SetText(dv.AuthURL)
		adv[2].SetText(dv.TokenURL)
		test.Tap(buttonOnScreen(l.u.Window(), "Connect"))
	})
	l.wait()
	cs, err := l.a.Connections(context.Background())
	if err != nil || len(cs) != 1 || cs[0].Vendor != "dynamics" || cs[0].APIBase != dv.APIBase {
		t.Fatalf("connections: %+v %v", cs, err)
	}
	l.mu.Lock()
	opened := strings.Join(l.opened, " ")
	l.mu.Unlock()
	if !strings.Contains(opened, "scope="+url.QueryEscape(dv.APIBase+"/user_impersonation")) {
		t.Fatalf("the consent page did not ask for the organization's scope: %s", opened)
	}
}
