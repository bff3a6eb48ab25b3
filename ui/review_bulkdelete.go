package ui

import (
	"fmt"
	"slices"
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

// sidesOf names the CRMs the items' records live in:
// "salesforce-sandbox Contact", or up to three joined.
func sidesOf(items []app.ReviewView) string {
	var names []string
	for _, it := range items {
		if n := it.Sides.Of(it.Side); !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	if len(names) > 3 {
		return "several CRMs"
	}
	return strings.Join(names, " and ")
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
