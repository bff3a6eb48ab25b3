package app

import (
	"context"
	"slices"

	"github.com/crmsync/crmsync/store"
)

// errorGroupPage is how many errors runErrors reads at a time to group a
// run's failures without holding them all.
const errorGroupPage = 1000

// ErrorsPage returns up to n errors of run id after the error afterID (the
// last RunErrorRow.ID of the page before).
func (a *App) ErrorsPage(ctx context.Context, id, afterID int64, n int) ([]store.RunErrorRow, error) {
	return a.db.RunErrorsPage(ctx, id, afterID, n)
}

// runErrors fills d's errors: all of them when first is below 0, else the
// first page of first and the count; the groups count every error, read
// a page at a time (a run can fail for each of 100k records).
func (a *App) runErrors(ctx context.Context, d *RunDetail, where func(string) string, first int) error {
	id := d.Run.ID
	if first < 0 {
		errs, err := a.db.RunErrors(ctx, id)
		d.Errors, d.ErrorTotal, d.Groups = errs, len(errs), GroupErrors(errs, where)
		return err
	}
	var g errorGrouper
	var after int64
	for {
		page, err := a.db.RunErrorsPage(ctx, id, after, errorGroupPage)
		if err != nil {
			return err
		}
		for _, e := range page {
			if len(d.Errors) < first {
				d.Errors = append(d.Errors, e)
			}
			g.add(e, where)
		}
		d.ErrorTotal += len(page)
		if len(page) < errorGroupPage {
			break
		}
		after = page[len(page)-1].ID
	}
	d.Groups = g.groups()
	return nil
}

// errorGrouper groups errors as they are read (GroupErrors).
type errorGrouper struct {
	at  map[errorKind]int
	out []ErrorGroup
}

type errorKind struct{ side, cat, field, code string }

func (g *errorGrouper) add(e store.RunErrorRow, where func(side string) string) {
	k := errorKind{e.Side, e.Category, e.Field, e.Code}
	i, ok := g.at[k]
	if !ok {
		if g.at == nil {
			g.at = map[errorKind]int{}
		}
		i = len(g.out)
		g.at[k] = i
		grp := ErrorGroup{Side: e.Side, Category: e.Category, Field: e.Field, Code: e.Code, Message: e.Message}
		if where != nil {
			grp.Where = where(e.Side)
		}
		g.out = append(g.out, grp)
	}
	grp := &g.out[i]
	grp.Count++
	if len(grp.Records) < groupSampleRecords && e.RecordID != "" {
		grp.Records = append(grp.Records, e.RecordID)
	}
}

// groups are the groups, the largest first.
func (g *errorGrouper) groups() []ErrorGroup {
	slices.SortStableFunc(g.out, func(x, y ErrorGroup) int { return y.Count - x.Count })
	return g.out
}
