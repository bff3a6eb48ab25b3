package cli

import (
	"io"
	"log/slog"
)

// StderrLogger is the logger main.go gives the app: warnings and errors
// on w (standard error). A failure the command returns is printed once, as
// "crmsync: …", and goes to the log file only (app.App.logReturned).
func StderrLogger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelWarn}))
}
