package ui

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/engine"
)

// records is the pair of records a review item compares, read from the
// sync's local record index (no API call).
type records struct {
	self, other map[string]string
	otherID     string
	otherSide   string
	pairs       [][2]string // mapped field pairs (A field, B field)
	// labels are each side's field labels (A, B), read once with the
	// queue (reviewLabels), nil where the schema could not be read: the
	// fields are then named by their API names.
	labels [2]map[string]string
}

// loadRecords reads the item's record and its counterpart (the linked
// record, the other id, or the first candidate on otherSide) from the
// record index.
func (u *UI) loadRecords(ctx context.Context, it app.ReviewView, other, otherSide string) records {
	var r records
	if v, err := u.a.Sync(ctx, it.Sync); err == nil {
		for _, f := range v.Definition.Fields {
			r.pairs = append(r.pairs, [2]string{f.A, f.B})
		}
	}
	if rec, err := u.a.Record(ctx, it.SyncID, it.Side, it.RecordID); err == nil && rec.Found {
		r.self = rec.Fields
		if rec.LinkedID != "" && other == "" {
			r.otherID, r.other, r.otherSide = rec.LinkedID, rec.Linked, flip(it.Side)
			return r
		}
	}
	if other == "" {
		other, otherSide = it.OtherID, flip(it.Side)
	}
	if other != "" {
		if rec, err := u.a.Record(ctx, it.SyncID, otherSide, other); err == nil && rec.Found {
			r.otherID, r.other, r.otherSide = other, rec.Fields, otherSide
		}
	}
	return r
}

// showDetail renders the selected item: reason, values, candidates with
// their evidence, the two records side by side and the allowed actions.
func (q *reviewQueue) showDetail() {
	it, ok := q.current()
	if !ok {
		return
	}
	d := decodeDetail(it)
	other, otherSide := "", ""
	if len(d.Candidates) > 0 {
		other, otherSide = d.Candidates[0].ID, d.Candidates[0].Side
	}
	q.detail.Objects = []fyne.CanvasObject{loading("the records")}
	q.detail.Refresh()
	bg(q.u, func(ctx context.Context) (records, error) { return q.u.loadRecords(ctx, it, other, otherSide), nil },
		func(r records, _ error) {
			if cur, ok := q.current(); !ok || cur.ID != it.ID {
				return
			}
			r.labels = q.labels[it.Sync]
			q.detail.Objects = []fyne.CanvasObject{q.detailView(it, d, r)}
			q.detail.Refresh()
		})
}

