//go:build linux || freebsd || openbsd || netbsd

package trayhost

import (
	"context"
	"fmt"

	"github.com/godbus/dbus/v5"
)

// Present reports whether a tray host owns its D-Bus name on the session
// bus. Without a session bus there is no tray (and none is started just
// to ask): the error says why.
func Present(ctx context.Context) (bool, error) {
	conn, err := dbus.SessionBusPrivateNoAutoStartup(dbus.WithContext(ctx))
	if err != nil {
		return false, fmt.Errorf("trayhost: session bus: %w", err)
	}
	defer conn.Close()
	if err := conn.Auth(nil); err != nil {
		return false, fmt.Errorf("trayhost: session bus auth: %w", err)
	}
	if err := conn.Hello(); err != nil {
		return false, fmt.Errorf("trayhost: session bus hello: %w", err)
	}
	var owned bool
	call := conn.BusObject().CallWithContext(ctx, "org.freedesktop.DBus.NameHasOwner", 0, watcherName)
	if err := call.Store(&owned); err != nil {
		return false, fmt.Errorf("trayhost: ask for %s: %w", watcherName, err)
	}
	return owned, nil
}
