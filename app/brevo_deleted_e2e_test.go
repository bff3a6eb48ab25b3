package app_test

import (
	"context"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/sandbox/brevo"
)

// TestBrevoDeletedBlacklistedNotRecreated: a contact blacklisted and
// then deleted in Brevo, whose HubSpot contact is then renamed, must not
// come back in Brevo as a contact that is not blacklisted.
func TestBrevoDeletedBlacklistedNotRecreated(t *testing.T) {
	t.Parallel() // waits on the vendors' clocks and polls, not the CPU; shares nothing
	ctx := context.Background()
	a, srv := connectedSandbox(t, 511, 12)
	if _, err := a.ConnectSandbox(ctx, srv, "brevo", "bv"); err != nil {
		t.Fatal(err)
	}
	hs, bv := srv.HubSpot(), srv.Brevo()
	const email = "audit.bl@acme-audit.io"
	ids, err := bv.SeedContacts([]brevo.ContactSeed{{Email: email, Attributes: map[string]any{"FIRSTNAME": "Bo"}}})
	if err != nil {
		t.Fatal(err)
	}
	h, err := hs.Create("contacts", map[string]string{"email": email, "firstname": "Bo", "lastname": "Black"})
	if err != nil {
		t.Fatal(err)
	}
	saveSyncs(t, a, app.DemoBrevoSync("brevo", "hs", "bv"))
	if res, err := a.Run(ctx, "brevo", app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
		t.Fatalf("first run: %v %+v", err, res.Summary)
	}
	time.Sleep(1100 * time.Millisecond)
	if err := bv.Unsubscribe(email); err != nil {
		t.Fatal(err)
	}
	key := bv.MintAPIKey()
	req, _ := http.NewRequest("DELETE", srv.URL()+"/brevo/v3/contacts/"+strconv.FormatInt(ids[0], 10)+"?identifierType=contact_id", nil)
	req.Header.Set("api-key", key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != http.StatusNoContent {
		t.Fatalf("delete: %v %v", err, resp)
	}
	resp.Body.Close()
	if _, ok := bv.ContactByEmail(email); ok {
		t.Fatal("still there")
	}
	time.Sleep(1100 * time.Millisecond)
	if _, err := hs.Update("contacts", h.ID, map[string]string{"firstname": "Bob"}); err != nil {
		t.Fatal(err)
	}
	res, err := a.Run(ctx, "brevo", app.RunOptions{Confirm: true})
	t.Logf("run after the delete: %v %+v", err, res.Summary)
	if c, ok := bv.ContactByEmail(email); ok && !c.EmailBlacklisted {
		t.Fatalf("contact blacklisted then deleted in Brevo came back not blacklisted: %+v", c)
	}
}
