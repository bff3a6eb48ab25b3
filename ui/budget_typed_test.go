package ui

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/crmsync/crmsync/store"
)

// holdWriteLock takes the data file's write lock from another connection,
// as a running sync's write transaction does, until release is called.
func holdWriteLock(t *testing.T, path string) (release func()) {
	t.Helper()
	ctx := context.Background()
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	return func() {
		if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
			t.Error(err)
		}
		conn.Close()
		db.Close()
	}
}

// TestBudgetTypedWhileBusySavesLastValue: Settings saves the daily
// API budget as it is typed, one background save per keystroke. While a
// sync holds the data file's write lock those saves wait together, and
// whichever gets the lock last is the budget kept: the field shows the
// value typed and says "Saved", but runs use an earlier one ("12" for
// "12000", or 10000 where 1000 was typed over it).
func TestBudgetTypedWhileBusySavesLastValue(t *testing.T) {
	ctx := context.Background()
	l := newLive(t)
	l.navigate(ScreenSettings)
	var budget *widget.Entry
	l.ui(func() {
		for _, e := range entriesOnScreen(l.u) {
			if e.PlaceHolder == "10000" {
				budget = e
			}
		}
	})
	if budget == nil || budget.Disabled() {
		t.Fatal("no enabled budget entry on Settings")
	}
	path := filepath.Join(l.a.Home(), store.FileName)
	for _, want := range []string{"12000", "34567", "5500", "98765"} {
		l.ui(func() { budget.SetText("") })
		release := holdWriteLock(t, path)
		l.u.uiMu.Lock() // a person typing, one keystroke after another
		test.Type(budget, want)
		l.u.uiMu.Unlock()
		time.Sleep(300 * time.Millisecond) // every save is waiting for the lock
		release()
		l.wait()
		got, err := l.a.Setting(ctx, settingBudget, "")
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Fatalf("typed %q as the daily API budget while a sync wrote; the budget saved is %q", want, got)
		}
	}
}
