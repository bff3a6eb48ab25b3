package app_test

import (
	"context"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/sandbox/mailchimp"
)

// TestMailchimpArchivedLinkedNotRevived: a linked member who
// unsubscribes and is archived in Mailchimp, whose HubSpot contact is then
// renamed, must stay unsubscribed: the rename is no opt-in.
func TestMailchimpArchivedLinkedNotRevived(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 502, 12)
	if _, err := a.ConnectSandbox(ctx, srv, "mailchimp", "mc"); err != nil {
		t.Fatal(err)
	}
	hs, mc := srv.HubSpot(), srv.Mailchimp()
	list := mc.DefaultListID()
	const email = "audit.linked@acme-audit.io"
	if _, err := mc.SeedMembers(list, []mailchimp.MemberSeed{{Email: email, Status: "subscribed", MergeFields: map[string]any{"FNAME": "Ann"}}}); err != nil {
		t.Fatal(err)
	}
	h, err := hs.Create("contacts", map[string]string{"email": email, "firstname": "Ann", "lastname": "Linked"})
	if err != nil {
		t.Fatal(err)
	}
	saveSyncs(t, a, app.DemoMailchimpSync("audience", "hs", "mc"))
	if res, err := a.Run(ctx, "audience", app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
		t.Fatalf("first run: %v %+v", err, res.Summary)
	}
	time.Sleep(1100 * time.Millisecond)
	if err := mc.ContactUnsubscribe(list, email); err != nil {
		t.Fatal(err)
	}
	if err := mc.Archive(list, email); err != nil {
		t.Fatal(err)
	}
	if _, err := hs.Update("contacts", h.ID, map[string]string{"firstname": "Annie"}); err != nil {
		t.Fatal(err)
	}
	res, err := a.Run(ctx, "audience", app.RunOptions{Confirm: true})
	m, _ := mc.Member(list, email)
	if m.Status != "archived" && m.Status != "unsubscribed" {
		t.Fatalf("archived unsubscribed member is %q after a HubSpot rename (%v %+v)", m.Status, err, res.Summary)
	}
	t.Logf("run after: %v %+v; member %q", err, res.Summary, m.Status)
}

// TestMailchimpCleanedKeptOnEdit: a cleaned member whose HubSpot
// contact changes keeps its cleaned status.
func TestMailchimpCleanedKeptOnEdit(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 503, 12)
	if _, err := a.ConnectSandbox(ctx, srv, "mailchimp", "mc"); err != nil {
		t.Fatal(err)
	}
	hs, mc := srv.HubSpot(), srv.Mailchimp()
	list := mc.DefaultListID()
	const email = "Audit.Cleaned@acme-audit.io"
	if _, err := mc.SeedMembers(list, []mailchimp.MemberSeed{{Email: "audit.cleaned@acme-audit.io", Status: "cleaned", MergeFields: map[string]any{"FNAME": "Cy"}}}); err != nil {
		t.Fatal(err)
	}
	h, err := hs.Create("contacts", map[string]string{"email": email, "firstname": "Cy", "lastname": "Clean"})
	if err != nil {
		t.Fatal(err)
	}
	before := mc.Count(list)
	saveSyncs(t, a, app.DemoMailchimpSync("audience", "hs", "mc"))
	if res, err := a.Run(ctx, "audience", app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
		t.Fatalf("first run: %v %+v", err, res.Summary)
	}
	time.Sleep(1100 * time.Millisecond)
	if _, err := hs.Update("contacts", h.ID, map[string]string{"firstname": "Cyril", "email": "  " + email + " "}); err != nil {
		t.Fatal(err)
	}
	res, err := a.Run(ctx, "audience", app.RunOptions{Confirm: true})
	m, _ := mc.Member(list, "audit.cleaned@acme-audit.io")
	if m.Status != "cleaned" {
		t.Fatalf("cleaned member is %q after a HubSpot edit (%v %+v)", m.Status, err, res.Summary)
	}
	_ = before
}

// TestMailchimpCreateUpsertKeepsUnsubscribe: a person who joins the
// audience and unsubscribes while a run is planning (so the plan creates
// them) must stay unsubscribed: the create's first status (transactional)
// is for a new member only.
func TestMailchimpCreateUpsertKeepsUnsubscribe(t *testing.T) {
	ctx := context.Background()
	a, srv, tr := lossyApp(t, 504, 12, [2]string{"hubspot", "hs"}, [2]string{"mailchimp", "mc"})
	hs, mc := srv.HubSpot(), srv.Mailchimp()
	list := mc.DefaultListID()
	const email = "audit.race@acme-audit.io"
	if _, err := hs.Create("contacts", map[string]string{"email": email, "firstname": "Ray", "lastname": "Race"}); err != nil {
		t.Fatal(err)
	}
	saveSyncs(t, a, app.DemoMailchimpSync("audience", "hs", "mc"))
	var once atomic.Bool
	tr.setHook(func(r *http.Request) {
		if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/lists/"+list) && once.CompareAndSwap(false, true) {
			if _, err := mc.SeedMembers(list, []mailchimp.MemberSeed{{Email: email, Status: "subscribed"}}); err != nil {
				t.Error(err)
			}
			if err := mc.ContactUnsubscribe(list, email); err != nil {
				t.Error(err)
			}
		}
	})
	res, err := a.Run(ctx, "audience", app.RunOptions{Confirm: true})
	if !once.Load() {
		t.Fatal("no batch subscribe")
	}
	if m, _ := mc.Member(list, email); m.Status != "unsubscribed" {
		t.Fatalf("member who unsubscribed is %q after the run's create (%v %+v)", m.Status, err, res.Summary)
	}
}
