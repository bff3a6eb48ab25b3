package ui

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/mapping"
	"github.com/crmsync/crmsync/sync/sandbox"
)

// gate holds the app's HTTP requests to the CRMs while closed, as a slow
// CRM does: all of them, or those only selects.
type gate struct {
	mu     sync.Mutex
	closed chan struct{}            // nil when open
	held   chan struct{}            // receives once per request held
	only   func(*http.Request) bool // nil = every request
}

func (g *gate) RoundTrip(r *http.Request) (*http.Response, error) {
	g.mu.Lock()
	c := g.closed
	g.mu.Unlock()
	if c != nil && (g.only == nil || g.only(r)) {
		select {
		case g.held <- struct{}{}:
		default:
		}
		<-c
	}
	return http.DefaultTransport.RoundTrip(r)
}

func (g *gate) close() { g.mu.Lock(); g.closed = make(chan struct{}); g.mu.Unlock() }

func (g *gate) open() {
	g.mu.Lock()
	if g.closed != nil {
		close(g.closed)
		g.closed = nil
	}
	g.mu.Unlock()
}

// newLiveGated is newLive with the app's CRM calls going through g.
func newLiveGated(t *testing.T, g http.RoundTripper) *live {
	t.Helper()
	return newLiveWith(t, 30, fyne.NewSize(1200, 900), func(o *app.Options, _ *sandbox.Server) {
		o.HTTP = &http.Client{Transport: g}
	})
}

// rowRemoveButtons are the editor's delete buttons, in order.
func rowRemoveButtons(w fyne.Window) []*widget.Button {
	var out []*widget.Button
	for _, o := range test.LaidOutObjects(w.Canvas().Content()) {
		if b, ok := o.(*widget.Button); ok && b.Text == "" && b.Icon != nil && strings.Contains(b.Icon.Name(), "delete") {
			out = append(out, b)
		}
	}
	return out
}

func fieldKeys(fs []mapping.Field) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.A+"→"+f.B)
	}
	return out
}

// TestEditorSaveKeepsWhatWasSaved: Save hands the sync's definition
// to a background save, which checks it against both CRMs' live fields
// before writing it. The editor stays open meanwhile; removing a mapping
// row then shifts the rows in the very array the save is writing, so the
// save checks rows that were never on screen: the last mapping twice and
// the first gone. It refuses them ("Not saved", "maps the same fields as
// mapping 7") though both the sync saved and the one on screen are valid,
// or, once past its check, writes them.
func TestEditorSaveKeepsWhatWasSaved(t *testing.T) {
	ctx := context.Background()
	g := &gate{held: make(chan struct{}, 1)}
	l := newLiveGated(t, g)
	connectHubSpotAndSalesforce(t, l)
	def := app.DemoSync("contacts", demoHubSpot, demoSalesforce)
	if err := l.a.SaveSync(ctx, def); err != nil {
		t.Fatal(err)
	}
	before := fieldKeys(def.Fields)
	if len(before) < 3 {
		t.Fatalf("the demo sync has %d mappings; want at least 3", len(before))
	}
	l.ui(func() { l.u.openEditor("contacts") })
	l.wait() // both sides' fields are loaded
	var removes []*widget.Button
	l.ui(func() { removes = rowRemoveButtons(l.u.Window()) })
	if len(removes) < len(before) { // the mapping rows' come first, then the match rules'
		t.Fatalf("%d delete buttons on screen for %d mappings", len(removes), len(before))
	}

	g.close() // the CRMs answer slowly
	l.u.uiMu.Lock()
	test.Tap(buttonOnScreen(l.u.Window(), "Save"))
	l.u.uiMu.Unlock()
	<-g.held // the save is checking the live fields
	l.u.uiMu.Lock()
	test.Tap(removes[0]) // the person removes the first mapping meanwhile
	l.u.uiMu.Unlock()
	g.open()
	l.wait()

	v, err := l.a.Sync(ctx, "contacts")
	if err != nil {
		t.Fatal(err)
	}
	got := fieldKeys(v.Definition.Fields)
	if !slices.Equal(got, before) && !slices.Equal(got, before[1:]) {
		t.Fatalf("saved mappings %q; pressed Save with %q, then removed the first", got, before)
	}
	var texts []string
	l.ui(func() { texts = textsOnScreen(l.u.Window()) })
	for _, s := range texts {
		if strings.Contains(s, "maps the same fields") || strings.HasPrefix(s, "Not saved") {
			t.Fatalf("the save checked rows no one made (%q): no two mappings were alike before or after; screen %q", s, texts)
		}
	}
}
