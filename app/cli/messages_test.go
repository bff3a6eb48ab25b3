package cli_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/sync/connector/registry"
)

// oneLine fails unless stderr is one line, "crmsync: …", holding want.
func oneLine(t *testing.T, what, errs, want string) {
	t.Helper()
	s := strings.TrimSpace(errs)
	if strings.Count(s, "\n") > 0 || !strings.HasPrefix(s, "crmsync: ") || !strings.Contains(s, want) {
		t.Errorf("%s: want one line \"crmsync: …%s…\", got:\n%s", what, want, errs)
	}
}

// logHas fails unless the data folder's log file holds want.
func logHas(t *testing.T, h *harness, want string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(h.home, "crmsync.log"))
	if err != nil || !strings.Contains(string(b), want) {
		t.Errorf("the log file lacks %q (%v):\n%s", want, err, b)
	}
}

// TestFailedConnectPrintsOneLine: a refused connect printed a slog
// WARN line on stderr and then "crmsync: …" saying the same. One line on
// the terminal; the log file keeps the entry.
func TestFailedConnectPrintsOneLine(t *testing.T) {
	h := newHarness(t)
	vs := h.startSandbox()
	const bad = "0123456789abcdef0123456789abcdef-us1"
	_, errs, code := h.run("connect", "mailchimp", "--name", "mc", "--token", bad, "--api-base", vs["mailchimp"].APIBase)
	if code != 1 {
		t.Errorf("connect with a wrong key: exit %d, want 1", code)
	}
	oneLine(t, "connect with a wrong key", errs, "API Key Invalid")
	logHas(t, h, `msg="connect failed" connection=mc`)
}

// TestRefusedDecisionPrintsOneLine: a decision refused on a review
// item that exists printed the WARN line and the error both; so did an
// undo refused (a run already undone).
func TestRefusedDecisionPrintsOneLine(t *testing.T) {
	h, _ := contactsHarness(t)
	run := runIDIn(t, h.mustRun("sync", "run", "contacts", "--yes"))
	id := firstReviewID(t, h)
	_, errs, code := h.run("review", "resolve", id, "--link", "003-not-there")
	if code != 1 {
		t.Errorf("review resolve with a link no candidate has: exit %d, want 1", code)
	}
	oneLine(t, "review resolve --link 003-not-there", errs, "003-not-there")
	logHas(t, h, `msg="review decision refused" review=`+id)

	h.mustRun("runs", "undo", run, "--yes")
	_, errs, code = h.run("runs", "undo", run, "--yes")
	if code != 1 {
		t.Errorf("a second undo of run %s: exit %d, want 1", run, code)
	}
	oneLine(t, "a second undo", errs, "already undone")
	logHas(t, h, `msg="undo refused" sync=contacts run=`+run)
}

// TestApplyUnknownConnectionIsUsage: a sync file naming a
// connection no one has is a typo like any unknown name: exit 2, the
// closest names and the command that lists them. It exited 1.
func TestApplyUnknownConnectionIsUsage(t *testing.T) {
	h, _ := contactsHarness(t)
	file := filepath.Join(t.TempDir(), "typo.yaml")
	os.WriteFile(file, []byte(strings.Replace(strings.Replace(contactsYAML, "connection: hs", "connection: hx", 1), "name: contacts", "name: typo", 1)), 0o600)
	_, errs, code := h.run("sync", "apply", "-f", file)
	if code != 2 {
		t.Errorf("sync apply naming connection hx: exit %d, want 2 (usage)", code)
	}
	oneLine(t, "sync apply naming connection hx", errs, `typo.yaml: line 2: no connection named "hx"; did you mean "hs"`)
	if !strings.Contains(errs, "crmsync connections") {
		t.Errorf("sync apply naming connection hx does not name the command that lists them: %s", errs)
	}
	if out := h.mustRun("sync", "list"); strings.Contains(out, "typo") {
		t.Errorf("a sync naming an unknown connection was saved:\n%s", out)
	}
}

// TestRunAfterPreviewSaysWhatItRead: a run right after a preview said
// "read 0 from hs contacts, 0 from sf Contact", as if it had read
// nothing. And a run confirmed with --yes printed "NEEDS CONFIRMATION:
// …" above "Run 1: success".
func TestRunAfterPreviewSaysWhatItRead(t *testing.T) {
	h, _ := contactsHarness(t)
	preview := h.mustRun("sync", "run", "contacts", "--dry-run")
	out, errs, code := h.run("sync", "run", "contacts", "--yes")
	if code != 0 && code != 4 {
		t.Fatalf("sync run after a preview: exit %d\n%s\n%s", code, out, errs)
	}
	read := regexp.MustCompile(`^sync "contacts": read ([1-9]\d*) from hs contacts, ([1-9]\d*) from sf Contact\n`).FindStringSubmatch(preview)
	if read == nil {
		t.Fatalf("preview's first line does not count both sides' reads:\n%s", preview)
	}
	want := fmt.Sprintf(`sync "contacts": read 0 from hs contacts, 0 from sf Contact (and merged %s from hs contacts, %s from sf Contact read earlier, by a preview or an unfinished run)`, read[1], read[2])
	if !strings.Contains(out, want+"\n") {
		t.Errorf("the run after a preview does not say it merged the preview's reads; want %q in:\n%s%s", want, out, errs)
	}
	if strings.Contains(out, "NEEDS CONFIRMATION") || !strings.Contains(out, "confirmed with --yes: would create or change") {
		t.Errorf("a run confirmed with --yes still says it needs confirmation, or not that it was confirmed:\n%s", out)
	}
}

// firstReviewID is the id of the first open review item.
func firstReviewID(t *testing.T, h *harness) string {
	t.Helper()
	var items []struct {
		ID int64 `json:"id"`
	}
	if err := json.Unmarshal([]byte(h.mustRun("review", "list", "--json")), &items); err != nil || len(items) == 0 {
		t.Fatalf("review list --json: %v %+v", err, items)
	}
	return strconv.FormatInt(items[0].ID, 10)
}

// TestConnectHelpNamesEveryKeyVendor: `connect --help` said --token
// was for a "HubSpot service key" while Pipedrive, Mailchimp, Klaviyo and
// Brevo take a pasted key too.
func TestConnectHelpNamesEveryKeyVendor(t *testing.T) {
	h := newHarness(t)
	help, _, _ := h.run("connect", "--help")
	for _, v := range registry.Vendors() {
		if v.OAuth.TokenRoute && !strings.Contains(help, v.Title) {
			t.Errorf("connect --help does not say --token works for %s:\n%s", v.Title, help)
		}
	}
}
