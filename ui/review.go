package ui

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/store"
	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/connector/registry"
	"github.com/crmsync/crmsync/sync/engine"
)

var reviewKinds = []string{"All kinds", "unmatched", "ambiguous", "duplicate", "conflict", "delete", "rejected"}

// reviewDetail is a review item's stored detail JSON.
type reviewDetail struct {
	Reason     string             `json:"reason"`
	Candidates []engine.Candidate `json:"candidates"`
	Values     *engine.Values     `json:"values"`
	Blocked    bool               `json:"blocked"` // a duplicate its CRM refuses whatever is decided
}

// reviewQueue is the Review screen's state.
type reviewQueue struct {
	u        *UI
	all      []app.ReviewView
	shown    []app.ReviewView
	checked  map[int64]bool
	selected int
	kind     string
	list     *widget.List
	detail   *fyne.Container
	status   *widget.Label
	decided  map[string]bool // syncs with fresh decisions, to offer a run
	// inflight holds the items whose decision is on its way to the store:
	// a key typed before it lands must not decide them again (a decided
	// item can be re-decided, so the later key would replace the first).
	inflight map[int64]bool
	runBar   *fyne.Container
	// labels are each sync's field labels (A, B), by sync name, to name
	// the items' fields in the list; a sync not in it shows row keys.
	labels map[string][2]map[string]string
}

func (u *UI) reviewScreen() fyne.CanvasObject {
	empty := emptyState(theme.ConfirmIcon(), "Nothing needs your attention",
		"Unmatched records, ambiguous matches, conflicts and held deletes will wait here for your decision.")
	if u.a == nil {
		return empty
	}
	q := &reviewQueue{u: u, checked: map[int64]bool{}, selected: -1, kind: reviewKinds[0], decided: map[string]bool{}, inflight: map[int64]bool{}}
	holder := container.NewStack(loading("the review queue"))
	gen := u.screenGen // show() bumps it before building this screen
	bg(u, func(ctx context.Context) ([]app.ReviewView, error) { return u.a.Reviews(ctx, "", "", "open") },
		func(items []app.ReviewView, err error) {
			if u.screenGen != gen {
				return // the screen was replaced while the queue loaded
			}
			switch {
			case err != nil:
				holder.Objects = []fyne.CanvasObject{emptyState(theme.ErrorIcon(), "The review queue could not be loaded", errorSentence(err)+" "+nextStep(err))}
			case len(items) == 0:
				holder.Objects = []fyne.CanvasObject{empty}
			default:
				q.all = items
				holder.Objects = []fyne.CanvasObject{q.build()}
				u.keys = q.shortcut
				q.loadLabels(gen)
			}
			holder.Refresh()
		})
	return holder
}

func (q *reviewQueue) build() fyne.CanvasObject {
	kind := widget.NewSelect(reviewKinds, func(k string) { q.kind = k; q.filter() })
	kind.SetSelected(q.kind)
	q.status = widget.NewLabel("")
	q.list = widget.NewList(func() int { return len(q.shown) },
		func() fyne.CanvasObject {
			// The record first, on its own line: the kind and sync are the
			// same for many items, and cut the record off a narrow pane.
			record, about := widget.NewLabel(""), widget.NewLabel("")
			record.Truncation, about.Truncation = fyne.TextTruncateEllipsis, fyne.TextTruncateEllipsis
			about.Importance = widget.LowImportance
			return container.NewBorder(nil, nil, widget.NewCheck("", nil), nil, container.NewVBox(record, about))
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			it := q.shown[i]
			c := o.(*fyne.Container)
			lines := c.Objects[0].(*fyne.Container).Objects
			lines[0].(*widget.Label).SetText(strings.TrimSpace(it.RecordID + " " + rowWords(it.Field, q.labels[it.Sync])))
			// The CRM after the sync: a long name must not cut the record.
			lines[1].(*widget.Label).SetText(it.Kind + " · " + it.Sync + " · " + it.Sides.Of(it.Side))
			check := c.Objects[1].(*widget.Check)
			check.OnChanged = nil
			check.SetChecked(q.checked[it.ID])
			id := it.ID
			check.OnChanged = func(b bool) { q.checked[id] = b; q.updateStatus() }
		})
	q.list.OnSelected = func(i widget.ListItemID) { q.selected = i; q.showDetail() }
	q.detail = container.NewVBox(widget.NewLabel("Select an item to compare the two records."))
	q.runBar = container.NewHBox()
	// Three buttons a row, and the keys hint wrapped: in one row they made
	// the window wider than a small laptop's screen.
	bulk := container.NewVBox(widget.NewLabel("Checked:"), container.NewGridWithColumns(3,
		widget.NewButton("Create", func() { q.bulk("create") }),
		widget.NewButton("Skip", func() { q.bulk("skip") }),
		widget.NewButton("Take A", func() { q.bulk("take-a") }),
		widget.NewButton("Take B", func() { q.bulk("take-b") }),
		widget.NewButton("Delete", func() { q.bulk("delete") }),
		widget.NewButton("Select all", func() {
			for _, it := range q.shown {
				q.checked[it.ID] = true
			}
			q.list.Refresh()
			q.updateStatus()
		})))
	keys := wrapped("Keys: L link · C create · S skip · A take A · B take B · E edit value · D delete · J/K next/previous")
	keys.Importance = widget.LowImportance
	header := container.NewVBox(container.NewBorder(nil, nil, title("Review"), container.NewHBox(widget.NewLabel("Show"), kind)), keys)
	left := container.NewBorder(nil, container.NewVBox(bulk, q.status), nil, nil, q.list)
	split := container.NewHSplit(left, container.NewVScroll(q.detail))
	split.Offset = 0.36
	q.filter()
	return container.NewBorder(header, q.runBar, nil, nil, split)
}

