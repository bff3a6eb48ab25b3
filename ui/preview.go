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

// planPane describes a preview: how to compute the plan (a dry run) and
// how to apply it.
type planPane struct {
	title string
	sync  string
	plan  func(ctx context.Context) (app.RunResult, error)
	// apply runs for real; previewed is the plan on show, so the outcome
	// can say where the run (planned again) differs from it.
	apply func(ctx context.Context, previewed *engine.Plan, progress func(engine.Progress)) (app.RunResult, error)
	// applyLabel names the button ("Apply", "Undo this run").
	applyLabel string
}

// openPreview shows what the next run of a sync would do.
func (u *UI) openPreview(name string) {
	u.openPlanPane(planPane{
		title: "Preview of " + name, sync: name, applyLabel: "Apply",
		plan: func(ctx context.Context) (app.RunResult, error) {
			return u.a.Run(ctx, name, app.RunOptions{DryRun: true})
		},
		apply: func(ctx context.Context, previewed *engine.Plan, p func(engine.Progress)) (app.RunResult, error) {
			res, err := u.a.Run(ctx, name, app.RunOptions{Trigger: "manual", Confirm: confirmed(ctx), ConfirmReason: confirmedReason(ctx), Progress: p, Previewed: previewed})
			u.noteRunErr(name, err)
			u.noteSuccess(name, res, err)
			return res, err
		},
	})
}

// openUndoPreview shows what undoing a run would write back.
func (u *UI) openUndoPreview(runID int64, syncName string) {
	u.openPlanPane(planPane{
		title: fmt.Sprintf("Undo run %d of %s", runID, syncName), sync: syncName, applyLabel: "Undo this run",
		plan: func(ctx context.Context) (app.RunResult, error) {
			return u.a.Undo(ctx, runID, app.RunOptions{DryRun: true})
		},
		apply: func(ctx context.Context, previewed *engine.Plan, p func(engine.Progress)) (app.RunResult, error) {
			return u.a.Undo(ctx, runID, app.RunOptions{Confirm: confirmed(ctx), ConfirmReason: confirmedReason(ctx), Progress: p, Previewed: previewed})
		},
	})
}

func (u *UI) openPlanPane(pp planPane) {
	back := widget.NewButtonWithIcon("Back", theme.NavigateBackIcon(), u.refresh)
	holder := container.NewStack(loading("the preview (reading both CRMs, writing nothing)"))
	apply := widget.NewButtonWithIcon(pp.applyLabel, theme.ConfirmIcon(), nil)
	apply.Importance = widget.HighImportance
	apply.Disable()
	var load func()
	refreshBtn := widget.NewButtonWithIcon("Refresh preview", theme.ViewRefreshIcon(), func() { load() })
	header := paneHeader(back, pp.title, refreshBtn, apply)
	load = func() {
		apply.Disable()
		// One read of both CRMs at a time: a second beside a slow first
		// spends the API budget twice for one preview.
		refreshBtn.Disable()
		holder.Objects = []fyne.CanvasObject{loading("the preview (reading both CRMs, writing nothing)")}
		holder.Refresh()
		type result struct {
			res  app.RunResult
			view app.SyncView
			gone string // the stopped sandbox a connection was made with, if any
		}
		bg(u, func(ctx context.Context) (result, error) {
			res, err := pp.plan(ctx)
			if err != nil {
				var gone string
				if v, verr := u.a.Sync(ctx, pp.sync); verr == nil && networkCause(err) != "" {
					if c, ok := u.stoppedSandboxOf(ctx, v.Definition); ok {
						gone = c.Title
					}
				}
				return result{gone: gone}, err
			}
			v, _ := u.a.Sync(ctx, res.Plan.Sync)
			return result{res, v, ""}, nil
		}, func(r result, err error) {
			refreshBtn.Enable()
			if err != nil {
				next := nextStep(err)
				if r.gone != "" {
					next = sandboxGoneText(r.gone)
				}
				holder.Objects = []fyne.CanvasObject{emptyState(theme.ErrorIcon(), "The preview could not be made",
					errorSentence(err)+" "+next, widget.NewButton("Try again", load))}
				holder.Refresh()
				return
			}
			p := r.res.Plan
			holder.Objects = []fyne.CanvasObject{planView(p, r.view.Definition)}
			holder.Refresh()
			// A full pass that writes nothing is still applied: that
			// records it done, so the next run reads only changes again.
			// So is a plan that only sends records to Review (unmatched,
			// conflicts, held deletes): applying it is what puts them there.
			if p.Empty() && len(p.Links) == 0 && !sendsToReview(p) && p.FullPass == "" {
				apply.SetText("Nothing to apply")
				header.Refresh() // lay out again: the label is wider than the one it replaced
				return
			}
			apply.SetText(pp.applyLabel)
			header.Refresh()
			apply.Enable()
			applyShown := func(ctx context.Context, progress func(engine.Progress)) (app.RunResult, error) {
				return pp.apply(ctx, p, progress)
			}
			apply.OnTapped = func() {
				run := func() {
					u.runWithProgress(pp.title, applyShown, func(app.RunResult) { load() })
				}
				if p.NeedsConfirmation {
					u.confirmRun(pp.title, p.Reason, 0, applyShown, func(app.RunResult) { load() })
					return
				}
				run()
			}
		})
	}
	u.openPane(container.NewBorder(header, nil, nil, nil, holder))
	load()
}

