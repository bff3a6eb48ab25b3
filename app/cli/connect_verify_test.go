package cli_test

import (
	"strings"
	"testing"
)

// TestConnectWrongTokenRefused: `crmsync connect mailchimp --token`
// with a key Mailchimp refuses exits non-zero with Mailchimp's own
// words, and lists no connection.
func TestConnectWrongTokenRefused(t *testing.T) {
	h := newHarness(t)
	vs := h.startSandbox()
	const bad = "0123456789abcdef0123456789abcdef-us1"
	out, errs, code := h.run("connect", "mailchimp", "--name", "mc", "--token", bad, "--api-base", vs["mailchimp"].APIBase)
	if code == 0 {
		t.Fatalf("connect with a wrong key exited 0\nstdout: %s\nstderr: %s", out, errs)
	}
	if !strings.Contains(errs, "API Key Invalid") || strings.Contains(out+errs, bad) {
		t.Fatalf("connect with a wrong key: want Mailchimp's \"API Key Invalid\", never the key\nstdout: %s\nstderr: %s", out, errs)
	}
	if list := h.mustRun("connections", "--json"); strings.Contains(list, `"mc"`) {
		t.Fatalf("a refused key made a connection: %s", list)
	}
}
