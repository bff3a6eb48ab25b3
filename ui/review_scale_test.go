package ui

import (
	"context"
	"fmt"
	"slices"
	"sync/atomic"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/crmsync/crmsync/app/secret"
	"github.com/crmsync/crmsync/sync/sandbox"

	"github.com/crmsync/crmsync/app"
)

// liveWithBigReviewQueue is liveWithReviewItems over n contacts a side:
// the sync "review-me" has run once and left its unmatched and ambiguous
// records in review (600 contacts leave about 870 items).
func liveWithBigReviewQueue(t *testing.T, n int) (*live, int) {
	t.Helper()
	return reviewQueueOver(t, newLiveContacts(t, n))
}

// reviewQueueOver runs the sync "review-me" once over l's sandbox, leaving
// its unmatched and ambiguous records in review, and counts them.
func reviewQueueOver(t *testing.T, l *live) (*live, int) {
	t.Helper()
	ctx := context.Background()
	l.connectSandbox()
	l.closeDialogs()
	l.runReviewMe()
	open, err := l.a.Reviews(ctx, "", "", "open")
	if err != nil {
		t.Fatal(err)
	}
	return l, len(open)
}

// syncsLoadAllocs is how many allocations one load of the Syncs screen's
// data makes (what every scheduler event re-reads while it is on show).
func syncsLoadAllocs(t *testing.T, a *app.App) float64 {
	t.Helper()
	ctx := context.Background()
	return testing.AllocsPerRun(3, func() {
		if _, err := a.Syncs(ctx); err != nil {
			t.Fatal(err)
		}
	})
}

// TestSyncsRefreshDoesNotReadTheReviewQueue: the Syncs screen reloads
// on every scheduler event (several a run, per sync). Each load counted a
// sync's open review items and waiting retries by reading every row,
// detail JSON and all: with a queue of ~900 items a load cost thousands of
// allocations more than with an empty one, per event, growing with the
// queue. A count must cost the same whatever the queue holds.
func TestSyncsRefreshDoesNotReadTheReviewQueue(t *testing.T) {
	l, n := liveWithBigReviewQueue(t, 600)
	if n < 500 {
		t.Fatalf("want a big review queue, got %d items", n)
	}
	big := syncsLoadAllocs(t, l.a)
	// The same screen with the queue decided: nothing is open any more.
	ctx := context.Background()
	syncs, err := l.a.Syncs(ctx)
	if err != nil || len(syncs) != 1 {
		t.Fatalf("syncs: %d %v", len(syncs), err)
	}
	if err := l.a.DB().CloseReviews(ctx, syncs[0].ID); err != nil {
		t.Fatal(err)
	}
	small := syncsLoadAllocs(t, l.a)
	t.Logf("allocations per Syncs load: %d open items %.0f, none %.0f", n, big, small)
	if big > small+200 {
		t.Errorf("one Syncs load with %d open review items makes %.0f allocations, %.0f with none: it reads the whole queue to count it", n, big, small)
	}
}

// TestRunDetailFindsOneRecordsChange: a run that wrote 40,000 fields
// shows them a page at a time. An admin asked "what did the sync do to
// this contact?" must find that record's changes in the window without
// pressing Show more 20 times or opening a CSV: a search by a value (the
// contact's email) or its record id lists that record's changes, with
// how many match.
func TestRunDetailFindsOneRecordsChange(t *testing.T) {
	l := newLive(t)
	d := demoRunDetail(t, l)
	const records = 10000
	addAudit(t, l, d.Run.SyncID, d.Run.ID, records)
	l.ui(func() { l.u.openRunDetail(d.Run.ID) })
	l.see("Showing")
	var find *widget.Entry
	l.ui(func() { find = entryWithPlaceholder(l.u.Window(), findRecordHint) })
	if find == nil {
		var texts []string
		l.ui(func() { texts = textsOnScreen(l.u.Window()) })
		t.Fatalf("no way to find one record among %d records' field changes; texts: %.400q", records, texts)
	}
	// The last record written, far beyond the first page; found by a value.
	l.ui(func() {
		test.Type(find, "EMAIL-9876")
		find.OnSubmitted(find.Text)
	})
	l.see("4 field changes of records matching")
	var rows int
	var cells []string
	l.ui(func() {
		_, table := fieldChangesTable(l.u.Window())
		rows, _ = table.Length()
		table.Refresh()
		cells = textsOnScreen(l.u.Window())
	})
	if rows-1 != 4 {
		t.Errorf("the search lists %d field changes, want record rec-009876's 4", rows-1)
	}
	if !slices.Contains(cells, "rec-009876") || !slices.Contains(cells, "phone-9876") {
		t.Errorf("record rec-009876's changes are not on screen; texts: %.400q", cells)
	}
	// Cleared, the run's pages come back.
	l.ui(func() {
		find.SetText("")
		find.OnSubmitted("")
	})
	l.see(fmt.Sprintf(" of %d field changes; Export CSV writes them all.", len(d.Audit)+4*records))
}

// countedSecrets is the in-memory keyring, counting its reads: each is a
// D-Bus round trip to the Secret Service on a desktop.
type countedSecrets struct {
	*secret.Memory
	gets atomic.Int64
}

func (s *countedSecrets) Get(ctx context.Context, key string) (string, error) {
	s.gets.Add(1)
	return s.Memory.Get(ctx, key)
}

// newLiveCountingSecrets is newLiveContacts over a keyring that counts its reads.
func newLiveCountingSecrets(t *testing.T, n int) (*live, *countedSecrets) {
	t.Helper()
	secrets := &countedSecrets{Memory: secret.NewMemory()}
	l := newLiveWith(t, n, fyne.NewSize(1200, 800), func(o *app.Options, _ *sandbox.Server) { o.Secrets = secrets })
	return l, secrets
}

// TestBulkCreateOpensConnectionsOnce: "Select all" then "Create" on
// a queue of a few hundred unmatched records decided each item on its
// own, opening both connections for each: every item read the keyring
// (client secret, stored sign-in) again, thousands of Secret Service
// round trips for one click. The connections are opened once per sync.
func TestBulkCreateOpensConnectionsOnce(t *testing.T) {
	l, secrets := newLiveCountingSecrets(t, 200)
	_, n := reviewQueueOver(t, l)
	if n < 100 {
		t.Fatalf("want a big review queue, got %d items", n)
	}
	l.navigate(ScreenReview)
	l.see("Review")
	l.tap("Select all")
	before := secrets.gets.Load()
	l.tap("Create")
	l.closeDialogs()
	reads := secrets.gets.Load() - before
	open, err := l.a.Reviews(context.Background(), "", "", "open")
	if err != nil {
		t.Fatal(err)
	}
	decided := n - len(open)
	t.Logf("bulk Create of %d items: %d keyring reads", decided, reads)
	if decided < 100 {
		t.Fatalf("bulk Create decided %d of %d items", decided, n)
	}
	if reads > 10 {
		t.Errorf("bulk Create of %d items read the keyring %d times: it opens the connections per item", decided, reads)
	}
}
