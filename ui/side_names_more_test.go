package ui

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/store"
	"github.com/crmsync/crmsync/sync/engine"
)

// auditLineWith is the first text on screen holding s, "" if none.
func auditLineWith(l *live, s string) string {
	var texts []string
	l.ui(func() { texts = textsOnScreen(l.u.Window()) })
	for _, x := range texts {
		if strings.Contains(x, s) {
			return x
		}
	}
	return ""
}

// TestRunWarningsNameCRMs: a run's engine warning said "003… on
// side B is no longer deleted" in "Run finished" and in History's
// Warnings tab, where the rest of both names the CRMs. It names the
// Salesforce side by its connection and object.
func TestRunWarningsNameCRMs(t *testing.T) {
	l := newLiveContacts(t, 8)
	sfID := warnedContact(t, l, "manual")
	_, nameB := sideNamesOf(t, l, "contacts")
	l.navigate(ScreenSyncs)
	l.tap("Sync now")
	l.see("Run finished")
	l.see("1 warning:")
	check := func(where string) {
		t.Helper()
		line := auditLineWith(l, sfID+" ")
		if line == "" {
			t.Fatalf("%s: no line names %s", where, sfID)
		}
		if m := auditSideLetter.FindString(line); m != "" || !strings.Contains(line, sfID+" in "+nameB) {
			t.Errorf("%s: the warning says %q, not %q: %q", where, m, nameB, line)
		}
	}
	check("Run finished")
	runs, err := l.a.Runs(context.Background(), "contacts", 1)
	if err != nil || len(runs) != 1 {
		t.Fatalf("runs: %+v %v", runs, err)
	}
	l.closeDialogs()
	l.navigate(ScreenHistory)
	l.ui(func() { l.u.openRunDetail(runs[0].Run.ID) })
	l.see("Warnings (1)")
	check("History")
}

