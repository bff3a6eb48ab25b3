package ui

import "fyne.io/fyne/v2"

// Ways in for the tests that the window itself does not need.

// showValueMap edits mapping row i's value map (showRowValueMap).
func (e *editor) showValueMap(i int) {
	if i >= 0 && i < len(e.rows) && e.rows[i] != nil {
		e.showRowValueMap(e.rows[i])
	}
}

// Window returns the main window, for the tests.
func (u *UI) Window() fyne.Window { return u.win }

// SyncNow asks the scheduler for a run; false when the sync is unknown or paused.
func (b *Background) SyncNow(name string) bool { return b.sched.SyncNow(name) }
