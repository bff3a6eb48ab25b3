package auth

import "testing"

// TestCheckAPIBase: a token answer's API base is taken only on the
// vendor's hosts over https, or on the sign-in's own (sandbox) origin.
func TestCheckAPIBase(t *testing.T) {
	ep := Endpoint{Vendor: "Pipedrive", TokenURL: "http://127.0.0.1:4321/pipedrive/oauth/token", APIHosts: []string{"pipedrive.com"}}
	for base, ok := range map[string]bool{
		"https://acme.pipedrive.com":                   true,
		"https://ACME.pipedrive.com/":                  true,
		"http://127.0.0.1:4321/pipedrive/domains/acme": true,
		"http://acme.pipedrive.com":                    false,
		"https://evilpipedrive.com":                    false,
		"https://acme.pipedrive.com.evil.io":           false,
		"https://u:p@acme.pipedrive.com":               false,
		"https://acme.pipedrive.com:8443":              false,
		"https://acme.pipedrive.com?x=1":               false,
		"http://127.0.0.1:4322/pipedrive":              false,
		"https://127.0.0.1:4321/pipedrive":             false,
		"acme.pipedrive.com":                           false,
	} {
		if err := ep.CheckAPIBase(base); (err == nil) != ok {
			t.Errorf("CheckAPIBase(%q) = %v, want allowed %v", base, err, ok)
		}
	}
}
