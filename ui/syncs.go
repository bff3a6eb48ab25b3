package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

func (u *UI) syncsScreen() fyne.CanvasObject {
	return emptyState(theme.ViewRefreshIcon(),
		"Create a sync after connecting two CRMs",
		"A sync says which records flow between two connections, field by field, and how conflicts are settled.",
		u.actionButton("New sync", theme.ContentAddIcon(), u.deps.NewSync))
}
