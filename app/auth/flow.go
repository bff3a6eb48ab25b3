package auth

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"maps"
	"net"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"syscall"
	"time"

	"golang.org/x/oauth2"
)

// DefaultTimeout bounds how long Authorize waits for the browser.
const DefaultTimeout = 5 * time.Minute

// Flow runs the loopback authorization-code flow once per Authorize call.
type Flow struct {
	Port        int                                         // fixed, configurable (vendors match redirect URIs exactly); 0 = DefaultPort; AnyPort = the kernel's pick
	OpenBrowser func(ctx context.Context, url string) error // nil = don't open (CLI --no-browser prints the URL)
	OnURL       func(url string)                            // called with the authorization URL before waiting
	Timeout     time.Duration                               // default 5 min
	HTTPClient  *http.Client                                // for the token exchange
}

// portInUseError keeps the user-facing wording exact while matching
// errors.Is(err, ErrPortInUse).
type portInUseError struct{ port int }

func (e *portInUseError) Error() string {
	return "port " + strconv.Itoa(e.port) + " is in use by another program; close it or choose another port in Settings"
}
func (e *portInUseError) Unwrap() error { return ErrPortInUse }

// Windows reports these instead of EADDRINUSE (10013 when the port sits in
// an excluded range, e.g. reserved by Hyper-V).
const (
	wsaeaddrinuse = 10048
	wsaeacces     = 10013
)

func isAddrInUse(err error) bool {
	if errors.Is(err, syscall.EADDRINUSE) {
		return true
	}
	var errno syscall.Errno
	return errors.As(err, &errno) && (uintptr(errno) == wsaeaddrinuse || uintptr(errno) == wsaeacces)
}

// listen binds the loopback interface only: never 0.0.0.0, so nobody on the
// network can deliver (or steal) the code.
func listen(ctx context.Context, port int) (net.Listener, error) {
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp4", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		if isAddrInUse(err) {
			return nil, &portInUseError{port: port}
		}
		return nil, fmt.Errorf("listen on 127.0.0.1:%d: %w", port, err)
	}
	return ln, nil
}

func randomState() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("generate state: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// Authorize opens the vendor's consent page, waits for exactly one callback
// on 127.0.0.1:Port, exchanges the code and returns the token with the
// vendor's extra fields (token.Extra("instance_url") etc.).
func (f Flow) Authorize(ctx context.Context, ep Endpoint) (*oauth2.Token, error) {
	tok, _, err := f.AuthorizeAt(ctx, ep)
	return tok, err
}

// AuthorizeAt is Authorize, also returning the endpoint the token came
// from: ep, or ep moved to the accounts server the sign-in answer named
// (Endpoint.AccountsServers), whose token URL later refreshes must use.
func (f Flow) AuthorizeAt(ctx context.Context, ep Endpoint) (*oauth2.Token, Endpoint, error) {
	vendor := ep.vendor()
	port := f.Port
	if port == 0 {
		port = DefaultPort
	}
	timeout := f.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	state, err := randomState()
	if err != nil {
		return nil, ep, fmt.Errorf("%s: %w", vendor, err)
	}
	var verifier string
	authOpts := []oauth2.AuthCodeOption{}
	for _, k := range slices.Sorted(maps.Keys(ep.AuthParams)) {
		authOpts = append(authOpts, oauth2.SetAuthURLParam(k, ep.AuthParams[k]))
	}
	if ep.PKCE {
		verifier = oauth2.GenerateVerifier()
		authOpts = append(authOpts, oauth2.S256ChallengeOption(verifier))
	}
	bind := port
	if port == AnyPort {
		bind = 0 // the kernel's pick, named in the redirect URI below
	}
	ln, err := listen(ctx, bind)
	if err != nil {
		return nil, ep, fmt.Errorf("%s: %w", vendor, err)
	}
	if port == AnyPort {
		port = ln.Addr().(*net.TCPAddr).Port
	}
	conf := ep.config(RedirectURI(ep, port))
	authURL := conf.AuthCodeURL(state, authOpts...)

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	cb := &callback{
		vendor: vendor, state: state, verifier: verifier, conf: conf, ep: ep,
		ctx: ctx, client: f.HTTPClient, result: make(chan callbackResult, 1),
	}
	mux := http.NewServeMux()
	mux.Handle(ep.redirectPath(), cb)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	served := make(chan struct{})
	go func() {
		defer close(served)
		_ = srv.Serve(ln) // returns ErrServerClosed after shutdown
	}()
	defer func() {
		cancel() // abort an exchange still in flight after a timeout
		// Shutdown closes the listener at once (later requests are refused)
		// and lets the callback page finish writing.
		sctx, scancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer scancel()
		if srv.Shutdown(sctx) != nil {
			srv.Close()
		}
		<-served
	}()

	if f.OnURL != nil {
		f.OnURL(authURL)
	}
	browserErr := make(chan error, 1)
	if f.OpenBrowser != nil {
		go func() { browserErr <- f.OpenBrowser(ctx, authURL) }()
	}

	timer := time.NewTimer(timeout)
	defer timer.Stop()
	for {
		select {
		case r := <-cb.result:
			return r.tok, r.ep, r.err
		case err := <-browserErr:
			// The URL is still shown to the user (OnURL) to open by hand.
			if err != nil && f.OnURL == nil {
				return nil, ep, fmt.Errorf("%s: open the browser: %w", vendor, err)
			}
		case <-timer.C:
			return nil, ep, fmt.Errorf("%s: no sign-in completed within %s: %w", vendor, timeout, ErrTimeout)
		case <-ctx.Done():
			return nil, ep, fmt.Errorf("%s: sign-in cancelled: %w", vendor, ctx.Err())
		}
	}
}

type callbackResult struct {
	tok *oauth2.Token
	ep  Endpoint
	err error
}

// callback handles the single redirect back from the vendor.
type callback struct {
	vendor, state, verifier string
	conf                    *oauth2.Config
	ep                      Endpoint
	ctx                     context.Context
	client                  *http.Client
	result                  chan callbackResult

	mu   sync.Mutex
	done bool
}

func (c *callback) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Connection", "close")
	// Only an answer to this sign-in ends it: a stale tab of an earlier
	// attempt, a prefetch or another local page must not cancel the sign-in
	// the user is finishing in their browser (rclone's auth server does the same).
	if !c.answersUs(r) {
		renderPage(w, http.StatusBadRequest, "This answer is not from the sign-in crmsync is waiting for (state mismatch), "+
			"so crmsync ignored it. If you started the connection more than once, finish signing in in the newest tab.")
		return
	}
	c.mu.Lock()
	if c.done {
		c.mu.Unlock()
		renderPage(w, http.StatusConflict, "This sign-in was already handled. You can close this tab.")
		return
	}
	c.done = true
	c.mu.Unlock()

	tok, ep, err := c.handle(r)
	if err != nil {
		renderPage(w, http.StatusBadRequest, "crmsync could not connect: "+err.Error())
	} else {
		renderPage(w, http.StatusOK, "crmsync is connected. You can close this tab.")
	}
	c.result <- callbackResult{tok: tok, ep: ep, err: err}
}

