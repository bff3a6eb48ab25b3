package ui

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

const settingBudget = "default_daily_budget"

// noTrayNote explains the disabled tray settings on a desktop without a tray.
const noTrayNote = "This desktop shows no system tray, so closing the window quits crmsync and scheduled syncs run while the window is open. (On GNOME, the AppIndicator extension adds a tray.)"

func (u *UI) settingsScreen() fyne.CanvasObject {
	prefs := u.app.Preferences()
	themeChoice := widget.NewRadioGroup([]string{themeSystem, themeLight, themeDark}, nil)
	themeChoice.Horizontal = true
	themeChoice.SetSelected(prefs.StringWithFallback(prefTheme, themeSystem))
	themeChoice.OnChanged = func(choice string) {
		if choice == "" { // radio groups allow deselecting; keep a choice
			themeChoice.SetSelected(themeSystem)
			return
		}
		prefs.SetString(prefTheme, choice)
		applyThemeChoice(u.app, choice)
	}

	home := u.deps.HomeDir
	if home == "" && u.a != nil {
		home = u.a.Home()
	}
	folder := widget.NewLabel(firstNonBlank(home, "(not set)"))
	folder.Selectable = true
	folder.Wrapping = fyne.TextWrapBreak

	logPath := ""
	if u.a != nil {
		logPath = u.a.LogPath()
	}
	logFile := widget.NewLabel(firstNonBlank(logPath, "(none: logging to standard error only)"))
	logFile.Selectable = true
	logFile.Wrapping = fyne.TextWrapBreak

	note := widget.NewLabel("")
	note.Importance = widget.LowImportance

	port := widget.NewEntry()
	if p := prefs.Int(prefRedirectPort); p != 0 {
		port.SetText(strconv.Itoa(p))
	}
	port.SetPlaceHolder("default")
	portHelp := "Redirect URI for new connections: "
	if u.a != nil {
		portHelp += u.a.RedirectURI("hubspot", u.redirectPort())
	}
	portLabel := wrapped(portHelp)
	portLabel.Importance = widget.LowImportance
	port.OnChanged = func(s string) {
		s = strings.TrimSpace(s)
		n, err := strconv.Atoi(s)
		switch {
		case s == "":
			prefs.SetInt(prefRedirectPort, 0)
		case err != nil || n < 1024 || n > 65535:
			note.SetText("The port must be a number from 1024 to 65535.")
			return
		case portInUse(n):
			note.SetText(fmt.Sprintf("Port %d is in use by another program, so sign-ins could not receive their answer there: pick another port. Not saved.", n))
			return
		default:
			prefs.SetInt(prefRedirectPort, n)
		}
		note.SetText("Saved. Register the new redirect URI with each vendor before connecting.")
		if u.a != nil {
			portLabel.SetText("Redirect URI for new connections: " + u.a.RedirectURI("hubspot", u.redirectPort()))
		}
	}

	budget := widget.NewEntry()
	budget.SetPlaceHolder("10000")
	budget.Disable()
	if u.a != nil {
		bg(u, func(ctx context.Context) (string, error) { return u.a.Setting(ctx, settingBudget, "") },
			func(v string, err error) {
				if err == nil {
					budget.SetText(v)
				}
				budget.Enable()
				budget.OnChanged = func(s string) { u.saveBudget(strings.TrimSpace(s), note) }
			})
	}

	notify := widget.NewCheck("Notify me when a background run fails or warns", func(b bool) { prefs.SetBool(prefNotifications, b) })
	notify.SetChecked(prefs.BoolWithFallback(prefNotifications, true))
	tray := widget.NewCheck("Keep syncing in the tray when the window is closed", func(b bool) { prefs.SetBool(prefTray, b) })
	tray.SetChecked(prefs.Bool(prefTray))
	hidden := widget.NewCheck("Start minimized to the tray", func(b bool) { prefs.SetBool(prefStartHidden, b) })
	hidden.SetChecked(prefs.Bool(prefStartHidden))
	trayItems := container.NewVBox(tray, hidden)
	if u.deps.NoTray {
		tray.Disable()
		hidden.Disable()
		trayItems.Add(lowLabel(noTrayNote))
	}

	form := widget.NewForm(
		widget.NewFormItem("Appearance", themeChoice),
		widget.NewFormItem("Data folder", folder),
		widget.NewFormItem("Log file", container.NewVBox(logFile, lowLabel("Every run, and every record that failed with the CRM's own words. Kept under 10 MB."))),
		widget.NewFormItem("OAuth redirect port", container.NewVBox(port, portLabel)),
		widget.NewFormItem("Daily API budget", container.NewVBox(budget, lowLabel("Default per connection; a run stops cleanly when it is spent."))),
		widget.NewFormItem("Notifications", notify),
		widget.NewFormItem("Tray", trayItems),
	)
	return container.NewPadded(container.NewVScroll(container.NewVBox(title("Settings"), form, note)))
}

// portInUse says whether another program listens on the loopback port the
// OAuth listener would take.
func portInUse(port int) bool {
	ln, err := net.Listen("tcp4", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		return true
	}
	ln.Close()
	return false
}

func lowLabel(s string) *widget.Label {
	l := wrapped(s)
	l.Importance = widget.LowImportance
	return l
}

func (u *UI) saveBudget(s string, note *widget.Label) {
	if s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 {
			note.SetText("The API budget must be a whole number above 0.")
			return
		}
		s = strconv.Itoa(n)
	}
	// One save per keystroke: saves wait together while a run holds the
	// data file, so a save a later keystroke replaced writes nothing and
	// the value typed last is the one kept (and the one reported).
	seq := u.budgetSaves.Add(1)
	u.bgErr(func(ctx context.Context) error {
		u.budgetMu.Lock()
		defer u.budgetMu.Unlock()
		if u.budgetSaves.Load() != seq {
			return nil
		}
		return u.a.SetSetting(ctx, settingBudget, s)
	}, func(err error) {
		if u.budgetSaves.Load() != seq {
			return // a later value's save says how it went
		}
		if err != nil {
			note.SetText(fmt.Sprintf("Not saved: %s", errorSentence(err)))
			return
		}
		note.SetText("Saved. New runs use the new budget.")
	})
}
