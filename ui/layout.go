package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// newSizeWatcher wraps the window content in a container whose layout
// reports every size it is given. Fyne has no window-resize event; the root
// content is re-laid out on each resize, so this is where we see it.
func newSizeWatcher(content fyne.CanvasObject, onResize func(fyne.Size)) *fyne.Container {
	return &fyne.Container{Layout: sizeWatcher{onResize}, Objects: []fyne.CanvasObject{content}}
}

type sizeWatcher struct{ onResize func(fyne.Size) }

func (w sizeWatcher) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objects {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
	w.onResize(size)
}

func (sizeWatcher) MinSize(objects []fyne.CanvasObject) fyne.Size {
	var min fyne.Size
	for _, o := range objects {
		min = min.Max(o.MinSize())
	}
	return min
}

// fixedHeight stacks its objects at a set height and the full width they
// are given: a chart that stretches with the window instead of fixing a
// width the window could not shrink below.
type fixedHeight float32

func (h fixedHeight) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
}

func (h fixedHeight) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var w float32
	for _, o := range objs {
		w = max(w, o.MinSize().Width)
	}
	return fyne.NewSize(w, float32(h))
}

// columns lays objects out in one row like weighted, but never narrows
// column i below mins[i] (while the row is wide enough for all the
// minimums): the columns held at their minimum take that, and the rest
// share what is left by weight. A row narrower than the minimums
// shrinks them in proportion. MinSize stays weighted's, so a long
// heading cannot widen the window past a small laptop's screen.
type columns struct {
	weights weighted
	mins    []float32
}

func (c columns) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	pad := theme.Padding()
	avail := size.Width - pad*float32(len(objs)-1)
	var buf [8]float32 // no allocation per layout: the editor lays rows out on each keystroke
	widths := buf[:0]
	if len(objs) > len(buf) {
		widths = make([]float32, 0, len(objs))
	}
	widths = c.widths(widths[:len(objs)], avail)
	x := float32(0)
	for i, o := range objs {
		o.Move(fyne.NewPos(x, 0))
		o.Resize(fyne.NewSize(widths[i], size.Height))
		x += widths[i] + pad
	}
}

func (c columns) MinSize(objs []fyne.CanvasObject) fyne.Size { return c.weights.MinSize(objs) }

// widths shares avail among len(out) columns, in out: see columns.
func (c columns) widths(out []float32, avail float32) []float32 {
	n := len(out)
	weight := func(i int) float32 {
		if len(c.weights) == 0 {
			return 1 // the zero value: equal widths
		}
		return c.weights[i%len(c.weights)]
	}
	minOf := func(i int) float32 {
		if i < len(c.mins) {
			return c.mins[i]
		}
		return 0
	}
	var sumMins float32
	for i := range n {
		sumMins += minOf(i)
	}
	if sumMins >= avail {
		for i := range out {
			if sumMins > 0 {
				out[i] = avail * minOf(i) / sumMins
			}
		}
		return out
	}
	// held marks the columns kept at their minimum, their share of the
	// rest being less (a bit mask: no allocation; a row has few columns).
	var held uint64
	isHeld := func(i int) bool { return i < 64 && held&(1<<i) != 0 }
	for {
		left, total := avail, float32(0)
		for i := range n {
			if isHeld(i) {
				left -= minOf(i)
			} else {
				total += weight(i)
			}
		}
		again := false
		for i := range n {
			if isHeld(i) {
				out[i] = minOf(i)
				continue
			}
			out[i] = left * weight(i) / total
			if out[i] < minOf(i) && i < 64 {
				held, again = held|1<<i, true
			}
		}
		if !again {
			return out
		}
	}
}
