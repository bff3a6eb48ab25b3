package ui

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/mapping"
)

// zoneChoices are the transforms offered first when a side's account
// (a HubSpot portal, a Salesforce or Zoho org, a Pipedrive user) is in a
// zone other than UTC: datetimes as dates there, dates as that day's
// start there, and all-day events as whole days there (allday, alldayend),
// the zone of the row's datetime side first. wallclock and
// endat name the zone of the other side's clock, which the account's does
// not tell.
func zoneChoices(zones ...string) []string {
	var out []string
	for _, z := range zones {
		if z == "" || z == "UTC" || slices.Contains(out, "date:"+z) {
			continue
		}
		out = append(out, "date:"+z, "datetime:"+z)
	}
	if out == nil {
		return transformChoices
	}
	for _, z := range zones {
		if z != "" && z != "UTC" && !slices.Contains(out, "allday:"+z) {
			out = append(out, "allday:"+z, "alldayend:"+z)
		}
	}
	return append(out, transformChoices...)
}

var transformChoices = []string{"(none)", "trim", "lower", "upper", "title", "domain", "e164", "date:UTC", "datetime:UTC", "map", "concat", "split", "const:", "number", "money:USD", "divide:1000", "hhmm:ms", "mmss:ms", "wallclock:UTC", "endat:UTC", "allday:UTC", "alldayend:UTC", "span", "text", "firstline:80", "bool", "link:", "owner"}

const (
	ruleAlways      = "Always"
	ruleUnlessBlank = "Unless blank"
	ruleOnCreate    = "On create only"
	ruleOptOut      = "Opt-outs only"
)

// ruleLabels pairs each blank rule with its label in the rule select.
var ruleLabels = []struct {
	rule  mapping.Rule
	label string
}{{mapping.Always, ruleAlways}, {mapping.UnlessBlank, ruleUnlessBlank}, {mapping.OnCreate, ruleOnCreate}, {mapping.OptOut, ruleOptOut}}

// mapOptOut gives an opt-out row from a checkbox to a picklist (HubSpot's
// opt-out to a Mailchimp member's status) the value map it needs, true →
// the picklist's opt-out option ("unsubscribed", "Opted Out"), when the
// row has none yet and such an option exists. It reports whether it did.
func (e *editor) mapOptOut(f *mapping.Field) bool {
	if f.Transform != "" || len(f.ValueMap) > 0 {
		return false
	}
	fa, fb := e.fieldOf(0, f.A), e.fieldOf(1, f.B)
	if fa.Type != connector.TypeBool || len(fb.Options) == 0 {
		return false
	}
	if v := optOutOption(fb); v != "" {
		f.Transform, f.ValueMap = "map", map[string]string{"true": v}
		return true
	}
	return false
}

// weighted lays objects out in one row with widths in proportion to their
// weights, so mapping rows line up under their column headings.
type weighted []float32

func (w weighted) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	pad := theme.Padding()
	var total float32
	for _, x := range w {
		total += x
	}
	avail := size.Width - pad*float32(len(objs)-1)
	x := float32(0)
	for i, o := range objs {
		width := avail * w[i%len(w)] / total
		o.Move(fyne.NewPos(x, 0))
		o.Resize(fyne.NewSize(width, size.Height))
		x += width + pad
	}
}

func (w weighted) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var h float32
	for _, o := range objs {
		h = max(h, o.MinSize().Height)
	}
	return fyne.NewSize(float32(len(objs))*60, h)
}

var mappingColumns = weighted{3, 1.2, 2.1, 3, 2, 1.2, 0.6}

// mappingHeadings are the mapping table's column headings: each side's
// connection, then its object on a second line so that an 800 px window
// shows them whole, with the letter the direction and policies use.
func mappingHeadings(def engine.Definition) []string {
	return []string{sideHeading(def.A, "A"), "Direction", "Rule", sideHeading(def.B, "B"), "Transform", "Values", ""}
}

// sideHeading is a side's field column heading, "hubspot-sandbox\ncontacts
// field (A)"; "Side A field" where no connection is chosen yet.
func sideHeading(sd engine.SideDef, letter string) string {
	if sd.Connection == "" {
		return "Side " + letter + " field\n(" + sd.Object + ")"
	}
	return sd.Connection + "\n" + strings.TrimSpace(sd.Object+" field") + " (" + letter + ")"
}

