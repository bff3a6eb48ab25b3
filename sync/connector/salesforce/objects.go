package salesforce

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/crmsync/crmsync/sync/connector"
)

// globalDescribe is the part of GET /sobjects/ (Describe Global) we use:
// one DescribeGlobalSObjectResult per object the org offers this user.
type globalDescribe struct {
	SObjects []struct {
		Name          string `json:"name"`
		Label         string `json:"label"`
		Custom        bool   `json:"custom"`
		CustomSetting bool   `json:"customSetting"`
		Queryable     bool   `json:"queryable"`
		Retrieveable  bool   `json:"retrieveable"`
		Createable    bool   `json:"createable"`
		Updateable    bool   `json:"updateable"`
	} `json:"sobjects"`
}

// ListObjects names the org's custom objects a sync can use, from
// describeGlobal (one call, never cached: the editor wants what the org
// holds now). An object is offered when it is custom, its API name ends in
// __c (not a platform event's __e, a custom metadata type's __mdt or an
// external object's __x), it is no custom setting (configuration, not
// data), and this user may query, retrieve, create and update it: what a
// two-way sync needs. The standard objects stay Info().Objects. Each is
// labelled `Custom object "Project" (Project__c)`.
func (c *Conn) ListObjects(ctx context.Context) ([]connector.ObjectChoice, error) {
	u, err := c.dataURL(ctx, "/sobjects/", nil)
	if err != nil {
		return nil, err
	}
	var g globalDescribe
	if err := c.call(ctx, http.MethodGet, u, nil, &g, ""); err != nil {
		return nil, err
	}
	var out []connector.ObjectChoice
	for _, o := range g.SObjects {
		if !o.Custom || o.CustomSetting || !strings.HasSuffix(o.Name, "__c") || !apiName.MatchString(o.Name) ||
			!o.Queryable || !o.Retrieveable || !o.Createable || !o.Updateable {
			continue
		}
		label := "Custom object " + strconv.Quote(o.Label) + " (" + o.Name + ")"
		if o.Label == "" {
			label = "Custom object " + o.Name
		}
		out = append(out, connector.ObjectChoice{Name: o.Name, Label: label})
	}
	return out, nil
}
