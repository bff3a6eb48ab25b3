package ui

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/crmsync/crmsync/sync/connector"
)

// fieldOption is one field a picker offers.
type fieldOption struct {
	name  string // the API name a sync stores
	text  string // as shown: label, API name and type, so equal labels differ
	match string // lower-cased label and API name, what typing searches
}

// optionFor shows a field by its label (as the CRM shows it), then its API
// name and type: HubSpot and Salesforce let several fields share a label.
func optionFor(f connector.Field) fieldOption {
	badge := string(f.Type)
	if f.Required {
		badge += ", required"
	}
	text := fmt.Sprintf("%s  [%s]", f.Name, badge)
	if l := strings.TrimSpace(f.Label); l != "" && !strings.EqualFold(l, f.Name) {
		text = l + " · " + text
	}
	return fieldOption{name: f.Name, text: text, match: strings.ToLower(f.Label + " " + f.Name)}
}

// plainOption offers a value that is not one field (fields joined with
// "+", a linked:SYNC filter) as written.
func plainOption(name string) fieldOption {
	return fieldOption{name: name, text: name, match: strings.ToLower(name)}
}

// fieldPicker picks one field of a schema of any size: it shows the pick
// and, tapped, a search box over a list that draws only the rows in view.
// Every picker of a side shares one options slice, never written.
type fieldPicker struct {
	widget.BaseWidget
	first       []fieldOption // offered before options: kept values, linked: choices
	options     []fieldOption
	Selected    string // an offered option's API name, or ""
	PlaceHolder string
	OnChanged   func(name string)
	popUp       *widget.PopUp
	focused     bool
}

// newFieldPicker shows selected when it is offered. A field the schema
// lacks (deleted in the CRM since the sync was saved, its problem shown
// beside the row) stays unchosen but shown by its name, marked missing,
// so the admin sees which mapping lost it.
func newFieldPicker(first, options []fieldOption, selected string, changed func(string)) *fieldPicker {
	p := &fieldPicker{first: first, options: options, PlaceHolder: "(choose)", OnChanged: changed}
	if _, ok := p.option(selected); ok {
		p.Selected = selected
	} else if selected != "" {
		p.PlaceHolder = selected + " (missing)"
		if len(options) == 0 {
			p.PlaceHolder = selected // the schema is still loading
		}
	}
	p.ExtendBaseWidget(p)
	return p
}

// option is the offered option named name.
func (p *fieldPicker) option(name string) (fieldOption, bool) {
	if name == "" {
		return fieldOption{}, false
	}
	for _, set := range [][]fieldOption{p.first, p.options} {
		for _, o := range set {
			if o.name == name {
				return o, true
			}
		}
	}
	return fieldOption{}, false
}

// offers says whether name is one of the picker's options.
func (p *fieldPicker) offers(name string) bool { _, ok := p.option(name); return ok }

// SetSelected picks name and reports it when it changed.
func (p *fieldPicker) SetSelected(name string) {
	if name == p.Selected || !p.offers(name) {
		return
	}
	p.Selected = name
	p.Refresh()
	if p.OnChanged != nil {
		p.OnChanged(name)
	}
}

func (p *fieldPicker) shownText() string {
	if o, ok := p.option(p.Selected); ok {
		return o.text
	}
	return p.PlaceHolder
}

// matching are the options whose label or API name hold every word of q.
func (p *fieldPicker) matching(q string) []fieldOption {
	words := strings.Fields(strings.ToLower(q))
	var out []fieldOption
	for _, set := range [][]fieldOption{p.first, p.options} {
		for _, o := range set {
			if matchesAll(o.match, words) {
				out = append(out, o)
			}
		}
	}
	return out
}

func matchesAll(s string, words []string) bool {
	for _, w := range words {
		if !strings.Contains(s, w) {
			return false
		}
	}
	return true
}

// Tapped opens the search.
func (p *fieldPicker) Tapped(*fyne.PointEvent) { p.open() }

// The picker takes the keyboard as widget.Select does: Tab reaches it,
// and space, Enter or Down opens the search.
func (p *fieldPicker) FocusGained() { p.focused = true; p.Refresh() }
func (p *fieldPicker) FocusLost()   { p.focused = false; p.Refresh() }
func (p *fieldPicker) TypedRune(r rune) {
	if r == ' ' {
		p.open()
	}
}
func (p *fieldPicker) TypedKey(k *fyne.KeyEvent) {
	switch k.Name {
	case fyne.KeyReturn, fyne.KeyEnter, fyne.KeyDown:
		p.open()
	}
}