func (q *reviewQueue) detailView(it app.ReviewView, d reviewDetail, r records) fyne.CanvasObject {
	if strings.Contains(it.Field, ">") { // the engine's reason names the row by its key
		d.Reason = strings.ReplaceAll(d.Reason, it.Field, rowWords(it.Field, r.labels))
	}
	box := container.NewVBox(
		// Wrapped: a connection and object name make it long.
		wrapped(fmt.Sprintf("%s: %s record %s", it.Kind, it.Sides.Of(it.Side), it.RecordID)),
		wrapped(sentence(firstNonBlank(d.Reason, "needs a decision"), it.Sides[:]...)),
		widget.NewLabel("Sync: "+it.Sync+"   queued "+ago(it.CreatedAt, q.u.now())))
	if d.Values != nil {
		box.Add(wrapped(fmt.Sprintf("Field %s — %s: %q   %s: %q   last agreed: %q", rowWords(it.Field, r.labels), it.Sides.Of("a"), d.Values.A, it.Sides.Of("b"), d.Values.B, d.Values.Base)))
	}
	acts := actionsFor(it)
	buttons := container.NewHBox()
	// The Take buttons name their CRMs: a row each, so two long names do
	// not widen the window.
	takes := container.NewVBox()
	add := func(action, label string, key string, d engine.Decision) {
		if !contains(acts, action) {
			return
		}
		b := widget.NewButton(label+" ("+key+")", func() { q.decide([]app.ReviewView{it}, d) })
		if action == "link" || action == "take-a" || action == "take-b" {
			b.Importance = widget.HighImportance
		}
		if action == "take-a" || action == "take-b" {
			takes.Add(container.NewHBox(b))
			return
		}
		buttons.Add(b)
	}
	if len(d.Candidates) > 0 {
		box.Add(bold("Candidates"))
		sameCRM := false
		for _, c := range d.Candidates {
			c := c
			// "salesforce-sandbox Contact 0038…", as the item's heading names its side.
			where := it.Sides.Of(c.Side)
			ev := fmt.Sprintf("%s %s — match rule %d on %q", where, c.ID, c.Rule, c.Key)
			if c.Rule == 0 { // named by the CRM (a duplicate rule), not by a match rule
				ev = fmt.Sprintf("%s %s — %s", where, c.ID, c.Key)
			}
			if c.LinkedTo != "" {
				ev += " (already linked to " + c.LinkedTo + ")"
			}
			if !strings.EqualFold(c.Side, it.Side) {
				link := widget.NewButtonWithIcon("Link", theme.MailForwardIcon(), func() {
					q.decide([]app.ReviewView{it}, engine.Decision{Action: "link", OtherID: c.ID})
				})
				if !contains(acts, "link") {
					link.Disable()
				}
				box.Add(container.NewBorder(nil, nil, nil, link, wrapped(ev)))
				continue
			}
			// A look-alike in the same CRM is why the match is unclear; a
			// record links only with one in the other CRM.
			box.Add(wrapped(ev + " (same CRM)"))
			sameCRM = true
		}
		if sameCRM {
			box.Add(wrapped("A record in the same CRM cannot be linked with this one: merge the look-alikes there, or create or skip this one."))
		}
		if c, ok := linkCandidate(it, d); ok {
			add("link", "Link first", "L", engine.Decision{Action: "link", OtherID: c.ID})
		}
	}
	if it.Kind == "duplicate" {
		add("create", "Create anyway", "C", engine.Decision{Action: "create"})
		if contains(acts, "retry") {
			// Salesforce answers again: created, or back here with its message.
			buttons.Add(widget.NewButton("Retry create (once the rule or record is changed in the CRM)", func() {
				q.decide([]app.ReviewView{it}, engine.Decision{Action: "retry"})
			}))
		}
	} else {
		add("create", "Create", "C", engine.Decision{Action: "create"})
	}
	// Named as the Field line names the values; the key stays the letter.
	add("take-a", "Take "+it.Sides.Of("a"), "A", engine.Decision{Action: "take-a"})
	add("take-b", "Take "+it.Sides.Of("b"), "B", engine.Decision{Action: "take-b"})
	if contains(acts, "set") {
		buttons.Add(widget.NewButton("Edit value (E)", func() { q.editValue(it) }))
	}
	add("delete", "Delete", "D", engine.Decision{Action: "delete"})
	add("skip", "Skip", "S", engine.Decision{Action: "skip"})
	if len(takes.Objects) > 0 {
		box.Add(takes)
	}
	box.Add(buttons)
	box.Add(compareRecords(it, r))
	return box
}

// compareRecords shows both records' fields side by side; fields whose
// values differ are marked.
func compareRecords(it app.ReviewView, r records) fyne.CanvasObject {
	if r.self == nil && r.other == nil {
		return widget.NewLabel("The records are not in the local index yet; run the sync once to see them here.")
	}
	// Left: the record the item is about; right: its counterpart, which
	// for an ambiguous match may live on the same side.
	left, right := side(it.Side), side(r.otherSide)
	grid := container.NewGridWithColumns(3, bold("Mapping"), bold("This record"), bold("Counterpart"))
	counterpart := "none"
	if r.otherID != "" {
		counterpart = it.Sides.Of(r.otherSide) + " " + r.otherID
	}
	ids := wrapped(fmt.Sprintf("This record: %s %s · counterpart: %s", it.Sides.Of(it.Side), it.RecordID, counterpart))
	aVals, bVals := r.self, r.other
	for _, p := range r.pairs {
		av, bv := joinVals(aVals, splitPlus(p[left])), joinVals(bVals, splitPlus(p[right]))
		name := cell(pairWords(p[0], p[1], r.labels))
		al, bl := cell(blankAs(av)), cell(blankAs(bv))
		if aVals != nil && bVals != nil && !strings.EqualFold(strings.TrimSpace(av), strings.TrimSpace(bv)) {
			// Differences stand out: the row in the warning colour, marked.
			name.Importance, al.Importance, bl.Importance = widget.WarningImportance, widget.WarningImportance, widget.WarningImportance
			name.SetText("≠ " + name.Text)
		}
		grid.Add(name)
		grid.Add(al)
		grid.Add(bl)
	}
	return widget.NewCard("", "Side by side (differing fields marked ≠)", container.NewVBox(ids, grid))
}

