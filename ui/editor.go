package ui

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/mapping"
	"github.com/crmsync/crmsync/sync/schedule"
)

// editor is the sync editor pane: sides, direction, field mappings, match
// rules, policies, filters, schedule and safety. It validates on every
// change against the live schemas and refuses Save while anything is wrong.
type editor struct {
	u        *UI
	existing bool
	def      engine.Definition
	conns    []app.ConnectionView
	others   []app.SyncView // the saved syncs, for linked: filters

	cols      columns // the mapping table's, sized to its headings
	schema    [2]*connector.Schema
	sample    [2]map[string]string
	schemaErr [2]error
	zone      [2]string // each side's account time zone, "" unread

	name         *widget.Entry
	connSel      [2]*widget.Select
	objSel       [2]*widget.Select
	objChoices   [2][]connector.ObjectChoice // what objSel offers, by label
	objNote      [2]*widget.Label            // why the account's objects are missing
	objWarn      [2]*widget.Label            // what the account says of the chosen object (a deleted audience)
	sideStatus   [2]*fyne.Container
	sideName     [2]*widget.Label  // the side's CRM, atop its card (nameSideCard)
	addFilter    [2]*widget.Button // "Add filter on" the side's CRM (nameSideCard)
	direction    *widget.Select
	unmatched    *widget.Select
	conflict     *widget.Select
	schedule     *widget.Entry
	maxPct       *widget.Entry
	maxChanges   *widget.Entry
	deletes      *widget.Check
	rowsBox      *fyne.Container
	suggestBox   *fyne.Container
	matchBox     *fyne.Container
	filterBox    *fyne.Container
	syncProblems *widget.Label
	required     *widget.Label
	saveNote     *widget.Label
	save         *widget.Button
	rows         []*rowView // the drawn mapping rows, one per def.Fields
	matchProblem *widget.Label
	choices      map[choiceKey][]fieldOption // the field pickers' options, shared by rows
}

var directionChoices = []struct {
	d     mapping.Direction
	label string
}{{mapping.TwoWay, "Two-way (A ←→ B)"}, {mapping.AtoB, "One-way A → B"}, {mapping.BtoA, "One-way B → A"}}

// Policy choices as people read them, with the stored value.
var unmatchedChoices = [][2]string{
	{engine.UnmatchedCreate, "Create it in the other CRM"}, {engine.UnmatchedCreateInA, "Create B's in A; skip A's"},
	{engine.UnmatchedCreateInB, "Create A's in B; skip B's"}, {engine.UnmatchedSkip, "Skip it"}, {engine.UnmatchedReview, "Send it to Review"}}
var conflictChoices = [][2]string{
	{engine.ConflictNewer, "The newer change wins (edits in the same second wait in Review)"}, {engine.ConflictPreferA, "Side A wins"}, {engine.ConflictPreferB, "Side B wins"}, {engine.ConflictReview, "Send it to Review"}}

// policySelect is a select over labelled policy values.
func policySelect(choices [][2]string, current string, set func(string)) *widget.Select {
	labels := make([]string, len(choices))
	for i, c := range choices {
		labels[i] = c[1]
	}
	sel := widget.NewSelect(labels, nil)
	for _, c := range choices {
		if c[0] == current {
			sel.SetSelected(c[1])
		}
	}
	sel.OnChanged = func(l string) {
		for _, c := range choices {
			if c[1] == l {
				set(c[0])
			}
		}
	}
	return sel
}

// openEditor opens the editor for a stored sync, or a new one when name is "".
func (u *UI) openEditor(name string) {
	if u.a == nil {
		return
	}
	type data struct {
		def    engine.Definition
		conns  []app.ConnectionView
		others []app.SyncView
	}
	u.openPane(container.NewStack(loading("the sync editor")))
	gen := u.screenGen // openPane bumps it; a later screen or pane changes it
	bg(u, func(ctx context.Context) (data, error) {
		conns, err := u.a.Connections(ctx)
		if err != nil {
			return data{}, err
		}
		others, err := u.a.Syncs(ctx)
		if err != nil {
			return data{}, err
		}
		if name == "" {
			return data{def: u.newDefinition(conns), conns: conns, others: others}, nil
		}
		v, err := u.a.Sync(ctx, name)
		return data{def: v.Definition, conns: conns, others: others}, err
	}, func(d data, err error) {
		if u.screenGen != gen {
			return // the person went elsewhere while the editor loaded
		}
		if err != nil {
			showError(u.win, err)
			u.refresh()
			return
		}
		e := &editor{u: u, existing: name != "", def: d.def, conns: d.conns, others: d.others}
		u.openPane(e.build())
		e.loadSide(0)
		e.loadSide(1)
	})
}

