package ui

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/engine"
)

// confirmBulkDelete asks before approving many held deletes at once (an
// undo of a run that created 700 copies holds 700): one by one they took
// 700 clicks, and all at once they must not go unseen. The deletes are
// recorded off the UI goroutine (decide) and made on each sync's next run.
func (q *reviewQueue) confirmBulkDelete(items []app.ReviewView) {
	msg := fmt.Sprintf("Approving deletes %s on %s, on the next run of %s.\nUncheck any record to keep, or Cancel.",
		plural(len(items), "record"), sidesOf(items), syncsOf(items))
	dialog.NewCustomConfirm(fmt.Sprintf("Approve deleting %s?", plural(len(items), "record")), fmt.Sprintf("Delete %d", len(items)), "Cancel",
		widget.NewLabel(msg), func(ok bool) {
			if ok {
				q.decide(items, engine.Decision{Action: "delete"})
			}
		}, q.u.win).Show()
}

// sidesOf says which sides the items' records live on: "side B".
func sidesOf(items []app.ReviewView) string {
	sides := map[string]bool{}
	for _, it := range items {
		sides[it.Side] = true
	}
	if len(sides) == 1 {
		return "side " + strings.ToUpper(items[0].Side)
	}
	return "both sides"
}

// syncsOf names the items' sync, or says there are several.
func syncsOf(items []app.ReviewView) string {
	for _, it := range items[1:] {
		if it.Sync != items[0].Sync {
			return "each of their syncs"
		}
	}
	return items[0].Sync
}