// searchEntry is the picker's search box; Escape closes the search, Up
// and Down move through the matches (one line: the text has no lines to
// move between).
type searchEntry struct {
	widget.Entry
	onEscape func()
	onMove   func(by int)
}

func newSearchEntry(onEscape func(), onMove func(by int)) *searchEntry {
	s := &searchEntry{onEscape: onEscape, onMove: onMove}
	s.ExtendBaseWidget(s)
	return s
}

func (s *searchEntry) TypedKey(k *fyne.KeyEvent) {
	switch k.Name {
	case fyne.KeyEscape:
		s.onEscape()
	case fyne.KeyDown:
		s.onMove(1)
	case fyne.KeyUp:
		s.onMove(-1)
	default:
		s.Entry.TypedKey(k)
	}
}

// open shows a search box, focused, over the matching fields.
func (p *fieldPicker) open() {
	c := fyne.CurrentApp().Driver().CanvasForObject(p)
	if c == nil {
		return
	}
	shown := p.matching("")
	total := len(shown)
	at := 0 // the match the keys reached, shown bold; Enter picks it
	count := lowLabel("")
	list := widget.NewList(func() int { return len(shown) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			l := o.(*widget.Label)
			l.TextStyle.Bold = id == at
			l.SetText(shown[id].text)
			l.Refresh() // the style, when the text is the same
		})
	list.OnSelected = func(id widget.ListItemID) { p.pick(shown[id]) }
	move := func(by int) {
		if len(shown) == 0 {
			return
		}
		prev := at
		at = min(max(at+by, 0), len(shown)-1)
		list.ScrollTo(at)
		list.RefreshItem(prev)
		list.RefreshItem(at)
	}
	search := newSearchEntry(p.close, move)
	search.SetPlaceHolder(fmt.Sprintf("Type to search %d fields by label or API name; Up and Down move, Enter picks", total))
	search.OnChanged = func(q string) {
		shown, at = p.matching(q), 0
		count.SetText(fmt.Sprintf("%d of %d fields", len(shown), total))
		list.UnselectAll()
		list.ScrollToTop()
		list.Refresh()
	}
	search.OnSubmitted = func(string) { // Enter picks the match reached, the first unless moved
		if at < len(shown) {
			p.pick(shown[at])
		}
	}
	p.popUp = widget.NewPopUp(container.NewBorder(search, count, nil, nil, list), c)
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(p)
	p.popUp.ShowAtPosition(pos.AddXY(0, p.Size().Height))
	p.popUp.Resize(fyne.NewSize(max(p.Size().Width, 420), 360))
	c.Focus(search)
}

func (p *fieldPicker) pick(o fieldOption) {
	p.close()
	p.SetSelected(o.name)
}

// close hides the search and gives the keyboard back to the picker.
func (p *fieldPicker) close() {
	if p.popUp == nil {
		return
	}
	p.popUp.Hide()
	p.popUp = nil
	if c := fyne.CurrentApp().Driver().CanvasForObject(p); c != nil {
		c.Focus(p)
	}
}

func (p *fieldPicker) CreateRenderer() fyne.WidgetRenderer {
	r := &fieldPickerRenderer{p: p, bg: canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground)), label: widget.NewLabel(p.shownText())}
	r.label.Truncation = fyne.TextTruncateEllipsis
	r.bg.CornerRadius = theme.InputRadiusSize()
	r.box = container.NewStack(r.bg, container.NewBorder(nil, nil, nil, widget.NewIcon(theme.MenuDropDownIcon()), r.label))
	return r
}

// fieldPickerRenderer draws the pick on an input background; its size
// does not depend on the options.
type fieldPickerRenderer struct {
	p     *fieldPicker
	bg    *canvas.Rectangle
	label *widget.Label
	box   *fyne.Container
}

func (r *fieldPickerRenderer) Layout(s fyne.Size)           { r.box.Resize(s) }
func (r *fieldPickerRenderer) MinSize() fyne.Size           { return r.box.MinSize() }
func (r *fieldPickerRenderer) Objects() []fyne.CanvasObject { return []fyne.CanvasObject{r.box} }
func (r *fieldPickerRenderer) Destroy()                     {}
func (r *fieldPickerRenderer) Refresh() {
	r.bg.FillColor = theme.Color(theme.ColorNameInputBackground)
	r.bg.StrokeWidth, r.bg.StrokeColor = 0, nil
	if r.p.focused {
		r.bg.StrokeWidth, r.bg.StrokeColor = theme.InputBorderSize(), theme.Color(theme.ColorNameFocus)
	}
	r.bg.Refresh()
	r.label.SetText(r.p.shownText())
}
