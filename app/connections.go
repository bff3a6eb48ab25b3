package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/crmsync/crmsync/app/auth"
	"github.com/crmsync/crmsync/app/secret"
	"github.com/crmsync/crmsync/store"
	"github.com/crmsync/crmsync/sync/connector"
	"golang.org/x/oauth2"
)

// ConnectRequest is what the user gives to connect a CRM. Empty URLs mean
// the vendor's production endpoints.
type ConnectRequest struct {
	Vendor, Name           string
	ClientID, ClientSecret string
	APIBase                string
	AuthURL, TokenURL      string
	RevokeURL              string
	Port                   int    // loopback port; 0 = the app's setting
	Token                  string // the API-token route instead of OAuth
	NoBrowser              bool
	OnURL                  func(authURL string) // shows/prints the consent URL
	// OpenConsent opens the consent page in place of the app's browser
	// (ConnectSandbox: crmsync follows the sandbox's page itself).
	OpenConsent func(ctx context.Context, authURL string) error
}

// oauthFacts is the non-secret part of a connection's OAuth setup, stored
// as JSON in SQLite. The client secret and tokens live in the keyring.
type oauthFacts struct {
	AuthURL   string   `json:"auth_url,omitempty"`
	TokenURL  string   `json:"token_url,omitempty"`
	RevokeURL string   `json:"revoke_url,omitempty"`
	ClientID  string   `json:"client_id,omitempty"`
	Scopes    []string `json:"scopes,omitempty"`
	PKCE      bool     `json:"pkce,omitempty"`
	Port      int      `json:"port,omitempty"`
}

func tokenKey(conn string) string  { return "connection/" + conn + "/token" }
func secretKey(conn string) string { return "connection/" + conn + "/client-secret" }
func apiKeyKey(conn string) string { return "connection/" + conn + "/api-key" }

// RedirectURI is the exact redirect URI an admin registers for a vendor.
func (a *App) RedirectURI(vendor string, port int) string {
	if port == 0 {
		port = a.port()
	}
	return auth.RedirectURI(auth.Endpoint{Vendor: vendor}, port)
}

func (a *App) port() int {
	if a.opts.RedirectPort != 0 {
		return a.opts.RedirectPort
	}
	return auth.DefaultPort
}

// Connect runs the loopback OAuth flow (or stores an API token) and saves
// the connection. Tokens go to the keyring only. A failure is logged too:
// a sign-in that failed while nobody watched the window is still found.
func (a *App) Connect(ctx context.Context, req ConnectRequest) (store.Connection, error) {
	c, err := a.connect(ctx, req)
	if err != nil {
		a.logReturned("connect failed", "connection", req.Name, "vendor", req.Vendor, "err", err)
	}
	return c, err
}

