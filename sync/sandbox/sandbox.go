// Package sandbox runs the HubSpot, Salesforce, Pipedrive, Zoho CRM, Dynamics 365, Mailchimp, Klaviyo and Brevo simulators behind one
// HTTP server for the CLI, the GUI demo and end-to-end tests. It never imports a connector.
package sandbox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/crmsync/crmsync/sync/sandbox/brevo"
	"github.com/crmsync/crmsync/sync/sandbox/dynamics"
	"github.com/crmsync/crmsync/sync/sandbox/hubspot"
	"github.com/crmsync/crmsync/sync/sandbox/klaviyo"
	"github.com/crmsync/crmsync/sync/sandbox/mailchimp"
	"github.com/crmsync/crmsync/sync/sandbox/pipedrive"
	"github.com/crmsync/crmsync/sync/sandbox/salesforce"
	"github.com/crmsync/crmsync/sync/sandbox/zoho"
)

// Options configures the combined sandbox.
type Options struct {
	Seed                 int64
	Contacts             int           // contacts seeded in each vendor
	Faults               string        // e.g. "429=0.05,5xx=0.02,latency=20ms"
	Latency              time.Duration // added to every API request (overrides latency= in Faults)
	RateLimits           bool          // HubSpot 190/10 s and search 5/s; the CLI turns this on
	SalesforceDailyLimit int           // default 15000
	// Now anchors seeded timestamps and the simulators' clocks; default time.Now.
	Now func() time.Time
}

// VendorInfo is what a client needs to talk to one simulated vendor.
type VendorInfo struct {
	Vendor       string `json:"vendor"`
	APIBase      string `json:"api_base"`
	AuthURL      string `json:"auth_url"`
	TokenURL     string `json:"token_url"`
	RevokeURL    string `json:"revoke_url"`
	ClientID     string `json:"client_id"`
	ClientSecret string `json:"client_secret"`
	AccessToken  string `json:"access_token"`
}

// Stats holds request counts per vendor, then per endpoint ("METHOD /path/template").
type Stats map[string]map[string]int64

// Server is the combined sandbox.
type Server struct {
	hs       *hubspot.Sim
	sf       *salesforce.Sim
	pd       *pipedrive.Sim
	zh       *zoho.Sim
	dv       *dynamics.Sim
	mc       *mailchimp.Sim
	kv       *klaviyo.Sim
	bv       *brevo.Sim
	hsToken  string
	sfToken  string
	pdToken  string
	zhToken  string
	dvToken  string
	mcToken  string
	kvToken  string
	bvToken  string
	handler  http.Handler
	mu       sync.Mutex
	url      string
	srv      *http.Server
	served   chan struct{}
	closeErr error
}

const (
	hubspotPrefix    = "/hubspot"
	salesforcePrefix = "/salesforce"
	pipedrivePrefix  = "/pipedrive"
	zohoPrefix       = "/zoho"
	dynamicsPrefix   = "/dynamics"
	mailchimpPrefix  = "/mailchimp"
	klaviyoPrefix    = "/klaviyo"
	brevoPrefix      = "/brevo"
)