// headedColumns is mappingColumns with each column at least as wide as
// its heading's text, so a heading is never cut to "Dir…" while a wide
// column has room to spare. Heading and rows share it, so they line up.
func headedColumns(headings []string) columns {
	style := fyne.TextStyle{Bold: true}
	mins := make([]float32, len(headings))
	for i, h := range headings {
		if h == "" {
			continue
		}
		for _, line := range strings.Split(h, "\n") {
			// Fyne truncates at the whole pixels below the width, and
			// its shaper may need a pixel more than MeasureText says.
			w := float32(math.Ceil(float64(fyne.MeasureText(line, theme.TextSize(), style).Width))) + 2
			mins[i] = max(mins[i], w+2*theme.InnerPadding())
		}
	}
	return columns{weights: mappingColumns, mins: mins}
}

// choiceKey names one list of picker options: a schema's fields, those of
// a preferred type first, the read-only ones left out when writable.
type choiceKey struct {
	schema   *connector.Schema
	prefer   connector.FieldType
	writable bool
}

// fieldChoices are side's fields as picker options, made once per schema
// and shared by every row's picker: a 600-field schema is not copied per
// row.
func (e *editor) fieldChoices(side int, prefer connector.FieldType, writable bool) []fieldOption {
	key := choiceKey{e.schema[side], prefer, writable}
	if opts, ok := e.choices[key]; ok {
		return opts
	}
	opts := schemaOptions(key.schema, prefer, writable)
	if e.choices == nil {
		e.choices = map[choiceKey][]fieldOption{}
	}
	e.choices[key] = opts
	return opts
}

// schemaOptions are a schema's fields as picker options; prefer, when
// set, orders compatible types first.
func schemaOptions(s *connector.Schema, prefer connector.FieldType, writable bool) []fieldOption {
	if s == nil {
		return nil
	}
	var first, rest []fieldOption
	for _, f := range s.Fields {
		if writable && f.ReadOnly {
			continue
		}
		if prefer != "" && compatible(prefer, f.Type) {
			first = append(first, optionFor(f))
		} else {
			rest = append(rest, optionFor(f))
		}
	}
	return append(first, rest...)
}

// keepChoice offers name, as written, before a picker's options when none
// of them is it but s has its fields (several joined with "+", a read-only
// field a row reads), so the picker shows what the row does rather than
// "(choose)". A field s lacks stays unchosen, shown by its name marked
// missing, its problem beside it.
func keepChoice(s *connector.Schema, opts []fieldOption, name string) []fieldOption {
	if s == nil || name == "" || slices.ContainsFunc(opts, func(o fieldOption) bool { return o.name == name }) {
		return nil
	}
	for _, n := range strings.Split(name, "+") {
		if _, ok := s.Field(strings.TrimSpace(n)); !ok {
			return nil
		}
	}
	return []fieldOption{plainOption(name)}
}

var stringish = map[connector.FieldType]bool{connector.TypeString: true, connector.TypeText: true, connector.TypeEmail: true, connector.TypePhone: true, connector.TypeEnum: true, connector.TypeMulti: true}

// compatible says whether a value of type a fits a field of type b without
// a transform, for ordering pickers (the mapping layer has the final say).
func compatible(a, b connector.FieldType) bool {
	return a == b || stringish[a] && stringish[b] && b != connector.TypeEnum && b != connector.TypeMulti
}

func fieldType(s *connector.Schema, names string) connector.FieldType {
	if s == nil {
		return ""
	}
	first, _, _ := strings.Cut(names, "+")
	if f, ok := s.Field(first); ok {
		return f.Type
	}
	return ""
}

