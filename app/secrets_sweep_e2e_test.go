package app_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/sandbox"
)

// canaryFault is the failure a canaryTransport answers a vendor's calls with.
type canaryFault int

const (
	faultWriteJSON    canaryFault = iota // a write refused with a JSON 400 echoing the request's headers
	faultWriteText                       // the same refusal as a plain-text (non-JSON) body
	faultWriteEscaped                    // the JSON refusal with the echo's punctuation \u-escaped, as Gson or .NET write some
	faultRead401                         // every read page refused with a 401 echoing the headers
	faultRefresh                         // one read page refused with a 401, then the refresh refused with invalid_grant quoting the form
	faultConnect                         // the connect's account check refused with a 401 echoing the headers
	faultRevoke                          // the disconnect's revoke refused with a body quoting its form and headers
	faultTransport                       // every call failing in transport, its *url.Error naming the URL
)

func (f canaryFault) String() string {
	return [...]string{"write-400-json", "write-400-text", "write-400-escaped", "read-401", "refresh-refused", "connect-refused", "revoke-refused", "transport-error"}[f]
}

// echoMarker is in every body a canaryTransport makes up, so a test can
// tell the vendor's text was quoted somewhere before it searches it for
// secrets.
const echoMarker = "canary-echo"

// canaryTransport passes calls to the sandbox, notes every secret they
// carry (credential headers, token forms and token answers), and once
// armed answers the vendor's calls that fault names with an error body
// echoing the request's headers, as a misbehaving gateway might.
type canaryTransport struct {
	prefix string // the vendor's mount, "/pipedrive/"
	fault  canaryFault

	mu       sync.Mutex
	armed    bool
	answered int // faulted answers sent
	refused  int // refresh and revoke requests refused
	secrets  map[string]bool
}

func (c *canaryTransport) arm() { c.mu.Lock(); c.armed = true; c.mu.Unlock() }

func (c *canaryTransport) noteSecret(s string) {
	s = strings.TrimSpace(s)
	if len(s) < 8 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.secrets == nil {
		c.secrets = map[string]bool{}
	}
	c.secrets[s] = true
}

// seenSecrets lists the distinct secrets the calls carried, longest first.
func (c *canaryTransport) seenSecrets() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]string, 0, len(c.secrets))
	for s := range c.secrets {
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return len(out[i]) > len(out[j]) })
	return out
}

func (c *canaryTransport) counts() (answered, refused int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.answered, c.refused
}

// noteCredential notes a credential header's value, the value without its
// scheme, and for Basic the base64 and the decoded password.
func (c *canaryTransport) noteCredential(v string) {
	if v == "" {
		return
	}
	c.noteSecret(v)
	scheme, cred, ok := strings.Cut(v, " ")
	if !ok {
		return
	}
	c.noteSecret(cred)
	if strings.EqualFold(scheme, "Basic") {
		if raw, err := base64.StdEncoding.DecodeString(cred); err == nil {
			if _, pass, ok := strings.Cut(string(raw), ":"); ok {
				c.noteSecret(pass)
				if p, err := url.QueryUnescape(pass); err == nil {
					c.noteSecret(p)
				}
			}
		}
	}
}

var credentialHeaders = []string{"Authorization", "x-api-token", "api-key"}

func (c *canaryTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	for _, h := range credentialHeaders {
		c.noteCredential(r.Header.Get(h))
	}
	if isSignInCall(r) {
		return c.oauthCall(r)
	}
	if c.faulted(r) {
		if c.fault == faultTransport {
			closeRequestBody(r)
			return nil, errors.New(echoMarker + ": connection reset by peer")
		}
		return c.echoAnswer(r), nil
	}
	return http.DefaultTransport.RoundTrip(r)
}

