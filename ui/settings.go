package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

func (u *UI) settingsScreen() fyne.CanvasObject {
	prefs := u.app.Preferences()
	themeChoice := widget.NewRadioGroup([]string{themeSystem, themeLight, themeDark}, nil)
	themeChoice.Horizontal = true
	themeChoice.SetSelected(prefs.StringWithFallback(prefTheme, themeSystem))
	themeChoice.OnChanged = func(choice string) {
		if choice == "" { // radio groups allow deselecting; keep a choice
			themeChoice.SetSelected(themeSystem)
			return
		}
		prefs.SetString(prefTheme, choice)
		applyThemeChoice(u.app, choice)
	}

	home := u.deps.HomeDir
	if home == "" {
		home = "(not set)"
	}
	folder := widget.NewLabel(home)
	folder.Selectable = true
	folder.Wrapping = fyne.TextWrapBreak

	form := widget.NewForm(
		widget.NewFormItem("Appearance", themeChoice),
		widget.NewFormItem("Data folder", folder),
	)
	title := widget.NewLabelWithStyle("Settings", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	return container.NewPadded(container.NewVBox(title, form))
}
