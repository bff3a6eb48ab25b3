package ui

import (
	"context"
	"errors"
	"net/url"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/connector"
)

const (
	methodOAuth = "Sign in with OAuth"
	methodToken = "Paste an API token"
)

// addConnectionForm is the "Add connection" dialog's state.
type addConnectionForm struct {
	vendor   *widget.Select
	name     *widget.Entry
	method   *widget.RadioGroup
	clientID *widget.Entry
	secret   *widget.Entry
	token    *widget.Entry
	redirect *widget.Label
	docs     *widget.Hyperlink
	apiBase  *widget.Entry
	// org is the organization URL of a vendor without one API address
	// (Dynamics 365), shown only for such a vendor.
	org      *widget.Entry
	orgBox   *fyne.Container
	authURL  *widget.Entry
	tokenURL *widget.Entry
	oauthBox *fyne.Container
	tokenBox *fyne.Container
}

// showAddConnection opens the Add form; vendor and name pre-fill it for a
// reconnect.
func (u *UI) showAddConnection(vendor, name string) {
	if u.a == nil {
		return
	}
	vendors := u.a.Vendors()
	if len(vendors) == 0 {
		showError(u.win, errors.New("this build knows no CRM vendors"))
		return
	}
	f := &addConnectionForm{}
	titles := make([]string, len(vendors))
	for i, v := range vendors {
		titles[i] = v.Title
	}
	f.name = widget.NewEntry()
	f.name.SetPlaceHolder("a short name, e.g. hubspot-prod")
	f.clientID = widget.NewEntry()
	f.clientID.SetPlaceHolder("from the app you registered with the vendor")
	f.secret = widget.NewPasswordEntry()
	f.secret.SetPlaceHolder("client secret (stored in the system keyring)")
	f.token = widget.NewPasswordEntry()
	f.token.SetPlaceHolder("API token / private app key")
	f.redirect = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Monospace: true, Bold: true})
	f.redirect.Selectable = true
	copyRedirect := widget.NewButtonWithIcon("Copy", theme.ContentCopyIcon(), func() { u.app.Clipboard().SetContent(f.redirect.Text) })
	f.docs = widget.NewHyperlink("Where to register the app", nil)
	f.apiBase, f.authURL, f.tokenURL = widget.NewEntry(), widget.NewEntry(), widget.NewEntry()
	for _, e := range []*widget.Entry{f.apiBase, f.authURL, f.tokenURL} {
		e.SetPlaceHolder("default: the vendor's production address")
	}
	advanced := widget.NewAccordion(widget.NewAccordionItem("Advanced: custom endpoints", widget.NewForm(
		widget.NewFormItem("API base", f.apiBase), widget.NewFormItem("Auth URL", f.authURL), widget.NewFormItem("Token URL", f.tokenURL))))
	redirectHelp := wrapped("Register exactly this redirect URI in the vendor's app settings:")
	f.org = widget.NewEntry()
	f.org.SetPlaceHolder("https://contoso.crm.dynamics.com")
	f.orgBox = container.NewVBox(widget.NewForm(widget.NewFormItem("Organization URL", f.org)))
	f.oauthBox = container.NewVBox(f.orgBox,
		widget.NewForm(widget.NewFormItem("Client ID", f.clientID), widget.NewFormItem("Client secret", f.secret)),
		redirectHelp, container.NewBorder(nil, nil, nil, copyRedirect, f.redirect), f.docs, advanced)
	f.tokenBox = container.NewVBox(widget.NewForm(widget.NewFormItem("API token", f.token)))
	f.method = widget.NewRadioGroup([]string{methodOAuth, methodToken}, func(m string) {
		f.oauthBox.Hidden = m == methodToken
		f.tokenBox.Hidden = m != methodToken
		f.oauthBox.Refresh()
		f.tokenBox.Refresh()
	})
	f.method.Horizontal = true
	f.vendor = widget.NewSelect(titles, func(t string) {
		v := vendorByTitle(vendors, t)
		if f.name.Text == "" || isVendorName(vendors, f.name.Text) {
			f.name.SetText(v.Name)
		}
		f.redirect.SetText(u.a.RedirectURI(v.Name, u.redirectPort()))
		if link, err := url.Parse(v.OAuth.DocsURL); err == nil && v.OAuth.DocsURL != "" {
			f.docs.SetURL(link)
			f.docs.SetText(v.Title + ": where to register the app and redirect URI")
			f.docs.Show()
		} else {
			f.docs.Hide()
		}
		// A vendor with no default API address needs the user's own.
		f.orgBox.Hidden, f.org.Hidden = !v.NeedsAPIBase(), !v.NeedsAPIBase()
		f.orgBox.Refresh()
		if v.OAuth.TokenRoute {
			f.method.Enable()
		} else {
			f.method.SetSelected(methodOAuth)
			f.method.Disable()
		}
	})
	f.method.SetSelected(methodOAuth)
	start := titles[0]
	for _, v := range vendors {
		if v.Name == vendor {
			start = v.Title
		}
	}
	if name != "" {
		f.name.SetText(name)
	}
	f.vendor.SetSelected(start)

	body := container.NewVBox(
		widget.NewForm(widget.NewFormItem("CRM", f.vendor), widget.NewFormItem("Name", f.name)),
		f.method, f.oauthBox, f.tokenBox)
	var d *dialog.CustomDialog
	connect := widget.NewButtonWithIcon("Connect", theme.LoginIcon(), func() {
		req, err := f.request(vendors)
		if err != nil {
			showNote(u.win, "One more thing", sentence(err.Error()))
			return
		}
		d.Hide()
		u.connect(req)
	})
	connect.Importance = widget.HighImportance
	cancel := widget.NewButton("Cancel", func() { d.Hide() })
	d = dialog.NewCustomWithoutButtons("Add a connection", container.NewGridWrap(fyne.NewSize(600, 470), container.NewVScroll(body)), u.win)
	d.SetButtons([]fyne.CanvasObject{cancel, connect})
	d.Show()
}

