package ui

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/mapping"
)

// sideData is one side's live schema and first record, and its account's
// time zone ("" when it could not be read, zoneNote then saying why).
type sideData struct {
	schema   connector.Schema
	sample   map[string]string
	zone     string
	zoneNote string
}

// loadSide fetches a side's schema and a sample record, off the UI goroutine.
func (e *editor) loadSide(i int) {
	sd := *e.side(i)
	e.schema[i], e.sample[i], e.schemaErr[i], e.zone[i] = nil, nil, nil, ""
	e.choices = nil // the pickers' options of the schema read before
	status := e.sideStatus[i]
	if _, ok := e.conn(sd.Connection); !ok {
		msg := "Choose a connection."
		if sd.Connection != "" {
			msg = fmt.Sprintf("Connection %q no longer exists. Choose another connection, or connect it again on Connections; the sync's settings are kept.", sd.Connection)
		}
		status.Objects = []fyne.CanvasObject{dangerText(msg)}
		status.Refresh()
		e.rebuildRows()
		return
	}
	if sd.Object == "" {
		status.Objects = []fyne.CanvasObject{widget.NewLabel("Choose an object.")}
		status.Refresh()
		return
	}
	status.Objects = []fyne.CanvasObject{widget.NewLabel("Loading the fields of " + sd.Object + "…"), widget.NewProgressBarInfinite()}
	status.Refresh()
	bg(e.u, func(ctx context.Context) (sideData, error) {
		s, err := e.u.a.Schema(ctx, sd.Connection, sd.Object)
		if err != nil {
			return sideData{}, err
		}
		d := sideData{schema: s, sample: e.firstRecord(ctx, sd.Connection, sd.Object)}
		d.zone, d.zoneNote = e.accountZone(ctx, sd.Connection)
		return d, nil
	}, func(d sideData, err error) {
		if cur := *e.side(i); cur != sd {
			return // the user picked something else meanwhile
		}
		if err != nil {
			e.schemaErr[i] = err
			retry := widget.NewButtonWithIcon("Retry", theme.ViewRefreshIcon(), func() { e.loadSide(i) })
			status.Objects = []fyne.CanvasObject{dangerText("The fields of " + sd.Object + " could not be loaded: " + errorSentence(err) + " " + nextStep(err)), container.NewHBox(retry)}
			status.Refresh()
			e.changed()
			return
		}
		s := d.schema
		e.schema[i], e.sample[i], e.zone[i] = &s, d.sample, d.zone
		note := fmt.Sprintf("%d fields loaded", len(s.Fields))
		if d.sample != nil {
			note += "; sample record loaded"
		}
		l := widget.NewLabel(note)
		l.Importance = widget.SuccessImportance
		status.Objects = []fyne.CanvasObject{l}
		if d.zoneNote != "" {
			status.Objects = append(status.Objects, wrapped(d.zoneNote)) // a note, not an alarm: the side loaded
		}
		status.Refresh()
		e.afterSchemas()
	})
}

// firstRecord reads the first record of the first page for the live
// sample; a failure only means no sample.
func (e *editor) firstRecord(ctx context.Context, conn, object string) map[string]string {
	rec, err := e.u.a.Sample(ctx, conn, object)
	if err != nil {
		return nil
	}
	return rec
}

// accountZone reads a connection's time zone (a HubSpot portal's, a
// Salesforce or Zoho org's, a Pipedrive user's), the zone its CRM shows
// datetimes in; a zone that cannot be read, or a CRM that does not say
// one, is "" and the editor keeps offering UTC (or the other side's
// zone). A zone that could not be read comes with a note saying why, in
// the CRM's own words (a Salesforce user without "View Setup and
// Configuration" is refused the Organization), not an error: the side
// still loads.
func (e *editor) accountZone(ctx context.Context, conn string) (zone, note string) {
	zone, err := e.u.a.AccountZone(ctx, conn)
	switch {
	case err == nil:
		return zone, ""
	case errors.Is(err, app.ErrNoTimeZone), errors.Is(err, context.Canceled):
		return "", ""
	}
	return "", "The account's time zone could not be read (" + strings.TrimSuffix(errorSentence(err), ".") +
		"): dates are offered in the other side's zone, else UTC; set the zone in a date transform (date:ZONE) if it differs."
}

