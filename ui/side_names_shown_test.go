package ui

import (
	"context"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/app"
)

// sideNamesOf names a saved sync's sides as the person set them up:
// connection and object.
func sideNamesOf(t *testing.T, l *live, sync string) (string, string) {
	t.Helper()
	v, err := l.a.Sync(context.Background(), sync)
	if err != nil {
		t.Fatal(err)
	}
	return v.Definition.A.Connection + " " + v.Definition.A.Object, v.Definition.B.Connection + " " + v.Definition.B.Object
}

// tileOf is the caption of a preview tile of sync's: verb ("create",
// "update", "read") in side's connection and object.
func tileOf(t *testing.T, l *live, sync, verb, side string) string {
	t.Helper()
	a, b := sideNamesOf(t, l, sync)
	if side == "b" {
		a = b
	}
	return verb + " in " + a
}

// textAfter is what the screen reads from the first want on, up to n
// characters; a wrapped label draws each of its lines as its own text.
func textAfter(l *live, want string, n int) string {
	var texts []string
	l.ui(func() { texts = textsOnScreen(l.u.Window()) })
	all := strings.Join(texts, " ")
	i := strings.Index(all, want)
	if i < 0 {
		return ""
	}
	return all[i:min(len(all), i+n)]
}

// TestPreviewCallsNameCRMs: the preview's estimated API calls say
// which CRM each count goes to by connection and object, not "A 3, B 2".
func TestPreviewCallsNameCRMs(t *testing.T) {
	l := newLive(t)
	connectDemoContacts(t, l)
	nameA, nameB := sideNamesOf(t, l, "contacts")
	l.ui(func() { l.u.openPreview("contacts") })
	l.wait()
	l.see("Estimated API calls")
	if s := textAfter(l, "Estimated API calls", 120); !strings.Contains(s, nameA) || !strings.Contains(s, nameB) {
		t.Fatalf("the estimated calls do not name %q and %q: %q", nameA, nameB, s)
	}
}

// TestRunDetailNamesCRMs: History's run detail says how many API
// calls went to each CRM by name, as "Run finished" did, not "A 12, B 3".
func TestRunDetailNamesCRMs(t *testing.T) {
	l := newLive(t)
	connectDemoContacts(t, l)
	nameA, nameB := sideNamesOf(t, l, "contacts")
	res, err := l.a.Run(context.Background(), "contacts", app.RunOptions{Confirm: true})
	if err != nil || res.Summary == nil {
		t.Fatalf("run: %v", err)
	}
	l.ui(func() { l.u.openRunDetail(res.Summary.RunID) })
	l.wait()
	if s := textAfter(l, "API calls", 100); !strings.Contains(s, nameA) || !strings.Contains(s, nameB) {
		t.Fatalf("the run's API calls do not name %q and %q: %q", nameA, nameB, s)
	}
}

// TestReviewNamesCRMs: a Review item names its record's CRM and each
// candidate's by connection and object, not "side A record 1001".
func TestReviewNamesCRMs(t *testing.T) {
	l := newLive(t)
	janeHS, janeSF, def := mergedJaneHeld(t, l)
	nameA, nameB := sideNamesOf(t, l, def.Name)
	l.navigate(ScreenReview)
	l.choose("ambiguous")
	l.see(janeSF.ID)
	if s := textAfter(l, "ambiguous: ", 100); !strings.HasPrefix(s, "ambiguous: "+nameA+" record "+janeHS) {
		t.Errorf("the item's heading does not name %q: %q", nameA, s)
	}
	if s := textAfter(l, nameB+" "+janeSF.ID, 100); !strings.Contains(s, "match rule") {
		t.Errorf("the candidate %s is not named by %q: %q", janeSF.ID, nameB, s)
	}
	// The side-by-side comparison under it says whose records it compares.
	if s := textAfter(l, "This record: ", 100); !strings.HasPrefix(s, "This record: "+nameA+" "+janeHS+" · counterpart: "+nameB+" ") {
		t.Errorf("the comparison does not name %q and %q: %q", nameA, nameB, s)
	}
}