func (a *App) connect(ctx context.Context, req ConnectRequest) (store.Connection, error) {
	info, err := a.vendor(req.Vendor)
	if err != nil {
		return store.Connection{}, err
	}
	if err := validName(req.Name); err != nil {
		return store.Connection{}, err
	}
	base := firstNonEmpty(req.APIBase, info.APIBase)
	if req.Token != "" {
		return a.connectToken(ctx, info, req, base)
	}
	if req.ClientID == "" {
		return store.Connection{}, fmt.Errorf("%s needs a client ID: register an app at %s and paste its client ID", info.Title, info.OAuth.DocsURL)
	}
	scopes, err := scopesFor(info, base)
	if err != nil {
		return store.Connection{}, err
	}
	facts := oauthFacts{
		AuthURL:   firstNonEmpty(req.AuthURL, info.OAuth.AuthURL),
		TokenURL:  firstNonEmpty(req.TokenURL, info.OAuth.TokenURL),
		RevokeURL: revokeURLFor(info, req.RevokeURL, firstNonEmpty(req.TokenURL, info.OAuth.TokenURL)),
		ClientID:  req.ClientID,
		Scopes:    scopes,
		PKCE:      info.OAuth.PKCE,
		Port:      req.Port,
	}
	if facts.Port == 0 {
		facts.Port = a.port()
	}
	ep := endpoint(info, facts, req.ClientSecret)
	flow := auth.Flow{Port: facts.Port, OnURL: req.OnURL, HTTPClient: a.oauthHTTP()}
	switch {
	case req.OpenConsent != nil:
		flow.OpenBrowser = req.OpenConsent
	case !req.NoBrowser && a.opts.OpenBrowser != nil:
		flow.OpenBrowser = a.opts.OpenBrowser
	}
	tok, used, err := flow.AuthorizeAt(ctx, ep)
	if err != nil {
		return store.Connection{}, fmt.Errorf("connect %s: %w", info.Title, err)
	}
	if err := checkGrantReadsContacts(info, tok); err != nil {
		return store.Connection{}, err
	}
	// Zoho's answer may move the token exchange to the organization's data
	// centre; refreshes and the revoke go there too.
	facts.TokenURL, facts.RevokeURL = used.TokenURL, used.RevokeURL
	ex := auth.Extras(tok, "instance_url", "api_domain", "hub_id", "id")
	if v := firstNonEmpty(ex["instance_url"], ex["api_domain"]); v != "" {
		if err := used.CheckAPIBase(v); err != nil {
			return store.Connection{}, fmt.Errorf("connect %s: %w", info.Title, err)
		}
		base = v // the token response names the API host (Salesforce, Pipedrive, Zoho)
	}
	var found connector.Discovery
	if info.Discover != nil {
		scheme := firstNonEmpty(info.OAuth.DiscoverScheme, info.OAuth.AuthScheme, "Bearer")
		found, err = info.Discover(ctx, sameHostOnly(auth.StaticClient(a.opts.HTTP, "Authorization", scheme+" ", tok.AccessToken)), facts.TokenURL)
		if err != nil {
			return store.Connection{}, fmt.Errorf("connect %s: ask which account was connected: %w", info.Title, err)
		}
		base = firstNonEmpty(found.APIBase, base) // the vendor's metadata names the API host (Mailchimp)
	}
	accountID, accountName := accountOf(info, ex, base)
	formerID := "" // the domain-named identity stored before Identify existed
	if info.Identify != nil {
		scheme := firstNonEmpty(info.OAuth.AuthScheme, "Bearer")
		found, err = info.Identify(ctx, sameHostOnly(auth.StaticClient(a.opts.HTTP, "Authorization", scheme+" ", tok.AccessToken)), base)
		if err != nil {
			return store.Connection{}, fmt.Errorf("connect %s: ask which account was connected: %w", info.Title, err)
		}
		formerID = accountID
	}
	if found.AccountName != "" {
		accountID, accountName = found.AccountID, info.Title+" account "+found.AccountName
	}
	if err := a.sameAccount(ctx, req.Name, info, accountID, accountName, formerID); err != nil {
		return store.Connection{}, err
	}
	replaced := a.formerGrant(ctx, req.Name)
	before := a.previousConnection(ctx, req.Name)
	prior := a.priorAccount(ctx, req.Name)
	if err := auth.Save(ctx, a.opts.Secrets, tokenKey(req.Name), tok); err != nil {
		return store.Connection{}, fmt.Errorf("connect %s: save token in the keyring: %w", info.Title, err)
	}
	if req.ClientSecret != "" {
		if err := a.opts.Secrets.Set(ctx, secretKey(req.Name), req.ClientSecret); err != nil {
			return store.Connection{}, fmt.Errorf("connect %s: save client secret in the keyring: %w", info.Title, err)
		}
	} else {
		// A public client: an earlier app's secret would go with its refreshes.
		a.deleteSecrets(ctx, req.Name, secretKey(req.Name))
	}
	raw, _ := json.Marshal(facts)
	c := store.Connection{Name: req.Name, Vendor: info.Name, AuthKind: "oauth", APIBase: base, OAuth: string(raw)}
	c.AccountID, c.AccountName = accountID, accountName
	id, err := a.saveConnection(ctx, c)
	if err != nil {
		return store.Connection{}, err
	}
	a.deleteSecrets(ctx, req.Name, apiKeyKey(req.Name)) // a key it signed in with before
	a.revokeReplaced(ctx, req.Name, replaced, tok)
	a.forgetMetadata(ctx, id, req.Name, before, c)
	a.settleConnectionWaits(ctx, req.Name, prior, c, formerID)
	a.log.Info("connected", "connection", req.Name, "vendor", info.Name, "account", c.AccountName)
	return a.db.Connection(ctx, req.Name)
}

