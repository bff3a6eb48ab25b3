//go:build linux

package cli_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/crmsync/crmsync/app/cli"
)

// openPTY opens a pseudo-terminal pair: what the program writes to the
// terminal, echo included, is read from the master.
func openPTY(t *testing.T) (master, tty *os.File) {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals here: %v", err)
	}
	if err := unix.IoctlSetPointerInt(int(m.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		m.Close()
		t.Fatalf("unlock pty: %v", err)
	}
	n, err := unix.IoctlGetInt(int(m.Fd()), unix.TIOCGPTN)
	if err != nil {
		m.Close()
		t.Fatalf("pty number: %v", err)
	}
	s, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		m.Close()
		t.Fatalf("open pty: %v", err)
	}
	return m, s
}

// A key pasted at a terminal for `--token -` does not show on the screen
// (nor in its scrollback), as a password prompt's does not.
func TestTokenFromTerminalIsNotEchoed(t *testing.T) {
	h := newHarness(t)
	vs := h.startSandbox()
	tok := vs["hubspot"].AccessToken
	master, tty := openPTY(t)
	defer master.Close()
	c := h.cmd("connect", "hubspot", "--name", "hs", "--token", "-", "--api-base", vs["hubspot"].APIBase)
	var out, errb bytes.Buffer
	c.Stdin, c.Stdout, c.Stderr = tty, &out, &errb
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	screen := make(chan string, 1)
	go func() {
		var b bytes.Buffer
		buf := make([]byte, 4096)
		for {
			n, err := master.Read(buf)
			b.Write(buf[:n])
			if err != nil {
				break
			}
		}
		screen <- b.String()
	}()
	// A person pastes once the program waits: once it has turned echo off,
	// or after a while if it never does.
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if tio, err := unix.IoctlGetTermios(int(tty.Fd()), unix.TCGETS); err == nil && tio.Lflag&unix.ECHO == 0 {
			break
		}
	}
	if _, err := master.Write([]byte(tok + "\n")); err != nil {
		t.Fatal(err)
	}
	err := c.Wait()
	tty.Close()
	var shown string
	select {
	case shown = <-screen:
	case <-time.After(5 * time.Second):
		t.Fatal("the terminal did not close")
	}
	if err != nil {
		t.Fatalf("connect --token - at a terminal: %v\nstderr: %s", err, errb.String())
	}
	if strings.Contains(shown, tok) {
		t.Fatalf("the token was echoed on the terminal: %q", shown)
	}
	assertConnected(t, h, "hs")
}

// The browser crmsync starts for the consent page (and every process it
// spawns, for as long as it runs) does not inherit the secrets connect
// took from the environment.
func TestBrowserDoesNotInheritEnvSecrets(t *testing.T) {
	bin := t.TempDir()
	dump := filepath.Join(t.TempDir(), "env")
	script := "#!/bin/sh\nenv > " + dump + ".tmp && mv " + dump + ".tmp " + dump + "\n"
	if err := os.WriteFile(filepath.Join(bin, "xdg-open"), []byte(script), 0o700); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	t.Setenv("CRMSYNC_TOKEN", "pat-na1-audit-token")
	t.Setenv("CRMSYNC_CLIENT_SECRET", "audit-client-secret")
	if err := cli.OpenBrowser(context.Background(), "http://127.0.0.1:1/authorize"); err != nil {
		t.Fatal(err)
	}
	var env []byte
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if b, err := os.ReadFile(dump); err == nil {
			env = b
			break
		}
	}
	if env == nil {
		t.Fatal("the browser was not started")
	}
	for _, s := range []string{"pat-na1-audit-token", "audit-client-secret"} {
		if bytes.Contains(env, []byte(s)) {
			t.Errorf("the browser's environment holds %q", s)
		}
	}
}
