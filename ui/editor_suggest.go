package ui

import (
	"fmt"
	"image/color"
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/crmsync/crmsync/sync/mapping"
)

// suggestRowsShown is how many suggestions the list shows at once; it
// scrolls through the rest, drawing only the rows in view (two 600-field
// portals propose hundreds).
const suggestRowsShown = 10

// showSuggestions lists proposed mappings, each to accept or reject.
func (e *editor) showSuggestions() {
	if e.schema[0] == nil || e.schema[1] == nil {
		e.setSuggestBox(widget.NewLabel("Suggestions need both sides' fields; they are still loading."))
		return
	}
	ss := suggest(e.schema[0], e.schema[1], e.def.Fields, e.sideZone(0), e.sideZone(1))
	if len(ss) == 0 {
		e.setSuggestBox(widget.NewLabel("No more suggestions: every field with a matching name is mapped."))
		return
	}
	shown := slices.Clone(ss)
	heading := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	height := canvas.NewRectangle(color.Transparent) // the list's height: a list alone is one row tall
	var list *widget.List
	resize := func() {
		heading.SetText(fmt.Sprintf("Suggested mappings (%d)", len(shown)))
		rowH := newSuggestionRow().MinSize().Height + theme.Padding()
		height.SetMinSize(fyne.NewSize(0, float32(min(len(shown), suggestRowsShown))*rowH))
	}
	drop := func(s suggestion) {
		i := slices.IndexFunc(shown, func(x suggestion) bool { return x.f.A == s.f.A && x.f.B == s.f.B })
		if i < 0 {
			return
		}
		shown = slices.Delete(shown, i, i+1)
		if len(shown) == 0 {
			e.setSuggestBox()
			return
		}
		resize()
		list.Refresh()
		e.suggestBox.Refresh()
	}
	list = widget.NewList(func() int { return len(shown) }, newSuggestionRow, func(id widget.ListItemID, o fyne.CanvasObject) {
		s := shown[id]
		setSuggestionRow(o, s, func() { drop(s); e.appendRow(s.f) }, func() { drop(s) })
	})
	resize()
	acceptAll := widget.NewButtonWithIcon("Accept all", theme.ConfirmIcon(), func() {
		var accepted []mapping.Field
		for _, s := range shown {
			if !hasMapping(e.def.Fields, s.f) && !hasMapping(accepted, s.f) {
				accepted = append(accepted, s.f)
			}
		}
		e.setSuggestBox()
		e.appendRows(accepted)
	})
	acceptAll.Importance = widget.HighImportance
	e.setSuggestBox(heading, container.NewStack(height, list), container.NewHBox(acceptAll))
}

// setSuggestBox shows objs where the suggestions go, in one layout.
func (e *editor) setSuggestBox(objs ...fyne.CanvasObject) {
	e.suggestBox.Objects = objs
	e.suggestBox.Refresh()
}

// newSuggestionRow is an empty suggestion row: its text, then Accept and
// Reject.
func newSuggestionRow() fyne.CanvasObject {
	yes := widget.NewButtonWithIcon("Accept", theme.ConfirmIcon(), nil)
	no := widget.NewButtonWithIcon("Reject", theme.CancelIcon(), nil)
	text := widget.NewLabel("")
	text.Truncation = fyne.TextTruncateEllipsis
	return container.NewBorder(nil, nil, nil, container.NewHBox(yes, no), text)
}

// setSuggestionRow shows s in a row made by newSuggestionRow.
func setSuggestionRow(o fyne.CanvasObject, s suggestion, accept, reject func()) {
	row := o.(*fyne.Container)
	text := fmt.Sprintf("%s → %s  (%s)", s.f.A, s.f.B, s.why)
	if s.f.Transform != "" {
		text += ", transform " + s.f.Transform
	}
	setLabel(row.Objects[0].(*widget.Label), text)
	btns := row.Objects[1].(*fyne.Container)
	btns.Objects[0].(*widget.Button).OnTapped = accept
	btns.Objects[1].(*widget.Button).OnTapped = reject
}
