package ui

import (
	"context"
	"errors"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/sandbox"
)

// Names of the sandbox connections and of the ready-made syncs the
// window refers to.
const (
	demoHubSpot    = "hubspot-sandbox"
	demoSalesforce = "salesforce-sandbox"
	demoPipedrive  = "pipedrive-sandbox"
	demoZoho       = "zoho-sandbox"
	demoDynamics   = "dynamics-sandbox"
	demoMailchimp  = "mailchimp-sandbox"
	demoKlaviyo    = "klaviyo-sandbox"
	demoBrevo      = "brevo-sandbox"
	demoSyncName   = app.DemoContactsName
	demoCompanies  = app.DemoCompaniesName
	demoDeals      = app.DemoDealsName
	demoPeople     = app.DemoPipedriveContactsName
)

// demoConnections are the sandbox connections the ready-made syncs use.
var demoConnections = app.DemoConnections{HubSpot: demoHubSpot, Salesforce: demoSalesforce, Pipedrive: demoPipedrive, Zoho: demoZoho, Dynamics: demoDynamics, Mailchimp: demoMailchimp, Klaviyo: demoKlaviyo, Brevo: demoBrevo}

// demoVendors are the sandbox's vendors in the order Try the sandbox
// connects them, with their connections' names.
var demoVendors = []struct{ vendor, title, name string }{{"hubspot", "HubSpot", demoHubSpot}, {"salesforce", "Salesforce", demoSalesforce},
	{"pipedrive", "Pipedrive", demoPipedrive}, {"zoho", "Zoho CRM", demoZoho}, {"dynamics", "Dynamics 365", demoDynamics},
	{"mailchimp", "Mailchimp", demoMailchimp}, {"klaviyo", "Klaviyo", demoKlaviyo}, {"brevo", "Brevo", demoBrevo}}

// sandboxIncomplete says whether some sandbox vendor has no connection.
func sandboxIncomplete(cs []app.ConnectionView) bool {
	for _, v := range demoVendors {
		if !hasConnection(cs, v.name) {
			return true
		}
	}
	return false
}

