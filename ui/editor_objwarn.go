package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// newObjectWarning is the label under a side's object that repeats what
// the account says of the chosen object (connector.ObjectChoice.Note),
// hidden while there is nothing to say.
func newObjectWarning() *widget.Label {
	l := widget.NewLabel("")
	l.Wrapping = fyne.TextWrapWord
	l.Importance = widget.DangerImportance
	l.Hide()
	return l
}

// showObjectWarning shows the note of the object side i has selected (a
// Mailchimp audience deleted since the connection chose it), or hides the
// label when that object has none. It runs on the UI goroutine.
func (e *editor) showObjectWarning(i int) {
	w := e.objWarn[i]
	if w == nil {
		return
	}
	note := ""
	for _, c := range e.objChoices[i] {
		if c.Label == e.objSel[i].Selected {
			note = c.Note
		}
	}
	w.SetText(note)
	if note == "" {
		w.Hide()
		return
	}
	w.Show()
}
