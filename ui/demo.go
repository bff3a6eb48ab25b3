package ui

import (
	"context"
	"errors"
	"fmt"

	"fyne.io/fyne/v2/dialog"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/sandbox"
)

// Names of the sandbox connections and the ready-made syncs.
const (
	demoHubSpot    = "hubspot-sandbox"
	demoSalesforce = "salesforce-sandbox"
	demoPipedrive  = "pipedrive-sandbox"
	demoZoho       = "zoho-sandbox"
	demoDynamics   = "dynamics-sandbox"
	demoSyncName   = "demo-contacts"
	demoCompanies  = "demo-companies"
	demoDeals      = "demo-deals"
	demoTasks      = "demo-tasks"
	demoMeetings   = "demo-meetings"
	demoCalls      = "demo-calls"
	demoNotes      = "demo-notes"
	demoPeople     = "demo-hubspot-pipedrive"
	demoOrgs       = "demo-hubspot-pipedrive-companies"
	demoPDDeals    = "demo-hubspot-pipedrive-deals"
	demoPDTasks    = "demo-hubspot-pipedrive-tasks"
	demoPDCalls    = "demo-hubspot-pipedrive-calls"
	demoPDMeetings = "demo-hubspot-pipedrive-meetings"
	demoPDNotes    = "demo-hubspot-pipedrive-notes"
	demoZohoPeople = "demo-hubspot-zoho"
	demoZohoAccts  = "demo-hubspot-zoho-accounts"
	demoZohoDeals  = "demo-hubspot-zoho-deals"
	demoZohoTasks  = "demo-hubspot-zoho-tasks"
	demoZohoCalls  = "demo-hubspot-zoho-calls"
	demoZohoMeets  = "demo-hubspot-zoho-meetings"
	demoZohoNotes  = "demo-hubspot-zoho-notes"
	demoDynPeople  = "demo-hubspot-dynamics"
	demoDynAccts   = "demo-hubspot-dynamics-accounts"
	demoDynDeals   = "demo-hubspot-dynamics-deals"
	demoDynTasks   = "demo-hubspot-dynamics-tasks"
	demoDynCalls   = "demo-hubspot-dynamics-calls"
	demoDynMeets   = "demo-hubspot-dynamics-meetings"
	demoDynNotes   = "demo-hubspot-dynamics-notes"
)

// ensureSandbox returns the running sandbox, starting one on first use.
func (u *UI) ensureSandbox(ctx context.Context) (*sandbox.Server, error) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.sandbox != nil {
		return u.sandbox, nil
	}
	start := u.deps.StartSandbox
	if start == nil {
		start = func(ctx context.Context) (*sandbox.Server, error) { return app.StartSandbox(ctx, 0) }
	}
	srv, err := start(ctx)
	if err != nil {
		return nil, err
	}
	u.sandbox = srv
	return srv, nil
}

