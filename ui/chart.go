package ui

import (
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/crmsync/crmsync/app"
)

// dayTotals are one day's records synced and errors.
type dayTotals struct {
	day            time.Time
	synced, errors int
}

// perDay sums runs into the last n days (oldest first), today included.
func perDay(runs []app.RunDetail, n int, now time.Time) []dayTotals {
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, now.Location())
	out := make([]dayTotals, n)
	for i := range out {
		out[i].day = today.AddDate(0, 0, i-n+1)
	}
	for _, r := range runs {
		t := r.Run.StartedAt.In(now.Location())
		d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, now.Location())
		i := int(d.Sub(out[0].day).Hours()/24 + 0.5)
		if i < 0 || i >= n {
			continue
		}
		out[i].synced += r.Run.Created + r.Run.Updated + r.Run.Deleted
		out[i].errors += r.Run.Failed
	}
	return out
}

// barChart draws two bars per day (records synced, errors) with canvas
// rectangles, scaled to the largest value.
type barChart struct {
	days []dayTotals
	max  int
}

func (c barChart) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	labelH := theme.TextSize() + 6
	plotH := size.Height - labelH
	slot := size.Width / float32(len(c.days))
	bar := slot * 0.32
	for i, d := range c.days {
		x := float32(i) * slot
		h1 := plotH * float32(d.synced) / float32(c.max)
		h2 := plotH * float32(d.errors) / float32(c.max)
		synced, errs, label := objs[i*3], objs[i*3+1], objs[i*3+2]
		synced.Resize(fyne.NewSize(bar, h1))
		synced.Move(fyne.NewPos(x+slot*0.15, plotH-h1))
		errs.Resize(fyne.NewSize(bar, h2))
		errs.Move(fyne.NewPos(x+slot*0.15+bar+2, plotH-h2))
		label.Resize(fyne.NewSize(slot, labelH))
		label.Move(fyne.NewPos(x, plotH+2))
	}
}

func (c barChart) MinSize([]fyne.CanvasObject) fyne.Size {
	return fyne.NewSize(float32(len(c.days))*24, 110)
}

// historyChart is the chart with its legend, its days those up to now
// in now's zone (UI.now).
func historyChart(runs []app.RunDetail, now time.Time) fyne.CanvasObject {
	days := perDay(runs, 14, now)
	c := barChart{days: days, max: 1}
	total, errs := 0, 0
	for _, d := range days {
		c.max = max(c.max, d.synced, d.errors)
		total += d.synced
		errs += d.errors
	}
	var objs []fyne.CanvasObject
	for _, d := range days {
		objs = append(objs, canvas.NewRectangle(theme.Color(theme.ColorNamePrimary)), canvas.NewRectangle(theme.Color(theme.ColorNameError)))
		t := canvas.NewText(d.day.Format("2 Jan"), theme.Color(theme.ColorNameForeground))
		t.TextSize = theme.TextSize() * 0.8
		t.Alignment = fyne.TextAlignCenter
		objs = append(objs, t)
	}
	plot := container.New(c, objs...)
	legendSynced := canvas.NewRectangle(theme.Color(theme.ColorNamePrimary))
	legendSynced.SetMinSize(fyne.NewSquareSize(12))
	legendErr := canvas.NewRectangle(theme.Color(theme.ColorNameError))
	legendErr.SetMinSize(fyne.NewSquareSize(12))
	legend := container.NewHBox(
		container.NewCenter(legendSynced), widget.NewLabel(fmt.Sprintf("records synced (%d in 14 days)", total)),
		container.NewCenter(legendErr), widget.NewLabel(fmt.Sprintf("errors (%d)", errs)))
	return container.NewBorder(legend, nil, nil, nil, plot)
}
