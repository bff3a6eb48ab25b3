package ui

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// signInDialog is shown while a browser sign-in is under way: a spinner,
// the consent URL with a Copy button (for machines where no browser opens)
// and Cancel, which cancels the flow's context.
type signInDialog struct {
	d      *dialog.CustomDialog
	status *widget.Label
	url    *widget.Label
	copy   *widget.Button
	// finished is set when the flow ended, so closing is not a cancel.
	finished bool
}

func (u *UI) newSignInDialog(what string, cancel context.CancelFunc) *signInDialog {
	return u.showSignIn(what, cancel, true)
}

// newSandboxSignInDialog is the dialog for the sandbox's sign-ins, which
// crmsync approves itself (app.ConnectSandbox): no browser, no address.
func (u *UI) newSandboxSignInDialog(cancel context.CancelFunc) *signInDialog {
	return u.showSignIn("the sandbox", cancel, false)
}

func (u *UI) showSignIn(what string, cancel context.CancelFunc, browser bool) *signInDialog {
	s := &signInDialog{status: wrapped("Starting " + what + "…")}
	s.url = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
	s.url.Selectable = true
	s.url.Truncation = fyne.TextTruncateEllipsis
	s.copy = widget.NewButtonWithIcon("Copy", theme.ContentCopyIcon(), func() {
		u.app.Clipboard().SetContent(s.url.Text)
		s.copy.SetText("Copied")
	})
	s.copy.Disable()
	hint := wrapped("Your browser opens the vendor's consent page. If it does not, copy the address into a browser on this computer. " +
		"If the page shows an error (for example an unknown client ID), press Cancel and check the app's settings.")
	hint.Importance = widget.LowImportance
	body := container.NewVBox(s.status, widget.NewProgressBarInfinite())
	if browser {
		body.Add(container.NewBorder(nil, nil, nil, s.copy, s.url))
		body.Add(hint)
	} else {
		hint.SetText("The sandbox's consent pages approve at once, so crmsync answers them itself: " +
			"the same OAuth sign-in as a real CRM's (PKCE, a one-shot listener on 127.0.0.1), with no browser tab to close.")
		body.Add(hint)
	}
	s.d = dialog.NewCustom("Connecting", "Cancel", container.NewGridWrap(fyne.NewSize(520, 230), body), u.win)
	s.d.SetOnClosed(func() {
		if !s.finished {
			cancel()
		}
	})
	s.d.Show()
	return s
}

// setURL is called (through fyne.Do) when the consent URL is known.
func (s *signInDialog) setURL(vendor, raw string) {
	s.status.SetText("Waiting for you to approve access to " + vendor + " in the browser…")
	s.url.SetText(raw)
	s.copy.Enable()
	s.copy.SetText("Copy")
}

func (s *signInDialog) setStatus(text string) { s.status.SetText(text) }

// done closes the dialog without treating it as a cancel.
func (s *signInDialog) done() {
	s.finished = true
	s.d.Hide()
}