// newDefinition pre-fills a new sync: the first two connections' contact
// objects, two-way, create unmatched, newer wins, manual schedule.
func (u *UI) newDefinition(conns []app.ConnectionView) engine.Definition {
	def := engine.Definition{Direction: mapping.TwoWay, Unmatched: engine.UnmatchedCreate, Conflict: engine.ConflictNewer,
		Schedule: "manual", Safety: engine.Safety{MaxChangePercent: 25}}
	sides := []*engine.SideDef{&def.A, &def.B}
	for i, c := range conns {
		if i > 1 {
			break
		}
		sides[i].Connection = c.Name
		sides[i].Object = u.vendorInfo(c.Vendor).Contacts
	}
	if len(conns) >= 2 {
		def.Name = conns[0].Vendor + "-" + conns[1].Vendor + "-contacts"
	}
	return def
}

func (u *UI) vendorInfo(name string) connector.Info {
	for _, v := range u.a.Vendors() {
		if v.Name == name {
			return v
		}
	}
	return connector.Info{Name: name, Title: name}
}

func (e *editor) side(i int) *engine.SideDef {
	if i == 0 {
		return &e.def.A
	}
	return &e.def.B
}

// nameSideCard names side i's CRM ("hubspot-sandbox contacts") at the
// top of its card, as every other screen names it, under the letter the
// direction and policy choices use. A wrapped label, not the card's
// title: a title never wraps, and two long names side by side would not
// fit a small laptop's window.
func (e *editor) nameSideCard(i int) {
	if b := e.addFilter[i]; b != nil {
		b.SetText(addFilterText(*e.side(i), i))
	}
	l := e.sideName[i]
	if l == nil {
		return
	}
	l.SetText(e.side(i).Name())
	if l.Text == "" {
		l.Hide()
	} else {
		l.Show()
	}
}

func (e *editor) conn(name string) (app.ConnectionView, bool) {
	for _, c := range e.conns {
		if c.Name == name {
			return c, true
		}
	}
	return app.ConnectionView{}, false
}

