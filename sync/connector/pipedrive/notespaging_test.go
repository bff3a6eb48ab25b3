package pipedrive

import (
	"fmt"
	"strconv"
	"testing"
	"time"

	pdsim "github.com/crmsync/crmsync/sync/sandbox/pipedrive"
)

// seedNotes seeds one person and n notes on them, updated a second apart
// from two days ago, and returns the notes' ids in id order.
func seedNotes(t *testing.T, e *env, n int) []int64 {
	t.Helper()
	pids, err := e.sim.SeedPersons([]pdsim.PersonSeed{{Name: "Noted Person"}})
	if err != nil {
		t.Fatal(err)
	}
	base := time.Now().Add(-48 * time.Hour).UTC().Truncate(time.Second)
	rows := make([]pdsim.NoteSeed, n)
	for i := range rows {
		at := base.Add(time.Duration(i) * time.Second)
		rows[i] = pdsim.NoteSeed{Content: fmt.Sprintf("note %d", i), PersonID: pids[0], Added: at, Updated: at}
	}
	ids, err := e.sim.SeedNotes(rows)
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

// GET /v1/notes pages by offset (start, limit). A note deleted in
// Pipedrive while crmsync lists the ids of the notes (its only way to see
// deletes) moves every later note one place up: the note at the page's
// edge must still be listed, or the engine takes it for deleted and
// deletes its copy in the other CRM.
func TestNoteIDsSurviveDeleteWhileListing(t *testing.T) {
	e := newEnv(t, pdsim.Options{Seed: 5})
	ids := seedNotes(t, e, pageSize+20)
	c := e.connect(t)
	listed := map[string]bool{}
	pages := 0
	for page, err := range c.ListIDs(t.Context(), "notes") {
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range page {
			listed[id] = true
		}
		if pages++; pages == 1 {
			// Someone deletes an early note between two pages.
			if err := e.sim.DeleteNote(ids[3]); err != nil {
				t.Fatal(err)
			}
		}
	}
	for i, id := range ids {
		if i == 3 {
			continue
		}
		if s := strconv.FormatInt(id, 10); !listed[s] {
			t.Errorf("live note %s (the %dth) was not listed: the engine would take it for deleted", s, i+1)
		}
	}
}

// GET /v1/notes?updated_since=…&sort=update_time ASC pages by offset too:
// a note edited during a read moves to the end of the order, and every
// note after it one place up. The note at the page's edge must still be
// read, or it is lost: the cursor moves past its time.
func TestNoteReadSurvivesEditWhileReading(t *testing.T) {
	e := newEnv(t, pdsim.Options{Seed: 5})
	ids := seedNotes(t, e, pageSize+20)
	c := e.connect(t)
	read := map[string]bool{}
	pages := 0
	for page, err := range c.Read(t.Context(), "notes", "") {
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range page.Records {
			read[r.ID] = true
		}
		if pages++; pages == 1 {
			// Someone edits an early note between two pages.
			if _, err := e.sim.UpdateNote(ids[3], map[string]any{"content": "edited"}); err != nil {
				t.Fatal(err)
			}
		}
	}
	for i, id := range ids {
		if s := strconv.FormatInt(id, 10); !read[s] {
			t.Errorf("note %s (the %dth) was not read: its change is lost", s, i+1)
		}
	}
}

// A bulk import stamps many notes with one second: a read resuming within
// that second reads each of them once and ends.
func TestNoteReadManyInOneSecond(t *testing.T) {
	e := newEnv(t, pdsim.Options{Seed: 5})
	pids, err := e.sim.SeedPersons([]pdsim.PersonSeed{{Name: "Noted Person"}})
	if err != nil {
		t.Fatal(err)
	}
	at := time.Now().Add(-time.Hour).UTC().Truncate(time.Second)
	rows := make([]pdsim.NoteSeed, 2*pageSize+30)
	for i := range rows {
		rows[i] = pdsim.NoteSeed{Content: fmt.Sprintf("imported %d", i), PersonID: pids[0], Added: at, Updated: at}
	}
	if _, err := e.sim.SeedNotes(rows); err != nil {
		t.Fatal(err)
	}
	c := e.connect(t)
	read, total := map[string]bool{}, 0
	for page, err := range c.Read(t.Context(), "notes", "") {
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range page.Records {
			read[r.ID] = true
			total++
		}
		if total > 2*len(rows) {
			t.Fatalf("read %d notes of %d: the read does not end", total, len(rows))
		}
	}
	if len(read) != len(rows) || total != len(rows) {
		t.Fatalf("read %d notes (%d distinct), want %d once each", total, len(read), len(rows))
	}
}
