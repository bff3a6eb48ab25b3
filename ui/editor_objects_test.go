package ui

import (
	"context"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2/widget"

	"github.com/crmsync/crmsync/app"
)

// The editor offers a Mailchimp connection's audiences by name, and the
// one chosen is what the saved sync reads and writes.
func TestEditorOffersMailchimpAudiences(t *testing.T) {
	l := newLive(t)
	ctx := context.Background()
	news := l.srv.Mailchimp().CreateList("Newsletter")
	newsLabel := `Audience "Newsletter" (members:` + news + `)`
	l.connectSandbox()
	l.closeDialogs()
	l.navigate(ScreenSyncs)
	l.tap("New sync")
	l.see("fields loaded")

	// Side B's connection select is the second one offering Mailchimp.
	var conn *widget.Select
	l.ui(func() {
		for _, s := range allOf[*widget.Select](l.u.Window()) {
			if slices.Contains(s.Options, demoMailchimp) {
				conn = s
			}
		}
	})
	if conn == nil {
		t.Fatal("no connection select offering the Mailchimp sandbox")
	}
	l.ui(func() { conn.SetSelected(demoMailchimp) })
	l.see(`Audience "crmsync demo audience" (members)`)
	var obj *widget.Select
	l.ui(func() {
		for _, s := range allOf[*widget.Select](l.u.Window()) {
			if slices.Contains(s.Options, newsLabel) {
				obj = s
			}
		}
	})
	if obj == nil {
		t.Fatalf("no object select offering %q", newsLabel)
	}
	l.ui(func() { obj.SetSelected(newsLabel) })
	l.see("fields loaded")
	l.see(newsLabel)
	l.tap("Accept all")
	// Match by email and skip the unmatched, so the sync can be saved
	// without mapping what Mailchimp requires of a new member.
	l.ui(func() {
		for _, s := range allOf[*widget.Select](l.u.Window()) {
			i := slices.IndexFunc(s.Options, func(o string) bool { return strings.HasPrefix(o, "email_address ") })
			switch {
			case s.Selected == "" && i >= 0: // the match rule's side B
				s.SetSelected(s.Options[i])
			case slices.Contains(s.Options, "Skip it"):
				s.SetSelected("Skip it")
			}
		}
	})
	l.tap("Save")
	syncs, err := l.a.Syncs(ctx)
	if err != nil || len(syncs) != 1 {
		t.Fatalf("syncs: %+v %v", syncs, err)
	}
	if d := syncs[0].Definition; d.B.Connection != demoMailchimp || d.B.Object != "members:"+news {
		t.Fatalf("saved side B %+v, want %s members:%s", d.B, demoMailchimp, news)
	}
}

// When the account's audiences cannot be listed (a revoked API key), the
// editor says why under the object and still offers members.
func TestEditorSaysWhyAudiencesAreMissing(t *testing.T) {
	l := newLive(t)
	ctx := context.Background()
	mc := l.srv.Mailchimp()
	key := mc.MintAPIKey()
	l.connectSandbox()
	l.closeDialogs()
	if _, err := l.a.Connect(ctx, app.ConnectRequest{Vendor: "mailchimp", Name: "mc-key", Token: key, APIBase: l.srv.URL() + "/mailchimp"}); err != nil {
		t.Fatalf("connect by API key: %v", err)
	}
	mc.RevokeAPIKey(key)
	l.navigate(ScreenSyncs)
	l.tap("New sync")
	l.see("fields loaded")
	var conn *widget.Select
	l.ui(func() {
		for _, s := range allOf[*widget.Select](l.u.Window()) {
			if slices.Contains(s.Options, "mc-key") {
				conn = s
			}
		}
	})
	if conn == nil {
		t.Fatal("no connection select offering mc-key")
	}
	l.ui(func() { conn.SetSelected("mc-key") })
	l.see("Only the standard objects are listed")
	l.see("API Key Invalid")
	l.see("members")
}
