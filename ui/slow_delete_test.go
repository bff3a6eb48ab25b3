package ui

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/crmsync/crmsync/store"
)

// TestDeleteSyncWhileDataFileBusy: deleting a sync removes its links
// and history from the data file, which waits while another writer (the
// CLI's run, a large sync's commit) holds it. Meanwhile the window answers
// and the card says the delete is under way, its buttons off, so a second
// press cannot delete again a sync already gone ("Something went wrong:
// no sync named").
func TestDeleteSyncWhileDataFileBusy(t *testing.T) {
	ctx := context.Background()
	l := newLive(t)
	connectDemoContacts(t, l)
	l.navigate(ScreenSyncs)
	l.see("Delete")

	// Another writer holds the data file, as another process may.
	other, err := sql.Open("sqlite", filepath.Join(l.a.Home(), store.FileName))
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	conn, err := other.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	press := func() {
		if b := buttonOnScreen(l.u.Window(), "Delete"); b != nil {
			test.Tap(b)
			if yes := buttonOnScreen(l.u.Window(), "Yes"); yes != nil {
				test.Tap(yes)
			}
		}
	}
	l.u.uiMu.Lock()
	press()
	l.u.uiMu.Unlock()
	l.u.uiMu.Lock()
	texts := textsOnScreen(l.u.Window()) // the window answers meanwhile
	press()                              // and the person presses again
	l.u.uiMu.Unlock()
	if _, err := conn.ExecContext(ctx, "ROLLBACK"); err != nil {
		t.Fatal(err)
	}
	l.wait()
	if !strings.Contains(strings.Join(texts, " "), "Deleting") {
		t.Errorf("nothing on screen says the delete is under way; texts %q", texts)
	}
	if _, err := l.a.Sync(ctx, "contacts"); err == nil {
		t.Error("the sync is still stored")
	}
	l.ui(func() { texts = textsOnScreen(l.u.Window()) })
	if strings.Contains(strings.Join(texts, " "), "Something went wrong") {
		t.Fatalf("a second press deleted again and failed; texts %q", texts)
	}
}