// sideZone is the zone the editor proposes for side i's datetimes as
// dates and back: its account's zone, else the other side's (one company's
// CRMs mostly share one), else UTC.
func (e *editor) sideZone(i int) string {
	return cmp.Or(e.zone[i], e.zone[1-i], "UTC")
}

// afterSchemas redraws what depends on the schemas; for a new sync with no
// match rule, it proposes email ↔ email.
func (e *editor) afterSchemas() {
	if e.schema[0] != nil && e.schema[1] != nil && len(e.def.Match) == 0 {
		a, b := firstOfType(e.schema[0], connector.TypeEmail), firstOfType(e.schema[1], connector.TypeEmail)
		if a != "" && b != "" {
			e.def.Match = append(e.def.Match, engine.MatchRule{A: a, B: b, Normalize: "email"})
		}
	}
	e.rebuildRows()
	e.rebuildMatch()
	e.rebuildFilters()
	if e.schema[0] != nil && e.schema[1] != nil && len(e.def.Fields) == 0 {
		e.showSuggestions()
	}
}

func firstOfType(s *connector.Schema, t connector.FieldType) string {
	for _, f := range s.Fields {
		if f.Type == t {
			return f.Name
		}
	}
	return ""
}

// updateSamples shows, under each row, the source record's value and what
// the mapping turns it into, as its last check worked out.
func (e *editor) updateSamples() {
	basis := checkBasis{e.schema[0], e.schema[1], e.def.Direction}
	for _, rv := range e.rows {
		if rv == nil {
			continue
		}
		text := ""
		if rv.check.done && rv.check.basis == basis {
			text = rv.check.sample
		}
		setLabel(rv.sample, text)
	}
}

// setLabel sets a label's text only when it differs: the editor
// re-validates on every keystroke, and redrawing a hundred rows' unchanged
// labels each time is what made typing slow.
func setLabel(l *widget.Label, text string) {
	if l.Text != text {
		l.SetText(text)
	}
}

// sampleOf is mapping f's sample line, c being f compiled alone.
func (e *editor) sampleOf(f mapping.Field, c mapping.RowCheck) string {
	if e.schema[0] == nil || e.schema[1] == nil || f.A == "" || f.B == "" {
		return ""
	}
	if !c.OK || len(c.Problems) > 0 || c.Row.Dir == mapping.None {
		return ""
	}
	r := c.Row
	if r.Dir == mapping.BtoA {
		src := e.sample[1]
		if src == nil {
			return "Sample: no record in " + e.def.SideName("b") + " to show"
		}
		canon, err := r.CanonB(src)
		if err != nil {
			return "Sample: " + err.Error()
		}
		out, err := r.WriteA(canon)
		if err != nil {
			return "Sample: " + err.Error()
		}
		return fmt.Sprintf("Sample: B %s = %q  →  A %s = %q", f.B, joinVals(src, r.BFields), f.A, joinVals(out, r.AFields))
	}
	src := e.sample[0]
	if src == nil {
		return "Sample: no record in " + e.def.SideName("a") + " to show"
	}
	canon, err := r.CanonA(src)
	if err != nil {
		return "Sample: " + err.Error()
	}
	return fmt.Sprintf("Sample: A %s = %q  →  B %s = %q", f.A, joinVals(src, r.AFields), f.B, canon)
}

func joinVals(m map[string]string, names []string) string {
	vs := make([]string, len(names))
	for i, n := range names {
		vs[i] = m[n]
	}
	return strings.Join(vs, " ")
}

// normField is a field's name and label as suggest compares them.
type normField struct {
	name, label string
	owner       bool
}

// suggestion is a proposed mapping with why.
type suggestion struct {
	f   mapping.Field
	why string
}