func (q *reviewQueue) filter() {
	q.shown = q.shown[:0:0]
	for _, it := range q.all {
		if q.kind == reviewKinds[0] || it.Kind == q.kind {
			q.shown = append(q.shown, it)
		}
	}
	q.selected = -1
	if q.list != nil {
		q.list.UnselectAll()
		q.list.Refresh()
		if len(q.shown) > 0 {
			q.list.Select(0)
		}
	}
	if len(q.shown) == 0 && q.detail != nil {
		// No item is selected: the last one's actions must not stay on show.
		q.detail.Objects = []fyne.CanvasObject{widget.NewLabel("No item to decide here.")}
		q.detail.Refresh()
	}
	q.updateStatus()
}

func (q *reviewQueue) updateStatus() {
	if q.status == nil {
		return
	}
	n := 0
	for _, it := range q.shown {
		if q.checked[it.ID] {
			n++
		}
	}
	q.status.SetText(fmt.Sprintf("%d items shown, %d checked", len(q.shown), n))
}

func (q *reviewQueue) current() (app.ReviewView, bool) {
	if q.selected < 0 || q.selected >= len(q.shown) {
		return app.ReviewView{}, false
	}
	return q.shown[q.selected], true
}

// shortcut handles the single-key actions on the selected item.
func (q *reviewQueue) shortcut(r rune) bool {
	switch r {
	case 'j', 'J':
		if q.selected+1 < len(q.shown) {
			q.list.Select(q.selected + 1)
		}
		return true
	case 'k', 'K':
		if q.selected > 0 {
			q.list.Select(q.selected - 1)
		}
		return true
	}
	it, ok := q.current()
	if !ok {
		return false
	}
	// Only the actions this kind of item has (the buttons shown) work;
	// any other key is a hint, not an engine error.
	if a, isAction := keyActions[unicode.ToLower(r)]; isAction && !contains(actionsFor(it), a) {
		q.status.SetText(fmt.Sprintf("%s items cannot be decided with %c; use %s.", it.Kind, unicode.ToUpper(r), strings.Join(keyedActions(actionsFor(it)), ", ")))
		return true
	}
	switch r {
	case 'l', 'L':
		c, ok := linkCandidate(it, decodeDetail(it))
		if !ok {
			q.status.SetText(fmt.Sprintf("No record in the other CRM to link %s record %s with; create or skip it.", it.Sides.Of(it.Side), it.RecordID))
			return true
		}
		q.decide([]app.ReviewView{it}, engine.Decision{Action: "link", OtherID: c.ID})
	case 'c', 'C':
		q.decide([]app.ReviewView{it}, engine.Decision{Action: "create"})
	case 's', 'S':
		q.decide([]app.ReviewView{it}, engine.Decision{Action: "skip"})
	case 'a', 'A':
		q.decide([]app.ReviewView{it}, engine.Decision{Action: "take-a"})
	case 'b', 'B':
		q.decide([]app.ReviewView{it}, engine.Decision{Action: "take-b"})
	case 'd', 'D':
		q.decide([]app.ReviewView{it}, engine.Decision{Action: "delete"})
	case 'e', 'E':
		q.editValue(it)
	default:
		return false
	}
	return true
}

