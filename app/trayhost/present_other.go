//go:build !(linux || freebsd || openbsd || netbsd)

package trayhost

import "context"

// Present is true where the OS always has a tray (macOS menu bar extras,
// the Windows notification area).
func Present(context.Context) (bool, error) { return true, nil }