// suggest proposes mappings by name, label and type for fields not yet
// mapped; a datetime and a date (HubSpot's hs_timestamp and Salesforce's
// ActivityDate) are turned into each other in the zone whose day the
// datetime stands for: zones[0] for A's datetimes, zones[1] for B's (one
// zone is both sides').
func suggest(a, b *connector.Schema, have []mapping.Field, zones ...string) []suggestion {
	zoneA, zoneB := "UTC", "UTC"
	if len(zones) > 0 {
		zoneA, zoneB = zones[0], zones[len(zones)-1]
	}
	usedA, usedB := map[string]bool{}, map[string]bool{}
	for _, f := range have {
		usedA[f.A], usedB[f.B] = true, true
	}
	// Each A field's name and label are normalised once, not once per B
	// field: a comparison then allocates nothing, and two 600-field
	// portals cost 600 normalisations a side, not 360,000.
	normA := make([]normField, len(a.Fields))
	for i, fa := range a.Fields {
		normA[i] = normField{name: norm(fa.Name), label: norm(fa.Label), owner: mapping.IsOwnerField(fa)}
	}
	var out []suggestion
	for _, fb := range b.Fields {
		// crmsync's own key fields (upsert ids) are the engine's business.
		if fb.ReadOnly || usedB[fb.Name] || fb.Type == connector.TypeID || strings.Contains(strings.ToLower(fb.Name), "crmsync") {
			continue
		}
		nb := normField{name: norm(fb.Name), label: norm(fb.Label), owner: mapping.IsOwnerField(fb)}
		consent := fb.Type == connector.TypeEnum && optOutOption(fb) != ""
		best, why := "", ""
		for i := range a.Fields {
			fa, na := &a.Fields[i], normA[i]
			if usedA[fa.Name] || fa.Type == connector.TypeID {
				continue
			}
			if optOutFields[na.name] && fa.Type == connector.TypeBool && consent {
				best, why = fa.Name, "an email opt-out and a consent status"
				break
			}
			if na.owner && nb.owner {
				best, why = fa.Name, "both record owners, users matched by email"
				break
			}
			switch {
			case na.name == nb.name:
				best, why = fa.Name, "same name"
			case na.label != "" && na.label == nb.label:
				best, why = fa.Name, "same label"
			case synonyms[na.name] == nb.name:
				best, why = fa.Name, "same meaning"
			case optOutFields[na.name] && optOutFields[nb.name]:
				best, why = fa.Name, "both email opt-outs"
			default:
				continue
			}
			if fa.Type == fb.Type || compatible(fa.Type, fb.Type) || datePair(fa.Type, fb.Type) {
				break
			}
			best = "" // same name but incompatible types: not a suggestion
		}
		if best == "" {
			continue
		}
		usedA[best] = true
		fa, _ := a.Field(best)
		f := mapping.Field{A: best, B: fb.Name}
		switch {
		case fa.Type == connector.TypeDateTime && fb.Type == connector.TypeDate:
			f.Transform = "date:" + zoneA // and back as that day's start there
		case fa.Type == connector.TypeDate && fb.Type == connector.TypeDateTime:
			f.Transform, f.ReverseTransform = "datetime:"+zoneB, "date:"+zoneB
		}
		switch {
		case mapping.IsOwnerField(fa) && mapping.IsOwnerField(fb):
			// Users are matched by email each run; a record with no owner
			// keeps the one the other side gave it.
			f.Transform, f.Rule = "owner", mapping.UnlessBlank
		case optOutFields[norm(best)] && optOutFields[norm(fb.Name)]:
			f.Rule = mapping.OptOut // an opt-out travels; an opt-in never does
		case optOutFields[norm(best)] && fb.Type == connector.TypeEnum:
			f.Rule, f.Transform, f.ValueMap = mapping.OptOut, "map", map[string]string{"true": optOutOption(fb)}
		case fb.Type == connector.TypeEmail:
			f.Transform = "lower"
		case fb.Type == connector.TypePhone:
			f.Transform = "e164"
		case !fb.Required:
			f.Rule = mapping.UnlessBlank
		}
		out = append(out, suggestion{f, fmt.Sprintf("%s, %s → %s", why, fa.Type, fb.Type)})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].f.A < out[j].f.A })
	return out
}