// faulted reports whether r is a call of the vendor's API the fault
// answers, and counts it.
func (c *canaryTransport) faulted(r *http.Request) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.armed || !strings.HasPrefix(r.URL.Path, c.prefix) || !hasCredential(r) {
		return false
	}
	// Reads come first in a run, so a fault of every call is a fault of
	// the first read page (HubSpot reads by POST to its search).
	var hit bool
	switch c.fault {
	case faultWriteJSON, faultWriteText, faultWriteEscaped:
		hit = r.Method != http.MethodGet && !strings.HasSuffix(r.URL.Path, "/search")
	case faultRead401, faultConnect, faultTransport:
		hit = true
	case faultRefresh:
		hit = c.answered == 0
	}
	if hit {
		c.answered++
	}
	return hit
}

// isSignInCall reports a call of the OAuth machinery itself (the consent
// page, the token, refresh and revoke requests); an account check under
// /oauth (Mailchimp's metadata) is a call of the vendor's API.
func isSignInCall(r *http.Request) bool {
	return strings.Contains(r.URL.Path, "/oauth") && (r.Method == http.MethodPost || strings.Contains(r.URL.Path, "authorize"))
}

func hasCredential(r *http.Request) bool {
	return slices.ContainsFunc(credentialHeaders, func(h string) bool { return r.Header.Get(h) != "" })
}

// echoAnswer is the fault's error answer, quoting every request header.
func (c *canaryTransport) echoAnswer(r *http.Request) *http.Response {
	var hdr strings.Builder
	for _, k := range slices.Sorted(maps.Keys(r.Header)) {
		fmt.Fprintf(&hdr, "%s: %s; ", k, strings.Join(r.Header[k], ","))
	}
	text := echoMarker + ": request rejected; headers were " + hdr.String()
	if c.fault == faultWriteText {
		return plainAnswer(r, http.StatusBadRequest, text)
	}
	var resp *http.Response
	if c.fault == faultWriteEscaped {
		resp = escapedErrorAnswer(r, c.vendorProblem(escapedPlaceholder), text)
	} else {
		resp = vendorErrorAnswer(r, "application/json", c.vendorProblem(text))
	}
	if c.fault != faultWriteJSON && c.fault != faultWriteEscaped {
		resp.StatusCode = http.StatusUnauthorized
	}
	if strings.HasPrefix(c.prefix, "/mailchimp") {
		resp.Header.Set("Content-Type", "application/problem+json")
	}
	return resp
}

// vendorProblem is text in the vendor's own error shape, so its
// connector quotes it as it would the vendor's words.
func (c *canaryTransport) vendorProblem(text string) any {
	switch strings.Trim(c.prefix, "/") {
	case "salesforce":
		return []map[string]any{{"message": text, "errorCode": "INVALID_FIELD", "fields": []string{}}}
	case "pipedrive":
		return map[string]any{"success": false, "error": text, "error_info": "Please check developers.pipedrive.com", "errorCode": 400}
	case "zoho":
		return map[string]any{"code": "INVALID_DATA", "details": map[string]any{}, "message": text, "status": "error"}
	case "dynamics":
		return map[string]any{"error": map[string]string{"code": "0x80040265", "message": text}}
	case "mailchimp":
		return map[string]any{"type": "https://mailchimp.com/developer/marketing/docs/errors/", "title": "Invalid Resource", "status": 400, "detail": text, "instance": "x"}
	case "klaviyo":
		return map[string]any{"errors": []map[string]any{{"id": "x", "status": 400, "code": "invalid", "title": "Invalid input.", "detail": text, "source": map[string]any{}}}}
	case "brevo":
		return map[string]any{"code": "invalid_parameter", "message": text}
	}
	return map[string]any{"status": "error", "category": "VALIDATION_ERROR", "message": text}
}

const escapedPlaceholder = "ESCAPED-ECHO"

