package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

func (u *UI) connectionsScreen() fyne.CanvasObject {
	sandbox := u.actionButton("Try the sandbox", theme.MediaPlayIcon(), u.deps.TrySandbox)
	sandbox.Importance = widget.HighImportance
	connect := u.actionButton("Connect a CRM", theme.LoginIcon(), u.deps.Connect)
	return emptyState(theme.StorageIcon(),
		"Connect your first CRM",
		"Sign in to HubSpot or Salesforce in your browser, or try the sandbox: two simulated CRMs, no account needed.",
		sandbox, connect)
}
