//go:build ci

package ui

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/container"

	"github.com/crmsync/crmsync/app"
)

// TestUndoPreviewNamesOtherSyncsNewerWrite: HubSpot contacts are
// synced with Salesforce (contacts) and Pipedrive (pd-contacts). Run N of
// contacts copies a Salesforce first name to HubSpot; later pd-contacts
// writes the same name there again, after a person's edit in between. The
// preview of run N's undo must say pd-contacts' run wrote it since, and
// undoing from it must keep that newer write.
func TestUndoPreviewNamesOtherSyncsNewerWrite(t *testing.T) {
	ctx := context.Background()
	l := newLive(t)
	contactsSyncedOnce(t, l)
	if _, err := l.a.ConnectSandbox(ctx, l.srv, "pipedrive", "pd"); err != nil {
		t.Fatal(err)
	}
	if err := l.a.SaveSync(ctx, app.DemoPipedriveSync("pd-contacts", demoHubSpot, "pd", "")); err != nil {
		t.Fatal(err)
	}
	if res, err := l.a.Run(ctx, "pd-contacts", app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
		t.Fatalf("first pd-contacts run: %v %+v", err, res.Summary)
	}
	pdRow, err := l.a.DB().Sync(ctx, "pd-contacts")
	if err != nil {
		t.Fatal(err)
	}
	pdLinks, err := l.a.DB().Links(ctx, pdRow.ID)
	if err != nil {
		t.Fatal(err)
	}
	pdOf := map[string]string{}
	for _, lk := range pdLinks {
		pdOf[lk.AID] = lk.BID
	}
	links, err := contactsLinks(t, l)
	if err != nil {
		t.Fatal(err)
	}
	hs, sf, pd := l.srv.HubSpot(), l.srv.Salesforce(), l.srv.Pipedrive()
	var hsID, sfID string
	var pdID int64
	for _, lk := range links {
		h, _ := hs.Get("contacts", lk.AID)
		if p, ok := pdOf[lk.AID]; ok && h.Properties["lastname"] != "" && !strings.Contains(h.Properties["lastname"], " ") {
			hsID, sfID = lk.AID, lk.BID
			pdID, _ = strconv.ParseInt(p, 10, 64)
			break
		}
	}
	if hsID == "" {
		t.Fatal("no HubSpot contact linked by both syncs")
	}
	h, _ := hs.Get("contacts", hsID)
	last := h.Properties["lastname"]
	run := func(name string) int64 {
		time.Sleep(1100 * time.Millisecond) // the vendors keep modified times to the second
		res, err := l.a.Run(ctx, name, app.RunOptions{Confirm: true})
		if err != nil || res.Summary.Updated != 1 {
			t.Fatalf("%s run: %v %+v", name, err, res.Summary)
		}
		return res.Summary.RunID
	}
	if _, err := sf.Update("Contact", sfID, map[string]string{"FirstName": "Xena"}); err != nil {
		t.Fatal(err)
	}
	runN := run("contacts")
	if _, err := hs.Update("contacts", hsID, map[string]string{"firstname": "Zed"}); err != nil {
		t.Fatal(err)
	}
	run("pd-contacts")
	if _, err := pd.UpdatePerson(pdID, map[string]any{"name": "Xena " + last}); err != nil {
		t.Fatal(err)
	}
	runM := run("pd-contacts")
	l.ui(func() { l.u.openUndoPreview(runN, "contacts") })
	l.see(fmt.Sprintf("Undo run %d of contacts", runN))
	l.ui(func() {
		tabs := firstOf[*container.AppTabs](l.u.Window())
		for i, it := range tabs.Items {
			if strings.HasPrefix(it.Text, "Review (") {
				tabs.SelectIndex(i)
			}
		}
	})
	l.see(fmt.Sprintf("run %d of sync pd-contacts wrote", runM))
	l.tap("Undo this run")
	l.wait()
	if got, _ := hs.Get("contacts", hsID); got.Properties["firstname"] != "Xena" {
		t.Errorf("undoing run %d from its preview overwrote pd-contacts run %d's firstname: %q", runN, runM, got.Properties["firstname"])
	}
}
