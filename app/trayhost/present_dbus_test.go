//go:build linux || freebsd || openbsd || netbsd

package trayhost

import (
	"bufio"
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
)

// startSessionBus runs a real, private dbus-daemon for the test and points
// DBUS_SESSION_BUS_ADDRESS at it.
func startSessionBus(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("dbus-daemon"); err != nil {
		t.Skip("dbus-daemon is missing; scripts/install-deps.sh installs it")
	}
	cmd := exec.Command("dbus-daemon", "--session", "--nofork", "--print-address=1")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	addr, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("dbus-daemon printed no address: %v", err)
	}
	addr = strings.TrimSpace(addr)
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", addr)
	return addr
}

func TestPresentFollowsTheWatcherName(t *testing.T) {
	addr := startSessionBus(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	got, err := Present(ctx)
	if err != nil || got {
		t.Fatalf("a bus where nobody owns %s: Present = %v, %v; want false, nil", watcherName, got, err)
	}

	// A tray host appears: it owns the watcher's name.
	host, err := dbus.Connect(addr)
	if err != nil {
		t.Fatal(err)
	}
	defer host.Close()
	if reply, err := host.RequestName(watcherName, dbus.NameFlagDoNotQueue); err != nil || reply != dbus.RequestNameReplyPrimaryOwner {
		t.Fatalf("claim %s: %v %v", watcherName, reply, err)
	}
	if got, err := Present(ctx); err != nil || !got {
		t.Fatalf("with a tray host on the bus: Present = %v, %v; want true, nil", got, err)
	}
}

func TestPresentWithoutSessionBusSaysWhy(t *testing.T) {
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path="+t.TempDir()+"/no-bus")
	got, err := Present(context.Background())
	if got || err == nil || !strings.Contains(err.Error(), "session bus") {
		t.Fatalf("no session bus: Present = %v, %v; want false and an error naming the session bus", got, err)
	}
}