func (e *editor) build() fyne.CanvasObject {
	u := e.u
	e.name = widget.NewEntry()
	e.name.SetText(e.def.Name)
	e.name.SetPlaceHolder("a short name, e.g. contacts")
	if e.existing {
		e.name.Disable() // history and links hang on the name
	}
	e.name.OnChanged = func(s string) { e.def.Name = strings.TrimSpace(s); e.changed() }

	connNames := make([]string, len(e.conns))
	for i, c := range e.conns {
		connNames[i] = c.Name
	}
	sides := container.NewGridWithColumns(2)
	for i := range 2 {
		i := i
		e.connSel[i] = widget.NewSelect(connNames, nil)
		e.objSel[i] = widget.NewSelect(nil, nil)
		e.objNote[i] = widget.NewLabel("")
		e.objNote[i].Wrapping = fyne.TextWrapWord
		e.objNote[i].Hide()
		e.objWarn[i] = newObjectWarning()
		e.sideStatus[i] = container.NewVBox()
		sd := e.side(i)
		if _, ok := e.conn(sd.Connection); !ok && sd.Connection != "" {
			e.connSel[i].Options = append(e.connSel[i].Options, sd.Connection)
		}
		e.connSel[i].SetSelected(sd.Connection)
		e.setObjectOptions(i)
		e.connSel[i].OnChanged = func(name string) {
			sd := e.side(i)
			sd.Connection = name
			if c, ok := e.conn(name); ok {
				sd.Object = e.u.vendorInfo(c.Vendor).Contacts
			}
			e.setObjectOptions(i)
			e.loadSide(i)
			e.nameSideCard(i)
		}
		e.objSel[i].OnChanged = func(label string) {
			e.showObjectWarning(i)
			if obj := e.objectNamed(i, label); e.side(i).Object != obj {
				e.side(i).Object = obj
				e.loadSide(i)
			}
			e.nameSideCard(i)
		}
		form := widget.NewForm(widget.NewFormItem("Connection", e.connSel[i]), widget.NewFormItem("Object", e.objSel[i]))
		e.sideName[i] = wrapped("")
		e.sideName[i].TextStyle.Bold = true
		e.nameSideCard(i)
		sides.Add(widget.NewCard("Side "+string(rune('A'+i)), "", container.NewVBox(e.sideName[i], form, e.objNote[i], e.objWarn[i], e.sideStatus[i])))
	}
	dirLabels := make([]string, len(directionChoices))
	for i, c := range directionChoices {
		dirLabels[i] = c.label
	}
	e.direction = widget.NewSelect(dirLabels, func(s string) {
		for _, c := range directionChoices {
			if c.label == s {
				e.def.Direction = c.d
			}
		}
		e.changed()
	})
	for _, c := range directionChoices {
		if c.d == e.def.Direction {
			e.direction.SetSelected(c.label)
		}
	}

	e.rowsBox = container.NewVBox()
	e.suggestBox = container.NewVBox()
	e.required = wrapped("")
	e.required.Importance = widget.WarningImportance
	e.required.Hide()
	addRow := widget.NewButtonWithIcon("Add mapping", theme.ContentAddIcon(), e.addRow)
	suggest := widget.NewButtonWithIcon("Suggest mappings", theme.SearchIcon(), e.showSuggestions)
	mappings := widget.NewCard("Field mappings", "One row per mapping: source field, direction, rule, target field, transform.",
		container.NewVBox(e.rowsBox, container.NewHBox(addRow, suggest), e.suggestBox, e.required))

	e.matchBox = container.NewVBox()
	e.matchProblem = dangerText("")
	e.matchProblem.Hide()
	addMatch := widget.NewButtonWithIcon("Add match rule", theme.ContentAddIcon(), func() {
		e.def.Match = append(e.def.Match, engine.MatchRule{Normalize: "email"})
		e.rebuildMatch()
	})
	e.unmatched = policySelect(unmatchedChoices, e.def.Unmatched, func(s string) { e.def.Unmatched = s; e.changed() })
	e.conflict = policySelect(conflictChoices, e.def.Conflict, func(s string) { e.def.Conflict = s; e.changed() })
	// The help goes in a wrapped label: a card's subtitle never wraps, and
	// this one alone made the window wider than a laptop's screen.
	matchHelp := wrapped("Records are matched by the first rule that finds exactly one partner. Phones are read as US numbers; e164:GB (or another country code) reads them as that country's.")
	matching := widget.NewCard("Matching and policies", "",
		container.NewVBox(matchHelp, e.matchBox, container.NewHBox(addMatch), e.matchProblem,
			widget.NewForm(widget.NewFormItem("Unmatched records", e.unmatched), widget.NewFormItem("Conflicts", e.conflict))))

	e.filterBox = container.NewVBox()
	e.addFilter[0] = widget.NewButtonWithIcon("", theme.ContentAddIcon(), func() {
		e.def.Filters.A = append(e.def.Filters.A, engine.Filter{Op: "not-empty"})
		e.rebuildFilters()
	})
	e.addFilter[1] = widget.NewButtonWithIcon("", theme.ContentAddIcon(), func() {
		e.def.Filters.B = append(e.def.Filters.B, engine.Filter{Op: "not-empty"})
		e.rebuildFilters()
	})
	e.nameSideCard(0)
	e.nameSideCard(1)
	// One button a line: two long CRM names side by side could outgrow a
	// small laptop's window (a button never wraps).
	filters := widget.NewCard("Filters", "Only records matching every filter of their side take part.",
		container.NewVBox(e.filterBox, container.NewHBox(e.addFilter[0]), container.NewHBox(e.addFilter[1])))

	e.schedule = widget.NewEntry()
	e.schedule.SetText(firstNonBlank(e.def.Schedule, "manual"))
	e.schedule.SetPlaceHolder("manual, every 15m, daily 09:30")
	e.schedule.OnChanged = func(s string) { e.def.Schedule = strings.TrimSpace(s); e.changed() }
	e.maxPct = intEntry(e.def.Safety.MaxChangePercent, func(n int) { e.def.Safety.MaxChangePercent = n; e.changed() })
	e.maxChanges = intEntry(e.def.Safety.MaxChanges, func(n int) { e.def.Safety.MaxChanges = n; e.changed() })
	e.deletes = widget.NewCheck("Send deletes to review (never automatic)", func(b bool) { e.def.Safety.PropagateDeletes = b })
	e.deletes.SetChecked(e.def.Safety.PropagateDeletes)
	safety := widget.NewCard("Schedule and safety", "", widget.NewForm(
		widget.NewFormItem("Schedule", container.NewVBox(e.schedule, lowLabel("manual, every 15m, every 2 hours, daily 09:30 or daily 09:30 Europe/Berlin"))),
		widget.NewFormItem("Ask above % changed", e.maxPct),
		widget.NewFormItem("Ask above N changes", e.maxChanges),
		widget.NewFormItem("Deletes", e.deletes)))

	e.syncProblems = dangerText("")
	e.syncProblems.Hide()
	top := container.NewVBox(widget.NewForm(widget.NewFormItem("Name", e.name), widget.NewFormItem("Direction", e.direction)), sides, e.syncProblems)
	body := container.NewVBox(top, mappings, matching, filters, safety)

	back := widget.NewButtonWithIcon("Back", theme.NavigateBackIcon(), u.refresh)
	e.save = widget.NewButtonWithIcon("Save", theme.DocumentSaveIcon(), e.doSave)
	e.save.Importance = widget.HighImportance
	e.saveNote = widget.NewLabel("")
	heading := "New sync"
	if e.existing {
		heading = "Edit " + e.def.Name
	}
	header := paneHeader(back, heading, e.saveNote, e.save)
	e.rebuildRows()
	e.rebuildMatch()
	e.rebuildFilters()
	return container.NewBorder(header, nil, nil, nil, container.NewVScroll(body))
}

