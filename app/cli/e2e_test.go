package cli_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

type harness struct {
	t       *testing.T
	home    string
	secrets string
}

func newHarness(t *testing.T) *harness {
	return &harness{t: t, home: filepath.Join(t.TempDir(), "home"), secrets: t.TempDir()}
}

func (h *harness) cmd(args ...string) *exec.Cmd {
	c := exec.Command(os.Args[0], append([]string{"--home", h.home}, args...)...)
	c.Env = append(os.Environ(), "CRMSYNC_BE_CLI=1", "CRMSYNC_TEST_SECRETS="+h.secrets)
	return c
}

// run runs one CLI command to completion.
func (h *harness) run(args ...string) (stdout, stderr string, code int) {
	h.t.Helper()
	c := h.cmd(args...)
	var out, errb bytes.Buffer
	c.Stdout, c.Stderr = &out, &errb
	err := c.Run()
	code = 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		h.t.Fatalf("run %v: %v", args, err)
	}
	return out.String(), errb.String(), code
}

func (h *harness) mustRun(args ...string) string {
	h.t.Helper()
	out, errs, code := h.run(args...)
	if code != 0 {
		h.t.Fatalf("crmsync %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), code, out, errs)
	}
	return out
}

type vendorLine struct {
	Vendor       string `json:"vendor"`
	APIBase      string `json:"api_base"`
	AuthURL      string `json:"auth_url"`
	TokenURL     string `json:"token_url"`
	RevokeURL    string `json:"revoke_url"`
	ClientID     string `json:"client_id"`
	ClientSecret string `json:"client_secret"`
	AccessToken  string `json:"access_token"`
}

// startSandbox starts `crmsync sandbox` and reads its JSON lines (one per
// vendor) up to those of HubSpot, Salesforce and Mailchimp.
func (h *harness) startSandbox() map[string]vendorLine {
	h.t.Helper()
	return h.startSandboxWith("--contacts", "30")
}

// startSandboxWith starts the sandbox with extra flags (--contacts, --faults).
func (h *harness) startSandboxWith(flags ...string) map[string]vendorLine {
	h.t.Helper()
	c := h.cmd(append([]string{"sandbox", "--listen", "127.0.0.1:0", "--seed", "3"}, flags...)...)
	out, err := c.StdoutPipe()
	if err != nil {
		h.t.Fatal(err)
	}
	c.Stderr = io.Discard
	if err := c.Start(); err != nil {
		h.t.Fatal(err)
	}
	h.t.Cleanup(func() { c.Process.Signal(os.Interrupt); c.Wait() })
	vendors := map[string]vendorLine{}
	sc := bufio.NewScanner(out)
	for (vendors["hubspot"].Vendor == "" || vendors["salesforce"].Vendor == "" || vendors["mailchimp"].Vendor == "") && sc.Scan() {
		var v vendorLine
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
			h.t.Fatalf("sandbox printed a non-JSON line %q: %v", sc.Text(), err)
		}
		vendors[v.Vendor] = v
	}
	if vendors["hubspot"].AccessToken == "" || vendors["salesforce"].APIBase == "" {
		h.t.Fatalf("sandbox vendor lines: %+v", vendors)
	}
	return vendors
}

// connect runs `connect --no-browser`, reads the printed URL and opens it
// as a browser would (the sandbox's consent page auto-approves).
func (h *harness) connect(v vendorLine, name string) {
	h.t.Helper()
	c := h.cmd("connect", v.Vendor, "--name", name, "--client-id", v.ClientID, "--client-secret", v.ClientSecret,
		"--api-base", v.APIBase, "--auth-url", v.AuthURL, "--token-url", v.TokenURL, "--revoke-url", v.RevokeURL,
		"--port", "-1", // any free loopback port: no pick-then-bind race between tests
		"--no-browser")
	out, _ := c.StdoutPipe()
	var errb bytes.Buffer
	c.Stderr = &errb
	if err := c.Start(); err != nil {
		h.t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		h.t.Fatalf("connect printed no URL: %v; stderr: %s", err, errb.String())
	}
	u := strings.TrimSpace(line)
	if _, err := url.ParseRequestURI(u); err != nil || !strings.Contains(u, "code_challenge=") || !strings.Contains(u, "state=") {
		h.t.Fatalf("connect printed %q; want an authorization URL with PKCE and state", u)
	}
	resp, err := http.Get(u)
	if err != nil {
		h.t.Fatalf("browser GET: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err := c.Wait(); err != nil {
		h.t.Fatalf("connect %s: %v\nstderr: %s\npage: %s", v.Vendor, err, errb.String(), body)
	}
}

func api(t *testing.T, method, u, token string, body any) []byte {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, u, rd)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, u, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 300 {
		t.Fatalf("%s %s: %d %s", method, u, resp.StatusCode, b)
	}
	return b
}