// scopesFor is the vendor's scopes, with "{api_base}" replaced by the API
// base: Dynamics 365's one scope names the organization
// (https://contoso.crm.dynamics.com/user_impersonation), so it cannot be
// asked for without it.
func scopesFor(info connector.Info, base string) ([]string, error) {
	out := make([]string, len(info.OAuth.Scopes))
	for i, s := range info.OAuth.Scopes {
		if strings.Contains(s, "{api_base}") {
			u, err := url.Parse(base)
			if base == "" || err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
				return nil, fmt.Errorf("%s needs your organization's URL, such as https://contoso.crm.dynamics.com (--api-base, or API base in the dialog); it is in the Power Platform admin center, under the environment's details", info.Title)
			}
			s = strings.ReplaceAll(s, "{api_base}", strings.TrimRight(base, "/"))
		}
		out[i] = s
	}
	return out, nil
}

// accountOf names the account from the token response's extras, or else
// from the API base (Dynamics 365's organization URL).
func accountOf(info connector.Info, ex map[string]string, base string) (id, name string) {
	switch {
	case ex["hub_id"] != "":
		return ex["hub_id"], info.Title + " portal " + ex["hub_id"]
	case ex["id"] != "":
		// Salesforce's identity URL: https://login.salesforce.com/id/<org>/<user>
		parts := strings.Split(strings.TrimRight(ex["id"], "/"), "/")
		if len(parts) >= 2 {
			org := parts[len(parts)-2]
			return org, info.Title + " org " + org
		}
	}
	if u, err := url.Parse(firstNonEmpty(ex["instance_url"], ex["api_domain"], base)); err == nil && u.Host != "" {
		return u.Host, info.Title + " " + u.Host
	}
	return "", info.Title
}

func endpoint(info connector.Info, f oauthFacts, clientSecret string) auth.Endpoint {
	return auth.Endpoint{
		Vendor: info.Title, AuthURL: f.AuthURL, TokenURL: f.TokenURL, RevokeURL: revokeURL(info, f),
		ClientID: f.ClientID, ClientSecret: clientSecret, Scopes: f.Scopes, PKCE: f.PKCE,
		AuthScheme: info.OAuth.AuthScheme, AuthParams: info.OAuth.AuthParams, AccountsServers: info.OAuth.AccountsServers,
		APIHosts: info.OAuth.APIHosts, ClientBasic: info.OAuth.ClientBasic, ScopeRefusals: info.OAuth.ScopeRefusals,
	}
}

// Disconnect deletes the connection's keyring entries and removes it,
// then revokes its OAuth grant where the vendor can. Syncs using it stay,
// marked broken. The revoke comes last and is best effort: a vendor that
// refuses, fails or is slow to answer leaves nothing of the connection on
// this computer; its failure is logged (never with a token) and returned.
// It is sent even when the local removal failed: the grant was read first,
// and the user asked for it to end.
func (a *App) Disconnect(ctx context.Context, name string) error {
	c, err := a.db.Connection(ctx, name)
	if err != nil {
		return err
	}
	grant := a.formerGrantOf(ctx, name, c) // read before its entries go
	localErr := a.removeConnection(ctx, c)
	revokeErr := a.revokeDisconnected(ctx, name, grant)
	switch {
	case localErr != nil:
		return errors.Join(localErr, revokeErr)
	case revokeErr != nil:
		return &RevokeUnconfirmedError{Name: name, Err: revokeErr}
	}
	return nil
}

// removeConnection deletes every keyring entry of c and c itself,
// remembering its account for a later connect under its name.
func (a *App) removeConnection(ctx context.Context, c store.Connection) error {
	// Both kinds' entries: one left by a switch of kind goes too.
	if err := a.deleteAllSecrets(ctx, c.Name); err != nil {
		return err
	}
	if err := a.rememberAccount(ctx, c); err != nil {
		return err
	}
	return a.db.DeleteConnection(ctx, c.Name)
}

// revokeDisconnected revokes g, the grant of connection name just
// removed, logging a failure.
func (a *App) revokeDisconnected(ctx context.Context, name string, g replacedGrant) error {
	if g.tok == nil {
		return nil
	}
	err := auth.Revoke(ctx, g.ep, g.tok, a.oauthHTTP())
	if err != nil {
		a.log.Warn("the disconnected connection's sign-in could not be revoked at the vendor; it is gone from this computer, but remove crmsync's access in the CRM", "connection", name, "err", err)
	}
	return err
}

