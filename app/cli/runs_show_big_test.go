package cli_test

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/store"
)

// storeBigRun stores, in h's data folder, a finished run of a sync
// "contacts" that wrote two fields of each of written records and failed
// for failed others, as the engine commits them, and returns its id.
func storeBigRun(t *testing.T, h *harness, written, failed int) int64 {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(h.home, store.FileName))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	syncID, err := db.SaveSync(ctx, "contacts", "{}")
	if err != nil {
		t.Fatal(err)
	}
	runID, err := db.OpenRun(ctx, syncID, "manual", 0)
	if err != nil {
		t.Fatal(err)
	}
	c := store.Commit{SyncID: syncID, RunID: runID}
	for i := range written {
		id := fmt.Sprintf("0038d00000W%07d", i)
		c.Audit = append(c.Audit, store.NewAuditRecord([]store.AuditRow{
			{Side: "b", RecordID: id, Field: "FirstName", Old: "", New: fmt.Sprintf("Ann%d", i)},
			{Side: "b", RecordID: id, Field: "LastName", Old: "", New: "Lee"},
		}))
	}
	for i := range failed {
		c.Errors = append(c.Errors, store.RunErrorRow{Side: "b", RecordID: fmt.Sprintf("0038d00000E%07d", i), Category: "validation",
			Field: "Email", Code: "INVALID_EMAIL_ADDRESS", Message: "Email: invalid email address"})
	}
	if err := db.Commit(ctx, c); err != nil {
		t.Fatal(err)
	}
	if err := db.FinishRun(ctx, store.RunRow{ID: runID, SyncID: syncID, Status: "partial", Updated: written, Failed: failed}); err != nil {
		t.Fatal(err)
	}
	return runID
}

// linesWith counts the lines of out that contain s.
func linesWith(out, s string) int {
	n := 0
	for _, l := range strings.Split(out, "\n") {
		if strings.Contains(l, s) {
			n++
		}
	}
	return n
}

// TestRunsShowSummarisesABigRun: `runs show` of a run in which 3,000
// records failed and 3,000 were written says how many failed, by kind,
// lists the first errors and fields written and says how to see the rest,
// rather than printing a line for each of the 9,000 (it used to: with
// 100k failed records, a wall of text and every error in memory).
func TestRunsShowSummarisesABigRun(t *testing.T) {
	h := newHarness(t)
	id := storeBigRun(t, h, 3000, 3000)
	out := h.mustRun("runs", "show", fmt.Sprint(id))

	if n := strings.Count(out, "\n"); n > 80 {
		t.Fatalf("runs show printed %d lines for a run of 3000 errors and 6000 fields written; want a summary\n%.2000s", n, out)
	}
	if !strings.Contains(out, "3000 × ") {
		t.Errorf("runs show lacks the kind of failure counting all 3000:\n%s", out)
	}
	if n := linesWith(out, "record 0038d00000E"); n != 20 {
		t.Errorf("runs show lists %d errors; want the first 20\n%s", n, out)
	}
	for _, want := range []string{
		fmt.Sprintf("3000 errors, the first 20 shown; `crmsync runs show %d --all` lists them all", id),
		fmt.Sprintf("6000 fields written, the first 40 shown; `crmsync runs show %d --all` lists them all", id),
	} {
		if !strings.Contains(out, want) {
			t.Errorf("runs show lacks %q:\n%s", want, out)
		}
	}
}

// TestRunsShowAllListsEveryRow: `runs show --all` lists every error
// and every field written, in the order they happened, and --json holds
// them all too (as it always did), read a page at a time.
func TestRunsShowAllListsEveryRow(t *testing.T) {
	h := newHarness(t)
	id := storeBigRun(t, h, 1200, 1300)
	out := h.mustRun("runs", "show", fmt.Sprint(id), "--all")
	if n := linesWith(out, "record 0038d00000E"); n != 1300 {
		t.Errorf("runs show --all lists %d errors, want all 1300", n)
	}
	if n := linesWith(out, "FirstName"); n != 1200 {
		t.Errorf("runs show --all lists %d FirstName changes, want all 1200", n)
	}
	if first, last := strings.Index(out, "0038d00000E0000000"), strings.Index(out, "0038d00000E0001299"); first < 0 || last < first {
		t.Errorf("runs show --all does not list the errors in order (first at %d, last at %d)", first, last)
	}

	var shown struct {
		ID     int64            `json:"id"`
		Failed int              `json:"failed"`
		Errors []map[string]any `json:"errors"`
		Audit  []map[string]any `json:"audit"`
		Groups []map[string]any `json:"error_groups"`
	}
	js := h.mustRun("runs", "show", fmt.Sprint(id), "--json")
	if err := json.Unmarshal([]byte(js), &shown); err != nil {
		t.Fatalf("runs show --json is not one JSON document: %v\n%.500s", err, js)
	}
	if shown.ID != id || shown.Failed != 1300 || len(shown.Errors) != 1300 || len(shown.Audit) != 2400 || len(shown.Groups) != 1 {
		t.Fatalf("runs show --json: run %d, failed %d, %d errors, %d audit rows, %d groups; want run %d, 1300, 1300, 2400, 1",
			shown.ID, shown.Failed, len(shown.Errors), len(shown.Audit), len(shown.Groups), id)
	}
	if shown.Errors[1299]["record_id"] != "0038d00000E0001299" || shown.Audit[2399]["new"] != "Lee" {
		t.Errorf("runs show --json's last rows: %v, %v", shown.Errors[1299], shown.Audit[2399])
	}
}
