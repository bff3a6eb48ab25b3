package ui

import (
	"encoding/csv"
	"fmt"
	"io"
	"strings"

	"github.com/crmsync/crmsync/app"
)

// safeCell defuses spreadsheet formula injection: a cell starting with
// = + - @ tab, CR or NUL (OWASP ASVS 1.2.10) is prefixed with a single
// quote, so Excel or Sheets shows it as text instead of running it. CRM
// data is user-controlled.
func safeCell(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r', 0:
		return "'" + s
	}
	return s
}

// utf8BOM opens the file so Excel reads it as UTF-8: without it, Excel
// on Windows takes a CSV for the system's code page and shows "José" as
// "JosÃ©". Sheets, Numbers and encoding/csv readers skip it.
const utf8BOM = "\ufeff"

// writeRunCSV writes a run's field audit and record errors as one CSV:
// a kind column says which is which.
func writeRunCSV(w io.Writer, d app.RunDetail) error {
	if _, err := io.WriteString(w, utf8BOM); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	write := func(cells ...string) error {
		for i, c := range cells {
			cells[i] = safeCell(c)
		}
		return cw.Write(cells)
	}
	if err := write("kind", "run", "sync", "side", "record", "field", "old", "new", "rule", "category", "code", "message", "at"); err != nil {
		return err
	}
	run := fmt.Sprint(d.Run.ID)
	for _, a := range d.Audit {
		if err := write("audit", run, d.Sync, a.Side, a.RecordID, a.Field, a.Old, a.New, a.Rule, "", "", "", a.At.UTC().Format("2006-01-02T15:04:05Z")); err != nil {
			return err
		}
	}
	for _, e := range d.Errors {
		if err := write("error", run, d.Sync, e.Side, e.RecordID, e.Field, "", "", "", e.Category, e.Code, e.Message, e.At.UTC().Format("2006-01-02T15:04:05Z")); err != nil {
			return err
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("export CSV: %w", err)
	}
	return nil
}

func csvName(d app.RunDetail) string {
	return strings.ReplaceAll(fmt.Sprintf("crmsync-%s-run-%d.csv", d.Sync, d.Run.ID), " ", "-")
}