// ConnectionView is a connection plus today's API usage, for listings.
type ConnectionView struct {
	store.Connection
	Title      string
	CallsToday int
	Budget     int
	// OrgUsed of OrgMax calls of the vendor's org-wide daily allocation
	// at OrgUsageAt, from the last run's last answer (Salesforce's
	// Sforce-Limit-Info); OrgMax 0 = not known.
	OrgUsed, OrgMax int64
	OrgUsageAt      time.Time
	// OrgUnit is what OrgUsed counts when it is not Salesforce's calls of
	// the last 24 hours (Pipedrive's "daily API tokens").
	OrgUnit string
}

// Connections lists connections with their usage.
func (a *App) Connections(ctx context.Context) ([]ConnectionView, error) {
	cs, err := a.db.Connections(ctx)
	if err != nil {
		return nil, err
	}
	budget := a.defaultBudget(ctx)
	out := make([]ConnectionView, 0, len(cs))
	for _, c := range cs {
		v := ConnectionView{Connection: c, Title: c.Vendor, Budget: c.DailyBudget}
		if info, err := a.vendor(c.Vendor); err == nil {
			v.Title = info.Title
		}
		if v.Budget == 0 {
			v.Budget = budget
		}
		v.CallsToday, _ = a.db.APICallsToday(ctx, c.ID)
		// A figure older than the rolling day says nothing of today.
		if raw, at, ok, err := a.metaCache(c).Get(ctx, orgUsageKey); err == nil && ok && a.opts.Now().Sub(at) < 24*time.Hour {
			if v.OrgUsed, v.OrgMax, v.OrgUnit, err = parseOrgUsage(raw); err == nil {
				v.OrgUsageAt = at
			}
		}
		out = append(out, v)
	}
	return out, nil
}

// Session is a live connector for one connection, with its call counter.
type Session struct {
	Conn     store.Connection
	Info     connector.Info
	Client   connector.Connector
	calls    *atomic.Int64
	limiters *connector.Limiters
	// authRefused is set when the vendor refused this session's sign-in,
	// so a failed run marks only that connection "reconnect".
	authRefused *atomic.Bool
	// grantRefused is set when its stored grant failed to refresh
	// (auth.ErrReconnectNeeded), a surer sign than any 401 or 403.
	grantRefused *atomic.Bool
	// accountRefused is set on a 402 Payment Required: the vendor refused
	// the account itself, so only that connection is marked "account".
	accountRefused *atomic.Bool
}

// Calls is the number of HTTP requests sent through this session.
func (s *Session) Calls() int64 { return s.calls.Load() }

