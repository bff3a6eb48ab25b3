package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app/cli"
	"github.com/crmsync/crmsync/app/secret"
	"github.com/crmsync/crmsync/sync/connector/registry"
)

// auditCutter forwards every call; while armed, the first Pipedrive
// person create is made and then its answer lost as the process dies
// (cancel, then context.Canceled), as a kill would.
type auditCutter struct {
	mu     sync.Mutex
	cancel func()
}

func (c *auditCutter) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(r)
	if err != nil {
		return resp, err
	}
	c.mu.Lock()
	cancel := c.cancel
	hit := cancel != nil && r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/persons")
	if hit {
		c.cancel = nil
	}
	c.mu.Unlock()
	if !hit {
		return resp, nil
	}
	_ = resp.Body.Close()
	cancel()
	return nil, context.Canceled
}

// runHere runs one CLI command in this process (the cobra command, as
// main.go runs it) against h's data folder and secrets, through rt.
func (h *harness) runHere(ctx context.Context, rt http.RoundTripper, args ...string) (stdout, stderr string, code int) {
	h.t.Helper()
	var out, errb bytes.Buffer
	env := cli.Env{
		Stdout: &out, Stderr: &errb, Vendors: registry.Vendors(),
		HTTP:    &http.Client{Timeout: time.Minute, Transport: rt},
		Secrets: func() (secret.Store, error) { return testSecretsFor(h.secrets) },
		Logger:  cli.StderrLogger(&errb),
	}
	code = cli.Execute(ctx, append([]string{"--home", h.home}, args...), env)
	return out.String(), errb.String(), code
}

// keylessPeopleYAML syncs HubSpot contacts with Pipedrive persons; the
// email row writes HubSpot only, so a person is created with no key to
// find it by, and a create whose answer is lost waits in Review.
const keylessPeopleYAML = `name: people
a: {connection: hs, object: contacts}
b: {connection: pd, object: persons}
direction: two-way
match:
  - {a: email, b: email, normalize: email}
unmatched: create
conflict: newer
fields:
  - {a: email, b: email, transform: lower, direction: b-to-a}
  - {a: firstname+lastname, b: name, rule: unless-blank}
safety: {max_change_percent: 25, max_changes: 1, propagate_deletes: false}
`

// TestCLIHeldRunSaysReviewAndNamesCRMs: a run held for confirmation
// said only "review the plan and rerun with --yes", not that its plan had
// already put a record in Review (the window's dialog says so); and the
// run's line, `runs show` and the plan counted "API calls A 12, B 3",
// where every other text names the connections.
func TestCLIHeldRunSaysReviewAndNamesCRMs(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t)
	srv, vs := h.startSandboxHere()
	h.connect(vs["hubspot"], "hs")
	h.connect(vs["pipedrive"], "pd")
	file := filepath.Join(t.TempDir(), "people.yaml")
	if err := os.WriteFile(file, []byte(keylessPeopleYAML), 0o600); err != nil {
		t.Fatal(err)
	}
	h.mustRun("sync", "apply", "-f", file)
	out, errs, code := h.runHere(ctx, http.DefaultTransport, "sync", "run", "people", "--yes")
	if code != 0 && code != 4 {
		t.Fatalf("first run: exit %d\n%s\n%s", code, out, errs)
	}
	for _, text := range []string{out, h.mustRun("runs", "show", runIDIn(t, out))} {
		if strings.Contains(text, "API calls A") || !strings.Contains(text, " to hs contacts") || !strings.Contains(text, " to pd persons") {
			t.Errorf("the API calls are not counted per connection (\"N to hs contacts, M to pd persons\"):\n%s", text)
		}
	}

	add := func(i int) {
		if _, err := srv.HubSpot().Create("contacts", map[string]string{"email": fmt.Sprintf("audit%d@example.org", i), "firstname": "Audit", "lastname": fmt.Sprintf("Person%d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	add(0)
	add(1)
	killCtx, kill := context.WithCancel(ctx)
	cut := &auditCutter{cancel: kill}
	h.runHere(killCtx, cut, "sync", "run", "people", "--yes")
	kill()
	if cut.cancel != nil {
		t.Fatal("the run was not cut at Pipedrive's create")
	}
	add(10)
	add(11)

	out, errs, code = h.runHere(ctx, http.DefaultTransport, "sync", "run", "people")
	if code != 3 {
		t.Fatalf("a run over max_changes 1: exit %d, want 3\n%s\n%s", code, out, errs)
	}
	var items []struct {
		ID int64 `json:"id"`
	}
	if err := json.Unmarshal([]byte(h.mustRun("review", "list", "--json")), &items); err != nil {
		t.Fatal(err)
	}
	if len(items) == 0 {
		t.Fatalf("the held run's plan put nothing in Review; the test needs the cut-short create there")
	}
	if want := fmt.Sprintf("%d already in Review", len(items)); !strings.Contains(errs, want) {
		t.Errorf("the held run's message does not say %q:\n%s", want, errs)
	}
	// The item's reason, stored by the engine saying "side B", names the CRM.
	if listed := h.mustRun("review", "list"); regexp.MustCompile(`\bside [AB]\b`).MatchString(listed) || !strings.Contains(listed, "pd persons") {
		t.Errorf("review list names a side by letter, not the connection:\n%s", listed)
	}
	if !regexp.MustCompile(`estimated API calls: \d+ to hs contacts, \d+ to pd persons`).MatchString(out) {
		t.Errorf("the held plan's estimated API calls do not name the connections:\n%s", out)
	}
}
