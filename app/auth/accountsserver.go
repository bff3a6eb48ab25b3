package auth

import (
	"fmt"
	"net"
	"net/url"
	"slices"
	"strings"
)

// movedTo is ep with its token and revoke URLs on server, the accounts
// server a sign-in answer named (Zoho: "accounts-server=https://
// accounts.zoho.eu" for an organization in the EU data centre). The code
// and the client secret go only to a server ep allows: one of its
// AccountsServers over HTTPS, or the consent page's own origin (a local
// sandbox). The URLs keep their paths below the server.
func (ep Endpoint) movedTo(server string) (Endpoint, error) {
	u, err := url.Parse(server)
	if err != nil || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return ep, fmt.Errorf("the sign-in answer names an accounts server that is not a URL (%q)", server)
	}
	authURL, err := url.Parse(ep.AuthURL)
	if err != nil {
		return ep, fmt.Errorf("consent page URL: %w", err)
	}
	sameOrigin := u.Scheme == authURL.Scheme && u.Host == authURL.Host
	listed := u.Scheme == "https" && slices.Contains(ep.AccountsServers, u.Host) ||
		u.Scheme == "http" && isLoopback(u.Hostname()) && slices.Contains(ep.AccountsServers, u.Host)
	if !sameOrigin && !listed {
		return ep, fmt.Errorf("the sign-in answer names accounts server %s, which is not one of %s's data centres (%s); the sign-in code was not sent there",
			u.Host, ep.vendor(), strings.Join(ep.AccountsServers, ", "))
	}
	base := strings.TrimRight(u.Scheme+"://"+u.Host+u.EscapedPath(), "/")
	if strings.HasPrefix(ep.TokenURL, base+"/") {
		return ep, nil // already there
	}
	moved := ep
	if moved.TokenURL, err = rebase(ep.TokenURL, u.EscapedPath(), base); err != nil {
		return ep, err
	}
	if ep.RevokeURL != "" {
		if moved.RevokeURL, err = rebase(ep.RevokeURL, u.EscapedPath(), base); err != nil {
			return ep, err
		}
	}
	return moved, nil
}

// rebase puts raw's path (less serverPath, when the server has one) under
// base: https://accounts.zoho.com/oauth/v2/token on https://accounts.zoho.eu
// is https://accounts.zoho.eu/oauth/v2/token.
func rebase(raw, serverPath, base string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("token URL: %w", err)
	}
	p := u.EscapedPath()
	if sp := strings.TrimRight(serverPath, "/"); sp != "" {
		p = strings.TrimPrefix(p, sp)
	}
	return base + p, nil
}

func isLoopback(host string) bool {
	ip := net.ParseIP(host)
	return host == "localhost" || ip != nil && ip.IsLoopback()
}

// CheckAPIBase refuses an API base a token answer names (Salesforce's
// instance_url, Pipedrive's and Zoho's api_domain) unless it is on one of
// ep.APIHosts over https, or on the origin of ep's own token or consent
// URL (a local sandbox): every request to it carries the access token.
func (ep Endpoint) CheckAPIBase(base string) error {
	u, err := url.Parse(base)
	if err != nil || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("%s's sign-in names an API base that is not a plain URL; the sign-in was not sent there", ep.vendor())
	}
	if u.Scheme == "https" && u.Port() == "" && hostUnder(u.Hostname(), ep.APIHosts) {
		return nil
	}
	for _, own := range []string{ep.TokenURL, ep.AuthURL} {
		if o, err := url.Parse(own); err == nil && o.Host != "" && o.Scheme == u.Scheme && strings.EqualFold(o.Host, u.Host) {
			return nil
		}
	}
	hosts := "none"
	if len(ep.APIHosts) > 0 {
		hosts = strings.Join(ep.APIHosts, ", ")
	}
	return fmt.Errorf("%s's sign-in names API base %s://%s, which is not one of %s's hosts (%s, over https); the sign-in was not sent there",
		ep.vendor(), u.Scheme, u.Host, ep.vendor(), hosts)
}

// hostUnder says whether host is one of domains or a subdomain of one.
func hostUnder(host string, domains []string) bool {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	for _, d := range domains {
		if host == d || strings.HasSuffix(host, "."+d) {
			return true
		}
	}
	return false
}