// datePair says whether a and b are a datetime and a date, which a date
// transform in a named zone turns into each other.
func datePair(a, b connector.FieldType) bool {
	return a == connector.TypeDateTime && b == connector.TypeDate || a == connector.TypeDate && b == connector.TypeDateTime
}

// synonyms pair common CRM field names whose spellings differ.
var synonyms = map[string]string{
	"jobtitle": "title", "city": "mailingcity", "state": "mailingstate", "zip": "mailingpostalcode",
	"country": "mailingcountry", "address": "mailingstreet", "mobilephone": "mobilephone", "company": "accountname",
	"hstimestamp": "activitydate", // a HubSpot activity's date, Salesforce's Task due date
}

// optOutFields are the vendors' email opt-out checkboxes: HubSpot's
// "Unsubscribed from all email", Salesforce's and Zoho's "Email Opt Out",
// Dynamics 365's "Do not allow Bulk Emails", Brevo's blacklist.
var optOutFields = map[string]bool{"hsemailoptout": true, "hasoptedoutofemail": true, "emailoptout": true, "donotbulkemail": true,
	"emailblacklisted": true}

// optOutOption is the option of a consent picklist that says the person
// opted out (a Mailchimp member's "unsubscribed", Klaviyo's UNSUBSCRIBED,
// an "Opted Out"), or "" when it has none.
func optOutOption(f connector.Field) string {
	for _, o := range f.Options {
		if s := norm(o.Value + " " + o.Label); strings.Contains(s, "unsubscribed") || strings.Contains(s, "optedout") {
			return o.Value
		}
	}
	return ""
}

func norm(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '_' || r == ' ' || r == '-' {
			return -1
		}
		return r
	}, strings.ToLower(s))
}

func hasMapping(fs []mapping.Field, f mapping.Field) bool {
	for _, x := range fs {
		if x.A == f.A && x.B == f.B {
			return true
		}
	}
	return false
}

// showRowValueMap edits a picklist row's value map: each source value
// with a picker of the target's allowed values. Saving sets the map
// transform on rv's mapping wherever the row is by then, and redraws that
// row only.
func (e *editor) showRowValueMap(rv *rowView) {
	cur := e.fieldOfRow(rv)
	if cur == nil {
		return
	}
	f := *cur
	fa, fb := e.fieldOf(0, f.A), e.fieldOf(1, f.B)
	var sources []string
	for _, o := range fa.Options {
		sources = append(sources, o.Value)
	}
	for k := range f.ValueMap {
		if !contains(sources, k) {
			sources = append(sources, k)
		}
	}
	targets := []string{"(no mapping)"}
	for _, o := range fb.Options {
		targets = append(targets, o.Value)
	}
	// Each side's CRM and field as the person knows them, not "A" and an
	// API name: the sides' cards name the CRMs the same way.
	aw, bw := firstNonBlank(strings.TrimSpace(fa.Label), f.A), firstNonBlank(strings.TrimSpace(fb.Label), f.B)
	aName, bName := e.def.SideName("a"), e.def.SideName("b")
	vm := map[string]string{}
	grid := container.NewGridWithColumns(2, bold(aw+" value"), bold(bw+" value"))
	for _, src := range sources {
		cur, ok := f.ValueMap[src]
		if !ok {
			cur = guessOption(src, fb.Options)
		}
		if cur == "" { // HubSpot's DECISION_MAKER is labelled as Salesforce spells it
			cur = guessOption(optionLabel(fa.Options, src), fb.Options)
		}
		addValuePick(grid, vm, src, targets, cur)
	}
	// A row that writes A back needs, when several A values share a B
	// value, to know which A value each B value goes back as.
	var rvm map[string]string
	if dir := firstNonBlankDir(f.Direction, e.def.Direction); dir == mapping.TwoWay || dir == mapping.BtoA {
		rvm = map[string]string{}
		grid.Add(bold(bw + " value"))
		grid.Add(bold("written back as " + aw))
		backs := append([]string{"(no mapping)"}, sources...)
		for _, dst := range targets[1:] {
			cur, ok := f.ReverseValueMap[dst]
			if !ok {
				cur = soleSource(vm, dst)
			}
			addValuePick(grid, rvm, dst, backs, cur)
		}
	}
	note := bName + " allows: " + strings.Join(targets[1:], ", ")
	if fb.Unrestricted {
		// Not an error: the vendor stores a value outside the list as is.
		note = bName + " lists: " + strings.Join(targets[1:], ", ") + ". Warning: this picklist is unrestricted, so a row with no map writes other values as they are; a value left with no mapping here is refused"
	}
	if rvm != nil {
		note += ". The second table is used when several values of " + aw + " share one of " + bw + "; a one-to-one map is reversed as it is."
	}
	allowed := wrapped(note)
	allowed.Importance = widget.LowImportance
	intro := wrapped(fmt.Sprintf("Each value of %s in %s, and what it is written as in %s of %s.", aw, aName, bw, bName))
	content := container.NewBorder(intro, allowed, nil, nil, container.NewVScroll(grid))
	if len(sources) == 0 {
		content = container.NewBorder(nil, allowed, nil, nil, wrapped(fmt.Sprintf("%s in %s has no fixed values; values pass through unchanged unless %s does not allow them.", aw, aName, bName)))
	}
	d := dialog.NewCustomConfirm("Value map: "+aw+" → "+bw, "Use this map", "Cancel", container.NewGridWrap(fyne.NewSize(520, 380), content), func(ok bool) {
		if !ok {
			return
		}
		if e.rowIndex(rv) < 0 { // redrawn while the map was open (a schema arrived)
			rv = e.rowMapping(f.A, f.B)
		}
		row := e.fieldOfRow(rv)
		if row == nil {
			return // the row was removed
		}
		row.ValueMap = vm
		row.Transform = "map"
		// A one-to-one map reverses itself; only a map that is not
		// keeps the reverse map edited here.
		row.ReverseTransform, row.ReverseValueMap = "", nil
		if rvm != nil && !oneToOne(vm) {
			row.ReverseTransform, row.ReverseValueMap = "map", rvm
		}
		e.redrawRow(rv)
	}, e.u.win)
	d.Show()
}

