package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// emptyState is the centred "what to do next" block every screen shows
// before it has content: an icon, a headline, one line of help, actions.
func emptyState(icon fyne.Resource, headline, help string, actions ...fyne.CanvasObject) fyne.CanvasObject {
	img := widget.NewIcon(icon)
	title := widget.NewLabelWithStyle(headline, fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameSubHeadingText
	body := widget.NewLabel(help)
	body.Alignment = fyne.TextAlignCenter
	body.Wrapping = fyne.TextWrapWord
	items := []fyne.CanvasObject{container.NewCenter(container.NewGridWrap(fyne.NewSquareSize(64), img)), title, body}
	if len(actions) > 0 {
		items = append(items, container.NewCenter(container.NewHBox(actions...)))
	}
	return container.NewCenter(container.NewGridWrap(fyne.NewSize(460, 240), container.NewVBox(items...)))
}