// emails counts records per lower-cased email through each vendor's REST API.
func emails(t *testing.T, vs map[string]vendorLine) (hs, sf map[string]int) {
	hs, sf = map[string]int{}, map[string]int{}
	for _, c := range hubspotContacts(t, vs["hubspot"], "email") {
		hs[strings.ToLower(strings.TrimSpace(c.Properties["email"]))]++
	}
	var q struct {
		Records []struct{ Email string } `json:"records"`
	}
	json.Unmarshal(api(t, "GET", vs["salesforce"].APIBase+"/services/data/v67.0/query?q="+url.QueryEscape("SELECT Id, Email FROM Contact"), vs["salesforce"].AccessToken, nil), &q)
	for _, r := range q.Records {
		sf[strings.ToLower(strings.TrimSpace(r.Email))]++
	}
	return hs, sf
}

const contactsYAML = `name: contacts
a: {connection: hs, object: contacts}
b: {connection: sf, object: Contact}
direction: two-way
match:
  - {a: email, b: Email, normalize: email}
unmatched: create
conflict: newer
fields:
  - {a: email, b: Email, transform: lower}
  - {a: firstname, b: FirstName}
  - {a: lastname, b: LastName, rule: unless-blank}
  - {a: phone, b: Phone, transform: e164}
schedule: every 15m
safety: {max_change_percent: 25, max_changes: 3, propagate_deletes: false}
`

// companiesYAML is a companies sync named name, by web domain.
func companiesYAML(name string) string {
	return "name: " + name + `
a: {connection: hs, object: companies}
b: {connection: sf, object: Account}
direction: two-way
match:
  - {a: domain, b: Website, normalize: domain}
unmatched: create
conflict: newer
fields:
  - {a: name, b: Name, rule: unless-blank}
`
}

type runJSON struct {
	Plan struct {
		Counts map[string]int `json:"counts"`
	} `json:"plan"`
	Result *struct {
		RunID   int64  `json:"run_id"`
		Status  string `json:"status"`
		Created int    `json:"created"`
		Updated int    `json:"updated"`
		Failed  int    `json:"failed"`
	} `json:"result"`
}