// escapedErrorAnswer is vendorErrorAnswer with text in place of the
// placeholder in problem, every character but letters, digits and spaces
// written as a \u00XX escape: legal JSON that reads back as text, as
// encoders that escape some punctuation (Gson "=", System.Text.Json "+")
// write it, carried to every character the sandbox's tokens hold.
func escapedErrorAnswer(r *http.Request, problem any, text string) *http.Response {
	var esc strings.Builder
	for _, c := range []byte(text) {
		if c == ' ' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' {
			esc.WriteByte(c)
		} else {
			fmt.Fprintf(&esc, `\u%04x`, c)
		}
	}
	resp := vendorErrorAnswer(r, "application/json", problem)
	b, _ := io.ReadAll(resp.Body)
	b = bytes.ReplaceAll(b, []byte(escapedPlaceholder), []byte(esc.String()))
	resp.Body = io.NopCloser(bytes.NewReader(b))
	return resp
}

func closeRequestBody(r *http.Request) {
	if r.Body != nil {
		io.Copy(io.Discard, r.Body)
		r.Body.Close()
	}
}

func plainAnswer(r *http.Request, status int, text string) *http.Response {
	closeRequestBody(r)
	return &http.Response{StatusCode: status, Header: http.Header{"Content-Type": {"text/plain; charset=utf-8"}},
		Body: io.NopCloser(strings.NewReader(text)), Request: r}
}

// oauthCall notes the secrets of a token request and its answer, and
// under faultRefresh refuses a refresh with a body quoting its form.
func (c *canaryTransport) oauthCall(r *http.Request) (*http.Response, error) {
	var form url.Values
	if r.Body != nil && r.Method == http.MethodPost {
		b, _ := io.ReadAll(r.Body)
		r.Body.Close()
		form, _ = url.ParseQuery(string(b))
		r.Body = io.NopCloser(bytes.NewReader(b))
		r.ContentLength = int64(len(b))
	}
	for _, k := range []string{"refresh_token", "client_secret", "code_verifier", "token"} {
		c.noteSecret(form.Get(k))
	}
	if form.Get("token") != "" && c.refuseCall(faultRevoke) {
		return vendorErrorAnswer(r, "application/json", map[string]string{"error": "invalid_request",
			"error_description": echoMarker + ": token " + form.Get("token") + " not revoked; form was " + form.Encode() +
				"; Authorization: " + r.Header.Get("Authorization")}), nil
	}
	if form.Get("grant_type") == "refresh_token" && c.refuseCall(faultRefresh) {
		return vendorErrorAnswer(r, "application/json", map[string]string{"error": "invalid_grant",
			"error_description": echoMarker + ": refresh token " + form.Get("refresh_token") + " is not valid for this client; form was " + form.Encode() +
				"; Authorization: " + r.Header.Get("Authorization")}), nil
	}
	resp, err := http.DefaultTransport.RoundTrip(r)
	if err != nil || resp.StatusCode != http.StatusOK || form.Get("grant_type") == "" {
		return resp, err
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var tok struct {
		Access  string `json:"access_token"`
		Refresh string `json:"refresh_token"`
	}
	_ = json.Unmarshal(b, &tok)
	c.noteSecret(tok.Access)
	c.noteSecret(tok.Refresh)
	resp.Body = io.NopCloser(bytes.NewReader(b))
	return resp, nil
}

// refuseCall reports whether a sign-in call (a refresh, a revoke) is
// refused under fault f, and counts it; a refused revoke counts as a
// faulted answer too.
func (c *canaryTransport) refuseCall(f canaryFault) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.armed || c.fault != f {
		return false
	}
	c.refused++
	if f == faultRevoke {
		c.answered++
	}
	return true
}

// leakVendor is one vendor under test, connected one way, with the sync
// that reads and writes it against HubSpot (Salesforce for HubSpot).
type leakVendor struct {
	vendor, conn string
	key          func(*sandbox.Server) string // nil: OAuth (ConnectSandbox)
	def          func() engine.Definition
}

func (v leakVendor) name() string {
	if v.key != nil {
		return v.vendor + "-key"
	}
	return v.vendor + "-oauth"
}