// Open builds a connector for a stored connection. The connector gets an
// *http.Client that carries the token; it never sees the token.
func (a *App) OpenConnection(ctx context.Context, name string) (*Session, error) {
	c, err := a.db.Connection(ctx, name)
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return nil, missingConnection{name}
		}
		return nil, err
	}
	info, err := a.vendor(c.Vendor)
	if err != nil {
		return nil, err
	}
	var client *http.Client
	switch c.AuthKind {
	case "token":
		tok, err := a.opts.Secrets.Get(ctx, apiKeyKey(name))
		if err != nil {
			return nil, fmt.Errorf("connection %s: API token: %w", name, err)
		}
		client = a.tokenClient(info, tok)
	default:
		var f oauthFacts
		if err := json.Unmarshal([]byte(c.OAuth), &f); err != nil {
			return nil, fmt.Errorf("connection %s: stored OAuth settings are damaged; reconnect it", name)
		}
		cs, err := a.opts.Secrets.Get(ctx, secretKey(name))
		if err != nil && !errors.Is(err, secret.ErrNotFound) {
			return nil, fmt.Errorf("connection %s: client secret: %w", name, err)
		}
		ts := auth.NewTokenSource(ctx, endpoint(info, f, cs), a.opts.Secrets, tokenKey(name), a.oauthHTTP()).
			ShareRefreshes(a.refreshLockOf(tokenKey(name)))
		if followsTokenBase(info, c) {
			c.APIBase = a.adoptTokenBase(ctx, info, c)
			client = auth.ClientFollowing(a.opts.HTTP, ts, c.APIBase, tokenBaseKeys...)
		} else {
			client = auth.Client(a.opts.HTTP, ts)
		}
	}
	calls, refused, grant, unpaid := &atomic.Int64{}, &atomic.Bool{}, &atomic.Bool{}, &atomic.Bool{}
	client = &http.Client{Transport: countingTransport{next: client, calls: calls, authRefused: refused, grantRefused: grant, accountRefused: unpaid}, Timeout: a.opts.HTTP.Timeout,
		CheckRedirect: sameHostRedirects}
	limiters := a.limitersOf(c.ID)
	savedAtOpen := limiters.Saved()
	budget := int64(c.DailyBudget)
	if budget == 0 {
		budget = int64(a.defaultBudget(ctx))
	}
	usedBefore, _ := a.db.APICallsToday(ctx, c.ID)
	acct := connector.Account{
		ID: c.AccountID, Name: c.AccountName, APIBase: c.APIBase, DailyBudget: budget,
		ReservePercent: a.orgReserve(ctx),
		// The calls stored today: those read at opening and those other
		// sessions stored since. The connection's Limiters count the ones
		// its open sessions (a scheduled run beside a button press) have
		// made and not stored, so they share the budget.
		UsedToday: func() int64 { return int64(usedBefore) + limiters.Saved() - savedAtOpen },
		Meta:      a.metaCache(c),
		Logger:    a.log.With("connection", name),
		Limiters:  limiters,
		// A test's shorter back-off; 0 keeps the connector's own.
		RetryMinWait: a.opts.RetryMinWait,
		LookupLag:    a.opts.LookupLag,
		PollFirst:    a.opts.PollFirst,
		Now:          a.opts.Now,
	}
	conn, err := info.New(client, acct)
	if err != nil {
		return nil, fmt.Errorf("connection %s: %w", name, err)
	}
	return &Session{Conn: c, Info: info, Client: conn, calls: calls, limiters: limiters, authRefused: refused, grantRefused: grant, accountRefused: unpaid}, nil
}

// tokenBaseKeys are the token answer's fields naming the API base
// (Salesforce's instance_url, Pipedrive's and Zoho's api_domain).
var tokenBaseKeys = []string{"instance_url", "api_domain"}

// followsTokenBase says whether c's API base is the one its token answers
// name, which each refresh repeats and may change (a Pipedrive company's
// renamed domain); a vendor's metadata (Mailchimp) names it otherwise.
func followsTokenBase(info connector.Info, c store.Connection) bool {
	return c.AuthKind == "oauth" && info.Discover == nil
}

// adoptTokenBase is the API base c's stored sign-in names, recorded on c
// when a refresh moved it; c's own base when the sign-in names none or a
// host not the vendor's (its requests then fail saying so).
func (a *App) adoptTokenBase(ctx context.Context, info connector.Info, c store.Connection) string {
	base := auth.StoredBase(ctx, a.opts.Secrets, tokenKey(c.Name), tokenBaseKeys...)
	if base == "" || base == strings.TrimRight(c.APIBase, "/") {
		return c.APIBase
	}
	var f oauthFacts
	_ = json.Unmarshal([]byte(c.OAuth), &f)
	if err := endpoint(info, f, "").CheckAPIBase(base); err != nil {
		a.log.Warn("the connection's sign-in names an API base that is not the vendor's; it is not followed", "connection", c.Name, "err", err)
		return c.APIBase
	}
	if err := a.db.SetConnectionAPIBase(ctx, c.Name, base); err != nil {
		a.log.Warn("could not record the connection's new API base; it is followed anyway", "connection", c.Name, "base", base, "err", err)
	} else {
		a.log.Info("the vendor named a new API base for the connection", "connection", c.Name, "from", c.APIBase, "to", base)
	}
	return base
}

// limitersOf is connection id's rate limiters, the same for every session.
func (a *App) limitersOf(id int64) *connector.Limiters {
	v, _ := a.limiters.LoadOrStore(id, &connector.Limiters{})
	return v.(*connector.Limiters)
}

// refreshLockOf is the lock every session of the connection whose sign-in
// is under key refreshes under.
func (a *App) refreshLockOf(key string) *sync.Mutex {
	v, _ := a.refreshLocks.LoadOrStore(key, &sync.Mutex{})
	return v.(*sync.Mutex)
}