func TestCLIEndToEndOnSandbox(t *testing.T) {
	h := newHarness(t)
	vs := h.startSandbox()
	h.connect(vs["hubspot"], "hs")
	h.connect(vs["salesforce"], "sf")

	// The tokens are in the secret store the CLI was given (the real
	// Secret Service under scripts/test-keyring.sh), not in the data file.
	store, _ := testSecretsFor(h.secrets)
	tok, err := store.Get(context.Background(), "connection/sf/token")
	if err != nil || !strings.Contains(tok, "refresh_token") {
		t.Fatalf("salesforce token not in the secret store: %v", err)
	}
	db, _ := os.ReadFile(filepath.Join(h.home, "crmsync.db"))
	var stored struct {
		Access string `json:"access_token"`
	}
	json.Unmarshal([]byte(tok), &stored)
	if stored.Access == "" || bytes.Contains(db, []byte(stored.Access)) {
		t.Fatal("the access token is missing from the keyring or present in the data file")
	}

	var conns []map[string]any
	json.Unmarshal([]byte(h.mustRun("connections", "--json")), &conns)
	if len(conns) != 2 || conns[0]["status"] != "connected" {
		t.Fatalf("connections: %v", conns)
	}

	file := filepath.Join(t.TempDir(), "contacts.yaml")
	os.WriteFile(file, []byte(contactsYAML), 0o600)
	h.mustRun("sync", "apply", "-f", file)
	if out := h.mustRun("sync", "export", "contacts"); !strings.Contains(out, "transform: e164") {
		t.Fatalf("export lost the mapping:\n%s", out)
	}
	hsBefore, sfBefore := emails(t, vs)

	// A first run over the safety limit stops with exit code 3 and writes nothing.
	out, errs, code := h.run("sync", "run", "contacts")
	if code != 3 || !strings.Contains(errs, "--yes") {
		t.Fatalf("first run without --yes: exit %d\n%s\n%s", code, out, errs)
	}
	var first runJSON
	json.Unmarshal([]byte(h.mustRun("sync", "run", "contacts", "--yes", "--json")), &first)
	if first.Result == nil || first.Result.Status != "success" || first.Result.Created == 0 {
		t.Fatalf("first run: %+v", first.Result)
	}

	// No duplicates: we never created a record for an email its side already had.
	hsAfter, sfAfter := emails(t, vs)
	for e, n := range hsAfter {
		if hsBefore[e] > 0 && n != hsBefore[e] || hsBefore[e] == 0 && n != 1 {
			t.Errorf("hubspot email %q: %d records before, %d after", e, hsBefore[e], n)
		}
	}
	for e, n := range sfAfter {
		if sfBefore[e] > 0 && n != sfBefore[e] || sfBefore[e] == 0 && n != 1 {
			t.Errorf("salesforce email %q: %d records before, %d after", e, sfBefore[e], n)
		}
	}

	var second runJSON
	json.Unmarshal([]byte(h.mustRun("sync", "run", "contacts", "--json")), &second)
	if second.Result == nil || second.Result.Created+second.Result.Updated != 0 {
		t.Fatalf("second run wrote: %+v (a loop)", second.Result)
	}

	// Edit one linked HubSpot contact through HubSpot's REST API.
	var list struct {
		Results []struct {
			ID         string            `json:"id"`
			Properties map[string]string `json:"properties"`
		} `json:"results"`
	}
	json.Unmarshal(api(t, "GET", vs["hubspot"].APIBase+"/crm/objects/2026-03/contacts?limit=5&properties=email,firstname", vs["hubspot"].AccessToken, nil), &list)
	target := list.Results[0]
	api(t, "PATCH", vs["hubspot"].APIBase+"/crm/objects/2026-03/contacts/"+target.ID, vs["hubspot"].AccessToken,
		map[string]any{"properties": map[string]string{"firstname": "Zebedee"}})
	time.Sleep(10 * time.Millisecond)

	var third runJSON
	json.Unmarshal([]byte(h.mustRun("sync", "run", "contacts", "--json")), &third)
	if third.Result == nil || third.Result.Updated != 1 || third.Result.Created != 0 {
		t.Fatalf("third run: %+v; want exactly the one edit applied", third.Result)
	}
	var q struct {
		Records []struct{ FirstName string } `json:"records"`
	}
	soql := fmt.Sprintf("SELECT Id, FirstName FROM Contact WHERE Email = '%s'", target.Properties["email"])
	json.Unmarshal(api(t, "GET", vs["salesforce"].APIBase+"/services/data/v67.0/query?q="+url.QueryEscape(soql), vs["salesforce"].AccessToken, nil), &q)
	if len(q.Records) != 1 || q.Records[0].FirstName != "Zebedee" {
		t.Fatalf("salesforce contact %s: %+v; want FirstName Zebedee", target.Properties["email"], q.Records)
	}

	// History and its audit name the change, old → new.
	show := h.mustRun("runs", "show", fmt.Sprint(third.Result.RunID))
	if !strings.Contains(show, `"Zebedee"`) || !strings.Contains(show, "FirstName") {
		t.Fatalf("runs show lacks the audit row:\n%s", show)
	}
	if out := h.mustRun("runs", "--json"); !strings.Contains(out, `"status": "success"`) {
		t.Fatalf("runs --json:\n%s", out)
	}
	// Its JSON names the audit's fields in the snake_case of the rest.
	var shown struct {
		Audit []map[string]any `json:"audit"`
	}
	showJSON := h.mustRun("runs", "show", fmt.Sprint(third.Result.RunID), "--json")
	json.Unmarshal([]byte(showJSON), &shown)
	if len(shown.Audit) == 0 || shown.Audit[0]["record_id"] == nil || shown.Audit[0]["new"] != "Zebedee" || shown.Audit[0]["field"] != "FirstName" {
		t.Fatalf("runs show --json audit: %v; want rows with record_id, field and new \"Zebedee\"\n%s", shown.Audit, showJSON)
	}

	// Two first names longer than Salesforce's 40 characters and one that
	// fits: the run is partial (exit 4) and says once what failed, with the count and
	// Salesforce's words; runs show lists it by kind before each record.
	for _, c := range list.Results[1:3] {
		api(t, "PATCH", vs["hubspot"].APIBase+"/crm/objects/2026-03/contacts/"+c.ID, vs["hubspot"].AccessToken,
			map[string]any{"properties": map[string]string{"firstname": strings.Repeat("Bartholomew", 5)}})
	}
	api(t, "PATCH", vs["hubspot"].APIBase+"/crm/objects/2026-03/contacts/"+list.Results[3].ID, vs["hubspot"].AccessToken,
		map[string]any{"properties": map[string]string{"firstname": "Bart"}})
	time.Sleep(10 * time.Millisecond)
	out, errs, code = h.run("sync", "run", "contacts")
	if code != 4 || !strings.Contains(out, "2 × sf Contact · FirstName · STRING_TOO_LONG: ") || !strings.Contains(out, "max length=40") {
		t.Fatalf("run with two names too long: exit %d; want 4 and the failure said once\n%s\n%s", code, out, errs)
	}
	show = h.mustRun("runs", "show", runIDIn(t, out))
	if !strings.Contains(show, "Errors by kind:\n  2 × sf Contact · FirstName · STRING_TOO_LONG") {
		t.Fatalf("runs show lacks the failures by kind:\n%s", show)
	}
	var failed struct {
		Errors []map[string]any `json:"errors"`
	}
	json.Unmarshal([]byte(h.mustRun("runs", "show", runIDIn(t, out), "--json")), &failed)
	if len(failed.Errors) != 2 || failed.Errors[0]["record_id"] == nil || failed.Errors[0]["code"] != "STRING_TOO_LONG" {
		t.Fatalf("runs show --json errors: %v; want two rows with record_id and code STRING_TOO_LONG", failed.Errors)
	}
}