func (f *addConnectionForm) request(vendors []connector.Info) (app.ConnectRequest, error) {
	v := vendorByTitle(vendors, f.vendor.Selected)
	req := app.ConnectRequest{Vendor: v.Name, Name: strings.TrimSpace(f.name.Text),
		APIBase: strings.TrimSpace(f.apiBase.Text), AuthURL: strings.TrimSpace(f.authURL.Text), TokenURL: strings.TrimSpace(f.tokenURL.Text)}
	if f.method.Selected == methodToken {
		req.Token = strings.TrimSpace(f.token.Text)
		if req.Token == "" {
			return req, errors.New("paste the API token first")
		}
		return req, nil
	}
	req.ClientID = strings.TrimSpace(f.clientID.Text)
	req.ClientSecret = strings.TrimSpace(f.secret.Text)
	if v.NeedsAPIBase() && req.APIBase == "" {
		req.APIBase = strings.TrimSpace(f.org.Text)
		if req.APIBase == "" {
			return req, errors.New("enter your organization's URL, such as https://contoso.crm.dynamics.com; the Power Platform admin center shows it under the environment's details")
		}
	}
	if req.ClientID == "" {
		return req, errors.New("enter the client ID of the app you registered with " + v.Title)
	}
	return req, nil
}

func vendorByTitle(vs []connector.Info, title string) connector.Info {
	for _, v := range vs {
		if v.Title == title {
			return v
		}
	}
	return vs[0]
}

func isVendorName(vs []connector.Info, s string) bool {
	for _, v := range vs {
		if v.Name == s {
			return true
		}
	}
	return false
}

// redirectPort is the loopback port from Settings (0 = the app's default).
func (u *UI) redirectPort() int { return u.app.Preferences().Int(prefRedirectPort) }

// connect runs the sign-in with a spinner and Cancel; the token route
// completes at once.
func (u *UI) connect(req app.ConnectRequest) {
	ctx, cancel := context.WithCancel(u.ctx)
	req.Port = u.redirectPort()
	dlg := u.newSignInDialog("the sign-in", cancel)
	req.OnURL = func(raw string) { u.do(func() { dlg.setURL(req.Vendor, raw) }) }
	u.bgErr(func(context.Context) error {
		defer cancel()
		_, err := u.a.Connect(ctx, req)
		return err
	}, func(err error) {
		dlg.done()
		if err != nil {
			if !errors.Is(err, context.Canceled) {
				showError(u.win, err)
			}
			return
		}
		u.Navigate(ScreenConnections)
	})
}