// answersUs reports whether r carries this sign-in's state, or is a vendor's
// error without one: some vendors drop state on errors, and an error can
// only abort the flow, never complete it.
func (c *callback) answersUs(r *http.Request) bool {
	q := r.URL.Query()
	gotState := q.Get("state")
	return c.stateOK(gotState) || (gotState == "" && q.Get("error") != "")
}

func (c *callback) stateOK(got string) bool {
	return subtle.ConstantTimeCompare([]byte(got), []byte(c.state)) == 1
}

func (c *callback) handle(r *http.Request) (*oauth2.Token, Endpoint, error) {
	q := r.URL.Query()
	if code := q.Get("error"); code != "" {
		return nil, c.ep, &VendorError{Vendor: c.vendor, Code: scrub(code), Description: scrub(q.Get("error_description"), c.state)}
	}
	code := q.Get("code")
	if code == "" {
		return nil, c.ep, fmt.Errorf("%s: the sign-in answer carried no authorization code", c.vendor)
	}
	ep, conf := c.ep, c.conf
	if server := q.Get("accounts-server"); server != "" && ep.AccountsServers != nil {
		moved, err := ep.movedTo(server)
		if err != nil {
			return nil, c.ep, fmt.Errorf("%s: %w", c.vendor, err)
		}
		ep = moved
		cc := *conf
		cc.Endpoint.TokenURL = ep.TokenURL
		conf = &cc
	}
	opts := []oauth2.AuthCodeOption{}
	if c.verifier != "" {
		opts = append(opts, oauth2.VerifierOption(c.verifier))
	}
	ctx := c.ctx
	if c.client != nil {
		ctx = context.WithValue(ctx, oauth2.HTTPClient, c.client)
	}
	tok, err := conf.Exchange(ctx, code, opts...)
	if err != nil {
		var re *oauth2.RetrieveError
		if errors.As(err, &re) {
			return nil, c.ep, fmt.Errorf("%s: token exchange: %w", c.vendor,
				vendorErrorFrom(c.vendor, re, code, c.verifier, conf.ClientSecret, c.ep.basicCredential()))
		}
		return nil, c.ep, fmt.Errorf("%s: token exchange: %w", c.vendor, redact(err, code, c.verifier, conf.ClientSecret, c.ep.basicCredential()))
	}
	return tok, ep, nil
}

var pageTmpl = template.Must(template.New("page").Parse(`<!doctype html>
<html><head><meta charset="utf-8"><title>crmsync</title>
<style>body{font-family:system-ui,sans-serif;margin:4em auto;max-width:36em;color:#222}</style></head>
<body><h1>crmsync</h1><p>{{.}}</p></body></html>
`))

func renderPage(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = pageTmpl.Execute(w, msg)
}
