package salesforce

import (
	"net/http"

	"github.com/crmsync/crmsync/sync/connector"
)

// Info describes Salesforce for the registry. APIBase is empty: every org
// has its own instance_url, taken from the token response.
func Info() connector.Info {
	const login = "https://login.salesforce.com/services/oauth2"
	return connector.Info{
		Name:  "salesforce",
		Title: "Salesforce",
		OAuth: connector.OAuthSpec{
			AuthURL:   login + "/authorize",
			TokenURL:  login + "/token",
			RevokeURL: login + "/revoke",
			Scopes:    []string{"api", "refresh_token"},
			PKCE:      true,
			DocsURL:   "https://help.salesforce.com/s/articleView?id=xcloud.external_client_apps.htm&type=5",
			// instance_url: {MyDomain}.my.salesforce.com, a sandbox's
			// .sandbox.my.salesforce.com, older instances and sites on
			// force.com, Government Cloud Plus (.mil), Alibaba Cloud (.cn).
			APIHosts: []string{"salesforce.com", "force.com", "cloudforce.com", "database.com", "salesforce.mil", "sfcrmproducts.cn", "sfcrmapps.cn"},
		},
		BatchSize: BatchSize,
		PageSize:  PageSize,
		Objects:   []string{"Contact", "Account", "Opportunity", "Lead", "Task", "Event", "Note"},
		Contacts:  "Contact",
		New: func(client *http.Client, acct connector.Account) (connector.Connector, error) {
			c, err := New(client, acct)
			if err != nil {
				return nil, err // not a typed nil inside the interface
			}
			return c, nil
		},
	}
}
