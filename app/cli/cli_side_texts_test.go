package cli_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/store"
)

// badMatchYAML is restoredYAML with a match rule on a field HubSpot
// contacts do not have, and unmatched records sent to review.
var badMatchYAML = strings.NewReplacer(
	"{a: email, b: Email, normalize: email}", "{a: no_such_field, b: Email, normalize: email}",
	"unmatched: create", "unmatched: review").Replace(restoredYAML)

// TestValidationAndDecisionsNameCRMs: `sync apply` refused a sync
// with "match rule 1: side A has no field", and `review resolve --link`
// with a mistyped id said "side B has no record": the person named their
// CRMs hs and sf, never A and B.
func TestValidationAndDecisionsNameCRMs(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t)
	_, vs := h.startSandboxHere()
	h.connect(vs["hubspot"], "hs")
	h.connect(vs["salesforce"], "sf")
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte(badMatchYAML), 0o600); err != nil {
		t.Fatal(err)
	}
	out, errs, code := h.runHere(ctx, http.DefaultTransport, "sync", "apply", "-f", bad)
	said := out + errs
	if code == 0 || !strings.Contains(said, "no_such_field") {
		t.Fatalf("sync apply of a rule on a missing field: exit %d\n%s", code, said)
	}
	if m := sideLetter.FindString(said); m != "" || !strings.Contains(said, "hs contacts has no field") {
		t.Errorf("sync apply says %q, not the CRM hs contacts:\n%s", m, said)
	}

	good := filepath.Join(dir, "good.yaml")
	fixed := strings.Replace(badMatchYAML, "no_such_field", "email", 1)
	if err := os.WriteFile(good, []byte(fixed), 0o600); err != nil {
		t.Fatal(err)
	}
	h.mustRun("sync", "apply", "-f", good)
	if out, errs, code := h.runHere(ctx, http.DefaultTransport, "sync", "run", "contacts", "--yes"); code != 0 {
		t.Fatalf("sync run: exit %d\n%s\n%s", code, out, errs)
	}
	id := firstReviewID(t, h)
	out, errs, code = h.runHere(ctx, http.DefaultTransport, "review", "resolve", id, "--link", "no-such-record")
	said = out + errs
	if code == 0 || !strings.Contains(said, "no-such-record") {
		t.Fatalf("review resolve --link with a mistyped id: exit %d\n%s", code, said)
	}
	if m := sideLetter.FindString(said); m != "" || !strings.Contains(said, "sf Contact") && !strings.Contains(said, "hs contacts") {
		t.Errorf("the refused link says %q, not the CRM it looked in:\n%s", m, said)
	}
}

// TestRunsShowNamesCRMsInOldTexts: a run stored before the engine
// named the CRMs kept "side B" in its warnings, message and errors, and
// `runs show` printed them, and each error as "side b record …", beside
// lines that name "sf Contact". --json keeps its keys.
func TestRunsShowNamesCRMsInOldTexts(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t)
	db, err := store.Open(ctx, filepath.Join(h.home, store.FileName))
	if err != nil {
		t.Fatal(err)
	}
	def := `{"name":"contacts","a":{"connection":"hs","object":"contacts"},"b":{"connection":"sf","object":"Contact"},"direction":"two-way"}`
	syncID, err := db.SaveSync(ctx, "contacts", def)
	if err != nil {
		t.Fatal(err)
	}
	runID, err := db.OpenRun(ctx, syncID, "manual", 0)
	if err != nil {
		t.Fatal(err)
	}
	c := store.Commit{SyncID: syncID, RunID: runID, Errors: []store.RunErrorRow{{Side: "b", RecordID: "003X1", Category: "validation",
		Field: "Email", Code: "LINKED", Message: "003X1 is already linked with 101 on side A"}}}
	c.Audit = append(c.Audit, store.NewAuditRecord([]store.AuditRow{{Side: "b", RecordID: "003X2", Field: "FirstName", Old: "", New: "Ann"}}))
	if err := db.Commit(ctx, c); err != nil {
		t.Fatal(err)
	}
	err = db.FinishRun(ctx, store.RunRow{ID: runID, SyncID: syncID, Status: "partial", Updated: 1, Failed: 1,
		Message:  "engine: read side B (Contact): salesforce: query: session expired",
		Warnings: []string{"003X3 on side B is no longer deleted; it is synced again"}})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	rid := strconv.FormatInt(runID, 10)
	for _, args := range [][]string{{"runs", "show", rid}, {"runs", "show", rid, "--all"}} {
		shown := h.mustRun(args...)
		for _, want := range []string{"003X3 in sf Contact is no longer deleted", "read sf Contact", "101 in hs contacts", "sf Contact record 003X1", "sf Contact"} {
			if !strings.Contains(shown, want) {
				t.Errorf("%v does not say %q:\n%s", args, want, shown)
			}
		}
		if m := sideLetter.FindString(shown); m != "" || strings.Contains(shown, "side b") {
			t.Errorf("%v says %q, a side letter:\n%s", args, m, shown)
		}
	}
	var o map[string]any
	if err := json.Unmarshal([]byte(h.mustRun("runs", "show", rid, "--json")), &o); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"warnings", "errors", "message"} {
		if _, ok := o[k]; !ok {
			t.Errorf("runs show --json lost its %q key: %v", k, o)
		}
	}
}

// auditQueryRefuser answers Salesforce's query endpoint with a 400 in
// Salesforce's error shape, so a run fails reading the Contact side.
type auditQueryRefuser struct{}

func (auditQueryRefuser) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Method == http.MethodGet && strings.Contains(r.URL.Path, "/query") {
		body := `[{"message":"audit: query refused","errorCode":"INVALID_QUERY_FILTER_OPERATOR"}]`
		return &http.Response{StatusCode: http.StatusBadRequest, Status: "400 Bad Request", Header: http.Header{"Content-Type": {"application/json"}},
			Body: io.NopCloser(strings.NewReader(body)), ContentLength: int64(len(body)), Request: r}, nil
	}
	return http.DefaultTransport.RoundTrip(r)
}

// TestReadFailureNamesCRM: a run that could not read Salesforce
// failed with "engine: read side B (Contact): …" in `sync run` and
// `runs show`: the person's sync names that side "sf Contact".
func TestReadFailureNamesCRM(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t)
	_, vs := h.startSandboxHere()
	h.connect(vs["hubspot"], "hs")
	h.connect(vs["salesforce"], "sf")
	file := filepath.Join(t.TempDir(), "contacts.yaml")
	if err := os.WriteFile(file, []byte(restoredYAML), 0o600); err != nil {
		t.Fatal(err)
	}
	h.mustRun("sync", "apply", "-f", file)
	out, errs, code := h.runHere(ctx, auditQueryRefuser{}, "sync", "run", "contacts", "--yes")
	said := out + errs
	if code == 0 || !strings.Contains(said, "audit: query refused") {
		t.Fatalf("a run whose Salesforce reads are refused: exit %d\n%s", code, said)
	}
	for _, l := range strings.Split(said, "\n") {
		if strings.Contains(l, "audit: query refused") {
			if m := sideLetter.FindString(l); m != "" || !strings.Contains(l, "read sf Contact") {
				t.Errorf("the failure says %q, not the CRM sf Contact: %q", m, l)
			}
		}
	}
}
