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
