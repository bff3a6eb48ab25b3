package cli

import (
	"context"
	"fmt"
	"os/exec"
	"runtime"
)

// OpenBrowser opens url in the user's browser (the CLI's default; the GUI
// uses Fyne's OpenURL). It returns an error when no browser can be started,
// in which case the printed URL is the fallback.
func OpenBrowser(ctx context.Context, url string) error {
	var cmd *exec.Cmd
	switch runtime.GOOS {
	case "darwin":
		cmd = exec.CommandContext(ctx, "open", url)
	case "windows":
		cmd = exec.CommandContext(ctx, "rundll32", "url.dll,FileProtocolHandler", url)
	default:
		cmd = exec.CommandContext(ctx, "xdg-open", url)
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("cannot open a browser (%v); open the URL yourself", err)
	}
	go cmd.Wait() // reap; the browser outlives us
	return nil
}