func intEntry(v int, set func(int)) *widget.Entry {
	en := widget.NewEntry()
	if v != 0 {
		en.SetText(strconv.Itoa(v))
	}
	en.SetPlaceHolder("default")
	en.OnChanged = func(s string) {
		n, _ := parseLimit(s) // what cannot be read is a problem (limitProblems)
		set(n)
	}
	return en
}

// parseLimit reads a safety limit as typed: a whole number, "10%" for a
// percent, or nothing for the default (0).
func parseLimit(s string) (int, error) {
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "%"))
	if s == "" {
		return 0, nil
	}
	return strconv.Atoi(s)
}

// limitProblems names a safety limit the editor cannot read, which would
// otherwise be saved as the default ("1,000" as no limit at all).
func (e *editor) limitProblems() []mapping.Problem {
	var ps []mapping.Problem
	for _, l := range []struct {
		label string
		en    *widget.Entry
	}{{"Ask above % changed", e.maxPct}, {"Ask above N changes", e.maxChanges}} {
		if l.en == nil {
			continue
		}
		if _, err := parseLimit(l.en.Text); err != nil {
			ps = append(ps, mapping.Problem{Row: -1, Field: "safety", Message: fmt.Sprintf("%s: %q is not a whole number; type digits only, or leave it empty for the default", l.label, l.en.Text)})
		}
	}
	return ps
}

// setObjectOptions offers the connection's fixed objects at once, then
// asks the account for its own (Mailchimp's audiences) in the background
// and offers those too, by their labels.
func (e *editor) setObjectOptions(i int) {
	sd := *e.side(i)
	var choices []connector.ObjectChoice
	c, ok := e.conn(sd.Connection)
	if ok {
		choices = e.u.vendorInfo(c.Vendor).ObjectChoices()
	}
	e.offerObjects(i, choices)
	e.objNote[i].Hide()
	if !ok {
		return
	}
	bg(e.u, func(ctx context.Context) ([]connector.ObjectChoice, error) {
		return e.u.a.ObjectChoices(ctx, sd.Connection)
	}, func(listed []connector.ObjectChoice, err error) {
		if e.side(i).Connection != sd.Connection {
			return // the user picked another connection meanwhile
		}
		if err != nil {
			e.objNote[i].SetText("Only the standard objects are listed: " + errorSentence(err))
			e.objNote[i].Show()
		}
		if len(listed) > 0 {
			e.offerObjects(i, listed)
		}
	})
}

// offerObjects sets the object select's options, keeping the side's
// current object (a sync may name one the account no longer lists) and
// showing it by its label.
func (e *editor) offerObjects(i int, choices []connector.ObjectChoice) {
	obj := e.side(i).Object
	if obj != "" && !slices.ContainsFunc(choices, func(c connector.ObjectChoice) bool { return c.Name == obj }) {
		choices = append(choices, connector.ObjectChoice{Name: obj, Label: obj})
	}
	e.objChoices[i] = choices
	labels := make([]string, len(choices))
	selected := ""
	for k, c := range choices {
		labels[k] = c.Label
		if c.Name == obj {
			selected = c.Label
		}
	}
	e.objSel[i].Options = labels
	if selected == "" {
		e.objSel[i].ClearSelected()
	} else {
		e.objSel[i].SetSelected(selected)
	}
	e.objSel[i].Refresh()
	e.showObjectWarning(i)
}

