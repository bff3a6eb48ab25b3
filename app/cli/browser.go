package cli

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
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
	cmd.Env = withoutSecrets(os.Environ())
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("cannot open a browser (%v); open the URL yourself", err)
	}
	go cmd.Wait() // reap; the browser outlives us
	return nil
}

// withoutSecrets is env less the secrets connect reads from it: the
// browser, and all it spawns, would hold them for as long as it runs.
func withoutSecrets(env []string) []string {
	out := env[:0:0]
	for _, kv := range env {
		// Windows names are case-insensitive.
		name, _, _ := strings.Cut(kv, "=")
		if !strings.EqualFold(name, "CRMSYNC_TOKEN") && !strings.EqualFold(name, "CRMSYNC_CLIENT_SECRET") {
			out = append(out, kv)
		}
	}
	return out
}