// runIDIn reads the run id from a run's result line ("Run 12: partial — …").
func runIDIn(t *testing.T, out string) string {
	t.Helper()
	for _, line := range strings.Split(out, "\n") {
		if rest, ok := strings.CutPrefix(line, "Run "); ok {
			if id, _, ok := strings.Cut(rest, ":"); ok {
				return id
			}
		}
	}
	t.Fatalf("no run line in:\n%s", out)
	return ""
}

func TestCLIBadInput(t *testing.T) {
	h := newHarness(t)
	cases := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"connect", "copper", "--name", "c"}, 2, `unknown vendor "copper"`},
		{[]string{"connections", "--nope"}, 2, "unknown flag"},
		{[]string{"frobnicate"}, 2, "unknown command"},
		{[]string{"sync", "run", "ghost"}, 2, `no sync named "ghost"`},
		{[]string{"disconnect", "ghost"}, 2, `no connection named "ghost"`},
		{[]string{"runs", "show", "x1"}, 2, "run ids are whole numbers"},
		{[]string{"sandbox", "--listen", "0.0.0.0:0"}, 2, "loopback"},
		{[]string{"sandbox", "--faults", "429=7"}, 2, "--faults"},
	}
	for _, c := range cases {
		_, errs, code := h.run(c.args...)
		if code != c.code || !strings.Contains(errs, c.want) {
			t.Errorf("crmsync %s: exit %d, stderr %q; want exit %d containing %q", strings.Join(c.args, " "), code, errs, c.code, c.want)
		}
		if strings.Count(strings.TrimSpace(errs), "\n") > 0 {
			t.Errorf("crmsync %s: want one clear line, got:\n%s", strings.Join(c.args, " "), errs)
		}
	}

	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte(strings.Replace(contactsYAML, "  - {a: phone, b: Phone, transform: e164}", "  - {a: phone, b: Phone, transfrom: e164}", 1)), 0o600)
	_, errs, code := h.run("sync", "apply", "-f", bad)
	if code != 2 || !strings.Contains(errs, "bad.yaml: line 13:") || !strings.Contains(errs, "transfrom") {
		t.Errorf("typo'd key: exit %d, %q", code, errs)
	}
	os.WriteFile(bad, []byte("name: [unclosed\n"), 0o600)
	if _, errs, code := h.run("sync", "apply", "-f", bad); code != 2 || !strings.Contains(errs, "line 1") {
		t.Errorf("malformed YAML: exit %d, %q", code, errs)
	}

	// A port in use: one clear line.
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	defer ln.Close()
	if _, errs, code := h.run("sandbox", "--listen", ln.Addr().String()); code != 1 || !strings.Contains(errs, "in use") {
		t.Errorf("port in use: exit %d, %q", code, errs)
	}
	_ = context.Background
}