// rebuildRows redraws every mapping row (a schema arrives, a value map is
// saved, suggestions are all accepted); the rows are set at once, not laid
// out one by one. Adding and removing a row leave the others as drawn.
func (e *editor) rebuildRows() {
	e.rows = make([]*rowView, len(e.def.Fields))
	headers := mappingHeadings(e.def)
	e.cols = headedColumns(headers)
	head := container.New(e.cols)
	for _, h := range headers {
		l := widget.NewLabelWithStyle(h, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		l.Truncation = fyne.TextTruncateEllipsis
		head.Objects = append(head.Objects, l)
	}
	objs := []fyne.CanvasObject{head}
	if len(e.def.Fields) == 0 {
		objs = append(objs, widget.NewLabel("No mappings yet: press Suggest mappings, or Add mapping."))
	}
	for i := range e.def.Fields {
		objs = append(objs, e.mappingRow(i).obj)
	}
	e.rowsBox.Objects = objs
	e.rowsBox.Refresh()
	e.changed()
}

// addRow adds an empty mapping row under the others, which stay as drawn.
func (e *editor) addRow() { e.appendRow(mapping.Field{}) }

// mappingRow draws mapping i. Its widgets find the row's mapping by the
// row's identity when used, not by the position it was drawn at, so
// removing a row above leaves it as drawn.
func (e *editor) mappingRow(i int) *rowView {
	rv := &rowView{}
	e.rows[i] = rv
	f := &e.def.Fields[i]
	aOpts := e.fieldChoices(0, fieldType(e.schema[1], f.B), false)
	aSel := newFieldPicker(keepChoice(e.schema[0], aOpts, f.A), aOpts, f.A, nil)
	bOpts := e.fieldChoices(1, fieldType(e.schema[0], f.A), true)
	bSel := newFieldPicker(keepChoice(e.schema[1], bOpts, f.B), bOpts, f.B, nil)

	dir := widget.NewButton(rowDirLabel(f.Direction), nil)
	dir.OnTapped = func() {
		f := e.fieldOfRow(rv)
		if f == nil {
			return
		}
		f.Direction = nextDir(f.Direction)
		dir.SetText(rowDirLabel(f.Direction))
		e.changed()
	}
	labels := make([]string, len(ruleLabels))
	for j, rl := range ruleLabels {
		labels[j] = rl.label
	}
	var tr *widget.SelectEntry
	selected := ruleAlways
	for _, rl := range ruleLabels {
		if rl.rule == f.Rule {
			selected = rl.label
		}
	}
	// A rule the select does not list runs as shown, always; an opt-out
	// row gets the value map it needs.
	f.Rule = ruleOf(selected)
	if f.Rule == mapping.OptOut {
		e.mapOptOut(f)
	}
	rule := widget.NewSelect(labels, nil)
	rule.SetSelected(selected)
	rule.OnChanged = func(s string) {
		f := e.fieldOfRow(rv)
		if f == nil {
			return
		}
		f.Rule = ruleOf(s)
		if f.Rule == mapping.OptOut && e.mapOptOut(f) && tr != nil {
			tr.SetText("map")
		}
		e.changed()
	}
	zones := []string{e.sideZone(0), e.sideZone(1)}
	if fieldType(e.schema[1], f.B) == connector.TypeDateTime && fieldType(e.schema[0], f.A) != connector.TypeDateTime {
		zones[0], zones[1] = zones[1], zones[0] // B's datetime: the day is B's
	}
	tr = widget.NewSelectEntry(zoneChoices(zones...))
	tr.SetText(firstNonBlank(f.Transform, "(none)"))
	tr.OnChanged = func(s string) {
		s = strings.TrimSpace(s)
		if s == "(none)" {
			s = ""
		}
		if f := e.fieldOfRow(rv); f != nil {
			f.Transform = s
			e.changed()
		}
	}
	values := widget.NewButton("Values…", func() {
		e.showRowValueMap(rv)
	})
	updateValues := func() {
		f := e.fieldOfRow(rv)
		if f == nil {
			return
		}
		fa, fb := e.fieldOf(0, f.A), e.fieldOf(1, f.B)
		if len(fa.Options) > 0 || len(fb.Options) > 0 {
			values.Enable()
		} else {
			values.Disable()
		}
	}
	updateValues()
	aSel.OnChanged = func(name string) {
		if f := e.fieldOfRow(rv); f != nil {
			f.A = name
			updateValues()
			e.changed()
		}
	}
	bSel.OnChanged = func(name string) {
		if f := e.fieldOfRow(rv); f != nil {
			f.B = name
			updateValues()
			e.changed()
		}
	}
	remove := widget.NewButtonWithIcon("", theme.DeleteIcon(), func() { e.removeRow(rv) })
	row := container.New(e.cols, aSel, dir, rule, bSel, tr, values, remove)
	sample := widget.NewLabel("")
	sample.Importance = widget.LowImportance
	sample.Truncation = fyne.TextTruncateEllipsis
	prob := dangerText("")
	prob.Hide()
	rv.sample, rv.problem = sample, prob
	rv.obj = container.NewVBox(row, sample, prob)
	return rv
}

func (e *editor) fieldOf(side int, name string) connector.Field {
	if s := e.schema[side]; s != nil {
		if f, ok := s.Field(name); ok {
			return f
		}
	}
	return connector.Field{Name: name}
}

func rowDirLabel(d mapping.Direction) string {
	switch d {
	case mapping.Inherit:
		return "as sync"
	case mapping.None:
		return "off"
	}
	return directionArrow(d)
}

// nextDir cycles a row's direction toggle.
func nextDir(d mapping.Direction) mapping.Direction {
	switch d {
	case mapping.Inherit:
		return mapping.AtoB
	case mapping.AtoB:
		return mapping.BtoA
	case mapping.BtoA:
		return mapping.TwoWay
	case mapping.TwoWay:
		return mapping.None
	}
	return mapping.Inherit
}

// updateRequired warns about required target fields no mapping writes,
// which would make creates fail.
func (e *editor) updateRequired() {
	if e.required == nil {
		return
	}
	var msgs []string
	check := func(side int, label string, writes func(mapping.Field) string) {
		s := e.schema[side]
		if s == nil {
			return
		}
		mapped := map[string]bool{}
		for _, f := range e.def.Fields {
			for n := range strings.SplitSeq(writes(f), "+") {
				mapped[n] = true
			}
		}
		var missing []string
		for _, f := range s.Fields {
			if f.Required && !f.ReadOnly && !mapped[f.Name] {
				missing = append(missing, fieldWords(f))
			}
		}
		if len(missing) > 0 {
			// The CRM as its card names it; the letter only where unnamed.
			who := cmp.Or(e.side(side).Name(), "Side "+label)
			msgs = append(msgs, fmt.Sprintf("%s requires %s on create, and no mapping writes it.", who, strings.Join(missing, ", ")))
		}
	}
	if e.def.CreatesIn("b") && e.def.Direction != mapping.BtoA {
		check(1, "B", func(f mapping.Field) string { return f.B })
	}
	if e.def.CreatesIn("a") && e.def.Direction != mapping.AtoB {
		check(0, "A", func(f mapping.Field) string { return f.A })
	}
	setLines(e.required, msgs)
}

// fieldWords names a field as the CRM labels it, with the API name the
// field pickers also show: "Last Name (LastName)".
func fieldWords(f connector.Field) string {
	if l := strings.TrimSpace(f.Label); l != "" && !strings.EqualFold(l, f.Name) {
		return l + " (" + f.Name + ")"
	}
	return f.Name
}

// rebuildMatch redraws the match rules.
func (e *editor) rebuildMatch() {
	e.matchBox.Objects = nil
	for i := range e.def.Match {
		m := &e.def.Match[i]
		aOpts, bOpts := e.fieldChoices(0, connector.TypeEmail, false), e.fieldChoices(1, connector.TypeEmail, false)
		aSel := newFieldPicker(keepChoice(e.schema[0], aOpts, m.A), aOpts, m.A, func(name string) { e.def.Match[i].A = name; e.changed() })
		bSel := newFieldPicker(keepChoice(e.schema[1], bOpts, m.B), bOpts, m.B, func(name string) { e.def.Match[i].B = name; e.changed() })
		// An entry, as the transform's: e164 takes a region ("e164:GB")
		// for national numbers outside the US.
		norm := widget.NewSelectEntry(engine.Normalizers)
		norm.SetText(m.Normalize)
		norm.OnChanged = func(s string) { e.def.Match[i].Normalize = strings.TrimSpace(s); e.changed() }
		remove := widget.NewButtonWithIcon("", theme.DeleteIcon(), func() {
			e.def.Match = append(e.def.Match[:i], e.def.Match[i+1:]...)
			e.rebuildMatch()
		})
		e.matchBox.Add(container.New(weighted{0.8, 3, 3, 2, 0.6}, widget.NewLabel(fmt.Sprintf("Rule %d", i+1)), aSel, bSel, norm, remove))
		e.matchBox.Add(e.matchAlsoRow(i))
	}
	e.matchBox.Refresh()
	e.changed()
}

// linkedChoices are the linked:SYNC filter fields side (0 A, 1 B) can
// use: the other saved syncs that join the same two connections with this
// side's object on the same connection.
func (e *editor) linkedChoices(side int) []string {
	mine, other := e.def.A, e.def.B
	if side == 1 {
		mine, other = other, mine
	}
	var out []string
	for _, s := range e.others {
		d := s.Definition
		if d.Name == e.def.Name {
			continue
		}
		if d.A == mine && d.B.Connection == other.Connection || d.B == mine && d.A.Connection == other.Connection {
			out = append(out, "linked:"+d.Name)
		}
	}
	slices.Sort(out)
	return out
}

func isLinkedFilter(f engine.Filter) bool { _, ok := f.LinkedBy(); return ok }

// rebuildFilters redraws filters of both sides in one list.
func (e *editor) rebuildFilters() {
	e.filterBox.Objects = nil
	add := func(side int, list *[]engine.Filter) {
		if len(*list) > 0 {
			// One heading a side, wrapped: a long CRM name in each row's
			// first column would be cut or crowd the field.
			e.filterBox.Add(wrapped(filterHeading(*e.side(side), side)))
		}
		for i := range *list {
			f := &(*list)[i]
			// Not fields: whether another sync has the record
			// (engine.Filter's linked:SYNC), first.
			linked := e.linkedChoices(side)
			if _, ok := f.LinkedBy(); ok && !slices.Contains(linked, f.Field) {
				linked = append(linked, f.Field) // kept as written
			}
			first := make([]fieldOption, len(linked))
			for j, l := range linked {
				first[j] = plainOption(l)
			}
			fieldSel := newFieldPicker(first, e.fieldChoices(side, "", false), f.Field, func(name string) {
				(*list)[i].Field = name
				if g := &(*list)[i]; isLinkedFilter(*g) && (g.Op != "eq" && g.Op != "neq" || g.Value != "true" && g.Value != "false") {
					g.Op, g.Value = "eq", "false" // the records that sync does not have
					e.rebuildFilters()
					return
				}
				e.changed()
			})
			op := widget.NewSelect(engine.FilterOps, func(s string) { (*list)[i].Op = s; e.changed() })
			op.SetSelected(f.Op)
			val := widget.NewEntry()
			val.SetText(f.Value)
			val.OnChanged = func(s string) { (*list)[i].Value = s; e.changed() }
			remove := widget.NewButtonWithIcon("", theme.DeleteIcon(), func() {
				*list = append((*list)[:i], (*list)[i+1:]...)
				e.rebuildFilters()
			})
			e.filterBox.Add(container.New(weighted{3, 1.5, 2.5, 0.6}, fieldSel, op, val, remove))
		}
	}
	add(0, &e.def.Filters.A)
	add(1, &e.def.Filters.B)
	if len(e.def.Filters.A)+len(e.def.Filters.B) == 0 {
		e.filterBox.Add(widget.NewLabel("No filters: every record takes part."))
	}
	e.filterBox.Refresh()
	e.changed()
}

// filterHeading heads side i's filters with its CRM ("Only
// hubspot-sandbox contacts where:"), as its "Add filter" button names it;
// the letter where no connection is chosen yet.
func filterHeading(sd engine.SideDef, i int) string {
	if sd.Connection == "" {
		return "Only records of side " + string(rune('A'+i)) + " where:"
	}
	return "Only " + sd.Name() + " where:"
}

// addFilterText labels side i's "Add filter" button with its CRM, the
// letter where no connection is chosen yet. A button never wraps, so a
// long connection name is cut rather than widen the window.
func addFilterText(sd engine.SideDef, i int) string {
	name := sd.Name()
	if sd.Connection == "" {
		name = string(rune('A' + i))
	}
	return "Add filter on " + shorten(name, 44)
}
