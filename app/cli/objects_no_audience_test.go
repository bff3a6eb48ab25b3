package cli_test

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestObjectsNoAudience: a Mailchimp account with no audience (its
// only one deleted by its admin) is listed by `crmsync objects` as what
// it is: no "members members" line, but a plain sentence that the account
// has no audience and what to do (create one in Mailchimp), in text and in
// --json.
func TestObjectsNoAudience(t *testing.T) {
	h := newHarness(t)
	srv, vs := h.startSandboxHere()
	h.connect(vs["mailchimp"], "mc")
	mc := srv.Mailchimp()
	if err := mc.DeleteList(mc.DefaultListID()); err != nil {
		t.Fatal(err)
	}
	out := h.mustRun("objects", "mc")
	t.Logf("objects of an account without audience:\n%s", out)
	if strings.Contains(out, "members  members") || strings.Contains(out, "members\tmembers") {
		t.Errorf("objects lists the bare object name as its own label:\n%s", out)
	}
	for _, want := range []string{"no audience", "create one in Mailchimp"} {
		if !strings.Contains(out, want) {
			t.Errorf("objects without audience lacks %q:\n%s", want, out)
		}
	}
	var got []struct{ Name, Label, Note string }
	raw := h.mustRun("objects", "mc", "--json")
	if err := json.Unmarshal([]byte(raw), &got); err != nil {
		t.Fatalf("objects --json: %v\n%s", err, raw)
	}
	if len(got) != 1 || got[0].Label == got[0].Name || !strings.Contains(got[0].Note, "create one in Mailchimp") {
		t.Errorf("objects --json without audience: %+v; want members labelled as no audience, with a note saying to create one", got)
	}
}