// Close records the session's API calls against today's usage.
func (a *App) closeSession(ctx context.Context, s *Session) {
	if s == nil {
		return
	}
	if followsTokenBase(s.Info, s.Conn) {
		// A refresh in this session may have named a new base.
		a.adoptTokenBase(context.WithoutCancel(ctx), s.Info, s.Conn)
	}
	if n := s.calls.Swap(0); n > 0 {
		_, _ = a.db.AddAPICalls(context.WithoutCancel(ctx), s.Conn.ID, int(n))
		s.limiters.Stored(n)
	}
	// The org's usage from the session's last answer, for the connection's
	// listing without a call of its own.
	if u, ok := s.Client.(orgUsager); ok {
		if used, mx := u.Usage(); mx > 0 {
			_ = a.metaCache(s.Conn).Put(context.WithoutCancel(ctx), orgUsageKey, orgUsageValue(s.Client, used, mx))
		}
	}
}

// metaCache is the connection's persistent vendor-metadata cache. Its
// failures are logged here: a connector falls back to asking the vendor
// and only reports a cache failure when that fails too.
func (a *App) metaCache(c store.Connection) connector.MetaCache {
	return loggedMetaCache{next: a.db.MetaCache(c.ID), log: a.log, conn: c.Name}
}

// forgetMetadata empties a connection's metadata cache: a (re)connect may
// point the name at another account whose schema differs. The choices a
// connector pinned (connector.PinnedPrefix: the Mailchimp audience a sync
// of "members" uses) stay when the connection had the same account before
// (old): a reconnect must not let a deleted audience be replaced.
func (a *App) forgetMetadata(ctx context.Context, id int64, name string, old, now store.Connection) {
	if old.Vendor == now.Vendor && old.AccountID != "" && old.AccountID == now.AccountID {
		if err := a.db.MetaCache(id).DropExcept(ctx, connector.PinnedPrefix); err != nil {
			a.log.Warn("empty the metadata cache", "connection", name, "err", err)
		}
		return
	}
	_ = a.metaCache(store.Connection{ID: id, Name: name}).Drop(ctx, "")
}

type loggedMetaCache struct {
	next *store.MetaCache
	log  *slog.Logger
	conn string
}

func (m loggedMetaCache) Get(ctx context.Context, key string) ([]byte, time.Time, bool, error) {
	v, at, ok, err := m.next.Get(ctx, key)
	if err != nil {
		m.log.Warn("metadata cache read failed; asking the CRM instead", "connection", m.conn, "key", key, "err", err)
	}
	return v, at, ok, err
}

func (m loggedMetaCache) Put(ctx context.Context, key string, value []byte) error {
	err := m.next.Put(ctx, key, value)
	if err != nil {
		m.log.Warn("metadata cache write failed; the next run asks the CRM again", "connection", m.conn, "key", key, "err", err)
	}
	return err
}

func (m loggedMetaCache) Drop(ctx context.Context, prefix string) error {
	err := m.next.Drop(ctx, prefix)
	if err != nil {
		m.log.Warn("metadata cache drop failed; stale metadata may be used until it expires", "connection", m.conn, "prefix", prefix, "err", err)
	}
	return err
}

// countingTransport counts every request actually sent, retries included,
// and notes a refused sign-in.
type countingTransport struct {
	next           *http.Client
	calls          *atomic.Int64
	authRefused    *atomic.Bool
	grantRefused   *atomic.Bool
	accountRefused *atomic.Bool
}

func (t countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	t.calls.Add(1)
	rt := t.next.Transport
	if rt == nil {
		rt = http.DefaultTransport
	}
	resp, err := rt.RoundTrip(r)
	// A 401 or 403 here is the answer after the one refresh and retry.
	if errors.Is(err, auth.ErrReconnectNeeded) || (resp != nil && (resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden)) {
		t.authRefused.Store(true)
	}
	if errors.Is(err, auth.ErrReconnectNeeded) && t.grantRefused != nil {
		t.grantRefused.Store(true)
	}
	if resp != nil && resp.StatusCode == http.StatusPaymentRequired && t.accountRefused != nil {
		t.accountRefused.Store(true)
	}
	return resp, err
}

func validName(name string) error {
	if name == "" {
		return errors.New("a connection needs a name (--name)")
	}
	if strings.ContainsAny(name, "/\\ \t\n") {
		return fmt.Errorf("connection name %q may not contain spaces or slashes", name)
	}
	return nil
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

var _ oauth2.TokenSource = (*auth.TokenSource)(nil)
