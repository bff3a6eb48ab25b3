package ui

import (
	"fmt"
	"slices"
	"strings"

	"fyne.io/fyne/v2/widget"

	"github.com/crmsync/crmsync/sync/mapping"
)

// showSaveProblems shows the problems a save refused, each under the row
// it is about. The save checked the mappings as they were when Save was
// pressed (fields, drawn as the rows saved); a row removed or added since
// moves the others, so a problem follows its row, not its position. A
// problem about a row removed since goes with the sync's, naming it.
func (e *editor) showSaveProblems(saved []*rowView, fields []mapping.Field, probs []mapping.Problem) {
	byRow := map[*rowView][]string{}
	var syncLevel []string
	for _, p := range probs {
		if p.Row < 0 || p.Row >= len(saved) || saved[p.Row] == nil {
			syncLevel = append(syncLevel, p.Message)
			continue
		}
		rv := saved[p.Row]
		if e.rowIndex(rv) >= 0 {
			byRow[rv] = append(byRow[rv], p.Message)
			continue
		}
		msg := p.Message
		if p.Row < len(fields) {
			msg = fmt.Sprintf("removed mapping %s → %s: %s", fields[p.Row].A, fields[p.Row].B, msg)
		}
		syncLevel = append(syncLevel, msg)
	}
	for rv, msgs := range byRow {
		rv.problem.SetText(strings.Join(msgs, "  "))
		rv.problem.Show()
	}
	if len(syncLevel) > 0 {
		setLines(e.syncProblems, slices.Concat(visibleLines(e.syncProblems), syncLevel))
	}
}

// visibleLines are the lines a problem label shows, none when hidden.
func visibleLines(l *widget.Label) []string {
	if !l.Visible() || l.Text == "" {
		return nil
	}
	return strings.Split(l.Text, "\n")
}