func leakVendors() []leakVendor {
	hsSF := func() engine.Definition { return app.DemoSync("s", "hs", "sf") }
	pd := func() engine.Definition { return app.DemoPipedriveSync("s", "hs", "pd", "") }
	zc := func() engine.Definition { return app.DemoZohoSync("s", "hs", "zc") }
	dv := func() engine.Definition { return app.DemoDynamicsSync("s", "hs", "dv", "") }
	mc := func() engine.Definition { return app.DemoMailchimpSync("s", "hs", "mc") }
	kv := func() engine.Definition { return app.DemoKlaviyoSync("s", "hs", "kv") }
	bv := func() engine.Definition { return app.DemoBrevoSync("s", "hs", "bv") }
	return []leakVendor{
		{"hubspot", "hs", nil, hsSF},
		{"hubspot", "hs", func(s *sandbox.Server) string { return s.HubSpot().Auth().IssueLongLived() }, hsSF},
		{"salesforce", "sf", nil, hsSF},
		{"pipedrive", "pd", nil, pd},
		{"pipedrive", "pd", func(s *sandbox.Server) string { return s.Pipedrive().APIToken() }, pd},
		{"zoho", "zc", nil, zc},
		{"dynamics", "dv", nil, dv},
		{"mailchimp", "mc", nil, mc},
		{"mailchimp", "mc", func(s *sandbox.Server) string { return s.Mailchimp().MintAPIKey() }, mc},
		{"klaviyo", "kv", nil, kv},
		{"klaviyo", "kv", func(s *sandbox.Server) string { return s.Klaviyo().MintAPIKey() }, kv},
		{"brevo", "bv", nil, bv},
		{"brevo", "bv", func(s *sandbox.Server) string { return s.Brevo().MintAPIKey() }, bv},
	}
}

// connectLeakVendor connects v as its connection name, by key or OAuth.
func connectLeakVendor(ctx context.Context, a *loggedApp, srv *sandbox.Server, v leakVendor) error {
	if v.key == nil {
		_, err := a.ConnectSandbox(ctx, srv, v.vendor, v.conn)
		return err
	}
	_, err := a.Connect(ctx, app.ConnectRequest{Vendor: v.vendor, Name: v.conn, Token: v.key(srv), APIBase: srv.URL() + "/" + v.vendor})
	return err
}

// TestSecretsNeverLeakSweep: for every vendor, by OAuth and by API
// key, and for each way a vendor's answer can quote a secret (a refused
// write echoing the headers as JSON, as JSON with its punctuation
// \u-escaped, or as plain text; a 401 on a read page; a refused refresh
// quoting the refresh token; a refused account check at connect; a
// refused revoke at disconnect; a transport error naming the URL), no
// access token, refresh token, API key or client secret reaches the
// returned error, the run's result or detail (what CSV exports and --json
// print), the connections and review listings, the log or any file of the
// data folder (SQLite and its -wal included). The escaped echo leaked
// every vendor's token before scrubbing undid JSON's escapes.
func TestSecretsNeverLeakSweep(t *testing.T) {
	for _, v := range leakVendors() {
		for _, f := range []canaryFault{faultWriteJSON, faultWriteText, faultWriteEscaped, faultRead401, faultRefresh, faultConnect, faultRevoke, faultTransport} {
			if f == faultRefresh && (v.key != nil || v.vendor == "mailchimp") {
				continue // a key, or Mailchimp's grant, has nothing to refresh
			}
			if f == faultRead401 && v.key == nil && v.vendor == "mailchimp" {
				continue // no refresh token: a 401 is "reconnect needed", the vendor's text dropped
			}
			if f == faultConnect && v.key == nil && !slices.Contains([]string{"pipedrive", "mailchimp", "klaviyo", "brevo"}, v.vendor) {
				continue // the token answer names the account: no call to refuse
			}
			if f == faultRevoke && (v.key != nil || slices.Contains([]string{"dynamics", "mailchimp", "brevo"}, v.vendor)) {
				continue // a pasted key, and these vendors' grants, have no revoke
			}
			t.Run(v.name()+"/"+f.String(), func(t *testing.T) {
				t.Parallel() // its own sandbox, app folder, keyring and log; mostly waiting
				sweepOne(t, v, f)
			})
		}
	}
}