// ensureSandbox returns the running sandbox, starting one on first use.
// It serves until the window closes (Close), not just while the action
// that started it runs: the syncs it offers use it after the sign-ins.
// Starts are one at a time under sandboxStart, never under mu, which the
// UI goroutine takes (the cards, Reconnect): the window answers meanwhile.
func (u *UI) ensureSandbox() (*sandbox.Server, error) {
	u.sandboxStart.Lock()
	defer u.sandboxStart.Unlock()
	u.mu.Lock()
	srv := u.sandbox
	u.mu.Unlock()
	if srv != nil {
		return srv, nil
	}
	start := u.deps.StartSandbox
	if start == nil {
		start = func(ctx context.Context) (*sandbox.Server, error) { return app.StartSandbox(ctx, 0) }
	}
	srv, err := start(u.ctx)
	if err != nil {
		return nil, err
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.ctx.Err() != nil {
		// Close ran meanwhile (it cancels u.ctx before reading u.sandbox
		// under mu): nobody would stop this one.
		srv.Close()
		return nil, fmt.Errorf("start the sandbox: %w", u.ctx.Err())
	}
	u.sandbox = srv
	return srv, nil
}

// trySandbox starts the sandbox CRMs, connects each through the real
// loopback OAuth flow (app.ConnectSandbox answers the consent pages) and
// then offers the demo syncs.
func (u *UI) trySandbox() {
	if u.a == nil {
		return
	}
	ctx, cancel := context.WithCancel(u.ctx)
	dlg := u.newSandboxSignInDialog(cancel)
	bg(u, func(context.Context) (int, error) {
		defer cancel()
		srv, err := u.ensureSandbox()
		if err != nil {
			return 0, err
		}
		have, err := u.a.Connections(ctx)
		if err != nil {
			return 0, err
		}
		var missing []int
		for i, v := range demoVendors {
			if !hasConnection(have, v.name) {
				missing = append(missing, i)
			}
		}
		connected := 0
		for n, i := range missing {
			v := demoVendors[i]
			status := fmt.Sprintf("Signing in to the %s sandbox (%d of %d)…", v.title, n+1, len(missing))
			u.do(func() { dlg.setStatus(status) })
			if _, err := u.a.ConnectSandbox(ctx, srv, v.vendor, v.name); err != nil {
				return connected, fmt.Errorf("connect the %s sandbox: %w", v.title, err)
			}
			connected++
		}
		return connected, nil
	}, func(_ int, err error) {
		dlg.done()
		u.refreshIf(ScreenConnections)
		if err != nil {
			if !errors.Is(err, context.Canceled) {
				showError(u.win, err)
			}
			return
		}
		u.offerDemoSync()
	})
}

func hasConnection(cs []app.ConnectionView, name string) bool {
	for _, c := range cs {
		if c.Name == name {
			return true
		}
	}
	return false
}

// offerDemoSync offers, once the sandbox CRMs are connected, to add
// the ready-made two-way syncs (HubSpot ↔ each other CRM: companies,
// contacts, deals, tasks, meetings, calls and notes; HubSpot ↔ the
// Mailchimp audience, the Klaviyo profiles and the Brevo contacts), and
// opens the contacts sync's preview.
func (u *UI) offerDemoSync() {
	msg := "HubSpot, Salesforce, Pipedrive, Zoho CRM and Dynamics 365 sandboxes and Mailchimp, Klaviyo and Brevo sandboxes are connected.\n\n" +
		fmt.Sprintf("%d ready-made two-way syncs can be created. Between HubSpot and each of the other four CRMs:\n", len(app.DemoSyncs(demoConnections))) +
		"• companies (by web domain; Pipedrive by name),\n" +
		"• contacts (by email) and deals (by name), each with its company; with Salesforce, a HubSpot contact with no Contact is a Lead until a rep converts it,\n" +
		"• tasks (by subject), meetings and calls (by title) and notes (by their text), each with its contact;\n" +
		"all but the notes with their owner, people matched by email;\n" +
		"and HubSpot contacts ←→ the Mailchimp audience, ←→ the Klaviyo profiles and ←→ the Brevo contacts (by email; sync never subscribes anyone).\n\n" +
		"The contacts preview opens first; nothing is written until you press Apply. Sync all, on the Syncs screen, runs them all in the order their links need."
	// News and an offer, not a question: no question icon.
	u.showStatement("Sandbox connected", msg, "Not now", fmt.Sprintf("Create the %d syncs", len(app.DemoSyncs(demoConnections))), u.createDemoSync)
}

// demoBusy is the busy key (UI.begin) of making the ready-made syncs.
const demoBusy = "create the ready-made syncs"

func (u *UI) createDemoSync() {
	if !u.begin(demoBusy) {
		return // one making of them at a time: a second would preview twice
	}
	// Reading the accounts and checking each sync against both CRMs takes
	// as long as a slow CRM does: say so, or the window seems to do nothing.
	busy := dialog.NewCustomWithoutButtons("Creating the ready-made syncs", container.NewGridWrap(fyne.NewSize(440, 110), container.NewVBox(
		wrapped("Reading the HubSpot portal's time zone and currency, and checking each sync against both CRMs…"),
		widget.NewProgressBarInfinite())), u.win)
	busy.Show()
	var note string // what the ready-made syncs could not read, and what they assume
	u.bgErr(func(ctx context.Context) error {
		// Due dates in the HubSpot portal's time zone, deal amounts checked
		// against the accounts' currencies, read once here.
		var defs []engine.Definition
		defs, note = u.a.ReadyMadeSyncs(ctx, demoConnections)
		have, err := u.a.Connections(ctx)
		if err != nil {
			return err
		}
		for _, def := range defs {
			if !hasConnection(have, def.A.Connection) || !hasConnection(have, def.B.Connection) {
				continue // a CRM not connected (Syncs offers this with HubSpot and Salesforce alone)
			}
			if _, err := u.a.Sync(ctx, def.Name); err == nil {
				continue // already there
			}
			if err := u.a.SaveSync(ctx, def); err != nil {
				return err
			}
		}
		return u.reloadSchedules(ctx)
	}, func(err error) {
		u.end(demoBusy)
		busy.Hide()
		if err != nil {
			showError(u.win, err)
			return
		}
		u.Navigate(ScreenSyncs)
		u.openPreview(demoSyncName)
		if note != "" {
			showNote(u.win, "Check the ready-made syncs", note)
		}
	})
}

// refreshIf rebuilds the screen when it is the one on show.
func (u *UI) refreshIf(name string) {
	if u.Current() == name && !u.paneOpen {
		u.refresh()
	}
}

// isSandboxConnection says whether c is one of the connections Try the
// sandbox makes, by its vendor and name.
func isSandboxConnection(c app.ConnectionView) bool {
	for _, v := range demoVendors {
		if c.Vendor == v.vendor && c.Name == v.name {
			return true
		}
	}
	return false
}

// sandboxGone says whether c is a connection Try the sandbox made in an
// earlier crmsync: the sandbox ran inside that process and stopped with
// it, records and all, so c reaches nothing and cannot sign in again.
func (u *UI) sandboxGone(c app.ConnectionView) bool {
	return isSandboxConnection(c) && !u.hasSandbox()
}

// sandboxGoneText says what happened to a stopped sandbox's connection
// and what to do instead.
func sandboxGoneText(title string) string {
	return "The " + title + " sandbox stopped when crmsync quit, with its simulated records: it ran inside crmsync, " +
		"so this connection and the syncs that use it reach nothing now. To try the sandbox again, start crmsync --demo " +
		"(./scripts/run.sh), which keeps its own data apart; press Disconnect to remove this connection."
}

// stoppedSandboxOf returns the first connection of def that is a stopped
// sandbox's (see sandboxGone), if any.
func (u *UI) stoppedSandboxOf(ctx context.Context, def engine.Definition) (app.ConnectionView, bool) {
	cs, err := u.a.Connections(ctx)
	if err != nil {
		return app.ConnectionView{}, false
	}
	for _, c := range cs {
		if (c.Name == def.A.Connection || c.Name == def.B.Connection) && u.sandboxGone(c) {
			return c, true
		}
	}
	return app.ConnectionView{}, false
}
