package ui

import (
	"bytes"
	"context"
	"encoding/csv"
	"testing"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/store"
)

func TestRunCSVDefusesFormulas(t *testing.T) {
	d := app.RunDetail{Sync: "s", Run: store.RunRow{ID: 7},
		Audit:  []store.AuditRow{{Side: "b", RecordID: "1", Field: "FirstName", Old: "=HYPERLINK(\"http://x\")", New: "+1 415", Rule: "a-wins"}},
		Errors: []store.RunErrorRow{{Side: "a", RecordID: "2", Category: "validation", Field: "email", Code: "INVALID", Message: "@SUM(A1) is not, an email\nsecond line"}},
	}
	var buf bytes.Buffer
	if err := writeRunCSV(&buf, d); err != nil {
		t.Fatal(err)
	}
	// Excel reads a CSV as UTF-8 only after a byte order mark.
	if !bytes.HasPrefix(buf.Bytes(), []byte(utf8BOM+"kind,")) {
		t.Fatalf("export starts %q, want a UTF-8 byte order mark before the header", buf.Bytes()[:8])
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatalf("export is not valid CSV: %v", err)
	}
	if len(rows) != 3 {
		t.Fatalf("rows = %d, want header + 2", len(rows))
	}
	if got := rows[1][6]; got != "'=HYPERLINK(\"http://x\")" {
		t.Errorf("old value cell = %q, want it quoted", got)
	}
	if got := rows[1][7]; got != "'+1 415" {
		t.Errorf("new value cell = %q", got)
	}
	if got := rows[2][11]; got != "'@SUM(A1) is not, an email\nsecond line" {
		t.Errorf("vendor message cell = %q", got)
	}
	for in, want := range map[string]string{"-5": "'-5", "\tx": "'\tx", "\rx": "'\rx", "plain": "plain", "": ""} {
		if got := safeCell(in); got != want {
			t.Errorf("safeCell(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestSaveCSVWritesTheRun: the export writes every audit row and error of
// a run to the file chosen (in the background) and says where it saved.
func TestSaveCSVWritesTheRun(t *testing.T) {
	l := newLive(t)
	d := demoRunDetail(t, l)
	rows := exportedCSV(t, l, d)
	if want := 1 + len(d.Audit) + len(d.Errors); len(rows) != want {
		t.Fatalf("the file has %d rows; want %d (a header, %d audit rows, %d errors)", len(rows), want, len(d.Audit), len(d.Errors))
	}
}

// demoRunDetail runs the demo contacts sync on l's sandbox and returns the
// run's detail, which has audit rows.
func demoRunDetail(t *testing.T, l *live) app.RunDetail {
	t.Helper()
	ctx := context.Background()
	connectDemoContacts(t, l)
	res, err := l.a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	if err != nil {
		t.Fatal(err)
	}
	d, err := l.a.RunDetail(ctx, res.Summary.RunID)
	if err != nil || len(d.Audit) == 0 {
		t.Fatalf("run detail: %v, %d audit rows", err, len(d.Audit))
	}
	return d
}
