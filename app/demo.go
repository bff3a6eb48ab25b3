package app

import (
	"context"
	"fmt"

	"github.com/crmsync/crmsync/store"
	"github.com/crmsync/crmsync/sync/sandbox"
)

// DemoContacts is how many contacts the in-app sandbox seeds per vendor.
const DemoContacts = 200

// StartSandbox starts the HubSpot and Salesforce simulators in-process on a
// free 127.0.0.1 port, with the vendors' real rate limits.
func StartSandbox(ctx context.Context, contacts int) (*sandbox.Server, error) {
	if contacts <= 0 {
		contacts = DemoContacts
	}
	srv, err := sandbox.Start(ctx, "127.0.0.1:0", sandbox.Options{Seed: 1, Contacts: contacts, RateLimits: true})
	if err != nil {
		return nil, fmt.Errorf("start the sandbox: %w", err)
	}
	return srv, nil
}

// ConnectSandbox connects one sandbox vendor through the real loopback OAuth
// flow, exactly as a real CRM would be connected.
func (a *App) ConnectSandbox(ctx context.Context, srv *sandbox.Server, vendor, name string, onURL func(string)) (store.Connection, error) {
	for _, v := range srv.Vendors() {
		if v.Vendor != vendor {
			continue
		}
		return a.Connect(ctx, ConnectRequest{
			Vendor: vendor, Name: name, ClientID: v.ClientID, ClientSecret: v.ClientSecret,
			APIBase: v.APIBase, AuthURL: v.AuthURL, TokenURL: v.TokenURL, RevokeURL: v.RevokeURL,
			OnURL: onURL,
		})
	}
	return store.Connection{}, fmt.Errorf("the sandbox has no vendor %q", vendor)
}
