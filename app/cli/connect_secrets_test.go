package cli_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
)

// TestConnectTokenFromStdin: `--token -` reads the key from standard
// input, so it never lands in ps or the shell history, nor in the output.
func TestConnectTokenFromStdin(t *testing.T) {
	h := newHarness(t)
	vs := h.startSandbox()
	tok := vs["hubspot"].AccessToken
	c := h.cmd("connect", "hubspot", "--name", "hs", "--token", "-", "--api-base", vs["hubspot"].APIBase, "--json")
	c.Stdin = strings.NewReader("  " + tok + "\n")
	var out, errb bytes.Buffer
	c.Stdout, c.Stderr = &out, &errb
	if err := c.Run(); err != nil {
		t.Fatalf("connect --token -: %v\nstdout: %s\nstderr: %s", err, out.String(), errb.String())
	}
	if strings.Contains(out.String()+errb.String(), tok) {
		t.Fatalf("connect printed the token:\n%s%s", out.String(), errb.String())
	}
	assertConnected(t, h, "hs")
}

// TestConnectTokenFromEnv: CRMSYNC_TOKEN is used when --token is absent.
func TestConnectTokenFromEnv(t *testing.T) {
	h := newHarness(t)
	vs := h.startSandbox()
	tok := vs["hubspot"].AccessToken
	c := h.cmd("connect", "hubspot", "--name", "hs", "--api-base", vs["hubspot"].APIBase, "--json")
	c.Env = append(c.Env, "CRMSYNC_TOKEN="+tok)
	var out, errb bytes.Buffer
	c.Stdout, c.Stderr = &out, &errb
	if err := c.Run(); err != nil {
		t.Fatalf("connect with CRMSYNC_TOKEN: %v\nstdout: %s\nstderr: %s", err, out.String(), errb.String())
	}
	if strings.Contains(out.String()+errb.String(), tok) {
		t.Fatalf("connect printed the token:\n%s%s", out.String(), errb.String())
	}
	assertConnected(t, h, "hs")
}

// TestConnectClientSecretFromStdin: `--client-secret -` completes the
// OAuth flow with the secret read from standard input.
func TestConnectClientSecretFromStdin(t *testing.T) {
	h := newHarness(t)
	vs := h.startSandbox()
	v := vs["salesforce"]
	// A CRMSYNC_TOKEN left in the shell does not turn OAuth into the token route.
	h.connectWith(v, "sf", strings.NewReader(v.ClientSecret+"\n"), []string{"CRMSYNC_TOKEN=leftover"}, "--client-secret", "-")
	assertConnected(t, h, "sf")
}

// TestConnectClientSecretFromEnv: CRMSYNC_CLIENT_SECRET stands in for
// an absent --client-secret.
func TestConnectClientSecretFromEnv(t *testing.T) {
	h := newHarness(t)
	vs := h.startSandbox()
	v := vs["salesforce"]
	// The sandbox takes a PKCE exchange with no secret, so a wrong one shows the variable is read.
	if err := h.tryConnect(v, "sf", nil, []string{"CRMSYNC_CLIENT_SECRET=wrong"}); err == nil || !strings.Contains(err.Error(), "invalid_client") {
		t.Fatalf("connect with a wrong CRMSYNC_CLIENT_SECRET: %v", err)
	}
	h.connectWith(v, "sf", nil, []string{"CRMSYNC_CLIENT_SECRET=" + v.ClientSecret})
	assertConnected(t, h, "sf")
}

// TestConnectEmptyStdinToken: `--token -` with nothing on standard
// input is an error that says so, not a connection with an empty key.
func TestConnectEmptyStdinToken(t *testing.T) {
	h := newHarness(t)
	vs := h.startSandbox()
	c := h.cmd("connect", "hubspot", "--name", "hs", "--token", "-", "--api-base", vs["hubspot"].APIBase)
	c.Stdin = strings.NewReader("\n")
	var errb bytes.Buffer
	c.Stderr = &errb
	if err := c.Run(); err == nil || !strings.Contains(errb.String(), "standard input") {
		t.Fatalf("connect --token - with an empty line: %v; stderr: %s", err, errb.String())
	}
	if list := h.mustRun("connections", "--json"); strings.Contains(list, `"hs"`) {
		t.Fatalf("an empty token made a connection: %s", list)
	}
}

func assertConnected(t *testing.T, h *harness, name string) {
	t.Helper()
	var list []struct {
		Name   string `json:"name"`
		Status string `json:"status"`
	}
	out := h.mustRun("connections", "--json")
	if err := json.Unmarshal([]byte(out), &list); err != nil || len(list) != 1 || list[0].Name != name {
		t.Fatalf("connections --json: %v\n%s", err, out)
	}
	// A call through the stored secret proves it is the real one.
	h.mustRun("objects", name)
}

// connectWith is connect with the client secret given by stdin or env
// (plus flags), checking the secret is never printed.
func (h *harness) connectWith(v vendorLine, name string, stdin io.Reader, env []string, flags ...string) {
	h.t.Helper()
	if err := h.tryConnect(v, name, stdin, env, flags...); err != nil {
		h.t.Fatal(err)
	}
}

func (h *harness) tryConnect(v vendorLine, name string, stdin io.Reader, env []string, flags ...string) error {
	h.t.Helper()
	args := append([]string{"connect", v.Vendor, "--name", name, "--client-id", v.ClientID,
		"--api-base", v.APIBase, "--auth-url", v.AuthURL, "--token-url", v.TokenURL, "--revoke-url", v.RevokeURL,
		"--port", "-1", // any free loopback port: no pick-then-bind race between tests
		"--no-browser"}, flags...)
	c := h.cmd(args...)
	c.Env = append(c.Env, env...)
	c.Stdin = stdin
	out, _ := c.StdoutPipe()
	var errb bytes.Buffer
	c.Stderr = &errb
	if err := c.Start(); err != nil {
		h.t.Fatal(err)
	}
	r := bufio.NewReader(out)
	line, err := r.ReadString('\n')
	if err != nil {
		c.Wait()
		return fmt.Errorf("connect printed no URL: %v; stderr: %s", err, errb.String())
	}
	resp, err := http.Get(strings.TrimSpace(line))
	if err != nil {
		h.t.Fatalf("browser GET: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	rest, _ := io.ReadAll(r)
	if err := c.Wait(); err != nil {
		return fmt.Errorf("connect %s: %v\nstderr: %s\npage: %s", v.Vendor, err, errb.String(), body)
	}
	if all := line + string(rest) + errb.String(); strings.Contains(all, v.ClientSecret) {
		return fmt.Errorf("connect printed the client secret:\n%s", all)
	}
	return nil
}
