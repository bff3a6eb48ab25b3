package ui

import (
	"bytes"
	"encoding/csv"
	"testing"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/store"
)

// TestCSVDefusesNullLedCells: OWASP ASVS 1.2.10 lists the null
// character with = + - @ and tab as a first character a spreadsheet may
// act on; an exported CRM value that starts with it must be prefixed
// with a single quote like the others.
func TestCSVDefusesNullLedCells(t *testing.T) {
	d := app.RunDetail{Sync: "s", Run: store.RunRow{ID: 3},
		Audit: []store.AuditRow{{Side: "a", RecordID: "9", Field: "company", Old: "\x00=1+1", New: "Acme, \"Inc\"\n=2", Rule: "b-wins"}},
	}
	var buf bytes.Buffer
	if err := writeRunCSV(&buf, d); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatalf("export is not valid CSV: %v", err)
	}
	if got := rows[1][6]; got != "'\x00=1+1" {
		t.Errorf("old value cell = %q, want it prefixed with a single quote", got)
	}
	// Commas, quotes and a newline stay inside the one cell, unchanged.
	if got := rows[1][7]; got != "Acme, \"Inc\"\n=2" {
		t.Errorf("new value cell = %q", got)
	}
}
