package cli_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/sync/sandbox"
)

// startSandboxHere serves the sandbox from the test process, so a test can
// change a vendor's account (delete a Mailchimp audience) as its admin
// would, and returns it with its vendor lines.
func (h *harness) startSandboxHere() (*sandbox.Server, map[string]vendorLine) {
	h.t.Helper()
	srv, err := sandbox.Start(context.Background(), "127.0.0.1:0", sandbox.Options{Seed: 3, Contacts: 5})
	if err != nil {
		h.t.Fatal(err)
	}
	h.t.Cleanup(func() { srv.Close() })
	lines := map[string]vendorLine{}
	for _, v := range srv.Vendors() {
		b, _ := json.Marshal(v)
		var l vendorLine
		if err := json.Unmarshal(b, &l); err != nil {
			h.t.Fatal(err)
		}
		lines[l.Vendor] = l
	}
	return srv, lines
}

// The audience a Mailchimp connection's "members" is kept to is deleted
// in Mailchimp: `crmsync objects` names it as deleted, and, as the sync
// editor does, says under it what that means and what to do (choose
// another audience, or reconnect), in text and in --json.
func TestObjectsShowsDeletedAudienceNote(t *testing.T) {
	h := newHarness(t)
	srv, vs := h.startSandboxHere()
	h.connect(vs["hubspot"], "hs")
	h.connect(vs["mailchimp"], "mc")
	mc := srv.Mailchimp()
	// Saving a sync of "members" keeps it to the account's one audience.
	file := filepath.Join(t.TempDir(), "audience.yaml")
	if err := os.WriteFile(file, []byte(audienceYAML), 0o600); err != nil {
		t.Fatal(err)
	}
	h.mustRun("sync", "apply", "-f", file)
	if err := mc.DeleteList(mc.DefaultListID()); err != nil {
		t.Fatal(err)
	}
	out := h.mustRun("objects", "mc")
	for _, want := range []string{"deleted in Mailchimp", "Mailchimp no longer has", "choose another audience", "reconnect"} {
		if !strings.Contains(out, want) {
			t.Errorf("objects after the delete lacks %q:\n%s", want, out)
		}
	}
	var got []struct{ Name, Label, Note string }
	if err := json.Unmarshal([]byte(h.mustRun("objects", "mc", "--json")), &got); err != nil {
		t.Fatalf("objects --json: %v", err)
	}
	if len(got) != 1 || !strings.Contains(got[0].Note, "choose another audience") {
		t.Errorf("objects --json after the delete: %+v; want members with its note", got)
	}
}

// audienceYAML is a HubSpot contacts to Mailchimp "members" sync.
const audienceYAML = `name: audience
a: {connection: hs, object: contacts}
b: {connection: mc, object: members}
direction: a-to-b
match:
  - {a: email, b: email_address, normalize: email}
unmatched: create
conflict: newer
fields:
  - {a: email, b: email_address, transform: lower}
  - {b: status, transform: "const:transactional", rule: on-create}
schedule: manual
`
