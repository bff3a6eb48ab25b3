package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// alsoPlaceHolder starts the placeholder of a match rule's "must also
// agree on" entry.
const alsoPlaceHolder = "fields, e.g. firstname, city"

// matchAlsoRow is the line under match rule i where a person names the
// field rows that must also agree for the rule to link (MatchRule.Also).
func (e *editor) matchAlsoRow(i int) fyne.CanvasObject {
	en := widget.NewEntry()
	en.SetText(strings.Join(e.def.Match[i].Also, ", "))
	en.SetPlaceHolder(alsoPlaceHolder + " (none: the key alone links; a phone rule also holds people whose names differ)")
	en.OnChanged = func(s string) { e.def.Match[i].Also = commaList(s); e.changed() }
	return container.NewBorder(nil, nil, lowLabel("      must also agree on"), nil, en)
}

// commaList reads "a, b,, c" as [a b c]; nil when nothing is named.
func commaList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