func splitPlus(s string) []string { return strings.Split(s, "+") }

func flip(side string) string {
	if side == "a" {
		return "b"
	}
	return "a"
}

// side is the index of a side's field in a mapping pair.
func side(s string) int {
	if s == "b" {
		return 1
	}
	return 0
}

// linkCandidate is the first of d's candidates in the other CRM, the one
// "Link first" and the L key link with; a candidate on the item's own side
// (a look-alike in the same CRM) cannot be linked with it.
func linkCandidate(it app.ReviewView, d reviewDetail) (engine.Candidate, bool) {
	for _, c := range d.Candidates {
		if !strings.EqualFold(c.Side, it.Side) {
			return c, true
		}
	}
	return engine.Candidate{}, false
}

// loadLabels reads the fields' labels of the queue's syncs after the
// queue is on screen (a CRM whose schema is not cached answers slowly),
// then names the fields by them in the list and the item shown.
func (q *reviewQueue) loadLabels(gen int) {
	items := slices.Clone(q.all)
	bg(q.u, func(ctx context.Context) (map[string][2]map[string]string, error) {
		return q.u.reviewLabels(ctx, items), nil
	}, func(labels map[string][2]map[string]string, _ error) {
		if q.u.screenGen != gen {
			return
		}
		q.labels = labels
		q.list.Refresh()
		if _, ok := q.current(); ok {
			q.showDetail()
		}
	})
}

// reviewLabels reads the field labels of each sync items belong to, once
// as the queue loads: opening a connection reads the keyring, too dear
// for each item shown. The schemas come from the metadata cache the runs
// filled, so no call as a rule; a sync or side whose labels cannot be
// read is named by its fields' API names.
func (u *UI) reviewLabels(ctx context.Context, items []app.ReviewView) map[string][2]map[string]string {
	out := map[string][2]map[string]string{}
	read := map[engine.SideDef]map[string]string{} // syncs share objects
	for _, it := range items {
		if _, done := out[it.Sync]; done || it.Field == "" {
			continue
		}
		var labels [2]map[string]string
		if v, err := u.a.Sync(ctx, it.Sync); err == nil {
			for i, sd := range []engine.SideDef{v.Definition.A, v.Definition.B} {
				if m, ok := read[sd]; ok {
					labels[i] = m
					continue
				}
				labels[i], _ = u.a.FieldLabels(ctx, sd.Connection, sd.Object)
				read[sd] = labels[i]
			}
		}
		out[it.Sync] = labels
	}
	return out
}

// rowWords names a mapping row by its key ("city>MailingCity") as the
// CRMs label its fields: "City ←→ Mailing City". A key that is no row's
// (a field of an undo's item) is shown as it is.
func rowWords(key string, labels [2]map[string]string) string {
	a, b, ok := strings.Cut(key, ">")
	if !ok {
		return key
	}
	return pairWords(a, b, labels)
}

// pairWords names fields a and b (each maybe several joined with "+") by
// their labels, once where both CRMs label them alike ("First Name").
func pairWords(a, b string, labels [2]map[string]string) string {
	la, lb := labelsOf(a, labels[0]), labelsOf(b, labels[1])
	if strings.EqualFold(la, lb) {
		return la
	}
	return la + " ←→ " + lb
}

// labelsOf is fields ("a1+a2") by their labels, an unlabelled one by its
// name.
func labelsOf(fields string, labels map[string]string) string {
	parts := strings.Split(fields, "+")
	for i, f := range parts {
		parts[i] = firstNonBlank(labels[f], f)
	}
	return strings.Join(parts, " + ")
}