// objectNamed is the object behind an option's label.
func (e *editor) objectNamed(i int, label string) string {
	for _, c := range e.objChoices[i] {
		if c.Label == label {
			return c.Name
		}
	}
	return label
}

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

// changed re-validates after any edit: problems appear beside their row
// and Save stays disabled until there are none.
func (e *editor) changed() {
	if e.save == nil {
		return
	}
	probs := e.problems()
	rowLevel := make([]string, len(e.rows))
	var syncLevel, matchLevel []string
	for _, p := range probs {
		if p.Row >= 0 && p.Row < len(e.rows) {
			rowLevel[p.Row] = strings.TrimSpace(rowLevel[p.Row] + "  " + p.Message)
			continue
		}
		if p.Field == "match" || strings.HasPrefix(p.Message, "match rule") {
			matchLevel = append(matchLevel, p.Message)
			continue
		}
		syncLevel = append(syncLevel, p.Message)
	}
	for i, rv := range e.rows {
		if rv == nil {
			continue
		}
		l := rv.problem
		setLabel(l, rowLevel[i])
		if show := rowLevel[i] != ""; show != l.Visible() {
			if show {
				l.Show()
			} else {
				l.Hide()
			}
		}
	}
	setLines(e.syncProblems, syncLevel)
	setLines(e.matchProblem, matchLevel)
	e.updateRequired()
	e.updateSamples()
	switch {
	case e.schema[0] == nil || e.schema[1] == nil:
		e.save.Disable()
		e.saveNote.SetText("Waiting for both sides' fields")
	case len(probs) > 0:
		e.save.Disable()
		e.saveNote.SetText("Fix " + plural(len(probs), "problem") + " to save")
	default:
		e.save.Enable()
		e.saveNote.SetText("")
	}
}

func setLines(l *widget.Label, lines []string) {
	if len(lines) == 0 {
		l.Hide()
		return
	}
	l.SetText(strings.Join(lines, "\n"))
	l.Show()
}

// problems checks the definition statically and, once both schemas are
// loaded, against them: the same checks SaveSync makes.
func (e *editor) problems() []mapping.Problem {
	var ps []mapping.Problem
	if rows, mps, ok := e.mappingChecks(); ok {
		ps = e.def.ValidateCompiled(*e.schema[0], *e.schema[1], rows, mps)
	} else if e.schema[0] != nil && e.schema[1] != nil {
		ps = e.def.Validate(*e.schema[0], *e.schema[1])
	} else {
		ps = e.def.ValidateStatic()
	}
	if e.def.Schedule != "" {
		if _, err := schedule.Parse(e.def.Schedule); err != nil {
			ps = append(ps, mapping.Problem{Row: -1, Field: "schedule", Message: err.Error()})
		}
	}
	ps = append(ps, e.limitProblems()...)
	// Saving is an upsert by name: a new sync under a saved sync's name
	// would replace it, its history and links staying on the name.
	if !e.existing && slices.ContainsFunc(e.others, func(o app.SyncView) bool { return o.Definition.Name == e.def.Name }) {
		ps = append(ps, mapping.Problem{Row: -1, Field: "name", Message: fmt.Sprintf("a sync named %q already exists: pick another name, or edit that sync from the Syncs screen", e.def.Name)})
	}
	return ps
}

func (e *editor) doSave() {
	// The save checks the sync against both CRMs in the background while
	// the editor stays open: it gets its own rows, which edits made
	// meanwhile (a row removed shifts the others) do not reach.
	def := e.def
	def.Fields, def.Match = slices.Clone(def.Fields), slices.Clone(def.Match)
	def.Filters.A, def.Filters.B = slices.Clone(def.Filters.A), slices.Clone(def.Filters.B)
	saved := slices.Clone(e.rows) // a refused row's problem follows the row
	e.save.Disable()
	e.saveNote.SetText("Saving…")
	e.u.bgErr(func(ctx context.Context) error {
		if err := e.u.a.SaveSync(ctx, def); err != nil {
			return err
		}
		return e.u.reloadSchedules(ctx)
	}, func(err error) {
		var inv *app.InvalidError
		switch {
		case errors.As(err, &inv):
			e.changed()
			e.saveNote.SetText(fmt.Sprintf("Not saved: %s", plural(len(inv.Problems), "problem")))
			e.showSaveProblems(saved, def.Fields, inv.Problems)
		case err != nil:
			e.changed()
			e.saveNote.SetText("Not saved")
			showError(e.u.win, err)
		default:
			e.u.Navigate(ScreenSyncs)
		}
	})
}
