package ui

import (
	"context"
	"slices"
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

	l.choose(demoMailchimp) // side B's connection: the last select offering it
	l.see(`Audience "crmsync demo audience" (members)`)
	l.choose(newsLabel)
	l.see("fields loaded")
	l.see(newsLabel)
	l.tap("Accept all")
	// Match by email and skip the unmatched, so the sync can be saved
	// without mapping what Mailchimp requires of a new member.
	l.ui(func() {
		for _, p := range allOf[*fieldPicker](l.u.Window()) {
			if p.Selected == "" && p.offers("email_address") { // the match rule's side B
				p.SetSelected("email_address")
			}
		}
		for _, s := range allOf[*widget.Select](l.u.Window()) {
			if slices.Contains(s.Options, "Skip it") {
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
	l.choose("mc-key")
	l.see("Only the standard objects are listed")
	l.see("API Key Invalid")
	l.see("members")
}

// choose picks option in the last select on screen offering it, as a user
// would in side B's column.
func (l *live) choose(option string) {
	l.t.Helper()
	var sel *widget.Select
	l.ui(func() {
		for _, s := range allOf[*widget.Select](l.u.Window()) {
			if slices.Contains(s.Options, option) {
				sel = s
			}
		}
	})
	if sel == nil {
		l.t.Fatalf("no select on screen offers %q", option)
	}
	l.ui(func() { sel.SetSelected(option) })
}

// A fixed object whose API name hides what it holds is offered with its
// label, and choosing it sets the object by name.
func TestEditorLabelsFixedObjects(t *testing.T) {
	l := newLive(t)
	l.connectSandbox()
	l.closeDialogs()
	l.navigate(ScreenSyncs)
	l.tap("New sync")
	l.see("fields loaded")
	l.choose(demoDynamics) // side B
	l.choose("Notes (annotations)")
	l.see("fields loaded")
	l.see(demoDynamics + " annotations field (B)")
}
