package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/crmsync/crmsync/app"
)

func (u *UI) connectionsScreen() fyne.CanvasObject {
	if u.a == nil {
		return u.connectionsEmpty()
	}
	holder := container.NewStack(loading("connections"))
	type loaded struct {
		cs       []app.ConnectionView
		hasSyncs bool
	}
	bg(u, func(ctx context.Context) (loaded, error) {
		u.readZone()
		cs, err := u.a.Connections(ctx)
		if err != nil {
			return loaded{}, err
		}
		has, err := u.a.HasSyncs(ctx)
		return loaded{cs, has}, err
	},
		func(l loaded, err error) {
			switch {
			case err != nil:
				holder.Objects = []fyne.CanvasObject{emptyState(theme.ErrorIcon(), "Connections could not be loaded", errorSentence(err)+" "+nextStep(err))}
			case len(l.cs) == 0:
				holder.Objects = []fyne.CanvasObject{u.connectionsEmpty()}
			default:
				holder.Objects = []fyne.CanvasObject{u.connectionsList(l.cs, l.hasSyncs)}
			}
			holder.Refresh()
		})
	return holder
}

func (u *UI) connectionsEmpty() fyne.CanvasObject {
	sandbox := widget.NewButtonWithIcon("Try the sandbox", theme.MediaPlayIcon(), u.trySandbox)
	sandbox.Importance = widget.HighImportance
	connect := widget.NewButtonWithIcon("Connect a CRM", theme.LoginIcon(), func() { u.showAddConnection("", "") })
	if u.a == nil {
		sandbox.Disable()
		connect.Disable()
	}
	help := "Sign in to HubSpot, Salesforce, Pipedrive, Zoho CRM, Dynamics 365, Mailchimp, Klaviyo or Brevo in your browser, " +
		"or try the sandbox: five simulated CRMs and three marketing tools, no account needed."
	if u.deps.Demo {
		sandbox.SetText("Connect the sandbox CRMs")
		help = "Demo mode: five simulated CRMs and three marketing tools run on this computer. " +
			"Connect them through their sign-in pages, then try a ready-made sync."
	}
	return emptyState(theme.StorageIcon(), "Connect your first CRM", help, sandbox, connect)
}

// connectionsList lists the connections; the hint to create a sync shows
// only while none is saved.
func (u *UI) connectionsList(cs []app.ConnectionView, hasSyncs bool) fyne.CanvasObject {
	add := widget.NewButtonWithIcon("Add connection", theme.ContentAddIcon(), func() { u.showAddConnection("", "") })
	add.Importance = widget.HighImportance
	header := container.NewBorder(nil, nil, title("Connections"), container.NewHBox(add))
	rows := container.NewVBox()
	sandboxMissing := sandboxIncomplete(cs)
	for _, c := range cs {
		rows.Add(u.connectionCard(c))
	}
	if sandboxMissing && (u.deps.Demo || u.hasSandbox()) {
		b := widget.NewButtonWithIcon("Connect the sandbox CRMs", theme.MediaPlayIcon(), u.trySandbox)
		rows.Add(container.NewHBox(b))
	}
	body := container.NewVBox(rows)
	if !hasSyncs {
		next := wrapped("Next: with two CRMs connected, create a sync on the Syncs screen.")
		next.Importance = widget.LowImportance
		body.Add(next)
	}
	return container.NewBorder(header, nil, nil, nil, container.NewVScroll(body))
}

func (u *UI) hasSandbox() bool {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.sandbox != nil
}