func decodeDetail(it app.ReviewView) reviewDetail {
	var d reviewDetail
	_ = json.Unmarshal([]byte(it.Detail), &d)
	d.Reason = it.Sides.InText(d.Reason) // stored saying "side B"
	return d
}

// actionsFor are the decisions item it can take: its kind's, but for
// "create" on a duplicate its CRM blocks (the engine refuses it too), and
// "retry", which only such an item takes.
func actionsFor(it app.ReviewView) []string {
	acts := engine.AllowedActions(it.Kind)
	drop := "retry"
	if decodeDetail(it).Blocked {
		drop = "create"
	}
	return slices.DeleteFunc(acts, func(a string) bool { return a == drop })
}

// keyedActions are the actions of acts a single key decides.
func keyedActions(acts []string) []string {
	return slices.DeleteFunc(slices.Clone(acts), func(a string) bool {
		for _, k := range keyActions {
			if k == a {
				return false
			}
		}
		return true
	})
}

// keyActions are the decisions the single-key shortcuts make.
var keyActions = map[rune]string{'l': "link", 'c': "create", 's': "skip", 'a': "take-a", 'b': "take-b", 'd': "delete", 'e': "set"}

// bulk applies one action to every checked item it is allowed for.
func (q *reviewQueue) bulk(action string) {
	var items []app.ReviewView
	for _, it := range q.shown {
		if q.checked[it.ID] && contains(actionsFor(it), action) {
			items = append(items, it)
		}
	}
	if len(items) == 0 {
		q.status.SetText("Check items this action applies to first (" + action + ").")
		return
	}
	if action == "delete" {
		q.confirmBulkDelete(items)
		return
	}
	if action == "create" {
		if dups := duplicateItems(items); len(dups) > 0 {
			q.confirmCreateAnyway(items, dups)
			return
		}
	}
	q.decide(items, engine.Decision{Action: action})
}

// duplicateItems are the items among items that a CRM's duplicate rule
// refused: creating them is "create anyway", which makes the duplicate.
func duplicateItems(items []app.ReviewView) []app.ReviewView {
	var dups []app.ReviewView
	for _, it := range items {
		if it.Kind == "duplicate" {
			dups = append(dups, it)
		}
	}
	return dups
}

// confirmCreateAnyway asks before a bulk Create overrides duplicate rules:
// on its own item "Create anyway" says what it does, and a checked
// duplicate among many unmatched records must not be created unseen.
func (q *reviewQueue) confirmCreateAnyway(items, dups []app.ReviewView) {
	rules := map[string]bool{}
	var names []string
	for _, it := range dups {
		for _, c := range decodeDetail(it).Candidates {
			if r := strings.TrimPrefix(c.Key, "duplicate rule "); r != "" && !rules[r] {
				rules[r] = true
				names = append(names, r)
			}
		}
	}
	which := fmt.Sprintf("%d of the %d items", len(dups), len(items))
	if len(dups) == len(items) {
		which = "the " + plural(len(items), "item")
	}
	msg := fmt.Sprintf("The other CRM's duplicate rules (%s) refused %s checked as likely duplicates\n"+
		"of records it already holds. Creating them anyway makes those duplicates.\n"+
		"To create only the others, cancel and uncheck the duplicate items, or link each with the record it matched.",
		strings.Join(names, ", "), which)
	dialog.NewCustomConfirm("Create likely duplicates?", fmt.Sprintf("Create all %d", len(items)), "Cancel", widget.NewLabel(msg), func(ok bool) {
		if ok {
			q.decide(items, engine.Decision{Action: "create"})
		}
	}, q.u.win).Show()
}