// heldDeletesLine says what happens to records deleted in one CRM, so a
// delete the sync did not act on is never silent.
func heldDeletesLine(n int, propagate bool) string {
	switch {
	case n == 0:
		return ""
	case propagate:
		return plural(n, "deleted record") + " held: nothing is deleted in the other CRM until you approve it in Review."
	default:
		return plural(n, "deleted record") + " held: this sync does not propagate deletes, so their linked records stay."
	}
}

// stat is one count with its caption.
func stat(n int, caption string) fyne.CanvasObject {
	num := widget.NewLabelWithStyle(fmt.Sprint(n), fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	num.SizeName = theme.SizeNameSubHeadingText
	c := widget.NewLabelWithStyle(caption, fyne.TextAlignCenter, fyne.TextStyle{})
	c.Wrapping = fyne.TextWrapWord // a CRM's name is longer than a tile
	return container.NewVBox(num, c)
}

// sideLabel names a side by its connection and object, as every text a
// person reads does.
func sideLabel(def engine.Definition, side string) string {
	return app.SideNamesOf(def).Of(side)
}

// planView renders a plan: counts, why it needs confirmation, API calls,
// then searchable writes with field-level old -> new, conflicts and review.
func planView(p *engine.Plan, def engine.Definition) fyne.CanvasObject {
	c := p.Counts
	inA, inB := " in "+sideLabel(def, "a"), " in "+sideLabel(def, "b")
	counts := container.NewGridWithColumns(6,
		stat(c.CreateA, "create"+inA), stat(c.CreateB, "create"+inB),
		stat(c.UpdateA, "update"+inA), stat(c.UpdateB, "update"+inB),
		stat(c.Link, "link"), stat(c.Unchanged, "unchanged"),
		stat(c.Conflicts, "conflicts"), stat(c.Review, "to review"),
		stat(c.Skipped, "skipped"), stat(c.Delete, "deletes"),
		stat(c.ReadA, "read"+inA), stat(c.ReadB, "read"+inB))
	top := container.NewVBox(counts)
	calls := wrapped(fmt.Sprintf("Estimated API calls: %d to %s, %d to %s. Nothing has been written yet.",
		p.EstimatedCalls.A, sideLabel(def, "a"), p.EstimatedCalls.B, sideLabel(def, "b")))
	top.Add(calls)
	if p.NeedsConfirmation {
		top.Add(dangerText("Needs confirmation: " + p.Reason + ". Apply will ask you to confirm."))
	}
	if line := heldDeletesLine(c.HeldDelete, def.Safety.PropagateDeletes); line != "" {
		top.Add(wrapped(line))
	}
	if line := p.ReadUnchangedLine(); line != "" {
		top.Add(wrapped(line))
	}
	if line := p.FullPassLine(); line != "" {
		top.Add(wrapped(line))
	}
	if line := p.WaitingLine(); line != "" {
		top.Add(wrapped(line))
	}
	if line := p.RelinkLine(); line != "" {
		top.Add(wrapped(line))
	}
	if line := p.OptOutLine(); line != "" {
		top.Add(wrapped(line))
	}
	// A plan can warn once per record (an undo of many opt-outs): the
	// first few show here, all in their tab, so the preview fits the window.
	nWarn := len(p.Warnings) + p.WarningsOmitted
	for i, w := range p.Warnings {
		if i == shownWarnings {
			top.Add(wrapped(fmt.Sprintf("… and %d more warnings: see the Warnings tab.", nWarn-shownWarnings)))
			break
		}
		l := wrapped("Warning: " + w)
		l.Importance = widget.WarningImportance
		top.Add(l)
	}
	if p.Omitted != nil && p.Omitted.Creates+p.Omitted.Updates > 0 {
		top.Add(wrapped(fmt.Sprintf("This plan is large: the list shows its first %d writes; all %d are applied.",
			len(p.Creates)+len(p.Updates), c.CreateA+c.CreateB+c.UpdateA+c.UpdateB)))
	}
	tabs := container.NewAppTabs(
		container.NewTabItem(fmt.Sprintf("Writes (%d)", c.CreateA+c.CreateB+c.UpdateA+c.UpdateB), writesView(p, def)),
		container.NewTabItem(fmt.Sprintf("Conflicts (%d)", len(p.Conflicts)), linesView(conflictLines(p, def), "No conflicts: no field was changed differently on both sides.")),
		container.NewTabItem(fmt.Sprintf("Review (%d)", c.Review), linesView(reviewLines(p, def), "Nothing goes to review.")),
		container.NewTabItem(fmt.Sprintf("Skipped (%d)", c.Skipped), linesView(skipLines(p, def), "No record is skipped.")),
	)
	if nWarn > 0 {
		tabs.Append(container.NewTabItem(fmt.Sprintf("Warnings (%d)", nWarn), warningsView(p.Warnings, p.WarningsOmitted)))
	}
	// The notes above can fill a laptop's window; the records are what a
	// preview is for, so the notes scroll and the divider can be dragged.
	split := container.NewVSplit(container.NewVScroll(top), tabs)
	split.Offset = 0.42
	return split
}

// shownWarnings is how many warnings a preview shows above its tabs.
const shownWarnings = 3

// warningsView is every warning a plan or run lists, whole and selectable,
// in one scrolling text (the engine lists at most 100 and counts the rest).
func warningsView(warnings []string, omitted int) fyne.CanvasObject {
	text := "• " + strings.Join(warnings, "\n• ")
	if omitted > 0 {
		text += fmt.Sprintf("\n… and %d more warnings not listed.", omitted)
	}
	l := wrapped(text)
	l.Selectable = true
	return container.NewVScroll(l)
}

func writeTitle(w engine.Write, def engine.Definition) string {
	from := sideLabel(def, "b")
	if w.Side == "b" {
		from = sideLabel(def, "a")
	}
	verb := "update " + sideLabel(def, w.Side) + " " + w.ID
	if w.ID == "" {
		verb = "create in " + sideLabel(def, w.Side)
	}
	who := w.Key
	if who == "" {
		who = from + " " + w.Source
	}
	return fmt.Sprintf("%s — %s from %s %s · %d fields", who, verb, from, w.Source, len(w.Changes))
}

func writeMatches(w engine.Write, def engine.Definition, q string) bool {
	if q == "" {
		return true
	}
	if strings.Contains(strings.ToLower(writeTitle(w, def)), q) {
		return true
	}
	for _, ch := range w.Changes {
		if strings.Contains(strings.ToLower(ch.Field+" "+ch.Old+" "+ch.New), q) {
			return true
		}
	}
	return false
}

// writesView lists creates and updates with a search box; the selected
// write's changes show field by field with the rule that decided each.
func writesView(p *engine.Plan, def engine.Definition) fyne.CanvasObject {
	all := append(append([]engine.Write{}, p.Creates...), p.Updates...)
	shown := all
	detail := container.NewVBox(widget.NewLabel("Select a record to see its field changes."))
	list := widget.NewList(func() int { return len(shown) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(i widget.ListItemID, o fyne.CanvasObject) { o.(*widget.Label).SetText(writeTitle(shown[i], def)) })
	list.OnSelected = func(i widget.ListItemID) {
		w := shown[i]
		cols := weighted{2, 3, 4, 1.6}
		grid := container.NewVBox(container.New(cols, bold("Field"), bold("Old"), bold("New"), bold("Rule")))
		for _, ch := range w.Changes {
			grid.Add(container.New(cols, cell(ch.Field), cell(blankAs(ch.Old)), cell(blankAs(ch.New)), cell(ch.Rule)))
		}
		detail.Objects = []fyne.CanvasObject{wrapped(writeTitle(w, def)), grid}
		detail.Refresh()
	}
	search := widget.NewEntry()
	search.SetPlaceHolder("Search records, fields or values")
	// A large plan lists only its first writes: the count and a search's
	// result say so, so a record not found is not taken as not written.
	c := p.Counts
	total := c.CreateA + c.CreateB + c.UpdateA + c.UpdateB
	of := fmt.Sprint(len(all))
	if total > len(all) {
		of = fmt.Sprintf("the first %d of %d", len(all), total)
	}
	count := widget.NewLabel(of + " records")
	search.OnChanged = func(q string) {
		q = strings.ToLower(strings.TrimSpace(q))
		shown = shown[:0:0]
		for _, w := range all {
			if writeMatches(w, def, q) {
				shown = append(shown, w)
			}
		}
		count.SetText(fmt.Sprintf("%d of %s records", len(shown), of))
		list.UnselectAll()
		list.Refresh()
	}
	if len(all) == 0 {
		return container.NewCenter(widget.NewLabel("No record would be created or updated."))
	}
	split := container.NewHSplit(list, container.NewVScroll(detail))
	split.Offset = 0.45
	return container.NewBorder(container.NewBorder(nil, nil, nil, count, search), nil, nil, nil, split)
}

// cell is a table-like label that truncates instead of widening the window.
func cell(s string) *widget.Label {
	l := widget.NewLabel(s)
	l.Truncation = fyne.TextTruncateEllipsis
	return l
}

func bold(s string) *widget.Label {
	return widget.NewLabelWithStyle(s, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
}

func blankAs(s string) string {
	if s == "" {
		return "(blank)"
	}
	return s
}

// linesView is a read-only list of one-line items, or a note when empty.
func linesView(lines []string, empty string) fyne.CanvasObject {
	if len(lines) == 0 {
		return container.NewCenter(widget.NewLabel(empty))
	}
	return widget.NewList(func() int { return len(lines) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(i widget.ListItemID, o fyne.CanvasObject) { o.(*widget.Label).SetText(lines[i]) })
}

func conflictLines(p *engine.Plan, def engine.Definition) []string {
	out := make([]string, 0, len(p.Conflicts))
	for _, c := range p.Conflicts {
		out = append(out, fmt.Sprintf("%s: A %s = %q, B %s = %q (was %q) · policy %s → %s",
			c.Row, c.A, c.AValue, c.B, c.BValue, c.Base, c.Policy, winnerText(c.Winner, def)))
	}
	return out
}

func winnerText(w string, def engine.Definition) string {
	switch w {
	case "a":
		return "A wins (" + def.A.Connection + ")"
	case "b":
		return "B wins (" + def.B.Connection + ")"
	}
	return "you decide in Review"
}

// sendsToReview says whether applying p puts an item in Review: items
// its plan stored already (Opened) are there whether it is applied or not.
func sendsToReview(p *engine.Plan) bool {
	return slices.ContainsFunc(p.Review, func(it engine.ReviewItem) bool { return !it.Opened }) || p.Omitted != nil && p.Omitted.Review > 0
}

// reviewLines lists the plan's review items; their reasons say "side B"
// as the engine stores them, and read here as Review reads them, named.
func reviewLines(p *engine.Plan, def engine.Definition) []string {
	out := make([]string, 0, len(p.Review))
	names := app.SideNamesOf(def)
	for _, r := range p.Review {
		s := fmt.Sprintf("%s · %s %s: %s", r.Kind, sideLabel(def, r.Side), r.RecordID, names.InText(r.Reason))
		if len(r.Candidates) > 0 {
			s += fmt.Sprintf(" (%d candidates)", len(r.Candidates))
		}
		if r.Opened {
			s += " (in Review already: the preview put it there)"
		}
		out = append(out, s)
	}
	if p.Omitted != nil && p.Omitted.Review > 0 {
		// A large undo lists its first items; every one goes to review.
		out = append(out, fmt.Sprintf("… and %d more, not listed here: all go to review when the plan is applied.", p.Omitted.Review))
	}
	return out
}

func skipLines(p *engine.Plan, def engine.Definition) []string {
	out := make([]string, 0, len(p.Skips))
	names := app.SideNamesOf(def)
	for _, s := range p.Skips {
		out = append(out, fmt.Sprintf("%s %s: %s", sideLabel(def, s.Side), s.ID, names.InText(s.Reason)))
	}
	return out
}
