package ui

import "fyne.io/fyne/v2"

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
