package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

func (u *UI) historyScreen() fyne.CanvasObject {
	return emptyState(theme.HistoryIcon(),
		"No runs yet",
		"Every run appears here with its counts, API calls and errors. Any run can be undone.")
}