// trySandbox starts the sandbox CRMs, connects each through the real
// loopback OAuth flow (one consent page each) and then offers the demo syncs.
func (u *UI) trySandbox() {
	if u.a == nil {
		return
	}
	ctx, cancel := context.WithCancel(u.ctx)
	dlg := u.newSignInDialog("the sandbox", cancel)
	bg(u, func(context.Context) (int, error) {
		defer cancel()
		srv, err := u.ensureSandbox(ctx)
		if err != nil {
			return 0, err
		}
		have, err := u.a.Connections(ctx)
		if err != nil {
			return 0, err
		}
		connected := 0
		for _, v := range []struct{ vendor, title, name string }{{"hubspot", "HubSpot", demoHubSpot}, {"salesforce", "Salesforce", demoSalesforce}, {"pipedrive", "Pipedrive", demoPipedrive}, {"zoho", "Zoho CRM", demoZoho}, {"dynamics", "Dynamics 365", demoDynamics}} {
			if hasConnection(have, v.name) {
				continue
			}
			u.do(func() { dlg.setStatus("Opening the " + v.title + " sandbox sign-in…") })
			_, err := u.a.ConnectSandbox(ctx, srv, v.vendor, v.name, func(raw string) {
				u.do(func() { dlg.setURL(v.title+" (sandbox)", raw) })
			})
			if err != nil {
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

// offerDemoSync asks, once the sandbox CRMs are connected, whether to add
// the ready-made two-way syncs (HubSpot ↔ each other CRM: companies,
// contacts, deals, tasks, meetings, calls and notes), and opens the
// contacts sync's preview.
func (u *UI) offerDemoSync() {
	msg := "HubSpot, Salesforce, Pipedrive, Zoho CRM and Dynamics 365 sandboxes are connected.\n\nCreate the ready-made two-way syncs? HubSpot ↔ Salesforce: companies (matched by web domain), contacts (matched by email), deals (matched by name), each contact and deal with its company, tasks (matched by subject), meetings (HubSpot meetings and Salesforce Events) and calls (HubSpot calls and Salesforce call Tasks), matched by title, and notes (HubSpot notes and Salesforce Notes, matched by their text), each with its contact. HubSpot ↔ Pipedrive: companies and organizations (matched by name), contacts (matched by email) and deals (matched by name), each with its organization, tasks, calls and meetings (HubSpot's and Pipedrive activities of those types, matched by title) and notes (matched by their text), each with its person. HubSpot ↔ Zoho CRM: companies and Accounts (matched by web domain), contacts (matched by email) and deals (matched by name), each with its account, and tasks (matched by subject), calls and meetings (matched by title) and notes (matched by their text), each with its contact. HubSpot ↔ Dynamics 365: companies and accounts (matched by web domain), contacts (matched by email) and deals and opportunities (matched by name), each with its account, and tasks (matched by subject), calls and meetings (phone calls and appointments, matched by title) and notes (matched by their text), each with its contact. The contacts preview opens first; nothing is written until you press Apply."
	d := dialog.NewConfirm("Sandbox connected", msg, func(ok bool) {
		if ok {
			u.createDemoSync()
		}
	}, u.win)
	d.SetConfirmText("Create demo sync")
	d.SetDismissText("Not now")
	d.Show()
}

func (u *UI) createDemoSync() {
	defs := []engine.Definition{ // companies first: contacts link through them
		app.DemoCompaniesSync(demoCompanies, demoHubSpot, demoSalesforce),
		app.DemoSyncWithCompanies(demoSyncName, demoHubSpot, demoSalesforce, demoCompanies),
		app.DemoDealsSync(demoDeals, demoHubSpot, demoSalesforce, demoCompanies),
		app.DemoTasksSync(demoTasks, demoHubSpot, demoSalesforce, demoSyncName),
		app.DemoMeetingsSync(demoMeetings, demoHubSpot, demoSalesforce, demoSyncName),
		app.DemoCallsSync(demoCalls, demoHubSpot, demoSalesforce, demoSyncName),
		app.DemoNotesSync(demoNotes, demoHubSpot, demoSalesforce, demoSyncName),
		app.DemoPipedriveCompaniesSync(demoOrgs, demoHubSpot, demoPipedrive),
		app.DemoPipedriveSync(demoPeople, demoHubSpot, demoPipedrive, demoOrgs),
		app.DemoPipedriveDealsSync(demoPDDeals, demoHubSpot, demoPipedrive, demoOrgs),
		app.DemoPipedriveTasksSync(demoPDTasks, demoHubSpot, demoPipedrive, demoPeople),
		app.DemoPipedriveCallsSync(demoPDCalls, demoHubSpot, demoPipedrive, demoPeople),
		app.DemoPipedriveMeetingsSync(demoPDMeetings, demoHubSpot, demoPipedrive, demoPeople),
		app.DemoPipedriveNotesSync(demoPDNotes, demoHubSpot, demoPipedrive, demoPeople),
		app.DemoZohoCompaniesSync(demoZohoAccts, demoHubSpot, demoZoho),
		app.DemoZohoSyncWithAccounts(demoZohoPeople, demoHubSpot, demoZoho, demoZohoAccts),
		app.DemoZohoDealsSync(demoZohoDeals, demoHubSpot, demoZoho, demoZohoAccts),
		app.DemoZohoTasksSync(demoZohoTasks, demoHubSpot, demoZoho, demoZohoPeople),
		app.DemoZohoCallsSync(demoZohoCalls, demoHubSpot, demoZoho, demoZohoPeople),
		app.DemoZohoMeetingsSync(demoZohoMeets, demoHubSpot, demoZoho, demoZohoPeople),
		app.DemoZohoNotesSync(demoZohoNotes, demoHubSpot, demoZoho, demoZohoPeople),
		app.DemoDynamicsCompaniesSync(demoDynAccts, demoHubSpot, demoDynamics),
		app.DemoDynamicsSync(demoDynPeople, demoHubSpot, demoDynamics, demoDynAccts),
		app.DemoDynamicsDealsSync(demoDynDeals, demoHubSpot, demoDynamics, demoDynAccts),
		app.DemoDynamicsTasksSync(demoDynTasks, demoHubSpot, demoDynamics, demoDynPeople),
		app.DemoDynamicsCallsSync(demoDynCalls, demoHubSpot, demoDynamics, demoDynPeople),
		app.DemoDynamicsMeetingsSync(demoDynMeets, demoHubSpot, demoDynamics, demoDynPeople),
		app.DemoDynamicsNotesSync(demoDynNotes, demoHubSpot, demoDynamics, demoDynPeople),
	}
	u.bgErr(func(ctx context.Context) error {
		for _, def := range defs {
			if _, err := u.a.Sync(ctx, def.Name); err == nil {
				continue // already there
			}
			if err := u.a.SaveSync(ctx, def); err != nil {
				return err
			}
		}
		return u.reloadSchedules(ctx)
	}, func(err error) {
		if err != nil {
			showError(u.win, err)
			return
		}
		u.Navigate(ScreenSyncs)
		u.openPreview(demoSyncName)
	})
}

// refreshIf rebuilds the screen when it is the one on show.
func (u *UI) refreshIf(name string) {
	if u.Current() == name && !u.paneOpen {
		u.refresh()
	}
}