// New builds and seeds the simulators; it does not listen.
func New(opts Options) (*Server, error) {
	faults, err := ParseFaults(opts.Faults)
	if err != nil {
		return nil, fmt.Errorf("sandbox: %w", err)
	}
	if opts.Latency > 0 {
		faults.Latency = opts.Latency
	}
	if opts.Contacts < 0 {
		return nil, fmt.Errorf("sandbox: contacts must be >= 0, got %d", opts.Contacts)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s := &Server{
		hs: hubspot.New(hubspot.Options{Seed: opts.Seed, Faults: faults, RateLimits: opts.RateLimits, PathPrefix: hubspotPrefix, Now: opts.Now}),
		sf: salesforce.New(salesforce.Options{Seed: opts.Seed + 1, Faults: faults, DailyLimit: opts.SalesforceDailyLimit, PathPrefix: salesforcePrefix, Now: opts.Now}),
		pd: pipedrive.New(pipedrive.Options{Seed: opts.Seed + 2, Faults: faults, RateLimits: opts.RateLimits, PathPrefix: pipedrivePrefix, Now: opts.Now}),
		zh: zoho.New(zoho.Options{Seed: opts.Seed + 3, Faults: faults, RateLimits: opts.RateLimits, PathPrefix: zohoPrefix, Now: opts.Now}),
		dv: dynamics.New(dynamics.Options{Seed: opts.Seed + 4, Faults: faults, RateLimits: opts.RateLimits, PathPrefix: dynamicsPrefix, Now: opts.Now}),
		mc: mailchimp.New(mailchimp.Options{Seed: opts.Seed + 5, Faults: faults, RateLimits: opts.RateLimits, PathPrefix: mailchimpPrefix, Now: opts.Now}),
		kv: klaviyo.New(klaviyo.Options{Seed: opts.Seed + 6, Faults: faults, RateLimits: opts.RateLimits, PathPrefix: klaviyoPrefix, Now: opts.Now}),
		bv: brevo.New(brevo.Options{Seed: opts.Seed + 7, Faults: faults, RateLimits: opts.RateLimits, PathPrefix: brevoPrefix, Now: opts.Now}),
	}
	s.hsToken = s.hs.Auth().IssueLongLived()
	s.sfToken = s.sf.Auth().IssueLongLived()
	s.pdToken = s.pd.MintAccessToken()
	s.zhToken = s.zh.MintAccessToken()
	s.dvToken = s.dv.MintAccessToken()
	s.mcToken = s.mc.MintAccessToken()
	s.kvToken = s.kv.MintAccessToken()
	s.bvToken = s.bv.MintAccessToken()
	if err := seed(s.hs, s.sf, s.pd, s.zh, s.dv, s.mc, s.kv, s.bv, opts.Seed, opts.Contacts, opts.Now()); err != nil {
		return nil, fmt.Errorf("sandbox: seed: %w", err)
	}
	mux := http.NewServeMux()
	mux.Handle(hubspotPrefix+"/", http.StripPrefix(hubspotPrefix, s.hs))
	mux.Handle(salesforcePrefix+"/", http.StripPrefix(salesforcePrefix, s.sf))
	mux.Handle(pipedrivePrefix+"/", http.StripPrefix(pipedrivePrefix, s.pd))
	mux.Handle(zohoPrefix+"/", http.StripPrefix(zohoPrefix, s.zh))
	mux.Handle(dynamicsPrefix+"/", http.StripPrefix(dynamicsPrefix, s.dv))
	mux.Handle(mailchimpPrefix+"/", http.StripPrefix(mailchimpPrefix, s.mc))
	mux.Handle(klaviyoPrefix+"/", http.StripPrefix(klaviyoPrefix, s.kv))
	mux.Handle(brevoPrefix+"/", http.StripPrefix(brevoPrefix, s.bv))
	mux.HandleFunc("GET /_sandbox/stats", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(s.Stats())
	})
	mux.HandleFunc("GET /_sandbox/vendors", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(s.vendors("http://" + r.Host))
	})
	s.handler = mux
	return s, nil
}

// Start builds the sandbox and serves it on addr (e.g. "127.0.0.1:0") until ctx is done or Close.
func Start(ctx context.Context, addr string, opts Options) (*Server, error) {
	s, err := New(opts)
	if err != nil {
		return nil, err
	}
	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("sandbox: listen %s: %w", addr, err)
	}
	s.mu.Lock()
	s.url = "http://" + ln.Addr().String()
	s.srv = &http.Server{Handler: s.handler, ReadHeaderTimeout: 10 * time.Second}
	s.served = make(chan struct{})
	s.mu.Unlock()
	go func() {
		defer close(s.served)
		if err := s.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.mu.Lock()
			s.closeErr = err
			s.mu.Unlock()
		}
	}()
	go func() {
		select {
		case <-ctx.Done():
			_ = s.Close()
		case <-s.served:
		}
	}()
	return s, nil
}

// Handler serves /hubspot/..., /salesforce/..., /pipedrive/..., /zoho/..., /dynamics/..., /mailchimp/..., /klaviyo/..., /brevo/..., GET /_sandbox/stats
// and GET /_sandbox/vendors.
func (s *Server) Handler() http.Handler { return s.handler }

// URL is the base URL after Start ("" for a Server made with New).
func (s *Server) URL() string { s.mu.Lock(); defer s.mu.Unlock(); return s.url }

// Close stops serving (no-op for a Server made with New).
func (s *Server) Close() error {
	s.mu.Lock()
	srv, served := s.srv, s.served
	s.mu.Unlock()
	if srv == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := srv.Shutdown(ctx)
	<-served
	s.mu.Lock()
	defer s.mu.Unlock()
	if err == nil {
		err = s.closeErr
	}
	return err
}

// HubSpot gives tests direct access to the HubSpot simulator.
func (s *Server) HubSpot() *hubspot.Sim { return s.hs }

// Salesforce gives tests direct access to the Salesforce simulator.
func (s *Server) Salesforce() *salesforce.Sim { return s.sf }

// Pipedrive gives tests direct access to the Pipedrive simulator.
func (s *Server) Pipedrive() *pipedrive.Sim { return s.pd }

// Zoho gives tests direct access to the Zoho CRM simulator.
func (s *Server) Zoho() *zoho.Sim { return s.zh }

// Dynamics gives tests direct access to the Dynamics 365 simulator.
func (s *Server) Dynamics() *dynamics.Sim { return s.dv }

// Mailchimp gives tests direct access to the Mailchimp simulator.
func (s *Server) Mailchimp() *mailchimp.Sim { return s.mc }