func TestNoDisplayIsOneSentence(t *testing.T) {
	h := newHarness(t)
	c := h.cmd()
	c.Env = append(c.Env, "DISPLAY=", "WAYLAND_DISPLAY=")
	var errb bytes.Buffer
	c.Stderr = &errb
	err := c.Run()
	if err == nil || !strings.Contains(errb.String(), "no display found") || strings.Count(strings.TrimSpace(errb.String()), "\n") > 0 {
		t.Fatalf("no display: %v %q", err, errb.String())
	}
}

// companiesAndContacts connects the HubSpot and Salesforce sandboxes and
// applies a companies sync named companies and the contacts sync with a
// company row through its links.
func companiesAndContacts(t *testing.T, companies string) *harness {
	t.Helper()
	h := newHarness(t)
	vs := h.startSandbox()
	h.connect(vs["hubspot"], "hs")
	h.connect(vs["salesforce"], "sf")
	dir := t.TempDir()
	file := filepath.Join(dir, "companies.yaml")
	os.WriteFile(file, []byte(companiesYAML(companies)), 0o600)
	h.mustRun("sync", "apply", "-f", file)
	file = filepath.Join(dir, "contacts.yaml")
	os.WriteFile(file, []byte(strings.Replace(contactsYAML, "schedule:", "  - {a: associatedcompanyid, b: AccountId, transform: \"link:"+companies+"\"}\nschedule:", 1)), 0o600)
	h.mustRun("sync", "apply", "-f", file)
	return h
}

// TestCLIRunNamesWaitingSyncs: after a companies run that links what the
// contacts sync's references wait for, the CLI says so, in text and JSON.
func TestCLIRunNamesWaitingSyncs(t *testing.T) {
	h := companiesAndContacts(t, "companies")
	h.mustRun("sync", "run", "contacts", "--yes")
	out := h.mustRun("sync", "run", "companies", "--yes")
	if !strings.Contains(out, `Sync "contacts" has`) || !strings.Contains(out, "references waiting for this sync's links") {
		t.Fatalf("the companies run does not name the contacts waiting:\n%s", out)
	}
	var res struct {
		Waiting []struct {
			Sync       string `json:"sync"`
			References int    `json:"references"`
		} `json:"waiting"`
	}
	// A second companies run links nothing new, so it names nobody.
	json.Unmarshal([]byte(h.mustRun("sync", "run", "companies", "--yes", "--json")), &res)
	if len(res.Waiting) != 0 {
		t.Fatalf("a companies run that linked nothing names %+v", res.Waiting)
	}
}

