package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSyncFileKeepsNumbersAsWritten: a filter value, a value map's
// keys and a default written by hand without quotes (a ZIP code 02134, a
// picklist code 007) are saved as written, not read as YAML numbers
// (02134 as octal 1116, 1.50 as 1.5): a filter on "1116" would keep out
// the records the admin meant to sync, and a default of "7" would be
// written into every blank field.
func TestSyncFileKeepsNumbersAsWritten(t *testing.T) {
	h, _ := contactsHarness(t)
	edited := strings.Replace(contactsYAML, "  - {a: firstname, b: FirstName}",
		"  - {a: firstname, b: FirstName, default: 007}\n  - {a: city, b: MailingCity, direction: a-to-b, transform: map, value_map: {02134: Boston, 1.50: x}}", 1)
	edited = strings.Replace(edited, "schedule:", "filters:\n  a: [{field: city, op: neq, value: 02134}]\nschedule:", 1)
	file := filepath.Join(t.TempDir(), "contacts.yaml")
	os.WriteFile(file, []byte(edited), 0o600)
	h.mustRun("sync", "apply", "-f", file)
	out := h.mustRun("sync", "export", "contacts")
	for _, want := range []string{`default: "007"`, `"02134": Boston`, `"1.50": x`, `value: "02134"`} {
		if !strings.Contains(out, want) {
			t.Errorf("export lacks %s: the file's text was changed on apply:\n%s", want, out)
		}
	}
}

// TestSyncFileWithBOM: a file saved by Windows Notepad starts with a
// UTF-8 byte order mark; it is the same sync, not an unknown field
// "name" with the mark invisible before it.
func TestSyncFileWithBOM(t *testing.T) {
	h, _ := contactsHarness(t)
	file := filepath.Join(t.TempDir(), "contacts-notepad.yaml")
	bom := "\ufeff" + strings.Replace(strings.ReplaceAll(contactsYAML, "\n", "\r\n"), "every 15m", "every 30m", 1)
	os.WriteFile(file, []byte(bom), 0o600)
	if out, errs, code := h.run("sync", "apply", "-f", file); code != 0 {
		t.Fatalf("sync apply of a file with a BOM: exit %d\n%s%s", code, out, errs)
	}
	if out := h.mustRun("sync", "export", "contacts"); !strings.Contains(out, "schedule: every 30m") {
		t.Fatalf("the file's change was not saved:\n%s", out)
	}
}