// decide records decisions off the UI goroutine and removes the items
// from the queue; they are applied on each sync's next run. One item that
// fails (or was settled elsewhere meanwhile) does not stop the others:
// every item decided leaves the queue, an item no longer open leaves it
// too, and the rest stay, named in the error.
func (q *reviewQueue) decide(items []app.ReviewView, d engine.Decision) {
	u := q.u
	items = q.claim(items)
	if len(items) == 0 {
		q.status.SetText("That item's decision is still being saved; wait for it to leave the queue, then decide the next one.")
		return
	}
	type outcome struct {
		done  map[int64]bool // decided now, or no longer open in the store
		stale []int64        // settled elsewhere meanwhile
		err   error          // the first other failure
		errIt app.ReviewView
		nerr  int
	}
	bg(u, func(ctx context.Context) (outcome, error) {
		o := outcome{done: map[int64]bool{}}
		byID := make(map[int64]app.ReviewView, len(items))
		ids := make([]int64, len(items))
		for i, it := range items {
			byID[it.ID], ids[i] = it, it.ID
		}
		n := 0
		err := u.a.DecideEach(ctx, ids, d, func(id int64, err error) {
			switch {
			case err == nil:
				o.done[id] = true
			case errors.Is(err, store.ErrNotFound):
				o.done[id] = true
				o.stale = append(o.stale, id)
			case ctx.Err() != nil:
			default:
				if o.err == nil {
					o.err, o.errIt = err, byID[id]
				}
				o.nerr++
			}
			if n++; n%decideProgressEvery == 0 && n < len(ids) {
				q.sayDeciding(n, len(ids), d.Action)
			}
		})
		return o, err
	}, func(o outcome, err error) {
		for _, it := range items {
			delete(q.inflight, it.ID)
		}
		if err != nil {
			showError(u.win, err)
		}
		if len(o.done) > 0 {
			for _, it := range items {
				if o.done[it.ID] {
					q.decided[it.Sync] = true
					delete(q.checked, it.ID)
				}
			}
			keep := q.all[:0]
			for _, it := range q.all {
				if !o.done[it.ID] {
					keep = append(keep, it)
				}
			}
			q.all = keep
			sel := q.selected
			q.filter()
			if sel >= 0 && sel < len(q.shown) {
				q.list.Select(sel)
			}
			msg := fmt.Sprintf("Decided %s (%s); applied on the next run.", plural(len(o.done)-len(o.stale), "item"), d.Action)
			if len(o.stale) > 0 {
				msg += fmt.Sprintf(" %s had been settled elsewhere and left the queue.", plural(len(o.stale), "item"))
			}
			q.status.SetText(msg)
			q.showRunBar()
		}
		if o.err != nil {
			showError(u.win, fmt.Errorf("%s of %s could not be decided (%s); the first, item %d (%s %s): %w",
				plural(o.nerr, "item"), plural(len(items), "item"), d.Action, o.errIt.ID, o.errIt.Sides.Of(o.errIt.Side), o.errIt.RecordID, o.err))
		}
	})
}

// decideProgressEvery is how many items a bulk decision decides between
// two progress lines: thousands take seconds.
const decideProgressEvery = 100

// sayDeciding shows a bulk decision's progress; from the background.
func (q *reviewQueue) sayDeciding(done, total int, action string) {
	q.u.do(func() { q.status.SetText(fmt.Sprintf("Deciding %d of %d items (%s)…", done, total, action)) })
}

// claim marks items as being decided and returns those that were not
// already; UI goroutine only.
func (q *reviewQueue) claim(items []app.ReviewView) []app.ReviewView {
	var free []app.ReviewView
	for _, it := range items {
		if !q.inflight[it.ID] {
			q.inflight[it.ID] = true
			free = append(free, it)
		}
	}
	return free
}

// showRunBar offers to run the syncs whose decisions are waiting.
func (q *reviewQueue) showRunBar() {
	var names []string
	for n := range q.decided {
		names = append(names, n)
	}
	sort.Strings(names)
	q.runBar.Objects = []fyne.CanvasObject{widget.NewLabel("Decisions are applied on the next run:")}
	for _, n := range names {
		n := n
		b := widget.NewButtonWithIcon("Preview "+n, theme.VisibilityIcon(), func() { q.u.openPreview(n) })
		b.Importance = widget.HighImportance
		q.runBar.Add(b)
	}
	q.runBar.Refresh()
}

// editValueBusy is the busy key of a review value's schema read.
const editValueBusy = "edit value"