// TestCLIRunAll: `sync run --all` runs the companies sync before the
// contacts sync whose link: row names it; a plan over its safety limit
// stops that sync alone (exit 3) and --yes applies it; a name with --all
// is a usage error.
func TestCLIRunAll(t *testing.T) {
	h := companiesAndContacts(t, "z-companies")

	out, errs, code := h.run("sync", "run", "--all")
	if code != 3 || !strings.Contains(out, "z-companies: success") || !strings.Contains(out, "contacts: not applied, it needs your confirmation") {
		t.Fatalf("run --all over the contacts' limit: exit %d\n%s\n%s", code, out, errs)
	}
	var all []struct {
		Sync   string `json:"sync"`
		Result *struct {
			Status  string `json:"status"`
			Created int    `json:"created"`
		} `json:"result"`
		Error string `json:"error"`
	}
	json.Unmarshal([]byte(h.mustRun("sync", "run", "--all", "--yes", "--json")), &all)
	if len(all) != 2 || all[0].Sync != "z-companies" || all[1].Sync != "contacts" || all[1].Result == nil || all[1].Result.Status != "success" || all[1].Result.Created == 0 {
		t.Fatalf("run --all --yes: %+v", all)
	}
	var runs []struct {
		Sync    string `json:"sync"`
		Trigger string `json:"trigger"`
	}
	json.Unmarshal([]byte(h.mustRun("runs", "--json")), &runs)
	if len(runs) == 0 {
		t.Fatal("runs --json lists no run")
	}
	for _, r := range runs {
		if r.Trigger != "cli" {
			t.Errorf("run of %s by `sync run --all` has trigger %q, want cli", r.Sync, r.Trigger)
		}
	}
	if _, errs, code := h.run("sync", "run", "contacts", "--all"); code != 2 || !strings.Contains(errs, "not both") {
		t.Fatalf("a name with --all: exit %d: %s", code, errs)
	}
}

// TestCLIObjectsListsAudiences: `crmsync objects` names what a sync file
// can use for a connection: a Mailchimp connection's audiences by name, as
// text and as JSON; an unknown connection is an error saying so.
func TestCLIObjectsListsAudiences(t *testing.T) {
	h := newHarness(t)
	vs := h.startSandbox()
	h.connect(vs["mailchimp"], "mc")
	var got []struct{ Name, Label string }
	if err := json.Unmarshal([]byte(h.mustRun("objects", "mc", "--json")), &got); err != nil {
		t.Fatalf("objects --json: %v", err)
	}
	if len(got) != 1 || got[0].Name != "members" || got[0].Label != `Audience "crmsync demo audience" (members)` {
		t.Fatalf("objects of mc: %+v, want the sandbox's one audience as members", got)
	}
	if out := h.mustRun("objects", "mc"); !strings.Contains(out, "OBJECT") || !strings.Contains(out, `members  Audience "crmsync demo audience"`) {
		t.Fatalf("objects as text:\n%s", out)
	}
	if _, errs, code := h.run("objects", "nope"); code != 2 || !strings.Contains(errs, `no connection named "nope"`) {
		t.Fatalf("objects of an unknown connection: exit %d, stderr %q", code, errs)
	}
}

// hsContact is one HubSpot contact as the list endpoint returns it.
type hsContact struct {
	ID         string            `json:"id"`
	Properties map[string]string `json:"properties"`
}

// hubspotContacts lists every HubSpot contact with properties (a comma
// list) through HubSpot's REST API, 100 a page.
func hubspotContacts(t *testing.T, v vendorLine, properties string) []hsContact {
	t.Helper()
	var all []hsContact
	after := ""
	for {
		u := v.APIBase + "/crm/objects/2026-03/contacts?limit=100&properties=" + properties
		if after != "" {
			u += "&after=" + after
		}
		var page struct {
			Results []hsContact `json:"results"`
			Paging  *struct {
				Next struct {
					After string `json:"after"`
				} `json:"next"`
			} `json:"paging"`
		}
		json.Unmarshal(api(t, "GET", u, v.AccessToken, nil), &page)
		all = append(all, page.Results...)
		if page.Paging == nil || page.Paging.Next.After == "" {
			return all
		}
		after = page.Paging.Next.After
	}
}

// contactsHarness starts the sandbox with flags (none: 30 contacts),
// connects HubSpot as hs and Salesforce as sf and saves the contacts sync
// (contactsYAML), not yet run.
func contactsHarness(t *testing.T, flags ...string) (*harness, map[string]vendorLine) {
	t.Helper()
	h := newHarness(t)
	if len(flags) == 0 {
		flags = []string{"--contacts", "30"}
	}
	vs := h.startSandboxWith(flags...)
	h.connect(vs["hubspot"], "hs")
	h.connect(vs["salesforce"], "sf")
	file := filepath.Join(t.TempDir(), "contacts.yaml")
	os.WriteFile(file, []byte(contactsYAML), 0o600)
	h.mustRun("sync", "apply", "-f", file)
	return h, vs
}
