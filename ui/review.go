package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

func (u *UI) reviewScreen() fyne.CanvasObject {
	return emptyState(theme.ConfirmIcon(),
		"Nothing needs your attention",
		"Unmatched records, ambiguous matches, conflicts and held deletes will wait here for your decision.")
}
