package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// statementWidth is the widest a statement's text is set, as Fyne sets a
// text dialog's.
const statementWidth = 560

// showStatement shows msg, a statement with one thing to do next: no
// question icon (dialog.NewConfirm's), a button to close it and one,
// labelled action, that does act. A long msg scrolls inside the dialog, so
// its buttons stay on a small laptop's screen.
func (u *UI) showStatement(title, msg, dismiss, action string, act func()) {
	body := wrapped(msg)
	width := float32(0)
	for _, line := range strings.Split(msg, "\n") {
		width = max(width, fyne.MeasureText(line, theme.TextSize(), fyne.TextStyle{}).Width)
	}
	width = min(width+2*theme.InnerPadding(), statementWidth, u.win.Canvas().Size().Width*0.8)
	body.Resize(fyne.NewSize(width, body.MinSize().Height)) // wrap at width, to know the height
	scroll := container.NewVScroll(body)
	scroll.SetMinSize(fyne.NewSize(width, min(body.MinSize().Height, u.win.Canvas().Size().Height*0.6)))

	d := dialog.NewCustomWithoutButtons(title, scroll, u.win)
	dismissBtn := widget.NewButton(dismiss, d.Hide)
	do := widget.NewButton(action, func() {
		d.Hide()
		act()
	})
	do.Importance = widget.HighImportance
	d.SetButtons([]fyne.CanvasObject{dismissBtn, do})
	d.Show()
}

// showNote shows msg, a statement with nothing to do next, closed with
// "Close": Fyne's information dialog says "OK", which answers a question.
func showNote(win fyne.Window, title, msg string) {
	d := dialog.NewInformation(title, msg, win)
	d.SetDismissText("Close")
	d.Show()
}
