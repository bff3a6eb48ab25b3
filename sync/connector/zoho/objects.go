package zoho

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/crmsync/crmsync/sync/connector"
)

// Custom modules. A Zoho CRM organization adds its own modules, whose
// records go through the same records API (list, insert, update, upsert,
// search, delete, deleted list) and fields metadata as the standard ones,
// named by their api_name in the path. GET /crm/v8/settings/modules (the
// modules spec's getModules, scope ZohoCRM.settings.modules.READ) lists
// every module with its generated_type: "default" for Zoho's own,
// "custom" for the organization's, and others (subforms, linking modules,
// web tabs) that are no record module a sync can own. Their records need
// ZohoCRM.modules.custom.{operation} or ZohoCRM.modules.ALL: the scopes
// doc's modules methods and the upsert doc's "Possible module names" name
// "custom" for every custom module, not each by its name.

const (
	// scopeCustom reads and writes every custom module's records.
	scopeCustom = "ZohoCRM.modules.custom.ALL"
	// scopeModulesRead lists the modules (getModules' security).
	scopeModulesRead = "ZohoCRM.settings.modules.READ"
)

// moduleItem is the part of getModules' module object the connector uses.
type moduleItem struct {
	APIName       string `json:"api_name"`
	ModuleName    string `json:"module_name"`
	SingularLabel string `json:"singular_label"`
	PluralLabel   string `json:"plural_label"`
	GeneratedType string `json:"generated_type"`
	APISupported  bool   `json:"api_supported"`
	Creatable     bool   `json:"creatable"`
	Editable      bool   `json:"editable"`
	Viewable      bool   `json:"viewable"`
	Status        string `json:"status"`
}

// syncable reports whether m is a custom module a sync can read and
// write: one the API serves, the user may create and edit records in, and
// that is shown ("status": "visible").
func (m moduleItem) syncable() bool {
	return m.GeneratedType == "custom" && m.APISupported && m.Creatable && m.Editable && m.Viewable &&
		m.Status == "visible" && validModule(m.APIName)
}

// ListObjects names the organization's custom modules, each by its
// api_name, labelled `Custom module "Projects" (Projects)` after its
// plural label, from one GET of the modules list. A connection made
// before crmsync asked for the modules scope is answered 401
// OAUTH_SCOPE_MISMATCH: it has no custom modules to offer until the
// account is connected again, which is no error.
func (c *Connector) ListObjects(ctx context.Context) ([]connector.ObjectChoice, error) {
	r, err := c.call(ctx, http.MethodGet, apiRoot+"/settings/modules", nil, nil)
	if err != nil {
		return nil, fmt.Errorf("zoho: custom modules: %w", err)
	}
	if r.Status == http.StatusNoContent {
		return nil, nil
	}
	if r.Status != http.StatusOK {
		e := r.apiError()
		if e.Code == "OAUTH_SCOPE_MISMATCH" {
			return nil, nil
		}
		return nil, fmt.Errorf("zoho: custom modules: %w", e)
	}
	var body struct {
		Modules []moduleItem `json:"modules"`
	}
	if err := r.Decode(&body); err != nil {
		return nil, fmt.Errorf("zoho: custom modules: %w", err)
	}
	var out []connector.ObjectChoice
	for _, m := range body.Modules {
		if !m.syncable() || slices.Contains(Info().Objects, m.APIName) {
			continue
		}
		label := cmp.Or(m.PluralLabel, m.SingularLabel, m.ModuleName, m.APIName)
		out = append(out, connector.ObjectChoice{Name: m.APIName,
			Label: "Custom module " + strconv.Quote(label) + " (" + m.APIName + ")"})
	}
	slices.SortStableFunc(out, func(a, b connector.ObjectChoice) int { return strings.Compare(a.Label, b.Label) })
	return out, nil
}

// validModule reports whether name can be a module's api_name, which goes
// into request paths as is: letters, digits and underscores, starting
// with a letter (Zoho makes api names from labels that way [unverified:
// the exact rule]).
func validModule(name string) bool {
	if name == "" || len(name) > 100 {
		return false
	}
	for i, r := range name {
		switch {
		case r >= 'A' && r <= 'Z', r >= 'a' && r <= 'z':
		case i > 0 && (r >= '0' && r <= '9' || r == '_'):
		default:
			return false
		}
	}
	return true
}