func sweepOne(t *testing.T, v leakVendor, f canaryFault) {
	ctx := context.Background()
	srv := startSandbox(t, 77, 4)
	ct := &canaryTransport{prefix: "/" + v.vendor + "/", fault: f}
	// A 1 ms first back-off step and search lag (the sandbox's index does
	// not lag): the same retries and lookups, without seconds of waiting.
	a := openLoggedAppWith(t, ct, app.Options{RetryMinWait: time.Millisecond, LookupLag: time.Millisecond})
	other := leakVendor{vendor: "hubspot", conn: "hs"}
	if v.vendor == "hubspot" {
		other = leakVendor{vendor: "salesforce", conn: "sf"}
	}
	if err := connectLeakVendor(ctx, a, srv, other); err != nil {
		t.Fatalf("connect %s: %v", other.vendor, err)
	}
	var res app.RunResult
	var err error
	switch f {
	case faultConnect:
		ct.arm()
		if err = connectLeakVendor(ctx, a, srv, v); err == nil {
			t.Fatalf("the connect said connected though its account check was refused")
		}
	case faultRevoke:
		if err := connectLeakVendor(ctx, a, srv, v); err != nil {
			t.Fatalf("connect %s: %v", v.name(), err)
		}
		ct.arm()
		err = a.Disconnect(ctx, v.conn)
	default:
		if err := connectLeakVendor(ctx, a, srv, v); err != nil {
			t.Fatalf("connect %s: %v", v.name(), err)
		}
		saveSyncs(t, a.App, v.def())
		ct.arm()
		res, err = a.Run(ctx, "s", app.RunOptions{Confirm: true})
	}
	answered, refused := ct.counts()
	if answered == 0 {
		t.Fatalf("no call of %s was faulted (result: %v %+v)", v.name(), err, res.Summary)
	}
	if f == faultRefresh && refused == 0 {
		t.Errorf("no refresh was asked for after the 401 (error: %v)", err)
	}
	// Connectors quote a vendor's JSON words (today no plain-text body):
	// the search below must be of places the echo reached.
	if f != faultWriteText && !a.echoSurfaced("s", err) {
		t.Errorf("the echoed text reached neither the error, the run's detail nor the log (error: %v)", err)
	}
	secrets := ct.seenSecrets()
	if len(secrets) == 0 {
		t.Fatal("no secret was seen on the calls")
	}
	for _, sec := range secrets {
		if leaks := a.secretLeaks("s", res, err, sec); len(leaks) > 0 {
			t.Errorf("secret %.12s… reached: %s\nerror: %.400v", sec, strings.Join(leaks, ", "), err)
		}
		if leaks := a.listingLeaks(sec); len(leaks) > 0 {
			t.Errorf("secret %.12s… reached: %s", sec, strings.Join(leaks, ", "))
		}
	}
}

// echoSurfaced reports whether the made-up vendor text was quoted in err
// or the log, i.e. whether the search for secrets searched what it should.
func (a *loggedApp) echoSurfaced(syncName string, err error) bool {
	if err != nil && strings.Contains(err.Error(), echoMarker) {
		return true
	}
	runs, _ := a.Runs(context.Background(), syncName, 10)
	if jsonHas(runs, echoMarker) {
		return true
	}
	a.logMu.Lock()
	defer a.logMu.Unlock()
	return strings.Contains(a.log.String(), echoMarker)
}

// listingLeaks searches what the connections and review listings show
// (and print with --json) for leaked.
func (la *loggedApp) listingLeaks(leaked string) []string {
	ctx := context.Background()
	var leaks []string
	if cs, _ := la.Connections(ctx); jsonHas(cs, leaked) {
		leaks = append(leaks, "the connections listing")
	}
	if rs, _ := la.Reviews(ctx, "", "", ""); jsonHas(rs, leaked) {
		leaks = append(leaks, "the review queue")
	}
	return leaks
}

func jsonHas(v any, s string) bool {
	b, _ := json.Marshal(v)
	return bytes.Contains(b, []byte(s))
}
