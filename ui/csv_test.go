package ui

import (
	"bytes"
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
