package ui

import (
	"context"
	"errors"
	"strings"
	"unicode"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
)

// showError is the one place errors reach the user: a dialog with one
// sentence. Details belong in the log, not in the dialog.
func showError(win fyne.Window, err error) {
	if err == nil {
		return
	}
	dialog.ShowInformation("Something went wrong", errorSentence(err), win)
}

// errorSentence turns a wrapped error chain ("hubspot: batch upsert: rate
// limited") into one sentence: the first letter capitalised, a full stop at
// the end. Cancellation by the user is reported as such, not as a failure.
func errorSentence(err error) string {
	if errors.Is(err, context.Canceled) {
		return "The operation was cancelled."
	}
	msg := strings.TrimSpace(err.Error())
	if msg == "" {
		return "An unknown error occurred."
	}
	r, size := utf8.DecodeRuneInString(msg)
	msg = string(unicode.ToUpper(r)) + msg[size:]
	if !strings.HasSuffix(msg, ".") && !strings.HasSuffix(msg, "!") && !strings.HasSuffix(msg, "?") {
		msg += "."
	}
	return msg
}
