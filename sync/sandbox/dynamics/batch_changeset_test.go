package dynamics

import (
	"strings"
	"testing"
)

// A change set that fails is answered, as Dataverse online answers it, by a
// nested multipart/mixed part (boundary changesetresponse_…) holding the
// failing request's response alone, with its Content-ID: a v9.2 answer
// quoted in MicrosoftDocs/powerapps-docs#2843 ("Content-Type:
// multipart/mixed; boundary=changesetresponse_…", then "Content-ID: 3",
// "HTTP/1.1 400 Bad Request", {"error":{"code":"0x80044331",…}}). With
// odata.continue-on-error the change sets after it still run (Jim Daly in
// that thread: "if they are independent separate changesets, then one of
// them may fail and the rest can continue").
func TestFailedChangeSetAnswersAsChangeSetResponse(t *testing.T) {
	e := newEnv(t, Options{})
	body, ctype := buildBatch(
		[]part{
			{method: "POST", url: "/api/data/v9.2/accounts", body: `{"name":"Rolled back"}`, contentID: "1"},
			{method: "POST", url: "/api/data/v9.2/contacts", body: `{"lastname":"` + strings.Repeat("y", 60) + `"}`, contentID: "2"},
		},
		[]part{
			{method: "POST", url: "/api/data/v9.2/accounts", body: `{"name":"Kept"}`, contentID: "3"},
		},
	)
	check := func(label string, p partResp, status int, contentID string) {
		t.Helper()
		if len(p.nested) != 1 {
			t.Fatalf("%s: want a changesetresponse holding one response, got %+v", label, p)
		}
		got := p.nested[0]
		if got.status != status || got.contentID != contentID {
			t.Fatalf("%s: want %d with Content-ID %q, got %d with %q: %s", label, status, contentID, got.status, got.contentID, got.body)
		}
	}

	r, parts := e.batch(body, ctype, "Prefer", "odata.continue-on-error")
	if r.status != 200 || len(parts) != 2 {
		t.Fatalf("continue-on-error: status %d, %d parts: %+v", r.status, len(parts), parts)
	}
	check("failed change set", parts[0], 400, "2")
	if !strings.Contains(parts[0].nested[0].body, `"code":"0x80044331"`) {
		t.Fatalf("failed change set's error: %s", parts[0].nested[0].body)
	}
	check("next change set", parts[1], 204, "3")
	if accts := e.sim.Records("accounts"); len(accts) != 1 || accts[0].Fields["name"] != "Kept" {
		t.Fatalf("accounts after the batch: %+v", accts)
	}

	// Without the preference the batch stops there and carries its status.
	r, parts = e.batch(body, ctype)
	if r.status != 400 || len(parts) != 1 {
		t.Fatalf("stop at the failed change set: status %d, %d parts", r.status, len(parts))
	}
	check("failed change set, no continue-on-error", parts[0], 400, "2")
	if n := e.sim.Count("accounts"); n != 1 {
		t.Fatalf("%d accounts: the stopped batch wrote", n)
	}
}