// addValuePick adds to grid one row of a value map m: key, and a picker
// of options showing cur, which keeps m[key] in step ("(no mapping)"
// removes it).
func addValuePick(grid *fyne.Container, m map[string]string, key string, options []string, cur string) {
	sel := widget.NewSelectEntry(options)
	if cur != "" {
		m[key] = cur
		sel.SetText(cur)
	} else {
		sel.SetText("(no mapping)")
	}
	sel.OnChanged = func(s string) {
		if s == "(no mapping)" || strings.TrimSpace(s) == "" {
			delete(m, key)
			return
		}
		m[key] = s
	}
	grid.Add(widget.NewLabel(key))
	grid.Add(sel)
}

// soleSource is the A value that alone maps to B value dst in vm, or "".
func soleSource(vm map[string]string, dst string) string {
	src := ""
	for a, b := range vm {
		if b == dst {
			if src != "" {
				return ""
			}
			src = a
		}
	}
	return src
}

// oneToOne reports whether no two A values of vm share a B value.
func oneToOne(vm map[string]string) bool {
	seen := map[string]bool{}
	for _, b := range vm {
		if seen[b] {
			return false
		}
		seen[b] = true
	}
	return true
}

// firstNonBlankDir is a row's direction, or the sync's when the row
// inherits it.
func firstNonBlankDir(row, sync mapping.Direction) mapping.Direction {
	if row == mapping.Inherit {
		return sync
	}
	return row
}

// guessOption finds the target option equal to v by value or label,
// ignoring case.
// optionLabel is the label of the option whose value is v, or "".
func optionLabel(opts []connector.Option, v string) string {
	for _, o := range opts {
		if o.Value == v && o.Label != v {
			return o.Label
		}
	}
	return ""
}

func guessOption(v string, opts []connector.Option) string {
	if v == "" {
		return ""
	}
	for _, o := range opts {
		if strings.EqualFold(o.Value, v) || strings.EqualFold(o.Label, v) {
			return o.Value
		}
	}
	return ""
}