// TestPreviewReviewTabNamesCRMs: the preview's own Review tab said
// "2 records on side B share email …", where Review itself names the CRM.
func TestPreviewReviewTabNamesCRMs(t *testing.T) {
	l := newLive(t)
	ctx := context.Background()
	connectHubSpotAndSalesforce(t, l)
	for range 2 {
		if _, err := l.srv.Salesforce().Create("Contact", map[string]string{"FirstName": "Ola", "LastName": "Twin", "Email": "ola.twin@look-alike.example"}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := l.srv.HubSpot().Create("contacts", map[string]string{"firstname": "Ola", "lastname": "Twin", "email": "ola.twin@look-alike.example"}); err != nil {
		t.Fatal(err)
	}
	if err := l.a.SaveSync(ctx, app.DemoSync("twins", demoHubSpot, demoSalesforce)); err != nil {
		t.Fatal(err)
	}
	_, nameB := sideNamesOf(t, l, "twins")
	l.ui(func() { l.u.openPreview("twins") })
	l.see("Preview of twins")
	l.ui(func() {
		tabs := firstOf[*container.AppTabs](l.u.Window())
		for i, it := range tabs.Items {
			if strings.HasPrefix(it.Text, "Review (") {
				tabs.SelectIndex(i)
			}
		}
	})
	line := auditLineWith(l, "share email")
	if line == "" {
		t.Fatal("the preview's Review tab lists no item of the twins")
	}
	if m := auditSideLetter.FindString(line); m != "" || !strings.Contains(line, "records in "+nameB+" share") {
		t.Errorf("the preview's Review tab says %q, not %q: %q", m, nameB, line)
	}
}

// TestReasonKeepsConnectionName: a reason that begins with a side,
// as the engine stores "side B (…) took …", began "Salesforce-sandbox
// Contact" in Review: the sentence's capital letter changed the
// connection's name.
func TestReasonKeepsConnectionName(t *testing.T) {
	u := newTestUI(t, Deps{})
	u.Window().Resize(defaultSize)
	names := app.SideNames{"hubspot-sandbox contacts", "salesforce-sandbox Contact"}
	reason := "side B (ola@x.example) took 101 on side A for a likely duplicate of this record, and 101 was skipped in review (item 4): create this one on side A anyway, link the two, or skip it too"
	detail, _ := json.Marshal(map[string]any{"reason": reason})
	it := app.ReviewView{ReviewRow: store.ReviewRow{ID: 9, Kind: "ambiguous", Side: "b", RecordID: "0038d00000ABCDEFGH", Detail: string(detail)}, Sync: "contacts", Sides: names}
	q := &reviewQueue{u: u}
	u.openPane(q.detailView(it, decodeDetail(it), records{}))
	if !screenContains(u.Window(), names[1]+" (ola@x.example) took") {
		t.Errorf("the reason does not begin with the connection's own name %q: %q", names[1], textsOnScreen(u.Window()))
	}
}

// TestReviewTakeButtonsNameCRMs: a conflict's buttons said "Take A
// (A)" and "Take B (B)" beside values named by their CRMs. They name the
// CRM whose value each keeps; the key stays the letter.
func TestReviewTakeButtonsNameCRMs(t *testing.T) {
	l := newLive(t)
	connectHubSpotAndSalesforce(t, l)
	def := app.DemoSync("contacts", demoHubSpot, demoSalesforce)
	def.Conflict = engine.ConflictReview
	lk := savedAndLinked(t, l, def)
	time.Sleep(5 * time.Millisecond)
	if _, err := l.srv.HubSpot().Update("contacts", lk.AID, map[string]string{"firstname": "Augusta"}); err != nil {
		t.Fatal(err)
	}
	if _, err := l.srv.Salesforce().Update("Contact", lk.BID, map[string]string{"FirstName": "Ada"}); err != nil {
		t.Fatal(err)
	}
	if _, err := l.a.Run(context.Background(), def.Name, app.RunOptions{Confirm: true}); err != nil {
		t.Fatal(err)
	}
	nameA, nameB := sideNamesOf(t, l, "contacts")
	l.navigate(ScreenReview)
	l.choose("conflict")
	l.see("Augusta")
	l.ui(func() {
		for _, label := range []string{"Take A (A)", "Take B (B)"} {
			if buttonOnScreen(l.u.Window(), label) != nil {
				t.Errorf("a conflict's button says %q", label)
			}
		}
	})
	l.ui(func() {
		if w := l.u.Window().Content().MinSize().Width; w > defaultSize.Width {
			t.Errorf("Review with the named buttons needs %.0f px, wider than the window's default %.0f", w, defaultSize.Width)
		}
	})
	l.tap("Take " + nameA + " (A)")
	l.wait()
	l.tap("Take " + nameB + " (B)")
}

// auditCardTitles are the titles of the cards on screen.
func auditCardTitles(l *live) []string {
	var out []string
	l.ui(func() {
		visibleObjects(l.u.Window().Canvas().Content(), func(o fyne.CanvasObject) {
			c, ok := o.(*widget.Card)
			if !ok || c.Content == nil {
				return
			}
			// A side's CRM is the bold label atop its card.
			if box, ok := c.Content.(*fyne.Container); ok && len(box.Objects) > 0 {
				if lb, ok := box.Objects[0].(*widget.Label); ok && lb.TextStyle.Bold && lb.Visible() {
					out = append(out, lb.Text)
				}
			}
		})
	})
	return out
}

// TestEditorSidesNameCRMs: the editor's two sides were titled "Side
// A" and "Side B" above their connection pickers and named no CRM. Each
// names the CRM chosen atop it, and follows a change of object; the
// letter the direction and policy choices use stays its title.
func TestEditorSidesNameCRMs(t *testing.T) {
	l := newLive(t)
	connectDemoContacts(t, l)
	nameA, nameB := sideNamesOf(t, l, "contacts")
	l.ui(func() { l.u.openEditor("contacts") })
	l.wait()
	titles := auditCardTitles(l)
	if !slices.Contains(titles, nameA) || !slices.Contains(titles, nameB) {
		t.Fatalf("the editor's sides are named %q, not %q and %q", titles, nameA, nameB)
	}
	l.see("Side A")
	var obj string
	l.ui(func() {
		// The object pickers are the selects not choosing a connection.
		var objs []*widget.Select
		visibleObjects(l.u.Window().Canvas().Content(), func(o fyne.CanvasObject) {
			if s, ok := o.(*widget.Select); ok && s.Selected != "" && s.Selected != demoHubSpot && s.Selected != demoSalesforce && !slices.Contains(s.Options, demoHubSpot) {
				objs = append(objs, s)
			}
		})
		var sel *widget.Select
		for _, s := range objs {
			if strings.Contains(s.Selected, "Contact") && !strings.Contains(s.Selected, "contacts") {
				sel = s // Salesforce's Contact, not HubSpot's contacts
			}
		}
		if sel == nil {
			t.Errorf("no object picker shows Contact: %d pickers", len(objs))
			return
		}
		for _, o := range sel.Options {
			if o != sel.Selected && obj == "" {
				obj = o
				sel.SetSelected(o)
			}
		}
	})
	l.wait()
	if obj == "" {
		t.Fatal("Salesforce offers no other object")
	}
	if titles := auditCardTitles(l); slices.Contains(titles, nameB) {
		t.Errorf("side B's title still says %q after choosing %q: %q", nameB, obj, titles)
	}
}