// Klaviyo gives tests direct access to the Klaviyo simulator.
func (s *Server) Klaviyo() *klaviyo.Sim { return s.kv }

// Brevo gives tests direct access to the Brevo simulator.
func (s *Server) Brevo() *brevo.Sim { return s.bv }

// Stats returns request counts per vendor and endpoint.
func (s *Server) Stats() Stats {
	return Stats{"hubspot": s.hs.Stats(), "salesforce": s.sf.Stats(), "pipedrive": s.pd.Stats(), "zoho": s.zh.Stats(), "dynamics": s.dv.Stats(),
		"mailchimp": s.mc.Stats(), "klaviyo": s.kv.Stats(), "brevo": s.bv.Stats()}
}

// Vendors describes the simulated vendors with pre-issued, long-lived access tokens.
func (s *Server) Vendors() []VendorInfo { return s.vendors(s.URL()) }

func (s *Server) vendors(base string) []VendorInfo {
	hb, sb, pb, zb, db := base+hubspotPrefix, base+salesforcePrefix, base+pipedrivePrefix, base+zohoPrefix, base+dynamicsPrefix
	mb, kb, bb := base+mailchimpPrefix, base+klaviyoPrefix, base+brevoPrefix
	return []VendorInfo{
		{Vendor: "hubspot", APIBase: hb, AuthURL: hb + "/oauth/authorize", TokenURL: hb + "/oauth/2026-03/token",
			RevokeURL: hb + "/oauth/2026-03/token/revoke", ClientID: s.hs.Auth().ClientID(), ClientSecret: s.hs.Auth().ClientSecret(), AccessToken: s.hsToken},
		{Vendor: "salesforce", APIBase: sb, AuthURL: sb + "/services/oauth2/authorize", TokenURL: sb + "/services/oauth2/token",
			RevokeURL: sb + "/services/oauth2/revoke", ClientID: s.sf.Auth().ClientID(), ClientSecret: s.sf.Auth().ClientSecret(), AccessToken: s.sfToken},
		// APIBase is Pipedrive's api_domain; paths start with /api/v2.
		{Vendor: "pipedrive", APIBase: pb, AuthURL: pb + "/oauth/authorize", TokenURL: pb + "/oauth/token",
			RevokeURL: pb + "/oauth/revoke", ClientID: s.pd.Auth().ClientID(), ClientSecret: s.pd.Auth().ClientSecret(), AccessToken: s.pdToken},
		// Zoho's accounts server and api_domain are both the mount point.
		{Vendor: "zoho", APIBase: zb, AuthURL: zb + "/oauth/v2/auth", TokenURL: zb + "/oauth/v2/token",
			RevokeURL: zb + "/oauth/v2/token/revoke", ClientID: s.zh.Auth().ClientID(), ClientSecret: s.zh.Auth().ClientSecret(), AccessToken: s.zhToken},
		// The mount point is both the organization URL and the Microsoft
		// identity platform; a public client, so no secret, and no revoke
		// endpoint (Entra has none for a refresh token).
		{Vendor: "dynamics", APIBase: db, AuthURL: db + "/organizations/oauth2/v2.0/authorize", TokenURL: db + "/organizations/oauth2/v2.0/token",
			ClientID: s.dv.Auth().ClientID(), AccessToken: s.dvToken},
		// The mount point is both Mailchimp's login server and the api_endpoint of
		// its OAuth metadata (paths start with /3.0); Mailchimp has no revoke
		// endpoint (its tokens never expire; users revoke apps in their account).
		{Vendor: "mailchimp", APIBase: mb, AuthURL: mb + "/oauth2/authorize", TokenURL: mb + "/oauth2/token",
			ClientID: s.mc.Auth().ClientID(), ClientSecret: s.mc.Auth().ClientSecret(), AccessToken: s.mcToken},
		// The mount point is both www.klaviyo.com (the authorize page) and
		// a.klaviyo.com (the token and revoke endpoints and /api); requests
		// need the revision header (klaviyo.Revision).
		{Vendor: "klaviyo", APIBase: kb, AuthURL: kb + "/oauth/authorize", TokenURL: kb + "/oauth/token",
			RevokeURL: kb + "/oauth/revoke", ClientID: s.kv.Auth().ClientID(), ClientSecret: s.kv.Auth().ClientSecret(), AccessToken: s.kvToken},
		// The mount point is both oauth.brevo.com (the authorize and token
		// endpoints under /realms/partner/oauth) and api.brevo.com (paths start
		// with /v3; an "api-key" header or a Bearer token). Brevo documents no
		// revoke endpoint.
		{Vendor: "brevo", APIBase: bb, AuthURL: bb + "/realms/partner/oauth/authorize", TokenURL: bb + "/realms/partner/oauth/token",
			ClientID: s.bv.Auth().ClientID(), ClientSecret: s.bv.Auth().ClientSecret(), AccessToken: s.bvToken},
	}
}