func (u *UI) connectionCard(c app.ConnectionView) fyne.CanvasObject {
	name := widget.NewLabelWithStyle(c.Title+" · "+c.Name, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	account := widget.NewLabel(firstNonBlank(c.AccountName, "account unknown"))
	status := statusBadge(c.Status, c.StatusDetail)
	// crmsync's own count, against its budget: beside the org's count of
	// the last 24 hours it must not read as the org's.
	usage := widget.NewLabel(fmt.Sprintf("crmsync's API calls today: %d / %d", c.CallsToday, c.Budget))
	bar := widget.NewProgressBar()
	bar.Max = float64(max(c.Budget, 1))
	bar.SetValue(float64(min(c.CallsToday, c.Budget)))
	bar.TextFormatter = func() string { return "" }

	reconnect := widget.NewButtonWithIcon("Reconnect", theme.ViewRefreshIcon(), func() { u.reconnect(c) })
	if c.Status != "connected" && c.Status != app.StatusAccount {
		reconnect.Importance = widget.HighImportance
	}
	disconnect := widget.NewButtonWithIcon("Disconnect", theme.DeleteIcon(), nil)
	info := container.NewVBox(container.NewHBox(name, status), account)
	// The revoke takes as long as the CRM does: the card says so and a
	// second press cannot disconnect again what is already gone.
	leaving := lowLabel("Disconnecting: asking " + c.Title + " to end crmsync's access…")
	leaving.Hide()
	info.Add(leaving)
	markLeaving := func() { reconnect.Disable(); disconnect.Disable(); leaving.Show() }
	disconnect.OnTapped = func() { u.confirmDisconnect(c.Name, markLeaving) }
	if u.busy["disconnect "+c.Name] {
		markLeaving() // the screen was rebuilt while it runs
	}
	if c.OrgMax > 0 {
		info.Add(lowLabel(app.OrgUsageLine(c, u.zone())))
	}
	if u.sandboxGone(c) {
		info.Add(dangerText(sandboxGoneText(c.Title)))
	} else if c.Status == app.StatusAccount {
		// The sign-in works; only the account's owner can lift this.
		fix := " — the account's owner must fix billing or the plan in " + c.Title
		if namesAdminFix(c.StatusDetail) {
			fix = " — an administrator must fix this in " + c.Title
		}
		d := wrapped(firstNonBlank(c.StatusDetail, c.Title+" refused the account.") + fix + ", then run the sync again. Reconnecting does not help.")
		d.Importance = widget.DangerImportance
		info.Add(d)
	} else if c.StatusDetail != "" && c.Status != "connected" {
		d := wrapped(c.StatusDetail + " — press Reconnect to sign in again.")
		d.Importance = widget.DangerImportance
		info.Add(d)
	}
	// The usage sits under the account and the buttons stack, so the card
	// fits a small laptop's window with Disconnect still on screen.
	info.Add(container.NewVBox(usage, container.NewGridWrap(fyne.NewSize(200, 8), bar)))
	right := container.NewVBox(reconnect, disconnect)
	return widget.NewCard("", "", container.NewBorder(nil, nil, nil, right, info))
}

// statusBadge is a connection status as a coloured word.
func statusBadge(status, detail string) *widget.Label {
	l := widget.NewLabel("")
	switch status {
	case "connected":
		l.SetText("● connected")
		l.Importance = widget.SuccessImportance
	case "reconnect":
		l.SetText("● needs reconnect")
		l.Importance = widget.WarningImportance
	case app.StatusAccount:
		l.SetText("● account refused (billing or plan)")
		if namesAdminFix(detail) {
			l.SetText("● account problem")
		}
		l.Importance = widget.DangerImportance
	default:
		l.SetText("● " + firstNonBlank(status, "error"))
		l.Importance = widget.DangerImportance
	}
	return l
}

// reconnect runs the sign-in again: the sandbox flow for sandbox
// connections, the Add form pre-filled for real ones.
func (u *UI) reconnect(c app.ConnectionView) {
	u.mu.Lock()
	srv := u.sandbox
	u.mu.Unlock()
	if u.sandboxGone(c) {
		showNote(u.win, "The sandbox has stopped", sandboxGoneText(c.Title))
		return
	}
	if srv != nil && isSandboxConnection(c) {
		ctx, cancel := context.WithCancel(u.ctx)
		dlg := u.newSandboxSignInDialog(cancel)
		u.bgErr(func(context.Context) error {
			defer cancel()
			u.do(func() { dlg.setStatus("Signing in to the " + c.Title + " sandbox…") })
			_, err := u.a.ConnectSandbox(ctx, srv, c.Vendor, c.Name)
			return err
		}, func(err error) {
			dlg.done()
			if err != nil {
				showError(u.win, err)
			}
			u.refreshIf(ScreenConnections)
		})
		return
	}
	u.showAddConnection(c.Vendor, c.Name)
}

// confirmDisconnect asks, then disconnects name in the background;
// started (may be nil) marks its card busy meanwhile.
func (u *UI) confirmDisconnect(name string, started func()) {
	msg := fmt.Sprintf("Disconnect %s? Its sign-in is revoked and removed from this computer. Syncs that use it are kept and can be pointed at another connection.", name)
	dialog.ShowConfirm("Disconnect "+name, msg, func(ok bool) {
		if !ok || !u.begin("disconnect "+name) {
			return
		}
		if started != nil {
			started()
		}
		u.bgErr(func(ctx context.Context) error { return u.a.Disconnect(ctx, name) }, func(err error) {
			u.end("disconnect " + name)
			var unconfirmed *app.RevokeUnconfirmedError
			switch {
			case errors.As(err, &unconfirmed):
				// Done as asked: a warning, not "Something went wrong".
				showNote(u.win, "Disconnected "+name, revokeUnconfirmedText(unconfirmed))
			case err != nil:
				showError(u.win, err)
			}
			u.refreshIf(ScreenConnections)
		})
	}, u.win)
}

// revokeUnconfirmedText says a disconnect is done here while the vendor
// may still honour the sign-in, and what the user can do about it.
func revokeUnconfirmedText(e *app.RevokeUnconfirmedError) string {
	return fmt.Sprintf("%s is disconnected and its sign-in removed from this computer. The CRM did not confirm that crmsync's access ended (%s), so remove crmsync from the CRM's connected apps.",
		e.Name, strings.TrimSuffix(errorSentence(e.Err), "."))
}