func (q *reviewQueue) editValue(it app.ReviewView) {
	if !contains(actionsFor(it), "set") {
		return
	}
	current := ""
	if d := decodeDetail(it); d.Values != nil {
		current = d.Values.B
	}
	set := func(v string) { q.decide([]app.ReviewView{it}, engine.Decision{Action: "set", Value: v}) }
	// A second E while a slow CRM sends the schema would stack a second
	// dialog on the first; one value is edited at a time anyway.
	if !q.u.begin(editValueBusy) {
		return
	}
	// A multi-select is edited as its options, ticked; anything else, or a
	// row with no single B field, as text.
	gen := q.u.screenGen
	bg(q.u, func(ctx context.Context) (connector.Field, error) {
		f, ok, err := q.u.a.ReviewTarget(ctx, it)
		if err != nil || !ok {
			return connector.Field{}, err
		}
		return f, nil
	}, func(f connector.Field, err error) {
		label, title := setValueNames(it, f)
		q.u.end(editValueBusy)
		// The person went to another screen or item while the CRM answered:
		// a dialog now would sit over it, deciding an item no longer shown.
		if q.u.screenGen != gen || !q.isSelected(it.ID) {
			return
		}
		if err != nil {
			// A text box would take a value the field's options might refuse.
			showNote(q.u.win, "The field could not be read", editValueFailed(it, err))
			return
		}
		if f.Type == connector.TypeMulti && len(f.Options) > 0 {
			q.editSelection(f, label, title, current, set)
			return
		}
		entry := widget.NewEntry()
		entry.SetText(current)
		dialog.ShowForm(title, "Set", "Cancel",
			[]*widget.FormItem{widget.NewFormItem(label, entry)}, func(ok bool) {
				if ok {
					set(entry.Text)
				}
			}, q.u.win)
	})
}

// setValueNames are the "Set the value" dialog's form label and title:
// the field as the CRM labels it (f, read from B's schema; the row's B
// field where it was not read) and the CRM the value is written as, since
// a decision is in B's form ("Champion", not HubSpot's "CHAMPION"). The
// row key ("hs_buying_role>Buying_Role__c") is no name a person knows.
func setValueNames(it app.ReviewView, f connector.Field) (label, title string) {
	label = it.Field
	if _, b, ok := strings.Cut(it.Field, ">"); ok && b != "" {
		label = b
	}
	if f.Name != "" {
		label = firstNonBlank(strings.TrimSpace(f.Label), f.Name)
	}
	return label, "Set the value of " + label + " in " + it.Sides.Of("b")
}

// isSelected reports whether the item with id is the one selected.
func (q *reviewQueue) isSelected(id int64) bool {
	cur, ok := q.current()
	return ok && cur.ID == id
}

// editValueFailed says that the field a "set" decision writes could not be
// read: the field, the CRM and the vendor's own words, then what to do.
func editValueFailed(it app.ReviewView, err error) string {
	field := it.Field
	if _, b, ok := strings.Cut(it.Field, ">"); ok && b != "" {
		field = b
	}
	return fmt.Sprintf("The field %s could not be read from %s, so its value cannot be set yet. %s\n\n%s",
		field, it.Sides.Of("b"), errorSentence(vendorError(err)), nextStep(err))
}

// vendorError is the part of err's chain a connector wrote ("salesforce:
// …"), whose sentence is the vendor's message; err itself when none is,
// as for a sync deleted meanwhile.
func vendorError(err error) error {
	for e := err; e != nil; e = errors.Unwrap(e) {
		if name, _, ok := strings.Cut(e.Error(), ": "); ok {
			if _, known := registry.Title(name); known {
				return e
			}
		}
	}
	return err
}

// editSelection asks for a multi-select's value as a ticked list of the
// field's options, starting from current.
func (q *reviewQueue) editSelection(f connector.Field, label, title, current string, set func(string)) {
	labels := make([]string, len(f.Options))
	valueOf := map[string]string{}
	var ticked []string
	for i, o := range f.Options {
		labels[i] = firstNonBlank(o.Label, o.Value)
		valueOf[labels[i]] = o.Value
		for _, v := range connector.SplitMulti(current) {
			if strings.EqualFold(v, o.Value) || strings.EqualFold(v, o.Label) {
				ticked = append(ticked, labels[i])
			}
		}
	}
	group := widget.NewCheckGroup(labels, nil)
	group.SetSelected(ticked)
	dialog.ShowForm(title, "Set", "Cancel",
		[]*widget.FormItem{widget.NewFormItem(label, group)}, func(ok bool) {
			if !ok {
				return
			}
			var vals []string
			for _, l := range group.Selected {
				vals = append(vals, valueOf[l])
			}
			set(strings.Join(vals, connector.MultiSep))
		}, q.u.win)
}
